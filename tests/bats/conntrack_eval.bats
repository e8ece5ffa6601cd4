#!/usr/bin/env bats
# uconntrack over the evaluator's table: entries made by traced packets,
# printed as conntrack prints them, timeouts on the packet clock.

load helpers

setup() {
	fresh_state
	uiptables -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
}

syn() {
	uiptables-trace -i eth0 -p tcp -s 198.51.100.7 --sport 40000 \
		-d 203.0.113.5 --dport 22 --syn --time "$1" > /dev/null
}

@test "evaluator table: a traced SYN lists as SYN_SENT with conntrack's format" {
	syn 1000
	run uconntrack -L
	assert_success
	assert_line --partial "tcp      6 120 SYN_SENT src=198.51.100.7 dst=203.0.113.5 sport=40000 dport=22 [UNREPLIED] src=203.0.113.5 dst=198.51.100.7 sport=22 dport=40000 mark=0"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown."
	run uconntrack -C
	assert_output "1"
}

@test "evaluator table: filters and -o extended" {
	syn 1000
	run uconntrack -L -o extended -p tcp --dport 22
	assert_line --partial "ipv4     2 tcp      6 120 SYN_SENT"
	run uconntrack -L -p udp
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
}

@test "evaluator table: empty without traced traffic" {
	run uconntrack -L
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
}

@test "evaluator table: changes are refused plainly" {
	syn 1000
	run uconntrack -F
	assert_failure
}
