/* SYNPROXY: answer SYNs with cookies, open the real connection only for
 * clients that complete the handshake. */
#include <string.h>
#include <netinet/in.h>
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

/* What the client's SYN offers, as synproxy_parse_options reads it. */
struct syn_opts {
	uint8_t options;	/* XT_SYNPROXY_OPT_* */
	uint8_t wscale;
	uint16_t mss;
	uint32_t tsval, tsecr;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void parse_opts(const uint8_t *o, int len, struct syn_opts *so)
{
	while (len > 0) {
		int kind = *o++, size;

		if (kind == 0)
			return;
		if (kind == 1) {
			len--;
			continue;
		}
		if (len < 2 || (size = *o++) < 2 || size > len)
			return;
		if (kind == 2 && size == 4) {
			so->mss = (uint16_t)(o[0] << 8 | o[1]);
			so->options |= XT_SYNPROXY_OPT_MSS;
		} else if (kind == 3 && size == 3) {
			so->wscale = o[0] > 14 ? 14 : o[0];
			so->options |= XT_SYNPROXY_OPT_WSCALE;
		} else if (kind == 8 && size == 10) {
			so->tsval = be32(o);
			so->tsecr = be32(o + 4);
			so->options |= XT_SYNPROXY_OPT_TIMESTAMP;
		} else if (kind == 4 && size == 2) {
			so->options |= XT_SYNPROXY_OPT_SACK_PERM;
		}
		o += size - 2;
		len -= size;
	}
}

/* synproxy_build_options: each option word-aligned, in the kernel's order. */
static unsigned int put_opts(uint8_t *p, const struct syn_opts *so)
{
	uint8_t *start = p;

	if (so->options & XT_SYNPROXY_OPT_MSS) {
		put32(p, 2u << 24 | 4u << 16 | so->mss);
		p += 4;
	}
	if (so->options & XT_SYNPROXY_OPT_TIMESTAMP) {
		put32(p, so->options & XT_SYNPROXY_OPT_SACK_PERM ?
			 4u << 24 | 2u << 16 | 8u << 8 | 10 : 1u << 24 | 1u << 16 | 8u << 8 | 10);
		put32(p + 4, so->tsval);
		put32(p + 8, so->tsecr);
		p += 12;
	} else if (so->options & XT_SYNPROXY_OPT_SACK_PERM) {
		put32(p, 1u << 24 | 1u << 16 | 4u << 8 | 2);
		p += 4;
	}
	if (so->options & XT_SYNPROXY_OPT_WSCALE) {
		put32(p, 1u << 24 | 3u << 16 | 3u << 8 | so->wscale);
		p += 4;
	}
	return (unsigned int)(p - start);
}

static uint16_t csum(const uint8_t *p, unsigned int n, uint32_t sum)
{
	for (unsigned int i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * synproxy_send_client_synack: addresses and ports swapped, the SYN
 * acknowledged, window 0, the options both sides agree on.  The sequence
 * number is a SYN cookie and the timestamp's value carries the clock:
 * both are left 0 here (the kernel's secret and clock are unknowable),
 * the timestamp's low bits encoding the options as the kernel does.
 */
static unsigned int build_synack(const struct xt_pkt *pkt, const struct xt_synproxy_info *info,
				 uint8_t *b)
{
	const uint8_t *ip = pkt->data, *th = ip + pkt->thoff;
	struct syn_opts so = { 0 };
	unsigned int olen, len;
	uint32_t sum = 0;

	parse_opts(th + 20, (int)((th[12] >> 4) * 4u) - 20, &so);
	if ((th[13] & 0xc0) == 0xc0)
		so.options |= XT_SYNPROXY_OPT_ECN;
	so.options &= info->options;
	so.mss = info->mss;
	if (so.options & XT_SYNPROXY_OPT_TIMESTAMP) {
		so.tsecr = so.tsval;
		so.tsval = so.options & XT_SYNPROXY_OPT_WSCALE ? so.wscale : 0xf;
		so.wscale = info->wscale;
		if (so.options & XT_SYNPROXY_OPT_SACK_PERM)
			so.tsval |= 1 << 4;
		if (so.options & XT_SYNPROXY_OPT_ECN)
			so.tsval |= 1 << 5;
	} else {
		so.options &= (uint8_t)~(XT_SYNPROXY_OPT_WSCALE | XT_SYNPROXY_OPT_SACK_PERM |
					 XT_SYNPROXY_OPT_ECN);
	}
	memset(b, 0, 60);
	olen = put_opts(b + 40, &so);
	len = 40 + olen;
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[6] = 0x40;			/* DF */
	b[8] = 64;			/* ip_default_ttl */
	b[9] = IPPROTO_TCP;
	memcpy(b + 12, ip + 16, 4);
	memcpy(b + 16, ip + 12, 4);
	memcpy(b + 20, th + 2, 2);
	memcpy(b + 22, th, 2);
	put32(b + 28, be32(th + 4) + 1);
	b[32] = (uint8_t)((20 + olen) / 4 << 4);
	b[33] = 0x12 | (so.options & XT_SYNPROXY_OPT_ECN ? 0x40 : 0);
	b[10] = (uint8_t)(csum(b, 20, 0) >> 8);
	b[11] = (uint8_t)csum(b, 20, 0);
	for (int i = 12; i < 20; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	sum += IPPROTO_TCP + 20 + olen;
	b[36] = (uint8_t)(csum(b + 20, 20 + olen, sum) >> 8);
	b[37] = (uint8_t)csum(b + 20, 20 + olen, sum);
	return len;
}

/*
 * A client's SYN is answered with a cookie SYN/ACK, sent through OUTPUT
 * and POSTROUTING, and consumed; its ACK, when the cookie checks out,
 * opens the connection to the server and is consumed too.  Both leave
 * this path (NF_STOLEN in the kernel): shown as a drop.  Whether an ACK
 * carries a valid cookie is unknowable here.
 */
static unsigned int synproxy_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const uint8_t *th;
	uint8_t fl, synack[60];

	if (pkt->fragoff || pkt->thoff + 20 > pkt->len)
		return NF_DROP;
	th = pkt->data + pkt->thoff;
	fl = th[13];
	if ((fl & 0x02) && !(fl & (0x10 | 0x01 | 0x04))) {
		struct uipt_emit how = { .what = "SYNPROXY: SYN/ACK with a cookie" };
		unsigned int len = build_synack(pkt, par->data, synack);

		if (pkt->ops && pkt->ops->emit)
			pkt->ops->emit(pkt, synack, len, &how);
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
