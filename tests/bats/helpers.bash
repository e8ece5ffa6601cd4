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
