/*
 * helper: matches packets of a connection that a conntrack helper
 * expected (the helper belongs to the master connection).
 */
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_helper.h>

enum { O_HELPER };

static const struct xt_option_entry helper_opts[] = {
	{ .name = "helper", .id = O_HELPER, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void helper_help(FILE *f)
{
	fprintf(f, "helper match options:\n"
		"[!] --helper string        Match a connection expected by this helper,\n"
		"                           e.g. ftp, or ftp-21 for the one on port 21\n");
}

/* iptables cuts a long name without a word. */
static int helper_parse(struct xt_option_call *cb)
{
	struct xt_helper_info *info = cb->data;

	strncpy(info->name, cb->arg, sizeof(info->name) - 1);
	if (cb->invert)
		info->invert = 1;
	return 0;
}

static void helper_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_helper_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " helper match %s\"%s\"", info->invert ? "! " : "", info->name);
}

static void helper_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_helper_info *info = data;

	(void)ip;
	fprintf(f, "%s --helper ", info->invert ? " !" : "");
	xt_save_string(f, info->name);
}

/*
 * helper_mt: only a connection with a master (one a helper expected) has
 * a helper to compare: the master's.  The name given matches if it
 * begins with the helper's (the kernel compares strlen(helper) bytes);
 * an empty one matches any helper.
 */
static bool helper_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_helper_info *info = par->data;
	const char *h;

	if (!pkt->ct || pkt->untracked || !pkt->ops->master_helper ||
	    !(h = pkt->ops->master_helper(pkt)))
		return info->invert;
	if (!info->name[0])
		return !info->invert;
	return info->invert ^ !strncmp(h, info->name, strlen(h));
}

static struct xtables_match helper_match_ext = {
	.name = "helper",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_helper_info),
	.userspacesize = sizeof(struct xt_helper_info),
	.help = helper_help,
	.parse = helper_parse,
	.print = helper_print,
	.save = helper_save,
	.options = helper_opts,
	.match = helper_match,
};

void libxt_helper_init(void)
{
	xtables_register_match(&helper_match_ext);
}
