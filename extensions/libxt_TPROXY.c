/* TPROXY: deliver the packet to a local transparent socket, unchanged. */
#include <arpa/inet.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_TPROXY.h>

enum { O_PORT, O_ADDR, O_MARK };

static const struct xt_option_entry tproxy0_opts[] = {
	{ .name = "on-port", .id = O_PORT, .type = XTTYPE_PORT,
	  .flags = XTOPT_MAND | XTOPT_NBO | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_tproxy_target_info, lport) },
	{ .name = "on-ip", .id = O_ADDR, .type = XTTYPE_HOST, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_tproxy_target_info, laddr) },
	{ .name = "tproxy-mark", .id = O_MARK, .type = XTTYPE_MARKMASK32 },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry tproxy1_opts[] = {
	{ .name = "on-port", .id = O_PORT, .type = XTTYPE_PORT,
	  .flags = XTOPT_MAND | XTOPT_NBO | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_tproxy_target_info_v1, lport) },
	{ .name = "on-ip", .id = O_ADDR, .type = XTTYPE_HOST, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_tproxy_target_info_v1, laddr) },
	{ .name = "tproxy-mark", .id = O_MARK, .type = XTTYPE_MARKMASK32 },
	XTOPT_TABLEEND,
};

static void tproxy_help(FILE *f)
{
	fprintf(f, "TPROXY target options:\n"
		"  --on-port port              port of the transparent socket\n"
		"  --on-ip ip                  its address (default: the arriving interface's)\n"
		"  --tproxy-mark value[/mask]  mark set on packets given to it\n");
}

/* Both revisions start with the mark, then differ in the address size. */
static int tproxy_parse(struct xt_option_call *cb)
{
	struct xt_tproxy_target_info *info = cb->data;

	if (cb->entry->id == O_MARK) {
		info->mark_value = cb->val.mark;
		info->mark_mask = cb->val.mask;
	}
	return 0;
}

struct tproxy_view {
	uint32_t mark_value, mark_mask, laddr;
	uint16_t lport;
};

static struct tproxy_view view(const void *data, unsigned int rev)
{
	struct tproxy_view v;

	if (rev == 0) {
		const struct xt_tproxy_target_info *i = data;

		v = (struct tproxy_view){ i->mark_value, i->mark_mask, i->laddr, i->lport };
	} else {
		const struct xt_tproxy_target_info_v1 *i = data;

		v = (struct tproxy_view){ i->mark_value, i->mark_mask, i->laddr.ip, i->lport };
	}
	return v;
}

static void show(FILE *f, const void *data, unsigned int rev, bool save)
{
	struct tproxy_view v = view(data, rev);
	struct in_addr a = { v.laddr };

	if (save)
		fprintf(f, " --on-port %u --on-ip %s --tproxy-mark 0x%x/0x%x", ntohs(v.lport),
			xt_ipaddr_to_numeric(&a), v.mark_value, v.mark_mask);
	else
		fprintf(f, " TPROXY redirect %s:%u mark 0x%x/0x%x", xt_ipaddr_to_numeric(&a),
			ntohs(v.lport), v.mark_value, v.mark_mask);
}

static void tproxy0_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, 0, false);
}

static void tproxy0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, 0, true);
}

static void tproxy1_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	show(f, data, 1, false);
}

static void tproxy1_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	show(f, data, 1, true);
}

static int tproxy_check(const struct xt_check_param *par)
{
	const struct ipt_ip *ip = &par->entry->ip;

	if ((ip->proto == IPPROTO_TCP || ip->proto == IPPROTO_UDP) &&
	    !(ip->invflags & XT_INV_PROTO))
		return 0;
	return xt_error(OTHER_PROBLEM, "Can be used only with -p tcp or -p udp");
}

/*
 * The kernel looks up an established socket for the packet, then one
 * listening on the given address and port; whether one exists is
 * outside the evaluator.  Found: the mark is set and the packet accepted
 * for local delivery; not found: it is dropped.
 */
static unsigned int divert(struct xt_pkt *pkt, struct tproxy_view v)
{
	struct in_addr a = { v.laddr };
	char what[96];

	snprintf(what, sizeof(what), "TPROXY: a transparent socket on %s:%u",
		 v.laddr ? xt_ipaddr_to_numeric(&a) : "(interface address)", ntohs(v.lport));
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume(pkt, what);
	if (!pkt->assume_unknown_match)
		return NF_DROP;
	pkt->mark = (pkt->mark & ~v.mark_mask) ^ v.mark_value;
	return NF_ACCEPT;
}

static unsigned int tproxy0_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	return divert(pkt, view(par->data, 0));
}

static unsigned int tproxy1_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	return divert(pkt, view(par->data, 1));
}

static struct xtables_target tproxy_targets[] = {
	{
		.name = "TPROXY",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_tproxy_target_info),
		.userspacesize = sizeof(struct xt_tproxy_target_info),
		.help = tproxy_help,
		.parse = tproxy_parse,
		.print = tproxy0_print,
		.save = tproxy0_save,
		.options = tproxy0_opts,
		.table = "mangle",
		.hooks = 1 << NF_INET_PRE_ROUTING,
		.checkentry = tproxy_check,
		.target = tproxy0_target,
	},
	{
		.name = "TPROXY",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.size = sizeof(struct xt_tproxy_target_info_v1),
		.userspacesize = sizeof(struct xt_tproxy_target_info_v1),
		.help = tproxy_help,
		.parse = tproxy_parse,
		.print = tproxy1_print,
		.save = tproxy1_save,
		.options = tproxy1_opts,
		.table = "mangle",
		.hooks = 1 << NF_INET_PRE_ROUTING,
		.checkentry = tproxy_check,
		.target = tproxy1_target,
	},
};

void libxt_TPROXY_init(void)
{
	xtables_register_targets(tproxy_targets, sizeof(tproxy_targets) / sizeof(tproxy_targets[0]));
}
