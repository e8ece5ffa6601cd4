/* DSCP: set the DSCP field, keeping the two ECN bits (mangle only). */
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_DSCP.h>

enum { O_SET_DSCP, O_SET_DSCP_CLASS };

static const struct xt_option_entry DSCP_opts[] = {
	{ .name = "set-dscp", .id = O_SET_DSCP, .type = XTTYPE_UINT8, .max = XT_DSCP_MAX,
	  .excl = 1 << O_SET_DSCP_CLASS, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_DSCP_info, dscp) },
	{ .name = "set-dscp-class", .id = O_SET_DSCP_CLASS, .type = XTTYPE_STRING,
	  .excl = 1 << O_SET_DSCP },
	XTOPT_TABLEEND,
};

static const struct {
	const char *name;
	uint8_t dscp;
} dscp_classes[] = {
	{ "CS0", 0x00 }, { "CS1", 0x08 }, { "CS2", 0x10 }, { "CS3", 0x18 },
	{ "CS4", 0x20 }, { "CS5", 0x28 }, { "CS6", 0x30 }, { "CS7", 0x38 },
	{ "BE", 0x00 },
	{ "AF11", 0x0a }, { "AF12", 0x0c }, { "AF13", 0x0e },
	{ "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 },
	{ "AF31", 0x1a }, { "AF32", 0x1c }, { "AF33", 0x1e },
	{ "AF41", 0x22 }, { "AF42", 0x24 }, { "AF43", 0x26 },
	{ "EF", 0x2e },
};

static void DSCP_help(FILE *f)
{
	fprintf(f, "DSCP target options\n"
		"  --set-dscp value		Set DSCP field in packet header to value\n"
		"  		                This value can be in decimal (ex: 32)\n"
		"               		or in hex (ex: 0x20)\n"
		"  --set-dscp-class class	Set the DSCP field in packet header to the\n"
		"				value represented by the DiffServ class value.\n"
		"				This class may be EF,BE or any of the CSxx\n"
		"				or AFxx classes.\n"
		"\n"
		"				These two options are mutually exclusive !\n");
}

/* As the match: a word starting with a class name is taken for it. */
static int class_to_dscp(const char *name, uint8_t *dscp)
{
	for (size_t i = 0; i < sizeof(dscp_classes) / sizeof(dscp_classes[0]); i++)
		if (!strncasecmp(name, dscp_classes[i].name, strlen(dscp_classes[i].name))) {
			*dscp = dscp_classes[i].dscp;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "Invalid DSCP value `%s'", name);
}

static int DSCP_parse(struct xt_option_call *cb)
{
	struct xt_DSCP_info *info = cb->data;

	if (cb->entry->id == O_SET_DSCP_CLASS)
		return class_to_dscp(cb->arg, &info->dscp);
	return 0;
}

static int DSCP_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "DSCP target: Parameter --set-dscp is required");
	return 0;
}

static void DSCP_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_DSCP_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " DSCP set 0x%02x", info->dscp);
}

static void DSCP_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_DSCP_info *info = data;

	(void)ip;
	fprintf(f, " --set-dscp 0x%02x", info->dscp);
}

static int DSCP_check(const struct xt_check_param *par)
{
	const struct xt_DSCP_info *info = par->data;

	return info->dscp > XT_DSCP_MAX ?
	       xt_error(OTHER_PROBLEM, "DSCP: dscp %x out of range", info->dscp) : 0;
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

static unsigned int DSCP_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_DSCP_info *info = par->data;
	uint8_t tos = pkt->data[1];

	if ((tos >> XT_DSCP_SHIFT) != info->dscp) {
		pkt->data[1] = (uint8_t)((tos & ~XT_DSCP_MASK) | (info->dscp << XT_DSCP_SHIFT));
		ip_csum(pkt->data);
	}
	return XT_CONTINUE;
}

static struct xtables_target DSCP_ext = {
	.name = "DSCP",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_DSCP_info),
	.userspacesize = sizeof(struct xt_DSCP_info),
	.help = DSCP_help,
	.parse = DSCP_parse,
	.final_check = DSCP_final,
	.print = DSCP_print,
	.save = DSCP_save,
	.options = DSCP_opts,
	.table = "mangle",
	.checkentry = DSCP_check,
	.target = DSCP_target,
};

void libxt_DSCP_init(void)
{
	xtables_register_target(&DSCP_ext);
}
