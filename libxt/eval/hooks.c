/*
 * A packet's way through the netfilter hooks, as the kernel takes it:
 *
 *   arriving:  PREROUTING -> routing -> INPUT (local)
 *                                    -> FORWARD -> POSTROUTING
 *   sent here: routing -> OUTPUT -> POSTROUTING [-> lo: PREROUTING -> INPUT]
 *
 * and at each hook the tables by priority: raw -300, conntrack -200,
 * mangle -150, nat (destination) -100, filter 0, security 50,
 * nat (source) 100, conntrack confirm last.  Tables that are not in use
 * are not registered, as in a kernel that never loaded them; conntrack
 * runs only when some rule (or the nat table) needs it.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "../error.h"
#include "../nfacct.h"
#include "ct.h"
#include "evstate.h"

enum { T_RAW, T_MANGLE, T_NAT, T_FILTER, T_SECURITY };
static const char *const table_names[] = { "raw", "mangle", "nat", "filter", "security" };

/* ---- results ---- */

void uipt_result_init(struct uipt_result *r)
{
	memset(r, 0, sizeof(*r));
}

void uipt_result_free(struct uipt_result *r)
{
	free(r->steps);
	r->steps = NULL;
}

static void result_reset(struct uipt_result *r)
{
	struct uipt_step *steps = r->steps;
	unsigned int cap = r->cap;
	bool quiet = r->quiet;

	/* Only what a packet sets: the replies are counted by nreplies. */
	memset(r, 0, offsetof(struct uipt_result, replies));
	r->nreplies = 0;
	r->rejected = false;
	r->steps = steps;
	r->cap = cap;
	r->quiet = quiet;
	r->drop_hook = -2;
}

struct uipt_step *uipt_result_step(struct uipt_result *r, enum uipt_step_kind k)
{
	struct uipt_step *s;

	if (r->nsteps == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->steps = realloc(r->steps, r->cap * sizeof(*r->steps));
		if (!r->steps)
			abort();
	}
	s = &r->steps[r->nsteps++];
	memset(s, 0, offsetof(struct uipt_step, what) + 1);
	s->kind = k;
	return s;
}

void uipt_result_note(struct uipt_result *r, int hook, const char *topic,
		      const char *fmt, ...)
{
	struct uipt_step *s;
	va_list ap;

	if (!r || r->quiet)
		return;
	s = uipt_result_step(r, UIPT_STEP_NOTE);
	s->hook = hook;
	s->topic = topic;
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof(s->what), fmt, ap);
	va_end(ap);
}

/* ---- what targets ask of the core ---- */

static struct uipt_eval *ev_of(const struct xt_pkt *pkt)
{
	return pkt->trace->ev;
}

static void op_reject(struct xt_pkt *pkt, int type, int code)
{
	struct uipt_eval *ev = ev_of(pkt);

	if (ev->res)
		ev->res->rejected = true;
	uipt_reply_record(ev, pkt, type, code);
}

static void op_log(struct xt_pkt *pkt, const char *line)
{
	uipt_result_note(ev_of(pkt)->res, (int)pkt->hook, "log", "%s", line);
}

static void op_untrack(struct xt_pkt *pkt)
{
	struct uipt_eval *ev = ev_of(pkt);

	pkt->untracked = true;
	pkt->ct = NULL;
	pkt->ctinfo = UIPT_CT_UNTRACKED;
	ev->cur = NULL;
}

static void op_assume(struct xt_pkt *pkt, const char *what)
{
	uipt_result_note(ev_of(pkt)->res, (int)pkt->hook, "assume", "%s", what);
}

static void *op_shared(struct xt_pkt *pkt, const char *key, size_t size, size_t *len)
{
	return uipt_evstate_shared(ev_of(pkt), key, size, len);
}

/* nf_conncount's view of the table: confirmed entries only. */
static enum uipt_conn_found op_conn_find(struct xt_pkt *pkt, const struct uipt_tuple *t)
{
	struct uipt_eval *ev = ev_of(pkt);
	enum uipt_dir dir;
	struct uipt_ev_conn *c = uipt_ct_find(ev->ct, t, pkt->now_ns, &dir);

	if (!c)
		return UIPT_CONN_NONE;
	if (c->c.tuple[0].l4proto == IPPROTO_TCP &&
	    (c->c.proto.tcp.state == TCP_CONNTRACK_TIME_WAIT ||
	     c->c.proto.tcp.state == TCP_CONNTRACK_CLOSE))
		return UIPT_CONN_CLOSED;
	return UIPT_CONN_LIVE;
}

static const char *op_master_helper(const struct xt_pkt *pkt)
{
	const struct uipt_ev_conn *c = (const struct uipt_ev_conn *)pkt->ct;

	return c && c->master_id && c->master_helper[0] ? c->master_helper : NULL;
}

static void op_emit(struct xt_pkt *pkt, const uint8_t *bytes, unsigned int len,
		    const struct uipt_emit *how)
{
	uipt_reply_emit(ev_of(pkt), pkt, bytes, len, how);
}

/* ---- opening and saving ---- */

static bool any_ct_user(const struct uipt_eval *ev)
{
	if (ev->tables[T_NAT])
		return true;
	for (int i = 0; i < 5; i++)
		if (ev->tables[i] && ev->tables[i]->uses_ct)
			return true;
	return false;
}

int uipt_eval_open(struct uipt_eval **out, bool dry_run)
{
	struct uipt_eval *ev = calloc(1, sizeof(*ev));

	if (!ev)
		abort();
	ev->dry_run = dry_run;
	ev->trace.ev = ev;
	ev->ops = (struct uipt_eval_ops){
		.nat = uipt_nat_op, .reject = op_reject, .log = op_log,
		.untrack = op_untrack, .assume = op_assume, .shared = op_shared,
		.conn_find = op_conn_find, .emit = op_emit,
		.master_helper = op_master_helper,
	};
	ev->ct = uipt_ct_new();
	*out = ev;
	for (int i = 0; i < 5; i++)
		if (uipt_ev_table_load(table_names[i], &ev->tables[i]) < 0)
			return -1;
	/* Accounting objects are read now so a damaged file stops the run
	 * before any packet, not in the middle of a rule. */
	if (uipt_host_load(&ev->host) < 0 || uipt_evstate_load(ev) < 0 ||
	    !uipt_nfacct_objects())
		return -1;
	ev->ct_enabled = any_ct_user(ev);
	/* connbytes' checkentry turns accounting on for good, as the kernel's
	 * does for the namespace; connections begun before stay without. */
	ev->acct = uipt_evstate_shared(ev, UIPT_ACCT_KEY, sizeof(bool), NULL);
	for (int i = 0; i < 5; i++)
		if (ev->tables[i] && ev->tables[i]->uses_acct)
			*ev->acct = true;
	return 0;
}

int uipt_eval_save(struct uipt_eval *ev)
{
	if (ev->dry_run)
		return 0;
	for (int i = 0; i < 5; i++)
		if (ev->tables[i] && uipt_ev_table_store(ev->tables[i]) < 0)
			return -1;
	if (uipt_nfacct_save() < 0)
		return -1;
	return uipt_evstate_save(ev);
}

void uipt_eval_close(struct uipt_eval *ev)
{
	if (!ev)
		return;
	for (int i = 0; i < 5; i++)
		uipt_ev_table_free(ev->tables[i]);
	uipt_host_free(ev->host);
	uipt_ct_free(ev->ct);
	uipt_evstate_shared_free(ev);
	free(ev);
}

/* ---- the hooks ---- */

enum stage { S_END, S_TABLE, S_CT, S_NAT, S_CONFIRM };

struct slot {
	enum stage stage;
	int table;
};

/* Each hook's stations in priority order. */
static const struct slot hook_slots[NF_INET_NUMHOOKS][6] = {
	[NF_INET_PRE_ROUTING] = { { S_TABLE, T_RAW }, { S_CT, 0 },
				  { S_TABLE, T_MANGLE }, { S_NAT, T_NAT } },
	[NF_INET_LOCAL_IN] = { { S_TABLE, T_MANGLE }, { S_TABLE, T_FILTER },
			       { S_TABLE, T_SECURITY }, { S_NAT, T_NAT },
			       { S_CONFIRM, 0 } },
	[NF_INET_FORWARD] = { { S_TABLE, T_MANGLE }, { S_TABLE, T_FILTER },
			      { S_TABLE, T_SECURITY } },
	[NF_INET_LOCAL_OUT] = { { S_TABLE, T_RAW }, { S_CT, 0 }, { S_TABLE, T_MANGLE },
				{ S_NAT, T_NAT }, { S_TABLE, T_FILTER },
				{ S_TABLE, T_SECURITY } },
	[NF_INET_POST_ROUTING] = { { S_TABLE, T_MANGLE }, { S_NAT, T_NAT },
				   { S_CONFIRM, 0 } },
};

static void note_ct(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	char line[512];

	if (!ev->res)
		return;
	ev->res->ctstate = uipt_ctinfo_name(pkt);
	if (ev->res->quiet)
		return;
	if (pkt->ct && ev->cur) {
		uipt_ct_format(&ev->cur->c, pkt->now_ns, line, sizeof(line));
		uipt_result_note(ev->res, (int)pkt->hook, "conntrack", "%s: %s",
				 uipt_ctinfo_name(pkt), line);
	} else if (pkt->untracked) {
		uipt_result_note(ev->res, (int)pkt->hook, "conntrack", "UNTRACKED");
	}
	ev->res->ctstate = uipt_ctinfo_name(pkt);
}

static unsigned int station(struct uipt_eval *ev, struct xt_pkt *pkt,
			    const struct slot *s)
{
	struct uipt_ev_table *t = ev->tables[s->table];

	switch (s->stage) {
	case S_TABLE:
		if (!t || !(t->blob.repl->valid_hooks & (1u << pkt->hook)))
			return NF_ACCEPT;
		return uipt_do_table(t, pkt, ev->res);
	case S_CT:
		if (!ev->ct_enabled)
			return NF_ACCEPT;
		if (pkt->ct || pkt->untracked) {
			if (!pkt->untracked)
				return NF_ACCEPT;
			note_ct(ev, pkt);
			return NF_ACCEPT;
		}
		if (!uipt_ct_in(ev, pkt))
			return NF_STOLEN;
		note_ct(ev, pkt);
		return NF_ACCEPT;
	case S_NAT:
		return t ? uipt_nat_hook(ev, pkt) : NF_ACCEPT;
	case S_CONFIRM:
		if (!ev->ct_enabled)
			return NF_ACCEPT;
		if (uipt_ct_help(ev, pkt) != NF_ACCEPT)
			return NF_DROP;
		uipt_ct_seq_adjust(pkt);
		uipt_ct_confirm(ev, pkt);
		return NF_ACCEPT;
	case S_END:
		break;
	}
	return NF_ACCEPT;
}

static const char *slot_table(const struct slot *s)
{
	if (s->stage == S_CONFIRM)
		return "helper";
	return s->stage == S_CT ? "conntrack" : table_names[s->table];
}

/* Runs one hook; a verdict other than ACCEPT ends the packet's way. */
static bool run_hook(struct uipt_eval *ev, struct xt_pkt *pkt, unsigned int hook)
{
	struct uipt_result *r = ev->res;

	pkt->hook = hook;
	for (int i = 0; i < 6; i++) {
		const struct slot *s = &hook_slots[hook][i];
		unsigned int v;

		if (s->stage == S_END)
			break;
		v = station(ev, pkt, s);
		if ((v & NF_VERDICT_MASK) == NF_ACCEPT)
			continue;
		r->drop_hook = (int)hook;
		r->drop_table = slot_table(s);
		switch (v & NF_VERDICT_MASK) {
		case NF_QUEUE:
			r->fate = UIPT_FATE_QUEUE;
			r->queue_num = v >> NF_VERDICT_QBITS;
			r->verdict = "QUEUE";
			break;
		case NF_STOLEN:
			r->fate = UIPT_FATE_STOLEN;
			r->verdict = "STOLEN";
			break;
		default:
			r->fate = UIPT_FATE_DROP;
			r->verdict = r->rejected ? "REJECT" : "DROP";
		}
		return false;
	}
	return true;
}

static void route_note(struct uipt_eval *ev, const struct uipt_route_result *rt)
{
	static const char *const kinds[] = { "local delivery", "forward", "unreachable" };

	uipt_result_note(ev->res, -1, "route", "%s: %s", kinds[rt->kind], rt->why);
}

/* A drop by routing or the bridge: no hook or table had the packet. */
static void drop_outside_hooks(struct uipt_eval *ev, const char *by, const char *why)
{
	struct uipt_result *r = ev->res;

	r->fate = UIPT_FATE_DROP;
	r->verdict = "DROP";
	r->drop_hook = -1;
	r->drop_table = by;
	uipt_result_note(r, -1, strcmp(by, "routing") ? by : "route", "dropped: %s", why);
}

static void routing_drop(struct uipt_eval *ev, const char *why)
{
	drop_outside_hooks(ev, "routing", why);
}

static struct in_addr dst_of(const struct xt_pkt *pkt)
{
	struct in_addr a;

	memcpy(&a, pkt->data + 16, 4);
	return a;
}

static bool deliver_local(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	pkt->out[0] = '\0';
	if (!run_hook(ev, pkt, NF_INET_LOCAL_IN))
		return false;
	ev->res->delivered_local = true;
	ev->res->where = "local";
	return true;
}

static void add_leave(struct uipt_result *r, const char *port, const char *verdict,
		      bool bridged)
{
	struct uipt_bridge_leave *l;

	if (r->nleaves == UIPT_BRIDGE_LEAVES)
		return;
	l = &r->leaves[r->nleaves++];
	uipt_ifname_copy(l->port, port);
	l->verdict = verdict;
	l->bridged = bridged;
}

/* Up ports of a bridge other than `except`, in the model's order. */
static unsigned int bridge_ports(const struct uipt_host *h, const char *br,
				 const char *except, const char *ports[UIPT_BRIDGE_LEAVES])
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->nifaces && n < UIPT_BRIDGE_LEAVES; i++) {
		const struct uipt_host_iface *p = &h->ifaces[i];

		if (!strcmp(p->master, br) && p->up && (!except || strcmp(p->name, except)))
			ports[n++] = p->name;
	}
	return n;
}

/* The next hop's MAC: the host's neighbour entry, else the one the bridge
 * last saw with that address. */
static bool next_hop_mac(struct uipt_eval *ev, const char *br, struct in_addr hop,
			 uint64_t now, uint8_t mac[6])
{
	const struct uipt_host_neigh *n = uipt_host_neigh(ev->host, hop, br);

	if (n) {
		memcpy(mac, n->mac, 6);
		return true;
	}
	return uipt_fdb_neigh(ev, br, hop, now, mac);
}

/*
 * A packet routed out through a bridge (br_dev_xmit): iptables saw it
 * with out=BRIDGE and no output port (the bridge's own POSTROUTING does
 * not call iptables for it again); the port is the database's for the
 * next hop's MAC, or every port when unknown.
 */
static void bridge_out(struct uipt_eval *ev, const struct xt_pkt *pkt,
		       const struct uipt_route_result *rt)
{
	const struct uipt_host_iface *br;
	struct in_addr hop = rt->gateway.s_addr ? rt->gateway : dst_of(pkt);
	const char *ports[UIPT_BRIDGE_LEAVES], *port = NULL;
	uint8_t mac[6];
	unsigned int n;

	if (!ev->host->has_bridges)
		return;
	br = uipt_host_iface(ev->host, pkt->out);
	if (!br || !br->bridge)
		return;
	if (!rt->broadcast && !IN_MULTICAST(ntohl(hop.s_addr)) &&
	    next_hop_mac(ev, br->name, hop, pkt->now_ns, mac))
		port = uipt_fdb_port(ev, br->name, mac, pkt->now_ns);
	if (port) {
		add_leave(ev->res, port, "ACCEPT", false);
		uipt_result_note(ev->res, -1, "bridge", "%s: out by %s (%s's MAC in the "
				 "forwarding database)", br->name, port, inet_ntoa(hop));
		return;
	}
	n = bridge_ports(ev->host, br->name, NULL, ports);
	for (unsigned int i = 0; i < n; i++)
		add_leave(ev->res, ports[i], "ACCEPT", false);
	uipt_result_note(ev->res, -1, "bridge", "%s: flooded to %u port(s), %s's MAC "
			 "not in the forwarding database", br->name, n, inet_ntoa(hop));
}

/* ip_forward: TTL, then FORWARD and POSTROUTING. */
static bool forward(struct uipt_eval *ev, struct xt_pkt *pkt,
		    const struct uipt_route_result *rt)
{
	uint8_t *ip = pkt->data;

	if (ip[8] <= 1) {
		uipt_reply_record(ev, pkt, 11, 0);
		routing_drop(ev, "TTL exceeded in forwarding (ICMP time-exceeded sent)");
		return false;
	}
	ip[8]--;
	uipt_pkt_fix_checksums(pkt);
	uipt_ifname_copy(pkt->out, rt->out);
	if (!run_hook(ev, pkt, NF_INET_FORWARD) ||
	    !run_hook(ev, pkt, NF_INET_POST_ROUTING))
		return false;
	ev->res->where = "forward";
	bridge_out(ev, pkt, rt);
	return true;
}

static uint8_t pkttype_of(const struct uipt_eval *ev, const struct uipt_pktspec *m,
			  const struct xt_pkt *pkt)
{
	const struct uipt_host_iface *i = uipt_host_iface(ev->host, m->in);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (pkt->has_mac) {
		if (!memcmp(pkt->mac, bcast, 6))
			return PACKET_BROADCAST;
		if (pkt->mac[0] & 1)
			return PACKET_MULTICAST;
		if (i && memcmp(pkt->mac, i->mac, 6) && memcmp(i->mac, "\0\0\0\0\0", 6))
			return PACKET_OTHERHOST;
		return PACKET_HOST;
	}
	/* Without a frame: as a sender on the wire would address it. */
	if (uipt_host_addr_type(ev->host, dst_of(pkt), NULL) == RTN_BROADCAST)
		return PACKET_BROADCAST;
	if (uipt_host_addr_type(ev->host, dst_of(pkt), NULL) == RTN_MULTICAST)
		return PACKET_MULTICAST;
	return PACKET_HOST;
}

static void frame_dst(struct uipt_eval *ev, const struct xt_pkt *pkt,
		      const struct uipt_pktspec *m, uint8_t mac[6]);

/* What ip_rcv_finish does after PREROUTING: INPUT, or FORWARD on. */
static void take_route(struct uipt_eval *ev, struct xt_pkt *pkt,
		       const struct uipt_route_result *rt)
{
	route_note(ev, rt);
	if (rt->kind == UIPT_ROUTE_UNREACHABLE) {
		if (rt->icmp_code >= 0)
			uipt_reply_record(ev, pkt, 3, rt->icmp_code);
		return routing_drop(ev, rt->why);
	}
	if (rt->kind == UIPT_ROUTE_LOCAL)
		deliver_local(ev, pkt);
	else
		forward(ev, pkt, rt);
}

static void route_in(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	struct uipt_route_result rt = { .want_why = !ev->res->quiet };
	struct in_addr src;

	memcpy(&src, pkt->data + 12, 4);
	uipt_route_input(ev->host, pkt->in, src, dst_of(pkt), &rt);
	take_route(ev, pkt, &rt);
}

static bool arrival_checks(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	if (!uipt_pkt_ip_csum_ok(pkt->data)) {
		routing_drop(ev, "bad IP header checksum (ip_rcv)");
		return false;
	}
	return true;
}


/* ---- bridged frames (br_netfilter) ---- */

struct fate_save {
	enum uipt_fate fate;
	const char *verdict, *drop_table;
	int drop_hook;
	unsigned int queue_num;
};

static struct fate_save fate_take(struct uipt_result *r)
{
	struct fate_save f = { r->fate, r->verdict, r->drop_table, r->drop_hook,
			       r->queue_num };

	r->fate = UIPT_FATE_ACCEPT;
	r->verdict = NULL;
	r->drop_table = NULL;
	r->drop_hook = -2;
	return f;
}

static void fate_put(struct uipt_result *r, const struct fate_save *f)
{
	r->fate = f->fate;
	r->verdict = f->verdict;
	r->drop_table = f->drop_table;
	r->drop_hook = f->drop_hook;
	r->queue_num = f->queue_num;
}

static void bridge_drop(struct uipt_eval *ev, const char *why)
{
	drop_outside_hooks(ev, "bridge", why);
}

/* The host's own copy of a frame: PREROUTING already ran in the
 * bridge's hook unless iptables does not see bridged frames. */
static void bridge_up(struct uipt_eval *ev, struct xt_pkt *pkt, bool hooks_done)
{
	pkt->out[0] = '\0';
	pkt->physout[0] = '\0';
	if (!hooks_done && !run_hook(ev, pkt, NF_INET_PRE_ROUTING))
		return;
	route_in(ev, pkt);
}

/* One copy out of one port: FORWARD (in and out the bridge) and
 * POSTROUTING, with the port it leaves by (br_nf_forward_ip,
 * br_nf_post_routing). */
static bool bridge_copy(struct uipt_eval *ev, struct xt_pkt *pkt, const char *br,
			const char *port, bool hooks)
{
	uipt_ifname_copy(pkt->out, br);
	if (!hooks)
		return true;
	uipt_ifname_copy(pkt->physout, port);
	return run_hook(ev, pkt, NF_INET_FORWARD) && run_hook(ev, pkt, NF_INET_POST_ROUTING);
}

struct bridge_frame {
	const struct uipt_host_iface *br;
	const char *inport;
	uint8_t dmac[6];
	bool group;			/* broadcast or multicast: also up */
	bool hooks;			/* bridge-nf-call-iptables */
};

/* The ports a frame goes out of: the database's for its destination,
 * else every other one (unknown unicast, groups).  0: none. */
static unsigned int out_ports(struct uipt_eval *ev, const struct xt_pkt *pkt,
			      const struct bridge_frame *f, const char *ports[])
{
	const char *known = f->group ? NULL :
			    uipt_fdb_port(ev, f->br->name, f->dmac, pkt->now_ns);
	unsigned int n;

	if (known && !strcmp(known, f->inport)) {
		bridge_drop(ev, "the destination MAC is on the port the frame came in by");
		return 0;
	}
	if (known) {
		ports[0] = known;
		uipt_result_note(ev->res, -1, "bridge", "%s: out by %s (destination MAC in "
				 "the forwarding database)", f->br->name, known);
		return 1;
	}
	n = bridge_ports(ev->host, f->br->name, f->inport, ports);
	uipt_result_note(ev->res, -1, "bridge", "%s: flooded to %u other port(s)%s",
			 f->br->name, n, f->group ? "" : ", destination MAC unknown");
	if (!n && !f->group)
		bridge_drop(ev, "no other port to flood to");
	return n;
}

/*
 * br_handle_frame_finish: each copy through FORWARD and POSTROUTING on
 * its own (the kernel clones the frame; the copies share the
 * connection), then, for a group frame, the host's own copy.
 */
static void bridge_forward(struct uipt_eval *ev, struct xt_pkt *pkt,
			   const struct bridge_frame *f)
{
	struct uipt_result *r = ev->res;
	const char *ports[UIPT_BRIDGE_LEAVES];
	unsigned int n = out_ports(ev, pkt, f, ports);
	struct xt_pkt saved = *pkt, kept = *pkt;
	/* A copy may grow (TCPMSS), up to the room the packet has. */
	uint8_t *bytes = malloc(pkt->len), *keptb = malloc(pkt->room ? pkt->room : pkt->len);
	struct fate_save last = { .fate = UIPT_FATE_ACCEPT, .drop_hook = -2 };
	bool any = false;

	if (!bytes || !keptb)
		abort();
	memcpy(bytes, pkt->data, pkt->len);
	if (!n && !f->group)
		goto out;
	last = fate_take(r);
	for (unsigned int i = 0; i < n; i++) {
		bool ok;

		*pkt = saved;
		memcpy(pkt->data, bytes, saved.len);
		if (n > 1)
			uipt_result_note(r, -1, "bridge", "%s: the copy for %s", f->br->name,
					 ports[i]);
		ok = bridge_copy(ev, pkt, f->br->name, ports[i], f->hooks);
		add_leave(r, ports[i], ok ? "ACCEPT" : r->verdict, true);
		if (ok) {
			any = true;
			kept = *pkt;
			memcpy(keptb, pkt->data, pkt->len);
		} else {
			last = fate_take(r);
		}
	}
	if (f->group) {
		*pkt = saved;
		memcpy(pkt->data, bytes, saved.len);
		uipt_result_note(r, -1, "bridge", "%s: a group frame, also up to the host",
				 f->br->name);
		bridge_up(ev, pkt, f->hooks);
		if (r->fate == UIPT_FATE_ACCEPT || any) {
			if (r->fate != UIPT_FATE_ACCEPT)
				fate_take(r);
			if (!r->delivered_local)
				r->where = "bridge";
		}
	} else if (any) {
		*pkt = kept;
		memcpy(pkt->data, keptb, kept.len);
		r->where = "bridge";
	} else {
		fate_put(r, &last);
	}
out:
	free(bytes);
	free(keptb);
}

/*
 * br_nf_pre_routing_finish: a destination changed in PREROUTING is routed
 * again; towards the bridge itself the frame stays bridged (to the new
 * address's MAC), anywhere else it goes up to IP addressed to the bridge.
 */
static void bridge_dnat(struct uipt_eval *ev, struct xt_pkt *pkt, struct bridge_frame *f)
{
	struct uipt_route_result rt = { .want_why = !ev->res->quiet };
	struct in_addr src, hop;

	memcpy(&src, pkt->data + 12, 4);
	uipt_route_input(ev->host, pkt->in, src, dst_of(pkt), &rt);
	if (rt.kind == UIPT_ROUTE_FORWARD && !strcmp(rt.out, f->br->name)) {
		hop = rt.gateway.s_addr ? rt.gateway : dst_of(pkt);
		if (!next_hop_mac(ev, f->br->name, hop, pkt->now_ns, f->dmac))
			memset(f->dmac, 0, 6);
		memcpy(pkt->mac, f->dmac, 6);
		uipt_result_note(ev->res, -1, "bridge", "%s: destination NATed on the "
				 "bridge's subnet: bridged on to %s", f->br->name, inet_ntoa(hop));
		return bridge_forward(ev, pkt, f);
	}
	uipt_result_note(ev->res, -1, "bridge", "%s: destination NATed off the bridge: "
			 "up to IP", f->br->name);
	memcpy(pkt->mac, f->br->mac, 6);
	pkt->pkttype = PACKET_HOST;
	take_route(ev, pkt, &rt);
}

static void frame_note(struct uipt_eval *ev, const struct bridge_frame *f, bool local)
{
	const uint8_t *d = f->dmac;

	uipt_result_note(ev->res, -1, "bridge", "%s: in by port %s, to %02x:%02x:%02x:%02x:"
			 "%02x:%02x: %s", f->br->name, f->inport, d[0], d[1], d[2], d[3],
			 d[4], d[5], f->group ? "a group frame, flooded and up" :
			 local ? "the bridge's own, up to IP" : "bridged");
}

/*
 * A frame arriving on a bridge port.  With br_netfilter calling iptables,
 * PREROUTING sees it once with in=BRIDGE and its port; the bridge then
 * learns the source, and the frame goes up to IP (to one of the bridge's
 * own MACs), is forwarded (FORWARD in and out the bridge, POSTROUTING,
 * with its output port), or both (a group frame).  br_netfilter shows a
 * frame for another host as PACKET_HOST while iptables looks at it.
 */
static void bridge_input(struct uipt_eval *ev, struct xt_pkt *pkt,
			 const struct uipt_pktspec *m, const struct uipt_host_iface *br)
{
	struct bridge_frame f = { .br = br, .inport = m->in,
				  .hooks = ev->host->br_call_iptables };
	struct in_addr before = dst_of(pkt), src;
	bool local;

	if (pkt->has_mac)
		memcpy(f.dmac, pkt->mac, 6);
	else if (m->has_mac_dst)
		memcpy(f.dmac, m->mac_dst, 6);
	else
		frame_dst(ev, pkt, m, f.dmac);
	f.group = f.dmac[0] & 1;
	local = uipt_bridge_local_mac(ev->host, br, f.dmac);
	uipt_ifname_copy(pkt->in, br->name);
	pkt->pkttype = !memcmp(f.dmac, "\xff\xff\xff\xff\xff\xff", 6) ? PACKET_BROADCAST :
		       f.group ? PACKET_MULTICAST : PACKET_HOST;
	frame_note(ev, &f, local);
	if (!uipt_host_iface(ev->host, m->in)->up)
		return bridge_drop(ev, "the port is down");
	/* br_handle_frame: a group or zero source is no sender's. */
	if (pkt->has_mac && ((pkt->mac[6] & 1) || !memcmp(pkt->mac + 6, "\0\0\0\0\0\0", 6)))
		return bridge_drop(ev, "the source MAC is not a station's");
	if (!arrival_checks(ev, pkt))
		return;
	if (f.hooks) {
		pkt->has_bridge = true;
		uipt_ifname_copy(pkt->physin, m->in);
		if (!run_hook(ev, pkt, NF_INET_PRE_ROUTING))
			return;
	} else {
		uipt_result_note(ev->res, -1, "bridge", "net.bridge.bridge-nf-call-iptables "
				 "is 0: iptables sees only what goes up to IP");
	}
	memcpy(&src, pkt->data + 12, 4);
	if (pkt->has_mac)
		uipt_fdb_learn(ev, br->name, m->in, pkt->mac + 6, src, pkt->now_ns);
	if (f.hooks && dst_of(pkt).s_addr != before.s_addr)
		return bridge_dnat(ev, pkt, &f);
	if (local && !f.group)
		return bridge_up(ev, pkt, f.hooks);
	bridge_forward(ev, pkt, &f);
}

static void input_path(struct uipt_eval *ev, struct xt_pkt *pkt,
		       const struct uipt_pktspec *m)
{
	const struct uipt_host_iface *br = uipt_bridge_of(ev->host, m->in);

	if (br)
		return bridge_input(ev, pkt, m, br);
	uipt_ifname_copy(pkt->in, m->in);
	if (!uipt_host_iface(ev->host, m->in))
		uipt_result_note(ev->res, -1, "host", "interface %s is not in the host model",
				 m->in);
	pkt->pkttype = pkttype_of(ev, m, pkt);
	if (pkt->pkttype == PACKET_OTHERHOST)
		return routing_drop(ev, "frame for another host's MAC (PACKET_OTHERHOST)");
	if (!arrival_checks(ev, pkt) || !run_hook(ev, pkt, NF_INET_PRE_ROUTING))
		return;
	route_in(ev, pkt);
}

static bool output_hooks(struct uipt_eval *ev, struct xt_pkt *pkt,
			 struct uipt_route_result *rt)
{
	struct in_addr before = dst_of(pkt);
	uint32_t mark = pkt->mark;

	uipt_ifname_copy(pkt->out, rt->out);
	if (!run_hook(ev, pkt, NF_INET_LOCAL_OUT))
		return false;
	/* ip_route_me_harder: a new destination or mark routes again. */
	if (dst_of(pkt).s_addr != before.s_addr || pkt->mark != mark) {
		uipt_route_output(ev->host, dst_of(pkt), rt);
		uipt_result_note(ev->res, -1, "route", "rerouted: %s", rt->why);
		if (rt->kind == UIPT_ROUTE_UNREACHABLE) {
			routing_drop(ev, rt->why);
			return false;
		}
		uipt_ifname_copy(pkt->out, rt->out);
	}
	return run_hook(ev, pkt, NF_INET_POST_ROUTING);
}

void uipt_hooks_output(struct uipt_eval *ev, struct xt_pkt *pkt)
{
	uipt_hooks_output_via(ev, pkt, NULL, NULL);
}

void uipt_hooks_output_via(struct uipt_eval *ev, struct xt_pkt *pkt,
			   const struct in_addr *via, const char *oif)
{
	struct uipt_route_result rt = { .want_why = !ev->res->quiet };

	pkt->local = true;
	pkt->in[0] = '\0';
	uipt_route_output(ev->host, via ? *via : dst_of(pkt), &rt);
	/* nf_dup_ipv4_route: a route to the next hop, out of oif if named. */
	if (via && rt.kind != UIPT_ROUTE_UNREACHABLE) {
		rt.kind = UIPT_ROUTE_FORWARD;
		if (oif && *oif)
			uipt_ifname_copy(rt.out, oif);
	}
	route_note(ev, &rt);
	if (rt.kind == UIPT_ROUTE_UNREACHABLE)
		return routing_drop(ev, rt.why);
	if (!output_hooks(ev, pkt, &rt))
		return;
	if (rt.kind != UIPT_ROUTE_LOCAL) {
		ev->res->where = "output";
		bridge_out(ev, pkt, &rt);
		return;
	}
	/* Through lo and back in: PREROUTING and INPUT on lo. */
	uipt_ifname_copy(pkt->in, rt.out);
	pkt->out[0] = '\0';
	pkt->pkttype = PACKET_HOST;
	if (run_hook(ev, pkt, NF_INET_PRE_ROUTING))
		deliver_local(ev, pkt);
}

/*
 * The destination MAC of a frame given only its source: as the sender
 * addresses it (ip_eth_mc_map, a broadcast frame for a broadcast address),
 * else the receiving interface's own.
 */
static void frame_dst(struct uipt_eval *ev, const struct xt_pkt *pkt,
		      const struct uipt_pktspec *m, uint8_t mac[6])
{
	const struct uipt_host_iface *i = uipt_host_iface(ev->host, m->in);
	const struct uipt_host_iface *br = uipt_bridge_of(ev->host, m->in);
	uint32_t a = ntohl(dst_of(pkt).s_addr);

	switch (uipt_host_addr_type(ev->host, dst_of(pkt), NULL)) {
	case RTN_BROADCAST:
		memset(mac, 0xff, 6);
		return;
	case RTN_MULTICAST:
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = (a >> 16) & 0x7f, mac[4] = (a >> 8) & 0xff, mac[5] = a & 0xff;
		return;
	case RTN_LOCAL:
		break;
	default:
		/* On a bridge, a neighbour on its subnet gets the frame
		 * itself if the bridge has seen its MAC. */
		if (br && uipt_fdb_neigh(ev, br->name, dst_of(pkt), pkt->now_ns, mac))
			return;
	}
	if (br)
		i = br;
	if (i)
		memcpy(mac, i->mac, 6);
}

static void fill_pkt(struct uipt_eval *ev, struct xt_pkt *pkt,
		     const struct uipt_pktspec *m)
{
	pkt->now_ns = m->has_time ? m->time_ns : ev->clock_ns;
	pkt->mark = m->mark;
	pkt->has_mac = m->has_mac;
	if (m->has_mac) {
		/* Ethernet header: destination, source, type. */
		if (m->has_mac_dst || (m->mac_dst_wire && uipt_bridge_of(ev->host, m->in)))
			memcpy(pkt->mac, m->mac_dst, 6);
		else
			frame_dst(ev, pkt, m, pkt->mac);
		memcpy(pkt->mac + 6, m->mac_src, 6);
		pkt->mac[12] = 0x08;
		pkt->mac[13] = 0x00;
	}
	pkt->has_owner = m->local && (m->has_uid || m->has_gid);
	pkt->uid = m->uid;
	pkt->gid = m->gid;
	pkt->has_groups = m->has_groups;
	pkt->ngroups = m->ngroups;
	memcpy(pkt->groups, m->groups, sizeof(pkt->groups));
	pkt->host = ev->host;
	pkt->trace = &ev->trace;
	pkt->ops = &ev->ops;
	pkt->assume_unknown_match = ev->assume_unknown_match;
}

static void finish(struct uipt_eval *ev, struct xt_pkt *pkt, struct uipt_result *r)
{
	if (!r->verdict) {
		r->verdict = "ACCEPT";
		r->fate = UIPT_FATE_ACCEPT;
	}
	if (!r->ctstate)
		r->ctstate = ev->ct_enabled ? uipt_ctinfo_name(pkt) : "-";
	if (ev->cur) {
		if (!r->quiet)
			uipt_ct_format(&ev->cur->c, pkt->now_ns, r->ctline, sizeof(r->ctline));
		if (!ev->cur->confirmed && ev->cur_new) {
			/* dropped before confirm: forgotten */
			uipt_ct_expect_forget(ev->ct, ev->cur->c.id);
			free(ev->cur);
		}
	}
	ev->cur = NULL;
	ev->cur_new = false;
	pkt->ct = NULL;
	uipt_ifname_copy(r->out, pkt->out);
	r->final_len = pkt->len;
	r->final_mark = pkt->mark;
	r->final_pkt = *pkt;
}

int uipt_eval_packet(struct uipt_eval *ev, const struct uipt_pktspec *meta,
		     const uint8_t *data, size_t len, struct uipt_result *res)
{
	struct xt_pkt *pkt = &res->final_pkt;
	const struct uipt_host_iface *br;

	result_reset(res);
	if (len > sizeof(res->final))
		return xt_error(OTHER_PROBLEM, "packet too long (%zu bytes)", len);
	memcpy(res->final, data, len);
	memcpy(res->orig, data, len < sizeof(res->orig) ? len : sizeof(res->orig));
	res->orig_len = (unsigned int)len;
	uipt_ifname_copy(res->orig_in, meta->local ? "" : meta->in);
	res->orig_physin[0] = '\0';
	br = meta->local ? NULL : uipt_bridge_of(ev->host, meta->in);
	if (br) {
		uipt_ifname_copy(res->orig_physin, meta->in);
		uipt_ifname_copy(res->orig_in, br->name);
	}
	memset(pkt, 0, sizeof(*pkt));
	if (uipt_pkt_parse(pkt, res->final, len) < 0)
		return -1;
	pkt->room = sizeof(res->final);
	fill_pkt(ev, pkt, meta);
	if (pkt->now_ns > ev->clock_ns)
		ev->clock_ns = pkt->now_ns;
	ev->res = res;
	ev->cur = NULL;
	if (meta->local)
		uipt_hooks_output(ev, pkt);
	else
		input_path(ev, pkt, meta);
	uipt_reply_send_all(ev, pkt);
	finish(ev, pkt, res);
	ev->res = NULL;
	return 0;
}
