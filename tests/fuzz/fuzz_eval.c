/*
 * libFuzzer target: any bytes as an IPv4 packet walked through
 * tests/fuzz/eval.rules (extensions that read the packet, NAT, conntrack,
 * REJECT and LOG).  The first byte says where it comes from and how much
 * later than the one before; the rest is the packet.  Malformed packets
 * must be dropped or refused as the kernel would, never read past.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libxt/error.h"
#include "../../libxt/eval/eval.h"
#include "../../libxt/registry.h"
#include "../../libxt/store.h"

static struct uipt_eval *ev;
static struct uipt_result res;
static uint64_t clock_ns = 1000000000;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz_eval.XXXXXX", cmd[4096];

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir) || setenv("UIPTABLES_STATE", dir, 1) < 0)
		abort();
	snprintf(cmd, sizeof(cmd), "%s/uiptables-restore < %s/tests/fuzz/eval.rules",
		 UIPT_TOP, UIPT_TOP);
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz_eval: cannot load the ruleset (run make first)\n");
		abort();
	}
	xt_registry_init();
	uipt_result_init(&res);
	/* Dry run: state grows in memory only, as a --dry-run trace's. */
	if (uipt_eval_open(&ev, true) < 0) {
		fprintf(stderr, "fuzz_eval: %s\n", xt_error_msg());
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const from[] = { "eth0", "eth1", "lo", "" };
	struct uipt_pktspec meta;
	uint8_t *copy;

	if (len < 1)
		return 0;
	uipt_pktspec_init(&meta);
	strcpy(meta.in, from[data[0] & 3]);
	meta.local = !meta.in[0];
	clock_ns += (uint64_t)(data[0] >> 2) * 250000000;
	meta.time_ns = clock_ns;
	meta.has_time = true;
	/* Exactly the packet's length, so ASan sees any read past it. */
	copy = malloc(len - 1 ? len - 1 : 1);
	memcpy(copy, data + 1, len - 1);
	uipt_eval_packet(ev, &meta, copy, len - 1, &res);
	free(copy);
	return 0;
}
