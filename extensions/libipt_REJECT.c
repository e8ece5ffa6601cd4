/* REJECT: drop the packet and answer with an ICMP error or a TCP reset. */
#include <string.h>
#include <strings.h>
#include <netinet/ip_icmp.h>
#include <linux/if_packet.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <uiptables/packet.h>

enum { O_REJECT_WITH };

static const struct xt_option_entry reject_opts[] = {
	{ .name = "reject-with", .id = O_REJECT_WITH, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

/* Indexed by enum ipt_reject_with; ECHOREPLY has long been refused. */
static const struct reject_kind {
	const char *name, *alias, *what;
	int icmp_code;		/* -1: a TCP reset */
} kinds[] = {
	[IPT_ICMP_NET_UNREACHABLE] = { "icmp-net-unreachable", "net-unreach",
				       "ICMP network unreachable", ICMP_NET_UNREACH },
	[IPT_ICMP_HOST_UNREACHABLE] = { "icmp-host-unreachable", "host-unreach",
					"ICMP host unreachable", ICMP_HOST_UNREACH },
	[IPT_ICMP_PROT_UNREACHABLE] = { "icmp-proto-unreachable", "proto-unreach",
					"ICMP protocol unreachable", ICMP_PROT_UNREACH },
	[IPT_ICMP_PORT_UNREACHABLE] = { "icmp-port-unreachable", "port-unreach",
					"ICMP port unreachable (default)", ICMP_PORT_UNREACH },
	[IPT_ICMP_NET_PROHIBITED] = { "icmp-net-prohibited", "net-prohib",
				      "ICMP network prohibited", ICMP_NET_ANO },
	[IPT_ICMP_HOST_PROHIBITED] = { "icmp-host-prohibited", "host-prohib",
				       "ICMP host prohibited", ICMP_HOST_ANO },
	[IPT_TCP_RESET] = { "tcp-reset", "tcp-rst", "TCP reset", -1 },
	[IPT_ICMP_ADMIN_PROHIBITED] = { "icmp-admin-prohibited", "admin-prohib",
					"ICMP administratively prohibited", ICMP_PKT_FILTERED },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static void reject_help(FILE *f)
{
	fprintf(f, "REJECT target options:\n"
		"--reject-with type              answer the dropped packet with the reply given.\n"
		"                                Reply types (long name, short name):\n");
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].name)
			fprintf(f, "    %-25s %-15s %s\n", kinds[i].name, kinds[i].alias,
				kinds[i].what);
}

static void reject_init(void *data)
{
	struct ipt_reject_info *ri = data;

	ri->with = IPT_ICMP_PORT_UNREACHABLE;
}

/* iptables takes any prefix of a name or alias; the first in table order wins. */
static int reject_parse(struct xt_option_call *cb)
{
	struct ipt_reject_info *ri = cb->data;
	size_t len = strlen(cb->arg);

	for (size_t i = 0; i < NKINDS; i++) {
		if (!kinds[i].name)
			continue;
		if (!strncasecmp(kinds[i].name, cb->arg, len) ||
		    !strncasecmp(kinds[i].alias, cb->arg, len)) {
			ri->with = (enum ipt_reject_with)i;
			return 0;
		}
	}
	if (!strncasecmp("echo-reply", cb->arg, len) || !strncasecmp("echoreply", cb->arg, len))
		fprintf(stderr, "--reject-with echo-reply no longer supported\n");
	return xt_error(PARAMETER_PROBLEM, "unknown reject type \"%s\"", cb->arg);
}

static const char *kind_name(const struct ipt_reject_info *ri)
{
	if (ri->with < NKINDS && kinds[ri->with].name)
		return kinds[ri->with].name;
	return "unknown";
}

static void reject_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	fprintf(f, " reject-with %s", kind_name(data));
}

static void reject_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	fprintf(f, " --reject-with %s", kind_name(data));
}

static int reject_check(const struct xt_check_param *par)
{
	const struct ipt_reject_info *ri = par->data;
	const struct ipt_ip *ip = &par->entry->ip;

	if (ri->with == IPT_ICMP_ECHOREPLY || ri->with >= NKINDS)
		return xt_error(OTHER_PROBLEM, "ECHOREPLY no longer supported.");
	if (ri->with == IPT_TCP_RESET &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & XT_INV_PROTO)))
		return xt_error(OTHER_PROBLEM, "TCP_RESET invalid for non-tcp");
	return 0;
}

/* icmp_send never answers an ICMP error, so errors cannot loop. */
static bool is_icmp_error(const struct xt_pkt *pkt)
{
	uint8_t type;

	if (pkt->l4proto != IPPROTO_ICMP || pkt->thoff >= pkt->len)
		return false;
	type = pkt->data[pkt->thoff];
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/* What nf_send_unreach/icmp_send stay silent for. */
static bool may_send_unreach(const struct xt_pkt *pkt)
{
	if (pkt->fragoff)
		return false;
	if (pkt->pkttype == PACKET_BROADCAST || pkt->pkttype == PACKET_MULTICAST)
		return false;
	return !is_icmp_error(pkt);
}

/* nf_send_reset: only for a whole, first segment that is not itself a reset. */
static bool may_send_reset(const struct xt_pkt *pkt)
{
	if (pkt->fragoff || pkt->l4proto != IPPROTO_TCP ||
	    pkt->thoff + 20 > pkt->len)
		return false;
	return !(pkt->data[pkt->thoff + 13] & 0x04);
}

static unsigned int reject_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct ipt_reject_info *ri = par->data;

	if (ri->with >= NKINDS || !kinds[ri->with].name)
		return NF_DROP;
	if (kinds[ri->with].icmp_code < 0) {
		if (may_send_reset(pkt) && pkt->ops && pkt->ops->reject)
			pkt->ops->reject(pkt, -1, 0);
	} else if (may_send_unreach(pkt) && pkt->ops && pkt->ops->reject) {
		pkt->ops->reject(pkt, ICMP_DEST_UNREACH, kinds[ri->with].icmp_code);
	}
	return NF_DROP;
}

static struct xtables_target reject_target_ext = {
	.name = "REJECT",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_reject_info),
	.userspacesize = sizeof(struct ipt_reject_info),
	.help = reject_help,
	.init = reject_init,
	.parse = reject_parse,
	.print = reject_print,
	.save = reject_save,
	.options = reject_opts,
	.table = "filter",
	.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT),
	.checkentry = reject_check,
	.target = reject_target,
};

void libipt_REJECT_init(void)
{
	xtables_register_target(&reject_target_ext);
}
