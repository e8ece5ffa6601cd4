/*
 * statistic: matches a random share of packets, or every nth one.  The
 * nth counter is the rule's own state, as the kernel's master->count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_statistic.h>

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };

static const struct xt_option_entry statistic_opts[] = {
	{ .name = "mode", .id = O_MODE, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "probability", .id = O_PROBABILITY, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT },
	{ .name = "every", .id = O_EVERY, .type = XTTYPE_UINT32, .min = 1,
	  .flags = XTOPT_INVERT, .also = 1 << O_PACKET },
	{ .name = "packet", .id = O_PACKET, .type = XTTYPE_UINT32 },
	XTOPT_TABLEEND,
};

/* The kernel's probability: a fraction of 2^31. */
#define SCALE 2147483648.0

struct statistic_state {
	uint32_t count;
	bool started;		/* state comes zeroed: counter not yet loaded */
};

static void statistic_help(FILE *f)
{
	fprintf(f, "statistic match options:\n"
		" --mode mode                    Match mode (random, nth)\n"
		" random mode:\n"
		"[!] --probability p             Probability\n"
		" nth mode:\n"
		"[!] --every n                   Match every nth packet\n"
		" --packet p                     Initial counter value (0 <= p <= n-1, default 0)\n");
}

static int parse_probability(const struct xt_option_call *cb, struct xt_statistic_info *info)
{
	char *end;
	double p = strtod(cb->arg, &end);

	if (end == cb->arg || *end || !(p >= 0 && p <= 1))
		return xt_error(PARAMETER_PROBLEM,
				"statistic: bad value for option \"--probability\", "
				"or out of range (0-1).");
	info->u.random.probability = (uint32_t)(SCALE * p + 0.5);
	return 0;
}

static int statistic_parse(struct xt_option_call *cb)
{
	struct xt_statistic_info *info = cb->data;

	if (cb->invert)
		info->flags |= XT_STATISTIC_INVERT;
	switch (cb->entry->id) {
	case O_MODE:
		if (!strcmp(cb->arg, "random"))
			info->mode = XT_STATISTIC_MODE_RANDOM;
		else if (!strcmp(cb->arg, "nth"))
			info->mode = XT_STATISTIC_MODE_NTH;
		else
			return xt_error(PARAMETER_PROBLEM, "Bad mode \"%s\"", cb->arg);
		return 0;
	case O_PROBABILITY:
		return parse_probability(cb, info);
	case O_EVERY:
		/* The kernel counts 0..every-1. */
		info->u.nth.every = cb->val.u32 - 1;
		return 0;
	case O_PACKET:
		info->u.nth.packet = cb->val.u32;
		return 0;
	}
	return 0;
}

static int statistic_fcheck(struct xt_fcheck_call *cb)
{
	struct xt_statistic_info *info = cb->data;

	if (info->mode == XT_STATISTIC_MODE_RANDOM && !(cb->xflags & (1 << O_PROBABILITY)))
		return xt_error(PARAMETER_PROBLEM,
				"--probability must be specified when using random mode");
	if (info->mode == XT_STATISTIC_MODE_NTH &&
	    !(cb->xflags & ((1 << O_EVERY) | (1 << O_PACKET))))
		return xt_error(PARAMETER_PROBLEM,
				"--every and --packet must be specified when using nth mode");
	if (info->u.nth.packet > info->u.nth.every)
		return xt_error(PARAMETER_PROBLEM, "the --packet p must be 0 <= p <= n-1");
	info->u.nth.count = info->u.nth.every - info->u.nth.packet;
	return 0;
}

/* Both forms: the -L words or the save options ("--" before each). */
static void dump(FILE *f, const struct xt_statistic_info *info, const char *dd)
{
	const char *inv = info->flags & XT_STATISTIC_INVERT ? " !" : "";

	switch (info->mode) {
	case XT_STATISTIC_MODE_RANDOM:
		fprintf(f, " %smode random%s %sprobability %.11f", dd, inv, dd,
			info->u.random.probability / SCALE);
		break;
	case XT_STATISTIC_MODE_NTH:
		fprintf(f, " %smode nth%s %severy %u", dd, inv, dd, info->u.nth.every + 1);
		/* -L leaves out a zero start; save does not. */
		if (dd[0] || info->u.nth.packet)
			fprintf(f, " %spacket %u", dd, info->u.nth.packet);
		break;
	}
}

static void statistic_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	(void)ip;
	(void)numeric;
	fputs(" statistic", f);
	dump(f, data, "");
}

static void statistic_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	dump(f, data, "--");
}

static int statistic_check(const struct xt_check_param *par)
{
	const struct xt_statistic_info *info = par->data;

	if (info->mode > XT_STATISTIC_MODE_MAX || info->flags & ~XT_STATISTIC_MASK)
		return -EINVAL;
	return 0;
}

/*
 * statistic_mt.  A probability strictly between 0 and 1 is chance: the
 * evaluator does not draw, it assumes.
 */
static bool statistic_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_statistic_info *info = par->data;
	struct statistic_state *st = par->priv;
	bool ret = info->flags & XT_STATISTIC_INVERT;

	switch (info->mode) {
	case XT_STATISTIC_MODE_RANDOM:
		if (info->u.random.probability >= 0x80000000u)
			return !ret;
		if (info->u.random.probability == 0)
			return ret;
		pkt->ops->assume((struct xt_pkt *)pkt, "statistic: random draw");
		return pkt->assume_unknown_match;
	case XT_STATISTIC_MODE_NTH:
		if (!st->started) {
			st->count = info->u.nth.count;
			st->started = true;
		}
		st->count = st->count == info->u.nth.every ? 0 : st->count + 1;
		if (st->count == 0)
			ret = !ret;
		break;
	}
	return ret;
}

static struct xtables_match statistic_match_ext = {
	.name = "statistic",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_statistic_info),
	.userspacesize = offsetof(struct xt_statistic_info, u.nth.count),
	.help = statistic_help,
	.parse = statistic_parse,
	.final_check = statistic_fcheck,
	.print = statistic_print,
	.save = statistic_save,
	.options = statistic_opts,
	.checkentry = statistic_check,
	.match = statistic_match,
	.state_size = sizeof(struct statistic_state),
};

void libxt_statistic_init(void)
{
	xtables_register_match(&statistic_match_ext);
}
