/*
 * uconntrack's default source: the evaluator's own connection table, read
 * from the state directory.  Entries become nf_conntrack objects so that
 * they print through the very printer the kernel's do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "ct_source.h"
#include "eval/evstate.h"
#include "store.h"

struct ct_source {
	int unused;
};

static int eval_open(struct ct_source **src)
{
	*src = calloc(1, sizeof(**src));
	return *src ? 0 : -ENOMEM;
}

static void eval_close(struct ct_source *src)
{
	free(src);
}

static void set_tuple(struct nf_conntrack *ct, const struct uipt_tuple *t,
		      bool reply)
{
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_SRC : ATTR_ORIG_IPV4_SRC, t->src.ip);
	nfct_set_attr_u32(ct, reply ? ATTR_REPL_IPV4_DST : ATTR_ORIG_IPV4_DST, t->dst.ip);
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L3PROTO : ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, reply ? ATTR_REPL_L4PROTO : ATTR_ORIG_L4PROTO, t->l4proto);
	if (t->l4proto == IPPROTO_ICMP) {
		nfct_set_attr_u16(ct, reply ? ATTR_ICMP_ID : ATTR_ICMP_ID, t->sport);
		if (!reply) {
			nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, (uint8_t)(ntohs(t->dport) >> 8));
			nfct_set_attr_u8(ct, ATTR_ICMP_CODE, (uint8_t)ntohs(t->dport));
		}
		return;
	}
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_SRC : ATTR_ORIG_PORT_SRC, t->sport);
	nfct_set_attr_u16(ct, reply ? ATTR_REPL_PORT_DST : ATTR_ORIG_PORT_DST, t->dport);
}

static struct nf_conntrack *to_nfct(const struct uipt_conn *c, uint64_t now)
{
	struct nf_conntrack *ct = nfct_new();
	uint64_t left = c->timeout_ns > now ? (c->timeout_ns - now) / 1000000000ull : 0;

	if (!ct)
		return NULL;
	set_tuple(ct, &c->tuple[UIPT_DIR_ORIGINAL], false);
	set_tuple(ct, &c->tuple[UIPT_DIR_REPLY], true);
	nfct_set_attr_u32(ct, ATTR_STATUS, c->status);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, (uint32_t)left);
	nfct_set_attr_u32(ct, ATTR_MARK, c->mark);
	nfct_set_attr_u32(ct, ATTR_ID, c->id);
	nfct_set_attr_u32(ct, ATTR_USE, 1);
	if (c->zone)
		nfct_set_attr_u16(ct, ATTR_ZONE, c->zone);
	if (c->secmark)
		nfct_set_attr_u32(ct, ATTR_SECMARK, c->secmark);
	if (c->tuple[0].l4proto == IPPROTO_TCP)
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, c->proto.tcp.state);
	return ct;
}

struct walk {
	ct_entry_cb cb;
	void *data;
	const struct ct_dump_filter *f;
	unsigned int n;
};

static int one(const struct uipt_conn *c, uint64_t now, void *data)
{
	struct walk *w = data;
	struct nf_conntrack *ct;
	int ret;

	if (w->f && w->f->family && w->f->family != AF_INET)
		return 0;
	w->n++;
	if (!w->cb)
		return 0;
	if (!(ct = to_nfct(c, now)))
		return -ENOMEM;
	ret = w->cb(ct, w->data);
	nfct_destroy(ct);
	return ret > 0 ? 1 : 0;
}

/* The evaluator's clock is the packets' own: list at that instant. */
static int walk_table(struct walk *w)
{
	int ret;

	if (uipt_lock(-1, 0) < 0)
		return -EAGAIN;
	ret = uipt_evstate_foreach_conn(0, one, w);
	uipt_unlock();
	return ret < 0 ? -EIO : 0;
}

static int eval_dump(struct ct_source *src, enum ct_table table,
		     const struct ct_dump_filter *f, ct_entry_cb cb, void *data)
{
	struct walk w = { .cb = cb, .data = data, .f = f };

	(void)src;
	if (table != CT_TABLE_CONNTRACK)
		return 0;
	return walk_table(&w);
}

static int eval_count(struct ct_source *src, unsigned int *count)
{
	struct walk w = { 0 };
	int ret;

	(void)src;
	ret = walk_table(&w);
	*count = w.n;
	return ret;
}

static const char *eval_explain(struct ct_source *src, int err)
{
	(void)src;
	if (err == -EOPNOTSUPP)
		return "the evaluator's table only lists and counts; "
		       "use --kernel to change the kernel's";
	if (err == -EIO)
		return "the evaluator's state file could not be read";
	return NULL;
}

static int not_here(void)
{
	return -EOPNOTSUPP;
}

static int eval_get(struct ct_source *s, const struct nf_conntrack *t, ct_entry_cb cb, void *d)
{
	(void)s; (void)t; (void)cb; (void)d;
	return not_here();
}

static int eval_change(struct ct_source *s, const struct nf_conntrack *ct)
{
	(void)s; (void)ct;
	return not_here();
}

static int eval_flush(struct ct_source *s, uint8_t family)
{
	(void)s; (void)family;
	return not_here();
}

static int eval_stats(struct ct_source *s, ct_stats_cb cb, void *d)
{
	(void)s; (void)cb; (void)d;
	return not_here();
}

const struct ct_source_ops ct_eval_source = {
	.name = "evaluator",
	.open = eval_open,
	.close = eval_close,
	.dump = eval_dump,
	.get = eval_get,
	.create = eval_change,
	.update = eval_change,
	.delete = eval_change,
	.flush = eval_flush,
	.count = eval_count,
	.stats = eval_stats,
	.explain = eval_explain,
};
