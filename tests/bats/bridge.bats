#!/usr/bin/env bats
# Bridges in the host model and bridged frames in the trace (br_netfilter's
# way), without the kernel: tests/kernel/ext/physdev-bridge.* compares the
# same paths with it.

load helpers

# br0 bridges eth0, eth2 and eth3; eth1 is routed.
bridge_host() {
	cat > "$UIPTABLES_STATE/host" <<'H'
iface lo loopback
iface br0 type bridge mac 02:00:00:00:f0:0b
iface eth0 master br0 mac 02:00:00:00:f0:00
iface eth1 mac 02:00:00:00:f0:01
iface eth2 master br0 mac 02:00:00:00:f0:02
iface eth3 master br0 mac 02:00:00:00:f0:03
addr lo 127.0.0.1/8
addr br0 198.51.100.1/24
addr eth1 203.0.113.1/24
route default via 203.0.113.2 dev eth1
H
}

MA=02:00:00:00:0a:00
MC=02:00:00:00:0c:00

setup() {
	fresh_state
	bridge_host
}

@test "bridge: host lines are kept and written back; an old file still loads" {
	run uiptables-trace --host
	assert_success
	assert_output --partial "iface br0 type bridge mac 02:00:00:00:f0:0b"
	assert_output --partial "iface eth0 master br0 mac 02:00:00:00:f0:00"
	refute_output --partial "sysctl"
	echo "sysctl net.bridge.bridge-nf-call-iptables 0" >> "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_output --partial "sysctl net.bridge.bridge-nf-call-iptables 0"
	echo "iface eth9 master eth1" >> "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_failure 2
	assert_output --partial "eth9: master eth1 is not a bridge"
	printf 'iface eth0\niface eth1\naddr eth0 198.51.100.1/24\n' > "$UIPTABLES_STATE/host"
	run uiptables-trace -i eth0 -s 198.51.100.2 -d 203.0.113.2
	assert_success
	refute_output --partial "bridge"
}

@test "bridge: a frame to another MAC is bridged, in=br0 with its ports" {
	uiptables -A FORWARD -i br0 -o br0 -m physdev --physdev-in eth0 --physdev-out eth2 --physdev-is-bridged
	uiptables -A FORWARD -m physdev --physdev-out eth0
	uiptables -t mangle -A PREROUTING -m physdev --physdev-in eth+ ! --physdev-is-bridged
	uiptables -t mangle -A POSTROUTING -o br0 -m physdev --physdev-out eth2
	# C's MAC learned on eth2 first, so A's frame is not flooded.
	uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.9 --mac-source $MC --mac-destination 02:00:00:00:0d:00
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC
	assert_success
	assert_output --partial "packet 1: IN=br0 PHYSIN=eth0 SRC=198.51.100.2"
	assert_output --partial "bridge: br0: in by port eth0, to 02:00:00:00:0c:00: bridged"
	assert_output --partial "mangle:PREROUTING:rule:1"
	assert_output --partial "bridge: br0: out by eth2 (destination MAC in the forwarding database)"
	assert_output --partial "filter:FORWARD:rule:1"
	refute_output --partial "filter:FORWARD:rule:2"
	assert_output --partial "mangle:POSTROUTING:rule:1"
	assert_output --partial "verdict: ACCEPT (bridged via br0)"
	assert_output --partial "bridged out of port eth2: ACCEPT"
	assert_output --partial "leaves: IN=br0 OUT=br0 PHYSIN=eth0 PHYSOUT=eth2 SRC=198.51.100.2"
	# Bridged, the TTL stays.
	assert_output --partial "TTL=64"
}

@test "bridge: unknown MACs flood, each copy through FORWARD on its own" {
	uiptables -A FORWARD -m physdev --physdev-out eth3 -j DROP
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.4 --mac-source $MA --mac-destination 02:00:00:00:0d:00
	assert_success
	assert_output --partial "flooded to 2 other port(s), destination MAC unknown"
	assert_line --index 3 --partial "bridge: br0: the copy for eth2"
	assert_line --index 5 --partial "bridge: br0: the copy for eth3"
	assert_line --index 6 --partial "filter:FORWARD:rule:1"
	assert_output --partial "bridged out of port eth2: ACCEPT"
	assert_output --partial "bridged out of port eth3: DROP"
	assert_output --partial "verdict: ACCEPT (bridged via br0)"
	run uiptables -L FORWARD -v -x -n
	assert_line --regexp '^ +1 +28 DROP .*PHYSDEV match --physdev-out eth3'
	# All copies dropped: the frame is.
	uiptables -A FORWARD -m physdev --physdev-out eth2 -j DROP
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.5 --mac-source $MA --mac-destination 02:00:00:00:0e:00 --expect DROP
	assert_success
	assert_output --partial "verdict: DROP (in filter FORWARD)"
}

@test "bridge: the forwarding database learns, ages out after 300 s, and never sends back" {
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC --time 10
	assert_output --partial "flooded to 2 other port(s)"
	run uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.2 --mac-source $MC --mac-destination $MA --time 20
	assert_output --partial "out by eth0 (destination MAC in the forwarding database)"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC --time 200
	assert_output --partial "out by eth2"
	# C last seen at 20 s: gone at 320 s.
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC --time 320.5
	assert_output --partial "flooded to 2 other port(s)"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.7 --mac-source $MA --mac-destination $MA --time 321 --expect DROP
	assert_success
	assert_output --partial "dropped: the destination MAC is on the port the frame came in by"
	# --dry-run learns nothing that lasts.
	run uiptables-trace --dry-run -i eth3 -p udp -s 198.51.100.8 -d 198.51.100.2 --mac-source 02:00:00:00:08:00 --mac-destination $MA --time 322
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.8 --mac-source $MA --mac-destination 02:00:00:00:08:00 --time 323
	assert_output --partial "flooded to 2 other port(s)"
}

@test "bridge: frames to the bridge's MAC go up: INPUT or routed FORWARD with in=br0" {
	uiptables -A INPUT -i br0 -m physdev --physdev-in eth0 ! --physdev-is-bridged
	uiptables -A FORWARD -i br0 -o eth1 -m physdev --physdev-is-in ! --physdev-is-out
	uiptables -A FORWARD -m physdev ! --physdev-out eth9
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --mac-source $MA
	assert_output --partial "to 02:00:00:00:f0:0b: the bridge's own, up to IP"
	assert_output --partial "filter:INPUT:rule:1"
	assert_output --partial "delivered locally"
	# A port's own MAC is the bridge's too.
	run uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.1 --mac-source $MC --mac-destination 02:00:00:00:f0:02
	assert_output --partial "delivered locally"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 203.0.113.2 --mac-source $MA
	assert_output --partial "filter:FORWARD:rule:1"
	refute_output --partial "filter:FORWARD:rule:2"
	assert_output --partial "forwarded via eth1"
	assert_output --partial "TTL=63"
}

@test "bridge: routed out through the bridge, the port is the database's or every one" {
	uiptables -A FORWARD -o br0 -m physdev ! --physdev-is-out
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.3
	assert_output --partial "filter:FORWARD:rule:1"
	assert_output --partial "flooded to 3 port(s), 198.51.100.3's MAC not in the forwarding database"
	assert_output --partial "leaves by port eth0: ACCEPT"
	assert_output --partial "leaves by port eth3: ACCEPT"
	uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.1 --mac-source $MC
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.3
	assert_output --partial "out by eth2 (198.51.100.3's MAC in the forwarding database)"
	refute_output --partial "port eth0"
	run uiptables-trace --local -p udp -d 198.51.100.3 --json
	assert_output --partial '"bridge":[{"port":"eth2","verdict":"ACCEPT","bridged":false}]'
	# A sender on the subnet addresses a known neighbour's MAC itself.
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA
	assert_output --partial "to 02:00:00:00:0c:00: bridged"
}

@test "bridge: a broadcast floods and goes up; JSON names the ports" {
	uiptables -A INPUT -m pkttype --pkt-type broadcast -m physdev --physdev-in eth0
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.255 --mac-source $MA --json
	assert_output --partial '"bridge":[{"port":"eth2","verdict":"ACCEPT","bridged":true},{"port":"eth3","verdict":"ACCEPT","bridged":true}]'
	assert_output --partial '"fate":"local"'
	assert_output --partial '"table":"filter","chain":"INPUT","num":1'
	assert_output --partial '"orig":{"in":"br0","out":"","src":"198.51.100.2","dst":"198.51.100.255","proto":17,"len":28,"ttl":64,"tos":0,"mark":0,"physin":"eth0"'
	assert_output --partial '"physin":"eth0"'
}

@test "bridge: conntrack and DNAT of bridged frames" {
	uiptables -t nat -A PREROUTING -m physdev --physdev-in eth0 -p udp --dport 5353 -j DNAT --to-destination 203.0.113.2
	uiptables -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -m physdev --physdev-is-bridged
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC
	assert_output --partial "conntrack: NEW"
	assert_output --partial "filter:FORWARD:rule:1"
	run uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.2 --sport 53 --dport 40000 --mac-source $MC --mac-destination $MA
	assert_output --partial "ESTABLISHED (reply)"
	assert_output --partial "out by eth0"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --dport 5353 --mac-source $MA --mac-destination $MC
	assert_output --partial "nat:PREROUTING:rule:1"
	assert_output --partial "destination NATed off the bridge: up to IP"
	assert_output --partial "forwarded via eth1"
	refute_output --partial "filter:FORWARD:rule:1"
	run uiptables-trace --conntrack
	assert_output --partial "dst=198.51.100.3 sport=40000 dport=5353 [UNREPLIED] src=203.0.113.2"
}

@test "bridge: with bridge-nf-call-iptables 0 iptables sees only what goes up" {
	echo "sysctl net.bridge.bridge-nf-call-iptables 0" >> "$UIPTABLES_STATE/host"
	uiptables -A FORWARD -j DROP
	uiptables -A INPUT -i br0 -m physdev ! --physdev-is-in
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC --expect ACCEPT
	assert_success
	assert_output --partial "bridge-nf-call-iptables is 0"
	refute_output --partial "FORWARD"
	assert_output --partial "bridged out of port eth2: ACCEPT"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.1 --mac-source $MA
	assert_output --partial "filter:INPUT:rule:1"
	assert_output --partial "leaves: IN=br0 OUT= SRC=198.51.100.2"
}

@test "bridge: --host-import reads bridges, ports and the switch from a namespace" {
	[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
	ns="uiptbr_hi$$"
	ip netns add "$ns" 2>/dev/null || skip "cannot create network namespaces"
	if ! ip -n "$ns" link add br7 address 02:00:00:00:f0:0b type bridge 2>/dev/null; then
		ip netns del "$ns"
		skip "the kernel here cannot make a bridge"
	fi
	ip -n "$ns" link add v0 type veth peer name v1
	ip -n "$ns" link set v0 master br7
	ip -n "$ns" link set br7 up
	ip -n "$ns" addr add 192.0.2.1/24 dev br7
	ip -n "$ns" neigh replace 192.0.2.7 lladdr 02:00:00:00:0c:07 dev br7 nud permanent
	ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables' 2>/dev/null || true
	run ip netns exec "$ns" uiptables-trace --host-import
	local call
	call=$(ip netns exec "$ns" cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0)
	ip netns del "$ns"
	assert_success
	assert_output --partial "iface br7 type bridge mac 02:00:00:00:f0:0b"
	assert_output --regexp "iface v0 master br7 mac"
	refute_output --regexp "iface v1 master"
	assert_output --partial "neigh 192.0.2.7 lladdr 02:00:00:00:0c:07 dev br7"
	if [ "$call" = 0 ]; then
		assert_output --partial "sysctl net.bridge.bridge-nf-call-iptables 0"
	fi
}

@test "bridge: a reset for a frame from a port leaves by that port, past OUTPUT" {
	uiptables -A FORWARD -p tcp --dport 23 -j REJECT --reject-with tcp-reset
	uiptables -A FORWARD -p udp --dport 69 -j REJECT
	uiptables -A OUTPUT
	run uiptables-trace -i eth0 -p tcp -s 198.51.100.2 -d 198.51.100.3 --dport 23 --mac-source $MA --mac-destination $MC --expect REJECT
	assert_success
	assert_output --partial "TCP reset to 198.51.100.2: sent straight out of bridge port eth0 (not through OUTPUT and POSTROUTING)"
	refute_output --partial "filter:OUTPUT:rule:1"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --dport 69 --mac-source $MA --mac-destination $MC --json
	assert_output --partial '"table":"filter","chain":"OUTPUT","num":1'
	# From a routed link, a reset goes the usual way.
	run uiptables-trace -i eth1 -p tcp -s 203.0.113.2 -d 198.51.100.3 --dport 23
	assert_output --partial "filter:OUTPUT:rule:1"
}

@test "bridge: neigh lines give the next hop's MAC, the database its port" {
	echo "neigh 198.51.100.3 lladdr $MC dev br0" >> "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_output --partial "neigh 198.51.100.3 lladdr 02:00:00:00:0c:00 dev br0"
	# The MAC is known, its port not yet: flooded.
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.3
	assert_output --partial "flooded to 3 port(s)"
	# C's frame, from another address, teaches the bridge where its MAC is.
	uiptables-trace -i eth2 -p udp -s 198.51.100.30 -d 198.51.100.1 --mac-source $MC
	run uiptables-trace -i eth1 -p udp -s 203.0.113.2 -d 198.51.100.3
	assert_output --partial "out by eth2"
	echo "neigh 198.51.100.4 lladdr $MC dev eth9" >> "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_failure 2
	assert_output --partial "neighbour on unknown interface \`eth9'"
}

@test "bridge: a frame from a group or zero MAC is dropped before any hook" {
	uiptables -t mangle -A PREROUTING
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source 01:00:5e:00:00:01 --mac-destination $MC --expect DROP
	assert_success
	assert_output --partial "dropped: the source MAC is not a station's"
	refute_output --partial "mangle:PREROUTING:rule:1"
	run uiptables -t mangle -L PREROUTING -v -x -n
	assert_line --regexp '^ +0 +0 +all'
}

@test "bridge: a capture's frames on a port go by their own destination MAC" {
	command -v python3 >/dev/null || skip "python3 is needed to write the capture"
	python3 "$UIPT_SRCDIR/tests/bats/mkpcap.py" "$BATS_TEST_TMPDIR/c.pcap"
	uiptables -A FORWARD -m physdev --physdev-in eth2 --physdev-is-bridged -p tcp --dport 22 -j DROP
	# To 02:00:00:00:0f:01, not the bridge's: bridged, flooded.
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/c.pcap" --iface eth2
	assert_success
	assert_output --partial "IN=br0 PHYSIN=eth2 SRC=203.0.113.9"
	assert_output --partial "to 02:00:00:00:0f:01: bridged"
	assert_output --partial "bridged out of port eth0: DROP"
	assert_output --partial "summary: 3 packets: DROP 1, ACCEPT 2"
	# The same frames on a routed interface whose MAC they name go up.
	run uiptables-trace --pcap "$BATS_TEST_TMPDIR/c.pcap" --iface eth1
	refute_output --partial "bridge"
}

@test "bridge: nothing comes in by, or goes out of, a port that is down" {
	sed -i 's/^iface eth3 master br0 mac 02:00:00:00:f0:03$/& down/' "$UIPTABLES_STATE/host"
	run uiptables-trace --host
	assert_output --partial "iface eth3 master br0 mac 02:00:00:00:f0:03 down"
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.4 --mac-source $MA --mac-destination 02:00:00:00:0d:00
	assert_output --partial "flooded to 1 other port(s)"
	refute_output --partial "eth3"
	run uiptables-trace -i eth3 -p udp -s 198.51.100.4 -d 198.51.100.2 --mac-source 02:00:00:00:0d:00 --expect DROP
	assert_success
	assert_output --partial "dropped: the port is down"
}

@test "bridge: LOG names the ports after the devices, as nf_log does" {
	uiptables -A FORWARD -j LOG --log-prefix "br: "
	uiptables -A INPUT -j LOG
	run uiptables-trace -i eth0 -p udp -s 198.51.100.2 -d 198.51.100.3 --mac-source $MA --mac-destination $MC
	assert_output --partial "log: br: IN=br0 OUT=br0 PHYSIN=eth0 PHYSOUT=eth2 MAC=02:00:00:00:0c:00:02:00:00:00:0a:00:08:00 SRC=198.51.100.2"
	run uiptables-trace -i eth2 -p udp -s 198.51.100.3 -d 198.51.100.1 --mac-source $MC
	assert_output --partial "log: IN=br0 OUT= PHYSIN=eth2 MAC=02:00:00:00:f0:0b:02:00:00:00:0c:00:08:00 SRC=198.51.100.3"
}
