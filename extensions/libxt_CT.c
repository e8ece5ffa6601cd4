/*
 * CT: gives a packet that has no connection yet a template for the one it
 * will create (zone, helper, events, timeout policy), or marks it
 * untracked.  iptables sends revision 2; revisions 0 and 1 are read from
 * old blobs.  `-j NOTRACK` is revision 2 with NOTRACK|NOTRACK_ALIAS set
 * (libxt_NOTRACK.c); such an entry prints back as `-j NOTRACK`.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_CT.h>

enum {
	O_NOTRACK, O_HELPER, O_TIMEOUT, O_CTEVENTS, O_EXPEVENTS,
	O_ZONE_ORIG, O_ZONE_REPLY, O_ZONE,
};

static const struct xt_option_entry CT_opts[] = {
	{ .name = "notrack", .id = O_NOTRACK, .type = XTTYPE_NONE },
	{ .name = "helper", .id = O_HELPER, .type = XTTYPE_STRING },
	{ .name = "timeout", .id = O_TIMEOUT, .type = XTTYPE_STRING },
	{ .name = "ctevents", .id = O_CTEVENTS, .type = XTTYPE_STRING },
	{ .name = "expevents", .id = O_EXPEVENTS, .type = XTTYPE_STRING },
	{ .name = "zone-orig", .id = O_ZONE_ORIG, .type = XTTYPE_STRING },
	{ .name = "zone-reply", .id = O_ZONE_REPLY, .type = XTTYPE_STRING },
	{ .name = "zone", .id = O_ZONE, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

struct event_name {
	const char *name;
	unsigned int bit;
};

static const struct event_name ct_events[] = {
	{ "new", IPCT_NEW }, { "related", IPCT_RELATED },
	{ "destroy", IPCT_DESTROY }, { "reply", IPCT_REPLY },
	{ "assured", IPCT_ASSURED }, { "protoinfo", IPCT_PROTOINFO },
	{ "helper", IPCT_HELPER }, { "mark", IPCT_MARK },
	{ "natseqinfo", IPCT_NATSEQADJ }, { "secmark", IPCT_SECMARK },
	{ NULL, 0 },
};

static const struct event_name exp_events[] = {
	{ "new", IPEXP_NEW },
	{ NULL, 0 },
};

static void CT_help(FILE *f)
{
	fprintf(f, "CT target options:\n"
		" --notrack                     Do not track the connection\n"
		" --helper name                 Helper for the connection\n"
		" --timeout name                Timeout policy for the connection\n"
		" --ctevents event[,event...]   Connection events to report\n"
		" --expevents event[,event...]  Expectation events to report\n"
		" --zone {ID|mark}              Zone of the connection, both directions\n"
		" --zone-orig {ID|mark}         Zone, original direction only\n"
		" --zone-reply {ID|mark}        Zone, reply direction only\n");
}

static int parse_events(const struct event_name *tbl, const char *arg, uint32_t *mask)
{
	char *dup = strdup(arg), *save = dup;
	int ret = 0;

	if (!dup)
		abort();
	/* strsep, not strtok: an empty name is an unknown one. */
	for (char *tok; !ret && (tok = strsep(&save, ","));) {
		const struct event_name *e = tbl;

		while (e->name && strcmp(e->name, tok))
			e++;
		if (e->name)
			*mask |= 1u << e->bit;
		else
			ret = xt_error(PARAMETER_PROBLEM, "Unknown event type \"%s\"", tok);
	}
	free(dup);
	return ret;
}

/* A number or "mark"; the direction flags come from the option name. */
static int parse_zone(const struct xt_option_call *cb, struct xt_ct_target_info_v1 *info)
{
	unsigned long long v;

	if (cb->entry->id == O_ZONE_ORIG)
		info->flags |= XT_CT_ZONE_DIR_ORIG;
	if (cb->entry->id == O_ZONE_REPLY)
		info->flags |= XT_CT_ZONE_DIR_REPL;
	info->zone = 0;
	if (!strcasecmp(cb->arg, "mark")) {
		info->flags |= XT_CT_ZONE_MARK;
		return 0;
	}
	if (!xt_strtoul(cb->arg, NULL, &v, 0, UINT16_MAX))
		return xt_error(PARAMETER_PROBLEM, "Cannot parse %s as a zone ID\n", cb->arg);
	info->zone = (uint16_t)v;
	return 0;
}

/* iptables cuts a long name without a word; the kernel then finds no
 * such helper or policy. */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int CT_parse(struct xt_option_call *cb)
{
	struct xt_ct_target_info_v1 *info = cb->data;

	switch (cb->entry->id) {
	case O_NOTRACK:
		info->flags |= XT_CT_NOTRACK;
		return 0;
	case O_HELPER:
		copy_cut(info->helper, sizeof(info->helper), cb->arg);
		return 0;
	case O_TIMEOUT:
		copy_cut(info->timeout, sizeof(info->timeout), cb->arg);
		return 0;
	case O_CTEVENTS:
		return parse_events(ct_events, cb->arg, &info->ct_events);
	case O_EXPEVENTS:
		return parse_events(exp_events, cb->arg, &info->exp_events);
	case O_ZONE_ORIG:
	case O_ZONE_REPLY:
	case O_ZONE:
		return parse_zone(cb, info);
	}
	return 0;
}

static void print_events(FILE *f, const struct event_name *tbl, uint32_t mask)
{
	const char *sep = " ";

	for (; tbl->name; tbl++)
		if (mask & (1u << tbl->bit)) {
			fprintf(f, "%s%s", sep, tbl->name);
			sep = ",";
		}
}

static const char *zone_suffix(uint16_t flags)
{
	switch (flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL)) {
	case XT_CT_ZONE_DIR_ORIG:
		return "-orig";
	case XT_CT_ZONE_DIR_REPL:
		return "-reply";
	}
	return "";
}

/* Both forms: the -L words or the save options ("--" before each). */
static void dump(FILE *f, uint16_t flags, uint16_t zone, uint32_t ctev, uint32_t expev,
		 const char *helper, const char *timeout, bool save)
{
	const char *dd = save ? "--" : "";

	if (flags & XT_CT_NOTRACK)
		fprintf(f, " %snotrack", dd);
	if (helper[0])
		fprintf(f, " %shelper %s", dd, helper);
	if (timeout && timeout[0])
		fprintf(f, " %stimeout %s", dd, timeout);
	if (ctev) {
		fprintf(f, " %sctevents", dd);
		print_events(f, ct_events, ctev);
	}
	if (expev) {
		fprintf(f, " %sexpevents", dd);
		print_events(f, exp_events, expev);
	}
	if (flags & XT_CT_ZONE_MARK)
		fprintf(f, " %szone%s mark", dd, zone_suffix(flags));
	else if (zone)
		fprintf(f, " %szone%s %u", dd, zone_suffix(flags), zone);
}

static void CT0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_ct_target_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" CT", f);
	dump(f, info->flags, info->zone, info->ct_events, info->exp_events,
	     info->helper, NULL, false);
}

static void CT0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_ct_target_info *info = data;

	(void)ip;
	dump(f, info->flags, info->zone, info->ct_events, info->exp_events,
	     info->helper, NULL, true);
}

static void CT_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_ct_target_info_v1 *info = data;

	(void)ip;
	(void)numeric;
	if (info->flags & XT_CT_NOTRACK_ALIAS) {
		fputs(" NOTRACK", f);
		return;
	}
	fputs(" CT", f);
	dump(f, info->flags, info->zone, info->ct_events, info->exp_events,
	     info->helper, info->timeout, false);
}

static void CT_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_ct_target_info_v1 *info = data;

	(void)ip;
	if (info->flags & XT_CT_NOTRACK_ALIAS)
		return;
	dump(f, info->flags, info->zone, info->ct_events, info->exp_events,
	     info->helper, info->timeout, true);
}

static const char *CT_alias(const void *data)
{
	const struct xt_ct_target_info_v1 *info = data;

	return info->flags & XT_CT_NOTRACK_ALIAS ? "NOTRACK" : "CT";
}

/*
 * Kernel half.  The helpers a stock kernel has, by layer-4 protocol: a
 * template asking for another one is refused with ENOENT.
 */
static const struct {
	const char *name;
	uint8_t proto;
} helpers[] = {
	{ "ftp", IPPROTO_TCP }, { "irc", IPPROTO_TCP }, { "sane", IPPROTO_TCP },
	{ "pptp", IPPROTO_TCP }, { "Q.931", IPPROTO_TCP }, { "sip", IPPROTO_TCP },
	{ "amanda", IPPROTO_UDP }, { "tftp", IPPROTO_UDP }, { "sip", IPPROTO_UDP },
	{ "netbios-ns", IPPROTO_UDP }, { "snmp", IPPROTO_UDP }, { "RAS", IPPROTO_UDP },
	{ "snmp_trap", IPPROTO_UDP }, { "H.245", IPPROTO_UDP },
};

static int check_helper(const struct xt_check_param *par, const char *name)
{
	const struct ipt_ip *ip = &par->entry->ip;

	/* The kernel needs a protocol, not inverted, to find the helper. */
	if (!ip->proto || (ip->invflags & XT_INV_PROTO))
		return -ENOENT;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (!strcmp(helpers[i].name, name) && helpers[i].proto == ip->proto)
			return 0;
	return -ENOENT;
}

/* xt_ct_tg_check: nothing more is checked for --notrack. */
static int check_common(const struct xt_check_param *par, uint16_t flags,
			const char *helper, size_t hsize, const char *timeout, size_t tsize)
{
	if (flags & XT_CT_NOTRACK)
		return 0;
	if (helper[0]) {
		if (strnlen(helper, hsize) == hsize)
			return -ENAMETOOLONG;
		if (check_helper(par, helper) < 0)
			return -ENOENT;
	}
	/* No timeout policy exists here (nfct timeout add is not modelled). */
	if (timeout && timeout[0])
		return strnlen(timeout, tsize) == tsize ? -ENAMETOOLONG : -EINVAL;
	return 0;
}

static int CT0_check(const struct xt_check_param *par)
{
	const struct xt_ct_target_info *info = par->data;

	if (info->flags & ~XT_CT_NOTRACK)
		return -EINVAL;
	return check_common(par, info->flags, info->helper, sizeof(info->helper), NULL, 0);
}

static int CT1_check(const struct xt_check_param *par)
{
	const struct xt_ct_target_info_v1 *info = par->data;

	if (info->flags & ~XT_CT_NOTRACK)
		return -EINVAL;
	return check_common(par, info->flags, info->helper, sizeof(info->helper),
			    info->timeout, sizeof(info->timeout));
}

static int CT2_check(const struct xt_check_param *par)
{
	const struct xt_ct_target_info_v1 *info = par->data;

	if (info->flags & ~XT_CT_MASK)
		return -EINVAL;
	return check_common(par, info->flags, info->helper, sizeof(info->helper),
			    info->timeout, sizeof(info->timeout));
}

/*
 * xt_ct_target: a packet already seen (looped back), or given a template
 * by an earlier CT rule, is left alone.  The template's helper goes to
 * the connection the packet creates (not to one it already belongs to,
 * nor to one an expectation waits for).
 */
static unsigned int ct_apply(struct xt_pkt *pkt, uint16_t flags, const char *helper,
			     size_t hsize, uint16_t zone)
{
	if (pkt->ct || pkt->untracked || pkt->ct_tmpl)
		return XT_CONTINUE;
	if (flags & XT_CT_NOTRACK) {
		pkt->ops->untrack(pkt);
		return XT_CONTINUE;
	}
	pkt->ct_tmpl = true;
	memcpy(pkt->ct_helper, helper, hsize < sizeof(pkt->ct_helper) ?
	       hsize : sizeof(pkt->ct_helper));
	pkt->ct_helper[sizeof(pkt->ct_helper) - 1] = '\0';
	if (zone || (flags & XT_CT_ZONE_MARK))
		pkt->ops->assume(pkt, "CT template: the zone is not modelled "
				 "(the connection is tracked in zone 0)");
	return XT_CONTINUE;
}

static unsigned int CT0_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_ct_target_info *info = par->data;

	return ct_apply(pkt, info->flags, info->helper, sizeof(info->helper), info->zone);
}

static unsigned int CT_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_ct_target_info_v1 *info = par->data;

	return ct_apply(pkt, info->flags, info->helper, sizeof(info->helper), info->zone);
}

#define CT_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static struct xtables_target CT_targets[] = {
	{
		.name = "CT",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_ct_target_info),
		.userspacesize = offsetof(struct xt_ct_target_info, ct),
		.help = CT_help,
		.print = CT0_print,
		.save = CT0_save,
		.table = "raw",
		.hooks = CT_HOOKS,
		.checkentry = CT0_check,
		.target = CT0_target,
	},
	{
		.name = "CT",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_ct_target_info_v1),
		.userspacesize = offsetof(struct xt_ct_target_info_v1, ct),
		.help = CT_help,
		.print = CT_print,
		.save = CT_save,
		.table = "raw",
		.hooks = CT_HOOKS,
		.checkentry = CT1_check,
		.target = CT_target,
	},
	{
		.name = "CT",
		.revision = 2,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_ct_target_info_v1),
		.userspacesize = offsetof(struct xt_ct_target_info_v1, ct),
		.help = CT_help,
		.parse = CT_parse,
		.print = CT_print,
		.save = CT_save,
		.alias = CT_alias,
		.options = CT_opts,
		.table = "raw",
		.hooks = CT_HOOKS,
		.checkentry = CT2_check,
		.target = CT_target,
	},
};

void libxt_CT_init(void)
{
	xtables_register_targets(CT_targets, sizeof(CT_targets) / sizeof(CT_targets[0]));
}
