/* Rules as text: the -S/save form and the -L table. */
#include <netdb.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "print.h"
#include "extcache.h"

const char *uipt_verdict_name(int verdict)
{
	switch (verdict) {
	case -NF_ACCEPT - 1:
		return "ACCEPT";
	case -NF_DROP - 1:
		return "DROP";
	case -NF_QUEUE - 1:
		return "QUEUE";
	case XT_RETURN:
		return "RETURN";
	}
	return "UNKNOWN";
}

static const struct xtables_target *target_ext(const struct xt_entry_target *t)
{
	return uipt_find_target_cached(t->u.user.name, t->u.user.revision);
}

const char *uipt_rule_target_name(const struct uipt_rule *r)
{
	const struct xt_entry_target *t = uipt_rule_target(r);
	const struct xtables_target *ext;

	switch (r->kind) {
	case UIPT_RULE_VERDICT:
		return uipt_verdict_name(((const struct xt_standard_target *)t)->verdict);
	case UIPT_RULE_JUMP:
		return r->jump->name;
	case UIPT_RULE_FALLTHROUGH:
		return "";
	}
	ext = target_ext(t);
	return ext ? ext->name : t->u.user.name;
}

/* -L's protocol column: /etc/protocols' name; with -n (1.8.11) the
 * names iptables knows itself, else the number. */
const char *uipt_list_proto(uint16_t proto, bool numeric)
{
	return numeric ? xt_proto_to_name((uint8_t)proto, true) :
	       uipt_save_proto(proto);
}

/* save's and -S's: /etc/protocols first, then iptables' own names. */
const char *uipt_save_proto(uint16_t proto)
{
	/* getprotobynumber reads /etc/protocols on every call: once is enough
	 * for a save of 100k rules. */
	static char *cache[256];
	struct protoent *p;

	proto &= 0xff;
	if (!cache[proto]) {
		p = proto ? getprotobynumber(proto) : NULL;
		cache[proto] = strdup(p ? p->p_name : xt_proto_to_name((uint8_t)proto, false));
	}
	return cache[proto];
}

/* Dotted quad of a network-order address, as inet_ntop writes it;
 * returns the end.  save prints two per rule, 100k rules at a time. */
static char *put_quad(char *p, struct in_addr a)
{
	const unsigned char *b = (const unsigned char *)&a.s_addr;

	for (int i = 0; i < 4; i++) {
		unsigned int v = b[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	return p;
}

static void save_addr(FILE *f, char opt, struct in_addr a, struct in_addr m, bool inv)
{
	char buf[64], *p = buf;
	int cidr;

	if (!m.s_addr && !inv)
		return;
	if (inv) {
		memcpy(p, " !", 2);
		p += 2;
	}
	*p++ = ' ';
	*p++ = '-';
	*p++ = opt;
	*p++ = ' ';
	p = put_quad(p, a);
	*p++ = '/';
	cidr = xt_mask_to_cidr(&m);
	if (cidr < 0) {
		p = put_quad(p, m);
	} else {
		if (cidr >= 10)
			*p++ = (char)('0' + cidr / 10);
		*p++ = (char)('0' + cidr % 10);
	}
	fwrite(buf, 1, (size_t)(p - buf), f);
}

/* A bare "+" matches every interface: save leaves it out unless negated. */
static void save_iface(FILE *f, char opt, const char *name, bool inv)
{
	if (!*name || (!inv && !strcmp(name, "+")))
		return;
	fputs(inv ? " ! -" : " -", f);
	fputc(opt, f);
	fputc(' ', f);
	fputs(name, f);
}

static void save_ip(FILE *f, const struct ipt_ip *ip)
{
	save_addr(f, 's', ip->src, ip->smsk, ip->invflags & IPT_INV_SRCIP);
	save_addr(f, 'd', ip->dst, ip->dmsk, ip->invflags & IPT_INV_DSTIP);
	save_iface(f, 'i', ip->iniface, ip->invflags & IPT_INV_VIA_IN);
	save_iface(f, 'o', ip->outiface, ip->invflags & IPT_INV_VIA_OUT);
	if (ip->proto || (ip->invflags & XT_INV_PROTO))
	{
		fputs(ip->invflags & XT_INV_PROTO ? " ! -p " : " -p ", f);
		fputs(uipt_save_proto(ip->proto), f);
	}
	if (ip->flags & IPT_F_FRAG)
		fprintf(f, "%s -f", ip->invflags & IPT_INV_FRAG ? " !" : "");
}

static void save_matches(FILE *f, const struct ipt_entry *e)
{
	for (uint32_t o = sizeof(*e); o < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + o);
		const struct xtables_match *x =
			uipt_find_match_cached(m->u.user.name, m->u.user.revision);

		fputs(" -m ", f);
		fputs(!x ? m->u.user.name : x->alias ? x->alias(m->data) : x->name, f);
		if (x && x->save)
			x->save(f, &e->ip, m->data);
		o += m->u.match_size;
	}
}

static void save_target(FILE *f, const struct uipt_rule *r)
{
	const struct ipt_entry *e = uipt_rule_entry(r);
	const struct xt_entry_target *t = uipt_rule_target(r);
	const struct xtables_target *x;

	switch (r->kind) {
	case UIPT_RULE_FALLTHROUGH:
		return;
	case UIPT_RULE_JUMP:
		fputs(e->ip.flags & IPT_F_GOTO ? " -g " : " -j ", f);
		fputs(r->jump->name, f);
		return;
	case UIPT_RULE_VERDICT:
		fputs(" -j ", f);
		fputs(uipt_rule_target_name(r), f);
		return;
	}
	x = target_ext(t);
	fprintf(f, " -j %s", !x ? t->u.user.name :
		x->alias ? x->alias(t->data) : x->name);
	if (x && x->save)
		x->save(f, &e->ip, t->data);
}

void uipt_print_rule_spec(FILE *f, const struct uipt_rule *r)
{
	const struct ipt_entry *e = uipt_rule_entry(r);

	save_ip(f, &e->ip);
	save_matches(f, e);
	save_target(f, r);
}

void uipt_print_rule_save(FILE *f, const char *chain, const struct uipt_rule *r,
			  enum uipt_save_counters counters)
{
	const struct ipt_entry *e = uipt_rule_entry(r);

	if (counters == SAVE_BRACKETS)
		fprintf(f, "[%llu:%llu] ", (unsigned long long)r->counters.pcnt,
			(unsigned long long)r->counters.bcnt);
	fputs("-A ", f);
	fputs(chain, f);
	save_ip(f, &e->ip);
	save_matches(f, e);
	if (counters == SAVE_INLINE)
		fprintf(f, " -c %llu %llu", (unsigned long long)r->counters.pcnt,
			(unsigned long long)r->counters.bcnt);
	save_target(f, r);
	fputc('\n', f);
}

/* Five columns, with K, M, G, T past 99999 unless -x. */
void uipt_print_num(FILE *f, uint64_t n, unsigned int fmt)
{
	static const char suffix[] = "KMGT";
	int i = -1;

	bool pad = !(fmt & FMT_NOTABLE);

	if (fmt & FMT_EXACT) {
		fprintf(f, pad ? "%8llu " : "%llu ", (unsigned long long)n);
		return;
	}
	if (n > 99999) {
		n = (n + 500) / 1000;
		i = 0;
		while (n > 9999 && i < 3) {
			n = (n + 500) / 1000;
			i++;
		}
	}
	if (i < 0)
		fprintf(f, pad ? "%5llu " : "%llu ", (unsigned long long)n);
	else
		fprintf(f, pad ? "%4llu%c " : "%llu%c ", (unsigned long long)n, suffix[i]);
}

void uipt_print_list_header(FILE *f, const struct uipt_chain *c, unsigned int fmt)
{
	fprintf(f, "Chain %s", c->name);
	if (c->hook >= 0) {
		fprintf(f, " (policy %s", uipt_verdict_name(c->policy));
		if (fmt & FMT_VERBOSE) {
			fputc(' ', f);
			uipt_print_num(f, c->counters.pcnt, fmt | FMT_NOTABLE);
			fputs("packets, ", f);
			uipt_print_num(f, c->counters.bcnt, fmt | FMT_NOTABLE);
			fputs("bytes", f);
		}
		fputs(")\n", f);
	} else {
		fprintf(f, " (%u references)\n", c->refs);
	}
	if (fmt & FMT_LINENUMBERS)
		fputs("num  ", f);
	if (fmt & FMT_VERBOSE)
		fputs(fmt & FMT_EXACT ? "    pkts      bytes " : " pkts bytes ", f);
	fputs("target     prot opt ", f);
	if (fmt & FMT_VERBOSE)
		fputs("in     out     ", f);
	fputs("source               destination         \n", f);
}

static void list_iface(FILE *f, const char *name, bool inv, unsigned int fmt,
		       const char *layout)
{
	char buf[IFNAMSIZ + 2];

	snprintf(buf, sizeof(buf), "%s%s", inv ? "!" : "",
		 *name ? name : fmt & FMT_NUMERIC ? "*" : "any");
	fprintf(f, layout, buf);
}

static const char *host_name(struct in_addr a)
{
	struct hostent *h = gethostbyaddr(&a, sizeof(a), AF_INET);

	return h ? h->h_name : xt_ipaddr_to_numeric(&a);
}

static void list_addr(FILE *f, struct in_addr a, struct in_addr m, bool inv,
		      unsigned int fmt)
{
	char buf[NI_MAXHOST + INET_ADDRSTRLEN + 2];

	fputc(inv ? '!' : ' ', f);
	if (!m.s_addr && !(fmt & FMT_NUMERIC)) {
		fprintf(f, "%-19s ", "anywhere");
		return;
	}
	/* Both helpers return static buffers: one call at a time. */
	snprintf(buf, sizeof(buf), "%s",
		 fmt & FMT_NUMERIC ? xt_ipaddr_to_numeric(&a) : host_name(a));
	strncat(buf, xt_ipmask_to_numeric(&m), sizeof(buf) - strlen(buf) - 1);
	fprintf(f, "%-19s ", buf);
}

static void list_matches(FILE *f, const struct ipt_entry *e, unsigned int fmt)
{
	for (uint32_t o = sizeof(*e); o < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + o);
		const struct xtables_match *x =
			uipt_find_match_cached(m->u.user.name, m->u.user.revision);

		if (x && x->print)
			x->print(f, &e->ip, m->data, fmt & FMT_NUMERIC);
		else if (!x)
			fprintf(f, "UNKNOWN match `%s' ", m->u.user.name);
		o += m->u.match_size;
	}
}

void uipt_print_rule_list(FILE *f, const struct uipt_rule *r, unsigned int num,
			  unsigned int fmt)
{
	const struct ipt_entry *e = uipt_rule_entry(r);
	const struct ipt_ip *ip = &e->ip;

	if (fmt & FMT_LINENUMBERS)
		fprintf(f, "%-4u ", num);
	if (fmt & FMT_VERBOSE) {
		uipt_print_num(f, r->counters.pcnt, fmt);
		uipt_print_num(f, r->counters.bcnt, fmt);
	}
	fprintf(f, "%-9s ", uipt_rule_target_name(r));
	fputc(ip->invflags & XT_INV_PROTO ? '!' : ' ', f);
	fprintf(f, "%-4s ", uipt_list_proto(ip->proto, fmt & FMT_NUMERIC));
	fprintf(f, "%c%c ", ip->invflags & IPT_INV_FRAG ? '!' : '-',
		ip->flags & IPT_F_FRAG ? 'f' : '-');
	if (fmt & FMT_VERBOSE) {
		list_iface(f, ip->iniface, ip->invflags & IPT_INV_VIA_IN, fmt, " %-6s ");
		list_iface(f, ip->outiface, ip->invflags & IPT_INV_VIA_OUT, fmt, "%-6s ");
	}
	list_addr(f, ip->src, ip->smsk, ip->invflags & IPT_INV_SRCIP, fmt);
	list_addr(f, ip->dst, ip->dmsk, ip->invflags & IPT_INV_DSTIP, fmt);
	if (ip->flags & IPT_F_GOTO)
		fputs("[goto] ", f);
	uipt_print_rule_exts(f, r, fmt);
	fputc('\n', f);
}

void uipt_print_rule_exts(FILE *f, const struct uipt_rule *r, unsigned int fmt)
{
	const struct ipt_entry *e = uipt_rule_entry(r);

	list_matches(f, e, fmt);
	if (r->kind == UIPT_RULE_TARGET) {
		const struct xt_entry_target *t = uipt_rule_target(r);
		const struct xtables_target *x = target_ext(t);

		if (x && x->print)
			x->print(f, &e->ip, t->data, fmt & FMT_NUMERIC);
	}
}
