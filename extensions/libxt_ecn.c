/* ecn: the ECN bits of the IP header and the ECE/CWR flags of TCP. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_ecn.h>

enum { O_TCP_CWR, O_TCP_ECE, O_IP_ECT };

static const struct xt_option_entry ecn_opts[] = {
	{ .name = "ecn-tcp-cwr", .id = O_TCP_CWR, .type = XTTYPE_NONE, .flags = XTOPT_INVERT },
	{ .name = "ecn-tcp-ece", .id = O_TCP_ECE, .type = XTTYPE_NONE, .flags = XTOPT_INVERT },
	{ .name = "ecn-ip-ect", .id = O_IP_ECT, .type = XTTYPE_UINT8, .max = 3,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(struct xt_ecn_info, ip_ect) },
	XTOPT_TABLEEND,
};

#define TCP_ECE 0x40		/* in the TCP flags byte */
#define TCP_CWR 0x80

static void ecn_help(FILE *f)
{
	fprintf(f, "ECN match options\n"
		"[!] --ecn-tcp-cwr 		Match CWR bit of TCP header\n"
		"[!] --ecn-tcp-ece		Match ECE bit of TCP header\n"
		"[!] --ecn-ip-ect [0..3]	Match ECN codepoint in IPv4/IPv6 header\n");
}

static int ecn_parse(struct xt_option_call *cb)
{
	static const uint8_t ops[] = {
		[O_TCP_CWR] = XT_ECN_OP_MATCH_CWR, [O_TCP_ECE] = XT_ECN_OP_MATCH_ECE,
		[O_IP_ECT] = XT_ECN_OP_MATCH_IP,
	};
	struct xt_ecn_info *info = cb->data;
	uint8_t op = ops[cb->entry->id];

	info->operation |= op;
	if (cb->invert)
		info->invert |= op;
	return 0;
}

static int ecn_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "ECN match: some option required");
	return 0;
}

static void ecn_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_ecn_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" ECN match", f);
	if (info->operation & XT_ECN_OP_MATCH_ECE)
		fprintf(f, " %sECE", info->invert & XT_ECN_OP_MATCH_ECE ? "!" : "");
	if (info->operation & XT_ECN_OP_MATCH_CWR)
		fprintf(f, " %sCWR", info->invert & XT_ECN_OP_MATCH_CWR ? "!" : "");
	if (info->operation & XT_ECN_OP_MATCH_IP)
		fprintf(f, " %sECT=%d", info->invert & XT_ECN_OP_MATCH_IP ? "!" : "",
			info->ip_ect);
}

static void ecn_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_ecn_info *info = data;

	(void)ip;
	if (info->operation & XT_ECN_OP_MATCH_ECE)
		fprintf(f, "%s --ecn-tcp-ece", info->invert & XT_ECN_OP_MATCH_ECE ? " !" : "");
	if (info->operation & XT_ECN_OP_MATCH_CWR)
		fprintf(f, "%s --ecn-tcp-cwr", info->invert & XT_ECN_OP_MATCH_CWR ? " !" : "");
	if (info->operation & XT_ECN_OP_MATCH_IP)
		fprintf(f, "%s --ecn-ip-ect %d", info->invert & XT_ECN_OP_MATCH_IP ? " !" : "",
			info->ip_ect);
}

/* TCP flags can only be asked of rules that are TCP for sure. */
static int ecn_check(const struct xt_check_param *par)
{
	const struct xt_ecn_info *info = par->data;
	const struct ipt_ip *ip = &par->entry->ip;

	if ((info->operation & XT_ECN_OP_MATCH_MASK) || (info->invert & XT_ECN_OP_MATCH_MASK))
		return xt_error(OTHER_PROBLEM, "ecn: unknown operation bits");
	if ((info->operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR)) &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & XT_INV_PROTO)))
		return xt_error(OTHER_PROBLEM, "cannot match TCP bits for non-tcp packets");
	return 0;
}

/* A set flag matches unless inverted, a clear one only when inverted. */
static bool flag_ok(const struct xt_ecn_info *info, uint8_t op, bool set)
{
	if (!(info->operation & op))
		return true;
	return set != !!(info->invert & op);
}

static bool ecn_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_ecn_info *info = par->data;
	uint8_t flags;

	if ((info->operation & XT_ECN_OP_MATCH_IP) &&
	    ((pkt->data[1] & XT_ECN_IP_MASK) == info->ip_ect) == !!(info->invert & XT_ECN_OP_MATCH_IP))
		return false;
	if (!(info->operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR)))
		return true;
	if (pkt->fragoff || pkt->thoff + 20 > pkt->len)
		return false;
	flags = pkt->data[pkt->thoff + 13];
	return flag_ok(info, XT_ECN_OP_MATCH_ECE, flags & TCP_ECE) &&
	       flag_ok(info, XT_ECN_OP_MATCH_CWR, flags & TCP_CWR);
}

static struct xtables_match ecn_ext = {
	.name = "ecn",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_ecn_info),
	.userspacesize = sizeof(struct xt_ecn_info),
	.help = ecn_help,
	.parse = ecn_parse,
	.final_check = ecn_final,
	.print = ecn_print,
	.save = ecn_save,
	.options = ecn_opts,
	.checkentry = ecn_check,
	.match = ecn_match,
};

void libxt_ecn_init(void)
{
	xtables_register_match(&ecn_ext);
}
