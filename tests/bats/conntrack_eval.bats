#!/usr/bin/env bats
# uconntrack over the evaluator's table: entries made by traced packets and
# by uconntrack itself, printed as conntrack prints them, timeouts on the
# packet clock.
#
# The expected lines are what `conntrack -L` printed in a namespace after
# the same packets went through the same rules (tests/kernel/kcompare.py's
# topology: the default host model is its firewall), timeouts read on the
# packet clock instead of the wall's, and entries sorted (the kernel lists
# in hash order).

load helpers

setup() {
	fresh_state
}

# uconntrack's entries, sorted; the summary line (stderr) is checked apart.
ct_sorted() {
	uconntrack "$@" 2>/dev/null | sort
}

# Packets, one per call: the time on the packet clock first.
pkt() {
	local t=$1
	shift
	uiptables-trace --time "$t" "$@"
}

# The rules of the kernel run the expected lines come from.
gateway_rules() {
	uiptables-restore <<-'EOF'
	*mangle
	-A PREROUTING -p udp --dport 53 -j CONNMARK --set-mark 5
	-A PREROUTING -p tcp --dport 22 -j MARK --set-mark 2
	-A PREROUTING -p tcp --dport 22 -j CONNMARK --save-mark
	COMMIT
	*nat
	-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 198.51.100.2:80
	-A POSTROUTING -o eth1 -s 198.51.100.0/24 -p udp -j SNAT --to-source 203.0.113.1
	-A POSTROUTING -o eth1 -s 198.51.100.0/24 -p tcp --dport 443 -j MASQUERADE
	COMMIT
	EOF
}

# A handshake to port 22, DNS through SNAT (answered, then a stream), a
# masqueraded SYN, a port forward and an answered ping.
gateway_traffic() {
	gateway_rules
	{
	pkt 1000 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 22 --syn
	pkt 1001 -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 22 --dport 40000 --flags SYN,ACK
	pkt 1002 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 22 --flags ACK
	pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 --dport 53
	pkt 1001 -i eth1 -p udp -s 203.0.113.2 -d 203.0.113.1 --sport 53 --dport 5000
	pkt 1003 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 --dport 53
	pkt 1003 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 41000 --dport 443 --syn
	pkt 1003 -i eth1 -p tcp -s 203.0.113.2 -d 203.0.113.1 --sport 44000 --dport 8080 --syn
	pkt 1003 -i eth0 -p icmp -s 198.51.100.2 -d 203.0.113.2 --icmp-type 8 --icmp-id 99
	pkt 1003 -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type 0 --icmp-id 99
	} >/dev/null
}

L_SSH="tcp      6 431998 ESTABLISHED src=198.51.100.2 dst=203.0.113.2 sport=40000 dport=22 src=203.0.113.2 dst=198.51.100.2 sport=22 dport=40000 [ASSURED] mark=2 use=1"
L_DNS="udp      17 119 src=198.51.100.2 dst=203.0.113.2 sport=5000 dport=53 src=203.0.113.2 dst=203.0.113.1 sport=53 dport=5000 [ASSURED] mark=5 use=1"
L_MASQ="tcp      6 119 SYN_SENT src=198.51.100.2 dst=203.0.113.2 sport=41000 dport=443 [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 sport=443 dport=41000 mark=0 use=1"
L_FWD="tcp      6 119 SYN_SENT src=203.0.113.2 dst=203.0.113.1 sport=44000 dport=8080 [UNREPLIED] src=198.51.100.2 dst=203.0.113.2 sport=80 dport=44000 mark=0 use=1"
L_PING="icmp     1 29 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=99 src=203.0.113.2 dst=198.51.100.2 type=0 code=0 id=99 mark=0 use=1"

# Expected lines, sorted as ct_sorted sorts them.
sorted() {
	printf '%s\n' "$@" | sort
}

@test "evaluator table: empty without traced traffic" {
	run uconntrack -L
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
}

@test "evaluator table: a TCP handshake, SYN_SENT 120, SYN_RECV 60, ESTABLISHED 432000 with [ASSURED]" {
	gateway_rules
	pkt 1000 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 22 --syn >/dev/null
	run uconntrack -L
	assert_success
	assert_line "tcp      6 120 SYN_SENT src=198.51.100.2 dst=203.0.113.2 sport=40000 dport=22 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 sport=22 dport=40000 mark=2 use=1"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown."
	assert_equal "${#lines[@]}" 2
	pkt 1001 -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 22 --dport 40000 --flags SYN,ACK >/dev/null
	run uconntrack -L
	assert_line "tcp      6 60 SYN_RECV src=198.51.100.2 dst=203.0.113.2 sport=40000 dport=22 src=203.0.113.2 dst=198.51.100.2 sport=22 dport=40000 mark=2 use=1"
	pkt 1002 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 22 --flags ACK >/dev/null
	run uconntrack -L
	assert_line "tcp      6 432000 ESTABLISHED src=198.51.100.2 dst=203.0.113.2 sport=40000 dport=22 src=203.0.113.2 dst=198.51.100.2 sport=22 dport=40000 [ASSURED] mark=2 use=1"
	# later on the packet clock: the timeout counts down
	run uconntrack -L --time 1012
	assert_line --partial "tcp      6 431990 ESTABLISHED"
}

@test "evaluator table: UDP 30 unreplied, 30 after the reply, 120 and [ASSURED] as a stream" {
	gateway_rules
	pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 --dport 53 >/dev/null
	run uconntrack -L
	assert_line "udp      17 30 src=198.51.100.2 dst=203.0.113.2 sport=5000 dport=53 [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 sport=53 dport=5000 mark=5 use=1"
	pkt 1001 -i eth1 -p udp -s 203.0.113.2 -d 203.0.113.1 --sport 53 --dport 5000 >/dev/null
	run uconntrack -L
	assert_line "udp      17 30 src=198.51.100.2 dst=203.0.113.2 sport=5000 dport=53 src=203.0.113.2 dst=203.0.113.1 sport=53 dport=5000 mark=5 use=1"
	pkt 1003 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 --dport 53 >/dev/null
	run uconntrack -L
	assert_line "udp      17 120 src=198.51.100.2 dst=203.0.113.2 sport=5000 dport=53 src=203.0.113.2 dst=203.0.113.1 sport=53 dport=5000 [ASSURED] mark=5 use=1"
}

@test "evaluator table: ICMP echo 30, type and code of both directions" {
	gateway_rules
	pkt 1000 -i eth0 -p icmp -s 198.51.100.2 -d 203.0.113.2 --icmp-type 8 --icmp-id 99 >/dev/null
	run uconntrack -L -p icmp
	assert_line "icmp     1 30 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=99 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 type=0 code=0 id=99 mark=0 use=1"
	pkt 1001 -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type 0 --icmp-id 99 >/dev/null
	run uconntrack -L -p icmp
	assert_line "icmp     1 30 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=99 src=203.0.113.2 dst=198.51.100.2 type=0 code=0 id=99 mark=0 use=1"
	# expired on the packet clock: gone
	run uconntrack -L --time 1031
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
}

@test "evaluator table: marks, SNAT, MASQUERADE and DNAT reply tuples, as the kernel lists them" {
	gateway_traffic
	run ct_sorted -L --time 1004
	assert_output "$(sorted "$L_SSH" "$L_DNS" "$L_MASQ" "$L_FWD" "$L_PING")"
	run uconntrack -L -o extended --time 1004 -p icmp
	assert_line "ipv4     2 $L_PING"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown."
	run uconntrack -C
	assert_output 5
}

@test "evaluator table: NAT filters (--src-nat, --dst-nat, --any-nat, with address and port)" {
	gateway_traffic
	# libnetfilter_conntrack counts an echo's id/type as a port change:
	# the kernel's ping shows under both, and so does ours
	run ct_sorted -L --time 1004 --src-nat
	assert_output "$(sorted "$L_DNS" "$L_MASQ" "$L_PING")"
	run ct_sorted -L --time 1004 --dst-nat
	assert_output "$(sorted "$L_FWD" "$L_PING")"
	run ct_sorted -L --time 1004 --any-nat
	assert_output "$(sorted "$L_DNS" "$L_MASQ" "$L_FWD" "$L_PING")"
	run ct_sorted -L --time 1004 --src-nat 203.0.113.1
	assert_output "$(sorted "$L_DNS" "$L_MASQ")"
	run ct_sorted -L --time 1004 --dst-nat 198.51.100.2:80
	assert_output "$L_FWD"
}

@test "evaluator table: mark, state, status, protocol and port filters" {
	gateway_traffic
	run ct_sorted -L --time 1004 -m 2
	assert_output "$L_SSH"
	run ct_sorted -L --time 1004 -m 0x4/0x4
	assert_output "$L_DNS"
	run ct_sorted -L --time 1004 -p tcp --state ESTABLISHED
	assert_output "$L_SSH"
	run ct_sorted -L --time 1004 -p tcp --state SYN_SENT
	assert_output "$(sorted "$L_MASQ" "$L_FWD")"
	run ct_sorted -L --time 1004 -p tcp --dport 443
	assert_output "$L_MASQ"
	run ct_sorted -L --time 1004 -p udp --reply-port-dst 5000
	assert_output "$L_DNS"
	run ct_sorted -L --time 1004 -s 198.51.100.2 -p icmp
	assert_output "$L_PING"
	run ct_sorted -L --time 1004 -u ASSURED
	assert_output "$(sorted "$L_SSH" "$L_DNS")"
	run ct_sorted -L --time 1004 -u SEEN_REPLY
	assert_output "$(sorted "$L_SSH" "$L_DNS" "$L_PING")"
}

@test "evaluator table: -o save" {
	gateway_traffic
	run ct_sorted -L --time 1004 -o save
	assert_output "$(sorted \
	"-A -t 29 -u SEEN_REPLY -s 198.51.100.2 -d 203.0.113.2 -r 203.0.113.2 -q 198.51.100.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 99" \
	"-A -t 119 -u UNSET -s 203.0.113.2 -d 203.0.113.1 -g 198.51.100.2 -q 203.0.113.2 -p tcp --sport 44000 --dport 8080 --reply-port-src 80 --reply-port-dst 44000 --state SYN_SENT" \
	"-A -t 431998 -u SEEN_REPLY,ASSURED -s 198.51.100.2 -d 203.0.113.2 -r 203.0.113.2 -q 198.51.100.2 -p tcp --sport 40000 --dport 22 --reply-port-src 22 --reply-port-dst 40000 --state ESTABLISHED" \
	"-A -t 119 -u UNSET -s 198.51.100.2 -d 203.0.113.2 -r 203.0.113.2 -n 203.0.113.1 -p tcp --sport 41000 --dport 443 --reply-port-src 443 --reply-port-dst 41000 --state SYN_SENT" \
	"-A -t 119 -u SEEN_REPLY,ASSURED -s 198.51.100.2 -d 203.0.113.2 -r 203.0.113.2 -n 203.0.113.1 -p udp --sport 5000 --dport 53 --reply-port-src 53 --reply-port-dst 5000")"
}

@test "evaluator table: -G prints use=2 as the kernel's lookup does; a reply tuple or a miss shows nothing" {
	gateway_traffic
	run uconntrack -G -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 22 --time 1004
	assert_success
	assert_line "${L_SSH%use=1}use=2"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown."
	assert_equal "${#lines[@]}" 2
	run uconntrack -G -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 22 --dport 40000
	assert_failure 1
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
	run uconntrack -G -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6009 --dport 53
	assert_failure 1
	assert_output "conntrack v1.4.7 (conntrack-tools): Operation failed: such conntrack doesn't exist"
}

# The rules of the kernel run for the changing commands.
state_rules() {
	uiptables-restore <<-'EOF'
	*mangle
	-A FORWARD -m connmark --mark 9 -j MARK --set-mark 3
	COMMIT
	*filter
	:FORWARD DROP [0:0]
	-A FORWARD -m conntrack --ctstate NEW -j ACCEPT
	-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT
	-A FORWARD -m conntrack --ctstate INVALID -j DROP
	COMMIT
	EOF
}

ssh_ack() {
	pkt "$1" -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 42000 --dport 22 --flags "${2:-ACK}"
}

@test "evaluator table: -I entries, then packets that find them" {
	state_rules
	pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 9 --dport 9 >/dev/null
	run uconntrack -I -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 42000 --dport 22 --state ESTABLISHED -t 100 -u SEEN_REPLY,ASSURED
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been created."
	uconntrack -I -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6000 --dport 53 -t 50 -u SEEN_REPLY
	uconntrack -I -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6001 --dport 53 -t 50
	uconntrack -I -p icmp -s 198.51.100.2 -d 203.0.113.2 --icmp-type 8 --icmp-code 0 --icmp-id 5 -t 20
	run ct_sorted -L
	assert_output "$(sorted \
	"icmp     1 20 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=5 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 type=0 code=0 id=5 mark=0 use=1" \
	"tcp      6 100 ESTABLISHED src=198.51.100.2 dst=203.0.113.2 sport=42000 dport=22 src=203.0.113.2 dst=198.51.100.2 sport=22 dport=42000 [ASSURED] mark=0 use=1" \
	"udp      17 50 src=198.51.100.2 dst=203.0.113.2 sport=6000 dport=53 src=203.0.113.2 dst=198.51.100.2 sport=53 dport=6000 mark=0 use=1" \
	"udp      17 50 src=198.51.100.2 dst=203.0.113.2 sport=6001 dport=53 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 sport=53 dport=6001 mark=0 use=1" \
	"udp      17 30 src=198.51.100.2 dst=203.0.113.2 sport=9 dport=9 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 sport=9 dport=9 mark=0 use=1")"
	# the same tuple again
	run uconntrack -I -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 42000 --dport 22 --state ESTABLISHED -t 100
	assert_failure 1
	assert_output "conntrack v1.4.7 (conntrack-tools): Operation failed: Such conntrack exists, try -U to update"
	# the walk treats them as their status says
	run ssh_ack 1001
	assert_line --partial "conntrack: ESTABLISHED: tcp      6 432000 ESTABLISHED"
	assert_line --partial "filter:FORWARD:rule:2"
	pkt 1001 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6000 --dport 53 >/dev/null
	pkt 1001 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6001 --dport 53 >/dev/null
	pkt 1001 -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.2 --sport 53 --dport 6001 >/dev/null
	pkt 1001 -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type 0 --icmp-id 5 >/dev/null
	run ct_sorted -L -p udp --dport 53
	assert_output "$(sorted \
	"udp      17 120 src=198.51.100.2 dst=203.0.113.2 sport=6000 dport=53 src=203.0.113.2 dst=198.51.100.2 sport=53 dport=6000 [ASSURED] mark=0 use=1" \
	"udp      17 30 src=198.51.100.2 dst=203.0.113.2 sport=6001 dport=53 src=203.0.113.2 dst=198.51.100.2 sport=53 dport=6001 mark=0 use=1")"
	run ct_sorted -L -p icmp
	assert_output "icmp     1 30 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=5 src=203.0.113.2 dst=198.51.100.2 type=0 code=0 id=5 mark=0 use=1"
}

@test "evaluator table: -I with NAT makes the reply tuple and the NAT status" {
	run uconntrack -I -p tcp -s 198.51.100.8 -d 203.0.113.5 --sport 40000 --dport 80 --state SYN_SENT -t 120 --dst-nat 198.51.100.2:8080
	assert_success
	uconntrack -I -p udp -s 198.51.100.8 -d 203.0.113.5 --sport 5000 --dport 53 -t 30 --src-nat 203.0.113.1:20000 -m 7
	uconntrack -I -p udp -r 203.0.113.9 -q 198.51.100.9 --reply-port-src 53 --reply-port-dst 6000 -t 30
	run ct_sorted -L
	assert_output "$(sorted \
	"tcp      6 120 SYN_SENT src=198.51.100.8 dst=203.0.113.5 sport=40000 dport=80 [UNREPLIED] src=198.51.100.2 dst=198.51.100.8 sport=8080 dport=40000 mark=0 use=1" \
	"udp      17 30 src=198.51.100.9 dst=203.0.113.9 sport=6000 dport=53 [UNREPLIED] src=203.0.113.9 dst=198.51.100.9 sport=53 dport=6000 mark=0 use=1" \
	"udp      17 30 src=198.51.100.8 dst=203.0.113.5 sport=5000 dport=53 [UNREPLIED] src=203.0.113.5 dst=203.0.113.1 sport=53 dport=20000 mark=7 use=1")"
	run ct_sorted -L --src-nat 203.0.113.1
	assert_output --partial "sport=5000 dport=53"
	run ct_sorted -L --dst-nat 198.51.100.2:8080
	assert_output --partial "sport=40000 dport=80"
	# IPv6 is not the evaluator's
	run uconntrack -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 1 --dport 2 -t 30
	assert_failure 1
	assert_line "conntrack v1.4.7 (conntrack-tools): Operation failed: Operation not supported"
	assert_line "uconntrack: the evaluator tracks IPv4 only"
}

@test "evaluator table: -U sets the mark the connmark match sees; FIXED_TIMEOUT is not renewed" {
	state_rules
	uconntrack -I -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 42000 --dport 22 --state ESTABLISHED -t 100 -u SEEN_REPLY,ASSURED --time 1000
	uconntrack -I -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6000 --dport 53 -t 50 -u SEEN_REPLY --time 1000
	ssh_ack 1000 >/dev/null
	run uconntrack -U -s 198.51.100.2 -p tcp --dport 22 -m 9
	assert_success
	assert_line "tcp      6 432000 ESTABLISHED src=198.51.100.2 dst=203.0.113.2 sport=42000 dport=22 src=203.0.113.2 dst=198.51.100.2 sport=22 dport=42000 [ASSURED] mark=9 use=2"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been updated."
	assert_equal "${#lines[@]}" 2
	run ssh_ack 1001
	assert_line --partial "mangle:FORWARD:rule:1  -A FORWARD -m connmark --mark 0x9 -j MARK --set-xmark 0x3/0xffffffff"
	# nothing left to change: not an update
	run uconntrack -U -s 198.51.100.2 -p tcp --dport 22 -m 9
	assert_failure 1
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been updated."
	run uconntrack -U -s 198.51.100.2 -p udp --sport 6000 -t 500 -u FIXED_TIMEOUT
	assert_line "udp      17 500 src=198.51.100.2 dst=203.0.113.2 sport=6000 dport=53 src=203.0.113.2 dst=198.51.100.2 sport=53 dport=6000 mark=0 use=2"
	pkt 1011 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6000 --dport 53 >/dev/null
	run uconntrack -L -o save -p udp
	assert_line "-A -t 490 -u SEEN_REPLY,ASSURED,FIXED_TIMEOUT -s 198.51.100.2 -d 203.0.113.2 -r 203.0.113.2 -q 198.51.100.2 -p udp --sport 6000 --dport 53 --reply-port-src 53 --reply-port-dst 6000"
}

@test "evaluator table: -D prints what it deleted, and the flow's next SYN is NEW again" {
	state_rules
	ssh_ack 1000 SYN >/dev/null
	pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 6000 --dport 53 >/dev/null
	run uconntrack -D -s 198.51.100.2 -p tcp --dport 22 --time 1001
	assert_success
	assert_line "tcp      6 119 SYN_SENT src=198.51.100.2 dst=203.0.113.2 sport=42000 dport=22 [UNREPLIED] src=203.0.113.2 dst=198.51.100.2 sport=22 dport=42000 mark=0 use=1"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted."
	assert_equal "${#lines[@]}" 2
	run uconntrack -D -p udp --sport 6009
	assert_failure 1
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted."
	run ssh_ack 1002 SYN
	assert_line --partial "conntrack: NEW: tcp      6 120 SYN_SENT"
	assert_line --partial "filter:FORWARD:rule:1"
	# the clock moved to 1001 with the change, then 1002 with the packet
	run uconntrack -L -p udp
	assert_line --partial "udp      17 28 "
}

@test "evaluator table: -F empties it, -C counts, and the packets' own state survives" {
	uiptables -A FORWARD -m conntrack --ctstate NEW -m limit --limit 1/hour --limit-burst 1 -j ACCEPT
	uiptables -A FORWARD -j DROP
	run pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 1 --dport 2
	assert_line --partial "verdict: ACCEPT"
	run uconntrack -C
	assert_output 1
	run uconntrack -F
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied."
	run uconntrack -C
	assert_output 0
	# the limit's bucket (kept beside the table) was not reset by -F
	run pkt 1001 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 1 --dport 2
	assert_line --partial "conntrack: NEW"
	assert_line --partial "verdict: DROP"
}

@test "evaluator table: -E and -S say plainly they are the kernel's; expectations are empty" {
	run uconntrack -E
	assert_failure 1
	assert_line "conntrack v1.4.7 (conntrack-tools): Operation failed: Operation not supported"
	assert_line --partial "uconntrack: events come from the live kernel table only; use --kernel"
	run uconntrack -S
	assert_failure 1
	assert_line --partial "uconntrack: statistics are the kernel's per-CPU counters; use --kernel"
	run uconntrack -L expect
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown."
	run uconntrack -C expect
	assert_output 0
	run uconntrack -L --kernel --time 5
	assert_failure 2
}

@test "evaluator table: a damaged state file is reported and left untouched" {
	uiptables -A FORWARD -m conntrack --ctstate NEW -j ACCEPT
	pkt 1000 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 1 --dport 2 >/dev/null
	printf 'X' | dd of="$UIPTABLES_STATE/evstate" bs=1 seek=60 conv=notrunc 2>/dev/null
	cp "$UIPTABLES_STATE/evstate" "$BATS_TEST_TMPDIR/before"
	run uconntrack -F
	assert_failure 1
	assert_line --partial "damaged or foreign"
	cmp "$UIPTABLES_STATE/evstate" "$BATS_TEST_TMPDIR/before"
	run uconntrack -L
	assert_failure 1
}
