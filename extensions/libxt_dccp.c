/* dccp: ports, packet types and options of a DCCP packet. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/dccp.h>
#include <linux/netfilter/xt_dccp.h>
#include "../libxt/error.h"

enum { O_SPORT, O_DPORT, O_TYPES, O_OPTION };

#define S struct xt_dccp_info
/* Ports are parsed here, with the messages of iptables' port range type. */
static const struct xt_option_entry dccp_opts[] = {
	{ .name = "source-port", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "sport", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "destination-port", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "dport", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "dccp-types", .id = O_TYPES, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "dccp-option", .id = O_OPTION, .type = XTTYPE_UINT8,
	  .flags = XTOPT_INVERT | XTOPT_PUT, XTOPT_POINTER(S, option),
	  .min = 1, .max = UINT8_MAX },
	XTOPT_TABLEEND,
};
#undef S

/* Indexed by DCCP_PKT_*. */
static const char *const dccp_types[] = {
	"REQUEST", "RESPONSE", "DATA", "ACK", "DATAACK", "CLOSEREQ",
	"CLOSE", "RESET", "SYNC", "SYNCACK", "INVALID",
};

#define NTYPES (sizeof(dccp_types) / sizeof(dccp_types[0]))

static void dccp_help(FILE *f)
{
	fprintf(f, "dccp match options\n"
		"[!] --source-port port[:port]   source port, or a range of them\n"
		" --sport ...\n"
		"[!] --destination-port port[:port]\n"
		" --dport ...                    destination port, or a range of them\n"
		"[!] --dccp-types type[,type...] packet type is one of these:\n"
		"                                REQUEST RESPONSE DATA ACK DATAACK CLOSEREQ\n"
		"                                CLOSE RESET SYNC SYNCACK INVALID\n"
		"[!] --dccp-option number        the packet carries this option\n");
}

static int parse_types(const char *arg, uint16_t *mask)
{
	char *dup = strdup(arg), *save = NULL;
	int ret = 0;

	*mask = 0;
	for (char *tok = strtok_r(dup, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < NTYPES; i++)
			if (!strcasecmp(dccp_types[i], tok))
				break;
		if (i == NTYPES)
			ret = xt_error(PARAMETER_PROBLEM, "Unknown DCCP type `%s'", tok);
		else if (i == DCCP_PKT_INVALID)
			*mask |= 0xFFFF & ~((1u << DCCP_PKT_INVALID) - 1);	/* 10..15 */
		else
			*mask |= (uint16_t)(1u << i);
	}
	free(dup);
	return ret;
}

/*
 * A port as getaddrinfo() takes a service: a number (kept to 16 bits, so
 * 65536 is 0, as iptables has it) or a name.
 */
static int port_value(const char *s)
{
	unsigned long long v;

	if (s[strspn(s, "0123456789")] == '\0' && xt_strtoul(s, NULL, &v, 0, UINT64_MAX))
		return (int)(v & 0xFFFF);
	return xt_service_to_port(s, NULL);
}

/* port, port:port, :port, port: or ":". */
static int parse_ports(const char *ext, const char *opt, const char *arg, uint16_t p[2])
{
	char *dup = strdup(arg), *rest = dup, *tok;
	unsigned int n = 0;
	int ret = 0;

	p[0] = 0;
	p[1] = 0xFFFF;
	while (!ret && (tok = strsep(&rest, ":"))) {
		int v;

		if (n == 2) {
			ret = xt_error(PARAMETER_PROBLEM, "%s: Too many components for option "
				       "\"--%s\" (max: 2)\n", ext, opt);
			break;
		}
		if (*tok && (v = port_value(tok)) < 0)
			ret = xt_error(PARAMETER_PROBLEM,
				       "Port \"%s\" does not resolve to anything.\n", tok);
		else if (*tok)
			p[n] = (uint16_t)v;
		n++;
	}
	if (n == 1)
		p[1] = p[0];
	free(dup);
	return ret;
}

static int dccp_parse(struct xt_option_call *cb)
{
	static const uint16_t bits[] = {
		[O_SPORT] = XT_DCCP_SRC_PORTS, [O_DPORT] = XT_DCCP_DEST_PORTS,
		[O_TYPES] = XT_DCCP_TYPE, [O_OPTION] = XT_DCCP_OPTION,
	};
	struct xt_dccp_info *d = cb->data;
	unsigned int id = cb->entry->id;

	d->flags |= bits[id];
	if (cb->invert)
		d->invflags |= bits[id];
	if (id == O_TYPES)
		return parse_types(cb->arg, &d->typemask);
	if (id == O_SPORT && parse_ports("dccp", cb->entry->name, cb->arg, d->spts) < 0)
		return -1;
	if (id == O_DPORT && parse_ports("dccp", cb->entry->name, cb->arg, d->dpts) < 0)
		return -1;
	/* 1.8.11 refuses a port range whose ends are swapped. */
	if ((id == O_SPORT && d->spts[0] > d->spts[1]) ||
	    (id == O_DPORT && d->dpts[0] > d->dpts[1]))
		return xt_error(PARAMETER_PROBLEM, "invalid portrange (min > max)");
	return 0;
}

static void print_port(FILE *f, uint16_t port, bool numeric)
{
	const char *name = numeric ? NULL : xt_port_to_service(port, "dccp");

	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", port);
}

static void print_ports(FILE *f, const char *name, const uint16_t *p, bool inv,
			bool numeric)
{
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	fprintf(f, " %s%s%s", name, p[0] == p[1] ? ":" : "s:", inv ? "!" : "");
	print_port(f, p[0], numeric);
	if (p[0] != p[1]) {
		fputc(':', f);
		print_port(f, p[1], numeric);
	}
}

static void print_types(FILE *f, uint16_t mask, bool inv, bool numeric)
{
	bool first = true;

	fputs(inv ? " ! " : " ", f);
	for (unsigned int i = 0; i < 16; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		if (numeric) {
			fprintf(f, "%u", i);
		} else if (i >= DCCP_PKT_INVALID) {
			/* Types 10 to 15 are all INVALID, named once. */
			fputs("INVALID", f);
			break;
		} else {
			fputs(dccp_types[i], f);
		}
	}
}

static void dccp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_dccp_info *d = data;

	(void)ip;
	fputs(" dccp", f);
	if (d->flags & XT_DCCP_SRC_PORTS)
		print_ports(f, "spt", d->spts, d->invflags & XT_DCCP_SRC_PORTS, numeric);
	if (d->flags & XT_DCCP_DEST_PORTS)
		print_ports(f, "dpt", d->dpts, d->invflags & XT_DCCP_DEST_PORTS, numeric);
	if (d->flags & XT_DCCP_TYPE)
		print_types(f, d->typemask, d->invflags & XT_DCCP_TYPE, numeric);
	if ((d->flags & XT_DCCP_OPTION) && (d->option || (d->invflags & XT_DCCP_OPTION)))
		fprintf(f, " option=%s%u", d->invflags & XT_DCCP_OPTION ? "!" : "", d->option);
}

static void save_ports(FILE *f, const char *opt, const uint16_t *p, bool inv)
{
	fprintf(f, "%s --%s %u", inv ? " !" : "", opt, p[0]);
	if (p[0] != p[1])
		fprintf(f, ":%u", p[1]);
}

static void dccp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_dccp_info *d = data;

	(void)ip;
	if (d->flags & XT_DCCP_SRC_PORTS)
		save_ports(f, "sport", d->spts, d->invflags & XT_DCCP_SRC_PORTS);
	if (d->flags & XT_DCCP_DEST_PORTS)
		save_ports(f, "dport", d->dpts, d->invflags & XT_DCCP_DEST_PORTS);
	if (d->flags & XT_DCCP_TYPE) {
		fprintf(f, "%s --dccp-types", d->invflags & XT_DCCP_TYPE ? " !" : "");
		print_types(f, d->typemask, false, false);
	}
	if (d->flags & XT_DCCP_OPTION)
		fprintf(f, "%s --dccp-option %u",
			d->invflags & XT_DCCP_OPTION ? " !" : "", d->option);
}

static int dccp_check(const struct xt_check_param *par)
{
	const struct xt_dccp_info *d = par->data;

	if ((d->flags & ~XT_DCCP_VALID_FLAGS) || (d->invflags & ~XT_DCCP_VALID_FLAGS) ||
	    (d->invflags & ~d->flags))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/* Header length before the options, by packet type (RFC 4340 5.1-5.6). */
static unsigned int header_len(const uint8_t *dh)
{
	unsigned int type = (dh[8] >> 1) & 0xF, len = sizeof(struct dccp_hdr);

	if (dh[8] & 1)		/* X: 48-bit sequence numbers */
		len += sizeof(struct dccp_hdr_ext);
	if (type == DCCP_PKT_DATA)
		return len;
	if (type == DCCP_PKT_DATAACK || type == DCCP_PKT_ACK || type == DCCP_PKT_SYNC ||
	    type == DCCP_PKT_SYNCACK || type == DCCP_PKT_CLOSE || type == DCCP_PKT_CLOSEREQ)
		return len + sizeof(struct dccp_hdr_ack_bits);
	if (type == DCCP_PKT_REQUEST)
		return len + sizeof(struct dccp_hdr_request);
	if (type == DCCP_PKT_RESPONSE)
		return len + sizeof(struct dccp_hdr_response);
	return len + sizeof(struct dccp_hdr_reset);
}

/* As the kernel's dccp_find_option: a short header drops the packet. */
static bool has_option(const struct xt_pkt *pkt, const uint8_t *dh, uint8_t option,
		       bool *hotdrop)
{
	unsigned int hlen = header_len(dh), doff = dh[4] * 4u, optlen;
	const uint8_t *op;

	if (doff < hlen) {
		*hotdrop = true;
		return false;
	}
	optlen = doff - hlen;
	if (!optlen)
		return false;
	if (pkt->thoff + doff > pkt->len) {
		*hotdrop = true;
		return false;
	}
	op = dh + hlen;
	for (unsigned int i = 0; i < optlen;) {
		if (op[i] == option)
			return true;
		if (op[i] < 2)
			i++;
		else
			i += (i + 1 < optlen && op[i + 1]) ? op[i + 1] : 1;
	}
	return false;
}

static bool check(const struct xt_dccp_info *d, uint16_t opt, bool cond)
{
	return !(d->flags & opt) || (!!(d->invflags & opt) != cond);
}

static bool dccp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_dccp_info *d = par->data;
	const uint8_t *dh;
	uint16_t sport, dport;

	if (pkt->fragoff)
		return false;
	if (pkt->thoff + sizeof(struct dccp_hdr) > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	dh = pkt->data + pkt->thoff;
	sport = (uint16_t)(dh[0] << 8 | dh[1]);
	dport = (uint16_t)(dh[2] << 8 | dh[3]);
	return check(d, XT_DCCP_SRC_PORTS, sport >= d->spts[0] && sport <= d->spts[1]) &&
	       check(d, XT_DCCP_DEST_PORTS, dport >= d->dpts[0] && dport <= d->dpts[1]) &&
	       check(d, XT_DCCP_TYPE, d->typemask & (1u << ((dh[8] >> 1) & 0xF))) &&
	       check(d, XT_DCCP_OPTION, (d->flags & XT_DCCP_OPTION) &&
		     has_option(pkt, dh, d->option, &par->hotdrop));
}

static struct xtables_match dccp_match_ext = {
	.name = "dccp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_dccp_info),
	.userspacesize = sizeof(struct xt_dccp_info),
	.help = dccp_help,
	.parse = dccp_parse,
	.print = dccp_print,
	.save = dccp_save,
	.options = dccp_opts,
	.proto = IPPROTO_DCCP,
	.checkentry = dccp_check,
	.match = dccp_match,
};

void libxt_dccp_init(void)
{
	xtables_register_match(&dccp_match_ext);
}
