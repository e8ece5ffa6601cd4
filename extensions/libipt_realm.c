/* realm: the routing realm (class id) of the route the packet takes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_realm.h>

enum { O_REALM };

#define REALMS_FILE "/etc/iproute2/rt_realms"

static const struct xt_option_entry realm_opts[] = {
	{ .name = "realm", .id = O_REALM, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void realm_help(FILE *f)
{
	fprintf(f, "realm match options:\n"
		"[!] --realm value[/mask]        the route's realm, by number or by a\n"
		"                                name from " REALMS_FILE "\n");
}

/*
 * Looks a realm up in iproute2's table, by name (to_id) or by number.
 * Lines are "number name"; # starts a comment.
 */
static bool realm_lookup(const char *name, uint32_t *id, char *out, size_t outlen)
{
	FILE *f = fopen(REALMS_FILE, "re");
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
		word = end;
		while (isspace((unsigned char)*word))
			word++;
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

/* value[/mask] or a name, as iptables' value/mask parser with a name map. */
static int realm_parse(struct xt_option_call *cb)
{
	struct xt_realm_info *ri = cb->data;
	unsigned long long v, m;
	char *end;

	ri->mask = UINT32_MAX;
	if (cb->invert)
		ri->invert = 1;
	if (xt_strtoul(cb->arg, &end, &v, 0, UINT32_MAX) && (!*end || *end == '/')) {
		ri->id = (uint32_t)v;
		if (!*end)
			return 0;
		if (!xt_strtoul(end + 1, &end, &m, 0, UINT32_MAX))
			return xt_error(PARAMETER_PROBLEM, "realm: bad integer value for "
					"option \"--realm\", or out of range.\n");
		if (*end)
			return xt_error(PARAMETER_PROBLEM, "realm: trailing garbage after "
					"value for option \"--realm\".\n");
		ri->mask = (uint32_t)m;
		return 0;
	}
	if (!realm_lookup(cb->arg, &ri->id, NULL, 0))
		return xt_error(PARAMETER_PROBLEM, "realm: could not map name %s to an "
				"integer value for option \"--realm\".\n", cb->arg);
	return 0;
}

static void print_realm(FILE *f, const struct xt_realm_info *ri, bool names)
{
	char name[64];
	uint32_t id = ri->id;

	if (ri->mask != UINT32_MAX)
		fprintf(f, " 0x%x/0x%x", ri->id, ri->mask);
	else if (names && realm_lookup(NULL, &id, name, sizeof(name)))
		fprintf(f, " %s", name);
	else
		fprintf(f, " 0x%x", ri->id);
}

static void realm_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_realm_info *ri = data;

	(void)ip;
	fprintf(f, "%s realm", ri->invert ? " !" : "");
	print_realm(f, ri, !numeric);
}

static void realm_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_realm_info *ri = data;

	(void)ip;
	fprintf(f, "%s --realm", ri->invert ? " !" : "");
	print_realm(f, ri, true);
}

/*
 * The realm is the route's class id.  The host model's routes carry no
 * realms, so every route is realm 0, as on a host without realms set.
 */
static bool realm_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_realm_info *ri = par->data;
	uint32_t tclassid = 0;

	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "realm: routes have no realm, taken as 0");
	return (ri->id == (tclassid & ri->mask)) != !!ri->invert;
}

static struct xtables_match realm_match_ext = {
	.name = "realm",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_realm_info),
	.userspacesize = sizeof(struct xt_realm_info),
	.help = realm_help,
	.parse = realm_parse,
	.print = realm_print,
	.save = realm_save,
	.options = realm_opts,
	/* Only where a route has been chosen. */
	.hooks = 1u << NF_INET_POST_ROUTING | 1u << NF_INET_FORWARD |
		 1u << NF_INET_LOCAL_OUT | 1u << NF_INET_LOCAL_IN,
	.match = realm_match,
};

void libipt_realm_init(void)
{
	xtables_register_match(&realm_match_ext);
}
