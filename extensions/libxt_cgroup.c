/* cgroup: the control group (v2 path or net_cls class id) of the socket. */
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_cgroup.h>
#include "../libxt/error.h"

enum { O_CLASSID, O_PATH };

static const struct xt_option_entry cgroup_opts_v0[] = {
	{ .name = "cgroup", .id = O_CLASSID, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT | XTOPT_MAND | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_cgroup_info_v0, id) },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry cgroup_opts_v1[] = {
	{ .name = "path", .id = O_PATH, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(struct xt_cgroup_info_v1, path) },
	{ .name = "cgroup", .id = O_CLASSID, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(struct xt_cgroup_info_v1, classid) },
	XTOPT_TABLEEND,
};

/* In revision 2 path and class id share their place. */
static const struct xt_option_entry cgroup_opts_v2[] = {
	{ .name = "path", .id = O_PATH, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(struct xt_cgroup_info_v2, path) },
	{ .name = "cgroup", .id = O_CLASSID, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(struct xt_cgroup_info_v2, classid) },
	XTOPT_TABLEEND,
};

static void cgroup_help(FILE *f)
{
	fprintf(f, "cgroup match options:\n"
		"[!] --path path     the socket is in this cgroup (v2) or below it\n"
		"[!] --cgroup id     the socket's net_cls class id\n");
}

static int parse_v0(struct xt_option_call *cb)
{
	struct xt_cgroup_info_v0 *c = cb->data;

	if (cb->invert)
		c->invert = 1;
	return 0;
}

/* Revisions 1 and 2 begin alike: the has/invert bytes come first. */
static int parse_v12(struct xt_option_call *cb)
{
	struct xt_cgroup_info_v1 *c = cb->data;

	if (cb->entry->id == O_PATH) {
		c->has_path = 1;
		c->invert_path = cb->invert;
	} else {
		c->has_classid = 1;
		c->invert_classid = cb->invert;
	}
	return 0;
}

static void print_v0(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_cgroup_info_v0 *c = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " cgroup %s%u", c->invert ? "! " : "", c->id);
}

static void save_v0(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_cgroup_info_v0 *c = data;

	(void)ip;
	fprintf(f, "%s --cgroup %u", c->invert ? " !" : "", c->id);
}

static void print_common(FILE *f, bool has_path, bool inv_path, const char *path,
			 bool has_id, bool inv_id, uint32_t id)
{
	fputs(" cgroup", f);
	if (has_path)
		fprintf(f, " %s%s", inv_path ? "! " : "", path);
	if (has_id)
		fprintf(f, " %s%u", inv_id ? "! " : "", id);
}

static void save_common(FILE *f, bool has_path, bool inv_path, const char *path,
			bool has_id, bool inv_id, uint32_t id)
{
	if (has_path) {
		fprintf(f, "%s --path ", inv_path ? " !" : "");
		xt_save_string(f, path);
	}
	if (has_id)
		fprintf(f, "%s --cgroup %u", inv_id ? " !" : "", id);
}

static void print_v1(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_cgroup_info_v1 *c = data;

	(void)ip;
	(void)numeric;
	print_common(f, c->has_path, c->invert_path, c->path,
		     c->has_classid, c->invert_classid, c->classid);
}

static void save_v1(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_cgroup_info_v1 *c = data;

	(void)ip;
	save_common(f, c->has_path, c->invert_path, c->path,
		    c->has_classid, c->invert_classid, c->classid);
}

static void print_v2(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_cgroup_info_v2 *c = data;
	char path[XT_CGROUP_PATH_MAX + 1];

	(void)ip;
	(void)numeric;
	snprintf(path, sizeof(path), "%.*s", XT_CGROUP_PATH_MAX, c->path);
	print_common(f, c->has_path, c->invert_path, path,
		     c->has_classid, c->invert_classid, c->classid);
}

static void save_v2(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_cgroup_info_v2 *c = data;
	char path[XT_CGROUP_PATH_MAX + 1];

	(void)ip;
	snprintf(path, sizeof(path), "%.*s", XT_CGROUP_PATH_MAX, c->path);
	save_common(f, c->has_path, c->invert_path, path,
		    c->has_classid, c->invert_classid, c->classid);
}

static int refuse(void)
{
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
			   "Invalid argument. Run `dmesg' for more information");
}

static int check_v0(const struct xt_check_param *par)
{
	return ((const struct xt_cgroup_info_v0 *)par->data)->invert & ~1u ? refuse() : 0;
}

/*
 * Exactly one of path and class id.  Whether the path names an existing
 * cgroup the kernel finds out; the model has no cgroup tree, so any path
 * is taken.
 */
static int check_flags(uint8_t has_path, uint8_t has_id, uint8_t inv_path, uint8_t inv_id)
{
	if ((inv_path & ~1) || (inv_id & ~1) || has_path == has_id)
		return refuse();
	return 0;
}

static int check_v1(const struct xt_check_param *par)
{
	const struct xt_cgroup_info_v1 *c = par->data;

	return check_flags(c->has_path, c->has_classid, c->invert_path, c->invert_classid);
}

static int check_v2(const struct xt_check_param *par)
{
	const struct xt_cgroup_info_v2 *c = par->data;

	return check_flags(c->has_path, c->has_classid, c->invert_path, c->invert_classid);
}

/*
 * Only packets with a local socket have a cgroup: those the host sends.
 * Which cgroup that socket is in the model does not know.
 */
/*
 * The sending socket's cgroup is outside the model.  A net_cls classid is
 * taken as 0, as every socket has where net_cls is not used (cgroup v2 has
 * no net_cls); a path stays unknown.  A packet without a local socket
 * matches nothing, inverted or not, as in cgroup_mt.
 */
static bool classid_match(const struct xt_pkt *pkt, uint32_t classid, bool invert)
{
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt,
				 "cgroup: the sender's net_cls classid, taken as 0");
	return (classid == 0) != invert;
}

static bool path_match(const struct xt_pkt *pkt)
{
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "cgroup: the sending socket's cgroup");
	return pkt->assume_unknown_match;
}

static bool match_v0(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_cgroup_info_v0 *info = par->data;

	return pkt->local && classid_match(pkt, info->id, info->invert);
}

static bool match_v1(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_cgroup_info_v1 *info = par->data;

	if (!pkt->local)
		return false;
	if (info->has_path)
		return path_match(pkt);
	return classid_match(pkt, info->classid, info->invert_classid);
}

static bool match_v2(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_cgroup_info_v2 *info = par->data;

	if (!pkt->local)
		return false;
	if (info->has_path)
		return path_match(pkt);
	return classid_match(pkt, info->classid, info->invert_classid);
}

#define CGROUP_HOOKS (1u << NF_INET_LOCAL_OUT | 1u << NF_INET_POST_ROUTING | \
		      1u << NF_INET_LOCAL_IN)

static struct xtables_match cgroup_exts[] = {
	{
		.name = "cgroup", .revision = 0, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_cgroup_info_v0),
		.userspacesize = sizeof(struct xt_cgroup_info_v0),
		.help = cgroup_help, .parse = parse_v0, .print = print_v0, .save = save_v0,
		.options = cgroup_opts_v0,
		.hooks = CGROUP_HOOKS, .checkentry = check_v0, .match = match_v0,
	},
	{
		.name = "cgroup", .revision = 1, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_cgroup_info_v1),
		.userspacesize = offsetof(struct xt_cgroup_info_v1, priv),
		.help = cgroup_help, .parse = parse_v12, .print = print_v1, .save = save_v1,
		.options = cgroup_opts_v1,
		.hooks = CGROUP_HOOKS, .checkentry = check_v1, .match = match_v1,
	},
	{
		.name = "cgroup", .revision = 2, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_cgroup_info_v2),
		.userspacesize = offsetof(struct xt_cgroup_info_v2, priv),
		.help = cgroup_help, .parse = parse_v12, .print = print_v2, .save = save_v2,
		.options = cgroup_opts_v2,
		.hooks = CGROUP_HOOKS, .checkentry = check_v2, .match = match_v2,
	},
};

void libxt_cgroup_init(void)
{
	xtables_register_matches(cgroup_exts, sizeof(cgroup_exts) / sizeof(cgroup_exts[0]));
}
