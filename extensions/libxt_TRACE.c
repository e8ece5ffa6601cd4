/* TRACE: mark the packet so every rule it meets afterwards is logged. */
#include <uiptables/packet.h>

static void trace_help(FILE *f)
{
	fprintf(f, "TRACE target takes no options\n");
}

/*
 * The kernel sets skb->nf_trace; the evaluator already shows the whole
 * path of every packet, so there is nothing left to switch on.
 */
static unsigned int trace_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return XT_CONTINUE;
}

static struct xtables_target trace_target_ext = {
	.name = "TRACE",
	.family = NFPROTO_UNSPEC,
	.size = 0,
	.userspacesize = 0,
	.help = trace_help,
	.table = "raw",
	.target = trace_target,
};

void libxt_TRACE_init(void)
{
	xtables_register_target(&trace_target_ext);
}
