/* Model to blob: libiptc's layout, byte for byte. */
#include <stdlib.h>
#include <string.h>
#include "blob.h"

/* Assigns each chain's offset; returns the entries' total size. */
static uint32_t layout(struct uipt_table *t)
{
	uint32_t off = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		struct uipt_chain *c = t->chains[i];

		if (c->hook < 0)
			off += UIPT_ENTRY_SIZE + UIPT_ERR_TARGET_SIZE;
		c->offset = off;
		for (uint32_t j = 0; j < c->n; j++)
			off += uipt_rule_entry(c->rules[j])->next_offset;
		off += UIPT_ENTRY_SIZE + UIPT_STD_TARGET_SIZE;
	}
	return off + UIPT_ENTRY_SIZE + UIPT_ERR_TARGET_SIZE;
}

static struct ipt_entry *put_bare(char *p, uint16_t tsize)
{
	struct ipt_entry *e = (struct ipt_entry *)p;

	memset(e, 0, UIPT_ENTRY_SIZE + tsize);
	e->target_offset = UIPT_ENTRY_SIZE;
	e->next_offset = (uint16_t)(UIPT_ENTRY_SIZE + tsize);
	((struct xt_entry_target *)e->elems)->u.target_size = tsize;
	return e;
}

static uint32_t put_standard(char *p, int verdict)
{
	struct ipt_entry *e = put_bare(p, UIPT_STD_TARGET_SIZE);

	((struct xt_standard_target *)e->elems)->verdict = verdict;
	return e->next_offset;
}

static uint32_t put_error(char *p, const char *name)
{
	struct ipt_entry *e = put_bare(p, UIPT_ERR_TARGET_SIZE);
	struct xt_error_target *et = (struct xt_error_target *)e->elems;

	strcpy(et->target.u.user.name, XT_ERROR_TARGET);
	memcpy(et->errorname, name, strnlen(name, sizeof(et->errorname) - 1));
	return e->next_offset;
}

static uint32_t put_rule(char *p, uint32_t off, const struct uipt_rule *r)
{
	struct ipt_entry *e = (struct ipt_entry *)p;
	struct xt_standard_target *st;

	memcpy(e, uipt_rule_entry(r), uipt_rule_entry(r)->next_offset);
	/* As restore -c sends them; the kernel itself ignores them. */
	e->counters = r->counters;
	e->comefrom = 0;
	st = (struct xt_standard_target *)((char *)e + e->target_offset);
	if (r->kind == UIPT_RULE_JUMP)
		st->verdict = (int)r->jump->offset;
	else if (r->kind == UIPT_RULE_FALLTHROUGH)
		st->verdict = (int)(off + e->next_offset);
	return e->next_offset;
}

static void put_chain(char *base, const struct uipt_chain *c,
		      struct ipt_replace *repl, struct xt_counters **ctr)
{
	uint32_t off = c->offset;

	if (c->hook < 0) {
		put_error(base + off - UIPT_ENTRY_SIZE - UIPT_ERR_TARGET_SIZE, c->name);
		*(*ctr)++ = (struct xt_counters){ 0, 0 };
	} else {
		repl->hook_entry[c->hook] = off;
	}
	for (uint32_t j = 0; j < c->n; j++) {
		*(*ctr)++ = c->rules[j]->counters;
		off += put_rule(base + off, off, c->rules[j]);
	}
	if (c->hook >= 0) {
		repl->underflow[c->hook] = off;
		put_standard(base + off, c->policy);
		((struct ipt_entry *)(base + off))->counters = c->counters;
		*(*ctr)++ = c->counters;
	} else {
		put_standard(base + off, XT_RETURN);
		*(*ctr)++ = (struct xt_counters){ 0, 0 };
	}
}

void uipt_blob_measure(struct uipt_table *t, size_t *repl_len, uint32_t *nentries)
{
	*repl_len = sizeof(struct ipt_replace) + layout(t);
	*nentries = uipt_table_num_entries(t);
}

void uipt_blob_fill(const struct uipt_table *t, struct ipt_replace *repl,
		    size_t repl_len, struct xt_counters *ctr)
{
	uint32_t size = (uint32_t)(repl_len - sizeof(*repl));
	char *base = (char *)repl->entries;

	memcpy(repl->name, t->name, strnlen(t->name, sizeof(repl->name) - 1));
	repl->valid_hooks = t->def->valid_hooks;
	repl->num_entries = uipt_table_num_entries(t);
	repl->size = size;
	repl->num_counters = t->num_counters;
	for (uint32_t i = 0; i < t->n; i++)
		put_chain(base, t->chains[i], repl, &ctr);
	put_error(base + size - UIPT_ENTRY_SIZE - UIPT_ERR_TARGET_SIZE, XT_ERROR_TARGET);
	*ctr = (struct xt_counters){ 0, 0 };
}

int uipt_blob_build(struct uipt_table *t, struct uipt_blob *b)
{
	size_t len;
	uint32_t n;

	uipt_blob_measure(t, &len, &n);
	b->repl = calloc(1, len);
	b->counters = calloc(n, sizeof(*b->counters));
	if (!b->repl || !b->counters) {
		uipt_blob_free(b);
		return xt_error(RESOURCE_PROBLEM, "out of memory building table %s", t->name);
	}
	uipt_blob_fill(t, b->repl, len, b->counters);
	b->repl_len = len;
	return 0;
}

void uipt_blob_free(struct uipt_blob *b)
{
	free(b->repl);
	free(b->counters);
	b->repl = NULL;
	b->counters = NULL;
}
