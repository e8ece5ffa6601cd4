/* CHECKSUM: compute a checksum left for the hardware (old DHCP clients). */
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_CHECKSUM.h>

enum { O_CHECKSUM_FILL };

static const struct xt_option_entry checksum_opts[] = {
	{ .name = "checksum-fill", .id = O_CHECKSUM_FILL, .type = XTTYPE_NONE,
	  .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static void checksum_help(FILE *f)
{
	fprintf(f, "CHECKSUM target options\n"
		"  --checksum-fill     fill in a checksum left to be computed later\n");
}

static int checksum_parse(struct xt_option_call *cb)
{
	struct xt_CHECKSUM_info *ci = cb->data;

	ci->operation = XT_CHECKSUM_OP_FILL;
	return 0;
}

static void checksum_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_CHECKSUM_info *ci = data;

	(void)ip;
	(void)numeric;
	fputs(" CHECKSUM", f);
	if (ci->operation & XT_CHECKSUM_OP_FILL)
		fputs(" fill", f);
}

static void checksum_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_CHECKSUM_info *ci = data;

	(void)ip;
	if (ci->operation & XT_CHECKSUM_OP_FILL)
		fputs(" --checksum-fill", f);
}

static int checksum_check(const struct xt_check_param *par)
{
	const struct xt_CHECKSUM_info *ci = par->data;

	if (ci->operation & ~XT_CHECKSUM_OP_FILL)
		return xt_error(OTHER_PROBLEM, "unsupported CHECKSUM operation %x",
				ci->operation);
	if (!ci->operation)
		return xt_error(OTHER_PROBLEM, "no CHECKSUM operation enabled");
	return 0;
}

/* Evaluated packets carry no offloaded checksum: nothing to fill in. */
static unsigned int checksum_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return XT_CONTINUE;
}

static struct xtables_target checksum_target_ext = {
	.name = "CHECKSUM",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_CHECKSUM_info),
	.userspacesize = sizeof(struct xt_CHECKSUM_info),
	.help = checksum_help,
	.parse = checksum_parse,
	.print = checksum_print,
	.save = checksum_save,
	.options = checksum_opts,
	.table = "mangle",
	.checkentry = checksum_check,
	.target = checksum_target,
};

void libxt_CHECKSUM_init(void)
{
	xtables_register_target(&checksum_target_ext);
}
