/*
 * The evaluator's connection tracking: a table of struct uipt_conn (the
 * entry extensions see as pkt->ct) with the per-protocol trackers.
 */
#ifndef LIBXT_EVAL_CT_H
#define LIBXT_EVAL_CT_H

#include "eval.h"

#define NS_PER_S 1000000000ull

/* A connection: the public entry, and what only the trackers need. */
struct uipt_ev_conn {
	struct uipt_conn c;
	uint64_t udp_stream_ns;		/* UDP: replies after this make a stream */
	uint8_t tcp_last_flags;		/* simultaneous open... */
	bool confirmed;
	/* Expected by a helper of another connection (ct->master): its id,
	 * and that connection's helper, which -m helper compares. */
	uint32_t master_id;
	char master_helper[16];
	/* ftp: sequence numbers just after a newline, per direction (the
	 * helper reads a command only at such a place). */
	uint32_t ftp_nl_seq[2][2];
	uint8_t ftp_nl_num[2];
	/* NAT changed a payload's length (nf_conn_seqadj), per direction:
	 * sequence numbers after pos move by after, up to it by before. */
	struct uipt_seqadj {
		uint32_t pos;
		int32_t before, after;
	} seqadj[2];
	struct uipt_ev_conn *hnext[2];	/* hash chains, per direction */
	struct uipt_ev_conn *lnext, **lprev; /* every entry, for dumps */
};

/*
 * An expectation (nf_conntrack_expect): a connection a helper read about
 * in its master's payload.  The tuple is matched with the source port
 * under sport_mask (0: any), every other field exactly.
 */
struct uipt_ct_expect {
	struct uipt_ct_expect *next;
	struct uipt_tuple tuple;
	uint16_t sport_mask;
	uint32_t master_id;
	struct uipt_tuple master;	/* the master's original tuple */
	char helper[16];
	uint64_t timeout_ns;
	/* NAT of the master (nf_nat_follow_master): the new connection is
	 * NATed as the master is, towards the port the payload named. */
	bool follow;
	uint8_t dir;			/* of the connection expected */
	uint16_t saved_port;
};

struct uipt_ct_table {
	struct uipt_ev_conn **buckets;
	size_t nbuckets, count;
	struct uipt_ev_conn *list;
	uint32_t next_id;
	struct uipt_ct_expect *expects;	/* newest first */
};

struct uipt_ct_table *uipt_ct_new(void);
void uipt_ct_free(struct uipt_ct_table *t);
/* The entry with this tuple in either direction, if not expired at now. */
struct uipt_ev_conn *uipt_ct_find(struct uipt_ct_table *t,
				  const struct uipt_tuple *tu, uint64_t now,
				  enum uipt_dir *dir);
bool uipt_ct_tuple_taken(struct uipt_ct_table *t, const struct uipt_tuple *tu,
			 const struct uipt_ev_conn *except, uint64_t now);
void uipt_ct_insert(struct uipt_ct_table *t, struct uipt_ev_conn *c);
void uipt_ct_remove(struct uipt_ct_table *t, struct uipt_ev_conn *c);
/* Rehashes an entry whose reply tuple changed (NAT of a confirmed one). */
void uipt_ct_rehash(struct uipt_ct_table *t, struct uipt_ev_conn *c);
void uipt_ct_expire(struct uipt_ct_table *t, uint64_t now);

void uipt_tuple_invert(struct uipt_tuple *out, const struct uipt_tuple *in);
bool uipt_tuple_equal(const struct uipt_tuple *a, const struct uipt_tuple *b);

/* Per-protocol trackers.  They return the packet's fate for conntrack:
 * CT_OK (tracked), CT_INVALID (no entry: ctstate INVALID), CT_REOPEN (the
 * old entry is gone, look up again). */
enum uipt_ct_ret { CT_OK, CT_INVALID, CT_REOPEN };

struct uipt_ct_pkt {
	struct xt_pkt *pkt;
	enum uipt_dir dir;
	uint64_t now;
	char why[128];			/* the kernel's log_invalid reason */
};

bool uipt_ct_tcp_new(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp);
enum uipt_ct_ret uipt_ct_tcp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp);
bool uipt_ct_tcp_error(struct uipt_ct_pkt *cp, bool check_csum);
void uipt_ct_tcp_set_closing(struct uipt_ev_conn *c, uint64_t now);
const char *uipt_ct_tcp_state_name(uint8_t state);

enum uipt_ct_ret uipt_ct_udp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp);
bool uipt_ct_udp_error(struct uipt_ct_pkt *cp, bool check_csum);

bool uipt_ct_icmp_tuple_ok(uint8_t type, uint8_t *inverse);
bool uipt_ct_icmp_new(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp);
enum uipt_ct_ret uipt_ct_icmp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp);
bool uipt_ct_icmp_is_error(uint8_t type);

/* The tuple of a packet's headers (nf_ct_get_tuple); false if too short. */
bool uipt_ct_get_tuple(const uint8_t *ip, unsigned int len, unsigned int thoff,
		       struct uipt_tuple *t);

/* Helpers and expectations (ct_helper.c). */
/* The entry with this id, if confirmed and alive. */
struct uipt_ev_conn *uipt_ct_by_id(struct uipt_ct_table *t, uint32_t id, uint64_t now);
/* init_conntrack's lookup: the expectation a new connection's tuple
 * fulfils; it leaves the table (is consumed).  Its master must be in the
 * table.  The caller frees it. */
struct uipt_ct_expect *uipt_ct_expect_take(struct uipt_ct_table *t,
					   const struct uipt_tuple *tu, uint64_t now,
					   struct uipt_ev_conn **master);
/* Drops the expectations of a master that goes away. */
void uipt_ct_expect_forget(struct uipt_ct_table *t, uint32_t master_id);
void uipt_ct_expect_unlink(struct uipt_ct_table *t, struct uipt_ct_expect *x);
void uipt_ct_expect_expire(struct uipt_ct_table *t, uint64_t now);
/* The helper's help() at the confirm hook: reads the payload, makes
 * expectations.  Returns NF_ACCEPT or NF_DROP. */
unsigned int uipt_ct_help(struct uipt_eval *ev, struct xt_pkt *pkt);
/* nf_ct_seq_offset: how far NAT moved sequence number seq of dir. */
int32_t uipt_ct_seq_offset(const struct uipt_ev_conn *c, int dir, uint32_t seq);
/* nf_ct_seq_adjust at the confirm hook, for connections NAT resized. */
void uipt_ct_seq_adjust(struct xt_pkt *pkt);
/* A new connection (not in the table yet) meets its expectation. */
void uipt_ct_expected(struct uipt_ev_conn *c, const struct uipt_ev_conn *master);

/* The conntrack hooks (conntrack.c). */
/* PREROUTING/OUTPUT at -200: attaches pkt->ct and ctinfo.  Returns false
 * if conntrack takes the packet (defragmentation holds a fragment). */
bool uipt_ct_in(struct uipt_eval *ev, struct xt_pkt *pkt);
/* The end of POSTROUTING/INPUT: a new entry goes into the table. */
void uipt_ct_confirm(struct uipt_eval *ev, struct xt_pkt *pkt);
/* `conntrack -L`'s words for an entry, for the trace. */
void uipt_ct_format(const struct uipt_conn *c, uint64_t now, char *buf, size_t n);
const char *uipt_ctinfo_name(const struct xt_pkt *pkt);

/* NAT (nat.c). */
unsigned int uipt_nat_op(struct xt_pkt *pkt, const struct nf_nat_range2 *range,
			 bool snat);
/* nf_nat_inet_fn for a hook: runs the nat table on a connection's first
 * packet, else applies the binding.  Returns the verdict. */
unsigned int uipt_nat_hook(struct uipt_eval *ev, struct xt_pkt *pkt);
/* nf_nat_follow_master: a connection expected by a NATed master gets its
 * source and destination bindings at once, from the master's tuples. */
void uipt_nat_follow(struct uipt_eval *ev, struct uipt_ev_conn *c,
		     const struct uipt_ev_conn *master, const struct uipt_ct_expect *x);

#endif
