/* time: the packet's arrival time of day, weekday, day of month, date. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_time.h>

enum {
	O_DATE_START, O_DATE_STOP, O_TIME_START, O_TIME_STOP, O_MONTHDAYS,
	O_WEEKDAYS, O_LOCAL_TZ, O_UTC, O_KERNEL_TZ, O_CONTIGUOUS,
};

static const struct xt_option_entry time_opts[] = {
	{ .name = "datestart", .id = O_DATE_START, .type = XTTYPE_STRING },
	{ .name = "datestop", .id = O_DATE_STOP, .type = XTTYPE_STRING },
	{ .name = "timestart", .id = O_TIME_START, .type = XTTYPE_STRING },
	{ .name = "timestop", .id = O_TIME_STOP, .type = XTTYPE_STRING },
	{ .name = "weekdays", .id = O_WEEKDAYS, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "monthdays", .id = O_MONTHDAYS, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "localtz", .id = O_LOCAL_TZ, .type = XTTYPE_NONE, .excl = 1 << O_UTC },
	{ .name = "utc", .id = O_UTC, .type = XTTYPE_NONE,
	  .excl = (1 << O_LOCAL_TZ) | (1 << O_KERNEL_TZ) },
	{ .name = "kerneltz", .id = O_KERNEL_TZ, .type = XTTYPE_NONE, .excl = 1 << O_UTC },
	{ .name = "contiguous", .id = O_CONTIGUOUS, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const char *const week_days[] = {
	NULL, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

/* Without --datestop the rule runs until the end of 32-bit time. */
#define DATE_STOP_DEFAULT 0x7fffffffu

static void time_help(FILE *f)
{
	fprintf(f, "time match options:\n"
		"    --datestart time     Start and stop time, to be given in ISO 8601\n"
		"    --datestop time      (YYYY[-MM[-DD[Thh[:mm[:ss]]]]])\n"
		"    --timestart time     Start and stop daytime (hh:mm[:ss])\n"
		"    --timestop time      (between 00:00:00 and 23:59:59)\n"
		"[!] --monthdays value    List of days on which to match, separated by comma\n"
		"                         (Possible days: 1 to 31; defaults to all)\n"
		"[!] --weekdays value     List of weekdays on which to match, sep. by comma\n"
		"                         (Possible days: Mon,Tue,Wed,Thu,Fri,Sat,Sun or 1 to 7\n"
		"                         Defaults to all weekdays.)\n"
		"    --kerneltz           Work with the kernel timezone instead of UTC\n");
}

static void time_init(void *data)
{
	struct xt_time_info *info = data;

	info->monthdays_match = XT_TIME_ALL_MONTHDAYS;
	info->weekdays_match = XT_TIME_ALL_WEEKDAYS;
	info->daytime_start = XT_TIME_MIN_DAYTIME;
	info->daytime_stop = XT_TIME_MAX_DAYTIME;
	info->date_stop = DATE_STOP_DEFAULT;
}

static int bad_date(const char *s)
{
	return xt_error(PARAMETER_PROBLEM, "Invalid date \"%s\" specified. Should be "
			"YYYY[-MM[-DD[Thh[:mm[:ss]]]]]", s);
}

/* One field of a date: digits, then the expected separator or the end. */
static bool date_field(const char **s, unsigned long *v, char sep, unsigned long max,
		       bool *last)
{
	char *e;

	*v = strtoul(*s, &e, 10);
	if ((*e != sep && *e != '\0') || *v > max)
		return false;
	*last = *e == '\0';
	*s = e + 1;
	return true;
}

/* YYYY[-MM[-DD[Thh[:mm[:ss]]]]] in UTC; left-out fields are the start
 * of the period. */
static int parse_date(const char *arg, uint32_t *out)
{
	static const char seps[] = "--T::";
	static const unsigned long maxes[] = { 12, 31, 23, 59, 59 };
	unsigned long f[6] = { 0, 1, 1, 0, 0, 0 };
	const char *s = arg;
	bool last = false;
	char *e;
	struct tm tm = { 0 };

	f[0] = strtoul(s, &e, 10);
	if ((*e != '-' && *e != '\0') || f[0] < 1970 || f[0] > 2038)
		return bad_date(arg);
	last = *e == '\0';
	s = e + 1;
	for (int i = 1; i < 6 && !last; i++)
		if (!date_field(&s, &f[i], i < 5 ? seps[i] : '\0', maxes[i - 1], &last))
			return bad_date(arg);
	tm.tm_year = (int)f[0] - 1900;
	tm.tm_mon = (int)f[1] - 1;
	tm.tm_mday = (int)f[2];
	tm.tm_hour = (int)f[3];
	tm.tm_min = (int)f[4];
	tm.tm_sec = (int)f[5];
	*out = (uint32_t)timegm(&tm);
	return 0;
}

/* hh:mm[:ss]; iptables names the part it stopped at. */
static int parse_daytime(const char *arg, uint32_t *out)
{
	unsigned long h, m, sec = 0;
	const char *s = arg;
	char *e;

	h = strtoul(s, &e, 10);
	if (*e != ':' || h > 23)
		goto bad;
	s = e + 1;
	m = strtoul(s, &e, 10);
	if ((*e != ':' && *e != '\0') || m > 59)
		goto bad;
	if (*e == ':') {
		s = e + 1;
		sec = strtoul(s, &e, 10);
		if (*e != '\0' || sec > 59)
			goto bad;
	}
	*out = (uint32_t)(h * 3600 + m * 60 + sec);
	return 0;
bad:
	return xt_error(PARAMETER_PROBLEM, "invalid time \"%s\" specified, should be "
			"hh:mm[:ss] format and within the boundaries", s);
}

/* Day names by their first two letters, or numbers 1 (Monday) to 7. */
static int weekday_bits(const char *day, uint8_t *mask)
{
	unsigned long k;
	char *err;
	bool valid = false;

	k = strtoul(day, &err, 0);
	if (*err == '\0') {
		if (k == 0)
			return xt_error(PARAMETER_PROBLEM, "No, the week does NOT begin with Sunday.");
		*mask |= (uint8_t)(k < 8 ? 1u << k : 0);
		return 0;
	}
	for (unsigned int i = 1; i < 8; i++)
		if (!strncmp(day, week_days[i], 2)) {
			*mask |= (uint8_t)(1u << i);
			valid = true;
		}
	return valid ? 0 : xt_error(PARAMETER_PROBLEM, "%s is not a valid day specifier", day);
}

/* Comma lists whose items iptables reads only so far (3 or 2 chars). */
static int parse_list(const char *arg, size_t keep, int (*item)(const char *, void *),
		      void *out)
{
	char word[4] = "";
	size_t j = 0;

	for (size_t i = 0;; i++) {
		if (arg[i] == ',' || arg[i] == '\0') {
			word[j] = '\0';
			if (item(word, out) < 0)
				return -1;
			j = 0;
			if (arg[i] == '\0')
				return 0;
		} else if (j < keep) {
			word[j++] = arg[i];
		}
	}
}

static int weekday_item(const char *w, void *out)
{
	return weekday_bits(w, out);
}

static int monthday_item(const char *w, void *out)
{
	unsigned long d;
	char *err;

	d = strtoul(w, &err, 0);
	if (*err != '\0' || d > 31)
		return xt_error(PARAMETER_PROBLEM, "%s is not a valid day for --monthdays", w);
	*(uint32_t *)out |= 1u << d;
	return 0;
}

static int time_parse(struct xt_option_call *cb)
{
	struct xt_time_info *info = cb->data;

	switch (cb->entry->id) {
	case O_DATE_START:
		return parse_date(cb->arg, &info->date_start);
	case O_DATE_STOP:
		return parse_date(cb->arg, &info->date_stop);
	case O_TIME_START:
		return parse_daytime(cb->arg, &info->daytime_start);
	case O_TIME_STOP:
		return parse_daytime(cb->arg, &info->daytime_stop);
	case O_LOCAL_TZ:
		fprintf(stderr, "WARNING: --localtz is being replaced by --kerneltz, since "
			"\"local\" is ambiguous. Note the kernel timezone has caveats - see "
			"manpage for details.\n");
		/* fall through */
	case O_KERNEL_TZ:
		info->flags |= XT_TIME_LOCAL_TZ;
		return 0;
	case O_MONTHDAYS:
		info->monthdays_match = 0;
		if (parse_list(cb->arg, 2, monthday_item, &info->monthdays_match) < 0)
			return -1;
		if (cb->invert)
			info->monthdays_match ^= XT_TIME_ALL_MONTHDAYS;
		return 0;
	case O_WEEKDAYS:
		info->weekdays_match = 0;
		if (parse_list(cb->arg, 3, weekday_item, &info->weekdays_match) < 0)
			return -1;
		if (cb->invert)
			info->weekdays_match ^= XT_TIME_ALL_WEEKDAYS;
		return 0;
	case O_CONTIGUOUS:
		info->flags |= XT_TIME_CONTIGUOUS;
		return 0;
	}
	return 0;
}

static int time_final(struct xt_fcheck_call *cb)
{
	const struct xt_time_info *info = cb->data;

	if ((cb->xflags & (1 << O_CONTIGUOUS)) && info->daytime_start < info->daytime_stop)
		return xt_error(PARAMETER_PROBLEM, "time: --contiguous only makes sense when "
				"stoptime is smaller than starttime");
	return 0;
}

static void print_daytime(FILE *f, const char *fmt, uint32_t t)
{
	fprintf(f, fmt, t / 3600, t / 60 % 60, t % 60);
}

static void print_weekdays(FILE *f, uint8_t mask)
{
	const char *sep = "";

	for (unsigned int i = 1; i < 8; i++)
		if (mask & (1u << i)) {
			fprintf(f, "%s%s", sep, week_days[i]);
			sep = ",";
		}
}

/* By the last digit alone: iptables writes 11st, 12nd, 13rd. */
static const char *ordinal(unsigned int d)
{
	switch (d % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	}
	return "th";
}

static void print_monthdays(FILE *f, uint32_t mask, bool human)
{
	const char *sep = "";

	for (unsigned int d = 1; d <= 31; d++)
		if (mask & (1u << d)) {
			fprintf(f, "%s%u%s", sep, d, human ? ordinal(d) : "");
			sep = ",";
		}
}

/* opt NULL: the -L form; the default dates are not shown in save. */
static void print_date(FILE *f, uint32_t date, const char *opt)
{
	time_t t = date;
	struct tm tm;

	if (date == 0)
		return;
	gmtime_r(&t, &tm);
	if (opt)
		fprintf(f, " %s %04d-%02d-%02dT%02d:%02d:%02d", opt, tm.tm_year + 1900,
			tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		fprintf(f, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool all_day(const struct xt_time_info *info)
{
	return info->daytime_start == XT_TIME_MIN_DAYTIME &&
	       info->daytime_stop == XT_TIME_MAX_DAYTIME;
}

static void time_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_time_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" TIME", f);
	if (!all_day(info)) {
		print_daytime(f, " from %02u:%02u:%02u", info->daytime_start);
		print_daytime(f, " to %02u:%02u:%02u", info->daytime_stop);
	}
	if (info->weekdays_match != XT_TIME_ALL_WEEKDAYS) {
		fputs(" on ", f);
		print_weekdays(f, info->weekdays_match);
	}
	if (info->monthdays_match != XT_TIME_ALL_MONTHDAYS) {
		fputs(" on ", f);
		print_monthdays(f, info->monthdays_match, true);
	}
	if (info->date_start) {
		fputs(" starting from ", f);
		print_date(f, info->date_start, NULL);
	}
	if (info->date_stop != DATE_STOP_DEFAULT) {
		fputs(" until date ", f);
		print_date(f, info->date_stop, NULL);
	}
	if (!(info->flags & XT_TIME_LOCAL_TZ))
		fputs(" UTC", f);
	if (info->flags & XT_TIME_CONTIGUOUS)
		fputs(" contiguous", f);
}

/* iptables' save skips only a zero date: the default stop date (the end
 * of 32-bit time) is written out, as 1.8.9 does. */
static void time_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_time_info *info = data;

	(void)ip;
	if (!all_day(info)) {
		print_daytime(f, " --timestart %02u:%02u:%02u", info->daytime_start);
		print_daytime(f, " --timestop %02u:%02u:%02u", info->daytime_stop);
	}
	if (info->monthdays_match != XT_TIME_ALL_MONTHDAYS) {
		fputs(" --monthdays ", f);
		print_monthdays(f, info->monthdays_match, false);
	}
	if (info->weekdays_match != XT_TIME_ALL_WEEKDAYS) {
		fputs(" --weekdays ", f);
		print_weekdays(f, info->weekdays_match);
	}
	print_date(f, info->date_start, "--datestart");
	print_date(f, info->date_stop, "--datestop");
	if (info->flags & XT_TIME_LOCAL_TZ)
		fputs(" --kerneltz", f);
	if (info->flags & XT_TIME_CONTIGUOUS)
		fputs(" --contiguous", f);
}

static int time_check(const struct xt_check_param *par)
{
	const struct xt_time_info *info = par->data;

	if (info->daytime_start > XT_TIME_MAX_DAYTIME || info->daytime_stop > XT_TIME_MAX_DAYTIME)
		return xt_error(OTHER_PROBLEM, "time: invalid argument - start or stop time "
				"greater than 23:59:59");
	if (info->flags & ~XT_TIME_ALL_FLAGS)
		return xt_error(OTHER_PROBLEM, "time: unknown flags %x", info->flags);
	return 0;
}

/* The kernel's clock: the packet clock in seconds.  The kernel timezone
 * (sys_tz) is taken as UTC, what it is unless someone set it. */
static bool time_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_time_info *info = par->data;
	int64_t stamp = (int64_t)(pkt->now_ns / 1000000000ull);
	int64_t day_secs;
	time_t t;
	struct tm tm;

	if (stamp < info->date_start || stamp > info->date_stop)
		return false;
	day_secs = stamp % 86400;
	if (info->daytime_start < info->daytime_stop) {
		if (day_secs < info->daytime_start || day_secs > info->daytime_stop)
			return false;
	} else {
		if (day_secs < info->daytime_start && day_secs > info->daytime_stop)
			return false;
		/* Past midnight, a contiguous span belongs to the day before. */
		if ((info->flags & XT_TIME_CONTIGUOUS) && day_secs <= info->daytime_stop)
			stamp -= 86400;
	}
	/* 1970-01-01 was a Thursday; Monday is 1, Sunday 7. */
	if (!(info->weekdays_match & (1u << ((stamp / 86400 + 3) % 7 + 1))))
		return false;
	if (info->monthdays_match == XT_TIME_ALL_MONTHDAYS)
		return true;
	t = (time_t)stamp;
	gmtime_r(&t, &tm);
	return info->monthdays_match & (1u << tm.tm_mday);
}

static struct xtables_match time_ext = {
	.name = "time",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_time_info),
	.userspacesize = sizeof(struct xt_time_info),
	.help = time_help,
	.init = time_init,
	.parse = time_parse,
	.final_check = time_final,
	.print = time_print,
	.save = time_save,
	.options = time_opts,
	.checkentry = time_check,
	.match = time_match,
};

void libxt_time_init(void)
{
	xtables_register_match(&time_ext);
}
