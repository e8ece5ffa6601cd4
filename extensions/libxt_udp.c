/* udp: ports of a UDP datagram. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <uiptables/packet.h>

enum { O_SPORT, O_DPORT };

static const struct xt_option_entry udp_opts[] = {
	{ .name = "source-port", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "sport", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "destination-port", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "dport", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void udp_help(FILE *f)
{
	fprintf(f, "udp match options:\n"
		"[!] --source-port port[:port]\n"
		" --sport ...\n"
		"                                match source port(s)\n"
		"[!] --destination-port port[:port]\n"
		" --dport ...\n"
		"                                match destination port(s)\n");
}

static void udp_init(void *data)
{
	struct xt_udp *u = data;

	u->spts[1] = u->dpts[1] = 0xFFFF;
}

/* iptables 1.8.9 stores a numeric udp port modulo 65536 (65536 -> 0). */
static int udp_ports(const char *arg, uint16_t *p)
{
	const char *colon = strchr(arg, ':');
	unsigned long long v[2];
	char *end;

	if (!isdigit((unsigned char)arg[0]))
		return xt_parse_port_range(arg, "udp", p);
	v[0] = strtoull(arg, &end, 10);
	if (end != (colon ? colon : arg + strlen(arg)) || v[0] <= 0xFFFF ||
	    v[0] > 0xFFFFFFFFULL)
		return xt_parse_port_range(arg, "udp", p);
	if (colon)
		return xt_parse_port_range(arg, "udp", p);
	p[0] = p[1] = (uint16_t)v[0];
	(void)v[1];
	return 0;
}

static int udp_parse(struct xt_option_call *cb)
{
	struct xt_udp *u = cb->data;

	if (cb->entry->id == O_SPORT) {
		if (cb->invert)
			u->invflags |= XT_UDP_INV_SRCPT;
		return udp_ports(cb->arg, u->spts);
	}
	if (cb->invert)
		u->invflags |= XT_UDP_INV_DSTPT;
	return udp_ports(cb->arg, u->dpts);
}

static void print_port(FILE *f, uint16_t port, bool numeric)
{
	const char *name = numeric ? NULL : xt_port_to_service(port, "udp");

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

static void udp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_udp *u = data;

	(void)ip;
	fputs(" udp", f);
	print_ports(f, "spt", u->spts, u->invflags & XT_UDP_INV_SRCPT, numeric);
	print_ports(f, "dpt", u->dpts, u->invflags & XT_UDP_INV_DSTPT, numeric);
	if (u->invflags & ~XT_UDP_INV_MASK)
		fprintf(f, " Unknown invflags: 0x%X", u->invflags & ~XT_UDP_INV_MASK);
}

static void save_ports(FILE *f, const char *opt, const uint16_t *p, bool inv)
{
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	fprintf(f, "%s --%s %u", inv ? " !" : "", opt, p[0]);
	if (p[0] != p[1])
		fprintf(f, ":%u", p[1]);
}

static void udp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_udp *u = data;

	(void)ip;
	save_ports(f, "sport", u->spts, u->invflags & XT_UDP_INV_SRCPT);
	save_ports(f, "dport", u->dpts, u->invflags & XT_UDP_INV_DSTPT);
}

static int udp_check(const struct xt_check_param *par)
{
	const struct xt_udp *u = par->data;

	return u->invflags & ~XT_UDP_INV_MASK ?
	       xt_error(OTHER_PROBLEM, "udp: unknown invflags") : 0;
}

static bool udp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_udp *u = par->data;
	const uint8_t *uh;
	uint16_t sp, dp;

	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 8 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	uh = pkt->data + pkt->thoff;
	sp = (uint16_t)(uh[0] << 8 | uh[1]);
	dp = (uint16_t)(uh[2] << 8 | uh[3]);
	return ((sp >= u->spts[0] && sp <= u->spts[1]) != !!(u->invflags & XT_UDP_INV_SRCPT)) &&
	       ((dp >= u->dpts[0] && dp <= u->dpts[1]) != !!(u->invflags & XT_UDP_INV_DSTPT));
}

static struct xtables_match udp_match_ext = {
	.name = "udp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_udp),
	.userspacesize = sizeof(struct xt_udp),
	.help = udp_help,
	.init = udp_init,
	.parse = udp_parse,
	.print = udp_print,
	.save = udp_save,
	.options = udp_opts,
	.proto = IPPROTO_UDP,
	.checkentry = udp_check,
	.match = udp_match,
};

void libxt_udp_init(void)
{
	xtables_register_match(&udp_match_ext);
}
