/* IDLETIMER: restart a named timer; userspace hears when it runs out. */
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_IDLETIMER.h>

enum { O_TIMEOUT, O_LABEL, O_ALARM };

static const struct xt_option_entry idletimer0_opts[] = {
	{ .name = "timeout", .id = O_TIMEOUT, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(struct idletimer_tg_info, timeout) },
	{ .name = "label", .id = O_LABEL, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry idletimer1_opts[] = {
	{ .name = "timeout", .id = O_TIMEOUT, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(struct idletimer_tg_info_v1, timeout) },
	{ .name = "label", .id = O_LABEL, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "alarm", .id = O_ALARM, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void idletimer_help(FILE *f)
{
	fprintf(f, "IDLETIMER target options:\n"
		" --timeout time	Seconds of silence before the timer fires.\n"
		" --label string	Name of the timer (27 characters at most).\n"
		" --alarm		Use an alarm timer, which also wakes a suspended system.\n");
}

/* Both revisions start with timeout and label; a long label is cut. */
static int idletimer_parse(struct xt_option_call *cb)
{
	struct idletimer_tg_info_v1 *info = cb->data;

	switch (cb->entry->id) {
	case O_LABEL:
		memset(info->label, 0, sizeof(info->label));
		strncpy(info->label, cb->arg, sizeof(info->label) - 1);
		break;
	case O_ALARM:
		info->timer_type = XT_IDLETIMER_ALARM;
		break;
	}
	return 0;
}

static void show(FILE *f, const void *data, unsigned int rev, bool save)
{
	const struct idletimer_tg_info_v1 *info = data;
	int len = (int)sizeof(info->label);

	if (save)
		fprintf(f, " --timeout %u --label %.*s", info->timeout, len, info->label);
	else
		fprintf(f, " timeout:%u label:%.*s", info->timeout, len, info->label);
	if (rev >= 1 && info->timer_type == XT_IDLETIMER_ALARM)
		fputs(save ? " --alarm" : " alarm", f);
}

static void idletimer0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, 0, false);
}

static void idletimer0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, 0, true);
}

static void idletimer1_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, 1, false);
}

static void idletimer1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, 1, true);
}

static int check_common(const struct idletimer_tg_info *info)
{
	if (info->timeout == 0)
		return xt_error(OTHER_PROBLEM, "timeout value is zero");
	if (info->timeout >= 0x7fffffff / 1000)
		return xt_error(OTHER_PROBLEM, "timeout value is too big");
	if (!info->label[0] || strnlen(info->label, sizeof(info->label)) == sizeof(info->label))
		return xt_error(OTHER_PROBLEM, "label is empty or not nul-terminated");
	return 0;
}

static int idletimer0_check(const struct xt_check_param *par)
{
	return check_common(par->data);
}

static int idletimer1_check(const struct xt_check_param *par)
{
	const struct idletimer_tg_info_v1 *info = par->data;

	if (info->timer_type > XT_IDLETIMER_ALARM)
		return xt_error(OTHER_PROBLEM, "invalid value for timer type");
	return check_common(par->data);
}

/* The timer's own clock is outside the packet path: only a restart. */
static unsigned int idletimer_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return XT_CONTINUE;
}

static struct xtables_target idletimer_targets[] = {
	{
		.name = "IDLETIMER",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct idletimer_tg_info),
		.userspacesize = offsetof(struct idletimer_tg_info, timer),
		.help = idletimer_help,
		.parse = idletimer_parse,
		.print = idletimer0_print,
		.save = idletimer0_save,
		.options = idletimer0_opts,
		.checkentry = idletimer0_check,
		.target = idletimer_target,
	},
	{
		.name = "IDLETIMER",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct idletimer_tg_info_v1),
		.userspacesize = offsetof(struct idletimer_tg_info_v1, timer),
		.help = idletimer_help,
		.parse = idletimer_parse,
		.print = idletimer1_print,
		.save = idletimer1_save,
		.options = idletimer1_opts,
		.checkentry = idletimer1_check,
		.target = idletimer_target,
	},
};

void libxt_IDLETIMER_init(void)
{
	xtables_register_targets(idletimer_targets,
				 sizeof(idletimer_targets) / sizeof(idletimer_targets[0]));
}
