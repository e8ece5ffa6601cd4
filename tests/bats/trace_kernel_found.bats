#!/usr/bin/env bats
# Evaluator behaviour found by comparing with the real kernel
# (tests/kernel/cases/*): each checked here without namespaces.

load helpers

setup() {
	fresh_state
}

hits() {
	uiptables-trace "$@" | grep -o '[a-z]*:[A-Z]*:rule:[0-9]*' | tr '\n' ' '
}

@test "a frame given by its source MAC is addressed as a sender would: broadcast, multicast, unicast" {
	uiptables-restore <<'R'
*mangle
-A PREROUTING -m pkttype --pkt-type broadcast
-A PREROUTING -m pkttype --pkt-type multicast
-A PREROUTING -m pkttype --pkt-type unicast
-A PREROUTING -m mac --mac-source 02:00:00:00:0a:00
COMMIT
R
	m='-i eth0 -p udp -s 198.51.100.2 --mac-source 02:00:00:00:0a:00'
	run hits $m -d 198.51.100.255
	assert_output 'mangle:PREROUTING:rule:1 mangle:PREROUTING:rule:4 '
	run hits $m -d 233.252.0.1
	assert_output 'mangle:PREROUTING:rule:2 mangle:PREROUTING:rule:4 '
	run hits $m -d 203.0.113.2
	assert_output 'mangle:PREROUTING:rule:3 mangle:PREROUTING:rule:4 '
}

@test "multicast from the wire: all-hosts is delivered, a group not joined is dropped after PREROUTING" {
	uiptables-restore <<'R'
*filter
-A INPUT -p udp
COMMIT
R
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 233.252.0.1
	assert_output --partial 'multicast group not joined'
	refute_output --partial 'filter:INPUT:rule:1'
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 224.0.0.1
	assert_output --partial 'filter:INPUT:rule:1'
}
