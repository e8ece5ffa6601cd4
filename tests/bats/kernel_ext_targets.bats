#!/usr/bin/env bats
# Targets and header matches against the real kernel, one case per
# extension (tests/kernel/ext/NAME.save + NAME.packets, run by
# tests/kernel/kcompare.py in namespaces made here): rules hit, the
# packets that arrive compared field by field (TOS, TTL, TCP flags,
# options, payload, checksums) and the conntrack table must agree.
# An extension the kernel here lacks, or refuses, skips with the reason.

load helpers

KC="$UIPT_SRCDIR/tests/kernel/kcompare.py"
PREFIX="uiptx$$"

setup() {
	kernel_ready
	fresh_state
}

teardown() {
	kernel_teardown
}

# Skips unless the kernel takes this rule (iptables-legacy ARGS...) in a
# namespace of its own: the module is there and its checkentry agrees.
kernel_takes() {
	local err
	err=$(ip netns exec "${PREFIX}_probe" iptables-legacy "$@" 2>&1) ||
		skip "the kernel here does not take \`iptables $*': $(echo "$err" | head -1)"
}

# Runs tests/kernel/ext/NAME.* through the kernel and uiptables, once
# the kernel took the rule given (--blobs: the tables go into the kernel
# as uiptables stored them, where iptables here lacks the extension).
ext_case() {
	local name=$1 load=
	shift
	if [ "$1" = --blobs ]; then
		load=--load-blobs
	else
		kernel_takes "$@"
	fi
	ip netns del "${PREFIX}_probe"
	run /usr/bin/python3 "$KC" --prefix "$PREFIX" --trace "$UIPT_BUILDDIR" \
		--state "$UIPTABLES_STATE" --rules "$UIPT_SRCDIR/tests/kernel/ext/$name.save" \
		--packets "$UIPT_SRCDIR/tests/kernel/ext/$name.packets" $load
	echo "$output" | head -60
	[ "$status" -ne 77 ] || skip "kcompare cannot run here"
	[ "$status" -eq 0 ]
	assert_line --regexp '^[1-9][0-9]* packets, 0 mismatches$'
}

# ---- targets that change the packet: compared on the wire ----

@test "kernel ext: TOS set/and/or/xor/mask" {
	ext_case TOS -t mangle -A FORWARD -j TOS --set-tos 0x10
}

@test "kernel ext: DSCP value and class, ECN bits kept" {
	ext_case DSCP -t mangle -A FORWARD -j DSCP --set-dscp 10
}

@test "kernel ext: ECN --ecn-tcp-remove" {
	ext_case ECN -t mangle -A FORWARD -p tcp -j ECN --ecn-tcp-remove
}

@test "kernel ext: TTL set/dec/inc, expiry after PREROUTING" {
	ext_case TTL -t mangle -A FORWARD -j TTL --ttl-set 5
}

@test "kernel ext: TCPMSS set, clamp, inserted where missing" {
	ext_case TCPMSS -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1000
}

@test "kernel ext: TCPOPTSTRIP by name and number" {
	ext_case TCPOPTSTRIP -t mangle -A FORWARD -p tcp -j TCPOPTSTRIP --strip-options mss
}

@test "kernel ext: CHECKSUM --checksum-fill" {
	ext_case CHECKSUM -t mangle -A POSTROUTING -p udp -j CHECKSUM --checksum-fill
}

@test "kernel ext: NETMAP both ways, replies mapped back" {
	ext_case NETMAP -t nat -A PREROUTING -d 192.0.2.0/24 -j NETMAP --to 203.0.113.0/24
}

@test "kernel ext: TEE copies to a gateway through OUTPUT and POSTROUTING" {
	ext_case TEE -t mangle -A FORWARD -j TEE --gateway 203.0.113.2
}

@test "kernel ext: SYNPROXY answers a SYN with a cookie SYN/ACK" {
	ext_case SYNPROXY -A FORWARD -p tcp -m tcp --syn -j SYNPROXY --mss 1460
}

@test "kernel ext: HMARK marks from the packet's and the connection's hash" {
	ext_case HMARK -t mangle -A FORWARD -j HMARK --hmark-src-prefix 32 --hmark-mod 10 --hmark-rnd 1
}

@test "kernel ext: TPROXY drops without a transparent socket" {
	ext_case TPROXY -t mangle -A PREROUTING -p tcp -j TPROXY --on-port 8000 --tproxy-mark 1
}

# ---- targets with no effect on the wire: counters and continuation ----

@test "kernel ext: AUDIT (records not compared)" {
	ext_case AUDIT -t mangle -A FORWARD -j AUDIT --type accept
}

@test "kernel ext: NFLOG (netlink copies not compared)" {
	ext_case NFLOG -t mangle -A FORWARD -j NFLOG --nflog-group 5
}

@test "kernel ext: TRACE (trace lines not compared)" {
	ext_case TRACE -t raw -A PREROUTING -j TRACE
}

@test "kernel ext: IDLETIMER (timer not compared)" {
	ext_case IDLETIMER -t mangle -A FORWARD -j IDLETIMER --timeout 10 --label uiptk_probe
}

@test "kernel ext: RATEEST (rates not compared)" {
	ext_case RATEEST -t mangle -A FORWARD -j RATEEST --rateest-name uiptk_probe \
		--rateest-interval 250ms --rateest-ewmalog 1s
}

@test "kernel ext: CLASSIFY (priority not compared)" {
	ext_case CLASSIFY -t mangle -A POSTROUTING -j CLASSIFY --set-class 1:2
}

@test "kernel ext: CONNSECMARK (security marks not compared), conntrack runs" {
	ext_case CONNSECMARK -t mangle -A FORWARD -j CONNSECMARK --save
}

@test "kernel ext: SECMARK" {
	kernel_takes -t mangle -A FORWARD -j SECMARK --selctx system_u:object_r:ssh_packet_t:s0
	skip "no case: security marks are not on the wire and uiptables does not model them"
}

@test "kernel ext: LED" {
	kernel_takes -t mangle -A FORWARD -j LED --led-trigger-id uiptk_probe
	skip "no case: an LED is not on the wire"
}

# ---- header matches ----

@test "kernel ext: ah SPI" {
	ext_case ah -A FORWARD -p ah -m ah --ahspi 5
}

@test "kernel ext: esp SPI" {
	ext_case esp -A FORWARD -p esp -m esp --espspi 5
}

@test "kernel ext: ipcomp CPI" {
	ext_case ipcomp -A FORWARD -p ipcomp -m ipcomp --ipcompspi 5
}

@test "kernel ext: sctp ports and chunk types" {
	ext_case sctp -A FORWARD -p sctp -m sctp --chunk-types any INIT
}

@test "kernel ext: dccp ports, types and options" {
	ext_case dccp -A FORWARD -p dccp -m dccp --dccp-types REQUEST
}

@test "kernel ext: l2tp over UDP (v2, v3) and over IP" {
	# iptables 1.8.9 has no l2tp module: the kernel gets uiptables' bytes.
	grep -qw l2tp /proc/net/ip_tables_matches || skip "the kernel here has no l2tp match"
	ext_case l2tp --blobs
}

@test "kernel ext: dscp" {
	ext_case dscp -A FORWARD -m dscp --dscp 10
}

@test "kernel ext: ecn" {
	ext_case ecn -A FORWARD -p tcp -m ecn --ecn-tcp-cwr
}

@test "kernel ext: tcpmss" {
	ext_case tcpmss -A FORWARD -p tcp -m tcpmss --mss 1000:1500
}

@test "kernel ext: string bm and kmp" {
	ext_case string -A FORWARD -m string --algo bm --string foo
}

@test "kernel ext: u32" {
	ext_case u32 -A FORWARD -m u32 --u32 "0>>22&0x3C@0>>16=0x1"
}

# ---- the same cases with the kernel loaded from uiptables' own blobs ----

@test "kernel ext: every case again with uiptables' stored tables in the kernel" {
	[ -n "$UIPT_KC_BLOBS" ] || skip "set UIPT_KC_BLOBS=1 (doubles the run time)"
	ip netns del "${PREFIX}_probe"
	local f name failed=
	for f in "$UIPT_SRCDIR"/tests/kernel/ext/*.save; do
		name=$(basename "$f" .save)
		fresh_state
		run /usr/bin/python3 "$KC" --prefix "$PREFIX" --trace "$UIPT_BUILDDIR" \
			--state "$UIPTABLES_STATE" --rules "$f" --load-blobs \
			--packets "$UIPT_SRCDIR/tests/kernel/ext/$name.packets"
		echo "$name: $(echo "$output" | tail -1)"
		[ "$status" -eq 0 ] || { failed="$failed $name"; echo "$output" | head -20; }
	done
	[ -z "$failed" ]
}
