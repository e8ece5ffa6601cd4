/*
 * connlimit: the number of connections sharing the packet's source (or
 * destination) address, under a prefix mask, against a limit.
 */
#include <arpa/inet.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_connlimit.h>

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct xt_option_entry connlimit_opts[] = {
	{ .name = "connlimit-upto", .id = O_UPTO, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT, .excl = 1 << O_ABOVE },
	{ .name = "connlimit-above", .id = O_ABOVE, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT, .excl = 1 << O_UPTO },
	{ .name = "connlimit-mask", .id = O_MASK, .type = XTTYPE_UINT8, .max = 32 },
	{ .name = "connlimit-saddr", .id = O_SADDR, .type = XTTYPE_NONE,
	  .excl = 1 << O_DADDR },
	{ .name = "connlimit-daddr", .id = O_DADDR, .type = XTTYPE_NONE,
	  .excl = 1 << O_SADDR },
	XTOPT_TABLEEND,
};

static void connlimit_help(FILE *f)
{
	fprintf(f, "connlimit match options:\n"
		"  --connlimit-upto n     match if the number of existing connections is 0..n\n"
		"  --connlimit-above n    match if the number of existing connections is >n\n"
		"  --connlimit-mask n     group hosts using prefix length (default: max len)\n"
		"  --connlimit-saddr      select source address for grouping\n"
		"  --connlimit-daddr      select destination address for grouping\n");
}

static void connlimit_init(void *data)
{
	struct xt_connlimit_info *info = data;

	/* All of the union, as iptables sets the default. */
	memset(&info->mask, 0xff, sizeof(info->mask));
}

/* "upto" is the inverted "above" for the kernel, and the other way round. */
static int connlimit_parse(struct xt_option_call *cb)
{
	struct xt_connlimit_info *info = cb->data;

	switch (cb->entry->id) {
	case O_UPTO:
	case O_ABOVE:
		info->limit = cb->val.u32;
		if ((cb->entry->id == O_UPTO) != cb->invert)
			info->flags |= XT_CONNLIMIT_INVERT;
		return 0;
	case O_MASK:
		memset(&info->mask, 0, sizeof(info->mask));
		info->v4_mask = cb->val.u8 ? htonl(UINT32_MAX << (32 - cb->val.u8)) : 0;
		return 0;
	case O_SADDR:
		info->flags &= ~XT_CONNLIMIT_DADDR;
		return 0;
	case O_DADDR:
		info->flags |= XT_CONNLIMIT_DADDR;
		return 0;
	}
	return 0;
}

static int connlimit_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ((1 << O_UPTO) | (1 << O_ABOVE))))
		return xt_error(PARAMETER_PROBLEM,
				"You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
	return 0;
}

static int prefix_len(const struct xt_connlimit_info *info)
{
	struct in_addr m = { .s_addr = info->v4_mask };
	int n = xt_mask_to_cidr(&m);

	return n < 0 ? 32 : n;
}

static void connlimit_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_connlimit_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " #conn %s/%d %s %u", info->flags & XT_CONNLIMIT_DADDR ? "dst" : "src",
		prefix_len(info), info->flags & XT_CONNLIMIT_INVERT ? "<=" : ">", info->limit);
}

static void connlimit_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connlimit_info *info = data;

	(void)ip;
	fprintf(f, " --connlimit-%s %u --connlimit-mask %d --connlimit-%s",
		info->flags & XT_CONNLIMIT_INVERT ? "upto" : "above", info->limit,
		prefix_len(info), info->flags & XT_CONNLIMIT_DADDR ? "daddr" : "saddr");
}

/*
 * connlimit_mt counts the live connections the rule has seen for the
 * address: the evaluator's packet gives no view of the whole table.
 */
static bool connlimit_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	(void)par;
	pkt->ops->assume((struct xt_pkt *)pkt, "connlimit: number of connections");
	return pkt->assume_unknown_match;
}

static struct xtables_match connlimit_match_ext = {
	.name = "connlimit",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connlimit_info),
	.userspacesize = offsetof(struct xt_connlimit_info, data),
	.help = connlimit_help,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_fcheck,
	.print = connlimit_print,
	.save = connlimit_save,
	.options = connlimit_opts,
	.match = connlimit_match,
};

void libxt_connlimit_init(void)
{
	xtables_register_match(&connlimit_match_ext);
}
