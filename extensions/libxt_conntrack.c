/*
 * conntrack: what connection tracking knows of the packet's connection —
 * state, tuples, status, remaining lifetime, direction.
 *
 * iptables sends revision 3; revisions 1 and 2 are read from old blobs.
 * `-m state` is an alias of revision 3 (see libxt_state.c): such an entry
 * carries XT_CONNTRACK_STATE_ALIAS and prints back as `-m state`.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_conntrack.h>

enum {
	O_CTSTATE, O_CTPROTO, O_CTORIGSRC, O_CTORIGDST, O_CTREPLSRC,
	O_CTREPLDST, O_CTORIGSRCPORT, O_CTORIGDSTPORT, O_CTREPLSRCPORT,
	O_CTREPLDSTPORT, O_CTSTATUS, O_CTEXPIRE, O_CTDIR,
};

#define CT_INV (XTOPT_INVERT)

static const struct xt_option_entry conntrack_opts[] = {
	{ .name = "ctstate", .id = O_CTSTATE, .type = XTTYPE_STRING, .flags = CT_INV },
	{ .name = "ctproto", .id = O_CTPROTO, .type = XTTYPE_PROTOCOL, .flags = CT_INV },
	{ .name = "ctorigsrc", .id = O_CTORIGSRC, .type = XTTYPE_HOSTMASK, .flags = CT_INV },
	{ .name = "ctorigdst", .id = O_CTORIGDST, .type = XTTYPE_HOSTMASK, .flags = CT_INV },
	{ .name = "ctreplsrc", .id = O_CTREPLSRC, .type = XTTYPE_HOSTMASK, .flags = CT_INV },
	{ .name = "ctrepldst", .id = O_CTREPLDST, .type = XTTYPE_HOSTMASK, .flags = CT_INV },
	{ .name = "ctstatus", .id = O_CTSTATUS, .type = XTTYPE_STRING, .flags = CT_INV },
	{ .name = "ctexpire", .id = O_CTEXPIRE, .type = XTTYPE_UINT32RC, .flags = CT_INV },
	{ .name = "ctorigsrcport", .id = O_CTORIGSRCPORT, .type = XTTYPE_PORTRC, .flags = CT_INV },
	{ .name = "ctorigdstport", .id = O_CTORIGDSTPORT, .type = XTTYPE_PORTRC, .flags = CT_INV },
	{ .name = "ctreplsrcport", .id = O_CTREPLSRCPORT, .type = XTTYPE_PORTRC, .flags = CT_INV },
	{ .name = "ctrepldstport", .id = O_CTREPLDSTPORT, .type = XTTYPE_PORTRC, .flags = CT_INV },
	{ .name = "ctdir", .id = O_CTDIR, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

struct bit_name {
	const char *name;
	uint16_t bit;
};

/* In the order iptables prints them. */
static const struct bit_name ct_states[] = {
	{ "INVALID", XT_CONNTRACK_STATE_INVALID },
	{ "NEW", XT_CONNTRACK_STATE_BIT(IP_CT_NEW) },
	{ "RELATED", XT_CONNTRACK_STATE_BIT(IP_CT_RELATED) },
	{ "ESTABLISHED", XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED) },
	{ "UNTRACKED", XT_CONNTRACK_STATE_UNTRACKED },
	{ "SNAT", XT_CONNTRACK_STATE_SNAT },
	{ "DNAT", XT_CONNTRACK_STATE_DNAT },
	{ NULL, 0 },
};

static const struct bit_name ct_statuses[] = {
	{ "EXPECTED", IPS_EXPECTED },
	{ "SEEN_REPLY", IPS_SEEN_REPLY },
	{ "ASSURED", IPS_ASSURED },
	{ "CONFIRMED", IPS_CONFIRMED },
	{ NULL, 0 },
};

static void conntrack_help(FILE *f)
{
	fprintf(f, "conntrack match options:\n"
		"[!] --ctstate {INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED|SNAT|DNAT}[,...]\n"
		"                               State(s) the connection is in\n"
		"[!] --ctproto proto            Layer-4 protocol of the connection\n"
		"[!] --ctorigsrc address[/mask]\n"
		"[!] --ctorigdst address[/mask]\n"
		"[!] --ctreplsrc address[/mask]\n"
		"[!] --ctrepldst address[/mask]\n"
		"                               Addresses of the original or reply tuple\n"
		"[!] --ctorigsrcport port[:port]\n"
		"[!] --ctorigdstport port[:port]\n"
		"[!] --ctreplsrcport port[:port]\n"
		"[!] --ctrepldstport port[:port]\n"
		"                               Ports of the original or reply tuple\n"
		"[!] --ctstatus {NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED}[,...]\n"
		"                               Status bit(s) set on the connection\n"
		"[!] --ctexpire time[:time]     Remaining lifetime, in seconds\n"
		"    --ctdir {ORIGINAL|REPLY}   Direction of the packet in the connection\n");
}

/* One name of the list, len characters at s; "NONE" adds nothing. */
static bool one_name(const char *s, size_t len, const struct bit_name *names,
		     bool allow_none, uint16_t *mask)
{
	if (allow_none && len == 4 && !strncasecmp(s, "NONE", 4))
		return true;
	for (; names->name; names++)
		if (strlen(names->name) == len && !strncasecmp(names->name, s, len)) {
			*mask |= names->bit;
			return true;
		}
	return false;
}

/*
 * A comma list of names into a bit mask.  As iptables, an empty or
 * unknown name is reported with the rest of the list from there on.
 */
static int parse_names(const char *arg, const struct bit_name *names,
		       bool allow_none, const char *what, uint16_t *mask)
{
	const char *comma;

	for (; (comma = strchr(arg, ',')); arg = comma + 1)
		if (comma == arg || !one_name(arg, (size_t)(comma - arg), names, allow_none, mask))
			return xt_error(PARAMETER_PROBLEM, "Bad %s \"%s\"", what, arg);
	if (!*arg || !one_name(arg, strlen(arg), names, allow_none, mask))
		return xt_error(PARAMETER_PROBLEM, "Bad %s \"%s\"", what, arg);
	return 0;
}

static void set_flag(struct xt_conntrack_mtinfo3 *info, uint16_t flag, bool inv)
{
	info->match_flags |= flag;
	if (inv)
		info->invert_flags |= flag;
}

/* iptables keeps the address as typed, host bits and all. */
static void put_addr(const struct xt_option_call *cb, union nf_inet_addr *addr,
		     union nf_inet_addr *mask)
{
	char buf[INET_ADDRSTRLEN + 1];

	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(cb->arg, "/"), cb->arg);
	*addr = cb->val.haddr;
	inet_pton(AF_INET, buf, &addr->in);
	*mask = cb->val.hmask;
	/* Without a prefix iptables sets every byte of the union. */
	if (!strchr(cb->arg, '/'))
		memset(mask, 0xff, sizeof(*mask));
}

/* Which port fields an option fills, and its flag. */
static int put_ports(const struct xt_option_call *cb, struct xt_conntrack_mtinfo3 *info)
{
	static const uint16_t flags[] = {
		XT_CONNTRACK_ORIGSRC_PORT, XT_CONNTRACK_ORIGDST_PORT,
		XT_CONNTRACK_REPLSRC_PORT, XT_CONNTRACK_REPLDST_PORT,
	};
	uint16_t *lo[] = { &info->origsrc_port, &info->origdst_port,
			   &info->replsrc_port, &info->repldst_port };
	uint16_t *hi[] = { &info->origsrc_port_high, &info->origdst_port_high,
			   &info->replsrc_port_high, &info->repldst_port_high };
	unsigned int i = cb->entry->id - O_CTORIGSRCPORT;

	/* 1.8.11 refuses a range that runs backwards. */
	if (cb->val.port_range[0] > cb->val.port_range[1])
		return xt_error(PARAMETER_PROBLEM, "invalid portrange (min > max)");
	*lo[i] = cb->val.port_range[0];
	*hi[i] = cb->val.port_range[1];
	set_flag(info, flags[i], cb->invert);
	return 0;
}

static int parse_dir(const struct xt_option_call *cb, struct xt_conntrack_mtinfo3 *info)
{
	if (!strcasecmp(cb->arg, "ORIGINAL"))
		set_flag(info, XT_CONNTRACK_DIRECTION, false);
	else if (!strcasecmp(cb->arg, "REPLY"))
		set_flag(info, XT_CONNTRACK_DIRECTION, true);
	else
		return xt_bad_value(cb->ext_name, "--ctdir", cb->arg);
	return 0;
}

static int conntrack_parse(struct xt_option_call *cb)
{
	struct xt_conntrack_mtinfo3 *info = cb->data;

	switch (cb->entry->id) {
	case O_CTSTATE:
		if (parse_names(cb->arg, ct_states, false, "ctstate", &info->state_mask) < 0)
			return -1;
		set_flag(info, XT_CONNTRACK_STATE, cb->invert);
		return 0;
	case O_CTPROTO:
		if (cb->val.protocol == 0)
			return xt_error(PARAMETER_PROBLEM, cb->invert ?
					"condition would always match protocol" :
					"rule would never match protocol");
		info->l4proto = cb->val.protocol;
		set_flag(info, XT_CONNTRACK_PROTO, cb->invert);
		return 0;
	case O_CTORIGSRC:
		put_addr(cb, &info->origsrc_addr, &info->origsrc_mask);
		set_flag(info, XT_CONNTRACK_ORIGSRC, cb->invert);
		return 0;
	case O_CTORIGDST:
		put_addr(cb, &info->origdst_addr, &info->origdst_mask);
		set_flag(info, XT_CONNTRACK_ORIGDST, cb->invert);
		return 0;
	case O_CTREPLSRC:
		put_addr(cb, &info->replsrc_addr, &info->replsrc_mask);
		set_flag(info, XT_CONNTRACK_REPLSRC, cb->invert);
		return 0;
	case O_CTREPLDST:
		put_addr(cb, &info->repldst_addr, &info->repldst_mask);
		set_flag(info, XT_CONNTRACK_REPLDST, cb->invert);
		return 0;
	case O_CTORIGSRCPORT:
	case O_CTORIGDSTPORT:
	case O_CTREPLSRCPORT:
	case O_CTREPLDSTPORT:
		return put_ports(cb, info);
	case O_CTSTATUS:
		if (parse_names(cb->arg, ct_statuses, true, "ctstatus", &info->status_mask) < 0)
			return -1;
		set_flag(info, XT_CONNTRACK_STATUS, cb->invert);
		return 0;
	case O_CTEXPIRE:
		if (cb->val.u32_range[0] > cb->val.u32_range[1])
			return xt_error(PARAMETER_PROBLEM,
					"conntrack: invalid range for \"--ctexpire\": %u > %u",
					cb->val.u32_range[0], cb->val.u32_range[1]);
		info->expires_min = cb->val.u32_range[0];
		info->expires_max = cb->val.u32_range[1];
		set_flag(info, XT_CONNTRACK_EXPIRES, cb->invert);
		return 0;
	case O_CTDIR:
		return parse_dir(cb, info);
	}
	return 0;
}

static int conntrack_fcheck(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "conntrack: At least one option is required");
	return 0;
}

/*
 * Printing.  Revisions 1 and 2 are widened to revision 3 first, so one
 * printer serves all three.
 */
static void print_names(FILE *f, const struct bit_name *names, uint16_t mask,
			const char *none)
{
	const char *sep = "";

	if (!mask && none) {
		fprintf(f, "%s", none);
		return;
	}
	for (; names->name; names++)
		if (mask & names->bit) {
			fprintf(f, "%s%s", sep, names->name);
			sep = ",";
		}
}

/* -L without -n names hosts as iptables does: the network, the host, or
 * the number. */
static const char *host_name(const struct in_addr *a)
{
	struct netent *n = getnetbyaddr(ntohl(a->s_addr), AF_INET);
	struct hostent *h;

	if (n)
		return n->n_name;
	h = gethostbyaddr(a, sizeof(*a), AF_INET);
	return h ? h->h_name : xt_ipaddr_to_numeric(a);
}

/* As iptables: "anywhere" only for the zero address, and only in -L. */
static void print_addr(FILE *f, const union nf_inet_addr *a,
		       const union nf_inet_addr *m, bool numeric)
{
	if (!a->ip && !numeric) {
		fputs("anywhere", f);
		return;
	}
	fputs(numeric ? xt_ipaddr_to_numeric(&a->in) : host_name(&a->in), f);
	fputs(xt_ipmask_to_numeric(&m->in), f);
}

static void print_range(FILE *f, unsigned long lo, unsigned long hi)
{
	if (lo == hi)
		fprintf(f, "%lu", lo);
	else
		fprintf(f, "%lu:%lu", lo, hi);
}

/* One item: " [!] word" for -L, " [!] --word" for save. */
static void item(FILE *f, const struct xt_conntrack_mtinfo3 *info, uint16_t flag,
		 const char *word, bool save)
{
	fprintf(f, "%s %s%s ", info->invert_flags & flag ? " !" : "",
		save ? "--" : "", word);
}

static void dump_state_alias(FILE *f, const struct xt_conntrack_mtinfo3 *info, bool save)
{
	item(f, info, XT_CONNTRACK_STATE, "state", save);
	print_names(f, ct_states, info->state_mask, NULL);
}

static void dump(FILE *f, const struct xt_conntrack_mtinfo3 *info, bool numeric,
		 bool save)
{
	static const struct {
		uint16_t flag;
		const char *word;
		size_t addr, mask;
	} addrs[] = {
		{ XT_CONNTRACK_ORIGSRC, "ctorigsrc",
		  offsetof(struct xt_conntrack_mtinfo3, origsrc_addr),
		  offsetof(struct xt_conntrack_mtinfo3, origsrc_mask) },
		{ XT_CONNTRACK_ORIGDST, "ctorigdst",
		  offsetof(struct xt_conntrack_mtinfo3, origdst_addr),
		  offsetof(struct xt_conntrack_mtinfo3, origdst_mask) },
		{ XT_CONNTRACK_REPLSRC, "ctreplsrc",
		  offsetof(struct xt_conntrack_mtinfo3, replsrc_addr),
		  offsetof(struct xt_conntrack_mtinfo3, replsrc_mask) },
		{ XT_CONNTRACK_REPLDST, "ctrepldst",
		  offsetof(struct xt_conntrack_mtinfo3, repldst_addr),
		  offsetof(struct xt_conntrack_mtinfo3, repldst_mask) },
	};
	const struct {
		uint16_t flag;
		const char *word;
		uint16_t lo, hi;
	} ports[] = {
		{ XT_CONNTRACK_ORIGSRC_PORT, "ctorigsrcport", info->origsrc_port,
		  info->origsrc_port_high },
		{ XT_CONNTRACK_ORIGDST_PORT, "ctorigdstport", info->origdst_port,
		  info->origdst_port_high },
		{ XT_CONNTRACK_REPLSRC_PORT, "ctreplsrcport", info->replsrc_port,
		  info->replsrc_port_high },
		{ XT_CONNTRACK_REPLDST_PORT, "ctrepldstport", info->repldst_port,
		  info->repldst_port_high },
	};
	uint16_t fl = info->match_flags;

	if (fl & XT_CONNTRACK_STATE_ALIAS) {
		dump_state_alias(f, info, save);
		return;
	}
	if (fl & XT_CONNTRACK_STATE) {
		item(f, info, XT_CONNTRACK_STATE, "ctstate", save);
		print_names(f, ct_states, info->state_mask, NULL);
	}
	if (fl & XT_CONNTRACK_PROTO) {
		item(f, info, XT_CONNTRACK_PROTO, "ctproto", save);
		fprintf(f, "%u", info->l4proto);
	}
	for (size_t i = 0; i < 4; i++) {
		if (!(fl & addrs[i].flag))
			continue;
		item(f, info, addrs[i].flag, addrs[i].word, save);
		print_addr(f, (const void *)((const char *)info + addrs[i].addr),
			   (const void *)((const char *)info + addrs[i].mask),
			   numeric || save);
	}
	for (size_t i = 0; i < 4; i++) {
		if (!(fl & ports[i].flag))
			continue;
		item(f, info, ports[i].flag, ports[i].word, save);
		print_range(f, ports[i].lo, ports[i].hi);
	}
	if (fl & XT_CONNTRACK_STATUS) {
		item(f, info, XT_CONNTRACK_STATUS, "ctstatus", save);
		print_names(f, ct_statuses, info->status_mask, "NONE");
	}
	if (fl & XT_CONNTRACK_EXPIRES) {
		item(f, info, XT_CONNTRACK_EXPIRES, "ctexpire", save);
		print_range(f, info->expires_min, info->expires_max);
	}
	if (fl & XT_CONNTRACK_DIRECTION)
		fprintf(f, " %sctdir %s", save ? "--" : "",
			info->invert_flags & XT_CONNTRACK_DIRECTION ? "REPLY" : "ORIGINAL");
}

/* Revisions 1 and 2 hold ports in network order, one port each. */
static void widen(const void *data, int rev, struct xt_conntrack_mtinfo3 *out)
{
	const struct xt_conntrack_mtinfo1 *v1 = data;
	const struct xt_conntrack_mtinfo2 *v2 = data;

	memset(out, 0, sizeof(*out));
	memcpy(out, data, offsetof(struct xt_conntrack_mtinfo1, l4proto));
	out->l4proto = v1->l4proto;
	out->origsrc_port = out->origsrc_port_high = ntohs(v1->origsrc_port);
	out->origdst_port = out->origdst_port_high = ntohs(v1->origdst_port);
	out->replsrc_port = out->replsrc_port_high = ntohs(v1->replsrc_port);
	out->repldst_port = out->repldst_port_high = ntohs(v1->repldst_port);
	out->match_flags = v1->match_flags;
	out->invert_flags = v1->invert_flags;
	out->state_mask = rev == 1 ? v1->state_mask : v2->state_mask;
	out->status_mask = rev == 1 ? v1->status_mask : v2->status_mask;
}

static void conntrack3_print(FILE *f, const struct ipt_ip *ip, const void *data,
			     bool numeric)
{
	(void)ip;
	dump(f, data, numeric, false);
}

static void conntrack3_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	dump(f, data, true, true);
}

static void conntrack1_print(FILE *f, const struct ipt_ip *ip, const void *data,
			     bool numeric)
{
	struct xt_conntrack_mtinfo3 w;

	(void)ip;
	widen(data, 1, &w);
	dump(f, &w, numeric, false);
}

static void conntrack1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	struct xt_conntrack_mtinfo3 w;

	(void)ip;
	widen(data, 1, &w);
	dump(f, &w, true, true);
}

static void conntrack2_print(FILE *f, const struct ipt_ip *ip, const void *data,
			     bool numeric)
{
	struct xt_conntrack_mtinfo3 w;

	(void)ip;
	widen(data, 2, &w);
	dump(f, &w, numeric, false);
}

static void conntrack2_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	struct xt_conntrack_mtinfo3 w;

	(void)ip;
	widen(data, 2, &w);
	dump(f, &w, true, true);
}

static const char *conntrack3_alias(const void *data)
{
	const struct xt_conntrack_mtinfo3 *info = data;

	return info->match_flags & XT_CONNTRACK_STATE_ALIAS ? "state" : "conntrack";
}

static const char *conntrack2_alias(const void *data)
{
	const struct xt_conntrack_mtinfo2 *info = data;

	return info->match_flags & XT_CONNTRACK_STATE_ALIAS ? "state" : "conntrack";
}

static const char *conntrack1_alias(const void *data)
{
	const struct xt_conntrack_mtinfo1 *info = data;

	return info->match_flags & XT_CONNTRACK_STATE_ALIAS ? "state" : "conntrack";
}

/* Kernel half: conntrack_mt. */

static bool addr_hit(const union nf_inet_addr *have, const union nf_inet_addr *want,
		     const union nf_inet_addr *mask)
{
	return ((have->ip ^ want->ip) & mask->ip) == 0;
}

static bool port_hit(uint16_t be_port, uint16_t lo, uint16_t hi, bool inv)
{
	uint16_t p = ntohs(be_port);

	return (p >= lo && p <= hi) != inv;
}

static bool tuple_ok(const struct xt_conntrack_mtinfo3 *info, const struct uipt_conn *ct)
{
	const struct uipt_tuple *o = &ct->tuple[UIPT_DIR_ORIGINAL];
	const struct uipt_tuple *r = &ct->tuple[UIPT_DIR_REPLY];
	uint16_t fl = info->match_flags, inv = info->invert_flags;

	if ((fl & XT_CONNTRACK_ORIGSRC) &&
	    addr_hit(&o->src, &info->origsrc_addr, &info->origsrc_mask) != !(inv & XT_CONNTRACK_ORIGSRC))
		return false;
	if ((fl & XT_CONNTRACK_ORIGDST) &&
	    addr_hit(&o->dst, &info->origdst_addr, &info->origdst_mask) != !(inv & XT_CONNTRACK_ORIGDST))
		return false;
	if ((fl & XT_CONNTRACK_REPLSRC) &&
	    addr_hit(&r->src, &info->replsrc_addr, &info->replsrc_mask) != !(inv & XT_CONNTRACK_REPLSRC))
		return false;
	if ((fl & XT_CONNTRACK_REPLDST) &&
	    addr_hit(&r->dst, &info->repldst_addr, &info->repldst_mask) != !(inv & XT_CONNTRACK_REPLDST))
		return false;
	if ((fl & XT_CONNTRACK_PROTO) &&
	    (o->l4proto == info->l4proto) != !(inv & XT_CONNTRACK_PROTO))
		return false;
	if ((fl & XT_CONNTRACK_ORIGSRC_PORT) &&
	    !port_hit(o->sport, info->origsrc_port, info->origsrc_port_high,
		      inv & XT_CONNTRACK_ORIGSRC_PORT))
		return false;
	if ((fl & XT_CONNTRACK_ORIGDST_PORT) &&
	    !port_hit(o->dport, info->origdst_port, info->origdst_port_high,
		      inv & XT_CONNTRACK_ORIGDST_PORT))
		return false;
	if ((fl & XT_CONNTRACK_REPLSRC_PORT) &&
	    !port_hit(r->sport, info->replsrc_port, info->replsrc_port_high,
		      inv & XT_CONNTRACK_REPLSRC_PORT))
		return false;
	if ((fl & XT_CONNTRACK_REPLDST_PORT) &&
	    !port_hit(r->dport, info->repldst_port, info->repldst_port_high,
		      inv & XT_CONNTRACK_REPLDST_PORT))
		return false;
	return true;
}

/* Seconds left, as nf_ct_expires() / HZ.  Until confirmed, the kernel's
 * timeout is still relative (the clock is added at confirmation), so the
 * difference comes out negative and is clamped: 0. */
static uint64_t seconds_left(const struct uipt_conn *ct, uint64_t now)
{
	if (!(ct->status & IPS_CONFIRMED))
		return 0;
	return ct->timeout_ns > now ? (ct->timeout_ns - now) / 1000000000ull : 0;
}

static bool ct_match(const struct xt_pkt *pkt, const struct xt_conntrack_mtinfo3 *info)
{
	const struct uipt_conn *ct = pkt->untracked ? NULL : pkt->ct;
	uint16_t fl = info->match_flags, inv = info->invert_flags;
	unsigned int statebit;

	if (ct)
		statebit = XT_CONNTRACK_STATE_BIT(pkt->ctinfo);
	else if (pkt->untracked || pkt->ctinfo == UIPT_CT_UNTRACKED)
		statebit = XT_CONNTRACK_STATE_UNTRACKED;
	else
		statebit = XT_CONNTRACK_STATE_INVALID;

	if (fl & XT_CONNTRACK_STATE) {
		if (ct && (ct->status & IPS_SRC_NAT))
			statebit |= XT_CONNTRACK_STATE_SNAT;
		if (ct && (ct->status & IPS_DST_NAT))
			statebit |= XT_CONNTRACK_STATE_DNAT;
		if (!!(info->state_mask & statebit) == !!(inv & XT_CONNTRACK_STATE))
			return false;
	}
	/* Without a connection only the state can have been asked. */
	if (!ct)
		return fl & XT_CONNTRACK_STATE;
	if ((fl & XT_CONNTRACK_DIRECTION) &&
	    (pkt->ctinfo < UIPT_CT_ESTABLISHED_REPLY) == !!(inv & XT_CONNTRACK_DIRECTION))
		return false;
	if (!tuple_ok(info, ct))
		return false;
	if ((fl & XT_CONNTRACK_STATUS) &&
	    !!(info->status_mask & ct->status) == !!(inv & XT_CONNTRACK_STATUS))
		return false;
	if (fl & XT_CONNTRACK_EXPIRES) {
		uint64_t left = seconds_left(ct, pkt->now_ns);
		bool in = left >= info->expires_min && left <= info->expires_max;

		if (in == !!(inv & XT_CONNTRACK_EXPIRES))
			return false;
	}
	return true;
}

static bool conntrack3_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	return ct_match(pkt, par->data);
}

static bool conntrack1_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	struct xt_conntrack_mtinfo3 w;

	widen(par->data, 1, &w);
	return ct_match(pkt, &w);
}

static bool conntrack2_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	struct xt_conntrack_mtinfo3 w;

	widen(par->data, 2, &w);
	return ct_match(pkt, &w);
}

static struct xtables_match conntrack_matches[] = {
	{
		.name = "conntrack",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_conntrack_mtinfo1),
		.userspacesize = sizeof(struct xt_conntrack_mtinfo1),
		.help = conntrack_help,
		.print = conntrack1_print,
		.save = conntrack1_save,
		.alias = conntrack1_alias,
		.match = conntrack1_match,
	},
	{
		.name = "conntrack",
		.revision = 2,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_conntrack_mtinfo2),
		.userspacesize = sizeof(struct xt_conntrack_mtinfo2),
		.help = conntrack_help,
		.print = conntrack2_print,
		.save = conntrack2_save,
		.alias = conntrack2_alias,
		.match = conntrack2_match,
	},
	{
		.name = "conntrack",
		.revision = 3,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_conntrack_mtinfo3),
		.userspacesize = sizeof(struct xt_conntrack_mtinfo3),
		.help = conntrack_help,
		.parse = conntrack_parse,
		.final_check = conntrack_fcheck,
		.print = conntrack3_print,
		.save = conntrack3_save,
		.alias = conntrack3_alias,
		.options = conntrack_opts,
		.match = conntrack3_match,
	},
};

void libxt_conntrack_init(void)
{
	xtables_register_matches(conntrack_matches,
				 sizeof(conntrack_matches) / sizeof(conntrack_matches[0]));
}
