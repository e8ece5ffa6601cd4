/* NFLOG: hand a copy of the packet to a netlink log group, then go on. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_NFLOG.h>

enum { O_GROUP, O_PREFIX, O_RANGE, O_SIZE, O_THRESHOLD };

static const struct xt_option_entry nflog_opts[] = {
	{ .name = "nflog-group", .id = O_GROUP, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_nflog_info, group) },
	{ .name = "nflog-prefix", .id = O_PREFIX, .type = XTTYPE_STRING },
	{ .name = "nflog-range", .id = O_RANGE, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  .excl = 1 << O_SIZE, XTOPT_POINTER(struct xt_nflog_info, len) },
	{ .name = "nflog-size", .id = O_SIZE, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  .excl = 1 << O_RANGE, XTOPT_POINTER(struct xt_nflog_info, len) },
	{ .name = "nflog-threshold", .id = O_THRESHOLD, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_nflog_info, threshold) },
	XTOPT_TABLEEND,
};

static void nflog_help(FILE *f)
{
	fprintf(f, "NFLOG target options:\n"
		" --nflog-group NUM             netlink log group to send to (default 0)\n"
		" --nflog-prefix STRING         text sent along with the packet\n"
		" --nflog-range NUM             obsolete, use --nflog-size\n"
		" --nflog-size NUM              bytes of the packet to copy\n"
		" --nflog-threshold NUM         packets queued in the kernel before sending\n");
}

static void nflog_init(void *data)
{
	struct xt_nflog_info *info = data;

	info->threshold = XT_NFLOG_DEFAULT_THRESHOLD;
}

/* An over-long prefix is cut, as iptables' string option does. */
static int parse_prefix(const char *arg, struct xt_nflog_info *info)
{
	if (!*arg)
		return xt_error(PARAMETER_PROBLEM,
				"Argument must have a minimum length of 1 characters\n");
	if (strchr(arg, '\n'))
		return xt_error(PARAMETER_PROBLEM, "Newlines not allowed in --log-prefix");
	memset(info->prefix, 0, sizeof(info->prefix));
	strncpy(info->prefix, arg, sizeof(info->prefix) - 1);
	return 0;
}

static int nflog_parse(struct xt_option_call *cb)
{
	struct xt_nflog_info *info = cb->data;

	switch (cb->entry->id) {
	case O_PREFIX:
		return parse_prefix(cb->arg, info);
	case O_RANGE:
		fprintf(stderr, "warn: --nflog-range has never worked and is no longer "
			"supported, please use --nflog-size instead\n");
		break;
	case O_SIZE:
		info->flags |= XT_NFLOG_F_COPY_LEN;
		break;
	}
	return 0;
}

static void show(FILE *f, const struct xt_nflog_info *info, const char *pfx)
{
	if (info->prefix[0]) {
		char prefix[sizeof(info->prefix) + 1];

		snprintf(prefix, sizeof(prefix), "%.*s", (int)sizeof(info->prefix), info->prefix);
		fprintf(f, " %snflog-prefix ", pfx);
		xt_save_string(f, prefix);
	}
	if (info->group)
		fprintf(f, " %snflog-group %u", pfx, info->group);
	if (info->flags & XT_NFLOG_F_COPY_LEN)
		fprintf(f, " %snflog-size %u", pfx, info->len);
	else if (info->len)
		fprintf(f, " %snflog-range %u", pfx, info->len);
	if (info->threshold != XT_NFLOG_DEFAULT_THRESHOLD)
		fprintf(f, " %snflog-threshold %u", pfx, info->threshold);
}

static void nflog_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, "");
}

static void nflog_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, "--");
}

static int nflog_check(const struct xt_check_param *par)
{
	const struct xt_nflog_info *info = par->data;

	if (info->flags & ~XT_NFLOG_MASK)
		return xt_error(OTHER_PROBLEM, "NFLOG: unknown flags");
	if (info->prefix[sizeof(info->prefix) - 1] != '\0')
		return xt_error(OTHER_PROBLEM, "NFLOG: prefix is not null-terminated");
	return 0;
}

/* The evaluator has no netlink listener; the trace shows where it went. */
static unsigned int nflog_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_nflog_info *info = par->data;
	char line[128];

	snprintf(line, sizeof(line), "nflog group %u prefix \"%.*s\"", info->group,
		 (int)sizeof(info->prefix), info->prefix);
	if (pkt->ops && pkt->ops->log)
		pkt->ops->log(pkt, line);
	return XT_CONTINUE;
}

static struct xtables_target nflog_target_ext = {
	.name = "NFLOG",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_nflog_info),
	.userspacesize = sizeof(struct xt_nflog_info),
	.help = nflog_help,
	.init = nflog_init,
	.parse = nflog_parse,
	.print = nflog_print,
	.save = nflog_save,
	.options = nflog_opts,
	.checkentry = nflog_check,
	.target = nflog_target,
};

void libxt_NFLOG_init(void)
{
	xtables_register_target(&nflog_target_ext);
}
