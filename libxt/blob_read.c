/*
 * Blob to model, checking what the kernel's translate_table checks: every
 * entry within bounds and aligned, hooks and underflows on entries,
 * policies unconditional ACCEPT/DROP, verdicts valid, jumps onto chains.
 */
#include <stdlib.h>
#include <string.h>
#include "blob.h"
#include "extcache.h"

struct reader {
	const char *base;
	uint32_t size;
	const struct ipt_replace *repl;
	const struct xt_counters *ctr;
	struct uipt_table *t;
	uint32_t nrules;
	uint32_t *jump_off;	/* per rule awaiting a chain: its verdict */
	struct uipt_rule **jumpers;
	uint32_t njump;
	void (*seen)(void *ctx, const void *entry, size_t len);
	void *seen_ctx;
};

static int bad(const struct reader *r, uint32_t off, const char *what)
{
	return xt_error(OTHER_PROBLEM, "table `%s': %s at offset %u",
			r->t ? r->t->name : "?", what, off);
}

static const struct xt_entry_target *target_of(const struct ipt_entry *e)
{
	return (const struct xt_entry_target *)((const char *)e + e->target_offset);
}

/* The standard target's name is "". */
static bool is_std(const struct ipt_entry *e)
{
	return target_of(e)->u.user.name[0] == '\0';
}

static bool is_error(const struct ipt_entry *e)
{
	return !memcmp(target_of(e)->u.user.name, XT_ERROR_TARGET,
		       sizeof(XT_ERROR_TARGET));
}

static bool unconditional(const struct ipt_entry *e)
{
	static const struct ipt_ip zero;

	return e->target_offset == sizeof(*e) && !memcmp(&e->ip, &zero, sizeof(zero));
}

static int verdict_of(const struct ipt_entry *e)
{
	return ((const struct xt_standard_target *)target_of(e))->verdict;
}

static int check_matches(const struct reader *r, uint32_t off,
			 const struct ipt_entry *e)
{
	uint32_t m = sizeof(*e);

	while (m < e->target_offset) {
		const struct xt_entry_match *em = (const void *)((const char *)e + m);

		if (m + sizeof(*em) > e->target_offset ||
		    em->u.match_size < sizeof(*em) ||
		    m + em->u.match_size > e->target_offset ||
		    em->u.match_size != XT_ALIGN(em->u.match_size))
			return bad(r, off, "match out of bounds");
		if (!memchr(em->u.user.name, 0, sizeof(em->u.user.name)))
			return bad(r, off, "match name not terminated");
		const struct xtables_match *ext =
			uipt_find_match_cached(em->u.user.name, em->u.user.revision);
		if (!ext)
			return xt_error(OTHER_PROBLEM,
					"table `%s': unknown match `%s' revision %u at offset %u",
					r->t->name, em->u.user.name, em->u.user.revision, off);
		if (em->u.match_size != XT_ALIGN(sizeof(*em) + ext->size))
			return bad(r, off, "match size does not fit its extension");
		m += em->u.match_size;
	}
	return m == e->target_offset ? 0 : bad(r, off, "matches overrun the target");
}

static int check_target(const struct reader *r, uint32_t off,
			const struct ipt_entry *e)
{
	const struct xt_entry_target *t = target_of(e);
	const struct xtables_target *ext;

	if (e->target_offset + sizeof(*t) > e->next_offset ||
	    t->u.target_size < sizeof(*t) ||
	    e->target_offset + t->u.target_size != e->next_offset)
		return bad(r, off, "target out of bounds");
	if (!memchr(t->u.user.name, 0, sizeof(t->u.user.name)))
		return bad(r, off, "target name not terminated");
	if (is_std(e))
		return t->u.target_size == UIPT_STD_TARGET_SIZE ? 0 :
		       bad(r, off, "standard target of wrong size");
	if (is_error(e))
		return t->u.target_size == UIPT_ERR_TARGET_SIZE ? 0 :
		       bad(r, off, "error target of wrong size");
	ext = uipt_find_target_cached(t->u.user.name, t->u.user.revision);
	if (!ext)
		return xt_error(OTHER_PROBLEM,
				"table `%s': unknown target `%s' revision %u at offset %u",
				r->t->name, t->u.user.name, t->u.user.revision, off);
	if (t->u.target_size != XT_ALIGN(sizeof(*t) + ext->size))
		return bad(r, off, "target size does not fit its extension");
	return 0;
}

#define UIPT_MIN_ENTRY_SIZE (sizeof(struct ipt_entry) + sizeof(struct xt_entry_target))

/* The entry and its target's header lie inside the blob, aligned. */
static bool in_bounds(const struct reader *r, uint32_t off)
{
	const struct ipt_entry *e = (const void *)(r->base + off);

	return !(off % __alignof__(struct ipt_entry)) &&
	       off + sizeof(*e) <= r->size &&
	       e->next_offset >= UIPT_MIN_ENTRY_SIZE &&
	       off + e->next_offset <= r->size &&
	       e->target_offset >= sizeof(*e) &&
	       !(e->target_offset % __alignof__(struct xt_entry_target)) &&
	       e->target_offset + sizeof(struct xt_entry_target) <= e->next_offset;
}

static int check_entry(const struct reader *r, uint32_t off)
{
	const struct ipt_entry *e = (const void *)(r->base + off);

	if (!in_bounds(r, off))
		return bad(r, off, "entry out of bounds");
	if (check_matches(r, off, e) < 0)
		return -1;
	return check_target(r, off, e);
}

static int add_rule(struct reader *r, struct uipt_chain *c, uint32_t off,
		    const struct ipt_entry *e, const struct xt_counters *ctr)
{
	struct uipt_rule *rule;
	int v;

	if (is_error(e))
		return bad(r, off, "error target inside a chain");
	rule = uipt_rule_borrow(r->t, r->nrules++, e);
	rule->counters = *ctr;
	if (is_std(e)) {
		v = verdict_of(e);
		if (v >= 0 && (uint32_t)v == off + e->next_offset &&
		    !(e->ip.flags & IPT_F_GOTO)) {
			rule->kind = UIPT_RULE_FALLTHROUGH;
		} else if (v >= 0) {
			rule->kind = UIPT_RULE_JUMP;
			r->jumpers[r->njump] = rule;
			r->jump_off[r->njump++] = (uint32_t)v;
		} else if (v == -NF_ACCEPT - 1 || v == -NF_DROP - 1 ||
			   v == -NF_QUEUE - 1 || v == XT_RETURN) {
			rule->kind = UIPT_RULE_VERDICT;
		} else {
			uipt_rule_free(rule);
			return bad(r, off, "invalid verdict");
		}
	}
	uipt_chain_insert(c, c->n, rule);
	return 0;
}

static int hook_at(const struct ipt_replace *repl, const unsigned int *arr,
		   uint32_t off)
{
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if ((repl->valid_hooks & (1u << h)) && arr[h] == off)
			return h;
	return -1;
}

static int set_policy(struct reader *r, struct uipt_chain *c, uint32_t off,
		      const struct ipt_entry *e, const struct xt_counters *ctr)
{
	int v;

	if (!c || c->hook < 0 || !is_std(e) || !unconditional(e))
		return bad(r, off, "underflow is not an unconditional standard entry");
	v = verdict_of(e);
	if (v != -NF_ACCEPT - 1 && v != -NF_DROP - 1)
		return bad(r, off, "policy is neither ACCEPT nor DROP");
	c->policy = v;
	c->counters = *ctr;
	return 0;
}

static int walk(struct reader *r)
{
	const struct ipt_replace *repl = r->repl;
	struct uipt_chain *cur = NULL;
	uint32_t off = 0, i = 0;

	while (off < r->size) {
		const struct ipt_entry *e = (const void *)(r->base + off);
		const struct xt_counters *ctr = &r->ctr[i];
		int h;

		if (check_entry(r, off) < 0)
			return -1;
		if (r->seen)
			r->seen(r->seen_ctx, e, e->next_offset);
		if (++i > repl->num_entries)
			return bad(r, off, "more entries than num_entries");
		bool last = off + e->next_offset == r->size;
		/* Peeked at before its own turn: only if it is in bounds. */
		const struct ipt_entry *next = last || !in_bounds(r, off + e->next_offset) ?
			NULL : (const void *)(r->base + off + e->next_offset);

		if ((h = hook_at(repl, repl->hook_entry, off)) >= 0)
			cur = r->t->chains[__builtin_popcount(repl->valid_hooks & ((1u << h) - 1))];
		if ((h = hook_at(repl, repl->underflow, off)) >= 0) {
			if (set_policy(r, cur, off, e, ctr) < 0)
				return -1;
			cur = NULL;
		} else if (last) {
			if (!is_error(e) || cur)
				return bad(r, off, "table does not end with an ERROR entry");
		} else if (is_error(e)) {
			const char *name = ((const struct xt_error_target *)target_of(e))->errorname;
			if (cur || !memchr(name, 0, XT_FUNCTION_MAXNAMELEN) ||
			    !(cur = uipt_chain_add(r->t, name)))
				return bad(r, off, "misplaced or duplicate chain head");
			cur->offset = off + e->next_offset;
		} else if (cur && cur->hook < 0 && next && is_error(next)) {
			if (!is_std(e) || !unconditional(e) || verdict_of(e) != XT_RETURN)
				return bad(r, off, "user chain does not end with RETURN");
			cur = NULL;
		} else if (!cur) {
			return bad(r, off, "entry outside any chain");
		} else if (add_rule(r, cur, off, e, ctr) < 0) {
			return -1;
		}
		off += e->next_offset;
	}
	if (i != repl->num_entries)
		return bad(r, off, "fewer entries than num_entries");
	return 0;
}

/* Sorted by offset for a binary search; blob order need not be strcmp's. */
static int cmp_off(const void *a, const void *b)
{
	uint32_t x = (*(struct uipt_chain *const *)a)->offset;
	uint32_t y = (*(struct uipt_chain *const *)b)->offset;

	return x < y ? -1 : x > y;
}

static int resolve_jumps(struct reader *r)
{
	uint32_t nuser = r->t->n - r->t->nbuiltin;
	struct uipt_chain **by_off = malloc((nuser + 1) * sizeof(*by_off));

	if (!by_off)
		return xt_error(RESOURCE_PROBLEM, "out of memory");
	memcpy(by_off, r->t->chains + r->t->nbuiltin, nuser * sizeof(*by_off));
	qsort(by_off, nuser, sizeof(*by_off), cmp_off);
	for (uint32_t i = 0; i < r->njump; i++) {
		struct uipt_chain key = { .offset = r->jump_off[i] }, *kp = &key;
		struct uipt_chain **hit = bsearch(&kp, by_off, nuser, sizeof(*by_off), cmp_off);

		if (!hit) {
			free(by_off);
			return bad(r, r->jump_off[i], "jump to an offset that starts no chain");
		}
		uipt_rule_set_jump(r->jumpers[i], *hit);
	}
	free(by_off);
	return 0;
}

static int check_header(const struct ipt_replace *repl, size_t len,
			const struct uipt_table_def **def)
{
	if (len < sizeof(*repl) || len - sizeof(*repl) != repl->size)
		return xt_error(OTHER_PROBLEM, "blob size does not match its header");
	/* Checked before anything is allocated by the count. */
	if (repl->num_entries > repl->size / UIPT_MIN_ENTRY_SIZE)
		return xt_error(OTHER_PROBLEM, "blob has more entries than its size holds");
	if (!memchr(repl->name, 0, sizeof(repl->name)) ||
	    !(*def = uipt_table_def(repl->name)))
		return xt_error(OTHER_PROBLEM, "blob names an unknown table");
	if (repl->valid_hooks != (*def)->valid_hooks)
		return xt_error(OTHER_PROBLEM, "table `%s': wrong valid_hooks 0x%x",
				repl->name, repl->valid_hooks);
	return 0;
}

static int parse(const struct ipt_replace *repl, const void *entries,
		 const struct xt_counters *counters, struct uipt_table *t,
		 void (*seen)(void *, const void *, size_t), void *seen_ctx)
{
	struct xt_counters *zero = NULL;
	struct reader r = { .repl = repl, .base = entries, .size = repl->size, .t = t,
			    .seen = seen, .seen_ctx = seen_ctx };
	int ret = -1;

	if (!counters)
		counters = zero = calloc(repl->num_entries + 1, sizeof(*zero));
	r.ctr = counters;
	t->arena = uipt_arena_alloc(t, (size_t)repl->num_entries + 1);
	r.jump_off = malloc((repl->num_entries + 1) * sizeof(*r.jump_off));
	r.jumpers = malloc((repl->num_entries + 1) * sizeof(*r.jumpers));
	if (!r.ctr || !r.jump_off || !r.jumpers || !t->arena)
		xt_error(RESOURCE_PROBLEM, "out of memory");
	else if (walk(&r) == 0 && resolve_jumps(&r) == 0)
		ret = 0;
	free(r.jump_off);
	free(r.jumpers);
	free(zero);
	t->num_counters = repl->num_entries;
	return ret;
}

static void release_free(void *p, size_t len)
{
	(void)len;
	free(p);
}

static int finish(struct uipt_table *t, int ret, struct uipt_table **out)
{
	if (ret < 0) {
		uipt_table_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int uipt_blob_parse(const struct ipt_replace *repl, size_t len,
		    const struct xt_counters *counters, struct uipt_table **out)
{
	const struct uipt_table_def *def = NULL;
	struct uipt_table *t;
	void *copy;

	if (check_header(repl, len, &def) < 0)
		return -1;
	/* The rules borrow their entries from one copy the table owns. */
	copy = malloc(repl->size ? repl->size : 1);
	if (!copy)
		return xt_error(RESOURCE_PROBLEM, "out of memory");
	memcpy(copy, repl->entries, repl->size);
	t = uipt_table_new(def);
	t->map = copy;
	t->map_len = repl->size;
	t->release = release_free;
	return finish(t, parse(repl, copy, counters, t, NULL, NULL), out);
}

int uipt_blob_parse_in_place(const struct ipt_replace *repl, size_t len,
			     const struct xt_counters *counters,
			     struct uipt_table **out, void *keep, size_t keep_len,
			     void (*release)(void *, size_t),
			     void (*seen)(void *ctx, const void *entry, size_t len),
			     void *seen_ctx)
{
	const struct uipt_table_def *def = NULL;
	struct uipt_table *t;

	if (check_header(repl, len, &def) < 0) {
		release(keep, keep_len);
		return -1;
	}
	t = uipt_table_new(def);
	t->map = keep;
	t->map_len = keep_len;
	t->release = release;
	return finish(t, parse(repl, repl->entries, counters, t, seen, seen_ctx), out);
}
