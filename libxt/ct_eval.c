/*
 * uconntrack's default source: the evaluator's own connection table in the
 * state directory.  Entries become nf_conntrack objects so that they print
 * through the very printer the kernel's do; changes (-I -U -D -F) follow
 * ctnetlink's rules and are written back whole, atomically, under the
 * state lock, so the next uiptables-trace sees them.
 *
 * The clock is the packets' own: a command happens at the time of the last
 * traced packet, or later with --time.  A change made later moves the
 * clock on, as a packet would.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "ct_source.h"
#include "error.h"
#include "eval/ct.h"
#include "eval/evstate.h"
#include "store.h"

struct ct_source {
	struct uipt_evstate_ct st;
	bool loaded, locked, dirty;
	int walking;		/* inside a dump: changes are saved at its end */
	uint64_t at_ns;		/* --time */
	const char *why;	/* plain words for the last failure */
	char err[256];
};

static int eval_open(struct ct_source **src)
{
	*src = calloc(1, sizeof(**src));
	return *src ? 0 : -ENOMEM;
}

static void eval_close(struct ct_source *src)
{
	if (src->loaded)
		uipt_evstate_ct_free(&src->st);
	if (src->locked)
		uipt_unlock();
	free(src);
}

static void eval_set_time(struct ct_source *src, uint64_t ns)
{
	src->at_ns = ns;
}

static int failed(struct ct_source *src, int err, const char *why)
{
	src->why = why;
	return err;
}

/* The table is read once, under the lock held until close. */
static int load(struct ct_source *src)
{
	if (src->loaded)
		return 0;
	if (uipt_lock(-1, 0) < 0)
		goto io;
	src->locked = true;
	if (uipt_evstate_ct_load(&src->st) < 0) {
		uipt_evstate_ct_free(&src->st);
		goto io;
	}
	src->loaded = true;
	return 0;
io:
	snprintf(src->err, sizeof(src->err), "%s", xt_error_msg());
	return failed(src, -EIO, src->err);
}

static uint64_t now(const struct ct_source *src)
{
	return src->at_ns > src->st.clock_ns ? src->at_ns : src->st.clock_ns;
}

/* A change at --time moves the packet clock to it. */
static void changed(struct ct_source *src)
{
	src->st.clock_ns = now(src);
	src->dirty = true;
}

static int commit(struct ct_source *src)
{
	if (!src->dirty || src->walking)
		return 0;
	src->dirty = false;
	if (uipt_evstate_ct_save(&src->st) < 0) {
		snprintf(src->err, sizeof(src->err), "%s", xt_error_msg());
		return failed(src, -EIO, src->err);
	}
	return 0;
}

/* ---- uipt_conn -> nf_conntrack ---- */

static void set_tuple(struct nf_conntrack *ct, const struct uipt_tuple *t,
		      bool reply)
{
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_SRC : ATTR_ORIG_IPV4_SRC, t->src.ip);
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_DST : ATTR_ORIG_IPV4_DST, t->dst.ip);
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L3PROTO : ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L4PROTO : ATTR_ORIG_L4PROTO, t->l4proto);
	if (t->l4proto == IPPROTO_ICMP) {
		/* dport holds type << 8 | code in host order; the reply's
		 * type is the library's to derive, as from the kernel */
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, t->sport);
		if (!reply) {
			nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, (uint8_t)(t->dport >> 8));
			nfct_set_attr_u8(ct, ATTR_ICMP_CODE, (uint8_t)t->dport);
		}
		return;
	}
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_SRC : ATTR_ORIG_PORT_SRC, t->sport);
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_DST : ATTR_ORIG_PORT_DST, t->dport);
}

static void put_counters(struct nlmsghdr *nlh, uint16_t type, uint64_t packets,
			 uint64_t bytes)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(packets));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(bytes));
	mnl_attr_nest_end(nlh, nest);
}

/*
 * The reference count and the counters are read-only in
 * libnetfilter_conntrack's setters: they only come from a message, so the
 * entry is given one, as ctnetlink would send it.
 */
static void set_from_msg(struct nf_conntrack *ct, const struct uipt_conn *c,
			 uint32_t use)
{
	char buf[128];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));

	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	mnl_attr_put_u32(nlh, CTA_USE, htonl(use));
	if (c->acct) {
		put_counters(nlh, CTA_COUNTERS_ORIG, c->packets[UIPT_DIR_ORIGINAL],
			     c->bytes[UIPT_DIR_ORIGINAL]);
		put_counters(nlh, CTA_COUNTERS_REPLY, c->packets[UIPT_DIR_REPLY],
			     c->bytes[UIPT_DIR_REPLY]);
	}
	nfct_nlmsg_parse(nlh, ct);
}

/*
 * @use as the kernel reports it: 1 for a listed entry (the table's own
 * reference), 2 for one looked up (the lookup holds another).
 */
static struct nf_conntrack *to_nfct(const struct uipt_conn *c, uint64_t at,
				    uint32_t use)
{
	struct nf_conntrack *ct = nfct_new();
	uint64_t left = c->timeout_ns > at ? (c->timeout_ns - at) / NS_PER_S : 0;

	if (!ct)
		return NULL;
	set_tuple(ct, &c->tuple[UIPT_DIR_ORIGINAL], false);
	set_tuple(ct, &c->tuple[UIPT_DIR_REPLY], true);
	nfct_set_attr_u32(ct, ATTR_STATUS, c->status);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, (uint32_t)left);
	nfct_set_attr_u32(ct, ATTR_MARK, c->mark);
	nfct_set_attr_u32(ct, ATTR_ID, c->id);
	if (c->zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, c->zone);
	if (c->secmark)
		nfct_set_attr_u32(ct, ATTR_SECMARK, c->secmark);
	if (c->tuple[0].l4proto == IPPROTO_TCP)
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, c->proto.tcp.state);
	if (c->helper[0])
		nfct_set_attr(ct, ATTR_HELPER_NAME, c->helper);
	set_from_msg(ct, c, use);
	return ct;
}

/* The evaluator's own lines (the trace, --conntrack) through the same
 * printer as conntrack -L. */
void uipt_ct_format(const struct uipt_conn *c, uint64_t now, char *buf, size_t n)
{
	struct nf_conntrack *ct = to_nfct(c, now, 1);

	if (!ct)
		abort();
	nfct_snprintf(buf, n, ct, NFCT_T_UNKNOWN, NFCT_O_DEFAULT, 0);
	nfct_destroy(ct);
}

/* A connection a helper expected holds a reference to its master. */
static uint32_t children(const struct ct_source *src, const struct uipt_ev_conn *m,
			 uint64_t at)
{
	uint32_t n = 0;

	if (!m->c.helper[0])
		return 0;
	for (const struct uipt_ev_conn *c = src->st.ct->list; c; c = c->lnext)
		n += c->master_id == m->c.id && c->c.timeout_ns > at;
	return n;
}

static int pass(const struct uipt_conn *c, uint64_t at, uint32_t use,
		ct_entry_cb cb, void *data)
{
	struct nf_conntrack *ct = to_nfct(c, at, use);
	int ret;

	if (!ct)
		return -ENOMEM;
	ret = cb(ct, data);
	nfct_destroy(ct);
	return ret;
}

/* ---- nf_conntrack -> tuples ---- */

static bool tuple_of(const struct nf_conntrack *ct, bool reply,
		     struct uipt_tuple *t)
{
	int src = reply ? ATTR_REPL_IPV4_SRC : ATTR_ORIG_IPV4_SRC;
	int dst = reply ? ATTR_REPL_IPV4_DST : ATTR_ORIG_IPV4_DST;
	int l4 = reply ? ATTR_REPL_L4PROTO : ATTR_ORIG_L4PROTO;

	memset(t, 0, sizeof(*t));
	if (!nfct_attr_is_set(ct, src) || !nfct_attr_is_set(ct, dst))
		return false;
	t->l3num = NFPROTO_IPV4;
	t->src.ip = nfct_get_attr_u32(ct, src);
	t->dst.ip = nfct_get_attr_u32(ct, dst);
	t->l4proto = nfct_get_attr_u8(ct, nfct_attr_is_set(ct, l4) ? l4 : ATTR_L4PROTO);
	if (t->l4proto == IPPROTO_ICMP) {
		uint8_t type = nfct_get_attr_u8(ct, ATTR_ICMP_TYPE), inv = type;

		/* the library keeps one type, the original's */
		if (reply)
			uipt_ct_icmp_tuple_ok(type, &inv);
		t->sport = nfct_get_attr_u16(ct, ATTR_ICMP_ID);
		t->dport = (uint16_t)(inv << 8 | nfct_get_attr_u8(ct, ATTR_ICMP_CODE));
		return true;
	}
	t->sport = nfct_get_attr_u16(ct, reply ? ATTR_REPL_PORT_SRC : ATTR_ORIG_PORT_SRC);
	t->dport = nfct_get_attr_u16(ct, reply ? ATTR_REPL_PORT_DST : ATTR_ORIG_PORT_DST);
	return true;
}

static bool is_ipv4(const struct nf_conntrack *ct)
{
	int l3 = nfct_attr_is_set(ct, ATTR_ORIG_L3PROTO) ? ATTR_ORIG_L3PROTO
							 : ATTR_REPL_L3PROTO;

	return !nfct_attr_is_set(ct, l3) || nfct_get_attr_u8(ct, l3) == AF_INET;
}

/* ctnetlink's lookup: by the original tuple if given, else the reply's,
 * matching either direction of an entry. */
static int find(struct ct_source *src, const struct nf_conntrack *ct,
		struct uipt_ev_conn **out)
{
	struct uipt_tuple t;
	enum uipt_dir dir;

	if (!is_ipv4(ct))
		return failed(src, -EOPNOTSUPP, "the evaluator tracks IPv4 only");
	if (!tuple_of(ct, false, &t) && !tuple_of(ct, true, &t))
		return -EINVAL;
	*out = uipt_ct_find(src->st.ct, &t, now(src), &dir);
	return *out ? 0 : -ENOENT;
}

/* ---- the operations ---- */

/* Filter hints are not used: the caller filters every entry again. */
struct walk {
	ct_entry_cb cb;
	void *data;
	unsigned int n;
};

static int walk(struct ct_source *src, struct walk *w)
{
	struct uipt_ev_conn *c, *next;
	uint64_t at = now(src);
	int ret = 0;

	/* Callbacks may delete the entry they are given: step first. */
	for (c = src->st.ct->list; c && ret == 0; c = next) {
		next = c->lnext;
		if (c->c.timeout_ns <= at)
			continue;
		w->n++;
		if (w->cb)
			ret = pass(&c->c, at, 1 + children(src, c, at), w->cb, w->data);
	}
	return ret < 0 ? ret : 0;
}

static int eval_dump(struct ct_source *src, enum ct_table table,
		     const struct ct_dump_filter *f, ct_entry_cb cb, void *data)
{
	struct walk w = { .cb = cb, .data = data };
	int ret, c;

	/* Only confirmed entries are kept: dying and unconfirmed are empty. */
	if (table != CT_TABLE_CONNTRACK)
		return 0;
	if (f && f->family && f->family != AF_INET)
		return 0;
	if ((ret = load(src)) < 0)
		return ret;
	src->walking++;
	ret = walk(src, &w);
	src->walking--;
	/* What was changed before a failure stays changed, as in the kernel. */
	c = commit(src);
	return ret < 0 ? ret : c;
}

static int eval_count(struct ct_source *src, unsigned int *count)
{
	struct walk w = { 0 };
	int ret;

	*count = 0;
	if ((ret = load(src)) < 0 || (ret = walk(src, &w)) < 0)
		return ret;
	*count = w.n;
	return 0;
}

static int eval_get(struct ct_source *src, const struct nf_conntrack *tuple,
		    ct_entry_cb cb, void *data)
{
	struct uipt_ev_conn *c;
	int ret;

	if ((ret = load(src)) < 0 || (ret = find(src, tuple, &c)) < 0)
		return ret;
	ret = pass(&c->c, now(src), 2 + children(src, c, now(src)), cb, data);
	return ret < 0 ? ret : 0;
}

static int eval_delete(struct ct_source *src, const struct nf_conntrack *ct)
{
	struct uipt_ev_conn *c;
	int ret;

	if ((ret = load(src)) < 0 || (ret = find(src, ct, &c)) < 0)
		return ret;
	if (nfct_attr_is_set(ct, ATTR_ID) && nfct_get_attr_u32(ct, ATTR_ID) != c->c.id)
		return -ENOENT;
	uipt_ct_remove(src->st.ct, c);
	free(c);
	changed(src);
	return commit(src);
}

static int eval_flush(struct ct_source *src, uint8_t family)
{
	int ret;

	if (family && family != AF_INET)
		return 0;
	if ((ret = load(src)) < 0)
		return ret;
	while (src->st.ct->list) {
		struct uipt_ev_conn *c = src->st.ct->list;

		uipt_ct_remove(src->st.ct, c);
		free(c);
	}
	changed(src);
	return commit(src);
}

/* ctnetlink_change_status: bits may be set, not cleared, and some are
 * the kernel's alone. */
static void change_status(struct uipt_conn *c, const struct nf_conntrack *ct)
{
	if (nfct_attr_is_set(ct, ATTR_STATUS))
		c->status |= nfct_get_attr_u32(ct, ATTR_STATUS) & ~IPS_UNCHANGEABLE_MASK;
}

static void change_timeout(struct ct_source *src, struct uipt_conn *c,
			   const struct nf_conntrack *ct)
{
	if (nfct_attr_is_set(ct, ATTR_TIMEOUT))
		c->timeout_ns = now(src) +
				(uint64_t)nfct_get_attr_u32(ct, ATTR_TIMEOUT) * NS_PER_S;
}

static void change_rest(struct uipt_conn *c, const struct nf_conntrack *ct)
{
	if (nfct_attr_is_set(ct, ATTR_MARK))
		c->mark = nfct_get_attr_u32(ct, ATTR_MARK);
	if (c->tuple[0].l4proto == IPPROTO_TCP && nfct_attr_is_set(ct, ATTR_TCP_STATE))
		c->proto.tcp.state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
}

static int eval_update(struct ct_source *src, const struct nf_conntrack *ct)
{
	struct uipt_ev_conn *c;
	int ret;

	if ((ret = load(src)) < 0 || (ret = find(src, ct, &c)) < 0)
		return ret;
	/* A binding is made once, by the first packet (ctnetlink: EBUSY). */
	if (nfct_attr_is_set(ct, ATTR_SNAT_IPV4) || nfct_attr_is_set(ct, ATTR_DNAT_IPV4))
		return -EBUSY;
	change_timeout(src, &c->c, ct);
	change_status(&c->c, ct);
	change_rest(&c->c, ct);
	changed(src);
	return commit(src);
}

/*
 * The binding as ctnetlink sets it up: the reply tuple takes the NAT
 * address (and port); a manip not asked for gets a null binding, so a
 * later packet does not run the nat chain for it.
 */
static void setup_nat(struct uipt_conn *c, const struct nf_conntrack *ct)
{
	struct uipt_tuple *r = &c->tuple[UIPT_DIR_REPLY];
	uint32_t ip;

	if (nfct_attr_is_set(ct, ATTR_SNAT_IPV4)) {
		ip = nfct_get_attr_u32(ct, ATTR_SNAT_IPV4);
		if (ip != r->dst.ip)
			c->status |= IPS_SRC_NAT;
		r->dst.ip = ip;
		if (nfct_attr_is_set(ct, ATTR_SNAT_PORT) &&
		    nfct_get_attr_u16(ct, ATTR_SNAT_PORT) != r->dport) {
			r->dport = nfct_get_attr_u16(ct, ATTR_SNAT_PORT);
			c->status |= IPS_SRC_NAT;
		}
	}
	if (nfct_attr_is_set(ct, ATTR_DNAT_IPV4)) {
		ip = nfct_get_attr_u32(ct, ATTR_DNAT_IPV4);
		if (ip != r->src.ip)
			c->status |= IPS_DST_NAT;
		r->src.ip = ip;
		if (nfct_attr_is_set(ct, ATTR_DNAT_PORT) &&
		    nfct_get_attr_u16(ct, ATTR_DNAT_PORT) != r->sport) {
			r->sport = nfct_get_attr_u16(ct, ATTR_DNAT_PORT);
			c->status |= IPS_DST_NAT;
		}
	}
	c->status |= IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
}

/* ctnetlink gives a new entry counters when accounting is on, as a
 * packet's would get. */
static bool acct_on(const struct ct_source *src)
{
	size_t len;
	const bool *on = uipt_evstate_ct_shared(&src->st, UIPT_ACCT_KEY, &len);

	return on && len >= sizeof(*on) && *on;
}

static int new_entry(struct ct_source *src, const struct nf_conntrack *ct,
		     struct uipt_ev_conn **out)
{
	struct uipt_ev_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->lprev = &c->lnext;
	if (!tuple_of(ct, false, &c->c.tuple[0]) || !tuple_of(ct, true, &c->c.tuple[1])) {
		free(c);
		return -EINVAL;	/* ctnetlink wants both tuples */
	}
	if (c->c.tuple[0].l4proto == IPPROTO_ICMP &&
	    !uipt_ct_icmp_tuple_ok((uint8_t)(c->c.tuple[0].dport >> 8), &(uint8_t){ 0 })) {
		free(c);
		return -EINVAL;
	}
	setup_nat(&c->c, ct);
	c->c.start_ns = now(src);
	change_timeout(src, &c->c, ct);
	change_status(&c->c, ct);
	change_rest(&c->c, ct);
	if (nfct_attr_is_set(ct, ATTR_ZONE))
		c->c.zone = nfct_get_attr_u16(ct, ATTR_ZONE);
	c->c.acct = acct_on(src);
	*out = c;
	return 0;
}

static int eval_create(struct ct_source *src, const struct nf_conntrack *ct)
{
	struct uipt_ev_conn *c;
	enum uipt_dir dir;
	int ret;

	if (!is_ipv4(ct))
		return failed(src, -EOPNOTSUPP, "the evaluator tracks IPv4 only");
	if (!nfct_attr_is_set(ct, ATTR_TIMEOUT))
		return -EINVAL;
	if ((ret = load(src)) < 0 || (ret = new_entry(src, ct, &c)) < 0)
		return ret;
	if (uipt_ct_find(src->st.ct, &c->c.tuple[0], now(src), &dir) ||
	    uipt_ct_find(src->st.ct, &c->c.tuple[1], now(src), &dir)) {
		free(c);
		return -EEXIST;
	}
	/* Expired entries must not shadow the new one's tuples. */
	uipt_ct_expire(src->st.ct, now(src));
	c->c.id = src->st.ct->next_id++;
	uipt_ct_insert(src->st.ct, c);
	changed(src);
	return commit(src);
}

static int no_stats(struct ct_source *src, ct_stats_cb cb, void *data)
{
	(void)cb; (void)data;
	return failed(src, -EOPNOTSUPP, "statistics are the kernel's per-CPU "
		      "counters; use --kernel");
}

static int no_events(struct ct_source *src, unsigned int event_mask,
		     unsigned int rcvbuf, int timeout_ms, ct_event_cb cb, void *data)
{
	(void)event_mask; (void)rcvbuf; (void)timeout_ms; (void)cb; (void)data;
	return failed(src, -EOPNOTSUPP, "events come from the live kernel table "
		      "only; use --kernel (uiptables-trace shows the evaluator's "
		      "changes packet by packet)");
}

/* ---- expectations ---- */

static struct nf_conntrack *tuple_ct(const struct uipt_tuple *t)
{
	struct nf_conntrack *ct = nfct_new();

	if (ct)
		set_tuple(ct, t, false);
	return ct;
}

/* What ctnetlink sends: the master's and the expected tuple, the mask
 * (addresses whole, the source port as the helper left it), the seconds
 * left, class 0 and the helper. */
static struct nf_expect *to_nfexp(const struct uipt_ct_expect *x, uint64_t at)
{
	struct uipt_tuple m = x->tuple;
	struct nf_conntrack *master = tuple_ct(&x->master), *exp = tuple_ct(&x->tuple);
	struct nf_conntrack *mask;
	struct nf_expect *e = nfexp_new();

	m.src.ip = m.dst.ip = 0xffffffff;
	m.sport = x->sport_mask;
	m.dport = 0xffff;
	mask = tuple_ct(&m);
	if (e && master && exp && mask) {
		nfexp_set_attr(e, ATTR_EXP_MASTER, master);
		nfexp_set_attr(e, ATTR_EXP_EXPECTED, exp);
		nfexp_set_attr(e, ATTR_EXP_MASK, mask);
		nfexp_set_attr_u32(e, ATTR_EXP_TIMEOUT, x->timeout_ns > at ?
				   (uint32_t)((x->timeout_ns - at) / NS_PER_S) : 0);
		nfexp_set_attr_u32(e, ATTR_EXP_CLASS, 0);
		nfexp_set_attr(e, ATTR_EXP_HELPER_NAME, x->helper);
	} else if (e) {
		nfexp_destroy(e);
		e = NULL;
	}
	nfct_destroy(master);
	nfct_destroy(exp);
	nfct_destroy(mask);
	return e;
}

static int exp_dump(struct ct_source *src, uint8_t family, ct_expect_cb cb, void *data)
{
	uint64_t at;
	int ret = 0;

	if (family && family != AF_INET)
		return 0;
	if ((ret = load(src)) < 0)
		return ret;
	at = now(src);
	for (struct uipt_ct_expect *x = src->st.ct->expects; x && !ret; x = x->next) {
		struct nf_expect *e;

		if (x->timeout_ns <= at)
			continue;
		if (!(e = to_nfexp(x, at)))
			return -ENOMEM;
		ret = cb(e, data);
		nfexp_destroy(e);
	}
	return ret < 0 ? ret : 0;
}

/* ctnetlink's lookup: the tuple given as a packet's, under each
 * expectation's mask. */
static int exp_find(struct ct_source *src, const struct nf_expect *exp,
		    struct uipt_ct_expect **out)
{
	const struct nf_conntrack *ct = nfexp_get_attr(exp, ATTR_EXP_EXPECTED);
	struct uipt_tuple t;
	uint64_t at;
	int ret;

	if (!ct || !is_ipv4(ct) || !tuple_of(ct, false, &t))
		return -EINVAL;
	if ((ret = load(src)) < 0)
		return ret;
	at = now(src);
	for (struct uipt_ct_expect *x = src->st.ct->expects; x; x = x->next)
		if (x->timeout_ns > at && t.src.ip == x->tuple.src.ip &&
		    t.dst.ip == x->tuple.dst.ip && t.dport == x->tuple.dport &&
		    (t.sport & x->sport_mask) == (x->tuple.sport & x->sport_mask) &&
		    t.l4proto == x->tuple.l4proto) {
			*out = x;
			return 0;
		}
	return -ENOENT;
}

static int exp_get(struct ct_source *src, const struct nf_expect *exp,
		   ct_expect_cb cb, void *data)
{
	struct uipt_ct_expect *x;
	struct nf_expect *e;
	int ret;

	if ((ret = exp_find(src, exp, &x)) < 0)
		return ret;
	if (!(e = to_nfexp(x, now(src))))
		return -ENOMEM;
	ret = cb(e, data);
	nfexp_destroy(e);
	return ret < 0 ? ret : 0;
}

static int exp_create(struct ct_source *src, const struct nf_expect *exp)
{
	(void)exp;
	return failed(src, -EOPNOTSUPP, "expectations are made by the evaluator's "
		      "helpers (ftp, tftp), not created by hand; use --kernel");
}

static int exp_delete(struct ct_source *src, const struct nf_expect *exp)
{
	struct uipt_ct_expect *x;
	int ret;

	if ((ret = exp_find(src, exp, &x)) < 0)
		return ret;
	uipt_ct_expect_unlink(src->st.ct, x);
	free(x);
	changed(src);
	return commit(src);
}

static int exp_flush(struct ct_source *src, uint8_t family)
{
	int ret;

	if (family && family != AF_INET)
		return 0;
	if ((ret = load(src)) < 0)
		return ret;
	while (src->st.ct->expects) {
		struct uipt_ct_expect *x = src->st.ct->expects;

		uipt_ct_expect_unlink(src->st.ct, x);
		free(x);
	}
	changed(src);
	return commit(src);
}

static int exp_count(struct ct_source *src, unsigned int *count)
{
	uint64_t at;
	int ret;

	*count = 0;
	if ((ret = load(src)) < 0)
		return ret;
	at = now(src);
	for (struct uipt_ct_expect *x = src->st.ct->expects; x; x = x->next)
		*count += x->timeout_ns > at;
	return 0;
}

static const char *eval_explain(struct ct_source *src, int err)
{
	(void)err;
	return src ? src->why : NULL;
}

const struct ct_source_ops ct_eval_source = {
	.name = "evaluator",
	.open = eval_open,
	.close = eval_close,
	.set_time = eval_set_time,
	.dump = eval_dump,
	.get = eval_get,
	.create = eval_create,
	.update = eval_update,
	.delete = eval_delete,
	.flush = eval_flush,
	.count = eval_count,
	.stats = no_stats,
	.events = no_events,
	.exp_dump = exp_dump,
	.exp_get = exp_get,
	.exp_create = exp_create,
	.exp_delete = exp_delete,
	.exp_flush = exp_flush,
	.exp_count = exp_count,
	.explain = eval_explain,
};
