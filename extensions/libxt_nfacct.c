/* nfacct: count the packet in a named extended accounting object. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_nfacct.h>
#include <errno.h>
#include <stdio.h>
#include "../libxt/error.h"
#include "../libxt/nfacct.h"

enum { O_NAME };

static const struct xt_option_entry nfacct_opts_v0[] = {
	{ .name = "nfacct-name", .id = O_NAME, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_nfacct_match_info, name) },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry nfacct_opts_v1[] = {
	{ .name = "nfacct-name", .id = O_NAME, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_nfacct_match_info_v1, name) },
	XTOPT_TABLEEND,
};

static void nfacct_help(FILE *f)
{
	fprintf(f, "nfacct match options:\n"
		" --nfacct-name STRING           the accounting object (made with nfacct)\n"
		"                                to count the packet in\n");
}

static int nfacct_parse(struct xt_option_call *cb)
{
	if (!cb->arg[0])
		return xt_error(PARAMETER_PROBLEM,
				"Argument must have a minimum length of 1 characters\n");
	return 0;
}

/* The name is the first member of both revisions. */
static void nfacct_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_nfacct_match_info *n = data;

	(void)ip;
	(void)numeric;
	/* iptables puts two spaces before the name here and in save. */
	fputs(" nfacct-name  ", f);
	xt_save_string(f, n->name);
}

static void nfacct_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_nfacct_match_info *n = data;

	(void)ip;
	fputs(" --nfacct-name  ", f);
	xt_save_string(f, n->name);
}

/*
 * The kernel looks the object up and refuses the rule without it
 * (ENOENT): iptables then prints its "No chain/target/match" line.
 */
static int nfacct_check(const struct xt_check_param *par)
{
	const struct xt_nfacct_match_info *n = par->data;
	struct uipt_nfacct_list *l = uipt_nfacct_objects();
	char msg[1024];

	if (!l) {
		/* Said the table layer's way, so it is printed as it is. */
		snprintf(msg, sizeof(msg), "%s", xt_error_msg());
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "%s", msg);
	}
	return uipt_nfacct_find(l, n->name) ? 0 : -ENOENT;
}

/* xt_nfacct: every packet is counted; with a quota the match says
 * whether the object is past it. */
static bool nfacct_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_nfacct_match_info *n = par->data;
	struct uipt_nfacct_list *l = uipt_nfacct_objects();
	struct uipt_nfacct *o = l ? uipt_nfacct_find(l, n->name) : NULL;

	if (!o) {
		/* Only a state directory changed by hand gets here. */
		if (pkt->ops && pkt->ops->assume)
			pkt->ops->assume((struct xt_pkt *)pkt, "nfacct: the object is missing");
		return pkt->assume_unknown_match;
	}
	return uipt_nfacct_count(l, o, pkt->len) != UIPT_NFACCT_UNDER;
}

static struct xtables_match nfacct_exts[] = {
	{
		.name = "nfacct", .revision = 0, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_nfacct_match_info),
		.userspacesize = offsetof(struct xt_nfacct_match_info, nfacct),
		.help = nfacct_help, .parse = nfacct_parse,
		.print = nfacct_print, .save = nfacct_save, .options = nfacct_opts_v0,
		.checkentry = nfacct_check, .match = nfacct_match,
	},
	{
		.name = "nfacct", .revision = 1, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_nfacct_match_info_v1),
		.userspacesize = offsetof(struct xt_nfacct_match_info_v1, nfacct),
		.help = nfacct_help, .parse = nfacct_parse,
		.print = nfacct_print, .save = nfacct_save, .options = nfacct_opts_v1,
		.checkentry = nfacct_check, .match = nfacct_match,
	},
};

void libxt_nfacct_init(void)
{
	xtables_register_matches(nfacct_exts, sizeof(nfacct_exts) / sizeof(nfacct_exts[0]));
}
