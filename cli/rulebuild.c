/* From a parsed command line to ipt_entry bytes. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include "rulebuild.h"
#include "../libxt/blob.h"
#include "../libxt/error.h"
#include "../libxt/registry.h"

struct addr {
	struct in_addr a, m;
};

static int parse_mask(const char *s, struct in_addr *m)
{
	unsigned long long bits;

	if (!s) {
		m->s_addr = 0xffffffff;
		return 0;
	}
	if (strchr(s, '.'))
		return inet_pton(AF_INET, s, m) == 1 ? 0 :
		       xt_error(PARAMETER_PROBLEM, "invalid mask `%s' specified", s);
	if (!xt_strtoul(s, NULL, &bits, 0, 32))
		return xt_error(PARAMETER_PROBLEM, "invalid mask `%s' specified", s);
	m->s_addr = bits ? htonl(~0u << (32 - bits)) : 0;
	return 0;
}

static int add_addr(struct addr **v, unsigned int *n, struct in_addr a, struct in_addr m)
{
	a.s_addr &= m.s_addr;
	for (unsigned int i = 0; i < *n; i++)
		if ((*v)[i].a.s_addr == a.s_addr && (*v)[i].m.s_addr == m.s_addr)
			return 0;
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = (struct addr){ a, m };
	return 0;
}

/* addr[/mask] where addr may be a name from /etc/hosts or the resolver. */
static int parse_one(const char *spec, struct addr **v, unsigned int *n)
{
	char buf[1024], *slash;
	struct in_addr a, m;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_RAW }, *res;

	snprintf(buf, sizeof(buf), "%s", spec);
	slash = strrchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (parse_mask(slash, &m) < 0)
		return -1;
	if (m.s_addr == 0 || inet_pton(AF_INET, buf, &a) == 1) {
		if (m.s_addr == 0)
			a.s_addr = 0;
		return add_addr(v, n, a, m);
	}
	if (!buf[0] || getaddrinfo(buf, NULL, &hints, &res) != 0)
		return xt_error(PARAMETER_PROBLEM, "host/network `%s' not found", buf);
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		add_addr(v, n, ((struct sockaddr_in *)ai->ai_addr)->sin_addr, m);
	freeaddrinfo(res);
	return 0;
}

static int parse_list(char **specs, unsigned int nspec, struct addr **v,
		      unsigned int *n)
{
	if (!nspec)
		return add_addr(v, n, (struct in_addr){ 0 }, (struct in_addr){ 0 });
	for (unsigned int i = 0; i < nspec; i++)
		if (parse_one(specs[i], v, n) < 0)
			return -1;
	return 0;
}

static bool is_verdict(const char *s, int *v)
{
	static const struct { const char *name; int v; } verdicts[] = {
		{ "ACCEPT", -NF_ACCEPT - 1 }, { "DROP", -NF_DROP - 1 },
		{ "QUEUE", -NF_QUEUE - 1 }, { "RETURN", XT_RETURN },
	};

	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(s, verdicts[i].name)) {
			*v = verdicts[i].v;
			return true;
		}
	return false;
}

struct target_plan {
	enum uipt_rule_kind kind;
	int verdict;
	struct uipt_chain *chain;
	size_t size;
};

static int plan_target(const struct cmdline *c, struct uipt_table *t,
		       struct target_plan *tp)
{
	tp->size = UIPT_STD_TARGET_SIZE;
	tp->chain = NULL;
	tp->verdict = 0;
	if (!c->jumpto || !*c->jumpto) {
		tp->kind = UIPT_RULE_FALLTHROUGH;
		return 0;
	}
	if (c->target.target) {
		tp->kind = UIPT_RULE_TARGET;
		tp->size = XT_ALIGN(sizeof(struct xt_entry_target) + c->target.size);
		return 0;
	}
	if (!c->goto_ && is_verdict(c->jumpto, &tp->verdict)) {
		tp->kind = UIPT_RULE_VERDICT;
		return 0;
	}
	tp->chain = uipt_chain_find(t, c->jumpto);
	if (!tp->chain || tp->chain->hook >= 0) {
		if (c->goto_ && !tp->chain)
			return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
					   "No chain/target/match by that name");
		return xt_error(PARAMETER_PROBLEM,
				"Couldn't load target `%s':No such file or directory\n",
				c->jumpto);
	}
	tp->kind = UIPT_RULE_JUMP;
	return 0;
}

static size_t matches_size(const struct cmdline *c)
{
	size_t n = 0;

	for (unsigned int i = 0; i < c->nmatches; i++)
		n += XT_ALIGN(sizeof(struct xt_entry_match) + c->matches[i].size);
	return n;
}

static void put_matches(const struct cmdline *c, char *p)
{
	for (unsigned int i = 0; i < c->nmatches; i++) {
		const struct ext_use *u = &c->matches[i];
		struct xt_entry_match *m = (struct xt_entry_match *)p;
		size_t sz = XT_ALIGN(sizeof(*m) + u->size);

		m->u.match_size = (uint16_t)sz;
		strncpy(m->u.user.name, xt_match_kname(u->match), sizeof(m->u.user.name) - 1);
		m->u.user.revision = u->match->revision;
		memcpy(m->data, u->data, u->size);
		p += sz;
	}
}

static void put_target(const struct cmdline *c, const struct target_plan *tp,
		       struct xt_entry_target *t)
{
	t->u.target_size = (uint16_t)tp->size;
	if (tp->kind != UIPT_RULE_TARGET) {
		((struct xt_standard_target *)t)->verdict = tp->verdict;
		return;
	}
	strncpy(t->u.user.name, xt_target_kname(c->target.target),
		sizeof(t->u.user.name) - 1);
	t->u.user.revision = c->target.target->revision;
	memcpy(t->data, c->target.data, c->target.size);
}

static struct uipt_rule *make_rule(const struct cmdline *c,
				   const struct target_plan *tp,
				   const struct addr *s, const struct addr *d)
{
	size_t msize = matches_size(c);
	size_t size = UIPT_ENTRY_SIZE + msize + tp->size;
	struct uipt_rule *r = uipt_rule_alloc(size);
	struct ipt_entry *e = uipt_rule_entry(r);

	e->ip = c->ip;
	e->ip.src = s->a;
	e->ip.smsk = s->m;
	e->ip.dst = d->a;
	e->ip.dmsk = d->m;
	if (c->goto_)
		e->ip.flags |= IPT_F_GOTO;
	e->target_offset = (uint16_t)(UIPT_ENTRY_SIZE + msize);
	e->next_offset = (uint16_t)size;
	put_matches(c, (char *)e->elems);
	put_target(c, tp, (struct xt_entry_target *)((char *)e + e->target_offset));
	r->kind = (uint8_t)tp->kind;
	r->counters = c->counters;
	uipt_rule_set_jump(r, tp->chain);
	return r;
}

int rule_build(const struct cmdline *c, struct uipt_table *t,
	       struct uipt_rule ***rules, unsigned int *n)
{
	struct addr *src = NULL, *dst = NULL;
	unsigned int ns = 0, nd = 0;
	struct target_plan tp = { .kind = UIPT_RULE_FALLTHROUGH };
	int ret = -1;

	*rules = NULL;
	*n = 0;
	if (parse_list(c->saddrs, c->nsaddr, &src, &ns) < 0 ||
	    parse_list(c->daddrs, c->ndaddr, &dst, &nd) < 0 ||
	    plan_target(c, t, &tp) < 0)
		goto out;
	*rules = calloc((size_t)ns * nd, sizeof(**rules));
	if (!*rules)
		abort();
	for (unsigned int i = 0; i < ns; i++)
		for (unsigned int j = 0; j < nd; j++)
			(*rules)[(*n)++] = make_rule(c, &tp, &src[i], &dst[j]);
	ret = 0;
out:
	free(src);
	free(dst);
	return ret;
}

void rules_free(struct uipt_rule **rules, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		uipt_rule_free(rules[i]);
	free(rules);
}
