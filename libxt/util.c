/* Value parsing and printing shared by the core and the extensions. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/xtables.h>

/* As xtables_strtoul: leading blanks and '+' pass (strtoull takes them),
 * a '-' after the blanks does not; *end is set whenever digits were read. */
bool xt_strtoul(const char *s, char **end, unsigned long long *v,
		unsigned long long min, unsigned long long max)
{
	unsigned long long x;
	const char *p;
	char *e;

	if (!s)
		return false;
	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (*p == '-')
		return false;
	errno = 0;
	x = strtoull(s, &e, 0);
	if (e == s)
		return false;
	if (end)
		*end = e;
	if (errno == ERANGE || x < min || x > max)
		return false;
	*v = x;
	return end ? true : *e == '\0';
}

int xt_service_to_port(const char *name, const char *proto)
{
	struct servent *s = getservbyname(name, proto);

	return s ? ntohs((uint16_t)s->s_port) : -1;
}

int xt_parse_port(const char *s, const char *proto)
{
	unsigned long long v;

	if (xt_strtoul(s, NULL, &v, 0, 65535))
		return (int)v;
	return xt_service_to_port(s, proto);
}

static int port_of(const char *s, const char *proto, uint16_t *port)
{
	int p = xt_parse_port(s, proto);

	if (p < 0)
		return xt_error(PARAMETER_PROBLEM, "invalid port/service `%s' specified", s);
	*port = (uint16_t)p;
	return 0;
}

int xt_parse_port_range(const char *arg, const char *proto, uint16_t ports[2])
{
	char buf[128], *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (!colon) {
		if (port_of(buf, proto, &ports[0]) < 0)
			return -1;
		ports[1] = ports[0];
		return 0;
	}
	*colon = '\0';
	ports[0] = 0;
	ports[1] = 0xFFFF;
	if ((buf[0] && port_of(buf, proto, &ports[0]) < 0) ||
	    (colon[1] && port_of(colon + 1, proto, &ports[1]) < 0))
		return -1;
	if (ports[0] > ports[1])
		return xt_error(PARAMETER_PROBLEM, "invalid portrange (min > max)");
	return 0;
}

const char *xt_port_to_service(int port, const char *proto)
{
	struct servent *s = getservbyport(htons((uint16_t)port), proto);

	return s ? s->s_name : NULL;
}

/* Names iptables knows without /etc/protocols, and prints with -L. */
static const struct {
	const char *name;
	uint8_t num;
} chain_protos[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "udplite", IPPROTO_UDPLITE },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
	{ "ipv6-icmp", IPPROTO_ICMPV6 },
	{ "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH },
	{ "mh", IPPROTO_MH },
	{ "ipv6-mh", IPPROTO_MH },
	{ "sctp", IPPROTO_SCTP },
	{ "all", 0 },
};

/* iptables' own names first; /etc/protocols unless nolookup. */
const char *xt_proto_to_name(uint8_t proto, bool nolookup)
{
	static char buf[4];

	for (size_t i = 0; i < sizeof(chain_protos) / sizeof(chain_protos[0]); i++)
		if (chain_protos[i].num == proto)
			return chain_protos[i].name;
	struct protoent *p = proto && !nolookup ? getprotobynumber(proto) : NULL;
	if (p)
		return p->p_name;
	snprintf(buf, sizeof(buf), "%u", proto);
	return buf;
}

/* Returns the protocol number, or -1. */
int xt_name_to_proto(const char *s)
{
	unsigned long long v;

	if (xt_strtoul(s, NULL, &v, 0, 255))
		return (int)v;
	for (size_t i = 0; i < sizeof(chain_protos) / sizeof(chain_protos[0]); i++)
		if (!strcasecmp(chain_protos[i].name, s))
			return chain_protos[i].num;
	struct protoent *p = getprotobyname(s);
	if (p)
		return p->p_proto;
	return -1;
}

const char *xt_ipaddr_to_numeric(const struct in_addr *a)
{
	static char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, a, buf, sizeof(buf));
}

int xt_mask_to_cidr(const struct in_addr *mask)
{
	uint32_t m = ntohl(mask->s_addr);
	int bits = 0;

	while (m & 0x80000000u) {
		m <<= 1;
		bits++;
	}
	return m ? -1 : bits;
}

/* "/24" for contiguous masks, "/255.0.255.0" otherwise, "" for /32. */
const char *xt_ipmask_to_numeric(const struct in_addr *mask)
{
	static char buf[INET_ADDRSTRLEN + 1];
	int cidr = xt_mask_to_cidr(mask);

	if (cidr == 32)
		return "";
	if (cidr < 0) {
		/* Not through xt_ipaddr_to_numeric: callers print both at once. */
		buf[0] = '/';
		inet_ntop(AF_INET, mask, buf + 1, sizeof(buf) - 1);
	}
	else
		snprintf(buf, sizeof(buf), "/%d", cidr);
	return buf;
}

void xt_print_mac(FILE *f, const unsigned char *mac)
{
	fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x",
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Quoted unless it is a plain word; ", ' and \ escaped inside quotes. */
void xt_save_string(FILE *f, const char *s)
{
	static const char plain[] = "_-0123456789"
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, plain);

	if (n > 0 && !s[n]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (strchr("\"\\'", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * spi, spi:spi, :spi, spi: or ":" — an empty end is 0 or the maximum,
 * with iptables' messages for the numeric option ranges.
 */
int xt_parse_spi_range(const char *ext, const char *opt, const char *arg,
			   uint32_t spis[2])
{
	const char *p = arg;
	unsigned int n = 0;

	for (;;) {
		unsigned long long v = n ? UINT32_MAX : 0;
		char *end = (char *)p;

		if (n == 2)
			return xt_error(PARAMETER_PROBLEM, "%s: Too many components for "
					"option \"--%s\" (max: 2)\n", ext, opt);
		if (*p && *p != ':') {
			if (!xt_strtoul(p, &end, &v, 0, UINT32_MAX))
				return xt_error(PARAMETER_PROBLEM, "%s: bad value for option "
						"\"--%s\" near \"%s\", or out of range "
						"(0-4294967295).\n", ext, opt, p);
			if (*end && *end != ':')
				return xt_error(PARAMETER_PROBLEM, "%s: Argument to \"--%s\" "
						"has unexpected characters near \"%s\".\n",
						ext, opt, end);
		}
		spis[n++] = (uint32_t)v;
		if (!*end)
			break;
		p = end + 1;
	}
	if (n == 1)
		spis[1] = spis[0];
	/* 1.8.11 refuses a range whose ends are swapped. */
	if (spis[0] > spis[1])
		return xt_error(PARAMETER_PROBLEM, "%s: invalid range \"%s\" for \"--%s\"",
				ext, arg, opt);
	return 0;
}


void xt_print_spis(FILE *f, uint32_t lo, uint32_t hi, bool inv)
{
	if (lo == 0 && hi == UINT32_MAX && !inv)
		return;
	if (lo == hi)
		fprintf(f, "spi:%s%u", inv ? "!" : "", lo);
	else
		fprintf(f, "spis:%s%u:%u", inv ? "!" : "", lo, hi);
}
