#!/usr/bin/env bats
# The stateful and host matches in the evaluator, without the kernel (the
# kernel comparison is kernel_ext_matches.bats): named state shared by
# rules and kept between runs, connections counted, device groups in the
# host model, and what the trace says where it has to assume.

load helpers

setup() {
	fresh_state
}

A2B="-i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --sport 40000"

restore() {
	uiptables-restore <<EOF2
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
$1
COMMIT
EOF2
}

@test "recent: one list per name, shared by rules and chains, kept between runs" {
	restore "-A FORWARD -p udp -m udp --dport 1 -m recent --set --name seen
-A FORWARD -p udp -m udp --dport 2 -m recent --rcheck --name seen -j DROP
-A INPUT -p udp -m recent --rcheck --name seen -j DROP
-A FORWARD -p udp -m udp --dport 2 -m recent --rcheck --name other -j DROP"
	run uiptables-trace $A2B --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 1 --dry-run
	run uiptables-trace $A2B --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]	# --dry-run kept nothing
	uiptables-trace $A2B --dport 1
	run uiptables-trace $A2B --dport 2 --expect DROP
	[ "$status" -eq 0 ]
	assert_output --partial "filter:FORWARD:rule:2"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --dport 9 --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace -i eth0 -p udp -s 198.51.100.3 -d 203.0.113.2 --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]
}

@test "recent: --seconds, --hitcount and --remove on the packet clock" {
	restore "-A FORWARD -p udp -m udp --dport 1 -m recent --set
-A FORWARD -p udp -m udp --dport 2 -m recent --rcheck --seconds 10 --hitcount 2 -j DROP
-A FORWARD -p udp -m udp --dport 3 -m recent --remove"
	uiptables-trace $A2B --dport 1 --time 100
	run uiptables-trace $A2B --dport 2 --time 101 --expect ACCEPT
	[ "$status" -eq 0 ]	# one sighting
	uiptables-trace $A2B --dport 1 --time 102
	run uiptables-trace $A2B --dport 2 --time 105 --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 2 --time 110.5 --expect ACCEPT
	[ "$status" -eq 0 ]	# the first is now 10.5 s old
	uiptables-trace $A2B --dport 1 --time 111
	run uiptables-trace $A2B --dport 2 --time 111.5 --expect DROP
	[ "$status" -eq 0 ]
	uiptables-trace $A2B --dport 3 --time 112
	run uiptables-trace $A2B --dport 2 --time 112.5 --expect ACCEPT
	[ "$status" -eq 0 ]
}

@test "hashlimit: rules naming one table share its buckets" {
	restore "-A FORWARD -p udp -m udp --dport 7 -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name same -j ACCEPT
-A FORWARD -p udp -m udp --dport 8 -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name same -j ACCEPT
-A FORWARD -p udp -j DROP"
	run uiptables-trace $A2B --dport 7 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 8 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 7 --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 8 --expect DROP
	[ "$status" -eq 0 ]
}

@test "connlimit: live connections per address; closed ones no longer count" {
	restore "-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-above 1 -j DROP"
	local c="-i eth0 -p tcp -s 198.51.100.2 -d 203.0.113.2 --dport 80"
	run uiptables-trace $c --sport 41001 --syn --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $c --sport 41002 --syn --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.3 -d 203.0.113.2 --dport 80 --sport 41003 --syn --expect ACCEPT
	[ "$status" -eq 0 ]
	# the first one reset: room again
	uiptables-trace -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.2 --sport 80 --dport 41001 --flags RST,ACK
	run uiptables-trace $c --sport 41004 --syn --expect ACCEPT
	[ "$status" -eq 0 ]
}

@test "socket: no conntrack loaded for it, and the assumption is stated" {
	uiptables-restore <<'R'
*mangle
-A PREROUTING -m socket -j MARK --set-mark 1
COMMIT
R
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.1 --dport 22
	[ "$status" -eq 0 ]
	assert_output --partial "assume: socket: a local socket for the packet"
	refute_output --partial "mangle:PREROUTING:rule:1"
	run uiptables-trace --conntrack
	assert_output --partial "0 flow entries"
}

@test "assumed matches say so on the rule; --assume-match turns them" {
	restore "-A INPUT -m cpu --cpu 0 -j DROP
-A INPUT -p tcp -m osf --genre Linux -j DROP
-A INPUT -m statistic --mode random --probability 0.5 -j DROP"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.1 --dport 22 --syn --expect ACCEPT
	[ "$status" -eq 0 ]
	assert_output --partial "assume: cpu: the CPU handling the packet"
	assert_output --partial "assume: osf: the SYN's OS fingerprint"
	assert_output --partial "assume: statistic: random draw"
	run uiptables-trace --assume-match -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.1 --dport 22 --syn --expect DROP
	[ "$status" -eq 0 ]
}

@test "rateest, ipvs: stated on the rule; nfacct refused without its object" {
	restore "-A INPUT -m rateest --rateest x --rateest-gt --rateest-bps 1000 -j DROP
-A INPUT -m ipvs --vproto 6 -j DROP
-A INPUT -m ipvs ! --ipvs -j ACCEPT"
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.1 --dport 22 --expect ACCEPT
	[ "$status" -eq 0 ]
	assert_output --partial "assume: rateest: the estimated rates"
	assert_output --partial "assume: ipvs: no IPVS in the model"
	assert_output --partial "filter:INPUT:rule:3"
	# The kernel wants the nfnetlink_acct object to exist: ENOENT
	# (made with unfacct: nfacct.bats).
	run uiptables -A INPUT -m nfacct --nfacct-name acc
	[ "$status" -eq 1 ]
	assert_output --partial "No chain/target/match by that name"
}

@test "cgroup: a classid is compared as 0, a path assumed; no socket, no match" {
	restore "-A OUTPUT -p udp -m udp --dport 1 -m cgroup --cgroup 0 -j DROP
-A OUTPUT -p udp -m udp --dport 2 -m cgroup --cgroup 5 -j DROP
-A INPUT -m cgroup ! --cgroup 5 -j DROP"
	run uiptables-trace --local -p udp -d 203.0.113.2 --dport 1 --expect DROP
	[ "$status" -eq 0 ]
	assert_output --partial "assume: cgroup: the sender's net_cls classid, taken as 0"
	run uiptables-trace --local -p udp -d 203.0.113.2 --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]
}

@test "devgroup: groups from the host model's iface lines" {
	cat > "$UIPTABLES_STATE/host" <<'H'
iface lo loopback
iface eth0 mac 02:00:00:00:f0:00 group 5
iface eth1 mac 02:00:00:00:f0:01 group 0x6
addr lo 127.0.0.1/8
addr eth0 198.51.100.1/24
addr eth1 203.0.113.1/24
route default via 203.0.113.2 dev eth1
H
	run uiptables-trace --host
	assert_output --partial "iface eth0 mac 02:00:00:00:f0:00 group 5"
	assert_output --partial "iface eth1 mac 02:00:00:00:f0:01 group 6"
	restore "-A FORWARD -m devgroup --src-group 5 --dst-group 6 -j DROP"
	run uiptables-trace $A2B --dport 53 --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.2 --dport 53 --expect ACCEPT
	[ "$status" -eq 0 ]
}

@test "owner: --groups gives the sender's supplementary groups; without it, assumed" {
	uiptables-restore <<EOF2
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -m owner --gid-owner 20-29 --suppl-groups -j DROP
COMMIT
EOF2
	local out="--local --uid 1000 --gid 1000 -p udp -d 203.0.113.2"
	run uiptables-trace $out --groups 4,25 --expect DROP
	[ "$status" -eq 0 ]
	refute_output --partial "assume:"
	run uiptables-trace $out --groups 4,30 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $out --groups "" --expect ACCEPT
	[ "$status" -eq 0 ]
	run uiptables-trace $out --expect ACCEPT
	assert_output --partial "assume: owner: sender's supplementary groups"
	run uiptables-trace $out --groups 4,x
	[ "$status" -eq 2 ]
	assert_output --partial "--groups"
}

@test "connbytes: turns accounting on for good; connections begun before have none" {
	restore "-A FORWARD -p udp -m state --state NEW -j ACCEPT"
	uiptables-trace $A2B --dport 1 >/dev/null
	run uconntrack -L
	assert_output --partial "dport=1 [UNREPLIED]"
	restore "-A FORWARD -p udp -m connbytes --connbytes 0: --connbytes-mode packets --connbytes-dir both -j ACCEPT
-A FORWARD -j DROP"
	# The older connection has no counters: no match, even from 0.
	run uiptables-trace $A2B --dport 1 --expect DROP
	[ "$status" -eq 0 ]
	run uiptables-trace $A2B --dport 2 --expect ACCEPT
	[ "$status" -eq 0 ]
	run uconntrack -L -p udp --dport 2
	assert_output --partial "dport=2 packets=1 bytes=28 [UNREPLIED]"
	# Off again in the rules, still on in the namespace; -I entries too.
	restore "-A FORWARD -p udp -m state --state NEW -j ACCEPT"
	uiptables-trace $A2B --dport 3 >/dev/null
	run uconntrack -L -p udp --dport 3
	assert_output --partial "packets=1 bytes=28"
	uconntrack -I -p udp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2 -t 50
	run uconntrack -L -s 192.0.2.1
	assert_output --partial "dport=2 packets=0 bytes=0 [UNREPLIED]"
}
