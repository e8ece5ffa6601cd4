/* physdev: the bridge ports a bridged packet came in on / goes out of. */
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_physdev.h>

enum { O_IN, O_OUT, O_IS_IN, O_IS_OUT, O_BRIDGED };

static const struct xt_option_entry physdev_opts[] = {
	{ .name = "physdev-in", .id = O_IN, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "physdev-out", .id = O_OUT, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "physdev-is-in", .id = O_IS_IN, .type = XTTYPE_NONE, .flags = XTOPT_INVERT },
	{ .name = "physdev-is-out", .id = O_IS_OUT, .type = XTTYPE_NONE, .flags = XTOPT_INVERT },
	{ .name = "physdev-is-bridged", .id = O_BRIDGED, .type = XTTYPE_NONE,
	  .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void physdev_help(FILE *f)
{
	fprintf(f, "physdev match options:\n"
		" [!] --physdev-in inputname[+]		bridge port name ([+] for wildcard)\n"
		" [!] --physdev-out outputname[+]	bridge port name ([+] for wildcard)\n"
		" [!] --physdev-is-in			arrived on a bridge device\n"
		" [!] --physdev-is-out			will leave on a bridge device\n"
		" [!] --physdev-is-bridged		it's a bridged packet\n");
}

/* As -i/-o: a trailing '+' matches every name with that prefix. */
static int parse_port_name(const char *arg, char *name, char *mask)
{
	size_t len = strlen(arg);

	if (len >= IFNAMSIZ)
		return xt_error(PARAMETER_PROBLEM,
				"interface name `%s' must be shorter than IFNAMSIZ (%i)",
				arg, IFNAMSIZ - 1);
	memset(name, 0, IFNAMSIZ);
	memset(mask, 0, IFNAMSIZ);
	strcpy(name, arg);
	if (len && arg[len - 1] == '+')
		memset(mask, 0xff, len - 1);
	else
		memset(mask, 0xff, len + 1);
	if (strpbrk(arg, "/ "))
		fprintf(stderr, "Warning: weird character in interface `%s' "
			"('/' and ' ' are not allowed by the kernel).\n", arg);
	return 0;
}

static int physdev_parse(struct xt_option_call *cb)
{
	static const uint8_t ops[] = {
		[O_IN] = XT_PHYSDEV_OP_IN, [O_OUT] = XT_PHYSDEV_OP_OUT,
		[O_IS_IN] = XT_PHYSDEV_OP_ISIN, [O_IS_OUT] = XT_PHYSDEV_OP_ISOUT,
		[O_BRIDGED] = XT_PHYSDEV_OP_BRIDGED,
	};
	struct xt_physdev_info *info = cb->data;
	uint8_t op = ops[cb->entry->id];

	info->bitmask |= op;
	if (cb->invert)
		info->invert |= op;
	if (cb->entry->id == O_IN)
		return parse_port_name(cb->arg, info->physindev, info->in_mask);
	if (cb->entry->id == O_OUT)
		return parse_port_name(cb->arg, info->physoutdev, info->out_mask);
	return 0;
}

static int physdev_final(struct xt_fcheck_call *cb)
{
	if (!cb->xflags)
		return xt_error(PARAMETER_PROBLEM, "PHYSDEV: no physdev option specified");
	return 0;
}

static void put_flag(FILE *f, const struct xt_physdev_info *info, uint8_t op,
		     const char *opt, const char *arg)
{
	if (!(info->bitmask & op))
		return;
	fprintf(f, "%s --%s", info->invert & op ? " !" : "", opt);
	if (arg)
		fprintf(f, " %s", arg);
}

static void physdev_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_physdev_info *info = data;

	(void)ip;
	put_flag(f, info, XT_PHYSDEV_OP_ISIN, "physdev-is-in", NULL);
	put_flag(f, info, XT_PHYSDEV_OP_IN, "physdev-in", info->physindev);
	put_flag(f, info, XT_PHYSDEV_OP_ISOUT, "physdev-is-out", NULL);
	put_flag(f, info, XT_PHYSDEV_OP_OUT, "physdev-out", info->physoutdev);
	put_flag(f, info, XT_PHYSDEV_OP_BRIDGED, "physdev-is-bridged", NULL);
}

static void physdev_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)numeric;
	fputs(" PHYSDEV match", f);
	physdev_save(f, ip, data);
}

/* Leaving the host through a bridge port is only known for bridged
 * traffic, so OUTPUT may not ask unless it asks for bridged packets. */
static int physdev_check(const struct xt_check_param *par)
{
	const struct xt_physdev_info *info = par->data;

	if (!(info->bitmask & XT_PHYSDEV_OP_MASK) || (info->bitmask & ~XT_PHYSDEV_OP_MASK))
		return xt_error(OTHER_PROBLEM, "physdev: bad option bits");
	if ((info->bitmask & (XT_PHYSDEV_OP_OUT | XT_PHYSDEV_OP_ISOUT)) &&
	    (!(info->bitmask & XT_PHYSDEV_OP_BRIDGED) || (info->invert & XT_PHYSDEV_OP_BRIDGED)) &&
	    (par->hook_mask & (1 << NF_INET_LOCAL_OUT)))
		return xt_error(OTHER_PROBLEM, "--physdev-out and --physdev-is-out only supported "
				"in the FORWARD and POSTROUTING chains with bridged traffic");
	return 0;
}

/* Names compared as the kernel compares interface names: every byte of
 * the IFNAMSIZ buffers under the mask, so "eth+" has a prefix mask. */
static bool name_matches(const char *dev, const char *name, const char *mask)
{
	char buf[IFNAMSIZ] = { 0 };

	for (int i = 0; i < IFNAMSIZ - 1 && dev[i]; i++)
		buf[i] = dev[i];
	for (int i = 0; i < IFNAMSIZ; i++)
		if ((buf[i] ^ name[i]) & mask[i])
			return false;
	return true;
}

/* An option asked for without its '!': wants it true. */
static bool wants(const struct xt_physdev_info *info, uint8_t op)
{
	return !(info->invert & op);
}

/* Without bridge information (not arrived by a bridge port): only rules
 * whose options are all inverted match. */
static bool no_bridge_match(const struct xt_physdev_info *info)
{
	return (info->bitmask & ~info->invert & XT_PHYSDEV_OP_MASK) == 0;
}

/*
 * As xt_physdev decides, measured against the kernel: "bridged" and
 * "is-out" mean the bridge chose an output port; --physdev-in says
 * nothing when no input port is known; --physdev-out never matches,
 * inverted or not, when there is no output port.
 */
static bool physdev_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_physdev_info *info = par->data;
	bool in = pkt->physin[0], out = pkt->physout[0];

	if (!pkt->has_bridge)
		return no_bridge_match(info);
	if ((info->bitmask & XT_PHYSDEV_OP_BRIDGED) && out != wants(info, XT_PHYSDEV_OP_BRIDGED))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_ISIN) && in != wants(info, XT_PHYSDEV_OP_ISIN))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_ISOUT) && out != wants(info, XT_PHYSDEV_OP_ISOUT))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_IN) && in &&
	    name_matches(pkt->physin, info->physindev, info->in_mask) !=
	    wants(info, XT_PHYSDEV_OP_IN))
		return false;
	if (!(info->bitmask & XT_PHYSDEV_OP_OUT))
		return true;
	return out && name_matches(pkt->physout, info->physoutdev, info->out_mask) ==
		      wants(info, XT_PHYSDEV_OP_OUT);
}

static struct xtables_match physdev_ext = {
	.name = "physdev",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_physdev_info),
	.userspacesize = sizeof(struct xt_physdev_info),
	.help = physdev_help,
	.parse = physdev_parse,
	.final_check = physdev_final,
	.print = physdev_print,
	.save = physdev_save,
	.options = physdev_opts,
	.checkentry = physdev_check,
	.match = physdev_match,
};

void libxt_physdev_init(void)
{
	xtables_register_match(&physdev_ext);
}
