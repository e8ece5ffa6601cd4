/*
 * SECMARK: sets the packet's security mark from an SELinux context.
 * iptables sends revision 1; revision 0 (secid before the context) is read
 * from old blobs.
 */
#include <errno.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_SECMARK.h>

enum { O_SELCTX };

static const struct xt_option_entry SECMARK_opts[] = {
	{ .name = "selctx", .id = O_SELCTX, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static void SECMARK_help(FILE *f)
{
	fprintf(f, "SECMARK target options:\n"
		"  --selctx value                     Set the SELinux security context\n");
}

static int SECMARK_parse(struct xt_option_call *cb)
{
	struct xt_secmark_target_info_v1 *info = cb->data;

	if (strlen(cb->arg) >= SECMARK_SECCTX_MAX)
		return xt_error(PARAMETER_PROBLEM, "Maximum length %u exceeded by --selctx"
				" parameter (%zu)", SECMARK_SECCTX_MAX - 1, strlen(cb->arg));
	strcpy(info->secctx, cb->arg);
	info->mode = SECMARK_MODE_SEL;
	return 0;
}

static void print_ctx(FILE *f, uint8_t mode, const char *ctx, const char *word)
{
	if (mode == SECMARK_MODE_SEL)
		fprintf(f, " %s %.*s", word, SECMARK_SECCTX_MAX, ctx);
	else
		fprintf(f, " SECMARK invalid mode %u", mode);
}

static void SECMARK0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_secmark_target_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" SECMARK", f);
	print_ctx(f, info->mode, info->secctx, "selctx");
}

static void SECMARK0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_secmark_target_info *info = data;

	(void)ip;
	print_ctx(f, info->mode, info->secctx, "--selctx");
}

static void SECMARK1_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_secmark_target_info_v1 *info = data;

	(void)ip;
	(void)numeric;
	fputs(" SECMARK", f);
	print_ctx(f, info->mode, info->secctx, "selctx");
}

static void SECMARK1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_secmark_target_info_v1 *info = data;

	(void)ip;
	print_ctx(f, info->mode, info->secctx, "--selctx");
}

/*
 * secmark_tg_check: mangle or security, SELinux mode.  Whether the LSM
 * knows the context is outside what the evaluator knows: taken as valid.
 */
static int check_common(const struct xt_check_param *par, uint8_t mode, const char *ctx)
{
	if (strcmp(par->table, "mangle") && strcmp(par->table, "security"))
		return -EINVAL;
	if (mode != SECMARK_MODE_SEL)
		return -EINVAL;
	if (strnlen(ctx, SECMARK_SECCTX_MAX) == SECMARK_SECCTX_MAX)
		return -EINVAL;
	return 0;
}

static int SECMARK0_check(const struct xt_check_param *par)
{
	const struct xt_secmark_target_info *info = par->data;

	return check_common(par, info->mode, info->secctx);
}

static int SECMARK1_check(const struct xt_check_param *par)
{
	const struct xt_secmark_target_info_v1 *info = par->data;

	return check_common(par, info->mode, info->secctx);
}

/* The packet carries no security mark in the evaluator: noted, not set. */
static unsigned int SECMARK_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)par;
	pkt->ops->assume(pkt, "SECMARK: security marks are not modelled");
	return XT_CONTINUE;
}

static struct xtables_target SECMARK_targets[] = {
	{
		.name = "SECMARK",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_secmark_target_info),
		.userspacesize = sizeof(struct xt_secmark_target_info),
		.help = SECMARK_help,
		.print = SECMARK0_print,
		.save = SECMARK0_save,
		.checkentry = SECMARK0_check,
		.target = SECMARK_target,
	},
	{
		.name = "SECMARK",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_secmark_target_info_v1),
		.userspacesize = offsetof(struct xt_secmark_target_info_v1, secid),
		.help = SECMARK_help,
		.parse = SECMARK_parse,
		.print = SECMARK1_print,
		.save = SECMARK1_save,
		.options = SECMARK_opts,
		.checkentry = SECMARK1_check,
		.target = SECMARK_target,
	},
};

void libxt_SECMARK_init(void)
{
	xtables_register_targets(SECMARK_targets, sizeof(SECMARK_targets) / sizeof(SECMARK_targets[0]));
}
