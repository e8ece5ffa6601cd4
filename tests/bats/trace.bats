#!/usr/bin/env bats
# uiptables-trace: rulesets restored into a fresh state, packets traced,
# verdicts, rule hits, conntrack and counters asserted.

load helpers

setup() {
	fresh_state
}

# Skips unless every named extension is built in (others land separately).
need_ext() {
	local e
	for e in "$@"; do
		printf '*filter\n-A INPUT -m %s\nCOMMIT\n' "$e" | uiptables-restore --test 2>/dev/null && continue
		printf '*filter\n-A INPUT -j %s\nCOMMIT\n' "$e" | uiptables-restore --test 2>/dev/null && continue
		printf '*nat\n-A POSTROUTING -j %s\nCOMMIT\n' "$e" | uiptables-restore --test 2>/dev/null && continue
		printf '*nat\n-A POSTROUTING -j %s --to-source 1.2.3.4\nCOMMIT\n' "$e" | uiptables-restore --test 2>/dev/null && continue
		printf '*nat\n-A PREROUTING -j %s --to-destination 1.2.3.4\nCOMMIT\n' "$e" | uiptables-restore --test 2>/dev/null && continue
		skip "extension $e is not built in"
	done
}

filter_rules() {
	uiptables-restore <<'R'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:web - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -j web
-A FORWARD -s 198.51.100.0/24 -o eth1 -g web
-A OUTPUT -p udp -m udp --dport 53 -j DROP
-A web -p tcp -m tcp --dport 80 -j ACCEPT
-A web -p tcp -m tcp --dport 8080 -j RETURN
COMMIT
R
}

@test "trace: rule hit, verdict and exit code with --expect" {
	filter_rules
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22 --syn --expect ACCEPT
	assert_success
	assert_output --partial "filter:INPUT:rule:2  -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT  => ACCEPT"
	assert_output --partial "verdict: ACCEPT (delivered locally)"
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 23 --expect ACCEPT
	assert_failure 1
	assert_output --partial "verdict: DROP (in filter INPUT)"
}

@test "trace: jump, RETURN and policy in TRACE terms" {
	filter_rules
	run uiptables-trace -i eth0 -s 198.51.100.9 -d 203.0.113.1 -p tcp --dport 8080
	assert_success
	assert_line --index 2 --partial "filter:INPUT:rule:3  -A INPUT -p tcp -j web  => jump web"
	assert_line --index 3 --partial "filter:web:rule:2  -A web -p tcp -m tcp --dport 8080 -j RETURN  => RETURN"
	assert_line --index 4 --partial "filter:INPUT:policy:4  -P INPUT DROP  => DROP"
}

@test "trace: goto returns to the calling chain's policy, implicit return" {
	filter_rules
	run uiptables-trace -i eth0 -s 198.51.100.9 -d 203.0.113.50 -p tcp --dport 81 --expect DROP
	assert_success
	assert_output --partial "filter:FORWARD:rule:1  -A FORWARD -s 198.51.100.0/24 -o eth1 -g web  => goto web"
	assert_output --partial "filter:web:return:3  => RETURN"
	assert_output --partial "filter:FORWARD:policy:2  -P FORWARD DROP  => DROP"
	run uiptables-trace -i eth0 -s 198.51.100.9 -d 203.0.113.50 -p tcp --dport 80 --expect ACCEPT
	assert_success
	assert_output --partial "verdict: ACCEPT (forwarded via eth1)"
	assert_output --partial "TTL=63"
}

@test "trace: OUTPUT for --local, loopback comes back in" {
	filter_rules
	run uiptables-trace --local -p udp -d 203.0.113.2 --dport 53 --expect DROP
	assert_success
	assert_output --partial "filter:OUTPUT:rule:1"
	run uiptables-trace --local -p tcp -d 127.0.0.1 --dport 9 --expect ACCEPT
	assert_success
	assert_output --partial "filter:OUTPUT:policy:2"
	assert_output --partial "filter:INPUT:rule:1  -A INPUT -i lo -j ACCEPT"
}

@test "trace: routing: no route, TTL expiry, martian" {
	filter_rules
	uiptables -P FORWARD ACCEPT
	run uiptables-trace -i eth0 -s 198.51.100.9 -d 203.0.113.50 --ttl 1 --expect DROP
	assert_success
	assert_output --partial "TTL exceeded"
	run uiptables-trace -i eth0 -s 198.51.100.9 -d 127.0.0.2 --expect DROP
	assert_success
	assert_output --partial "martian"
}

@test "trace: counters show in uiptables -L -v; --dry-run leaves them" {
	filter_rules
	uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22 >/dev/null
	uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22 --length 100 >/dev/null
	run uiptables -L INPUT -v -n -x
	assert_line --index 3 --regexp '^ +2 +140 ACCEPT +tcp'
	uiptables-trace --dry-run -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22 >/dev/null
	run uiptables -L INPUT -v -n -x
	assert_line --index 3 --regexp '^ +2 +140 ACCEPT +tcp'
	run uiptables-save -c
	assert_output --partial "[2:140] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"
}

@test "trace: policy counters move too" {
	filter_rules
	uiptables-trace -i eth1 -p udp -s 203.0.113.9 -d 203.0.113.1 --dport 99 >/dev/null
	run uiptables -L INPUT -v -n -x
	assert_line --index 0 "Chain INPUT (policy DROP 1 packets, 28 bytes)"
}

nat_rules() {
	uiptables-restore <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
R
}

@test "conntrack: a TCP handshake and teardown, one invocation per packet" {
	nat_rules
	c="-p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 80"
	r="-p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 80 --dport 40000"
	run uiptables-trace -i eth0 $c --syn
	assert_output --partial "conntrack: NEW: tcp      6 120 SYN_SENT src=198.51.100.2 dst=203.0.113.2 sport=40000 dport=80 [UNREPLIED]"
	run uiptables-trace -i eth1 $r --flags SYN,ACK
	assert_output --partial "ESTABLISHED (reply): tcp      6 60 SYN_RECV"
	run uiptables-trace -i eth0 $c --flags ACK
	assert_output --partial "conntrack: ESTABLISHED: tcp      6 432000 ESTABLISHED"
	assert_output --partial "[ASSURED]"
	run uiptables-trace -i eth0 $c --flags FIN,ACK
	assert_output --partial "FIN_WAIT"
	run uiptables-trace -i eth1 $r --flags FIN,ACK
	assert_output --partial "LAST_ACK"
	run uiptables-trace -i eth0 $c --flags ACK
	assert_output --partial "TIME_WAIT"
}

@test "conntrack: out-of-state and out-of-window packets are INVALID" {
	nat_rules
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --flags FIN
	assert_output --partial "INVALID: invalid tcp flag combination"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --flags SYN,ACK
	assert_output --partial "INVALID"
	uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --syn >/dev/null
	uiptables-trace -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 80 --dport 40000 --flags SYN,ACK >/dev/null
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --flags ACK --seq 90000000
	assert_output --partial "SEQ is over upper bound"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --flags ACK --ack 77777777
	assert_output --partial "ACK is over upper bound"
}

@test "conntrack: UDP and ICMP echo pairs, timeouts on the packet clock" {
	nat_rules
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --time 100
	assert_output --partial "NEW: udp      17 30 src=198.51.100.2"
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.2 --sport 53 --dport 40000 --time 101
	assert_output --partial "ESTABLISHED (reply): udp      17 30"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --time 103
	assert_output --partial "ESTABLISHED: udp      17 120"
	assert_output --partial "[ASSURED]"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --time 300
	assert_output --partial "NEW: udp"
	run uiptables-trace -i eth0 -p icmp -s 198.51.100.2 -d 203.0.113.2 --icmp-type echo-request --icmp-id 7
	assert_output --partial "NEW: icmp     1 30 src=198.51.100.2 dst=203.0.113.2 type=8 code=0 id=7"
	run uiptables-trace -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type echo-reply --icmp-id 7
	assert_output --partial "ESTABLISHED (reply): icmp"
	run uiptables-trace -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type echo-reply --icmp-id 8
	assert_output --partial "INVALID"
}

@test "conntrack: an ICMP error is RELATED to the connection it quotes" {
	nat_rules
	uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 5000 --dport 53 >/dev/null
	run uiptables-trace -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type port-unreachable \
		--inner-src 198.51.100.2 --inner-dst 203.0.113.2 --inner-proto 17 --inner-sport 5000 --inner-dport 53
	assert_output --partial "RELATED (reply): udp"
	run uiptables-trace -i eth1 -p icmp -s 203.0.113.2 -d 198.51.100.2 --icmp-type port-unreachable \
		--inner-src 198.51.100.2 --inner-dst 203.0.113.2 --inner-proto 17 --inner-sport 5001 --inner-dport 53
	assert_output --partial "INVALID: ICMP error about no known connection"
}

@test "conntrack: nothing is tracked when no rule needs it" {
	filter_rules
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22
	refute_output --partial "conntrack"
}

@test "conntrack: a fragment is held by defragmentation" {
	nat_rules
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --fragment --expect STOLEN
	assert_success
	assert_output --partial "fragment held for reassembly"
}

@test "nat: DNAT, MASQUERADE, replies de-NATed" {
	need_ext DNAT MASQUERADE
	uiptables-restore <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 198.51.100.2:80
-A POSTROUTING -o eth1 -j MASQUERADE
COMMIT
R
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 80 --syn
	assert_output --partial "nat:POSTROUTING:rule:1  -A POSTROUTING -o eth1 -j MASQUERADE"
	assert_output --partial "leaves: IN=eth0 OUT=eth1 SRC=203.0.113.1 DST=203.0.113.2"
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.2 -d 203.0.113.1 --sport 80 --dport 40000 --flags SYN,ACK
	assert_output --partial "leaves: IN=eth1 OUT=eth0 SRC=203.0.113.2 DST=198.51.100.2"
	refute_output --partial "nat:"
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.7 -d 203.0.113.1 --sport 5555 --dport 8080 --syn
	assert_output --partial "leaves: IN=eth1 OUT=eth0 SRC=203.0.113.7 DST=198.51.100.2 LEN=40 TOS=0x00 TTL=63 ID=0 PROTO=TCP SPT=5555 DPT=80"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.7 --sport 80 --dport 5555 --flags SYN,ACK
	assert_output --partial "SRC=203.0.113.1 DST=203.0.113.7 LEN=40 TOS=0x00 TTL=63 ID=0 PROTO=TCP SPT=8080 DPT=5555"
}

@test "nat: SNAT keeps the port when free, moves it on a clash" {
	need_ext SNAT
	uiptables-restore <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth1 -j SNAT --to-source 203.0.113.1
COMMIT
R
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --sport 40000 --dport 80 --syn
	assert_output --partial "SRC=203.0.113.1 DST=203.0.113.2 LEN=40 TOS=0x00 TTL=63 ID=0 PROTO=TCP SPT=40000"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.3 -d 203.0.113.2 --sport 40000 --dport 80 --syn
	refute_output --partial "SPT=40000 DPT=80 SEQ=1000000 ACK=0 WINDOW=8192 SYN
  conntrack"
	assert_output --regexp "leaves: .*SRC=203.0.113.1 .*SPT=[0-9]+ "
	assert_output --regexp "source port 40000 .*: moved to [0-9]+ \(the kernel picks one at random\)"
}

@test "packets file, summary and JSON" {
	filter_rules
	cat > "$BATS_TEST_TMPDIR/p" <<'P'
# ssh, then web, then something dropped
-i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22 --expect ACCEPT
-i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 80
-i eth1 -p udp -s 203.0.113.9 -d 203.0.113.1 --dport 5 --expect DROP
P
	run uiptables-trace --packets "$BATS_TEST_TMPDIR/p"
	assert_success
	assert_output --partial "summary: 3 packets: ACCEPT 2, DROP 1"
	assert_output --regexp "1  filter:INPUT:rule:2  -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"
	run uiptables-trace --json --packets "$BATS_TEST_TMPDIR/p"
	assert_success
	assert_line --index 0 --partial '{"packet":1,"where":"'
	assert_line --index 0 --partial '"verdict":"ACCEPT","fate":"local"'
	assert_line --index 3 --partial '{"summary":{"packets":3,"verdicts":{"ACCEPT":2,"DROP":1}'
	if command -v python3 >/dev/null; then
		uiptables-trace --json --packets "$BATS_TEST_TMPDIR/p" | python3 -c 'import sys,json; [json.loads(l) for l in sys.stdin]'
	fi
}

@test "bad input: a clear error naming the place, exit 2" {
	filter_rules
	run uiptables-trace -i eth0 -p tcp --dport nope
	assert_failure 2
	assert_output --partial "command line: bad value for --dport: \`nope'"
	printf -- '-i eth0 -p tcp\n-i eth0 --ttl 300\n' > "$BATS_TEST_TMPDIR/p"
	run uiptables-trace --packets "$BATS_TEST_TMPDIR/p"
	assert_failure 2
	assert_output --partial "p:2: bad value for --ttl: \`300'"
	run uiptables-trace -p tcp
	assert_failure 2
	assert_output --partial "-i IFACE or --local"
	run uiptables-trace --pcap /nonexistent
	assert_failure 2
}

@test "host model: default shown, a file edits it" {
	run uiptables-trace --host
	assert_output --partial "addr eth0 198.51.100.1/24"
	assert_output --partial "route default via 203.0.113.2 dev eth1"
	cat > "$UIPTABLES_STATE/host" <<'H'
iface lo loopback
iface wan
iface lan
addr lo 127.0.0.1/8
addr wan 192.0.2.10/24
addr lan 10.1.0.1/16
route blackhole 10.9.0.0/16
route default via 192.0.2.1 dev wan
H
	run uiptables-trace --host
	assert_output --partial "route blackhole 10.9.0.0/16"
	run uiptables-trace -i lan -s 10.1.0.5 -d 198.51.100.7
	assert_output --partial "forward: via 192.0.2.1 dev wan"
	run uiptables-trace -i lan -s 10.1.0.5 -d 10.9.1.1 --expect DROP
	assert_success
	assert_output --partial "blackhole route"
	refute_output --partial "generated"
	echo "route prohibit 10.8.0.0/16" >> "$UIPTABLES_STATE/host"
	run uiptables-trace -i lan -s 10.1.0.5 -d 10.8.1.1 --expect DROP
	assert_success
	assert_output --partial "generated: ICMP type 3 code 13 to 10.1.0.5: ACCEPT (sent via lan) SRC=10.1.0.1 DST=10.1.0.5"
	echo "adr lan 1.2.3.4/8" >> "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_failure 2
	assert_output --partial "host:10: unknown keyword \`adr'"
}

@test "pcap: Ethernet capture with a BPF filter; a truncated file names the packet" {
	command -v python3 >/dev/null || skip "python3 is needed to write the capture"
	filter_rules
	python3 "$UIPT_SRCDIR/tests/bats/mkpcap.py" "$BATS_TEST_TMPDIR/c.pcap"
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/c.pcap" --iface eth1
	assert_success
	assert_output --partial "summary: 3 packets: ACCEPT 2, DROP 1"
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/c.pcap" --iface eth1 --filter "tcp port 22"
	assert_output --partial "summary: 1 packets: ACCEPT 1"
	assert_output --partial "c.pcap packet 1"
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/c.pcap"
	assert_failure 2
	assert_output --partial "packet 1: which interface"
	head -c -10 "$BATS_TEST_TMPDIR/c.pcap" > "$BATS_TEST_TMPDIR/t.pcap"
	run uiptables-trace -q --pcap "$BATS_TEST_TMPDIR/t.pcap" --iface eth1
	assert_failure 2
	assert_output --partial "packet 3"
	echo "02:00:00:00:0b:00 eth1" > "$BATS_TEST_TMPDIR/map"
	run uiptables-trace -q --pcap "$BATS_TEST_TMPDIR/c.pcap" --mac-map "$BATS_TEST_TMPDIR/map"
	assert_success
}

@test "host model: --host-import reads a namespace over rtnetlink" {
	[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
	ns="uiptk_hi$$"
	ip netns add "$ns" 2>/dev/null || skip "cannot create network namespaces"
	ip -n "$ns" link add v0 address 02:00:00:00:0c:01 type veth peer name v1
	ip -n "$ns" link set lo up
	ip -n "$ns" link set v0 up
	ip -n "$ns" link set v1 up
	ip -n "$ns" addr add 192.0.2.5/24 dev v0
	ip -n "$ns" route add 198.51.100.0/24 via 192.0.2.1 dev v0
	ip -n "$ns" route add blackhole 203.0.113.0/24
	run ip netns exec "$ns" uiptables-trace --host-import
	ip netns del "$ns"
	assert_success
	assert_output --partial "iface v0 mac 02:00:00:00:0c:01"
	assert_output --partial "addr v0 192.0.2.5/24"
	assert_output --partial "route 198.51.100.0/24 via 192.0.2.1 dev v0"
	assert_output --partial "route blackhole 203.0.113.0/24"
	run uiptables-trace --host
	assert_output --partial "addr v0 192.0.2.5/24"
	run uiptables-trace -i v1 -s 192.0.2.9 -d 198.51.100.3
	assert_output --partial "forward: via 192.0.2.1 dev v0"
}

@test "state: a damaged evstate is reported, never overwritten" {
	filter_rules
	echo "garbage garbage garbage garbage garbage garbage" > "$UIPTABLES_STATE/evstate"
	cp "$UIPTABLES_STATE/evstate" "$BATS_TEST_TMPDIR/before"
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22
	assert_failure 2
	assert_output --partial "evstate is damaged or foreign"
	cmp "$UIPTABLES_STATE/evstate" "$BATS_TEST_TMPDIR/before"
}

@test "packets through a pipe are answered line by line" {
	filter_rules
	coproc T { uiptables-trace --json --packets -; }
	echo "-i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 22" >&"${T[1]}"
	read -r -t 10 line <&"${T[0]}"
	[[ "$line" == '{"packet":1,'* ]]
	echo "-i eth1 -p tcp -s 203.0.113.9 -d 203.0.113.1 --dport 23" >&"${T[1]}"
	read -r -t 10 line <&"${T[0]}"
	[[ "$line" == *'"verdict":"DROP"'* ]]
	exec {T[1]}>&-
	wait
}

@test "LOG lines and REJECT replies in the trace" {
	need_ext LOG REJECT
	uiptables-restore <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 23 -j LOG --log-prefix "telnet: "
-A INPUT -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset
-A INPUT -p udp -j REJECT
-A OUTPUT -p tcp -m tcp --tcp-flags RST RST -j ACCEPT
COMMIT
R
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.1 --sport 4000 --dport 23 --syn --expect REJECT
	assert_success
	assert_output --partial "log: telnet: IN=eth0 OUT="
	assert_output --partial "verdict: REJECT (in filter INPUT)"
	assert_output --partial "filter:OUTPUT:rule:1  -A OUTPUT -p tcp -m tcp --tcp-flags RST RST -j ACCEPT  => ACCEPT"
	assert_output --regexp "generated: TCP reset to 198.51.100.2: ACCEPT \(sent via eth0\) SRC=198.51.100.1 DST=198.51.100.2 .* SPT=23 DPT=4000 SEQ=0 ACK=1000001 .* ACK RST"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --expect REJECT
	assert_output --regexp "generated: ICMP type 3 code 3 to 198.51.100.2: ACCEPT \(sent via eth0\) SRC=198.51.100.1 DST=198.51.100.2 LEN=56 TOS=0xC0"
}

@test "a REJECT's reply walks OUTPUT on its own: hashlimit keys it, a DROP there is its verdict" {
	need_ext REJECT
	uiptables-restore <<'R'
*filter
-A INPUT -p udp -j REJECT
-A OUTPUT -p icmp -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 --hashlimit-mode srcip,dstip --hashlimit-name r -j ACCEPT
-A OUTPUT -p icmp -j DROP
COMMIT
R
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --dport 9 --expect REJECT
	assert_success
	assert_output --regexp "generated: ICMP type 3 code 3 to 198.51.100.2: ACCEPT \(sent via eth0\)"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --dport 9 --expect REJECT
	assert_success
	assert_output --partial "filter:OUTPUT:rule:2  -A OUTPUT -p icmp -j DROP  => DROP"
	assert_output --partial "generated: ICMP type 3 code 3 to 198.51.100.2: DROP"
	# another destination is another bucket
	run uiptables-trace -i eth0 -p udp -s 198.51.100.7 -d 198.51.100.1 --dport 9
	assert_output --regexp "generated: ICMP type 3 code 3 to 198.51.100.7: ACCEPT"
}

@test "pcap: raw IP and Linux cooked v2 captures" {
	command -v python3 >/dev/null || skip "python3 is needed to write the capture"
	filter_rules
	python3 "$UIPT_SRCDIR/tests/bats/mkpcap.py" "$BATS_TEST_TMPDIR/r.pcap" raw
	run uiptables-trace -q --pcap "$BATS_TEST_TMPDIR/r.pcap" --iface eth1
	assert_success
	assert_output --partial "summary: 3 packets: ACCEPT 2, DROP 1"
	python3 "$UIPT_SRCDIR/tests/bats/mkpcap.py" "$BATS_TEST_TMPDIR/s.pcap" sll2
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/s.pcap"
	assert_success
	assert_output --partial "IN=eth1 SRC=203.0.113.9"
	assert_output --partial "summary: 3 packets: ACCEPT 2, DROP 1"
	printf 'not a capture at all, not even close\n' > "$BATS_TEST_TMPDIR/x.pcap"
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/x.pcap" --iface eth1
	assert_failure 2
	assert_output --partial "x.pcap:"
}
