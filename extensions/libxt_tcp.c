/* tcp: ports, flags and options of a TCP segment. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <uiptables/packet.h>

enum { O_SPORT, O_DPORT, O_FLAGS, O_SYN, O_OPTION };

static const struct xt_option_entry tcp_opts[] = {
	{ .name = "source-port", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "sport", .id = O_SPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "destination-port", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "dport", .id = O_DPORT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "tcp-flags", .id = O_FLAGS, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_TWOARGS | XTOPT_MULTI,
	  .excl = 1 << O_SYN },
	{ .name = "syn", .id = O_SYN, .type = XTTYPE_NONE, .flags = XTOPT_INVERT | XTOPT_MULTI,
	  .excl = 1 << O_FLAGS },
	{ .name = "tcp-option", .id = O_OPTION, .type = XTTYPE_STRING, .flags = XTOPT_INVERT | XTOPT_MULTI },
	XTOPT_TABLEEND,
};

static const struct {
	const char *name;
	uint8_t flag;
} tcp_flags[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3F }, { "NONE", 0 },
};

#define NFLAGS (sizeof(tcp_flags) / sizeof(tcp_flags[0]))

static void tcp_help(FILE *f)
{
	fprintf(f, "tcp match options:\n"
		"[!] --tcp-flags mask comp       match when TCP flags & mask == comp\n"
		"                                (Flags: SYN ACK FIN RST URG PSH ALL NONE)\n"
		"[!] --syn                       match when only SYN flag set\n"
		"                                (equivalent to --tcp-flags SYN,RST,ACK,FIN SYN)\n"
		"[!] --source-port port[:port]\n"
		" --sport ...\n"
		"                                match source port(s)\n"
		"[!] --destination-port port[:port]\n"
		" --dport ...\n"
		"                                match destination port(s)\n"
		"[!] --tcp-option number         match if TCP option set\n");
}

static void tcp_init(void *data)
{
	struct xt_tcp *t = data;

	t->spts[1] = t->dpts[1] = 0xFFFF;
}

static int parse_flag_list(const char *arg, uint8_t *out)
{
	char *dup = strdup(arg), *save = NULL;
	int ret = 0;

	*out = 0;
	for (char *tok = strtok_r(dup, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < NFLAGS; i++)
			if (!strcasecmp(tcp_flags[i].name, tok))
				break;
		if (i == NFLAGS)
			ret = xt_error(PARAMETER_PROBLEM, "Unknown TCP flag `%s'", tok);
		else
			*out |= tcp_flags[i].flag;
	}
	free(dup);
	return ret;
}

static int tcp_parse(struct xt_option_call *cb)
{
	struct xt_tcp *t = cb->data;
	unsigned long long opt;
	unsigned int seen = cb->xflags;

	/* iptables 1.8.9's own messages for repeated options. */
	switch (cb->entry->id) {
	case O_SPORT:
		if (seen & (1u << O_SPORT))
			return xt_error(PARAMETER_PROBLEM, "Only one `--source-port' allowed");
		break;
	case O_DPORT:
		if (seen & (1u << O_DPORT))
			return xt_error(PARAMETER_PROBLEM, "Only one `--destination-port' allowed");
		break;
	case O_FLAGS:
	case O_SYN:
		if (seen & ((1u << O_SYN) | (1u << O_FLAGS)))
			return xt_error(PARAMETER_PROBLEM,
					"Only one of `--syn' or `--tcp-flags'  allowed");
		break;
	case O_OPTION:
		if (seen & (1u << O_OPTION))
			return xt_error(PARAMETER_PROBLEM, "Only one `--tcp-option' allowed");
		break;
	}
	switch (cb->entry->id) {
	case O_SPORT:
		if (cb->invert)
			t->invflags |= XT_TCP_INV_SRCPT;
		return xt_parse_port_range(cb->arg, "tcp", t->spts);
	case O_DPORT:
		if (cb->invert)
			t->invflags |= XT_TCP_INV_DSTPT;
		return xt_parse_port_range(cb->arg, "tcp", t->dpts);
	case O_FLAGS:
		if (parse_flag_list(cb->arg, &t->flg_mask) < 0 ||
		    parse_flag_list(cb->arg2, &t->flg_cmp) < 0)
			return -1;
		if (cb->invert)
			t->invflags |= XT_TCP_INV_FLAGS;
		return 0;
	case O_SYN:
		t->flg_mask = 0x17;
		t->flg_cmp = 0x02;
		if (cb->invert)
			t->invflags |= XT_TCP_INV_FLAGS;
		return 0;
	case O_OPTION:
		if (!xt_strtoul(cb->arg, NULL, &opt, 1, UINT8_MAX))
			return xt_error(PARAMETER_PROBLEM, "Bad TCP option \"%s\"", cb->arg);
		t->option = (uint8_t)opt;
		if (cb->invert)
			t->invflags |= XT_TCP_INV_OPTION;
		return 0;
	}
	return 0;
}

static void print_port(FILE *f, uint16_t port, bool numeric)
{
	const char *name = numeric ? NULL : xt_port_to_service(port, "tcp");

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
	fprintf(f, " %s", name);
	if (p[0] == p[1]) {
		fprintf(f, ":%s", inv ? "!" : "");
		print_port(f, p[0], numeric);
	} else {
		fprintf(f, "s:%s", inv ? "!" : "");
		print_port(f, p[0], numeric);
		fputc(':', f);
		print_port(f, p[1], numeric);
	}
}

static void print_flags(FILE *f, uint8_t flags)
{
	bool any = false;

	while (flags) {
		size_t i = 0;

		while (i < NFLAGS && !(flags & tcp_flags[i].flag))
			i++;
		if (i == NFLAGS) {
			/* ECE and CWR have no names: a blob may still hold them. */
			fprintf(f, "%s0x%02X", any ? "," : "", flags);
			return;
		}
		fprintf(f, "%s%s", any ? "," : "", tcp_flags[i].name);
		any = true;
		flags &= (uint8_t)~tcp_flags[i].flag;
	}
	if (!any)
		fputs("NONE", f);
}

static void tcp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tcp *t = data;

	(void)ip;
	fputs(" tcp", f);
	print_ports(f, "spt", t->spts, t->invflags & XT_TCP_INV_SRCPT, numeric);
	print_ports(f, "dpt", t->dpts, t->invflags & XT_TCP_INV_DSTPT, numeric);
	if (t->option || (t->invflags & XT_TCP_INV_OPTION))
		fprintf(f, " option=%s%u", t->invflags & XT_TCP_INV_OPTION ? "!" : "",
			t->option);
	if (t->flg_mask || (t->invflags & XT_TCP_INV_FLAGS)) {
		fprintf(f, " flags:%s", t->invflags & XT_TCP_INV_FLAGS ? "!" : "");
		if (numeric) {
			fprintf(f, "0x%02X/0x%02X", t->flg_mask, t->flg_cmp);
		} else {
			print_flags(f, t->flg_mask);
			fputc('/', f);
			print_flags(f, t->flg_cmp);
		}
	}
	if (t->invflags & ~XT_TCP_INV_MASK)
		fprintf(f, " Unknown invflags: 0x%X", t->invflags & ~XT_TCP_INV_MASK);
}

static void save_ports(FILE *f, const char *opt, const uint16_t *p, bool inv)
{
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	fprintf(f, "%s --%s %u", inv ? " !" : "", opt, p[0]);
	if (p[0] != p[1])
		fprintf(f, ":%u", p[1]);
}

static void tcp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tcp *t = data;

	(void)ip;
	save_ports(f, "sport", t->spts, t->invflags & XT_TCP_INV_SRCPT);
	save_ports(f, "dport", t->dpts, t->invflags & XT_TCP_INV_DSTPT);
	if (t->option || (t->invflags & XT_TCP_INV_OPTION))
		fprintf(f, "%s --tcp-option %u",
			t->invflags & XT_TCP_INV_OPTION ? " !" : "", t->option);
	if (t->flg_mask || (t->invflags & XT_TCP_INV_FLAGS)) {
		fprintf(f, "%s --tcp-flags ", t->invflags & XT_TCP_INV_FLAGS ? " !" : "");
		print_flags(f, t->flg_mask);
		fputc(' ', f);
		print_flags(f, t->flg_cmp);
	}
}

static int tcp_check(const struct xt_check_param *par)
{
	const struct xt_tcp *t = par->data;

	return t->invflags & ~XT_TCP_INV_MASK ?
	       xt_error(OTHER_PROBLEM, "tcp: unknown invflags") : 0;
}

static bool in_range(uint16_t p, const uint16_t *r, bool inv)
{
	return (p >= r[0] && p <= r[1]) != inv;
}

/* Walks the options as the kernel's tcp_find_option. */
static bool has_option(const uint8_t *th, unsigned int len, uint8_t opt)
{
	unsigned int doff = (th[12] >> 4) * 4u;

	if (doff > len)
		return false;
	for (unsigned int i = 20; i < doff;) {
		if (th[i] == opt)
			return true;
		if (th[i] < 2)
			i++;
		else if (i + 1 < doff && th[i + 1] >= 2)
			i += th[i + 1];
		else
			return false;
	}
	return false;
}

static bool tcp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_tcp *t = par->data;
	const uint8_t *th;
	unsigned int len;

	if (pkt->fragoff) {
		/* A fragment overlapping the header is an attack: drop it. */
		if (pkt->fragoff == 1)
			par->hotdrop = true;
		return false;
	}
	if (pkt->thoff + 20 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	th = pkt->data + pkt->thoff;
	len = pkt->len - pkt->thoff;
	if (!in_range((uint16_t)(th[0] << 8 | th[1]), t->spts, t->invflags & XT_TCP_INV_SRCPT) ||
	    !in_range((uint16_t)(th[2] << 8 | th[3]), t->dpts, t->invflags & XT_TCP_INV_DSTPT))
		return false;
	if (((th[13] & t->flg_mask) == t->flg_cmp) == !!(t->invflags & XT_TCP_INV_FLAGS))
		return false;
	if (t->option) {
		if ((th[12] >> 4) * 4u < 20 || (th[12] >> 4) * 4u > len) {
			par->hotdrop = true;
			return false;
		}
		if (has_option(th, len, t->option) == !!(t->invflags & XT_TCP_INV_OPTION))
			return false;
	}
	return true;
}

static struct xtables_match tcp_match_ext = {
	.name = "tcp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_tcp),
	.userspacesize = sizeof(struct xt_tcp),
	.help = tcp_help,
	.init = tcp_init,
	.parse = tcp_parse,
	.print = tcp_print,
	.save = tcp_save,
	.options = tcp_opts,
	.proto = IPPROTO_TCP,
	.checkentry = tcp_check,
	.match = tcp_match,
};

void libxt_tcp_init(void)
{
	xtables_register_match(&tcp_match_ext);
}
