/*
 * CONNMARK: sets the connection's mark, or copies marks between the packet
 * and its connection.  Revision 2 (what iptables sends) adds a shift;
 * revision 1 is read from old blobs.
 */
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_connmark.h>

enum {
	O_SET_XMARK, O_SAVE_MARK, O_RESTORE_MARK, O_AND_MARK, O_OR_MARK,
	O_XOR_MARK, O_SET_MARK, O_NFMASK, O_CTMASK, O_MASK,
	O_LEFT_SHIFT, O_RIGHT_SHIFT,
};

#define ANY_OP ((1 << O_SET_XMARK) | (1 << O_SAVE_MARK) | (1 << O_RESTORE_MARK) | \
		(1 << O_AND_MARK) | (1 << O_OR_MARK) | (1 << O_XOR_MARK) | \
		(1 << O_SET_MARK))

static const struct xt_option_entry CONNMARK_opts[] = {
	{ .name = "set-xmark", .id = O_SET_XMARK, .type = XTTYPE_MARKMASK32, .excl = ANY_OP },
	{ .name = "set-mark", .id = O_SET_MARK, .type = XTTYPE_MARKMASK32, .excl = ANY_OP },
	{ .name = "and-mark", .id = O_AND_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	{ .name = "or-mark", .id = O_OR_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	{ .name = "xor-mark", .id = O_XOR_MARK, .type = XTTYPE_UINT32, .excl = ANY_OP },
	{ .name = "save-mark", .id = O_SAVE_MARK, .type = XTTYPE_NONE, .excl = ANY_OP },
	{ .name = "restore-mark", .id = O_RESTORE_MARK, .type = XTTYPE_NONE, .excl = ANY_OP },
	{ .name = "ctmask", .id = O_CTMASK, .type = XTTYPE_UINT32, .excl = 1 << O_MASK },
	{ .name = "nfmask", .id = O_NFMASK, .type = XTTYPE_UINT32, .excl = 1 << O_MASK },
	{ .name = "mask", .id = O_MASK, .type = XTTYPE_UINT32,
	  .excl = (1 << O_NFMASK) | (1 << O_CTMASK) },
	{ .name = "left-shift-mark", .id = O_LEFT_SHIFT, .type = XTTYPE_UINT8 },
	{ .name = "right-shift-mark", .id = O_RIGHT_SHIFT, .type = XTTYPE_UINT8 },
	XTOPT_TABLEEND,
};

static void CONNMARK_help(FILE *f)
{
	fprintf(f, "CONNMARK target options:\n"
		"  --set-xmark value[/ctmask]     Clear the ctmask bits of the connection mark, XOR value in\n"
		"  --set-mark value[/mask]        Clear the mask bits, OR value in\n"
		"  --and-mark bits                AND the connection mark with bits\n"
		"  --or-mark bits                 OR bits into the connection mark\n"
		"  --xor-mark bits                XOR bits into the connection mark\n"
		"  --save-mark [--ctmask mask] [--nfmask mask]\n"
		"                                 Copy the packet mark to the connection mark\n"
		"  --restore-mark [--ctmask mask] [--nfmask mask]\n"
		"                                 Copy the connection mark to the packet mark\n"
		"  --mask mask                    Both --ctmask and --nfmask\n"
		"  --left-shift-mark value        Shift the copied mark left by value bits\n"
		"  --right-shift-mark value       Shift the copied mark right by value bits\n");
}

/* The masks default to all ones for --save-mark and --restore-mark. */
static void CONNMARK_init(void *data)
{
	struct xt_connmark_tginfo2 *info = data;

	info->ctmask = UINT32_MAX;
	info->nfmask = UINT32_MAX;
}

static void set_ct(struct xt_connmark_tginfo2 *info, uint32_t mark, uint32_t mask)
{
	info->mode = XT_CONNMARK_SET;
	info->ctmark = mark;
	info->ctmask = mask;
}

static int CONNMARK_parse(struct xt_option_call *cb)
{
	struct xt_connmark_tginfo2 *info = cb->data;

	switch (cb->entry->id) {
	case O_SET_XMARK:
		set_ct(info, cb->val.mark, cb->val.mask);
		break;
	case O_SET_MARK:
		set_ct(info, cb->val.mark, cb->val.mark | cb->val.mask);
		break;
	case O_AND_MARK:
		set_ct(info, 0, ~cb->val.u32);
		break;
	case O_OR_MARK:
		set_ct(info, cb->val.u32, cb->val.u32);
		break;
	case O_XOR_MARK:
		set_ct(info, cb->val.u32, 0);
		break;
	case O_SAVE_MARK:
		info->mode = XT_CONNMARK_SAVE;
		break;
	case O_RESTORE_MARK:
		info->mode = XT_CONNMARK_RESTORE;
		break;
	case O_NFMASK:
		info->nfmask = cb->val.u32;
		break;
	case O_CTMASK:
		info->ctmask = cb->val.u32;
		break;
	case O_MASK:
		info->nfmask = info->ctmask = cb->val.u32;
		break;
	case O_LEFT_SHIFT:
	case O_RIGHT_SHIFT:
		/* The last one given wins. */
		info->shift_dir = cb->entry->id == O_LEFT_SHIFT ? D_SHIFT_LEFT : D_SHIFT_RIGHT;
		info->shift_bits = cb->val.u8;
		break;
	}
	return 0;
}

static int CONNMARK_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ANY_OP))
		return xt_error(PARAMETER_PROBLEM, "CONNMARK target: No operation specified");
	return 0;
}

static void print_masks(FILE *f, const char *what, uint32_t first, const char *fname,
			uint32_t second, const char *sname)
{
	if (first == UINT32_MAX && second == UINT32_MAX)
		fprintf(f, " CONNMARK %s", what);
	else if (first == second)
		fprintf(f, " CONNMARK %s mask 0x%x", what, first);
	else	/* iptables prints the second mask with a stray "~" */
		fprintf(f, " CONNMARK %s %s 0x%x %s ~0x%x", what, fname, first, sname, second);
}

static void print_info(FILE *f, const struct xt_connmark_tginfo2 *info)
{
	switch (info->mode) {
	case XT_CONNMARK_SET:
		if (info->ctmark == 0)
			fprintf(f, " CONNMARK and 0x%x", ~info->ctmask);
		else if (info->ctmark == info->ctmask)
			fprintf(f, " CONNMARK or 0x%x", info->ctmark);
		else if (info->ctmask == 0)
			fprintf(f, " CONNMARK xor 0x%x", info->ctmark);
		else if (info->ctmask == UINT32_MAX)
			fprintf(f, " CONNMARK set 0x%x", info->ctmark);
		else
			fprintf(f, " CONNMARK xset 0x%x/0x%x", info->ctmark, info->ctmask);
		break;
	case XT_CONNMARK_SAVE:
		print_masks(f, "save", info->nfmask, "nfmask", info->ctmask, "ctmask");
		break;
	case XT_CONNMARK_RESTORE:
		print_masks(f, "restore", info->ctmask, "ctmask", info->nfmask, "nfmask");
		break;
	default:
		fprintf(f, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
}

static void save_info(FILE *f, const struct xt_connmark_tginfo2 *info)
{
	switch (info->mode) {
	case XT_CONNMARK_SET:
		fprintf(f, " --set-xmark 0x%x/0x%x", info->ctmark, info->ctmask);
		break;
	case XT_CONNMARK_SAVE:
		fprintf(f, " --save-mark --nfmask 0x%x --ctmask 0x%x",
			info->nfmask, info->ctmask);
		break;
	case XT_CONNMARK_RESTORE:
		fprintf(f, " --restore-mark --nfmask 0x%x --ctmask 0x%x",
			info->nfmask, info->ctmask);
		break;
	default:
		fprintf(f, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
}

static const char *shift_name(const struct xt_connmark_tginfo2 *info)
{
	return info->shift_dir == D_SHIFT_RIGHT ? "right-shift-mark" : "left-shift-mark";
}

static void CONNMARK2_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_connmark_tginfo2 *info = data;

	(void)ip;
	(void)numeric;
	print_info(f, info);
	if (info->shift_bits)
		fprintf(f, " %s %u", shift_name(info), info->shift_bits);
}

static void CONNMARK2_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connmark_tginfo2 *info = data;

	(void)ip;
	save_info(f, info);
	if (info->shift_bits)
		fprintf(f, " --%s %u", shift_name(info), info->shift_bits);
}

/* Revision 1 has no shift: widened, it reads as revision 2. */
static void widen(const void *data, struct xt_connmark_tginfo2 *out)
{
	const struct xt_connmark_tginfo1 *v1 = data;

	memset(out, 0, sizeof(*out));
	out->ctmark = v1->ctmark;
	out->ctmask = v1->ctmask;
	out->nfmask = v1->nfmask;
	out->mode = v1->mode;
}

static void CONNMARK1_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	struct xt_connmark_tginfo2 w;

	(void)ip;
	(void)numeric;
	widen(data, &w);
	print_info(f, &w);
}

static void CONNMARK1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	struct xt_connmark_tginfo2 w;

	(void)ip;
	widen(data, &w);
	save_info(f, &w);
}

static int CONNMARK2_check(const struct xt_check_param *par)
{
	const struct xt_connmark_tginfo2 *info = par->data;

	if (info->shift_bits > 31)
		return xt_error(OTHER_PROBLEM, "CONNMARK: shift of %u bits", info->shift_bits);
	return 0;
}

static uint32_t shifted(uint32_t v, const struct xt_connmark_tginfo2 *info)
{
	return info->shift_dir == D_SHIFT_RIGHT ? v >> info->shift_bits
						: v << info->shift_bits;
}

/* connmark_tg_shift: without a connection the packet goes on untouched. */
static unsigned int connmark_apply(struct xt_pkt *pkt, const struct xt_connmark_tginfo2 *info)
{
	struct uipt_conn *ct = pkt->untracked ? NULL : pkt->ct;

	if (!ct)
		return XT_CONTINUE;
	switch (info->mode) {
	case XT_CONNMARK_SET:
		ct->mark = shifted((ct->mark & ~info->ctmask) ^ info->ctmark, info);
		break;
	case XT_CONNMARK_SAVE:
		ct->mark = (ct->mark & ~info->ctmask) ^ shifted(pkt->mark & info->nfmask, info);
		break;
	case XT_CONNMARK_RESTORE:
		pkt->mark = (pkt->mark & ~info->nfmask) ^ shifted(ct->mark & info->ctmask, info);
		break;
	}
	return XT_CONTINUE;
}

static unsigned int CONNMARK2_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	return connmark_apply(pkt, par->data);
}

static unsigned int CONNMARK1_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct xt_connmark_tginfo2 w;

	widen(par->data, &w);
	return connmark_apply(pkt, &w);
}

static struct xtables_target CONNMARK_targets[] = {
	{
		.name = "CONNMARK",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_connmark_tginfo1),
		.userspacesize = sizeof(struct xt_connmark_tginfo1),
		.help = CONNMARK_help,
		.print = CONNMARK1_print,
		.save = CONNMARK1_save,
		.target = CONNMARK1_target,
	},
	{
		.name = "CONNMARK",
		.revision = 2,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_connmark_tginfo2),
		.userspacesize = sizeof(struct xt_connmark_tginfo2),
		.help = CONNMARK_help,
		.init = CONNMARK_init,
		.parse = CONNMARK_parse,
		.final_check = CONNMARK_fcheck,
		.print = CONNMARK2_print,
		.save = CONNMARK2_save,
		.options = CONNMARK_opts,
		.checkentry = CONNMARK2_check,
		.target = CONNMARK2_target,
	},
};

void libxt_CONNMARK_init(void)
{
	xtables_register_targets(CONNMARK_targets,
				 sizeof(CONNMARK_targets) / sizeof(CONNMARK_targets[0]));
}
