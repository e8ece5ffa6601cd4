/*
 * Parsing an iptables command line as getopt_long would for iptables:
 * short options glued or not, long options with '=' or abbreviated, '!'
 * before an option, and extension options merged in as -m and -j load them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include "cmdline.h"
#include "../libxt/error.h"
#include "../libxt/option.h"
#include "../libxt/registry.h"

enum arg { NO_ARG, REQ_ARG, OPT_ARG };

struct core_opt {
	const char *name;
	int val;		/* short letter, or a code above 255 */
	enum arg arg;
};

enum { OPT_LINE_NUMBERS = 256, OPT_MODPROBE };

static const struct core_opt core_opts[] = {
	{ "append", 'A', REQ_ARG }, { "delete", 'D', REQ_ARG },
	{ "check", 'C', REQ_ARG }, { "insert", 'I', REQ_ARG },
	{ "replace", 'R', REQ_ARG }, { "list", 'L', OPT_ARG },
	{ "list-rules", 'S', OPT_ARG }, { "flush", 'F', OPT_ARG },
	{ "zero", 'Z', OPT_ARG }, { "new-chain", 'N', REQ_ARG },
	{ "delete-chain", 'X', OPT_ARG }, { "rename-chain", 'E', REQ_ARG },
	{ "policy", 'P', REQ_ARG }, { "source", 's', REQ_ARG },
	{ "destination", 'd', REQ_ARG }, { "src", 's', REQ_ARG },
	{ "dst", 'd', REQ_ARG }, { "protocol", 'p', REQ_ARG },
	{ "in-interface", 'i', REQ_ARG }, { "jump", 'j', REQ_ARG },
	{ "table", 't', REQ_ARG }, { "match", 'm', REQ_ARG },
	{ "numeric", 'n', NO_ARG }, { "out-interface", 'o', REQ_ARG },
	{ "verbose", 'v', NO_ARG }, { "wait", 'w', OPT_ARG },
	{ "wait-interval", 'W', OPT_ARG }, { "exact", 'x', NO_ARG },
	{ "fragments", 'f', NO_ARG }, { "fragment", 'f', NO_ARG },
	{ "version", 'V', NO_ARG }, { "help", 'h', OPT_ARG },
	{ "line-numbers", OPT_LINE_NUMBERS, NO_ARG },
	{ "modprobe", OPT_MODPROBE, REQ_ARG }, { "set-counters", 'c', REQ_ARG },
	{ "goto", 'g', REQ_ARG }, { "ipv4", '4', NO_ARG }, { "ipv6", '6', NO_ARG },
	{ NULL, 0, NO_ARG },
};

static const char short_opts[] = "A:C:D:R:I:L::S::F::Z::N:X::E:P:Vh::o:p:s:d:j:i:fvw::W::nt:m:xc:g:46";

static enum arg short_arg(int ch, bool *known)
{
	const char *p = strchr(short_opts, ch);

	*known = p && ch != ':';
	if (!*known)
		return NO_ARG;
	if (p[1] != ':')
		return NO_ARG;
	return p[2] == ':' ? OPT_ARG : REQ_ARG;
}

/* State of the walk over argv. */
struct parser {
	struct cmdline *c;
	int argc;
	char **argv;
	int i;			/* next argv to read */
	bool invert;
	bool in_restore;
	const char *optname;	/* as typed, for messages */
	const char *proto_arg;	/* -p as typed, for -p NAME -h */
	bool wait_interval_seen;
};

static int bad(const char *fmt, const char *a)
{
	return xt_error(PARAMETER_PROBLEM, fmt, a);
}

char cmd_letter(unsigned int command)
{
	static const char letters[] = "IDDRALFZNXPESZCh";

	for (int i = 0; letters[i]; i++)
		if (command & (1u << i))
			return letters[i];
	return '?';
}

static int add_command(struct parser *p, unsigned int cmd, unsigned int others)
{
	struct cmdline *c = p->c;

	if (p->invert)
		return xt_error(PARAMETER_PROBLEM, "unexpected '!' flag");
	if (c->command & ~others)
		return xt_error(PARAMETER_PROBLEM, "Cannot use -%c with -%c",
				cmd_letter(cmd), cmd_letter(c->command & ~others));
	c->command |= cmd;
	return 0;
}

/* The optional argument of -L, -F, -X...: glued, or the next word if it
 * does not look like an option. */
static const char *optional_next(struct parser *p, const char *glued)
{
	if (glued)
		return glued;
	if (p->i < p->argc && p->argv[p->i][0] != '-' && p->argv[p->i][0] != '!')
		return p->argv[p->i++];
	return NULL;
}

static int parse_rulenum(const char *s, unsigned int *n)
{
	unsigned long long v;

	if (!xt_strtoul(s, NULL, &v, 1, INT32_MAX))
		return xt_error(PARAMETER_PROBLEM, "Invalid rule number `%s'", s);
	*n = (unsigned int)v;
	return 0;
}

static int chain_arg(struct parser *p, const char *arg, unsigned int cmd,
		     unsigned int others)
{
	if (add_command(p, cmd, others) < 0)
		return -1;
	if (arg || !(p->c->command & ~cmd))	/* -L INPUT -Z keeps INPUT */
		p->c->chain = arg;
	return 0;
}

static int command(struct parser *p, int ch, const char *arg)
{
	struct cmdline *c = p->c;
	const char *next;

	switch (ch) {
	case 'A':
		return chain_arg(p, arg, CMD_APPEND, 0);
	case 'C':
		return chain_arg(p, arg, CMD_CHECK, 0);
	case 'D':
		if (chain_arg(p, arg, CMD_DELETE, 0) < 0)
			return -1;
		if ((next = optional_next(p, NULL))) {
			c->command = (c->command & ~CMD_DELETE) | CMD_DELETE_NUM;
			return parse_rulenum(next, &c->rulenum);
		}
		return 0;
	case 'R':
		if (chain_arg(p, arg, CMD_REPLACE, 0) < 0)
			return -1;
		if (!(next = optional_next(p, NULL)))
			return xt_error(PARAMETER_PROBLEM, "-R requires a rule number");
		return parse_rulenum(next, &c->rulenum);
	case 'I':
		if (chain_arg(p, arg, CMD_INSERT, 0) < 0)
			return -1;
		c->rulenum = 1;
		if ((next = optional_next(p, NULL)))
			return parse_rulenum(next, &c->rulenum);
		return 0;
	case 'L':
		if (chain_arg(p, optional_next(p, arg), CMD_LIST,
			      CMD_ZERO | CMD_ZERO_NUM) < 0)
			return -1;
		if (c->chain && (next = optional_next(p, NULL)))
			return parse_rulenum(next, &c->rulenum);
		return 0;
	case 'S':
		if (chain_arg(p, optional_next(p, arg), CMD_LIST_RULES,
			      CMD_ZERO | CMD_ZERO_NUM) < 0)
			return -1;
		if (c->chain && (next = optional_next(p, NULL)))
			return parse_rulenum(next, &c->rulenum);
		return 0;
	case 'F':
		return chain_arg(p, optional_next(p, arg), CMD_FLUSH, 0);
	case 'Z':
		if (chain_arg(p, optional_next(p, arg), CMD_ZERO,
			      CMD_LIST | CMD_LIST_RULES) < 0)
			return -1;
		if (c->chain && (next = optional_next(p, NULL))) {
			c->command = (c->command & ~CMD_ZERO) | CMD_ZERO_NUM;
			return parse_rulenum(next, &c->rulenum);
		}
		return 0;
	case 'N':
		return chain_arg(p, arg, CMD_NEW_CHAIN, 0);
	case 'X':
		return chain_arg(p, optional_next(p, arg), CMD_DELETE_CHAIN, 0);
	case 'E':
		if (chain_arg(p, arg, CMD_RENAME_CHAIN, 0) < 0)
			return -1;
		if (!(c->newname = optional_next(p, NULL)))
			return xt_error(PARAMETER_PROBLEM,
					"-E requires old-chain-name and new-chain-name");
		return 0;
	case 'P':
		if (chain_arg(p, arg, CMD_SET_POLICY, 0) < 0)
			return -1;
		if (!(c->newname = optional_next(p, NULL)))
			return xt_error(PARAMETER_PROBLEM, "-P requires a chain and a policy");
		return 0;
	}
	return 1;
}

static int set_option(struct parser *p, unsigned int opt, char letter,
		      uint8_t invflag)
{
	struct cmdline *c = p->c;

	if (c->options & opt)
		return xt_error(PARAMETER_PROBLEM, "multiple -%c flags not allowed", letter);
	c->options |= opt;
	if (p->invert) {
		if (!invflag)
			return xt_error(PARAMETER_PROBLEM, "cannot have ! before -%c", letter);
		c->ip.invflags |= invflag;
	}
	p->invert = false;
	return 0;
}

static int parse_iface(const char *arg, char *name, unsigned char *mask)
{
	size_t len = strlen(arg);

	if (!len)
		return xt_error(PARAMETER_PROBLEM, "Empty interface is likely to be undesired");
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
	for (const char *s = arg; *s; s++)
		if (*s == '/' || *s == ' ') {
			fprintf(stderr, "Warning: weird character in interface `%s' "
				"('/' and ' ' are not allowed by the kernel).\n", arg);
			break;
		}
	return 0;
}

static void ext_init(struct ext_use *u, size_t size, void (*init)(void *))
{
	u->size = size;
	u->data = calloc(1, size ? size : 1);
	if (!u->data)
		abort();
	if (init)
		init(u->data);
}

static int load_match(struct parser *p, const char *name)
{
	struct cmdline *c = p->c;
	struct xtables_match *m;

	if (p->invert)
		return xt_error(PARAMETER_PROBLEM, "unexpected ! flag before --match");
	m = xt_find_match(name, NFPROTO_IPV4);
	if (!m)
		return xt_error(PARAMETER_PROBLEM,
				"Couldn't load match `%s':No such file or directory\n", name);
	if (c->nmatches == MAX_MATCHES)
		return xt_error(PARAMETER_PROBLEM, "too many matches");
	struct ext_use *u = &c->matches[c->nmatches++];
	u->match = m;
	ext_init(u, m->size, m->init);
	return 0;
}

static bool is_verdict(const char *s)
{
	return !strcmp(s, "ACCEPT") || !strcmp(s, "DROP") ||
	       !strcmp(s, "QUEUE") || !strcmp(s, "RETURN");
}

static int set_jump(struct parser *p, const char *name, bool go)
{
	struct cmdline *c = p->c;

	if (set_option(p, OPT_JUMP, go ? 'g' : 'j', 0) < 0)
		return -1;
	c->jumpto = name;
	c->goto_ = go;
	if (go || is_verdict(name) || !*name)
		return 0;
	struct xtables_target *t = xt_find_target(name, NFPROTO_IPV4);
	if (t) {
		c->target.target = t;
		ext_init(&c->target, t->size, t->init);
	}
	return 0;
}

/* 1.8.11 also takes "-c PACKETS,BYTES" as one word. */
static int counters_pair(struct cmdline *c, const char *arg)
{
	unsigned long long pk, by;
	char *end;

	if (!xt_strtoul(arg, &end, &pk, 0, UINT64_MAX) || *end != ',' ||
	    !xt_strtoul(end + 1, NULL, &by, 0, UINT64_MAX))
		return xt_error(PARAMETER_PROBLEM, "-c packet counter not numeric");
	c->counters.pcnt = pk;
	c->counters.bcnt = by;
	return 0;
}

static int parse_counters(struct parser *p, const char *pk)
{
	struct cmdline *c = p->c;
	unsigned long long v;
	const char *by;

	if (set_option(p, OPT_COUNTERS, 'c', 0) < 0)
		return -1;
	if (strchr(pk, ','))
		return counters_pair(c, pk);
	if (!xt_strtoul(pk, NULL, &v, 0, UINT64_MAX))
		return bad("-c packet counter not numeric", pk);
	c->counters.pcnt = v;
	if (p->i >= p->argc || p->argv[p->i][0] == '-')
		return xt_error(PARAMETER_PROBLEM, "-c requires packet and byte counter");
	by = p->argv[p->i++];
	if (!xt_strtoul(by, NULL, &v, 0, UINT64_MAX))
		return bad("-c byte counter not numeric", by);
	c->counters.bcnt = v;
	return 0;
}

static int parse_wait(struct parser *p, const char *arg)
{
	unsigned long long v;

	if (!arg && p->i < p->argc && p->argv[p->i][0] != '-' && p->argv[p->i][0] != '!')
		arg = p->argv[p->i++];
	if (!arg) {
		p->c->wait = -1;
		return 0;
	}
	if (!xt_strtoul(arg, NULL, &v, 0, INT32_MAX))
		return xt_error(PARAMETER_PROBLEM, "wait seconds not numeric");
	p->c->wait = v ? (int)v : -1;
	return 0;
}

static int parse_wait_interval(struct parser *p, const char *arg)
{
	unsigned long long v;

	if (!arg && p->i < p->argc && p->argv[p->i][0] != '-' && p->argv[p->i][0] != '!')
		arg = p->argv[p->i++];
	if (arg) {
		if (!xt_strtoul(arg, NULL, &v, 0, 999999))
			return xt_error(PARAMETER_PROBLEM, "wait interval not numeric");
		p->c->wait_interval = (long)v;
	}
	fprintf(stderr, "Ignoring deprecated --wait-interval option.\n");
	p->wait_interval_seen = true;
	return 0;
}

static int split_list(const char *arg, char ***out, unsigned int *n)
{
	char *dup = strdup(arg), *save = NULL;

	if (!dup)
		abort();
	if (!*arg) {	/* -s '': looked up, and not found */
		*out = realloc(*out, (*n + 1) * sizeof(**out));
		if (!*out)
			abort();
		(*out)[(*n)++] = dup;
		return 0;
	}
	for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		*out = realloc(*out, (*n + 1) * sizeof(**out));
		if (!*out)
			abort();
		(*out)[(*n)++] = strdup(tok);
	}
	free(dup);
	return 0;
}

static int parse_protocol(struct parser *p, const char *arg)
{
	struct cmdline *c = p->c;
	char lower[64];
	int proto;

	if (set_option(p, OPT_PROTOCOL, 'p', XT_INV_PROTO) < 0)
		return -1;
	snprintf(lower, sizeof(lower), "%s", arg);
	for (char *s = lower; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	p->proto_arg = arg;
	proto = xt_name_to_proto(lower);
	if (proto < 0)
		return xt_error(PARAMETER_PROBLEM, "unknown protocol \"%s\" specified", arg);
	c->ip.proto = (uint16_t)proto;
	if (!proto && (c->ip.invflags & XT_INV_PROTO))
		return xt_error(PARAMETER_PROBLEM, "rule would never match protocol");
	return 0;
}

static int param(struct parser *p, int ch, const char *arg)
{
	struct cmdline *c = p->c;

	switch (ch) {
	case 'p':
		return parse_protocol(p, arg);
	case 's':
		if (set_option(p, OPT_SOURCE, 's', IPT_INV_SRCIP) < 0)
			return -1;
		return split_list(arg, &c->saddrs, &c->nsaddr);
	case 'd':
		if (set_option(p, OPT_DESTINATION, 'd', IPT_INV_DSTIP) < 0)
			return -1;
		return split_list(arg, &c->daddrs, &c->ndaddr);
	case 'i':
		if (set_option(p, OPT_VIANAMEIN, 'i', IPT_INV_VIA_IN) < 0)
			return -1;
		return parse_iface(arg, c->ip.iniface, c->ip.iniface_mask);
	case 'o':
		if (set_option(p, OPT_VIANAMEOUT, 'o', IPT_INV_VIA_OUT) < 0)
			return -1;
		return parse_iface(arg, c->ip.outiface, c->ip.outiface_mask);
	case 'f':
		if (set_option(p, OPT_FRAGMENT, 'f', IPT_INV_FRAG) < 0)
			return -1;
		c->ip.flags |= IPT_F_FRAG;
		return 0;
	case 'j':
	case 'g':
		return set_jump(p, arg, ch == 'g');
	case 'm':
		return load_match(p, arg);
	case 'n':
		return set_option(p, OPT_NUMERIC, 'n', 0);
	case 'v':
		if (p->invert)
			return xt_error(PARAMETER_PROBLEM, "cannot have ! before -v");
		c->options |= OPT_VERBOSE;
		return 0;
	case 'x':
		return set_option(p, OPT_EXPANDED, 'x', 0);
	case OPT_LINE_NUMBERS:
		return set_option(p, OPT_LINENUMBERS, '0', 0);
	case 'c':
		return parse_counters(p, arg);
	case 't':
		if (p->invert)
			return xt_error(PARAMETER_PROBLEM, "unexpected ! flag before --table");
		if (p->in_restore)
			return xt_error(PARAMETER_PROBLEM,
					"The -t option cannot be used in iptables-restore.\n");
		c->table = arg;
		return 0;
	case 'w':
		return parse_wait(p, arg);
	case 'W':
		return parse_wait_interval(p, arg);
	case 'V':
		c->command |= CMD_VERSION;
		return 0;
	case 'h':
		c->command |= CMD_HELP;
		return 0;
	case '4':
	case OPT_MODPROBE:
		return 0;
	case '6':
		return xt_error_as(XT_ERR_NOPREFIX, PARAMETER_PROBLEM, "%s", "");
	}
	return 1;
}

/* Extension options: the target, then the matches, newest first. */
static struct ext_use *ext_option(struct cmdline *c, const char *name, size_t len,
				  bool exact, const struct xt_option_entry **out,
				  int *count)
{
	struct ext_use *found = NULL;

	/* The newest -m first, so a match given twice takes its own options. */
	for (unsigned int k = 0; k <= c->nmatches; k++) {
		unsigned int i = c->nmatches - k;
		struct ext_use *u = i < c->nmatches ? &c->matches[i] : &c->target;
		const struct xt_option_entry *opts =
			u->match ? u->match->options : u->target ? u->target->options : NULL;

		for (const struct xt_option_entry *e = opts; e && e->name; e++) {
			if (exact ? strcmp(e->name, name) != 0 : strncmp(e->name, name, len) != 0)
				continue;
			if (!found) {
				found = u;
				*out = e;
			}
			(*count)++;
		}
	}
	return found;
}

static const char *ext_name(const struct ext_use *u)
{
	return u->match ? u->match->name : u->target->name;
}

static int ext_parse(struct parser *p, struct ext_use *u,
		     const struct xt_option_entry *e, const char *arg, const char *arg2)
{
	/* The rule so far: multiport and the NAT targets look at -p. */
	struct ipt_entry rule = { .ip = p->c->ip };
	struct xt_option_call cb = {
		.arg = arg, .arg2 = arg2, .ext_name = ext_name(u), .entry = e, .data = u->data,
		.xflags = u->xflags, .invert = p->invert, .family = NFPROTO_IPV4,
		.entry_ip = &rule,
	};
	int (*parse)(struct xt_option_call *) =
		u->match ? u->match->parse : u->target->parse;

	if (arg && !strcmp(arg, "!") && e->type != XTTYPE_NONE && e->type != XTTYPE_STRING)
		return xt_error(PARAMETER_PROBLEM,
				"Using intrapositioned negation (`--option ! this`) is "
				"deprecated in favor of extrapositioned (`! --option this`).");
	if (xt_option_precheck(cb.ext_name, e, u->xflags, p->invert) < 0)
		return -1;
	p->invert = false;
	if (xt_option_parse(&cb) < 0 || (parse && parse(&cb) < 0))
		return -1;
	u->xflags |= 1u << e->id;
	return 0;
}

/* The match named after the protocol, loaded when its options appear. */
static bool load_proto_match(struct parser *p)
{
	struct cmdline *c = p->c;
	const char *name;

	if (!(c->options & OPT_PROTOCOL) || (c->ip.invflags & XT_INV_PROTO) || !c->ip.proto)
		return false;
	name = xt_proto_to_name((uint8_t)c->ip.proto, false);
	for (unsigned int i = 0; i < c->nmatches; i++)
		if (!strcmp(c->matches[i].match->name, name))
			return false;
	if (!xt_find_match(name, NFPROTO_IPV4))
		return false;
	bool inv = p->invert;
	p->invert = false;
	load_match(p, name);
	p->invert = inv;
	return true;
}

static int unknown(const char *opt)
{
	return xt_error(PARAMETER_PROBLEM, "unknown option \"%s\"", opt);
}

static const struct core_opt *core_long(const char *name, size_t len, int *count)
{
	const struct core_opt *found = NULL;

	for (const struct core_opt *o = core_opts; o->name; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return *count = 1, o;
		if (!strncmp(o->name, name, len)) {
			if (!found || found->val != o->val)
				(*count)++;
			if (!found)
				found = o;
		}
	}
	return found;
}

static int dispatch(struct parser *p, int val, const char *arg)
{
	int r = command(p, val, arg);

	if (r <= 0)
		return r;
	return param(p, val, arg);
}

static int take_arg(struct parser *p, enum arg kind, const char *glued,
		    const char **arg)
{
	*arg = glued;
	if (kind == REQ_ARG && !glued) {
		if (p->i >= p->argc)
			return xt_error(PARAMETER_PROBLEM, "option \"%s\" requires an argument",
					p->optname);
		*arg = p->argv[p->i++];
	}
	return 0;
}

static int run_core(struct parser *p, const struct core_opt *o, const char *arg)
{
	if (take_arg(p, o->arg, arg, &arg) < 0)
		return -1;
	return dispatch(p, o->val, arg);
}

static int run_ext(struct parser *p, struct ext_use *u,
		   const struct xt_option_entry *e, const char *arg)
{
	const char *arg2 = NULL;

	if (take_arg(p, e->type == XTTYPE_NONE ? NO_ARG : REQ_ARG, arg, &arg) < 0)
		return -1;
	/* An optional value, as rateest's --rateest-bps [rate]. */
	if ((e->flags & XTOPT_OPTARG) && !arg && p->i < p->argc &&
	    p->argv[p->i][0] != '-' && p->argv[p->i][0] != '!')
		arg = p->argv[p->i++];
	if (e->flags & XTOPT_TWOARGS) {
		if (p->i >= p->argc || p->argv[p->i][0] == '-')
			return xt_error(PARAMETER_PROBLEM, "--%s requires two args.", e->name);
		arg2 = p->argv[p->i++];
	}
	return ext_parse(p, u, e, arg, arg2);
}

/* Exact names first, then a unique prefix, as getopt_long. */
static int long_option(struct parser *p, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *arg = eq ? eq + 1 : NULL;
	char key[128];

	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	len = strlen(key);
	do {
		const struct xt_option_entry *e = NULL;
		int ncore = 0, next = 0;
		struct ext_use *u = ext_option(p->c, key, len, true, &e, &next);
		const struct core_opt *o;

		if (u)
			return run_ext(p, u, e, arg);
		o = core_long(key, len, &ncore);
		if (o && strlen(o->name) == len)
			return run_core(p, o, arg);
		next = 0;
		u = ext_option(p->c, key, len, false, &e, &next);
		if (ncore + next > 1)
			return unknown(word);
		if (o)
			return run_core(p, o, arg);
		if (u)
			return run_ext(p, u, e, arg);
	} while (load_proto_match(p));
	return unknown(word);
}

static int short_options(struct parser *p, const char *word)
{
	for (const char *s = word + 1; *s; s++) {
		bool known;
		enum arg kind = short_arg(*s, &known);
		const char *arg = NULL;
		char opt[3] = { '-', *s, 0 };

		if (!known)
			return unknown(opt);
		p->optname = opt;
		if (kind != NO_ARG && s[1])
			arg = s + 1;
		if (take_arg(p, kind, arg, &arg) < 0)
			return -1;
		if (dispatch(p, *s, arg) < 0)
			return -1;
		if (kind != NO_ARG && s[1])
			break;
	}
	return 0;
}

static int build_addresses(struct cmdline *c)
{
	char **lists[2] = { c->saddrs, c->daddrs };
	unsigned int counts[2] = { c->nsaddr, c->ndaddr };

	(void)lists;
	(void)counts;
	return 0;
}

static int final_checks(struct cmdline *c)
{
	for (unsigned int i = 0; i <= c->nmatches; i++) {
		struct ext_use *u = i < c->nmatches ? &c->matches[i] : &c->target;
		const struct xt_option_entry *opts;
		int (*fc)(struct xt_fcheck_call *);

		if (!u->match && !u->target)
			continue;
		opts = u->match ? u->match->options : u->target->options;
		fc = u->match ? u->match->final_check : u->target->final_check;
		struct ipt_entry rule = { .ip = c->ip };
		struct xt_fcheck_call cb = { .ext_name = ext_name(u), .data = u->data,
					     .xflags = u->xflags, .entry_ip = &rule };
		if (fc && fc(&cb) < 0)
			return -1;
		if (xt_options_fcheck(cb.ext_name, opts, u->xflags) < 0)
			return -1;
	}
	return build_addresses(c);
}

/* -h ends the parse where it stands, as iptables prints its help and
 * exits there: no final checks.  With -p NAME and no -m, the protocol's
 * match is loaded (if there is one) for its help. */
static int help_now(struct parser *p)
{
	struct cmdline *c = p->c;
	char name[64];

	if (!c->nmatches && (c->options & OPT_PROTOCOL) && p->proto_arg) {
		snprintf(name, sizeof(name), "%s", p->proto_arg);
		for (char *s = name; *s; s++)	/* iptables lowers -p in place */
			*s = (char)tolower((unsigned char)*s);
		p->invert = false;
		if (xt_find_match(name, NFPROTO_IPV4) && load_match(p, name) < 0)
			return -1;
	}
	return 0;
}

int cmdline_parse(struct cmdline *c, int argc, char **argv, bool in_restore)
{
	struct parser p = { .c = c, .argc = argc, .argv = argv, .i = 1,
			    .in_restore = in_restore };

	if (!c->table)
		c->table = "filter";
	while (p.i < argc) {
		const char *w = argv[p.i++];
		int r;

		p.optname = w;
		if (!strcmp(w, "!")) {
			if (p.invert)
				return xt_error(PARAMETER_PROBLEM, "multiple consecutive ! not allowed");
			p.invert = true;
			continue;
		}
		if (w[0] == '-' && w[1] == '-' && w[2])
			r = long_option(&p, w);
		else if (w[0] == '-' && w[1])
			r = short_options(&p, w);
		else
			return xt_error_as(XT_ERR_NOPREFIX, PARAMETER_PROBLEM, "Bad argument `%s'", w);
		if (r < 0)
			return -1;
		if (c->command & CMD_HELP)
			return help_now(&p);
	}
	if (p.invert)
		return xt_error(PARAMETER_PROBLEM, "nothing appropriate following !");
	if (p.wait_interval_seen && !c->wait)
		return xt_error(PARAMETER_PROBLEM, "--wait-interval only makes sense with --wait\n");
	return final_checks(c);
}

void cmdline_free(struct cmdline *c)
{
	for (unsigned int i = 0; i < c->nsaddr; i++)
		free(c->saddrs[i]);
	for (unsigned int i = 0; i < c->ndaddr; i++)
		free(c->daddrs[i]);
	free(c->saddrs);
	free(c->daddrs);
	free(c->smasks);
	free(c->dmasks);
	for (unsigned int i = 0; i < c->nmatches; i++)
		free(c->matches[i].data);
	free(c->target.data);
	memset(c, 0, sizeof(*c));
}
