/* TCPMSS: lower the MSS option of TCP SYN segments. */
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_TCPMSS.h>

enum { O_SET_MSS, O_CLAMP_MSS };

static const struct xt_option_entry TCPMSS_opts[] = {
	/* At most what fits after a 20-byte IPv4 header. */
	{ .name = "set-mss", .id = O_SET_MSS, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  .max = UINT16_MAX - 20, XTOPT_POINTER(struct xt_tcpmss_info, mss) },
	{ .name = "clamp-mss-to-pmtu", .id = O_CLAMP_MSS, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

#define TCP_SYN 0x02
#define IP_TCP_HDRS 40		/* the smallest IPv4 and TCP headers */

static void TCPMSS_help(FILE *f)
{
	fprintf(f, "TCPMSS target mutually-exclusive options:\n"
		"  --set-mss value               explicitly set MSS option to specified value\n"
		"  --clamp-mss-to-pmtu           automatically clamp MSS value to (path_MTU - %d)\n",
		IP_TCP_HDRS);
}

static int TCPMSS_parse(struct xt_option_call *cb)
{
	struct xt_tcpmss_info *info = cb->data;

	if (cb->entry->id == O_CLAMP_MSS)
		info->mss = XT_TCPMSS_CLAMP_PMTU;
	return 0;
}

static int TCPMSS_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "TCPMSS target: At least one parameter is required");
	return 0;
}

static void TCPMSS_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tcpmss_info *info = data;

	(void)ip;
	(void)numeric;
	if (info->mss == XT_TCPMSS_CLAMP_PMTU)
		fputs(" TCPMSS clamp to PMTU", f);
	else
		fprintf(f, " TCPMSS set %u", info->mss);
}

static void TCPMSS_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tcpmss_info *info = data;

	(void)ip;
	if (info->mss == XT_TCPMSS_CLAMP_PMTU)
		fputs(" --clamp-mss-to-pmtu", f);
	else
		fprintf(f, " --set-mss %u", info->mss);
}

/* A tcp match of the rule that asks for SYN set (not inverted). */
static bool has_syn_match(const struct ipt_entry *e)
{
	for (unsigned int o = sizeof(*e); o < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + o);
		const struct xt_tcp *tcp = (const void *)m->data;

		if (!strcmp(m->u.user.name, "tcp") && (tcp->flg_cmp & TCP_SYN) &&
		    !(tcp->invflags & XT_TCP_INV_FLAGS))
			return true;
		if (!m->u.match_size)
			break;
		o += m->u.match_size;
	}
	return false;
}

static int TCPMSS_check(const struct xt_check_param *par)
{
	const struct xt_tcpmss_info *info = par->data;
	const unsigned int pmtu_hooks = (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT) |
					(1 << NF_INET_POST_ROUTING);

	if (info->mss == XT_TCPMSS_CLAMP_PMTU && (par->hook_mask & ~pmtu_hooks))
		return xt_error(OTHER_PROBLEM, "TCPMSS: path-MTU clamping only supported in "
				"FORWARD, OUTPUT and POSTROUTING hooks");
	if (!has_syn_match(par->entry))
		return xt_error(OTHER_PROBLEM, "TCPMSS: Only works on TCP SYN packets");
	return 0;
}

static uint32_t out_mtu(const struct xt_pkt *pkt)
{
	const struct uipt_host *h = pkt->host;

	for (unsigned int i = 0; h && i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, pkt->out))
			return h->ifaces[i].mtu;
	return 0;
}

static void csum_replace(uint8_t *csum, uint16_t from, uint16_t to)
{
	uint32_t sum = (uint16_t)~(csum[0] << 8 | csum[1]);

	sum += (uint16_t)~from;
	sum += to;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	csum[0] = (uint8_t)(~sum >> 8);
	csum[1] = (uint8_t)~sum;
}

/* An MSS option in front of the others, for a SYN that carries none:
 * then the peer would assume 536 (RFC 879), so no more than that is
 * announced.  Not with data after the header, nor with a full header. */
static unsigned int insert_mss(struct xt_pkt *pkt, unsigned int doff, unsigned int newmss)
{
	uint8_t *ip = pkt->data, *th = ip + pkt->thoff;
	uint16_t oldword = (uint16_t)(th[12] << 8 | th[13]);

	if (pkt->len - pkt->thoff > doff || doff >= 15 * 4 || pkt->len + 4 > pkt->room)
		return XT_CONTINUE;
	if (newmss > 536)
		newmss = 536;
	memmove(th + 24, th + 20, doff - 20);
	th[20] = 2;
	th[21] = 4;
	th[22] = (uint8_t)(newmss >> 8);
	th[23] = (uint8_t)newmss;
	/* The new option, the new length in the pseudo header, the offset. */
	csum_replace(th + 16, 0, (uint16_t)(2 << 8 | 4));
	csum_replace(th + 16, 0, (uint16_t)newmss);
	csum_replace(th + 16, (uint16_t)(pkt->len - pkt->thoff), (uint16_t)(pkt->len - pkt->thoff + 4));
	th[12] = (uint8_t)(th[12] + (1 << 4));
	csum_replace(th + 16, oldword, (uint16_t)(th[12] << 8 | th[13]));
	csum_replace(ip + 10, (uint16_t)pkt->len, (uint16_t)(pkt->len + 4));
	pkt->len += 4;
	ip[2] = (uint8_t)(pkt->len >> 8);
	ip[3] = (uint8_t)pkt->len;
	return XT_CONTINUE;
}

/* Rewrites an MSS option larger than the new value; the MSS is never
 * raised.  A SYN without the option gets one. */
static unsigned int TCPMSS_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_tcpmss_info *info = par->data;
	uint8_t *th = pkt->data + pkt->thoff;
	unsigned int newmss = info->mss, doff;

	if (pkt->fragoff)
		return XT_CONTINUE;
	if (pkt->thoff + 20 > pkt->len)
		return NF_DROP;
	doff = (th[12] >> 4) * 4u;
	if (doff < 20 || pkt->thoff + doff > pkt->len)
		return NF_DROP;
	if (info->mss == XT_TCPMSS_CLAMP_PMTU) {
		uint32_t mtu = out_mtu(pkt);

		if (mtu <= IP_TCP_HDRS)
			return NF_DROP;	/* unknown or invalid path MTU */
		newmss = mtu - IP_TCP_HDRS;
	}
	for (unsigned int i = 20; i + 4 <= doff;) {
		if (th[i] == 2 && th[i + 1] == 4) {
			unsigned int old = (unsigned int)(th[i + 2] << 8 | th[i + 3]);

			if (old <= newmss)
				return XT_CONTINUE;
			th[i + 2] = (uint8_t)(newmss >> 8);
			th[i + 3] = (uint8_t)newmss;
			csum_replace(th + 16, (uint16_t)old, (uint16_t)newmss);
			return XT_CONTINUE;
		}
		i += th[i] < 2 || !th[i + 1] ? 1 : th[i + 1];
	}
	return insert_mss(pkt, doff, newmss);
}

static struct xtables_target TCPMSS_ext = {
	.name = "TCPMSS",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_tcpmss_info),
	.userspacesize = sizeof(struct xt_tcpmss_info),
	.help = TCPMSS_help,
	.parse = TCPMSS_parse,
	.final_check = TCPMSS_final,
	.print = TCPMSS_print,
	.save = TCPMSS_save,
	.options = TCPMSS_opts,
	.proto = IPPROTO_TCP,
	.checkentry = TCPMSS_check,
	.target = TCPMSS_target,
};

void libxt_TCPMSS_init(void)
{
	xtables_register_target(&TCPMSS_ext);
}
