/*
 * recent: a named list of recently seen addresses, which a rule adds the
 * packet's address to (--set), tests (--rcheck), refreshes (--update) or
 * takes out (--remove).  iptables sends revision 1 (with a mask);
 * revision 0 is read from old blobs.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_recent.h>

enum {
	O_SET, O_RCHECK, O_UPDATE, O_REMOVE, O_SECONDS, O_REAP, O_HITCOUNT,
	O_RTTL, O_NAME, O_RSOURCE, O_RDEST, O_MASK,
};

#define ANY_MODE ((1 << O_SET) | (1 << O_RCHECK) | (1 << O_UPDATE) | (1 << O_REMOVE))

static const struct xt_option_entry recent_opts[] = {
	{ .name = "set", .id = O_SET, .type = XTTYPE_NONE, .excl = ANY_MODE,
	  .flags = XTOPT_INVERT },
	{ .name = "rcheck", .id = O_RCHECK, .type = XTTYPE_NONE, .excl = ANY_MODE,
	  .flags = XTOPT_INVERT },
	{ .name = "update", .id = O_UPDATE, .type = XTTYPE_NONE, .excl = ANY_MODE,
	  .flags = XTOPT_INVERT },
	{ .name = "remove", .id = O_REMOVE, .type = XTTYPE_NONE, .excl = ANY_MODE,
	  .flags = XTOPT_INVERT },
	{ .name = "seconds", .id = O_SECONDS, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_recent_mtinfo_v1, seconds), .min = 1 },
	{ .name = "reap", .id = O_REAP, .type = XTTYPE_NONE, .also = 1 << O_SECONDS },
	{ .name = "hitcount", .id = O_HITCOUNT, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_recent_mtinfo_v1, hit_count) },
	{ .name = "rttl", .id = O_RTTL, .type = XTTYPE_NONE,
	  .excl = (1 << O_SET) | (1 << O_REMOVE) },
	{ .name = "name", .id = O_NAME, .type = XTTYPE_STRING },
	{ .name = "rsource", .id = O_RSOURCE, .type = XTTYPE_NONE },
	{ .name = "rdest", .id = O_RDEST, .type = XTTYPE_NONE },
	{ .name = "mask", .id = O_MASK, .type = XTTYPE_HOST },
	XTOPT_TABLEEND,
};

static void recent_help(FILE *f)
{
	fprintf(f, "recent match options:\n"
		"[!] --set                       Add the address to the list, always matching.\n"
		"[!] --rcheck                    Match if the address is in the list.\n"
		"[!] --update                    Like --rcheck, and refresh its last-seen time.\n"
		"[!] --remove                    Match if the address is in the list, and take it out.\n"
		"    --seconds seconds           With --rcheck/--update: seen in the last seconds.\n"
		"    --reap                      With --seconds: drop entries older than that.\n"
		"    --hitcount hits             With --rcheck/--update: seen at least hits times.\n"
		"    --rttl                      With --rcheck/--update: the TTL must be the same.\n"
		"    --name name                 The list to use (default DEFAULT).\n"
		"    --mask netmask              Mask applied to the address first.\n"
		"    --rsource                   Use the source address (default).\n"
		"    --rdest                     Use the destination address.\n");
}

static void recent_init(void *data)
{
	struct xt_recent_mtinfo_v1 *info = data;

	strcpy(info->name, "DEFAULT");
	info->side = XT_RECENT_SOURCE;
	memset(&info->mask, 0xff, sizeof(info->mask));
}

/*
 * As iptables: a long name is cut without a word (the kernel then checks
 * it), and what follows the terminator is left as it was — "foo" over
 * "DEFAULT" leaves "foo\0ULT", which the blob carries.
 */
static void put_name(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int recent_parse(struct xt_option_call *cb)
{
	struct xt_recent_mtinfo_v1 *info = cb->data;
	static const uint8_t modes[] = {
		[O_SET] = XT_RECENT_SET, [O_RCHECK] = XT_RECENT_CHECK,
		[O_UPDATE] = XT_RECENT_UPDATE, [O_REMOVE] = XT_RECENT_REMOVE,
	};

	switch (cb->entry->id) {
	case O_SET:
	case O_RCHECK:
	case O_UPDATE:
	case O_REMOVE:
		info->check_set |= modes[cb->entry->id];
		if (cb->invert)
			info->invert = 1;
		break;
	case O_REAP:
		info->check_set |= XT_RECENT_REAP;
		break;
	case O_RTTL:
		info->check_set |= XT_RECENT_TTL;
		break;
	case O_NAME:
		put_name(info->name, sizeof(info->name), cb->arg);
		break;
	case O_RSOURCE:
		info->side = XT_RECENT_SOURCE;
		break;
	case O_RDEST:
		info->side = XT_RECENT_DEST;
		break;
	case O_MASK:
		memset(&info->mask, 0, sizeof(info->mask));
		info->mask.in = cb->val.haddr.in;
		break;
	}
	return 0;
}

static int recent_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ANY_MODE))
		return xt_error(PARAMETER_PROBLEM, "recent: you must specify one of `--set', "
				"`--rcheck' `--update' or `--remove'");
	return 0;
}

/* Both forms; the revision 0 layout has no mask (mask NULL). */
static void dump(FILE *f, const struct xt_recent_mtinfo *info,
		 const union nf_inet_addr *mask, bool save)
{
	static const struct {
		uint8_t bit;
		const char *word, *opt;
	} modes[] = {
		{ XT_RECENT_SET, "SET", "set" }, { XT_RECENT_CHECK, "CHECK", "rcheck" },
		{ XT_RECENT_UPDATE, "UPDATE", "update" }, { XT_RECENT_REMOVE, "REMOVE", "remove" },
	};

	if (info->invert)
		fputs(" !", f);
	if (!save)
		fputs(" recent:", f);
	for (size_t i = 0; i < 4; i++)
		if (info->check_set & modes[i].bit)
			fprintf(f, save ? " --%s" : " %s", save ? modes[i].opt : modes[i].word);
	if (info->seconds)
		fprintf(f, save ? " --seconds %u" : " seconds: %u", info->seconds);
	if (info->check_set & XT_RECENT_REAP)
		fputs(save ? " --reap" : " reap", f);
	if (info->hit_count)
		fprintf(f, save ? " --hitcount %u" : " hit_count: %u", info->hit_count);
	if (info->check_set & XT_RECENT_TTL)
		fputs(save ? " --rttl" : " TTL-Match", f);
	fprintf(f, save ? " --name %.200s" : " name: %.200s", info->name);
	if (save) {
		if (mask)
			fprintf(f, " --mask %s", xt_ipaddr_to_numeric(&mask->in));
		if (info->side == XT_RECENT_SOURCE)
			fputs(" --rsource", f);
		else if (info->side == XT_RECENT_DEST)
			fputs(" --rdest", f);
		return;
	}
	if (info->side == XT_RECENT_SOURCE)
		fputs(" side: source", f);
	else if (info->side == XT_RECENT_DEST)
		fputs(" side: dest", f);
	if (mask)
		fprintf(f, " mask: %s", xt_ipaddr_to_numeric(&mask->in));
}

static void recent1_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_recent_mtinfo_v1 *info = data;

	(void)ip;
	(void)numeric;
	dump(f, data, &info->mask, false);
}

static void recent1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_recent_mtinfo_v1 *info = data;

	(void)ip;
	dump(f, data, &info->mask, true);
}

static void recent0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	dump(f, data, NULL, false);
}

static void recent0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	dump(f, data, NULL, true);
}

/* xt_check_proc_name: the list is a file under /proc/net/xt_recent. */
static bool proc_name_ok(const char *name, size_t size)
{
	size_t n = strnlen(name, size);

	return n && n < size && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/* recent_mt_check_common: one mode; --set and --remove take no modifier. */
static int recent_check(const struct xt_check_param *par)
{
	const struct xt_recent_mtinfo *info = par->data;
	uint8_t mode = info->check_set &
		       (XT_RECENT_SET | XT_RECENT_REMOVE | XT_RECENT_CHECK | XT_RECENT_UPDATE);

	if (info->check_set & ~XT_RECENT_VALID_FLAGS)
		return -EINVAL;
	if (__builtin_popcount(mode) != 1)
		return -EINVAL;
	if ((mode & (XT_RECENT_SET | XT_RECENT_REMOVE)) &&
	    (info->seconds || info->hit_count || (info->check_set & XT_RECENT_MODIFIERS)))
		return -EINVAL;
	if ((info->check_set & XT_RECENT_REAP) && !info->seconds)
		return -EINVAL;
	if (info->hit_count >= 65536)	/* XT_RECENT_MAX_NSTAMPS */
		return -EINVAL;
	return proc_name_ok(info->name, sizeof(info->name)) ? 0 : -EINVAL;
}

/*
 * recent_mt works on lists shared by every rule naming them, which the
 * per-rule state the evaluator keeps cannot hold: the result is assumed.
 */
static bool recent_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_recent_mtinfo *info = par->data;

	/* --set always matches (unless inverted); so does a fresh entry. */
	if (info->check_set & XT_RECENT_SET)
		return !info->invert;
	pkt->ops->assume((struct xt_pkt *)pkt, "recent: contents of the address list");
	return pkt->assume_unknown_match;
}

static struct xtables_match recent_matches[] = {
	{
		.name = "recent",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_recent_mtinfo),
		.userspacesize = sizeof(struct xt_recent_mtinfo),
		.help = recent_help,
		.print = recent0_print,
		.save = recent0_save,
		.checkentry = recent_check,
		.match = recent_match,
	},
	{
		.name = "recent",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_recent_mtinfo_v1),
		.userspacesize = sizeof(struct xt_recent_mtinfo_v1),
		.help = recent_help,
		.init = recent_init,
		.parse = recent_parse,
		.final_check = recent_fcheck,
		.print = recent1_print,
		.save = recent1_save,
		.options = recent_opts,
		.checkentry = recent_check,
		.match = recent_match,
	},
};

void libxt_recent_init(void)
{
	xtables_register_matches(recent_matches, sizeof(recent_matches) / sizeof(recent_matches[0]));
}
