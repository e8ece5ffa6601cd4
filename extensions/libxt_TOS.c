/* TOS: rewrite bits of the IPv4 TOS byte (mangle only). */
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_DSCP.h>

enum { O_SET_TOS, O_AND_TOS, O_OR_TOS, O_XOR_TOS };

#define OTHERS(self) (0xf & ~(1 << (self)))

static const struct xt_option_entry TOS_opts[] = {
	{ .name = "set-tos", .id = O_SET_TOS, .type = XTTYPE_STRING, .excl = OTHERS(O_SET_TOS) },
	{ .name = "and-tos", .id = O_AND_TOS, .type = XTTYPE_UINT8, .excl = OTHERS(O_AND_TOS) },
	{ .name = "or-tos", .id = O_OR_TOS, .type = XTTYPE_UINT8, .excl = OTHERS(O_OR_TOS) },
	{ .name = "xor-tos", .id = O_XOR_TOS, .type = XTTYPE_UINT8, .excl = OTHERS(O_XOR_TOS) },
	XTOPT_TABLEEND,
};

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

static void TOS_help(FILE *f)
{
	fprintf(f, "TOS target options:\n"
		"  --set-tos value[/mask]  Set Type of Service/Priority field to value\n"
		"                          (zero the bits in mask, then XOR value in)\n"
		"  --set-tos symbol        Set TOS field (IPv4 only) by symbol\n"
		"                          (this zeroes the 6 bits of the TOS field)\n"
		"                          Accepted symbolic names for value are:\n"
		"                          (0x10) 16 Minimize-Delay\n"
		"                          (0x08)  8 Maximize-Throughput\n"
		"                          (0x04)  4 Maximize-Reliability\n"
		"                          (0x02)  2 Minimize-Cost\n"
		"                          (0x00)  0 Normal-Service\n"
		"  --and-tos bits          Binary AND the TOS value with bits\n"
		"  --or-tos  bits          Binary OR the TOS value with bits\n"
		"  --xor-tos bits          Binary XOR the TOS value with bits\n");
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

/* All four are stored as "clear mask, then xor value". */
static int TOS_parse(struct xt_option_call *cb)
{
	struct xt_tos_target_info *info = cb->data;

	switch (cb->entry->id) {
	case O_SET_TOS:
		return parse_tos(cb->arg, &info->tos_value, &info->tos_mask);
	case O_AND_TOS:
		info->tos_value = 0;
		info->tos_mask = (uint8_t)~cb->val.u8;
		break;
	case O_OR_TOS:
		info->tos_value = info->tos_mask = cb->val.u8;
		break;
	case O_XOR_TOS:
		info->tos_value = cb->val.u8;
		info->tos_mask = 0;
		break;
	}
	return 0;
}

static int TOS_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "TOS: An action is required");
	return 0;
}

static bool print_name(FILE *f, uint8_t value, uint8_t mask)
{
	if (mask != 0x3f)
		return false;
	for (size_t i = 0; i < NNAMES; i++)
		if (tos_names[i].value == value) {
			fprintf(f, "  TOS set%s", tos_names[i].name);
			return true;
		}
	return false;
}

/* Without -n, the shortest of the four spellings that says it. */
static void TOS_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_tos_target_info *info = data;
	uint8_t v = info->tos_value, m = info->tos_mask;

	(void)ip;
	if (numeric)
		fprintf(f, " TOS set 0x%02x/0x%02x", v, m);
	else if (print_name(f, v, m))
		;
	else if (v == 0)
		fprintf(f, " TOS and 0x%02x", (uint8_t)~m);
	else if (v == m)
		fprintf(f, " TOS or 0x%02x", v);
	else if (m == 0)
		fprintf(f, " TOS xor 0x%02x", v);
	else
		fprintf(f, " TOS set 0x%02x/0x%02x", v, m);
}

static void TOS_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tos_target_info *info = data;

	(void)ip;
	fprintf(f, " --set-tos 0x%02x/0x%02x", info->tos_value, info->tos_mask);
}

static void ip_csum(uint8_t *iph)
{
	unsigned int len = (iph[0] & 0x0f) * 4u;
	uint32_t sum = 0;

	iph[10] = iph[11] = 0;
	for (unsigned int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(iph[i] << 8 | iph[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	iph[10] = (uint8_t)(~sum >> 8);
	iph[11] = (uint8_t)~sum;
}

static unsigned int TOS_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_tos_target_info *info = par->data;
	uint8_t old = pkt->data[1];
	uint8_t nv = (uint8_t)((old & ~info->tos_mask) ^ info->tos_value);

	if (nv != old) {
		pkt->data[1] = nv;
		ip_csum(pkt->data);
	}
	return XT_CONTINUE;
}

static struct xtables_target TOS_ext = {
	.name = "TOS",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_tos_target_info),
	.userspacesize = sizeof(struct xt_tos_target_info),
	.help = TOS_help,
	.parse = TOS_parse,
	.final_check = TOS_final,
	.print = TOS_print,
	.save = TOS_save,
	.options = TOS_opts,
	.table = "mangle",
	.target = TOS_target,
};

void libxt_TOS_init(void)
{
	xtables_register_target(&TOS_ext);
}
