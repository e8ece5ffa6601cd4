/* ECN: set the IP ECN bits, or the TCP ECE/CWR flags (mangle only). */
#include <uiptables/packet.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>

enum { O_TCP_REMOVE, O_TCP_CWR, O_TCP_ECE, O_IP_ECT };

static const struct xt_option_entry ECN_opts[] = {
	{ .name = "ecn-tcp-remove", .id = O_TCP_REMOVE, .type = XTTYPE_NONE,
	  .excl = (1 << O_TCP_CWR) | (1 << O_TCP_ECE) },
	{ .name = "ecn-tcp-cwr", .id = O_TCP_CWR, .type = XTTYPE_UINT8, .max = 1,
	  .excl = 1 << O_TCP_REMOVE },
	{ .name = "ecn-tcp-ece", .id = O_TCP_ECE, .type = XTTYPE_UINT8, .max = 1,
	  .excl = 1 << O_TCP_REMOVE },
	{ .name = "ecn-ip-ect", .id = O_IP_ECT, .type = XTTYPE_UINT8, .max = 3 },
	XTOPT_TABLEEND,
};

#define TCP_ECE 0x40
#define TCP_CWR 0x80
#define SET_TCP (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR)

static void ECN_help(FILE *f)
{
	fprintf(f, "ECN target options\n"
		"  --ecn-tcp-remove		Remove all ECN bits from TCP header\n");
}

static int ECN_parse(struct xt_option_call *cb)
{
	struct ipt_ECN_info *info = cb->data;

	switch (cb->entry->id) {
	case O_TCP_REMOVE:
		info->operation = SET_TCP;
		info->proto.tcp.ece = 0;
		info->proto.tcp.cwr = 0;
		break;
	case O_TCP_CWR:
		info->operation |= IPT_ECN_OP_SET_CWR;
		info->proto.tcp.cwr = cb->val.u8 & 1;
		break;
	case O_TCP_ECE:
		info->operation |= IPT_ECN_OP_SET_ECE;
		info->proto.tcp.ece = cb->val.u8 & 1;
		break;
	case O_IP_ECT:
		info->operation |= IPT_ECN_OP_SET_IP;
		info->ip_ect = cb->val.u8;
		break;
	}
	return 0;
}

static int ECN_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "ECN target: An operation is required");
	return 0;
}

static bool is_remove(const struct ipt_ECN_info *info)
{
	return info->operation == SET_TCP && !info->proto.tcp.ece && !info->proto.tcp.cwr;
}

static void ECN_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct ipt_ECN_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" ECN", f);
	if (is_remove(info)) {
		fputs(" TCP remove", f);
		return;
	}
	if (info->operation & IPT_ECN_OP_SET_ECE)
		fprintf(f, " ECE=%u", info->proto.tcp.ece);
	if (info->operation & IPT_ECN_OP_SET_CWR)
		fprintf(f, " CWR=%u", info->proto.tcp.cwr);
	if (info->operation & IPT_ECN_OP_SET_IP)
		fprintf(f, " ECT codepoint=%u", info->ip_ect);
}

static void ECN_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct ipt_ECN_info *info = data;

	(void)ip;
	if (is_remove(info)) {
		fputs(" --ecn-tcp-remove", f);
		return;
	}
	if (info->operation & IPT_ECN_OP_SET_ECE)
		fprintf(f, " --ecn-tcp-ece %d", info->proto.tcp.ece);
	if (info->operation & IPT_ECN_OP_SET_CWR)
		fprintf(f, " --ecn-tcp-cwr %d", info->proto.tcp.cwr);
	if (info->operation & IPT_ECN_OP_SET_IP)
		fprintf(f, " --ecn-ip-ect %d", info->ip_ect);
}

static int ECN_check(const struct xt_check_param *par)
{
	const struct ipt_ECN_info *info = par->data;
	const struct ipt_ip *ip = &par->entry->ip;

	if (info->operation & IPT_ECN_OP_MASK)
		return xt_error(OTHER_PROBLEM, "ECN: unsupported operation");
	if (info->ip_ect & ~IPT_ECN_IP_MASK)
		return xt_error(OTHER_PROBLEM, "ECN: bad ect value");
	if ((info->operation & SET_TCP) &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & XT_INV_PROTO)))
		return xt_error(OTHER_PROBLEM, "ECN: cannot use operation on non-tcp rule");
	return 0;
}

/* RFC 1624 incremental update of a 16-bit checksum for a changed word. */
static void csum_replace(uint8_t *csum, uint16_t from, uint16_t to)
{
	uint32_t sum = (uint16_t)~(csum[0] << 8 | csum[1]);

	sum += (uint16_t)~from;
	sum += to;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	csum[0] = (uint8_t)(~sum >> 8);
	csum[1] = (uint8_t)~sum;
}

static void set_ip_ect(struct xt_pkt *pkt, uint8_t ect)
{
	uint8_t *iph = pkt->data;
	uint8_t tos = (uint8_t)((iph[1] & ~IPT_ECN_IP_MASK) | ect);

	if (tos == iph[1])
		return;
	csum_replace(iph + 10, (uint16_t)(iph[0] << 8 | iph[1]), (uint16_t)(iph[0] << 8 | tos));
	iph[1] = tos;
}

static void set_tcp_flags(struct xt_pkt *pkt, const struct ipt_ECN_info *info)
{
	uint8_t *th;
	uint8_t flags;

	if (pkt->fragoff || pkt->thoff + 20 > pkt->len)
		return;
	th = pkt->data + pkt->thoff;
	flags = th[13];
	if (info->operation & IPT_ECN_OP_SET_ECE)
		flags = (uint8_t)(info->proto.tcp.ece ? flags | TCP_ECE : flags & ~TCP_ECE);
	if (info->operation & IPT_ECN_OP_SET_CWR)
		flags = (uint8_t)(info->proto.tcp.cwr ? flags | TCP_CWR : flags & ~TCP_CWR);
	if (flags == th[13])
		return;
	csum_replace(th + 16, (uint16_t)(th[12] << 8 | th[13]), (uint16_t)(th[12] << 8 | flags));
	th[13] = flags;
}

static unsigned int ECN_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct ipt_ECN_info *info = par->data;

	if (info->operation & IPT_ECN_OP_SET_IP)
		set_ip_ect(pkt, info->ip_ect);
	if ((info->operation & SET_TCP) && pkt->data[9] == IPPROTO_TCP)
		set_tcp_flags(pkt, info);
	return XT_CONTINUE;
}

static struct xtables_target ECN_ext = {
	.name = "ECN",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_ECN_info),
	.userspacesize = sizeof(struct ipt_ECN_info),
	.help = ECN_help,
	.parse = ECN_parse,
	.final_check = ECN_final,
	.print = ECN_print,
	.save = ECN_save,
	.options = ECN_opts,
	.table = "mangle",
	.checkentry = ECN_check,
	.target = ECN_target,
};

void libipt_ECN_init(void)
{
	xtables_register_target(&ECN_ext);
}
