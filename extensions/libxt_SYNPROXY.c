/* SYNPROXY: answer SYNs with cookies, open the real connection only for
 * clients that complete the handshake. */
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_SYNPROXY.h>

enum { O_SACK_PERM, O_TIMESTAMP, O_WSCALE, O_MSS, O_ECN };

static const struct xt_option_entry synproxy_opts[] = {
	{ .name = "sack-perm", .id = O_SACK_PERM, .type = XTTYPE_NONE },
	{ .name = "timestamp", .id = O_TIMESTAMP, .type = XTTYPE_NONE },
	{ .name = "wscale", .id = O_WSCALE, .type = XTTYPE_UINT32 },
	{ .name = "mss", .id = O_MSS, .type = XTTYPE_UINT32 },
	{ .name = "ecn", .id = O_ECN, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void synproxy_help(FILE *f)
{
	fprintf(f, "SYNPROXY target options:\n"
		"  --sack-perm                        the server permits selective ACKs\n"
		"  --timestamp                        the server uses timestamps\n"
		"  --wscale value                     the server's window scale\n"
		"  --mss value                        the server's maximum segment size\n"
		"  --ecn                              the server supports ECN\n");
}

static int synproxy_parse(struct xt_option_call *cb)
{
	struct xt_synproxy_info *info = cb->data;

	switch (cb->entry->id) {
	case O_SACK_PERM:
		info->options |= XT_SYNPROXY_OPT_SACK_PERM;
		break;
	case O_TIMESTAMP:
		info->options |= XT_SYNPROXY_OPT_TIMESTAMP;
		break;
	case O_WSCALE:
		info->options |= XT_SYNPROXY_OPT_WSCALE;
		info->wscale = (uint8_t)cb->val.u32;
		break;
	case O_MSS:
		info->options |= XT_SYNPROXY_OPT_MSS;
		info->mss = (uint16_t)cb->val.u32;
		break;
	case O_ECN:
		info->options |= XT_SYNPROXY_OPT_ECN;
		break;
	}
	return 0;
}

static void synproxy_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_synproxy_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" SYNPROXY ", f);
	if (info->options & XT_SYNPROXY_OPT_SACK_PERM)
		fputs("sack-perm ", f);
	if (info->options & XT_SYNPROXY_OPT_TIMESTAMP)
		fputs("timestamp ", f);
	if (info->options & XT_SYNPROXY_OPT_WSCALE)
		fprintf(f, "wscale %u ", info->wscale);
	if (info->options & XT_SYNPROXY_OPT_MSS)
		fprintf(f, "mss %u ", info->mss);
	if (info->options & XT_SYNPROXY_OPT_ECN)
		fputs("ecn ", f);
}

static void synproxy_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_synproxy_info *info = data;

	(void)ip;
	if (info->options & XT_SYNPROXY_OPT_SACK_PERM)
		fputs(" --sack-perm", f);
	if (info->options & XT_SYNPROXY_OPT_TIMESTAMP)
		fputs(" --timestamp", f);
	if (info->options & XT_SYNPROXY_OPT_WSCALE)
		fprintf(f, " --wscale %u", info->wscale);
	if (info->options & XT_SYNPROXY_OPT_MSS)
		fprintf(f, " --mss %u", info->mss);
	if (info->options & XT_SYNPROXY_OPT_ECN)
		fputs(" --ecn", f);
}

static int synproxy_check(const struct xt_check_param *par)
{
	const struct ipt_ip *ip = &par->entry->ip;

	if (ip->proto != IPPROTO_TCP || (ip->invflags & XT_INV_PROTO))
		return xt_error(OTHER_PROBLEM, "SYNPROXY: only for -p tcp");
	return 0;
}

/*
 * A client's SYN is answered with a cookie SYN/ACK and consumed; its ACK,
 * when the cookie checks out, opens the connection to the server and is
 * consumed too.  Both leave this path (NF_STOLEN in the kernel): shown as
 * a drop.  Whether an ACK carries a valid cookie is unknowable here.
 */
static unsigned int synproxy_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const uint8_t *th;
	uint8_t fl;

	(void)par;
	if (pkt->fragoff || pkt->thoff + 20 > pkt->len)
		return NF_DROP;
	th = pkt->data + pkt->thoff;
	fl = th[13];
	if ((fl & 0x02) && !(fl & (0x10 | 0x01 | 0x04))) {
		if (pkt->ops && pkt->ops->log)
			pkt->ops->log(pkt, "SYNPROXY: SYN answered with a cookie SYN/ACK");
		return NF_DROP;
	}
	if ((fl & 0x10) && !(fl & (0x01 | 0x04 | 0x02))) {
		if (pkt->ops && pkt->ops->assume)
			pkt->ops->assume(pkt, "SYNPROXY: the ACK carries a valid cookie");
		return NF_DROP;
	}
	return XT_CONTINUE;
}

static struct xtables_target synproxy_target_ext = {
	.name = "SYNPROXY",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_synproxy_info),
	.userspacesize = sizeof(struct xt_synproxy_info),
	.help = synproxy_help,
	.parse = synproxy_parse,
	.print = synproxy_print,
	.save = synproxy_save,
	.options = synproxy_opts,
	.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
	.proto = IPPROTO_TCP,
	.checkentry = synproxy_check,
	.target = synproxy_target,
};

void libxt_SYNPROXY_init(void)
{
	xtables_register_target(&synproxy_target_ext);
}
