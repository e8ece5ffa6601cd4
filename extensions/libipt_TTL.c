/* TTL: set, increment or decrement the IPv4 time-to-live (mangle only). */
#include <uiptables/packet.h>
#include <linux/netfilter_ipv4/ipt_TTL.h>

enum { O_TTL_SET, O_TTL_INC, O_TTL_DEC };

#define OTHERS(self) (((1 << O_TTL_SET) | (1 << O_TTL_INC) | (1 << O_TTL_DEC)) & ~(1 << (self)))

static const struct xt_option_entry TTL_opts[] = {
	{ .name = "ttl-set", .id = O_TTL_SET, .type = XTTYPE_UINT8, .excl = OTHERS(O_TTL_SET),
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct ipt_TTL_info, ttl) },
	{ .name = "ttl-dec", .id = O_TTL_DEC, .type = XTTYPE_UINT8, .excl = OTHERS(O_TTL_DEC),
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct ipt_TTL_info, ttl), .min = 1 },
	{ .name = "ttl-inc", .id = O_TTL_INC, .type = XTTYPE_UINT8, .excl = OTHERS(O_TTL_INC),
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct ipt_TTL_info, ttl), .min = 1 },
	XTOPT_TABLEEND,
};

static void TTL_help(FILE *f)
{
	fprintf(f, "TTL target options\n"
		"  --ttl-set value		Set TTL to <value 0-255>\n"
		"  --ttl-dec value		Decrement TTL by <value 1-255>\n"
		"  --ttl-inc value		Increment TTL by <value 1-255>\n");
}

static int TTL_parse(struct xt_option_call *cb)
{
	static const uint8_t modes[] = {
		[O_TTL_SET] = IPT_TTL_SET, [O_TTL_INC] = IPT_TTL_INC, [O_TTL_DEC] = IPT_TTL_DEC,
	};
	struct ipt_TTL_info *info = cb->data;

	info->mode = modes[cb->entry->id];
	return 0;
}

static int TTL_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "TTL: You must specify an action");
	return 0;
}

static void TTL_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	static const char *const words[] = {
		[IPT_TTL_SET] = "set to", [IPT_TTL_INC] = "increment by",
		[IPT_TTL_DEC] = "decrement by",
	};
	const struct ipt_TTL_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" TTL ", f);
	if (info->mode <= IPT_TTL_DEC)
		fprintf(f, "%s %u", words[info->mode], info->ttl);
}

static void TTL_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	static const char *const opts[] = {
		[IPT_TTL_SET] = "--ttl-set", [IPT_TTL_INC] = "--ttl-inc",
		[IPT_TTL_DEC] = "--ttl-dec",
	};
	const struct ipt_TTL_info *info = data;

	(void)ip;
	if (info->mode <= IPT_TTL_DEC)
		fprintf(f, " %s %u", opts[info->mode], info->ttl);
}

static int TTL_check(const struct xt_check_param *par)
{
	const struct ipt_TTL_info *info = par->data;

	if (info->mode > IPT_TTL_MAXMODE)
		return xt_error(OTHER_PROBLEM, "TTL: invalid or unknown mode %u", info->mode);
	if (info->mode != IPT_TTL_SET && info->ttl == 0)
		return xt_error(OTHER_PROBLEM, "TTL: increment/decrement by 0");
	return 0;
}

/* The IPv4 header checksum, computed afresh over ihl words. */
static void ip_csum(uint8_t *iph)
{
	unsigned int len = (iph[0] & 0x0f) * 4u;
	uint32_t sum = 0;

	iph[10] = iph[11] = 0;
	for (unsigned int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(iph[i] << 8 | iph[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	iph[10] = (uint8_t)(~sum >> 8);
	iph[11] = (uint8_t)~sum;
}

static unsigned int TTL_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct ipt_TTL_info *info = par->data;
	unsigned int ttl = pkt->data[8];

	switch (info->mode) {
	case IPT_TTL_SET:
		ttl = info->ttl;
		break;
	case IPT_TTL_INC:
		ttl = ttl + info->ttl > 255 ? 255 : ttl + info->ttl;
		break;
	case IPT_TTL_DEC:
		ttl = ttl < info->ttl ? 0 : ttl - info->ttl;
		break;
	}
	if (ttl != pkt->data[8]) {
		pkt->data[8] = (uint8_t)ttl;
		ip_csum(pkt->data);
	}
	return XT_CONTINUE;
}

static struct xtables_target TTL_ext = {
	.name = "TTL",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_TTL_info),
	.userspacesize = sizeof(struct ipt_TTL_info),
	.help = TTL_help,
	.parse = TTL_parse,
	.final_check = TTL_final,
	.print = TTL_print,
	.save = TTL_save,
	.options = TTL_opts,
	.table = "mangle",
	.checkentry = TTL_check,
	.target = TTL_target,
};

void libipt_TTL_init(void)
{
	xtables_register_target(&TTL_ext);
}
