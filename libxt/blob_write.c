/* Model to blob: libiptc's layout, byte for byte. */
#include <stdlib.h>
#include <string.h>
#include "blob.h"
#include "error.h"

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

/*
 * Streaming: the entries are staged in a small buffer and handed to the
 * sink in blob order, the counters likewise, the ipt_replace header last.
 * The staged bytes are still in the cache when the sink reads them.
 */
#define STAGE_ENTRIES (16 * 1024)
#define STAGE_COUNTERS 256
#define MAX_ENTRY 65536		/* next_offset is 16 bits */

struct out {
	uipt_blob_sink sink;
	void *ctx;
	char *buf;
	size_t used;
	struct xt_counters ctr[STAGE_COUNTERS];
	size_t nctr;
	uint32_t off;
	int err;
};

static void flush_entries(struct out *o)
{
	if (o->used && !o->err)
		o->err = o->sink(o->ctx, UIPT_BLOB_ENTRIES, o->buf, o->used);
	o->used = 0;
}

static void flush_counters(struct out *o)
{
	if (o->nctr && !o->err)
		o->err = o->sink(o->ctx, UIPT_BLOB_COUNTERS, o->ctr,
				 o->nctr * sizeof(o->ctr[0]));
	o->nctr = 0;
}

static char *room(struct out *o)
{
	if (o->used >= STAGE_ENTRIES)
		flush_entries(o);
	return o->buf + o->used;
}

static void advance(struct out *o, uint32_t n)
{
	o->used += n;
	o->off += n;
}

static void push_counters(struct out *o, struct xt_counters c)
{
	o->ctr[o->nctr++] = c;
	if (o->nctr == STAGE_COUNTERS)
		flush_counters(o);
}

static void emit_chain(struct out *o, const struct uipt_chain *c,
		       struct ipt_replace *repl)
{
	char *p;

	if (c->hook < 0) {
		advance(o, put_error(room(o), c->name));
		push_counters(o, (struct xt_counters){ 0, 0 });
	} else {
		repl->hook_entry[c->hook] = o->off;
	}
	for (uint32_t j = 0; j < c->n; j++) {
		push_counters(o, c->rules[j]->counters);
		advance(o, put_rule(room(o), o->off, c->rules[j]));
	}
	p = room(o);
	if (c->hook >= 0) {
		repl->underflow[c->hook] = o->off;
		put_standard(p, c->policy);
		((struct ipt_entry *)p)->counters = c->counters;
		push_counters(o, c->counters);
	} else {
		put_standard(p, XT_RETURN);
		push_counters(o, (struct xt_counters){ 0, 0 });
	}
	advance(o, UIPT_ENTRY_SIZE + UIPT_STD_TARGET_SIZE);
}

int uipt_blob_emit(struct uipt_table *t, uipt_blob_sink sink, void *ctx)
{
	struct ipt_replace repl;
	struct out *o = calloc(1, sizeof(*o));
	int err;

	if (!o || !(o->buf = malloc(STAGE_ENTRIES + MAX_ENTRY))) {
		free(o);
		return xt_error(RESOURCE_PROBLEM, "out of memory building table %s", t->name);
	}
	o->sink = sink;
	o->ctx = ctx;
	memset(&repl, 0, sizeof(repl));
	memcpy(repl.name, t->name, strnlen(t->name, sizeof(repl.name) - 1));
	repl.valid_hooks = t->def->valid_hooks;
	repl.num_entries = uipt_table_num_entries(t);
	repl.size = layout(t);
	repl.num_counters = t->num_counters;
	for (uint32_t i = 0; i < t->n; i++)
		emit_chain(o, t->chains[i], &repl);
	advance(o, put_error(room(o), XT_ERROR_TARGET));
	push_counters(o, (struct xt_counters){ 0, 0 });
	flush_entries(o);
	flush_counters(o);
	err = o->err ? o->err : sink(ctx, UIPT_BLOB_HEADER, &repl, sizeof(repl));
	free(o->buf);
	free(o);
	return err ? -1 : 0;
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
