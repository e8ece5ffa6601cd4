/*
 * SNAT, DNAT, MASQUERADE and REDIRECT: the NAT targets, sharing the way
 * addresses and ports are written (addr[-addr][:port[-port[/base]]]).
 * As in the kernel, older layouts are converted to struct nf_nat_range2
 * before the core binds the connection.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <uiptables/conntrack.h>
#include <uiptables/host.h>
#include <linux/netfilter/nf_nat.h>

#define MAIN_TABLE 254		/* RT_TABLE_MAIN; <linux/rtnetlink.h> clashes with <net/if.h> */

enum { O_TO_SRC, O_TO_DEST, O_TO_PORTS, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

static const struct xt_option_entry snat_opts[] = {
	{ .name = "to-source", .id = O_TO_SRC, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "random", .id = O_RANDOM, .type = XTTYPE_NONE },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .type = XTTYPE_NONE },
	{ .name = "persistent", .id = O_PERSISTENT, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry dnat_opts[] = {
	{ .name = "to-destination", .id = O_TO_DEST, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "random", .id = O_RANDOM, .type = XTTYPE_NONE },
	{ .name = "persistent", .id = O_PERSISTENT, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry masq_opts[] = {
	{ .name = "to-ports", .id = O_TO_PORTS, .type = XTTYPE_STRING },
	{ .name = "random", .id = O_RANDOM, .type = XTTYPE_NONE },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry redir_opts[] = {
	{ .name = "to-ports", .id = O_TO_PORTS, .type = XTTYPE_STRING },
	{ .name = "random", .id = O_RANDOM, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void snat_help(FILE *f)
{
	fprintf(f, "SNAT target options:\n"
		" --to-source [<ipaddr>[-<ipaddr>]][:port[-port]]\n"
		"                          rewrite the source to this address (range), and port (range)\n"
		"[--random] [--random-fully] [--persistent]\n"
		"                          pick ports at random / fully at random; keep a client on one address\n");
}

static void dnat_help(FILE *f)
{
	fprintf(f, "DNAT target options:\n"
		" --to-destination [<ipaddr>[-<ipaddr>]][:port[-port[/base]]]\n"
		"                          rewrite the destination to this address (range), and port (range),\n"
		"                          ports shifted from base when given\n"
		"[--random] [--persistent]\n"
		"                          pick ports at random; keep a client on one address\n");
}

static void masq_help(FILE *f)
{
	fprintf(f, "MASQUERADE target options:\n"
		" --to-ports <port>[-<port>]\n"
		"                          source port (range) to use\n"
		" --random                 pick source ports at random\n"
		" --random-fully           pick source ports fully at random\n");
}

static void redir_help(FILE *f)
{
	fprintf(f, "REDIRECT target options:\n"
		" --to-ports <port>[-<port>]\n"
		"                          destination port (range) on this host\n"
		" --random                 pick ports at random\n");
}

/* ---- parsing, into an nf_nat_range2 whatever the revision ---- */

/* Protocols whose ports the kernel NAT can rewrite (and ICMP's id). */
static bool ports_allowed(const struct xt_option_call *cb)
{
	uint16_t proto = cb->entry_ip ? cb->entry_ip->ip.proto : 0;

	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP || proto == IPPROTO_ICMP;
}

/* A number, or for the first port and the base a service name too. */
static bool port_value(const char *arg, char **end, bool by_name,
		       unsigned long long min, unsigned long long *v)
{
	int p;

	if (xt_strtoul(arg, end, v, min, UINT16_MAX))
		return true;
	if (!by_name || (p = xt_service_to_port(arg, NULL)) < 0)
		return false;
	*v = (unsigned int)p;
	if (end)
		*end = (char *)arg + strlen(arg);
	return true;
}

static int parse_ports(const char *arg, bool portok, struct nf_nat_range2 *r)
{
	unsigned long long lo, hi, base;
	char *end;

	if (!portok)
		return xt_error(PARAMETER_PROBLEM,
				"Need TCP, UDP, SCTP or DCCP with port specification");
	r->flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	if (!port_value(arg, &end, true, 0, &lo))
		return xt_error(PARAMETER_PROBLEM, "Port `%s' not valid", arg);
	switch (*end) {
	case '\0':
		r->min_proto.all = r->max_proto.all = htons((uint16_t)lo);
		return 0;
	case '-':
		arg = end + 1;
		break;
	case ':':
		return xt_error(PARAMETER_PROBLEM, "Invalid port:port syntax - use dash");
	default:
		return xt_error(PARAMETER_PROBLEM, "Garbage after port value: `%s'", end);
	}
	if (!port_value(arg, &end, false, 0, &hi))
		return xt_error(PARAMETER_PROBLEM, "Port `%s' not valid", arg);
	if (hi < lo)
		return xt_error(PARAMETER_PROBLEM, "Port range `%s' funky", arg);
	r->min_proto.all = htons((uint16_t)lo);
	r->max_proto.all = htons((uint16_t)hi);
	if (!*end)
		return 0;
	if (*end != '/')
		return xt_error(PARAMETER_PROBLEM, "Garbage after port range: `%s'", end);
	arg = end + 1;
	if (!port_value(arg, NULL, true, 1, &base))
		return xt_error(PARAMETER_PROBLEM, "Port `%s' not valid", arg);
	r->flags |= NF_NAT_RANGE_PROTO_OFFSET;
	r->base_proto.all = htons((uint16_t)base);
	return 0;
}

static int parse_addr(const char *s, union nf_inet_addr *a)
{
	if (inet_pton(AF_INET, s, &a->in) != 1)
		return xt_error(PARAMETER_PROBLEM, "Bad IP address \"%s\"", s);
	return 0;
}

/* addr[-addr][:ports]; a second ':' means an IPv6 address, bad here. */
static int parse_to(const char *orig, bool portok, struct nf_nat_range2 *r)
{
	char *arg = strdup(orig), *colon, *dash;
	int ret = -1;

	if (!arg)
		abort();
	if (strchr(arg, '[')) {
		ret = xt_error(PARAMETER_PROBLEM, "Invalid address format");
		goto out;
	}
	colon = strchr(arg, ':');
	if (colon && strchr(colon + 1, ':'))
		colon = NULL;
	if (colon) {
		if (parse_ports(colon + 1, portok, r) < 0)
			goto out;
		if (colon == arg) {
			ret = 0;
			goto out;
		}
		*colon = '\0';
	}
	r->flags |= NF_NAT_RANGE_MAP_IPS;
	dash = strchr(arg, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_addr(arg, &r->min_addr) < 0)
		goto out;
	r->max_addr = r->min_addr;
	ret = dash ? parse_addr(dash, &r->max_addr) : 0;
out:
	free(arg);
	return ret;
}

static void flag_option(unsigned int id, unsigned int *flags)
{
	switch (id) {
	case O_RANDOM:
		*flags |= NF_NAT_RANGE_PROTO_RANDOM;
		break;
	case O_RANDOM_FULLY:
		*flags |= NF_NAT_RANGE_PROTO_RANDOM_FULLY;
		break;
	case O_PERSISTENT:
		*flags |= NF_NAT_RANGE_PERSISTENT;
		break;
	}
}

static int parse_range2(struct xt_option_call *cb, struct nf_nat_range2 *r)
{
	switch (cb->entry->id) {
	case O_TO_SRC:
	case O_TO_DEST:
		return parse_to(cb->arg, ports_allowed(cb), r);
	case O_TO_PORTS:
		return parse_ports(cb->arg, ports_allowed(cb), r);
	}
	flag_option(cb->entry->id, &r->flags);
	return 0;
}

/* ---- the old single-range layout, as the kernel converts it ---- */

static void from_compat(const struct nf_nat_ipv4_multi_range_compat *mr,
			struct nf_nat_range2 *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = mr->range[0].flags;
	r->min_addr.ip = mr->range[0].min_ip;
	r->max_addr.ip = mr->range[0].max_ip;
	r->min_proto = mr->range[0].min;
	r->max_proto = mr->range[0].max;
}

static void to_compat(const struct nf_nat_range2 *r,
		      struct nf_nat_ipv4_multi_range_compat *mr)
{
	mr->rangesize = 1;
	mr->range[0].flags = r->flags;
	mr->range[0].min_ip = r->min_addr.ip;
	mr->range[0].max_ip = r->max_addr.ip;
	mr->range[0].min = r->min_proto;
	mr->range[0].max = r->max_proto;
}

static void from_range1(const struct nf_nat_range *r1, struct nf_nat_range2 *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r, r1, sizeof(*r1));
}

static void compat_init(void *data)
{
	struct nf_nat_ipv4_multi_range_compat *mr = data;

	mr->rangesize = 1;
}

static int compat_parse(struct xt_option_call *cb)
{
	struct nf_nat_ipv4_multi_range_compat *mr = cb->data;
	struct nf_nat_range2 r;

	from_compat(mr, &r);
	if (parse_range2(cb, &r) < 0)
		return -1;
	to_compat(&r, mr);
	return 0;
}

/* Only DNAT's own layout can carry a port shift. */
static int redir_fcheck(struct xt_fcheck_call *cb)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = cb->data;

	if (mr->range[0].flags & NF_NAT_RANGE_PROTO_OFFSET)
		return xt_error(PARAMETER_PROBLEM,
				"Shifted portmap ranges not supported with this kernel");
	return 0;
}

static int dnat2_parse(struct xt_option_call *cb)
{
	return parse_range2(cb, cb->data);
}

/* ---- printing ---- */

static void print_range(FILE *f, const struct nf_nat_range2 *r, bool skip_colon)
{
	struct in_addr a;

	if (r->flags & NF_NAT_RANGE_MAP_IPS) {
		a.s_addr = r->min_addr.ip;
		fputs(xt_ipaddr_to_numeric(&a), f);
		if (r->max_addr.ip != r->min_addr.ip) {
			a.s_addr = r->max_addr.ip;
			fprintf(f, "-%s", xt_ipaddr_to_numeric(&a));
		}
	}
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		if (!skip_colon || (r->flags & NF_NAT_RANGE_MAP_IPS))
			fputc(':', f);
		fprintf(f, "%u", ntohs(r->min_proto.all));
		if (r->max_proto.all != r->min_proto.all)
			fprintf(f, "-%u", ntohs(r->max_proto.all));
		if (r->flags & NF_NAT_RANGE_PROTO_OFFSET)
			fprintf(f, "/%u", ntohs(r->base_proto.all));
	}
}

static bool has_range(const struct nf_nat_range2 *r)
{
	return r->flags & (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
}

static void print_flags(FILE *f, unsigned int flags, const char *pfx)
{
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		fprintf(f, " %srandom", pfx);
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		fprintf(f, " %srandom-fully", pfx);
	if (flags & NF_NAT_RANGE_PERSISTENT)
		fprintf(f, " %spersistent", pfx);
}

/* How each target writes its range: -L word, save option, and whether
 * a range without addresses drops the colon before the ports. */
struct nat_style {
	const char *list, *save;
	bool skip_colon;
};

static const struct nat_style snat_style = { "to:", "--to-source ", false };
static const struct nat_style dnat_style = { "to:", "--to-destination ", false };
static const struct nat_style masq_style = { "masq ports: ", "--to-ports ", true };
static const struct nat_style redir_style = { "redir ports ", "--to-ports ", true };

static void show(FILE *f, const struct nf_nat_range2 *r, const struct nat_style *st,
		 bool save)
{
	if (has_range(r)) {
		fprintf(f, " %s", save ? st->save : st->list);
		print_range(f, r, st->skip_colon);
	}
	print_flags(f, r->flags, save ? "--" : "");
}

static void show_compat(FILE *f, const void *data, const struct nat_style *st, bool save)
{
	struct nf_nat_range2 r;

	from_compat(data, &r);
	show(f, &r, st, save);
}

static void snat_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show_compat(f, data, &snat_style, false);
}

static void snat_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show_compat(f, data, &snat_style, true);
}

static void dnat0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show_compat(f, data, &dnat_style, false);
}

static void dnat0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show_compat(f, data, &dnat_style, true);
}

static void dnat1_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	struct nf_nat_range2 r;

	(void)ip;
	(void)numeric;
	from_range1(data, &r);
	show(f, &r, &dnat_style, false);
}

static void dnat1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	struct nf_nat_range2 r;

	(void)ip;
	from_range1(data, &r);
	show(f, &r, &dnat_style, true);
}

static void dnat2_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, &dnat_style, false);
}

static void dnat2_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, &dnat_style, true);
}

static void masq_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show_compat(f, data, &masq_style, false);
}

static void masq_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show_compat(f, data, &masq_style, true);
}

static void redir_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show_compat(f, data, &redir_style, false);
}

static void redir_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show_compat(f, data, &redir_style, true);
}

/* ---- kernel half ---- */

static int one_range(const struct xt_check_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->data;

	if (mr->rangesize != 1)
		return xt_error(OTHER_PROBLEM, "multiple ranges no longer supported");
	return 0;
}

/* MASQUERADE and REDIRECT choose the address themselves. */
static int ports_only(const struct xt_check_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->data;

	if (mr->range[0].flags & NF_NAT_RANGE_MAP_IPS)
		return xt_error(OTHER_PROBLEM, "bad MAP_IPS.");
	return one_range(par);
}

static unsigned int nat_bind(struct xt_pkt *pkt, const struct nf_nat_range2 *r, bool snat)
{
	if (!pkt->ops || !pkt->ops->nat)
		return NF_ACCEPT;
	return pkt->ops->nat(pkt, r, snat);
}

static unsigned int snat_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct nf_nat_range2 r;

	from_compat(par->data, &r);
	return nat_bind(pkt, &r, true);
}

static unsigned int dnat0_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct nf_nat_range2 r;

	from_compat(par->data, &r);
	return nat_bind(pkt, &r, false);
}

static unsigned int dnat1_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct nf_nat_range2 r;

	from_range1(par->data, &r);
	return nat_bind(pkt, &r, false);
}

static unsigned int dnat2_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	return nat_bind(pkt, par->data, false);
}

static const struct uipt_host_iface *find_iface(const struct uipt_host *h, const char *name)
{
	for (unsigned int i = 0; h && i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, name))
			return &h->ifaces[i];
	return NULL;
}

static bool in_prefix(uint32_t a, uint32_t net, unsigned int len)
{
	uint32_t m = len ? htonl(~0u << (32 - (len > 32 ? 32 : len))) : 0;

	return !((a ^ net) & m);
}

/* The next hop toward dst: the gateway of the longest matching route. */
static uint32_t next_hop(const struct uipt_host *h, uint32_t dst)
{
	const struct uipt_host_route *best = NULL;

	for (unsigned int i = 0; h && i < h->nroutes; i++) {
		const struct uipt_host_route *rt = &h->routes[i];

		if (rt->family != AF_INET || (rt->table && rt->table != MAIN_TABLE) ||
		    !in_prefix(dst, rt->dst.v4.s_addr, rt->dst_len))
			continue;
		if (!best || rt->dst_len > best->dst_len ||
		    (rt->dst_len == best->dst_len && rt->metric < best->metric))
			best = rt;
	}
	return best && best->gateway.v4.s_addr ? best->gateway.v4.s_addr : dst;
}

/* inet_select_addr: a global address of the device, one on the next
 * hop's subnet first. */
static uint32_t select_addr(const struct uipt_host_iface *dev, uint32_t nh)
{
	uint32_t first = 0;

	for (unsigned int i = 0; dev && i < dev->naddrs; i++) {
		const struct uipt_host_addr *a = &dev->addrs[i];

		if (a->family != AF_INET || in_prefix(a->addr.v4.s_addr, htonl(0x7f000000), 8))
			continue;
		if (in_prefix(nh, a->addr.v4.s_addr, a->prefixlen))
			return a->addr.v4.s_addr;
		if (!first)
			first = a->addr.v4.s_addr;
	}
	return first;
}

static unsigned int masq_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct nf_nat_range2 r;
	uint32_t daddr, src;

	/* A local packet with no source yet is probably never sent. */
	if (pkt->ct && !pkt->ct->tuple[UIPT_DIR_ORIGINAL].src.ip)
		return NF_ACCEPT;
	memcpy(&daddr, pkt->data + 16, 4);
	src = select_addr(find_iface(pkt->host, pkt->out), next_hop(pkt->host, daddr));
	if (!src)
		return NF_DROP;	/* "ate my IP address" */
	from_compat(par->data, &r);
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr.ip = r.max_addr.ip = src;
	return nat_bind(pkt, &r, true);
}

/* The first address of the arriving device, or loopback for local ones. */
static uint32_t redirect_addr(const struct xt_pkt *pkt)
{
	const struct uipt_host_iface *dev;

	if (pkt->hook == NF_INET_LOCAL_OUT)
		return htonl(INADDR_LOOPBACK);
	dev = find_iface(pkt->host, pkt->in);
	for (unsigned int i = 0; dev && i < dev->naddrs; i++)
		if (dev->addrs[i].family == AF_INET)
			return dev->addrs[i].addr.v4.s_addr;
	return 0;
}

static unsigned int redir_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct nf_nat_range2 r;
	uint32_t dst = redirect_addr(pkt);

	if (!dst)
		return NF_DROP;
	from_compat(par->data, &r);
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr.ip = r.max_addr.ip = dst;
	return nat_bind(pkt, &r, false);
}

#define SNAT_HOOKS ((1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_IN))
#define DNAT_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static struct xtables_target nat_targets[] = {
	{
		.name = "SNAT",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.userspacesize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.help = snat_help,
		.init = compat_init,
		.parse = compat_parse,
		.print = snat_print,
		.save = snat_save,
		.options = snat_opts,
		.table = "nat",
		.hooks = SNAT_HOOKS,
		.checkentry = one_range,
		.target = snat_target,
	},
	{
		.name = "DNAT",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.userspacesize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.help = dnat_help,
		.init = compat_init,
		.parse = compat_parse,
		.print = dnat0_print,
		.save = dnat0_save,
		.options = dnat_opts,
		.table = "nat",
		.hooks = DNAT_HOOKS,
		.checkentry = one_range,
		.target = dnat0_target,
	},
	{
		.name = "DNAT",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_range),
		.userspacesize = sizeof(struct nf_nat_range),
		.help = dnat_help,
		.print = dnat1_print,
		.save = dnat1_save,
		.table = "nat",
		.hooks = DNAT_HOOKS,
		.target = dnat1_target,
	},
	{
		.name = "DNAT",
		.revision = 2,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_range2),
		.userspacesize = sizeof(struct nf_nat_range2),
		.help = dnat_help,
		.parse = dnat2_parse,
		.print = dnat2_print,
		.save = dnat2_save,
		.options = dnat_opts,
		.table = "nat",
		.hooks = DNAT_HOOKS,
		.target = dnat2_target,
	},
	{
		.name = "MASQUERADE",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.userspacesize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.help = masq_help,
		.init = compat_init,
		.parse = compat_parse,
		.print = masq_print,
		.save = masq_save,
		.options = masq_opts,
		.table = "nat",
		.hooks = 1 << NF_INET_POST_ROUTING,
		.checkentry = ports_only,
		.target = masq_target,
	},
	{
		.name = "REDIRECT",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.userspacesize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.help = redir_help,
		.init = compat_init,
		.parse = compat_parse,
		.final_check = redir_fcheck,
		.print = redir_print,
		.save = redir_save,
		.options = redir_opts,
		.table = "nat",
		.hooks = DNAT_HOOKS,
		.checkentry = ports_only,
		.target = redir_target,
	},
};

void libxt_NAT_init(void)
{
	xtables_register_targets(nat_targets, sizeof(nat_targets) / sizeof(nat_targets[0]));
}
