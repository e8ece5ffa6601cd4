/*
 * conntrack.c - uconntrack: conntrack-tools' conntrack(8) command line
 *
 * Same options, same messages, same exit codes and, because entries are
 * printed with libnetfilter_conntrack's own nfct_snprintf(), the same lines
 * as conntrack v1.4.7.  Where the entries come from is a ct_source: the
 * evaluator's table by default, the live kernel table with --kernel.
 *
 * The messages name "conntrack v1.4.7 (conntrack-tools)" on purpose: scripts
 * that parse conntrack's stderr keep working, and outputs can be compared
 * byte for byte with the tool this one stands in for.
 *
 * Known, deliberate differences from conntrack 1.4.7 (see uconntrack(8)):
 *  - -U sends the entry's address family and zone; 1.4.7 sends AF_UNSPEC
 *    when no address option fixes the family (current kernels refuse with
 *    "Operation not supported") and no zone (entries outside zone 0 are
 *    then not found).
 *  - -C and -S do not fall back to /proc when netlink says no.
 *  - -u after -m does not overwrite the mark (a 1.4.7 slip).
 *  - -E can be bounded with --event-count and --event-timeout.
 *  - --time SECONDS: the instant of a command on the evaluator's
 *    packet clock (the evaluator's table only).
 */
/* _GNU_SOURCE comes from config.h (AC_USE_SYSTEM_EXTENSIONS). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "conntrack.h"
#include "../libxt/ct_source.h"

#define CT_BANNER	"conntrack v1.4.7 (conntrack-tools)"
#define CT_VERSION	"1.4.7"

enum {
	EXIT_OTHER_PROBLEM	= 1,
	EXIT_PARAMETER_PROBLEM	= 2,
};

/* Commands, in the order of the legality table below. */
enum ct_cmd_index {
	C_CT_LIST, C_CT_CREATE, C_CT_UPDATE, C_CT_DELETE, C_CT_GET,
	C_CT_FLUSH, C_CT_EVENT, C_VERSION, C_HELP, C_EXP_LIST, C_EXP_CREATE,
	C_EXP_DELETE, C_EXP_GET, C_EXP_FLUSH, C_EXP_EVENT, C_CT_COUNT,
	C_EXP_COUNT, C_CT_STATS, C_EXP_STATS,
	C__MAX, C_NONE = C__MAX,
};

/* Generic options: conntrack checks and names them in this order. */
enum ct_opt {
	O_SRC, O_DST, O_REPL_SRC, O_REPL_DST, O_PROTO, O_TIMEOUT, O_STATUS,
	O_ZERO, O_EVENT_MASK, O_TUPLE_SRC, O_TUPLE_DST, O_MASK_SRC,
	O_MASK_DST, O_NAT_RANGE, O_MARK, O_ID, O_FAMILY, O_SRC_NAT,
	O_DST_NAT, O_OUTPUT, O_SECMARK, O_BUFFER, O_ANY_NAT, O_ZONE, O_LABEL,
	O_LABEL_ADD, O_LABEL_DEL, O_ORIG_ZONE, O_REPL_ZONE,
	O__MAX,
	/* uconntrack's own, outside conntrack's table */
	O_EVENT_COUNT = O__MAX, O_EVENT_TIMEOUT, O_KERNEL, O_TIME,
};

#define OPT(o)		(1ULL << (o))

static const char *const opt_names[O__MAX] = {
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout",
	"status", "zero", "event-mask", "tuple-src", "tuple-dst", "mask-src",
	"mask-dst", "nat-range", "mark", "id", "family", "src-nat", "dst-nat",
	"output", "secmark", "buffer-size", "any-nat", "zone", "label",
	"label-add", "label-del", "orig-zone", "reply-zone",
};

/*
 * Which option each command takes: 0 illegal, 1 required, 2 optional.
 * Observed from conntrack 1.4.7, one command and option at a time.
 */
static const uint8_t legal[C__MAX][O__MAX] = {
	/*            s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( ) */
	[C_CT_LIST]   = {2,2,2,2,2,0,2,2,0,0,0,2,2,0,2,0,2,2,2,2,2,0,2,2,2,0,0,2,2},
	[C_CT_CREATE] = {2,2,2,2,1,1,2,0,0,0,0,0,0,0,2,0,0,2,2,0,0,0,0,2,2,0,0,2,2},
	[C_CT_UPDATE] = {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,0,2,2,2,0,0},
	[C_CT_DELETE] = {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,2,2,0,0,2,2},
	[C_CT_GET]    = {2,2,2,2,1,0,0,0,0,0,0,0,0,0,0,2,0,0,0,2,0,0,0,0,0,0,0,0,0},
	[C_CT_FLUSH]  = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0},
	[C_CT_EVENT]  = {2,2,2,2,2,0,0,0,2,0,0,2,2,0,2,0,2,2,2,2,2,2,2,2,2,0,0,2,2},
	[C_VERSION]   = {0},
	[C_HELP]      = {0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[C_EXP_LIST]  = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,2,0,0,0,0,0,0,0,0,0},
	[C_EXP_CREATE]= {1,1,2,2,1,1,2,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[C_EXP_DELETE]= {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[C_EXP_GET]   = {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[C_EXP_FLUSH] = {0},
	[C_EXP_EVENT] = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0},
	[C_CT_COUNT]  = {0},
	[C_EXP_COUNT] = {0},
	[C_CT_STATS]  = {0},
	[C_EXP_STATS] = {0},
};

/* Output flags of -o. */
enum {
	OUT_XML		= 1 << 0,
	OUT_EXTENDED	= 1 << 1,
	OUT_TIMESTAMP	= 1 << 2,
	OUT_ID		= 1 << 3,
	OUT_KTIMESTAMP	= 1 << 4,
	OUT_LABELS	= 1 << 5,
	OUT_SAVE	= 1 << 6,
	OUT_USERSPACE	= 1 << 7,
};

/* The four addresses of a conntrack and the expectation tuple and mask. */
enum {
	A_SRC, A_DST, A_REPL_SRC, A_REPL_DST, A_TUPLE_SRC, A_TUPLE_DST,
	A_MASK_SRC, A_MASK_DST, A__MAX,
};

union ct_inaddr {
	uint32_t	v4;
	struct in6_addr	v6;
};

struct ct_addr {
	bool		set;
	bool		masked;		/* /cidr or --mask-src/--mask-dst */
	uint8_t		family;
	union ct_inaddr	addr;
	union ct_inaddr	mask;
};

struct ct_nat {
	bool		has_ip;
	bool		has_port;
	uint8_t		family;
	union ct_inaddr	ip;
	uint16_t	port;		/* network order */
};

struct ct_proto;

struct ct_cmd {
	enum ct_cmd_index	cmd;
	enum ct_table		table;
	uint64_t		options;
	uint8_t			family;
	const struct ct_proto	*proto;
	uint8_t			l4num;
	unsigned int		proto_opts;

	/* what -I creates, -G looks up and the filters compare with */
	struct nf_conntrack	*tmpl;
	struct nf_conntrack	*exp_tuple;	/* --tuple-* */
	struct nf_conntrack	*exp_mask;	/* --mask-* for expectations */
	struct ct_addr		addr[A__MAX];
	uint32_t		mark, mark_mask;
	uint32_t		status;
	unsigned int		event_mask;
	unsigned int		output;
	unsigned int		rcvbuf;
	struct ct_nat		snat, dnat, anynat;
	struct nfct_labelmap	*labelmap;
	struct nfct_bitmask	*label, *label_add, *label_del;
	unsigned long		event_count;
	long			event_timeout_ms;
	uint64_t		time_ns;	/* --time */

	/* running */
	const struct ct_source_ops *ops;
	struct ct_source	*src;
	unsigned int		counter;
	bool			xml_open;
	int			op_err;

	/* the one error of this run, reported at the edge */
	int			err_status;
	char			err_msg[512];
};

static int fail(struct ct_cmd *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ct_cmd *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->err_status)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	c->err_status = status;
	return -1;
}

#define param_fail(c, ...)	fail(c, EXIT_PARAMETER_PROBLEM, __VA_ARGS__)

/*
 * Numbers are read the way conntrack reads them: strtoul in any base and
 * truncated to the field, so "-w 70000" is zone 4464 and "abc" is 0.
 */
static unsigned long loose_ul(const char *s, char **end)
{
	return strtoul(s, end, 0);
}

static uint32_t loose_u32(const char *s)
{
	return (uint32_t)loose_ul(s, NULL);
}

static uint16_t loose_u16(const char *s)
{
	return (uint16_t)loose_ul(s, NULL);
}

static uint8_t loose_u8(const char *s)
{
	return (uint8_t)loose_ul(s, NULL);
}

/* Protocols */

enum proto_opt_kind {
	P_ORIG_SPORT, P_ORIG_DPORT, P_REPL_SPORT, P_REPL_DPORT,
	P_MASK_SPORT, P_MASK_DPORT, P_TUPLE_SPORT, P_TUPLE_DPORT,
	P_STATE, P_ORIG_VTAG, P_REPL_VTAG, P_ROLE,
	P_ICMP_TYPE, P_ICMP_CODE, P_ICMP_ID,
	P__MAX,
};

#define POPT(k)		(1U << (k))

struct proto_opt {
	const char		*name;
	enum proto_opt_kind	kind;
};

struct ct_proto {
	const char		*name;
	uint8_t			num;
	const struct proto_opt	*opts;		/* "" terminated */
	const char *const	*states;	/* NULL terminated */
	unsigned int		nstates;
	const char		*state_what;	/* for "unknown TCP state" */
	const char		*help;
	int  (*check)(struct ct_cmd *c);
	void (*save)(char **p, size_t *len, const struct nf_conntrack *ct);
};

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "LISTEN",
};

static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT",
};

#define PORT_OPTS \
	{ "orig-port-src",  P_ORIG_SPORT }, \
	{ "sport",          P_ORIG_SPORT }, \
	{ "orig-port-dst",  P_ORIG_DPORT }, \
	{ "dport",          P_ORIG_DPORT }, \
	{ "reply-port-src", P_REPL_SPORT }, \
	{ "reply-port-dst", P_REPL_DPORT }, \
	{ "mask-port-src",  P_MASK_SPORT }, \
	{ "mask-port-dst",  P_MASK_DPORT }, \
	{ "tuple-port-src", P_TUPLE_SPORT }, \
	{ "tuple-port-dst", P_TUPLE_DPORT }

static const struct proto_opt tcp_opts[] = {
	PORT_OPTS, { "state", P_STATE }, { "", 0 },
};
static const struct proto_opt udp_opts[] = {
	PORT_OPTS, { "", 0 },
};
static const struct proto_opt sctp_opts[] = {
	PORT_OPTS, { "state", P_STATE }, { "orig-vtag", P_ORIG_VTAG },
	{ "reply-vtag", P_REPL_VTAG }, { "", 0 },
};
static const struct proto_opt dccp_opts[] = {
	PORT_OPTS, { "state", P_STATE }, { "role", P_ROLE }, { "", 0 },
};
static const struct proto_opt icmp_opts[] = {
	{ "icmp-type", P_ICMP_TYPE }, { "icmp-code", P_ICMP_CODE },
	{ "icmp-id", P_ICMP_ID }, { "", 0 },
};
static const struct proto_opt icmpv6_opts[] = {
	{ "icmpv6-type", P_ICMP_TYPE }, { "icmpv6-code", P_ICMP_CODE },
	{ "icmpv6-id", P_ICMP_ID }, { "", 0 },
};
static const struct proto_opt gre_opts[] = {
	{ "orig-key-src", P_ORIG_SPORT }, { "srckey", P_ORIG_SPORT },
	{ "orig-key-dst", P_ORIG_DPORT }, { "dstkey", P_ORIG_DPORT },
	{ "reply-key-src", P_REPL_SPORT }, { "reply-key-dst", P_REPL_DPORT },
	{ "mask-key-src", P_MASK_SPORT }, { "mask-key-dst", P_MASK_DPORT },
	{ "tuple-key-src", P_TUPLE_SPORT }, { "tuple-key-dst", P_TUPLE_DPORT },
	{ "", 0 },
};
static const struct proto_opt no_opts[] = {
	{ "", 0 },
};

static const char *proto_opt_name(const struct ct_proto *p,
				  enum proto_opt_kind k)
{
	const struct proto_opt *o;

	for (o = p->opts; o->name[0]; o++)
		if (o->kind == k)
			return o->name;
	return "?";
}

/* Which commands take a proto option, and which need it. */
static int proto_opt_legal(enum ct_cmd_index cmd, enum proto_opt_kind k,
			   const struct ct_proto *p)
{
	switch (k) {
	case P_MASK_SPORT: case P_MASK_DPORT:
	case P_TUPLE_SPORT: case P_TUPLE_DPORT:
		return cmd == C_EXP_CREATE ? 1 : 0;
	case P_ORIG_SPORT: case P_ORIG_DPORT:
		if (cmd == C_EXP_CREATE)
			return 1;
		/* fall through */
	case P_REPL_SPORT: case P_REPL_DPORT:
		return cmd == C_CT_FLUSH || cmd == C_CT_COUNT ||
		       cmd == C_CT_STATS ? 0 : 2;
	case P_STATE:
		if (cmd == C_CT_CREATE && p->states != dccp_states)
			return 1;
		return 2;
	case P_ICMP_TYPE: case P_ICMP_CODE:
		return cmd == C_CT_CREATE || cmd == C_CT_GET ? 1 : 2;
	default:
		return 2;
	}
}

static int proto_opt_check(struct ct_cmd *c)
{
	const struct proto_opt *o;

	for (o = c->proto->opts; o->name[0]; o++) {
		int l = proto_opt_legal(c->cmd, o->kind, c->proto);
		bool given = c->proto_opts & POPT(o->kind);

		if (!given && l == 1)
			return param_fail(c, "You need to supply the `--%s' "
					  "option for this command",
					  proto_opt_name(c->proto, o->kind));
		if (given && l == 0)
			return param_fail(c, "Illegal option `--%s' with this "
					  "command",
					  proto_opt_name(c->proto, o->kind));
	}
	return 0;
}

/* -I and -G name one connection: both ports of one direction at least. */
static int need_port_pair(struct ct_cmd *c, const char *a, const char *b)
{
	unsigned int orig = POPT(P_ORIG_SPORT) | POPT(P_ORIG_DPORT);
	unsigned int repl = POPT(P_REPL_SPORT) | POPT(P_REPL_DPORT);

	if (c->cmd != C_CT_CREATE && c->cmd != C_CT_GET)
		return 0;
	if ((c->proto_opts & orig) == orig || (c->proto_opts & repl) == repl)
		return 0;
	return param_fail(c, "you have to specify `--%s' and `--%s'", a, b);
}

static int ports_check(struct ct_cmd *c)
{
	if (proto_opt_check(c) < 0)
		return -1;
	return need_port_pair(c, "sport", "dport");
}

static int gre_check(struct ct_cmd *c)
{
	if (proto_opt_check(c) < 0)
		return -1;
	return need_port_pair(c, "srckey", "dstkey");
}

static int plain_check(struct ct_cmd *c)
{
	return proto_opt_check(c);
}

/* -o save: conntrack's own line, an -I command that recreates the entry */

static void out_add(char **p, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void out_add(char **p, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(*p, *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= *len)
		n = (int)*len - 1;
	*p += n;
	*len -= n;
}

static void save_ports(char **p, size_t *len, const struct nf_conntrack *ct,
		       const char *const names[4])
{
	static const int attrs[4] = {
		ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST,
		ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST,
	};
	int i;

	for (i = 0; i < 4; i++)
		if (nfct_attr_is_set(ct, attrs[i]))
			out_add(p, len, " --%s %u", names[i],
				ntohs(nfct_get_attr_u16(ct, attrs[i])));
}

static void save_state(char **p, size_t *len, const struct nf_conntrack *ct,
		       int attr, const char *const *names, unsigned int n)
{
	uint8_t s;

	if (!nfct_attr_is_set(ct, attr))
		return;
	s = nfct_get_attr_u8(ct, attr);
	if (s < n)
		out_add(p, len, " --state %s", names[s]);
}

static const char *const port_names[4] = {
	"sport", "dport", "reply-port-src", "reply-port-dst",
};

static void tcp_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	save_ports(p, len, ct, port_names);
	save_state(p, len, ct, ATTR_TCP_STATE, tcp_states,
		   sizeof(tcp_states) / sizeof(tcp_states[0]));
}

static void udp_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	save_ports(p, len, ct, port_names);
}

static void sctp_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	save_ports(p, len, ct, port_names);
	save_state(p, len, ct, ATTR_SCTP_STATE, sctp_states,
		   sizeof(sctp_states) / sizeof(sctp_states[0]));
	if (nfct_attr_is_set(ct, ATTR_SCTP_VTAG_ORIG))
		out_add(p, len, " --orig-vtag %u",
			ntohl(nfct_get_attr_u32(ct, ATTR_SCTP_VTAG_ORIG)));
	if (nfct_attr_is_set(ct, ATTR_SCTP_VTAG_REPL))
		out_add(p, len, " --reply-vtag %u",
			ntohl(nfct_get_attr_u32(ct, ATTR_SCTP_VTAG_REPL)));
}

static void icmp_save_as(char **p, size_t *len, const struct nf_conntrack *ct,
			 const char *pfx)
{
	if (nfct_attr_is_set(ct, ATTR_ICMP_TYPE))
		out_add(p, len, " --%s-type %u", pfx,
			nfct_get_attr_u8(ct, ATTR_ICMP_TYPE));
	if (nfct_attr_is_set(ct, ATTR_ICMP_CODE))
		out_add(p, len, " --%s-code %u", pfx,
			nfct_get_attr_u8(ct, ATTR_ICMP_CODE));
	if (nfct_attr_is_set(ct, ATTR_ICMP_ID))
		out_add(p, len, " --%s-id %u", pfx,
			ntohs(nfct_get_attr_u16(ct, ATTR_ICMP_ID)));
}

static void icmp_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	icmp_save_as(p, len, ct, "icmp");
}

static void icmpv6_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	icmp_save_as(p, len, ct, "icmpv6");
}

static void gre_save(char **p, size_t *len, const struct nf_conntrack *ct)
{
	static const char *const names[4] = {
		"srckey", "dstkey", "reply-key-src", "reply-key-dst",
	};

	save_ports(p, len, ct, names);
}

#define HELP_PORTS \
	"  --orig-port-src\t\toriginal source port\n" \
	"  --orig-port-dst\t\toriginal destination port\n" \
	"  --reply-port-src\t\treply source port\n" \
	"  --reply-port-dst\t\treply destination port\n" \
	"  --mask-port-src\t\tmask source port\n" \
	"  --mask-port-dst\t\tmask destination port\n" \
	"  --tuple-port-src\t\texpectation tuple src port\n" \
	"  --tuple-port-src\t\texpectation tuple dst port\n"

static const struct ct_proto protos[] = {
	{ "tcp", IPPROTO_TCP, tcp_opts, tcp_states, 10, "TCP",
	  HELP_PORTS "  --state\t\t\tTCP state, fe. ESTABLISHED\n",
	  ports_check, tcp_save },
	{ "udp", IPPROTO_UDP, udp_opts, NULL, 0, NULL, HELP_PORTS,
	  ports_check, udp_save },
	{ "udplite", IPPROTO_UDPLITE, udp_opts, NULL, 0, NULL, HELP_PORTS,
	  ports_check, udp_save },
	{ "sctp", IPPROTO_SCTP, sctp_opts, sctp_states, 10, "SCTP",
	  HELP_PORTS "  --state\t\t\tSCTP state, fe. ESTABLISHED\n"
	  "  --orig-vtag\t\toriginal verification tag\n"
	  "  --reply-vtag\t\treply verification tag\n",
	  ports_check, sctp_save },
	{ "dccp", IPPROTO_DCCP, dccp_opts, dccp_states, 8, "DCCP",
	  HELP_PORTS "  --state\t\t\tDCCP state, fe. RESPOND\n",
	  ports_check, NULL },
	{ "icmp", IPPROTO_ICMP, icmp_opts, NULL, 0, NULL,
	  "  --icmp-type\t\t\ticmp type\n  --icmp-code\t\t\ticmp code\n"
	  "  --icmp-id\t\t\ticmp id\n", plain_check, icmp_save },
	{ "icmpv6", IPPROTO_ICMPV6, icmpv6_opts, NULL, 0, NULL,
	  "  --icmpv6-type\t\t\ticmpv6 type\n  --icmpv6-code\t\t\ticmpv6 code\n"
	  "  --icmpv6-id\t\t\ticmpv6 id\n", plain_check, icmpv6_save },
	{ "gre", IPPROTO_GRE, gre_opts, NULL, 0, NULL,
	  "  --orig-key-src\t\toriginal source key\n"
	  "  --orig-key-dst\t\toriginal destination key\n"
	  "  --reply-key-src\t\treply source key\n"
	  "  --reply-key-dst\t\treply destination key\n"
	  "  --mask-key-src\t\tmask source key\n"
	  "  --mask-key-dst\t\tmask destination key\n"
	  "  --tuple-key-src\t\texpectation tuple src key\n"
	  "  --tuple-key-src\t\texpectation tuple dst key\n",
	  gre_check, gre_save },
};

/* Any other protocol number: no options, listed by number. */
static const struct ct_proto proto_unknown = {
	"unknown", 0, no_opts, NULL, 0, NULL, "  no options (unsupported)\n",
	plain_check, NULL,
};

static const struct ct_proto *proto_by_num(uint8_t num)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == num)
			return &protos[i];
	return NULL;
}

static int proto_lookup(const char *name, uint8_t *num)
{
	struct protoent *pe;
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(protos[i].name, name) == 0) {
			*num = protos[i].num;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(name, &end, 0);
	if (*name && *end == '\0' && errno == 0 && v <= 255) {
		*num = (uint8_t)v;
		return 0;
	}
	pe = getprotobyname(name);
	if (pe != NULL && pe->p_proto >= 0 && pe->p_proto <= 255) {
		*num = (uint8_t)pe->p_proto;
		return 0;
	}
	return -1;
}

/* Long options.  Protocol options join the table once -p names the
 * protocol, as in conntrack: "--sport" before "-p tcp" is unknown. */

enum {
	LONG_TUPLE_SRC = 256, LONG_TUPLE_DST, LONG_MASK_SRC, LONG_MASK_DST,
	LONG_LABEL_ADD, LONG_LABEL_DEL, LONG_ORIG_ZONE, LONG_REPL_ZONE,
	LONG_EVENT_COUNT, LONG_EVENT_TIMEOUT, LONG_KERNEL, LONG_TIME,
	LONG_PROTO_BASE = 512,
};

static const struct option base_opts[] = {
	{ "dump",		optional_argument, NULL, 'L' },
	{ "create",		optional_argument, NULL, 'I' },
	{ "delete",		optional_argument, NULL, 'D' },
	{ "update",		optional_argument, NULL, 'U' },
	{ "get",		optional_argument, NULL, 'G' },
	{ "flush",		optional_argument, NULL, 'F' },
	{ "event",		optional_argument, NULL, 'E' },
	{ "counter",		optional_argument, NULL, 'C' },
	{ "stats",		no_argument,	   NULL, 'S' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "orig-src",		required_argument, NULL, 's' },
	{ "src",		required_argument, NULL, 's' },
	{ "orig-dst",		required_argument, NULL, 'd' },
	{ "dst",		required_argument, NULL, 'd' },
	{ "reply-src",		required_argument, NULL, 'r' },
	{ "reply-dst",		required_argument, NULL, 'q' },
	{ "protonum",		required_argument, NULL, 'p' },
	{ "timeout",		required_argument, NULL, 't' },
	{ "status",		required_argument, NULL, 'u' },
	{ "zero",		no_argument,	   NULL, 'z' },
	{ "event-mask",		required_argument, NULL, 'e' },
	{ "tuple-src",		required_argument, NULL, LONG_TUPLE_SRC },
	{ "tuple-dst",		required_argument, NULL, LONG_TUPLE_DST },
	{ "mask-src",		required_argument, NULL, LONG_MASK_SRC },
	{ "mask-dst",		required_argument, NULL, LONG_MASK_DST },
	{ "nat-range",		required_argument, NULL, 'a' },
	{ "mark",		required_argument, NULL, 'm' },
	{ "secmark",		required_argument, NULL, 'c' },
	{ "id",			optional_argument, NULL, 'i' },
	{ "family",		required_argument, NULL, 'f' },
	{ "src-nat",		optional_argument, NULL, 'n' },
	{ "dst-nat",		optional_argument, NULL, 'g' },
	{ "output",		required_argument, NULL, 'o' },
	{ "buffer-size",	required_argument, NULL, 'b' },
	{ "any-nat",		optional_argument, NULL, 'j' },
	{ "zone",		required_argument, NULL, 'w' },
	{ "label",		required_argument, NULL, 'l' },
	{ "label-add",		required_argument, NULL, LONG_LABEL_ADD },
	{ "label-del",		optional_argument, NULL, LONG_LABEL_DEL },
	{ "orig-zone",		required_argument, NULL, LONG_ORIG_ZONE },
	{ "reply-zone",		required_argument, NULL, LONG_REPL_ZONE },
	{ "event-count",	required_argument, NULL, LONG_EVENT_COUNT },
	{ "event-timeout",	required_argument, NULL, LONG_EVENT_TIMEOUT },
	{ "kernel",		no_argument,	   NULL, LONG_KERNEL },
	{ "time",		required_argument, NULL, LONG_TIME },
};

#define N_BASE_OPTS	(sizeof(base_opts) / sizeof(base_opts[0]))
#define MAX_PROTO_OPTS	16

static const char short_opts[] =
	":L::I::U::D::G::E::F::C::ShVs:d:r:q:p:t:u:ze:a:m:c:i::f:n::g::"
	"o:b:j::w:l:";

struct opt_table {
	struct option opts[N_BASE_OPTS + MAX_PROTO_OPTS + 1];
};

static void opt_table_init(struct opt_table *t, const struct ct_proto *p)
{
	size_t n = N_BASE_OPTS;
	const struct proto_opt *o;

	memcpy(t->opts, base_opts, sizeof(base_opts));
	for (o = p ? p->opts : no_opts; o->name[0] && n < N_BASE_OPTS +
	     MAX_PROTO_OPTS; o++, n++) {
		t->opts[n].name = o->name;
		t->opts[n].has_arg = required_argument;
		t->opts[n].flag = NULL;
		t->opts[n].val = LONG_PROTO_BASE + o->kind;
	}
	memset(&t->opts[n], 0, sizeof(t->opts[n]));
}

/* Commands and tables */

static const char *const table_names[] = {
	[CT_TABLE_CONNTRACK]	= "conntrack",
	[CT_TABLE_EXPECT]	= "expect",
	[CT_TABLE_DYING]	= "dying",
	[CT_TABLE_UNCONFIRMED]	= "unconfirmed",
};

static int parse_table(struct ct_cmd *c, const char *arg, enum ct_table *t)
{
	size_t i;

	if (arg == NULL) {
		*t = CT_TABLE_CONNTRACK;
		return 0;
	}
	for (i = 0; i < sizeof(table_names) / sizeof(table_names[0]); i++) {
		if (strncmp(arg, table_names[i], strlen(arg)) == 0 && *arg) {
			*t = (enum ct_table)i;
			return 0;
		}
	}
	return param_fail(c, "unknown type `%s'", arg);
}

static enum ct_cmd_index exp_variant(int letter)
{
	switch (letter) {
	case 'L': return C_EXP_LIST;
	case 'I': return C_EXP_CREATE;
	case 'D': return C_EXP_DELETE;
	case 'G': return C_EXP_GET;
	case 'F': return C_EXP_FLUSH;
	case 'E': return C_EXP_EVENT;
	case 'C': return C_EXP_COUNT;
	case 'S': return C_EXP_STATS;
	default:  return C_NONE;
	}
}

static enum ct_cmd_index ct_variant(int letter)
{
	switch (letter) {
	case 'L': return C_CT_LIST;
	case 'I': return C_CT_CREATE;
	case 'U': return C_CT_UPDATE;
	case 'D': return C_CT_DELETE;
	case 'G': return C_CT_GET;
	case 'F': return C_CT_FLUSH;
	case 'E': return C_CT_EVENT;
	case 'C': return C_CT_COUNT;
	case 'S': return C_CT_STATS;
	case 'V': return C_VERSION;
	case 'h': return C_HELP;
	default:  return C_NONE;
	}
}

static int set_command(struct ct_cmd *c, int letter, const char *arg)
{
	enum ct_table table = CT_TABLE_CONNTRACK;

	if (c->cmd != C_NONE)
		return param_fail(c, "Invalid commands combination");
	if (parse_table(c, arg, &table) < 0)
		return -1;

	if (table == CT_TABLE_EXPECT) {
		if (letter == 'U')
			return param_fail(c, "Can't do --update on "
					  "expectations");
		c->cmd = exp_variant(letter);
	} else {
		if ((table == CT_TABLE_DYING ||
		     table == CT_TABLE_UNCONFIRMED) && letter != 'L')
			return param_fail(c, "Can't do that command with "
					  "tables `dying' and `unconfirmed'");
		c->cmd = ct_variant(letter);
	}
	c->table = table;
	return 0;
}

/* conntrack takes a table name from the next word as well as from
 * "-Lexpect": borrow it unless it looks like an option. */
static const char *optional_word(int argc, char **argv)
{
	if (optarg != NULL)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return NULL;
}

/* Addresses */

static int parse_inet(const char *s, uint8_t *family, union ct_inaddr *a)
{
	struct in_addr in;

	if (inet_aton(s, &in)) {
		*family = AF_INET;
		a->v4 = in.s_addr;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static void cidr_mask(uint8_t family, unsigned int bits, union ct_inaddr *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (family == AF_INET) {
		m->v4 = bits ? htonl(~0U << (32 - bits)) : 0;
		return;
	}
	for (i = 0; i < 16; i++, bits = bits > 8 ? bits - 8 : 0)
		m->v6.s6_addr[i] = bits >= 8 ? 0xff :
				   (uint8_t)(0xff << (8 - bits));
}

static int note_family(struct ct_cmd *c, uint8_t family)
{
	if (c->family && c->family != family)
		return param_fail(c, "mismatched address family");
	c->family = family;
	return 0;
}

static int parse_addr(struct ct_cmd *c, const char *arg, struct ct_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	unsigned long bits;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (strlen(arg) >= sizeof(buf) ||
	    parse_inet(buf, &a->family, &a->addr) < 0)
		return param_fail(c, "Invalid IP address `%s'", arg);
	if (note_family(c, a->family) < 0)
		return -1;
	a->set = true;
	if (slash == NULL)
		return 0;

	bits = strtoul(slash, &end, 10);
	if (*slash == '\0' || *end != '\0' ||
	    bits > (a->family == AF_INET ? 32U : 128U))
		return param_fail(c, "Invalid netmask");
	cidr_mask(a->family, (unsigned int)bits, &a->mask);
	a->masked = true;
	return 0;
}

/* --mask-src/--mask-dst: an address-shaped mask for -s/-d */
static int parse_mask(struct ct_cmd *c, const char *arg, struct ct_addr *m)
{
	if (parse_inet(arg, &m->family, &m->addr) < 0)
		return param_fail(c, "Invalid IP address `%s'", arg);
	if (note_family(c, m->family) < 0)
		return -1;
	m->set = true;
	return 0;
}

static int parse_nat(struct ct_cmd *c, const char *arg, struct ct_nat *nat)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *colon;

	memset(nat, 0, sizeof(*nat));
	if (arg == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", arg);
	/* ip:port for IPv4; an IPv6 address keeps its colons */
	colon = strrchr(buf, ':');
	if (colon != NULL && strchr(buf, ':') == colon) {
		*colon++ = '\0';
		nat->has_port = true;
		nat->port = htons(loose_u16(colon));
	}
	if (strlen(arg) >= sizeof(buf) ||
	    parse_inet(buf, &nat->family, &nat->ip) < 0)
		return param_fail(c, "Invalid IP address `%s'", arg);
	if (note_family(c, nat->family) < 0)
		return -1;
	nat->has_ip = true;
	return 0;
}

/* Comma lists: status flags, event types, output formats.  A bad word is
 * quoted with whatever follows it, as conntrack does. */
struct name_bit {
	const char	*name;
	unsigned int	bits;
};

static int match_word(const struct name_bit *tbl, const char *s, size_t n,
		      unsigned int *bits)
{
	for (; tbl->name; tbl++) {
		if (strlen(tbl->name) == n && strncasecmp(tbl->name, s, n) == 0) {
			*bits |= tbl->bits;
			return 0;
		}
	}
	return -1;
}

static int parse_list(struct ct_cmd *c, const char *arg,
		      const struct name_bit *tbl, unsigned int *bits,
		      void (*special)(const char *word, size_t n))
{
	const char *s = arg, *comma;

	for (;;) {
		size_t n;

		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		if (special != NULL)
			special(s, n);
		if (n == 0 || match_word(tbl, s, n, bits) < 0)
			return param_fail(c, "Bad parameter `%s'", s);
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

static const struct name_bit status_names[] = {
	{ "EXPECTED",		IPS_EXPECTED },
	{ "SEEN_REPLY",		IPS_SEEN_REPLY },
	{ "ASSURED",		IPS_ASSURED },
	{ "FIXED_TIMEOUT",	IPS_FIXED_TIMEOUT },
	{ "OFFLOAD",		1U << 14 },
	{ "HW_OFFLOAD",		1U << 15 },
	{ "UNSET",		0 },
	{ "SRC_NAT",		0 },
	{ "DST_NAT",		0 },
	{ NULL, 0 },
};

static void status_nat_warning(const char *word, size_t n)
{
	if (n == 7 && strncasecmp(word, "SRC_NAT", n) == 0)
		fprintf(stderr, "WARNING: ignoring SRC_NAT, use --src-nat "
			"instead\n");
	else if (n == 7 && strncasecmp(word, "DST_NAT", n) == 0)
		fprintf(stderr, "WARNING: ignoring DST_NAT, use --dst-nat "
			"instead\n");
}

static const struct name_bit event_names[] = {
	{ "ALL",	CT_EVENT_F_ALL },
	{ "NEW",	CT_EVENT_F_NEW },
	{ "UPDATES",	CT_EVENT_F_UPDATE },
	{ "DESTROY",	CT_EVENT_F_DESTROY },
	{ NULL, 0 },
};

static const struct name_bit output_names[] = {
	{ "xml",	OUT_XML },
	{ "extended",	OUT_EXTENDED },
	{ "timestamp",	OUT_TIMESTAMP },
	{ "id",		OUT_ID },
	{ "ktimestamp",	OUT_KTIMESTAMP },
	{ "labels",	OUT_LABELS },
	{ "save",	OUT_SAVE },
	{ "userspace",	OUT_USERSPACE },
	{ NULL, 0 },
};

/* Labels: names come from connlabel.conf through libnetfilter_conntrack */

static void load_labelmap(struct ct_cmd *c)
{
	if (c->labelmap != NULL)
		return;
	c->labelmap = nfct_labelmap_new(NULL);
	if (c->labelmap == NULL)
		perror("nfct_labelmap_new");
}

static int parse_labels(struct ct_cmd *c, const char *arg,
			struct nfct_bitmask **maskp)
{
	char buf[1024], *word, *save = NULL;

	load_labelmap(c);
	snprintf(buf, sizeof(buf), "%s", arg);
	for (word = strtok_r(buf, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		int bit = c->labelmap ?
			  nfct_labelmap_get_bit(c->labelmap, word) : -1;

		if (bit < 0)
			return param_fail(c, "unknown label '%s'", word);
		if (*maskp == NULL) {
			*maskp = nfct_bitmask_new(127);
			if (*maskp == NULL)
				return fail(c, EXIT_OTHER_PROBLEM,
					    "OOM allocating label");
		}
		nfct_bitmask_set_bit(*maskp, (unsigned int)bit);
	}
	return 0;
}

/* The options themselves */

static void set_opt(struct ct_cmd *c, enum ct_opt o)
{
	c->options |= OPT(o);
}

static int parse_family(struct ct_cmd *c, const char *arg)
{
	uint8_t family;

	if (strncmp(arg, "ipv4", strlen(arg)) == 0 && *arg)
		family = AF_INET;
	else if (strncmp(arg, "ipv6", strlen(arg)) == 0 && *arg)
		family = AF_INET6;
	else
		return param_fail(c, "`%s' unsupported protocol", arg);
	return note_family(c, family);
}

static int parse_proto(struct ct_cmd *c, const char *arg,
		       struct opt_table *t)
{
	uint8_t num;

	if (proto_lookup(arg, &num) < 0)
		return param_fail(c, "`%s' unsupported protocol", arg);
	c->l4num = num;
	c->proto = proto_by_num(num);
	if (c->proto == NULL)
		c->proto = &proto_unknown;
	c->proto_opts = 0;
	nfct_set_attr_u8(c->tmpl, ATTR_L4PROTO, num);
	opt_table_init(t, c->proto);
	return 0;
}

static int parse_state(struct ct_cmd *c, const char *arg)
{
	const struct ct_proto *p = c->proto;
	unsigned int i;
	int attr;

	for (i = 0; i < p->nstates; i++)
		if (strcmp(arg, p->states[i]) == 0)
			break;
	if (i == p->nstates) {
		if (p->states == tcp_states)
			return param_fail(c, "unknown TCP state `%s'", arg);
		return param_fail(c, "Unknown %s state `%s'", p->state_what,
				  arg);
	}
	attr = p->states == tcp_states ? ATTR_TCP_STATE :
	       p->states == sctp_states ? ATTR_SCTP_STATE : ATTR_DCCP_STATE;
	nfct_set_attr_u8(c->tmpl, attr, (uint8_t)i);
	return 0;
}

static int parse_role(struct ct_cmd *c, const char *arg)
{
	if (strncasecmp(arg, "client", strlen(arg)) == 0 && *arg)
		nfct_set_attr_u8(c->tmpl, ATTR_DCCP_ROLE, 0);
	else if (strncasecmp(arg, "server", strlen(arg)) == 0 && *arg)
		nfct_set_attr_u8(c->tmpl, ATTR_DCCP_ROLE, 1);
	else
		return param_fail(c, "Unknown DCCP role `%s'", arg);
	return 0;
}

static int parse_proto_opt(struct ct_cmd *c, enum proto_opt_kind k,
			   const char *arg)
{
	c->proto_opts |= POPT(k);

	switch (k) {
	case P_ORIG_SPORT:
		nfct_set_attr_u16(c->tmpl, ATTR_ORIG_PORT_SRC,
				  htons(loose_u16(arg)));
		return 0;
	case P_ORIG_DPORT:
		nfct_set_attr_u16(c->tmpl, ATTR_ORIG_PORT_DST,
				  htons(loose_u16(arg)));
		return 0;
	case P_REPL_SPORT:
		nfct_set_attr_u16(c->tmpl, ATTR_REPL_PORT_SRC,
				  htons(loose_u16(arg)));
		return 0;
	case P_REPL_DPORT:
		nfct_set_attr_u16(c->tmpl, ATTR_REPL_PORT_DST,
				  htons(loose_u16(arg)));
		return 0;
	case P_MASK_SPORT:
		nfct_set_attr_u16(c->exp_mask, ATTR_ORIG_PORT_SRC,
				  htons(loose_u16(arg)));
		return 0;
	case P_MASK_DPORT:
		nfct_set_attr_u16(c->exp_mask, ATTR_ORIG_PORT_DST,
				  htons(loose_u16(arg)));
		return 0;
	case P_TUPLE_SPORT:
		nfct_set_attr_u16(c->exp_tuple, ATTR_ORIG_PORT_SRC,
				  htons(loose_u16(arg)));
		return 0;
	case P_TUPLE_DPORT:
		nfct_set_attr_u16(c->exp_tuple, ATTR_ORIG_PORT_DST,
				  htons(loose_u16(arg)));
		return 0;
	case P_STATE:
		return parse_state(c, arg);
	case P_ORIG_VTAG:
		nfct_set_attr_u32(c->tmpl, ATTR_SCTP_VTAG_ORIG,
				  htonl(loose_u32(arg)));
		return 0;
	case P_REPL_VTAG:
		nfct_set_attr_u32(c->tmpl, ATTR_SCTP_VTAG_REPL,
				  htonl(loose_u32(arg)));
		return 0;
	case P_ROLE:
		return parse_role(c, arg);
	case P_ICMP_TYPE:
		nfct_set_attr_u8(c->tmpl, ATTR_ICMP_TYPE, loose_u8(arg));
		return 0;
	case P_ICMP_CODE:
		nfct_set_attr_u8(c->tmpl, ATTR_ICMP_CODE, loose_u8(arg));
		return 0;
	case P_ICMP_ID:
		nfct_set_attr_u16(c->tmpl, ATTR_ICMP_ID, htons(loose_u16(arg)));
		return 0;
	default:
		return 0;
	}
}

static int parse_mark(struct ct_cmd *c, const char *arg)
{
	char *end;

	c->mark = (uint32_t)loose_ul(arg, &end);
	c->mark_mask = *end == '/' ? loose_u32(end + 1) : UINT32_MAX;
	return 0;
}

static int parse_event_timeout(struct ct_cmd *c, const char *arg)
{
	char *end;
	double secs;

	secs = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(secs >= 0) || secs > 2e6)
		return param_fail(c, "Bad parameter `%s'", arg);
	c->event_timeout_ms = (long)(secs * 1000.0 + 0.5);
	return 0;
}

/* Seconds on the packet clock, as uiptables-trace --time takes them. */
static int parse_time(struct ct_cmd *c, const char *arg)
{
	char *end;
	double secs;

	secs = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(secs >= 0) || secs > 1.8e10)
		return param_fail(c, "Bad parameter `%s'", arg);
	c->time_ns = (uint64_t)(secs * 1e9 + 0.5);
	return 0;
}

static int parse_event_count(struct ct_cmd *c, const char *arg)
{
	char *end;

	errno = 0;
	c->event_count = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno || c->event_count == 0)
		return param_fail(c, "Bad parameter `%s'", arg);
	return 0;
}

static int parse_output(struct ct_cmd *c, const char *arg)
{
	if (parse_list(c, arg, output_names, &c->output, NULL) < 0)
		return -1;
	if (c->output & OUT_LABELS)
		load_labelmap(c);
	return 0;
}

static int parse_address_opt(struct ct_cmd *c, int opt, const char *arg)
{
	switch (opt) {
	case 's':
		set_opt(c, O_SRC);
		return parse_addr(c, arg, &c->addr[A_SRC]);
	case 'd':
		set_opt(c, O_DST);
		return parse_addr(c, arg, &c->addr[A_DST]);
	case 'r':
		set_opt(c, O_REPL_SRC);
		return parse_addr(c, arg, &c->addr[A_REPL_SRC]);
	case 'q':
		set_opt(c, O_REPL_DST);
		return parse_addr(c, arg, &c->addr[A_REPL_DST]);
	case LONG_TUPLE_SRC:
		set_opt(c, O_TUPLE_SRC);
		return parse_addr(c, arg, &c->addr[A_TUPLE_SRC]);
	case LONG_TUPLE_DST:
		set_opt(c, O_TUPLE_DST);
		return parse_addr(c, arg, &c->addr[A_TUPLE_DST]);
	case LONG_MASK_SRC:
		set_opt(c, O_MASK_SRC);
		return parse_mask(c, arg, &c->addr[A_MASK_SRC]);
	case LONG_MASK_DST:
		set_opt(c, O_MASK_DST);
		return parse_mask(c, arg, &c->addr[A_MASK_DST]);
	default:
		return 0;
	}
}

static int parse_nat_opt(struct ct_cmd *c, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		set_opt(c, O_SRC_NAT);
		return parse_nat(c, arg, &c->snat);
	case 'g':
		set_opt(c, O_DST_NAT);
		return parse_nat(c, arg, &c->dnat);
	default:
		set_opt(c, O_ANY_NAT);
		return parse_nat(c, arg, &c->anynat);
	}
}

static int parse_value_opt(struct ct_cmd *c, int opt, const char *arg)
{
	switch (opt) {
	case 't':
		set_opt(c, O_TIMEOUT);
		nfct_set_attr_u32(c->tmpl, ATTR_TIMEOUT, loose_u32(arg));
		return 0;
	case 'u':
		set_opt(c, O_STATUS);
		c->status = 0;
		if (parse_list(c, arg, status_names, &c->status,
			       status_nat_warning) < 0)
			return -1;
		nfct_set_attr_u32(c->tmpl, ATTR_STATUS, c->status);
		return 0;
	case 'm':
		set_opt(c, O_MARK);
		return parse_mark(c, arg);
	case 'c':
		set_opt(c, O_SECMARK);
		nfct_set_attr_u32(c->tmpl, ATTR_SECMARK, loose_u32(arg));
		return 0;
	case 'i':
		set_opt(c, O_ID);
		if (arg != NULL)
			nfct_set_attr_u32(c->tmpl, ATTR_ID, loose_u32(arg));
		return 0;
	case 'w':
		set_opt(c, O_ZONE);
		nfct_set_attr_u16(c->tmpl, ATTR_ZONE, loose_u16(arg));
		return 0;
	case LONG_ORIG_ZONE:
		set_opt(c, O_ORIG_ZONE);
		nfct_set_attr_u16(c->tmpl, ATTR_ORIG_ZONE, loose_u16(arg));
		return 0;
	case LONG_REPL_ZONE:
		set_opt(c, O_REPL_ZONE);
		nfct_set_attr_u16(c->tmpl, ATTR_REPL_ZONE, loose_u16(arg));
		return 0;
	case 'b':
		set_opt(c, O_BUFFER);
		c->rcvbuf = loose_u32(arg);
		return 0;
	default:
		return 0;
	}
}

static int parse_misc_opt(struct ct_cmd *c, int opt, const char *arg)
{
	switch (opt) {
	case 'z':
		set_opt(c, O_ZERO);
		return 0;
	case 'e':
		set_opt(c, O_EVENT_MASK);
		c->event_mask = 0;
		return parse_list(c, arg, event_names, &c->event_mask, NULL);
	case 'a':
		fprintf(stderr, "WARNING: ignoring -a, deprecated option.\n");
		return 0;
	case 'f':
		set_opt(c, O_FAMILY);
		return parse_family(c, arg);
	case 'o':
		set_opt(c, O_OUTPUT);
		return parse_output(c, arg);
	case 'l':
		set_opt(c, O_LABEL);
		return parse_labels(c, arg, &c->label);
	case LONG_LABEL_ADD:
		set_opt(c, O_LABEL_ADD);
		return parse_labels(c, arg, &c->label_add);
	case LONG_LABEL_DEL:
		set_opt(c, O_LABEL_DEL);
		if (arg == NULL) {
			/* no name: every label goes */
			load_labelmap(c);
			c->label_del = nfct_bitmask_new(0);
			return 0;
		}
		return parse_labels(c, arg, &c->label_del);
	case LONG_EVENT_COUNT:
		c->options |= OPT(O_EVENT_COUNT);
		return parse_event_count(c, arg);
	case LONG_EVENT_TIMEOUT:
		c->options |= OPT(O_EVENT_TIMEOUT);
		return parse_event_timeout(c, arg);
	case LONG_KERNEL:
		c->options |= OPT(O_KERNEL);
		return 0;
	case LONG_TIME:
		c->options |= OPT(O_TIME);
		return parse_time(c, arg);
	default:
		return 0;
	}
}

static int parse_one(struct ct_cmd *c, int opt, int argc, char **argv,
		     struct opt_table *t)
{
	if (opt >= LONG_PROTO_BASE)
		return parse_proto_opt(c, (enum proto_opt_kind)
				       (opt - LONG_PROTO_BASE), optarg);

	switch (opt) {
	case 'L': case 'I': case 'U': case 'D': case 'G': case 'F':
	case 'E': case 'C': case 'S':
		return set_command(c, opt, optional_word(argc, argv));
	case 'V': case 'h':
		return set_command(c, opt, NULL);
	case 'p':
		set_opt(c, O_PROTO);
		return parse_proto(c, optarg, t);
	case 's': case 'd': case 'r': case 'q':
	case LONG_TUPLE_SRC: case LONG_TUPLE_DST:
	case LONG_MASK_SRC: case LONG_MASK_DST:
		return parse_address_opt(c, opt, optarg);
	case 'n': case 'g': case 'j':
		return parse_nat_opt(c, opt, optional_word(argc, argv));
	case 'i':
		return parse_value_opt(c, opt, optional_word(argc, argv));
	case 't': case 'u': case 'm': case 'c': case 'w': case 'b':
	case LONG_ORIG_ZONE: case LONG_REPL_ZONE:
		return parse_value_opt(c, opt, optarg);
	case ':':
		return param_fail(c, "option `%s' requires an argument",
				  argv[optind - 1]);
	case '?':
		return param_fail(c, "unknown option `%s'", argv[optind - 1]);
	default:
		return parse_misc_opt(c, opt, optarg);
	}
}

static int parse_args(struct ct_cmd *c, int argc, char **argv)
{
	struct opt_table t;
	int opt;

	opt_table_init(&t, NULL);
	optind = 0;		/* glibc: start over, the multi-call may have parsed */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_opts, t.opts,
				  NULL)) != -1) {
		if (parse_one(c, opt, argc, argv, &t) < 0)
			return -1;
	}
	return 0;
}

/* After parsing: what conntrack checks, in its order */

static int check_legal(struct ct_cmd *c)
{
	int i;

	for (i = 0; i < O__MAX; i++) {
		bool given = c->options & OPT(i);

		if (!given && legal[c->cmd][i] == 1)
			return param_fail(c, "You need to supply the `--%s' "
					  "option for this command",
					  opt_names[i]);
		if (given && legal[c->cmd][i] == 0)
			return param_fail(c, "Illegal option `--%s' with this "
					  "command", opt_names[i]);
	}
	if ((c->options & (OPT(O_EVENT_COUNT) | OPT(O_EVENT_TIMEOUT))) &&
	    c->cmd != C_CT_EVENT && c->cmd != C_EXP_EVENT)
		return param_fail(c, "Illegal option `--%s' with this command",
				  c->options & OPT(O_EVENT_COUNT) ?
				  "event-count" : "event-timeout");
	if ((c->options & OPT(O_TIME)) && (c->options & OPT(O_KERNEL)))
		return param_fail(c, "Illegal option `--time' with `--kernel': "
				  "the kernel's clock is its own");
	return 0;
}

static int check_tuples(struct ct_cmd *c)
{
	uint64_t orig = OPT(O_SRC) | OPT(O_DST);
	uint64_t repl = OPT(O_REPL_SRC) | OPT(O_REPL_DST);

	if (c->cmd != C_CT_CREATE && c->cmd != C_CT_GET)
		return 0;
	if ((c->options & orig) == orig || (c->options & repl) == repl)
		return 0;
	return param_fail(c, "you have to specify `--src' and `--dst'");
}

static int check_masks(struct ct_cmd *c)
{
	if (c->table != CT_TABLE_CONNTRACK || c->cmd == C_EXP_CREATE)
		return 0;
	if ((c->options & OPT(O_MASK_SRC)) && !(c->options & OPT(O_SRC)))
		return param_fail(c, "Can't use --mask-src without --src");
	if ((c->options & OPT(O_MASK_DST)) && !(c->options & OPT(O_DST)))
		return param_fail(c, "Can't use --mask-dst without --dst");
	return 0;
}

static int check_output(struct ct_cmd *c)
{
	if ((c->output & OUT_SAVE) && (c->output & ~OUT_SAVE))
		return fail(c, EXIT_OTHER_PROBLEM, "cannot combine save output "
			    "with any other output type, use -o save only");
	return 0;
}

/* Fold the parsed addresses into the template: exact ones are compared by
 * nfct_cmp(), masked ones by match_network(). */
static void tmpl_set_addr(struct nf_conntrack *ct, const struct ct_addr *a,
			  int attr4, int attr6)
{
	if (a->family == AF_INET)
		nfct_set_attr_u32(ct, attr4, a->addr.v4);
	else
		nfct_set_attr(ct, attr6, &a->addr.v6);
}

static void apply_mask_opts(struct ct_cmd *c)
{
	static const int pairs[2][2] = {
		{ A_SRC, A_MASK_SRC }, { A_DST, A_MASK_DST },
	};
	int i;

	if (c->cmd == C_EXP_CREATE)
		return;
	for (i = 0; i < 2; i++) {
		struct ct_addr *a = &c->addr[pairs[i][0]];
		const struct ct_addr *m = &c->addr[pairs[i][1]];

		if (!a->set || !m->set)
			continue;
		a->mask = m->addr;
		a->masked = true;
	}
}

static void build_tuple_tmpl(struct ct_cmd *c)
{
	static const struct {
		int idx, attr4, attr6, l3;
	} map[] = {
		{ A_SRC, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, ATTR_ORIG_L3PROTO },
		{ A_DST, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, ATTR_ORIG_L3PROTO },
		{ A_REPL_SRC, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, ATTR_REPL_L3PROTO },
		{ A_REPL_DST, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, ATTR_REPL_L3PROTO },
	};
	bool filtering = c->cmd != C_CT_CREATE && c->cmd != C_CT_GET &&
			 c->cmd != C_EXP_CREATE && c->cmd != C_EXP_GET &&
			 c->cmd != C_EXP_DELETE;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const struct ct_addr *a = &c->addr[map[i].idx];

		if (!a->set)
			continue;
		nfct_set_attr_u8(c->tmpl, map[i].l3, a->family);
		if (filtering && a->masked)
			continue;
		tmpl_set_addr(c->tmpl, a, map[i].attr4, map[i].attr6);
	}
}

static void build_nat_tmpl(struct ct_cmd *c)
{
	if (c->cmd != C_CT_CREATE)
		return;
	if (c->snat.has_ip) {
		tmpl_set_addr(c->tmpl, &(struct ct_addr){
			.family = c->snat.family, .addr = c->snat.ip },
			ATTR_SNAT_IPV4, ATTR_SNAT_IPV6);
		if (c->snat.has_port)
			nfct_set_attr_u16(c->tmpl, ATTR_SNAT_PORT,
					  c->snat.port);
	}
	if (c->dnat.has_ip) {
		tmpl_set_addr(c->tmpl, &(struct ct_addr){
			.family = c->dnat.family, .addr = c->dnat.ip },
			ATTR_DNAT_IPV4, ATTR_DNAT_IPV6);
		if (c->dnat.has_port)
			nfct_set_attr_u16(c->tmpl, ATTR_DNAT_PORT,
					  c->dnat.port);
	}
}

static void build_create_extras(struct ct_cmd *c)
{
	uint64_t orig = OPT(O_SRC) | OPT(O_DST);
	uint64_t repl = OPT(O_REPL_SRC) | OPT(O_REPL_DST);

	if (c->cmd != C_CT_CREATE)
		return;
	if ((c->options & repl) == repl)
		nfct_set_attr_u8(c->tmpl, ATTR_REPL_L4PROTO, c->l4num);
	if (c->options & OPT(O_MARK))
		nfct_set_attr_u32(c->tmpl, ATTR_MARK, c->mark);
	if (c->label != NULL)
		nfct_set_attr(c->tmpl, ATTR_CONNLABELS,
			      nfct_bitmask_clone(c->label));
	/* one direction given: the library fills in the other */
	if ((c->options & orig) == orig && (c->options & repl) != repl)
		nfct_setobjopt(c->tmpl, NFCT_SOPT_SETUP_REPLY);
	else if ((c->options & orig) != orig && (c->options & repl) == repl)
		nfct_setobjopt(c->tmpl, NFCT_SOPT_SETUP_ORIGINAL);
}

static int finish_args(struct ct_cmd *c)
{
	if (c->cmd == C_NONE)
		c->cmd = C_HELP;
	if (check_legal(c) < 0)
		return -1;
	if (check_output(c) < 0)
		return -1;
	if (check_tuples(c) < 0)
		return -1;
	if (c->proto != NULL && c->cmd != C_HELP &&
	    c->proto->check(c) < 0)
		return -1;
	if (check_masks(c) < 0)
		return -1;
	apply_mask_opts(c);
	build_tuple_tmpl(c);
	build_nat_tmpl(c);
	build_create_extras(c);
	return 0;
}

/* Filtering: what conntrack shows for -L, -D, -U and -E */

static bool addr_in(const union ct_inaddr *x, const struct ct_addr *a)
{
	int i;

	if (a->family == AF_INET)
		return (x->v4 & a->mask.v4) == (a->addr.v4 & a->mask.v4);
	for (i = 0; i < 16; i++)
		if ((x->v6.s6_addr[i] & a->mask.v6.s6_addr[i]) !=
		    (a->addr.v6.s6_addr[i] & a->mask.v6.s6_addr[i]))
			return false;
	return true;
}

static bool get_addr(const struct nf_conntrack *ct, int attr4, int attr6,
		     uint8_t family, union ct_inaddr *x)
{
	const void *p;

	memset(x, 0, sizeof(*x));
	if (family == AF_INET) {
		if (!nfct_attr_is_set(ct, attr4))
			return false;
		x->v4 = nfct_get_attr_u32(ct, attr4);
		return true;
	}
	p = nfct_get_attr(ct, attr6);
	if (p == NULL)
		return false;
	memcpy(&x->v6, p, sizeof(x->v6));
	return true;
}

static bool match_network(const struct ct_cmd *c, const struct nf_conntrack *ct)
{
	static const struct {
		int idx, attr4, attr6;
	} map[] = {
		{ A_SRC, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC },
		{ A_DST, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST },
		{ A_REPL_SRC, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC },
		{ A_REPL_DST, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const struct ct_addr *a = &c->addr[map[i].idx];
		union ct_inaddr x;

		if (!a->set || !a->masked)
			continue;
		if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != a->family ||
		    !get_addr(ct, map[i].attr4, map[i].attr6, a->family, &x) ||
		    !addr_in(&x, a))
			return false;
	}
	return true;
}

static bool nat_ip_is(const struct nf_conntrack *ct, const struct ct_nat *n,
		      int attr4, int attr6)
{
	union ct_inaddr x;

	if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != n->family ||
	    !get_addr(ct, attr4, attr6, n->family, &x))
		return false;
	if (n->family == AF_INET)
		return x.v4 == n->ip.v4;
	return memcmp(&x.v6, &n->ip.v6, sizeof(x.v6)) == 0;
}

/* Source NAT shows in the reply tuple's destination (and port). */
static bool has_snat(const struct nf_conntrack *ct, const struct ct_nat *n)
{
	bool ok = true;

	if (n->has_ip)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_SNAT) &&
		     nat_ip_is(ct, n, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST);
	if (ok && n->has_port)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_SPAT) &&
		     nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST) == n->port;
	if (!n->has_ip && !n->has_port)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_SNAT) ||
		     nfct_getobjopt(ct, NFCT_GOPT_IS_SPAT);
	return ok;
}

/* Destination NAT shows in the reply tuple's source (and port). */
static bool has_dnat(const struct nf_conntrack *ct, const struct ct_nat *n)
{
	bool ok = true;

	if (n->has_ip)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_DNAT) &&
		     nat_ip_is(ct, n, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC);
	if (ok && n->has_port)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_DPAT) &&
		     nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC) == n->port;
	if (!n->has_ip && !n->has_port)
		ok = nfct_getobjopt(ct, NFCT_GOPT_IS_DNAT) ||
		     nfct_getobjopt(ct, NFCT_GOPT_IS_DPAT);
	return ok;
}

static bool match_nat(const struct ct_cmd *c, const struct nf_conntrack *ct)
{
	bool s = c->options & OPT(O_SRC_NAT);
	bool d = c->options & OPT(O_DST_NAT);

	if (c->options & OPT(O_ANY_NAT))
		return has_snat(ct, &c->anynat) || has_dnat(ct, &c->anynat);
	if (s && d)
		return has_snat(ct, &c->snat) && has_dnat(ct, &c->dnat);
	if (s)
		return has_snat(ct, &c->snat);
	if (d)
		return has_dnat(ct, &c->dnat);
	return true;
}

static bool match_mark(const struct ct_cmd *c, const struct nf_conntrack *ct)
{
	if (!(c->options & OPT(O_MARK)))
		return true;
	return (nfct_get_attr_u32(ct, ATTR_MARK) & c->mark_mask) == c->mark;
}

static bool match_label(const struct ct_cmd *c, const struct nf_conntrack *ct)
{
	const struct nfct_bitmask *b;
	unsigned int i, max;

	if (c->label == NULL)
		return true;
	b = nfct_get_attr(ct, ATTR_CONNLABELS);
	if (b == NULL)
		return false;
	max = nfct_bitmask_maxbit(c->label);
	for (i = 0; i <= max; i++)
		if (nfct_bitmask_test_bit(c->label, i) &&
		    (i > nfct_bitmask_maxbit(b) ||
		     !nfct_bitmask_test_bit(b, i)))
			return false;
	return true;
}

#define COMPARED_OPTS	(OPT(O_PROTO) | OPT(O_SRC) | OPT(O_DST) | \
			 OPT(O_REPL_SRC) | OPT(O_REPL_DST) | OPT(O_STATUS) | \
			 OPT(O_SECMARK) | OPT(O_ID) | OPT(O_ZONE) | \
			 OPT(O_ORIG_ZONE) | OPT(O_REPL_ZONE))

static bool entry_matches(const struct ct_cmd *c, const struct nf_conntrack *ct)
{
	if ((c->options & OPT(O_FAMILY)) &&
	    nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != c->family)
		return false;
	if (!match_nat(c, ct) || !match_mark(c, ct) || !match_label(c, ct) ||
	    !match_network(c, ct))
		return false;
	if ((c->options & COMPARED_OPTS) &&
	    !nfct_cmp(c->tmpl, ct, NFCT_CMP_ALL | NFCT_CMP_MASK))
		return false;
	return true;
}

/*
 * -U selects by tuple only: its mark, status and timeout are the new
 * values, not filters.
 */
static bool update_matches(const struct ct_cmd *c,
			   const struct nf_conntrack *ct)
{
	if (!match_nat(c, ct) || !match_label(c, ct) || !match_network(c, ct))
		return false;
	if ((c->options & OPT(O_ID)) && nfct_attr_is_set(ct, ATTR_ID) &&
	    nfct_get_attr_u32(ct, ATTR_ID) !=
	    nfct_get_attr_u32(c->tmpl, ATTR_ID))
		return false;
	if ((c->options & OPT(O_FAMILY)) &&
	    nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != c->family)
		return false;
	return nfct_cmp(c->tmpl, ct, NFCT_CMP_ORIG | NFCT_CMP_REPL |
			NFCT_CMP_MASK);
}

/* Printing */

static const char *const save_status_names[] = {
	[0] = "EXPECTED", [1] = "SEEN_REPLY", [2] = "ASSURED",
	[10] = "FIXED_TIMEOUT", [14] = "OFFLOAD", [15] = "HW_OFFLOAD",
};

static void save_status(char **p, size_t *len, const struct nf_conntrack *ct)
{
	uint32_t status = nfct_get_attr_u32(ct, ATTR_STATUS);
	bool any = false;
	unsigned int i;

	out_add(p, len, " -u ");
	for (i = 0; i < sizeof(save_status_names) /
	     sizeof(save_status_names[0]); i++) {
		if (save_status_names[i] == NULL || !(status & (1U << i)))
			continue;
		out_add(p, len, "%s%s", any ? "," : "", save_status_names[i]);
		any = true;
	}
	if (!any)
		out_add(p, len, "UNSET");
}

static void save_addr(char **p, size_t *len, const struct nf_conntrack *ct,
		      const char *flag, int attr4, int attr6)
{
	char s[INET6_ADDRSTRLEN];
	uint8_t family = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	union ct_inaddr x;

	if (!get_addr(ct, attr4, attr6, family, &x))
		return;
	if (inet_ntop(family, family == AF_INET ? (void *)&x.v4 :
		      (void *)&x.v6, s, sizeof(s)) == NULL)
		return;
	out_add(p, len, " %s %s", flag, s);
}

static void save_line(char *buf, size_t size, const struct nf_conntrack *ct,
		      enum nf_conntrack_msg_type type)
{
	const struct ct_proto *proto;
	uint8_t l4 = nfct_get_attr_u8(ct, ATTR_L4PROTO);
	size_t len = size;
	char *p = buf;

	out_add(&p, &len, "%s", type == NFCT_T_NEW ? "-I" :
		type == NFCT_T_UPDATE ? "-U" :
		type == NFCT_T_DESTROY ? "-D" : "-A");
	if (nfct_attr_is_set(ct, ATTR_TIMEOUT))
		out_add(&p, &len, " -t %u", nfct_get_attr_u32(ct, ATTR_TIMEOUT));
	save_status(&p, &len, ct);
	if (nfct_attr_is_set(ct, ATTR_ZONE))
		out_add(&p, &len, " -w %u", nfct_get_attr_u16(ct, ATTR_ZONE));
	if (nfct_attr_is_set(ct, ATTR_ORIG_ZONE))
		out_add(&p, &len, " --orig-zone %u",
			nfct_get_attr_u16(ct, ATTR_ORIG_ZONE));
	if (nfct_attr_is_set(ct, ATTR_REPL_ZONE))
		out_add(&p, &len, " --reply-zone %u",
			nfct_get_attr_u16(ct, ATTR_REPL_ZONE));
	save_addr(&p, &len, ct, "-s", ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC);
	save_addr(&p, &len, ct, "-d", ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST);
	/* a NATed reply tuple reads as the NAT option that made it */
	save_addr(&p, &len, ct, nfct_getobjopt(ct, NFCT_GOPT_IS_DNAT) ?
		  "-g" : "-r", ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC);
	save_addr(&p, &len, ct, nfct_getobjopt(ct, NFCT_GOPT_IS_SNAT) ?
		  "-n" : "-q", ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST);

	proto = proto_by_num(l4);
	if (proto == NULL) {
		out_add(&p, &len, " -p %u", l4);
		return;
	}
	out_add(&p, &len, " -p %s", proto->name);
	if (proto->save != NULL)
		proto->save(&p, &len, ct);
}

static unsigned int out_flags(const struct ct_cmd *c)
{
	unsigned int flags = 0;

	if (c->output & OUT_EXTENDED)
		flags |= NFCT_OF_SHOW_LAYER3;
	if (c->output & OUT_ID)
		flags |= NFCT_OF_ID;
	if (c->output & OUT_KTIMESTAMP)
		flags |= NFCT_OF_TIMESTAMP;
	return flags;
}

static void xml_open(struct ct_cmd *c)
{
	if (!(c->output & OUT_XML) || c->xml_open)
		return;
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n",
	      stdout);
	c->xml_open = true;
}

static void xml_close(struct ct_cmd *c)
{
	if (c->xml_open)
		fputs("</conntrack>\n", stdout);
	c->xml_open = false;
}

static void format_ct(struct ct_cmd *c, char *buf, size_t size,
		      const struct nf_conntrack *ct,
		      enum nf_conntrack_msg_type type)
{
	if (c->output & OUT_SAVE) {
		save_line(buf, size, ct, type);
		return;
	}
	xml_open(c);
	nfct_snprintf_labels(buf, size, ct, type,
			     (c->output & OUT_XML) ? NFCT_O_XML : NFCT_O_DEFAULT,
			     out_flags(c),
			     (c->output & OUT_LABELS) ? c->labelmap : NULL);
}

static void print_ct(struct ct_cmd *c, const struct nf_conntrack *ct)
{
	char buf[4096];

	format_ct(c, buf, sizeof(buf), ct, NFCT_T_UNKNOWN);
	fputs(buf, stdout);
	fputc('\n', stdout);
}

/* Errors in conntrack's words */

static const char *op_strerror(enum ct_cmd_index cmd, int err)
{
	switch (err) {
	case EPERM:
		return "sorry, you must be root or get CAP_NET_ADMIN "
		       "capability to do this";
	case ENOENT:
		if (cmd == C_EXP_CREATE)
			return "master conntrack not found";
		if (cmd == C_EXP_GET || cmd == C_EXP_DELETE)
			return "such expectation doesn't exist";
		if (cmd == C_CT_UPDATE || cmd == C_CT_GET ||
		    cmd == C_CT_DELETE)
			return "such conntrack doesn't exist";
		break;
	case EEXIST:
		if (cmd == C_CT_CREATE)
			return "Such conntrack exists, try -U to update";
		if (cmd == C_EXP_CREATE)
			return "Such expectation exists";
		break;
	case EINVAL:
		return "invalid parameters";
	default:
		break;
	}
	return strerror(err);
}

static int op_fail(struct ct_cmd *c, int err)
{
	c->op_err = err;
	return fail(c, EXIT_OTHER_PROBLEM, "Operation failed: %s",
		    op_strerror(c->cmd, -err));
}

/* The commands */

static void dump_filter(const struct ct_cmd *c, struct ct_dump_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->family = c->family;
	f->zero = c->options & OPT(O_ZERO);
	/* -U's mark is the value to set, not a filter */
	if ((c->options & OPT(O_MARK)) && c->cmd != C_CT_UPDATE) {
		f->has_mark = true;
		f->mark = c->mark;
		f->mark_mask = c->mark_mask;
	}
	if (c->cmd == C_CT_LIST && (c->options & OPT(O_STATUS))) {
		f->has_status = true;
		f->status = c->status;
		f->status_mask = c->status;
	}
}

static int list_cb(struct nf_conntrack *ct, void *data)
{
	struct ct_cmd *c = data;

	if (!entry_matches(c, ct))
		return 0;
	print_ct(c, ct);
	c->counter++;
	return 0;
}

static int do_list(struct ct_cmd *c)
{
	struct ct_dump_filter f;
	int ret;

	dump_filter(c, &f);
	ret = c->ops->dump(c->src, c->table, &f, list_cb, c);
	xml_close(c);
	return ret;
}

static int delete_cb(struct nf_conntrack *ct, void *data)
{
	struct ct_cmd *c = data;
	int ret;

	if (!entry_matches(c, ct))
		return 0;
	ret = c->ops->delete(c->src, ct);
	if (ret == -ENOENT)	/* gone by itself meanwhile */
		return 0;
	if (ret < 0)
		return ret;
	print_ct(c, ct);
	c->counter++;
	return 0;
}

static int do_delete(struct ct_cmd *c)
{
	struct ct_dump_filter f;
	int ret;

	dump_filter(c, &f);
	ret = c->ops->dump(c->src, CT_TABLE_CONNTRACK, &f, delete_cb, c);
	xml_close(c);
	return ret;
}

static void update_labels(const struct ct_cmd *c, struct nf_conntrack *tmp,
			  const struct nf_conntrack *ct)
{
	const struct nfct_bitmask *old = nfct_get_attr(ct, ATTR_CONNLABELS);
	struct nfct_bitmask *b;
	unsigned int i;

	if (c->label_add == NULL && c->label_del == NULL)
		return;
	b = old ? nfct_bitmask_clone(old) : nfct_bitmask_new(127);
	if (b == NULL)
		return;
	for (i = 0; c->label_add && i <= nfct_bitmask_maxbit(c->label_add); i++)
		if (nfct_bitmask_test_bit(c->label_add, i) &&
		    i <= nfct_bitmask_maxbit(b))
			nfct_bitmask_set_bit(b, i);
	if (c->label_del != NULL && nfct_bitmask_maxbit(c->label_del) == 0 &&
	    !nfct_bitmask_test_bit(c->label_del, 0))
		nfct_bitmask_clear(b);
	for (i = 0; c->label_del && i <= nfct_bitmask_maxbit(c->label_del); i++)
		if (nfct_bitmask_test_bit(c->label_del, i) &&
		    i <= nfct_bitmask_maxbit(b))
			nfct_bitmask_unset_bit(b, i);
	nfct_set_attr(tmp, ATTR_CONNLABELS, b);
}

/* What -U sends: the entry's tuple and only what changes. */
static struct nf_conntrack *update_of(const struct ct_cmd *c,
				      const struct nf_conntrack *ct)
{
	struct nf_conntrack *tmp = nfct_new();

	if (tmp == NULL)
		return NULL;
	nfct_copy(tmp, ct, NFCT_CP_ORIG);
	nfct_set_attr_u8(tmp, ATTR_ORIG_L3PROTO,
			 nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO));
	/* the zone is part of what names the entry */
	if (nfct_attr_is_set(ct, ATTR_ZONE))
		nfct_set_attr_u16(tmp, ATTR_ZONE,
				  nfct_get_attr_u16(ct, ATTR_ZONE));
	if (c->options & OPT(O_MARK)) {
		uint32_t mark = nfct_get_attr_u32(ct, ATTR_MARK);

		nfct_set_attr_u32(tmp, ATTR_MARK,
				  (mark & ~c->mark_mask) ^ c->mark);
	}
	if (c->options & OPT(O_STATUS))
		nfct_set_attr_u32(tmp, ATTR_STATUS,
				  nfct_get_attr_u32(ct, ATTR_STATUS) |
				  c->status);
	if (c->options & OPT(O_TIMEOUT))
		nfct_set_attr_u32(tmp, ATTR_TIMEOUT,
				  nfct_get_attr_u32(c->tmpl, ATTR_TIMEOUT));
	update_labels(c, tmp, ct);
	return tmp;
}

static int print_one_cb(struct nf_conntrack *ct, void *data)
{
	print_ct(data, ct);
	return 0;
}

static int update_cb(struct nf_conntrack *ct, void *data)
{
	struct ct_cmd *c = data;
	struct nf_conntrack *tmp;
	int ret;

	if (!update_matches(c, ct))
		return 0;
	tmp = update_of(c, ct);
	if (tmp == NULL)
		return -ENOMEM;
	/* nothing would change: not an update */
	if (nfct_cmp(tmp, ct, NFCT_CMP_ALL | NFCT_CMP_MASK)) {
		nfct_destroy(tmp);
		return 0;
	}
	ret = c->ops->update(c->src, tmp);
	if (ret == 0)
		ret = c->ops->get(c->src, tmp, print_one_cb, c);
	nfct_destroy(tmp);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	c->counter++;
	return 0;
}

static int do_update(struct ct_cmd *c)
{
	struct ct_dump_filter f;
	int ret;

	dump_filter(c, &f);
	ret = c->ops->dump(c->src, CT_TABLE_CONNTRACK, &f, update_cb, c);
	xml_close(c);
	return ret;
}

/* The kernel finds the tuple in either direction; conntrack then filters
 * the answer as a listing, so a reply tuple shows nothing. */
static int get_cb(struct nf_conntrack *ct, void *data)
{
	struct ct_cmd *c = data;

	if (!entry_matches(c, ct))
		return 0;
	print_ct(c, ct);
	c->counter++;
	return 0;
}

static int do_get(struct ct_cmd *c)
{
	int ret = c->ops->get(c->src, c->tmpl, get_cb, c);

	xml_close(c);
	return ret;
}

static int do_create(struct ct_cmd *c)
{
	int ret = c->ops->create(c->src, c->tmpl);

	if (ret == 0)
		c->counter++;
	return ret;
}

static int do_flush(struct ct_cmd *c)
{
	int ret = c->ops->flush(c->src, c->family);

	fprintf(stderr, CT_BANNER ": connection tracking table has been "
		"emptied.\n");
	return ret;
}

static int do_count(struct ct_cmd *c)
{
	unsigned int n = 0;
	int ret;

	ret = c->cmd == C_CT_COUNT ? c->ops->count(c->src, &n) :
	      c->ops->exp_count ? c->ops->exp_count(c->src, &n) : -EOPNOTSUPP;
	if (ret == 0)
		printf("%u\n", n);
	return ret;
}

static int stats_cb(unsigned int cpu, const struct ct_stat *s, unsigned int n,
		    void *data)
{
	unsigned int i;

	(void)data;
	printf("cpu=%-4u\t", cpu);
	for (i = 0; i < n; i++)
		printf("%s=%u ", s[i].name, s[i].value);
	putchar('\n');
	return 0;
}

static int do_stats(struct ct_cmd *c)
{
	if (c->cmd == C_CT_STATS)
		return c->ops->stats(c->src, stats_cb, NULL);
	if (c->ops->exp_stats == NULL)
		return -EOPNOTSUPP;
	return c->ops->exp_stats(c->src, stats_cb, NULL);
}

/* Events */

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() must return so that we can stop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Which process sent a netlink message: find the socket by its port id in
 * /proc/net/netlink, then the process holding that socket. */
static unsigned long netlink_inode(uint32_t portid)
{
	char line[512];
	unsigned long inode = 0;
	FILE *f;

	f = fopen("/proc/net/netlink", "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned int proto, pid;
		unsigned long ino;

		if (sscanf(line, "%*s %u %u %*s %*s %*s %*s %*s %*s %lu",
			   &proto, &pid, &ino) != 3)
			continue;
		if (proto == NETLINK_NETFILTER && pid == portid) {
			inode = ino;
			break;
		}
	}
	fclose(f);
	return inode;
}

static bool pid_has_socket(const char *pid, const char *want)
{
	char path[300], link[64];
	struct dirent *fd;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (d == NULL)
		return false;
	while (!found && (fd = readdir(d)) != NULL) {
		char fdpath[600];
		ssize_t n;

		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, fd->d_name);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(d);
	return found;
}

static bool read_comm(const char *pid, char *name, size_t len)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	if (fgets(name, (int)len, f) == NULL) {
		fclose(f);
		return false;
	}
	fclose(f);
	name[strcspn(name, "\n")] = '\0';
	return true;
}

static bool portid_progname(uint32_t portid, char *name, size_t len)
{
	unsigned long inode = netlink_inode(portid);
	char want[48];
	struct dirent *p;
	bool found = false;
	DIR *d;

	if (inode == 0)
		return false;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	d = opendir("/proc");
	if (d == NULL)
		return false;
	while (!found && (p = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		found = pid_has_socket(p->d_name, want) &&
			read_comm(p->d_name, name, len);
	}
	closedir(d);
	return found;
}

static enum nf_conntrack_msg_type msg_type(enum ct_event_type t)
{
	switch (t) {
	case CT_EVENT_NEW:	return NFCT_T_NEW;
	case CT_EVENT_UPDATE:	return NFCT_T_UPDATE;
	default:		return NFCT_T_DESTROY;
	}
}

static void print_event(struct ct_cmd *c, const struct nf_conntrack *ct,
			const struct ct_event_info *info)
{
	char buf[4096], prog[64];

	if (c->output & OUT_TIMESTAMP) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		printf("[%-8ld.%-6ld]\t", (long)tv.tv_sec, (long)tv.tv_usec);
	}
	format_ct(c, buf, sizeof(buf), ct, msg_type(info->type));
	fputs(buf, stdout);
	if (info->portid) {
		printf(" [USERSPACE] portid=%u", info->portid);
		if (portid_progname(info->portid, prog, sizeof(prog)))
			printf(" progname=%s", prog);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

static int event_cb(struct nf_conntrack *ct, const struct ct_event_info *info,
		    void *data)
{
	struct ct_cmd *c = data;

	if (!entry_matches(c, ct))
		return 0;
	print_event(c, ct, info);
	c->counter++;
	if (c->event_count && c->counter >= c->event_count)
		return 1;
	return 0;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int events_left_ms(const struct ct_cmd *c, long long deadline)
{
	long long left;

	if (c->event_timeout_ms < 0)
		return -1;
	left = deadline - mono_ms();
	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static void warn_enobufs(void)
{
	fprintf(stderr, "WARNING: We have hit ENOBUFS! We are losing events.\n"
		"This message means that the current netlink socket buffer "
		"size is too small.\nPlease, check --buffer-size in "
		"conntrack(8) manpage.\n");
}

static int do_events(struct ct_cmd *c)
{
	long long deadline = mono_ms() + c->event_timeout_ms;
	unsigned int mask = c->event_mask ? c->event_mask : CT_EVENT_F_ALL;
	int ret;

	if (c->ops->events == NULL)
		return -EOPNOTSUPP;
	if (c->rcvbuf)
		fprintf(stderr, "NOTICE: Netlink socket buffer size has been "
			"set to %u bytes.\n", c->rcvbuf * 2);
	catch_stop_signals();
	do {
		ret = c->ops->events(c->src, mask, c->rcvbuf,
				     events_left_ms(c, deadline), event_cb, c);
		if (ret == -ENOBUFS) {
			warn_enobufs();
			ret = -EAGAIN;
		}
	} while (!stop_signal && (ret == -EINTR || ret == -EAGAIN));
	xml_close(c);
	return stop_signal ? 0 : ret;
}

/* Expectations */

static void exp_print(struct ct_cmd *c, const struct nf_expect *exp)
{
	char buf[4096];

	xml_open(c);
	nfexp_snprintf(buf, sizeof(buf), exp, NFCT_T_UNKNOWN,
		       (c->output & OUT_XML) ? NFCT_O_XML : NFCT_O_DEFAULT,
		       out_flags(c));
	fputs(buf, stdout);
	fputc('\n', stdout);
}

static int exp_list_cb(struct nf_expect *exp, void *data)
{
	struct ct_cmd *c = data;

	exp_print(c, exp);
	c->counter++;
	return 0;
}

static uint8_t exp_family(const struct ct_cmd *c)
{
	return c->family ? c->family : AF_INET;
}

static int do_exp_list(struct ct_cmd *c)
{
	int ret;

	if (c->ops->exp_dump == NULL)
		return -EOPNOTSUPP;
	ret = c->ops->exp_dump(c->src, exp_family(c), exp_list_cb, c);
	xml_close(c);
	return ret;
}

static int do_exp_flush(struct ct_cmd *c)
{
	int ret = c->ops->exp_flush ? c->ops->exp_flush(c->src, exp_family(c))
				    : -EOPNOTSUPP;

	fprintf(stderr, CT_BANNER ": expectation table has been emptied.\n");
	return ret;
}

static void exp_tuple_addrs(struct ct_cmd *c)
{
	struct ct_addr *ts = &c->addr[A_TUPLE_SRC], *td = &c->addr[A_TUPLE_DST];
	struct ct_addr *ms = &c->addr[A_MASK_SRC], *md = &c->addr[A_MASK_DST];

	nfct_set_attr_u8(c->exp_tuple, ATTR_L3PROTO, c->family);
	nfct_set_attr_u8(c->exp_tuple, ATTR_L4PROTO, c->l4num);
	nfct_set_attr_u8(c->exp_mask, ATTR_L3PROTO, c->family);
	nfct_set_attr_u8(c->exp_mask, ATTR_L4PROTO, c->l4num);
	if (ts->set)
		tmpl_set_addr(c->exp_tuple, ts, ATTR_ORIG_IPV4_SRC,
			      ATTR_ORIG_IPV6_SRC);
	if (td->set)
		tmpl_set_addr(c->exp_tuple, td, ATTR_ORIG_IPV4_DST,
			      ATTR_ORIG_IPV6_DST);
	if (ms->set)
		tmpl_set_addr(c->exp_mask, ms, ATTR_ORIG_IPV4_SRC,
			      ATTR_ORIG_IPV6_SRC);
	if (md->set)
		tmpl_set_addr(c->exp_mask, md, ATTR_ORIG_IPV4_DST,
			      ATTR_ORIG_IPV6_DST);
}

static int exp_get_cb(struct nf_expect *exp, void *data)
{
	struct ct_cmd *c = data;

	exp_print(c, exp);
	c->counter++;
	return 0;
}

static int do_exp_one(struct ct_cmd *c)
{
	struct nf_expect *exp = nfexp_new();
	int ret;

	if (exp == NULL)
		return -ENOMEM;
	if (c->cmd == C_EXP_CREATE) {
		exp_tuple_addrs(c);
		nfexp_set_attr(exp, ATTR_EXP_MASTER, c->tmpl);
		nfexp_set_attr(exp, ATTR_EXP_EXPECTED, c->exp_tuple);
		nfexp_set_attr(exp, ATTR_EXP_MASK, c->exp_mask);
		nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT,
				   nfct_get_attr_u32(c->tmpl, ATTR_TIMEOUT));
		ret = c->ops->exp_create ? c->ops->exp_create(c->src, exp)
					 : -EOPNOTSUPP;
		if (ret == 0)
			c->counter++;
	} else {
		nfexp_set_attr(exp, ATTR_EXP_EXPECTED, c->tmpl);
		if (c->cmd == C_EXP_GET)
			ret = c->ops->exp_get ? c->ops->exp_get(c->src, exp,
					exp_get_cb, c) : -EOPNOTSUPP;
		else
			ret = c->ops->exp_delete ? c->ops->exp_delete(c->src,
					exp) : -EOPNOTSUPP;
		if (ret == 0 && c->cmd == C_EXP_DELETE)
			c->counter++;
	}
	nfexp_destroy(exp);
	xml_close(c);
	return ret;
}

/* Help: conntrack's text as is, so that the two compare equal; the
 * uconntrack additions are in uconntrack(8). */

static void print_help(const struct ct_cmd *c)
{
	fputs("Command line interface for the connection tracking system. "
	      "Version " CT_VERSION "\n"
	      "Usage: conntrack [commands] [options]\n\n"
	      "Commands:\n"
	      "  -L [table] [options]\t\tList conntrack or expectation table\n"
	      "  -G [table] parameters\t\tGet conntrack or expectation\n"
	      "  -D [table] parameters\t\tDelete conntrack or expectation\n"
	      "  -I [table] parameters\t\tCreate a conntrack or expectation\n"
	      "  -U [table] parameters\t\tUpdate a conntrack\n"
	      "  -E [table] [options]\t\tShow events\n"
	      "  -F [table]\t\t\tFlush table\n"
	      "  -C [table]\t\t\tShow counter\n"
	      "  -S\t\t\t\tShow statistics\n\n"
	      "Tables: conntrack, expect, dying, unconfirmed\n\n"
	      "Conntrack parameters and options:\n"
	      "  -n, --src-nat ip\t\t\tsource NAT ip\n"
	      "  -g, --dst-nat ip\t\t\tdestination NAT ip\n"
	      "  -j, --any-nat ip\t\t\tsource or destination NAT ip\n"
	      "  -m, --mark mark\t\t\tSet mark\n"
	      "  -c, --secmark secmark\t\t\tSet selinux secmark\n"
	      "  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n"
	      "  -z, --zero \t\t\t\tZero counters while listing\n"
	      "  -o, --output type[,...]\t\tOutput format, eg. xml\n"
	      "  -l, --label label[,...]\t\tconntrack labels\n\n"
	      "Expectation parameters and options:\n"
	      "  --tuple-src ip\tSource address in expect tuple\n"
	      "  --tuple-dst ip\tDestination address in expect tuple\n\n"
	      "Updating parameters and options:\n"
	      "  --label-add label\tAdd label\n"
	      "  --label-del label\tDelete label\n\n"
	      "Common parameters and options:\n"
	      "  -s, --src, --orig-src ip\t\tSource address from original "
	      "direction\n"
	      "  -d, --dst, --orig-dst ip\t\tDestination address from original "
	      "direction\n"
	      "  -r, --reply-src ip\t\tSource addres from reply direction\n"
	      "  -q, --reply-dst ip\t\tDestination address from reply "
	      "direction\n"
	      "  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n"
	      "  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n"
	      "  -t, --timeout timeout\t\tSet timeout\n"
	      "  -u, --status status\t\tSet status, eg. ASSURED\n"
	      "  -w, --zone value\t\tSet conntrack zone\n"
	      "  --orig-zone value\t\tSet zone for original direction\n"
	      "  --reply-zone value\t\tSet zone for reply direction\n"
	      "  -b, --buffer-size\t\tNetlink socket buffer size\n"
	      "  --mask-src ip\t\t\tSource mask address\n"
	      "  --mask-dst ip\t\t\tDestination mask address\n\n", stdout);
	if (c->proto != NULL && c->proto->help[0])
		printf("Proto `%s' help:\n%s", c->proto->name, c->proto->help);
}

/* Running a parsed command line */

static const char *const summary[C__MAX] = {
	[C_CT_LIST]	= "%u flow entries have been shown.\n",
	[C_CT_CREATE]	= "%u flow entries have been created.\n",
	[C_CT_UPDATE]	= "%u flow entries have been updated.\n",
	[C_CT_DELETE]	= "%u flow entries have been deleted.\n",
	[C_CT_GET]	= "%u flow entries have been shown.\n",
	[C_CT_EVENT]	= "%u flow events have been shown.\n",
	[C_EXP_LIST]	= "%u expectations have been shown.\n",
	[C_EXP_CREATE]	= "%u expectations have been created.\n",
	[C_EXP_DELETE]	= "%u expectations have been deleted.\n",
	[C_EXP_GET]	= "%u expectations have been shown.\n",
	[C_EXP_EVENT]	= "%u expectation events have been shown.\n",
};

static int run_source_command(struct ct_cmd *c)
{
	switch (c->cmd) {
	case C_CT_LIST:		return do_list(c);
	case C_CT_CREATE:	return do_create(c);
	case C_CT_UPDATE:	return do_update(c);
	case C_CT_DELETE:	return do_delete(c);
	case C_CT_GET:		return do_get(c);
	case C_CT_FLUSH:	return do_flush(c);
	case C_CT_EVENT:	return do_events(c);
	case C_CT_COUNT:
	case C_EXP_COUNT:	return do_count(c);
	case C_CT_STATS:
	case C_EXP_STATS:	return do_stats(c);
	case C_EXP_LIST:	return do_exp_list(c);
	case C_EXP_FLUSH:	return do_exp_flush(c);
	case C_EXP_EVENT:	return -EOPNOTSUPP;
	default:		return do_exp_one(c);
	}
}

static int open_source(struct ct_cmd *c)
{
	int ret;

	c->ops = c->options & OPT(O_KERNEL) ? &ct_kernel_source : &ct_eval_source;
	ret = c->ops->open(&c->src);
	if (ret < 0) {
		c->op_err = ret;
		return fail(c, EXIT_OTHER_PROBLEM, "Can't open handler");
	}
	if ((c->options & OPT(O_TIME)) && c->ops->set_time != NULL)
		c->ops->set_time(c->src, c->time_ns);
	return 0;
}

static int run(struct ct_cmd *c)
{
	int ret;

	if (c->cmd == C_HELP) {
		print_help(c);
		return 0;
	}
	if (c->cmd == C_VERSION) {
		printf(CT_BANNER "\n");
		return 0;
	}
	if (open_source(c) < 0)
		return -1;
	ret = run_source_command(c);
	if (ret < 0)
		return op_fail(c, ret);
	return 0;
}

static int summarize(const struct ct_cmd *c)
{
	if (summary[c->cmd] == NULL)
		return 0;
	fprintf(stderr, CT_BANNER ": ");
	fprintf(stderr, summary[c->cmd], c->counter);
	if (c->counter == 0 && c->cmd != C_CT_LIST && c->cmd != C_EXP_LIST &&
	    c->cmd != C_CT_EVENT && c->cmd != C_EXP_EVENT)
		return EXIT_OTHER_PROBLEM;
	return 0;
}

/* The error, once, at the edge; plus the source's plain words if any. */
static int report(struct ct_cmd *c)
{
	const char *why = NULL;

	fflush(stdout);
	if (c->err_msg[0])
		fprintf(stderr, CT_BANNER ": %s\n", c->err_msg);
	if (c->err_status == EXIT_PARAMETER_PROBLEM)
		fprintf(stderr, "Try `conntrack -h' or 'conntrack --help' for "
			"more information.\n");
	if (c->op_err && c->ops && c->ops->explain)
		why = c->ops->explain(c->src, c->op_err);
	if (why != NULL)
		fprintf(stderr, "uconntrack: %s\n", why);
	return c->err_status;
}

static int cmd_init(struct ct_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd = C_NONE;
	c->event_timeout_ms = -1;
	c->tmpl = nfct_new();
	c->exp_tuple = nfct_new();
	c->exp_mask = nfct_new();
	if (c->tmpl == NULL || c->exp_tuple == NULL || c->exp_mask == NULL)
		return fail(c, EXIT_OTHER_PROBLEM, "OOM allocating template");
	return 0;
}

static void cmd_free(struct ct_cmd *c)
{
	if (c->src != NULL)
		c->ops->close(c->src);
	if (c->tmpl != NULL)
		nfct_destroy(c->tmpl);
	if (c->exp_tuple != NULL)
		nfct_destroy(c->exp_tuple);
	if (c->exp_mask != NULL)
		nfct_destroy(c->exp_mask);
	if (c->label != NULL)
		nfct_bitmask_destroy(c->label);
	if (c->label_add != NULL)
		nfct_bitmask_destroy(c->label_add);
	if (c->label_del != NULL)
		nfct_bitmask_destroy(c->label_del);
	if (c->labelmap != NULL)
		nfct_labelmap_destroy(c->labelmap);
}

int conntrack_main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ct_cmd c;
	int status;

	/* lines leave in big blocks; -E flushes each event itself */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	if (cmd_init(&c) < 0 || parse_args(&c, argc, argv) < 0 ||
	    finish_args(&c) < 0 || run(&c) < 0) {
		status = report(&c);
		cmd_free(&c);
		return status;
	}
	status = summarize(&c);
	fflush(stdout);
	cmd_free(&c);
	return status;
}
