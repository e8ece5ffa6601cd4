/* ipvs: packets of IPVS (the kernel's load balancer) connections. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_ipvs.h>
#include "../libxt/error.h"

/* The ids are the XT_IPVS_* bit numbers. */
enum { O_IPVS, O_VPROTO, O_VADDR, O_VPORT, O_VDIR, O_VMETHOD, O_VPORTCTL };

/* IP_VS_CONN_F_* forwarding methods (linux/ip_vs.h). */
enum { FWD_MASQ = 0, FWD_TUNNEL = 2, FWD_DROUTE = 3 };

#define S struct xt_ipvs_mtinfo
static const struct xt_option_entry ipvs_opts[] = {
	{ .name = "ipvs", .id = O_IPVS, .type = XTTYPE_NONE, .flags = XTOPT_INVERT },
	{ .name = "vproto", .id = O_VPROTO, .type = XTTYPE_PROTOCOL,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(S, l4proto) },
	/* Parsed here: iptables keeps the address unmasked. */
	{ .name = "vaddr", .id = O_VADDR, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "vport", .id = O_VPORT, .type = XTTYPE_PORT,
	  .flags = XTOPT_NBO | XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(S, vport) },
	{ .name = "vdir", .id = O_VDIR, .type = XTTYPE_STRING },
	{ .name = "vmethod", .id = O_VMETHOD, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "vportctl", .id = O_VPORTCTL, .type = XTTYPE_PORT,
	  .flags = XTOPT_NBO | XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(S, vportctl) },
	XTOPT_TABLEEND,
};
#undef S

static void ipvs_help(FILE *f)
{
	fprintf(f, "IPVS match options:\n"
		"[!] --ipvs                      the packet belongs to an IPVS connection\n"
		"Any of the following implies --ipvs:\n"
		"[!] --vproto protocol           its protocol\n"
		"[!] --vaddr address[/mask]      its virtual service address\n"
		"[!] --vport port                its virtual service port\n"
		"    --vdir {ORIGINAL|REPLY}     the packet's direction\n"
		"[!] --vmethod {GATE|IPIP|MASQ}  how IPVS forwards it\n"
		"[!] --vportctl port             the port of the controlling connection\n");
}

/* addr[/len or /mask]; a mask that is not a prefix counts as /32. */
static int parse_vaddr(const char *arg, union nf_inet_addr *addr, union nf_inet_addr *mask)
{
	char buf[64], *slash;
	unsigned long long len = 32;
	bool full = true;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &addr->in) != 1)
		return xt_error(PARAMETER_PROBLEM, "getaddrinfo: Name or service not known\n");
	if (slash && strchr(slash, '.')) {
		struct in_addr m;
		int cidr;

		if (inet_pton(AF_INET, slash, &m) != 1)
			return xt_error(PARAMETER_PROBLEM, "invalid mask `%s' specified", slash);
		cidr = xt_mask_to_cidr(&m);
		len = cidr < 0 ? 32 : (unsigned int)cidr;
		full = cidr < 0;
	} else if (slash) {
		/* Up to 128 is taken; more than 32 means the whole address. */
		if (!xt_strtoul(slash, NULL, &len, 0, 128))
			return xt_error(PARAMETER_PROBLEM, "%s: bad value for option "
					"\"--%s\", or out of range (0-128).\n", "ipvs", "vaddr");
		full = len > 32;
		if (full)
			len = 32;
	}
	if (full)
		memset(mask, 0xFF, sizeof(*mask));
	mask->ip = len ? htonl((uint32_t)(~0ull << (32 - len))) : 0;
	return 0;
}

static int ipvs_parse(struct xt_option_call *cb)
{
	struct xt_ipvs_mtinfo *v = cb->data;
	unsigned int id = cb->entry->id;

	switch (id) {
	case O_VADDR:
		if (parse_vaddr(cb->arg, &v->vaddr, &v->vmask) < 0)
			return -1;
		break;
	case O_VDIR:
		/* REPLY is ORIGINAL inverted. */
		if (!strcasecmp(cb->arg, "ORIGINAL"))
			v->invert &= (uint8_t)~XT_IPVS_DIR;
		else if (!strcasecmp(cb->arg, "REPLY"))
			v->invert |= XT_IPVS_DIR;
		else
			return xt_bad_value("ipvs", "--vdir", cb->arg);
		break;
	case O_VMETHOD:
		if (!strcasecmp(cb->arg, "GATE"))
			v->fwd_method = FWD_DROUTE;
		else if (!strcasecmp(cb->arg, "IPIP"))
			v->fwd_method = FWD_TUNNEL;
		else if (!strcasecmp(cb->arg, "MASQ"))
			v->fwd_method = FWD_MASQ;
		else
			return xt_bad_value("ipvs", "--vmethod", cb->arg);
		break;
	}
	v->bitmask |= (uint8_t)(1u << id);
	if (cb->invert)
		v->invert |= (uint8_t)(1u << id);
	return 0;
}

static void dump(FILE *f, const struct xt_ipvs_mtinfo *v, bool numeric, const char *pre)
{
	const char *inv[8];

	for (unsigned int i = 0; i < 8; i++)
		inv[i] = v->invert & (1u << i) ? " !" : "";
	if (v->bitmask == XT_IPVS_IPVS_PROPERTY)
		fprintf(f, "%s %sipvs", inv[O_IPVS], pre);
	if (v->bitmask & XT_IPVS_PROTO)
		fprintf(f, "%s %svproto %u", inv[O_VPROTO], pre, v->l4proto);
	if (v->bitmask & XT_IPVS_VADDR) {
		fprintf(f, "%s %svaddr", inv[O_VADDR], pre);
		if (!numeric && !v->vaddr.ip)
			fputs(" anywhere", f);
		else
			fprintf(f, " %s%s", xt_ipaddr_to_numeric(&v->vaddr.in),
				xt_ipmask_to_numeric(&v->vmask.in));
	}
	if (v->bitmask & XT_IPVS_VPORT)
		fprintf(f, "%s %svport %u", inv[O_VPORT], pre, ntohs(v->vport));
	if (v->bitmask & XT_IPVS_DIR)
		fprintf(f, " %svdir %s", pre, v->invert & XT_IPVS_DIR ? "REPLY" : "ORIGINAL");
	if (v->bitmask & XT_IPVS_METHOD)
		fprintf(f, "%s %svmethod %s", inv[O_VMETHOD], pre,
			v->fwd_method == FWD_DROUTE ? "GATE" :
			v->fwd_method == FWD_TUNNEL ? "IPIP" :
			v->fwd_method == FWD_MASQ ? "MASQ" : "UNKNOWN");
	if (v->bitmask & XT_IPVS_VPORTCTL)
		fprintf(f, "%s %svportctl %u", inv[O_VPORTCTL], pre, ntohs(v->vportctl));
}

static void ipvs_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	dump(f, data, numeric, "");
}

static void ipvs_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	dump(f, data, true, "--");
}

static int ipvs_check(const struct xt_check_param *par)
{
	const struct xt_ipvs_mtinfo *v = par->data;

	if (v->bitmask & ~XT_IPVS_MASK)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/*
 * The model has no IPVS: no packet carries the IPVS property, so only
 * "! --ipvs" matches, as on a host where IPVS handles nothing.
 */
static bool ipvs_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_ipvs_mtinfo *v = par->data;

	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "ipvs: no IPVS in the model");
	if (v->bitmask == XT_IPVS_IPVS_PROPERTY)
		return !!(v->invert & XT_IPVS_IPVS_PROPERTY);
	return false;
}

static struct xtables_match ipvs_match_ext = {
	.name = "ipvs",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_ipvs_mtinfo),
	.userspacesize = sizeof(struct xt_ipvs_mtinfo),
	.help = ipvs_help,
	.parse = ipvs_parse,
	.print = ipvs_print,
	.save = ipvs_save,
	.options = ipvs_opts,
	.checkentry = ipvs_check,
	.match = ipvs_match,
};

void libxt_ipvs_init(void)
{
	xtables_register_match(&ipvs_match_ext);
}
