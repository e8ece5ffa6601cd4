/*
 * TCP connection tracking as the kernel does it (nf_conntrack_proto_tcp):
 * the state table indexed by direction, segment kind and old state; the
 * window checks of tcp_in_window (sequence above the receiver's window is
 * INVALID, already-acknowledged retransmissions are only ignored, as since
 * Linux 6.1); timeouts by state on the packet clock.
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include "ct.h"

enum { SYN_SET, SYNACK_SET, FIN_SET, ACK_SET, RST_SET, NONE_SET };

#define sNO TCP_CONNTRACK_NONE
#define sSS TCP_CONNTRACK_SYN_SENT
#define sSR TCP_CONNTRACK_SYN_RECV
#define sES TCP_CONNTRACK_ESTABLISHED
#define sFW TCP_CONNTRACK_FIN_WAIT
#define sCW TCP_CONNTRACK_CLOSE_WAIT
#define sLA TCP_CONNTRACK_LAST_ACK
#define sTW TCP_CONNTRACK_TIME_WAIT
#define sCL TCP_CONNTRACK_CLOSE
#define sS2 TCP_CONNTRACK_SYN_SENT2
#define sIV TCP_CONNTRACK_MAX
#define sIG TCP_CONNTRACK_IGNORE

/* [direction][segment kind][old state] -> new state. */
static const uint8_t next_state[2][6][TCP_CONNTRACK_MAX] = {
	{	/* original */
		/*	   sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn */ { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/* s/a */ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/* fin */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */ { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/* rst */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* non */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{	/* reply */
		/*	   sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn */ { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
		/* s/a */ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/* fin */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */ { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/* rst */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* non */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

/* The kernel's default timeouts, seconds, by state. */
static const uint32_t timeouts[TCP_CONNTRACK_TIMEOUT_MAX] = {
	[TCP_CONNTRACK_SYN_SENT] = 120, [TCP_CONNTRACK_SYN_RECV] = 60,
	[TCP_CONNTRACK_ESTABLISHED] = 432000, [TCP_CONNTRACK_FIN_WAIT] = 120,
	[TCP_CONNTRACK_CLOSE_WAIT] = 60, [TCP_CONNTRACK_LAST_ACK] = 30,
	[TCP_CONNTRACK_TIME_WAIT] = 120, [TCP_CONNTRACK_CLOSE] = 10,
	[TCP_CONNTRACK_SYN_SENT2] = 120, [TCP_CONNTRACK_RETRANS] = 300,
	[TCP_CONNTRACK_UNACK] = 300,
};

#define MAX_RETRANS 3
#define MAXACKWINCONST 66000
#define SIMULTANEOUS_OPEN 0x04

const char *uipt_ct_tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}

/* Sequence comparisons modulo 2^32. */
static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool after(uint32_t a, uint32_t b)
{
	return before(b, a);
}

struct seg {
	const uint8_t *th;
	uint32_t seq, ack, end;
	uint16_t win;
	uint8_t flags;
	unsigned int doff;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_seg(const struct xt_pkt *pkt, struct seg *s)
{
	unsigned int datalen;

	s->th = pkt->data + pkt->thoff;
	s->seq = get32(s->th + 4);
	s->ack = get32(s->th + 8);
	s->win = (uint16_t)(s->th[14] << 8 | s->th[15]);
	s->flags = s->th[13];
	s->doff = (s->th[12] >> 4) * 4u;
	datalen = pkt->len - pkt->thoff - s->doff;
	/* SYN and FIN each take a sequence number. */
	s->end = s->seq + datalen + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
}

static int seg_index(uint8_t f)
{
	if (f & TH_RST)
		return RST_SET;
	if (f & TH_SYN)
		return f & TH_ACK ? SYNACK_SET : SYN_SET;
	if (f & TH_FIN)
		return FIN_SET;
	if (f & TH_ACK)
		return ACK_SET;
	return NONE_SET;
}

/* Window scale and SACK permission from a SYN's options. */
static void read_options(const struct seg *s, uint8_t *scale, uint8_t *flags)
{
	for (unsigned int i = 20; i < s->doff;) {
		uint8_t kind = s->th[i], len;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= s->doff || (len = s->th[i + 1]) < 2 || i + len > s->doff)
			break;
		if (kind == 4 && len == 2)
			*flags |= IP_CT_TCP_FLAG_SACK_PERM;
		if (kind == 3 && len == 3) {
			*flags |= IP_CT_TCP_FLAG_WINDOW_SCALE;
			*scale = s->th[i + 2] > 14 ? 14 : s->th[i + 2];
		}
		i += len;
	}
}

/* The flag combinations a TCP may send, PSH/ECE/CWR aside. */
static bool valid_flags(uint8_t f)
{
	switch (f & ~(TH_PUSH | 0x40 | 0x80)) {
	case TH_SYN: case TH_SYN | TH_URG: case TH_SYN | TH_ACK:
	case TH_RST: case TH_RST | TH_ACK:
	case TH_FIN | TH_ACK: case TH_FIN | TH_ACK | TH_URG:
	case TH_ACK: case TH_ACK | TH_URG:
		return true;
	}
	return false;
}

bool uipt_ct_tcp_error(struct uipt_ct_pkt *cp, bool check_csum)
{
	const struct xt_pkt *pkt = cp->pkt;
	unsigned int len = pkt->len - pkt->thoff, doff;

	if (len < 20) {
		snprintf(cp->why, sizeof(cp->why), "truncated header");
		return true;
	}
	doff = (pkt->data[pkt->thoff + 12] >> 4) * 4u;
	if (doff < 20 || doff > len) {
		snprintf(cp->why, sizeof(cp->why), "truncated header");
		return true;
	}
	if (check_csum && !uipt_pkt_l4_csum_ok(pkt)) {
		snprintf(cp->why, sizeof(cp->why), "bad checksum");
		return true;
	}
	if (!valid_flags(pkt->data[pkt->thoff + 13])) {
		snprintf(cp->why, sizeof(cp->why), "invalid tcp flag combination");
		return true;
	}
	return false;
}

bool uipt_ct_tcp_new(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	struct uipt_tcp_state *st = &c->c.proto.tcp;
	struct seg s;
	uint8_t ns;

	read_seg(cp->pkt, &s);
	ns = next_state[0][seg_index(s.flags)][sNO];
	if (ns >= TCP_CONNTRACK_MAX) {
		snprintf(cp->why, sizeof(cp->why), "invalid new (no connection for this segment)");
		return false;
	}
	memset(st, 0, sizeof(*st));
	st->seen[0].td_end = s.end;
	st->seen[0].td_maxwin = s.win ? s.win : 1;
	if (ns == sSS) {
		st->seen[0].td_maxend = st->seen[0].td_end;
		read_options(&s, &st->seen[0].td_scale, &st->seen[0].flags);
	} else {
		/* Picked up mid-stream (nf_conntrack_tcp_loose): liberal. */
		st->seen[0].td_maxend = st->seen[0].td_end + st->seen[0].td_maxwin;
		st->seen[0].flags = st->seen[1].flags =
			IP_CT_TCP_FLAG_SACK_PERM | IP_CT_TCP_FLAG_BE_LIBERAL;
	}
	st->last_index = NONE_SET;
	return true;
}

static uint32_t maxackwin(const struct uipt_tcp_state *st, int dir)
{
	uint32_t w = st->seen[dir].td_maxwin;

	return w > MAXACKWINCONST ? w : MAXACKWINCONST;
}

/* The sender seen for the first time (SYN-ACK, or a mid-stream pickup). */
static bool init_sender(struct uipt_tcp_state *st, int dir, struct seg *s, uint32_t sack)
{
	typeof(st->seen[0]) *snd = &st->seen[dir], *rcv = &st->seen[!dir];

	if (s->flags & TH_SYN) {
		snd->td_end = snd->td_maxend = s->end;
		snd->td_maxwin = s->win ? s->win : 1;
		read_options(s, &snd->td_scale, &snd->flags);
		if (!((snd->flags & IP_CT_TCP_FLAG_WINDOW_SCALE) &&
		      (rcv->flags & IP_CT_TCP_FLAG_WINDOW_SCALE)))
			snd->td_scale = rcv->td_scale = 0;
		return !(s->flags & TH_ACK);	/* simultaneous open: accept */
	}
	snd->td_end = s->end;
	snd->td_maxwin = ((uint32_t)s->win << snd->td_scale) ?
			 (uint32_t)s->win << snd->td_scale : 1;
	snd->td_maxend = s->end + snd->td_maxwin;
	if (!rcv->td_maxwin)
		rcv->td_end = rcv->td_maxend = sack;
	else if (sack == rcv->td_end + 1)
		rcv->td_end++;
	return false;
}

enum win_ret { WIN_ACCEPT, WIN_IGNORE, WIN_INVALID };

static enum win_ret window_bounds(struct uipt_tcp_state *st, int dir,
				  uint32_t *seq, uint32_t *end, uint32_t sack,
				  struct uipt_ct_pkt *cp)
{
	typeof(st->seen[0]) *snd = &st->seen[dir], *rcv = &st->seen[!dir];
	bool seq_ok = before(*seq, snd->td_maxend + 1);

	if (!seq_ok) {
		uint32_t overshot = *end - snd->td_maxend + 1;
		bool ack_ok = after(sack, rcv->td_end - maxackwin(st, dir) - 1);
		bool in_recv = rcv->td_maxwin &&
			       after(*end, snd->td_end - rcv->td_maxwin - 1);

		if (in_recv && ack_ok && overshot <= rcv->td_maxwin &&
		    before(sack, rcv->td_end + 1)) {
			snd->td_maxend += overshot;
			seq_ok = true;
		}
	}
	if (!seq_ok) {
		snprintf(cp->why, sizeof(cp->why),
			 "SEQ is over upper bound %u (over the window of the receiver)",
			 snd->td_maxend + 1);
		return WIN_INVALID;
	}
	if (!before(sack, rcv->td_end + 1)) {
		snprintf(cp->why, sizeof(cp->why),
			 "ACK is over upper bound %u (ACKed data not seen yet)",
			 rcv->td_end + 1);
		return WIN_INVALID;
	}
	if (rcv->td_maxwin && !after(*end, snd->td_end - rcv->td_maxwin - 1)) {
		snprintf(cp->why, sizeof(cp->why),
			 "SEQ is under lower bound %u (already ACKed data retransmitted)",
			 snd->td_end - rcv->td_maxwin - 1);
		return WIN_IGNORE;
	}
	if (!after(sack, rcv->td_end - maxackwin(st, dir) - 1)) {
		snprintf(cp->why, sizeof(cp->why),
			 "ignored ACK under lower bound %u (possible overly delayed)",
			 rcv->td_end - maxackwin(st, dir) - 1);
		return WIN_IGNORE;
	}
	return WIN_ACCEPT;
}

static void window_update(struct uipt_tcp_state *st, int dir, int index,
			  struct seg *s, uint32_t seq, uint32_t end, uint32_t ack,
			  uint32_t sack)
{
	typeof(st->seen[0]) *snd = &st->seen[dir], *rcv = &st->seen[!dir];
	uint32_t win = s->win, swin;

	if (!(s->flags & TH_SYN))
		win <<= snd->td_scale;
	swin = win + (sack - ack);
	if (snd->td_maxwin < swin)
		snd->td_maxwin = swin;
	if (after(end, snd->td_end)) {
		snd->td_end = end;
		snd->flags |= IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	}
	if (s->flags & TH_ACK) {
		if (!(snd->flags & IP_CT_TCP_FLAG_MAXACK_SET)) {
			snd->td_maxack = ack;
			snd->flags |= IP_CT_TCP_FLAG_MAXACK_SET;
		} else if (after(ack, snd->td_maxack)) {
			snd->td_maxack = ack;
		}
	}
	if (rcv->td_maxwin && after(end, snd->td_maxend))
		rcv->td_maxwin += end - snd->td_maxend;
	if (after(sack + win, rcv->td_maxend - 1)) {
		rcv->td_maxend = sack + win;
		if (!win)
			rcv->td_maxend++;
	}
	if (ack == rcv->td_end)
		rcv->flags &= ~IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	if (index == ACK_SET) {
		if (st->last_dir == dir && st->last_seq == seq && st->last_ack == ack &&
		    st->last_end == end && st->last_win == s->win) {
			st->retrans++;
		} else {
			st->last_dir = (uint8_t)dir;
			st->last_seq = seq;
			st->last_ack = ack;
			st->last_end = end;
			st->last_win = s->win;
			st->retrans = 0;
		}
	}
}

/* tcp_in_window: is the segment inside what both ends allow? */
static enum win_ret in_window(struct uipt_ev_conn *c, int dir, int index,
			      struct seg *s, struct uipt_ct_pkt *cp)
{
	struct uipt_tcp_state *st = &c->c.proto.tcp;
	typeof(st->seen[0]) *snd = &st->seen[dir], *rcv = &st->seen[!dir];
	uint32_t seq = s->seq, ack = s->ack, sack = s->ack, end = s->end;
	enum win_ret r;

	/* The receiver acknowledges what NAT made of the stream: back into
	 * the sender's own numbers. */
	ack -= (uint32_t)uipt_ct_seq_offset(c, !dir, ack - 1);
	sack = ack;

	if (snd->flags & IP_CT_TCP_FLAG_BE_LIBERAL)
		return WIN_ACCEPT;
	if (!snd->td_maxwin) {
		if (init_sender(st, dir, s, sack))
			return WIN_ACCEPT;
	} else if ((s->flags & TH_SYN) && after(end, snd->td_end) &&
		   (st->state == sSS || st->state == sSR)) {
		snd->td_end = snd->td_maxend = end;
		snd->td_maxwin = s->win ? s->win : 1;
		read_options(s, &snd->td_scale, &snd->flags);
	}
	if (!(s->flags & TH_ACK) ||
	    ((s->flags & (TH_ACK | TH_RST)) == (TH_ACK | TH_RST) && !ack))
		ack = sack = rcv->td_end;
	if ((s->flags & TH_RST) && !seq && st->state == sSS)
		seq = end = snd->td_end;
	r = window_bounds(st, dir, &seq, &end, sack, cp);
	if (r != WIN_ACCEPT)
		return r;
	window_update(st, dir, index, s, seq, end, ack, sack);
	return WIN_ACCEPT;
}

static uint64_t pick_timeout(const struct uipt_tcp_state *st, int index, uint8_t ns)
{
	uint32_t t = timeouts[ns];

	if (st->retrans >= MAX_RETRANS && t > timeouts[TCP_CONNTRACK_RETRANS])
		t = timeouts[TCP_CONNTRACK_RETRANS];
	else if (index == RST_SET)
		t = timeouts[TCP_CONNTRACK_CLOSE];
	else if (((st->seen[0].flags | st->seen[1].flags) &
		  IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED) && t > timeouts[TCP_CONNTRACK_UNACK])
		t = timeouts[TCP_CONNTRACK_UNACK];
	else if (st->last_win == 0 && t > timeouts[TCP_CONNTRACK_RETRANS])
		t = timeouts[TCP_CONNTRACK_RETRANS];
	return t * NS_PER_S;
}

/* Segments the table ignores leave the state alone but are remembered,
 * so a later SYN-ACK can prove an ignored SYN right. */
static void remember_ignored(struct uipt_tcp_state *st, int dir, int index,
			     const struct seg *s, struct uipt_ct_pkt *cp)
{
	st->last_index = (uint8_t)index;
	st->last_dir = (uint8_t)dir;
	st->last_seq = s->seq;
	st->last_end = s->end;
	st->last_win = s->win;
	snprintf(cp->why, sizeof(cp->why), "packet (index %d) in dir %d ignored, state %s",
		 index, dir, uipt_ct_tcp_state_name(st->state));
}

/* A SYN-ACK acknowledging a SYN we ignored: the connection restarts from it. */
static bool resync(struct uipt_tcp_state *st, int dir, int index, const struct seg *s)
{
	if (index != SYNACK_SET || st->last_index != SYN_SET || st->last_dir == dir ||
	    s->ack != st->last_end)
		return false;
	st->seen[!dir].td_end = st->last_end;
	st->seen[!dir].td_maxend = st->last_end;
	st->seen[!dir].td_maxwin = st->last_win ? st->last_win : 1;
	st->seen[!dir].td_scale = 0;
	st->seen[!dir].flags = 0;
	st->seen[dir].td_maxwin = 0;	/* the SYN-ACK initialises its side */
	st->state = sSS;
	return true;
}

/* The switch of tcp_packet before the window check.  Returns -1 to go on
 * to the window check, else the result. */
static int special_states(struct uipt_ev_conn *c, int dir, int index, uint8_t old,
			  uint8_t *ns, const struct seg *s, struct uipt_ct_pkt *cp)
{
	struct uipt_tcp_state *st = &c->c.proto.tcp;

	switch (*ns) {
	case sSS:
		if (old < sTW)
			return -1;
		if (((st->seen[0].flags | st->seen[1].flags) & IP_CT_TCP_FLAG_CLOSE_INIT) ||
		    (st->last_dir == dir && st->last_index == RST_SET))
			return CT_REOPEN;
		/* fall through */
	case sIG:
		if (resync(st, dir, index, s)) {
			*ns = sSR;
			return -1;
		}
		remember_ignored(st, dir, index, s, cp);
		return CT_OK;
	case sIV:
		snprintf(cp->why, sizeof(cp->why), "invalid state (%s segment in %s)",
			 index == SYN_SET ? "SYN" : index == SYNACK_SET ? "SYN-ACK" :
			 index == FIN_SET ? "FIN" : index == ACK_SET ? "ACK" :
			 index == RST_SET ? "RST" : "flagless", uipt_ct_tcp_state_name(old));
		return CT_INVALID;
	case sS2:
		c->tcp_last_flags |= SIMULTANEOUS_OPEN;
		return -1;
	case sSR:
		if (dir == UIPT_DIR_REPLY && index == ACK_SET &&
		    (c->tcp_last_flags & SIMULTANEOUS_OPEN))
			*ns = sES;
		return -1;
	case sCL:
		if (index == RST_SET && (st->seen[!dir].flags & IP_CT_TCP_FLAG_MAXACK_SET) &&
		    before(s->seq, st->seen[!dir].td_maxack)) {
			snprintf(cp->why, sizeof(cp->why), "invalid rst");
			return CT_INVALID;
		}
		return -1;
	}
	return -1;
}

enum uipt_ct_ret uipt_ct_tcp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	struct uipt_tcp_state *st = &c->c.proto.tcp;
	int dir = cp->dir, index, r;
	uint8_t old = st->state, ns;
	uint64_t timeout;
	struct seg s;

	read_seg(cp->pkt, &s);
	index = seg_index(s.flags);
	ns = next_state[dir][index][old];
	if ((r = special_states(c, dir, index, old, &ns, &s, cp)) >= 0)
		return (enum uipt_ct_ret)r;
	switch (in_window(c, dir, index, &s, cp)) {
	case WIN_IGNORE:
		return CT_OK;	/* logged by the kernel, passed untouched */
	case WIN_INVALID:
		return CT_INVALID;
	case WIN_ACCEPT:
		break;
	}
	st->last_index = (uint8_t)index;
	st->last_dir = (uint8_t)dir;
	st->state = ns;
	if (old != ns && ns == sFW)
		st->seen[dir].flags |= IP_CT_TCP_FLAG_CLOSE_INIT;
	timeout = pick_timeout(st, index, ns);
	if (!(c->c.status & IPS_SEEN_REPLY)) {
		/* Answered only by a reset: the entry goes at once. */
		if (s.flags & TH_RST) {
			c->c.timeout_ns = cp->now;
			return CT_OK;
		}
		/* A retransmitted SYN does not renew the timeout. */
		if (index == SYN_SET && old == sSS)
			return CT_OK;
		if (ns == sES && timeout > timeouts[TCP_CONNTRACK_UNACK] * NS_PER_S)
			timeout = timeouts[TCP_CONNTRACK_UNACK] * NS_PER_S;
	} else if (!(c->c.status & IPS_ASSURED) && (old == sSR || old == sES) &&
		   ns == sES) {
		c->c.status |= IPS_ASSURED;
	}
	c->c.timeout_ns = cp->now + timeout;
	return CT_OK;
}

/* nf_conntrack_tcp_set_closing: what a reset sent by REJECT does to the
 * confirmed connection it answers. */
void uipt_ct_tcp_set_closing(struct uipt_ev_conn *c, uint64_t now)
{
	uint8_t old = c->c.proto.tcp.state;

	if (!c->confirmed || c->c.tuple[UIPT_DIR_ORIGINAL].l4proto != IPPROTO_TCP)
		return;
	c->c.proto.tcp.state = TCP_CONNTRACK_CLOSE;
	if (old == TCP_CONNTRACK_CLOSE || (c->c.status & IPS_FIXED_TIMEOUT))
		return;
	c->c.timeout_ns = now + timeouts[TCP_CONNTRACK_CLOSE] * NS_PER_S;
}
