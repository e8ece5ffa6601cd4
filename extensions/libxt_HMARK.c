/* HMARK: set the mark from a hash of addresses, ports and protocol. */
#include <arpa/inet.h>
#include <string.h>
#include <netinet/ip_icmp.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <uiptables/conntrack.h>
#include <uiptables/jhash.h>
#include <linux/netfilter/xt_HMARK.h>

/* Option ids are the XT_HMARK_* bits the kernel reads from flags. */
enum {
	O_SRC_PREFIX = XT_HMARK_SADDR_MASK,
	O_DST_PREFIX = XT_HMARK_DADDR_MASK,
	O_SPI = XT_HMARK_SPI,
	O_SPI_MASK = XT_HMARK_SPI_MASK,
	O_SPORT = XT_HMARK_SPORT,
	O_DPORT = XT_HMARK_DPORT,
	O_SPORT_MASK = XT_HMARK_SPORT_MASK,
	O_DPORT_MASK = XT_HMARK_DPORT_MASK,
	O_PROTO_MASK = XT_HMARK_PROTO_MASK,
	O_RND = XT_HMARK_RND,
	O_MODULUS = XT_HMARK_MODULUS,
	O_OFFSET = XT_HMARK_OFFSET,
	O_CT = XT_HMARK_CT,
};

#define F(id) (1u << (id))
#define S struct xt_hmark_info

static const struct xt_option_entry hmark_opts[] = {
	{ .name = "hmark-tuple", .id = O_CT, .type = XTTYPE_STRING },
	{ .name = "hmark-src-prefix", .id = O_SRC_PREFIX, .type = XTTYPE_UINT8 },
	{ .name = "hmark-dst-prefix", .id = O_DST_PREFIX, .type = XTTYPE_UINT8 },
	{ .name = "hmark-sport-mask", .id = O_SPORT_MASK, .type = XTTYPE_UINT16 },
	{ .name = "hmark-dport-mask", .id = O_DPORT_MASK, .type = XTTYPE_UINT16 },
	{ .name = "hmark-spi-mask", .id = O_SPI_MASK, .type = XTTYPE_UINT32 },
	{ .name = "hmark-sport", .id = O_SPORT, .type = XTTYPE_UINT16 },
	{ .name = "hmark-dport", .id = O_DPORT, .type = XTTYPE_UINT16 },
	{ .name = "hmark-spi", .id = O_SPI, .type = XTTYPE_UINT32 },
	{ .name = "hmark-proto-mask", .id = O_PROTO_MASK, .type = XTTYPE_UINT16,
	  .flags = XTOPT_PUT, XTOPT_POINTER(S, proto_mask) },
	{ .name = "hmark-rnd", .id = O_RND, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  XTOPT_POINTER(S, hashrnd) },
	{ .name = "hmark-mod", .id = O_MODULUS, .type = XTTYPE_UINT32, .min = 1,
	  .max = UINT32_MAX, .flags = XTOPT_PUT, XTOPT_POINTER(S, hmodulus) },
	{ .name = "hmark-offset", .id = O_OFFSET, .type = XTTYPE_UINT32, .flags = XTOPT_PUT,
	  XTOPT_POINTER(S, hoffset) },
	XTOPT_TABLEEND,
};

static void hmark_help(FILE *f)
{
	fprintf(f, "HMARK target options, i.e. modify packet mark:\n"
		"  --hmark-mod value           the hash is taken modulo this (required)\n"
		"  --hmark-offset value        added to the result\n"
		"  --hmark-rnd value           random seed of the hash (required)\n"
		"  --hmark-src-prefix length   source address bits hashed\n"
		"  --hmark-dst-prefix length   destination address bits hashed\n"
		"  --hmark-sport-mask value    source port bits hashed (none unless given)\n"
		"  --hmark-dport-mask value    destination port bits hashed (none unless given)\n"
		"  --hmark-spi-mask value      ESP/AH SPI bits hashed, instead of ports\n"
		"  --hmark-sport value         source port bits forced on\n"
		"  --hmark-dport value         destination port bits forced on\n"
		"  --hmark-spi value           SPI bits forced on\n"
		"  --hmark-proto-mask value    protocol bits hashed (none unless given)\n"
		"  --hmark-tuple ct            hash the connection's tuples, not the packet\n");
}

/* A prefix length as a 128-bit mask, word by word (AF-independent). */
static void plen_mask(unsigned int len, union nf_inet_addr *m)
{
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int lo = i * 32;
		uint32_t w;

		if (len > 128)
			w = ~0u;
		else if (len <= lo)
			w = 0;
		else if (len >= lo + 32)
			w = ~0u;
		else
			w = ~0u << (32 - (len - lo));
		m->all[i] = htonl(w);
	}
}

static int hmark_parse(struct xt_option_call *cb)
{
	struct xt_hmark_info *info = cb->data;

	switch (cb->entry->id) {
	case O_CT:
		if (strcmp(cb->arg, "ct"))
			return xt_error(PARAMETER_PROBLEM, "Bad type \"%s\"", cb->arg);
		break;
	case O_SRC_PREFIX:
		plen_mask(cb->val.u8, &info->src_mask);
		break;
	case O_DST_PREFIX:
		plen_mask(cb->val.u8, &info->dst_mask);
		break;
	case O_SPI:
		info->port_set.b32 = htonl(cb->val.u32);
		break;
	case O_SPORT:
		info->port_set.b16.src = htons(cb->val.u16);
		break;
	case O_DPORT:
		info->port_set.b16.dst = htons(cb->val.u16);
		break;
	case O_SPORT_MASK:
		info->port_mask.b16.src = htons(cb->val.u16);
		break;
	case O_DPORT_MASK:
		info->port_mask.b16.dst = htons(cb->val.u16);
		break;
	case O_SPI_MASK:
		info->port_mask.b32 = htonl(cb->val.u32);
		break;
	}
	info->flags |= F(cb->entry->id);
	return 0;
}

/* What the hash is made of; mod, seed and offset alone say nothing. */
#define TUPLE_OPTS (F(O_SRC_PREFIX) | F(O_DST_PREFIX) | F(O_SPI) | F(O_SPI_MASK) | \
		    F(O_SPORT) | F(O_DPORT) | F(O_SPORT_MASK) | F(O_DPORT_MASK) | \
		    F(O_PROTO_MASK) | F(O_CT))

static int hmark_fcheck(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & F(O_MODULUS)))
		return xt_error(PARAMETER_PROBLEM, "--hmark-mod is mandatory");
	if (!(cb->xflags & F(O_RND)))
		return xt_error(PARAMETER_PROBLEM, "--hmark-rnd is mandatory");
	if ((cb->xflags & F(O_SPI_MASK)) && (cb->xflags & (F(O_SPORT_MASK) | F(O_DPORT_MASK))))
		return xt_error(PARAMETER_PROBLEM, "you cannot use --hmark-spi-mask and "
				"--hmark-?port-mask,at the same time");
	if (!(cb->xflags & TUPLE_OPTS))
		return xt_error(PARAMETER_PROBLEM, "you have to specify --hmark-tuple at least");
	return 0;
}

static bool has(const struct xt_hmark_info *info, unsigned int id)
{
	return info->flags & F(id);
}

static void hmark_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_hmark_info *info = data;

	(void)ip;
	(void)numeric;
	fputs(" HMARK ", f);
	if (has(info, O_MODULUS))
		fprintf(f, "mod %u ", info->hmodulus);
	if (has(info, O_OFFSET))
		fprintf(f, "+ 0x%x ", info->hoffset);
	if (has(info, O_CT))
		fputs("ct, ", f);
	if (has(info, O_SRC_PREFIX))
		fprintf(f, "src-prefix %d ", xt_mask_to_cidr(&info->src_mask.in));
	if (has(info, O_DST_PREFIX))
		fprintf(f, "dst-prefix %d ", xt_mask_to_cidr(&info->dst_mask.in));
	if (has(info, O_SPORT_MASK))
		fprintf(f, "sport-mask 0x%x ", ntohs(info->port_mask.b16.src));
	if (has(info, O_DPORT_MASK))
		fprintf(f, "dport-mask 0x%x ", ntohs(info->port_mask.b16.dst));
	if (has(info, O_SPI_MASK))
		fprintf(f, "spi-mask 0x%x ", ntohl(info->port_mask.b32));
	if (has(info, O_SPORT))
		fprintf(f, "sport 0x%x ", ntohs(info->port_set.b16.src));
	if (has(info, O_DPORT))
		fprintf(f, "dport 0x%x ", ntohs(info->port_set.b16.dst));
	if (has(info, O_SPI))
		fprintf(f, "spi 0x%x ", ntohl(info->port_set.b32));
	if (has(info, O_PROTO_MASK))
		fprintf(f, "proto-mask 0x%x ", info->proto_mask);
	if (has(info, O_RND))
		fprintf(f, "rnd 0x%x ", info->hashrnd);
}

static void hmark_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_hmark_info *info = data;

	(void)ip;
	if (has(info, O_SRC_PREFIX))
		fprintf(f, " --hmark-src-prefix %d", xt_mask_to_cidr(&info->src_mask.in));
	if (has(info, O_DST_PREFIX))
		fprintf(f, " --hmark-dst-prefix %d", xt_mask_to_cidr(&info->dst_mask.in));
	if (has(info, O_SPORT_MASK))
		fprintf(f, " --hmark-sport-mask 0x%04x", ntohs(info->port_mask.b16.src));
	if (has(info, O_DPORT_MASK))
		fprintf(f, " --hmark-dport-mask 0x%04x", ntohs(info->port_mask.b16.dst));
	if (has(info, O_SPI_MASK))
		fprintf(f, " --hmark-spi-mask 0x%08x", ntohl(info->port_mask.b32));
	if (has(info, O_SPORT))
		fprintf(f, " --hmark-sport 0x%04x", ntohs(info->port_set.b16.src));
	if (has(info, O_DPORT))
		fprintf(f, " --hmark-dport 0x%04x", ntohs(info->port_set.b16.dst));
	if (has(info, O_SPI))
		fprintf(f, " --hmark-spi 0x%08x", ntohl(info->port_set.b32));
	if (has(info, O_PROTO_MASK))
		fprintf(f, " --hmark-proto-mask 0x%02x", info->proto_mask);
	if (has(info, O_RND))
		fprintf(f, " --hmark-rnd 0x%08x", info->hashrnd);
	if (has(info, O_MODULUS))
		fprintf(f, " --hmark-mod %u", info->hmodulus);
	if (has(info, O_OFFSET))
		fprintf(f, " --hmark-offset %u", info->hoffset);
	if (has(info, O_CT))
		fputs(" --hmark-tuple ct", f);
}

static int hmark_check(const struct xt_check_param *par)
{
	const struct xt_hmark_info *info = par->data;

	if (!info->hmodulus)
		return xt_error(OTHER_PROBLEM, "invalid hash modulus");
	if (info->proto_mask && has(info, XT_HMARK_METHOD_L3))
		return xt_error(OTHER_PROBLEM, "not allowed: l3 method with proto-mask");
	if (has(info, O_SPI_MASK) && (has(info, O_SPORT_MASK) || has(info, O_DPORT_MASK)))
		return xt_error(OTHER_PROBLEM, "spi-mask and port-mask can't be combined");
	if (has(info, O_SPI) && (has(info, O_SPORT) || has(info, O_DPORT)))
		return xt_error(OTHER_PROBLEM, "spi-set and port-set can't be combined");
	return 0;
}

/* ---- the kernel's hash ---- */

struct hmark_tuple {
	uint32_t src, dst;	/* network order, masked */
	uint32_t ports;		/* host arithmetic, larger port high */
	uint8_t proto;
};

/* Masked and forced port bits, then the pair ordered so that both
 * directions of a flow hash alike. */
static uint32_t order_ports(uint16_t sport_be, uint16_t dport_be, const struct xt_hmark_info *info)
{
	union hmark_ports hp;
	uint16_t s, d;

	hp.b16.src = sport_be;
	hp.b16.dst = dport_be;
	hp.b32 = (hp.b32 & info->port_mask.b32) | info->port_set.b32;
	s = ntohs(hp.b16.src);
	d = ntohs(hp.b16.dst);
	return d > s ? (uint32_t)d << 16 | s : (uint32_t)s << 16 | d;
}

static uint32_t hmark_hash(const struct hmark_tuple *t, const struct xt_hmark_info *info)
{
	uint32_t src = ntohl(t->src), dst = ntohl(t->dst), hash;

	if (dst < src) {
		uint32_t x = src;

		src = dst;
		dst = x;
	}
	hash = uipt_jhash_3words(src, dst, t->ports, info->hashrnd);
	hash ^= t->proto & info->proto_mask;
	return (uint32_t)(((uint64_t)hash * info->hmodulus) >> 32) + info->hoffset;
}

static bool icmp_is_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/* Offset of the ports (or SPI) in the transport header, -1 if none. */
static int ports_offset(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_DCCP:
	case IPPROTO_ESP: case IPPROTO_SCTP: case IPPROTO_UDPLITE:
		return 0;
	case IPPROTO_AH:
		return 4;
	}
	return -1;
}

static int packet_tuple(const struct xt_pkt *pkt, const struct xt_hmark_info *info,
			struct hmark_tuple *t)
{
	unsigned int nh = 0, ihl = (pkt->data[0] & 0x0F) * 4u;
	const uint8_t *ip = pkt->data;
	int poff;

	/* An ICMP error is hashed as the packet it quotes. */
	if (ip[9] == IPPROTO_ICMP && pkt->len >= ihl + 8 && ip[ihl] <= 18 &&
	    icmp_is_error(ip[ihl])) {
		nh = ihl + 8;
		if (pkt->len < nh + 20)
			return -1;
		ip = pkt->data + nh;
		ihl = (ip[0] & 0x0F) * 4u;
	}
	memcpy(&t->src, ip + 12, 4);
	memcpy(&t->dst, ip + 16, 4);
	t->src &= info->src_mask.ip;
	t->dst &= info->dst_mask.ip;
	if (has(info, XT_HMARK_METHOD_L3))
		return 0;
	t->proto = ip[9];
	if (t->proto == IPPROTO_ICMP || (((ip[6] << 8) | ip[7]) & 0x3FFF))
		return 0;	/* no ports: ICMP, or any fragment */
	poff = ports_offset(t->proto);
	if (poff < 0 || pkt->len < nh + ihl + (unsigned int)poff + 4)
		return 0;
	const uint8_t *p = pkt->data + nh + ihl + poff;
	uint16_t s, d;

	memcpy(&s, p, 2);
	memcpy(&d, p + 2, 2);
	t->ports = order_ports(s, d, info);
	return 0;
}

static int conn_tuple(const struct xt_pkt *pkt, const struct xt_hmark_info *info,
		      struct hmark_tuple *t)
{
	const struct uipt_conn *ct = pkt->ct;

	if (!ct || pkt->untracked)
		return -1;
	t->src = ct->tuple[UIPT_DIR_ORIGINAL].src.ip & info->src_mask.ip;
	t->dst = ct->tuple[UIPT_DIR_REPLY].src.ip & info->dst_mask.ip;
	if (has(info, XT_HMARK_METHOD_L3))
		return 0;
	t->proto = ct->tuple[UIPT_DIR_ORIGINAL].l4proto;
	if (t->proto != IPPROTO_ICMP)
		t->ports = order_ports(ct->tuple[UIPT_DIR_ORIGINAL].sport,
				       ct->tuple[UIPT_DIR_REPLY].sport, info);
	return 0;
}

static unsigned int hmark_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_hmark_info *info = par->data;
	struct hmark_tuple t = { 0 };
	int r = has(info, O_CT) ? conn_tuple(pkt, info, &t) : packet_tuple(pkt, info, &t);

	if (r == 0)
		pkt->mark = hmark_hash(&t, info);
	return XT_CONTINUE;
}

static struct xtables_target hmark_target_ext = {
	.name = "HMARK",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_hmark_info),
	.userspacesize = sizeof(struct xt_hmark_info),
	.help = hmark_help,
	.parse = hmark_parse,
	.final_check = hmark_fcheck,
	.print = hmark_print,
	.save = hmark_save,
	.options = hmark_opts,
	.checkentry = hmark_check,
	.target = hmark_target,
};

void libxt_HMARK_init(void)
{
	xtables_register_target(&hmark_target_ext);
}
