/* NETMAP: map a whole network onto another, keeping the host part. */
#include <arpa/inet.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/nf_nat.h>

enum { O_TO };

static const struct xt_option_entry netmap_opts[] = {
	{ .name = "to", .id = O_TO, .type = XTTYPE_HOSTMASK, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static void netmap_help(FILE *f)
{
	fprintf(f, "NETMAP target options:\n"
		"  --to address[/mask]\n"
		"    network whose prefix replaces the packet's, host bits kept\n\n");
}

static void netmap_init(void *data)
{
	struct nf_nat_ipv4_multi_range_compat *mr = data;

	mr->rangesize = 1;
}

/* The mask comes from the prefix length: a mask with holes, which the
 * core reports as /32, maps onto the single address, as iptables does. */
static int netmap_parse(struct xt_option_call *cb)
{
	struct nf_nat_ipv4_multi_range_compat *mr = cb->data;
	struct nf_nat_ipv4_range *r = &mr->range[0];
	uint32_t mask = cb->val.hlen ? htonl(~0u << (32 - cb->val.hlen)) : 0;

	r->flags |= NF_NAT_RANGE_MAP_IPS;
	r->min_ip = cb->val.haddr.ip & mask;
	r->max_ip = r->min_ip | ~mask;
	mr->rangesize = 1;
	return 0;
}

static void show(FILE *f, const void *data, const char *what)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = data;
	const struct nf_nat_ipv4_range *r = &mr->range[0];
	struct in_addr a = { r->min_ip }, m = { ~(r->min_ip ^ r->max_ip) };
	int bits = xt_mask_to_cidr(&m);

	fprintf(f, " %s%s", what, xt_ipaddr_to_numeric(&a));
	if (bits < 0)
		fprintf(f, "/%s", xt_ipaddr_to_numeric(&m));
	else
		fprintf(f, "/%d", bits);
}

static void netmap_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, "to:");
}

static void netmap_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, "--to ");
}

static int netmap_check(const struct xt_check_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->data;

	if (!(mr->range[0].flags & NF_NAT_RANGE_MAP_IPS))
		return xt_error(OTHER_PROBLEM, "bad MAP_IPS.");
	if (mr->rangesize != 1)
		return xt_error(OTHER_PROBLEM, "bad rangesize %u.", mr->rangesize);
	return 0;
}

/* Destination before routing and for local packets, source after. */
static unsigned int netmap_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->data;
	const struct nf_nat_ipv4_range *r = &mr->range[0];
	uint32_t netmask = ~(r->min_ip ^ r->max_ip), old;
	bool snat = pkt->hook == NF_INET_POST_ROUTING || pkt->hook == NF_INET_LOCAL_IN;
	struct nf_nat_range2 range;

	memcpy(&old, pkt->data + (snat ? 12 : 16), 4);
	memset(&range, 0, sizeof(range));
	range.flags = r->flags | NF_NAT_RANGE_MAP_IPS;
	range.min_addr.ip = range.max_addr.ip = (old & ~netmask) | (r->min_ip & netmask);
	range.min_proto = r->min;
	range.max_proto = r->max;
	if (!pkt->ops || !pkt->ops->nat)
		return NF_ACCEPT;
	return pkt->ops->nat(pkt, &range, snat);
}

static struct xtables_target netmap_target_ext = {
	.name = "NETMAP",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct nf_nat_ipv4_multi_range_compat),
	.userspacesize = sizeof(struct nf_nat_ipv4_multi_range_compat),
	.help = netmap_help,
	.init = netmap_init,
	.parse = netmap_parse,
	.print = netmap_print,
	.save = netmap_save,
	.options = netmap_opts,
	.table = "nat",
	.hooks = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_POST_ROUTING) |
		 (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_LOCAL_IN),
	.checkentry = netmap_check,
	.target = netmap_target,
};

void libipt_NETMAP_init(void)
{
	xtables_register_target(&netmap_target_ext);
}
