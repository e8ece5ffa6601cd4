/* TEE: send a copy of the packet to another gateway; the original goes on. */
#include <netdb.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_TEE.h>

enum { O_GATEWAY, O_OIF };

static const struct xt_option_entry tee_opts[] = {
	{ .name = "gateway", .id = O_GATEWAY, .type = XTTYPE_HOST,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(struct xt_tee_tginfo, gw) },
	{ .name = "oif", .id = O_OIF, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

static void tee_help(FILE *f)
{
	fprintf(f, "TEE target options:\n"
		"  --gateway IPADDR    next hop the copy is sent to\n"
		"  --oif NAME          interface the copy leaves by\n");
}

/* A long name is cut to the field, as iptables' string option does. */
static int tee_parse(struct xt_option_call *cb)
{
	struct xt_tee_tginfo *info = cb->data;

	if (cb->entry->id == O_OIF) {
		memset(info->oif, 0, sizeof(info->oif));
		strncpy(info->oif, cb->arg, sizeof(info->oif) - 1);
	}
	return 0;
}

static const char *gw_name(const struct in_addr *a, bool numeric)
{
	struct hostent *h = numeric ? NULL : gethostbyaddr(a, sizeof(*a), AF_INET);

	return h ? h->h_name : xt_ipaddr_to_numeric(a);
}

static void tee_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tee_tginfo *info = data;

	(void)ip;
	fprintf(f, " TEE gw:%s", gw_name(&info->gw.in, numeric));
	if (info->oif[0])
		fprintf(f, " oif=%.*s", (int)sizeof(info->oif), info->oif);
}

static void tee_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tee_tginfo *info = data;

	(void)ip;
	fprintf(f, " --gateway %s", xt_ipaddr_to_numeric(&info->gw.in));
	if (info->oif[0])
		fprintf(f, " --oif %.*s", (int)sizeof(info->oif), info->oif);
}

static int tee_check(const struct xt_check_param *par)
{
	static const union nf_inet_addr zero;
	const struct xt_tee_tginfo *info = par->data;

	if (!memcmp(&info->gw, &zero, sizeof(zero)))
		return xt_error(OTHER_PROBLEM, "TEE: gateway 0.0.0.0 is not allowed");
	if (info->oif[0] && info->oif[sizeof(info->oif) - 1])
		return xt_error(OTHER_PROBLEM, "TEE: oif is not NUL-terminated");
	return 0;
}

/* The header checksum, as ip_local_out computes it afresh. */
static void ip_csum(uint8_t *ip)
{
	unsigned int hl = (ip[0] & 0xf) * 4u;
	uint32_t sum = 0;

	ip[10] = ip[11] = 0;
	for (unsigned int i = 0; i < hl; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
}

/*
 * nf_dup_ipv4: a copy, untracked, routed to the gateway (out of oif if
 * named) and sent with ip_local_out, through OUTPUT and POSTROUTING.  It
 * has DF set, so its sender learns of a smaller MTU on the copy's way;
 * made before routing, its TTL is lowered as a forward would.
 */
static unsigned int tee_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_tee_tginfo *info = par->data;
	struct uipt_emit how = { .untracked = true, .copy = true, .has_via = true,
				 .via = info->gw.in };
	uint8_t copy[600];
	char what[96];

	snprintf(how.oif, sizeof(how.oif), "%.*s", (int)sizeof(info->oif), info->oif);
	snprintf(what, sizeof(what), "TEE: copy to %s%s%s",
		 xt_ipaddr_to_numeric(&info->gw.in), how.oif[0] ? " via " : "", how.oif);
	how.what = what;
	if (!pkt->ops || !pkt->ops->emit)
		return XT_CONTINUE;
	if (pkt->len > sizeof(copy)) {
		pkt->ops->emit(pkt, pkt->data, pkt->len, &how);	/* noted, not followed */
		return XT_CONTINUE;
	}
	memcpy(copy, pkt->data, pkt->len);
	copy[6] |= 0x40;			/* IP_DF */
	if (par->hook == NF_INET_PRE_ROUTING || par->hook == NF_INET_LOCAL_IN)
		copy[8]--;
	ip_csum(copy);
	pkt->ops->emit(pkt, copy, pkt->len, &how);
	return XT_CONTINUE;
}

static struct xtables_target tee_target_ext = {
	.name = "TEE",
	.revision = 1,
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_tee_tginfo),
	.userspacesize = offsetof(struct xt_tee_tginfo, priv),
	.help = tee_help,
	.parse = tee_parse,
	.print = tee_print,
	.save = tee_save,
	.options = tee_opts,
	.checkentry = tee_check,
	.target = tee_target,
};

void libxt_TEE_init(void)
{
	xtables_register_target(&tee_target_ext);
}
