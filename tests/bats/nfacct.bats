#!/usr/bin/env bats
# unfacct (nfacct 1.0.2's command line over the state's accounting
# objects), the nfacct match's check against them, and the evaluator's
# counting.  Expected lines were taken from nfacct 1.0.2 and
# iptables-legacy 1.8.9 in a namespace; the last test runs the same
# commands through both where it can.

load helpers

setup() {
	fresh_state
}

ZERO="pkts = 00000000000000000000, bytes = 00000000000000000000"
NS="uiptnfa$$"

# A forwarded UDP packet of LEN bytes from eth0 to eth1's side.
fwd() {
	uiptables-trace -q -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 \
		--sport 40000 --dport 53 --length "$1" "${@:2}"
}

@test "unfacct: no command, unknown ones, prefixes, help and version" {
	run unfacct
	assert_failure 1
	assert_output "Usage: nfacct command [parameters]..."
	run unfacct -h
	assert_failure 1
	assert_output "nfacct v1.0.2: Unknown command: -h
Usage: nfacct command [parameters]..."
	run unfacct lists
	assert_failure 1
	assert_line --index 0 "nfacct v1.0.2: Unknown command: lists"
	# A prefix picks the first command in nfacct's order.
	run unfacct a x
	assert_success
	run unfacct l
	assert_output "{ $ZERO } = x;"
	run unfacct d x
	assert_success
	run unfacct help
	assert_success
	assert_line --index 1 "Usage: nfacct command [parameters]..."
	assert_line --partial "list [reset]"
	run unfacct version
	assert_success
	assert_output --partial "nfacct v1.0.2"
	run unfacct monitor
	assert_failure 1
	assert_output --partial "from the kernel"
}

@test "unfacct: the multi-call binary answers to nfacct" {
	run uiptables-multi nfacct add viamulti
	assert_success
	ln -s "$UIPT_BUILDDIR/uiptables-multi" "$BATS_TEST_TMPDIR/nfacct"
	run "$BATS_TEST_TMPDIR/nfacct" list
	assert_success
	assert_output "{ $ZERO } = viamulti;"
}

@test "unfacct add: objects, quotas, and nfacct's refusals" {
	unfacct add plain
	unfacct add pk packet 3
	unfacct add by byte 100
	unfacct add big packet -1
	unfacct add trail byte 7x
	run unfacct list
	assert_success
	assert_output "{ $ZERO } = plain;
{ $ZERO, quota = 00000000000000000003, mode = packet, overquota = no } = pk;
{ $ZERO, quota = 00000000000000000100, mode = byte, overquota = no } = by;
{ $ZERO, quota = 18446744073709551615, mode = packet, overquota = no } = big;
{ $ZERO, quota = 00000000000000000007, mode = byte, overquota = no } = trail;"
	run unfacct add plain
	assert_failure 1
	assert_output "nfacct v1.0.2: error: Device or resource busy"
	run unfacct add
	assert_failure 1
	assert_output "nfacct v1.0.2: missing object name"
	run unfacct add q packet
	assert_failure 1
	assert_output "nfacct v1.0.2: missing quota value"
	run unfacct add q packets 3
	assert_failure 1
	assert_output 'nfacct v1.0.2: argument must "byte" or "packet"'
	run unfacct add q packet x
	assert_failure 1
	assert_output "nfacct v1.0.2: error reading quota"
	run unfacct add q packet 3 extra
	assert_failure 1
	assert_output "nfacct v1.0.2: too many arguments"
	run unfacct add ""
	assert_failure 1
	assert_output "nfacct v1.0.2: error: Invalid argument"
	# None of the refused ones was made.
	run unfacct get q
	assert_failure 1
}

@test "unfacct: a name is cut to 31 bytes, as libnetfilter_acct cuts it" {
	unfacct add a0123456789012345678901234567890123456789
	run unfacct list
	assert_output "{ $ZERO } = a012345678901234567890123456789;"
	run unfacct get a0123456789012345678901234567890XYZ
	assert_success
	run unfacct add a012345678901234567890123456789
	assert_failure 1
	assert_output "nfacct v1.0.2: error: Device or resource busy"
}

@test "unfacct list and get: xml, reset, argument words" {
	run unfacct list xml
	assert_success
	assert_output ""
	unfacct add k
	unfacct add "a<b" packet 2
	run unfacct list x
	assert_output '<?xml version="1.0" encoding="utf-8"?>
<nfacct>
<obj><name>k</name><pkts>00000000000000000000</pkts><bytes>00000000000000000000</bytes></obj>
<obj><name>a<b</name><pkts>00000000000000000000</pkts><bytes>00000000000000000000</bytes></obj>
</nfacct>'
	run unfacct get k xml
	assert_output '<?xml version="1.0" encoding="utf-8"?>
<nfacct>
<obj><name>k</name><pkts>00000000000000000000</pkts><bytes>00000000000000000000</bytes></obj>
</nfacct>'
	run unfacct list foo
	assert_failure 1
	assert_output "nfacct v1.0.2: unknown argument"
	run unfacct list reset reset
	assert_failure 1
	assert_output 'Error: duplicate "reset" or collision with another option '
	run unfacct list xml x
	assert_failure 1
	assert_output 'Error: duplicate "xml" or collision with another option '
	# get takes a word twice.
	run unfacct get k r r
	assert_success
	run unfacct get k foo
	assert_failure 1
	assert_output "nfacct v1.0.2: unknown argument"
	run unfacct get
	assert_failure 1
	assert_output "nfacct v1.0.2: missing object name"
	run unfacct get nope
	assert_failure 1
	assert_output "nfacct v1.0.2: error: No such file or directory"
}

@test "unfacct list reset and get reset: print, then zero counters and the quota flag" {
	unfacct add q packet 1
	uiptables -A FORWARD -m nfacct --nfacct-name q
	fwd 100
	fwd 100
	run unfacct list reset
	assert_output "{ pkts = 00000000000000000002, bytes = 00000000000000000200, quota = 00000000000000000001, mode = packet, overquota = yes } = q;"
	run unfacct list
	assert_output "{ $ZERO, quota = 00000000000000000001, mode = packet, overquota = no } = q;"
	fwd 60
	run unfacct get q reset
	assert_output "{ pkts = 00000000000000000001, bytes = 00000000000000000060, quota = 00000000000000000001, mode = packet, overquota = yes } = q;"
	run unfacct get q
	assert_output "{ $ZERO, quota = 00000000000000000001, mode = packet, overquota = no } = q;"
}

@test "unfacct delete and flush: an object a rule uses stays (EBUSY)" {
	unfacct add used
	unfacct add free1
	unfacct add free2
	uiptables -N acct
	uiptables -A acct -p tcp -m nfacct --nfacct-name used
	run unfacct delete used
	assert_failure 1
	assert_output "nfacct v1.0.2: error: Device or resource busy"
	run unfacct delete
	assert_failure 1
	assert_output "nfacct v1.0.2: missing object name"
	run unfacct delete nope
	assert_failure 1
	assert_output "nfacct v1.0.2: error: No such file or directory"
	run unfacct delete free1 x
	assert_failure 1
	assert_output "nfacct v1.0.2: too many arguments"
	run unfacct delete free1
	assert_success
	run unfacct flush x
	assert_failure 1
	assert_output "nfacct v1.0.2: too many arguments"
	# flush says nothing of the objects it cannot remove.
	run unfacct flush
	assert_success
	assert_output ""
	run unfacct list
	assert_output "{ $ZERO } = used;"
	# Once no rule names it, it goes.
	uiptables -F acct
	run unfacct delete used
	assert_success
	run unfacct list
	assert_output ""
}

@test "unfacct restore: list lines without quota; stops at the first bad one" {
	run unfacct restore <<'EOF'
{ pkts = 00000000000000000005, bytes = 00000000000000000500 } = r1;
{pkts=7,bytes=9}=r2;trailing
EOF
	assert_success
	run unfacct list
	assert_output "{ pkts = 00000000000000000005, bytes = 00000000000000000500 } = r1;
{ pkts = 00000000000000000007, bytes = 00000000000000000009 } = r2;"
	run unfacct restore <<<"{ pkts = 1, bytes = 2, quota = 3, mode = packet, overquota = no } = r3;"
	assert_failure 1
	assert_output "nfacct v1.0.2: error reading input"
	run unfacct restore <<<"garbage"
	assert_failure 1
	assert_output "nfacct v1.0.2: invalid line"
	run unfacct restore <<'EOF'
{ pkts = 1, bytes = 2 } = r4;
{ pkts = 1, bytes = 2 } = r1;
{ pkts = 1, bytes = 2 } = r5;
EOF
	assert_failure 1
	assert_output "nfacct v1.0.2: error: Device or resource busy"
	# r4 was made before the clash; r5 never.
	run unfacct get r4
	assert_success
	run unfacct get r5
	assert_failure 1
	run unfacct restore </dev/null
	assert_success
}

@test "nfacct match: refused without its object (ENOENT), accepted with it" {
	run uiptables -A INPUT -m nfacct --nfacct-name acc
	assert_failure 1
	assert_output "iptables: No chain/target/match by that name."
	run uiptables-restore <<'EOF'
*filter
-A INPUT -m nfacct --nfacct-name acc
COMMIT
EOF
	assert_failure
	unfacct add acc
	run uiptables -A INPUT -m nfacct --nfacct-name acc
	assert_success
	# The rule's name is cut as the object's is.
	unfacct add a012345678901234567890123456789
	run uiptables -A INPUT -m nfacct --nfacct-name a0123456789012345678901234567890123456789
	assert_success
	run uiptables -S INPUT
	assert_line "-A INPUT -m nfacct --nfacct-name  acc"
	assert_line "-A INPUT -m nfacct --nfacct-name  a012345678901234567890123456789"
}

@test "evaluator: counts in the object; a quota matches once passed; kept between runs, not under --dry-run" {
	unfacct add cnt
	unfacct add pk packet 2
	unfacct add by byte 200
	uiptables-restore <<'EOF'
*filter
-A FORWARD -m nfacct --nfacct-name cnt
-A FORWARD -m nfacct --nfacct-name pk -j DROP
-A FORWARD -m nfacct --nfacct-name by
COMMIT
EOF
	run fwd 100 --expect ACCEPT
	assert_success
	run fwd 100 --expect ACCEPT
	assert_success
	# pk reached its quota with the second packet (flagged), but matches
	# only past it: the third packet is dropped.
	run unfacct list
	assert_output "{ pkts = 00000000000000000002, bytes = 00000000000000000200 } = cnt;
{ pkts = 00000000000000000002, bytes = 00000000000000000200, quota = 00000000000000000002, mode = packet, overquota = yes } = pk;
{ pkts = 00000000000000000002, bytes = 00000000000000000200, quota = 00000000000000000200, mode = byte, overquota = yes } = by;"
	run fwd 100 --expect DROP
	assert_success
	run fwd 100 --expect DROP --dry-run
	assert_success
	run unfacct list
	assert_output "{ pkts = 00000000000000000003, bytes = 00000000000000000300 } = cnt;
{ pkts = 00000000000000000003, bytes = 00000000000000000300, quota = 00000000000000000002, mode = packet, overquota = yes } = pk;
{ pkts = 00000000000000000002, bytes = 00000000000000000200, quota = 00000000000000000200, mode = byte, overquota = yes } = by;"
	# The rules' own counters agree: the byte-quota rule matched no packet.
	run uiptables -L FORWARD -v -x -n
	assert_line --regexp '^ +3 +300 +all .*nfacct-name  cnt'
	assert_line --regexp '^ +1 +100 +DROP .*nfacct-name  pk'
	assert_line --regexp '^ +0 +0 +all .*nfacct-name  by'
}

@test "evaluator: a quota of 0 is passed by the first packet" {
	unfacct add z byte 0
	uiptables -A FORWARD -m nfacct --nfacct-name z -j DROP
	run fwd 60 --expect DROP
	assert_success
}

@test "a damaged objects file is reported and left alone" {
	printf 'not an objects file' >"$UIPTABLES_STATE/nfacct"
	run unfacct list
	assert_failure 1
	assert_output --partial "nfacct is damaged or foreign (too short)"
	printf 'UIPTACCT\1\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0' >"$UIPTABLES_STATE/nfacct"
	run unfacct add x
	assert_failure 1
	assert_output --partial "damaged or foreign (sizes do not add up)"
	run uiptables -A INPUT -m nfacct --nfacct-name x
	assert_failure 1
	assert_output --partial "damaged or foreign"
	run fwd 60
	assert_failure
	assert_output --partial "damaged or foreign"
	run cat "$UIPTABLES_STATE/nfacct"
	assert_output --partial "UIPTACCT"
}

@test "a flipped byte in the objects file is a checksum mismatch" {
	unfacct add x
	printf 'y' | dd of="$UIPTABLES_STATE/nfacct" bs=1 seek=24 conv=notrunc 2>/dev/null
	run unfacct list
	assert_failure 1
	assert_output --partial "(checksum mismatch)"
}

# The same command lines through nfacct 1.0.2 in a namespace (the kernel's
# objects) and through unfacct: output, messages and exit codes equal.
compare_both() {
	local k u
	k=$(printf '%s' "$IN" | ip netns exec "$NS" nfacct "$@" 2>&1; echo "rc=$?")
	u=$(printf '%s' "$IN" | unfacct "$@" 2>&1; echo "rc=$?")
	if [ "$k" != "$u" ]; then
		echo "nfacct $*:"
		diff <(echo "$k") <(echo "$u") || true
		return 1
	fi
	compared=$((compared + 1))
}

@test "unfacct and nfacct 1.0.2 print the same for the same commands" {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	command -v nfacct >/dev/null || skip "nfacct is not installed"
	command -v iptables-legacy >/dev/null || skip "iptables-legacy is not installed"
	ip netns add "$NS" 2>/dev/null || skip "cannot create network namespaces"
	ip netns exec "$NS" nfacct list >/dev/null 2>&1 || {
		ip netns del "$NS"
		skip "the kernel here has no nfnetlink_acct"
	}
	compared=0
	IN=""
	local ok=0
	{
		compare_both "" && compare_both bogus && compare_both add &&
		compare_both add cnt && compare_both add cnt && compare_both add pk packet 3 &&
		compare_both add by byte 100 && compare_both add q packets 3 &&
		compare_both add q packet && compare_both add q packet x &&
		compare_both add m packet -1 && compare_both add t byte 3x &&
		compare_both add q packet 3 extra && compare_both add "" &&
		compare_both add a0123456789012345678901234567890123456789 &&
		compare_both list && compare_both list xml && compare_both l x r &&
		compare_both list foo && compare_both list reset reset && compare_both list xml xml &&
		compare_both get && compare_both get nope && compare_both get pk &&
		compare_both get pk xml && compare_both get pk foo && compare_both get cnt r r &&
		compare_both get a0123456789012345678901234567890ZZZ &&
		compare_both delete && compare_both delete nope && compare_both delete cnt x &&
		compare_both delete t && compare_both flush x
	} || ok=1
	if [ $ok = 0 ]; then
		IN="{ pkts = 5, bytes = 500 } = r1;
{pkts=7,bytes=9}=r2;x
"
		compare_both restore || ok=1
		IN="{ pkts = 1, bytes = 2 } = r3;
{ pkts = 1, bytes = 2 } = r1;
"
		compare_both restore || ok=1
		IN="garbage"
		compare_both restore || ok=1
		IN="{ pkts = 1, bytes = 2, quota = 3, mode = packet, overquota = no } = r4;"
		compare_both restore || ok=1
		IN=""
	fi
	if [ $ok = 0 ]; then
		# A rule uses pk: delete refuses, flush leaves it.
		ip netns exec "$NS" iptables-legacy -A INPUT -m nfacct --nfacct-name pk
		uiptables -A INPUT -m nfacct --nfacct-name pk
		{ compare_both delete pk && compare_both flush && compare_both list; } || ok=1
	fi
	ip netns del "$NS"
	echo "$compared command lines compared" >&3
	[ $ok = 0 ]
	[ "$compared" -eq 40 ]
}
