/* policy: the IPsec policy a packet was (or will be) processed by. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_policy.h>
#include "../libxt/error.h"

enum {
	O_DIR, O_POL, O_STRICT, O_REQID, O_SPI, O_PROTO, O_MODE,
	O_TUNNELSRC, O_TUNNELDST, O_NEXT,
};

static const struct xt_option_entry policy_opts[] = {
	{ .name = "dir", .id = O_DIR, .type = XTTYPE_STRING },
	{ .name = "pol", .id = O_POL, .type = XTTYPE_STRING },
	{ .name = "strict", .id = O_STRICT, .type = XTTYPE_NONE },
	{ .name = "reqid", .id = O_REQID, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	{ .name = "spi", .id = O_SPI, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	/* Parsed here: iptables keeps the address unmasked. */
	{ .name = "tunnel-src", .id = O_TUNNELSRC, .type = XTTYPE_STRING,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	{ .name = "tunnel-dst", .id = O_TUNNELDST, .type = XTTYPE_STRING,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	{ .name = "proto", .id = O_PROTO, .type = XTTYPE_PROTOCOL,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	{ .name = "mode", .id = O_MODE, .type = XTTYPE_STRING,
	  .flags = XTOPT_MULTI | XTOPT_INVERT },
	{ .name = "next", .id = O_NEXT, .type = XTTYPE_NONE,
	  .flags = XTOPT_MULTI, .also = 1 << O_STRICT },
	XTOPT_TABLEEND,
};

static void policy_help(FILE *f)
{
	fprintf(f, "policy match options:\n"
		"  --dir in|out                    the policy of decapsulation (in)\n"
		"                                  or of encapsulation (out)\n"
		"  --pol none|ipsec                the packet is not, or is, IPsec\n"
		"  --strict                        the elements must match the policy\n"
		"                                  exactly, in order\n"
		"[!] --reqid reqid                 an element: its SA request id\n"
		"[!] --spi spi                     its SPI\n"
		"[!] --proto proto                 its protocol (ah, esp or ipcomp)\n"
		"[!] --mode mode                   its mode (transport or tunnel)\n"
		"[!] --tunnel-src addr/mask        its tunnel source\n"
		"[!] --tunnel-dst addr/mask        its tunnel destination\n"
		"  --next                          starts the next element (--strict only)\n");
}

static int double_option(const char *opt)
{
	return xt_error(PARAMETER_PROBLEM, "policy match: double --%s option", opt);
}

/*
 * addr[/len or /mask]; a mask that is not a prefix counts as /32.  Without
 * a prefix mask iptables fills the whole address-sized mask with ones.
 */
static int parse_tunnel(const char *arg, union xt_policy_addr *a, union xt_policy_addr *m)
{
	struct in_addr *addr = &a->a4, *mask = &m->a4;
	char buf[64], *slash;
	unsigned long long len = 32;
	bool full = true;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) != 1)
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
					"\"--%s\", or out of range (0-128).\n", "policy", "tunnel-src");
		full = len > 32;
		if (full)
			len = 32;
	}
	if (full)
		memset(m, 0xFF, sizeof(*m));
	mask->s_addr = len ? htonl((uint32_t)(~0ull << (32 - len))) : 0;
	return 0;
}

static int parse_elem(struct xt_option_call *cb, struct xt_policy_elem *e)
{
	switch (cb->entry->id) {
	case O_REQID:
		if (e->match.reqid)
			return double_option("reqid");
		e->match.reqid = 1;
		e->invert.reqid = cb->invert;
		e->reqid = cb->val.u32;
		return 0;
	case O_SPI:
		if (e->match.spi)
			return double_option("spi");
		e->match.spi = 1;
		e->invert.spi = cb->invert;
		e->spi = cb->val.u32;
		return 0;
	case O_TUNNELSRC:
		if (e->match.saddr)
			return double_option("tunnel-src");
		e->match.saddr = 1;
		e->invert.saddr = cb->invert;
		return parse_tunnel(cb->arg, &e->saddr, &e->smask);
	case O_TUNNELDST:
		if (e->match.daddr)
			return double_option("tunnel-dst");
		e->match.daddr = 1;
		e->invert.daddr = cb->invert;
		return parse_tunnel(cb->arg, &e->daddr, &e->dmask);
	case O_PROTO:
		if (e->match.proto)
			return double_option("proto");
		e->proto = cb->val.protocol;
		if (e->proto != IPPROTO_AH && e->proto != IPPROTO_ESP &&
		    e->proto != IPPROTO_COMP)
			return xt_error(PARAMETER_PROBLEM,
					"policy match: protocol must be ah/esp/ipcomp");
		e->match.proto = 1;
		e->invert.proto = cb->invert;
		return 0;
	case O_MODE:
		if (e->match.mode)
			return double_option("mode");
		e->match.mode = 1;
		e->invert.mode = cb->invert;
		if (!strcmp(cb->arg, "transport"))
			e->mode = XT_POLICY_MODE_TRANSPORT;
		else if (!strcmp(cb->arg, "tunnel"))
			e->mode = XT_POLICY_MODE_TUNNEL;
		else
			return xt_error(PARAMETER_PROBLEM, "policy match: invalid mode \"%s\"",
					cb->arg);
		return 0;
	}
	return 0;
}

static int policy_parse(struct xt_option_call *cb)
{
	struct xt_policy_info *info = cb->data;

	switch (cb->entry->id) {
	case O_DIR:
		if (!strcmp(cb->arg, "in"))
			info->flags |= XT_POLICY_MATCH_IN;
		else if (!strcmp(cb->arg, "out"))
			info->flags |= XT_POLICY_MATCH_OUT;
		else
			return xt_error(PARAMETER_PROBLEM, "policy_match: invalid dir \"%s\"",
					cb->arg);
		return 0;
	case O_POL:
		if (!strcmp(cb->arg, "none"))
			info->flags |= XT_POLICY_MATCH_NONE;
		else if (strcmp(cb->arg, "ipsec"))
			return xt_error(PARAMETER_PROBLEM, "policy match: invalid policy \"%s\"",
					cb->arg);
		return 0;
	case O_STRICT:
		info->flags |= XT_POLICY_MATCH_STRICT;
		return 0;
	case O_NEXT:
		if (++info->len == XT_POLICY_MAX_ELEM)
			return xt_error(PARAMETER_PROBLEM,
					"policy match: maximum policy depth reached");
		return 0;
	}
	return parse_elem(cb, &info->pol[info->len]);
}

static int policy_final(struct xt_fcheck_call *cb)
{
	struct xt_policy_info *info = cb->data;

	if (!(info->flags & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT)))
		return xt_error(PARAMETER_PROBLEM,
				"policy match: neither --dir in nor --dir out specified");
	if (info->flags & XT_POLICY_MATCH_NONE) {
		if (info->flags & XT_POLICY_MATCH_STRICT)
			return xt_error(PARAMETER_PROBLEM,
					"policy match: policy none but --strict given");
		if (info->len)
			return xt_error(PARAMETER_PROBLEM,
					"policy match: policy none but policy given");
	} else {
		info->len++;	/* the last element has no --next after it */
	}
	for (unsigned int i = 0; i < info->len; i++) {
		const struct xt_policy_elem *e = &info->pol[i];

		if ((info->flags & XT_POLICY_MATCH_STRICT) &&
		    !(e->match.reqid || e->match.spi || e->match.saddr ||
		      e->match.daddr || e->match.proto || e->match.mode))
			return xt_error(PARAMETER_PROBLEM,
					"policy match: empty policy element %u. --strict is in "
					"effect, but at least one of reqid, spi, tunnel-src, "
					"tunnel-dst, proto or mode is required.", i);
		if ((e->match.saddr || e->match.daddr) &&
		    (e->mode == XT_POLICY_MODE_TUNNEL) == e->invert.mode)
			return xt_error(PARAMETER_PROBLEM, "policy match: --tunnel-src/"
					"--tunnel-dst is only valid in tunnel mode");
	}
	return 0;
}

static void print_elem(FILE *f, const char *pre, const struct xt_policy_elem *e,
		       bool numeric)
{
	if (e->match.reqid)
		fprintf(f, "%s %sreqid %u", e->invert.reqid ? " !" : "", pre, e->reqid);
	if (e->match.spi)
		fprintf(f, "%s %sspi 0x%x", e->invert.spi ? " !" : "", pre, e->spi);
	if (e->match.proto) {
		struct protoent *p = numeric ? NULL : getprotobynumber(e->proto);

		fprintf(f, "%s %sproto ", e->invert.proto ? " !" : "", pre);
		if (p)
			fputs(p->p_name, f);
		else
			fprintf(f, "%u", e->proto);
	}
	if (e->match.mode)
		fprintf(f, "%s %smode %s", e->invert.mode ? " !" : "", pre,
			e->mode == XT_POLICY_MODE_TRANSPORT ? "transport" :
			e->mode == XT_POLICY_MODE_TUNNEL ? "tunnel" : "???");
	if (e->match.daddr) {
		fprintf(f, "%s %stunnel-dst %s", e->invert.daddr ? " !" : "", pre,
			xt_ipaddr_to_numeric(&e->daddr.a4));
		fputs(xt_ipmask_to_numeric(&e->dmask.a4), f);
	}
	if (e->match.saddr) {
		fprintf(f, "%s %stunnel-src %s", e->invert.saddr ? " !" : "", pre,
			xt_ipaddr_to_numeric(&e->saddr.a4));
		fputs(xt_ipmask_to_numeric(&e->smask.a4), f);
	}
}

static void print_flags(FILE *f, const char *pre, const struct xt_policy_info *info)
{
	fprintf(f, " %sdir %s", pre, info->flags & XT_POLICY_MATCH_IN ? "in" : "out");
	fprintf(f, " %spol %s", pre, info->flags & XT_POLICY_MATCH_NONE ? "none" : "ipsec");
	if (info->flags & XT_POLICY_MATCH_STRICT)
		fprintf(f, " %sstrict", pre);
}

static void policy_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_policy_info *info = data;

	(void)ip;
	fputs(" policy match", f);
	print_flags(f, "", info);
	for (unsigned int i = 0; i < info->len && i < XT_POLICY_MAX_ELEM; i++) {
		if (info->len > 1)
			fprintf(f, " [%u]", i);
		print_elem(f, "", &info->pol[i], numeric);
	}
}

static void policy_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_policy_info *info = data;

	(void)ip;
	print_flags(f, "--", info);
	for (unsigned int i = 0; i < info->len && i < XT_POLICY_MAX_ELEM; i++) {
		print_elem(f, "--", &info->pol[i], false);
		if (i + 1 < info->len)
			fputs(" --next", f);
	}
}

static int policy_check(const struct xt_check_param *par)
{
	const struct xt_policy_info *info = par->data;
	const unsigned int in_hooks = 1u << NF_INET_PRE_ROUTING | 1u << NF_INET_LOCAL_IN;
	const unsigned int out_hooks = 1u << NF_INET_POST_ROUTING | 1u << NF_INET_LOCAL_OUT;

	/* An output policy is unknown before routing, an input one after. */
	if (!(info->flags & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT)) ||
	    ((par->hook_mask & in_hooks) && (info->flags & XT_POLICY_MATCH_OUT)) ||
	    ((par->hook_mask & out_hooks) && (info->flags & XT_POLICY_MATCH_IN)) ||
	    info->len > XT_POLICY_MAX_ELEM)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/*
 * The model has no IPsec: no packet carries a security path or goes out
 * through a transform, so "--pol none" holds and "--pol ipsec" does not.
 */
static bool policy_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_policy_info *info = par->data;

	/* assume() takes a mutable packet; it only notes the rule in the trace. */
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt,
				 "policy: no IPsec in the model, the packet has no IPsec policy");
	return info->flags & XT_POLICY_MATCH_NONE;
}

static struct xtables_match policy_match_ext = {
	.name = "policy",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_policy_info),
	.userspacesize = sizeof(struct xt_policy_info),
	.help = policy_help,
	.parse = policy_parse,
	.final_check = policy_final,
	.print = policy_print,
	.save = policy_save,
	.options = policy_opts,
	.checkentry = policy_check,
	.match = policy_match,
};

void libxt_policy_init(void)
{
	xtables_register_match(&policy_match_ext);
}
