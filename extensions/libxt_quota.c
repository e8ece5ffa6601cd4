/*
 * quota: matches until the rule has let a number of bytes through.  The
 * remaining bytes are the rule's own state, as the kernel's priv.
 */
#include <errno.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_quota.h>

enum { O_QUOTA };

static const struct xt_option_entry quota_opts[] = {
	{ .name = "quota", .id = O_QUOTA, .type = XTTYPE_UINT64,
	  .flags = XTOPT_MAND | XTOPT_INVERT | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_quota_info, quota) },
	XTOPT_TABLEEND,
};

struct quota_state {
	uint64_t left;
	bool started;		/* state comes zeroed: quota not yet loaded */
};

static void quota_help(FILE *f)
{
	fprintf(f, "quota match options:\n"
		"[!] --quota quota          quota (bytes)\n");
}

static int quota_parse(struct xt_option_call *cb)
{
	struct xt_quota_info *info = cb->data;

	if (cb->invert)
		info->flags |= XT_QUOTA_INVERT;
	return 0;
}

/* -L shows no inversion: iptables prints the amount only. */
static void quota_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_quota_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " quota: %llu bytes", (unsigned long long)info->quota);
}

static void quota_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_quota_info *info = data;

	(void)ip;
	fprintf(f, "%s --quota %llu", info->flags & XT_QUOTA_INVERT ? " !" : "",
		(unsigned long long)info->quota);
}

static int quota_check(const struct xt_check_param *par)
{
	const struct xt_quota_info *info = par->data;

	return info->flags & ~XT_QUOTA_MASK ? -EINVAL : 0;
}

/* quota_mt: a packet too big for what is left uses the rest up. */
static bool quota_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_quota_info *info = par->data;
	struct quota_state *st = par->priv;
	bool ret = info->flags & XT_QUOTA_INVERT;

	if (!st->started) {
		st->left = info->quota;
		st->started = true;
	}
	if (st->left >= pkt->len) {
		st->left -= pkt->len;
		ret = !ret;
	} else {
		st->left = 0;
	}
	return ret;
}

static struct xtables_match quota_match_ext = {
	.name = "quota",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_quota_info),
	.userspacesize = offsetof(struct xt_quota_info, master),
	.help = quota_help,
	.parse = quota_parse,
	.print = quota_print,
	.save = quota_save,
	.options = quota_opts,
	.checkentry = quota_check,
	.match = quota_match,
	.state_size = sizeof(struct quota_state),
};

void libxt_quota_init(void)
{
	xtables_register_match(&quota_match_ext);
}
