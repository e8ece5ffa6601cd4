/*
 * NOTRACK: the packet is not tracked.  iptables sends it as CT revision 2
 * with NOTRACK|NOTRACK_ALIAS (printed back by libxt_CT.c); the old
 * NOTRACK target, revision 0 without data, is read from old blobs.
 */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_CT.h>

static void NOTRACK_help(FILE *f)
{
	fprintf(f, "NOTRACK target takes no options\n");
}

static void NOTRACK_alias_init(void *data)
{
	struct xt_ct_target_info_v1 *info = data;

	info->flags = XT_CT_NOTRACK | XT_CT_NOTRACK_ALIAS;
}

static void NOTRACK_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)data;
	(void)numeric;
	fputs(" NOTRACK", f);
}

/* Untracked unless conntrack has already seen it (a looped-back packet). */
static unsigned int NOTRACK_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)par;
	if (!pkt->ct && !pkt->untracked)
		pkt->ops->untrack(pkt);
	return XT_CONTINUE;
}

#define NOTRACK_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static struct xtables_target NOTRACK_targets[] = {
	{
		.name = "NOTRACK",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = 0,
		.userspacesize = 0,
		.help = NOTRACK_help,
		.print = NOTRACK_print,
		.table = "raw",
		.hooks = NOTRACK_HOOKS,
		.target = NOTRACK_target,
	},
	{
		.name = "NOTRACK",
		.real_name = "CT",
		.revision = 2,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_ct_target_info_v1),
		.userspacesize = offsetof(struct xt_ct_target_info_v1, ct),
		.help = NOTRACK_help,
		.init = NOTRACK_alias_init,
		.print = NOTRACK_print,
		.table = "raw",
		.hooks = NOTRACK_HOOKS,
		.target = NOTRACK_target,
	},
};

void libxt_NOTRACK_init(void)
{
	xtables_register_targets(NOTRACK_targets,
				 sizeof(NOTRACK_targets) / sizeof(NOTRACK_targets[0]));
}
