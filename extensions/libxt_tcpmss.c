/* tcpmss: the MSS option of a TCP segment (SYN) within a range. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_tcpmss.h>

enum { O_MSS };

static const struct xt_option_entry tcpmss_opts[] = {
	{ .name = "mss", .id = O_MSS, .type = XTTYPE_UINT16RC,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void tcpmss_help(FILE *f)
{
	fprintf(f, "tcpmss match options:\n"
		"[!] --mss value[:value]	Match TCP MSS range.\n"
		"				(only valid for TCP SYN or SYN/ACK packets)\n");
}

static int tcpmss_parse(struct xt_option_call *cb)
{
	struct xt_tcpmss_match_info *info = cb->data;

	info->mss_min = cb->val.u16_range[0];
	info->mss_max = cb->nvals > 1 ? cb->val.u16_range[1] : info->mss_min;
	if (info->mss_min > info->mss_max)
		return xt_error(PARAMETER_PROBLEM, "tcpmss: invalid range given");
	if (cb->invert)
		info->invert = 1;
	return 0;
}

static void print_range(FILE *f, const struct xt_tcpmss_match_info *info)
{
	fprintf(f, "%u", info->mss_min);
	if (info->mss_min != info->mss_max)
		fprintf(f, ":%u", info->mss_max);
}

static void tcpmss_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tcpmss_match_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " tcpmss match %s", info->invert ? "!" : "");
	print_range(f, info);
}

static void tcpmss_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tcpmss_match_info *info = data;

	(void)ip;
	fprintf(f, "%s --mss ", info->invert ? " !" : "");
	print_range(f, info);
}

/* The first well-formed MSS option decides; no option matches only when
 * inverted; a cut or malformed header drops the packet. */
static bool tcpmss_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_tcpmss_match_info *info = par->data;
	const uint8_t *th = pkt->data + pkt->thoff, *op = th + 20;
	unsigned int doff, optlen;

	if (pkt->thoff + 20 > pkt->len)
		goto drop;
	doff = (th[12] >> 4) * 4u;
	if (doff < 20)
		goto drop;
	optlen = doff - 20;
	if (pkt->thoff + doff > pkt->len)
		goto drop;
	for (unsigned int i = 0; i < optlen;) {
		if (op[i] == 2 && optlen - i >= 4 && op[i + 1] == 4) {
			unsigned int mss = (unsigned int)(op[i + 2] << 8 | op[i + 3]);

			return (mss >= info->mss_min && mss <= info->mss_max) != !!info->invert;
		}
		if (op[i] < 2)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return info->invert;
drop:
	par->hotdrop = true;
	return false;
}

static struct xtables_match tcpmss_ext = {
	.name = "tcpmss",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_tcpmss_match_info),
	.userspacesize = sizeof(struct xt_tcpmss_match_info),
	.help = tcpmss_help,
	.parse = tcpmss_parse,
	.print = tcpmss_print,
	.save = tcpmss_save,
	.options = tcpmss_opts,
	.proto = IPPROTO_TCP,
	.match = tcpmss_match,
};

void libxt_tcpmss_init(void)
{
	xtables_register_match(&tcpmss_ext);
}
