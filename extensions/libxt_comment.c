/* comment: a note kept with the rule; it always matches. */
#include <string.h>
#include <linux/netfilter/xt_comment.h>
#include <uiptables/packet.h>

enum { O_COMMENT };

static const struct xt_option_entry comment_opts[] = {
	{ .name = "comment", .id = O_COMMENT, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static void comment_help(FILE *f)
{
	fprintf(f, "comment match options:\n"
		"--comment COMMENT             Attach a comment to a rule\n");
}

/* iptables cuts long comments without a word; so do we. */
static int comment_parse(struct xt_option_call *cb)
{
	struct xt_comment_info *ci = cb->data;

	strncpy(ci->comment, cb->arg, XT_MAX_COMMENT_LEN - 1);
	return 0;
}

static void comment_print(FILE *f, const struct ipt_ip *ip, const void *data,
			  bool numeric)
{
	const struct xt_comment_info *ci = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " /* %s */", ci->comment);
}

static void comment_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_comment_info *ci = data;

	(void)ip;
	fputs(" --comment ", f);
	xt_save_string(f, ci->comment);
}

static bool comment_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return true;
}

static struct xtables_match comment_match_ext = {
	.name = "comment",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_comment_info),
	.userspacesize = sizeof(struct xt_comment_info),
	.help = comment_help,
	.parse = comment_parse,
	.print = comment_print,
	.save = comment_save,
	.options = comment_opts,
	.match = comment_match,
};

void libxt_comment_init(void)
{
	xtables_register_match(&comment_match_ext);
}
