/* The iptables applet: one command against one table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "applets.h"
#include "cmdline.h"
#include "report.h"
#include "rulebuild.h"
#include "../libxt/error.h"
#include "../libxt/print.h"
#include "../libxt/registry.h"
#include "../libxt/store.h"
#include "../libxt/verify.h"

static int iptc(const char *msg)
{
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "%s", msg);
}

static int no_chain(void)
{
	return iptc("No chain/target/match by that name");
}

/* Which options each command refuses, as iptables' commands_v_options. */
static const struct {
	unsigned int cmd;
	unsigned int illegal;
} cmd_opts[] = {
	{ CMD_INSERT, OPT_NUMERIC | OPT_EXPANDED | OPT_LINENUMBERS },
	{ CMD_DELETE, OPT_NUMERIC | OPT_EXPANDED | OPT_LINENUMBERS },
	{ CMD_DELETE_NUM, ~(OPT_VERBOSE) },
	{ CMD_REPLACE, OPT_NUMERIC | OPT_EXPANDED | OPT_LINENUMBERS },
	{ CMD_APPEND, OPT_NUMERIC | OPT_EXPANDED | OPT_LINENUMBERS },
	{ CMD_CHECK, OPT_NUMERIC | OPT_EXPANDED | OPT_LINENUMBERS },
	{ CMD_LIST, OPT_SOURCE | OPT_DESTINATION | OPT_PROTOCOL | OPT_JUMP |
		    OPT_VIANAMEIN | OPT_VIANAMEOUT | OPT_COUNTERS | OPT_FRAGMENT },
	{ CMD_FLUSH, ~(OPT_VERBOSE) },
	{ CMD_ZERO, ~(OPT_VERBOSE) },
	{ CMD_ZERO_NUM, ~(OPT_VERBOSE) },
	{ CMD_NEW_CHAIN, ~(OPT_VERBOSE) },
	{ CMD_DELETE_CHAIN, ~(OPT_VERBOSE) },
	{ CMD_SET_POLICY, ~(OPT_VERBOSE | OPT_COUNTERS) },
	{ CMD_RENAME_CHAIN, ~(OPT_VERBOSE) },
	{ CMD_LIST_RULES, ~(OPT_VERBOSE) },
};

static const char *const opt_names[] = {
	"n", "s", "d", "p", "j", "v", "x", "i", "o", "0", "c", "f",
};

static int check_options(const struct cmdline *c)
{
	for (size_t i = 0; i < sizeof(cmd_opts) / sizeof(cmd_opts[0]); i++) {
		unsigned int bad;

		if (!(c->command & cmd_opts[i].cmd))
			continue;
		/* -L and -Z together: only what both allow. */
		bad = c->options & cmd_opts[i].illegal;
		if (c->command & (CMD_LIST | CMD_LIST_RULES))
			bad &= ~(OPT_NUMERIC | OPT_VERBOSE | OPT_EXPANDED | OPT_LINENUMBERS);
		if (!bad)
			continue;
		unsigned int bit = (unsigned int)__builtin_ctz(bad);
		return xt_error(PARAMETER_PROBLEM, "Illegal option `-%s' with this command",
				bit < 12 ? opt_names[bit] : "?");
	}
	return 0;
}

static bool is_target_name(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") ||
	       !strcmp(name, "QUEUE") || !strcmp(name, "RETURN") ||
	       xt_find_target(name, NFPROTO_IPV4);
}

static int check_new_chain_name(const char *name)
{
	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return xt_error(PARAMETER_PROBLEM,
				"chain name `%s' too long (must be under %u chars)",
				name, XT_EXTENSION_MAXNAMELEN);
	if (*name == '-' || *name == '!')
		return xt_error(PARAMETER_PROBLEM,
				"chain name not allowed to start with `%c'", *name);
	if (!*name || is_target_name(name))
		return xt_error(PARAMETER_PROBLEM, "chain name may not clash with target name");
	for (const char *s = name; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n')
			return xt_error(PARAMETER_PROBLEM, "Invalid chain name `%s'", name);
	return 0;
}

static bool needs_rule(unsigned int cmd)
{
	return cmd & (CMD_APPEND | CMD_DELETE | CMD_INSERT | CMD_REPLACE | CMD_CHECK);
}

static int check_rule_args(const struct cmdline *c)
{
	static const char *const no_out[] = { "PREROUTING", "INPUT" };
	static const char *const no_in[] = { "POSTROUTING", "OUTPUT" };

	if (!needs_rule(c->command))
		return 0;
	if (c->jumpto && !*c->jumpto)
		return xt_error(PARAMETER_PROBLEM, "Invalid target name (too short)");
	for (int i = 0; i < 2; i++) {
		if ((c->options & OPT_VIANAMEOUT) && !strcmp(c->chain, no_out[i]))
			return xt_error(PARAMETER_PROBLEM, "Can't use -o with %s\n", c->chain);
		if ((c->options & OPT_VIANAMEIN) && !strcmp(c->chain, no_in[i]))
			return xt_error(PARAMETER_PROBLEM, "Can't use -i with %s\n", c->chain);
	}
	if (!strcmp(c->table, "nat") && c->jumpto && !strcmp(c->jumpto, "DROP"))
		return xt_error(PARAMETER_PROBLEM, "\nThe \"nat\" table is not intended "
				"for filtering, the use of DROP is therefore inhibited.\n\n");
	return 0;
}

static void echo_rule(const struct uipt_rule *r)
{
	const struct ipt_entry *e = uipt_rule_entry(r);
	const struct ipt_ip *ip = &e->ip;

	/* As iptables 1.8.9's print_fw: '!' takes the place of a space. */
	printf("%s %c%s opt %s%s in %s%s out %s%s %c",
	       uipt_rule_target_name(r), ip->invflags & XT_INV_PROTO ? '!' : ' ',
	       xt_proto_to_name((uint8_t)ip->proto, false),
	       ip->invflags & IPT_INV_FRAG ? "!" : "-", ip->flags & IPT_F_FRAG ? "f" : "-",
	       ip->invflags & IPT_INV_VIA_IN ? "!" : "", *ip->iniface ? ip->iniface : "*",
	       ip->invflags & IPT_INV_VIA_OUT ? "!" : "", *ip->outiface ? ip->outiface : "*",
	       ip->invflags & IPT_INV_SRCIP ? '!' : ' ');
	printf("%s%s %c-> ",
	       xt_ipaddr_to_numeric(&ip->src), xt_ipmask_to_numeric(&ip->smsk)[0] ?
	       xt_ipmask_to_numeric(&ip->smsk) : "",
	       ip->invflags & IPT_INV_DSTIP ? '!' : ' ');
	printf("%s%s  ", xt_ipaddr_to_numeric(&ip->dst), xt_ipmask_to_numeric(&ip->dmsk));
	uipt_print_rule_exts(stdout, r, FMT_NUMERIC);
	putchar('\n');
}

struct run {
	struct cmdline *c;
	struct uipt_table *t;
	struct uipt_rule **rules;
	unsigned int nrules;
	bool changed;
};

static int find_rule(const struct uipt_chain *ch, const struct uipt_rule *r)
{
	for (uint32_t i = 0; i < ch->n; i++)
		if (uipt_rule_same(ch->rules[i], r))
			return (int)i;
	return -1;
}

static int do_rules(struct run *x, struct uipt_chain *ch)
{
	struct cmdline *c = x->c;

	if (c->command & CMD_REPLACE) {
		if (c->rulenum > ch->n)
			return iptc("Index of replacement too big");
		if (x->nrules != 1)
			return xt_error(PARAMETER_PROBLEM,
					"Replacement rule does not specify a unique address");
	}
	if ((c->command & CMD_INSERT) && c->rulenum > ch->n + 1)
		return iptc("Index of insertion too big");
	for (unsigned int i = 0; i < x->nrules; i++) {
		struct uipt_rule *r = x->rules[i];
		int pos;

		if (c->options & OPT_VERBOSE)
			echo_rule(r);
		switch (c->command) {
		case CMD_APPEND:
			uipt_chain_insert(ch, ch->n, r);
			break;
		case CMD_INSERT:
			uipt_chain_insert(ch, c->rulenum - 1 + i, r);
			break;
		case CMD_REPLACE:
			uipt_chain_replace(ch, c->rulenum - 1, r);
			break;
		case CMD_DELETE:
		case CMD_CHECK:
			if ((pos = find_rule(ch, r)) < 0)
				return iptc("Bad rule (does a matching rule exist in that chain?)");
			if (c->command == CMD_DELETE)
				uipt_chain_remove(ch, (uint32_t)pos);
			continue;
		}
		x->rules[i] = NULL;
	}
	x->changed = !(c->command & CMD_CHECK);
	return 0;
}

static void list_chain(const struct uipt_chain *ch, unsigned int fmt)
{
	uipt_print_list_header(stdout, ch, fmt);
	for (uint32_t i = 0; i < ch->n; i++)
		uipt_print_rule_list(stdout, ch->rules[i], i + 1, fmt);
}

static unsigned int list_format(const struct cmdline *c)
{
	unsigned int fmt = 0;

	if (c->options & OPT_NUMERIC)
		fmt |= FMT_NUMERIC;
	if (c->options & OPT_VERBOSE)
		fmt |= FMT_VERBOSE;
	if (c->options & OPT_EXPANDED)
		fmt |= FMT_EXACT;
	if (c->options & OPT_LINENUMBERS)
		fmt |= FMT_LINENUMBERS;
	return fmt;
}

static int do_list(struct run *x)
{
	const struct uipt_table *t = x->t;
	const struct uipt_chain *one = NULL;

	if (x->c->chain && !(one = uipt_chain_find(t, x->c->chain)))
		return no_chain();
	if (one && x->c->rulenum) {
		/* -L CHAIN N: just that rule, no headers; nothing if too big. */
		if (x->c->rulenum <= one->n)
			uipt_print_rule_list(stdout, one->rules[x->c->rulenum - 1],
					     x->c->rulenum, list_format(x->c));
		return 0;
	}
	if (one) {
		list_chain(one, list_format(x->c));
		return 0;
	}
	for (uint32_t i = 0; i < t->n; i++) {
		if (i)
			putchar('\n');
		list_chain(t->chains[i], list_format(x->c));
	}
	return 0;
}

static void rules_chain(const struct uipt_chain *ch, unsigned int num,
			enum uipt_save_counters ctr)
{
	for (uint32_t i = 0; i < ch->n; i++)
		if (!num || num == i + 1)
			uipt_print_rule_save(stdout, ch->name, ch->rules[i], ctr);
}

static void chain_decl(const struct uipt_chain *ch, enum uipt_save_counters ctr)
{
	if (ch->hook < 0) {
		printf("-N %s\n", ch->name);
		return;
	}
	printf("-P %s %s", ch->name, uipt_verdict_name(ch->policy));
	if (ctr == SAVE_INLINE)
		printf(" -c %llu %llu", (unsigned long long)ch->counters.pcnt,
		       (unsigned long long)ch->counters.bcnt);
	putchar('\n');
}

static int do_list_rules(struct run *x)
{
	const struct uipt_table *t = x->t;
	const struct uipt_chain *one = NULL;
	enum uipt_save_counters ctr =
		x->c->options & OPT_VERBOSE ? SAVE_INLINE : SAVE_NO_COUNTERS;

	if (x->c->chain && !(one = uipt_chain_find(t, x->c->chain)))
		return no_chain();
	if (one) {
		if (x->c->rulenum && x->c->rulenum > one->n)
			return 0;	/* iptables prints nothing */
		if (!x->c->rulenum)
			chain_decl(one, ctr);
		rules_chain(one, x->c->rulenum, ctr);
		return 0;
	}
	for (uint32_t i = 0; i < t->n; i++)
		chain_decl(t->chains[i], ctr);
	for (uint32_t i = 0; i < t->n; i++)
		rules_chain(t->chains[i], 0, ctr);
	return 0;
}

static void zero_chain(struct uipt_chain *ch)
{
	for (uint32_t i = 0; i < ch->n; i++)
		ch->rules[i]->counters = (struct xt_counters){ 0, 0 };
	ch->counters = (struct xt_counters){ 0, 0 };
}

static int for_chains(struct run *x, void (*fn)(struct uipt_chain *),
		      const char *verbose_fmt)
{
	struct uipt_chain *one = NULL;

	if (x->c->chain && !(one = uipt_chain_find(x->t, x->c->chain)))
		return no_chain();
	for (uint32_t i = 0; i < x->t->n; i++) {
		struct uipt_chain *ch = x->t->chains[i];

		if (one && ch != one)
			continue;
		if (x->c->options & OPT_VERBOSE)
			printf(verbose_fmt, ch->name);
		fn(ch);
	}
	x->changed = true;
	return 0;
}

static int delete_chain(struct run *x, struct uipt_chain *ch)
{
	if (ch->hook >= 0)
		return iptc("Invalid argument. Run `dmesg' for more information");
	if (ch->refs)
		return iptc("Too many links");
	if (ch->n)
		return iptc("Directory not empty");
	if (x->c->options & OPT_VERBOSE)
		printf("Deleting chain `%s'\n", ch->name);
	uipt_chain_del(x->t, ch);
	x->changed = true;
	return 0;
}

static int do_delete_chain(struct run *x)
{
	struct uipt_chain *ch;

	if (x->c->chain) {
		if (!(ch = uipt_chain_find(x->t, x->c->chain)))
			return no_chain();
		return delete_chain(x, ch);
	}
	while (x->t->n > x->t->nbuiltin)
		if (delete_chain(x, x->t->chains[x->t->nbuiltin]) < 0)
			return -1;
	return 0;
}

static int do_rename(struct run *x)
{
	struct uipt_chain *ch = uipt_chain_find(x->t, x->c->chain);
	const char *to = x->c->newname;

	if (!ch || ch->hook >= 0)
		return no_chain();
	if (uipt_chain_find(x->t, to) || is_target_name(to))
		return iptc("File exists");
	if (strlen(to) >= XT_FUNCTION_MAXNAMELEN)
		return iptc("Invalid argument. Run `dmesg' for more information");
	uipt_chain_rename(x->t, ch, to);
	x->changed = true;
	return 0;
}

static int do_policy(struct run *x)
{
	struct uipt_chain *ch = uipt_chain_find(x->t, x->c->chain);
	const char *pol = x->c->newname;

	if (!ch || ch->hook < 0)
		return iptc("Bad built-in chain name");
	if (!strcmp(x->t->name, "nat") && !strcmp(pol, "DROP"))
		return xt_error(PARAMETER_PROBLEM, "\nThe \"nat\" table is not intended "
				"for filtering, the use of DROP is therefore inhibited.\n\n");
	if (!strcmp(pol, "ACCEPT"))
		ch->policy = -NF_ACCEPT - 1;
	else if (!strcmp(pol, "DROP"))
		ch->policy = -NF_DROP - 1;
	else
		return iptc("Bad policy name. Run `dmesg' for more information");
	if (x->c->options & OPT_COUNTERS)
		ch->counters = x->c->counters;
	x->changed = true;
	return 0;
}

static int do_new_chain(struct run *x)
{
	if (uipt_chain_find(x->t, x->c->chain) || !uipt_chain_add(x->t, x->c->chain))
		return iptc("Chain already exists");
	x->changed = true;
	return 0;
}

static int do_zero_num(struct run *x)
{
	struct uipt_chain *ch = uipt_chain_find(x->t, x->c->chain);

	if (!ch)
		return no_chain();
	if (x->c->rulenum > ch->n)
		return iptc("Index of counter too big");
	ch->rules[x->c->rulenum - 1]->counters = (struct xt_counters){ 0, 0 };
	x->changed = true;
	return 0;
}

static int do_delete_num(struct run *x)
{
	struct uipt_chain *ch = uipt_chain_find(x->t, x->c->chain);

	if (!ch)
		return no_chain();
	if (x->c->rulenum > ch->n)
		return iptc("Index of deletion too big");
	uipt_chain_remove(ch, x->c->rulenum - 1);
	x->changed = true;
	return 0;
}

static int dispatch(struct run *x)
{
	struct cmdline *c = x->c;
	struct uipt_chain *ch;

	if (needs_rule(c->command)) {
		ch = uipt_chain_find(x->t, c->chain);
		if (!ch)
			return c->command & CMD_CHECK ?
			       iptc("Bad rule (does a matching rule exist in that chain?)") :
			       no_chain();
		if (rule_build(c, x->t, &x->rules, &x->nrules) < 0)
			return -1;
		return do_rules(x, ch);
	}
	switch (c->command) {
	case CMD_LIST:
		return do_list(x);
	case CMD_LIST_RULES:
		return do_list_rules(x);
	case CMD_LIST | CMD_ZERO:
	case CMD_LIST_RULES | CMD_ZERO:
		if ((c->command & CMD_LIST ? do_list(x) : do_list_rules(x)) < 0)
			return -1;
		return for_chains(x, zero_chain, "Zeroing chain `%s'\n");
	case CMD_FLUSH:
		return for_chains(x, uipt_chain_flush, "Flushing chain `%s'\n");
	case CMD_ZERO:
		return for_chains(x, zero_chain, "Zeroing chain `%s'\n");
	case CMD_ZERO_NUM:
		return do_zero_num(x);
	case CMD_DELETE_NUM:
		return do_delete_num(x);
	case CMD_NEW_CHAIN:
		return do_new_chain(x);
	case CMD_DELETE_CHAIN:
		return do_delete_chain(x);
	case CMD_RENAME_CHAIN:
		return do_rename(x);
	case CMD_SET_POLICY:
		return do_policy(x);
	}
	return xt_error(PARAMETER_PROBLEM, "no command specified");
}

static int commit(struct uipt_table *t)
{
	if (uipt_table_verify(t) < 0) {
		/* The kernel only says EINVAL / ELOOP; iptables prints strerror. */
		const char *m = xt_error_msg();

		if (xt_error_kind() != XT_ERR_DEFAULT)
			return -1;
		if (!strcmp(m, "Too many links."))
			return iptc("Too many levels of symbolic links");
		if (strstr(m, "needs protocol") || strstr(m, "used from a hook") ||
		    strstr(m, "is only valid in table"))
			return iptc("Invalid argument. Run `dmesg' for more information");
		return -1;
	}
	return uipt_table_store(t);
}

static int validate(struct cmdline *c)
{
	if (c->command & (CMD_HELP | CMD_VERSION))
		return 0;
	if (!c->command)
		return xt_error(PARAMETER_PROBLEM, "no command specified");
	if (check_options(c) < 0 || check_rule_args(c) < 0)
		return -1;
	if (c->command & CMD_NEW_CHAIN)
		return check_new_chain_name(c->chain);
	return 0;
}

int iptables_apply(struct cmdline *c, struct uipt_table *t, bool *changed)
{
	struct run x = { .c = c, .t = t };
	int ret = dispatch(&x);

	rules_free(x.rules, x.nrules);
	*changed = x.changed;
	return ret;
}

int iptables_validate(struct cmdline *c)
{
	return validate(c);
}

/* Runs a parsed command against its table: load, change, verify, store. */
int iptables_run(struct cmdline *c)
{
	struct run x = { .c = c };
	int ret;

	if (!uipt_table_def(c->table))
		return xt_error(VERSION_PROBLEM, "can't initialize iptables table `%s': "
				"Table does not exist (do you need to insmod?)", c->table);
	if (uipt_lock(c->wait, c->wait_interval) < 0)
		return -1;
	if (uipt_table_load(c->table, &x.t) < 0) {
		uipt_unlock();
		return -1;
	}
	ret = dispatch(&x);
	if (ret == 0 && (x.changed || !uipt_table_exists(c->table)))
		ret = commit(x.t);
	rules_free(x.rules, x.nrules);
	uipt_table_free(x.t);
	uipt_unlock();
	return ret;
}

int iptables_main(int argc, char **argv)
{
	struct cmdline c = { 0 };
	int ret;

	xt_registry_init();
	if (cmdline_parse(&c, argc, argv, false) < 0 || validate(&c) < 0) {
		cmdline_free(&c);
		return report_error("iptables");
	}
	if (c.command & CMD_VERSION) {
		printf("iptables v%s (legacy)\n", UIPT_IPTABLES_VERSION);
		ret = 0;
	} else if (c.command & CMD_HELP) {
		iptables_help(&c);
		ret = 0;
	} else {
		ret = iptables_run(&c) < 0 ? report_error("iptables") : 0;
	}
	cmdline_free(&c);
	return ret;
}
