#!/usr/bin/env bats
# uiptables-trace packet options for header matches (TCP options, SCTP
# chunks, DCCP, AH/ESP/IPcomp, payload bytes) and the targets that change
# those headers.  The bytes expected here are the ones the real kernel
# received and agreed with in tests/kernel/ext (kernel_ext_targets.bats).

load helpers

setup() {
	fresh_state
}

# The bytes of the packet as it leaves (the last "hex" of the JSON line).
final_hex() {
	uiptables-trace --json "$@" | grep -o '"hex":"[0-9a-f]*"' | tail -1 | cut -d'"' -f4
}

# The TCP options of an IPv4 packet given in hex (20-byte IP header).
tcp_opts() {
	local h=$1 doff
	doff=$(( 0x${h:64:1} * 4 ))
	echo "${h:80:$(( (doff - 20) * 2 ))}"
}

# Both checksums of an IPv4/TCP packet given in hex fold to 0xffff.
sums_ok() {
	python3 - "$1" <<'PY'
import sys
b = bytes.fromhex(sys.argv[1])
def fold(d):
    d += b'\0' * (len(d) % 2)
    s = sum(int.from_bytes(d[i:i + 2], 'big') for i in range(0, len(d), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
seg = b[20:]
ph = b[12:20] + bytes([0, b[9]]) + len(seg).to_bytes(2, 'big')
sys.exit(0 if fold(b[:20]) == 0xffff and fold(ph + seg) == 0xffff else 1)
PY
}

@test "trace: --tcp-option builds options in order, padded to a word" {
	run final_hex --dry-run -i eth0 -p tcp --tcp-option mss=1460 --tcp-option sackok \
		--tcp-option ts=5:0 --tcp-option nop --tcp-option wscale=7
	assert_success
	assert_equal "$(tcp_opts "$output")" "020405b40402080a000000050000000001030307"
	run final_hex --dry-run -i eth0 -p tcp --tcp-option mss=1460 --tcp-option nop
	assert_equal "$(tcp_opts "$output")" "020405b401000000"
	run final_hex --dry-run -i eth0 -p tcp --tcp-option 30=0a0b
	assert_equal "$(tcp_opts "$output")" "1e040a0b"
}

@test "trace: SCTP chunks, DCCP types and options, SPIs, with their checksums" {
	run final_hex --dry-run -i eth0 -p sctp --sport 5000 --dport 80 --chunk DATA:3 --chunk SACK
	assert_output "45000040000000003f841502c6336402cb007102138800505ca1ab1e3ec023850003001000000000000000000000000003000010000000000000000000000000"
	run final_hex --dry-run -i eth0 -p dccp --sport 5000 --dport 80 --dccp-type DATA \
		--dccp-option 1 --dccp-option 2 --payload hello
	assert_output "4500002d000000003f211578c6336402cb00710213880050050036e005000000000000000102000068656c6c6f"
	run final_hex --dry-run -i eth0 -p ah --spi 500
	assert_output "4500002c000000003f331567c6336402cb0071023b040000000001f400000001000000000000000000000000"
	run final_hex --dry-run -i eth0 -p esp --spi 78
	assert_output "4500001c000000003f321578c6336402cb0071020000004e00000001"
	run final_hex --dry-run -i eth0 -p ipcomp --spi 79
	assert_output "45000018000000003f6c1542c6336402cb0071023b00004f"
	run final_hex --dry-run -i eth0 -p udp --payload-hex 0001ff
	assert_output "4500001f000000003f111596c6336402cb0071029c400035000bfe270001ff"
}

@test "trace: bad header options name the option and the value" {
	run uiptables-trace -i eth0 -p tcp --tcp-option mss=70000
	assert_failure 2
	assert_output --partial "bad value for --tcp-option: \`mss=70000'"
	run uiptables-trace -i eth0 -p sctp --chunk FOO
	assert_failure 2
	assert_output --partial "bad value for --chunk: \`FOO'"
	run uiptables-trace -i eth0 -p dccp --dccp-type BAR
	assert_failure 2
	run uiptables-trace -i eth0 -p ah --spi x
	assert_failure 2
	run uiptables-trace -i eth0 -p udp --payload-hex 0g
	assert_failure 2
}

@test "header matches see the built headers: tcpmss, sctp, dccp, ah, u32" {
	uiptables -A FORWARD -p tcp -m tcpmss --mss 1000:1400 -j DROP
	uiptables -A FORWARD -p sctp -m sctp --chunk-types all DATA,SACK -j DROP
	uiptables -A FORWARD -p dccp -m dccp --dccp-option 32 -j DROP
	uiptables -A FORWARD -p ah -m ah --ahspi 400:600 -j DROP
	uiptables -A FORWARD -m u32 --u32 "0>>22&0x3C@8=0x41424344" -j DROP
	uiptables-trace -i eth0 -p tcp --syn --tcp-option mss=1200 --expect DROP
	uiptables-trace -i eth0 -p tcp --syn --tcp-option mss=1460 --expect ACCEPT
	uiptables-trace -i eth0 -p sctp --chunk DATA --chunk SACK --expect DROP
	uiptables-trace -i eth0 -p sctp --chunk DATA --expect ACCEPT
	uiptables-trace -i eth0 -p dccp --dccp-type ACK --dccp-option 32=0102 --expect DROP
	uiptables-trace -i eth0 -p dccp --dccp-type ACK --dccp-option 33=0102 --expect ACCEPT
	uiptables-trace -i eth0 -p ah --spi 401 --expect DROP
	uiptables-trace -i eth0 -p ah --spi 1001 --expect ACCEPT
	uiptables-trace -i eth0 -p udp --payload ABCD --expect DROP
	uiptables-trace -i eth0 -p udp --payload abcd --expect ACCEPT
}

@test "TCPMSS: a SYN without the option gets one, at most 536; never raised" {
	uiptables -t mangle -A FORWARD -p tcp --dport 1 --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1000
	uiptables -t mangle -A POSTROUTING -p tcp --sport 3 --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 300
	run final_hex -i eth0 -p tcp --dport 1 --syn
	assert_equal "$(tcp_opts "$output")" "02040218"
	assert_equal "${output:4:4}" "002c"
	run final_hex -i eth0 -p tcp --dport 1 --syn --tcp-option sackok --tcp-option nop --tcp-option nop
	assert_equal "$(tcp_opts "$output")" "0204021804020101"
	run final_hex -i eth1 -s 203.0.113.2 -d 198.51.100.2 -p tcp --sport 3 --dport 40000 --flags SYN,ACK
	assert_equal "$(tcp_opts "$output")" "0204012c"
	# lowered, not raised
	run final_hex -i eth0 -p tcp --dport 1 --syn --tcp-option mss=1460
	assert_equal "$(tcp_opts "$output")" "020403e8"
	run final_hex -i eth0 -p tcp --dport 1 --syn --tcp-option mss=900
	assert_equal "$(tcp_opts "$output")" "02040384"
	# data after the header: left as it is
	run final_hex -i eth0 -p tcp --dport 1 --syn --payload abcd
	assert_equal "$(tcp_opts "$output")" ""
	# the IP and TCP checksums still hold after the insertion
	run final_hex -i eth0 -p tcp --dport 1 --syn --tcp-option wscale=7
	assert_equal "$(tcp_opts "$output")" "0204021803030700"
	sums_ok "$output"
}

@test "TEE: the copy, DF set, leaves untracked through OUTPUT towards the gateway" {
	uiptables -t mangle -A PREROUTING -p udp --dport 10 -j TEE --gateway 203.0.113.2
	uiptables -t mangle -A FORWARD -p udp --dport 9 -j TEE --gateway 198.51.100.2
	uiptables -t mangle -A OUTPUT -p udp -j TEE --gateway 203.0.113.2
	uiptables -A OUTPUT -m conntrack --ctstate UNTRACKED
	run uiptables-trace -i eth0 -p udp --dport 9 --ttl 20
	assert_success
	assert_line --partial "generated: TEE: copy to 198.51.100.2: ACCEPT (sent via eth0) SRC=198.51.100.2 DST=203.0.113.2 LEN=28 TOS=0x00 TTL=19"
	assert_line --regexp "OUTPUT +filter:OUTPUT:rule:1 "
	# the copy's own TEE rule in OUTPUT copies nothing more
	refute_line --partial "generated: TEE: copy to 203.0.113.2"
	run uiptables-trace --json -i eth0 -p udp --dport 10 --ttl 20
	# made in PREROUTING: the TTL lowered once, DF set, a valid checksum
	hex=$(echo "$output" | grep -o '"replies":\[{[^]]*' | grep -o '"hex":"[0-9a-f]*"' | cut -d'"' -f4)
	assert_equal "${hex:12:2}" "40"
	assert_equal "${hex:16:2}" "13"
	python3 -c 'import sys; b=bytes.fromhex(sys.argv[1])[:20]; s=sum(b[i]<<8|b[i+1] for i in range(0,20,2)); s=(s&0xffff)+(s>>16); sys.exit(s!=0xffff)' "$hex"
}

@test "SYNPROXY: a SYN is answered with a SYN/ACK through OUTPUT, its options agreed" {
	uiptables -t raw -A PREROUTING -p tcp --syn -j CT --notrack
	uiptables -A FORWARD -p tcp -m conntrack --ctstate INVALID,UNTRACKED -j SYNPROXY \
		--sack-perm --timestamp --wscale 7 --mss 1460
	uiptables -A OUTPUT -p tcp --tcp-flags SYN,ACK SYN,ACK
	run uiptables-trace --json -i eth0 -p tcp --sport 41000 --syn --tcp-option mss=1400 \
		--tcp-option sackok --tcp-option ts=1000:0 --tcp-option nop --tcp-option wscale=5
	assert_output --partial '"verdict":"DROP"'
	assert_output --partial '"text":"SYNPROXY: SYN/ACK with a cookie","verdict":"ACCEPT"'
	hex=$(echo "$output" | grep -o '"replies":\[{[^]]*' | grep -o '"hex":"[0-9a-f]*"' | cut -d'"' -f4)
	# to the client, from the server's address; SYN,ACK acknowledging the SYN
	assert_equal "${hex:24:16}" "cb007102c6336402"
	assert_equal "${hex:56:8}" "000f4241"
	assert_equal "${hex:66:2}" "12"
	# MSS 1460, SACK-permitted with the timestamp (echoing 1000), wscale 7
	assert_equal "$(tcp_opts "$hex")" "020405b40402080a00000015000003e801030307"
	sums_ok "$hex"
	# without timestamps the kernel offers neither SACK nor a window scale
	run uiptables-trace --json -i eth0 -p tcp --sport 41001 --syn --tcp-option mss=1400 --tcp-option sackok
	hex=$(echo "$output" | grep -o '"replies":\[{[^]]*' | grep -o '"hex":"[0-9a-f]*"' | cut -d'"' -f4)
	assert_equal "$(tcp_opts "$hex")" "020405b4"
}

@test "trace: L2TP over UDP (v2, v3) and over IP, seen by the l2tp match" {
	run final_hex --dry-run -i eth0 -p udp --sport 1701 --dport 1701 --l2tp-tid 7 --l2tp-sid 9
	assert_output "45000022000000003f111593c6336402cb00710206a506a5000e8c3d000200070009"
	run final_hex --dry-run -i eth0 -p udp --dport 1701 --l2tp-control --l2tp-tid 7
	assert_output --regexp "c802000c0007000000000000$"
	run final_hex --dry-run -i eth0 -p udp --dport 1701 --l2tp-version 3 --l2tp-sid 70000
	assert_output --regexp "0003000000011170$"
	run final_hex --dry-run -i eth0 -p l2tp --l2tp-control --l2tp-tid 88
	assert_output "45000024000000003f73152fc6336402cb00710200000000c803000c0000005800000000"
	run uiptables-trace -i eth0 -p udp --l2tp-version 4
	assert_failure 2
	uiptables -A FORWARD -p udp -m l2tp --pversion 3 --sid 70000 -j DROP
	uiptables -A FORWARD -p l2tp -m l2tp --type control --tid 88 -j DROP
	uiptables-trace -i eth0 -p udp --l2tp-version 3 --l2tp-sid 70000 --expect DROP
	uiptables-trace -i eth0 -p udp --l2tp-sid 70000 --expect ACCEPT
	uiptables-trace -i eth0 -p l2tp --l2tp-control --l2tp-tid 88 --expect DROP
	uiptables-trace -i eth0 -p l2tp --l2tp-sid 88 --expect ACCEPT
}
