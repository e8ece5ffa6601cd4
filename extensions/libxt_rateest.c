/*
 * rateest: compare the rates measured by RATEEST estimators, with each
 * other or with given rates.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_rateest.h>
#include "../libxt/error.h"

enum {
	O_NAME1, O_NAME2, O_BPS1, O_PPS1, O_BPS2, O_PPS2,
	O_LT, O_GT, O_EQ, O_DELTA,
};

/* Every option takes "!" so that parse can refuse it with iptables' words. */
#define RE(n, i, t, fl) { .name = n, .id = i, .type = t, \
			  .flags = XTOPT_INVERT | XTOPT_MULTI | (fl) }
static const struct xt_option_entry rateest_opts[] = {
	RE("rateest1", O_NAME1, XTTYPE_STRING, 0),
	RE("rateest", O_NAME1, XTTYPE_STRING, 0),	/* absolute mode's name */
	RE("rateest2", O_NAME2, XTTYPE_STRING, 0),
	RE("rateest-bps1", O_BPS1, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-pps1", O_PPS1, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-bps2", O_BPS2, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-pps2", O_PPS2, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-bps", O_BPS2, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-pps", O_PPS2, XTTYPE_NONE, XTOPT_OPTARG),
	RE("rateest-lt", O_LT, XTTYPE_NONE, 0),
	RE("rateest-gt", O_GT, XTTYPE_NONE, 0),
	RE("rateest-eq", O_EQ, XTTYPE_NONE, 0),
	RE("rateest-delta", O_DELTA, XTTYPE_NONE, 0),
	XTOPT_TABLEEND,
};
#undef RE

static void rateest_help(FILE *f)
{
	fprintf(f, "rateest match options:\n"
		" --rateest1 name                the first estimator (made by -j RATEEST)\n"
		" --rateest2 name                the estimator to compare it with\n"
		" --rateest-delta                compare what is left of the given rates\n"
		"                                after subtracting the measured ones\n"
		" --rateest-bps1 [bps]           compare bytes per second\n"
		" --rateest-pps1 [pps]           compare packets per second\n"
		" --rateest-bps2 [bps]           the same for the second side\n"
		" --rateest-pps2 [pps]\n"
		" [!] --rateest-lt               match if the first is less than the second\n"
		" [!] --rateest-gt               ... greater than\n"
		" [!] --rateest-eq               ... equal to\n");
}

/* A rate with an optional unit (bit, kbit, Bps, KiBps...); bytes per second. */
static int parse_rate(const char *s, uint32_t *rate)
{
	static const struct {
		const char *name;
		double scale;
	} units[] = {
		{ "bit", 1. }, { "Kibit", 1024. }, { "kbit", 1000. },
		{ "mibit", 1024. * 1024. }, { "mbit", 1000000. },
		{ "gibit", 1024. * 1024. * 1024. }, { "gbit", 1000000000. },
		{ "tibit", 1024. * 1024. * 1024. * 1024. }, { "tbit", 1000000000000. },
		{ "Bps", 8. }, { "KiBps", 8. * 1024. }, { "KBps", 8000. },
		{ "MiBps", 8. * 1024. * 1024. }, { "MBps", 8000000. },
		{ "GiBps", 8. * 1024. * 1024. * 1024. }, { "GBps", 8000000000. },
		{ "TiBps", 8. * 1024. * 1024. * 1024. * 1024. }, { "TBps", 8000000000000. },
	};
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -1;
	if (!*end) {
		*rate = (uint32_t)(v / 8.);	/* a bare number is bits */
		return 0;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(units[i].name, end)) {
			*rate = (uint32_t)(v * units[i].scale / 8.);
			return 0;
		}
	return -1;
}

static int parse_value(const char *arg, bool bps, uint32_t *out)
{
	unsigned long long v;

	if (!arg)
		return 0;	/* the rate is optional outside absolute mode */
	if (bps) {
		if (parse_rate(arg, out) < 0)
			return xt_error(PARAMETER_PROBLEM, "rateest: could not parse rate `%s'", arg);
		return 0;
	}
	if (!xt_strtoul(arg, NULL, &v, 0, UINT32_MAX))
		return xt_error(PARAMETER_PROBLEM, "rateest: could not parse pps `%s'", arg);
	*out = (uint32_t)v;
	return 0;
}

static int rateest_parse(struct xt_option_call *cb)
{
	static const char *const names[] = {
		[O_NAME1] = "rateest1", [O_NAME2] = "rateest2",
		[O_BPS1] = "rateest-bps1", [O_PPS1] = "rateest-pps1",
		[O_BPS2] = "rateest-bps2", [O_PPS2] = "rateest-pps2",
		[O_DELTA] = "rateest-delta",
	};
	struct xt_rateest_match_info *r = cb->data;
	unsigned int id = cb->entry->id;

	if (id == O_LT || id == O_GT || id == O_EQ) {
		if (cb->xflags & (1u << id))
			return xt_error(PARAMETER_PROBLEM, "rateest: can't specify lt/gt/eq twice");
		r->mode = id == O_LT ? XT_RATEEST_MATCH_LT :
			  id == O_GT ? XT_RATEEST_MATCH_GT : XT_RATEEST_MATCH_EQ;
		if (cb->invert)
			r->flags |= XT_RATEEST_MATCH_INVERT;
		return 0;
	}
	if (cb->invert) {
		const char *what = id == O_NAME1 || id == O_NAME2 ? "rateest" :
				   id == O_BPS1 || id == O_BPS2 ? "rateest-bps" :
				   id == O_PPS1 || id == O_PPS2 ? "rateest-pps" : "rateest-delta";

		return xt_error(PARAMETER_PROBLEM, "rateest: %s can't be inverted", what);
	}
	if (cb->xflags & (1u << id))
		return xt_error(PARAMETER_PROBLEM, "rateest: can't specify --%s twice", names[id]);
	switch (id) {
	case O_NAME1:
		strncpy(r->name1, cb->arg, sizeof(r->name1) - 1);
		return 0;
	case O_NAME2:
		strncpy(r->name2, cb->arg, sizeof(r->name2) - 1);
		r->flags |= XT_RATEEST_MATCH_REL;
		return 0;
	case O_DELTA:
		r->flags |= XT_RATEEST_MATCH_DELTA;
		return 0;
	case O_BPS1:
	case O_BPS2:
		r->flags |= XT_RATEEST_MATCH_BPS;
		return parse_value(cb->arg, true, id == O_BPS1 ? &r->bps1 : &r->bps2);
	default:
		r->flags |= XT_RATEEST_MATCH_PPS;
		return parse_value(cb->arg, false, id == O_PPS1 ? &r->pps1 : &r->pps2);
	}
}

static int rateest_final(struct xt_fcheck_call *cb)
{
	struct xt_rateest_match_info *r = cb->data;

	if (!(r->flags & XT_RATEEST_MATCH_REL))
		r->flags |= XT_RATEEST_MATCH_ABS;
	return 0;
}

/* Bytes per second as bits with a unit; the numeric form is the bytes. */
static void print_rate(FILE *f, uint32_t rate, bool numeric)
{
	double bits = (double)rate * 8;

	if (numeric)
		fprintf(f, " %u", rate);
	else if (bits >= 1000.0 * 1000000.0)
		fprintf(f, " %.0fMbit", bits / 1000000.0);
	else if (bits >= 1000.0 * 1000.0)
		fprintf(f, " %.0fKbit", bits / 1000.0);
	else
		fprintf(f, " %.0fbit", bits);
}

static void print_mode(FILE *f, const struct xt_rateest_match_info *r, const char *pre)
{
	static const char *const modes[] = {
		[XT_RATEEST_MATCH_EQ] = "eq", [XT_RATEEST_MATCH_LT] = "lt",
		[XT_RATEEST_MATCH_GT] = "gt",
	};

	if (r->flags & XT_RATEEST_MATCH_INVERT)
		fputs(" !", f);
	fprintf(f, " %s%s", pre, r->mode >= 1 && r->mode <= 3 ? modes[r->mode] : "??");
}

static void rateest_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_rateest_match_info *r = data;
	bool delta = r->flags & XT_RATEEST_MATCH_DELTA, abs = r->flags & XT_RATEEST_MATCH_ABS;

	(void)ip;
	fprintf(f, " rateest match %.*s", IFNAMSIZ, r->name1);
	if (delta)
		fputs(" delta", f);
	if (r->flags & XT_RATEEST_MATCH_BPS) {
		fputs(" bps", f);
		if (delta)
			print_rate(f, r->bps1, numeric);
		if (abs) {
			print_rate(f, r->bps2, numeric);
			print_mode(f, r, "");
		}
	}
	if (r->flags & XT_RATEEST_MATCH_PPS) {
		fputs(" pps", f);
		if (delta)
			fprintf(f, " %u", r->pps1);
		if (abs) {
			print_mode(f, r, "");
			fprintf(f, " %u", r->pps2);
		}
	}
	if (r->flags & XT_RATEEST_MATCH_REL) {
		print_mode(f, r, "");
		fprintf(f, " %.*s", IFNAMSIZ, r->name2);
		if (r->flags & XT_RATEEST_MATCH_BPS) {
			fputs(" bps", f);
			if (delta)
				print_rate(f, r->bps2, numeric);
		}
		if (r->flags & XT_RATEEST_MATCH_PPS) {
			fputs(" pps", f);
			if (delta)
				fprintf(f, " %u", r->pps2);
		}
	}
}

static void save_rates(FILE *f, const struct xt_rateest_match_info *r, const char *what,
		       uint32_t r1, uint32_t r2, bool numeric)
{
	if (r->flags & XT_RATEEST_MATCH_DELTA) {
		fprintf(f, " --rateest-%s1", what);
		print_rate(f, r1, numeric);
		print_mode(f, r, "--rateest-");
		fprintf(f, " --rateest-%s2", what);
	} else {
		print_mode(f, r, "--rateest-");
		fprintf(f, " --rateest-%s", what);
	}
	if (r->flags & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_DELTA))
		print_rate(f, r2, numeric);
}

static void rateest_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_rateest_match_info *r = data;

	(void)ip;
	if (r->flags & XT_RATEEST_MATCH_DELTA)
		fputs(" --rateest-delta", f);
	fprintf(f, " --rateest%s %.*s", r->flags & XT_RATEEST_MATCH_REL ? "1" : "",
		IFNAMSIZ, r->name1);
	if (r->flags & XT_RATEEST_MATCH_BPS)
		save_rates(f, r, "bps", r->bps1, r->bps2, false);
	if (r->flags & XT_RATEEST_MATCH_PPS)
		save_rates(f, r, "pps", r->pps1, r->pps2, true);
	if (r->flags & XT_RATEEST_MATCH_REL)
		fprintf(f, " --rateest2 %.*s", IFNAMSIZ, r->name2);
}

/*
 * Absolute or relative (not both), bytes and/or packets, and a comparison.
 * The kernel also needs the estimators to exist (ENOENT); they are made by
 * RATEEST rules the check cannot see, so any name is taken.
 */
static int rateest_check(const struct xt_check_param *par)
{
	const struct xt_rateest_match_info *r = par->data;
	unsigned int kind = r->flags & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_REL);

	if (kind == 0 || kind == (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_REL) ||
	    !(r->flags & (XT_RATEEST_MATCH_BPS | XT_RATEEST_MATCH_PPS)) ||
	    r->mode < XT_RATEEST_MATCH_EQ || r->mode > XT_RATEEST_MATCH_GT)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/* The estimators' measured rates are not in the model. */
static bool rateest_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	(void)par;
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "rateest: the estimated rates");
	return pkt->assume_unknown_match;
}

static struct xtables_match rateest_match_ext = {
	.name = "rateest",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_rateest_match_info),
	.userspacesize = offsetof(struct xt_rateest_match_info, est1),
	.help = rateest_help,
	.parse = rateest_parse,
	.final_check = rateest_final,
	.print = rateest_print,
	.save = rateest_save,
	.options = rateest_opts,
	.checkentry = rateest_check,
	.match = rateest_match,
};

void libxt_rateest_init(void)
{
	xtables_register_match(&rateest_match_ext);
}
