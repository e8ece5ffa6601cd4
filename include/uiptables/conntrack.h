/*
 * The evaluator's connection, as extensions' kernel halves see it: the two
 * tuples, status bits (IPS_* of nf_conntrack_common.h), mark, per-protocol
 * state and the timeout on the packet clock.
 */
#ifndef UIPTABLES_CONNTRACK_H
#define UIPTABLES_CONNTRACK_H

#include <stdint.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <uiptables/xtables.h>

enum uipt_dir { UIPT_DIR_ORIGINAL, UIPT_DIR_REPLY };

/* Addresses and ports in network byte order, as nf_conntrack_tuple. */
struct uipt_tuple {
	union nf_inet_addr src, dst;
	uint16_t sport, dport;	/* ICMP: sport is the id, dport type<<8|code */
	uint8_t l3num;		/* NFPROTO_IPV4 ... */
	uint8_t l4proto;
};

struct uipt_tcp_state {
	uint8_t state;		/* enum tcp_conntrack */
	uint8_t last_dir, last_index;
	uint32_t last_seq, last_ack, last_end;
	uint16_t last_win;
	struct {
		uint32_t td_end, td_maxend, td_maxwin, td_maxack;
		uint8_t td_scale, flags;
	} seen[2];
	uint8_t retrans;
};

struct uipt_conn {
	struct uipt_tuple tuple[2];	/* indexed by enum uipt_dir */
	uint32_t status;		/* IPS_* */
	uint32_t mark;
	uint32_t secmark;
	uint16_t zone;
	/* Accounting was on when it began (nf_conntrack_acct): its counts are
	 * listed and connbytes may read them.  Sits in the hole before id, so
	 * the state file's records keep their size. */
	uint8_t acct;
	uint32_t id;
	uint64_t timeout_ns;		/* expiry, on the packet clock */
	uint64_t start_ns;
	uint64_t packets[2], bytes[2];
	union {
		struct uipt_tcp_state tcp;
	} proto;
	char helper[16];
	uint32_t labels[4];
};

#endif
