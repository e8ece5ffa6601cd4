#!/usr/bin/env bats
# Conntrack helpers and expectations in the evaluator, without the kernel:
# CT --helper, the ftp and tftp helpers' expectations, RELATED data
# connections, -m helper, expectation timeouts and uconntrack's listing.
# The expected lines are what conntrack -L and conntrack -L expect printed
# in a namespace for the same packets (tests/kernel/ext/ftp.*, tftp.*
# compare the rest with the kernel).

load helpers

setup() {
	fresh_state
}

# One packet at a time on the packet clock: TIME OPTIONS...
pkt() {
	local t=$1
	shift
	uiptables-trace --time "$t" "$@"
}

C='-p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 41000 --dport 21'
S='-p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 21 --dport 41000'

ftp_rules() {
	uiptables-restore <<-'EOF'
	*raw
	-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
	-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp
	COMMIT
	*mangle
	-A PREROUTING -p tcp -m tcp --dport 21 -j CONNMARK --set-mark 0x5
	COMMIT
	*filter
	-A FORWARD -m conntrack --ctstate RELATED
	-A FORWARD -m helper --helper ftp
	-A FORWARD -m helper ! --helper ftp
	-A FORWARD -m state --state RELATED
	COMMIT
	EOF
}

# The control connection up to the point where the helper reads lines:
# a line of each direction has ended.
ftp_control() {
	ftp_rules
	pkt 100 -i eth0 $C --syn >/dev/null
	pkt 100 -i eth1 $S --flags SYN,ACK >/dev/null
	pkt 100 -i eth0 $C --flags ACK >/dev/null
	pkt 101 -i eth1 $S --flags PSH,ACK --payload $'220 ready\r\n' >/dev/null
	pkt 101 -i eth0 $C --flags PSH,ACK --payload $'USER ftp\r\n' >/dev/null
}

EXP_PORT='proto=6 src=203.0.113.2 dst=198.51.100.2 sport=0 dport=51210 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=198.51.100.2 master-dst=203.0.113.2 sport=41000 dport=21 class=0 helper=ftp'

@test "helpers: CT --helper gives the new connection its helper; conntrack -L lists helper=" {
	ftp_control
	run uconntrack -L
	# (300 s: data not acknowledged yet, as in the kernel)
	assert_line "tcp      6 300 ESTABLISHED src=198.51.100.2 dst=203.0.113.2 sport=41000 dport=21 src=203.0.113.2 dst=198.51.100.2 sport=21 dport=41000 [ASSURED] mark=5 helper=ftp use=1"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown."
	run uiptables-trace --conntrack
	assert_line --partial "[ASSURED] mark=5 helper=ftp use=1"
	# the control connection was expected by no helper
	run uiptables -v -x -n -L FORWARD
	assert_line --regexp '^ +5 +[0-9]+ +all +-- +\* +\* +0.0.0.0/0 +0.0.0.0/0 +helper match ! "ftp"$'
	assert_line --regexp '^ +0 +0 +all +-- +\* +\* +0.0.0.0/0 +0.0.0.0/0 +helper match "ftp"$'
}

@test "helpers: a template's helper goes to new connections only, the first CT rule's" {
	uiptables-restore <<-'EOF'
	*raw
	-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp
	-A PREROUTING -p udp -j CT --helper snmp
	COMMIT
	EOF
	pkt 1 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 4000 --dport 69 >/dev/null
	pkt 1 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 4000 --dport 161 >/dev/null
	run uconntrack -L -p udp --dport 69
	assert_line --partial "mark=0 helper=tftp use=1"
	run uconntrack -L -p udp --dport 161
	assert_line --partial "mark=0 helper=snmp use=1"
	# a later packet of the connection keeps it: the template is ignored
	run uiptables -t raw -I PREROUTING -p udp -j CT --helper amanda
	pkt 2 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 4000 --dport 69 >/dev/null
	run uconntrack -L -p udp --dport 69
	assert_line --partial "mark=0 helper=tftp use=1"
	# helpers the kernel has not for this protocol are refused
	run uiptables -t raw -A PREROUTING -p udp -j CT --helper ftp
	assert_failure 1
	assert_output "iptables: No chain/target/match by that name."
	run uiptables -t raw -A PREROUTING -p udp -j CT --helper H.245
	assert_success
}

@test "helpers: PORT makes an expectation, listed as conntrack -L expect does" {
	ftp_control
	run pkt 102 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n'
	assert_line "  POSTROUTING helper: ftp: PORT: expects 203.0.113.2 -> 198.51.100.2:51210 (any source port)"
	run uconntrack -L expect
	assert_line "300 $EXP_PORT"
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 expectations have been shown."
	run uconntrack -L expect --time 110
	assert_line "292 $EXP_PORT"
	run uconntrack -C expect
	assert_output 1
	run uconntrack -G expect -s 203.0.113.2 -d 198.51.100.2 -p tcp --sport 20 --dport 51210
	assert_line "300 $EXP_PORT"
}

@test "helpers: the data connection is RELATED, takes the master's mark, matches -m helper" {
	ftp_control
	pkt 102 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n' >/dev/null
	run pkt 103 -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 20 --dport 51210 --syn
	assert_line "  PREROUTING  conntrack: expected by the ftp helper of connection id 1: RELATED, mark 5 taken from it"
	assert_line --partial "conntrack: RELATED: tcp      6 120 SYN_SENT"
	assert_line "  FORWARD     filter:FORWARD:rule:1  -A FORWARD -m conntrack --ctstate RELATED"
	assert_line "  FORWARD     filter:FORWARD:rule:2  -A FORWARD -m helper --helper ftp"
	assert_line "  FORWARD     filter:FORWARD:rule:4  -A FORWARD -m state --state RELATED"
	refute_line --partial "rule:3"
	# consumed; the master holds a reference more while its child lives
	run uconntrack -L expect
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown."
	run uconntrack -L -p tcp --dport 51210
	assert_line "tcp      6 120 SYN_SENT src=203.0.113.2 dst=198.51.100.2 sport=20 dport=51210 [UNREPLIED] src=198.51.100.2 dst=203.0.113.2 sport=51210 dport=20 mark=5 use=1"
	run uconntrack -L -p tcp --dport 21
	assert_line --partial "mark=5 helper=ftp use=2"
	# the answer is ESTABLISHED, and still matches the master's helper
	run pkt 103 -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 51210 --dport 20 --flags SYN,ACK
	assert_line --partial "conntrack: ESTABLISHED (reply)"
	assert_line "  FORWARD     filter:FORWARD:rule:2  -A FORWARD -m helper --helper ftp"
	# a second SYN to the port finds nothing to fulfil
	run pkt 104 -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 21000 --dport 51210 --syn
	assert_line --partial "conntrack: NEW"
	assert_line "  FORWARD     filter:FORWARD:rule:3  -A FORWARD -m helper ! --helper ftp"
}

@test "helpers: expectations time out after 300 s on the packet clock" {
	ftp_control
	pkt 102 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n' >/dev/null
	run uconntrack -C expect --time 401.9
	assert_output 1
	run uconntrack -C expect --time 402
	assert_output 0
	run pkt 402 -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 20 --dport 51210 --syn
	assert_line --partial "conntrack: NEW"
	refute_line --partial "expected by"
}

@test "helpers: 227 and 229 from the server, EPRT from the client; one expectation per master" {
	ftp_control
	run pkt 102 -i eth1 $S --flags PSH,ACK --payload $'227 Entering Passive Mode (203,0,113,2,100,2).\r\n'
	assert_line "  POSTROUTING helper: ftp: 227: expects 198.51.100.2 -> 203.0.113.2:25602 (any source port)"
	run pkt 102 -i eth0 $C --flags PSH,ACK --payload $'EPRT |1|198.51.100.2|6000|\r\n'
	assert_line "  POSTROUTING helper: ftp: EPRT: expects 203.0.113.2 -> 198.51.100.2:6000 (any source port)"
	run pkt 102 -i eth1 $S --flags PSH,ACK --payload $'229 Entering Extended Passive Mode (|||6001|)\r\n'
	assert_line "  POSTROUTING helper: ftp: 229: expects 198.51.100.2 -> 203.0.113.2:6001 (any source port)"
	run uconntrack -L expect
	assert_line --partial "proto=6 src=198.51.100.2 dst=203.0.113.2 sport=0 dport=6001 "
	assert_line --partial "1 expectations have been shown."
}

@test "helpers: what the ftp helper does not read, and what it drops" {
	ftp_rules
	pkt 100 -i eth0 $C --syn >/dev/null
	pkt 100 -i eth1 $S --flags SYN,ACK >/dev/null
	pkt 100 -i eth0 $C --flags ACK >/dev/null
	# no line of this direction has ended yet: not read
	run pkt 101 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n'
	refute_line --partial "helper:"
	# another host than the sender's (loose=0)
	run pkt 101 -i eth0 $C --flags PSH,ACK --payload $'port 198,51,100,9,200,10\r\n'
	assert_line "  POSTROUTING helper: ftp: PORT names another address than its sender's: no expectation (loose=0)"
	# a command cut short is dropped (the kernel keeps tracking exact)
	run pkt 101 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200\r\n'
	assert_line "  POSTROUTING helper: ftp: partial PORT command: packet dropped"
	assert_line "  verdict: DROP (in helper POSTROUTING)"
	run uconntrack -C expect
	assert_output 0
}

@test "helpers: tftp expects the answer from any port of the server" {
	ftp_rules
	run pkt 1 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 41000 --dport 69 --payload-hex 000166006f6374657400
	assert_line "  POSTROUTING helper: tftp: read request: expects 203.0.113.2 -> 198.51.100.2:41000 (any source port)"
	run uconntrack -L expect
	assert_line "300 proto=17 src=203.0.113.2 dst=198.51.100.2 sport=0 dport=41000 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=198.51.100.2 master-dst=203.0.113.2 sport=41000 dport=69 class=0 helper=tftp"
	run pkt 2 -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.2 --sport 5000 --dport 41000 --payload-hex 00030001
	assert_line --partial "conntrack: RELATED"
	refute_line --partial "helper --helper ftp"
	run uconntrack -L -p udp --sport 5000
	assert_line "udp      17 30 src=203.0.113.2 dst=198.51.100.2 sport=5000 dport=41000 [UNREPLIED] src=198.51.100.2 dst=203.0.113.2 sport=41000 dport=5000 mark=0 use=1"
	# data to port 69 expects nothing
	run pkt 3 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 41001 --dport 69 --payload-hex 00030001
	refute_line --partial "helper:"
}

@test "helpers: uconntrack -D expect and -F expect; a master that goes takes its expectations" {
	ftp_control
	pkt 102 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n' >/dev/null
	run uconntrack -D expect -s 203.0.113.2 -d 198.51.100.2 -p tcp --sport 1 --dport 51210
	assert_line "conntrack v1.4.7 (conntrack-tools): 1 expectations have been deleted."
	run uconntrack -C expect
	assert_output 0
	pkt 103 -i eth1 $S --flags PSH,ACK --payload $'227 Entering Passive Mode (203,0,113,2,100,2).\r\n' >/dev/null
	run uconntrack -F expect
	assert_output "conntrack v1.4.7 (conntrack-tools): expectation table has been emptied."
	run uconntrack -C expect
	assert_output 0
	pkt 104 -i eth1 $S --flags PSH,ACK --payload $'227 Entering Passive Mode (203,0,113,2,100,3).\r\n' >/dev/null
	# uconntrack's rewrite of the table keeps the helper state: the
	# expectation, and where the next line of the client starts
	pkt 105 -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 1 --dport 2 >/dev/null
	uconntrack -D -p udp --dport 2 >/dev/null 2>&1
	run uconntrack -C expect
	assert_output 1
	run pkt 106 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,11\r\n'
	assert_line "  POSTROUTING helper: ftp: PORT: expects 203.0.113.2 -> 198.51.100.2:51211 (any source port)"
	uconntrack -D -p tcp --dport 21 >/dev/null 2>&1
	run uconntrack -C expect
	assert_output 0
}

@test "helpers: through MASQUERADE, nf_nat_ftp rewrites PORT and the stream's sequence numbers follow" {
	uiptables-restore <<-'EOF2'
	*raw
	-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
	COMMIT
	*nat
	-A POSTROUTING -s 198.51.100.0/24 -o eth1 -j MASQUERADE
	COMMIT
	EOF2
	local s='-p tcp -s 203.0.113.2 -d 203.0.113.1 --sport 21 --dport 41000'
	pkt 100 -i eth0 $C --syn >/dev/null
	pkt 100 -i eth1 $s --flags SYN,ACK >/dev/null
	pkt 100 -i eth0 $C --flags ACK >/dev/null
	pkt 101 -i eth1 $s --flags PSH,ACK --payload $'220 ready\r\n' >/dev/null
	pkt 101 -i eth0 $C --flags PSH,ACK --payload $'USER ftp\r\n' >/dev/null
	# 198,51,100,2 becomes 203,0,113,1: a byte shorter
	run pkt 102 -i eth0 $C --flags PSH,ACK --payload $'PORT 198,51,100,2,200,10\r\n' --json
	assert_output --partial '"text":"ftp: PORT: nf_nat_ftp writes 203,0,113,1,200,10"'
	assert_output --partial "$(printf 'PORT 203,0,113,1,200,10\r\n' | xxd -p -c 256)"
	# the next segment of the client moves back by that byte; the
	# server's acknowledgement (of the shorter stream) is moved forward
	run pkt 103 -i eth0 $C --flags PSH,ACK --payload $'LIST\r\n'
	assert_line --regexp '^  leaves: .* SRC=203.0.113.1 .* SEQ=1000036 ACK=2000012 '
	run pkt 103 -i eth1 $s --flags ACK
	assert_line --regexp '^packet 1: .* SEQ=2000012 ACK=1000042 '
	assert_line --regexp '^  leaves: .* DST=198.51.100.2 .* SEQ=2000012 ACK=1000043 '
	# SACK blocks too (nf_ct_sack_adjust): 1000032-1000040 become +1
	run pkt 103 -i eth1 $s --flags ACK --tcp-option nop --tcp-option nop \
		--tcp-option sack=000f4260000f4268 --json
	assert_output --regexp '"final":\{[^}]*"hex":"[0-9a-f]*0101050a000f4261000f4269'
	# the data connection comes to FW's address and follows the master
	run pkt 104 -i eth1 -p tcp -s 203.0.113.2 -d 203.0.113.1 --sport 20 --dport 51210 --syn
	assert_line --partial "conntrack: RELATED"
	assert_line --regexp '^  leaves: IN=eth1 OUT=eth0 SRC=203.0.113.2 DST=198.51.100.2 .* SPT=20 DPT=51210 '
	refute_line --partial "nat:PREROUTING"
}
