/*
 * libFuzzer target: any bytes as a capture file (pcap or pcapng, every
 * link type).  A damaged file is an error naming the packet, never a
 * read past a frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../libxt/error.h"
#include "../../libxt/eval/pcap.h"
#include "../../libxt/registry.h"

static char path[] = "/tmp/fuzz_pcap.XXXXXX";
static struct uipt_eval *ev;	/* its host model names cooked captures' interfaces */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz_pcap_state.XXXXXX";

	(void)argc, (void)argv;
	if (!mkdtemp(dir) || setenv("UIPTABLES_STATE", dir, 1) < 0)
		abort();
	xt_registry_init();
	if (uipt_eval_open(&ev, true) < 0) {
		fprintf(stderr, "fuzz_pcap: %s\n", xt_error_msg());
		abort();
	}
	return 0;
}

static int seen(void *data, const struct uipt_pktspec *meta, const char *file,
		unsigned long long num, const uint8_t *pkt, size_t len)
{
	volatile uint8_t sum = 0;

	(void)data, (void)meta, (void)file, (void)num;
	for (size_t i = 0; i < len; i++)	/* every byte handed on is readable */
		sum ^= pkt[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int fd = -1;
	struct uipt_pcap_opts o = { .path = path };

	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, len, 0) != (ssize_t)len)
		abort();
	/* Half the time with a filter, as --filter would. */
	if (len && data[len - 1] & 1)
		o.filter = "udp or icmp";
	uipt_pcap_run(ev, &o, seen, NULL);
	return 0;
}
