/* icmp: ICMP type and code range. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>

enum { O_ICMP_TYPE };

static const struct xt_option_entry icmp_opts[] = {
	{ .name = "icmp-type", .id = O_ICMP_TYPE, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static const struct icmp_name {
	const char *name;
	uint8_t type, code_min, code_max;
} icmp_names[] = {
	{ "any", 0xFF, 0, 0xFF },
	{ "echo-reply", 0, 0, 0xFF },
	{ "destination-unreachable", 3, 0, 0xFF },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xFF },
	{ "redirect", 5, 0, 0xFF },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xFF },
	{ "router-advertisement", 9, 0, 0xFF },
	{ "router-solicitation", 10, 0, 0xFF },
	{ "time-exceeded", 11, 0, 0xFF },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xFF },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xFF },
	{ "timestamp-reply", 14, 0, 0xFF },
	{ "address-mask-request", 17, 0, 0xFF },
	{ "address-mask-reply", 18, 0, 0xFF },
	/* Aliases, after the names printed. */
	{ "pong", 0, 0, 0xFF },
	{ "ping", 8, 0, 0xFF },
	{ "ttl-exceeded", 11, 0, 0xFF },
};

#define NNAMES (sizeof(icmp_names) / sizeof(icmp_names[0]))

static void icmp_help(FILE *f)
{
	fprintf(f, "icmp match options:\n"
		"[!] --icmp-type typename        match icmp type\n"
		"[!] --icmp-type type[/code]     (or numeric type or type/code)\n"
		"Valid ICMP Types:");
	for (size_t i = 0; i < NNAMES; i++) {
		const struct icmp_name *n = &icmp_names[i];
		bool sub = i && n->type == icmp_names[i - 1].type && n->code_min == n->code_max;

		fprintf(f, "\n%s%s", sub ? "   " : "", n->name);
	}
	fputc('\n', f);
}

static void icmp_init(void *data)
{
	struct ipt_icmp *ic = data;

	ic->code[1] = 0xFF;
}

static const struct icmp_name *by_prefix(const char *s, int *count)
{
	const struct icmp_name *found = NULL;
	size_t len = strlen(s);

	*count = 0;
	for (size_t i = 0; i < NNAMES; i++) {
		if (strncasecmp(icmp_names[i].name, s, len))
			continue;
		if (strlen(icmp_names[i].name) == len) {
			*count = 1;
			return &icmp_names[i];
		}
		if (!found || found->type != icmp_names[i].type ||
		    found->code_min != icmp_names[i].code_min)
			(*count)++;
		if (!found)
			found = &icmp_names[i];
	}
	return found;
}

static int parse_numeric(const char *arg, struct ipt_icmp *ic)
{
	unsigned long long type, code;
	char *end;

	if (!xt_strtoul(arg, &end, &type, 0, UINT8_MAX) || (*end && *end != '/'))
		return xt_error(PARAMETER_PROBLEM, "Unknown ICMP type `%s'", arg);
	ic->type = (uint8_t)type;
	if (*end == '/') {
		/* type/code or type/min:max */
		if (!xt_strtoul(end + 1, &end, &code, 0, UINT8_MAX) ||
		    (*end && *end != ':'))
			return xt_error(PARAMETER_PROBLEM, "Unknown ICMP code `%s'", arg);
		ic->code[0] = ic->code[1] = (uint8_t)code;
		if (*end == ':') {
			if (!xt_strtoul(end + 1, NULL, &code, 0, UINT8_MAX) ||
			    code < ic->code[0])
				return xt_error(PARAMETER_PROBLEM, "Unknown ICMP code `%s'", arg);
			ic->code[1] = (uint8_t)code;
		}
	} else {
		ic->code[0] = 0;
		ic->code[1] = 0xFF;
	}
	return 0;
}

static int icmp_parse(struct xt_option_call *cb)
{
	struct ipt_icmp *ic = cb->data;
	int count;
	const struct icmp_name *n = by_prefix(cb->arg, &count);

	if (cb->invert)
		ic->invflags |= IPT_ICMP_INV;
	if (count > 1)
		return xt_error(PARAMETER_PROBLEM, "Ambiguous ICMP type `%s': `%s' or `%s'?",
				cb->arg, n->name, n[1].name);
	if (!n || !cb->arg[0])
		return parse_numeric(cb->arg, ic);
	ic->type = n->type;
	ic->code[0] = n->code_min;
	ic->code[1] = n->code_max;
	return 0;
}

static const struct icmp_name *name_of(const struct ipt_icmp *ic)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (icmp_names[i].type == ic->type && icmp_names[i].code_min == ic->code[0] &&
		    icmp_names[i].code_max == ic->code[1])
			return &icmp_names[i];
	return NULL;
}

static void icmp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct ipt_icmp *ic = data;
	const struct icmp_name *n = numeric ? NULL : name_of(ic);
	bool inv = ic->invflags & IPT_ICMP_INV;

	(void)ip;
	fputs(" icmp", f);
	if (n) {
		fprintf(f, " %s%s", inv ? "!" : "", n->name);
	} else {
		if (inv)
			fputs(" !", f);
		fprintf(f, "type %u", ic->type);
		if (ic->code[0] == ic->code[1])
			fprintf(f, " code %u", ic->code[0]);
		else if (ic->code[0] != 0 || ic->code[1] != 0xFF)
			fprintf(f, " codes %u-%u", ic->code[0], ic->code[1]);
	}
	if (ic->invflags & ~IPT_ICMP_INV)
		fprintf(f, " Unknown invflags: 0x%X", ic->invflags & ~IPT_ICMP_INV);
}

static void icmp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct ipt_icmp *ic = data;

	(void)ip;
	if (ic->invflags & IPT_ICMP_INV)
		fputs(" !", f);
	if (ic->type == 0xFF && ic->code[0] == 0 && ic->code[1] == 0xFF) {
		fputs(" --icmp-type any", f);
		return;
	}
	fprintf(f, " --icmp-type %u", ic->type);
	if (ic->code[0] == ic->code[1])
		fprintf(f, "/%u", ic->code[0]);
}

static int icmp_check(const struct xt_check_param *par)
{
	const struct ipt_icmp *ic = par->data;

	return ic->invflags & ~IPT_ICMP_INV ?
	       xt_error(OTHER_PROBLEM, "icmp: unknown invflags") : 0;
}

static bool icmp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct ipt_icmp *ic = par->data;
	const uint8_t *h;
	bool hit;

	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 2 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	h = pkt->data + pkt->thoff;
	hit = ic->type == 0xFF ||
	      (h[0] == ic->type && h[1] >= ic->code[0] && h[1] <= ic->code[1]);
	return hit != !!(ic->invflags & IPT_ICMP_INV);
}

static struct xtables_match icmp_match_ext = {
	.name = "icmp",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_icmp),
	.userspacesize = sizeof(struct ipt_icmp),
	.help = icmp_help,
	.init = icmp_init,
	.parse = icmp_parse,
	.print = icmp_print,
	.save = icmp_save,
	.options = icmp_opts,
	.proto = IPPROTO_ICMP,
	.checkentry = icmp_check,
	.match = icmp_match,
};

void libipt_icmp_init(void)
{
	xtables_register_match(&icmp_match_ext);
}
