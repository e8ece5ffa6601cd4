#!/bin/bash
# Compare uiptables with the kernel's iptables-legacy on generated rule sets.
# Run by hand as root from anywhere:  bench/compare.sh [N ...]
# See bench/README.md.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SELF="$HERE/$(basename "$0")"
TOP=${UIPTABLES_BIN:-$(cd "$HERE/.." && pwd)}
GEN="$HERE/gen-rules"
RUNS=${RUNS:-3}
LEGACY_TIMEOUT=${LEGACY_TIMEOUT:-180}   # seconds for one legacy restore
FALLBACK_N=${FALLBACK_N:-50000}
TIME=/usr/bin/time

# Microseconds from bash itself: a $(date) would add its own start-up
# to every figure.
usec() { echo "${EPOCHREALTIME/[.,]/}"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e3 }'; }

# ---------------------------------------------------------------- worker
# worker KIND N RULESFILE OUTFILE
# KIND u = uiptables (fresh temporary state), l = iptables-legacy (must
# already be running inside the benchmark network namespace).
# Writes lines "op ms [rss_kb]" (best of RUNS; rss is the maximum seen).
worker() {
	local kind=$1 n=$2 file=$3 out=$4
	local R S I tmp state="" best rss t0 t1 m r i
	tmp=$(mktemp -d)
	if [ "$kind" = u ]; then
		R="$TOP/uiptables-restore"; S="$TOP/uiptables-save"; I="$TOP/uiptables"
	else
		R="iptables-legacy-restore -w"; S="iptables-legacy-save"; I="iptables-legacy -w"
		if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
			echo "refusing to run iptables-legacy in the host namespace" >&2
			exit 1
		fi
	fi
	fresh() {
		if [ "$kind" = u ]; then
			[ -n "$state" ] && rm -rf "$state"
			state=$(mktemp -d); export UIPTABLES_STATE=$state
		else
			$I -F; $I -X; $I -P FORWARD ACCEPT
		fi
	}
	: > "$out"

	# restore, from an empty table each time
	best=""; rss=0
	for ((i = 0; i < RUNS; i++)); do
		fresh
		t0=$(usec)
		if [ "$kind" = l ]; then
			timeout "$LEGACY_TIMEOUT" $TIME -o "$tmp/rss" -f %M $R < "$file"
			r=$?
			if [ $r = 124 ]; then echo "restore TIMEOUT" >> "$out"; rm -rf "$tmp"; return; fi
		else
			$TIME -o "$tmp/rss" -f %M $R < "$file"; r=$?
		fi
		t1=$(usec)
		[ $r = 0 ] || { echo "restore FAILED($r)" >> "$out"; rm -rf "$tmp" "$state"; return; }
		m=$(ms "$t0" "$t1")
		if [ -z "$best" ] || awk -v a="$m" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$m; fi
		r=$(tail -n 1 "$tmp/rss"); [ "$r" -gt "$rss" ] && rss=$r
	done
	echo "restore $best $rss" >> "$out"

	# sanity: everything loaded
	m=$($S | grep -c '^-A')
	[ "$m" = "$n" ] || echo "WARNING: $kind loaded $m rules, expected $n" >&2

	timed() {   # timed OP CMD...   (best of RUNS; $post run untimed after each)
		local op=$1 b="" x y v; shift
		for ((j = 0; j < RUNS; j++)); do
			x=$EPOCHREALTIME; "$@" > /dev/null; v=$?; y=$EPOCHREALTIME
			x=${x/[.,]/}; y=${y/[.,]/}
			[ $v = 0 ] || { echo "$op FAILED($v)" >> "$out"; return; }
			eval "$post"
			v=$(ms "$x" "$y")
			if [ -z "$b" ] || awk -v a="$v" -v c="$b" 'BEGIN{exit !(a<c)}'; then b=$v; fi
		done
		echo "$op $b" >> "$out"
	}

	post=":"
	# the floor under every figure: starting an empty program
	timed start /bin/true
	timed save $S

	# one -A of a new rule (removed again, untimed, after each run)
	local add=(-s 203.0.113.77/32 -p tcp -m tcp --dport 9999 -j DROP)
	post='$I -D INPUT "${add[@]}"'
	timed append $I -A INPUT "${add[@]}"

	# a rule in the middle of INPUT, by spec
	local cnt pos line spec
	cnt=$(grep -c '^-A INPUT ' "$file")
	pos=$(( (cnt + 1) / 2 ))
	line=$(grep '^-A INPUT ' "$file" | sed -n "${pos}p")
	eval "spec=(${line#-A INPUT })"

	post=":"
	timed check $I -C INPUT "${spec[@]}"

	# -D by spec; put it back at the same position (untimed) after each run
	post='$I -I INPUT $pos "${spec[@]}"'
	timed delete $I -D INPUT "${spec[@]}"

	m=$($S | grep -c '^-A')
	[ "$m" = "$n" ] || echo "WARNING: $kind has $m rules after the run, expected $n" >&2
	rm -rf "$tmp" "$state"
}

if [ "${1:-}" = --worker ]; then
	shift; worker "$@"; exit 0
fi

# ---------------------------------------------------------------- main
SIZES=("$@"); [ ${#SIZES[@]} = 0 ] && SIZES=(1000 10000 100000)

for b in uiptables uiptables-save uiptables-restore; do
	[ -x "$TOP/$b" ] || { echo "missing $TOP/$b; run make first" >&2; exit 1; }
done
if [ ! -x $TIME ]; then
	echo "$TIME missing; installing the Debian package 'time'" >&2
	apt-get install -y time > /dev/null || { echo "cannot install time" >&2; exit 1; }
fi

WORK=$(mktemp -d)
NS=ubench_$$
LEGACY=1
NOTES=()
cleanup() {
	[ "$LEGACY" = 1 ] && ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v iptables-legacy-restore > /dev/null ||
   ! command -v iptables-legacy-save > /dev/null ||
   ! command -v iptables-legacy > /dev/null; then
	LEGACY=0; NOTES+=("iptables-legacy not installed: uiptables figures only")
elif ! ip netns add "$NS" 2>/dev/null; then
	LEGACY=0; NOTES+=("cannot create network namespace: uiptables figures only")
elif ! ip netns exec "$NS" iptables-legacy -w -L INPUT -n > /dev/null 2>&1; then
	LEGACY=0; ip netns del "$NS"
	NOTES+=("iptables-legacy does not work in a namespace: uiptables figures only")
fi

ROWS=()
for n in "${SIZES[@]}"; do
	while :; do
		"$GEN" "$n" > "$WORK/rules.$n"
		echo "N=$n: uiptables..." >&2
		"$SELF" --worker u "$n" "$WORK/rules.$n" "$WORK/u.$n"
		: > "$WORK/l.$n"
		if [ "$LEGACY" = 1 ]; then
			echo "N=$n: iptables-legacy (in netns $NS)..." >&2
			ip netns exec "$NS" "$SELF" --worker l "$n" "$WORK/rules.$n" "$WORK/l.$n"
			if grep -q '^restore TIMEOUT' "$WORK/l.$n" && [ "$n" -gt "$FALLBACK_N" ]; then
				NOTES+=("N=$n: legacy restore took over ${LEGACY_TIMEOUT}s; used N=$FALLBACK_N instead")
				n=$FALLBACK_N
				continue
			fi
		fi
		break
	done
	us=$(awk '$1=="start"{print $2}' "$WORK/u.$n")
	ls=$(awk '$1=="start"{print $2}' "$WORK/l.$n")
	for op in start restore save append delete check; do
		u=$(awk -v o=$op '$1==o{print $2}' "$WORK/u.$n")
		ur=$(awk -v o=$op '$1==o{print $3}' "$WORK/u.$n")
		l=$(awk -v o=$op '$1==o{print $2}' "$WORK/l.$n")
		lr=$(awk -v o=$op '$1==o{print $3}' "$WORK/l.$n")
		ratio=$(awk -v a="${u:-x}" -v b="${l:-x}" 'BEGIN {
			if (a+0 == a && b+0 == b && b > 0) printf "%.2f", a / b; else print "-" }')
		net=$(awk -v a="${u:-x}" -v b="${l:-x}" -v c="${us:-x}" -v d="${ls:-x}" -v o=$op 'BEGIN {
			if (o != "start" && a+0 == a && b+0 == b && c+0 == c && d+0 == d && b > d)
				printf "%.2f", (a > c ? a - c : 0) / (b - d); else print "-" }')
		ROWS+=("$(printf '%-8s %7s %12s %12s %8s %10s %14s %14s' "$op" "$n" \
			"${u:--}" "${l:--}" "$ratio" "$net" "${ur:--}" "${lr:--}")")
	done
done

echo
echo "best of $RUNS, wall clock ms; ratio = uiptables / iptables-legacy; RSS = max resident KB"
echo "start = running /bin/true; net_ratio = the ratio with that floor taken off both sides"
printf '%-8s %7s %12s %12s %8s %10s %14s %14s\n' operation N uiptables_ms legacy_ms ratio net_ratio uipt_rss_kb legacy_rss_kb
for r in "${ROWS[@]}"; do echo "$r"; done
for x in "${NOTES[@]}"; do echo "note: $x"; done
exit 0
