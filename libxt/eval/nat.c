/*
 * NAT as the kernel does it (nf_nat_core): a connection's first packet
 * runs the nat table; SNAT/DNAT/MASQUERADE/REDIRECT targets call
 * uipt_nat_op (the ops->nat of packet.h), which picks a unique tuple and
 * stores it as the connection's reply tuple.  Every packet of the
 * connection, either way, is then rewritten from the tuples at each nat
 * hook (nf_nat_packet).  A hook where no rule bound anything gets a null
 * binding, which still moves a clashing source port.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "ct.h"			/* net/if.h before the uapi headers */
#include <linux/netfilter/nf_nat.h>
#include <uiptables/jhash.h>

enum manip { MANIP_SRC, MANIP_DST };

static enum manip hook_manip(unsigned int hook)
{
	return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ?
	       MANIP_DST : MANIP_SRC;
}

static struct uipt_eval *ev_of(const struct xt_pkt *pkt)
{
	return ((struct uipt_trace *)pkt->trace)->ev;
}

static bool initialized(const struct uipt_conn *c, enum manip m)
{
	return c->status & (m == MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE);
}

/* Would this tuple, as a connection's original, clash with another's? */
static bool used(struct uipt_eval *ev, const struct uipt_tuple *t,
		 const struct uipt_ev_conn *self)
{
	struct uipt_tuple reply;

	uipt_tuple_invert(&reply, t);
	return uipt_ct_tuple_taken(ev->ct, &reply, self, ev->clock_ns);
}

static uint16_t *key_of(struct uipt_tuple *t, enum manip m)
{
	/* ICMP's id is the source "port" in either manipulation. */
	if (t->l4proto == IPPROTO_ICMP)
		return &t->sport;
	return m == MANIP_SRC ? &t->sport : &t->dport;
}

static bool has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_ICMP ||
	       p == IPPROTO_SCTP || p == IPPROTO_DCCP || p == IPPROTO_UDPLITE;
}

static bool in_range(struct uipt_tuple *t, const struct nf_nat_range2 *r, enum manip m)
{
	uint32_t a = ntohl(m == MANIP_SRC ? t->src.ip : t->dst.ip);

	if ((r->flags & NF_NAT_RANGE_MAP_IPS) &&
	    (a < ntohl(r->min_addr.ip) || a > ntohl(r->max_addr.ip)))
		return false;
	if ((r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) && has_ports(t->l4proto)) {
		uint16_t p = ntohs(*key_of(t, m));

		return p >= ntohs(r->min_proto.all) && p <= ntohs(r->max_proto.all);
	}
	return true;
}

/*
 * lookup3's hashword over the four words of an address union (an IPv4
 * address and three zero words), as find_best_ips_proto hashes the
 * source: the words are the address's bytes in memory, read as host-order
 * integers.
 */
static uint32_t addr_hash(uint32_t first_word, uint32_t seed)
{
	uint32_t a, b, c;

	a = b = c = UIPT_JHASH_INITVAL + (4u << 2) + seed;
	a += first_word;
	uipt_jhash_mix(&a, &b, &c);
	/* the fourth word is zero: straight to the final mix */
	uipt_jhash_final(&a, &b, &c);
	return c;
}

/* The address: the only one, NETMAP's offset, or a stable choice in the
 * range for this pair of hosts, as the kernel hashes them (the source,
 * seeded with the destination unless --persistent; zone 0), scaled to the
 * range by multiplication. */
static void best_ip(struct uipt_tuple *t, const struct nf_nat_range2 *r, enum manip m)
{
	uint32_t *var = m == MANIP_SRC ? &t->src.ip : &t->dst.ip;
	uint32_t min = ntohl(r->min_addr.ip), max = ntohl(r->max_addr.ip), h;

	if (!(r->flags & NF_NAT_RANGE_MAP_IPS))
		return;
	if (r->flags & NF_NAT_RANGE_NETMAP) {
		uint32_t mask = ~(min ^ max);

		*var = htonl(min | (ntohl(*var) & ~mask));
		return;
	}
	if (min >= max) {
		*var = htonl(min);
		return;
	}
	h = addr_hash(t->src.ip, r->flags & NF_NAT_RANGE_PERSISTENT ? 0 : t->dst.ip);
	*var = htonl(min + (uint32_t)(((uint64_t)h * (max - min + 1)) >> 32));
}

/* nf_nat_l4proto_unique_tuple: a free port in the range, or in the
 * kernel's default ranges for a source port; destination ports are left
 * alone unless a range was given. */
static void unique_port(struct uipt_eval *ev, struct uipt_tuple *t,
			const struct nf_nat_range2 *r, enum manip m,
			const struct uipt_ev_conn *self)
{
	uint16_t *key = key_of(t, m);
	uint32_t min, size, off = 0;

	if (!has_ports(t->l4proto))
		return;
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		uint32_t a = ntohs(r->min_proto.all), b = ntohs(r->max_proto.all);

		min = a < b ? a : b;
		size = (a < b ? b - a : a - b) + 1;
	} else if (t->l4proto == IPPROTO_ICMP) {
		min = 0;
		size = 65536;
	} else if (m == MANIP_DST) {
		return;
	} else if (ntohs(*key) < 1024) {
		min = ntohs(*key) < 512 ? 1 : 600;
		size = ntohs(*key) < 512 ? 511 : 424;
	} else {
		min = 1024;
		size = 65536 - 1024;
	}
	if (r->flags & NF_NAT_RANGE_PROTO_OFFSET)
		off = (uint32_t)(ntohs(*key) - ntohs(r->base_proto.all));
	else if (m == MANIP_SRC || (r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL))
		/* The kernel starts at a random offset.  A hash of the tuple is
		 * one of its choices, keeps traces reproducible, and spreads a
		 * crowd of clashing connections: from the first port, each
		 * would walk past every port taken before it. */
		off = addr_hash(t->src.ip ^ t->dst.ip, (uint32_t)t->sport << 16 | t->dport);
	for (uint32_t i = 0; i < size; i++, off++) {
		*key = htons((uint16_t)(min + off % size));
		if (!used(ev, t, self))
			return;
	}
}

/*
 * find_appropriate_src: the source mapping of a live connection from the
 * same source address and port (newest first, as the kernel's by-source
 * chain), if it lies in the range.  A linear walk of the table: the
 * kernel keeps a by-source hash for this.
 */
static bool same_source_map(struct uipt_eval *ev, const struct uipt_tuple *orig,
			    const struct nf_nat_range2 *r, const struct uipt_ev_conn *self,
			    struct uipt_tuple *out)
{
	for (const struct uipt_ev_conn *c = ev->ct->list; c; c = c->lnext) {
		const struct uipt_tuple *o = &c->c.tuple[UIPT_DIR_ORIGINAL];

		if (c == self || c->c.timeout_ns <= ev->clock_ns ||
		    !(c->c.status & IPS_SRC_NAT_DONE) || o->l4proto != orig->l4proto ||
		    o->src.ip != orig->src.ip || o->sport != orig->sport)
			continue;
		uipt_tuple_invert(out, &c->c.tuple[UIPT_DIR_REPLY]);
		out->dst = orig->dst;
		out->dport = orig->dport;
		if (in_range(out, r, MANIP_SRC))
			return true;
	}
	*out = *orig;
	return false;
}

/* Returns true when an earlier connection's source mapping was taken. */
static bool unique_tuple(struct uipt_eval *ev, struct uipt_tuple *out,
			 const struct uipt_tuple *orig, const struct nf_nat_range2 *r,
			 enum manip m, const struct uipt_ev_conn *self)
{
	bool random_all = r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL;

	*out = *orig;
	/* Keep the source as it is when it fits and is free; else the mapping
	 * an earlier connection from there got, when free. */
	if (m == MANIP_SRC && !random_all) {
		if (in_range(out, r, m)) {
			if (!used(ev, out, self))
				return false;
		} else if (same_source_map(ev, orig, r, self, out)) {
			if (!used(ev, out, self))
				return true;
			*out = *orig;
		}
	}
	best_ip(out, r, m);
	if (!random_all) {
		if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			if (!(r->flags & NF_NAT_RANGE_PROTO_OFFSET) && in_range(out, r, m) &&
			    (r->min_proto.all == r->max_proto.all || !used(ev, out, self)))
				return false;
		} else if (!used(ev, out, self)) {
			return false;
		}
	}
	unique_port(ev, out, r, m, self);
	return false;
}

/* Says where a moved port came from, and whether the kernel's choice
 * would have been random (the kernel comparison leaves such ports out). */
static void port_note(struct uipt_eval *ev, const struct nf_nat_range2 *r, enum manip m,
		      struct uipt_tuple *curr, struct uipt_tuple *fresh, bool reused)
{
	const char *why = in_range(curr, r, m) ? "taken" : "out of range";
	unsigned int from = ntohs(*key_of(curr, m)), to = ntohs(*key_of(fresh, m));

	if (reused)
		uipt_result_note(ev->res, -1, "nat",
				 "source port %u: mapped to %u as an earlier connection from the same "
				 "source was (whose port the kernel picked at random)", from, to);
	else if (m == MANIP_DST && !(r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL))
		uipt_result_note(ev->res, -1, "nat",
				 "destination port %u %s: moved to %u, the first free one in the range",
				 from, why, to);
	else
		uipt_result_note(ev->res, -1, "nat",
				 "%s port %u %s: moved to %u (the kernel picks one at random)",
				 m == MANIP_SRC ? "source" : "destination", from, why, to);
}

/* nf_nat_setup_info: the binding, stored as the reply tuple. */
static void setup(struct uipt_eval *ev, struct uipt_ev_conn *c,
		  const struct nf_nat_range2 *r, enum manip m)
{
	struct uipt_tuple curr, fresh;
	bool reused;

	uipt_tuple_invert(&curr, &c->c.tuple[UIPT_DIR_REPLY]);
	reused = unique_tuple(ev, &fresh, &curr, r, m, c);
	/* A destination port range is searched from its first port; sources
	 * and --random start at a random offset. */
	if (*key_of(&fresh, m) != *key_of(&curr, m) &&
	    !((r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) && r->min_proto.all == r->max_proto.all))
		port_note(ev, r, m, &curr, &fresh, reused);
	if (!uipt_tuple_equal(&fresh, &curr)) {
		uipt_tuple_invert(&c->c.tuple[UIPT_DIR_REPLY], &fresh);
		c->c.status |= m == MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
		if (c->confirmed)
			uipt_ct_rehash(ev->ct, c);
	}
	c->c.status |= m == MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
}

unsigned int uipt_nat_op(struct xt_pkt *pkt, const struct nf_nat_range2 *range,
			 bool snat)
{
	struct uipt_eval *ev = ev_of(pkt);
	enum manip m = snat ? MANIP_SRC : MANIP_DST;

	if (!pkt->ct || !ev->cur) {
		uipt_result_note(ev->res, (int)pkt->hook, "nat",
				 "no connection to bind NAT to: packet left as it is");
		return NF_ACCEPT;
	}
	if (m != hook_manip(pkt->hook)) {
		uipt_result_note(ev->res, (int)pkt->hook, "nat",
				 "%s in a %s hook: ignored", snat ? "SNAT" : "DNAT",
				 snat ? "destination NAT" : "source NAT");
		return NF_ACCEPT;
	}
	if (!initialized(pkt->ct, m))
		setup(ev, ev->cur, range, m);
	return NF_ACCEPT;
}

void uipt_nat_follow(struct uipt_eval *ev, struct uipt_ev_conn *c,
		     const struct uipt_ev_conn *master, const struct uipt_ct_expect *x)
{
	const struct uipt_tuple *m = &master->c.tuple[!x->dir];
	struct nf_nat_range2 r = { .flags = NF_NAT_RANGE_MAP_IPS };

	/* From where the master sends to; to where the payload said. */
	r.min_addr.ip = r.max_addr.ip = m->dst.ip;
	setup(ev, c, &r, MANIP_SRC);
	r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	r.min_addr.ip = r.max_addr.ip = m->src.ip;
	r.min_proto.all = r.max_proto.all = x->saved_port;
	setup(ev, c, &r, MANIP_DST);
}

static void null_binding(struct uipt_eval *ev, struct uipt_ev_conn *c, enum manip m)
{
	const struct uipt_tuple *rep = &c->c.tuple[UIPT_DIR_REPLY];
	struct nf_nat_range2 r = { .flags = NF_NAT_RANGE_MAP_IPS };

	r.min_addr.ip = r.max_addr.ip = m == MANIP_SRC ? rep->dst.ip : rep->src.ip;
	setup(ev, c, &r, m);
}

/* ---- rewriting packets ---- */

/* RFC 1624 incremental update of a checksum for one 16-bit word. */
static void csum_adjust(uint8_t *csum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~(csum[0] << 8 | csum[1]);

	s += (uint16_t)~old;
	s += new;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	csum[0] = (uint8_t)(s >> 8);
	csum[1] = (uint8_t)s;
}

static void set16(uint8_t *p, uint16_t v, uint8_t *c1, uint8_t *c2)
{
	uint16_t old = (uint16_t)(p[0] << 8 | p[1]);

	if (old == v)
		return;
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	if (c1)
		csum_adjust(c1, old, v);
	if (c2)
		csum_adjust(c2, old, v);
}

/* The transport checksum field, if this header has one that covers the
 * addresses (TCP, UDP unless zero) and it is there in full. */
static uint8_t *l4_csum(uint8_t *l4, unsigned int avail, uint8_t proto, bool pseudo)
{
	if (proto == IPPROTO_TCP && avail >= 18)
		return l4 + 16;
	if (proto == IPPROTO_UDP && avail >= 8)
		return (l4[6] | l4[7]) ? l4 + 6 : NULL;
	if (proto == IPPROTO_ICMP && avail >= 4 && !pseudo)
		return l4 + 2;
	return NULL;
}

/* Rewrites source or destination of one IP header (and its transport
 * ports) to the tuple's. */
static void manip_pkt(uint8_t *ip, unsigned int avail, const struct uipt_tuple *t,
		      enum manip m)
{
	unsigned int ihl = (ip[0] & 0xf) * 4u;
	bool first = !((ip[6] << 8 | ip[7]) & 0x1fff);
	uint8_t *l4 = ip + ihl;
	uint8_t *l4c = first ? l4_csum(l4, avail > ihl ? avail - ihl : 0, ip[9], true) : NULL;
	uint8_t *addr = ip + (m == MANIP_SRC ? 12 : 16);
	const uint8_t *na = (const uint8_t *)(m == MANIP_SRC ? &t->src.ip : &t->dst.ip);

	set16(addr, (uint16_t)(na[0] << 8 | na[1]), ip + 10, l4c);
	set16(addr + 2, (uint16_t)(na[2] << 8 | na[3]), ip + 10, l4c);
	if (!first || avail < ihl + 8)
		return;
	if (ip[9] == IPPROTO_ICMP) {
		/* The echo id lives in the header the ICMP checksum covers. */
		uint16_t id = ntohs(t->sport);

		if (l4[0] == 0 || l4[0] == 8 || (l4[0] >= 13 && l4[0] <= 18))
			set16(l4 + 4, id, l4 + 2, NULL);
		return;
	}
	if (has_ports(ip[9]))
		set16(l4 + (m == MANIP_SRC ? 0 : 2),
		      ntohs(m == MANIP_SRC ? t->sport : t->dport), l4c, NULL);
}

/* nf_nat_packet: rewrite if this direction has the manipulation. */
static void nat_packet(struct uipt_ev_conn *c, struct xt_pkt *pkt, enum manip m)
{
	int dir = pkt->ctinfo >= UIPT_CT_ESTABLISHED_REPLY ? UIPT_DIR_REPLY : UIPT_DIR_ORIGINAL;
	uint32_t bit = m == MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	struct uipt_tuple target;

	if (dir == UIPT_DIR_REPLY)
		bit ^= IPS_NAT_MASK;
	if (!(c->c.status & bit))
		return;
	uipt_tuple_invert(&target, &c->c.tuple[!dir]);
	manip_pkt(pkt->data, pkt->len, &target, m);
}

/* An ICMP error about a NATed connection: the quoted packet is put back
 * as this side saw it, then the error itself addressed as a reply. */
static void icmp_reply_translation(struct uipt_ev_conn *c, struct xt_pkt *pkt,
				   enum manip m)
{
	int dir = pkt->ctinfo == UIPT_CT_RELATED_REPLY ? UIPT_DIR_REPLY : UIPT_DIR_ORIGINAL;
	uint32_t bit = m == MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	uint8_t *icmp = pkt->data + pkt->thoff, *inner = icmp + 8;
	unsigned int avail = pkt->len - pkt->thoff - 8;
	struct uipt_tuple target;

	if (dir == UIPT_DIR_REPLY)
		bit ^= IPS_NAT_MASK;
	if (!(c->c.status & bit))
		return;
	manip_pkt(inner, avail, &c->c.tuple[!dir], m == MANIP_SRC ? MANIP_DST : MANIP_SRC);
	/* The quoted header changed under the ICMP checksum: recompute it. */
	icmp[2] = icmp[3] = 0;
	{
		uint32_t s = 0;
		unsigned int n = pkt->len - pkt->thoff;

		for (unsigned int i = 0; i + 1 < n; i += 2)
			s += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
		if (n & 1)
			s += (uint32_t)(icmp[n - 1] << 8);
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		icmp[2] = (uint8_t)(~s >> 8);
		icmp[3] = (uint8_t)~s;
	}
	uipt_tuple_invert(&target, &c->c.tuple[!dir]);
	target.l4proto = IPPROTO_ICMP;
	manip_pkt(pkt->data, pkt->thoff, &target, m);
}

unsigned int uipt_nat_hook(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	struct uipt_ev_table *nat = ev->tables[2];
	enum manip m = hook_manip(pkt->hook);
	struct uipt_ev_conn *c = ev->cur;
	unsigned int v;

	if (!pkt->ct || !c)
		return NF_ACCEPT;
	switch (pkt->ctinfo) {
	case UIPT_CT_RELATED:
	case UIPT_CT_RELATED_REPLY:
		if (pkt->l4proto == IPPROTO_ICMP) {
			icmp_reply_translation(c, pkt, m);
			return NF_ACCEPT;
		}
		/* fall through */
	case UIPT_CT_NEW:
		if (initialized(pkt->ct, m))
			break;
		v = nat ? uipt_do_table(nat, pkt, ev->res) : NF_ACCEPT;
		if (v != NF_ACCEPT)
			return v;
		if (!initialized(pkt->ct, m))
			null_binding(ev, c, m);
		break;
	default:
		break;
	}
	nat_packet(c, pkt, m);
	return NF_ACCEPT;
}
