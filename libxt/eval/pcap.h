/*
 * Packets from a capture file (libpcap: pcap and pcapng; Ethernet, raw IP,
 * Linux cooked v1 and v2), optionally selected by a BPF filter.  The
 * interface a packet arrived on is given, taken from the cooked header, or
 * looked up by its source MAC in a map file ("MAC IFACE" lines).
 */
#ifndef LIBXT_EVAL_PCAP_H
#define LIBXT_EVAL_PCAP_H

#include "eval.h"

struct uipt_pcap_opts {
	const char *path;
	const char *filter;		/* BPF expression, or NULL */
	const char *iface;		/* every packet arrives here */
	const char *macmap;		/* file of "MAC IFACE" lines */
};

/* Called for each selected IPv4 packet, number num of file path. */
typedef int (*uipt_pcap_cb)(void *data, const struct uipt_pktspec *meta,
			    const char *path, unsigned long long num,
			    const uint8_t *pkt, size_t len);

/* Returns 0, or -1 with an error naming the file and packet number. */
int uipt_pcap_run(struct uipt_eval *ev, const struct uipt_pcap_opts *o,
		  uipt_pcap_cb cb, void *data);

#endif
