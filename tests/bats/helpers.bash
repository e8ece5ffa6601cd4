# Shared set-up for the bats suites.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${UIPT_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${UIPT_BUILDDIR:=$UIPT_SRCDIR}"
GOLDEN="$UIPT_SRCDIR/tests/golden"
PATH="$UIPT_BUILDDIR:$PATH"

fresh_state() {
	UIPTABLES_STATE="$(mktemp -d "$BATS_TEST_TMPDIR/state.XXXXXX")"
	export UIPTABLES_STATE
}

# The ipt_replace bytes stored for a table, header stripped.
stored_blob() {
	local f="$UIPTABLES_STATE/$1.ipt" len
	len=$(od -An -t u8 -j 16 -N 8 "$f" | tr -d ' ')
	tail -c +41 "$f" | head -c "$len"
}

# Byte offsets where two files differ, one per line.
diff_offsets() {
	cmp -l "$1" "$2" | awk '{print $1 - 1}'
}

# For the kernel comparisons (tests/kernel/kcompare.py, namespaces named
# "${PREFIX}_*"): skips unless this runs as root with the real tools and
# can make a namespace; leaves "${PREFIX}_probe" made, for probing rules.
kernel_ready() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	for t in ip iptables-legacy iptables-legacy-restore iptables-legacy-save nft conntrack; do
		command -v "$t" >/dev/null || skip "$t is not installed"
	done
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy.all' 2>/dev/null ||
		skip "python3-scapy is not installed"
	ip netns add "${PREFIX}_probe" 2>/dev/null || skip "cannot create network namespaces"
}

# Whatever a comparison or a probe left, even after a failure.
kernel_teardown() {
	for n in A FW B C probe; do
		ip netns del "${PREFIX}_$n" 2>/dev/null || true
	done
}
