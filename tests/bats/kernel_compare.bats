#!/usr/bin/env bats
# The evaluator against the real kernel: namespaces made here (client,
# firewall, server joined by veth, documentation addresses only) run the
# same ruleset with iptables-legacy; packets built with scapy go through
# both; rules hit, what arrives and the conntrack table must agree
# (tests/kernel/kcompare.py).  Skips where that cannot run.
# UIPT_KCOMPARE_SEED picks another random ruleset and flow sequence.

load helpers

KC="$UIPT_SRCDIR/tests/kernel/kcompare.py"
PREFIX="uiptk$$"

setup() {
	kernel_ready
	ip netns del "${PREFIX}_probe"
	fresh_state
}

teardown() {
	kernel_teardown
}

kcompare() {
	run /usr/bin/python3 "$KC" --prefix "$PREFIX" --trace "$UIPT_BUILDDIR" \
		--state "$UIPTABLES_STATE" "$@"
	echo "$output" | grep -v '^-A \|^:\|^\*\|^COMMIT' | head -40
	[ "$status" -ne 77 ] || skip "kcompare cannot run here"
	[ "$status" -eq 0 ]
}

@test "kernel: filter chains, goto, RETURN, TTL expiry" {
	kcompare --rules "$UIPT_SRCDIR/tests/kernel/cases/basic.save" \
		--packets "$UIPT_SRCDIR/tests/kernel/cases/basic.packets"
}

@test "kernel: conntrack handshake and teardown, INVALID, ICMP RELATED" {
	printf '*filter\n-A INPUT -m conntrack --ctstate NEW\nCOMMIT\n' |
		uiptables-restore --test 2>/dev/null || skip "conntrack match not built in"
	kcompare --rules "$UIPT_SRCDIR/tests/kernel/cases/conntrack.save" \
		--packets "$UIPT_SRCDIR/tests/kernel/cases/conntrack.packets"
}

@test "kernel: DNAT, SNAT, MASQUERADE with replies de-NATed, REJECT" {
	printf '*nat\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n*filter\n-A INPUT -j REJECT\nCOMMIT\n' |
		uiptables-restore --test 2>/dev/null || skip "NAT or REJECT targets not built in"
	kcompare --rules "$UIPT_SRCDIR/tests/kernel/cases/nat.save" \
		--packets "$UIPT_SRCDIR/tests/kernel/cases/nat.packets"
}

# A case file pair tests/kernel/cases/NAME.save + NAME.packets.
kcase() {
	kcompare --rules "$UIPT_SRCDIR/tests/kernel/cases/$1.save" \
		--packets "$UIPT_SRCDIR/tests/kernel/cases/$1.packets"
}

@test "kernel: matches tcp udp icmp multiport iprange length ttl tos mac pkttype addrtype limit" {
	kcase matches
}

@test "kernel: conntrack match (state, status, tuples, ports, direction, expiry) and state" {
	kcase ctmatch
}

@test "kernel: targets ACCEPT DROP RETURN QUEUE NFQUEUE LOG NOTRACK CT --notrack" {
	kcase targets
}

@test "kernel: MARK and CONNMARK with masks, mark and connmark matches" {
	kcase marks
}

@test "kernel: REJECT with every --reject-with, the replies that arrive" {
	kcase reject
}

@test "kernel: DNAT and SNAT ranges, REDIRECT ports, --random, a taken port" {
	kcase nat2
}

@test "kernel: TCP, UDP and ICMP sent by the firewall itself" {
	kcase local
}

@test "kernel: FW's stack answering, hairpin NAT, errors about DNATed packets" {
	kcase server
}

@test "kernel: a REJECT reset closes the confirmed connection it answers" {
	kcase closing
}

@test "kernel: random rulesets and flows (seeded, 600 packets)" {
	kcompare --random "${UIPT_KCOMPARE_SEED:-11}:600"
}
