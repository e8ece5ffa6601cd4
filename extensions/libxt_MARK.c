/*
 * MARK: sets the packet's netfilter mark.  Revision 2 keeps one form,
 * mark = (mark & ~mask) ^ value; the friendly options are written into it.
 */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_mark.h>

enum { O_SET_XMARK, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK };

#define ANY_OP ((1 << O_SET_XMARK) | (1 << O_SET_MARK) | (1 << O_AND_MARK) | \
		(1 << O_OR_MARK) | (1 << O_XOR_MARK))

static const struct xt_option_entry MARK_opts[] = {
	{ .name = "set-xmark", .id = O_SET_XMARK, .type = XTTYPE_MARKMASK32, .excl = ANY_OP },
	{ .name = "set-mark", .id = O_SET_MARK, .type = XTTYPE_MARKMASK32, .excl = ANY_OP },
	{ .name = "and-mark", .id = O_AND_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	{ .name = "or-mark", .id = O_OR_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	{ .name = "xor-mark", .id = O_XOR_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	XTOPT_TABLEEND,
};

static void MARK_help(FILE *f)
{
	fprintf(f, "MARK target options:\n"
		"  --set-xmark value[/mask]  Clear the bits in mask, then XOR value in\n"
		"  --set-mark value[/mask]   Clear the bits in mask, then OR value in\n"
		"  --and-mark bits           AND the mark with bits\n"
		"  --or-mark bits            OR bits into the mark\n"
		"  --xor-mark bits           XOR bits into the mark\n");
}

static int MARK_parse(struct xt_option_call *cb)
{
	struct xt_mark_tginfo2 *info = cb->data;

	switch (cb->entry->id) {
	case O_SET_XMARK:
		info->mark = cb->val.mark;
		info->mask = cb->val.mask;
		break;
	case O_SET_MARK:
		/* Every bit of the value is cleared first, whatever the mask. */
		info->mark = cb->val.mark;
		info->mask = cb->val.mark | cb->val.mask;
		break;
	case O_AND_MARK:
		info->mark = 0;
		info->mask = ~cb->val.u32;
		break;
	case O_OR_MARK:
		info->mark = info->mask = cb->val.u32;
		break;
	case O_XOR_MARK:
		info->mark = cb->val.u32;
		info->mask = 0;
		break;
	}
	return 0;
}

static int MARK_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ANY_OP))
		return xt_error(PARAMETER_PROBLEM, "MARK: One of the --set-xmark, "
				"--{and,or,xor,set}-mark options is required");
	return 0;
}

/* -L names the operation the pair amounts to. */
static void MARK_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_mark_tginfo2 *info = data;

	(void)ip;
	(void)numeric;
	if (info->mark == 0)
		fprintf(f, " MARK and 0x%x", ~info->mask);
	else if (info->mark == info->mask)
		fprintf(f, " MARK or 0x%x", info->mark);
	else if (info->mask == 0)
		fprintf(f, " MARK xor 0x%x", info->mark);
	else if (info->mask == UINT32_MAX)
		fprintf(f, " MARK set 0x%x", info->mark);
	else
		fprintf(f, " MARK xset 0x%x/0x%x", info->mark, info->mask);
}

static void MARK_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_mark_tginfo2 *info = data;

	(void)ip;
	fprintf(f, " --set-xmark 0x%x/0x%x", info->mark, info->mask);
}

static unsigned int MARK_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_mark_tginfo2 *info = par->data;

	pkt->mark = (pkt->mark & ~info->mask) ^ info->mark;
	return XT_CONTINUE;
}

static struct xtables_target MARK_target_ext = {
	.name = "MARK",
	.revision = 2,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_mark_tginfo2),
	.userspacesize = sizeof(struct xt_mark_tginfo2),
	.help = MARK_help,
	.parse = MARK_parse,
	.final_check = MARK_fcheck,
	.print = MARK_print,
	.save = MARK_save,
	.options = MARK_opts,
	.target = MARK_target,
};

void libxt_MARK_init(void)
{
	xtables_register_target(&MARK_target_ext);
}
