#!/usr/bin/env bats
# Each golden ruleset, restored into a fresh state, must give the bytes
# and the text the real iptables-legacy gave (tests/golden/README.md).

load helpers

rulesets() {
	for f in "$GOLDEN"/blob/*.save; do basename "$f" .save; done
}

restore_golden() {
	local name=$1 flags=""
	grep -q '^# capture-flags: -c' "$GOLDEN/blob/$name.save" && flags=-c
	uiptables-restore $flags < "$GOLDEN/blob/$name.save"
}

# 1.8.9's -L -n printed protocol numbers; 1.8.11 prints iptables' own
# protocol names, so only the column differs from the captured files.
check_listing() {
	local name=$1 table=$2 kind=$3 args=$4 want got
	want="$GOLDEN/out/$name/$table.$kind"
	[ -f "$want" ] || return 0
	got="$BATS_TEST_TMPDIR/$name.$table.$kind"
	uiptables -t "$table" $args > "$got"
	case "$kind" in
	*n*) awk -f "$UIPT_SRCDIR/tests/golden/proto-names.awk" "$want" > "$got.want"
	     want="$got.want" ;;
	esac
	diff -u "$want" "$got"
}

@test "golden: blobs byte-identical to iptables-legacy's" {
	local n=0
	for name in $(rulesets); do
		fresh_state
		restore_golden "$name"
		for bin in "$GOLDEN"/blob/"$name".*.bin; do
			case "$bin" in *.counters.bin) continue ;; esac
			table=${bin#"$GOLDEN/blob/$name."}; table=${table%.bin}
			stored_blob "$table" > "$BATS_TEST_TMPDIR/got.bin"
			# Only the 8 pointer bytes of ipt_replace may differ.
			bad=$(diff_offsets "$bin" "$BATS_TEST_TMPDIR/got.bin" | awk '$1 < 88 || $1 > 95')
			if [ -n "$bad" ] || [ "$(stat -c %s "$bin")" != "$(stat -c %s "$BATS_TEST_TMPDIR/got.bin")" ]; then
				echo "$name.$table differs at: $(echo $bad | head -c 200)"
				return 1
			fi
			n=$((n + 1))
		done
	done
	echo "$n blobs compared"
	[ "$n" -ge 20 ]
}

@test "golden: iptables-save output identical" {
	for name in $(rulesets); do
		fresh_state
		restore_golden "$name"
		uiptables-save | grep -v '^#' > "$BATS_TEST_TMPDIR/save"
		diff -u "$GOLDEN/out/$name/save" "$BATS_TEST_TMPDIR/save" || { echo "in $name"; return 1; }
		uiptables-save -c | grep -v '^#' > "$BATS_TEST_TMPDIR/save-c"
		diff -u "$GOLDEN/out/$name/save-c" "$BATS_TEST_TMPDIR/save-c" || { echo "in $name -c"; return 1; }
	done
}

@test "golden: -S listings identical" {
	for name in $(rulesets); do
		fresh_state
		restore_golden "$name"
		for f in "$GOLDEN/out/$name"/*.S; do
			table=$(basename "$f" .S)
			check_listing "$name" "$table" S "-S" || { echo "in $name"; return 1; }
		done
	done
}

@test "golden: -L listings identical, numeric and verbose" {
	for name in $(rulesets); do
		fresh_state
		restore_golden "$name"
		for f in "$GOLDEN/out/$name"/*.Ln; do
			table=$(basename "$f" .Ln)
			check_listing "$name" "$table" Ln "-L -n" &&
			check_listing "$name" "$table" Lvn "-L -v -n" &&
			check_listing "$name" "$table" Lvnx "-L -v -n -x" &&
			check_listing "$name" "$table" Lnl "-L -n --line-numbers" &&
			check_listing "$name" "$table" Lvnl "-L -v -n --line-numbers" ||
			{ echo "in $name"; return 1; }
		done
	done
}

@test "golden: -L listings identical, names resolved" {
	command -v unshare >/dev/null && unshare -n true 2>/dev/null ||
		skip "needs unshare -n to keep name lookups off the network"
	for name in $(rulesets); do
		fresh_state
		restore_golden "$name"
		for f in "$GOLDEN/out/$name"/*.L; do
			table=$(basename "$f" .L)
			unshare -n uiptables -t "$table" -L > "$BATS_TEST_TMPDIR/L"
			diff -u "$f" "$BATS_TEST_TMPDIR/L" || { echo "in $name"; return 1; }
			unshare -n uiptables -t "$table" -L -v > "$BATS_TEST_TMPDIR/Lv"
			diff -u "$GOLDEN/out/$name/$table.Lv" "$BATS_TEST_TMPDIR/Lv" || { echo "in $name -v"; return 1; }
		done
	done
}
