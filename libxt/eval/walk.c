/*
 * ipt_do_table on the stored blob: the bytes the kernel would run.  A table
 * is loaded through the store (so it is validated as translate_table
 * would), its blob rebuilt byte-identical, and each entry annotated once
 * with what the walk needs fast: the extensions resolved by kernel name and
 * revision, jump offsets turned into entry indexes, and the chain and rule
 * number the trace prints.  Counters move in the blob's counters array and
 * are written back to the state afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include "../error.h"
#include "../registry.h"
#include "../store.h"
#include "eval.h"
#include "evstate.h"

#define KIND_ERROR 0xff

static struct ipt_entry *entry_at(const struct uipt_blob *b, uint32_t off)
{
	return (struct ipt_entry *)((char *)b->repl->entries + off);
}

/* Entries are in offset order, so an offset is found by bisection. */
static int64_t index_of(const struct uipt_ev_table *t, uint32_t off)
{
	const char *base = (const char *)t->blob.repl->entries;
	uint32_t lo = 0, hi = t->n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		uint32_t o = (uint32_t)((const char *)t->ents[mid].e - base);

		if (o == off)
			return mid;
		if (o < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The names of extensions that make the kernel load conntrack for the
 * namespace (they call nf_ct_netns_get in checkentry). */
static bool needs_conntrack(const char *name)
{
	static const char *const names[] = {
		"conntrack", "state", "connmark", "CONNMARK", "CT", "NOTRACK",
		"SNAT", "DNAT", "MASQUERADE", "REDIRECT", "NETMAP", "helper",
		"connlimit", "connbytes", "connlabel", "cluster", "CONNSECMARK",
		"ipvs", "SYNPROXY",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* The ruleset's identity for per-rule state: the entries without their
 * counters, which the kernel does not look at either. */
static uint64_t entry_sum(uint64_t h, const struct ipt_entry *e)
{
	h = mix(h, e, offsetof(struct ipt_entry, counters));
	return mix(h, (const char *)e + sizeof(*e), e->next_offset - sizeof(*e));
}

static int add_matches(struct uipt_ev_table *t, struct uipt_ev_entry *ent,
		       size_t *privsz)
{
	const struct ipt_entry *e = ent->e;

	ent->first_match = t->nmatches;
	for (uint32_t o = sizeof(*e); o < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + o);
		struct uipt_ev_match *em;

		if (m->u.match_size < sizeof(*m))
			return xt_error(OTHER_PROBLEM, "table %s: bad match size",
					t->model->name);
		t->matches = realloc(t->matches, (t->nmatches + 1) * sizeof(*t->matches));
		if (!t->matches)
			abort();
		em = &t->matches[t->nmatches++];
		em->m = m;
		em->ext = xt_find_match_rev(m->u.user.name, m->u.user.revision,
					    NFPROTO_IPV4);
		em->priv = (void *)(uintptr_t)*privsz;	/* an offset until allocated */
		if (em->ext)
			*privsz += XT_ALIGN(em->ext->state_size);
		t->uses_ct |= needs_conntrack(m->u.user.name);
		t->uses_acct |= !strcmp(m->u.user.name, "connbytes");
		ent->nmatches++;
		o += m->u.match_size;
	}
	return 0;
}

static void add_target(struct uipt_ev_table *t, struct uipt_ev_entry *ent,
		       size_t *privsz)
{
	const struct xt_entry_target *tg =
		(const void *)((const char *)ent->e + ent->e->target_offset);
	const char *name = tg->u.user.name;

	if (!strcmp(name, XT_STANDARD_TARGET)) {
		ent->verdict = ((const struct xt_standard_target *)tg)->verdict;
		return;
	}
	if (!strcmp(name, XT_ERROR_TARGET)) {
		ent->kind = KIND_ERROR;
		return;
	}
	ent->target = xt_find_target_rev(name, tg->u.user.revision, NFPROTO_IPV4);
	ent->tpriv = (void *)(uintptr_t)*privsz;
	if (ent->target)
		*privsz += XT_ALIGN(ent->target->state_size);
	t->uses_ct |= needs_conntrack(name);
}

static void add_entry(struct uipt_ev_table *t, uint32_t *off, struct uipt_chain *c,
		      struct uipt_rule *r, unsigned int num, uint8_t kind)
{
	struct uipt_ev_entry *ent = &t->ents[t->n++];

	ent->e = entry_at(&t->blob, *off);
	ent->chain = c;
	ent->rule = r;
	ent->num = num;
	ent->kind = kind;
	*off += ent->e->next_offset;
}

/* Lays the model over the blob: the same walk as blob_write's layout. */
static void annotate(struct uipt_ev_table *t)
{
	uint32_t off = 0;

	for (uint32_t i = 0; i < t->model->n; i++) {
		struct uipt_chain *c = t->model->chains[i];

		if (c->hook < 0)
			add_entry(t, &off, c, NULL, 0, KIND_ERROR);
		for (uint32_t j = 0; j < c->n; j++)
			add_entry(t, &off, c, c->rules[j], j + 1, UIPT_STEP_RULE);
		add_entry(t, &off, c, NULL, c->n + 1,
			  c->hook >= 0 ? UIPT_STEP_POLICY : UIPT_STEP_RETURN);
	}
	add_entry(t, &off, NULL, NULL, 0, KIND_ERROR);
}

static int resolve(struct uipt_ev_table *t)
{
	size_t privsz = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		struct uipt_ev_entry *ent = &t->ents[i];

		t->sum = entry_sum(t->sum, ent->e);
		if (add_matches(t, ent, &privsz) < 0)
			return -1;
		add_target(t, ent, &privsz);
		if (ent->kind != KIND_ERROR && !ent->target && ent->verdict >= 0) {
			int64_t j = index_of(t, (uint32_t)ent->verdict);

			if (j < 0)
				return xt_error(OTHER_PROBLEM, "table %s: jump to %d is not an entry",
						t->model->name, ent->verdict);
			ent->jump = (uint32_t)j;
		}
	}
	t->priv_len = privsz;
	t->priv = calloc(1, privsz ? privsz : 1);
	if (!t->priv)
		abort();
	for (uint32_t i = 0; i < t->nmatches; i++)
		t->matches[i].priv = t->priv + (uintptr_t)t->matches[i].priv;
	for (uint32_t i = 0; i < t->n; i++)
		t->ents[i].tpriv = t->priv + (uintptr_t)t->ents[i].tpriv;
	return 0;
}

static void hooks_of(struct uipt_ev_table *t)
{
	for (int h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(t->blob.repl->valid_hooks & (1u << h)))
			continue;
		t->hook_entry[h] = (uint32_t)index_of(t, t->blob.repl->hook_entry[h]);
		t->underflow[h] = (uint32_t)index_of(t, t->blob.repl->underflow[h]);
	}
}

int uipt_ev_table_load(const char *name, struct uipt_ev_table **out)
{
	struct uipt_ev_table *t;

	*out = NULL;
	if (!uipt_table_exists(name))
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->sum = 0xcbf29ce484222325ull;
	if (uipt_table_load(name, &t->model) < 0 ||
	    uipt_blob_build(t->model, &t->blob) < 0) {
		uipt_ev_table_free(t);
		return -1;
	}
	t->ents = calloc(t->blob.repl->num_entries, sizeof(*t->ents));
	if (!t->ents)
		abort();
	annotate(t);
	if (t->n != t->blob.repl->num_entries || resolve(t) < 0) {
		if (t->n != t->blob.repl->num_entries)
			xt_error(OTHER_PROBLEM, "table %s: blob and model disagree", name);
		uipt_ev_table_free(t);
		return -1;
	}
	hooks_of(t);
	*out = t;
	return 0;
}

void uipt_ev_table_free(struct uipt_ev_table *t)
{
	if (!t)
		return;
	if (t->model)
		uipt_table_free(t->model);
	if (t->blob.repl)
		uipt_blob_free(&t->blob);
	free(t->ents);
	free(t->matches);
	free(t->priv);
	free(t);
}

/* Counters back into the model, then the model into the state. */
int uipt_ev_table_store(struct uipt_ev_table *t)
{
	if (!t->dirty)
		return 0;
	for (uint32_t i = 0; i < t->n; i++) {
		struct uipt_ev_entry *ent = &t->ents[i];

		if (ent->rule)
			ent->rule->counters = t->blob.counters[i];
		else if (ent->kind == UIPT_STEP_POLICY)
			ent->chain->counters = t->blob.counters[i];
	}
	if (uipt_table_store(t->model) < 0)
		return -1;
	t->dirty = false;
	return 0;
}

/* ip_packet_match: addresses, interfaces under their masks, protocol,
 * fragments. */
static bool iface_match(const char *dev, const char *want, const unsigned char *mask)
{
	unsigned int diff = 0;

	for (int i = 0; i < IFNAMSIZ; i++)
		diff |= ((unsigned char)dev[i] ^ (unsigned char)want[i]) & mask[i];
	return diff == 0;
}

static bool inv(const struct ipt_ip *ip, unsigned int flag, bool cond)
{
	return cond != !!(ip->invflags & flag);
}

static bool ip_match(const struct ipt_ip *ip, const struct xt_pkt *pkt,
		     const char *in, const char *out)
{
	uint32_t s, d;

	memcpy(&s, pkt->data + 12, 4);
	memcpy(&d, pkt->data + 16, 4);
	if (inv(ip, IPT_INV_SRCIP, (s & ip->smsk.s_addr) != ip->src.s_addr) ||
	    inv(ip, IPT_INV_DSTIP, (d & ip->dmsk.s_addr) != ip->dst.s_addr))
		return false;
	if (inv(ip, IPT_INV_VIA_IN, !iface_match(in, ip->iniface, ip->iniface_mask)) ||
	    inv(ip, IPT_INV_VIA_OUT, !iface_match(out, ip->outiface, ip->outiface_mask)))
		return false;
	if (ip->proto && inv(ip, XT_INV_PROTO, pkt->l4proto != ip->proto))
		return false;
	if (inv(ip, IPT_INV_FRAG, (ip->flags & IPT_F_FRAG) && !pkt->fragoff))
		return false;
	return true;
}

struct walk {
	struct uipt_ev_table *t;
	struct xt_pkt *pkt;
	struct uipt_result *res;
	struct xt_action_param par;
	char in[IFNAMSIZ], out[IFNAMSIZ];
	uint32_t *stack;
	uint32_t sp;
};

static struct uipt_step *step(struct walk *w, const struct uipt_ev_entry *ent)
{
	struct uipt_step *s;

	if (!w->res)
		return NULL;
	s = uipt_result_step(w->res, (enum uipt_step_kind)ent->kind);
	s->hook = (int)w->pkt->hook;
	s->table = w->t->model->name;
	s->chain = ent->chain ? ent->chain->name : "";
	s->num = ent->num;
	s->rule = ent->rule;
	return w->res->quiet ? NULL : s;	/* quiet: counted, not described */
}

static void say(struct uipt_step *s, const char *fmt, const char *arg)
{
	if (s)
		snprintf(s->what, sizeof(s->what), fmt, arg);
}

static bool run_matches(struct walk *w, const struct uipt_ev_entry *ent)
{
	for (uint32_t k = 0; k < ent->nmatches; k++) {
		struct uipt_ev_match *m = &w->t->matches[ent->first_match + k];

		if (!m->ext || !m->ext->match) {
			char msg[96];

			snprintf(msg, sizeof(msg), "match `%s' has no kernel half here: %s",
				 m->m->u.user.name, w->pkt->assume_unknown_match ?
				 "assumed to match" : "assumed not to match");
			if (w->pkt->ops && w->pkt->ops->assume)
				w->pkt->ops->assume(w->pkt, msg);
			if (!w->pkt->assume_unknown_match)
				return false;
			continue;
		}
		w->par.data = m->m->data;
		w->par.priv = m->priv;
		w->par.priv_size = (unsigned int)m->ext->state_size;
		if (!m->ext->match(w->pkt, &w->par))
			return false;
	}
	return true;
}

static const char *verdict_word(unsigned int v)
{
	switch (v & NF_VERDICT_MASK) {
	case NF_ACCEPT: return "ACCEPT";
	case NF_DROP: return "DROP";
	case NF_QUEUE: return "QUEUE";
	case NF_STOLEN: return "STOLEN";
	case NF_REPEAT: return "REPEAT";
	}
	return "UNKNOWN";
}

/* A standard target: a verdict, RETURN, or a jump.  Returns true when
 * the walk ends with *verdict. */
static bool standard(struct walk *w, uint32_t *idx, struct uipt_step *s,
		     unsigned int *verdict)
{
	const struct uipt_ev_entry *ent = &w->t->ents[*idx];
	int v = ent->verdict;

	if (v < 0 && v != XT_RETURN) {
		*verdict = (unsigned int)(-v) - 1;
		say(s, "%s", verdict_word(*verdict));
		return true;
	}
	if (v == XT_RETURN) {
		say(s, "%s", "RETURN");
		*idx = w->sp ? w->stack[--w->sp] + 1 : w->t->underflow[w->pkt->hook];
		return false;
	}
	if (ent->jump != *idx + 1 && !(ent->e->ip.flags & IPT_F_GOTO)) {
		if (w->sp >= w->t->n) {
			*verdict = NF_DROP;
			say(s, "%s", "DROP (jump stack full)");
			return true;
		}
		w->stack[w->sp++] = *idx;
	}
	if (s && ent->jump != *idx + 1)
		snprintf(s->what, sizeof(s->what), "%s %s",
			 ent->e->ip.flags & IPT_F_GOTO ? "goto" : "jump",
			 w->t->ents[ent->jump].chain->name);
	*idx = ent->jump;
	return false;
}

static bool extension_target(struct walk *w, uint32_t *idx, struct uipt_step *s,
			     unsigned int *verdict)
{
	const struct uipt_ev_entry *ent = &w->t->ents[*idx];
	const struct xt_entry_target *tg =
		(const void *)((const char *)ent->e + ent->e->target_offset);
	unsigned int v;

	if (!ent->target || !ent->target->target) {
		char msg[96];

		snprintf(msg, sizeof(msg), "target `%s' has no kernel half here: continued",
			 tg->u.user.name);
		if (w->pkt->ops && w->pkt->ops->assume)
			w->pkt->ops->assume(w->pkt, msg);
		(*idx)++;
		return false;
	}
	w->par.data = tg->data;
	w->par.priv = ent->tpriv;
	w->par.priv_size = (unsigned int)ent->target->state_size;
	v = ent->target->target(w->pkt, &w->par);
	if (v == XT_CONTINUE) {
		say(s, "%s: continue", tg->u.user.name);
		(*idx)++;
		return false;
	}
	*verdict = v;
	if (s)
		snprintf(s->what, sizeof(s->what), "%s: %s", tg->u.user.name,
			 verdict_word(v));
	return true;
}

/* One entry whose ipt_ip and matches passed: count it, then its target. */
static bool take(struct walk *w, uint32_t *idx, unsigned int *verdict)
{
	const struct uipt_ev_entry *ent = &w->t->ents[*idx];
	struct xt_counters *c = &w->t->blob.counters[*idx];
	struct uipt_step *s;

	c->pcnt++;
	c->bcnt += w->pkt->len;
	w->t->dirty = true;
	s = step(w, ent);
	if (ent->kind == KIND_ERROR) {
		/* ipt_error: never reached in a valid table, drops if it is. */
		if (s)
			s->kind = UIPT_STEP_NOTE;
		say(s, "%s", "error entry reached: DROP");
		*verdict = NF_DROP;
		return true;
	}
	if (!ent->target)
		return standard(w, idx, s, verdict);
	return extension_target(w, idx, s, verdict);
}

unsigned int uipt_do_table(struct uipt_ev_table *t, struct xt_pkt *pkt,
			   struct uipt_result *res)
{
	uint32_t stack_small[64];
	struct walk w = { .t = t, .pkt = pkt, .res = res };
	unsigned int verdict = NF_DROP;
	uint32_t idx = t->hook_entry[pkt->hook];
	bool done = false;

	w.stack = t->n <= 64 ? stack_small : malloc(t->n * sizeof(*w.stack));
	if (!w.stack)
		abort();
	strncpy(w.in, pkt->in, IFNAMSIZ);
	strncpy(w.out, pkt->out, IFNAMSIZ);
	w.par.table = t->model->name;
	w.par.hook = pkt->hook;
	w.par.family = NFPROTO_IPV4;
	do {
		const struct uipt_ev_entry *ent = &t->ents[idx];

		if (!ip_match(&ent->e->ip, pkt, w.in, w.out) || !run_matches(&w, ent)) {
			idx++;
			continue;
		}
		done = take(&w, &idx, &verdict);
	} while (!done && !w.par.hotdrop);
	if (w.stack != stack_small)
		free(w.stack);
	if (w.par.hotdrop) {
		if (res)
			uipt_result_note(res, (int)pkt->hook, "hotdrop",
					 "%s: a match dropped the packet (hotdrop)", t->model->name);
		return NF_DROP;
	}
	return verdict;
}
