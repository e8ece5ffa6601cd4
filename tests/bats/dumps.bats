#!/usr/bin/env bats
# Round trips on the real-world iptables-save files of iptables' own shell
# tests: restore, save each table in the file's order, and get the file
# back (comment lines aside), then save -> restore -> save is a fixed point.
# The files live outside the project (../shared/peer/dumps); without them
# the tests skip.

load helpers

DUMPS="${UIPT_DUMPS:-$UIPT_SRCDIR/../shared/peer/dumps}"

save_tables() {
	for t in $2; do
		uiptables-save $1 -t "$t" | grep -v '^#'
	done
}

# restore FILE; save its tables in its order; restore that; save again.
round_trip() {
	local f="$DUMPS/$1" mode=$2 c="" tables
	[ -f "$f" ] || skip "no $f"
	grep -q '^\[' "$f" && c=-c
	tables=$(grep '^\*' "$f" | tr -d '*')
	fresh_state
	uiptables-restore $c < "$f"
	save_tables "$c" "$tables" > "$BATS_TEST_TMPDIR/s1"
	if [ "$mode" = identical ]; then
		grep -v '^#' "$f" | diff -u - "$BATS_TEST_TMPDIR/s1"
	fi
	fresh_state
	uiptables-restore $c < "$BATS_TEST_TMPDIR/s1"
	save_tables "$c" "$tables" > "$BATS_TEST_TMPDIR/s2"
	diff -u "$BATS_TEST_TMPDIR/s1" "$BATS_TEST_TMPDIR/s2"
}

@test "dump round trip: ipt-save-filter.txt" { round_trip ipt-save/ipt-save-filter.txt identical; }
@test "dump round trip: policy-drop.txt" { round_trip ipt-save/policy-drop.txt identical; }
@test "dump round trip: wireless.txt" { round_trip ipt-save/wireless.txt identical; }
@test "dump round trip: fedora27-iptables (counters)" { round_trip ipt-save/fedora27-iptables identical; }
# Policy counters without -c, blank lines: only the fixed point holds.
@test "dump round trip: ipt-restore iptables.dump" { round_trip ipt-restore/iptables.dump fixed; }
@test "dump round trip: firewalld complete ruleset" { round_trip firewalld-restore/ipt-save-completed.txt identical; }
