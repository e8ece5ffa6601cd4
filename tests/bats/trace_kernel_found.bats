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

@test "DNAT to an address range picks the kernel's address for each source (jhash, --persistent)" {
	uiptables-restore <<'R'
*nat
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 198.51.100.2-198.51.100.9
-A PREROUTING -i eth1 -p udp -m udp --dport 5353 -j DNAT --to-destination 198.51.100.2-198.51.100.9 --persistent
COMMIT
R
	# What Linux 6.18 chose for the same packets (tests/kernel/cases/nat2).
	for want in 203.0.113.2:198.51.100.7 203.0.113.7:198.51.100.3 \
		    203.0.113.8:198.51.100.9 203.0.113.9:198.51.100.4 192.0.2.11:198.51.100.6; do
		run uiptables-trace --dry-run -i eth1 -p tcp -s "${want%:*}" -d 203.0.113.1 --dport 8080
		assert_output --partial "leaves: IN=eth1 OUT=eth0 SRC=${want%:*} DST=${want#*:} "
	done
	for want in 203.0.113.2:198.51.100.9 192.0.2.12:198.51.100.4; do
		run uiptables-trace --dry-run -i eth1 -p udp -s "${want%:*}" -d 203.0.113.1 --dport 5353
		assert_output --partial "SRC=${want%:*} DST=${want#*:} "
	done
}

@test "DNAT to a port range takes its first free port, which is no random choice" {
	uiptables-restore <<'R'
*nat
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 198.51.100.4:9000-9005
COMMIT
R
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.2 -d 203.0.113.1 --sport 40001 --dport 8081
	assert_output --partial 'moved to 9000, the first free one in the range'
	refute_output --partial 'at random'
	assert_output --partial 'DST=198.51.100.4 LEN=40 TOS=0x00 TTL=63 ID=0 PROTO=TCP SPT=40001 DPT=9000 '
}

@test "an ICMP error REJECT sends is attached to the connection it answers (RELATED, reply direction)" {
	uiptables-restore <<'R'
*filter
-A FORWARD -p udp -j REJECT
-A OUTPUT -m conntrack --ctstate RELATED --ctdir REPLY --ctproto udp
-A OUTPUT -m conntrack --ctstate INVALID
COMMIT
R
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --dport 53
	assert_output --partial 'filter:OUTPUT:rule:1'
	refute_output --partial 'filter:OUTPUT:rule:2'
}

@test "SNAT: a connection from a source already mapped takes that mapping (find_appropriate_src)" {
	uiptables-restore <<'R'
*nat
-A POSTROUTING -o eth1 -p udp -j SNAT --to-source 203.0.113.10-203.0.113.20
-A POSTROUTING -o eth1 -p tcp -j SNAT --to-source 203.0.113.10-203.0.113.20:7000-7010
COMMIT
R
	# Alone, this pair hashes to .19; after the first flow it shares .10,
	# as Linux 6.18 did (tests/kernel/cases/nat2).
	run uiptables-trace --dry-run -i eth0 -p udp -s 198.51.100.2 -d 192.0.2.9 --sport 5000
	assert_output --partial 'SRC=203.0.113.19 DST=192.0.2.9'
	uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 >/dev/null
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 192.0.2.9 --sport 5000
	assert_output --partial 'SRC=203.0.113.10 DST=192.0.2.9'
	# Another source port is a source of its own.
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 192.0.2.9 --sport 5001
	refute_output --partial 'SRC=203.0.113.10 DST=192.0.2.9'
	# With a port range the port is shared too.
	# (the first port is the kernel's random pick: whichever it was)
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 5000
	[[ "$output" =~ leaves:.*SRC=203\.0\.113\.10\ .*SPT=(70(0[0-9]|10))\  ]]
	port=${BASH_REMATCH[1]}
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 192.0.2.9 --sport 5000
	assert_output --partial "mapped to $port as an earlier connection from the same source was"
	assert_output --partial "SRC=203.0.113.10 DST=192.0.2.9 LEN=40 TOS=0x00 TTL=63 ID=0 PROTO=TCP SPT=$port "
}

@test "REJECT's reset sets the confirmed connection it answers to CLOSE, 10 s (nf_ct_set_closing)" {
	uiptables-restore <<'R'
*filter
-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m recent --rcheck --name r -j REJECT --reject-with tcp-reset
-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m recent --set --name r
-A FORWARD -m conntrack --ctstate NEW
COMMIT
R
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 41002 --dport 80 --syn --time 100
	assert_output --partial "conntrack: tcp      6 120 SYN_SENT src=198.51.100.2"
	# as Linux 6.18 lists it (tests/kernel/cases/closing)
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 41002 --dport 80 --syn --time 101
	assert_output --partial "verdict: REJECT"
	assert_output --partial "conntrack: tcp      6 10 CLOSE src=198.51.100.2 dst=203.0.113.2 sport=41002 dport=80 [UNREPLIED]"
}
