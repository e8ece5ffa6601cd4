/*
 * uiptables-trace packet options for what header matches look at beyond
 * addresses and ports: TCP options (tcpmss, TCPMSS, TCPOPTSTRIP), SCTP
 * chunks (sctp), DCCP types and options (dccp), the SPI of AH and ESP
 * and IPcomp's CPI (ah, esp, ipcomp), L2TP headers (l2tp), payload
 * bytes (string, u32).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../libxt/error.h"
#include "trace.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct name_num {
	const char *name;
	unsigned int num;
};

static const struct name_num sctp_chunks[] = {
	{ "DATA", 0 }, { "INIT", 1 }, { "INIT_ACK", 2 }, { "SACK", 3 },
	{ "HEARTBEAT", 4 }, { "HEARTBEAT_ACK", 5 }, { "ABORT", 6 },
	{ "SHUTDOWN", 7 }, { "SHUTDOWN_ACK", 8 }, { "ERROR", 9 },
	{ "COOKIE_ECHO", 10 }, { "COOKIE_ACK", 11 }, { "ECN_ECNE", 12 },
	{ "ECN_CWR", 13 }, { "SHUTDOWN_COMPLETE", 14 }, { "I_DATA", 64 },
	{ "ASCONF_ACK", 128 }, { "RE_CONFIG", 130 }, { "PAD", 132 },
	{ "FORWARD_TSN", 192 }, { "ASCONF", 193 }, { "I_FORWARD_TSN", 194 },
};

static const struct name_num dccp_types[] = {
	{ "REQUEST", 0 }, { "RESPONSE", 1 }, { "DATA", 2 }, { "ACK", 3 },
	{ "DATAACK", 4 }, { "CLOSEREQ", 5 }, { "CLOSE", 6 }, { "RESET", 7 },
	{ "SYNC", 8 }, { "SYNCACK", 9 },
};

/* TCP option kinds by the names TCPOPTSTRIP uses, and short ones. */
static const struct name_num tcp_kinds[] = {
	{ "eol", 0 }, { "nop", 1 }, { "mss", 2 }, { "wscale", 3 }, { "ws", 3 },
	{ "sack-permitted", 4 }, { "sackok", 4 }, { "sack", 5 },
	{ "timestamp", 8 }, { "ts", 8 }, { "md5", 19 },
};

static int bad(const char *place, const char *opt, const char *arg, const char *why)
{
	return xt_error(PARAMETER_PROBLEM, "%s: bad value for %s: `%s'%s%s", place, opt,
			arg ? arg : "", why ? ": " : "", why ? why : "");
}

static bool number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !*end && !errno && *v <= max;
}

static bool lookup(const struct name_num *t, size_t n, const char *s, unsigned long max,
		   unsigned long *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(t[i].name, s)) {
			*v = t[i].num;
			return true;
		}
	return number(s, max, v);
}

/* Hex digits (an optional 0x, spaces or colons between bytes allowed)
 * into at most cap bytes; the count, or -1. */
static int hex_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (!strncasecmp(s, "0x", 2))
		s += 2;
	while (*s) {
		unsigned int b;

		if (*s == ':' || *s == ' ') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) ||
		    n == cap || sscanf(s, "%2x", &b) != 1)
			return -1;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return (int)n;
}

/* The value of a known TCP option kind, as its bytes after kind and length. */
static int tcp_value(unsigned long kind, const char *v, uint8_t *out)
{
	unsigned long a, b = 0;
	char buf[64], *colon;

	switch (kind) {
	case 2:
		if (!number(v, 65535, &a))
			return -1;
		out[0] = (uint8_t)(a >> 8);
		out[1] = (uint8_t)a;
		return 2;
	case 3:
		if (!number(v, 255, &a))
			return -1;
		out[0] = (uint8_t)a;
		return 1;
	case 8:
		snprintf(buf, sizeof(buf), "%s", v);
		if ((colon = strchr(buf, ':')))
			*colon++ = '\0';
		if (!number(buf, UINT32_MAX, &a) || (colon && !number(colon, UINT32_MAX, &b)))
			return -1;
		for (int i = 0; i < 4; i++) {
			out[i] = (uint8_t)(a >> (24 - 8 * i));
			out[4 + i] = (uint8_t)(b >> (24 - 8 * i));
		}
		return 8;
	}
	return hex_bytes(v, out, 38);
}

/* KIND[=VALUE]: kinds 0 and 1 are one byte; the rest kind, length, value. */
static int tcp_option(struct uipt_pktspec *s, const char *place, const char *arg)
{
	static const char *const o = "--tcp-option";
	char name[32];
	const char *eq = arg ? strchr(arg, '=') : NULL;
	unsigned long kind;
	uint8_t val[40];
	int vlen = 0;

	if (!arg || (size_t)(eq ? eq - arg : (long)strlen(arg)) >= sizeof(name))
		return bad(place, o, arg, NULL);
	snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - arg : (long)strlen(arg)), arg);
	if (!lookup(tcp_kinds, NELEM(tcp_kinds), name, 255, &kind))
		return bad(place, o, arg, "an option name or kind number");
	if (eq && (vlen = tcp_value(kind, eq + 1, val)) < 0)
		return bad(place, o, arg, "a value this option can carry");
	if (kind < 2) {
		if (eq || s->tcp_optlen + 1 > sizeof(s->tcp_opts))
			return bad(place, o, arg, "no value, and 40 bytes of options in all");
		s->tcp_opts[s->tcp_optlen++] = (uint8_t)kind;
		return 0;
	}
	if (s->tcp_optlen + 2 + (unsigned int)vlen > sizeof(s->tcp_opts))
		return bad(place, o, arg, "at most 40 bytes of options in all");
	s->tcp_opts[s->tcp_optlen++] = (uint8_t)kind;
	s->tcp_opts[s->tcp_optlen++] = (uint8_t)(2 + vlen);
	memcpy(s->tcp_opts + s->tcp_optlen, val, (size_t)vlen);
	s->tcp_optlen += (unsigned int)vlen;
	return 0;
}

/* TYPE[:FLAGS], the flags a number. */
static int sctp_chunk(struct uipt_pktspec *s, const char *place, const char *arg)
{
	char buf[32], *colon;
	unsigned long type, flags = 0;

	if (!arg || strlen(arg) >= sizeof(buf))
		return bad(place, "--chunk", arg, NULL);
	snprintf(buf, sizeof(buf), "%s", arg);
	if ((colon = strchr(buf, ':')))
		*colon++ = '\0';
	if (!lookup(sctp_chunks, NELEM(sctp_chunks), buf, 255, &type) ||
	    (colon && !number(colon, 255, &flags)))
		return bad(place, "--chunk", arg, "a chunk type name or number[:flags]");
	if (s->nchunks == NELEM(s->chunks))
		return bad(place, "--chunk", arg, "at most 8 chunks");
	s->chunks[s->nchunks].type = (uint8_t)type;
	s->chunks[s->nchunks++].flags = (uint8_t)flags;
	return 0;
}

/* KIND[=HEX]: kinds below 32 are one byte, the others kind, length, value. */
static int dccp_option(struct uipt_pktspec *s, const char *place, const char *arg)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	unsigned long kind;
	uint8_t val[16];
	char buf[8];
	int vlen = 0;

	if (!arg || (size_t)(eq ? eq - arg : (long)strlen(arg)) >= sizeof(buf))
		return bad(place, "--dccp-option", arg, NULL);
	snprintf(buf, sizeof(buf), "%.*s", (int)(eq ? eq - arg : (long)strlen(arg)), arg);
	if (!number(buf, 255, &kind) || (eq && (vlen = hex_bytes(eq + 1, val, 13)) < 0) ||
	    (kind < 32 && eq))
		return bad(place, "--dccp-option", arg, "a kind number[=hex value]");
	if (s->dccp_optlen + (kind < 32 ? 1u : 2u + (unsigned int)vlen) > sizeof(s->dccp_opts))
		return bad(place, "--dccp-option", arg, "at most 16 bytes of options in all");
	s->dccp_opts[s->dccp_optlen++] = (uint8_t)kind;
	if (kind >= 32) {
		s->dccp_opts[s->dccp_optlen++] = (uint8_t)(2 + vlen);
		memcpy(s->dccp_opts + s->dccp_optlen, val, (size_t)vlen);
		s->dccp_optlen += (unsigned int)vlen;
	}
	return 0;
}

static int uint_opt(const char *place, const char *o, const char *a, unsigned long max,
		    uint32_t *out)
{
	unsigned long v;

	if (!number(a, max, &v))
		return bad(place, o, a, NULL);
	*out = (uint32_t)v;
	return 0;
}

static int dccp_type(struct uipt_pktspec *s, const char *place, const char *a)
{
	unsigned long v;

	if (!a || !lookup(dccp_types, NELEM(dccp_types), a, 15, &v))
		return bad(place, "--dccp-type", a, "a DCCP packet type name or number");
	s->dccp_type = (int)v;
	return 0;
}

/* The l2tp options: any of them puts an L2TP header after UDP. */
static int l2tp_opt(struct uipt_pktspec *s, const char *place, const char *o, const char *a)
{
	s->l2tp = true;
	if (!strcmp(o, "--l2tp-tid"))
		return uint_opt(place, o, a, UINT32_MAX, &s->l2tp_tid);
	if (!strcmp(o, "--l2tp-sid"))
		return uint_opt(place, o, a, UINT32_MAX, &s->l2tp_sid);
	if (!a || (strcmp(a, "2") && strcmp(a, "3")))
		return bad(place, o, a, "2 or 3");
	s->l2tp_version = (uint8_t)(*a - '0');
	return 0;
}

static int payload_hex(struct uipt_pktspec *s, const char *place, const char *a)
{
	int n = a ? hex_bytes(a, (uint8_t *)s->payload, sizeof(s->payload)) : -1;

	if (n < 0)
		return bad(place, "--payload-hex", a, "hex bytes, at most 1500");
	s->payload_len = (unsigned int)n;
	return 0;
}

int trace_hdr_opt(struct uipt_pktspec *s, const char *place, int argc, char **argv)
{
	const char *o = argv[0], *a = argc > 1 ? argv[1] : NULL;
	int r;

	if (!strcmp(o, "--l2tp-control")) {
		s->l2tp = s->l2tp_control = true;
		return 1;
	}
	if (!strcmp(o, "--tcp-option"))
		r = tcp_option(s, place, a);
	else if (!strcmp(o, "--chunk"))
		r = sctp_chunk(s, place, a);
	else if (!strcmp(o, "--dccp-option"))
		r = dccp_option(s, place, a);
	else if (!strcmp(o, "--dccp-type"))
		r = dccp_type(s, place, a);
	else if (!strcmp(o, "--l2tp-tid") || !strcmp(o, "--l2tp-sid") ||
		 !strcmp(o, "--l2tp-version"))
		r = l2tp_opt(s, place, o, a);
	else if (!strcmp(o, "--spi"))
		r = uint_opt(place, o, a, UINT32_MAX, &s->spi);
	else if (!strcmp(o, "--payload-hex"))
		r = payload_hex(s, place, a);
	else
		return 0;
	return r < 0 ? -1 : 2;
}
