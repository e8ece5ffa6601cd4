/* mark: the packet's netfilter mark, under a mask. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_mark.h>

enum { O_MARK };

static const struct xt_option_entry mark_opts[] = {
	{ .name = "mark", .id = O_MARK, .type = XTTYPE_MARKMASK32,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void mark_help(FILE *f)
{
	fprintf(f, "mark match options:\n"
		"[!] --mark value[/mask]    Match the packet mark, the bits of mask only\n");
}

static int mark_parse(struct xt_option_call *cb)
{
	struct xt_mark_mtinfo1 *info = cb->data;

	info->mark = cb->val.mark;
	info->mask = cb->val.mask;
	if (cb->invert)
		info->invert = 1;
	return 0;
}

/* value, and the mask only when it is not all ones. */
static void print_mark_mask(FILE *f, uint32_t mark, uint32_t mask)
{
	fprintf(f, "0x%x", mark);
	if (mask != UINT32_MAX)
		fprintf(f, "/0x%x", mask);
}

static void mark_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_mark_mtinfo1 *info = data;

	(void)ip;
	(void)numeric;
	fputs(" mark match ", f);
	if (info->invert)
		fputs("! ", f);
	print_mark_mask(f, info->mark, info->mask);
}

static void mark_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_mark_mtinfo1 *info = data;

	(void)ip;
	fprintf(f, "%s --mark ", info->invert ? " !" : "");
	print_mark_mask(f, info->mark, info->mask);
}

static bool mark_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_mark_mtinfo1 *info = par->data;

	return ((pkt->mark & info->mask) == info->mark) != !!info->invert;
}

static struct xtables_match mark_match_ext = {
	.name = "mark",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_mark_mtinfo1),
	.userspacesize = sizeof(struct xt_mark_mtinfo1),
	.help = mark_help,
	.parse = mark_parse,
	.print = mark_print,
	.save = mark_save,
	.options = mark_opts,
	.match = mark_match,
};

void libxt_mark_init(void)
{
	xtables_register_match(&mark_match_ext);
}
