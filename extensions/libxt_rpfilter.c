/* rpfilter: reverse path filter, a route back to the source via the in device. */
#include <arpa/inet.h>
#include <string.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_rpfilter.h>
#include "../libxt/error.h"

enum { O_LOOSE, O_VALIDMARK, O_ACCEPT_LOCAL, O_INVERT };

static const struct xt_option_entry rpfilter_opts[] = {
	{ .name = "loose", .id = O_LOOSE, .type = XTTYPE_NONE },
	{ .name = "validmark", .id = O_VALIDMARK, .type = XTTYPE_NONE },
	{ .name = "accept-local", .id = O_ACCEPT_LOCAL, .type = XTTYPE_NONE },
	{ .name = "invert", .id = O_INVERT, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct {
	uint8_t flag;
	const char *name;
} rp_flags[] = {
	[O_LOOSE] = { XT_RPFILTER_LOOSE, "loose" },
	[O_VALIDMARK] = { XT_RPFILTER_VALID_MARK, "validmark" },
	[O_ACCEPT_LOCAL] = { XT_RPFILTER_ACCEPT_LOCAL, "accept-local" },
	[O_INVERT] = { XT_RPFILTER_INVERT, "invert" },
};

static void rpfilter_help(FILE *f)
{
	fprintf(f, "rpfilter match options:\n"
		"    --loose          a route back to the source through any device will do\n"
		"    --validmark      look the route up with the packet's mark\n"
		"    --accept-local   a source that is a local address passes\n"
		"    --invert         match when the check fails\n");
}

static int rpfilter_parse(struct xt_option_call *cb)
{
	struct xt_rpfilter_info *rp = cb->data;

	rp->flags |= rp_flags[cb->entry->id].flag;
	return 0;
}

static void print_flags(FILE *f, uint8_t flags, const char *prefix)
{
	for (size_t i = 0; i < sizeof(rp_flags) / sizeof(rp_flags[0]); i++)
		if (flags & rp_flags[i].flag)
			fprintf(f, " %s%s", prefix, rp_flags[i].name);
}

static void rpfilter_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	fputs(" rpfilter", f);
	print_flags(f, ((const struct xt_rpfilter_info *)data)->flags, "");
}

static void rpfilter_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	print_flags(f, ((const struct xt_rpfilter_info *)data)->flags, "--");
}

static int rpfilter_check(const struct xt_check_param *par)
{
	const struct xt_rpfilter_info *rp = par->data;
	const uint8_t all = XT_RPFILTER_LOOSE | XT_RPFILTER_VALID_MARK |
			    XT_RPFILTER_ACCEPT_LOCAL | XT_RPFILTER_INVERT;

	if ((rp->flags & ~all) ||
	    (strcmp(par->table, "mangle") && strcmp(par->table, "raw")))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

static const struct uipt_host_iface *iface_by_name(const struct uipt_host *h, const char *name)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, name))
			return &h->ifaces[i];
	return NULL;
}

/* The interface holding a local address, as the local table's routes. */
static const struct uipt_host_iface *local_owner(const struct uipt_host *h, struct in_addr a)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		for (unsigned int j = 0; j < h->ifaces[i].naddrs; j++) {
			const struct uipt_host_addr *ad = &h->ifaces[i].addrs[j];

			if (ad->family == AF_INET && ad->addr.v4.s_addr == a.s_addr)
				return &h->ifaces[i];
		}
	return NULL;
}

static bool in_prefix(struct in_addr a, struct in_addr net, unsigned int len)
{
	uint32_t mask = len ? (uint32_t)(~0ull << (32 - len)) : 0;

	return ((ntohl(a.s_addr) ^ ntohl(net.s_addr)) & mask) == 0;
}

/*
 * Longest prefix, then lowest metric, over the IPv4 routes of the tables
 * the default rules consult (local, main, default; 0 taken as main).
 */
static const struct uipt_host_route *route_to(const struct uipt_host *h, struct in_addr a)
{
	const struct uipt_host_route *best = NULL;

	for (unsigned int i = 0; i < h->nroutes; i++) {
		const struct uipt_host_route *r = &h->routes[i];

		if (r->family != AF_INET || !in_prefix(a, r->dst.v4, r->dst_len) ||
		    (r->table && r->table != RT_TABLE_MAIN && r->table != RT_TABLE_LOCAL &&
		     r->table != RT_TABLE_DEFAULT))
			continue;
		if (!best || r->dst_len > best->dst_len ||
		    (r->dst_len == best->dst_len && r->metric < best->metric))
			best = r;
	}
	return best;
}

/* As rpfilter_lookup_reverse: route to the source, and does it use `in'? */
static bool reverse_ok(const struct uipt_host *h, struct in_addr saddr,
		       const struct uipt_host_iface *in, uint8_t flags)
{
	const struct uipt_host_iface *owner = local_owner(h, saddr);
	const struct uipt_host_route *r;
	int oif;

	if (owner) {
		/* The local table answers first: a RTN_LOCAL route. */
		if (!(flags & XT_RPFILTER_ACCEPT_LOCAL))
			return false;
		oif = owner->index;
	} else {
		r = route_to(h, saddr);
		if (!r)
			return false;
		if (r->type != RTN_UNICAST &&
		    (r->type != RTN_LOCAL || !(flags & XT_RPFILTER_ACCEPT_LOCAL)))
			return false;
		oif = r->oif;
	}
	return (in && oif == in->index) || (flags & XT_RPFILTER_LOOSE);
}

static bool rpfilter_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_rpfilter_info *rp = par->data;
	bool invert = rp->flags & XT_RPFILTER_INVERT;
	const struct uipt_host_iface *in;
	struct in_addr saddr, daddr;
	uint32_t s;

	if (!pkt->host) {
		if (pkt->ops && pkt->ops->assume)
			pkt->ops->assume((struct xt_pkt *)pkt, "rpfilter: no host model");
		return pkt->assume_unknown_match;
	}
	in = iface_by_name(pkt->host, pkt->in);
	/* Looped back packets pass. */
	if (pkt->pkttype == PACKET_LOOPBACK || (in && in->loopback))
		return !invert;
	memcpy(&saddr, pkt->data + 12, 4);
	memcpy(&daddr, pkt->data + 16, 4);
	s = ntohl(saddr.s_addr);
	/* DHCP and friends: 0.0.0.0/8 to broadcast or link-local multicast. */
	if ((s & 0xFF000000u) == 0 &&
	    (daddr.s_addr == INADDR_BROADCAST ||
	     (ntohl(daddr.s_addr) & 0xFFFFFF00u) == 0xE0000000u))
		return !invert;
	/* --validmark: the model's routes are not mark-dependent. */
	return reverse_ok(pkt->host, saddr, in, rp->flags) != invert;
}

static struct xtables_match rpfilter_match_ext = {
	.name = "rpfilter",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_rpfilter_info),
	.userspacesize = sizeof(struct xt_rpfilter_info),
	.help = rpfilter_help,
	.parse = rpfilter_parse,
	.print = rpfilter_print,
	.save = rpfilter_save,
	.options = rpfilter_opts,
	.hooks = 1u << NF_INET_PRE_ROUTING,
	.checkentry = rpfilter_check,
	.match = rpfilter_match,
};

void libxt_rpfilter_init(void)
{
	xtables_register_match(&rpfilter_match_ext);
}
