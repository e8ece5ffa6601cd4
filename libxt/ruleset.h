/*
 * The rule model: a table of chains, each an array of rules, each rule the
 * very bytes of its ipt_entry (matches and target included).  Jumps point
 * at chains; offsets exist only in the blob.
 */
#ifndef LIBXT_RULESET_H
#define LIBXT_RULESET_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <uiptables/xtables.h>
#include "tables.h"

#define UIPT_CHAIN_MAXNAMELEN (XT_EXTENSION_MAXNAMELEN - 1)

enum uipt_rule_kind {
	UIPT_RULE_VERDICT,	/* ACCEPT, DROP, QUEUE, RETURN */
	UIPT_RULE_JUMP,		/* -j CHAIN or -g CHAIN (IPT_F_GOTO) */
	UIPT_RULE_FALLTHROUGH,	/* no -j: verdict is the next entry */
	UIPT_RULE_TARGET,	/* an extension target */
};

struct uipt_chain;

struct uipt_rule {
	struct uipt_chain *jump;
	struct xt_counters counters;
	uint32_t comefrom;
	uint8_t kind;
	bool in_arena;		/* in the table's arena or the pool: not freed alone */
	/* The entry: in bytes[] for rules made here, in the table's copy of
	 * the blob for rules loaded (read-only: never written through). */
	struct ipt_entry *e;
	alignas(8) unsigned char bytes[];
};

static inline struct ipt_entry *uipt_rule_entry(const struct uipt_rule *r)
{
	return r->e;
}

static inline struct xt_entry_target *uipt_rule_target(const struct uipt_rule *r)
{
	struct ipt_entry *e = uipt_rule_entry(r);

	return (struct xt_entry_target *)((char *)e + e->target_offset);
}

struct uipt_chain {
	char name[XT_FUNCTION_MAXNAMELEN];
	int hook;			/* NF_INET_*, -1 for user chains */
	int policy;			/* NF_ACCEPT/NF_DROP verdict, built-ins */
	struct xt_counters counters;	/* the policy's */
	struct uipt_rule **rules;
	uint32_t n, cap;
	uint32_t refs;			/* rules that jump or go here */
	uint32_t offset;		/* blob: first rule (or policy/foot) */
	uint32_t hooks;			/* hooks reaching it, found by verify */
	uint8_t mark;			/* verify's depth-first colour */
};

struct uipt_table {
	char name[XT_TABLE_MAXNAMELEN];
	const struct uipt_table_def *def;
	/* Built-ins in hook order, then user chains in strcmp order. */
	struct uipt_chain **chains;
	uint32_t n, cap, nbuiltin;
	uint32_t num_counters;		/* entries of the table being replaced */
	/* Loading is the hot path of every command: loaded rules point into
	 * one copy of the blob's entries and their headers are one array. */
	struct uipt_rule *arena;
	size_t arena_len;		/* bytes mapped, 0 if malloc'ed */
	void *map;
	size_t map_len;
	void (*release)(void *map, size_t len);
};

struct uipt_table *uipt_table_new(const struct uipt_table_def *def);
void uipt_table_free(struct uipt_table *t);
/* Zeroed room for n loaded rules' headers, as t->arena. */
struct uipt_rule *uipt_arena_alloc(struct uipt_table *t, size_t n);
uint32_t uipt_table_num_entries(const struct uipt_table *t);
void uipt_table_flush(struct uipt_table *t);

struct uipt_chain *uipt_chain_find(const struct uipt_table *t, const char *name);
struct uipt_chain *uipt_chain_add(struct uipt_table *t, const char *name);
void uipt_chain_del(struct uipt_table *t, struct uipt_chain *c);
void uipt_chain_rename(struct uipt_table *t, struct uipt_chain *c,
		       const char *name);
void uipt_chain_flush(struct uipt_chain *c);

struct uipt_rule *uipt_rule_new(const struct ipt_entry *e);
/* A rule whose entry, entry_size bytes in r->bytes, is all zero. */
struct uipt_rule *uipt_rule_alloc(size_t entry_size);
/* While on, new rules come from blocks that are never freed: for a
 * short-lived process that makes many (restore). */
void uipt_rule_pool(bool on);
/* A rule in t's arena whose entry stays where it is, in t->map. */
struct uipt_rule *uipt_rule_borrow(struct uipt_table *t, uint32_t slot,
				   const struct ipt_entry *e);
struct uipt_rule *uipt_rule_dup(const struct uipt_rule *r);
void uipt_rule_free(struct uipt_rule *r);
/* Takes ownership of r; pos in 0..c->n. */
void uipt_chain_insert(struct uipt_chain *c, uint32_t pos, struct uipt_rule *r);
void uipt_chain_replace(struct uipt_chain *c, uint32_t pos, struct uipt_rule *r);
void uipt_chain_remove(struct uipt_chain *c, uint32_t pos);
/* Points a jump rule at chain `to` (NULL to clear), keeping refs right. */
void uipt_rule_set_jump(struct uipt_rule *r, struct uipt_chain *to);

/* Same rule as -C and -D by spec see it: counters and kernel-private
 * parts of the extensions' data aside. */
bool uipt_rule_same(const struct uipt_rule *a, const struct uipt_rule *b);

#endif
