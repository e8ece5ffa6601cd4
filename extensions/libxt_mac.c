/* mac: the Ethernet source address of an arriving frame. */
#include <stdlib.h>
#include <uiptables/packet.h>
#include <linux/if_ether.h>
#include <linux/netfilter/xt_mac.h>

enum { O_MAC };

/* A string here: iptables' own reading of the address is looser than
 * the core's (one-digit octets are fine). */
static const struct xt_option_entry mac_opts[] = {
	{ .name = "mac-source", .id = O_MAC, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void mac_help(FILE *f)
{
	fprintf(f, "mac match options:\n"
		"[!] --mac-source XX:XX:XX:XX:XX:XX\n"
		"				Match source MAC address\n");
}

/* Six hex groups of at most two digits, separated by colons. */
static int parse_mac(const char *arg, unsigned char *mac)
{
	const char *p = arg;

	for (int i = 0; i < ETH_ALEN; i++) {
		char *end;
		unsigned long v = strtoul(p, &end, 16);

		if (end - p > 2 || *end != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return xt_error(PARAMETER_PROBLEM, "Invalid MAC address specified.");
		mac[i] = (unsigned char)v;
		p = end + 1;
	}
	return 0;
}

static int mac_parse(struct xt_option_call *cb)
{
	struct xt_mac_info *info = cb->data;

	if (cb->invert)
		info->invert = 1;
	return parse_mac(cb->arg, info->srcaddr);
}

static void mac_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_mac_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " MAC%s ", info->invert ? " !" : "");
	xt_print_mac(f, info->srcaddr);
}

static void mac_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_mac_info *info = data;

	(void)ip;
	fprintf(f, "%s --mac-source ", info->invert ? " !" : "");
	xt_print_mac(f, info->srcaddr);
}

static bool mac_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_mac_info *info = par->data;
	bool same = true;

	/* No Ethernet header (local or non-Ethernet device): never matches. */
	if (!pkt->has_mac)
		return false;
	for (int i = 0; i < ETH_ALEN; i++)
		if (pkt->mac[ETH_ALEN + i] != info->srcaddr[i])
			same = false;
	return same != !!info->invert;
}

static struct xtables_match mac_ext = {
	.name = "mac",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_mac_info),
	.userspacesize = sizeof(struct xt_mac_info),
	.help = mac_help,
	.parse = mac_parse,
	.print = mac_print,
	.save = mac_save,
	.options = mac_opts,
	.hooks = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
	.match = mac_match,
};

void libxt_mac_init(void)
{
	xtables_register_match(&mac_ext);
}
