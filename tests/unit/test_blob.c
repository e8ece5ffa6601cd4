/* The blob: build a small filter table, check its layout byte offsets,
 * parse it back, and check that damaged blobs are refused. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "../../libxt/blob.h"
#include "../../libxt/error.h"
#include "../../libxt/registry.h"
#include "../../libxt/ruleset.h"
#include "tap.h"

#define STD_ENTRY (UIPT_ENTRY_SIZE + UIPT_STD_TARGET_SIZE)
#define ERR_ENTRY (UIPT_ENTRY_SIZE + UIPT_ERR_TARGET_SIZE)

/* A rule with no matches and a standard target. */
static struct uipt_rule *std_rule(int verdict, uint8_t kind, const char *src)
{
	union {
		struct ipt_entry e;
		unsigned char b[STD_ENTRY];
	} u;
	struct xt_standard_target *st;
	struct uipt_rule *r;

	memset(&u, 0, sizeof(u));
	u.e.target_offset = UIPT_ENTRY_SIZE;
	u.e.next_offset = STD_ENTRY;
	if (src) {
		inet_pton(AF_INET, src, &u.e.ip.src);
		u.e.ip.smsk.s_addr = htonl(0xff000000);
		u.e.ip.src.s_addr &= u.e.ip.smsk.s_addr;
	}
	st = (struct xt_standard_target *)u.e.elems;
	st->target.u.target_size = UIPT_STD_TARGET_SIZE;
	st->verdict = verdict;
	r = uipt_rule_new(&u.e);
	r->kind = kind;
	return r;
}

static struct ipt_entry *entry_at(struct ipt_replace *repl, uint32_t off)
{
	return (struct ipt_entry *)((char *)repl->entries + off);
}

/* Parses a copy of b altered by fix; returns what uipt_blob_parse did. */
static int parse_altered(const struct uipt_blob *b,
			 void (*fix)(struct ipt_replace *, size_t *))
{
	struct ipt_replace *copy = malloc(b->repl_len);
	struct uipt_table *t = NULL;
	size_t len = b->repl_len;
	int ret;

	memcpy(copy, b->repl, b->repl_len);
	fix(copy, &len);
	xt_error_clear();
	ret = uipt_blob_parse(copy, len, NULL, &t);
	if (ret == 0)
		uipt_table_free(t);
	free(copy);
	return ret;
}

/* Layout of the test table (offsets into entries):
 *   INPUT:   0 jump mychain, 152 policy ACCEPT
 *   FORWARD: 304 policy DROP
 *   OUTPUT:  456 policy ACCEPT
 *   mychain: 608 ERROR "mychain", 784 -s 10/8 DROP, 936 ACCEPT, 1088 RETURN
 *   1240 final ERROR, size 1416 */
enum { OFF_JUMP = 0, OFF_IN_POL = 152, OFF_FWD = 304, OFF_OUT = 456,
       OFF_UERR = 608, OFF_UCHAIN = 784, OFF_U2 = 936, OFF_URET = 1088,
       OFF_FINAL = 1240, SIZE = 1416 };

static void bad_next_offset(struct ipt_replace *r, size_t *l)
{
	(void)l;
	entry_at(r, OFF_JUMP)->next_offset = 100;	/* less than an entry */
}

static void bad_next_offset_big(struct ipt_replace *r, size_t *l)
{
	(void)l;
	entry_at(r, OFF_FINAL)->next_offset = 400;	/* beyond the end */
}

static void bad_next_offset_unaligned(struct ipt_replace *r, size_t *l)
{
	(void)l;
	entry_at(r, OFF_IN_POL)->next_offset = STD_ENTRY + 4;
}

static void hook_off_entry(struct ipt_replace *r, size_t *l)
{
	(void)l;
	r->hook_entry[NF_INET_LOCAL_IN] = OFF_JUMP + 8;
}

static void underflow_off_entry(struct ipt_replace *r, size_t *l)
{
	(void)l;
	r->underflow[NF_INET_LOCAL_OUT] = OFF_OUT + 16;
}

static void no_final_error(struct ipt_replace *r, size_t *l)
{
	/* Drop the last entry and say so in the header. */
	r->size -= ERR_ENTRY;
	r->num_entries--;
	*l -= ERR_ENTRY;
}

static void final_error_renamed(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_FINAL);
	struct xt_entry_target *t = (struct xt_entry_target *)((char *)e + e->target_offset);

	(void)l;
	strcpy(t->u.user.name, "NOTERROR");
}

static void jump_mid_chain(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_JUMP);

	(void)l;
	((struct xt_standard_target *)e->elems)->verdict = OFF_U2;
}

static void jump_off_entry(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_JUMP);

	(void)l;
	((struct xt_standard_target *)e->elems)->verdict = OFF_UCHAIN + 8;
}

static void jump_beyond(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_JUMP);

	(void)l;
	((struct xt_standard_target *)e->elems)->verdict = SIZE + 152;
}

static void huge_num_entries(struct ipt_replace *r, size_t *l)
{
	(void)l;
	r->num_entries = 0xffffffff;	/* must not size an allocation */
}

static struct ipt_entry *final_entry(struct ipt_replace *r)
{
	return (struct ipt_entry *)((char *)r->entries + r->size - ERR_ENTRY);
}

static void final_error_cut(struct ipt_replace *r, size_t *l)
{
	/* Peeked at from the chain before it: the peek must stay inside. */
	r->size -= ERR_ENTRY - 60;
	*l -= ERR_ENTRY - 60;
}

static void final_target_unaligned(struct ipt_replace *r, size_t *l)
{
	(void)l;
	final_entry(r)->target_offset += 1;
}

static void size_mismatch(struct ipt_replace *r, size_t *l)
{
	(void)l;
	r->size += 8;
}

static void bad_verdict(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_U2);

	(void)l;
	((struct xt_standard_target *)e->elems)->verdict = -42;
}

static void policy_return(struct ipt_replace *r, size_t *l)
{
	struct ipt_entry *e = entry_at(r, OFF_IN_POL);

	(void)l;
	((struct xt_standard_target *)e->elems)->verdict = XT_RETURN;
}

static void unchanged(struct ipt_replace *r, size_t *l)
{
	(void)r;
	(void)l;
}

/* What uipt_blob_emit hands its sink, gathered per part. */
struct gathered {
	char *part[3];
	size_t len[3];
	unsigned int pieces[3];
};

static int gather(void *ctx, int part, const void *p, size_t len)
{
	struct gathered *g = ctx;

	g->part[part] = realloc(g->part[part], g->len[part] + len);
	memcpy(g->part[part] + g->len[part], p, len);
	g->len[part] += len;
	g->pieces[part]++;
	return 0;
}

static int refuse(void *ctx, int part, const void *p, size_t len)
{
	(void)p;
	(void)len;
	return part == *(int *)ctx;
}

/* The streamed blob must be the built one, byte for byte, in pieces. */
static void check_streamed(struct uipt_table *t, const char *what)
{
	struct gathered g = { 0 };
	struct uipt_blob b;
	int ret = uipt_blob_build(t, &b);

	ok(ret == 0 && uipt_blob_emit(t, gather, &g) == 0, "%s: built and streamed", what);
	ok(g.len[UIPT_BLOB_HEADER] == sizeof(struct ipt_replace) &&
	   !memcmp(g.part[UIPT_BLOB_HEADER], b.repl, sizeof(struct ipt_replace)),
	   "%s: streamed header is the built one", what);
	ok(g.len[UIPT_BLOB_ENTRIES] == b.repl->size &&
	   !memcmp(g.part[UIPT_BLOB_ENTRIES], b.repl->entries, b.repl->size),
	   "%s: streamed entries are the built ones (%zu bytes in %u pieces)", what,
	   g.len[UIPT_BLOB_ENTRIES], g.pieces[UIPT_BLOB_ENTRIES]);
	ok(g.len[UIPT_BLOB_COUNTERS] == b.repl->num_entries * sizeof(struct xt_counters) &&
	   !memcmp(g.part[UIPT_BLOB_COUNTERS], b.counters, g.len[UIPT_BLOB_COUNTERS]),
	   "%s: streamed counters are the built ones (%u pieces)", what,
	   g.pieces[UIPT_BLOB_COUNTERS]);
	for (int i = 0; i < 3; i++)
		free(g.part[i]);
	uipt_blob_free(&b);
}

/* A big table: 3000 rules in INPUT, some jumping to 40 user chains of 50
 * rules each, counters all different. */
static void check_big_streamed(void)
{
	struct uipt_table *t = uipt_table_new(uipt_table_def("filter"));
	struct uipt_chain *in = uipt_chain_find(t, "INPUT"), *u[40];
	char name[32], src[32];
	uint64_t k = 1;

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "chain%02d", i);
		u[i] = uipt_chain_add(t, name);
		for (int j = 0; j < 50; j++) {
			snprintf(src, sizeof(src), "10.%d.%d.0", i, j);
			struct uipt_rule *r = std_rule(j % 2 ? -NF_ACCEPT - 1 : XT_RETURN,
						       UIPT_RULE_VERDICT, src);
			r->counters = (struct xt_counters){ k, k * 100 };
			k++;
			uipt_chain_insert(u[i], u[i]->n, r);
		}
	}
	for (int i = 0; i < 3000; i++) {
		struct uipt_rule *r;

		snprintf(src, sizeof(src), "11.%d.%d.0", i / 256, i % 256);
		if (i % 75 == 0) {
			r = std_rule(0, UIPT_RULE_JUMP, src);
			uipt_rule_set_jump(r, u[i / 75]);
		} else if (i % 7 == 0) {
			r = std_rule(0, UIPT_RULE_FALLTHROUGH, src);
		} else {
			r = std_rule(-NF_DROP - 1, UIPT_RULE_VERDICT, src);
		}
		r->counters = (struct xt_counters){ k, k * 3 };
		k++;
		uipt_chain_insert(in, in->n, r);
	}
	check_streamed(t, "big table");
	for (int part = 0; part < 3; part++) {
		xt_error_clear();
		ok(uipt_blob_emit(t, refuse, &part) == -1,
		   "a sink refusing part %d stops the stream", part);
	}
	uipt_table_free(t);
}

int main(void)
{
	struct uipt_table *t, *back = NULL;
	struct uipt_chain *in, *fwd, *out, *my, *my2;
	struct uipt_blob b, b2;
	struct ipt_entry *e;
	int ret;

	xt_registry_init();

	ok(UIPT_ENTRY_SIZE == 112, "ipt_entry is 112 bytes (%zu)", (size_t)UIPT_ENTRY_SIZE);
	ok(STD_ENTRY == 152, "standard entry is 152 bytes (%zu)", (size_t)STD_ENTRY);
	ok(ERR_ENTRY == 176, "ERROR entry is 176 bytes (%zu)", (size_t)ERR_ENTRY);

	/* The empty filter table: three policies and the final ERROR. */
	t = uipt_table_new(uipt_table_def("filter"));
	ok(t && t->n == 3 && t->nbuiltin == 3, "filter has three built-in chains");
	ret = uipt_blob_build(t, &b);
	ok(ret == 0, "empty filter builds");
	ok(b.repl->size == 3 * 152 + 176, "empty filter size %u == 632", b.repl->size);
	ok(b.repl->num_entries == 4, "empty filter has 4 entries (%u)", b.repl->num_entries);
	ok(b.repl_len == sizeof(struct ipt_replace) + 632, "repl_len covers header and entries");
	ok(!strcmp(b.repl->name, "filter"), "blob is named filter");
	ok(b.repl->valid_hooks == ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) |
				   (1 << NF_INET_LOCAL_OUT)), "filter valid_hooks");
	ok(b.repl->hook_entry[NF_INET_LOCAL_IN] == 0 &&
	   b.repl->hook_entry[NF_INET_FORWARD] == 152 &&
	   b.repl->hook_entry[NF_INET_LOCAL_OUT] == 304, "empty filter hook entries");
	ok(b.repl->underflow[NF_INET_LOCAL_IN] == 0 &&
	   b.repl->underflow[NF_INET_FORWARD] == 152 &&
	   b.repl->underflow[NF_INET_LOCAL_OUT] == 304, "empty filter underflows");
	ret = uipt_blob_parse(b.repl, b.repl_len, b.counters, &back);
	ok(ret == 0 && back && back->n == 3, "empty filter parses back");
	if (back)
		uipt_table_free(back);
	back = NULL;
	uipt_blob_free(&b);

	/* Now a user chain, a jump to it, and rules. */
	in = uipt_chain_find(t, "INPUT");
	fwd = uipt_chain_find(t, "FORWARD");
	out = uipt_chain_find(t, "OUTPUT");
	ok(in && fwd && out, "built-in chains found");
	fwd->policy = -NF_DROP - 1;
	my = uipt_chain_add(t, "mychain");
	ok(my && my->hook < 0, "user chain added");
	{
		struct uipt_rule *j = std_rule(0, UIPT_RULE_JUMP, NULL);
		uipt_rule_set_jump(j, my);
		uipt_chain_insert(in, 0, j);
	}
	uipt_chain_insert(my, 0, std_rule(-NF_DROP - 1, UIPT_RULE_VERDICT, "10.1.2.3"));
	uipt_chain_insert(my, 1, std_rule(-NF_ACCEPT - 1, UIPT_RULE_VERDICT, NULL));
	ok(my->refs == 1, "user chain has one reference");
	ok(uipt_table_num_entries(t) == 9, "9 entries (%u)", uipt_table_num_entries(t));

	ret = uipt_blob_build(t, &b);
	ok(ret == 0, "table builds");
	ok(b.repl->size == SIZE, "size %u == %d", b.repl->size, SIZE);
	ok(b.repl->num_entries == 9, "num_entries %u == 9", b.repl->num_entries);
	ok(b.repl->hook_entry[NF_INET_LOCAL_IN] == OFF_JUMP &&
	   b.repl->underflow[NF_INET_LOCAL_IN] == OFF_IN_POL, "INPUT hook %u underflow %u",
	   b.repl->hook_entry[NF_INET_LOCAL_IN], b.repl->underflow[NF_INET_LOCAL_IN]);
	ok(b.repl->hook_entry[NF_INET_FORWARD] == OFF_FWD &&
	   b.repl->underflow[NF_INET_FORWARD] == OFF_FWD, "FORWARD hook");
	ok(b.repl->hook_entry[NF_INET_LOCAL_OUT] == OFF_OUT &&
	   b.repl->underflow[NF_INET_LOCAL_OUT] == OFF_OUT, "OUTPUT hook");
	ok(my->offset == OFF_UCHAIN, "mychain offset %u == %d", my->offset, OFF_UCHAIN);
	e = entry_at(b.repl, OFF_JUMP);
	ok(e->next_offset == 152 &&
	   ((struct xt_standard_target *)e->elems)->verdict == OFF_UCHAIN,
	   "jump verdict is mychain's offset (%d)",
	   ((struct xt_standard_target *)e->elems)->verdict);
	e = entry_at(b.repl, OFF_FWD);
	ok(((struct xt_standard_target *)e->elems)->verdict == -NF_DROP - 1,
	   "FORWARD policy DROP");
	e = entry_at(b.repl, OFF_UERR);
	ok(e->next_offset == 176 &&
	   !strcmp(((struct xt_error_target *)e->elems)->target.u.user.name, XT_ERROR_TARGET) &&
	   !strcmp(((struct xt_error_target *)e->elems)->errorname, "mychain"),
	   "ERROR entry heads mychain");
	e = entry_at(b.repl, OFF_URET);
	ok(((struct xt_standard_target *)e->elems)->verdict == XT_RETURN,
	   "mychain ends in RETURN");
	e = entry_at(b.repl, OFF_FINAL);
	ok(e->next_offset == 176 && OFF_FINAL + 176 == SIZE &&
	   !strcmp(((struct xt_error_target *)e->elems)->errorname, XT_ERROR_TARGET),
	   "final ERROR entry");
	e = entry_at(b.repl, 784);
	ok(e->ip.src.s_addr == htonl(0x0a000000) && e->ip.smsk.s_addr == htonl(0xff000000),
	   "rule bytes kept (-s 10.0.0.0/8)");

	/* Back again. */
	ret = uipt_blob_parse(b.repl, b.repl_len, b.counters, &back);
	ok(ret == 0 && back, "blob parses back (%s)", ret ? xt_error_msg() : "ok");
	if (back) {
		struct uipt_chain *bin = uipt_chain_find(back, "INPUT");
		struct uipt_chain *bfwd = uipt_chain_find(back, "FORWARD");

		my2 = uipt_chain_find(back, "mychain");
		ok(back->n == 4 && back->nbuiltin == 3, "four chains, three built in");
		ok(my2 && my2->hook < 0 && my2->n == 2, "mychain has its 2 rules");
		ok(bin && bin->n == 1 && bin->rules[0]->kind == UIPT_RULE_JUMP &&
		   bin->rules[0]->jump == my2, "INPUT's rule jumps to mychain");
		ok(my2 && my2->refs == 1, "mychain's reference counted");
		ok(bfwd && bfwd->policy == -NF_DROP - 1, "FORWARD policy survives");
		ok(my2 && my2->n == 2 &&
		   uipt_rule_entry(my2->rules[0])->ip.src.s_addr == htonl(0x0a000000) &&
		   my2->rules[0]->kind == UIPT_RULE_VERDICT,
		   "mychain's first rule survives");
		ret = uipt_blob_build(back, &b2);
		/* num_counters differs by design: a parsed table is the one being
		 * replaced, so its next replace counts its own 9 entries. */
		ok(ret == 0 && b2.repl_len == b.repl_len &&
		   !memcmp(b2.repl, b.repl, offsetof(struct ipt_replace, num_counters)) &&
		   !memcmp(b2.repl->entries, b.repl->entries, b.repl->size),
		   "rebuilt blob is byte-identical but for num_counters");
		ok(ret == 0 && b2.repl->num_counters == 9 && b.repl->num_counters == 4,
		   "num_counters: %u for the new table, %u once parsed",
		   b.repl->num_counters, ret == 0 ? b2.repl->num_counters : 0);
		if (ret == 0) {
			uipt_blob_free(&b2);
		}
		uipt_table_free(back);
	}

	/* Damaged blobs. */
	ok(parse_altered(&b, unchanged) == 0, "an unaltered copy parses");
	ok(parse_altered(&b, bad_next_offset) == -1, "next_offset too small refused: %s", xt_error_msg());
	ok(parse_altered(&b, bad_next_offset_big) == -1, "next_offset beyond the end refused: %s", xt_error_msg());
	ok(parse_altered(&b, bad_next_offset_unaligned) == -1, "unaligned next_offset refused: %s", xt_error_msg());
	ok(parse_altered(&b, hook_off_entry) == -1, "hook_entry not on an entry refused: %s", xt_error_msg());
	ok(parse_altered(&b, underflow_off_entry) == -1, "underflow not on an entry refused: %s", xt_error_msg());
	ok(parse_altered(&b, no_final_error) == -1, "missing final ERROR refused: %s", xt_error_msg());
	ok(parse_altered(&b, final_error_renamed) == -1, "final entry not ERROR refused: %s", xt_error_msg());
	ok(parse_altered(&b, jump_mid_chain) == -1, "jump into the middle of a chain refused: %s", xt_error_msg());
	ok(parse_altered(&b, jump_off_entry) == -1, "jump not on an entry refused: %s", xt_error_msg());
	ok(parse_altered(&b, jump_beyond) == -1, "jump beyond the end refused: %s", xt_error_msg());
	ok(parse_altered(&b, size_mismatch) == -1, "size not matching length refused: %s", xt_error_msg());
	ok(parse_altered(&b, bad_verdict) == -1, "unknown verdict refused: %s", xt_error_msg());
	ok(parse_altered(&b, policy_return) == -1, "RETURN policy refused: %s", xt_error_msg());
	ok(parse_altered(&b, huge_num_entries) == -1, "num_entries beyond the size refused: %s",
	   xt_error_msg());
	ok(parse_altered(&b, final_error_cut) == -1, "a cut final entry refused: %s", xt_error_msg());
	ok(parse_altered(&b, final_target_unaligned) == -1, "an unaligned target refused: %s",
	   xt_error_msg());
	{
		struct uipt_table *x = NULL;
		ok(uipt_blob_parse(b.repl, sizeof(struct ipt_replace) - 1, NULL, &x) == -1,
		   "a blob shorter than its header refused");
	}

	check_streamed(t, "small table");
	check_big_streamed();
	uipt_rule_pool(true);
	check_big_streamed();
	uipt_rule_pool(false);

	uipt_blob_free(&b);
	uipt_table_free(t);
	return tap_done();
}
