/*
 * Packets the kernel makes while handling one: REJECT's ICMP error or TCP
 * reset, and the time-exceeded of ip_forward.  They are real packets: they
 * leave through OUTPUT and POSTROUTING and move those counters, so they
 * are traced too.  Both a reset and an ICMP error are attached to the
 * connection of the packet they answer, confirmed or not (nf_ct_attach:
 * RELATED, in the other direction), so conntrack passes them by.
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ct.h"

#define ICMP_QUOTE_MAX (576 - 20 - 8)	/* icmp_send keeps the error in 576 bytes */

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)(p[0] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* icmp_send's rules: no error about an ICMP error, a later fragment, or a
 * packet to a broadcast or multicast address. */
static bool may_send_icmp(const struct uipt_host *h, const struct xt_pkt *pkt)
{
	struct in_addr dst;
	unsigned int t;

	memcpy(&dst, pkt->data + 16, 4);
	t = uipt_host_addr_type(h, dst, NULL);
	if (pkt->fragoff || t == RTN_BROADCAST || t == RTN_MULTICAST)
		return false;
	if (pkt->l4proto == IPPROTO_ICMP && pkt->len >= pkt->thoff + 1) {
		uint8_t type = pkt->data[pkt->thoff];

		return !(type == 3 || type == 4 || type == 5 || type == 11 || type == 12);
	}
	return true;
}

void uipt_reply_record(struct uipt_eval *ev, struct xt_pkt *pkt, int type, int code)
{
	struct uipt_result *r = ev->res;
	struct uipt_reply *rep;
	char to[INET_ADDRSTRLEN];

	if (!r || r->nreplies >= sizeof(r->replies) / sizeof(r->replies[0]))
		return;
	if (type >= 0 && !may_send_icmp(ev->host, pkt)) {
		uipt_result_note(r, (int)pkt->hook, "reply", "no ICMP error for this packet");
		return;
	}
	if (type < 0 && (pkt->l4proto != IPPROTO_TCP || pkt->fragoff ||
			 pkt->len < pkt->thoff + 20 || (pkt->data[pkt->thoff + 13] & TH_RST)))
		return;
	/* nf_send_reset: the connection it answers is closing from now. */
	if (type < 0 && pkt->ct && ev->cur && pkt->ct == &ev->cur->c)
		uipt_ct_tcp_set_closing(ev->cur, pkt->now_ns);
	rep = &r->replies[r->nreplies++];
	memset(rep, 0, sizeof(*rep));
	rep->icmp_type = type;
	rep->icmp_code = code;
	rep->from_local = pkt->hook == NF_INET_LOCAL_IN;
	rep->quote_len = pkt->len < ICMP_QUOTE_MAX ? pkt->len : ICMP_QUOTE_MAX;
	memcpy(rep->quote, pkt->data, rep->quote_len);
	rep->tracked = pkt->ct != NULL;
	rep->ctinfo = pkt->ctinfo;
	if (type < 0 && pkt->has_bridge && pkt->physin[0])
		uipt_ifname_copy(rep->direct, pkt->physin);
	inet_ntop(AF_INET, pkt->data + 12, to, sizeof(to));
	if (type < 0)
		snprintf(rep->text, sizeof(rep->text), "TCP reset to %s", to);
	else
		snprintf(rep->text, sizeof(rep->text), "ICMP type %d code %d to %s", type, code, to);
	uipt_result_note(r, (int)pkt->hook, "reply", "will send %s", rep->text);
}

void uipt_reply_emit(struct uipt_eval *ev, struct xt_pkt *pkt, const uint8_t *bytes,
		     unsigned int len, const struct uipt_emit *how)
{
	struct uipt_result *r = ev->res;
	struct uipt_reply *rep;

	/* nf_dup_ipv4 does nothing for the copy it is sending. */
	if (!r || (how->copy && ev->copying))
		return;
	if (r->nreplies >= sizeof(r->replies) / sizeof(r->replies[0]) ||
	    len > sizeof(rep->bytes)) {
		uipt_result_note(r, (int)pkt->hook, "reply", "%s: not followed (%u bytes)",
				 how->what, len);
		return;
	}
	rep = &r->replies[r->nreplies++];
	memset(rep, 0, sizeof(*rep));
	rep->made = true;
	rep->how = *how;
	rep->how.what = NULL;
	snprintf(rep->text, sizeof(rep->text), "%s", how->what);
	memcpy(rep->bytes, bytes, len);
	rep->len = len;
	uipt_result_note(r, (int)pkt->hook, "reply", "will send %s", rep->text);
}

/* An ICMP error quoting the packet; its source as icmp_send picks it. */
static unsigned int build_icmp(struct uipt_eval *ev, const struct uipt_reply *rep,
			       uint8_t *b)
{
	const uint8_t *q = rep->quote;
	unsigned int len = 20 + 8 + rep->quote_len;
	struct uipt_route_result rt = { 0 };
	struct in_addr to;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[1] = (uint8_t)((q[1] & 0x1e) | 0xc0);	/* IPTOS_PREC_INTERNETCONTROL */
	uipt_put16(b + 2, (uint16_t)len);
	b[8] = 64;
	b[9] = IPPROTO_ICMP;
	memcpy(&to, q + 12, 4);
	if (rep->from_local) {
		memcpy(b + 12, q + 16, 4);
	} else {
		uipt_route_output(ev->host, to, &rt);
		memcpy(b + 12, &rt.prefsrc, 4);
	}
	memcpy(b + 16, q + 12, 4);
	uipt_put16(b + 10, csum(b, 20, 0));
	b[20] = (uint8_t)rep->icmp_type;
	b[21] = (uint8_t)rep->icmp_code;
	memcpy(b + 28, q, rep->quote_len);
	uipt_put16(b + 22, csum(b + 20, len - 20, 0));
	return len;
}

/* nf_send_reset: addresses and ports swapped; the reset acknowledges what
 * the segment carried, or takes its sequence from the segment's ACK. */
static unsigned int build_rst(const struct uipt_reply *rep, uint8_t *b)
{
	const uint8_t *q = rep->quote, *oth = q + (q[0] & 0xf) * 4;
	unsigned int ohl = (q[0] & 0xf) * 4u, olen = (unsigned int)(q[2] << 8 | q[3]);
	uint32_t s = 0;

	memset(b, 0, 40);
	b[0] = 0x45;
	uipt_put16(b + 2, 40);
	uipt_put16(b + 6, 0x4000);		/* DF */
	b[8] = 64;
	b[9] = IPPROTO_TCP;
	memcpy(b + 12, q + 16, 4);
	memcpy(b + 16, q + 12, 4);
	uipt_put16(b + 10, csum(b, 20, 0));
	memcpy(b + 20, oth + 2, 2);
	memcpy(b + 22, oth, 2);
	b[32] = 5 << 4;
	if (oth[13] & TH_ACK) {
		memcpy(b + 24, oth + 8, 4);
		b[33] = TH_RST;
	} else {
		uint32_t seq = (uint32_t)oth[4] << 24 | (uint32_t)oth[5] << 16 |
			       (uint32_t)oth[6] << 8 | oth[7];
		uint32_t data = olen - ohl - (oth[12] >> 4) * 4u;

		seq += data + !!(oth[13] & TH_SYN) + !!(oth[13] & TH_FIN);
		uipt_put16(b + 28, (uint16_t)(seq >> 16));
		uipt_put16(b + 30, (uint16_t)seq);
		b[33] = TH_RST | TH_ACK;
	}
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	s += IPPROTO_TCP + 20;
	uipt_put16(b + 36, csum(b + 20, 20, s));
	return 40;
}

/* The saved scalar outcome of the packet being answered. */
struct outcome {
	enum uipt_fate fate;
	const char *verdict, *where, *drop_table;
	int drop_hook;
	bool delivered_local, rejected;
	char out[IFNAMSIZ];
};

static void save_outcome(const struct uipt_result *r, struct outcome *o)
{
	*o = (struct outcome){ r->fate, r->verdict, r->where, r->drop_table, r->drop_hook,
			       r->delivered_local, r->rejected, "" };
	memcpy(o->out, r->out, sizeof(o->out));
}

static void restore_outcome(struct uipt_result *r, const struct outcome *o)
{
	r->fate = o->fate;
	r->verdict = o->verdict;
	r->where = o->where;
	r->drop_table = o->drop_table;
	r->drop_hook = o->drop_hook;
	r->delivered_local = o->delivered_local;
	r->rejected = o->rejected;
	memcpy(r->out, o->out, sizeof(r->out));
}

/* Out of a bridge port as it is, MAC addresses swapped from the frame it
 * answers: no hook, and so no conntrack, sees it. */
static void send_direct(struct uipt_eval *ev, struct uipt_reply *rep)
{
	uipt_result_note(ev->res, -1, "generated", "%s: sent straight out of bridge port %s "
			 "(not through OUTPUT and POSTROUTING)", rep->text, rep->direct);
	rep->verdict = "ACCEPT";
	uipt_ifname_copy(rep->out, rep->direct);
}

static void send_one(struct uipt_eval *ev, const struct xt_pkt *orig, struct uipt_reply *rep)
{
	struct uipt_result *r = ev->res;
	struct uipt_ev_conn *cur = ev->cur;
	bool cur_new = ev->cur_new;
	unsigned int nleaves = r->nleaves;	/* the packet's, not the reply's */
	struct xt_pkt p = { 0 };
	struct outcome o;

	if (!rep->made)
		rep->len = rep->icmp_type < 0 ? build_rst(rep, rep->bytes) :
			   build_icmp(ev, rep, rep->bytes);
	if (uipt_pkt_parse(&p, rep->bytes, rep->len) < 0)
		return;
	p.room = sizeof(rep->bytes);
	p.now_ns = orig->now_ns;
	p.host = orig->host;
	p.trace = orig->trace;
	p.ops = orig->ops;
	p.assume_unknown_match = orig->assume_unknown_match;
	if (rep->made && rep->how.untracked) {
		p.untracked = true;
		p.ctinfo = UIPT_CT_UNTRACKED;
		ev->cur = NULL;
		ev->cur_new = false;
	} else if (!rep->made && rep->tracked && cur) {
		/* nf_ct_attach: the answer belongs to the connection it answers,
		 * even one that dies unconfirmed with the rejected packet. */
		p.ct = &cur->c;
		p.ctinfo = rep->ctinfo >= UIPT_CT_ESTABLISHED_REPLY ? UIPT_CT_RELATED :
			   UIPT_CT_RELATED_REPLY;
	} else {
		ev->cur = NULL;
		ev->cur_new = false;
	}
	if (rep->direct[0])
		return send_direct(ev, rep);
	save_outcome(r, &o);
	r->verdict = NULL;
	r->rejected = false;
	r->fate = UIPT_FATE_ACCEPT;
	uipt_result_note(r, -1, "generated", "%s", rep->text);
	ev->copying = rep->made && rep->how.copy;
	uipt_hooks_output_via(ev, &p, rep->made && rep->how.has_via ? &rep->how.via : NULL,
			      rep->made ? rep->how.oif : NULL);
	ev->copying = false;
	rep->verdict = r->verdict ? r->verdict : "ACCEPT";
	rep->delivered_local = r->delivered_local;
	uipt_ifname_copy(rep->out, p.out);
	rep->len = p.len;
	if (ev->cur && ev->cur != cur && ev->cur_new && !ev->cur->confirmed)
		free(ev->cur);
	restore_outcome(r, &o);
	r->nleaves = nleaves;
	ev->cur = cur;
	ev->cur_new = cur_new;
}

void uipt_reply_send_all(struct uipt_eval *ev, const struct xt_pkt *orig)
{
	for (unsigned int i = 0; ev->res && i < ev->res->nreplies; i++)
		send_one(ev, orig, &ev->res->replies[i]);
}
