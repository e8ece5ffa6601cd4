/* cpu: the CPU the packet is being processed on. */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_cpu.h>
#include "../libxt/error.h"

enum { O_CPU };

static const struct xt_option_entry cpu_opts[] = {
	{ .name = "cpu", .id = O_CPU, .type = XTTYPE_UINT32,
	  .flags = XTOPT_INVERT | XTOPT_MAND | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_cpu_info, cpu) },
	XTOPT_TABLEEND,
};

static void cpu_help(FILE *f)
{
	fprintf(f, "cpu match options:\n"
		"[!] --cpu number   the packet is handled by this CPU (counted from 0)\n");
}

static int cpu_parse(struct xt_option_call *cb)
{
	struct xt_cpu_info *c = cb->data;

	if (cb->invert)
		c->invert = 1;
	return 0;
}

static void cpu_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_cpu_info *c = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " cpu %s%u", c->invert ? "! " : "", c->cpu);
}

static void cpu_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_cpu_info *c = data;

	(void)ip;
	fprintf(f, "%s --cpu %u", c->invert ? " !" : "", c->cpu);
}

static int cpu_check(const struct xt_check_param *par)
{
	const struct xt_cpu_info *c = par->data;

	if (c->invert & ~1u)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/* Which CPU takes a packet depends on the machine's queues: unknown here. */
static bool cpu_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	(void)par;
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "cpu: the CPU handling the packet");
	return pkt->assume_unknown_match;
}

static struct xtables_match cpu_match_ext = {
	.name = "cpu",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_cpu_info),
	.userspacesize = sizeof(struct xt_cpu_info),
	.help = cpu_help,
	.parse = cpu_parse,
	.print = cpu_print,
	.save = cpu_save,
	.options = cpu_opts,
	.checkentry = cpu_check,
	.match = cpu_match,
};

void libxt_cpu_init(void)
{
	xtables_register_match(&cpu_match_ext);
}
