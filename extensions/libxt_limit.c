/* limit: a token bucket per rule, matching while tokens remain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/netfilter/xt_limit.h>
#include <uiptables/packet.h>
#include "../libxt/error.h"

enum { O_LIMIT, O_BURST };

#define LIMIT_BURST_DEFAULT 5

/*
 * The kernel counts time in jiffies; the evaluator's packet clock is in
 * nanoseconds, so we pick HZ = 1000.  Credits per jiffy is the largest
 * power of two that cannot overflow a day of credits, as the kernel has it.
 */
#define LIMIT_HZ 1000u
#define LIMIT_MAX_CPJ (0xFFFFFFFFu / (LIMIT_HZ * 60 * 60 * 24))
#define LIMIT_CPJ 32u		/* power of two below LIMIT_MAX_CPJ (49) */

static const struct xt_option_entry limit_opts[] = {
	{ .name = "limit", .id = O_LIMIT, .type = XTTYPE_STRING },
	{ .name = "limit-burst", .id = O_BURST, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct xt_rateinfo, burst),
	  .min = 0, .max = 10000 },
	XTOPT_TABLEEND,
};

static void limit_help(FILE *f)
{
	fprintf(f, "limit match options:\n"
		"--limit avg                     highest average rate to match, as\n"
		"                                number/unit with unit one of\n"
		"                                second, minute, hour or day (or a prefix);\n"
		"                                3/hour when not given\n"
		"--limit-burst number            how many may match in a row before\n"
		"                                the average applies; 5 when not given\n");
}

static void limit_init(void *data)
{
	struct xt_rateinfo *r = data;

	r->avg = XT_LIMIT_SCALE * 3600 / 3;	/* 3/hour */
	r->burst = LIMIT_BURST_DEFAULT;
}

/* The unit after '/': any prefix of second, minute, hour or day. */
static bool unit_seconds(const char *unit, uint32_t *mult)
{
	static const struct { const char *name; uint32_t secs; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	size_t len = strlen(unit);

	if (!len)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strncasecmp(units[i].name, unit, len)) {
			*mult = units[i].secs;
			return true;
		}
	return false;
}

static int limit_parse(struct xt_option_call *cb)
{
	struct xt_rateinfo *r = cb->data;
	const char *slash = strchr(cb->arg, '/');
	uint32_t mult = 1, n;

	if (cb->entry->id != O_LIMIT)
		return 0;
	if (slash && !unit_seconds(slash + 1, &mult))
		return xt_error(PARAMETER_PROBLEM, "bad rate \"%s\"'", cb->arg);
	/* Like atoi: leading digits, the rest ignored. */
	n = (uint32_t)atoi(cb->arg);
	if (!n)
		return xt_error(PARAMETER_PROBLEM, "bad rate \"%s\"'", cb->arg);
	r->avg = XT_LIMIT_SCALE * mult / n;
	if (!r->avg)
		return xt_error(PARAMETER_PROBLEM, "Rate too fast \"%s\"", cb->arg);
	return 0;
}

static const struct {
	const char *name;
	uint32_t mult;
} rate_units[] = {
	{ "day", XT_LIMIT_SCALE * 24 * 60 * 60 },
	{ "hour", XT_LIMIT_SCALE * 60 * 60 },
	{ "min", XT_LIMIT_SCALE * 60 },
	{ "sec", XT_LIMIT_SCALE },
};

/* The largest unit that still shows the rate without losing much. */
static void print_rate(FILE *f, uint32_t period)
{
	size_t i;

	if (!period) {
		fprintf(f, " %f", INFINITY);
		return;
	}
	for (i = 1; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
		if (period > rate_units[i].mult ||
		    rate_units[i].mult / period < rate_units[i].mult % period)
			break;
	fprintf(f, " %u/%s", rate_units[i - 1].mult / period, rate_units[i - 1].name);
}

static void limit_print(FILE *f, const struct ipt_ip *ip, const void *data,
			bool numeric)
{
	const struct xt_rateinfo *r = data;

	(void)ip;
	(void)numeric;
	fputs(" limit: avg", f);
	print_rate(f, r->avg);
	fprintf(f, " burst %u", r->burst);
}

static void limit_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_rateinfo *r = data;

	(void)ip;
	fputs(" --limit", f);
	print_rate(f, r->avg);
	if (r->burst != LIMIT_BURST_DEFAULT)
		fprintf(f, " --limit-burst %u", r->burst);
}

/* User rate units to credits, dividing first where the product overflows. */
static uint32_t user2credits(uint32_t user)
{
	if (user > 0xFFFFFFFFu / (LIMIT_HZ * LIMIT_CPJ))
		return (user / XT_LIMIT_SCALE) * LIMIT_HZ * LIMIT_CPJ;
	return (user * LIMIT_HZ * LIMIT_CPJ) / XT_LIMIT_SCALE;
}

static int limit_check(const struct xt_check_param *par)
{
	const struct xt_rateinfo *r = par->data;

	/* avg * burst is the kernel's u32 product: an overflow shows here. */
	if (r->burst == 0 || user2credits(r->avg * r->burst) < user2credits(r->avg))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "Numerical result out of range");
	return 0;
}

/* The bucket, kept with the rule as the kernel's xt_limit_priv. */
struct limit_state {
	uint64_t prev;		/* jiffies of the last refill */
	uint32_t credit;
	bool started;
};

static bool limit_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_rateinfo *r = par->data;
	struct limit_state *st = par->priv;
	uint32_t cap = user2credits(r->avg * r->burst);
	uint32_t cost = user2credits(r->avg);
	uint64_t now = pkt->now_ns / (1000000000u / LIMIT_HZ);

	if (!st)
		return true;
	if (!st->started) {
		/* The rule was loaded with a full bucket. */
		st->started = true;
		st->prev = now;
		st->credit = cap;
	}
	/* As the kernel: the sum is kept in 32 bits. */
	st->credit = (uint32_t)(st->credit + (now - st->prev) * LIMIT_CPJ);
	st->prev = now;
	if (st->credit > cap)
		st->credit = cap;
	if (st->credit >= cost) {
		st->credit -= cost;
		return true;
	}
	return false;
}

static struct xtables_match limit_match_ext = {
	.name = "limit",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_rateinfo),
	.userspacesize = offsetof(struct xt_rateinfo, prev),
	.help = limit_help,
	.init = limit_init,
	.parse = limit_parse,
	.print = limit_print,
	.save = limit_save,
	.options = limit_opts,
	.checkentry = limit_check,
	.match = limit_match,
	.state_size = sizeof(struct limit_state),
};

void libxt_limit_init(void)
{
	xtables_register_match(&limit_match_ext);
}
