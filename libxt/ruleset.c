/* Tables, chains and rules in memory. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "extcache.h"
#include "ruleset.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		abort();
	return p;
}

static struct uipt_chain *chain_new(const char *name, int hook)
{
	struct uipt_chain *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	strncpy(c->name, name, sizeof(c->name) - 1);
	c->hook = hook;
	c->policy = -NF_ACCEPT - 1;
	return c;
}

static void table_push(struct uipt_table *t, uint32_t pos, struct uipt_chain *c)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->chains = xrealloc(t->chains, t->cap * sizeof(*t->chains));
	}
	memmove(t->chains + pos + 1, t->chains + pos,
		(t->n - pos) * sizeof(*t->chains));
	t->chains[pos] = c;
	t->n++;
}

struct uipt_table *uipt_table_new(const struct uipt_table_def *def)
{
	struct uipt_table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	strncpy(t->name, def->name, sizeof(t->name) - 1);
	t->def = def;
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (def->valid_hooks & (1u << h))
			table_push(t, t->n, chain_new(uipt_hook_names[h], h));
	t->nbuiltin = t->n;
	t->num_counters = t->n + 1;
	return t;
}

void uipt_chain_flush(struct uipt_chain *c)
{
	while (c->n)
		uipt_chain_remove(c, c->n - 1);
}

static void chain_free(struct uipt_chain *c)
{
	uipt_chain_flush(c);
	free(c->rules);
	free(c);
}

void uipt_table_free(struct uipt_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		uipt_chain_flush(t->chains[i]);
	for (uint32_t i = 0; i < t->n; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	if (t->arena_len)
		munmap(t->arena, t->arena_len);
	else
		free(t->arena);
	if (t->release)
		t->release(t->map, t->map_len);
	free(t);
}

/* Large arenas are mapped with their pages populated at once: touching
 * them one by one costs a fault per page. */
struct uipt_rule *uipt_arena_alloc(struct uipt_table *t, size_t n)
{
	size_t len = n * sizeof(*t->arena);
	void *p;

	if (len >= (1u << 20)) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED) {
			t->arena_len = len;
			return p;
		}
	}
	t->arena_len = 0;
	return calloc(n, sizeof(*t->arena));
}

void uipt_table_flush(struct uipt_table *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		uipt_chain_flush(t->chains[i]);
	while (t->n > t->nbuiltin)
		uipt_chain_del(t, t->chains[t->n - 1]);
}

uint32_t uipt_table_num_entries(const struct uipt_table *t)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < t->n; i++)
		n += t->chains[i]->n + (t->chains[i]->hook < 0 ? 2 : 1);
	return n;
}

/* Index of the first user chain whose name is >= name. */
static uint32_t user_pos(const struct uipt_table *t, const char *name, bool *found)
{
	uint32_t lo = t->nbuiltin, hi = t->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(t->chains[mid]->name, name);

		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct uipt_chain *uipt_chain_find(const struct uipt_table *t, const char *name)
{
	bool found;
	uint32_t pos;

	for (uint32_t i = 0; i < t->nbuiltin; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	pos = user_pos(t, name, &found);
	return found ? t->chains[pos] : NULL;
}

struct uipt_chain *uipt_chain_add(struct uipt_table *t, const char *name)
{
	bool found;
	uint32_t pos = user_pos(t, name, &found);
	struct uipt_chain *c;

	if (found)
		return NULL;
	c = chain_new(name, -1);
	table_push(t, pos, c);
	return c;
}

static uint32_t chain_index(const struct uipt_table *t, const struct uipt_chain *c)
{
	bool found;

	return user_pos(t, c->name, &found);
}

void uipt_chain_del(struct uipt_table *t, struct uipt_chain *c)
{
	uint32_t pos = chain_index(t, c);

	memmove(t->chains + pos, t->chains + pos + 1,
		(t->n - pos - 1) * sizeof(*t->chains));
	t->n--;
	chain_free(c);
}

void uipt_chain_rename(struct uipt_table *t, struct uipt_chain *c,
		       const char *name)
{
	uint32_t pos = chain_index(t, c);
	bool found;

	memmove(t->chains + pos, t->chains + pos + 1,
		(t->n - pos - 1) * sizeof(*t->chains));
	t->n--;
	memset(c->name, 0, sizeof(c->name));
	strncpy(c->name, name, sizeof(c->name) - 1);
	table_push(t, user_pos(t, name, &found), c);
}

/*
 * Rules of a restore come from a pool of large blocks, never freed one by
 * one: 100k rules mean 100k mallocs otherwise, and the short-lived
 * command-line strings freed between them make each one slow.
 */
#define POOL_BLOCK (1u << 20)
#define POOL_MAX 8192

/* Each block starts with a link to the one before: they stay reachable
 * (leak checkers agree) without being freed. */
struct pool_block {
	alignas(8) struct pool_block *prev;
};

static struct {
	bool on;
	char *cur;
	size_t left;
	struct pool_block *last;
} pool;

void uipt_rule_pool(bool on)
{
	pool.on = on;
}

static void pool_grow(void)
{
	struct pool_block *b = calloc(1, POOL_BLOCK);

	if (!b)
		abort();
	/* The tail of the old block is given up. */
	b->prev = pool.last;
	pool.last = b;
	pool.cur = (char *)(b + 1);
	pool.left = POOL_BLOCK - sizeof(*b);
}

static struct uipt_rule *rule_alloc(size_t entry_size, bool zero)
{
	size_t size = (sizeof(struct uipt_rule) + entry_size + 7) & ~(size_t)7;
	struct uipt_rule *r;

	if (pool.on && size <= POOL_MAX) {
		if (pool.left < size)
			pool_grow();
		r = (struct uipt_rule *)pool.cur;
		pool.cur += size;
		pool.left -= size;
		r->in_arena = true;	/* fresh calloc'ed memory: zero */
	} else {
		r = zero ? calloc(1, size) : malloc(size);
		if (!r)
			abort();
		r->in_arena = false;
	}
	r->jump = NULL;
	r->counters = (struct xt_counters){ 0, 0 };
	r->comefrom = 0;
	r->kind = UIPT_RULE_TARGET;
	r->e = (struct ipt_entry *)r->bytes;
	return r;
}

struct uipt_rule *uipt_rule_alloc(size_t entry_size)
{
	return rule_alloc(entry_size, true);
}

struct uipt_rule *uipt_rule_new(const struct ipt_entry *e)
{
	struct uipt_rule *r = rule_alloc(e->next_offset, false);

	r->counters = e->counters;
	memcpy(r->bytes, e, e->next_offset);
	return r;
}

struct uipt_rule *uipt_rule_borrow(struct uipt_table *t, uint32_t slot,
				   const struct ipt_entry *e)
{
	struct uipt_rule *r = &t->arena[slot];

	r->jump = NULL;
	r->counters = e->counters;
	r->comefrom = 0;
	r->kind = UIPT_RULE_TARGET;
	r->in_arena = true;
	r->e = (struct ipt_entry *)e;
	return r;
}

struct uipt_rule *uipt_rule_dup(const struct uipt_rule *r)
{
	struct uipt_rule *n = uipt_rule_new(uipt_rule_entry(r));

	n->kind = r->kind;
	n->counters = r->counters;
	n->comefrom = r->comefrom;
	uipt_rule_set_jump(n, r->jump);
	return n;
}

void uipt_rule_set_jump(struct uipt_rule *r, struct uipt_chain *to)
{
	if (r->jump)
		r->jump->refs--;
	r->jump = to;
	if (to)
		to->refs++;
}

void uipt_rule_free(struct uipt_rule *r)
{
	if (!r)
		return;
	uipt_rule_set_jump(r, NULL);
	if (!r->in_arena)
		free(r);
}

void uipt_chain_insert(struct uipt_chain *c, uint32_t pos, struct uipt_rule *r)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->rules = xrealloc(c->rules, c->cap * sizeof(*c->rules));
	}
	memmove(c->rules + pos + 1, c->rules + pos, (c->n - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->n++;
}

void uipt_chain_replace(struct uipt_chain *c, uint32_t pos, struct uipt_rule *r)
{
	uipt_rule_free(c->rules[pos]);
	c->rules[pos] = r;
}

void uipt_chain_remove(struct uipt_chain *c, uint32_t pos)
{
	uipt_rule_free(c->rules[pos]);
	memmove(c->rules + pos, c->rules + pos + 1, (c->n - pos - 1) * sizeof(*c->rules));
	c->n--;
}

/* Compares the first `user` bytes of two data areas of equal size. */
static bool same_data(const void *a, const void *b, size_t size, size_t user)
{
	return !memcmp(a, b, user < size ? user : size);
}

static bool same_matches(const struct ipt_entry *a, const struct ipt_entry *b)
{
	unsigned int oa = sizeof(*a), ob = sizeof(*b);

	while (oa < a->target_offset && ob < b->target_offset) {
		const struct xt_entry_match *ma = (const void *)((const char *)a + oa);
		const struct xt_entry_match *mb = (const void *)((const char *)b + ob);
		const struct xtables_match *ext;
		size_t dsize = ma->u.match_size - sizeof(*ma), user = dsize;

		if (ma->u.match_size != mb->u.match_size ||
		    strcmp(ma->u.user.name, mb->u.user.name) ||
		    ma->u.user.revision != mb->u.user.revision)
			return false;
		ext = uipt_find_match_cached(ma->u.user.name, ma->u.user.revision);
		if (ext)
			user = ext->userspacesize;
		if (!same_data(ma->data, mb->data, dsize, user))
			return false;
		oa += ma->u.match_size;
		ob += mb->u.match_size;
	}
	return oa == a->target_offset && ob == b->target_offset;
}

static bool same_target(const struct uipt_rule *a, const struct uipt_rule *b)
{
	const struct xt_entry_target *ta = uipt_rule_target(a), *tb = uipt_rule_target(b);
	const struct xtables_target *ext;
	size_t dsize = ta->u.target_size - sizeof(*ta), user = dsize;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case UIPT_RULE_JUMP:
		return a->jump == b->jump;
	case UIPT_RULE_FALLTHROUGH:
		return true;
	case UIPT_RULE_VERDICT:
		return ((const struct xt_standard_target *)ta)->verdict ==
		       ((const struct xt_standard_target *)tb)->verdict;
	}
	if (ta->u.target_size != tb->u.target_size ||
	    strcmp(ta->u.user.name, tb->u.user.name) ||
	    ta->u.user.revision != tb->u.user.revision)
		return false;
	ext = uipt_find_target_cached(ta->u.user.name, ta->u.user.revision);
	if (ext)
		user = ext->userspacesize;
	return same_data(ta->data, tb->data, dsize, user);
}

bool uipt_rule_same(const struct uipt_rule *a, const struct uipt_rule *b)
{
	const struct ipt_entry *ea = uipt_rule_entry(a), *eb = uipt_rule_entry(b);

	if (memcmp(&ea->ip, &eb->ip, sizeof(ea->ip)) ||
	    ea->target_offset != eb->target_offset ||
	    ea->next_offset != eb->next_offset)
		return false;
	return same_matches(ea, eb) && same_target(a, b);
}
