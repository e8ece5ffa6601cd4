/*
 * connlimit: the number of connections sharing the packet's source (or
 * destination) address, under a prefix mask, against a limit.
 */
#include <arpa/inet.h>
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/conntrack.h>
#include <linux/netfilter/xt_connlimit.h>

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct xt_option_entry connlimit_opts[] = {
	{ .name = "connlimit-upto", .id = O_UPTO, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT, .excl = 1 << O_ABOVE },
	{ .name = "connlimit-above", .id = O_ABOVE, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT, .excl = 1 << O_UPTO },
	{ .name = "connlimit-mask", .id = O_MASK, .type = XTTYPE_UINT8, .max = 32 },
	{ .name = "connlimit-saddr", .id = O_SADDR, .type = XTTYPE_NONE,
	  .excl = 1 << O_DADDR },
	{ .name = "connlimit-daddr", .id = O_DADDR, .type = XTTYPE_NONE,
	  .excl = 1 << O_SADDR },
	XTOPT_TABLEEND,
};

static void connlimit_help(FILE *f)
{
	fprintf(f, "connlimit match options:\n"
		"  --connlimit-upto n     match if the number of existing connections is 0..n\n"
		"  --connlimit-above n    match if the number of existing connections is >n\n"
		"  --connlimit-mask n     group hosts using prefix length (default: max len)\n"
		"  --connlimit-saddr      select source address for grouping\n"
		"  --connlimit-daddr      select destination address for grouping\n");
}

static void connlimit_init(void *data)
{
	struct xt_connlimit_info *info = data;

	/* All of the union, as iptables sets the default. */
	memset(&info->mask, 0xff, sizeof(info->mask));
}

/* "upto" is the inverted "above" for the kernel, and the other way round. */
static int connlimit_parse(struct xt_option_call *cb)
{
	struct xt_connlimit_info *info = cb->data;

	switch (cb->entry->id) {
	case O_UPTO:
	case O_ABOVE:
		info->limit = cb->val.u32;
		if ((cb->entry->id == O_UPTO) != cb->invert)
			info->flags |= XT_CONNLIMIT_INVERT;
		return 0;
	case O_MASK:
		memset(&info->mask, 0, sizeof(info->mask));
		info->v4_mask = cb->val.u8 ? htonl(UINT32_MAX << (32 - cb->val.u8)) : 0;
		return 0;
	case O_SADDR:
		info->flags &= ~XT_CONNLIMIT_DADDR;
		return 0;
	case O_DADDR:
		info->flags |= XT_CONNLIMIT_DADDR;
		return 0;
	}
	return 0;
}

static int connlimit_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ((1 << O_UPTO) | (1 << O_ABOVE))))
		return xt_error(PARAMETER_PROBLEM,
				"You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
	return 0;
}

static int prefix_len(const struct xt_connlimit_info *info)
{
	struct in_addr m = { .s_addr = info->v4_mask };
	int n = xt_mask_to_cidr(&m);

	return n < 0 ? 32 : n;
}

static void connlimit_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_connlimit_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " #conn %s/%d %s %u", info->flags & XT_CONNLIMIT_DADDR ? "dst" : "src",
		prefix_len(info), info->flags & XT_CONNLIMIT_INVERT ? "<=" : ">", info->limit);
}

static void connlimit_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connlimit_info *info = data;

	(void)ip;
	fprintf(f, " --connlimit-%s %u --connlimit-mask %d --connlimit-%s",
		info->flags & XT_CONNLIMIT_INVERT ? "upto" : "above", info->limit,
		prefix_len(info), info->flags & XT_CONNLIMIT_DADDR ? "daddr" : "saddr");
}

/*
 * nf_conncount, per rule: the connections this rule has seen, grouped by
 * the packet's masked address.  Each packet prunes its group of those no
 * longer in the conntrack table or closed, then adds its own connection
 * unless already there; the group's size is the count.  The kernel's
 * groups are unbounded; here a rule remembers CL_SLOTS connections, the
 * oldest forgotten first.
 */
#define CL_SLOTS 128

struct cl_conn {
	struct uipt_tuple t;	/* the connection's original tuple */
	uint32_t key;		/* masked address, network order */
	uint8_t used;
	uint64_t seq;		/* order of adding */
};

struct cl_state {
	uint64_t seq;
	struct cl_conn c[CL_SLOTS];
};

static bool tuple_eq(const struct uipt_tuple *a, const struct uipt_tuple *b)
{
	return a->src.ip == b->src.ip && a->dst.ip == b->dst.ip && a->sport == b->sport &&
	       a->dport == b->dport && a->l4proto == b->l4proto && a->l3num == b->l3num;
}

/* Without a connection, the tuple the packet would have (ports for the
 * protocols that have them). */
static void tuple_of(const struct xt_pkt *pkt, struct uipt_tuple *t)
{
	const uint8_t *th = pkt->data + pkt->thoff;

	memset(t, 0, sizeof(*t));
	t->l3num = NFPROTO_IPV4;
	t->l4proto = pkt->l4proto;
	memcpy(&t->src.ip, pkt->data + 12, 4);
	memcpy(&t->dst.ip, pkt->data + 16, 4);
	if ((pkt->l4proto == IPPROTO_TCP || pkt->l4proto == IPPROTO_UDP) &&
	    !pkt->fragoff && pkt->thoff + 4 <= pkt->len) {
		memcpy(&t->sport, th, 2);
		memcpy(&t->dport, th + 2, 2);
	}
}

static struct cl_conn *slot_for_new(struct cl_state *st)
{
	struct cl_conn *old = NULL;

	for (unsigned int i = 0; i < CL_SLOTS; i++) {
		if (!st->c[i].used)
			return &st->c[i];
		if (!old || st->c[i].seq < old->seq)
			old = &st->c[i];
	}
	return old;
}

static unsigned int group_size(const struct cl_state *st, uint32_t key)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < CL_SLOTS; i++)
		n += st->c[i].used && st->c[i].key == key;
	return n;
}

/* The group's next connection in the order they were added. */
static struct cl_conn *next_in_group(struct cl_state *st, uint32_t key, uint64_t after)
{
	struct cl_conn *next = NULL;

	for (unsigned int i = 0; i < CL_SLOTS; i++) {
		struct cl_conn *c = &st->c[i];

		if (c->used && c->key == key && c->seq > after && (!next || c->seq < next->seq))
			next = c;
	}
	return next;
}

/*
 * __nf_conncount_add: walking the group in order, connections gone from
 * the table or closed are dropped (at most CL_GC_MAX a time); meeting the
 * packet's own stops the walk, and the group is counted as it then is,
 * stale ones after it included.
 */
#define CL_GC_MAX 8

static unsigned int conncount(struct xt_pkt *pkt, struct cl_state *st, uint32_t key,
			      const struct uipt_tuple *t)
{
	unsigned int collect = 0;
	struct cl_conn *c;

	for (c = next_in_group(st, key, 0); c && collect <= CL_GC_MAX;
	     c = next_in_group(st, key, c->seq)) {
		enum uipt_conn_found f = pkt->ops->conn_find(pkt, &c->t);

		if (f != UIPT_CONN_NONE && tuple_eq(&c->t, t))
			return group_size(st, key);
		if (f != UIPT_CONN_LIVE) {
			c->used = 0;
			collect++;
		}
	}
	c = slot_for_new(st);
	c->used = 1;
	c->key = key;
	c->t = *t;
	c->seq = ++st->seq;
	return group_size(st, key);
}

static bool connlimit_match(const struct xt_pkt *cpkt, struct xt_action_param *par)
{
	const struct xt_connlimit_info *info = par->data;
	struct xt_pkt *pkt = (struct xt_pkt *)cpkt;
	struct uipt_tuple t;
	uint32_t key;

	if (!pkt->ops || !pkt->ops->conn_find || !par->priv) {
		if (pkt->ops && pkt->ops->assume)
			pkt->ops->assume(pkt, "connlimit: number of connections");
		return pkt->assume_unknown_match;
	}
	if (pkt->ct && !pkt->untracked)
		t = pkt->ct->tuple[UIPT_DIR_ORIGINAL];
	else
		tuple_of(pkt, &t);
	memcpy(&key, pkt->data + (info->flags & XT_CONNLIMIT_DADDR ? 16 : 12), 4);
	key &= info->v4_mask;
	return (conncount(pkt, par->priv, key, &t) > info->limit) !=
	       !!(info->flags & XT_CONNLIMIT_INVERT);
}

static struct xtables_match connlimit_match_ext = {
	.name = "connlimit",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connlimit_info),
	.userspacesize = offsetof(struct xt_connlimit_info, data),
	.help = connlimit_help,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_fcheck,
	.print = connlimit_print,
	.save = connlimit_save,
	.options = connlimit_opts,
	.match = connlimit_match,
	.state_size = sizeof(struct cl_state),
};

void libxt_connlimit_init(void)
{
	xtables_register_match(&connlimit_match_ext);
}
