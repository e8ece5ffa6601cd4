#!/usr/bin/env bats
# Stateful and host matches against the real kernel (issue 5): each case
# tests/kernel/ext/NAME.save + NAME.packets (+ NAME.setup, shell lines run
# in the firewall namespace) goes through kcompare.py as the cases of
# kernel_compare.bats do.  A test skips, saying why, where the kernel lacks
# the module; the last tests show, without the kernel, how the trace states
# what it cannot know.

load helpers

KC="$UIPT_SRCDIR/tests/kernel/kcompare.py"
EXT="$UIPT_SRCDIR/tests/kernel/ext"
PREFIX="uiptx$$"

setup() {
	fresh_state
}

teardown() {
	kernel_teardown
}

# The kernel has the match if a rule using it loads in a namespace (built
# in, or a module it can load): need_match NAME TABLE RULE...
need_match() {
	local name=$1 table=$2
	shift 2
	kernel_ready
	if ! ip netns exec "${PREFIX}_probe" iptables-legacy -t "$table" "$@" 2>/dev/null; then
		skip "the kernel here has no $name match (xt_$name)"
	fi
	ip netns del "${PREFIX}_probe"
}

kcompare_ext() {
	local name=$1
	shift
	local setup=()
	[ -f "$EXT/$name.setup" ] && setup=(--setup "$EXT/$name.setup")
	run /usr/bin/python3 "$KC" --prefix "$PREFIX" --trace "$UIPT_BUILDDIR" \
		--state "$UIPTABLES_STATE" --rules "$EXT/$name.save" \
		--packets "$EXT/$name.packets" "${setup[@]}" "$@"
	echo "$output" | grep -v '^Warning: \|^-A \|^:\|^\*\|^COMMIT' | head -40
	[ "$status" -ne 77 ] || skip "kcompare cannot run here"
	[ "$status" -eq 0 ]
	# Every packet was compared.
	[[ "${lines[-1]}" == "$(grep -c '^-\|^--' "$EXT/$name.packets") packets, 0 mismatches" ]]
}

@test "kernel ext: bpf (inline bytecode)" {
	need_match bpf filter -A FORWARD -m bpf --bytecode "1,6 0 0 1"
	kcompare_ext bpf
}

@test "kernel ext: cgroup (no socket; classid 0 of the sender)" {
	need_match cgroup filter -A OUTPUT -m cgroup --cgroup 1
	kcompare_ext cgroup
}

@test "kernel ext: cluster (hash of the original source)" {
	need_match cluster filter -A FORWARD -m cluster --cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 1
	kcompare_ext cluster
}

@test "kernel ext: connbytes (packets, bytes, average, directions)" {
	need_match connbytes filter -A FORWARD -m connbytes --connbytes 1 --connbytes-mode packets --connbytes-dir both
	# connbytes turned accounting on: both list packets= and bytes=.
	kcompare_ext connbytes
}

@test "kernel ext: connlabel (test and set)" {
	need_match connlabel filter -A FORWARD -m connlabel --label 3
	kcompare_ext connlabel
}

@test "kernel ext: devgroup (groups on FW's links, host model imported)" {
	need_match devgroup filter -A FORWARD -m devgroup --src-group 1
	kcompare_ext devgroup --import-host
}

@test "kernel ext: hashlimit (per-group buckets, packets and bytes)" {
	need_match hashlimit filter -A FORWARD -m hashlimit --hashlimit-upto 1/s --hashlimit-name probe
	kcompare_ext hashlimit
}

@test "kernel ext: helper (ftp assigned by CT, control connection)" {
	need_match helper filter -A FORWARD -m helper --helper ftp
	kcompare_ext helper
}

# The kernel has the conntrack helper if CT may assign it.
need_helper() {
	kernel_ready
	if ! ip netns exec "${PREFIX}_probe" iptables-legacy -t raw -A PREROUTING -p "$2" -j CT --helper "$1" 2>/dev/null; then
		skip "the kernel here has no $1 conntrack helper"
	fi
	ip netns del "${PREFIX}_probe"
}

@test "kernel ext: ftp helper (PORT, EPRT, 227, 229; RELATED data connections, expectations)" {
	need_helper ftp tcp
	kcompare_ext ftp
}

@test "kernel ext: tftp helper (requests expect the answer from any port)" {
	need_helper tftp udp
	kcompare_ext tftp
}

@test "kernel ext: ftp helper through SNAT and DNAT (nf_nat_ftp: rewritten commands, adjusted sequence numbers)" {
	need_helper ftp tcp
	kcompare_ext ftp-nat
}

@test "kernel ext: tftp helper through MASQUERADE (the answer follows the master's NAT)" {
	need_helper tftp udp
	kcompare_ext tftp-nat
}

@test "kernel ext: nfacct (objects by nfacct and unfacct; packet, byte and zero quotas; lists compared)" {
	command -v nfacct >/dev/null || skip "nfacct is not installed"
	kernel_ready
	# The match needs an object: nfnetlink_acct in the kernel.
	if ! ip netns exec "${PREFIX}_probe" sh -c \
		'nfacct add probe && iptables-legacy -A INPUT -m nfacct --nfacct-name probe' 2>/dev/null; then
		skip "the kernel here has no nfacct match (xt_nfacct, nfnetlink_acct)"
	fi
	ip netns del "${PREFIX}_probe"
	kcompare_ext nfacct --nfacct
	assert_output --partial "nfacct: 6 objects agree"
	# uiptables' own blob, put into the kernel: its checkentry finds the
	# objects by the stored names, and counts the same.
	kcompare_ext nfacct --nfacct --load-blobs
	assert_output --partial "nfacct: 6 objects agree"
}

@test "kernel ext: osf (no fingerprints loaded)" {
	need_match osf filter -A FORWARD -p tcp -m osf --genre Linux
	kcompare_ext osf
}

@test "kernel ext: owner (FW's own packets, sockets of several uids, gids and groups)" {
	need_match owner filter -A OUTPUT -m owner --uid-owner 0
	kcompare_ext owner
}

@test "kernel ext: policy (no IPsec)" {
	need_match policy filter -A FORWARD -m policy --dir in --pol none
	kcompare_ext policy
}

@test "kernel ext: quota (bytes left per rule)" {
	need_match quota filter -A FORWARD -m quota --quota 1
	kcompare_ext quota
}

@test "kernel ext: realm (routes without realms)" {
	need_match realm filter -A FORWARD -m realm --realm 1
	kcompare_ext realm
}

@test "kernel ext: rpfilter (strict, loose, accept-local, FW's routes)" {
	need_match rpfilter raw -A PREROUTING -m rpfilter
	kcompare_ext rpfilter
}

@test "kernel ext: socket (no socket on FW)" {
	need_match socket mangle -A PREROUTING -m socket
	kcompare_ext socket
}

@test "kernel ext: statistic (nth; random at 0 and 1)" {
	need_match statistic filter -A FORWARD -m statistic --mode nth --every 2 --packet 0
	kcompare_ext statistic
}

@test "kernel ext: time (packets stamped with the real clock)" {
	need_match time filter -A FORWARD -m time --weekdays Mon
	kcompare_ext time --wall-clock
}

@test "kernel ext: recent (named lists shared by rules, seconds, hitcount, TTL, mask)" {
	need_match recent filter -A FORWARD -m recent --rcheck --name probe
	kcompare_ext recent
}

@test "kernel ext: connlimit (connections per masked address, closed ones leave)" {
	need_match connlimit filter -A FORWARD -m connlimit --connlimit-above 1
	kcompare_ext connlimit
}

@test "kernel ext: physdev (routed links: no bridge on either side)" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	kcompare_ext physdev
}

# A bridge needs br_netfilter for iptables to see bridged frames at all.
need_bridge() {
	kernel_ready
	ip netns add "${PREFIX}_probe" 2>/dev/null || true
	ip -n "${PREFIX}_probe" link add ubrprobe type bridge 2>/dev/null ||
		skip "the kernel here cannot make a bridge"
	ip netns exec "${PREFIX}_probe" test -e /proc/sys/net/bridge/bridge-nf-call-iptables ||
		skip "the kernel here has no br_netfilter"
	ip netns del "${PREFIX}_probe"
}

@test "kernel ext: physdev on a bridge (bridged, routed, local, flooded, DNATed frames)" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	need_bridge
	kcompare_ext physdev-bridge --bridge
}

@test "kernel ext: REJECT of frames from a bridge port (the reset leaves by the port)" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	need_bridge
	kcompare_ext physdev-reject --bridge
}

@test "kernel ext: SNAT of bridged frames, the answers bridged back" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	need_bridge
	kcompare_ext physdev-snat --bridge
}

@test "kernel ext: random rulesets and flows with A behind a bridge (seeded, 200 packets)" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	need_bridge
	run /usr/bin/python3 "$KC" --prefix "$PREFIX" --trace "$UIPT_BUILDDIR" \
		--state "$UIPTABLES_STATE" --random "${UIPT_KCOMPARE_SEED:-7}:200" --bridge
	echo "$output" | tail -40
	[ "$status" -ne 77 ] || skip "kcompare cannot run here"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "200 packets, 0 mismatches" ]]
}

@test "kernel ext: a bridge with bridge-nf-call-iptables 0 (iptables sees only what goes up)" {
	need_match physdev filter -A FORWARD -m physdev --physdev-is-bridged
	need_bridge
	kcompare_ext physdev-nocall --bridge
}
