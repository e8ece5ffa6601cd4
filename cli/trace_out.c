/*
 * What uiptables-trace prints: a line per step in the kernel's TRACE terms
 * with the rule as -S prints it, the verdict and the packet as it leaves;
 * or one JSON object per packet with the same events; and, over many
 * packets, verdict counts and hits per rule.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "../libxt/print.h"
#include "../libxt/tables.h"
#include "trace.h"

static const char *hook_name(int hook)
{
	return hook >= 0 && hook < NF_INET_NUMHOOKS ? uipt_hook_names[hook] : "";
}

static const char *kind_word(enum uipt_step_kind k)
{
	switch (k) {
	case UIPT_STEP_RULE: return "rule";
	case UIPT_STEP_RETURN: return "return";
	case UIPT_STEP_POLICY: return "policy";
	case UIPT_STEP_NOTE: return "note";
	}
	return "";
}

/* "-A CHAIN ..." without the newline save puts at the end. */
static char *rule_text(const struct uipt_step *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!s->rule)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m)
		abort();
	uipt_print_rule_save(m, s->chain, s->rule, SAVE_NO_COUNTERS);
	fclose(m);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

static void describe(FILE *f, const struct xt_pkt *p)
{
	fprintf(f, "IN=%s OUT=%s ", p->in, p->out);
	if (p->physin[0])
		fprintf(f, "PHYSIN=%s ", p->physin);
	if (p->physout[0])
		fprintf(f, "PHYSOUT=%s ", p->physout);
	uipt_pkt_describe(f, p);
}

static void text_step(FILE *f, const struct uipt_step *s)
{
	char *rule;

	if (s->kind == UIPT_STEP_NOTE) {
		fprintf(f, "  %-11s %s: %s\n", s->hook >= 0 ? hook_name(s->hook) : "-",
			s->topic ? s->topic : "note", s->what);
		return;
	}
	fprintf(f, "  %-11s %s:%s:%s:%u", hook_name(s->hook), s->table, s->chain,
		kind_word(s->kind), s->num);
	if ((rule = rule_text(s))) {
		fprintf(f, "  %s", rule);
		free(rule);
	} else if (s->kind == UIPT_STEP_POLICY) {
		fprintf(f, "  -P %s %s", s->chain, s->what);
	}
	if (s->what[0])
		fprintf(f, "  => %s", s->what);
	fputc('\n', f);
}

static void text_verdict(FILE *f, const struct uipt_result *r)
{
	fprintf(f, "  verdict: %s", r->verdict);
	if (r->fate == UIPT_FATE_ACCEPT) {
		if (r->delivered_local)
			fputs(" (delivered locally)", f);
		else
			fprintf(f, " (%s via %s)", r->where && !strcmp(r->where, "output") ?
				"sent" : r->where && !strcmp(r->where, "bridge") ? "bridged" :
				"forwarded", r->out);
	} else if (r->fate == UIPT_FATE_QUEUE) {
		fprintf(f, " (queue %u, %s %s)", r->queue_num, r->drop_table,
			hook_name(r->drop_hook));
	} else if (r->drop_hook >= 0) {
		fprintf(f, " (in %s %s)", r->drop_table, hook_name(r->drop_hook));
	} else if (r->drop_table) {
		fprintf(f, " (%s)", r->drop_table);
	}
	fputc('\n', f);
	for (unsigned int i = 0; i < r->nleaves; i++)
		fprintf(f, "  %s port %s: %s\n", r->leaves[i].bridged ? "bridged out of" :
			"leaves by", r->leaves[i].port, r->leaves[i].verdict);
}

/* The packet as it came: only its headers were kept, enough for this. */
static void orig_pkt(const struct uipt_result *r, const struct trace_item *it,
		     struct xt_pkt *o)
{
	memset(o, 0, sizeof(*o));
	o->data = (uint8_t *)r->orig;
	o->len = r->orig_len;
	o->thoff = (r->orig[0] & 0xf) * 4u;
	o->fragoff = (uint16_t)((r->orig[6] << 8 | r->orig[7]) & 0x1fff);
	o->l4proto = r->orig[9];
	o->mark = it->spec.mark;
	snprintf(o->in, sizeof(o->in), "%s", r->orig_in);
	snprintf(o->physin, sizeof(o->physin), "%s", r->orig_physin);
}

void trace_print_text(FILE *f, unsigned int n, const struct trace_item *it,
		      const struct uipt_result *r)
{
	fprintf(f, "packet %u", n);
	if (it->where[0])
		fprintf(f, " (%s)", it->where);
	fputs(": ", f);
	{
		struct xt_pkt o;

		orig_pkt(r, it, &o);
		if (it->spec.local)
			fputs("OUTPUT ", f);
		else
			fprintf(f, "IN=%s ", r->orig_in);
		if (r->orig_physin[0])
			fprintf(f, "PHYSIN=%s ", r->orig_physin);
		uipt_pkt_describe(f, &o);
		fputc('\n', f);
	}
	for (unsigned int i = 0; i < r->nsteps; i++)
		text_step(f, &r->steps[i]);
	text_verdict(f, r);
	if (r->fate == UIPT_FATE_ACCEPT) {
		fputs("  leaves: ", f);
		describe(f, &r->final_pkt);
		fputc('\n', f);
	}
	for (unsigned int i = 0; i < r->nreplies; i++) {
		const struct uipt_reply *rep = &r->replies[i];
		struct xt_pkt g = { 0 };

		fprintf(f, "  generated: %s: %s", rep->text, rep->verdict ? rep->verdict : "-");
		if (rep->verdict && !strcmp(rep->verdict, "ACCEPT") &&
		    !uipt_pkt_parse(&g, (uint8_t *)rep->bytes, rep->len)) {
			fprintf(f, rep->delivered_local ? " (delivered locally) " : " (sent via %s) ",
				rep->out);
			uipt_pkt_describe(f, &g);
		}
		fputc('\n', f);
	}
	if (r->ctline[0])
		fprintf(f, "  conntrack: %s\n", r->ctline);
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_step(FILE *f, const struct uipt_step *s)
{
	char *rule;

	fputs("{\"hook\":", f);
	json_str(f, hook_name(s->hook));
	fprintf(f, ",\"kind\":\"%s\"", kind_word(s->kind));
	if (s->kind == UIPT_STEP_NOTE) {
		fputs(",\"topic\":", f);
		json_str(f, s->topic ? s->topic : "note");
		fputs(",\"text\":", f);
		json_str(f, s->what);
		fputc('}', f);
		return;
	}
	fputs(",\"table\":", f);
	json_str(f, s->table);
	fputs(",\"chain\":", f);
	json_str(f, s->chain);
	fprintf(f, ",\"num\":%u", s->num);
	if ((rule = rule_text(s))) {
		fputs(",\"rule\":", f);
		json_str(f, rule);
		free(rule);
	}
	fputs(",\"result\":", f);
	json_str(f, s->what);
	fputc('}', f);
}

/* The bytes themselves, for tools that compare packets field by field;
 * `have` is how many of them were kept. */
static void json_hex(FILE *f, const uint8_t *d, unsigned int have)
{
	static const char digits[] = "0123456789abcdef";

	fputs(",\"hex\":\"", f);
	for (unsigned int i = 0; i < have; i++) {
		fputc(digits[d[i] >> 4], f);
		fputc(digits[d[i] & 0xf], f);
	}
	fputc('"', f);
}

static void json_packet(FILE *f, const struct xt_pkt *p, unsigned int have)
{
	const uint8_t *d = p->data, *l4 = d + p->thoff;
	char s[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, d + 12, s, sizeof(s));
	inet_ntop(AF_INET, d + 16, t, sizeof(t));
	fprintf(f, "{\"in\":\"%s\",\"out\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\","
		"\"proto\":%u,\"len\":%u,\"ttl\":%u,\"tos\":%u,\"mark\":%u",
		p->in, p->out, s, t, p->l4proto, p->len, d[8], d[1], p->mark);
	if (p->physin[0])
		fprintf(f, ",\"physin\":\"%s\"", p->physin);
	if (p->physout[0])
		fprintf(f, ",\"physout\":\"%s\"", p->physout);
	if (!p->fragoff && (p->l4proto == IPPROTO_TCP || p->l4proto == IPPROTO_UDP) &&
	    p->len >= p->thoff + 4)
		fprintf(f, ",\"sport\":%u,\"dport\":%u", l4[0] << 8 | l4[1], l4[2] << 8 | l4[3]);
	if (!p->fragoff && p->l4proto == IPPROTO_TCP && p->len >= p->thoff + 16)
		fprintf(f, ",\"flags\":%u,\"seq\":%u,\"ack\":%u,\"window\":%u", l4[13],
			(unsigned)l4[4] << 24 | l4[5] << 16 | l4[6] << 8 | l4[7],
			(unsigned)l4[8] << 24 | l4[9] << 16 | l4[10] << 8 | l4[11],
			l4[14] << 8 | l4[15]);
	if (!p->fragoff && p->l4proto == IPPROTO_ICMP && p->len >= p->thoff + 2)
		fprintf(f, ",\"icmp_type\":%u,\"icmp_code\":%u", l4[0], l4[1]);
	json_hex(f, d, p->len < have ? p->len : have);
	fputc('}', f);
}

void trace_print_json(FILE *f, unsigned int n, const struct trace_item *it,
		      const struct uipt_result *r)
{
	fprintf(f, "{\"packet\":%u,\"where\":", n);
	json_str(f, it->where);
	fputs(",\"verdict\":", f);
	json_str(f, r->verdict);
	fputs(",\"fate\":", f);
	json_str(f, r->fate == UIPT_FATE_ACCEPT ? (r->delivered_local ? "local" : r->where) :
		 r->fate == UIPT_FATE_QUEUE ? "queued" : "dropped");
	if (r->fate != UIPT_FATE_ACCEPT) {
		fputs(",\"dropped_in\":{\"hook\":", f);
		json_str(f, r->drop_hook >= 0 ? hook_name(r->drop_hook) : "routing");
		fputs(",\"table\":", f);
		json_str(f, r->drop_table);
		fputc('}', f);
	}
	fputs(",\"bridge\":[", f);
	for (unsigned int i = 0; i < r->nleaves; i++) {
		fprintf(f, "%s{\"port\":", i ? "," : "");
		json_str(f, r->leaves[i].port);
		fputs(",\"verdict\":", f);
		json_str(f, r->leaves[i].verdict);
		fprintf(f, ",\"bridged\":%s}", r->leaves[i].bridged ? "true" : "false");
	}
	fputs("],\"ctstate\":", f);
	json_str(f, r->ctstate);
	fputs(",\"conntrack\":", f);
	json_str(f, r->ctline);
	fputs(",\"steps\":[", f);
	for (unsigned int i = 0; i < r->nsteps; i++) {
		if (i)
			fputc(',', f);
		json_step(f, &r->steps[i]);
	}
	fputs("],\"replies\":[", f);
	for (unsigned int i = 0; i < r->nreplies; i++) {
		const struct uipt_reply *rep = &r->replies[i];
		struct xt_pkt g = { 0 };

		fputs(i ? ",{\"text\":" : "{\"text\":", f);
		json_str(f, rep->text);
		fputs(",\"verdict\":", f);
		json_str(f, rep->verdict ? rep->verdict : "");
		fprintf(f, ",\"local\":%s", rep->delivered_local ? "true" : "false");
		if (!uipt_pkt_parse(&g, (uint8_t *)rep->bytes, rep->len)) {
			snprintf(g.out, sizeof(g.out), "%s", rep->out);
			fputs(",\"packet\":", f);
			json_packet(f, &g, g.len);
		}
		fputc('}', f);
	}
	fputs("],\"orig\":", f);
	{
		struct xt_pkt o;

		orig_pkt(r, it, &o);
		json_packet(f, &o, sizeof(r->orig));
	}
	fputs(",\"final\":", f);
	json_packet(f, &r->final_pkt, r->final_len);
	fputs("}\n", f);
}

/* ---- summary ---- */

struct hit {
	const char *table, *chain;
	unsigned int num;
	enum uipt_step_kind kind;
	const struct uipt_rule *rule;
	unsigned long long count;
};

struct trace_summary {
	unsigned long long packets;
	struct { const char *verdict; unsigned long long n; } verdicts[8];
	unsigned int nverdicts;
	struct hit *hits;
	size_t nhits, cap;
	/* Index of the hits by chain and rule: open addressing, 0 = free. */
	size_t *slots, nslots;
};

struct trace_summary *trace_summary_new(void)
{
	struct trace_summary *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	return s;
}

void trace_summary_free(struct trace_summary *s)
{
	if (s) {
		free(s->hits);
		free(s->slots);
	}
	free(s);
}

static void count_verdict(struct trace_summary *s, const char *v)
{
	for (unsigned int i = 0; i < s->nverdicts; i++)
		if (!strcmp(s->verdicts[i].verdict, v)) {
			s->verdicts[i].n++;
			return;
		}
	if (s->nverdicts < 8) {
		s->verdicts[s->nverdicts].verdict = v;
		s->verdicts[s->nverdicts++].n = 1;
	}
}

/* Chain names are the model's, one pointer per chain: they key the hits. */
static size_t hit_hash(const char *chain, unsigned int num, int kind, size_t n)
{
	uint64_t h = (uint64_t)(uintptr_t)chain * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)num << 3 | (uint64_t)kind) * 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ h >> 29) & (n - 1);
}

static bool same_hit(const struct hit *h, const struct uipt_step *st)
{
	return h->chain == st->chain && h->num == st->num && h->kind == st->kind;
}

static void reindex(struct trace_summary *s)
{
	free(s->slots);
	s->nslots = s->nslots ? s->nslots * 2 : 256;
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (!s->slots)
		abort();
	for (size_t i = 0; i < s->nhits; i++) {
		size_t k = hit_hash(s->hits[i].chain, s->hits[i].num, s->hits[i].kind, s->nslots);

		while (s->slots[k])
			k = (k + 1) & (s->nslots - 1);
		s->slots[k] = i + 1;
	}
}

static void count_hit(struct trace_summary *s, const struct uipt_step *st)
{
	size_t k;

	if (2 * (s->nhits + 1) > s->nslots)
		reindex(s);
	k = hit_hash(st->chain, st->num, st->kind, s->nslots);
	for (; s->slots[k]; k = (k + 1) & (s->nslots - 1))
		if (same_hit(&s->hits[s->slots[k] - 1], st)) {
			s->hits[s->slots[k] - 1].count++;
			return;
		}
	if (s->nhits == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->hits = realloc(s->hits, s->cap * sizeof(*s->hits));
		if (!s->hits)
			abort();
	}
	s->hits[s->nhits++] = (struct hit){ st->table, st->chain, st->num, st->kind,
					    st->rule, 1 };
	s->slots[k] = s->nhits;
}

void trace_summary_add(struct trace_summary *s, const struct uipt_result *r)
{
	s->packets++;
	count_verdict(s, r->verdict);
	for (unsigned int i = 0; i < r->nsteps; i++)
		if (r->steps[i].kind != UIPT_STEP_NOTE)
			count_hit(s, &r->steps[i]);
}

static int hit_order(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->table, y->table);

	if (!c)
		c = strcmp(x->chain, y->chain);
	if (!c)
		c = (int)x->num - (int)y->num;
	return c;
}

void trace_summary_print(FILE *f, struct trace_summary *s, bool json)
{
	struct uipt_step st = { 0 };

	qsort(s->hits, s->nhits, sizeof(*s->hits), hit_order);	/* index now stale */
	free(s->slots);
	s->slots = NULL;
	s->nslots = 0;
	if (json) {
		fprintf(f, "{\"summary\":{\"packets\":%llu,\"verdicts\":{", s->packets);
		for (unsigned int i = 0; i < s->nverdicts; i++)
			fprintf(f, "%s\"%s\":%llu", i ? "," : "", s->verdicts[i].verdict,
				s->verdicts[i].n);
		fputs("},\"hits\":[", f);
		for (size_t i = 0; i < s->nhits; i++)
			fprintf(f, "%s{\"trace\":\"%s:%s:%s:%u\",\"count\":%llu}", i ? "," : "",
				s->hits[i].table, s->hits[i].chain, kind_word(s->hits[i].kind),
				s->hits[i].num, s->hits[i].count);
		fputs("]}}\n", f);
		return;
	}
	fprintf(f, "summary: %llu packets:", s->packets);
	for (unsigned int i = 0; i < s->nverdicts; i++)
		fprintf(f, "%s %s %llu", i ? "," : "", s->verdicts[i].verdict, s->verdicts[i].n);
	fputs("\nhits:\n", f);
	for (size_t i = 0; i < s->nhits; i++) {
		const struct hit *h = &s->hits[i];
		char *rule;

		fprintf(f, "  %8llu  %s:%s:%s:%u", h->count, h->table, h->chain,
			kind_word(h->kind), h->num);
		st.chain = h->chain;
		st.rule = h->rule;
		if ((rule = rule_text(&st))) {
			fprintf(f, "  %s", rule);
			free(rule);
		}
		fputc('\n', f);
	}
}
