/*
 * The evaluator: what Linux netfilter would do to a packet.
 *
 * One struct uipt_eval holds everything a run needs: the tables (their
 * stored blobs, walked as ipt_do_table walks them), the host model, the
 * conntrack table and the per-rule extension state.  A packet goes through
 * uipt_eval_packet(), which fills a struct uipt_result with the steps it
 * took (the trace) and what became of it.  The applet (cli/trace.c) only
 * builds packets and prints results.
 */
#ifndef LIBXT_EVAL_H
#define LIBXT_EVAL_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uiptables/packet.h>
#include <uiptables/conntrack.h>
#include <uiptables/host.h>
#include "../ruleset.h"
#include "../blob.h"

#define UIPT_PKT_MAX 65535u

/* An interface name into an IFNAMSIZ buffer, cut and terminated: on the
 * per-packet path, where snprintf would cost more than the rule walk. */
/* Big-endian stores into packet bytes. */
static inline void uipt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void uipt_put32(uint8_t *p, uint32_t v)
{
	uipt_put16(p, (uint16_t)(v >> 16));
	uipt_put16(p + 2, (uint16_t)v);
}

static inline void uipt_ifname_copy(char *dst, const char *src)
{
	size_t n = 0;

	while (n < IFNAMSIZ - 1 && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

/* ---- packets (packet.c) ---- */

/* A packet described with rule-like options, before it becomes bytes. */
struct uipt_pktspec {
	char in[IFNAMSIZ];		/* arrives here; "" with local */
	bool local;			/* sent by this host */
	bool has_uid, has_gid;
	uint32_t uid, gid;
	uint32_t groups[UIPT_PKT_GROUPS];	/* supplementary, with --groups */
	unsigned int ngroups;
	bool has_groups;
	uint8_t proto;
	struct in_addr src, dst;
	bool has_src, has_dst;
	uint16_t sport, dport;
	bool has_sport, has_dport;
	uint8_t tcp_flags;		/* TH_* bits */
	bool has_flags;
	bool has_seq, has_ack;
	uint32_t seq, ack;
	uint16_t window;
	int icmp_type, icmp_code;	/* -1: default */
	uint16_t icmp_id, icmp_seq;
	/* ICMP errors quote a packet: these describe it (src, dst, proto,
	 * ports), by default the reverse of the error's own addresses. */
	bool has_inner;
	struct in_addr inner_src, inner_dst;
	uint8_t inner_proto;
	uint16_t inner_sport, inner_dport;
	unsigned int length;		/* total IP length; 0: natural */
	uint8_t ttl, tos;
	uint16_t ipid;
	bool df;
	uint32_t mark;
	unsigned int payload_len;
	bool has_mac;
	uint8_t mac_src[6];
	bool has_mac_dst;		/* a capture's group frame, --mac-destination */
	uint8_t mac_dst[6];
	bool mac_dst_wire;		/* a capture's frame: used on bridge ports */
	bool fragment;			/* a later fragment (offset > 0) */
	uint64_t time_ns;		/* the packet clock */
	bool has_time;
	/* Headers beyond TCP, UDP and ICMP (packet_hdr.c). */
	uint8_t tcp_opts[40];		/* --tcp-option, as on the wire */
	unsigned int tcp_optlen;
	uint32_t spi;			/* ah, esp; ipcomp's CPI */
	struct { uint8_t type, flags; } chunks[8];	/* sctp; none: INIT */
	unsigned int nchunks;
	int dccp_type;			/* -1: REQUEST */
	uint8_t dccp_opts[16];		/* --dccp-option, as on the wire */
	unsigned int dccp_optlen;
	bool l2tp, l2tp_control;	/* an L2TP header after UDP (always
					 * with -p l2tpip), data or control */
	uint8_t l2tp_version;		/* 0: 2 over UDP, 3 over IP */
	uint32_t l2tp_tid, l2tp_sid;
	char payload[1500];		/* last: a copy may stop before it */
};

void uipt_pktspec_init(struct uipt_pktspec *s);
/* The transport header of protocols with no builder in packet.c (sctp,
 * dccp, ah, esp, ipcomp): its length, 0 for none.  p has room for 128. */
size_t uipt_pkt_build_other(const struct uipt_pktspec *s, uint8_t *p);
/* The L2TP header after a UDP header, if the spec asks for one. */
size_t uipt_pkt_build_l2tp(const struct uipt_pktspec *s, uint8_t *p);
/* Their checksums once the payload is in place (sctp's CRC32c, dccp's). */
void uipt_pkt_fix_other(uint8_t *ip, unsigned int thoff, unsigned int len);
/* Bytes of the IPv4 packet the spec describes, checksums right.
 * Returns the length, or -1 with an error recorded. */
int uipt_pkt_build(const struct uipt_pktspec *s, uint8_t *buf, size_t cap);
/* Checks an IPv4 header as ip_rcv does and fills the offsets of pkt.
 * pkt->data must point at the bytes; len is what the buffer holds. */
int uipt_pkt_parse(struct xt_pkt *pkt, uint8_t *data, size_t len);
/* Recomputes the IP and transport checksums after a change. */
void uipt_pkt_fix_checksums(struct xt_pkt *pkt);
bool uipt_pkt_ip_csum_ok(const uint8_t *data);
bool uipt_pkt_l4_csum_ok(const struct xt_pkt *pkt);
/* "SRC=.. DST=.. PROTO=TCP SPT=.. DPT=.." for the trace. */
void uipt_pkt_describe(FILE *f, const struct xt_pkt *pkt);

/* ---- host model (host.c) and routing (route.c) ---- */

int uipt_host_load(struct uipt_host **out);	/* state file or default */
int uipt_host_save(const struct uipt_host *h);
struct uipt_host *uipt_host_default(void);
int uipt_host_parse(FILE *f, const char *name, struct uipt_host **out);
void uipt_host_write(FILE *f, const struct uipt_host *h);
int uipt_host_import(struct uipt_host **out);	/* rtnetlink, libmnl */
void uipt_host_free(struct uipt_host *h);
struct uipt_host_iface *uipt_host_add_iface(struct uipt_host *h, const char *name);
void uipt_host_add_addr(struct uipt_host_iface *i, struct in_addr a,
			unsigned int plen, const struct in_addr *brd);
struct uipt_host_route *uipt_host_add_route(struct uipt_host *h);
struct uipt_host_neigh *uipt_host_add_neigh(struct uipt_host *h, struct in_addr a,
					    const uint8_t mac[6], const char *dev);
/* The neighbour entry of address a on dev, or NULL. */
const struct uipt_host_neigh *uipt_host_neigh(const struct uipt_host *h, struct in_addr a,
					      const char *dev);
void uipt_host_derive_routes(struct uipt_host *h);
const struct uipt_host_iface *uipt_host_iface(const struct uipt_host *h,
					      const char *name);
const struct uipt_host_iface *uipt_host_iface_index(const struct uipt_host *h,
						    int index);

/* ---- bridges (bridge.c) ---- */

/* Sets has_bridges once the interfaces are known (parse, import). */
void uipt_host_note_bridges(struct uipt_host *h);
/* The bridge port is a port of, or NULL. */
const struct uipt_host_iface *uipt_bridge_of(const struct uipt_host *h, const char *port);
/* A MAC of the bridge itself or one of its ports: frames to it go up. */
bool uipt_bridge_local_mac(const struct uipt_host *h, const struct uipt_host_iface *br,
			   const uint8_t mac[6]);
struct uipt_eval;
/* The forwarding database: learn a source, look up a destination, and
 * the MAC last seen with an IPv4 source (the neighbour). */
void uipt_fdb_learn(struct uipt_eval *ev, const char *br, const char *port,
		    const uint8_t mac[6], struct in_addr ip, uint64_t now);
const char *uipt_fdb_port(struct uipt_eval *ev, const char *br, const uint8_t mac[6],
			  uint64_t now);
bool uipt_fdb_neigh(struct uipt_eval *ev, const char *br, struct in_addr ip,
		    uint64_t now, uint8_t mac[6]);

enum uipt_route_kind {
	UIPT_ROUTE_LOCAL,	/* delivered to this host */
	UIPT_ROUTE_FORWARD,	/* sent on through out */
	UIPT_ROUTE_UNREACHABLE,	/* no route, blackhole, prohibit... */
};

struct uipt_route_result {
	enum uipt_route_kind kind;
	char out[IFNAMSIZ];
	struct in_addr gateway, prefsrc;
	bool broadcast;
	int icmp_code;			/* unreachable: ip_error's ICMP code, -1 none */
	bool want_why;			/* set by the caller: fill why */
	char why[96];
};

/* For a packet that arrived on an interface (ip_route_input). */
void uipt_route_input(const struct uipt_host *h, const char *in, struct in_addr src,
		      struct in_addr dst, struct uipt_route_result *r);
/* For a packet this host sends (ip_route_output). */
void uipt_route_output(const struct uipt_host *h, struct in_addr dst,
		       struct uipt_route_result *r);

/* ---- the trace of one packet ---- */

enum uipt_step_kind {
	UIPT_STEP_RULE,		/* table:chain:rule:N */
	UIPT_STEP_RETURN,	/* implicit RETURN at the end of a user chain */
	UIPT_STEP_POLICY,	/* built-in chain's policy */
	UIPT_STEP_NOTE,		/* conntrack, routing, NAT, LOG lines... */
};

struct uipt_step {
	enum uipt_step_kind kind;
	int hook;		/* NF_INET_*, -1 for notes outside hooks */
	const char *table;
	const char *chain;	/* the model's, alive until uipt_eval_close */
	unsigned int num;	/* 1-based */
	const struct uipt_rule *rule;	/* printed as -S prints it */
	const char *topic;	/* notes: "conntrack", "route", "nat", "log"... */
	char what[256];		/* what it did: verdict, jump, note text */
};

/* The reply a REJECT (or the kernel) would send, and what became of it
 * on its own way out through OUTPUT and POSTROUTING. */
struct uipt_reply {
	int icmp_type, icmp_code;	/* icmp_type < 0: TCP reset */
	bool made;			/* bytes made by a target (emit) */
	struct uipt_emit how;		/* and how they leave */
	char text[160];
	bool from_local;		/* about a packet addressed here */
	/* A reset for a frame that came in by a bridge port leaves straight
	 * by that port (nf_send_reset), past OUTPUT and POSTROUTING. */
	char direct[IFNAMSIZ];
	alignas(4) uint8_t quote[576];	/* the packet it answers, as it was then */
	unsigned int quote_len;
	enum uipt_ctinfo ctinfo;	/* of the packet it answers */
	bool tracked;
	const char *verdict;		/* of the generated packet */
	bool delivered_local;
	char out[IFNAMSIZ];
	/* Aligned as the kernel aligns a network header: matches load words. */
	alignas(4) uint8_t bytes[600];	/* the generated packet as it leaves */
	unsigned int len;
};

/* A copy of a frame a bridge sends out of one of its ports. */
struct uipt_bridge_leave {
	char port[IFNAMSIZ];
	const char *verdict;		/* of this copy: ACCEPT, DROP... */
	bool bridged;			/* forwarded by the bridge, not routed */
};

#define UIPT_BRIDGE_LEAVES 8

enum uipt_fate {
	UIPT_FATE_ACCEPT,	/* delivered or forwarded */
	UIPT_FATE_DROP,
	UIPT_FATE_QUEUE,
	UIPT_FATE_STOLEN,
};

struct uipt_result {
	/* Quiet: only verdicts and rule steps, no text (replays at speed). */
	bool quiet;
	struct uipt_step *steps;
	unsigned int nsteps, cap;
	enum uipt_fate fate;
	unsigned int queue_num;
	const char *verdict;		/* ACCEPT, DROP, REJECT, QUEUE... */
	const char *where;		/* "local", "forward", "output" */
	int drop_hook;			/* where it was dropped, -1 routing */
	const char *drop_table;
	char out[IFNAMSIZ];
	bool delivered_local;
	/* Out through a bridge: the port(s) it leaves by. */
	struct uipt_bridge_leave leaves[UIPT_BRIDGE_LEAVES];
	unsigned int nleaves;
	const char *ctstate;		/* as conntrack saw the packet */
	char ctline[512];		/* the entry afterwards */
	struct uipt_reply replies[4];
	unsigned int nreplies;
	bool rejected;			/* a REJECT target dropped it */
	alignas(4) uint8_t orig[128];	/* headers of the packet as it came */
	unsigned int orig_len;
	char orig_in[IFNAMSIZ];		/* a bridge port's bridge */
	char orig_physin[IFNAMSIZ];	/* and the port; "" otherwise */
	alignas(4) uint8_t final[UIPT_PKT_MAX];	/* the packet as it leaves */
	unsigned int final_len;
	uint32_t final_mark;
	struct xt_pkt final_pkt;	/* parsed view of final */
};

void uipt_result_init(struct uipt_result *r);
void uipt_result_free(struct uipt_result *r);
struct uipt_step *uipt_result_step(struct uipt_result *r, enum uipt_step_kind k);
void uipt_result_note(struct uipt_result *r, int hook, const char *topic,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- tables and the walk (walk.c) ---- */

struct uipt_ev_match {
	struct xtables_match *ext;		/* NULL: unknown here */
	const struct xt_entry_match *m;
	void *priv;
};

struct uipt_ev_entry {
	const struct ipt_entry *e;	/* in the blob */
	struct uipt_chain *chain;
	struct uipt_rule *rule;		/* NULL for heads, feet, policies */
	unsigned int num;		/* rule number in its chain, 1-based */
	uint8_t kind;			/* enum uipt_step_kind, or ERROR */
	uint32_t first_match, nmatches;
	struct xtables_target *target;	/* NULL: standard or ERROR */
	void *tpriv;
	int verdict;			/* standard target's raw verdict */
	uint32_t jump;			/* entry index of a jump/goto */
};

struct uipt_ev_table {
	struct uipt_table *model;
	struct uipt_blob blob;
	struct uipt_ev_entry *ents;
	uint32_t n;
	struct uipt_ev_match *matches;
	uint32_t nmatches;
	uint32_t hook_entry[NF_INET_NUMHOOKS], underflow[NF_INET_NUMHOOKS];
	unsigned char *priv;		/* per-rule extension state */
	size_t priv_len;
	uint64_t sum;			/* identifies the ruleset for priv */
	bool dirty;			/* counters moved */
	bool uses_ct;			/* an extension needs conntrack */
	bool uses_acct;			/* connbytes: accounting switched on */
};

/* Loads a table's stored blob for walking; *out NULL if not in use. */
int uipt_ev_table_load(const char *name, struct uipt_ev_table **out);
void uipt_ev_table_free(struct uipt_ev_table *t);
/* Writes moved counters back into the state. */
int uipt_ev_table_store(struct uipt_ev_table *t);

/* ipt_do_table: the verdict (NF_ACCEPT, NF_DROP, NF_QUEUE|num<<16...). */
unsigned int uipt_do_table(struct uipt_ev_table *t, struct xt_pkt *pkt,
			   struct uipt_result *res);

/* ---- conntrack (conntrack.c, ct_*.c) ---- */

struct uipt_ev_conn;
struct uipt_ct_table;

/* ---- the whole evaluator (hooks.c) ---- */

/* What pkt->trace points at: the way back from an extension's call of
 * pkt->ops to the evaluator. */
struct uipt_trace {
	struct uipt_eval *ev;
};

struct uipt_eval {
	struct uipt_ev_table *tables[5];	/* raw, mangle, nat, filter, security */
	struct uipt_host *host;
	struct uipt_ct_table *ct;
	bool ct_enabled;		/* some rule or table needs conntrack */
	bool *acct;			/* nf_conntrack_acct, kept in the state */
	bool dry_run;
	uint64_t clock_ns;		/* last packet's time */
	struct uipt_eval_ops ops;
	struct uipt_trace trace;
	bool assume_unknown_match;	/* --assume-match */
	struct uipt_shared *shared;	/* named extension state (recent lists) */
	/* During one packet: */
	struct uipt_result *res;
	struct uipt_ev_conn *cur;	/* the packet's conntrack entry */
	bool cur_new;			/* not yet confirmed */
	bool copying;			/* a TEE copy is on its way out */
};

int uipt_eval_open(struct uipt_eval **out, bool dry_run);
/* Saves counters, conntrack and extension state unless dry-run. */
int uipt_eval_save(struct uipt_eval *ev);
void uipt_eval_close(struct uipt_eval *ev);

/* The way out for a packet this host sends: routing, OUTPUT,
 * POSTROUTING, and through lo back in if it is for this host. */
void uipt_hooks_output(struct uipt_eval *ev, struct xt_pkt *pkt);
/* Generated packets (reply.c): recorded while the packet is walked, sent
 * once its own way ended. */
void uipt_reply_record(struct uipt_eval *ev, struct xt_pkt *pkt, int type, int code);
void uipt_reply_send_all(struct uipt_eval *ev, const struct xt_pkt *orig);
/* A packet a target made (uipt_eval_ops.emit), sent the same way. */
void uipt_reply_emit(struct uipt_eval *ev, struct xt_pkt *pkt, const uint8_t *bytes,
		     unsigned int len, const struct uipt_emit *how);
/* As uipt_hooks_output, the route taken towards via (and oif) if given. */
void uipt_hooks_output_via(struct uipt_eval *ev, struct xt_pkt *pkt,
			   const struct in_addr *via, const char *oif);

/* Runs one packet; data holds len bytes of an IPv4 packet. */
int uipt_eval_packet(struct uipt_eval *ev, const struct uipt_pktspec *meta,
		     const uint8_t *data, size_t len, struct uipt_result *res);

#endif
