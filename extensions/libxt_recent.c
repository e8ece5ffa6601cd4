/*
 * recent: a named list of recently seen addresses, which a rule adds the
 * packet's address to (--set), tests (--rcheck), refreshes (--update) or
 * takes out (--remove).  iptables sends revision 1 (with a mask);
 * revision 0 is read from old blobs.
 */
#include <errno.h>
#include <stdio.h>
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
 * The lists, as xt_recent keeps them per network namespace: one per name,
 * shared by every rule naming it, kept with the evaluator's state.  At
 * most RECENT_ENTRIES addresses (ip_list_tot), the least recently updated
 * forgotten first; each remembers its last RECENT_STAMPS(n) sighting times
 * on the packet clock, a power of two at least ip_pkt_list_tot (20) and
 * the rule's --hitcount.  The kernel masks addresses with the --mask of
 * the rule that made the list (the first checked naming it), not the
 * rule's own; here that is the first rule to see a packet, which is the
 * same rule unless a later one in the ruleset runs first.
 */
#define RECENT_ENTRIES 100
#define RECENT_PKT_LIST_TOT 20

struct recent_entry {
	uint32_t addr;		/* masked, network order */
	uint8_t ttl;
	uint8_t used;
	uint16_t pad;
	uint32_t nstamps, index;
	uint64_t lru;		/* larger: updated later */
};

struct recent_list {
	uint32_t nstamps_max;	/* stamps per entry, a power of two */
	uint32_t mask;		/* of the rule that made the list */
	uint64_t lru_clock;
	/* RECENT_ENTRIES entries, then their stamps (uint64_t) in turn */
};

static uint32_t stamps_for(uint32_t hit_count)
{
	uint32_t want = hit_count > RECENT_PKT_LIST_TOT ? hit_count : RECENT_PKT_LIST_TOT;
	uint32_t n = 1;

	while (n < want)
		n <<= 1;
	return n;
}

static size_t list_size(uint32_t nstamps)
{
	return sizeof(struct recent_list) +
	       RECENT_ENTRIES * (sizeof(struct recent_entry) + nstamps * sizeof(uint64_t));
}

static struct recent_entry *entry_at(struct recent_list *l, unsigned int i)
{
	return (struct recent_entry *)(l + 1) + i;
}

static uint64_t *stamps_of(struct recent_list *l, const struct recent_entry *e)
{
	uint64_t *base = (uint64_t *)entry_at(l, RECENT_ENTRIES);

	return base + (size_t)(e - entry_at(l, 0)) * l->nstamps_max;
}

/* The list, grown (and so emptied, as the kernel flushes it) when this
 * rule's --hitcount needs more stamps than it keeps. */
static struct recent_list *list_get(struct xt_pkt *pkt, const char *name,
				    uint32_t hit_count, uint32_t mask)
{
	char key[XT_RECENT_NAME_LEN + 16];
	uint32_t n = stamps_for(hit_count);
	struct recent_list *l;
	size_t len;

	snprintf(key, sizeof(key), "recent4:%.*s", XT_RECENT_NAME_LEN, name);
	l = pkt->ops->shared(pkt, key, list_size(n), &len);
	if (l && !l->nstamps_max) {
		/* New, or an older one outgrown: sized from what was given. */
		l->nstamps_max = n;
		l->mask = mask;
		while (list_size(l->nstamps_max * 2) <= len)
			l->nstamps_max *= 2;
	}
	return l;
}

static struct recent_entry *entry_find(struct recent_list *l, uint32_t addr, uint8_t ttl)
{
	for (unsigned int i = 0; i < RECENT_ENTRIES; i++) {
		struct recent_entry *e = entry_at(l, i);

		if (e->used && e->addr == addr && (!ttl || !e->ttl || e->ttl == ttl))
			return e;
	}
	return NULL;
}

static struct recent_entry *entry_oldest(struct recent_list *l)
{
	struct recent_entry *old = NULL;

	for (unsigned int i = 0; i < RECENT_ENTRIES; i++) {
		struct recent_entry *e = entry_at(l, i);

		if (e->used && (!old || e->lru < old->lru))
			old = e;
	}
	return old;
}

static void entry_update(struct recent_list *l, struct recent_entry *e, uint64_t now)
{
	e->index &= l->nstamps_max - 1;
	stamps_of(l, e)[e->index++] = now;
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	e->lru = ++l->lru_clock;
}

/* recent_entry_init: a full list forgets its least recently updated. */
static void entry_new(struct recent_list *l, uint32_t addr, uint8_t ttl, uint64_t now)
{
	struct recent_entry *e = NULL;

	for (unsigned int i = 0; i < RECENT_ENTRIES && !e; i++)
		if (!entry_at(l, i)->used)
			e = entry_at(l, i);
	if (!e)
		e = entry_oldest(l);
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->addr = addr;
	e->ttl = ttl;
	entry_update(l, e, now);
}

/* --reap: the list's oldest entry goes if its last sighting is too old,
 * unless it is the one about to be updated. */
static void entry_reap(struct recent_list *l, uint64_t since, struct recent_entry *working,
		       bool update)
{
	struct recent_entry *e = entry_oldest(l);

	if (!e || (e == working && update))
		return;
	if (stamps_of(l, e)[(e->index - 1) & (l->nstamps_max - 1)] < since)
		e->used = 0;
}

/* --rcheck/--update: enough sightings within --seconds. */
static bool seen_enough(struct recent_list *l, struct recent_entry *e,
			const struct xt_recent_mtinfo *info, uint64_t since)
{
	const uint64_t *st = stamps_of(l, e);
	uint32_t hits = 0;

	for (uint32_t i = 0; i < e->nstamps; i++) {
		if (info->seconds && st[i] < since)
			continue;
		if (!info->hit_count || ++hits >= info->hit_count)
			return true;
	}
	return false;
}

/*
 * recent_mt.  The TTL is the one the packet arrived with: a forwarded
 * packet past the routing decision has lost one.
 */
static bool recent_common(const struct xt_pkt *cpkt, const struct xt_recent_mtinfo *info,
			  uint32_t mask)
{
	struct xt_pkt *pkt = (struct xt_pkt *)cpkt;
	uint64_t now = pkt->now_ns, span, since;
	bool ret = info->invert;
	struct recent_list *l;
	struct recent_entry *e;
	uint32_t addr;
	uint8_t ttl = pkt->data[8];

	if (!pkt->ops || !pkt->ops->shared) {
		/* No lists: --set is known to match, the rest assumed. */
		if (info->check_set & XT_RECENT_SET)
			return !ret;
		if (pkt->ops && pkt->ops->assume)
			pkt->ops->assume(pkt, "recent: contents of the address list");
		return pkt->assume_unknown_match;
	}
	memcpy(&addr, pkt->data + (info->side == XT_RECENT_DEST ? 16 : 12), 4);
	if (pkt->out[0] && !pkt->local)
		ttl++;
	l = list_get(pkt, info->name, info->hit_count, mask);
	addr &= l->mask;
	e = entry_find(l, addr, info->check_set & XT_RECENT_TTL ? ttl : 0);
	if (!e) {
		if (!(info->check_set & XT_RECENT_SET))
			return ret;
		entry_new(l, addr, ttl, now);
		return !ret;
	}
	if (info->check_set & XT_RECENT_SET) {
		ret = !ret;
	} else if (info->check_set & XT_RECENT_REMOVE) {
		e->used = 0;
		return !ret;
	} else {
		span = (uint64_t)info->seconds * 1000000000ull;
		since = now > span ? now - span : 0;
		if (seen_enough(l, e, info, since))
			ret = !ret;
		if (info->check_set & XT_RECENT_REAP)
			entry_reap(l, since, e, (info->check_set & XT_RECENT_UPDATE) && ret);
	}
	if ((info->check_set & XT_RECENT_SET) ||
	    ((info->check_set & XT_RECENT_UPDATE) && ret)) {
		entry_update(l, e, now);
		e->ttl = ttl;
	}
	return ret;
}

static bool recent0_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	return recent_common(pkt, par->data, UINT32_MAX);
}

static bool recent1_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_recent_mtinfo_v1 *info = par->data;

	return recent_common(pkt, par->data, info->mask.ip);
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
		.match = recent0_match,
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
		.match = recent1_match,
	},
};

void libxt_recent_init(void)
{
	xtables_register_matches(recent_matches, sizeof(recent_matches) / sizeof(recent_matches[0]));
}
