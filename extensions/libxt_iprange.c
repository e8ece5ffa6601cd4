/* iprange: source and/or destination address within an inclusive range. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_iprange.h>

enum { O_SRC_RANGE, O_DST_RANGE };

static const struct xt_option_entry iprange_opts[] = {
	{ .name = "src-range", .id = O_SRC_RANGE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT },
	{ .name = "dst-range", .id = O_DST_RANGE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void iprange_help(FILE *f)
{
	fprintf(f, "iprange match options:\n"
		"[!] --src-range ip[-ip]    Match source IP in the given range\n"
		"[!] --dst-range ip[-ip]    Match destination IP in the given range\n");
}

static int parse_addr(const char *s, const char *opt, union nf_inet_addr *a)
{
	if (inet_pton(AF_INET, s, &a->in) != 1)
		return xt_error(PARAMETER_PROBLEM, "iprange: Bad value for \"%s\" option: \"%s\"",
				opt, s);
	return 0;
}

/* "a-b", or "a" alone for the one-address range a-a. */
static int parse_range(const char *arg, const char *opt, union nf_inet_addr *lo,
		       union nf_inet_addr *hi_addr)
{
	char *buf = strdup(arg), *dash = strchr(buf, '-');
	const char *hi = buf;
	int ret;

	memset(lo, 0, sizeof(*lo));
	memset(hi_addr, 0, sizeof(*hi_addr));
	if (dash) {
		*dash = '\0';
		hi = dash + 1;
	}
	ret = parse_addr(buf, opt, lo);
	if (!ret)
		ret = parse_addr(hi, opt, hi_addr);
	/* Accepted, as the kernel takes it, but it can never match. */
	if (!ret && dash && ntohl(lo->ip) > ntohl(hi_addr->ip))
		fprintf(stderr, "xt_iprange: range %s-%s is reversed and will never match\n",
			buf, hi);
	free(buf);
	return ret;
}

static int iprange_parse(struct xt_option_call *cb)
{
	struct xt_iprange_mtinfo *info = cb->data;

	if (cb->entry->id == O_SRC_RANGE) {
		info->flags |= IPRANGE_SRC;
		if (cb->invert)
			info->flags |= IPRANGE_SRC_INV;
		return parse_range(cb->arg, "--src-range", &info->src_min, &info->src_max);
	}
	info->flags |= IPRANGE_DST;
	if (cb->invert)
		info->flags |= IPRANGE_DST_INV;
	return parse_range(cb->arg, "--dst-range", &info->dst_min, &info->dst_max);
}

static int iprange_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM,
				"iprange match: You must specify `--src-range' or `--dst-range'");
	return 0;
}

static void print_range(FILE *f, const union nf_inet_addr *lo,
			const union nf_inet_addr *hi)
{
	/* Two calls: the helper returns one static buffer. */
	fprintf(f, " %s", xt_ipaddr_to_numeric(&lo->in));
	fprintf(f, "-%s", xt_ipaddr_to_numeric(&hi->in));
}

static void iprange_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_iprange_mtinfo *info = data;

	(void)ip;
	(void)numeric;
	if (info->flags & IPRANGE_SRC) {
		fputs(" source IP range", f);
		if (info->flags & IPRANGE_SRC_INV)
			fputs(" !", f);
		print_range(f, &info->src_min, &info->src_max);
	}
	if (info->flags & IPRANGE_DST) {
		fputs(" destination IP range", f);
		if (info->flags & IPRANGE_DST_INV)
			fputs(" !", f);
		print_range(f, &info->dst_min, &info->dst_max);
	}
}

static void iprange_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_iprange_mtinfo *info = data;

	(void)ip;
	if (info->flags & IPRANGE_SRC) {
		fprintf(f, "%s --src-range", info->flags & IPRANGE_SRC_INV ? " !" : "");
		print_range(f, &info->src_min, &info->src_max);
	}
	if (info->flags & IPRANGE_DST) {
		fprintf(f, "%s --dst-range", info->flags & IPRANGE_DST_INV ? " !" : "");
		print_range(f, &info->dst_min, &info->dst_max);
	}
}

/* Host order comparison, as the kernel's iprange_mt4. */
static bool outside(uint32_t a, const union nf_inet_addr *lo,
		    const union nf_inet_addr *hi)
{
	return ntohl(a) < ntohl(lo->ip) || ntohl(a) > ntohl(hi->ip);
}

static bool iprange_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_iprange_mtinfo *info = par->data;
	uint32_t saddr, daddr;

	memcpy(&saddr, pkt->data + 12, 4);
	memcpy(&daddr, pkt->data + 16, 4);
	if ((info->flags & IPRANGE_SRC) &&
	    outside(saddr, &info->src_min, &info->src_max) != !!(info->flags & IPRANGE_SRC_INV))
		return false;
	if ((info->flags & IPRANGE_DST) &&
	    outside(daddr, &info->dst_min, &info->dst_max) != !!(info->flags & IPRANGE_DST_INV))
		return false;
	return true;
}

static struct xtables_match iprange_ext = {
	.name = "iprange",
	.revision = 1,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_iprange_mtinfo),
	.userspacesize = sizeof(struct xt_iprange_mtinfo),
	.help = iprange_help,
	.parse = iprange_parse,
	.final_check = iprange_final,
	.print = iprange_print,
	.save = iprange_save,
	.options = iprange_opts,
	.match = iprange_match,
};

void libxt_iprange_init(void)
{
	xtables_register_match(&iprange_ext);
}
