/* ttl: compare the IPv4 time-to-live with a value. */
#include <uiptables/packet.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>

enum { O_TTL_EQ, O_TTL_LT, O_TTL_GT };

static const struct xt_option_entry ttl_opts[] = {
	{ .name = "ttl-lt", .id = O_TTL_LT, .type = XTTYPE_UINT8,
	  .excl = (1 << O_TTL_EQ) | (1 << O_TTL_GT), .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct ipt_ttl_info, ttl) },
	{ .name = "ttl-gt", .id = O_TTL_GT, .type = XTTYPE_UINT8,
	  .excl = (1 << O_TTL_EQ) | (1 << O_TTL_LT), .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct ipt_ttl_info, ttl) },
	{ .name = "ttl-eq", .id = O_TTL_EQ, .type = XTTYPE_UINT8,
	  .excl = (1 << O_TTL_LT) | (1 << O_TTL_GT), .flags = XTOPT_INVERT | XTOPT_PUT,
	  XTOPT_POINTER(struct ipt_ttl_info, ttl) },
	XTOPT_TABLEEND,
};

static void ttl_help(FILE *f)
{
	fprintf(f, "ttl match options:\n"
		"[!] --ttl-eq value	Match time to live value\n"
		"  --ttl-lt value	Match TTL < value\n"
		"  --ttl-gt value	Match TTL > value\n");
}

static int ttl_parse(struct xt_option_call *cb)
{
	struct ipt_ttl_info *info = cb->data;

	switch (cb->entry->id) {
	case O_TTL_EQ:
		info->mode = cb->invert ? IPT_TTL_NE : IPT_TTL_EQ;
		break;
	case O_TTL_LT:
		info->mode = IPT_TTL_LT;
		break;
	case O_TTL_GT:
		info->mode = IPT_TTL_GT;
		break;
	}
	return 0;
}

static int ttl_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM,
				"TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
	return 0;
}

static void ttl_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	static const char *const ops[] = {
		[IPT_TTL_EQ] = "==", [IPT_TTL_NE] = "!=", [IPT_TTL_LT] = "<", [IPT_TTL_GT] = ">",
	};
	const struct ipt_ttl_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" TTL match ", f);
	if (info->mode <= IPT_TTL_GT)
		fprintf(f, "TTL %s %u", ops[info->mode], info->ttl);
}

static void ttl_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	static const char *const opts[] = {
		[IPT_TTL_EQ] = " --ttl-eq", [IPT_TTL_NE] = " ! --ttl-eq",
		[IPT_TTL_LT] = " --ttl-lt", [IPT_TTL_GT] = " --ttl-gt",
	};
	const struct ipt_ttl_info *info = data;

	(void)ip;
	if (info->mode <= IPT_TTL_GT)
		fprintf(f, "%s %u", opts[info->mode], info->ttl);
}

static bool ttl_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct ipt_ttl_info *info = par->data;
	uint8_t ttl = pkt->data[8];

	switch (info->mode) {
	case IPT_TTL_EQ:
		return ttl == info->ttl;
	case IPT_TTL_NE:
		return ttl != info->ttl;
	case IPT_TTL_LT:
		return ttl < info->ttl;
	case IPT_TTL_GT:
		return ttl > info->ttl;
	}
	return false;
}

static struct xtables_match ttl_ext = {
	.name = "ttl",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_ttl_info),
	.userspacesize = sizeof(struct ipt_ttl_info),
	.help = ttl_help,
	.parse = ttl_parse,
	.final_check = ttl_final,
	.print = ttl_print,
	.save = ttl_save,
	.options = ttl_opts,
	.match = ttl_match,
};

void libipt_ttl_init(void)
{
	xtables_register_match(&ttl_ext);
}
