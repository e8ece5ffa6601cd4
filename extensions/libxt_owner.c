/* owner: the user, group or existence of the socket that sent a packet. */
#include <grp.h>
#include <pwd.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_owner.h>

enum { O_USER, O_GROUP, O_SOCK_EXISTS, O_SUPPL_GROUPS };

static const struct xt_option_entry owner_opts[] = {
	{ .name = "uid-owner", .id = O_USER, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "gid-owner", .id = O_GROUP, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "socket-exists", .id = O_SOCK_EXISTS, .type = XTTYPE_NONE,
	  .flags = XTOPT_INVERT },
	{ .name = "suppl-groups", .id = O_SUPPL_GROUPS, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void owner_help(FILE *f)
{
	fprintf(f, "owner match options:\n"
		"[!] --uid-owner userid[-userid]      Match local UID\n"
		"[!] --gid-owner groupid[-groupid]    Match local GID\n"
		"[!] --socket-exists                  Match if socket exists\n"
		"    --suppl-groups                   Also match supplementary groups set with --gid-owner\n");
}

static int bad_value(const char *opt, const char *arg)
{
	return xt_error(PARAMETER_PROBLEM, "owner: Bad value for \"%s\" option: \"%s\"",
			opt, arg);
}

/* n, n-m or n:m; 2^32-1 is the kernel's "no id", so not allowed. */
static int parse_id_range(const char *s, uint32_t *from, uint32_t *to, const char *opt)
{
	unsigned long long a, b;
	char *end;

	if (!xt_strtoul(s, &end, &a, 0, UINT32_MAX - 1))
		return bad_value(opt, s);
	b = a;
	if ((*end == '-' || *end == ':') && !xt_strtoul(end + 1, &end, &b, 0, UINT32_MAX - 1))
		return bad_value(opt, s);
	if (*end)
		return bad_value(opt, s);
	*from = (uint32_t)a;
	*to = (uint32_t)b;
	return 0;
}

static int owner_parse(struct xt_option_call *cb)
{
	struct xt_owner_match_info *info = cb->data;
	const struct passwd *pw;
	const struct group *gr;

	switch (cb->entry->id) {
	case O_USER:
		if ((pw = getpwnam(cb->arg)))
			info->uid_min = info->uid_max = pw->pw_uid;
		else if (parse_id_range(cb->arg, &info->uid_min, &info->uid_max, "--uid-owner") < 0)
			return -1;
		info->match |= XT_OWNER_UID;
		if (cb->invert)
			info->invert |= XT_OWNER_UID;
		return 0;
	case O_GROUP:
		if ((gr = getgrnam(cb->arg)))
			info->gid_min = info->gid_max = gr->gr_gid;
		else if (parse_id_range(cb->arg, &info->gid_min, &info->gid_max, "--gid-owner") < 0)
			return -1;
		info->match |= XT_OWNER_GID;
		if (cb->invert)
			info->invert |= XT_OWNER_GID;
		return 0;
	case O_SOCK_EXISTS:
		info->match |= XT_OWNER_SOCKET;
		if (cb->invert)
			info->invert |= XT_OWNER_SOCKET;
		return 0;
	case O_SUPPL_GROUPS:
		if (!(info->match & XT_OWNER_GID))
			return bad_value("--suppl-groups", "you need to use --gid-owner first");
		info->match |= XT_OWNER_SUPPL_GROUPS;
		return 0;
	}
	return 0;
}

static int owner_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "owner: At least one of --uid-owner, "
				"--gid-owner or --socket-exists is required");
	return 0;
}

static void print_id(FILE *f, uint32_t lo, uint32_t hi, bool numeric, bool user)
{
	if (lo != hi) {
		fprintf(f, " %u-%u", lo, hi);
		return;
	}
	if (!numeric) {
		const struct passwd *pw = user ? getpwuid(lo) : NULL;
		const struct group *gr = user ? NULL : getgrgid(lo);
		const char *name = pw ? pw->pw_name : gr ? gr->gr_name : NULL;

		if (name) {
			fprintf(f, " %s", name);
			return;
		}
	}
	fprintf(f, " %u", lo);
}

static void print_item(FILE *f, const struct xt_owner_match_info *info,
		       const char *label, uint8_t flag, bool numeric)
{
	if (!(info->match & flag))
		return;
	fprintf(f, "%s %s", info->invert & flag ? " !" : "", label);
	if (flag == XT_OWNER_UID)
		print_id(f, info->uid_min, info->uid_max, numeric, true);
	else if (flag == XT_OWNER_GID)
		print_id(f, info->gid_min, info->gid_max, numeric, false);
}

static void owner_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_owner_match_info *info = data;

	(void)ip;
	print_item(f, info, "owner socket exists", XT_OWNER_SOCKET, numeric);
	print_item(f, info, "owner UID match", XT_OWNER_UID, numeric);
	print_item(f, info, "owner GID match", XT_OWNER_GID, numeric);
	print_item(f, info, "incl. suppl. groups", XT_OWNER_SUPPL_GROUPS, numeric);
}

static void owner_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_owner_match_info *info = data;

	(void)ip;
	print_item(f, info, "--socket-exists", XT_OWNER_SOCKET, true);
	print_item(f, info, "--uid-owner", XT_OWNER_UID, true);
	print_item(f, info, "--gid-owner", XT_OWNER_GID, true);
	print_item(f, info, "--suppl-groups", XT_OWNER_SUPPL_GROUPS, true);
}

/* Ids must map to valid ones (not 2^32-1) and ranges run upwards. */
static int owner_check(const struct xt_check_param *par)
{
	const struct xt_owner_match_info *info = par->data;

	if ((info->match & XT_OWNER_UID) &&
	    (info->uid_min == UINT32_MAX || info->uid_max == UINT32_MAX ||
	     info->uid_max < info->uid_min))
		return xt_error(OTHER_PROBLEM, "owner: bad uid range");
	if ((info->match & XT_OWNER_GID) &&
	    (info->gid_min == UINT32_MAX || info->gid_max == UINT32_MAX ||
	     info->gid_max < info->gid_min))
		return xt_error(OTHER_PROBLEM, "owner: bad gid range");
	return 0;
}

static bool gid_matches(const struct xt_pkt *pkt, const struct xt_owner_match_info *info)
{
	if (pkt->gid >= info->gid_min && pkt->gid <= info->gid_max)
		return true;
	if (!(info->match & XT_OWNER_SUPPL_GROUPS))
		return false;
	if (pkt->has_groups) {
		for (unsigned int i = 0; i < pkt->ngroups; i++)
			if (pkt->groups[i] >= info->gid_min && pkt->groups[i] <= info->gid_max)
				return true;
		return false;
	}
	/* Not given (--groups): the trace says what it assumed. */
	pkt->ops->assume((struct xt_pkt *)pkt, "owner: sender's supplementary groups");
	return pkt->assume_unknown_match;
}

/* The packet's socket is modelled by has_owner: local packets sent by a
 * process carry its fsuid/fsgid. */
static bool owner_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_owner_match_info *info = par->data;

	if (!pkt->has_owner)
		return (info->match ^ info->invert) == 0;
	if (info->match & info->invert & XT_OWNER_SOCKET)
		return false;
	if ((info->match & XT_OWNER_UID) &&
	    (pkt->uid >= info->uid_min && pkt->uid <= info->uid_max) ==
	    !!(info->invert & XT_OWNER_UID))
		return false;
	if ((info->match & XT_OWNER_GID) &&
	    gid_matches(pkt, info) == !!(info->invert & XT_OWNER_GID))
		return false;
	return true;
}

static struct xtables_match owner_ext = {
	.name = "owner",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_owner_match_info),
	.userspacesize = sizeof(struct xt_owner_match_info),
	.help = owner_help,
	.parse = owner_parse,
	.final_check = owner_final,
	.print = owner_print,
	.save = owner_save,
	.options = owner_opts,
	.hooks = (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING),
	.checkentry = owner_check,
	.match = owner_match,
};

void libxt_owner_init(void)
{
	xtables_register_match(&owner_ext);
}
