/* length: the IP packet's total length within a range. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_length.h>

enum { O_LENGTH };

static const struct xt_option_entry length_opts[] = {
	{ .name = "length", .id = O_LENGTH, .type = XTTYPE_UINT16RC,
	  .flags = XTOPT_MAND | XTOPT_INVERT | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_length_info, min) },
	XTOPT_TABLEEND,
};

static void length_help(FILE *f)
{
	fprintf(f, "length match options:\n"
		"[!] --length length[:length]    Match packet length against value or range\n"
		"                                of values (inclusive)\n");
}

/* The core stored min and max (it writes both halves of a range into the
 * two u16 that follow each other); only the direction is left to check. */
static int length_parse(struct xt_option_call *cb)
{
	struct xt_length_info *info = cb->data;

	info->min = cb->val.u16_range[0];
	info->max = cb->nvals > 1 ? cb->val.u16_range[1] : info->min;
	if (info->min > info->max)
		return xt_error(PARAMETER_PROBLEM, "length: invalid range given");
	if (cb->invert)
		info->invert = 1;
	return 0;
}

static void print_range(FILE *f, const struct xt_length_info *info)
{
	fprintf(f, "%u", info->min);
	if (info->min != info->max)
		fprintf(f, ":%u", info->max);
}

static void length_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_length_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " length %s", info->invert ? "!" : "");
	print_range(f, info);
}

static void length_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_length_info *info = data;

	(void)ip;
	fprintf(f, "%s --length ", info->invert ? " !" : "");
	print_range(f, info);
}

static bool length_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_length_info *info = par->data;
	uint16_t len = (uint16_t)(pkt->data[2] << 8 | pkt->data[3]);

	return (len >= info->min && len <= info->max) != !!info->invert;
}

static struct xtables_match length_ext = {
	.name = "length",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_length_info),
	.userspacesize = sizeof(struct xt_length_info),
	.help = length_help,
	.parse = length_parse,
	.print = length_print,
	.save = length_save,
	.options = length_opts,
	.match = length_match,
};

void libxt_length_init(void)
{
	xtables_register_match(&length_ext);
}
