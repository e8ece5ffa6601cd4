/*
 * CONNSECMARK: copies the security mark from the packet to its connection
 * (--save) or back (--restore).
 */
#include <errno.h>
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_CONNSECMARK.h>

enum { O_SAVE, O_RESTORE };

static const struct xt_option_entry CONNSECMARK_opts[] = {
	{ .name = "save", .id = O_SAVE, .type = XTTYPE_NONE, .excl = 1 << O_RESTORE },
	{ .name = "restore", .id = O_RESTORE, .type = XTTYPE_NONE, .excl = 1 << O_SAVE },
	XTOPT_TABLEEND,
};

static void CONNSECMARK_help(FILE *f)
{
	fprintf(f, "CONNSECMARK target options:\n"
		"  --save                   Copy the packet's security mark to the connection\n"
		"  --restore                Copy the connection's security mark to the packet\n");
}

static int CONNSECMARK_parse(struct xt_option_call *cb)
{
	struct xt_connsecmark_target_info *info = cb->data;

	info->mode = cb->entry->id == O_SAVE ? CONNSECMARK_SAVE : CONNSECMARK_RESTORE;
	return 0;
}

static int CONNSECMARK_fcheck(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "CONNSECMARK target: parameter required");
	return 0;
}

static const char *mode_word(uint8_t mode)
{
	switch (mode) {
	case CONNSECMARK_SAVE:
		return "save";
	case CONNSECMARK_RESTORE:
		return "restore";
	}
	return NULL;
}

static void CONNSECMARK_print(FILE *f, const struct ipt_ip *ip, const void *data,
			      bool numeric)
{
	const struct xt_connsecmark_target_info *info = data;
	const char *w = mode_word(info->mode);

	(void)ip;
	(void)numeric;
	if (w)
		fprintf(f, " CONNSECMARK %s", w);
	else
		fprintf(f, " CONNSECMARK invalid mode %u", info->mode);
}

static void CONNSECMARK_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connsecmark_target_info *info = data;
	const char *w = mode_word(info->mode);

	(void)ip;
	if (w)
		fprintf(f, " --%s", w);
	else
		fprintf(f, " CONNSECMARK invalid mode %u", info->mode);
}

/* The kernel takes it in mangle and security only. */
static int CONNSECMARK_check(const struct xt_check_param *par)
{
	const struct xt_connsecmark_target_info *info = par->data;

	if (strcmp(par->table, "mangle") && strcmp(par->table, "security"))
		return -EINVAL;
	return mode_word(info->mode) ? 0 : -EINVAL;
}

/*
 * The evaluator's packet carries no security mark (it comes from an LSM
 * policy): only the lack of a connection is certain.
 */
static unsigned int CONNSECMARK_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)par;
	if (pkt->ct && !pkt->untracked)
		pkt->ops->assume(pkt, "CONNSECMARK: security marks are not modelled");
	return XT_CONTINUE;
}

static struct xtables_target CONNSECMARK_target_ext = {
	.name = "CONNSECMARK",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connsecmark_target_info),
	.userspacesize = sizeof(struct xt_connsecmark_target_info),
	.help = CONNSECMARK_help,
	.parse = CONNSECMARK_parse,
	.final_check = CONNSECMARK_fcheck,
	.print = CONNSECMARK_print,
	.save = CONNSECMARK_save,
	.options = CONNSECMARK_opts,
	.checkentry = CONNSECMARK_check,
	.target = CONNSECMARK_target,
};

void libxt_CONNSECMARK_init(void)
{
	xtables_register_target(&CONNSECMARK_target_ext);
}
