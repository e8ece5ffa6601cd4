/* addrtype: the routing type (LOCAL, BROADCAST...) of source/destination. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/rtnetlink.h>

enum { O_SRC_TYPE, O_DST_TYPE, O_LIMIT_IN, O_LIMIT_OUT };

static const struct xt_option_entry addrtype_opts[] = {
	{ .name = "src-type", .id = O_SRC_TYPE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT },
	{ .name = "dst-type", .id = O_DST_TYPE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT },
	{ .name = "limit-iface-in", .id = O_LIMIT_IN, .type = XTTYPE_NONE,
	  .excl = 1 << O_LIMIT_OUT },
	{ .name = "limit-iface-out", .id = O_LIMIT_OUT, .type = XTTYPE_NONE,
	  .excl = 1 << O_LIMIT_IN },
	XTOPT_TABLEEND,
};

/* Index i is the route type i (RTN_*), bit 1 << i in the masks. */
static const char *const type_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};

#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

static void addrtype_help(FILE *f)
{
	fprintf(f, "Address type match options:\n"
		" [!] --src-type type[,...]      Match source address type\n"
		" [!] --dst-type type[,...]      Match destination address type\n"
		"     --limit-iface-in           Match only on the packet's incoming device\n"
		"     --limit-iface-out          Match only on the packet's outgoing device\n"
		"\n"
		"Valid types:           \n");
	for (size_t i = 0; i < NTYPES; i++)
		fprintf(f, "                                %s\n", type_names[i]);
}

static int parse_types(const char *arg, uint16_t *mask)
{
	char *buf = strdup(arg), *cp = buf;
	int ret = 0;

	/* Split by hand: an empty name between commas is an error too. */
	while (cp && !ret) {
		char *next = strchr(cp, ',');
		size_t i;

		if (next)
			*next++ = '\0';
		for (i = 0; i < NTYPES; i++)
			if (!strcasecmp(cp, type_names[i]))
				break;
		if (i == NTYPES)
			ret = xt_error(PARAMETER_PROBLEM, "addrtype: bad type \"%s\"", cp);
		else
			*mask |= (uint16_t)(1u << i);
		cp = next;
	}
	free(buf);
	return ret;
}

static int addrtype_parse(struct xt_option_call *cb)
{
	struct xt_addrtype_info_v1 *info = cb->data;

	switch (cb->entry->id) {
	case O_SRC_TYPE:
		if (cb->invert)
			info->flags |= XT_ADDRTYPE_INVERT_SOURCE;
		return parse_types(cb->arg, &info->source);
	case O_DST_TYPE:
		if (cb->invert)
			info->flags |= XT_ADDRTYPE_INVERT_DEST;
		return parse_types(cb->arg, &info->dest);
	case O_LIMIT_IN:
		info->flags |= XT_ADDRTYPE_LIMIT_IFACE_IN;
		return 0;
	case O_LIMIT_OUT:
		info->flags |= XT_ADDRTYPE_LIMIT_IFACE_OUT;
		return 0;
	}
	return 0;
}

static int addrtype_final(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ((1 << O_SRC_TYPE) | (1 << O_DST_TYPE))))
		return xt_error(PARAMETER_PROBLEM,
				"addrtype: you must specify --src-type or --dst-type");
	return 0;
}

static void print_types(FILE *f, uint16_t mask)
{
	const char *sep = "";

	for (size_t i = 0; i < NTYPES; i++)
		if (mask & (1u << i)) {
			fprintf(f, "%s%s", sep, type_names[i]);
			sep = ",";
		}
}

static void print_side(FILE *f, const char *what, uint16_t mask, bool inv)
{
	if (!mask)
		return;
	fprintf(f, " %s %s", what, inv ? "!" : "");
	print_types(f, mask);
}

static void save_side(FILE *f, const char *opt, uint16_t mask, bool inv)
{
	if (!mask)
		return;
	fprintf(f, "%s --%s ", inv ? " !" : "", opt);
	print_types(f, mask);
}

static void addrtype_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_addrtype_info_v1 *info = data;

	(void)ip;
	(void)numeric;
	fputs(" ADDRTYPE match", f);
	print_side(f, "src-type", info->source, info->flags & XT_ADDRTYPE_INVERT_SOURCE);
	print_side(f, "dst-type", info->dest, info->flags & XT_ADDRTYPE_INVERT_DEST);
	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		fputs(" limit-in", f);
	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		fputs(" limit-out", f);
}

static void addrtype_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_addrtype_info_v1 *info = data;

	(void)ip;
	save_side(f, "src-type", info->source, info->flags & XT_ADDRTYPE_INVERT_SOURCE);
	save_side(f, "dst-type", info->dest, info->flags & XT_ADDRTYPE_INVERT_DEST);
	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		fputs(" --limit-iface-in", f);
	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		fputs(" --limit-iface-out", f);
}

static void addrtype0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_addrtype_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" ADDRTYPE match", f);
	print_side(f, "src-type", info->source, info->invert_source);
	print_side(f, "dst-type", info->dest, info->invert_dest);
}

static void addrtype0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_addrtype_info *info = data;

	(void)ip;
	save_side(f, "src-type", info->source, info->invert_source);
	save_side(f, "dst-type", info->dest, info->invert_dest);
}

static int addrtype_check(const struct xt_check_param *par)
{
	const struct xt_addrtype_info_v1 *info = par->data;
	const unsigned int in_hooks = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN);
	const unsigned int out_hooks = (1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_OUT);

	if ((info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN) &&
	    (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return xt_error(OTHER_PROBLEM, "addrtype: both incoming and outgoing "
				"interface limitation cannot be selected");
	if ((par->hook_mask & in_hooks) && (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return xt_error(OTHER_PROBLEM, "addrtype: output interface limitation "
				"not valid in PREROUTING and INPUT");
	if ((par->hook_mask & out_hooks) && (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN))
		return xt_error(OTHER_PROBLEM, "addrtype: input interface limitation "
				"not valid in POSTROUTING and OUTPUT");
	return 0;
}

static bool in_prefix(uint32_t a, uint32_t net, unsigned int len)
{
	uint32_t m = len ? htonl(~0u << (32 - len)) : 0;

	return (a & m) == (net & m);
}

static const struct uipt_host_iface *iface_by_index(const struct uipt_host *h, int index)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (h->ifaces[i].index == index)
			return &h->ifaces[i];
	return NULL;
}

/* The local routing table's answer, as the kernel's lookup in it. */
static int local_route_type(const struct uipt_host *h, uint32_t a, const char *dev,
			    bool *found)
{
	const struct uipt_host_route *best = NULL;

	for (unsigned int i = 0; i < h->nroutes; i++) {
		const struct uipt_host_route *r = &h->routes[i];

		if (r->family != AF_INET || r->table != RT_TABLE_LOCAL ||
		    !in_prefix(a, r->dst.v4.s_addr, r->dst_len))
			continue;
		if (!best || r->dst_len > best->dst_len)
			best = r;
	}
	*found = best != NULL;
	if (!best)
		return RTN_UNICAST;
	if (dev) {
		const struct uipt_host_iface *ifc = iface_by_index(h, best->oif);

		if (!ifc || strcmp(ifc->name, dev))
			return RTN_UNICAST;
	}
	return best->type;
}

/* Without local routes in the model: the interfaces' own addresses. */
static int iface_addr_type(const struct uipt_host *h, uint32_t a, const char *dev)
{
	for (unsigned int i = 0; i < h->nifaces; i++) {
		const struct uipt_host_iface *ifc = &h->ifaces[i];

		if (dev && strcmp(ifc->name, dev))
			continue;
		for (unsigned int j = 0; j < ifc->naddrs; j++) {
			const struct uipt_host_addr *ad = &ifc->addrs[j];

			if (ad->family != AF_INET)
				continue;
			if (ad->addr.v4.s_addr == a ||
			    (ifc->loopback && in_prefix(a, ad->addr.v4.s_addr, ad->prefixlen)))
				return RTN_LOCAL;
			if (ad->broadcast.v4.s_addr && ad->broadcast.v4.s_addr == a)
				return RTN_BROADCAST;
		}
	}
	return RTN_UNICAST;
}

/* inet_dev_addr_type: zero net and 255.255.255.255 are broadcast,
 * class D multicast, then the local table decides; the rest is unicast. */
static int addr_type(const struct xt_pkt *pkt, uint32_t a, const char *dev)
{
	uint32_t h = ntohl(a);
	bool found;
	int t;

	if ((h >> 24) == 0 || h == 0xffffffffu)
		return RTN_BROADCAST;
	if ((h >> 28) == 0xe)
		return RTN_MULTICAST;
	if (!pkt->host)
		return RTN_UNICAST;
	t = local_route_type(pkt->host, a, dev, &found);
	return found ? t : iface_addr_type(pkt->host, a, dev);
}

static bool type_in(const struct xt_pkt *pkt, uint32_t a, const char *dev, uint16_t mask)
{
	return mask & (1u << addr_type(pkt, a, dev));
}

static bool addrtype_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_addrtype_info_v1 *info = par->data;
	const char *dev = NULL;
	uint32_t s, d;

	memcpy(&s, pkt->data + 12, 4);
	memcpy(&d, pkt->data + 16, 4);
	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		dev = pkt->in;
	else if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		dev = pkt->out;
	if (info->source &&
	    type_in(pkt, s, dev, info->source) == !!(info->flags & XT_ADDRTYPE_INVERT_SOURCE))
		return false;
	if (info->dest &&
	    type_in(pkt, d, dev, info->dest) == !!(info->flags & XT_ADDRTYPE_INVERT_DEST))
		return false;
	return true;
}

static bool addrtype0_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_addrtype_info *info = par->data;
	uint32_t s, d;

	memcpy(&s, pkt->data + 12, 4);
	memcpy(&d, pkt->data + 16, 4);
	if (info->source && type_in(pkt, s, NULL, info->source) == !!info->invert_source)
		return false;
	if (info->dest && type_in(pkt, d, NULL, info->dest) == !!info->invert_dest)
		return false;
	return true;
}

static struct xtables_match addrtype_exts[] = {
	{
		.name = "addrtype",
		.revision = 0,
		/* IPv4 only in the kernel; UNSPEC here so that -m picks rev 1. */
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_addrtype_info),
		.userspacesize = sizeof(struct xt_addrtype_info),
		.help = addrtype_help,
		.print = addrtype0_print,
		.save = addrtype0_save,
		.match = addrtype0_match,
	},
	{
		.name = "addrtype",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_addrtype_info_v1),
		.userspacesize = sizeof(struct xt_addrtype_info_v1),
		.help = addrtype_help,
		.parse = addrtype_parse,
		.final_check = addrtype_final,
		.print = addrtype_print,
		.save = addrtype_save,
		.options = addrtype_opts,
		.checkentry = addrtype_check,
		.match = addrtype_match,
	},
};

void libxt_addrtype_init(void)
{
	xtables_register_matches(addrtype_exts, 2);
}
