/* CLASSIFY: set the packet's priority, the tc class it is queued in. */
#include <stdio.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_CLASSIFY.h>

enum { O_SET_CLASS };

static const struct xt_option_entry classify_opts[] = {
	{ .name = "set-class", .id = O_SET_CLASS, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static void classify_help(FILE *f)
{
	fprintf(f, "CLASSIFY target options:\n"
		"--set-class MAJOR:MINOR    tc class of the packet, both in hex\n");
}

/* Two hex numbers, major in the high half as tc's handles (TC_H_MAKE). */
static int classify_parse(struct xt_option_call *cb)
{
	struct xt_classify_target_info *ci = cb->data;
	unsigned int major, minor;

	if (sscanf(cb->arg, "%x:%x", &major, &minor) != 2)
		return xt_error(PARAMETER_PROBLEM, "Bad class value \"%s\"", cb->arg);
	ci->priority = ((major << 16) & 0xFFFF0000u) | (minor & 0xFFFFu);
	return 0;
}

static void classify_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_classify_target_info *ci = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " CLASSIFY set %x:%x", ci->priority >> 16, ci->priority & 0xFFFF);
}

static void classify_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_classify_target_info *ci = data;

	(void)ip;
	fprintf(f, " --set-class %.4x:%.4x", ci->priority >> 16, ci->priority & 0xFFFF);
}

static unsigned int classify_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_classify_target_info *ci = par->data;

	pkt->priority = ci->priority;
	return XT_CONTINUE;
}

static struct xtables_target classify_target_ext = {
	.name = "CLASSIFY",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_classify_target_info),
	.userspacesize = sizeof(struct xt_classify_target_info),
	.help = classify_help,
	.parse = classify_parse,
	.print = classify_print,
	.save = classify_save,
	.options = classify_opts,
	.hooks = (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_FORWARD) |
		 (1 << NF_INET_POST_ROUTING),
	.target = classify_target,
};

void libxt_CLASSIFY_init(void)
{
	xtables_register_target(&classify_target_ext);
}
