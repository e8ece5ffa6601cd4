/* socket: a local socket would take the packet (transparent proxying). */
#include <uiptables/packet.h>
#include <linux/netfilter/xt_socket.h>
#include "../libxt/error.h"

enum { O_TRANSPARENT, O_NOWILDCARD, O_RESTORESKMARK };

static const struct xt_option_entry socket_opts_v1[] = {
	{ .name = "transparent", .id = O_TRANSPARENT, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry socket_opts_v2[] = {
	{ .name = "transparent", .id = O_TRANSPARENT, .type = XTTYPE_NONE },
	{ .name = "nowildcard", .id = O_NOWILDCARD, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry socket_opts_v3[] = {
	{ .name = "transparent", .id = O_TRANSPARENT, .type = XTTYPE_NONE },
	{ .name = "nowildcard", .id = O_NOWILDCARD, .type = XTTYPE_NONE },
	{ .name = "restore-skmark", .id = O_RESTORESKMARK, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void socket_help(FILE *f)
{
	fprintf(f, "socket match options:\n"
		"  --transparent    only a socket with IP_TRANSPARENT set counts\n"
		"  --nowildcard     a socket bound to 0.0.0.0 does not count\n"
		"  --restore-skmark set the packet's mark from the socket's\n");
}

/* Revisions 1 to 3 share one flag byte; each knows more flags. */
static int socket_parse(struct xt_option_call *cb)
{
	static const uint8_t bits[] = {
		[O_TRANSPARENT] = XT_SOCKET_TRANSPARENT,
		[O_NOWILDCARD] = XT_SOCKET_NOWILDCARD,
		[O_RESTORESKMARK] = XT_SOCKET_RESTORESKMARK,
	};
	struct xt_socket_mtinfo3 *s = cb->data;

	s->flags |= bits[cb->entry->id];
	return 0;
}

static void print_flags(FILE *f, uint8_t flags)
{
	if (flags & XT_SOCKET_TRANSPARENT)
		fputs(" --transparent", f);
	if (flags & XT_SOCKET_NOWILDCARD)
		fputs(" --nowildcard", f);
	if (flags & XT_SOCKET_RESTORESKMARK)
		fputs(" --restore-skmark", f);
}

static void socket_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	fputs(" socket", f);
	if (data)
		print_flags(f, ((const struct xt_socket_mtinfo3 *)data)->flags);
}

static void socket_print_v0(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)data;
	socket_print(f, ip, NULL, numeric);
}

static void socket_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	print_flags(f, ((const struct xt_socket_mtinfo3 *)data)->flags);
}

static int refuse(void)
{
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
			   "Invalid argument. Run `dmesg' for more information");
}

static int check_v1(const struct xt_check_param *par)
{
	return ((const struct xt_socket_mtinfo1 *)par->data)->flags & ~XT_SOCKET_FLAGS_V1 ?
	       refuse() : 0;
}

static int check_v2(const struct xt_check_param *par)
{
	return ((const struct xt_socket_mtinfo2 *)par->data)->flags & ~XT_SOCKET_FLAGS_V2 ?
	       refuse() : 0;
}

static int check_v3(const struct xt_check_param *par)
{
	return ((const struct xt_socket_mtinfo3 *)par->data)->flags & ~XT_SOCKET_FLAGS_V3 ?
	       refuse() : 0;
}

/* Whether a listening or connected socket owns the packet: not modelled. */
static bool socket_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	(void)par;
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "socket: a local socket for the packet");
	return pkt->assume_unknown_match;
}

#define SOCKET_HOOKS (1u << NF_INET_PRE_ROUTING | 1u << NF_INET_LOCAL_IN)

static struct xtables_match socket_exts[] = {
	{
		.name = "socket", .revision = 0, .family = NFPROTO_UNSPEC,
		.size = 0, .userspacesize = 0,
		.help = socket_help, .print = socket_print_v0,
		.hooks = SOCKET_HOOKS, .match = socket_match,
	},
	{
		.name = "socket", .revision = 1, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_socket_mtinfo1),
		.userspacesize = sizeof(struct xt_socket_mtinfo1),
		.help = socket_help, .parse = socket_parse, .print = socket_print,
		.save = socket_save, .options = socket_opts_v1,
		.hooks = SOCKET_HOOKS, .checkentry = check_v1, .match = socket_match,
	},
	{
		.name = "socket", .revision = 2, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_socket_mtinfo2),
		.userspacesize = sizeof(struct xt_socket_mtinfo2),
		.help = socket_help, .parse = socket_parse, .print = socket_print,
		.save = socket_save, .options = socket_opts_v2,
		.hooks = SOCKET_HOOKS, .checkentry = check_v2, .match = socket_match,
	},
	{
		.name = "socket", .revision = 3, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_socket_mtinfo3),
		.userspacesize = sizeof(struct xt_socket_mtinfo3),
		.help = socket_help, .parse = socket_parse, .print = socket_print,
		.save = socket_save, .options = socket_opts_v3,
		.hooks = SOCKET_HOOKS, .checkentry = check_v3, .match = socket_match,
	},
};

void libxt_socket_init(void)
{
	xtables_register_matches(socket_exts, sizeof(socket_exts) / sizeof(socket_exts[0]));
}
