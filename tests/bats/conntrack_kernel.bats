#!/usr/bin/env bats
#
# uconntrack --kernel against the real conntrack(8), on kernel tables the
# tests fill in network namespaces of their own.  Read-only command lines
# must print exactly what conntrack prints (stdout, stderr, exit status);
# commands that change the table (-D -F -I -U) run once with each tool on
# two identically filled namespaces, and both the outputs and the tables
# left behind must agree.
#
# Needs root (network namespaces, ctnetlink) and conntrack-tools; skips
# cleanly otherwise.  The real conntrack only ever runs through
# `ip netns exec`, never in the machine's own namespace.  Addresses are
# documentation ranges only.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

UCT="${UIPT_BUILDDIR:-$BATS_TEST_DIRNAME/../..}/uconntrack"
PY=/usr/bin/python3

# --- namespaces -----------------------------------------------------------

# Shared, read-only table for the comparisons: made once per file.
setup_file() {
	export SHARED_NS="uct_$$_shared"
	export SHARED_PEER="uct_$$_peer"
	export SKIP_REASON_FILE="$BATS_FILE_TMPDIR/skip"
	local why
	why=$(environment_problem) || { echo "$why" >"$SKIP_REASON_FILE"; return 0; }
	if ! ip netns add "$SHARED_NS" 2>/dev/null; then
		echo "cannot create network namespaces (ip netns add failed)" >"$SKIP_REASON_FILE"
		return 0
	fi
	ip -n "$SHARED_NS" link set lo up
	ip netns exec "$SHARED_NS" sysctl -q -w net.netfilter.nf_conntrack_timestamp=1 \
		net.netfilter.nf_conntrack_acct=1 >/dev/null 2>&1 || true
	fill_table "$SHARED_NS"
	if ip netns add "$SHARED_PEER" 2>/dev/null; then
		real_traffic "$SHARED_NS" "$SHARED_PEER" || true
	fi
	retime "$SHARED_NS" || true
}

teardown_file() {
	ip netns del "$SHARED_PEER" 2>/dev/null || true
	ip netns del "$SHARED_NS" 2>/dev/null || true
}

environment_problem() {
	if [ "$(id -u)" != 0 ]; then echo "needs root"; return 1; fi
	if ! command -v conntrack >/dev/null; then echo "conntrack (conntrack-tools) not installed"; return 1; fi
	if ! command -v ip >/dev/null; then echo "iproute2 not installed"; return 1; fi
	if [ ! -x "$UCT" ]; then echo "uconntrack not built at $UCT"; return 1; fi
	return 0
}

setup() {
	if [ -s "$SKIP_REASON_FILE" ]; then
		skip "$(cat "$SKIP_REASON_FILE")"
	fi
	NS=$SHARED_NS
}

# new_ns runs in $(...), a subshell: find its namespaces by name.
teardown() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
		    grep "^uct_$$_${BATS_TEST_NUMBER}_"); do
		ip netns del "$ns" 2>/dev/null || true
	done
}

# A fresh namespace for a test that changes its table.
new_ns() {
	local ns="uct_$$_${BATS_TEST_NUMBER}_$1"
	ip netns add "$ns" || skip "cannot create network namespaces"
	ip -n "$ns" link set lo up
	echo "$ns"
}

# --- filling tables -------------------------------------------------------

ct() { ip netns exec "$1" conntrack "${@:2}"; }

# Entries of every protocol and shape through conntrack -I: both tuples,
# NAT-looking reply tuples, marks, zones, statuses, IPv6.
fill_table() {
	local ns=$1
	{
	ct "$ns" -I -p udp -t 1000 -s 192.0.2.1 -d 198.51.100.1 --sport 53 --dport 54 -u SEEN_REPLY,ASSURED -m 3 -w 7
	ct "$ns" -I -p udp -t 1000 -s 192.0.2.1 -d 198.51.100.1 --sport 56 --dport 54 -n 203.0.113.9
	ct "$ns" -I -p udp -t 1000 -s 192.0.2.1 -d 198.51.100.1 --sport 57 --dport 54 -g 203.0.113.8:99
	ct "$ns" -I -p udp -t 1000 -s 192.0.2.3 -d 198.51.100.1 --sport 58 --dport 54 -m 0x1234
	ct "$ns" -I -p tcp -t 1000 -s 192.0.2.1 -d 198.51.100.1 -r 203.0.113.5 -q 192.0.2.99 --sport 1 --dport 2 --reply-port-src 3 --reply-port-dst 4 --state SYN_RECV
	ct "$ns" -I -p tcp -t 1000 -s 192.0.2.2 -d 198.51.100.2 --sport 40000 --dport 22 --state ESTABLISHED -u ASSURED -m 0x100
	ct "$ns" -I -p tcp -t 1000 -s 2001:db8::1 -d 2001:db8::2 --sport 1 --dport 2 --state ESTABLISHED
	ct "$ns" -I -p icmpv6 -t 1000 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 5
	ct "$ns" -I -p icmp -t 1000 -s 192.0.2.1 -d 198.51.100.1 --icmp-type 8 --icmp-code 0 --icmp-id 5
	ct "$ns" -I -p sctp -t 1000 -s 192.0.2.1 -d 198.51.100.1 --sport 1 --dport 2 --state ESTABLISHED --orig-vtag 5 --reply-vtag 6
	ct "$ns" -I -p gre -t 1000 -s 192.0.2.1 -d 198.51.100.1 --srckey 1 --dstkey 2
	ct "$ns" -I -p 99 -t 1000 -s 192.0.2.1 -d 198.51.100.1
	} >/dev/null 2>&1
}

# Real packets between two namespaces joined by a veth pair: a TCP
# connection, a UDP exchange and a source-NATed UDP flow.  Conntrack only
# follows packets in a namespace whose ruleset asks for it, hence the
# iptables rules.
real_traffic() {
	local ns=$1 peer=$2
	ip link add uctv0 netns "$ns" type veth peer name uctv1 netns "$peer" || return 1
	ip -n "$ns" addr add 203.0.113.1/24 dev uctv0
	ip -n "$peer" addr add 203.0.113.2/24 dev uctv1
	ip -n "$ns" link set uctv0 up
	ip -n "$peer" link set uctv1 up
	ip -n "$peer" link set lo up
	ip netns exec "$ns" iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT || return 1
	ip netns exec "$ns" iptables -t nat -A POSTROUTING -p udp --dport 5002 \
		-j SNAT --to-source 203.0.113.1:6000 || return 1
	[ -x "$PY" ] || return 1

	ip netns exec "$peer" "$PY" - <<-'EOF' &
	import socket, select, time
	t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	t.bind(("203.0.113.2", 8080)); t.listen(1)
	u = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
	u[0].bind(("203.0.113.2", 5001)); u[1].bind(("203.0.113.2", 5002))
	end = time.time() + 5; done = 0
	while done < 3 and time.time() < end:
	    r, _, _ = select.select([t] + u, [], [], 0.2)
	    for s in r:
	        if s is t:
	            c, _ = t.accept(); c.recv(10); c.sendall(b"ok"); c.close()
	        else:
	            d, a = s.recvfrom(100); s.sendto(b"pong", a)
	        done += 1
	EOF
	local server=$!
	sleep 0.5
	ip netns exec "$ns" "$PY" - <<-'EOF'
	import socket
	c = socket.create_connection(("203.0.113.2", 8080), timeout=2, source_address=("203.0.113.1", 41000))
	c.sendall(b"hi"); c.recv(10); c.close()
	for dport in (5001, 5002):
	    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
	    u.bind(("203.0.113.1", 5000 + dport - 5000 + 10))
	    u.sendto(b"ping", ("203.0.113.2", dport)); u.recvfrom(100)
	EOF
	wait "$server"
	sleep 0.3	# let the TCP close settle
}

# Give every entry the same timeout within a millisecond or two.  Each
# entry's remaining seconds tick at the instant it was created; entries made
# one after another tick all through the second, and no two listings would
# ever agree.  Retimed together, they tick together.  Done with raw
# ctnetlink so that neither tool under comparison prepares its own test.
retime() {
	[ -x "$PY" ] || return 1
	ip netns exec "$1" "$PY" - <<-'EOF'
	import socket, struct
	NESTED, REQ, ACK, DUMP = 0x8000, 1, 4, 0x300
	CT_NEW, CT_GET = 0, 1
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
	s.bind((0, 0))
	def msg(mtype, flags, family, body, seq):
	    b = struct.pack("=BBH", family, 0, 0) + body
	    return struct.pack("=IHHII", 16 + len(b), (1 << 8) | mtype, flags, seq, 0) + b
	def attrs(b):
	    while len(b) >= 4:
	        ln, t = struct.unpack("=HH", b[:4])
	        yield t & 0x7fff, b[:(ln + 3) & ~3]
	        b = b[(ln + 3) & ~3:]
	s.send(msg(CT_GET, REQ | DUMP, 0, b"", 1))
	updates, done = [], False
	while not done:
	    data = s.recv(1 << 16)
	    while data:
	        ln, t = struct.unpack("=IH", data[:6])
	        if t == 3:      # NLMSG_DONE
	            done = True
	        elif t >> 8 == 1:
	            family = data[16]
	            keep = b"".join(a for at, a in attrs(data[20:ln]) if at in (1, 18))
	            updates.append((family, keep))
	        data = data[(ln + 3) & ~3:]
	timeout = struct.pack("=HH", 8, 7) + struct.pack("!I", 1000)
	batch = b"".join(msg(CT_NEW, REQ | ACK, f, k + timeout, i + 2)
	                 for i, (f, k) in enumerate(updates))
	s.send(batch)
	EOF
}

# --- comparing ------------------------------------------------------------

# Run both tools once: conntrack's output in $T/c.*, uconntrack's in $T/u.*
run_both() {
	local rc
	T=$BATS_TEST_TMPDIR
	rc=0; ip netns exec "$NS" conntrack "$@" >"$T/c.out" 2>"$T/c.err" || rc=$?
	echo $rc >"$T/c.rc"
	rc=0; ip netns exec "$NS" "$UCT" --kernel "$@" >"$T/u.out" 2>"$T/u.err" || rc=$?
	echo $rc >"$T/u.rc"
}

same_output() {
	cmp -s "$T/c.out" "$T/u.out" && cmp -s "$T/c.err" "$T/u.err" &&
		cmp -s "$T/c.rc" "$T/u.rc"
}

show_difference() {
	echo "command: conntrack $*"
	echo "exit status: conntrack $(cat "$T/c.rc"), uconntrack $(cat "$T/u.rc")"
	echo "--- stdout (conntrack vs uconntrack)"; diff "$T/c.out" "$T/u.out" || true
	echo "--- stderr (conntrack vs uconntrack)"; diff "$T/c.err" "$T/u.err" || true
}

# The timeout column counts down in whole seconds, and each entry ticks at
# its own instant: a tick between two runs changes the output.  So run
# conntrack, uconntrack, conntrack: only when both conntrack runs agree was
# the table still, and then uconntrack must match byte for byte.
compare() {
	local try
	for try in $(seq 1 30); do
		run_both "$@"
		ip netns exec "$NS" conntrack "$@" >"$T/c2.out" 2>"$T/c2.err" || true
		if cmp -s "$T/c.out" "$T/c2.out" && cmp -s "$T/c.err" "$T/c2.err"; then
			same_output && return 0
			show_difference "$@"
			return 1
		fi
	done
	echo "the table never held still for: conntrack $*"
	return 1
}

# For tables in two namespaces filled moments apart: mask what only the
# clock makes differ (remaining timeouts, delta-time, timestamps, ids).
normalize() {
	sed -E -e 's/^(([a-z0-9]+ +[0-9]+ +){1,2})[0-9]+ /\1T /' \
	       -e 's/delta-time=[0-9]+/delta-time=D/; s/ id=[0-9]+/ id=I/' \
	       -e 's/-t [0-9]+ /-t T /'
}

# Run a changing command once per tool on twin tables; compare outputs and
# the tables left behind.
compare_change() {
	local a b
	a=$(new_ns a); b=$(new_ns b)
	fill_table "$a"; fill_table "$b"
	local rc
	T=$BATS_TEST_TMPDIR
	rc=0; ip netns exec "$a" conntrack "$@" >"$T/c.out" 2>"$T/c.err" || rc=$?
	echo $rc >"$T/c.rc"
	rc=0; ip netns exec "$b" "$UCT" --kernel "$@" >"$T/u.out" 2>"$T/u.err" || rc=$?
	echo $rc >"$T/u.rc"
	# each namespace hashes its table its own way: compare sorted lines
	normalize <"$T/c.out" | sort >"$T/c.outn"; mv "$T/c.outn" "$T/c.out"
	normalize <"$T/u.out" | sort >"$T/u.outn"; mv "$T/u.outn" "$T/u.out"
	if ! same_output; then show_difference "$@"; return 1; fi
	ct "$a" -L 2>&1 | normalize | sort >"$T/c.table"
	ct "$b" -L 2>&1 | normalize | sort >"$T/u.table"
	if ! cmp -s "$T/c.table" "$T/u.table"; then
		echo "tables differ after: conntrack $*"
		diff "$T/c.table" "$T/u.table" || true
		return 1
	fi
}

# --- read-only command lines: byte-for-byte the same ----------------------

@test "-L" { compare -L; }
@test "-L conntrack (table named)" { compare -L conntrack; }
@test "-L -o extended" { compare -L -o extended; }
@test "-L -o id" { compare -L -o id; }
@test "-L -o extended,id" { compare -L -o extended,id; }
@test "-L -o xml" { compare -L -o xml; }
@test "-L -o save" { compare -L -o save; }
@test "-L -o ktimestamp" { compare -L -o ktimestamp; }
@test "-L -o timestamp (nothing to add while listing)" { compare -L -o timestamp; }
@test "-L -o xml with no entry prints nothing on stdout" { compare -L -o xml -p dccp; }
@test "-L -f ipv6" { compare -L -f ipv6; }
@test "-L -f ipv4" { compare -L -f ipv4; }
@test "-L -p tcp" { compare -L -p tcp; }
@test "-L -p udp --dport 54" { compare -L -p udp --dport 54; }
@test "-L -p tcp --orig-port-dst 22 --reply-port-src 22" { compare -L -p tcp --orig-port-dst 22 --reply-port-src 22; }
@test "-L -p tcp --state ESTABLISHED" { compare -L -p tcp --state ESTABLISHED; }
@test "-L -p icmp --icmp-type 8" { compare -L -p icmp --icmp-type 8; }
@test "-L -p 99" { compare -L -p 99; }
@test "-L -s 192.0.2.1" { compare -L -s 192.0.2.1; }
@test "-L --orig-src 192.0.2.0/24" { compare -L --orig-src 192.0.2.0/24; }
@test "-L -s 192.0.2.1 --mask-src 255.255.255.252" { compare -L -s 192.0.2.1 --mask-src 255.255.255.252; }
@test "-L -d 2001:db8::2" { compare -L -d 2001:db8::2; }
@test "-L -r 203.0.113.5" { compare -L -r 203.0.113.5; }
@test "-L --reply-dst 192.0.2.99" { compare -L --reply-dst 192.0.2.99; }
@test "-L -m 3" { compare -L -m 3; }
@test "-L -m 0x100/0xf00" { compare -L -m 0x100/0xf00; }
@test "-L -u ASSURED" { compare -L -u ASSURED; }
@test "-L -u SEEN_REPLY,ASSURED" { compare -L -u SEEN_REPLY,ASSURED; }
@test "-L -w 7" { compare -L -w 7; }
@test "-L -n (source NAT)" { compare -L -n; }
@test "-L -n 203.0.113.9" { compare -L -n 203.0.113.9; }
@test "-L -g 203.0.113.8:99 (destination NAT)" { compare -L -g 203.0.113.8:99; }
@test "-L --any-nat" { compare -L --any-nat; }
@test "-L -p udp -o save (real packets too)" { compare -L -p udp -o save; }
@test "-L dying" { compare -L dying; }
@test "-L expect" { compare -L expect; }
@test "-G an existing entry" { compare -G -p udp -s 192.0.2.1 -d 198.51.100.1 --sport 56 --dport 54; }
@test "-G -o extended in zone 7" { compare -G -p udp -s 192.0.2.1 -d 198.51.100.1 --sport 53 --dport 54 -w 7 -o extended; }
@test "-G a missing entry" { compare -G -p udp -s 192.0.2.1 -d 198.51.100.1 --sport 53 --dport 55; }
@test "-G by reply tuple only" { compare -G -p udp -r 198.51.100.1 -q 192.0.2.1 --reply-port-src 54 --reply-port-dst 56; }
@test "-C" { compare -C; }
@test "-C expect" { compare -C expect; }
@test "-S" { compare -S; }
@test "-S expect" { compare -S expect; }
@test "-V" { compare -V; }
@test "-h -p tcp" { compare -h -p tcp; }

# --- errors: same message, same exit status --------------------------------

@test "error: unknown protocol" { compare -L -p foo; }
@test "error: protocol option before -p" { compare -L --sport 80; }
@test "error: option illegal with the command" { compare -L -t 10; }
@test "error: two commands" { compare -L -D; }
@test "error: -G without --protonum" { compare -G; }
@test "error: -G without addresses" { compare -G -p tcp; }
@test "error: -I without ports" { compare -I -p udp -t 10 -s 192.0.2.1 -d 198.51.100.1; }
@test "error: -I tcp without --state" { compare -I -p tcp -t 10 -s 192.0.2.1 -d 198.51.100.1 --sport 1 --dport 2; }
@test "error: unknown table" { compare -L foo; }
@test "error: unknown output format" { compare -L -o foo; }
@test "error: save combined with another format" { compare -L -o xml,save; }
@test "error: unknown status" { compare -L -u FOO; }
@test "error: kernel refuses status UNSET" { compare -L -u UNSET; }
@test "error: bad address" { compare -L -s foo; }
@test "error: bad netmask" { compare -L -s 192.0.2.0/33; }
@test "error: mixed address families" { compare -L -s 2001:db8::1 -d 192.0.2.1; }
@test "error: --mask-src without --src" { compare -L --mask-src 255.0.0.0; }
@test "error: unknown TCP state" { compare -L -p tcp --state established; }
@test "error: missing argument" { compare -L -o; }
@test "error: unknown option" { compare -X; }
@test "error: -U on expectations" { compare -U expect; }
@test "error: -I an entry that exists" { compare -I -p udp -t 10 -s 192.0.2.1 -d 198.51.100.1 --sport 56 --dport 54; }

# --- commands that change the table ---------------------------------------

@test "-D -p udp deletes as conntrack does" { compare_change -D -p udp; }
@test "-D -s 192.0.2.1 -p tcp -o id" { compare_change -D -s 192.0.2.1 -p tcp -o id; }
@test "-D -m 3 (mark filter)" { compare_change -D -m 3; }
@test "-D matching nothing exits 1" { compare_change -D -s 198.51.100.200; }
@test "-F empties the table" { compare_change -F; }
@test "-F -f ipv6 keeps IPv4" { compare_change -F -f ipv6; }
@test "-I creates the same entry" { compare_change -I -p tcp -t 500 -s 192.0.2.40 -d 198.51.100.40 --sport 1000 --dport 443 --state ESTABLISHED -u ASSURED -m 9; }
@test "-I from a reply tuple" { compare_change -I -p udp -t 500 -r 198.51.100.41 -q 192.0.2.41 --reply-port-src 53 --reply-port-dst 3333; }
@test "-U -s 192.0.2.3 -m 5 sets the mark" { compare_change -U -s 192.0.2.3 -m 5; }
@test "-U -s 192.0.2.1 -p tcp -m 0x10/0xf0" { compare_change -U -s 192.0.2.1 -p tcp -m 0x10/0xf0; }
@test "-U -s 192.0.2.2 -p tcp -t 77 -u ASSURED" { compare_change -U -s 192.0.2.2 -p tcp -t 77 -u ASSURED; }

# conntrack 1.4.7 sends -U with no address family when no address fixes
# it, and the kernel refuses; uconntrack sends the entry's family.
@test "-U without an address updates (conntrack 1.4.7 cannot)" {
	local ns
	ns=$(new_ns a)
	fill_table "$ns"
	run ip netns exec "$ns" "$UCT" --kernel -U -p udp --sport 58 -m 0x77
	assert_success
	assert_output --partial "1 flow entries have been updated."
	run ct "$ns" -L -m 0x77
	assert_output --partial "sport=58"
	assert_output --partial "1 flow entries have been shown."
}

# conntrack 1.4.7 leaves the zone out of what -U sends, so an entry in a
# zone other than 0 is not found; uconntrack keeps the zone.
@test "-U updates an entry in zone 7 (conntrack 1.4.7 cannot)" {
	local ns
	ns=$(new_ns a)
	fill_table "$ns"
	run ip netns exec "$ns" "$UCT" --kernel -U -s 192.0.2.1 -p udp --sport 53 -m 0x42
	assert_success
	assert_output --partial "zone=7"
	run ct "$ns" -L -w 7 -m 0x42
	assert_output --partial "1 flow entries have been shown."
}

@test "-D prints each entry it deletes and the table loses them" {
	local ns
	ns=$(new_ns a)
	fill_table "$ns"
	run ip netns exec "$ns" "$UCT" --kernel -D -f ipv6
	assert_success
	assert_output --partial "2 flow entries have been deleted."
	run ct "$ns" -L -f ipv6
	assert_output --partial "0 flow entries have been shown."
}

# --- events ----------------------------------------------------------------

@test "-E shows the events conntrack -E shows" {
	[ -x "$PY" ] || skip "python3 not installed"
	local ns peer
	ns=$(new_ns a); peer=$(new_ns p)
	T=$BATS_TEST_TMPDIR
	ip netns exec "$ns" timeout -s INT 3 conntrack -E >"$T/c.out" 2>"$T/c.err" &
	local c_pid=$!
	ip netns exec "$ns" "$UCT" --kernel -E --event-timeout 3 >"$T/u.out" 2>"$T/u.err" &
	local u_pid=$!
	sleep 0.5
	real_traffic "$ns" "$peer" || skip "cannot make traffic between namespaces"
	wait "$c_pid" || true
	wait "$u_pid"
	run cat "$T/u.out"
	assert_output --partial "[NEW] tcp"
	if ! cmp -s "$T/c.out" "$T/u.out" || ! cmp -s "$T/c.err" "$T/u.err"; then
		diff "$T/c.out" "$T/u.out"; diff "$T/c.err" "$T/u.err"
		return 1
	fi
}

@test "-E --event-count stops after N events" {
	local ns
	ns=$(new_ns a)
	T=$BATS_TEST_TMPDIR
	ip netns exec "$ns" timeout 10 "$UCT" --kernel -E -e NEW --event-count 2 -o save \
		>"$T/u.out" 2>"$T/u.err" &
	local pid=$!
	sleep 0.5
	fill_table "$ns"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	run cat "$T/u.err"
	assert_output "conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown."
	run cat "$T/u.out"
	assert_line --index 0 --regexp '^-I -t 1000 -u (SEEN_REPLY,ASSURED|UNSET) '
	[ "${#lines[@]}" -eq 2 ]
}

@test "-E --event-timeout stops with no event" {
	local ns
	ns=$(new_ns a)
	SECONDS=0
	run ip netns exec "$ns" "$UCT" --kernel -E --event-timeout 0.5
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow events have been shown."
	[ "$SECONDS" -lt 5 ]
}

@test "--event-count is refused without -E" {
	run ip netns exec "$NS" "$UCT" --kernel -L --event-count 3
	assert_failure 2
	assert_output --partial "Illegal option \`--event-count' with this command"
}

# --- sources and permissions ----------------------------------------------

@test "without --kernel: the evaluator's table, not the kernel's" {
	UIPTABLES_STATE="$BATS_TEST_TMPDIR/empty-state" run "$UCT" -L
	assert_success
	assert_output "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown."
}

@test "without CAP_NET_ADMIN: conntrack's message and a plain hint" {
	command -v setpriv >/dev/null || skip "setpriv not installed"
	run ip netns exec "$NS" setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$UCT" --kernel -L
	assert_failure 1
	assert_line --index 0 "conntrack v1.4.7 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this"
	assert_line --index 1 --partial "uconntrack: reading or changing the kernel's connection table needs CAP_NET_ADMIN"
}
