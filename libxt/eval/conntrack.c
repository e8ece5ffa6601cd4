/*
 * Connection tracking: the table, and the two hooks the kernel runs —
 * nf_conntrack_in at PREROUTING/OUTPUT (find or make the entry, let the
 * protocol tracker judge the packet, attach entry and ctinfo) and the
 * confirm at the end of POSTROUTING/INPUT (a new entry enters the table
 * only if its first packet got that far).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ct.h"

/* ---- tuples ---- */

void uipt_tuple_invert(struct uipt_tuple *out, const struct uipt_tuple *in)
{
	struct uipt_tuple t = *in;

	t.src = in->dst;
	t.dst = in->src;
	if (in->l4proto == IPPROTO_ICMP) {
		uint8_t inv = 0;

		uipt_ct_icmp_tuple_ok((uint8_t)(in->dport >> 8), &inv);
		t.sport = in->sport;
		t.dport = (uint16_t)(inv << 8 | (in->dport & 0xff));
	} else {
		t.sport = in->dport;
		t.dport = in->sport;
	}
	*out = t;
}

bool uipt_tuple_equal(const struct uipt_tuple *a, const struct uipt_tuple *b)
{
	return a->src.ip == b->src.ip && a->dst.ip == b->dst.ip &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->l4proto == b->l4proto && a->l3num == b->l3num;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool uipt_ct_get_tuple(const uint8_t *ip, unsigned int len, unsigned int thoff,
		       struct uipt_tuple *t)
{
	const uint8_t *l4 = ip + thoff;

	memset(t, 0, sizeof(*t));
	t->l3num = NFPROTO_IPV4;
	t->l4proto = ip[9];
	memcpy(&t->src.ip, ip + 12, 4);
	memcpy(&t->dst.ip, ip + 16, 4);
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (thoff + 4 > len)
			return false;
		t->sport = htons(get16(l4));
		t->dport = htons(get16(l4 + 2));
		return true;
	case IPPROTO_ICMP:
		if (thoff + 8 > len)
			return false;
		t->sport = htons(get16(l4 + 4));
		t->dport = (uint16_t)(l4[0] << 8 | l4[1]);
		return true;
	}
	return true;
}

/* ---- the table ---- */

static size_t hash_tuple(const struct uipt_tuple *t, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	/* Every field before a multiply and a fold, so each reaches the low
	 * bits: tuples differing only in a port (a server's replies to many
	 * client ports, NATed ports) must not share a chain. */
	h ^= t->src.ip | (uint64_t)t->dst.ip << 32;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h ^= t->sport | (uint64_t)t->dport << 16 | (uint64_t)t->l4proto << 32;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (size_t)(h & (n - 1));
}

struct uipt_ct_table *uipt_ct_new(void)
{
	struct uipt_ct_table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->nbuckets = 1024;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets)
		abort();
	t->next_id = 1;
	return t;
}

void uipt_ct_free(struct uipt_ct_table *t)
{
	if (!t)
		return;
	while (t->list) {
		struct uipt_ev_conn *c = t->list;

		t->list = c->lnext;
		free(c);
	}
	while (t->expects) {
		struct uipt_ct_expect *x = t->expects;

		t->expects = x->next;
		free(x);
	}
	free(t->buckets);
	free(t);
}

static bool expired(const struct uipt_ev_conn *c, uint64_t now)
{
	return c->c.timeout_ns <= now;
}

/* An entry sits on a bucket's chain through the link of the direction
 * whose tuple hashes there (the original's when both do). */
static struct uipt_ev_conn *chain_next(const struct uipt_ct_table *t,
				       const struct uipt_ev_conn *c, size_t b)
{
	return c->hnext[hash_tuple(&c->c.tuple[0], t->nbuckets) == b ? 0 : 1];
}

struct uipt_ev_conn *uipt_ct_find(struct uipt_ct_table *t,
				  const struct uipt_tuple *tu, uint64_t now,
				  enum uipt_dir *dir)
{
	size_t b = hash_tuple(tu, t->nbuckets);

	for (struct uipt_ev_conn *c = t->buckets[b]; c; c = chain_next(t, c, b)) {
		if (expired(c, now))
			continue;
		for (int d = 0; d < 2; d++)
			if (uipt_tuple_equal(&c->c.tuple[d], tu)) {
				*dir = (enum uipt_dir)d;
				return c;
			}
	}
	return NULL;
}

bool uipt_ct_tuple_taken(struct uipt_ct_table *t, const struct uipt_tuple *tu,
			 const struct uipt_ev_conn *except, uint64_t now)
{
	enum uipt_dir d;
	struct uipt_ev_conn *c = uipt_ct_find(t, tu, now, &d);

	return c && c != except;
}

static void link_dir(struct uipt_ct_table *t, struct uipt_ev_conn *c, int d)
{
	size_t b = hash_tuple(&c->c.tuple[d], t->nbuckets);

	/* Both tuples may land in one bucket: then one link serves. */
	if (d == 1 && b == hash_tuple(&c->c.tuple[0], t->nbuckets)) {
		c->hnext[1] = NULL;
		return;
	}
	c->hnext[d] = t->buckets[b];
	t->buckets[b] = c;
}

static void unlink_dir(struct uipt_ct_table *t, struct uipt_ev_conn *c, int d)
{
	size_t b = hash_tuple(&c->c.tuple[d], t->nbuckets);
	struct uipt_ev_conn **pp = &t->buckets[b];

	if (d == 1 && b == hash_tuple(&c->c.tuple[0], t->nbuckets))
		return;
	while (*pp) {
		struct uipt_ev_conn *x = *pp;
		int k = hash_tuple(&x->c.tuple[0], t->nbuckets) == b ? 0 : 1;


		if (x == c) {
			*pp = x->hnext[k];
			return;
		}
		pp = &x->hnext[k];
	}
}

static void grow(struct uipt_ct_table *t)
{
	struct uipt_ev_conn *c;

	free(t->buckets);
	t->nbuckets *= 4;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets)
		abort();
	for (c = t->list; c; c = c->lnext) {
		link_dir(t, c, 0);
		link_dir(t, c, 1);
	}
}

void uipt_ct_insert(struct uipt_ct_table *t, struct uipt_ev_conn *c)
{
	if (t->count + 1 > t->nbuckets)
		grow(t);
	link_dir(t, c, 0);
	link_dir(t, c, 1);
	c->lnext = t->list;
	c->lprev = &t->list;
	if (t->list)
		t->list->lprev = &c->lnext;
	t->list = c;
	t->count++;
	c->confirmed = true;
	c->c.status |= IPS_CONFIRMED;
}

void uipt_ct_remove(struct uipt_ct_table *t, struct uipt_ev_conn *c)
{
	unlink_dir(t, c, 1);
	unlink_dir(t, c, 0);
	*c->lprev = c->lnext;
	if (c->lnext)
		c->lnext->lprev = c->lprev;
	t->count--;
	c->confirmed = false;
	/* A master that goes takes its expectations along. */
	uipt_ct_expect_forget(t, c->c.id);
}

void uipt_ct_rehash(struct uipt_ct_table *t, struct uipt_ev_conn *c)
{
	/* Unlinks need the old tuple's bucket: rebuild the chains instead. */
	memset(t->buckets, 0, t->nbuckets * sizeof(*t->buckets));
	for (struct uipt_ev_conn *x = t->list; x; x = x->lnext) {
		link_dir(t, x, 0);
		link_dir(t, x, 1);
	}
	(void)c;
}

void uipt_ct_expire(struct uipt_ct_table *t, uint64_t now)
{
	struct uipt_ev_conn *c = t->list;

	while (c) {
		struct uipt_ev_conn *next = c->lnext;

		if (expired(c, now)) {
			uipt_ct_remove(t, c);
			free(c);
		}
		c = next;
	}
}

/* ---- the hooks ---- */

#define GENERIC_TIMEOUT (600 * NS_PER_S)

static bool is_fragment(const struct xt_pkt *pkt)
{
	return pkt->fragoff || (pkt->data[6] & 0x20);	/* offset or IP_MF */
}

static enum uipt_ct_ret track_proto(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	switch (c->c.tuple[0].l4proto) {
	case IPPROTO_TCP:
		return uipt_ct_tcp_packet(c, cp);
	case IPPROTO_UDP:
		return uipt_ct_udp_packet(c, cp);
	case IPPROTO_ICMP:
		return uipt_ct_icmp_packet(c, cp);
	}
	c->c.timeout_ns = cp->now + GENERIC_TIMEOUT;
	return CT_OK;
}

/* A fixed timeout (set with conntrack -U -u FIXED_TIMEOUT) is not renewed
 * by packets (__nf_ct_refresh_acct); a tracker may still end the entry. */
static enum uipt_ct_ret proto_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	uint64_t fixed = c->c.timeout_ns;
	enum uipt_ct_ret ret = track_proto(c, cp);

	if ((c->c.status & IPS_FIXED_TIMEOUT) && c->c.timeout_ns > cp->now)
		c->c.timeout_ns = fixed;
	return ret;
}

/* The protocol's error() callback: malformed packets are INVALID before
 * any lookup.  Checksums are verified where the kernel does, on arrival. */
static bool proto_error(struct uipt_ct_pkt *cp, bool check_csum)
{
	switch (cp->pkt->l4proto) {
	case IPPROTO_TCP:
		return uipt_ct_tcp_error(cp, check_csum);
	case IPPROTO_UDP:
		return uipt_ct_udp_error(cp, check_csum);
	}
	return false;
}

/*
 * init_conntrack: a connection an expectation waits for is its master's
 * (RELATED, the master's mark), and consumes it even if it dies
 * unconfirmed; any other takes the CT template's helper.
 */
static void expectation_or_helper(struct uipt_eval *ev, struct uipt_ev_conn *c,
				  struct uipt_ct_pkt *cp)
{
	struct uipt_ev_conn *master;
	struct uipt_ct_expect *x = NULL;

	if (ev->ct->expects)
		x = uipt_ct_expect_take(ev->ct, &c->c.tuple[0], cp->now, &master);
	if (x) {
		uipt_ct_expected(c, master);
		if (x->follow)
			uipt_nat_follow(ev, c, master, x);
		uipt_result_note(ev->res, (int)cp->pkt->hook, "conntrack",
				 "expected by the %s helper of connection id %u: RELATED, "
				 "mark %u taken from it", x->helper, master->c.id, master->c.mark);
		free(x);
	} else if (cp->pkt->ct_helper[0]) {
		memcpy(c->c.helper, cp->pkt->ct_helper, sizeof(c->c.helper));
	}
}

static struct uipt_ev_conn *new_conn(struct uipt_eval *ev, const struct uipt_tuple *tu,
				     struct uipt_ct_pkt *cp)
{
	struct uipt_ev_conn *c = calloc(1, sizeof(*c));
	bool ok = true;

	if (!c)
		abort();
	c->c.tuple[0] = *tu;
	uipt_tuple_invert(&c->c.tuple[1], tu);
	c->c.start_ns = cp->now;
	c->c.acct = *ev->acct;
	c->lprev = &c->lnext;
	expectation_or_helper(ev, c, cp);
	if (tu->l4proto == IPPROTO_TCP)
		ok = uipt_ct_tcp_new(c, cp);
	else if (tu->l4proto == IPPROTO_ICMP)
		ok = uipt_ct_icmp_new(c, cp);
	else if (tu->l4proto == IPPROTO_UDP)
		c->udp_stream_ns = cp->now + 2 * NS_PER_S;
	if (!ok) {
		free(c);
		return NULL;
	}
	c->c.id = ev->ct->next_id++;
	return c;
}

static void invalid(struct uipt_eval *ev, struct xt_pkt *pkt, const char *why)
{
	pkt->ct = NULL;
	if (ev->res)
		uipt_result_note(ev->res, (int)pkt->hook, "conntrack", "INVALID: %s", why);
}

/* An ICMP error is RELATED to the connection of the packet it quotes. */
static void icmp_error(struct uipt_eval *ev, struct xt_pkt *pkt, bool check_csum)
{
	const uint8_t *icmp = pkt->data + pkt->thoff, *inner = icmp + 8;
	unsigned int ilen = pkt->len - pkt->thoff, ihl;
	struct uipt_tuple orig, look;
	struct uipt_ev_conn *c;
	enum uipt_dir dir;

	if (check_csum && !uipt_pkt_l4_csum_ok(pkt))
		return invalid(ev, pkt, "bad ICMP checksum");
	if (ilen < 8 + 20 || (inner[0] >> 4) != 4 || (ihl = (inner[0] & 0xf) * 4u) < 20 ||
	    ilen < 8 + ihl + 8)
		return invalid(ev, pkt, "ICMP error too short to quote a packet");
	if (!uipt_ct_get_tuple(inner, ilen - 8, ihl, &orig))
		return invalid(ev, pkt, "quoted packet has no tuple");
	if (orig.l4proto == IPPROTO_ICMP && uipt_ct_icmp_is_error((uint8_t)(orig.dport >> 8)))
		return invalid(ev, pkt, "ICMP error about an ICMP error");
	uipt_tuple_invert(&look, &orig);
	c = uipt_ct_find(ev->ct, &look, pkt->now_ns, &dir);
	if (!c)
		return invalid(ev, pkt, "ICMP error about no known connection");
	pkt->ct = &c->c;
	pkt->ctinfo = dir == UIPT_DIR_REPLY ? UIPT_CT_RELATED_REPLY : UIPT_CT_RELATED;
	ev->cur = c;
	ev->cur_new = false;
}

static void attach(struct uipt_eval *ev, struct xt_pkt *pkt, struct uipt_ev_conn *c,
		   enum uipt_dir dir, bool fresh)
{
	if (dir == UIPT_DIR_REPLY)
		pkt->ctinfo = UIPT_CT_ESTABLISHED_REPLY;
	else if (c->c.status & IPS_SEEN_REPLY)
		pkt->ctinfo = UIPT_CT_ESTABLISHED;
	else if (c->c.status & IPS_EXPECTED)
		pkt->ctinfo = UIPT_CT_RELATED;
	else
		pkt->ctinfo = UIPT_CT_NEW;
	pkt->ct = &c->c;
	ev->cur = c;
	ev->cur_new = fresh;
}

static void account(struct uipt_ev_conn *c, enum uipt_dir dir, const struct xt_pkt *pkt)
{
	if (dir == UIPT_DIR_REPLY)
		c->c.status |= IPS_SEEN_REPLY;
	c->c.packets[dir]++;
	c->c.bytes[dir] += pkt->len;
}

/* Finds or makes the entry and lets the tracker judge the packet. */
static void track(struct uipt_eval *ev, struct xt_pkt *pkt, const struct uipt_tuple *tu)
{
	struct uipt_ct_pkt cp = { .pkt = pkt, .now = pkt->now_ns };
	enum uipt_dir dir = UIPT_DIR_ORIGINAL;
	struct uipt_ev_conn *c;

	for (int tries = 0; tries < 2; tries++) {
		bool fresh = false;

		c = uipt_ct_find(ev->ct, tu, cp.now, &dir);
		if (!c) {
			dir = UIPT_DIR_ORIGINAL;
			cp.dir = dir;
			if (!(c = new_conn(ev, tu, &cp)))
				return invalid(ev, pkt, cp.why[0] ? cp.why : "cannot start a connection");
			fresh = true;
		}
		attach(ev, pkt, c, dir, fresh);
		cp.dir = dir;
		switch (proto_packet(c, &cp)) {
		case CT_OK:
			account(c, dir, pkt);
			return;
		case CT_INVALID:
			if (fresh)
				free(c);
			ev->cur = NULL;
			return invalid(ev, pkt, cp.why);
		case CT_REOPEN:
			uipt_result_note(ev->res, (int)pkt->hook, "conntrack",
					 "old connection closed, a new one starts");
			uipt_ct_remove(ev->ct, c);
			free(c);
			ev->cur = NULL;
			pkt->ct = NULL;
			break;
		}
	}
}

bool uipt_ct_in(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	bool check_csum = pkt->hook == NF_INET_PRE_ROUTING;
	struct uipt_ct_pkt cp = { .pkt = pkt, .now = pkt->now_ns };
	struct uipt_tuple tu;

	if (pkt->ct || pkt->untracked)
		return true;	/* seen before (loopback) or NOTRACK'ed */
	if (is_fragment(pkt)) {
		uipt_result_note(ev->res, (int)pkt->hook, "defrag",
				 "fragment held for reassembly (the other fragments never come)");
		return false;
	}
	if (!uipt_ct_get_tuple(pkt->data, pkt->len, pkt->thoff, &tu)) {
		invalid(ev, pkt, "transport header truncated");
		return true;
	}
	if (pkt->l4proto == IPPROTO_ICMP && uipt_ct_icmp_is_error(pkt->data[pkt->thoff])) {
		icmp_error(ev, pkt, check_csum);
		return true;
	}
	if (proto_error(&cp, check_csum)) {
		invalid(ev, pkt, cp.why);
		return true;
	}
	track(ev, pkt, &tu);
	return true;
}

void uipt_ct_confirm(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	/* Only a packet of the original direction confirms (a reset
	 * attached to a new entry does not). */
	if (!pkt->ct || !ev->cur || !ev->cur_new || ev->cur->confirmed ||
	    pkt->ctinfo >= UIPT_CT_ESTABLISHED_REPLY)
		return;
	uipt_ct_insert(ev->ct, ev->cur);
	ev->cur_new = false;
}

const char *uipt_ctinfo_name(const struct xt_pkt *pkt)
{
	if (pkt->untracked)
		return "UNTRACKED";
	if (!pkt->ct)
		return "INVALID";
	switch (pkt->ctinfo) {
	case UIPT_CT_NEW:
		return "NEW";
	case UIPT_CT_ESTABLISHED:
		return "ESTABLISHED";
	case UIPT_CT_ESTABLISHED_REPLY:
		return "ESTABLISHED (reply)";
	case UIPT_CT_RELATED:
		return "RELATED";
	case UIPT_CT_RELATED_REPLY:
		return "RELATED (reply)";
	default:
		return "UNTRACKED";
	}
}
