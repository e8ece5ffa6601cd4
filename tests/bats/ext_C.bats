#!/usr/bin/env bats
# Targets of batch C: parsing, -S/save and -L output, errors and the
# kernel's refusals, as iptables 1.8.11 gives them.

load helpers

setup() {
	fresh_state
}

EINVAL="iptables: Invalid argument. Run \`dmesg' for more information."

# The rule as -S shows it must be the one given (or the second argument).
rule_is() {
	local table=$1 chain=$2 args=$3 want=${4:-$3}
	run uiptables -t "$table" -A "$chain" $args
	assert_success
	run uiptables -t "$table" -S "$chain"
	assert_line "-A $chain $want"
	run uiptables -t "$table" -D "$chain" $args
	assert_success
}

# -L (names or -n) shows this text after the columns.
listed_as() {
	local table=$1 chain=$2 args=$3 flags=$4 want=$5
	uiptables -t "$table" -F "$chain"
	run uiptables -t "$table" -A "$chain" $args
	assert_success
	run uiptables -t "$table" -L "$chain" $flags
	assert_success
	assert_line --index 2 --partial "$want"
}

refused() {
	run uiptables "$@"
	assert_failure 1
	assert_output "$EINVAL"
}

bad_option() {
	local msg=$1
	shift
	run uiptables "$@"
	assert_failure 2
	assert_line --index 0 "iptables v1.8.11 (legacy): $msg"
}

@test "REJECT: reply types, default, prefixes and aliases" {
	rule_is filter INPUT "-j REJECT" "-j REJECT --reject-with icmp-port-unreachable"
	for t in icmp-net-unreachable icmp-host-unreachable icmp-port-unreachable \
		 icmp-proto-unreachable icmp-net-prohibited icmp-host-prohibited \
		 icmp-admin-prohibited; do
		rule_is filter INPUT "-j REJECT --reject-with $t"
	done
	rule_is filter INPUT "-j REJECT --reject-with net-prohib" \
		"-j REJECT --reject-with icmp-net-prohibited"
	rule_is filter INPUT "-p tcp -j REJECT --reject-with tcp" \
		"-p tcp -j REJECT --reject-with tcp-reset"
	rule_is filter INPUT "-p tcp -j REJECT --reject-with tcp-rst" \
		"-p tcp -j REJECT --reject-with tcp-reset"
	listed_as filter INPUT "-j REJECT --reject-with host-unreach" "" \
		"reject-with icmp-host-unreachable"
}

@test "REJECT: errors and refusals" {
	bad_option 'unknown reject type "foo"' -A INPUT -j REJECT --reject-with foo
	run uiptables -A INPUT -j REJECT --reject-with echo-reply
	assert_failure 2
	assert_line --index 0 "--reject-with echo-reply no longer supported"
	refused -A INPUT -j REJECT --reject-with tcp-reset
	refused -A INPUT ! -p tcp -j REJECT --reject-with tcp-reset
	refused -t mangle -A INPUT -j REJECT
	refused -t raw -A PREROUTING -j REJECT
	uiptables -N c
	run uiptables -A c -j REJECT
	assert_success
	run uiptables -A INPUT -j c
	assert_success
}

@test "LOG: options, order in save, prefix quoting and cutting" {
	rule_is filter INPUT "-j LOG"
	rule_is filter INPUT "-j LOG --log-level 1"
	rule_is filter INPUT "-j LOG --log-level alert" "-j LOG --log-level 1"
	rule_is filter INPUT "-j LOG --log-level warning" "-j LOG"
	rule_is filter INPUT "-j LOG --log-level panic" "-j LOG --log-level 0"
	rule_is filter INPUT "-j LOG --log-uid --log-macdecode --log-tcp-sequence --log-ip-options --log-tcp-options --log-level 7" \
		"-j LOG --log-level 7 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode"
	run uiptables -A INPUT -j LOG --log-prefix 'a b"c'
	assert_success
	run uiptables -S INPUT
	assert_line '-A INPUT -j LOG --log-prefix "a b\"c"'
	run uiptables -A INPUT -j LOG --log-prefix 123456789012345678901234567890
	assert_success
	run uiptables -S INPUT
	assert_line "-A INPUT -j LOG --log-prefix 12345678901234567890123456789"
}

@test "LOG: -L with and without -n" {
	listed_as filter INPUT "-j LOG" "" "LOG level warn"
	listed_as filter INPUT "-j LOG" "-n" "LOG flags 0 level 4"
	listed_as filter INPUT "-j LOG --log-level 3 --log-uid --log-macdecode --log-prefix x" "" \
		'LOG level err uid macdecode prefix "x"'
	listed_as filter INPUT "-j LOG --log-level 0 --log-uid --log-macdecode" "-n" \
		"LOG flags 40 level 0"
}

@test "LOG: errors" {
	bad_option 'log level "bad" unknown' -A INPUT -j LOG --log-level bad
	bad_option 'log level "warn" unknown' -A INPUT -j LOG --log-level warn
	bad_option 'log level "8" unknown' -A INPUT -j LOG --log-level 8
	bad_option 'Argument must have a minimum length of 1 characters' -A INPUT -j LOG --log-prefix ""
	bad_option 'Newlines not allowed in --log-prefix' -A INPUT -j LOG --log-prefix "a
b"
	run uiptables -A INPUT -j LOG --log-prefix
	assert_failure 2
}

@test "SNAT: ranges, ports, flags" {
	rule_is nat POSTROUTING "-j SNAT --to-source 192.0.2.1"
	rule_is nat POSTROUTING "-j SNAT --to-source 192.0.2.1-192.0.2.10"
	rule_is nat POSTROUTING "-p tcp -j SNAT --to-source 192.0.2.1-192.0.2.10:1025-65535"
	rule_is nat POSTROUTING "-p udp -j SNAT --to-source :2000"
	rule_is nat POSTROUTING "-p tcp -j SNAT --to-source 192.0.2.1:ssh" \
		"-p tcp -j SNAT --to-source 192.0.2.1:22"
	rule_is nat POSTROUTING "-j SNAT --to-source 192.0.2.1 --persistent --random-fully --random" \
		"-j SNAT --to-source 192.0.2.1 --random --random-fully --persistent"
	rule_is nat INPUT "-p sctp -j SNAT --to-source 192.0.2.1:5"
	listed_as nat POSTROUTING "-p tcp -j SNAT --to-source 192.0.2.1:80-90 --random" "-n" \
		"to:192.0.2.1:80-90 random"
	listed_as nat POSTROUTING "-p tcp -j SNAT --to-source :80" "-n" "to::80"
}

@test "SNAT: errors and refusals" {
	bad_option 'Need TCP, UDP, SCTP or DCCP with port specification' \
		-t nat -A POSTROUTING -j SNAT --to-source 192.0.2.1:80
	bad_option 'Need TCP, UDP, SCTP or DCCP with port specification' \
		-t nat -A POSTROUTING -p udplite -j SNAT --to-source 192.0.2.1:80
	bad_option 'SNAT: option "--to-source" can only be used once.' \
		-t nat -A POSTROUTING -j SNAT --to-source 192.0.2.1 --to-source 192.0.2.2
	bad_option 'SNAT: option "--to-source" must be specified' -t nat -A POSTROUTING -j SNAT
	bad_option "Port \`65536' not valid" -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:1-65536
	bad_option "Port range \`50' funky" -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:100-50
	bad_option 'Bad IP address "foo"' -t nat -A POSTROUTING -j SNAT --to-source foo
	bad_option 'Bad IP address "192.0.2.1:1:2"' -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:1:2
	refused -t nat -A PREROUTING -j SNAT --to-source 192.0.2.1
	refused -A INPUT -j SNAT --to-source 192.0.2.1
}

@test "DNAT: revision 2 layout, port shift, services" {
	rule_is nat PREROUTING "-j DNAT --to-destination 192.0.2.1"
	rule_is nat PREROUTING "-j DNAT --to-destination 192.0.2.1-192.0.2.10"
	rule_is nat PREROUTING "-p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/3000"
	rule_is nat PREROUTING "-p tcp -j DNAT --to-destination 192.0.2.1:ssh" \
		"-p tcp -j DNAT --to-destination 192.0.2.1:22"
	rule_is nat PREROUTING "-p tcp -j DNAT --to-destination 192.0.2.1:10-20/ftp" \
		"-p tcp -j DNAT --to-destination 192.0.2.1:10-20/21"
	rule_is nat OUTPUT "-p icmp -j DNAT --to-destination 192.0.2.1:7"
	rule_is nat OUTPUT "-j DNAT --to-destination 192.0.2.1 --persistent --random" \
		"-j DNAT --to-destination 192.0.2.1 --random --persistent"
	listed_as nat PREROUTING "-p tcp -j DNAT --to-destination 192.0.2.1:80-90/85 --random" "-n" \
		"to:192.0.2.1:80-90/85 random"
}

# The revision byte follows the 29-byte name in xt_entry_target.
target_revision() {
	local bin=$BATS_TEST_TMPDIR/$1.bin off
	stored_blob "$1" > "$bin"
	off=$(grep -obUaP "$2\x00" "$bin" | head -1 | cut -d: -f1)
	od -An -tu1 -j $((off + 29)) -N1 "$bin" | tr -d ' '
}

@test "NAT targets: revisions iptables sends" {
	uiptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:80
	run target_revision nat DNAT
	assert_output 2
	uiptables -t nat -F
	uiptables -t nat -A POSTROUTING -j SNAT --to-source 192.0.2.1
	run target_revision nat SNAT
	assert_output 0
	uiptables -A INPUT -j NFQUEUE --queue-num 3
	run target_revision filter NFQUEUE
	assert_output 3
	uiptables -A INPUT -j TEE --gateway 192.0.2.1
	run target_revision filter TEE
	assert_output 1
}

@test "DNAT: errors and refusals" {
	bad_option "Port \`echo-ssh' not valid" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:echo-ssh
	bad_option "Port \`ssh' not valid" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:10-ssh
	bad_option "Port \`0' not valid" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/0
	bad_option "Garbage after port value: \`x'" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:5x
	bad_option "Garbage after port range: \`x'" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:5-6x
	bad_option 'Bad IP address ":5:6"' -t nat -A PREROUTING -p tcp -j DNAT --to-destination :5:6
	bad_option 'Invalid port:port syntax - use dash' -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 5:6
	bad_option 'Invalid address format' -t nat -A PREROUTING -p tcp -j DNAT --to-destination [192.0.2.1]:5
	bad_option 'unknown option "--random-fully"' -t nat -A PREROUTING -j DNAT --to-destination 192.0.2.1 --random-fully
	bad_option 'DNAT: option "--to-destination" must be specified' -t nat -A PREROUTING -j DNAT
	refused -t nat -A POSTROUTING -j DNAT --to-destination 192.0.2.1
	refused -t nat -A INPUT -j DNAT --to-destination 192.0.2.1
	refused -A INPUT -p tcp -j DNAT --to-destination 192.0.2.1
}

@test "MASQUERADE: ports and flags" {
	rule_is nat POSTROUTING "-j MASQUERADE"
	rule_is nat POSTROUTING "-j MASQUERADE --random"
	rule_is nat POSTROUTING "-j MASQUERADE --random-fully"
	rule_is nat POSTROUTING "-p tcp -j MASQUERADE --to-ports 1024"
	rule_is nat POSTROUTING "-p udp -j MASQUERADE --to-ports 1024-65535"
	rule_is nat POSTROUTING "-p udp -j MASQUERADE --to-ports ssh" "-p udp -j MASQUERADE --to-ports 22"
	listed_as nat POSTROUTING "-p tcp -j MASQUERADE --to-ports 80-90 --random --random-fully" "" \
		"masq ports: 80-90 random random-fully"
	bad_option "Port \`65536' not valid" -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-65536
	bad_option "Port \`-1' not valid" -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports -1
	bad_option 'Need TCP, UDP, SCTP or DCCP with port specification' \
		-t nat -A POSTROUTING -j MASQUERADE --to-ports 1024
	refused -t nat -A PREROUTING -j MASQUERADE
	refused -t nat -A OUTPUT -j MASQUERADE
}

@test "REDIRECT: ports and errors" {
	rule_is nat PREROUTING "-p tcp -j REDIRECT --to-ports 42"
	rule_is nat PREROUTING "-p tcp -j REDIRECT --to-ports 0"
	rule_is nat PREROUTING "-p udp -j REDIRECT --to-ports 512-512" "-p udp -j REDIRECT --to-ports 512"
	rule_is nat OUTPUT "-p tcp -j REDIRECT --to-ports 42-1234 --random"
	rule_is nat OUTPUT "-j REDIRECT --random"
	listed_as nat OUTPUT "-p tcp -j REDIRECT --to-ports 80-90 --random" "-n" "redir ports 80-90 random"
	bad_option 'Shifted portmap ranges not supported with this kernel' \
		-t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 42-1234/567
	bad_option "Port \`ftp-ssh' not valid" -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports ftp-ssh
	bad_option 'Need TCP, UDP, SCTP or DCCP with port specification' \
		-t nat -A PREROUTING -j REDIRECT --to-ports 42
	refused -t nat -A POSTROUTING -p tcp -j REDIRECT --to-ports 50
}

@test "NETMAP: prefixes and hooks" {
	rule_is nat PREROUTING "-j NETMAP --to 192.0.2.0/24"
	rule_is nat POSTROUTING "-j NETMAP --to 192.0.2.4" "-j NETMAP --to 192.0.2.4/32"
	rule_is nat INPUT "-j NETMAP --to 192.0.2.77/26" "-j NETMAP --to 192.0.2.64/26"
	rule_is nat OUTPUT "-j NETMAP --to 192.0.2.0/255.255.255.128" "-j NETMAP --to 192.0.2.0/25"
	listed_as nat OUTPUT "-j NETMAP --to 192.0.2.0/24" "-n" "to:192.0.2.0/24"
	bad_option 'NETMAP: option "--to" must be specified' -t nat -A PREROUTING -j NETMAP
	refused -t mangle -A PREROUTING -j NETMAP --to 192.0.2.0/24
}

@test "NFLOG: options, defaults and cut prefix" {
	rule_is filter INPUT "-j NFLOG"
	rule_is filter INPUT "-j NFLOG --nflog-group 0" "-j NFLOG"
	rule_is filter INPUT "-j NFLOG --nflog-group 65535"
	rule_is filter INPUT "-j NFLOG --nflog-size 0"
	rule_is filter INPUT "-j NFLOG --nflog-threshold 1"
	rule_is filter INPUT "-j NFLOG --nflog-threshold 4 --nflog-size 5 --nflog-group 3 --nflog-prefix hi" \
		"-j NFLOG --nflog-prefix hi --nflog-group 3 --nflog-size 5 --nflog-threshold 4"
	local p64=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
	rule_is filter INPUT "-j NFLOG --nflog-prefix $p64" "-j NFLOG --nflog-prefix ${p64%x}"
	run uiptables -A INPUT -j NFLOG --nflog-range 3
	assert_success
	assert_output --partial "warn: --nflog-range has never worked"
	listed_as filter INPUT "-j NFLOG --nflog-prefix a.b --nflog-group 2" "" \
		'nflog-prefix "a.b" nflog-group 2'
}

@test "NFLOG: errors" {
	bad_option 'NFLOG: bad value for option "--nflog-group", or out of range (0-65535).' \
		-A INPUT -j NFLOG --nflog-group 65536
	bad_option 'NFLOG: bad value for option "--nflog-size", or out of range (0-4294967295).' \
		-A INPUT -j NFLOG --nflog-size -1
	run uiptables -A INPUT -j NFLOG --nflog-size 2 --nflog-range 3
	assert_failure 2
	assert_output --partial 'NFLOG: option "--nflog-range" cannot be used together with "--nflog-size".'
}

@test "NFQUEUE: numbers, balance ranges, flags" {
	rule_is filter INPUT "-j NFQUEUE" "-j NFQUEUE --queue-num 0"
	rule_is filter INPUT "-j NFQUEUE --queue-num 65535"
	rule_is filter INPUT "-j NFQUEUE --queue-balance :" "-j NFQUEUE --queue-balance 0:65534"
	rule_is filter INPUT "-j NFQUEUE --queue-balance :4" "-j NFQUEUE --queue-balance 0:4"
	rule_is filter INPUT "-j NFQUEUE --queue-balance 4:" "-j NFQUEUE --queue-balance 4:65534"
	rule_is filter INPUT "-j NFQUEUE --queue-bypass --queue-balance 0:6 --queue-cpu-fanout" \
		"-j NFQUEUE --queue-balance 0:6 --queue-bypass --queue-cpu-fanout"
	rule_is filter INPUT "-j NFQUEUE --queue-bypass" "-j NFQUEUE --queue-num 0 --queue-bypass"
	listed_as filter INPUT "-j NFQUEUE --queue-balance 2:5 --queue-bypass --queue-cpu-fanout" "" \
		"NFQUEUE balance 2:5 bypass cpu-fanout"
	listed_as filter INPUT "-j NFQUEUE --queue-num 7" "-n" "NFQUEUE num 7"
}

@test "NFQUEUE: errors" {
	bad_option 'NFQUEUE: bad value for option "--queue-balance" near "65535", or out of range (0-65534).' \
		-A INPUT -j NFQUEUE --queue-balance 0:65535
	bad_option 'Bad range "4"' -A INPUT -j NFQUEUE --queue-balance 4
	bad_option '4 should be less than 4' -A INPUT -j NFQUEUE --queue-balance 4:4
	bad_option '4 should be less than 3' -A INPUT -j NFQUEUE --queue-balance 4:3
	bad_option 'NFQUEUE: option "--queue-cpu-fanout" also requires "--queue-balance".' \
		-A INPUT -j NFQUEUE --queue-cpu-fanout
	bad_option 'NFQUEUE: option "--queue-num" cannot be used together with "--queue-balance".' \
		-A INPUT -j NFQUEUE --queue-num 3 --queue-balance 1:2
	bad_option 'NFQUEUE: bad value for option "--queue-num", or out of range (0-65535).' \
		-A INPUT -j NFQUEUE --queue-num 65536
}

@test "TRACE, CLASSIFY, CHECKSUM, AUDIT" {
	rule_is raw PREROUTING "-j TRACE"
	refused -A INPUT -j TRACE
	listed_as raw OUTPUT "-j TRACE" "-n" "TRACE"

	rule_is mangle FORWARD "-j CLASSIFY --set-class 0000:ffff"
	rule_is mangle POSTROUTING "-j CLASSIFY --set-class 1:ab" "-j CLASSIFY --set-class 0001:00ab"
	rule_is filter FORWARD "-j CLASSIFY --set-class 1:2" "-j CLASSIFY --set-class 0001:0002"
	listed_as mangle OUTPUT "-j CLASSIFY --set-class 1:ab" "" "CLASSIFY set 1:ab"
	bad_option 'Bad class value "1"' -t mangle -A FORWARD -j CLASSIFY --set-class 1
	bad_option 'CLASSIFY: option "--set-class" must be specified' -t mangle -A FORWARD -j CLASSIFY
	refused -t mangle -A INPUT -j CLASSIFY --set-class 1:2

	rule_is mangle PREROUTING "-j CHECKSUM --checksum-fill"
	listed_as mangle OUTPUT "-j CHECKSUM --checksum-fill" "" "CHECKSUM fill"
	bad_option 'CHECKSUM: option "--checksum-fill" must be specified' -t mangle -A INPUT -j CHECKSUM
	refused -A INPUT -j CHECKSUM --checksum-fill

	for t in accept drop reject; do
		rule_is filter INPUT "-j AUDIT --type $t"
	done
	rule_is filter INPUT "-j AUDIT --type DROP" "-j AUDIT --type drop"
	listed_as filter INPUT "-j AUDIT --type reject" "" "AUDIT reject"
	bad_option 'Bad action type value "wrong"' -A INPUT -j AUDIT --type wrong
	bad_option 'AUDIT: option "--type" must be specified' -A INPUT -j AUDIT
}

@test "TEE and TPROXY" {
	rule_is filter INPUT "-j TEE --gateway 192.0.2.1"
	rule_is filter OUTPUT "-j TEE --gateway 192.0.2.1 --oif eth0"
	rule_is filter INPUT "-j TEE --gateway 192.0.2.1 --oif 12345678901234567" \
		"-j TEE --gateway 192.0.2.1 --oif 123456789012345"
	listed_as filter INPUT "-j TEE --gateway 192.0.2.1 --oif eth0" "-n" "TEE gw:192.0.2.1 oif=eth0"
	bad_option 'TEE: option "--gateway" must be specified' -A INPUT -j TEE
	bad_option 'TEE: option "--gateway" cannot be inverted.' -A INPUT -j TEE ! --gateway 192.0.2.1
	refused -A INPUT -j TEE --gateway 0.0.0.0

	rule_is mangle PREROUTING "-p udp -j TPROXY --on-port 12345 --on-ip 192.0.2.1 --tproxy-mark 0x23/0xff"
	rule_is mangle PREROUTING "-p udp -j TPROXY --on-port 12345" \
		"-p udp -j TPROXY --on-port 12345 --on-ip 0.0.0.0 --tproxy-mark 0x0/0x0"
	rule_is mangle PREROUTING "-p tcp -j TPROXY --on-port ssh --tproxy-mark 5" \
		"-p tcp -j TPROXY --on-port 22 --on-ip 0.0.0.0 --tproxy-mark 0x5/0xffffffff"
	listed_as mangle PREROUTING "-p tcp -j TPROXY --on-port 1 --on-ip 192.0.2.9" "-n" \
		"TPROXY redirect 192.0.2.9:1 mark 0x0/0x0"
	bad_option 'TPROXY: option "--on-port" must be specified' \
		-t mangle -A PREROUTING -p tcp -j TPROXY --on-ip 192.0.2.1
	refused -t mangle -A PREROUTING -j TPROXY --on-port 1
	refused -t mangle -A INPUT -p tcp -j TPROXY --on-port 1
	refused -A INPUT -p tcp -j TPROXY --on-port 1
}

@test "HMARK" {
	rule_is filter INPUT "-j HMARK --hmark-src-prefix 32 --hmark-rnd 0x00000004 --hmark-mod 42"
	rule_is filter INPUT "-j HMARK --hmark-src-prefix 1 --hmark-dst-prefix 2 --hmark-sport-mask 0x0003 --hmark-dport-mask 0x0004 --hmark-proto-mask 0x05 --hmark-rnd 0x00000004 --hmark-mod 42 --hmark-offset 1 --hmark-tuple ct"
	rule_is filter INPUT "-j HMARK --hmark-tuple ct --hmark-mod 4 --hmark-rnd 1" \
		"-j HMARK --hmark-rnd 0x00000001 --hmark-mod 4 --hmark-tuple ct"
	listed_as filter INPUT "-j HMARK --hmark-src-prefix 16 --hmark-dst-prefix 24 --hmark-rnd 4 --hmark-mod 42 --hmark-offset 100 --hmark-tuple ct" "-n" \
		"HMARK mod 42 + 0x64 ct, src-prefix 16 dst-prefix 24 rnd 0x4 "
	bad_option '--hmark-mod is mandatory' -A INPUT -j HMARK
	bad_option '--hmark-rnd is mandatory' -A INPUT -j HMARK --hmark-mod 4
	bad_option 'you have to specify --hmark-tuple at least' -A INPUT -j HMARK --hmark-mod 4 --hmark-rnd 1
	bad_option 'Bad type "foo"' -A INPUT -j HMARK --hmark-mod 4 --hmark-rnd 1 --hmark-tuple foo
	bad_option 'HMARK: bad value for option "--hmark-mod", or out of range (1-4294967295).' \
		-A INPUT -j HMARK --hmark-mod 0 --hmark-rnd 1 --hmark-src-prefix 8
	bad_option 'you cannot use --hmark-spi-mask and --hmark-?port-mask,at the same time' \
		-A INPUT -j HMARK --hmark-mod 4 --hmark-rnd 1 --hmark-spi-mask 4 --hmark-sport-mask 3
	refused -A INPUT -j HMARK --hmark-mod 4 --hmark-rnd 1 --hmark-spi 4 --hmark-sport 3
}

@test "IDLETIMER, LED, RATEEST, SYNPROXY" {
	rule_is filter INPUT "-j IDLETIMER --timeout 42 --label foo"
	rule_is filter INPUT "-j IDLETIMER --timeout 42 --label bar --alarm"
	listed_as filter INPUT "-j IDLETIMER --timeout 42 --label bar --alarm" "" "timeout:42 label:bar alarm"
	bad_option 'IDLETIMER: option "--label" must be specified' -A INPUT -j IDLETIMER --timeout 42
	refused -A INPUT -j IDLETIMER --timeout 0 --label x

	rule_is filter INPUT '-j LED --led-trigger-id foo' '-j LED --led-trigger-id "foo"'
	rule_is filter INPUT '-j LED --led-trigger-id foo --led-delay 42 --led-always-blink' \
		'-j LED --led-trigger-id "foo" --led-delay 42 --led-always-blink'
	listed_as filter INPUT "-j LED --led-trigger-id zz --led-delay inf" "" \
		'led-trigger-id:"zz" led-delay:inf'
	bad_option 'Argument must have a maximum length of 16 characters' \
		-A INPUT -j LED --led-trigger-id 12345678901234567
	bad_option 'Delay value must be within range 0..4294967295' \
		-A INPUT -j LED --led-trigger-id x --led-delay foo

	rule_is filter INPUT "-j RATEEST --rateest-name RE1 --rateest-interval 250.0ms --rateest-ewmalog 500.0ms"
	rule_is filter INPUT "-j RATEEST --rateest-name RE2 --rateest-interval 4s --rateest-ewmalog 20s" \
		"-j RATEEST --rateest-name RE2 --rateest-interval 4.0s --rateest-ewmalog 16.0s"
	bad_option 'RATEEST: bad interval value "250.0x"' \
		-A INPUT -j RATEEST --rateest-name R --rateest-interval 250.0x --rateest-ewmalog 1s
	bad_option 'RATEEST: interval value is too large' \
		-A INPUT -j RATEEST --rateest-name R --rateest-interval 100s --rateest-ewmalog 1s
	bad_option 'RATEEST: ewmalog value is out of range' \
		-A INPUT -j RATEEST --rateest-name R --rateest-interval 1s --rateest-ewmalog 1s

	rule_is filter INPUT "-p tcp -m tcp --dport 42 -j SYNPROXY --mss 1460 --wscale 9 --timestamp --sack-perm" \
		"-p tcp -m tcp --dport 42 -j SYNPROXY --sack-perm --timestamp --wscale 9 --mss 1460"
	rule_is mangle INPUT "-p tcp -j SYNPROXY --ecn"
	listed_as filter INPUT "-p tcp -j SYNPROXY --sack-perm --ecn" "" "SYNPROXY sack-perm ecn "
	refused -A INPUT -j SYNPROXY --sack-perm
	refused -A OUTPUT -p tcp -j SYNPROXY --sack-perm
}

@test "batch C targets in iptables-restore and -C" {
	run uiptables-restore <<-EOF
	*nat
	-A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:80
	-A POSTROUTING -j MASQUERADE
	COMMIT
	*filter
	-A INPUT -j LOG --log-prefix "x: "
	-A INPUT -j REJECT
	COMMIT
	EOF
	assert_success
	run uiptables -t nat -C PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:80
	assert_success
	run uiptables -t nat -C PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:81
	assert_failure 1
	run uiptables -C INPUT -j LOG --log-prefix "x: "
	assert_success
	run uiptables-restore <<-EOF
	*filter
	-A INPUT -j REJECT --reject-with tcp-reset
	COMMIT
	EOF
	assert_failure 1
}
