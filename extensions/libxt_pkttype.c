/* pkttype: the link-layer class of the packet (unicast, broadcast...). */
#include <strings.h>
#include <linux/if_packet.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_pkttype.h>

enum { O_PKTTYPE };

static const struct xt_option_entry pkttype_opts[] = {
	{ .name = "pkt-type", .id = O_PKTTYPE, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

/* Printed by the first name with the value: "host" reads as unicast. */
static const struct {
	const char *name;
	int type;
	const char *what;
} pkt_types[] = {
	{ "unicast", PACKET_HOST, "to us" },
	{ "broadcast", PACKET_BROADCAST, "to all" },
	{ "multicast", PACKET_MULTICAST, "to group" },
	{ "host", PACKET_HOST, "to us" },
	{ "otherhost", PACKET_OTHERHOST, "to someone else" },
};

#define NTYPES (sizeof(pkt_types) / sizeof(pkt_types[0]))

static void pkttype_help(FILE *f)
{
	fprintf(f, "pkttype match options:\n"
		"[!] --pkt-type packettype    match packet type\n"
		"\n"
		"Valid packet types:\n");
	for (size_t i = 0; i < NTYPES; i++)
		fprintf(f, "%s\t\t%s\n", pkt_types[i].name, pkt_types[i].what);
	fputc('\n', f);
}

static int pkttype_parse(struct xt_option_call *cb)
{
	struct xt_pkttype_info *info = cb->data;

	for (size_t i = 0; i < NTYPES; i++)
		if (!strcasecmp(cb->arg, pkt_types[i].name)) {
			info->pkttype = pkt_types[i].type;
			info->invert = cb->invert;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "Bad packet type '%s'", cb->arg);
}

static void print_type(FILE *f, int type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (pkt_types[i].type == type) {
			fputs(pkt_types[i].name, f);
			return;
		}
	fprintf(f, "%d", type);
}

static void pkttype_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_pkttype_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " PKTTYPE %s= ", info->invert ? "!" : "");
	print_type(f, info->pkttype);
}

static void pkttype_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_pkttype_info *info = data;

	(void)ip;
	fprintf(f, "%s --pkt-type ", info->invert ? " !" : "");
	print_type(f, info->pkttype);
}

/* Looped-back packets carry no class of their own: the kernel calls them
 * multicast or broadcast by their destination. */
static bool pkttype_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_pkttype_info *info = par->data;
	int type = pkt->pkttype;

	if (type == PACKET_LOOPBACK)
		type = (pkt->data[16] & 0xf0) == 0xe0 ? PACKET_MULTICAST : PACKET_BROADCAST;
	return (type == info->pkttype) != !!info->invert;
}

static struct xtables_match pkttype_ext = {
	.name = "pkttype",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_pkttype_info),
	.userspacesize = sizeof(struct xt_pkttype_info),
	.help = pkttype_help,
	.parse = pkttype_parse,
	.print = pkttype_print,
	.save = pkttype_save,
	.options = pkttype_opts,
	.match = pkttype_match,
};

void libxt_pkttype_init(void)
{
	xtables_register_match(&pkttype_ext);
}
