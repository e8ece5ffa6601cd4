/*
 * hashlimit: limit's token bucket, one per group of packets (by source,
 * destination, ports) instead of one per rule.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>	/* before the uapi header: net/if.h first */
#include <linux/netfilter/xt_hashlimit.h>
#include "../libxt/error.h"

enum {
	O_UPTO, O_ABOVE, O_BURST, O_SIZE, O_MAX, O_GCINT, O_EXPIRE,
	O_SRCMASK, O_DSTMASK, O_MODE, O_NAME, O_RATEMATCH, O_INTERVAL,
};

#define HL_BURST_DEFAULT 5
#define HL_BURST_MAX_V1 10000
#define HL_BURST_MAX 1000000
#define HL_GCINTERVAL 1000	/* ms */
/* Default expiry in seconds for byte rates, without and with a burst. */
#define HL_BYTE_EXPIRE 15
#define HL_BYTE_EXPIRE_BURST 60
#define HL_ALL_MODES (XT_HASHLIMIT_HASH_DIP | XT_HASHLIMIT_HASH_DPT | \
		      XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT)
#define HL_ALL_FLAGS (HL_ALL_MODES | XT_HASHLIMIT_INVERT | XT_HASHLIMIT_BYTES | \
		      XT_HASHLIMIT_RATE_MATCH)

#define S3 struct xt_hashlimit_mtinfo3
static const struct xt_option_entry hashlimit_opts[] = {
	/* The old name of --hashlimit-upto. */
	{ .name = "hashlimit", .id = O_UPTO, .excl = 1 << O_ABOVE,
	  .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "hashlimit-upto", .id = O_UPTO, .excl = 1 << O_ABOVE,
	  .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "hashlimit-above", .id = O_ABOVE, .excl = 1 << O_UPTO,
	  .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "hashlimit-burst", .id = O_BURST, .type = XTTYPE_STRING },
	{ .name = "hashlimit-htable-size", .id = O_SIZE, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(S3, cfg.size) },
	{ .name = "hashlimit-htable-max", .id = O_MAX, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(S3, cfg.max) },
	{ .name = "hashlimit-htable-gcinterval", .id = O_GCINT, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(S3, cfg.gc_interval) },
	{ .name = "hashlimit-htable-expire", .id = O_EXPIRE, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(S3, cfg.expire) },
	/* A prefix length or a dotted mask; the kernel checks the range. */
	{ .name = "hashlimit-srcmask", .id = O_SRCMASK, .type = XTTYPE_STRING },
	{ .name = "hashlimit-dstmask", .id = O_DSTMASK, .type = XTTYPE_STRING },
	{ .name = "hashlimit-mode", .id = O_MODE, .type = XTTYPE_STRING },
	/* Copied by hand: iptables cuts an over-long name without a word. */
	{ .name = "hashlimit-name", .id = O_NAME, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND },
	{ .name = "hashlimit-rate-match", .id = O_RATEMATCH, .type = XTTYPE_NONE },
	{ .name = "hashlimit-rate-interval", .id = O_INTERVAL, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};
#undef S3

static void hashlimit_help(FILE *f)
{
	fprintf(f, "hashlimit match options:\n"
		"  --hashlimit-upto <avg>           match while each group stays at or\n"
		"                                   below this average: n[/sec|/minute|/hour|/day]\n"
		"                                   packets, or n[kb|mb]/s bytes\n"
		"  --hashlimit-above <avg>          match when a group goes above it\n"
		"  --hashlimit-mode <mode>          what makes a group: a comma list of\n"
		"                                   srcip,srcport,dstip,dstport\n"
		"  --hashlimit-srcmask <length>     prefix length grouping source addresses\n"
		"  --hashlimit-dstmask <length>     prefix length grouping destination addresses\n"
		"  --hashlimit-name <name>          name of the table (/proc/net/ipt_hashlimit)\n"
		"  --hashlimit-burst <num>          how many may pass in a row, 5 by default\n"
		"  --hashlimit-htable-size <num>    buckets of the table\n"
		"  --hashlimit-htable-max <num>     most groups the table holds\n"
		"  --hashlimit-htable-gcinterval    ms between sweeps of idle groups\n"
		"  --hashlimit-htable-expire        ms after which an idle group is dropped\n"
		"  --hashlimit-rate-match           only measure the rate, do not limit it\n"
		"  --hashlimit-rate-interval        seconds over which the rate is measured\n");
}

/*
 * What final check needs and the data does not keep: the unit the rate
 * was given in (seconds; 1 for byte rates) sets the default expiry and,
 * with --hashlimit-rate-match, the default interval.
 */
static unsigned int last_unit_secs = 1;

static void hashlimit_init(void *data)
{
	struct xt_hashlimit_mtinfo3 *info = data;

	info->cfg.burst = HL_BURST_DEFAULT;
	info->cfg.gc_interval = HL_GCINTERVAL;
	info->cfg.srcmask = 32;
	info->cfg.dstmask = 32;
	last_unit_secs = 1;
}

static uint32_t size_factor(char c)
{
	return c == 'm' ? 1024 * 1024 : c == 'k' ? 1024 : 1;
}

/* Bytes per second to the kernel's cost per 16-byte chunk. */
static uint64_t bytes_to_cost(uint64_t bytes)
{
	uint32_t chunks = (uint32_t)(bytes >> XT_HASHLIMIT_BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)chunks + 1);
}

static uint32_t cost_to_bytes(uint64_t cost)
{
	uint32_t r = cost ? (uint32_t)(UINT32_MAX / cost) : UINT32_MAX;

	return (r - 1) << XT_HASHLIMIT_BYTE_SHIFT;
}

/* "N[k|m]b/s": 1 if it is a byte rate, 0 if not, -1 on error. */
static int parse_bytes(const char *arg, __u64 *avg)
{
	const char *unit = strstr(arg, "b/s");
	uint64_t n, cost;

	if (!unit || unit == arg)
		return 0;
	n = (uint64_t)atoll(arg);
	if (!n)
		return 0;
	n *= size_factor(unit[-1]);
	cost = bytes_to_cost(n);
	if (!cost)
		return xt_error(PARAMETER_PROBLEM, "Rate too high \"%s\"", arg);
	*avg = cost;
	last_unit_secs = 1;
	return 1;
}

/* "N[/unit]" packets: 1 if good, 0 if not, -1 on error. */
static int parse_rate(const char *arg, __u64 *avg)
{
	static const struct { const char *name; unsigned int secs; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	const char *slash = strchr(arg, '/');
	unsigned int secs = 1;
	uint64_t n;

	if (slash) {
		size_t len = strlen(slash + 1), i;

		for (i = 0; len && i < sizeof(units) / sizeof(units[0]); i++)
			if (!strncasecmp(units[i].name, slash + 1, len))
				break;
		if (!len || i == sizeof(units) / sizeof(units[0]))
			return 0;
		secs = units[i].secs;
	}
	n = (uint64_t)atoll(arg);
	if (!n)
		return 0;
	*avg = XT_HASHLIMIT_SCALE_v2 * secs / n;
	if (!*avg)
		return xt_error(PARAMETER_PROBLEM, "Rate too fast \"%s\"", arg);
	last_unit_secs = secs;
	return 1;
}

static int parse_limit(struct xt_option_call *cb, struct xt_hashlimit_mtinfo3 *info)
{
	int r = parse_bytes(cb->arg, &info->cfg.avg);

	if (r > 0)
		info->cfg.mode |= XT_HASHLIMIT_BYTES;
	else if (r == 0)
		r = parse_rate(cb->arg, &info->cfg.avg);
	if (r < 0)
		return -1;
	if (!r) {
		char opt[32];

		snprintf(opt, sizeof(opt), "--%s", cb->entry->name);
		return xt_bad_value("hashlimit", opt, cb->arg);
	}
	return 0;
}

static int burst_range_error(void)
{
	return xt_error(PARAMETER_PROBLEM, "bad value for option \"--hashlimit-burst\", "
			"or out of range (1-%u).", HL_BURST_MAX);
}

static int parse_burst(const char *arg, __u64 *burst)
{
	unsigned long long v;
	char *end;

	if (!xt_strtoul(arg, &end, &v, 1, UINT64_MAX) || (!*end && v > HL_BURST_MAX))
		return burst_range_error();
	*burst = v * size_factor(*end);
	return 0;
}

static int parse_plen(const char *opt, const char *arg, __u8 *len)
{
	unsigned long long v;
	struct in_addr mask;

	if (xt_strtoul(arg, NULL, &v, 0, UINT32_MAX)) {
		*len = v > UINT8_MAX ? UINT8_MAX : (__u8)v;
		return 0;
	}
	if (inet_pton(AF_INET, arg, &mask) == 1 && xt_mask_to_cidr(&mask) >= 0) {
		*len = (__u8)xt_mask_to_cidr(&mask);
		return 0;
	}
	return xt_error(PARAMETER_PROBLEM, "hashlimit: bad value for option \"--%s\", "
			"neither a valid network mask nor valid CIDR (0-32).\n", opt);
}

static int parse_mode(const char *arg, uint32_t *mode)
{
	char *dup = strdup(arg), *save = NULL;
	int ret = 0;

	for (char *tok = strtok_r(dup, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "dstip"))
			*mode |= XT_HASHLIMIT_HASH_DIP;
		else if (!strcmp(tok, "srcip"))
			*mode |= XT_HASHLIMIT_HASH_SIP;
		else if (!strcmp(tok, "srcport"))
			*mode |= XT_HASHLIMIT_HASH_SPT;
		else if (!strcmp(tok, "dstport"))
			*mode |= XT_HASHLIMIT_HASH_DPT;
		else
			ret = xt_bad_value("hashlimit", "--hashlimit-mode", arg);
	}
	free(dup);
	return ret;
}

static int hashlimit_parse(struct xt_option_call *cb)
{
	struct xt_hashlimit_mtinfo3 *info = cb->data;
	int n;

	switch (cb->entry->id) {
	case O_UPTO:
		if (cb->invert)
			info->cfg.mode |= XT_HASHLIMIT_INVERT;
		return parse_limit(cb, info);
	case O_ABOVE:
		if (!cb->invert)
			info->cfg.mode |= XT_HASHLIMIT_INVERT;
		return parse_limit(cb, info);
	case O_BURST:
		return parse_burst(cb->arg, &info->cfg.burst);
	case O_MODE:
		return parse_mode(cb->arg, &info->cfg.mode);
	case O_SRCMASK:
		return parse_plen(cb->entry->name, cb->arg, &info->cfg.srcmask);
	case O_DSTMASK:
		return parse_plen(cb->entry->name, cb->arg, &info->cfg.dstmask);
	case O_NAME:
		if (!cb->arg[0])
			return xt_error(PARAMETER_PROBLEM,
					"Argument must have a minimum length of 1 characters\n");
		strncpy(info->name, cb->arg, sizeof(info->name) - 1);
		return 0;
	case O_RATEMATCH:
		info->cfg.mode |= XT_HASHLIMIT_RATE_MATCH;
		return 0;
	case O_INTERVAL:
		n = atoi(cb->arg);
		if (n <= 0)
			return xt_bad_value("hashlimit", "--hashlimit-rate-interval", cb->arg);
		info->cfg.interval = (uint32_t)n;
		return 0;
	}
	return 0;
}

static int hashlimit_final(struct xt_fcheck_call *cb)
{
	struct xt_hashlimit_mtinfo3 *info = cb->data;
	bool have_expire = cb->xflags & (1u << O_EXPIRE);

	if (!(cb->xflags & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return xt_error(PARAMETER_PROBLEM, "You have to specify --hashlimit");
	if (!have_expire)
		info->cfg.expire = (info->cfg.mode & XT_HASHLIMIT_BYTES ? HL_BYTE_EXPIRE :
				    last_unit_secs) * 1000;
	if (info->cfg.mode & XT_HASHLIMIT_BYTES) {
		uint64_t burst = 0, unit = cost_to_bytes(info->cfg.avg);

		if (cb->xflags & (1u << O_BURST)) {
			if (info->cfg.burst < unit)
				return xt_error(PARAMETER_PROBLEM,
						"burst cannot be smaller than %lub",
						(unsigned long)unit);
			/* The byte burst, in whole multiples of the rate. */
			burst = (uint32_t)info->cfg.burst / unit;
			if (info->cfg.burst % unit)
				burst++;
			if (!have_expire)
				info->cfg.expire = HL_BYTE_EXPIRE_BURST * 1000;
		}
		info->cfg.burst = burst;
	} else if (info->cfg.burst > HL_BURST_MAX) {
		return burst_range_error();
	}
	/* Rate matching counts per second, over an interval of the unit
	 * unless one is given. */
	if (info->cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
		info->cfg.avg /= last_unit_secs;
		if (!info->cfg.interval)
			info->cfg.interval = last_unit_secs;
	}
	return 0;
}

static const struct {
	const char *name;
	uint64_t secs;
} rate_units[] = {
	{ "day", 24 * 60 * 60 }, { "hour", 60 * 60 }, { "min", 60 }, { "sec", 1 },
};

/* Prints a packet rate; returns the expiry (ms) its unit implies. */
static uint32_t print_rate(FILE *f, uint64_t period, uint64_t scale)
{
	size_t i;

	if (!period) {
		fprintf(f, " %f", INFINITY);
		return 0;
	}
	for (i = 1; i < sizeof(rate_units) / sizeof(rate_units[0]); i++) {
		uint64_t mult = rate_units[i].secs * scale;

		if (period > mult || mult / period < mult % period)
			break;
	}
	fprintf(f, " %llu/%s", (unsigned long long)(rate_units[i - 1].secs * scale / period),
		rate_units[i - 1].name);
	return (uint32_t)(rate_units[i - 1].secs * 1000);
}

static const struct {
	const char *name;
	uint32_t size;
} byte_units[] = { { "m", 1024 * 1024 }, { "k", 1024 }, { "", 1 } };

/* Prints a byte rate and its burst; returns the expiry they imply. */
static uint32_t print_bytes(FILE *f, uint64_t avg, uint64_t burst, const char *prefix)
{
	unsigned long long r = cost_to_bytes(avg);
	size_t i;

	for (i = 0; i < 2; i++)
		if (r >= byte_units[i].size &&
		    bytes_to_cost(r & ~(byte_units[i].size - 1ull)) == avg)
			break;
	fprintf(f, " %llu%sb/s", r / byte_units[i].size, byte_units[i].name);
	if (!burst)
		return HL_BYTE_EXPIRE * 1000;
	r *= burst;
	for (i = 0; i < 2; i++)
		if (r >= byte_units[i].size)
			break;
	fprintf(f, " %sburst %llu%sb", prefix, r / byte_units[i].size, byte_units[i].name);
	return HL_BYTE_EXPIRE_BURST * 1000;
}

static void print_mode(FILE *f, uint32_t mode, char sep)
{
	static const struct { uint32_t bit; const char *name; } modes[] = {
		{ XT_HASHLIMIT_HASH_SIP, "srcip" }, { XT_HASHLIMIT_HASH_SPT, "srcport" },
		{ XT_HASHLIMIT_HASH_DIP, "dstip" }, { XT_HASHLIMIT_HASH_DPT, "dstport" },
	};
	bool first = true;

	fputc(' ', f);
	for (size_t i = 0; i < 4; i++)
		if (mode & modes[i].bit) {
			if (!first)
				fputc(sep, f);
			fputs(modes[i].name, f);
			first = false;
		}
}

/* What print and save need, whatever revision the data has. */
struct hl_view {
	const char *name;
	struct hashlimit_cfg3 cfg;
	int revision;
	uint64_t scale;
};

static void hl_print(FILE *f, const struct hl_view *v)
{
	const struct hashlimit_cfg3 *c = &v->cfg;
	uint32_t quantum;

	fputs(c->mode & XT_HASHLIMIT_INVERT ? " limit: above" : " limit: up to", f);
	if (c->mode & XT_HASHLIMIT_BYTES) {
		quantum = print_bytes(f, c->avg, c->burst, "");
	} else {
		/* -L shows the rate over the whole interval; save does not. */
		uint64_t period = c->avg;

		if (v->revision == 3 && c->interval)
			period *= c->interval;
		quantum = print_rate(f, period, v->scale);
		fprintf(f, " burst %llu", (unsigned long long)c->burst);
	}
	if (c->mode & HL_ALL_MODES) {
		fputs(" mode", f);
		print_mode(f, c->mode, '-');
	}
	if (c->size)
		fprintf(f, " htable-size %u", c->size);
	if (c->max)
		fprintf(f, " htable-max %u", c->max);
	if (c->gc_interval != HL_GCINTERVAL)
		fprintf(f, " htable-gcinterval %u", c->gc_interval);
	if (c->expire != quantum)
		fprintf(f, " htable-expire %u", c->expire);
	if (c->srcmask != 32)
		fprintf(f, " srcmask %u", c->srcmask);
	if (c->dstmask != 32)
		fprintf(f, " dstmask %u", c->dstmask);
	if (v->revision == 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		fputs(" rate-match", f);
		if (c->interval != 1)
			fprintf(f, " rate-interval %u", c->interval);
	}
}

static void hl_save(FILE *f, const struct hl_view *v)
{
	const struct hashlimit_cfg3 *c = &v->cfg;
	uint32_t quantum;

	fputs(c->mode & XT_HASHLIMIT_INVERT ? " --hashlimit-above" : " --hashlimit-upto", f);
	if (c->mode & XT_HASHLIMIT_BYTES) {
		quantum = print_bytes(f, c->avg, c->burst, "--hashlimit-");
	} else {
		quantum = print_rate(f, c->avg, v->scale);
		fprintf(f, " --hashlimit-burst %llu", (unsigned long long)c->burst);
	}
	if (c->mode & HL_ALL_MODES) {
		fputs(" --hashlimit-mode", f);
		print_mode(f, c->mode, ',');
	}
	fprintf(f, " --hashlimit-name %s", v->name);
	if (c->size)
		fprintf(f, " --hashlimit-htable-size %u", c->size);
	if (c->max)
		fprintf(f, " --hashlimit-htable-max %u", c->max);
	if (c->gc_interval != HL_GCINTERVAL)
		fprintf(f, " --hashlimit-htable-gcinterval %u", c->gc_interval);
	if (c->expire != quantum)
		fprintf(f, " --hashlimit-htable-expire %u", c->expire);
	if (c->srcmask != 32)
		fprintf(f, " --hashlimit-srcmask %u", c->srcmask);
	if (c->dstmask != 32)
		fprintf(f, " --hashlimit-dstmask %u", c->dstmask);
	if (v->revision == 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		fputs(" --hashlimit-rate-match", f);
		if (c->interval != 1)
			fprintf(f, " --hashlimit-rate-interval %u", c->interval);
	}
}

/* Revisions 1 and 2, as iptables still reads them from a table. */
static void view_v1(struct hl_view *v, const struct xt_hashlimit_mtinfo1 *i)
{
	*v = (struct hl_view){ .name = i->name, .revision = 1,
			       .scale = XT_HASHLIMIT_SCALE };
	v->cfg = (struct hashlimit_cfg3){
		.avg = i->cfg.avg, .burst = i->cfg.burst, .mode = i->cfg.mode,
		.size = i->cfg.size, .max = i->cfg.max,
		.gc_interval = i->cfg.gc_interval, .expire = i->cfg.expire,
		.srcmask = i->cfg.srcmask, .dstmask = i->cfg.dstmask,
	};
}

static void view_v2(struct hl_view *v, const struct xt_hashlimit_mtinfo2 *i)
{
	*v = (struct hl_view){ .name = i->name, .revision = 2,
			       .scale = XT_HASHLIMIT_SCALE_v2 };
	v->cfg = (struct hashlimit_cfg3){
		.avg = i->cfg.avg, .burst = i->cfg.burst, .mode = i->cfg.mode,
		.size = i->cfg.size, .max = i->cfg.max,
		.gc_interval = i->cfg.gc_interval, .expire = i->cfg.expire,
		.srcmask = i->cfg.srcmask, .dstmask = i->cfg.dstmask,
	};
}

static void view_v3(struct hl_view *v, const struct xt_hashlimit_mtinfo3 *i)
{
	*v = (struct hl_view){ .name = i->name, .cfg = i->cfg, .revision = 3,
			       .scale = XT_HASHLIMIT_SCALE_v2 };
}

#define VIEW_FUNCS(rev) \
static void print_v##rev(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric) \
{ \
	struct hl_view v; \
	(void)ip; (void)numeric; \
	view_v##rev(&v, data); \
	hl_print(f, &v); \
} \
static void save_v##rev(FILE *f, const struct ipt_ip *ip, const void *data) \
{ \
	struct hl_view v; \
	(void)ip; \
	view_v##rev(&v, data); \
	hl_save(f, &v); \
}
VIEW_FUNCS(1)
VIEW_FUNCS(2)
VIEW_FUNCS(3)

/* ---- kernel half ---- */

/*
 * Jiffies at HZ = 1000, as limit.  Credits per jiffy are the largest
 * power of two that keeps a day of credits in 32 (revision 1) or 64 bits;
 * byte credits keep a second in 32 bits.
 */
#define HL_HZ 1000ull
#define HL_CPJ_V1 32ull				/* 2^5 <= 2^32 / (HZ * 86400) */
#define HL_CPJ (1ull << 37)			/* 2^37 <= 2^64 / (HZ * 86400) */
#define HL_CPJ_BYTES (1ull << 22)		/* 2^22 <= 2^32 / HZ */

static uint64_t user2credits(uint64_t user, int revision)
{
	uint64_t scale = revision == 1 ? XT_HASHLIMIT_SCALE : XT_HASHLIMIT_SCALE_v2;
	uint64_t cpj = revision == 1 ? HL_CPJ_V1 : HL_CPJ;

	if (scale >= HL_HZ * cpj)
		return user / (scale / (HL_HZ * cpj));
	return user * ((HL_HZ * cpj) / scale);
}

static uint32_t user2credits_byte(uint32_t user)
{
	return (uint32_t)(((uint64_t)user * (HL_HZ * HL_CPJ_BYTES)) >> 32);
}

static int einval(void)
{
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
			   "Invalid argument. Run `dmesg' for more information");
}

static int check_cfg(const struct hashlimit_cfg3 *c, const char *name,
		     size_t namesize, int revision)
{
	if (name[namesize - 1] != '\0')
		return einval();
	if (!c->gc_interval || !c->expire)
		return einval();
	if (c->srcmask > 32 || c->dstmask > 32)
		return einval();
	if (c->mode & ~HL_ALL_FLAGS)
		return einval();
	if (revision >= 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		if (!c->avg || c->avg > UINT32_MAX)
			return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
					   "Numerical result out of range");
		if (!c->interval)
			return einval();
	} else if (c->mode & XT_HASHLIMIT_BYTES) {
		if (!user2credits_byte((uint32_t)c->avg))
			return einval();
	} else if (!c->burst || user2credits(c->avg * c->burst, revision) <
		   user2credits(c->avg, revision)) {
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "Numerical result out of range");
	}
	return 0;
}

#define CHECK_FUNC(rev) \
static int check_v##rev(const struct xt_check_param *par) \
{ \
	const struct xt_hashlimit_mtinfo##rev *i = par->data; \
	struct hl_view v; \
	view_v##rev(&v, i); \
	return check_cfg(&v.cfg, i->name, sizeof(i->name), rev); \
}
CHECK_FUNC(1)
CHECK_FUNC(2)
CHECK_FUNC(3)

/* One group of packets: the kernel's dsthash_ent with its rateinfo. */
struct hl_key {
	uint32_t src, dst;
	uint16_t sport, dport;
};

struct hl_entry {
	struct hl_key key;
	bool used;
	uint64_t expires;	/* jiffies */
	uint64_t prev;
	uint64_t credit, credit_cap, cost;
	/* rate-match */
	uint64_t current_rate, rate, burst;
	uint32_t interval;
	bool prev_window;
};

/*
 * The table lives in the rule's state, so it is bounded: HL_SLOTS groups
 * at a time.  The kernel's default would hold tens of thousands; when the
 * model's table is full of live groups, the oldest is forgotten.
 */
#define HL_SLOTS 64
struct hl_state {
	struct hl_entry e[HL_SLOTS];
};

static uint32_t mask_addr(uint32_t a, unsigned int len)
{
	return len ? htonl(ntohl(a) & (uint32_t)(~0ull << (32 - len))) : 0;
}

/* Where the "ports" are, as the kernel's proto_ports_offset: -1 for none. */
static int ports_offset(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_ESP:	/* the SPI */
		return 0;
	case IPPROTO_AH:	/* the SPI, after 4 bytes */
		return 4;
	}
	return -1;
}

/* The group key, as hashlimit_init_dst; false when the ports are cut off. */
static bool make_key(const struct xt_pkt *pkt, const struct hashlimit_cfg3 *c,
		     struct hl_key *k)
{
	const uint8_t *ip = pkt->data;
	int off;

	memset(k, 0, sizeof(*k));
	if (c->mode & XT_HASHLIMIT_HASH_DIP)
		k->dst = mask_addr(*(const uint32_t *)(ip + 16), c->dstmask);
	if (c->mode & XT_HASHLIMIT_HASH_SIP)
		k->src = mask_addr(*(const uint32_t *)(ip + 12), c->srcmask);
	if (!(c->mode & (XT_HASHLIMIT_HASH_SPT | XT_HASHLIMIT_HASH_DPT)))
		return true;
	/* Other protocols group as port 0.  (Like the kernel, a later
	 * fragment's first bytes are taken for ports too.) */
	off = ports_offset(ip[9]);
	if (off < 0)
		return true;
	off += (int)pkt->thoff;
	if ((unsigned int)off + 4 > pkt->len)
		return false;
	if (c->mode & XT_HASHLIMIT_HASH_SPT)
		k->sport = (uint16_t)(ip[off] << 8 | ip[off + 1]);
	if (c->mode & XT_HASHLIMIT_HASH_DPT)
		k->dport = (uint16_t)(ip[off + 2] << 8 | ip[off + 3]);
	return true;
}

static uint64_t user2rate(uint64_t user)
{
	return user ? XT_HASHLIMIT_SCALE_v2 / user : 0;
}

static uint64_t user2rate_bytes(uint32_t user)
{
	uint64_t r = user ? UINT32_MAX / user : UINT32_MAX;

	return (r - 1) << XT_HASHLIMIT_BYTE_SHIFT;
}

static void rate_init(struct hl_entry *e, const struct hashlimit_cfg3 *c,
		      int revision, uint64_t now)
{
	e->prev = now;
	if (revision >= 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		e->prev_window = false;
		e->current_rate = 0;
		if (c->mode & XT_HASHLIMIT_BYTES) {
			e->rate = user2rate_bytes((uint32_t)c->avg);
			e->burst = c->burst ? c->burst * e->rate : e->rate;
		} else {
			e->rate = user2rate(c->avg);
			e->burst = c->burst + e->rate;
		}
		e->interval = c->interval;
	} else if (c->mode & XT_HASHLIMIT_BYTES) {
		e->credit = HL_CPJ_BYTES * HL_HZ;
		e->cost = user2credits_byte((uint32_t)c->avg);
		e->credit_cap = c->burst;
	} else {
		e->credit = user2credits(c->avg * c->burst, revision);
		e->cost = user2credits(c->avg, revision);
		e->credit_cap = e->credit;
	}
	if (revision == 1) {
		/* Revision 1 keeps its credits in 32 bits. */
		e->credit = (uint32_t)e->credit;
		e->cost = (uint32_t)e->cost;
		e->credit_cap = (uint32_t)e->credit_cap;
	}
}

static void rate_recalc(struct hl_entry *e, const struct hashlimit_cfg3 *c,
			int revision, uint64_t now)
{
	uint64_t delta = now - e->prev, cap;

	if (!delta)
		return;
	if (revision >= 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		uint64_t interval = (uint64_t)e->interval * HL_HZ;

		if (delta < interval)
			return;
		e->prev = now;
		e->prev_window = e->current_rate * interval > delta * e->rate;
		e->current_rate = 0;
		return;
	}
	e->prev = now;
	if (c->mode & XT_HASHLIMIT_BYTES) {
		/* Byte credits are 32 bits; a wrap refills the bucket. */
		uint32_t old = (uint32_t)e->credit;

		e->credit = (uint32_t)(old + HL_CPJ_BYTES * delta);
		cap = HL_CPJ_BYTES * HL_HZ;
		if (old >= e->credit) {
			e->credit = cap;
			return;
		}
	} else {
		e->credit += delta * (revision == 1 ? HL_CPJ_V1 : HL_CPJ);
		if (revision == 1)
			e->credit = (uint32_t)e->credit;
		cap = e->credit_cap;
	}
	if (e->credit > cap)
		e->credit = cap;
}

static uint64_t byte_cost(unsigned int len, struct hl_entry *e)
{
	uint64_t cost = ((uint64_t)(len >> XT_HASHLIMIT_BYTE_SHIFT) + 1) * e->cost;

	if (cost > HL_CPJ_BYTES * HL_HZ)
		cost = HL_CPJ_BYTES * HL_HZ;
	/* The burst is a number of refills of a full second. */
	if (e->credit < cost && e->credit_cap) {
		e->credit_cap--;
		e->credit = HL_CPJ_BYTES * HL_HZ;
	}
	return cost;
}

/* The group's entry; a new one when none is live, evicting if full. */
static struct hl_entry *find_entry(struct hl_state *st, const struct hl_key *k,
				   uint64_t now, bool *fresh)
{
	struct hl_entry *free_slot = NULL, *oldest = NULL;

	for (unsigned int i = 0; i < HL_SLOTS; i++) {
		struct hl_entry *e = &st->e[i];

		/* Expired groups are gone: the kernel's sweep removes them. */
		if (e->used && now >= e->expires)
			e->used = false;
		if (e->used && !memcmp(&e->key, k, sizeof(*k))) {
			*fresh = false;
			return e;
		}
		if (!e->used && !free_slot)
			free_slot = e;
		if (e->used && (!oldest || e->expires < oldest->expires))
			oldest = e;
	}
	*fresh = true;
	if (!free_slot)
		free_slot = oldest;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->key = *k;
	return free_slot;
}

static unsigned int live_entries(const struct hl_state *st)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < HL_SLOTS; i++)
		n += st->e[i].used;
	return n;
}

/*
 * The kernel's tables are per name (and family), shared by every rule
 * naming them, and made with the configuration of the first rule checked:
 * groups, their rates and the table's limits come from that; a rule's own
 * decides only inversion, byte cost and rate-match.  Here the table is
 * made by the first rule to see a packet (the same one unless a later
 * rule in the ruleset runs first).  Without shared state (unit tests),
 * each rule has its own.
 */
struct hl_table {
	bool made;
	int revision;
	struct hashlimit_cfg3 cfg;
	struct hl_state st;
};

static struct hl_table *table_of(struct xt_pkt *pkt, struct xt_action_param *par,
				 const struct hl_view *v)
{
	char key[NAME_MAX + 16];
	struct hl_table *t;

	if (!pkt->ops || !pkt->ops->shared)
		t = par->priv;
	else {
		snprintf(key, sizeof(key), "hashlimit4:%.*s", NAME_MAX, v->name);
		t = pkt->ops->shared(pkt, key, sizeof(*t), NULL);
	}
	if (t && !t->made) {
		t->made = true;
		t->revision = v->revision;
		t->cfg = v->cfg;
	}
	return t;
}

static bool hl_match(const struct xt_pkt *pkt, struct xt_action_param *par,
		     const struct hl_view *v)
{
	struct hl_table *t = table_of((struct xt_pkt *)pkt, par, v);
	uint64_t now = pkt->now_ns / (1000000000ull / HL_HZ), cost;
	const struct hashlimit_cfg3 *c = &v->cfg, *tc;
	bool inv = c->mode & XT_HASHLIMIT_INVERT, fresh;
	struct hl_state *st;
	struct hl_key key;
	struct hl_entry *e;
	int revision;

	if (!t)
		return !inv;
	st = &t->st;
	tc = &t->cfg;
	revision = t->revision;
	if (!make_key(pkt, tc, &key))
		goto hotdrop;
	e = find_entry(st, &key, now, &fresh);
	if (fresh && tc->max && live_entries(st) > tc->max) {
		/* "max count reached": the kernel drops the packet. */
		e->used = false;
		goto hotdrop;
	}
	e->expires = now + tc->expire;	/* ms are jiffies at HZ = 1000 */
	if (fresh)
		rate_init(e, tc, revision, now);
	else
		rate_recalc(e, tc, revision, now);

	if (revision >= 3 && (c->mode & XT_HASHLIMIT_RATE_MATCH)) {
		e->current_rate += c->mode & XT_HASHLIMIT_BYTES ? pkt->len : 1;
		if (!e->prev_window && e->current_rate <= e->burst)
			return !inv;
		return inv;
	}
	cost = c->mode & XT_HASHLIMIT_BYTES ? byte_cost(pkt->len, e) : e->cost;
	if (e->credit >= cost) {
		e->credit -= cost;
		return !inv;
	}
	return inv;

hotdrop:
	par->hotdrop = true;
	return false;
}

#define MATCH_FUNC(rev) \
static bool match_v##rev(const struct xt_pkt *pkt, struct xt_action_param *par) \
{ \
	struct hl_view v; \
	view_v##rev(&v, par->data); \
	return hl_match(pkt, par, &v); \
}
MATCH_FUNC(1)
MATCH_FUNC(2)
MATCH_FUNC(3)

static struct xtables_match hashlimit_exts[] = {
	{
		.name = "hashlimit",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_hashlimit_mtinfo1),
		.userspacesize = offsetof(struct xt_hashlimit_mtinfo1, hinfo),
		.help = hashlimit_help,
		.print = print_v1,
		.save = save_v1,
		.checkentry = check_v1,
		.match = match_v1,
		.state_size = sizeof(struct hl_table),
	},
	{
		.name = "hashlimit",
		.revision = 2,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_hashlimit_mtinfo2),
		.userspacesize = offsetof(struct xt_hashlimit_mtinfo2, hinfo),
		.help = hashlimit_help,
		.print = print_v2,
		.save = save_v2,
		.checkentry = check_v2,
		.match = match_v2,
		.state_size = sizeof(struct hl_table),
	},
	{
		.name = "hashlimit",
		.revision = 3,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_hashlimit_mtinfo3),
		.userspacesize = offsetof(struct xt_hashlimit_mtinfo3, hinfo),
		.help = hashlimit_help,
		.init = hashlimit_init,
		.parse = hashlimit_parse,
		.final_check = hashlimit_final,
		.print = print_v3,
		.save = save_v3,
		.options = hashlimit_opts,
		.checkentry = check_v3,
		.match = match_v3,
		.state_size = sizeof(struct hl_table),
	},
};

void libxt_hashlimit_init(void)
{
	xtables_register_matches(hashlimit_exts,
				 sizeof(hashlimit_exts) / sizeof(hashlimit_exts[0]));
}
