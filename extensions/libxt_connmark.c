/* connmark: the mark of the packet's connection, under a mask. */
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_connmark.h>

enum { O_MARK };

static const struct xt_option_entry connmark_opts[] = {
	{ .name = "mark", .id = O_MARK, .type = XTTYPE_MARKMASK32,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void connmark_help(FILE *f)
{
	fprintf(f, "connmark match options:\n"
		"[!] --mark value[/mask]    Match the connection mark, the bits of mask only\n");
}

static int connmark_parse(struct xt_option_call *cb)
{
	struct xt_connmark_mtinfo1 *info = cb->data;

	info->mark = cb->val.mark;
	info->mask = cb->val.mask;
	if (cb->invert)
		info->invert = 1;
	return 0;
}

static void print_mark_mask(FILE *f, uint32_t mark, uint32_t mask)
{
	fprintf(f, "0x%x", mark);
	if (mask != UINT32_MAX)
		fprintf(f, "/0x%x", mask);
}

static void connmark_print(FILE *f, const struct ipt_ip *ip, const void *data,
			   bool numeric)
{
	const struct xt_connmark_mtinfo1 *info = data;

	(void)ip;
	(void)numeric;
	/* iptables' spacing: "match  0x1" but "match ! 0x1". */
	fprintf(f, " connmark match %s ", info->invert ? "!" : "");
	print_mark_mask(f, info->mark, info->mask);
}

static void connmark_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connmark_mtinfo1 *info = data;

	(void)ip;
	fprintf(f, "%s --mark ", info->invert ? " !" : "");
	print_mark_mask(f, info->mark, info->mask);
}

/* No connection, no mark to compare: no match, inverted or not. */
static bool connmark_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_connmark_mtinfo1 *info = par->data;

	if (!pkt->ct || pkt->untracked)
		return false;
	return ((pkt->ct->mark & info->mask) == info->mark) != !!info->invert;
}

static struct xtables_match connmark_match_ext = {
	.name = "connmark",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connmark_mtinfo1),
	.userspacesize = sizeof(struct xt_connmark_mtinfo1),
	.help = connmark_help,
	.parse = connmark_parse,
	.print = connmark_print,
	.save = connmark_save,
	.options = connmark_opts,
	.match = connmark_match,
};

void libxt_connmark_init(void)
{
	xtables_register_match(&connmark_match_ext);
}
