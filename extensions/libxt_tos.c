/* tos: the IPv4 TOS byte under a mask equals a value. */
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_dscp.h>

enum { O_TOS };

static const struct xt_option_entry tos_opts[] = {
	{ .name = "tos", .id = O_TOS, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

/* RFC 1349 names; they stand for the value under the mask 0x3f. */
static const struct {
	const char *name;
	uint8_t value;
} tos_names[] = {
	{ "Minimize-Cost", 0x02 },
	{ "Maximize-Reliability", 0x04 },
	{ "Maximize-Throughput", 0x08 },
	{ "Minimize-Delay", 0x10 },
	{ "Normal-Service", 0x00 },
};

#define NNAMES (sizeof(tos_names) / sizeof(tos_names[0]))

static void tos_help(FILE *f)
{
	fprintf(f, "tos match options:\n"
		"[!] --tos value[/mask]    Match Type of Service/Priority field value\n"
		"[!] --tos symbol          Match TOS field (IPv4 only) by symbol\n"
		"                          Accepted symbolic names for value are:\n"
		"                          (0x10) 16 Minimize-Delay\n"
		"                          (0x08)  8 Maximize-Throughput\n"
		"                          (0x04)  4 Maximize-Reliability\n"
		"                          (0x02)  2 Minimize-Cost\n"
		"                          (0x00)  0 Normal-Service\n");
}

/* value[/mask] (mask 0xff when left out) or a name (mask 0x3f). */
static int parse_tos(const char *arg, uint8_t *value, uint8_t *mask)
{
	unsigned long long v, m = 0xff;
	char *end;

	if (xt_strtoul(arg, &end, &v, 0, UINT8_MAX)) {
		if (*end == '/' && !xt_strtoul(end + 1, &end, &m, 0, UINT8_MAX))
			return xt_error(PARAMETER_PROBLEM, "Illegal value: \"%s\"", arg);
		if (*end)
			return xt_error(PARAMETER_PROBLEM, "Illegal value: \"%s\"", arg);
		*value = (uint8_t)v;
		*mask = (uint8_t)m;
		return 0;
	}
	for (size_t i = 0; i < NNAMES; i++)
		if (!strcasecmp(arg, tos_names[i].name)) {
			*value = tos_names[i].value;
			*mask = 0x3f;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "Symbolic name \"%s\" is unknown", arg);
}

static int tos_parse(struct xt_option_call *cb)
{
	struct xt_tos_match_info *info = cb->data;

	if (cb->invert)
		info->invert = 1;
	return parse_tos(cb->arg, &info->tos_value, &info->tos_mask);
}

static bool print_name(FILE *f, uint8_t value, uint8_t mask)
{
	if (mask != 0x3f)
		return false;
	for (size_t i = 0; i < NNAMES; i++)
		if (tos_names[i].value == value) {
			fprintf(f, " %s", tos_names[i].name);
			return true;
		}
	return false;
}

static void tos_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tos_match_info *info = data;

	(void)ip;
	fprintf(f, " tos match%s", info->invert ? "!" : "");
	if (numeric || !print_name(f, info->tos_value, info->tos_mask))
		fprintf(f, "0x%02x/0x%02x", info->tos_value, info->tos_mask);
}

static void tos_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tos_match_info *info = data;

	(void)ip;
	fprintf(f, "%s --tos 0x%02x/0x%02x", info->invert ? " !" : "",
		info->tos_value, info->tos_mask);
}

static bool tos_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_tos_match_info *info = par->data;

	return ((pkt->data[1] & info->tos_mask) == info->tos_value) != !!info->invert;
}

static struct xtables_match tos_ext = {
	.name = "tos",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_tos_match_info),
	.userspacesize = sizeof(struct xt_tos_match_info),
	.help = tos_help,
	.parse = tos_parse,
	.print = tos_print,
	.save = tos_save,
	.options = tos_opts,
	.match = tos_match,
};

void libxt_tos_init(void)
{
	xtables_register_match(&tos_ext);
}
