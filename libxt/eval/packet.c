/*
 * Packets: IPv4 bytes built from rule-like options, and bytes parsed into
 * the struct xt_pkt that matches see.  The evaluator always works on real
 * packet bytes, so NAT rewrites and checksums are those of the wire.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include "../error.h"
#include "eval.h"

void uipt_pktspec_init(struct uipt_pktspec *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = IPPROTO_TCP;
	s->icmp_type = s->icmp_code = -1;
	s->icmp_id = 1;
	s->icmp_seq = 1;
	s->ttl = 64;
	s->window = 8192;
	s->spi = 256;
	s->dccp_type = -1;
}

/* Big-endian 16-bit words added up; folded to 32 bits for fold().  Four
 * words a round: conntrack checks every arriving packet's checksum. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (; len >= 8; len -= 8, p += 8)
		s += (uint32_t)(p[0] << 8 | p[1]) + (uint32_t)(p[2] << 8 | p[3]) +
		     (uint32_t)(p[4] << 8 | p[5]) + (uint32_t)(p[6] << 8 | p[7]);
	for (; len > 1; len -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)(p[0] << 8);
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The transport checksum over the pseudo header, as TCP and UDP use it. */
static uint16_t l4_csum(const uint8_t *ip, const uint8_t *l4, size_t len,
			uint8_t proto)
{
	uint32_t sum = sum16(ip + 12, 8, 0);

	sum += proto;
	sum += (uint32_t)len;
	return fold(sum16(l4, len, sum));
}

static bool is_icmp_error(int type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The quoted packet of an ICMP error: an IP header and 8 bytes of its
 * transport header, as the kernel quotes what it cannot deliver. */
static size_t build_inner(const struct uipt_pktspec *s, uint8_t *p)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	uipt_put16(p + 2, 40);
	p[8] = 64;
	p[9] = s->inner_proto;
	memcpy(p + 12, &s->inner_src, 4);
	memcpy(p + 16, &s->inner_dst, 4);
	uipt_put16(p + 10, fold(sum16(p, 20, 0)));
	if (s->inner_proto == IPPROTO_ICMP) {
		p[20] = 8;
		uipt_put16(p + 24, s->inner_sport);
		uipt_put16(p + 26, 1);
	} else {
		uipt_put16(p + 20, s->inner_sport);
		uipt_put16(p + 22, s->inner_dport);
		if (s->inner_proto == IPPROTO_UDP)
			uipt_put16(p + 24, 40 - 20);
	}
	return 28;
}

static size_t build_l4(const struct uipt_pktspec *s, uint8_t *p)
{
	unsigned int optlen;

	switch (s->proto) {
	case IPPROTO_TCP:
		memset(p, 0, 20);
		uipt_put16(p, s->sport);
		uipt_put16(p + 2, s->dport);
		uipt_put32(p + 4, s->seq);
		uipt_put32(p + 8, s->ack);
		/* Options end on a word boundary, padded with end-of-list. */
		optlen = (s->tcp_optlen + 3) & ~3u;
		p[12] = (uint8_t)((20 + optlen) / 4 << 4);
		p[13] = s->has_flags ? s->tcp_flags : TH_SYN;
		uipt_put16(p + 14, s->window);
		memset(p + 20, 0, optlen);
		memcpy(p + 20, s->tcp_opts, s->tcp_optlen);
		return 20 + optlen;
	case IPPROTO_UDP:
		memset(p, 0, 8);
		uipt_put16(p, s->sport);
		uipt_put16(p + 2, s->dport);
		return 8 + uipt_pkt_build_l2tp(s, p + 8);
	case IPPROTO_ICMP: {
		int type = s->icmp_type < 0 ? 8 : s->icmp_type;

		memset(p, 0, 8);
		p[0] = (uint8_t)type;
		p[1] = (uint8_t)(s->icmp_code < 0 ? 0 : s->icmp_code);
		if (is_icmp_error(type))
			return 8 + build_inner(s, p + 8);
		uipt_put16(p + 4, s->icmp_id);
		uipt_put16(p + 6, s->icmp_seq);
		return 8;
	}
	}
	return uipt_pkt_build_other(s, p);
}

/* Checksums of the transport header, for protocols that have one. */
static void fix_l4(uint8_t *ip, unsigned int thoff, unsigned int len, uint8_t proto)
{
	uint8_t *l4 = ip + thoff;
	unsigned int l4len = len - thoff;

	switch (proto) {
	case IPPROTO_TCP:
		if (l4len < 20)
			return;
		uipt_put16(l4 + 16, 0);
		uipt_put16(l4 + 16, l4_csum(ip, l4, l4len, proto));
		break;
	case IPPROTO_UDP: {
		uint16_t c;

		if (l4len < 8)
			return;
		uipt_put16(l4 + 4, (uint16_t)l4len);
		uipt_put16(l4 + 6, 0);
		c = l4_csum(ip, l4, l4len, proto);
		uipt_put16(l4 + 6, c ? c : 0xffff);
		break;
	}
	case IPPROTO_ICMP:
		if (l4len < 4)
			return;
		uipt_put16(l4 + 2, 0);
		uipt_put16(l4 + 2, fold(sum16(l4, l4len, 0)));
		break;
	default:
		uipt_pkt_fix_other(ip, thoff, len);
	}
}

int uipt_pkt_build(const struct uipt_pktspec *s, uint8_t *buf, size_t cap)
{
	size_t l4 = 0, total, want;
	unsigned int plen = s->payload_len;

	if (cap < 20 + 256 + sizeof(s->payload))
		return xt_error(OTHER_PROBLEM, "packet buffer too small");
	memset(buf, 0, 20);
	buf[0] = 0x45;
	buf[1] = s->tos;
	uipt_put16(buf + 4, s->ipid);
	uipt_put16(buf + 6, (uint16_t)((s->df ? IP_DF : 0) | (s->fragment ? 185 : 0)));
	buf[8] = s->ttl;
	buf[9] = s->proto;
	memcpy(buf + 12, &s->src, 4);
	memcpy(buf + 16, &s->dst, 4);
	/* A later fragment carries no transport header. */
	if (!s->fragment)
		l4 = build_l4(s, buf + 20);
	total = 20 + l4;
	want = s->length ? s->length : total + plen;
	if (want < total)
		return xt_error(PARAMETER_PROBLEM,
				"--length %u is shorter than the headers (%zu bytes)",
				s->length, total);
	if (want > cap || want > UIPT_PKT_MAX)
		return xt_error(PARAMETER_PROBLEM, "--length %zu is too long", want);
	memset(buf + total, 0, want - total);
	memcpy(buf + total, s->payload, plen < want - total ? plen : want - total);
	uipt_put16(buf + 2, (uint16_t)want);
	if (!s->fragment)
		fix_l4(buf, 20, (unsigned int)want, s->proto);
	uipt_put16(buf + 10, fold(sum16(buf, 20, 0)));
	return (int)want;
}

int uipt_pkt_parse(struct xt_pkt *pkt, uint8_t *data, size_t len)
{
	unsigned int ihl, tot;

	if (len < 20)
		return xt_error(OTHER_PROBLEM, "truncated IPv4 header (%zu bytes)", len);
	if (data[0] >> 4 != 4)
		return xt_error(OTHER_PROBLEM, "not IPv4 (version %u)", data[0] >> 4);
	ihl = (data[0] & 0xf) * 4u;
	tot = (unsigned int)(data[2] << 8 | data[3]);
	if (ihl < 20 || tot < ihl)
		return xt_error(OTHER_PROBLEM, "bad IPv4 header (ihl %u, length %u)",
				ihl, tot);
	if (tot > len)
		return xt_error(OTHER_PROBLEM,
				"truncated IPv4 packet (length %u, %zu bytes captured)",
				tot, len);
	pkt->data = data;
	pkt->len = tot;
	pkt->thoff = ihl;
	pkt->fragoff = (uint16_t)((data[6] << 8 | data[7]) & IP_OFFMASK);
	pkt->family = NFPROTO_IPV4;
	pkt->l4proto = data[9];
	return 0;
}

bool uipt_pkt_ip_csum_ok(const uint8_t *data)
{
	return fold(sum16(data, (data[0] & 0xf) * 4u, 0)) == 0;
}

/* Verifies the transport checksum, as conntrack's error() callbacks do. */
bool uipt_pkt_l4_csum_ok(const struct xt_pkt *pkt)
{
	const uint8_t *l4 = pkt->data + pkt->thoff;
	unsigned int l4len = pkt->len - pkt->thoff;

	if (pkt->fragoff)
		return true;
	switch (pkt->l4proto) {
	case IPPROTO_TCP:
		return l4len >= 20 && l4_csum(pkt->data, l4, l4len, IPPROTO_TCP) == 0;
	case IPPROTO_UDP:
		/* Zero: the sender computed none. */
		return l4len >= 8 && (!(l4[6] | l4[7]) ||
				      l4_csum(pkt->data, l4, l4len, IPPROTO_UDP) == 0);
	case IPPROTO_ICMP:
		return l4len >= 4 && fold(sum16(l4, l4len, 0)) == 0;
	}
	return true;
}

void uipt_pkt_fix_checksums(struct xt_pkt *pkt)
{
	if (!pkt->fragoff)
		fix_l4(pkt->data, pkt->thoff, pkt->len, pkt->l4proto);
	uipt_put16(pkt->data + 10, 0);
	uipt_put16(pkt->data + 10, fold(sum16(pkt->data, pkt->thoff, 0)));
}

static const char *proto_word(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	}
	return NULL;
}

static void describe_tcp(FILE *f, const uint8_t *th)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG",
					     "ECE", "CWR" };
	static const int order[] = { 7, 6, 5, 4, 3, 2, 1, 0 };

	fprintf(f, " SEQ=%u ACK=%u WINDOW=%u",
		(unsigned)th[4] << 24 | th[5] << 16 | th[6] << 8 | th[7],
		(unsigned)th[8] << 24 | th[9] << 16 | th[10] << 8 | th[11],
		th[14] << 8 | th[15]);
	/* The kernel's LOG prints the flags from CWR down to FIN. */
	for (int i = 0; i < 8; i++)
		if (th[13] & (1 << order[i]))
			fprintf(f, " %s", names[order[i]]);
}

/* The packet in the kernel LOG target's words, from SRC on. */
void uipt_pkt_describe(FILE *f, const struct xt_pkt *pkt)
{
	const uint8_t *d = pkt->data, *l4 = d + pkt->thoff;
	unsigned int l4len = pkt->len - pkt->thoff;
	char s[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN];
	const char *pw = proto_word(pkt->l4proto);

	inet_ntop(AF_INET, d + 12, s, sizeof(s));
	inet_ntop(AF_INET, d + 16, t, sizeof(t));
	fprintf(f, "SRC=%s DST=%s LEN=%u TOS=0x%02X TTL=%u ID=%u", s, t, pkt->len,
		d[1], d[8], d[4] << 8 | d[5]);
	if (pkt->fragoff)
		fprintf(f, " FRAG:%u", pkt->fragoff);
	if (pw)
		fprintf(f, " PROTO=%s", pw);
	else
		fprintf(f, " PROTO=%u", pkt->l4proto);
	if (pkt->fragoff)
		return;
	if ((pkt->l4proto == IPPROTO_TCP && l4len >= 20) ||
	    (pkt->l4proto == IPPROTO_UDP && l4len >= 8))
		fprintf(f, " SPT=%u DPT=%u", l4[0] << 8 | l4[1], l4[2] << 8 | l4[3]);
	if (pkt->l4proto == IPPROTO_TCP && l4len >= 20)
		describe_tcp(f, l4);
	if (pkt->l4proto == IPPROTO_ICMP && l4len >= 4) {
		fprintf(f, " TYPE=%u CODE=%u", l4[0], l4[1]);
		if ((l4[0] == 0 || l4[0] == 8) && l4len >= 8)
			fprintf(f, " ID=%u SEQ=%u", l4[4] << 8 | l4[5], l4[6] << 8 | l4[7]);
	}
	if (pkt->mark)
		fprintf(f, " MARK=0x%x", pkt->mark);
}
