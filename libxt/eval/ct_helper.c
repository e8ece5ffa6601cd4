/*
 * Conntrack helpers and expectations.
 *
 * A connection gets a helper from a CT template on its first packet (in a
 * network namespace nothing assigns one automatically).  At the confirm
 * hook, after NAT, the helper reads the packet's payload (nf_confirm calls
 * help() there) and may expect a connection: a tuple whose source port
 * may be anything.  A new connection with that tuple is RELATED to its
 * master, takes its mark and consumes the expectation.
 *
 * Modelled: ftp (PORT, EPRT, 227, 229, read only at the start of a line
 * the helper has seen end, as nf_conntrack_ftp reads them) and tftp (a
 * read or write request expects the server's answer from any port), with
 * their NAT halves: on a NATed master nf_nat_ftp rewrites the command
 * (sequence numbers of the stream are adjusted from then on, seqadj) and
 * the expected connection is NATed as its master (nf_nat_follow_master).
 * Other helpers are assigned and listed, their payload is not read.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ct.h"

/* ---- expectations ---- */

struct uipt_ev_conn *uipt_ct_by_id(struct uipt_ct_table *t, uint32_t id, uint64_t now)
{
	for (struct uipt_ev_conn *c = t->list; c; c = c->lnext)
		if (c->c.id == id && c->c.timeout_ns > now)
			return c;
	return NULL;
}

void uipt_ct_expect_unlink(struct uipt_ct_table *t, struct uipt_ct_expect *x)
{
	for (struct uipt_ct_expect **pp = &t->expects; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			x->next = NULL;
			return;
		}
}

static void drop_if(struct uipt_ct_table *t, bool (*gone)(const struct uipt_ct_expect *,
							    uint64_t), uint64_t arg)
{
	struct uipt_ct_expect **pp = &t->expects;

	while (*pp) {
		struct uipt_ct_expect *x = *pp;

		if (gone(x, arg)) {
			*pp = x->next;
			free(x);
		} else {
			pp = &x->next;
		}
	}
}

static bool of_master(const struct uipt_ct_expect *x, uint64_t id)
{
	return x->master_id == id;
}

static bool expired(const struct uipt_ct_expect *x, uint64_t now)
{
	return x->timeout_ns <= now;
}

void uipt_ct_expect_forget(struct uipt_ct_table *t, uint32_t master_id)
{
	if (t->expects)
		drop_if(t, of_master, master_id);
}

void uipt_ct_expect_expire(struct uipt_ct_table *t, uint64_t now)
{
	if (t->expects)
		drop_if(t, expired, now);
}

/* nf_ct_tuple_mask_cmp: the source port under the expectation's mask,
 * everything else exactly. */
static bool fulfils(const struct uipt_tuple *tu, const struct uipt_ct_expect *x,
		    uint16_t mask)
{
	return tu->src.ip == x->tuple.src.ip && tu->dst.ip == x->tuple.dst.ip &&
	       (tu->sport & mask) == (x->tuple.sport & mask) &&
	       tu->dport == x->tuple.dport && tu->l4proto == x->tuple.l4proto &&
	       tu->l3num == x->tuple.l3num;
}

struct uipt_ct_expect *uipt_ct_expect_take(struct uipt_ct_table *t,
					   const struct uipt_tuple *tu, uint64_t now,
					   struct uipt_ev_conn **master)
{
	uipt_ct_expect_expire(t, now);
	for (struct uipt_ct_expect *x = t->expects; x; x = x->next) {
		if (!fulfils(tu, x, x->sport_mask))
			continue;
		/* An unconfirmed master's peer cannot know of it yet. */
		if (!(*master = uipt_ct_by_id(t, x->master_id, now)))
			continue;
		uipt_ct_expect_unlink(t, x);
		return x;
	}
	return NULL;
}

void uipt_ct_expected(struct uipt_ev_conn *c, const struct uipt_ev_conn *master)
{
	c->c.status |= IPS_EXPECTED;
	c->c.mark = master->c.mark;
	c->c.secmark = master->c.secmark;
	c->master_id = master->c.id;
	memcpy(c->master_helper, master->c.helper, sizeof(c->master_helper));
}

/*
 * nf_ct_expect_related: the same expectation from the same master is
 * replaced; one another master made for the same tuple is a clash
 * (EBUSY); past the helper's max_expected the master's oldest goes.
 */
static int expect_insert(struct uipt_ct_table *t, struct uipt_ct_expect *x,
			 unsigned int max_expected, uint64_t now)
{
	struct uipt_ct_expect *oldest = NULL;
	unsigned int n = 0;

	uipt_ct_expect_expire(t, now);
	for (struct uipt_ct_expect *e = t->expects; e; e = e->next) {
		if (e->master_id == x->master_id && e->sport_mask == x->sport_mask &&
		    uipt_tuple_equal(&e->tuple, &x->tuple)) {
			uipt_ct_expect_unlink(t, e);
			free(e);
			break;
		}
		if (fulfils(&x->tuple, e, e->sport_mask & x->sport_mask))
			return -EBUSY;
	}
	for (struct uipt_ct_expect *e = t->expects; e; e = e->next)
		if (e->master_id == x->master_id) {
			n++;
			oldest = e;
		}
	if (max_expected && n >= max_expected && oldest) {
		uipt_ct_expect_unlink(t, oldest);
		free(oldest);
	}
	x->next = t->expects;
	t->expects = x;
	return 0;
}

/* ---- the helpers ---- */

struct help_ctx {
	struct uipt_eval *ev;
	struct xt_pkt *pkt;
	struct uipt_ev_conn *c;
	enum uipt_dir dir;
	const uint8_t *data;		/* transport payload */
	unsigned int len;
};

struct helper_model {
	const char *name;
	uint8_t l4proto;
	unsigned int max_expected, timeout_s;
	unsigned int (*help)(struct help_ctx *h, const struct helper_model *m);
};

static void __attribute__((format(printf, 2, 3)))
note(struct help_ctx *h, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	if (!h->ev->res || h->ev->res->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	uipt_result_note(h->ev->res, (int)h->pkt->hook, "helper", "%s: %s",
			 h->c->c.helper, line);
}

/* Makes and inserts the expectation: from src (any port) to dst:dport. */
static struct uipt_ct_expect *expect_new(struct help_ctx *h, const struct helper_model *m,
					 uint32_t src, uint32_t dst, uint16_t dport)
{
	struct uipt_ct_expect *x = calloc(1, sizeof(*x));

	if (!x)
		abort();
	x->tuple.l3num = NFPROTO_IPV4;
	x->tuple.l4proto = m->l4proto;
	x->tuple.src.ip = src;
	x->tuple.dst.ip = dst;
	x->tuple.dport = dport;
	x->master_id = h->c->c.id;
	x->master = h->c->c.tuple[UIPT_DIR_ORIGINAL];
	memcpy(x->helper, h->c->c.helper, sizeof(x->helper));
	x->timeout_ns = h->pkt->now_ns + (uint64_t)m->timeout_s * NS_PER_S;
	return x;
}

static void note_expect(struct help_ctx *h, const struct uipt_ct_expect *x,
			const char *why, const char *what)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &x->tuple.src.ip, s, sizeof(s));
	inet_ntop(AF_INET, &x->tuple.dst.ip, d, sizeof(d));
	note(h, "%s: %s %s -> %s:%u (any source port)", why, what, s, d,
	     ntohs(x->tuple.dport));
}

/* Inserts x (or frees it and drops the packet, as the helpers do). */
static unsigned int expect_add(struct help_ctx *h, const struct helper_model *m,
			       struct uipt_ct_expect *x, const char *why)
{
	if (expect_insert(h->ev->ct, x, m->max_expected, h->pkt->now_ns) < 0) {
		note_expect(h, x, why, "cannot expect (another connection does):"
			    " packet dropped;");
		free(x);
		return NF_DROP;
	}
	note_expect(h, x, why, "expects");
	return NF_ACCEPT;
}

static unsigned int expect(struct help_ctx *h, const struct helper_model *m,
			   uint32_t src, uint32_t dst, uint16_t dport, const char *why)
{
	return expect_add(h, m, expect_new(h, m, src, dst, dport), why);
}

/* tftp: a read or write request expects the answer from any port of the
 * server, to the client's port (as the reply tuple says after NAT). */
static unsigned int tftp_help(struct help_ctx *h, const struct helper_model *m)
{
	const struct uipt_tuple *r = &h->c->c.tuple[UIPT_DIR_REPLY];
	struct uipt_ct_expect *x;
	unsigned int op;

	if (h->len < 2)
		return NF_ACCEPT;
	op = (unsigned int)(h->data[0] << 8 | h->data[1]);
	if (op != 1 && op != 2)
		return NF_ACCEPT;
	x = expect_new(h, m, r->src.ip, r->dst.ip, r->dport);
	/* nf_nat_tftp: the answer goes to the client's own port. */
	if (h->c->c.status & IPS_NAT_MASK) {
		x->follow = true;
		x->dir = UIPT_DIR_REPLY;
		x->saved_port = h->c->c.tuple[UIPT_DIR_ORIGINAL].sport;
	}
	return expect_add(h, m, x, op == 1 ? "read request" : "write request");
}

/* ---- NAT of the payload (nf_nat_helper, nf_conntrack_seqadj) ---- */

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

int32_t uipt_ct_seq_offset(const struct uipt_ev_conn *c, int dir, uint32_t seq)
{
	const struct uipt_seqadj *a = &c->seqadj[dir];

	if (!(c->c.status & IPS_SEQ_ADJUST))
		return 0;
	return seq_after(seq, a->pos) ? a->after : a->before;
}

/* nf_ct_seqadj_set: a change of length at seq, in dir's stream. */
static void seqadj_set(struct uipt_ev_conn *c, int dir, uint32_t seq, int32_t off)
{
	struct uipt_seqadj *a = &c->seqadj[dir];

	if (!off)
		return;
	c->c.status |= IPS_SEQ_ADJUST;
	if (a->before == a->after || seq_after(seq, a->pos)) {
		a->pos = seq;
		a->before = a->after;
		a->after += off;
	}
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* nf_ct_sack_adjust: SACK blocks acknowledge the other stream too. */
static void sack_adjust(uint8_t *th, unsigned int optlen, const struct uipt_seqadj *other)
{
	uint8_t *o = th + 20;

	for (unsigned int i = 0; i < optlen;) {
		unsigned int n = o[i] < 2 ? 1 : (i + 1 < optlen ? o[i + 1] : 0);

		if (o[i] == 0 || n < 1 || i + n > optlen)
			return;
		if (o[i] == 5 && n >= 10 && (n - 2) % 8 == 0)
			for (unsigned int k = i + 2; k < i + n; k += 4) {
				uint32_t e = get32(o + k);

				uipt_put32(o + k, e - (uint32_t)(seq_after(e - (uint32_t)other->before,
									   other->pos) ?
								 other->after : other->before));
			}
		i += n;
	}
}

void uipt_ct_seq_adjust(struct xt_pkt *pkt)
{
	const struct uipt_ev_conn *c = (const struct uipt_ev_conn *)pkt->ct;
	uint8_t *th = pkt->data + pkt->thoff;
	const struct uipt_seqadj *this, *other;
	uint32_t seq, ack;
	int dir;

	if (!c || !(c->c.status & IPS_SEQ_ADJUST) || pkt->l4proto != IPPROTO_TCP ||
	    pkt->ctinfo == UIPT_CT_RELATED_REPLY || pkt->fragoff ||
	    pkt->thoff + 20 > pkt->len ||
	    (pkt->hook == NF_INET_LOCAL_IN && !strcmp(pkt->in, "lo")))
		return;
	dir = pkt->ctinfo >= UIPT_CT_ESTABLISHED_REPLY;
	this = &c->seqadj[dir];
	other = &c->seqadj[!dir];
	seq = get32(th + 4);
	uipt_put32(th + 4, seq + (uint32_t)(seq_after(seq, this->pos) ? this->after
								       : this->before));
	if (th[13] & 0x10) {
		ack = get32(th + 8);
		uipt_put32(th + 8, ack - (uint32_t)(seq_after(ack - (uint32_t)other->before,
							      other->pos) ?
						    other->after : other->before));
		if ((th[12] >> 4) * 4u > 20 && pkt->thoff + (th[12] >> 4) * 4u <= pkt->len)
			sack_adjust(th, (th[12] >> 4) * 4u - 20, other);
	}
	uipt_pkt_fix_checksums(pkt);
}

/* nf_nat_mangle_tcp_packet: len bytes at off in the payload become
 * the text; a change of length is remembered for the stream. */
static bool mangle(struct help_ctx *h, unsigned int off, unsigned int len,
		   const char *text)
{
	struct xt_pkt *pkt = h->pkt;
	unsigned int at = (unsigned int)(h->data - pkt->data) + off;
	unsigned int tlen = (unsigned int)strlen(text);
	unsigned int nlen = pkt->len - len + tlen;
	uint32_t seq = get32(pkt->data + pkt->thoff + 4);

	if (nlen > pkt->room || nlen > 65535)
		return false;
	memmove(pkt->data + at + tlen, pkt->data + at + len, pkt->len - at - len);
	memcpy(pkt->data + at, text, tlen);
	pkt->len = nlen;
	uipt_put16(pkt->data + 2, (uint16_t)nlen);
	uipt_pkt_fix_checksums(pkt);
	h->len = h->len - len + tlen;
	seqadj_set(h->c, h->dir, seq, (int32_t)tlen - (int32_t)len);
	return true;
}

/* ---- ftp ---- */

struct ftp_cmd {
	uint32_t addr;		/* network order */
	uint16_t port;		/* network order */
	int type;		/* index in ftp_patterns[dir] */
	unsigned int off, len;	/* the numbers in the payload */
};

/*
 * count numbers separated by sep, ended by term (or anything, when term
 * is 0) right after the last: the length read, 0 if not so.  Numbers are
 * not range-checked, as the kernel does not.
 */
static unsigned int numbers(const char *p, size_t n, uint32_t *v, unsigned int count,
			    char sep, char term)
{
	unsigned int i = 0;

	memset(v, 0, count * sizeof(*v));
	for (size_t k = 0; k < n && i < count; k++) {
		if (p[k] >= '0' && p[k] <= '9')
			v[i] = v[i] * 10 + (uint32_t)(p[k] - '0');
		else if (p[k] == sep)
			i++;
		else
			return (p[k] == term || !term) && i == count - 1 ? (unsigned int)k : 0;
	}
	return 0;
}

static uint32_t quad(const uint32_t *v)
{
	return htonl(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
}

/* h1,h2,h3,h4,p1,p2 */
static unsigned int rfc959(const char *p, size_t n, struct ftp_cmd *c, char term)
{
	uint32_t v[6];
	unsigned int len = numbers(p, n, v, 6, ',', term);

	if (!len)
		return 0;
	c->addr = quad(v);
	c->port = htons((uint16_t)(v[4] << 8 | v[5]));
	return len;
}

/* 227's numbers may come after any text (RFC 1123 4.1.2.6). */
static unsigned int rfc1123(const char *p, size_t n, struct ftp_cmd *c, char term)
{
	size_t i = 0;

	(void)term;
	while (i < n && !isdigit((unsigned char)p[i]))
		i++;
	c->off += (unsigned int)i;
	return i == n ? 0 : rfc959(p + i, n - i, c, 0);
}

/* A port up to the delimiter: the offset after it, 0 if none or 0. */
static unsigned int port_upto(const char *p, size_t start, size_t n, char delim,
			      uint16_t *port)
{
	uint16_t v = 0;

	for (size_t i = start; i < n; i++) {
		if (p[i] == delim) {
			if (!v)
				return 0;
			*port = htons(v);
			return (unsigned int)i + 1;
		}
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = (uint16_t)(v * 10 + (p[i] - '0'));
	}
	return 0;
}

static bool bad_delim(char d)
{
	return isdigit((unsigned char)d) || d < 33 || d > 126;
}

/* |1|a.b.c.d|port| (IPv4 only here) */
static unsigned int eprt(const char *p, size_t n, struct ftp_cmd *c, char term)
{
	uint32_t v[4];
	unsigned int len;

	(void)term;
	if (n <= 3 || bad_delim(p[0]) || p[2] != p[0] || p[1] != '1')
		return 0;
	if (!(len = numbers(p + 3, n - 3, v, 4, '.', p[0])))
		return 0;
	c->addr = quad(v);
	return port_upto(p, 3 + len + 1, n, p[0], &c->port);
}

/* (|||port|): the address is the server's own. */
static unsigned int epsv(const char *p, size_t n, struct ftp_cmd *c, char term)
{
	(void)term;
	if (n <= 3 || bad_delim(p[0]) || p[1] != p[0] || p[2] != p[0])
		return 0;
	return port_upto(p, 3, n, p[0], &c->port);
}

struct ftp_pattern {
	const char *word;	/* at the start of the payload, any case */
	char skip, term;	/* numbers follow skip (0: the word) */
	unsigned int (*num)(const char *p, size_t n, struct ftp_cmd *c, char term);
};

/* By direction: the client's commands, the server's answers. */
static const struct ftp_pattern ftp_patterns[2][2] = {
	{ { "PORT", ' ', '\r', rfc959 }, { "EPRT", ' ', '\r', eprt } },
	{ { "227 ", 0, 0, rfc1123 }, { "229 ", '(', ')', epsv } },
};

/* 1 found, 0 not this command, -1 begun but not complete. */
static int ftp_find(const char *p, size_t n, const struct ftp_pattern *pat,
		    struct ftp_cmd *c)
{
	size_t wlen = strlen(pat->word), i = wlen;

	if (n <= wlen)
		return strncasecmp(p, pat->word, n) ? 0 : -1;
	if (strncasecmp(p, pat->word, wlen))
		return 0;
	if (pat->skip) {
		while (p[i] != pat->skip) {
			if (i == n - 1)
				return -1;
			i++;
		}
		i++;
	}
	c->off = (unsigned int)i;
	c->len = pat->num(p + i, n - i, c, pat->term);
	return c->len ? 1 : -1;
}

static bool ftp_at_line_start(const struct uipt_ev_conn *c, int dir, uint32_t seq)
{
	for (unsigned int i = 0; i < c->ftp_nl_num[dir]; i++)
		if (c->ftp_nl_seq[dir][i] == seq)
			return true;
	return false;
}

/* Two places are remembered per direction; a later one replaces the
 * older (in sequence space). */
static void ftp_line_end(struct uipt_ev_conn *c, int dir, uint32_t seq)
{
	uint32_t *s = c->ftp_nl_seq[dir];
	int oldest;

	if (ftp_at_line_start(c, dir, seq))
		return;
	if (c->ftp_nl_num[dir] < 2) {
		s[c->ftp_nl_num[dir]++] = seq;
		return;
	}
	oldest = (int32_t)(s[0] - s[1]) < 0 ? 0 : 1;
	if ((int32_t)(seq - s[oldest]) > 0)
		s[oldest] = seq;
}

static const char *const ftp_names[2][2] = { { "PORT", "EPRT" }, { "227", "229" } };

/* nf_nat_exp_find_port: the port named if free, else another. */
static bool nat_port(struct help_ctx *h, const struct helper_model *m,
		     struct uipt_ct_expect *x)
{
	unsigned int port = ntohs(x->tuple.dport), first = port;

	for (unsigned int tries = 0; port <= 65535 && tries <= 128; tries++, port++) {
		x->tuple.dport = htons((uint16_t)port);
		if (!expect_insert(h->ev->ct, x, m->max_expected, h->pkt->now_ns)) {
			if (port != first)
				note(h, "port %u is expected already: %u taken (the kernel "
				     "picks one at random)", first, port);
			return true;
		}
	}
	return false;
}

/*
 * nf_nat_ftp: on a NATed control connection the address (and port) in
 * the command becomes the one the other side must use, the expectation
 * is for that, and the data connection will be NATed as the master is.
 */
static unsigned int ftp_nat(struct help_ctx *h, const struct helper_model *m,
			    const struct ftp_cmd *cmd, const char *name)
{
	const struct uipt_conn *k = &h->c->c;
	int dir = h->dir;
	uint32_t a = k->tuple[!dir].dst.ip;
	const uint8_t *b = (const uint8_t *)&a;
	struct uipt_ct_expect *x = expect_new(h, m, k->tuple[!dir].src.ip, a, cmd->port);
	char text[40];
	unsigned int port;

	x->follow = true;
	x->dir = (uint8_t)!dir;
	x->saved_port = cmd->port;
	if (!nat_port(h, m, x)) {
		free(x);
		note(h, "%s: all ports in use: packet dropped", name);
		return NF_DROP;
	}
	port = ntohs(x->tuple.dport);
	if (cmd->type == 0)
		snprintf(text, sizeof(text), "%u,%u,%u,%u,%u,%u", b[0], b[1], b[2], b[3],
			 port >> 8, port & 0xff);
	else if (dir == UIPT_DIR_ORIGINAL)
		snprintf(text, sizeof(text), "|1|%u.%u.%u.%u|%u|", b[0], b[1], b[2], b[3], port);
	else
		snprintf(text, sizeof(text), "|||%u|", port);
	if (!mangle(h, cmd->off, cmd->len, text)) {
		uipt_ct_expect_unlink(h->ev->ct, x);
		free(x);
		note(h, "%s: cannot mangle the packet: dropped", name);
		return NF_DROP;
	}
	note(h, "%s: nf_nat_ftp writes %s", name, text);
	note_expect(h, x, name, "expects");
	return NF_ACCEPT;
}

static unsigned int ftp_expect(struct help_ctx *h, const struct helper_model *m,
			       const struct ftp_cmd *cmd, const char *name)
{
	const struct uipt_conn *k = &h->c->c;
	int dir = h->dir;

	/* The address named must be the sender's own (nf_conntrack_ftp's
	 * loose=0, its default): no hole towards a third host. */
	if (cmd->addr != k->tuple[dir].src.ip) {
		note(h, "%s names another address than its sender's: no expectation "
		     "(loose=0)", name);
		return NF_ACCEPT;
	}
	if (k->status & IPS_NAT_MASK)
		return ftp_nat(h, m, cmd, name);
	return expect(h, m, k->tuple[!dir].src.ip, k->tuple[!dir].dst.ip, cmd->port, name);
}

static unsigned int ftp_help(struct help_ctx *h, const struct helper_model *m)
{
	const uint8_t *th = h->pkt->data + h->pkt->thoff;
	const char *p = (const char *)h->data;
	unsigned int ret = NF_ACCEPT;
	struct ftp_cmd cmd;
	uint32_t seq, end;
	bool nl;
	int found = 0, i;

	/* Until there has been traffic both ways, packets are not read. */
	if (h->pkt->ctinfo != UIPT_CT_ESTABLISHED &&
	    h->pkt->ctinfo != UIPT_CT_ESTABLISHED_REPLY)
		return NF_ACCEPT;
	if (!h->len)
		return NF_ACCEPT;
	seq = get32(th + 4);
	/* Where the next line starts, in the sender's own numbers. */
	end = seq + h->len;
	nl = p[h->len - 1] == '\n';
	if (ftp_at_line_start(h->c, h->dir, seq)) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.addr = h->c->c.tuple[h->dir].src.ip;
		for (i = 0; i < 2 && !found; i++)
			found = ftp_find(p, h->len, &ftp_patterns[h->dir][i], &cmd);
		cmd.type = i - 1;
		if (found < 0) {
			/* Tracking must stay exact: the kernel drops it. */
			note(h, "partial %s command: packet dropped", ftp_names[h->dir][i - 1]);
			return NF_DROP;
		}
		if (found)
			ret = ftp_expect(h, m, &cmd, ftp_names[h->dir][i - 1]);
	}
	if (nl)
		ftp_line_end(h->c, h->dir, end);
	return ret;
}

static const struct helper_model models[] = {
	{ "ftp", IPPROTO_TCP, 1, 300, ftp_help },
	{ "tftp", IPPROTO_UDP, 1, 300, tftp_help },
};

static unsigned int payload_off(const struct xt_pkt *pkt)
{
	const uint8_t *l4 = pkt->data + pkt->thoff;

	if (pkt->l4proto == IPPROTO_TCP)
		return pkt->thoff + 20 <= pkt->len ? pkt->thoff + (l4[12] >> 4) * 4u : pkt->len;
	if (pkt->l4proto == IPPROTO_UDP)
		return pkt->thoff + 8;
	return pkt->len;
}

unsigned int uipt_ct_help(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	struct help_ctx h = { .ev = ev, .pkt = pkt };
	unsigned int off;

	/* help() does not expect ICMP errors (nf_confirm). */
	if (!pkt->ct || pkt->ctinfo == UIPT_CT_RELATED_REPLY || !pkt->ct->helper[0] ||
	    pkt->fragoff || pkt->l4proto != pkt->ct->tuple[0].l4proto)
		return NF_ACCEPT;
	h.c = (struct uipt_ev_conn *)pkt->ct;
	h.dir = pkt->ctinfo >= UIPT_CT_ESTABLISHED_REPLY ? UIPT_DIR_REPLY : UIPT_DIR_ORIGINAL;
	off = payload_off(pkt);
	if (off < pkt->len) {
		h.data = pkt->data + off;
		h.len = pkt->len - off;
	}
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(models[i].name, h.c->c.helper) && models[i].l4proto == pkt->l4proto)
			return models[i].help(&h, &models[i]);
	if (h.len)
		note(&h, "reading the payload is not modelled for this helper");
	return NF_ACCEPT;
}
