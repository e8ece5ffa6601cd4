/* ipt_do_table on stored blobs: ipt_ip checks, jumps, goto, RETURN,
 * policies, counters written back. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../libxt/error.h"
#include "../../libxt/registry.h"
#include "../../libxt/store.h"
#include "../../libxt/eval/eval.h"
#include "tap.h"

struct spec {
	const char *src, *in;
	uint8_t proto;
	bool goto_, frag;
	int verdict;		/* NF_ACCEPT... as -v-1, or XT_RETURN */
	const char *jump;	/* chain name */
};

static struct uipt_rule *rule(struct uipt_table *t, const struct spec *s)
{
	unsigned char buf[UIPT_ENTRY_SIZE + UIPT_STD_TARGET_SIZE] __attribute__((aligned(8)));
	struct ipt_entry *e = (struct ipt_entry *)buf;
	struct xt_standard_target *st = (struct xt_standard_target *)(buf + UIPT_ENTRY_SIZE);
	struct uipt_rule *r;

	memset(buf, 0, sizeof(buf));
	e->target_offset = UIPT_ENTRY_SIZE;
	e->next_offset = sizeof(buf);
	st->target.u.target_size = UIPT_STD_TARGET_SIZE;
	if (s->src) {
		inet_pton(AF_INET, s->src, &e->ip.src);
		e->ip.smsk.s_addr = htonl(0xff000000);
		e->ip.src.s_addr &= e->ip.smsk.s_addr;
	}
	if (s->in) {
		size_t n = strlen(s->in);

		memcpy(e->ip.iniface, s->in, n);
		/* "eth+" matches by prefix: the mask stops before the '+'. */
		if (s->in[n - 1] == '+')
			memset(e->ip.iniface_mask, 0xff, n - 1);
		else
			memset(e->ip.iniface_mask, 0xff, n + 1);
	}
	e->ip.proto = s->proto;
	if (s->goto_)
		e->ip.flags |= IPT_F_GOTO;
	if (s->frag)
		e->ip.flags |= IPT_F_FRAG;
	st->verdict = s->verdict;
	r = uipt_rule_new(e);
	if (s->jump) {
		r->kind = UIPT_RULE_JUMP;
		uipt_rule_set_jump(r, uipt_chain_find(t, s->jump));
	} else {
		r->kind = UIPT_RULE_VERDICT;
	}
	return r;
}

static void add(struct uipt_table *t, const char *chain, struct spec s)
{
	struct uipt_chain *c = uipt_chain_find(t, chain);

	uipt_chain_insert(c, c->n, rule(t, &s));
}

#define ACCEPT (-NF_ACCEPT - 1)
#define DROP (-NF_DROP - 1)

/* INPUT: -s 10/8 -j a; -i eth+ -p udp -j DROP; -f -j DROP; -g b; policy DROP
 * a: -p tcp -j RETURN; -p icmp -j ACCEPT       b: -p 47 -j ACCEPT */
static void make_table(void)
{
	struct uipt_table *t = uipt_table_new(uipt_table_def("filter"));

	uipt_chain_add(t, "a");
	uipt_chain_add(t, "b");
	add(t, "INPUT", (struct spec){ .src = "10.0.0.0", .jump = "a" });
	add(t, "INPUT", (struct spec){ .in = "eth+", .proto = 17, .verdict = DROP });
	add(t, "INPUT", (struct spec){ .frag = true, .verdict = DROP });
	add(t, "INPUT", (struct spec){ .goto_ = true, .jump = "b" });
	add(t, "a", (struct spec){ .proto = 6, .verdict = XT_RETURN });
	add(t, "a", (struct spec){ .proto = 1, .verdict = ACCEPT });
	add(t, "b", (struct spec){ .proto = 47, .verdict = ACCEPT });
	uipt_chain_find(t, "INPUT")->policy = DROP;
	if (uipt_table_store(t) < 0)
		abort();
	uipt_table_free(t);
}

static struct uipt_ev_table *tbl;

static unsigned int run(const char *src, const char *in, uint8_t proto, bool frag,
			struct uipt_result *res)
{
	static uint8_t buf[UIPT_PKT_MAX];
	struct uipt_pktspec s;
	struct xt_pkt p = { 0 };
	int len;

	uipt_pktspec_init(&s);
	inet_pton(AF_INET, src, &s.src);
	inet_pton(AF_INET, "192.0.2.1", &s.dst);
	s.proto = proto;
	s.fragment = frag;
	len = uipt_pkt_build(&s, buf, sizeof(buf));
	uipt_pkt_parse(&p, buf, (size_t)len);
	p.hook = NF_INET_LOCAL_IN;
	snprintf(p.in, sizeof(p.in), "%s", in);
	uipt_result_free(res);	/* the steps of the run before */
	uipt_result_init(res);
	return uipt_do_table(tbl, &p, res);
}

static bool path_is(const struct uipt_result *r, const char *want)
{
	char got[512] = "";

	for (unsigned int i = 0; i < r->nsteps; i++) {
		char one[96];

		snprintf(one, sizeof(one), "%s%s:%u", i ? " " : "", r->steps[i].chain,
			 r->steps[i].num);
		strcat(got, one);
	}
	if (strcmp(got, want))
		printf("# path %s, wanted %s\n", got, want);
	return !strcmp(got, want);
}

int main(void)
{
	char dir[] = "/tmp/uipt-walk-XXXXXX";
	struct uipt_result r = { 0 };
	struct uipt_table *t;

	if (!mkdtemp(dir))
		return 1;
	setenv("UIPTABLES_STATE", dir, 1);
	xt_registry_init();
	make_table();
	ok(uipt_ev_table_load("filter", &tbl) == 0 && tbl, "stored table loads for walking");
	ok(tbl->n == 5 + 1 + 1 + 4 + 3 + 1,
	   "entries: rules, policies, heads, feet, final error (%u)", tbl->n);

	ok(run("10.1.1.1", "eth0", 1, false, &r) == NF_ACCEPT && path_is(&r, "INPUT:1 a:2"),
	   "jump into a, ACCEPT there");
	ok(run("10.1.1.1", "ppp0", 6, false, &r) == NF_DROP &&
	   path_is(&r, "INPUT:1 a:1 INPUT:4 b:2 INPUT:5"),
	   "RETURN back to INPUT, goto b falls off its end to INPUT's policy");
	ok(r.steps[2].kind == UIPT_STEP_RULE && r.steps[3].kind == UIPT_STEP_RETURN &&
	   r.steps[4].kind == UIPT_STEP_POLICY, "kinds: rule, return, policy");
	ok(run("192.0.2.9", "eth1", 17, false, &r) == NF_DROP && path_is(&r, "INPUT:2"),
	   "interface prefix eth+ and protocol match");
	ok(run("192.0.2.9", "ppp0", 17, false, &r) == NF_DROP && path_is(&r, "INPUT:4 b:2 INPUT:5"),
	   "other interface passes rule 2");
	ok(run("192.0.2.9", "ppp0", 17, true, &r) == NF_DROP && path_is(&r, "INPUT:3"),
	   "-f matches a later fragment only");
	ok(run("192.0.2.9", "ppp0", 47, false, &r) == NF_ACCEPT && path_is(&r, "INPUT:4 b:1"),
	   "goto b, ACCEPT there");
	ok(uipt_ev_table_store(tbl) == 0, "counters stored");
	uipt_ev_table_free(tbl);
	ok(uipt_table_load("filter", &t) == 0, "table reloads");
	ok(uipt_chain_find(t, "INPUT")->rules[3]->counters.pcnt == 3 &&
	   uipt_chain_find(t, "INPUT")->counters.pcnt == 2 &&
	   uipt_chain_find(t, "a")->rules[0]->counters.pcnt == 1,
	   "rule and policy counters as walked");
	uipt_table_free(t);
	uipt_result_free(&r);
	return tap_done();
}
