#!/bin/bash
#
# conntrack-list.sh - list a big kernel connection table with conntrack -L
# and with uconntrack --kernel -L; print time and peak memory of each.
#
#   bench/conntrack-list.sh [ENTRIES]      (default 100000)
#
# Needs root (a network namespace of its own), conntrack-tools, python3 and
# GNU time (/usr/bin/time: Debian package `time`, apt-get install time).
# The binary under test is ${UIPT_BUILDDIR:-<repo>}/uconntrack.
#
# The table is filled by a small netlink writer below: conntrack -I costs a
# process per entry (minutes for 100k), ctnetlink takes a few hundred
# IPCTNL_MSG_CT_NEW messages per send.  Memory is also measured on a table
# a tenth that size: a streaming lister keeps the same peak on both.
set -euo pipefail

ENTRIES=${1:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
UCT="${UIPT_BUILDDIR:-$HERE/..}/uconntrack"
PY=/usr/bin/python3
NS="uct_bench_$$"
RUNS=3

die() { echo "conntrack-list: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
command -v conntrack >/dev/null || die "conntrack (conntrack-tools) not installed"
[ -x /usr/bin/time ] || die "GNU time missing: apt-get install time"
[ -x "$PY" ] || die "python3 missing"
[ -x "$UCT" ] || die "uconntrack not built at $UCT"

ip netns add "$NS" || die "cannot create a network namespace"
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT

# fill FIRST END: UDP entries number FIRST..END-1, between documentation
# ranges only (198.51.100.0/24 -> 203.0.113.0/24), told apart by ports.
fill() {
	ip netns exec "$NS" "$PY" - "$1" "$2" <<'EOF'
import socket, struct, sys

FIRST, N = int(sys.argv[1]), int(sys.argv[2])
NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_CREATE, NLM_F_EXCL = 0x1, 0x400, 0x200
NESTED = 0x8000
IPCTNL_MSG_CT_NEW = 0
CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_TIMEOUT = 1, 2, 7

def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)

def tuple_(t, src, dst, sport, dport):
    ip = attr(1, socket.inet_aton(src)) + attr(2, socket.inet_aton(dst))
    proto = (attr(1, struct.pack("B", socket.IPPROTO_UDP)) +
             attr(2, struct.pack("!H", sport)) +
             attr(3, struct.pack("!H", dport)))
    return attr(t | NESTED, attr(1 | NESTED, ip) + attr(2 | NESTED, proto))

def message(seq, i):
    src = "198.51.100.%d" % (1 + i % 250)
    dst = "203.0.113.%d" % (1 + (i // 250) % 250)
    sport = 1024 + (i // 62500) % 60000
    dport = 1 + i % 64000
    body = (struct.pack("=BBH", socket.AF_INET, 0, 0) +
            tuple_(CTA_TUPLE_ORIG, src, dst, sport, dport) +
            tuple_(CTA_TUPLE_REPLY, dst, src, dport, sport) +
            attr(CTA_TIMEOUT, struct.pack("!I", 3600)))
    return struct.pack("=IHHII", 16 + len(body), (1 << 8) | IPCTNL_MSG_CT_NEW,
                       NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, seq, 0) + body

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind((0, 0))
s.setblocking(False)
errors = 0
for start in range(FIRST, N, 200):
    batch = b"".join(message(start + i, start + i)
                     for i in range(min(200, N - start)))
    s.send(batch)
    try:
        while True:
            s.recv(65536)      # only failures answer without NLM_F_ACK
            errors += 1
    except BlockingIOError:
        pass
if errors:
    print("fill: %d error answers" % errors, file=sys.stderr)
EOF
}

count() { ip netns exec "$NS" conntrack -C; }

# measure TOOL ARGS... -> "seconds maxrss_kib" (best of $RUNS)
measure() {
	local best_t="" best_m="" i out t m
	for i in $(seq 1 $RUNS); do
		out=$(ip netns exec "$NS" /usr/bin/time -f '%e %M' "$@" \
		      2>&1 >/dev/null | tail -1)
		t=${out% *}; m=${out#* }
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then
			best_t=$t
		fi
		if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then
			best_m=$m
		fi
	done
	echo "$best_t $best_m"
}

report() {
	local what=$1 n=$2
	local c u
	c=$(measure conntrack -L)
	u=$(measure "$UCT" --kernel -L)
	printf '%-8s %8s entries  conntrack -L: %6ss %7s KiB   uconntrack --kernel -L: %6ss %7s KiB\n' \
		"$what" "$n" ${c% *} ${c#* } ${u% *} ${u#* }
}

small=$((ENTRIES / 10))
SECONDS=0
fill 0 "$small"
report "small" "$(count)"
fill "$small" "$ENTRIES"
echo "(filled $(count) entries in ${SECONDS}s)"
report "full" "$(count)"
