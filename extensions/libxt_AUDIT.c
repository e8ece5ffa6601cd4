/* AUDIT: write an audit record about the packet, then go on. */
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_AUDIT.h>

enum { O_AUDIT_TYPE };

static const struct xt_option_entry audit_opts[] = {
	{ .name = "type", .id = O_AUDIT_TYPE, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static const char *const type_names[] = {
	[XT_AUDIT_TYPE_ACCEPT] = "accept",
	[XT_AUDIT_TYPE_DROP] = "drop",
	[XT_AUDIT_TYPE_REJECT] = "reject",
};

static void audit_help(FILE *f)
{
	fprintf(f, "AUDIT target options\n"
		"  --type TYPE        what the record says happened: accept, drop or reject\n");
}

static int audit_parse(struct xt_option_call *cb)
{
	struct xt_audit_info *ai = cb->data;

	for (unsigned int i = 0; i <= XT_AUDIT_TYPE_MAX; i++)
		if (!strcasecmp(cb->arg, type_names[i])) {
			ai->type = (uint8_t)i;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "Bad action type value \"%s\"", cb->arg);
}

static void audit_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_audit_info *ai = data;

	(void)ip;
	(void)numeric;
	fputs(" AUDIT ", f);
	if (ai->type <= XT_AUDIT_TYPE_MAX)
		fputs(type_names[ai->type], f);
}

static void audit_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_audit_info *ai = data;

	(void)ip;
	if (ai->type <= XT_AUDIT_TYPE_MAX)
		fprintf(f, " --type %s", type_names[ai->type]);
}

static int audit_check(const struct xt_check_param *par)
{
	const struct xt_audit_info *ai = par->data;

	if (ai->type > XT_AUDIT_TYPE_MAX)
		return xt_error(OTHER_PROBLEM, "Audit type out of range (valid range: 0..%u)",
				XT_AUDIT_TYPE_MAX);
	return 0;
}

/* The record the kernel's audit_tg writes (AUDIT_NETFILTER_PKT). */
static unsigned int audit_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const uint8_t *iph = pkt->data;
	char line[160];

	(void)par;
	if (pkt->len >= 20)
		snprintf(line, sizeof(line), "audit: mark=%#x saddr=%u.%u.%u.%u "
			 "daddr=%u.%u.%u.%u proto=%u", pkt->mark, iph[12], iph[13], iph[14],
			 iph[15], iph[16], iph[17], iph[18], iph[19], iph[9]);
	else
		snprintf(line, sizeof(line), "audit: mark=%#x saddr=? daddr=? proto=-1",
			 pkt->mark);
	if (pkt->ops && pkt->ops->log)
		pkt->ops->log(pkt, line);
	return XT_CONTINUE;
}

static struct xtables_target audit_target_ext = {
	.name = "AUDIT",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_audit_info),
	.userspacesize = sizeof(struct xt_audit_info),
	.help = audit_help,
	.parse = audit_parse,
	.print = audit_print,
	.save = audit_save,
	.options = audit_opts,
	.checkentry = audit_check,
	.target = audit_target,
};

void libxt_AUDIT_init(void)
{
	xtables_register_target(&audit_target_ext);
}
