#!/bin/bash
# capture.sh - regenerate the golden fixtures in tests/golden/ from the REAL
# iptables-legacy (1.8.9 on the machine they were made on).
#
# usage: tests/golden/capture.sh [NAME...]     (default: every blob/*.save)
#
# Needs root, iptables-legacy{,-save,-restore}, ip(8), python3 and blobcap
# (BLOBCAP=/work/shared/tools/blobcap by default; built with make if needed).
#
# The real iptables runs ONLY inside network namespaces this script creates
# itself (ug_golden_<pid>_<n>), each checked to be a different namespace from
# the one the script was started in and to be fresh (no iptables table loaded)
# before anything runs in it. Every namespace is deleted on exit. blobcap's
# `capture` makes and deletes its own bc_* namespace for the blobs.
#
# NOT part of the test suite: the tests only read the fixtures.
#
# A ruleset file may carry a line "# capture-flags: -c" (restore --counters).
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BLOBCAP=${BLOBCAP:-/work/shared/tools/blobcap}
BLOBDUMP="python3 $BLOBCAP/blobdump"

die() { echo "capture.sh: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root (ip netns add)"
for c in ip iptables-legacy iptables-legacy-save iptables-legacy-restore python3; do
	command -v "$c" >/dev/null || die "$c not found"
done
[ -x "$BLOBCAP/capture" ] || die "blobcap not found at $BLOBCAP"
[ -f "$BLOBCAP/blobcap.so" ] || make -s -C "$BLOBCAP" >&2 || die "building blobcap failed"
iptables-legacy --version | grep -q 'v1\.8\.9' ||
	echo "capture.sh: warning: fixtures were made with iptables 1.8.9, this is $(iptables-legacy --version)" >&2

HOST_NETNS=$(readlink /proc/self/ns/net)
NS=            # the namespace currently in use
NS_ID=         # its /proc/self/ns/net identity
CREATED=()     # every namespace this script made
SEQ=0

cleanup() {
	local n
	for n in "${CREATED[@]}"; do ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Create a fresh namespace and make it the current one.
newns() {
	SEQ=$((SEQ + 1))
	local n=ug_golden_$$_$SEQ
	ip netns list | grep -qw "^$n" && die "namespace $n already exists"
	ip netns add "$n" || die "ip netns add $n failed"
	CREATED+=("$n")
	NS_ID=$(ip netns exec "$n" readlink /proc/self/ns/net)
	[ -n "$NS_ID" ] && [ "$NS_ID" != "$HOST_NETNS" ] ||
		die "namespace $n is not a separate network namespace; refusing"
	[ -z "$(ip netns exec "$n" cat /proc/net/ip_tables_names 2>/dev/null)" ] ||
		die "namespace $n is not fresh (iptables tables already loaded); refusing"
	NS=$n
}

delns() {
	ip netns del "$NS"
	NS= NS_ID=
}

# Run a command in the current namespace; refuse if it is not one we made.
inns() {
	local n ok=0
	[ -n "$NS" ] || die "no namespace; refusing to run $*"
	for n in "${CREATED[@]}"; do [ "$n" = "$NS" ] && ok=1; done
	[ $ok = 1 ] || die "namespace $NS was not made by this script; refusing"
	[ "$(ip netns exec "$NS" readlink /proc/self/ns/net)" = "$NS_ID" ] ||
		die "namespace $NS changed identity; refusing"
	ip netns exec "$NS" "$@"
}

# Record stdout of a command run in the namespace into a file; stderr must be empty.
rec() {
	local out=$1; shift
	local err
	err=$(inns "$@" 2>&1 >"$out") || die "failed: $* : $err"
	[ -z "$err" ] || echo "capture.sh: note: '$*' wrote to stderr: $err" >&2
}

builtins_of() {
	case $1 in
	filter|security) echo INPUT FORWARD OUTPUT ;;
	nat) echo PREROUTING INPUT OUTPUT POSTROUTING ;;
	mangle) echo PREROUTING INPUT FORWARD OUTPUT POSTROUTING ;;
	raw) echo PREROUTING OUTPUT ;;
	*) die "unknown table $1" ;;
	esac
}

# First user chain declared for table $2 in file $1 (empty if none).
first_user_chain() {
	awk -v t="$2" '/^\*/ { cur = substr($0, 2) } cur == t && /^:/ && $2 == "-" { print substr($1, 2); exit }' "$1"
}

capture_one() {
	local save=$1 name flags tables t tmp f cnt b
	name=$(basename "$save" .save)
	flags=$(sed -n 's/^# capture-flags: *//p' "$save" | head -1)
	tables=$(sed -n 's/^\*//p' "$save" | awk '!seen[$0]++')
	echo "== $name ${flags:+($flags)} tables: $(echo $tables)"

	# 1. blobs, through blobcap (its own bc_* namespace)
	tmp=$(mktemp -d)
	# shellcheck disable=SC2086
	"$BLOBCAP/capture" "$save" "$tmp/cap" $flags >"$tmp/summary" 2>&1 ||
		{ cat "$tmp/summary" >&2; rm -rf "$tmp"; die "blobcap capture of $name failed"; }
	rm -f "$HERE/blob/$name".*.bin
	for t in $tables; do
		[ -f "$tmp/cap/$t.bin" ] || die "$name: no REPLACE blob for $t"
		cp "$tmp/cap/$t.bin" "$HERE/blob/$name.$t.bin"
		cnt=$(ls "$tmp/cap/raw" | grep -E -- "^[0-9]+-$t-counters-v4\.bin$" | sort | tail -1 || true)
		[ -z "$cnt" ] || cp "$tmp/cap/raw/$cnt" "$HERE/blob/$name.$t.counters.bin"
	done
	rm -rf "$tmp"
	for b in "$HERE/blob/$name".*.bin; do
		$BLOBDUMP --check "$b" >/dev/null || die "blobdump --check failed on $b"
	done

	# 2. text outputs, in a namespace of our own
	f=$HERE/out/$name
	rm -rf "$f"
	mkdir -p "$f"
	newns
	# shellcheck disable=SC2086
	inns iptables-legacy-restore $flags <"$save" || die "restore of $name failed"
	# save first: -t T below would load tables that are not in the file
	inns iptables-legacy-save | grep -v '^#' >"$f/save"
	inns iptables-legacy-save -c | grep -v '^#' >"$f/save-c"
	for t in $tables; do
		rec "$f/$t.S" iptables-legacy -t "$t" -S
		rec "$f/$t.L" iptables-legacy -t "$t" -L
		rec "$f/$t.Ln" iptables-legacy -t "$t" -L -n
		rec "$f/$t.Lv" iptables-legacy -t "$t" -L -v
		rec "$f/$t.Lvn" iptables-legacy -t "$t" -L -v -n
		rec "$f/$t.Lvnx" iptables-legacy -t "$t" -L -v -n -x
		rec "$f/$t.Lnl" iptables-legacy -t "$t" -L -n --line-numbers
		rec "$f/$t.Lvnl" iptables-legacy -t "$t" -L -v -n --line-numbers
		local chains u
		chains=$(builtins_of "$t" | awk '{print $1}')
		u=$(first_user_chain "$save" "$t")
		for c in $chains $u; do
			rec "$f/$t.L-$c" iptables-legacy -t "$t" -L "$c" -n
			rec "$f/$t.S-$c" iptables-legacy -t "$t" -S "$c"
		done
	done
	delns
}

cd "$HERE"
mkdir -p blob out
if [ $# -gt 0 ]; then
	sets=()
	for a in "$@"; do sets+=("blob/${a%.save}.save"); done
else
	sets=(blob/*.save)
fi
for s in "${sets[@]}"; do
	[ -r "$s" ] || die "no ruleset $s"
	capture_one "$HERE/$s"
done
echo "done: $(ls blob/*.bin | wc -l) .bin files"
