/*
 * uiptables-trace: what Linux netfilter would do to a packet.
 *
 *   uiptables-trace -i eth0 -p tcp -s 198.51.100.7 --sport 40000 \
 *                   -d 203.0.113.5 --dport 22 --syn [--expect ACCEPT]
 *   uiptables-trace --packets FILE      one such line per packet
 *   uiptables-trace --pcap FILE [--filter BPF] [--iface IF | --mac-map FILE]
 *   uiptables-trace --host | --host-import
 *
 * Exit status: 0, or 1 when a packet's verdict was not the --expect'ed
 * one; 2 for bad input (the message names the place).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../libxt/error.h"
#include "../libxt/registry.h"
#include "../libxt/store.h"
#include "../libxt/eval/ct.h"
#include "../libxt/eval/evstate.h"
#include "../libxt/eval/pcap.h"
#include "applets.h"
#include "trace.h"

#define PROG "uiptables-trace"

static void usage(FILE *f)
{
	fputs("Usage: " PROG " [OPTIONS] PACKET\n"
	      "       " PROG " [OPTIONS] --packets FILE\n"
	      "       " PROG " [OPTIONS] --pcap FILE [--filter BPF] [--iface IF | --mac-map FILE]\n"
	      "       " PROG " --host | --host-import\n"
	      "\nA packet, with rule-like options:\n"
	      "  -i IFACE | --local [--uid N] [--gid N] [--groups G,..] arrives on IFACE, or sent by this host\n"
	      "  -p tcp|udp|icmp|N  -s ADDR  -d ADDR  --sport N  --dport N\n"
	      "  --syn | --tcp-flags MASK COMP | --flags LIST   (default SYN)\n"
	      "  --seq N --ack N --window N     (default: what the peer would send)\n"
	      "  --icmp-type TYPE[/CODE] --icmp-id N --icmp-seq N\n"
	      "  --inner-src A --inner-dst A --inner-proto P --inner-sport N --inner-dport N\n"
	      "                                 the packet an ICMP error quotes\n"
	      "  --length N --ttl N --tos N --id N --df --mark N --payload TEXT\n"
	      "  --payload-hex HEX  --tcp-option KIND[=VALUE] (mss=1460, wscale=7, sackok, ts=V:E...)\n"
	      "  -p sctp --chunk TYPE[:FLAGS]   -p dccp --dccp-type TYPE --dccp-option N[=HEX]\n"
	      "  -p ah|esp|ipcomp --spi N\n"
	      "  -p udp|l2tp --l2tp-tid N --l2tp-sid N --l2tp-version 2|3 --l2tp-control\n"
	      "  --mac-source MAC --mac-destination MAC (the frame; on a bridge port\n"
	      "                 it decides bridged or up to IP)\n"
	      "  --fragment --time SECONDS (the packet clock)\n"
	      "  --expect ACCEPT|DROP|REJECT|QUEUE   (also per line in --packets)\n"
	      "\nRun options:\n"
	      "  --json             one JSON object per packet\n"
	      "  -q, --quiet        no per-packet output (summary only)\n"
	      "  --summary          verdict counts and hits per rule at the end\n"
	      "  --dry-run          keep no counters, connections or state\n"
	      "  --assume-match     matches without a kernel half here count as matching\n"
	      "  --host             print the host model;  --host-import  read it from this system\n"
	      "  --conntrack        print the evaluator's conntrack table as conntrack -L does\n", f);
}

/* ---- packet options ---- */

struct popt_ctx {
	struct trace_item *it;
	const char *place;		/* for messages */
	bool has_in;
};

static int bad(const struct popt_ctx *c, const char *opt, const char *arg, const char *why)
{
	return xt_error(PARAMETER_PROBLEM, "%s: bad value for %s: `%s'%s%s", c->place, opt,
			arg ? arg : "", why ? ": " : "", why ? why : "");
}

static bool num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*end && !errno && *v <= max;
}

static int get_num(const struct popt_ctx *c, const char *opt, const char *arg,
		   unsigned long long max, unsigned long long *v)
{
	return num(arg, max, v) ? 0 : bad(c, opt, arg, NULL);
}

static int get_addr(const struct popt_ctx *c, const char *opt, const char *arg,
		    struct in_addr *a)
{
	return arg && inet_pton(AF_INET, arg, a) == 1 ? 0 :
	       bad(c, opt, arg, "an IPv4 address");
}

static int get_port(const struct popt_ctx *c, const char *opt, const char *arg,
		    uint16_t *p)
{
	int v = arg ? xt_parse_port(arg, c->it->spec.proto == IPPROTO_UDP ? "udp" : "tcp") : -1;

	if (v < 0)
		return bad(c, opt, arg, "a port");
	*p = (uint16_t)v;
	return 0;
}

static int parse_flags(const struct popt_ctx *c, const char *opt, const char *arg,
		       uint8_t *out)
{
	static const struct { const char *n; uint8_t f; } names[] = {
		{ "FIN", TH_FIN }, { "SYN", TH_SYN }, { "RST", TH_RST }, { "PSH", TH_PUSH },
		{ "ACK", TH_ACK }, { "URG", TH_URG }, { "ECE", 0x40 }, { "CWR", 0x80 },
		{ "ALL", 0x3f }, { "NONE", 0 },
		{ "F", TH_FIN }, { "S", TH_SYN }, { "R", TH_RST }, { "P", TH_PUSH },
		{ "A", TH_ACK }, { "U", TH_URG },
	};
	char buf[128], *save = NULL;

	if (!arg)
		return bad(c, opt, arg, NULL);
	snprintf(buf, sizeof(buf), "%s", arg);
	*out = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcasecmp(names[i].n, t))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return bad(c, opt, arg, "unknown TCP flag");
		*out |= names[i].f;
	}
	return 0;
}

static const struct { const char *name; int type, code; } icmp_names[] = {
	{ "echo-reply", 0, 0 }, { "pong", 0, 0 },
	{ "destination-unreachable", 3, 0 }, { "network-unreachable", 3, 0 },
	{ "host-unreachable", 3, 1 }, { "protocol-unreachable", 3, 2 },
	{ "port-unreachable", 3, 3 }, { "fragmentation-needed", 3, 4 },
	{ "network-prohibited", 3, 9 }, { "host-prohibited", 3, 10 },
	{ "communication-prohibited", 3, 13 }, { "admin-prohibited", 3, 13 },
	{ "source-quench", 4, 0 }, { "redirect", 5, 0 },
	{ "echo-request", 8, 0 }, { "ping", 8, 0 },
	{ "time-exceeded", 11, 0 }, { "ttl-exceeded", 11, 0 },
	{ "ttl-zero-during-transit", 11, 0 }, { "parameter-problem", 12, 0 },
	{ "timestamp-request", 13, 0 }, { "timestamp-reply", 14, 0 },
	{ "address-mask-request", 17, 0 }, { "address-mask-reply", 18, 0 },
};

static int parse_icmp(const struct popt_ctx *c, const char *arg)
{
	struct uipt_pktspec *s = &c->it->spec;
	unsigned long long t, k = 0;
	char buf[64], *slash;

	if (!arg)
		return bad(c, "--icmp-type", arg, NULL);
	for (size_t i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++)
		if (!strcasecmp(icmp_names[i].name, arg)) {
			s->icmp_type = icmp_names[i].type;
			s->icmp_code = icmp_names[i].code;
			return 0;
		}
	snprintf(buf, sizeof(buf), "%s", arg);
	if ((slash = strchr(buf, '/')))
		*slash++ = '\0';
	if (!num(buf, 255, &t) || (slash && !num(slash, 255, &k)))
		return bad(c, "--icmp-type", arg, "a type name or TYPE[/CODE]");
	s->icmp_type = (int)t;
	s->icmp_code = (int)k;
	return 0;
}

static int parse_proto(const struct popt_ctx *c, const char *arg)
{
	unsigned long long v;
	int p;

	if (arg && num(arg, 255, &v)) {
		c->it->spec.proto = (uint8_t)v;
		return 0;
	}
	p = arg ? xt_name_to_proto(arg) : -1;
	if (p < 0)
		return bad(c, "-p", arg, "a protocol name or number");
	c->it->spec.proto = (uint8_t)p;
	return 0;
}

static int parse_mac(const struct popt_ctx *c, const char *opt, const char *arg,
		     uint8_t mac[6])
{
	unsigned int b[6];
	char extra;

	if (!arg || sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5], &extra) != 6)
		return bad(c, opt, arg, "a MAC address");
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_time(const struct popt_ctx *c, const char *arg)
{
	char *end;
	double t;

	errno = 0;
	t = arg ? strtod(arg, &end) : -1;
	if (!arg || *end || errno || t < 0 || t > 1e10)
		return bad(c, "--time", arg, "seconds on the packet clock");
	c->it->spec.time_ns = (uint64_t)(t * 1e9 + 0.5);
	c->it->spec.has_time = true;
	return 0;
}

/* --groups G[,G...]: the sender's supplementary groups, possibly none. */
static int parse_groups(const struct popt_ctx *c, const char *arg)
{
	struct uipt_pktspec *s = &c->it->spec;
	const char *p = arg;
	unsigned long long v;
	char word[16];
	size_t n;

	if (!arg)
		return bad(c, "--groups", arg, "a list of group ids");
	s->ngroups = 0;
	s->has_groups = true;
	while (*p) {
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(word) || s->ngroups == UIPT_PKT_GROUPS)
			return bad(c, "--groups", arg, "at most 16 group ids");
		memcpy(word, p, n);
		word[n] = '\0';
		if (!num(word, UINT32_MAX - 1, &v))
			return bad(c, "--groups", arg, "a list of group ids");
		s->groups[s->ngroups++] = (uint32_t)v;
		p += n + (p[n] == ',');
	}
	return 0;
}

static const char *const verdicts[] = { "ACCEPT", "DROP", "REJECT", "QUEUE", "STOLEN" };

static int parse_expect(const char *place, const char *arg, const char **out)
{
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (arg && !strcasecmp(arg, verdicts[i])) {
			*out = verdicts[i];
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "%s: bad value for --expect: `%s' "
			"(ACCEPT, DROP, REJECT, QUEUE or STOLEN)", place, arg ? arg : "");
}

/* Options with a numeric argument: where they go, and their range. */
static int numeric_opt(const struct popt_ctx *c, const char *o, const char *a, bool *done)
{
	struct uipt_pktspec *s = &c->it->spec;
	unsigned long long v;
	int r;

	*done = true;
#define NUMOPT(name, max, stmt) \
	if (!strcmp(o, name)) { if ((r = get_num(c, o, a, max, &v)) < 0) return r; stmt; return 2; }
	NUMOPT("--uid", UINT32_MAX, (s->uid = (uint32_t)v, s->has_uid = true))
	NUMOPT("--gid", UINT32_MAX, (s->gid = (uint32_t)v, s->has_gid = true))
	NUMOPT("--seq", UINT32_MAX, (s->seq = (uint32_t)v, s->has_seq = true))
	NUMOPT("--ack", UINT32_MAX, (s->ack = (uint32_t)v, s->has_ack = true))
	NUMOPT("--window", UINT16_MAX, s->window = (uint16_t)v)
	NUMOPT("--icmp-id", UINT16_MAX, s->icmp_id = (uint16_t)v)
	NUMOPT("--icmp-seq", UINT16_MAX, s->icmp_seq = (uint16_t)v)
	NUMOPT("--length", UIPT_PKT_MAX, s->length = (unsigned int)v)
	NUMOPT("--ttl", 255, s->ttl = (uint8_t)v)
	NUMOPT("--tos", 255, s->tos = (uint8_t)v)
	NUMOPT("--id", UINT16_MAX, s->ipid = (uint16_t)v)
	NUMOPT("--mark", UINT32_MAX, s->mark = (uint32_t)v)
	NUMOPT("--inner-proto", 255, s->inner_proto = (uint8_t)v)
#undef NUMOPT
	*done = false;
	return 0;
}

static int addr_port_opt(struct popt_ctx *c, const char *o, const char *a, bool *done)
{
	struct uipt_pktspec *s = &c->it->spec;
	int r = 2;

	*done = true;
	if (!strcmp(o, "-s") || !strcmp(o, "--source") || !strcmp(o, "--src"))
		r = get_addr(c, o, a, &s->src), s->has_src = true;
	else if (!strcmp(o, "-d") || !strcmp(o, "--destination") || !strcmp(o, "--dst"))
		r = get_addr(c, o, a, &s->dst), s->has_dst = true;
	else if (!strcmp(o, "--sport") || !strcmp(o, "--source-port"))
		r = get_port(c, o, a, &s->sport), s->has_sport = true;
	else if (!strcmp(o, "--dport") || !strcmp(o, "--destination-port"))
		r = get_port(c, o, a, &s->dport), s->has_dport = true;
	else if (!strcmp(o, "--inner-src"))
		r = get_addr(c, o, a, &s->inner_src), s->has_inner = true;
	else if (!strcmp(o, "--inner-dst"))
		r = get_addr(c, o, a, &s->inner_dst), s->has_inner = true;
	else if (!strcmp(o, "--inner-sport"))
		r = get_port(c, o, a, &s->inner_sport);
	else if (!strcmp(o, "--inner-dport"))
		r = get_port(c, o, a, &s->inner_dport);
	else
		*done = false;
	return r < 0 ? r : 2;
}

static int flag_opt(struct popt_ctx *c, const char *o, bool *done)
{
	struct uipt_pktspec *s = &c->it->spec;

	*done = true;
	if (!strcmp(o, "--local"))
		s->local = true;
	else if (!strcmp(o, "--syn"))
		s->tcp_flags = TH_SYN, s->has_flags = true;
	else if (!strcmp(o, "--fragment") || !strcmp(o, "-f"))
		s->fragment = true;
	else if (!strcmp(o, "--df"))
		s->df = true;
	else
		*done = false;
	return 1;
}

/* One packet option at argv[0]: returns how many words it took, or -1. */
static int packet_opt(struct popt_ctx *c, int argc, char **argv)
{
	struct uipt_pktspec *s = &c->it->spec;
	const char *o = argv[0], *a = argc > 1 ? argv[1] : NULL;
	bool done;
	int r;

	if ((r = flag_opt(c, o, &done)), done)
		return r;
	if ((r = numeric_opt(c, o, a, &done)), done)
		return r;
	if ((r = addr_port_opt(c, o, a, &done)), done)
		return r;
	if ((r = trace_hdr_opt(s, c->place, argc, argv)))
		return r;
	if (!strcmp(o, "-i") || !strcmp(o, "--in-interface")) {
		if (!a || !*a || strlen(a) >= IFNAMSIZ)
			return bad(c, o, a, "an interface name");
		snprintf(s->in, sizeof(s->in), "%s", a);
		c->has_in = true;
		return 2;
	}
	if (!strcmp(o, "-p") || !strcmp(o, "--protocol"))
		return parse_proto(c, a) < 0 ? -1 : 2;
	if (!strcmp(o, "--tcp-flags")) {
		uint8_t mask;

		if (parse_flags(c, o, a, &mask) < 0 ||
		    parse_flags(c, o, argc > 2 ? argv[2] : NULL, &s->tcp_flags) < 0)
			return -1;
		s->has_flags = true;
		return 3;
	}
	if (!strcmp(o, "--flags")) {
		if (parse_flags(c, o, a, &s->tcp_flags) < 0)
			return -1;
		s->has_flags = true;
		return 2;
	}
	if (!strcmp(o, "--icmp-type"))
		return parse_icmp(c, a) < 0 ? -1 : 2;
	if (!strcmp(o, "--payload")) {
		if (!a || strlen(a) > sizeof(s->payload))
			return bad(c, o, a, "at most 1500 bytes");
		memcpy(s->payload, a, strlen(a));
		s->payload_len = (unsigned int)strlen(a);
		return 2;
	}
	if (!strcmp(o, "--mac-source")) {
		if (parse_mac(c, o, a, s->mac_src) < 0)
			return -1;
		s->has_mac = true;
		return 2;
	}
	if (!strcmp(o, "--mac-destination")) {
		if (parse_mac(c, o, a, s->mac_dst) < 0)
			return -1;
		s->has_mac_dst = true;
		return 2;
	}
	if (!strcmp(o, "--time"))
		return parse_time(c, a) < 0 ? -1 : 2;
	if (!strcmp(o, "--groups"))
		return parse_groups(c, a) < 0 ? -1 : 2;
	if (!strcmp(o, "--expect"))
		return parse_expect(c->place, a, &c->it->expect) < 0 ? -1 : 2;
	return 0;
}

/* ---- defaults that depend on the host and the connection ---- */

static void default_addresses(struct uipt_eval *ev, struct uipt_pktspec *s)
{
	struct uipt_route_result rt = { 0 };

	if (!s->has_dst)
		inet_pton(AF_INET, s->local ? "203.0.113.2" : "203.0.113.2", &s->dst);
	if (s->has_src)
		return;
	if (s->local) {
		uipt_route_output(ev->host, s->dst, &rt);
		s->src = rt.prefsrc;
	} else {
		inet_pton(AF_INET, "198.51.100.2", &s->src);
	}
}

static void default_ports(struct uipt_pktspec *s)
{
	if (!s->has_sport)
		s->sport = 40000;
	if (!s->has_dport)
		s->dport = s->proto == IPPROTO_UDP ? 53 : 80;
	if (!s->has_inner) {
		/* An error goes back to the sender of what it quotes. */
		s->inner_src = s->dst;
		s->inner_dst = s->src;
	}
	if (!s->inner_proto)
		s->inner_proto = IPPROTO_UDP;
	if (!s->inner_sport)
		s->inner_sport = 40000;
	if (!s->inner_dport)
		s->inner_dport = 53;
}

/* Sequence numbers as a real peer would send them: the next byte of its
 * own stream and the next it expects, from what conntrack has seen.  A
 * side not seen yet starts at 1000000 (original) or 2000000 (reply). */
static void default_seq(struct uipt_eval *ev, struct uipt_pktspec *s)
{
	struct uipt_tuple t = { .l3num = NFPROTO_IPV4, .l4proto = IPPROTO_TCP };
	enum uipt_dir dir = UIPT_DIR_ORIGINAL;
	uint8_t flags = s->has_flags ? s->tcp_flags : TH_SYN;
	const struct uipt_tcp_state *st = NULL;
	struct uipt_ev_conn *c;

	if (s->proto != IPPROTO_TCP || s->fragment)
		return;
	t.src.ip = s->src.s_addr;
	t.dst.ip = s->dst.s_addr;
	t.sport = htons(s->sport);
	t.dport = htons(s->dport);
	c = uipt_ct_find(ev->ct, &t, s->has_time ? s->time_ns : ev->clock_ns, &dir);
	if (c)
		st = &c->c.proto.tcp;
	if (!s->has_seq) {
		s->seq = dir == UIPT_DIR_REPLY ? 2000000 : 1000000;
		if (st && st->seen[dir].td_maxwin) {
			s->seq = st->seen[dir].td_end;
			if ((flags & (TH_SYN | TH_ACK)) == TH_SYN &&
			    st->state >= TCP_CONNTRACK_TIME_WAIT)
				s->seq += 100000;	/* a new incarnation */
			else if (flags & TH_SYN)
				s->seq -= 1;		/* a retransmitted SYN */
		}
	}
	/* The other side's stream as it arrives here: after NAT resized it. */
	if (!s->has_ack && (flags & TH_ACK) && st)
		s->ack = st->seen[!dir].td_end +
			 (uint32_t)uipt_ct_seq_offset(c, !dir, st->seen[!dir].td_end - 1);
}

/* ---- running ---- */

struct run {
	struct trace_opts o;
	struct uipt_eval *ev;
	struct trace_summary *sum;
	struct uipt_result res;
	struct trace_item item;
	unsigned int n, failed;
	uint8_t buf[UIPT_PKT_MAX];
};

static void judge(struct run *r, const struct trace_item *it)
{
	const char *want = it->expect ? it->expect : r->o.expect;

	if (want && strcmp(want, r->res.verdict)) {
		r->failed++;
		if (!r->o.json && !r->o.quiet)
			printf("  expected %s, got %s\n", want, r->res.verdict);
		else if (r->o.quiet)
			fprintf(stderr, PROG ": packet %u (%s): expected %s, got %s\n", r->n,
				it->where, want, r->res.verdict);
	}
}

static void report(struct run *r, const struct trace_item *it)
{
	if (r->sum)
		trace_summary_add(r->sum, &r->res);
	if (r->o.json && !r->o.quiet)
		trace_print_json(stdout, r->n, it, &r->res);
	else if (!r->o.quiet)
		trace_print_text(stdout, r->n, it, &r->res);
	judge(r, it);
	/* Lines from a pipe are answered as they come. */
	if (!r->o.quiet)
		fflush(stdout);
}

/* A packet described by options: build its bytes and run it. */
static int run_spec(struct run *r, struct trace_item *it)
{
	int len;

	default_addresses(r->ev, &it->spec);
	default_ports(&it->spec);
	default_seq(r->ev, &it->spec);
	len = uipt_pkt_build(&it->spec, r->buf, sizeof(r->buf));
	if (len < 0)
		return -1;
	r->n++;
	if (uipt_eval_packet(r->ev, &it->spec, r->buf, (size_t)len, &r->res) < 0)
		return -1;
	report(r, it);
	return 0;
}

static int parse_packet_words(struct trace_item *it, const char *place, int argc,
			      char **argv)
{
	struct popt_ctx c = { .it = it, .place = place };

	for (int i = 0; i < argc;) {
		int k = packet_opt(&c, argc - i, argv + i);

		if (k < 0)
			return -1;
		if (k == 0)
			return xt_error(PARAMETER_PROBLEM, "%s: unknown option `%s'", place, argv[i]);
		i += k;
	}
	if (!c.has_in && !it->spec.local)
		return xt_error(PARAMETER_PROBLEM,
				"%s: say where the packet comes from: -i IFACE or --local", place);
	if (c.has_in && it->spec.local)
		return xt_error(PARAMETER_PROBLEM, "%s: -i and --local exclude each other",
				place);
	return 0;
}

/* Words of a line, with '...' and "..." quoting. */
static int split_line(char *line, char **w, int max, const char *place)
{
	int n = 0;
	char *p = line, *o;

	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return xt_error(PARAMETER_PROBLEM, "%s: too many words", place);
		w[n++] = o = p;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char q = *p++;

				while (*p && *p != q)
					*o++ = *p++;
				if (*p != q)
					return xt_error(PARAMETER_PROBLEM, "%s: unterminated quote",
							place);
				p++;
			} else {
				*o++ = *p++;
			}
		}
		if (*p)
			p++;
		*o = '\0';
	}
	return n;
}

static int run_packets_file(struct run *r, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[4096], *w[128];
	unsigned int lineno = 0;
	int ret = 0;

	if (!f)
		return xt_error(PARAMETER_PROBLEM, "cannot open %s: %s", path, strerror(errno));
	while (!ret && fgets(line, sizeof(line), f)) {
		struct trace_item it = { 0 };
		int n;

		lineno++;
		snprintf(it.where, sizeof(it.where), "%s:%u", path, lineno);
		line[strcspn(line, "\r\n")] = '\0';
		if ((n = split_line(line, w, 128, it.where)) <= 0) {
			ret = n;
			continue;
		}
		uipt_pktspec_init(&it.spec);
		ret = parse_packet_words(&it, it.where, n, w);
		if (!ret)
			ret = run_spec(r, &it);
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

/* ---- the applet ---- */

struct args {
	struct trace_opts o;
	const char *packets, *pcap, *filter, *iface, *macmap;
	bool host, host_import, conntrack;
	uint64_t time_ns;		/* --conntrack --time */
	bool assume_match;
	int first_packet_arg;
};

static int run_opt(struct args *a, int argc, char **argv, int i)
{
	const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
	const char **slot = NULL;

	if (!strcmp(o, "--json")) a->o.json = true;
	else if (!strcmp(o, "-q") || !strcmp(o, "--quiet")) a->o.quiet = a->o.summary = true;
	else if (!strcmp(o, "--summary")) a->o.summary = true;
	else if (!strcmp(o, "--dry-run")) a->o.dry_run = true;
	else if (!strcmp(o, "--host")) a->host = true;
	else if (!strcmp(o, "--host-import")) a->host_import = true;
	else if (!strcmp(o, "--conntrack")) a->conntrack = true;
	else if (!strcmp(o, "--assume-match")) a->assume_match = true;
	else if (!strcmp(o, "--packets")) slot = &a->packets;
	else if (!strcmp(o, "--pcap")) slot = &a->pcap;
	else if (!strcmp(o, "--filter")) slot = &a->filter;
	else if (!strcmp(o, "--iface")) slot = &a->iface;
	else if (!strcmp(o, "--mac-map")) slot = &a->macmap;
	else return 0;
	if (!slot)
		return 1;
	if (!v)
		return xt_error(PARAMETER_PROBLEM, "option %s needs an argument", o);
	*slot = v;
	return 2;
}

static bool has_word(int argc, char **argv, const char *w)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], w))
			return true;
	return false;
}

/* Run options come out; what is left describes a packet. */
static int split_args(struct args *a, int argc, char **argv, char **rest, int *nrest)
{
	*nrest = 0;
	for (int i = 1; i < argc;) {
		int k;

		if (!strcmp(argv[i], "--expect") && i + 1 < argc) {
			if (parse_expect("command line", argv[i + 1], &a->o.expect) < 0)
				return -1;
			i += 2;
			continue;
		}
		if (!strcmp(argv[i], "--time") && i + 1 < argc && has_word(argc, argv, "--conntrack")) {
			a->time_ns = (uint64_t)(strtod(argv[i + 1], NULL) * 1e9);
			i += 2;
			continue;
		}
		if ((k = run_opt(a, argc, argv, i)) < 0)
			return -1;
		if (k) {
			i += k;
			continue;
		}
		rest[(*nrest)++] = argv[i++];
	}
	return 0;
}

static int show_host(struct args *a)
{
	struct uipt_host *h = NULL;

	if (a->host_import) {
		if (uipt_host_import(&h) < 0)
			return -1;
		if (!a->o.dry_run && uipt_host_save(h) < 0) {
			uipt_host_free(h);
			return -1;
		}
	} else if (uipt_host_load(&h) < 0) {
		return -1;
	}
	uipt_host_write(stdout, h);
	uipt_host_free(h);
	return 0;
}

static int print_conn(const struct uipt_conn *c, uint64_t now, void *data)
{
	char line[512];

	(void)data;
	uipt_ct_format(c, now, line, sizeof(line));
	puts(line);
	return 0;
}

/* The evaluator's conntrack table, as conntrack -L prints it. */
static int show_conntrack(uint64_t at)
{
	int n = uipt_evstate_foreach_conn(at, print_conn, NULL);

	if (n < 0)
		return -1;
	fprintf(stderr, "conntrack v1.4.7 (conntrack-tools): %d flow entries have been shown.\n", n);
	return 0;
}

static int fail(void)
{
	fprintf(stderr, PROG ": %s\n", xt_error_msg());
	return 2;
}

static int trace_pcap_cb(void *data, const struct uipt_pktspec *meta, const char *path,
			 unsigned long long num, const uint8_t *pkt, size_t len)
{
	struct run *r = data;

	r->n++;
	if (uipt_eval_packet(r->ev, meta, pkt, len, &r->res) < 0)
		return xt_error(PARAMETER_PROBLEM, "%s: packet %llu: %s", path, num,
				xt_error_msg());
	/* The item is only read for output and --expect. */
	if (r->o.quiet && !r->o.expect && r->sum) {
		trace_summary_add(r->sum, &r->res);
		return 0;
	}
	memcpy(&r->item.spec, meta, sizeof(*meta));
	r->item.expect = NULL;
	snprintf(r->item.where, sizeof(r->item.where), "%s packet %llu", path, num);
	report(r, &r->item);
	return 0;
}

static int run_all(struct run *r, struct args *a, int nrest, char **rest)
{
	if (a->pcap) {
		struct uipt_pcap_opts po = { .path = a->pcap, .filter = a->filter,
					     .iface = a->iface, .macmap = a->macmap };

		if (nrest)
			return xt_error(PARAMETER_PROBLEM, "packet options do not go with --pcap");
		return uipt_pcap_run(r->ev, &po, trace_pcap_cb, r);
	}
	if (a->packets) {
		if (nrest)
			return xt_error(PARAMETER_PROBLEM,
					"packet options do not go with --packets (put them on its lines)");
		return run_packets_file(r, a->packets);
	}
	if (!nrest)
		return xt_error(PARAMETER_PROBLEM,
				"no packet given (see `" PROG " --help')");
	{
		struct trace_item it = { 0 };

		uipt_pktspec_init(&it.spec);
		if (parse_packet_words(&it, "command line", nrest, rest) < 0)
			return -1;
		return run_spec(r, &it);
	}
}

static int run_trace(struct args *a, int nrest, char **rest)
{
	struct run *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		abort();
	r->o = a->o;
	uipt_result_init(&r->res);
	if (uipt_lock(-1, 100000) < 0 || uipt_eval_open(&r->ev, a->o.dry_run) < 0) {
		ret = fail();
		goto out;
	}
	r->ev->assume_unknown_match = a->assume_match;
	r->res.quiet = a->o.quiet;
	if (a->o.summary || a->packets || a->pcap)
		r->sum = trace_summary_new();
	ret = run_all(r, a, nrest, rest);
	if (ret < 0) {
		ret = fail();
		goto out;
	}
	if (r->sum && (r->n > 1 || a->o.summary || a->packets || a->pcap))
		trace_summary_print(stdout, r->sum, a->o.json);
	if (uipt_eval_save(r->ev) < 0) {
		ret = fail();
		goto out;
	}
	ret = r->failed ? 1 : 0;
out:
	trace_summary_free(r->sum);
	uipt_result_free(&r->res);
	uipt_eval_close(r->ev);
	uipt_unlock();
	free(r);
	return ret;
}

int trace_main(int argc, char **argv)
{
	struct args a = { 0 };
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, ret;

	if (!rest)
		abort();
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(rest);
			return 0;
		}
	xt_registry_init();
	if (split_args(&a, argc, argv, rest, &nrest) < 0)
		ret = fail();
	else if (a.host || a.host_import)
		ret = show_host(&a) < 0 ? fail() : 0;
	else if (a.conntrack)
		ret = show_conntrack(a.time_ns) < 0 ? fail() : 0;
	else
		ret = run_trace(&a, nrest, rest);
	free(rest);
	return ret;
}
