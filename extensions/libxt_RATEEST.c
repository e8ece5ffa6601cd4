/* RATEEST: feed a named rate estimator with the packets that reach it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_RATEEST.h>

enum { O_NAME, O_INTERVAL, O_EWMALOG };

#define USEC_PER_SEC 1000000u

static const struct xt_option_entry rateest_opts[] = {
	{ .name = "rateest-name", .id = O_NAME, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "rateest-interval", .id = O_INTERVAL, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND },
	{ .name = "rateest-ewmalog", .id = O_EWMALOG, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

/*
 * The two times are only known together, at the final check: they are
 * kept here between the option callbacks of one rule, as iptables does.
 */
static unsigned int given_interval, given_ewma;

static void rateest_help(FILE *f)
{
	fprintf(f, "RATEEST target options:\n"
		"  --rateest-name name		estimator to feed\n"
		"  --rateest-interval time	how often the rate is measured (e.g. 250ms, 1s)\n"
		"  --rateest-ewmalog time	averaging time constant\n");
}

/* A number with an optional unit, in microseconds. */
static int get_time(const char *s, unsigned int *usec)
{
	char *end;
	double t = strtod(s, &end);

	if (end == s)
		return -1;
	if (*end) {
		if (!strcasecmp(end, "s") || !strcasecmp(end, "sec") || !strcasecmp(end, "secs"))
			t *= USEC_PER_SEC;
		else if (!strcasecmp(end, "ms") || !strcasecmp(end, "msec") ||
			 !strcasecmp(end, "msecs"))
			t *= USEC_PER_SEC / 1000;
		else if (!strcasecmp(end, "us") || !strcasecmp(end, "usec") ||
			 !strcasecmp(end, "usecs"))
			t *= USEC_PER_SEC / 1000000;
		else
			return -1;
	}
	/* Out of an unsigned int the conversion is undefined: refuse. */
	if (!(t >= 0 && t < 4294967296.0))
		return -1;
	*usec = (unsigned int)t;
	return 0;
}

static int rateest_parse(struct xt_option_call *cb)
{
	struct xt_rateest_target_info *info = cb->data;

	switch (cb->entry->id) {
	case O_NAME:
		memset(info->name, 0, sizeof(info->name));
		strncpy(info->name, cb->arg, sizeof(info->name) - 1);
		break;
	case O_INTERVAL:
		if (get_time(cb->arg, &given_interval) < 0)
			return xt_error(PARAMETER_PROBLEM, "RATEEST: bad interval value \"%s\"",
					cb->arg);
		break;
	case O_EWMALOG:
		if (get_time(cb->arg, &given_ewma) < 0)
			return xt_error(PARAMETER_PROBLEM, "RATEEST: bad ewmalog value \"%s\"",
					cb->arg);
		break;
	}
	return 0;
}

/*
 * -log(1 - 2^-ewma) for ewma = 1..31, the values glibc's log() gives, so
 * that libm need not be loaded (about 300 KB resident) by every command
 * for this one option.
 */
static const double neg_log_weight[31] = {
	0x1.62e42fefa39efp-1,	/* 1 */
	0x1.269621134db92p-2,	/* 2 */
	0x1.1178e8227e47cp-3,	/* 3 */
	0x1.08598b59e3a07p-4,	/* 4 */
	0x1.0415d89e74444p-5,	/* 5 */
	0x1.0205658935847p-6,	/* 6 */
	0x1.010157588de71p-7,	/* 7 */
	0x1.0080559588b35p-8,	/* 8 */
	0x1.0040155d5889ep-9,	/* 9 */
	0x1.0020055655889p-10,	/* 10 */
	0x1.0010015575589p-11,	/* 11 */
	0x1.0008005559559p-12,	/* 12 */
	0x1.0004001555d56p-13,	/* 13 */
	0x1.0002000555655p-14,	/* 14 */
	0x1.0001000155575p-15,	/* 15 */
	0x1.0000800055559p-16,	/* 16 */
	0x1.0000400015556p-17,	/* 17 */
	0x1.0000200005555p-18,	/* 18 */
	0x1.0000100001555p-19,	/* 19 */
	0x1.0000080000555p-20,	/* 20 */
	0x1.0000040000155p-21,	/* 21 */
	0x1.0000020000055p-22,	/* 22 */
	0x1.0000010000015p-23,	/* 23 */
	0x1.0000008000005p-24,	/* 24 */
	0x1.0000004000001p-25,	/* 25 */
	0x1.0000002p-26,	/* 26 */
	0x1.0000001p-27,	/* 27 */
	0x1.00000008p-28,	/* 28 */
	0x1.00000004p-29,	/* 29 */
	0x1.00000002p-30,	/* 30 */
	0x1.00000001p-31,	/* 31 */
};

/* The kernel's estimator knows intervals of 2^n/4 s (n = -2..3 stored)
 * and an averaging weight of 2^-ewma_log per interval. */
static int rateest_fcheck(struct xt_fcheck_call *cb)
{
	struct xt_rateest_target_info *info = cb->data;
	int interval, ewma;

	for (interval = 0; interval <= 5; interval++)
		if (given_interval <= (1u << interval) * (USEC_PER_SEC / 4))
			break;
	if (interval > 5)
		return xt_error(PARAMETER_PROBLEM, "RATEEST: interval value is too large");
	info->interval = (int8_t)(interval - 2);
	for (ewma = 1; ewma < 32; ewma++)
		if (given_interval / neg_log_weight[ewma - 1] > given_ewma)
			break;
	ewma--;
	if (ewma == 0 || ewma >= 31)
		return xt_error(PARAMETER_PROBLEM, "RATEEST: ewmalog value is out of range");
	info->ewma_log = (uint8_t)ewma;
	return 0;
}

static void print_time(FILE *f, unsigned int usec)
{
	if (usec >= USEC_PER_SEC)
		fprintf(f, "%.1fs", (double)usec / USEC_PER_SEC);
	else if (usec >= USEC_PER_SEC / 1000)
		fprintf(f, "%.1fms", (double)usec / (USEC_PER_SEC / 1000));
	else
		fprintf(f, "%uus", usec);
}

static void show(FILE *f, const struct xt_rateest_target_info *info, const char *pfx)
{
	/* Shifts kept in range for blobs the kernel would refuse anyway. */
	unsigned int shift = (unsigned int)(info->interval + 2) & 31;
	unsigned int interval = (USEC_PER_SEC << shift) / 4;

	fprintf(f, " %sname %.*s", pfx, (int)sizeof(info->name), info->name);
	fprintf(f, " %sinterval ", pfx);
	print_time(f, interval);
	fprintf(f, " %sewmalog ", pfx);
	print_time(f, interval * (1u << (info->ewma_log & 31)));
}

static void rateest_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, "");
}

static void rateest_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, "--rateest-");
}

/* gen_new_estimator's limits. */
static int rateest_check(const struct xt_check_param *par)
{
	const struct xt_rateest_target_info *info = par->data;

	if (info->interval < -2 || info->interval > 3)
		return xt_error(OTHER_PROBLEM, "RATEEST: bad interval");
	if (!info->name[0] || strnlen(info->name, sizeof(info->name)) == sizeof(info->name))
		return xt_error(OTHER_PROBLEM, "RATEEST: bad name");
	return 0;
}

/* Rates are measured on wall time between packets; nothing to decide here. */
static unsigned int rateest_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return XT_CONTINUE;
}

static struct xtables_target rateest_target_ext = {
	.name = "RATEEST",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_rateest_target_info),
	.userspacesize = offsetof(struct xt_rateest_target_info, est),
	.help = rateest_help,
	.parse = rateest_parse,
	.final_check = rateest_fcheck,
	.print = rateest_print,
	.save = rateest_save,
	.options = rateest_opts,
	.checkentry = rateest_check,
	.target = rateest_target,
};

void libxt_RATEEST_init(void)
{
	xtables_register_target(&rateest_target_ext);
}
