#!/usr/bin/env bats
# The core's option parser and command line: messages and accepted values
# as iptables has them (checked against iptables-legacy 1.8.9 in a network
# namespace of our own; the 1.8.11 .t files where the two disagree).

load helpers

setup() {
	fresh_state
}

TRY="Try \`iptables -h' or 'iptables --help' for more information."

# err "MESSAGE" ARGS...: iptables ARGS fails with status 2, the message
# followed by a blank line (xtables ends it in "\n") and the hint.
err() {
	local msg=$1
	shift
	run uiptables "$@"
	assert_equal "$status" 2
	assert_equal "$output" "iptables v1.8.11 (legacy): $msg

$TRY"
}

# err1 "MESSAGE" ARGS...: as err, but a message without its own newline.
err1() {
	local msg=$1
	shift
	run uiptables "$@"
	assert_equal "$status" 2
	assert_equal "$output" "iptables v1.8.11 (legacy): $msg
$TRY"
}

# saves "ARGS" "SAVED": -A INPUT ARGS succeeds and -S shows SAVED.
saves() {
	uiptables -F INPUT
	run uiptables -A INPUT $1
	assert_success
	run uiptables -S INPUT
	assert_line -- "-A INPUT $2"
}

@test "once, inverted, mandatory, together, also: each with its newline" {
	err 'length: option "--length" can only be used once.' -A INPUT -m length --length 1 --length 2
	err 'TEE: option "--gateway" can only be used once.' \
		-A INPUT -j TEE --gateway 192.0.2.1 ! --gateway 192.0.2.1
	err 'TEE: option "--gateway" cannot be inverted.' -A INPUT -j TEE ! --gateway 192.0.2.1
	err 'TEE: option "--gateway" must be specified' -A INPUT -j TEE
	err 'MARK: option "--set-mark" cannot be used together with "--and-mark".' \
		-t mangle -A INPUT -j MARK --set-mark 1 --and-mark 2
}

@test "integer ranges: near, unexpected characters, too many components" {
	err 'length: bad value for option "--length" near "65536", or out of range (0-65535).' \
		-A INPUT -m length --length 65536
	err 'length: bad value for option "--length" near "65536", or out of range (0-65535).' \
		-A INPUT -m length --length 5:65536
	err 'length: bad value for option "--length" near " -5", or out of range (0-65535).' \
		-A INPUT -m length --length " -5"
	err 'length: Argument to "--length" has unexpected characters near "x".' \
		-A INPUT -m length --length 5x
	err 'length: Too many components for option "--length" (max: 2)' \
		-A INPUT -m length --length 5:6:7
	saves "-m length --length +5" "-m length --length 5"
	run uiptables -A INPUT -m length --length " 7"
	assert_success
	run uiptables -S INPUT
	assert_line -- "-A INPUT -m length --length 7"
}

@test "mark values: bad integer, trailing garbage" {
	err 'mark: bad integer value for option "--mark", or out of range.' -A INPUT -m mark --mark foo
	err 'mark: bad integer value for option "--mark", or out of range.' \
		-A INPUT -m mark --mark 4294967296
	err 'mark: bad integer value for option "--mark", or out of range.' -A INPUT -m mark --mark 1/foo
	err 'mark: trailing garbage after value for option "--mark".' -A INPUT -m mark --mark 0x1x
	err 'mark: trailing garbage after value for option "--mark".' -A INPUT -m mark --mark 1/2x
	run uiptables -A INPUT -m mark --mark " 1/ 2"
	assert_success
	run uiptables -S INPUT
	assert_line -- "-A INPUT -m mark --mark 0x1/0x2"
}

@test "ports: does not resolve to anything" {
	err 'Port "foo" does not resolve to anything.' -A INPUT -m conntrack --ctorigsrcport foo
	err 'Port "foo" does not resolve to anything.' -A INPUT -m conntrack --ctorigsrcport 1:foo
	err 'Port "-1" does not resolve to anything.' -A INPUT -m conntrack --ctorigsrcport -1
	err 'Port "0x10" does not resolve to anything.' -A INPUT -m conntrack --ctorigsrcport 0x10
	err 'conntrack: Too many components for option "--ctorigsrcport" (max: 2)' \
		-A INPUT -m conntrack --ctorigsrcport 1:2:3
	saves "-m conntrack --ctorigsrcport 010" "-m conntrack --ctorigsrcport 10"
	saves "-m conntrack --ctorigsrcport ssh:http" "-m conntrack --ctorigsrcport 22:80"
}

@test "syslog levels: lower-case names, panic, numbers" {
	for l in emerg:0 panic:0 alert:1 crit:2 error:3 notice:5 info:6 debug:7 0x3:3; do
		uiptables -F INPUT
		run uiptables -A INPUT -j LOG --log-level "${l%%:*}"
		assert_success
		run uiptables -S INPUT
		assert_line -- "-A INPUT -j LOG --log-level ${l##*:}"
	done
	for l in err warn EMERG Info 8; do
		err "log level \"$l\" unknown" -A INPUT -j LOG --log-level "$l"
	done
}

@test "MAC addresses: one-digit parts, empty parts, the message" {
	saves "-m mac --mac-source 42:1:2:3:4:5" "-m mac --mac-source 42:01:02:03:04:05"
	saves "-m mac --mac-source 1::2:3:4:5" "-m mac --mac-source 01:00:02:03:04:05"
	for m in 001:2:3:4:5:6 1:2:3:4:5 1:2:3:4:5:6:7 zz:1:2:3:4:5 1:2:3:4:5:6x; do
		err1 "Invalid MAC address specified." -A INPUT -m mac --mac-source "$m"
	done
}

@test "strings: minimum length, silent cut" {
	err 'Argument must have a minimum length of 1 characters' -A INPUT -j LOG --log-prefix ""
	saves "-j LOG --log-prefix $(printf 'a%.0s' {1..40})" \
		"-j LOG --log-prefix $(printf 'a%.0s' {1..29})"
}

@test "hosts and masks: names from /etc/hosts, inet_aton forms, the mask message" {
	grep -q '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts || skip "no localhost in /etc/hosts"
	saves "-m conntrack --ctorigsrc localhost" "-m conntrack --ctorigsrc 127.0.0.1"
	saves "-m conntrack --ctorigsrc localhost/8" "-m conntrack --ctorigsrc 127.0.0.1/8"
	saves "-j TEE --gateway localhost" "-j TEE --gateway 127.0.0.1"
	saves "-m conntrack --ctorigsrc 1.2" "-m conntrack --ctorigsrc 1.0.0.2"
	saves "-m conntrack --ctorigsrc 1.2.3.4/255.255.0.0" "-m conntrack --ctorigsrc 1.2.3.4/16"
	saves "-m conntrack --ctorigsrc 1.2.3.4/010" "-m conntrack --ctorigsrc 1.2.3.4/8"
	for m in abc -1 ""; do
		err 'conntrack: bad value for option "--ctorigsrc", neither a valid network mask nor valid CIDR (0-32).' \
			-A INPUT -m conntrack --ctorigsrc "1.2.3.4/$m"
	done
	run uiptables -A INPUT -m conntrack --ctorigsrc ""
	assert_equal "$status" 2
	assert_line --index 0 --partial "iptables v1.8.11 (legacy): getaddrinfo: "
	assert_line --index 1 "$TRY"
}

@test "-m EXT -h and -j TARGET -h: usage and the extensions' help, no final checks" {
	run uiptables -A INPUT -m conntrack -h
	assert_success
	assert_line --partial "--ctstate"
	refute_output --partial "At least one option"
	run uiptables -A INPUT -j TEE -h
	assert_success
	assert_line --partial "--gateway"
	# iptables stops at -h: what follows is not looked at.
	run uiptables -m length -h --bogus
	assert_success
	assert_line --partial "--length"
	# the target's help first, then the matches'.
	run bash -c "uiptables -m length -j TEE -h | grep -n -e '--gateway' -e '--length' | cut -d: -f1 | tr '\n' ' '"
	[[ "$output" =~ ^([0-9]+)\ ([0-9]+)\ $ ]]
	((BASH_REMATCH[1] < BASH_REMATCH[2]))
	# -p NAME -h loads the protocol's match; a verdict is the standard target.
	run uiptables -p TCP -h
	assert_success
	assert_line --partial "--dport"
	run uiptables -j ACCEPT -h
	assert_success
	assert_line "(If target is DROP, ACCEPT, RETURN or nothing)"
	# errors before -h still count.
	run uiptables -A INPUT -m length --length x -h
	assert_equal "$status" 2
}
