/* devgroup: the group of the incoming or outgoing network device. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_devgroup.h>
#include "../libxt/error.h"

enum { O_SRC, O_DST };

#define GROUPS_FILE "/etc/iproute2/group"

static const struct xt_option_entry devgroup_opts[] = {
	{ .name = "src-group", .id = O_SRC, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "dst-group", .id = O_DST, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void devgroup_help(FILE *f)
{
	fprintf(f, "devgroup match options:\n"
		"[!] --src-group value[/mask]    group of the device the packet came in by\n"
		"[!] --dst-group value[/mask]    group of the device it goes out by\n"
		"                                (a number, or a name from " GROUPS_FILE ")\n");
}

/* iproute2's "number name" table: name to number, or number to name. */
static bool group_lookup(const char *name, uint32_t *id, char *out, size_t outlen)
{
	FILE *f = fopen(GROUPS_FILE, "re");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line, *end, *word;
		unsigned long v;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || !*p)
			continue;
		v = strtoul(p, &end, 0);
		if (end == p || !isspace((unsigned char)*end))
			continue;
		for (word = end; isspace((unsigned char)*word); word++)
			;
		word[strcspn(word, " \t\r\n#")] = '\0';
		if (!*word)
			continue;
		if (name && !strcmp(word, name)) {
			*id = (uint32_t)v;
			found = true;
		} else if (!name && (uint32_t)v == *id) {
			snprintf(out, outlen, "%s", word);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static int parse_group(const char *opt, const char *arg, uint32_t *id, uint32_t *mask)
{
	unsigned long long v, m;
	char *end;

	*mask = UINT32_MAX;
	if (xt_strtoul(arg, &end, &v, 0, UINT32_MAX) && (!*end || *end == '/')) {
		*id = (uint32_t)v;
		if (!*end)
			return 0;
		if (!xt_strtoul(end + 1, &end, &m, 0, UINT32_MAX))
			return xt_error(PARAMETER_PROBLEM, "devgroup: bad integer value for "
					"option \"--%s\", or out of range.\n", opt);
		if (*end)
			return xt_error(PARAMETER_PROBLEM, "devgroup: trailing garbage after "
					"value for option \"--%s\".\n", opt);
		*mask = (uint32_t)m;
		return 0;
	}
	if (!group_lookup(arg, id, NULL, 0))
		return xt_error(PARAMETER_PROBLEM, "devgroup: could not map name %s to an "
				"integer value for option \"--%s\".\n", arg, opt);
	return 0;
}

static int devgroup_parse(struct xt_option_call *cb)
{
	struct xt_devgroup_info *d = cb->data;

	if (cb->entry->id == O_SRC) {
		d->flags |= XT_DEVGROUP_MATCH_SRC | (cb->invert ? XT_DEVGROUP_INVERT_SRC : 0);
		return parse_group("src-group", cb->arg, &d->src_group, &d->src_mask);
	}
	d->flags |= XT_DEVGROUP_MATCH_DST | (cb->invert ? XT_DEVGROUP_INVERT_DST : 0);
	return parse_group("dst-group", cb->arg, &d->dst_group, &d->dst_mask);
}

static int devgroup_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "devgroup match: You must specify either "
				"'--src-group' or '--dst-group'");
	return 0;
}

static void print_group(FILE *f, uint32_t id, uint32_t mask, bool names)
{
	char name[64];

	if (mask != UINT32_MAX)
		fprintf(f, " 0x%x/0x%x", id, mask);
	else if (names && group_lookup(NULL, &id, name, sizeof(name)))
		fprintf(f, " %s", name);
	else
		fprintf(f, " 0x%x", id);
}

static void show(FILE *f, const char *pre, const struct xt_devgroup_info *d, bool numeric)
{
	if (d->flags & XT_DEVGROUP_MATCH_SRC) {
		fprintf(f, "%s %ssrc-group", d->flags & XT_DEVGROUP_INVERT_SRC ? " !" : "", pre);
		print_group(f, d->src_group, d->src_mask, !numeric);
	}
	if (d->flags & XT_DEVGROUP_MATCH_DST) {
		fprintf(f, "%s %sdst-group", d->flags & XT_DEVGROUP_INVERT_DST ? " !" : "", pre);
		print_group(f, d->dst_group, d->dst_mask, !numeric);
	}
}

static void devgroup_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	show(f, "", data, numeric);
}

static void devgroup_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, "--", data, false);
}

static int devgroup_check(const struct xt_check_param *par)
{
	const struct xt_devgroup_info *d = par->data;
	const unsigned int in_hooks = 1u << NF_INET_PRE_ROUTING | 1u << NF_INET_LOCAL_IN |
				      1u << NF_INET_FORWARD;
	const unsigned int out_hooks = 1u << NF_INET_FORWARD | 1u << NF_INET_LOCAL_OUT |
				       1u << NF_INET_POST_ROUTING;

	/* A device exists only where the hook has one. */
	if ((d->flags & ~(XT_DEVGROUP_MATCH_SRC | XT_DEVGROUP_INVERT_SRC |
			  XT_DEVGROUP_MATCH_DST | XT_DEVGROUP_INVERT_DST)) ||
	    ((d->flags & XT_DEVGROUP_MATCH_SRC) && (par->hook_mask & ~in_hooks)) ||
	    ((d->flags & XT_DEVGROUP_MATCH_DST) && (par->hook_mask & ~out_hooks)))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

static bool group_of(const struct xt_pkt *pkt, const char *dev, uint32_t *group)
{
	const struct uipt_host *h = pkt->host;

	for (unsigned int i = 0; h && i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, dev)) {
			*group = h->ifaces[i].group;
			return true;
		}
	return false;
}

/* One side: false when the group differs (under the mask), inverted on request. */
static bool side_ok(const struct xt_pkt *pkt, const char *dev, uint32_t want,
		    uint32_t mask, bool inv)
{
	uint32_t group = 0;

	/* A device the model does not describe is in group 0, "default". */
	if (!group_of(pkt, dev, &group) && pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "devgroup: unknown device in group 0");
	return !(((want ^ group) & mask) != 0) != inv;
}

static bool devgroup_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_devgroup_info *d = par->data;

	if ((d->flags & XT_DEVGROUP_MATCH_SRC) &&
	    !side_ok(pkt, pkt->in, d->src_group, d->src_mask, d->flags & XT_DEVGROUP_INVERT_SRC))
		return false;
	if ((d->flags & XT_DEVGROUP_MATCH_DST) &&
	    !side_ok(pkt, pkt->out, d->dst_group, d->dst_mask, d->flags & XT_DEVGROUP_INVERT_DST))
		return false;
	return true;
}

static struct xtables_match devgroup_match_ext = {
	.name = "devgroup",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_devgroup_info),
	.userspacesize = sizeof(struct xt_devgroup_info),
	.help = devgroup_help,
	.parse = devgroup_parse,
	.final_check = devgroup_final,
	.print = devgroup_print,
	.save = devgroup_save,
	.options = devgroup_opts,
	.checkentry = devgroup_check,
	.match = devgroup_match,
};

void libxt_devgroup_init(void)
{
	xtables_register_match(&devgroup_match_ext);
}
