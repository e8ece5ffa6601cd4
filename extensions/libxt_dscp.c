/* dscp: the DSCP field (upper six bits of the TOS byte) equals a value. */
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_dscp.h>

enum { O_DSCP, O_DSCP_CLASS };

static const struct xt_option_entry dscp_opts[] = {
	{ .name = "dscp", .id = O_DSCP, .type = XTTYPE_UINT8, .max = XT_DSCP_MAX,
	  .excl = 1 << O_DSCP_CLASS, .flags = XTOPT_INVERT | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_dscp_info, dscp) },
	{ .name = "dscp-class", .id = O_DSCP_CLASS, .type = XTTYPE_STRING,
	  .excl = 1 << O_DSCP, .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

/* DiffServ class names (RFC 2474, 2597, 3246) and their code points. */
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

static void dscp_help(FILE *f)
{
	fprintf(f, "dscp match options\n"
		"[!] --dscp value		Match DSCP codepoint with numerical value\n"
		"  		                This value can be in decimal (ex: 32)\n"
		"               		or in hex (ex: 0x20)\n"
		"[!] --dscp-class name		Match the DiffServ class. This value may\n"
		"				be any of the BE,EF, AFxx or CSx classes\n"
		"\n"
		"				These two options are mutually exclusive !\n");
}

/* iptables compares only as many letters as the class name has, so a
 * word that starts with a class name is taken for it. */
static int class_to_dscp(const char *name, uint8_t *dscp)
{
	for (size_t i = 0; i < sizeof(dscp_classes) / sizeof(dscp_classes[0]); i++)
		if (!strncasecmp(name, dscp_classes[i].name, strlen(dscp_classes[i].name))) {
			*dscp = dscp_classes[i].dscp;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "Invalid DSCP value `%s'", name);
}

static int dscp_parse(struct xt_option_call *cb)
{
	struct xt_dscp_info *info = cb->data;

	if (cb->invert)
		info->invert = 1;
	if (cb->entry->id == O_DSCP_CLASS)
		return class_to_dscp(cb->arg, &info->dscp);
	return 0;
}

static int dscp_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "DSCP match: Parameter --dscp is required");
	return 0;
}

static void dscp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_dscp_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " DSCP match %s0x%02x", info->invert ? "!" : "", info->dscp);
}

static void dscp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_dscp_info *info = data;

	(void)ip;
	fprintf(f, "%s --dscp 0x%02x", info->invert ? " !" : "", info->dscp);
}

static int dscp_check(const struct xt_check_param *par)
{
	const struct xt_dscp_info *info = par->data;

	return info->dscp > XT_DSCP_MAX ?
	       xt_error(OTHER_PROBLEM, "dscp %x out of range", info->dscp) : 0;
}

static bool dscp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_dscp_info *info = par->data;

	return ((pkt->data[1] >> XT_DSCP_SHIFT) == info->dscp) != !!info->invert;
}

static struct xtables_match dscp_ext = {
	.name = "dscp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_dscp_info),
	.userspacesize = sizeof(struct xt_dscp_info),
	.help = dscp_help,
	.parse = dscp_parse,
	.final_check = dscp_final,
	.print = dscp_print,
	.save = dscp_save,
	.options = dscp_opts,
	.checkentry = dscp_check,
	.match = dscp_match,
};

void libxt_dscp_init(void)
{
	xtables_register_match(&dscp_ext);
}
