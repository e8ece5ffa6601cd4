/*
 * Transport headers of the protocols header matches look into and the
 * evaluator does not track: SCTP (common header and chunks), DCCP (the
 * generic header with 48-bit sequence numbers, a type's own fields and
 * options), AH, ESP and IPcomp (the SPI or CPI the matches read), L2TP
 * over UDP (RFC 2661, RFC 3931) and over IP.
 */
#include <netinet/in.h>
#include <string.h>
#include "eval.h"

#define IPPROTO_IPCOMP 108
#define IPPROTO_L2TP 115
#define L2TP_CTRL_FLAGS 0xc800	/* T, L and S: a control message */

/* Bytes of a chunk's value after its 4-byte header: enough of each
 * chunk's fixed part that a receiver would parse it. */
static unsigned int chunk_body(uint8_t type)
{
	switch (type) {
	case 0:		/* DATA: TSN, stream, sequence, protocol id */
	case 3:		/* SACK: cumulative TSN, rwnd, gap/dup counts */
		return 12;
	case 1:		/* INIT and INIT_ACK: tag, rwnd, streams, TSN */
	case 2:
		return 16;
	case 8:		/* SHUTDOWN_ACK, COOKIE_ACK, SHUTDOWN_COMPLETE */
	case 11:
	case 14:
		return 0;
	}
	return 4;
}

static size_t build_sctp(const struct uipt_pktspec *s, uint8_t *p)
{
	size_t off = 12;

	memset(p, 0, 12);
	uipt_put16(p, s->sport);
	uipt_put16(p + 2, s->dport);
	/* An INIT travels with tag 0; everything else with the peer's. */
	uipt_put32(p + 4, s->nchunks && s->chunks[0].type != 1 ? 0x5ca1ab1e : 0);
	for (unsigned int i = 0; i < (s->nchunks ? s->nchunks : 1); i++) {
		uint8_t type = s->nchunks ? s->chunks[i].type : 1;
		unsigned int body = chunk_body(type);

		memset(p + off, 0, 4 + body);
		p[off] = type;
		p[off + 1] = s->nchunks ? s->chunks[i].flags : 0;
		uipt_put16(p + off + 2, (uint16_t)(4 + body));
		if (type == 1 || type == 2) {
			uipt_put32(p + off + 4, 0x5ca1ab1e);	/* initiate tag */
			uipt_put32(p + off + 8, 65536);		/* a_rwnd */
			uipt_put16(p + off + 12, 1);			/* streams out */
			uipt_put16(p + off + 14, 1);			/* streams in */
			uipt_put32(p + off + 16, 1);			/* initial TSN */
		}
		off += 4 + body;
	}
	return off;
}

/* Bytes a DCCP type carries after the generic header (RFC 4340 5.2-5.6):
 * an acknowledgement subheader, a service code or a reset's code. */
static unsigned int dccp_type_len(int type)
{
	switch (type) {
	case 0: return 4;		/* REQUEST: service code */
	case 1: return 12;		/* RESPONSE: ack + service code */
	case 2: return 0;		/* DATA */
	case 7: return 12;		/* RESET: ack + reset code, data */
	}
	return 8;			/* ACK, DATAACK, CLOSE*, SYNC*: ack */
}

static size_t build_dccp(const struct uipt_pktspec *s, uint8_t *p)
{
	int type = s->dccp_type < 0 ? 0 : s->dccp_type;
	unsigned int len = 16 + dccp_type_len(type) + s->dccp_optlen;

	len = (len + 3) & ~3u;
	memset(p, 0, len);
	uipt_put16(p, s->sport);
	uipt_put16(p + 2, s->dport);
	p[4] = (uint8_t)(len / 4);
	p[8] = (uint8_t)(type << 1 | 1);	/* X: 48-bit sequence numbers */
	uipt_put32(p + 12, s->seq);
	if (dccp_type_len(type) >= 8 && type != 2)
		uipt_put32(p + 20, s->ack);
	memcpy(p + 16 + dccp_type_len(type), s->dccp_opts, s->dccp_optlen);
	return len;
}

/* Over UDP: version 2 (flags, [length,] tunnel and session ids, and the
 * sequence numbers of a control message) or version 3 (a control
 * message's connection id; a data message's session id). */
size_t uipt_pkt_build_l2tp(const struct uipt_pktspec *s, uint8_t *p)
{
	unsigned int v = s->l2tp_version ? s->l2tp_version : 2, n = 0;

	if (!s->l2tp)
		return 0;
	memset(p, 0, 16);
	if (v != 2) {
		uipt_put16(p, (uint16_t)((s->l2tp_control ? L2TP_CTRL_FLAGS : 0) | (v & 0xf)));
		if (!s->l2tp_control) {
			uipt_put32(p + 4, s->l2tp_sid);
			return 8;
		}
		uipt_put16(p + 2, (uint16_t)(12 + s->payload_len));
		uipt_put32(p + 4, s->l2tp_tid);
		return 12;
	}
	uipt_put16(p, (uint16_t)((s->l2tp_control ? L2TP_CTRL_FLAGS : 0) | 2));
	if (s->l2tp_control) {
		uipt_put16(p + 2, (uint16_t)(12 + s->payload_len));
		n = 2;
	}
	uipt_put16(p + 2 + n, (uint16_t)s->l2tp_tid);
	uipt_put16(p + 4 + n, (uint16_t)s->l2tp_sid);
	return s->l2tp_control ? 12 : 6;
}

/* Over IP (version 3): a data message starts with its session id, a
 * control message with session id 0 and then as over UDP. */
static size_t build_l2tp_ip(const struct uipt_pktspec *s, uint8_t *p)
{
	memset(p, 0, 16);
	if (!s->l2tp_control) {
		uipt_put32(p, s->l2tp_sid);
		return 4;
	}
	uipt_put16(p + 4, L2TP_CTRL_FLAGS | 3);
	uipt_put16(p + 6, (uint16_t)(12 + s->payload_len));
	uipt_put32(p + 8, s->l2tp_tid);
	return 16;
}

size_t uipt_pkt_build_other(const struct uipt_pktspec *s, uint8_t *p)
{
	switch (s->proto) {
	case IPPROTO_SCTP:
		return build_sctp(s, p);
	case IPPROTO_DCCP:
		return build_dccp(s, p);
	case IPPROTO_AH:
		/* Next header, length in words - 2, SPI, sequence, a 96-bit ICV. */
		memset(p, 0, 24);
		p[0] = IPPROTO_NONE;
		p[1] = 24 / 4 - 2;
		uipt_put32(p + 4, s->spi);
		uipt_put32(p + 8, 1);
		return 24;
	case IPPROTO_ESP:
		memset(p, 0, 8);
		uipt_put32(p, s->spi);
		uipt_put32(p + 4, 1);
		return 8;
	case IPPROTO_L2TP:
		return build_l2tp_ip(s, p);
	case IPPROTO_IPCOMP:
		memset(p, 0, 4);
		p[0] = IPPROTO_NONE;
		uipt_put16(p + 2, (uint16_t)s->spi);
		return 4;
	}
	return 0;
}

static uint32_t crc32c(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (crc & 1 ? 0x82f63b78u : 0);
	}
	return ~crc;
}

static uint16_t csum_fold(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void uipt_pkt_fix_other(uint8_t *ip, unsigned int thoff, unsigned int len)
{
	uint8_t *l4 = ip + thoff;
	unsigned int l4len = len - thoff;

	if (ip[9] == IPPROTO_SCTP && l4len >= 12) {
		uint32_t c;

		memset(l4 + 8, 0, 4);
		c = crc32c(l4, l4len);
		/* Stored least significant byte first, as the CRC comes out. */
		for (int i = 0; i < 4; i++)
			l4[8 + i] = (uint8_t)(c >> (8 * i));
	} else if (ip[9] == IPPROTO_DCCP && l4len >= 16) {
		uint32_t sum = csum_fold(ip + 12, 8, 0);

		/* Coverage 0: the whole packet, under the pseudo header. */
		sum = (uint16_t)~sum + IPPROTO_DCCP + l4len;
		uipt_put16(l4 + 6, 0);
		uipt_put16(l4 + 6, csum_fold(l4, l4len, sum));
	}
}
