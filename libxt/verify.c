/* The kernel's mark_source_chains and check_entry, on the model. */
#include <errno.h>
#include <string.h>
#include "error.h"
#include "extcache.h"
#include "verify.h"

enum { WHITE, GREY, BLACK };

/* Depth-first from one chain; a grey chain met again is a loop. */
static int visit(struct uipt_chain *c, unsigned int hooks)
{
	c->hooks |= hooks;
	c->mark = GREY;
	for (uint32_t i = 0; i < c->n; i++) {
		struct uipt_chain *to = c->rules[i]->jump;

		if (!to)
			continue;
		if (to->mark == GREY)
			return xt_error(OTHER_PROBLEM, "Too many links.");
		if (to->mark == BLACK && (to->hooks & hooks) == hooks)
			continue;
		if (visit(to, hooks) < 0)
			return -1;
	}
	c->mark = BLACK;
	return 0;
}

static int find_loops(struct uipt_table *t)
{
	for (uint32_t i = 0; i < t->n; i++) {
		t->chains[i]->hooks = 0;
		t->chains[i]->mark = WHITE;
	}
	for (uint32_t i = 0; i < t->nbuiltin; i++) {
		for (uint32_t j = t->nbuiltin; j < t->n; j++)
			if (t->chains[j]->mark == GREY)
				t->chains[j]->mark = BLACK;
		if (visit(t->chains[i], 1u << t->chains[i]->hook) < 0)
			return -1;
	}
	/* Like the kernel's mark_source_chains, only what a hook reaches is
	 * walked: a loop among unreachable chains is accepted. */
	return 0;
}

static int check_use(const char *what, const char *name, const char *table,
		     unsigned int hooks, uint16_t proto, const struct uipt_table *t,
		     const struct uipt_chain *c, const struct ipt_entry *e)
{
	if (table && strcmp(table, t->name))
		return xt_error(OTHER_PROBLEM,
				"%s `%s' is only valid in table `%s', not `%s'.",
				what, name, table, t->name);
	if (hooks && (c->hooks & ~hooks))
		return xt_error(OTHER_PROBLEM,
				"%s `%s' used from a hook it does not support (chain %s).",
				what, name, c->name);
	if (proto && (e->ip.proto != proto || (e->ip.invflags & XT_INV_PROTO)))
		return xt_error(OTHER_PROBLEM, "%s `%s' needs protocol %u.",
				what, name, proto);
	return 0;
}

static int check_rule(const struct uipt_table *t, const struct uipt_chain *c,
		      const struct uipt_rule *r)
{
	const struct ipt_entry *e = uipt_rule_entry(r);
	struct xt_check_param par = {
		.table = t->name, .entry = e, .hook_mask = c->hooks,
		.family = NFPROTO_IPV4,
	};

	for (uint32_t o = sizeof(*e); o < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + o);
		const struct xtables_match *x =
			uipt_find_match_cached(m->u.user.name, m->u.user.revision);

		if (x && check_use("match", x->name, x->table, x->hooks, x->proto, t, c, e))
			return -1;
		par.data = m->data;
		if (x && x->checkentry) {
			int err = x->checkentry(&par);

			if (err < 0)
				return err;
		}
		o += m->u.match_size;
	}
	if (r->kind != UIPT_RULE_TARGET)
		return 0;
	const struct xt_entry_target *tg = uipt_rule_target(r);
	const struct xtables_target *x =
		uipt_find_target_cached(tg->u.user.name, tg->u.user.revision);
	if (x && check_use("target", x->name, x->table, x->hooks, x->proto, t, c, e))
		return -1;
	par.data = tg->data;
	return x && x->checkentry ? x->checkentry(&par) : 0;
}

/*
 * What iptables prints for the kernel's refusal: checkentry returns a
 * negative errno as the kernel's does (xt_error()'s -1 counts as EINVAL);
 * the kernel's reason would go to dmesg only.
 */
static int refused(int err)
{
	/* An extension that already said it the table layer's way. */
	if (err == -1 && xt_error_kind() == XT_ERR_IPTC)
		return -1;
	if (err == -ENOENT)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "No chain/target/match by that name");
	if (err == -1 || err == -EINVAL)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "%s", strerror(-err));
}

int uipt_table_verify(struct uipt_table *t)
{
	xt_error_clear();
	if (find_loops(t) < 0)
		return -1;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct uipt_chain *c = t->chains[i];

		for (uint32_t j = 0; j < c->n; j++) {
			int err = check_rule(t, c, c->rules[j]);

			if (err < 0)
				return refused(err);
		}
	}
	return 0;
}
