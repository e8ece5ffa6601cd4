/* multiport: up to 15 ports or port ranges, source, destination or either. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_multiport.h>

enum { O_SOURCE, O_DEST, O_EITHER };

#define ONLY_ONE(self) (((1 << O_SOURCE) | (1 << O_DEST) | (1 << O_EITHER)) & ~(1 << (self)))

static const struct xt_option_entry multiport_opts[] = {
	{ .name = "source-ports", .id = O_SOURCE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = ONLY_ONE(O_SOURCE) },
	{ .name = "sports", .id = O_SOURCE, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = ONLY_ONE(O_SOURCE) },
	{ .name = "destination-ports", .id = O_DEST, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = ONLY_ONE(O_DEST) },
	{ .name = "dports", .id = O_DEST, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = ONLY_ONE(O_DEST) },
	{ .name = "ports", .id = O_EITHER, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = ONLY_ONE(O_EITHER) },
	XTOPT_TABLEEND,
};

static void multiport_help(FILE *f)
{
	fprintf(f, "multiport match options:\n"
		"[!] --source-ports port[,port:port,port...]\n"
		" --sports ...\n"
		"                                match any of the source ports\n"
		"[!] --destination-ports port[,port:port,port...]\n"
		" --dports ...\n"
		"                                match any of the destination ports\n"
		"[!] --ports port[,port:port,port]\n"
		"                                match if source or destination port is one of these\n");
}

/* The protocols whose header starts with two ports. */
static const char *port_proto_name(uint16_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	}
	return NULL;
}

static int proto_of_rule(const struct xt_option_call *cb, const char **name)
{
	const struct ipt_ip *ip = &cb->entry_ip->ip;

	*name = port_proto_name(ip->proto);
	if (ip->invflags & XT_INV_PROTO || (!*name && ip->proto))
		return xt_error(PARAMETER_PROBLEM,
				"multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	if (!*name)
		return xt_error(PARAMETER_PROBLEM,
				"multiport needs `-p tcp', `-p udp', `-p udplite', "
				"`-p sctp' or `-p dccp'");
	return 0;
}

/* Service names are tried first, as iptables does. */
static int one_port(const char *s, const char *proto, uint16_t *port)
{
	int p = xt_service_to_port(s, proto);
	unsigned long long v;

	if (p < 0 && xt_strtoul(s, NULL, &v, 0, UINT16_MAX))
		p = (int)v;
	if (p < 0)
		return xt_error(PARAMETER_PROBLEM, "invalid port/service `%s' specified", s);
	*port = (uint16_t)p;
	return 0;
}

/* "a,b:c,d": a range takes two slots, its pflags set on the first. */
static int parse_port_list(const char *arg, const char *proto,
			   struct xt_multiport_v1 *mp)
{
	char *buf = strdup(arg), *cp = buf, *next;
	unsigned int i;
	int ret = 0;

	for (i = 0; cp && i < XT_MULTI_PORTS && !ret; cp = next, i++) {
		char *colon;

		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		colon = strchr(cp, ':');
		if (colon) {
			if (i == XT_MULTI_PORTS - 1) {
				ret = xt_error(PARAMETER_PROBLEM, "too many ports specified");
				break;
			}
			*colon++ = '\0';
		}
		ret = one_port(cp, proto, &mp->ports[i]);
		if (ret || !colon)
			continue;
		mp->pflags[i] = 1;
		ret = one_port(colon, proto, &mp->ports[++i]);
		if (!ret && mp->ports[i - 1] >= mp->ports[i])
			ret = xt_error(PARAMETER_PROBLEM, "invalid portrange specified");
	}
	if (!ret && cp)
		ret = xt_error(PARAMETER_PROBLEM, "too many ports specified");
	mp->count = (uint8_t)i;
	free(buf);
	return ret;
}

static int multiport_parse(struct xt_option_call *cb)
{
	static const uint8_t flags[] = {
		[O_SOURCE] = XT_MULTIPORT_SOURCE,
		[O_DEST] = XT_MULTIPORT_DESTINATION,
		[O_EITHER] = XT_MULTIPORT_EITHER,
	};
	struct xt_multiport_v1 *mp = cb->data;
	const char *proto;

	if (proto_of_rule(cb, &proto) < 0 || parse_port_list(cb->arg, proto, mp) < 0)
		return -1;
	mp->flags = flags[cb->entry->id];
	if (cb->invert)
		mp->invert = 1;
	return 0;
}

static int multiport_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "multiport expection an option");
	return 0;
}

static const char *flag_word(uint8_t flags)
{
	switch (flags) {
	case XT_MULTIPORT_SOURCE:
		return "sports";
	case XT_MULTIPORT_DESTINATION:
		return "dports";
	case XT_MULTIPORT_EITHER:
		return "ports";
	}
	return NULL;
}

static void print_port(FILE *f, uint16_t port, const struct ipt_ip *ip, bool numeric)
{
	const char *name = numeric ? NULL :
			   xt_port_to_service(port, port_proto_name(ip->proto));

	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", port);
}

static void print_list(FILE *f, const struct ipt_ip *ip, const uint16_t *ports,
		       const uint8_t *pflags, unsigned int count, bool numeric)
{
	for (unsigned int i = 0; i < count && i < XT_MULTI_PORTS; i++) {
		if (i)
			fputc(',', f);
		print_port(f, ports[i], ip, numeric);
		if (pflags && pflags[i] && i + 1 < XT_MULTI_PORTS) {
			fputc(':', f);
			print_port(f, ports[++i], ip, numeric);
		}
	}
}

static void print_head(FILE *f, uint8_t flags)
{
	const char *w = flag_word(flags);

	fprintf(f, " multiport %s ", w ? w : "ERROR");
}

static void multiport_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_multiport_v1 *mp = data;

	print_head(f, mp->flags);
	if (mp->invert)
		fputs(" !", f);
	print_list(f, ip, mp->ports, mp->pflags, mp->count, numeric);
}

static void multiport_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_multiport_v1 *mp = data;
	const char *w = flag_word(mp->flags);

	if (mp->invert)
		fputs(" !", f);
	if (w)
		fprintf(f, " --%s ", w);
	print_list(f, ip, mp->ports, mp->pflags, mp->count, true);
}

/* Revision 0: single ports only, no inversion; read from old blobs. */
static void multiport0_print(FILE *f, const struct ipt_ip *ip, const void *data,
			     bool numeric)
{
	const struct xt_multiport *mp = data;

	print_head(f, mp->flags);
	print_list(f, ip, mp->ports, NULL, mp->count, numeric);
}

static void multiport0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_multiport *mp = data;
	const char *w = flag_word(mp->flags);

	if (w)
		fprintf(f, " --%s ", w);
	print_list(f, ip, mp->ports, NULL, mp->count, true);
}

static bool kernel_ok(const struct xt_check_param *par, uint8_t flags, uint8_t count)
{
	const struct ipt_ip *ip = &par->entry->ip;

	return port_proto_name(ip->proto) && !(ip->invflags & XT_INV_PROTO) &&
	       flag_word(flags) && count <= XT_MULTI_PORTS;
}

static int multiport_check(const struct xt_check_param *par)
{
	const struct xt_multiport_v1 *mp = par->data;

	return kernel_ok(par, mp->flags, mp->count) ? 0 :
	       xt_error(OTHER_PROBLEM, "multiport: bad protocol, flags or count");
}

static int multiport0_check(const struct xt_check_param *par)
{
	const struct xt_multiport *mp = par->data;

	return kernel_ok(par, mp->flags, mp->count) ? 0 :
	       xt_error(OTHER_PROBLEM, "multiport: bad protocol, flags or count");
}

/* The two ports at the transport header; false when the packet is a
 * later fragment, hotdrop when the header is cut short. */
static bool read_ports(const struct xt_pkt *pkt, struct xt_action_param *par,
		       uint16_t *src, uint16_t *dst)
{
	const uint8_t *th;

	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 4 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	th = pkt->data + pkt->thoff;
	*src = (uint16_t)(th[0] << 8 | th[1]);
	*dst = (uint16_t)(th[2] << 8 | th[3]);
	return true;
}

static bool hit(uint8_t flags, uint16_t src, uint16_t dst, uint16_t lo, uint16_t hi)
{
	bool s = src >= lo && src <= hi, d = dst >= lo && dst <= hi;

	switch (flags) {
	case XT_MULTIPORT_SOURCE:
		return s;
	case XT_MULTIPORT_DESTINATION:
		return d;
	case XT_MULTIPORT_EITHER:
		return s || d;
	}
	return false;
}

static bool multiport_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_multiport_v1 *mp = par->data;
	uint16_t src, dst;

	if (!read_ports(pkt, par, &src, &dst))
		return false;
	for (unsigned int i = 0; i < mp->count && i < XT_MULTI_PORTS; i++) {
		uint16_t lo = mp->ports[i], hi = lo;

		if (mp->pflags[i] && i + 1 < XT_MULTI_PORTS)
			hi = mp->ports[++i];
		if (hit(mp->flags, src, dst, lo, hi))
			return !mp->invert;
	}
	return mp->invert;
}

static bool multiport0_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_multiport *mp = par->data;
	uint16_t src, dst;

	if (!read_ports(pkt, par, &src, &dst))
		return false;
	for (unsigned int i = 0; i < mp->count && i < XT_MULTI_PORTS; i++)
		if (hit(mp->flags, src, dst, mp->ports[i], mp->ports[i]))
			return true;
	return false;
}

static struct xtables_match multiport_exts[] = {
	{
		.name = "multiport",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_multiport),
		.userspacesize = sizeof(struct xt_multiport),
		.help = multiport_help,
		.print = multiport0_print,
		.save = multiport0_save,
		.checkentry = multiport0_check,
		.match = multiport0_match,
	},
	{
		.name = "multiport",
		.revision = 1,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_multiport_v1),
		.userspacesize = sizeof(struct xt_multiport_v1),
		.help = multiport_help,
		.parse = multiport_parse,
		.final_check = multiport_final,
		.print = multiport_print,
		.save = multiport_save,
		.options = multiport_opts,
		.checkentry = multiport_check,
		.match = multiport_match,
	},
};

void libxt_multiport_init(void)
{
	xtables_register_matches(multiport_exts, 2);
}
