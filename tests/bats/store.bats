#!/usr/bin/env bats
# The backend: concurrent writers, atomic replacement under SIGKILL,
# damaged table files, and the xtables lock.

load helpers

setup() {
	fresh_state
}

rules_text() {
	uiptables-save | grep -v '^#'
}

@test "64 concurrent -w appends all land" {
	local i pids=()
	uiptables -L INPUT -n > /dev/null
	for i in $(seq 1 64); do
		uiptables -w -A INPUT -s "192.0.2.$i" -j ACCEPT &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run bash -c 'uiptables -S INPUT | grep -c "^-A"'
	assert_success
	assert_output 64
	for i in 1 32 64; do
		uiptables -S INPUT | grep -qx -- "-A INPUT -s 192.0.2.$i/32 -j ACCEPT"
	done
}

gen_rules() {
	# $1: tag put in each rule so old and new differ
	awk -v tag="$1" 'BEGIN {
		print "*filter"
		print ":INPUT ACCEPT [0:0]"
		print ":FORWARD ACCEPT [0:0]"
		print ":OUTPUT ACCEPT [0:0]"
		for (i = 0; i < 20000; i++)
			printf "-A INPUT -s 10.%d.%d.%d/32 -p tcp -m tcp --dport %d -j ACCEPT\n",
				tag, int(i / 256), i % 256, 1 + i % 60000
		print "COMMIT"
	}'
}

@test "a restore killed with SIGKILL leaves the old or the new table" {
	local old="$BATS_TEST_TMPDIR/old.rules" new="$BATS_TEST_TMPDIR/new.rules"
	local want_old="$BATS_TEST_TMPDIR/old.want" want_new="$BATS_TEST_TMPDIR/new.want"
	local got="$BATS_TEST_TMPDIR/got" try pid ms seen_old=0 seen_new=0

	gen_rules 1 > "$old"
	gen_rules 2 > "$new"
	uiptables-restore < "$new"
	rules_text > "$want_new"
	uiptables-restore < "$old"
	rules_text > "$want_old"
	# The two must differ, or the test proves nothing.
	! cmp -s "$want_old" "$want_new"
	[ "$(grep -c '^-A INPUT' "$want_old")" -eq 20000 ]

	for try in $(seq 1 10); do
		# Start from the old table each time.
		uiptables-restore < "$old"
		uiptables-restore < "$new" &
		pid=$!
		ms=$((RANDOM % 201))
		sleep "$(printf '0.%03d' "$ms")"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rules_text > "$got"
		if cmp -s "$got" "$want_old"; then
			seen_old=$((seen_old + 1))
		elif cmp -s "$got" "$want_new"; then
			seen_new=$((seen_new + 1))
		else
			echo "try $try (killed after ${ms}ms): table is neither old nor new" >&3
			diff "$want_old" "$got" | head -5 >&3
			return 1
		fi
		# Leftover temporary files must not get in the way of the next write.
		uiptables -A OUTPUT -j ACCEPT
		uiptables -D OUTPUT -j ACCEPT
	done
	echo "# old $seen_old, new $seen_new" >&3
	# And the state still works.
	uiptables-restore < "$new"
	rules_text > "$got"
	cmp "$got" "$want_new"
}

# Damages filter.ipt with the command in $1, then checks that nothing
# reads or overwrites it.
check_damaged() {
	local f="$UIPTABLES_STATE/filter.ipt" copy="$BATS_TEST_TMPDIR/copy"
	uiptables -A INPUT -s 192.0.2.1 -j ACCEPT
	uiptables -A INPUT -s 192.0.2.2 -j DROP
	[ -f "$f" ]
	eval "$1"
	cp "$f" "$copy"
	run uiptables -L -n
	assert_failure
	assert_output --partial damaged
	cmp "$f" "$copy"
	run uiptables -A INPUT -j ACCEPT
	assert_failure
	assert_output --partial damaged
	cmp "$f" "$copy"
	run uiptables-save
	assert_failure
	cmp "$f" "$copy"
	run uiptables -F
	assert_failure
	cmp "$f" "$copy"
}

flip_byte() {
	# $1: offset; xor the byte there with 0x01
	local f="$UIPTABLES_STATE/filter.ipt" b
	b=$(od -An -t u1 -j "$1" -N 1 "$f" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$f" bs=1 seek="$1" conv=notrunc status=none
}

@test "damaged table file: a flipped byte in the entries" {
	check_damaged 'flip_byte $(( $(stat -c %s "$f") / 2 ))'
}

@test "damaged table file: a flipped byte in the header" {
	check_damaged 'flip_byte 20'
}

@test "damaged table file: a flipped byte in the counters" {
	check_damaged 'flip_byte $(( $(stat -c %s "$f") - 3 ))'
}

@test "damaged table file: truncated" {
	check_damaged 'truncate -s $(( $(stat -c %s "$f") - 40 )) "$f"'
}

@test "damaged table file: truncated inside the header" {
	check_damaged 'truncate -s 10 "$f"'
}

@test "damaged table file: empty" {
	check_damaged ': > "$f"'
}

@test "damaged table file: garbage" {
	check_damaged 'head -c 4096 /dev/urandom > "$f"'
}

@test "damaged table file: wrong magic" {
	check_damaged 'printf XXXXXXXX | dd of="$f" bs=1 conv=notrunc status=none'
}

@test "lock held: without -w fails at once with exit 4" {
	uiptables -L -n > /dev/null
	flock "$UIPTABLES_STATE/xtables.lock" sleep 3 &
	local holder=$! t0 t1
	sleep 0.3
	t0=$(date +%s%N)
	run uiptables -A INPUT -j ACCEPT
	t1=$(date +%s%N)
	# flock's child sleep holds the lock too: let it finish.
	wait "$holder"
	assert_equal "$status" 4
	assert_output --partial "Another app is currently holding the xtables lock"
	[ $(( (t1 - t0) / 1000000 )) -lt 900 ]
	run bash -c 'uiptables -S INPUT | grep -c "^-A"'
	assert_output 0
}

@test "lock held: -w 1 gives up after 1s with exit 4" {
	uiptables -L -n > /dev/null
	flock "$UIPTABLES_STATE/xtables.lock" sleep 3 &
	local holder=$! t0 t1
	sleep 0.3
	t0=$(date +%s%N)
	run uiptables -w 1 -A INPUT -j ACCEPT
	t1=$(date +%s%N)
	# flock's child sleep holds the lock too: let it finish.
	wait "$holder"
	assert_equal "$status" 4
	assert_output --partial "Stopped waiting after 1s"
	# It did wait, and not for the holder's whole 3s.
	[ $(( (t1 - t0) / 1000000 )) -ge 900 ]
	[ $(( (t1 - t0) / 1000000 )) -lt 2900 ]
}

@test "lock held: -w waits until the holder is gone" {
	uiptables -L -n > /dev/null
	flock "$UIPTABLES_STATE/xtables.lock" sleep 2 &
	local holder=$! t0 t1
	sleep 0.3
	t0=$(date +%s%N)
	run uiptables -w -A INPUT -j ACCEPT
	t1=$(date +%s%N)
	wait "$holder" 2>/dev/null || true
	assert_success
	[ $(( (t1 - t0) / 1000000 )) -ge 1000 ]
	run uiptables -S INPUT
	assert_output --partial "-A INPUT -j ACCEPT"
}
