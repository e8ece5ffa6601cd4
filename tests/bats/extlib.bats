#!/usr/bin/env bats
# Extensions loaded from $UIPTABLES_LIBDIR: tests/ext/libxt_demo.c.

load helpers

setup() {
	DEMO_LIBDIR="$UIPT_BUILDDIR/tests/ext/.libs"
	[ -f "$DEMO_LIBDIR/libxt_demo.so" ] ||
		skip "libxt_demo.so not built (make tests/ext/libxt_demo.la)"
	fresh_state
	unset UIPTABLES_LIBDIR
}

@test "-m demo from UIPTABLES_LIBDIR: add, -S, -L -n" {
	export UIPTABLES_LIBDIR="$DEMO_LIBDIR"
	run uiptables -A INPUT -m demo --demo-value 7 -j ACCEPT
	assert_success
	run uiptables -S INPUT
	assert_success
	assert_line -- "-A INPUT -m demo --demo-value 7 -j ACCEPT"
	run uiptables -L INPUT -n
	assert_success
	assert_output --partial " demo 7"
	# save and restore go through the extension too
	run uiptables-save
	assert_success
	assert_line -- "-A INPUT -m demo --demo-value 7 -j ACCEPT"
	uiptables-save > "$BATS_TEST_TMPDIR/saved"
	uiptables -F
	uiptables-restore < "$BATS_TEST_TMPDIR/saved"
	run uiptables -S INPUT
	assert_line -- "-A INPUT -m demo --demo-value 7 -j ACCEPT"
}

@test "-m demo without UIPTABLES_LIBDIR: Couldn't load match" {
	run uiptables -A INPUT -m demo --demo-value 7 -j ACCEPT
	assert_equal "$status" 2
	assert_output --partial "Couldn't load match \`demo'"
	run bash -c 'uiptables -S INPUT | grep -c "^-A"'
	assert_output 0
}

@test "-m demo with UIPTABLES_LIBDIR elsewhere: Couldn't load match" {
	export UIPTABLES_LIBDIR="$BATS_TEST_TMPDIR"
	run uiptables -A INPUT -m demo --demo-value 7 -j ACCEPT
	assert_equal "$status" 2
	assert_output --partial "Couldn't load match \`demo'"
}

@test "--demo-value out of range" {
	export UIPTABLES_LIBDIR="$DEMO_LIBDIR"
	run uiptables -A INPUT -m demo --demo-value 1000 -j ACCEPT
	assert_success
	run uiptables -A INPUT -m demo --demo-value 1001 -j ACCEPT
	assert_equal "$status" 2
	assert_output --partial "out of range"
	run uiptables -A INPUT -m demo --demo-value x -j ACCEPT
	assert_equal "$status" 2
	run bash -c 'uiptables -S INPUT | grep -c "^-A"'
	assert_output 1
}

@test "--demo-value is mandatory" {
	export UIPTABLES_LIBDIR="$DEMO_LIBDIR"
	run uiptables -A INPUT -m demo -j ACCEPT
	assert_equal "$status" 2
	assert_output --partial "demo-value"
}
