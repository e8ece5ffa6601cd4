#!/bin/sh
# Packets per second of uiptables-trace replaying a capture through
# generated rulesets of 100, 1k and 10k rules, and the walk's cost per
# rule.  Usage: bench/trace-bench.sh [BUILDDIR] [PACKETS]   (default 1000000)
#
# The realistic capture is TCP flows (handshake, data both ways,
# teardown), some UDP and ICMP, so most packets belong to established
# flows and are accepted by the ruleset's first rule.  The walk capture
# has every packet start a new flow to an unmatched port: it walks every
# rule, and the difference between 10k and 100 rules gives ns per rule.
set -e
B=$(cd "${1:-.}" && pwd)
N=${2:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$HERE/mkbench.py" pcap "$T/flows.pcap" "$N"
python3 "$HERE/mkbench.py" pcap "$T/walk.pcap" $((N / 10)) walk

run() {	# rules pcap [flat] -> seconds
	UIPTABLES_STATE="$T/state.$1"
	export UIPTABLES_STATE
	rm -rf "$UIPTABLES_STATE"
	python3 "$HERE/mkbench.py" rules "$1" $3 | "$B/uiptables-restore"
	# CPU time (user + system): the machine's other load aside.
	/usr/bin/time -f '%U %S' -o "$T/time" \
		"$B/uiptables-trace" -q --dry-run --pcap "$2" --mac-map "$T/map" > /dev/null
	awk '{ printf "%.3f", $1 + $2 }' "$T/time"
}

printf '02:00:00:00:0a:00 eth0\n02:00:00:00:0b:00 eth1\n' > "$T/map"
echo "packets: $N (flows), $((N / 10)) (walk)"
for r in 100 1000 10000; do
	t=$(run $r "$T/flows.pcap")
	echo "$r rules: $t s CPU, $(echo "$N $t" | awk '{ printf "%.0f", $1 / $2 }') packets/s"
done
w1=$(run 100 "$T/walk.pcap" flat)
w2=$(run 10000 "$T/walk.pcap" flat)
echo "walk: 100 rules $w1 s, 10000 rules $w2 s for $((N / 10)) packets"
echo "$w1 $w2 $N" | awk '{ printf "per-rule cost: %.1f ns\n", ($2 - $1) * 1e9 / ($3 / 10) / 9900 }'
