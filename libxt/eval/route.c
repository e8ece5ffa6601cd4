/*
 * Routing in the host model, as the kernel decides between PREROUTING and
 * INPUT/FORWARD (ip_route_input) and for what this host sends
 * (ip_route_output): the local table first (its own addresses, the whole
 * loopback prefix, broadcasts), then the longest matching prefix among the
 * routes and the subnets of the addresses.
 */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include "eval.h"

/* The reason, in words, only for who will print it: replays skip it. */
#define WHY(r, ...) do { if ((r)->want_why) \
		snprintf((r)->why, sizeof((r)->why), __VA_ARGS__); } while (0)

/* Clears a result, keeping what the caller asked for. */
static void reset(struct uipt_route_result *r)
{
	bool want = r->want_why;

	memset(r, 0, sizeof(*r));
	r->want_why = want;
	r->icmp_code = -1;
}

static uint32_t mask_of(unsigned int len)
{
	return len ? htonl(0xffffffffu << (32 - len)) : 0;
}

static bool in_prefix(struct in_addr a, struct in_addr net, unsigned int len)
{
	return ((a.s_addr ^ net.s_addr) & mask_of(len)) == 0;
}

/* An address of an up interface; loopback owns its whole prefix. */
static const struct uipt_host_iface *local_owner(const struct uipt_host *h,
						 struct in_addr a, const char *dev)
{
	for (unsigned int i = 0; i < h->nifaces; i++) {
		const struct uipt_host_iface *f = &h->ifaces[i];

		if (!f->up || (dev && strcmp(dev, f->name)))
			continue;
		for (unsigned int k = 0; k < f->naddrs; k++) {
			const struct uipt_host_addr *ad = &f->addrs[k];

			if (ad->family != AF_INET)
				continue;
			if (ad->addr.v4.s_addr == a.s_addr ||
			    (f->loopback && in_prefix(a, ad->addr.v4, ad->prefixlen)))
				return f;
		}
	}
	return NULL;
}

static const struct uipt_host_iface *broadcast_owner(const struct uipt_host *h,
						     struct in_addr a)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		for (unsigned int k = 0; k < h->ifaces[i].naddrs; k++) {
			const struct uipt_host_addr *ad = &h->ifaces[i].addrs[k];

			if (ad->family == AF_INET && ad->broadcast.v4.s_addr == a.s_addr &&
			    h->ifaces[i].up)
				return &h->ifaces[i];
		}
	return NULL;
}

struct fib_hit {
	int len;			/* -1: nothing */
	uint8_t type;
	int oif;
	struct in_addr gateway, prefsrc;
	uint32_t metric;
};

static void consider(struct fib_hit *best, int len, uint8_t type, int oif,
		     struct in_addr gw, struct in_addr src, uint32_t metric)
{
	if (len < best->len || (len == best->len && metric >= best->metric))
		return;
	*best = (struct fib_hit){ len, type, oif, gw, src, metric };
}

/* The main table: explicit routes and the connected subnets. */
static struct fib_hit fib_lookup(const struct uipt_host *h, struct in_addr dst)
{
	struct fib_hit best = { .len = -1, .metric = UINT32_MAX };
	struct in_addr none = { 0 };

	for (unsigned int i = 0; i < h->nroutes; i++) {
		const struct uipt_host_route *r = &h->routes[i];
		const struct uipt_host_iface *f = uipt_host_iface_index(h, r->oif);

		if (r->family != AF_INET || r->table != RT_TABLE_MAIN ||
		    !in_prefix(dst, r->dst.v4, r->dst_len))
			continue;
		if (r->type == RTN_UNICAST && (!f || !f->up))
			continue;
		consider(&best, r->dst_len, r->type, r->oif, r->gateway.v4,
			 r->prefsrc.v4, r->metric);
	}
	for (unsigned int i = 0; i < h->nifaces; i++) {
		const struct uipt_host_iface *f = &h->ifaces[i];

		for (unsigned int k = 0; f->up && k < f->naddrs; k++) {
			const struct uipt_host_addr *ad = &f->addrs[k];

			if (ad->family == AF_INET && !f->loopback &&
			    in_prefix(dst, ad->addr.v4, ad->prefixlen))
				consider(&best, ad->prefixlen, RTN_UNICAST, f->index,
					 none, ad->addr.v4, 0);
		}
	}
	return best;
}

static bool is_multicast(struct in_addr a)
{
	return (ntohl(a.s_addr) & 0xf0000000u) == 0xe0000000u;
}

static bool is_loopback_net(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static void set_out(const struct uipt_host *h, struct uipt_route_result *r, int oif)
{
	const struct uipt_host_iface *f = uipt_host_iface_index(h, oif);

	uipt_ifname_copy(r->out, f ? f->name : "");
}

/* Local, broadcast or multicast: delivered here.  Returns true if so. */
static bool local_delivery(const struct uipt_host *h, struct in_addr dst,
			   struct uipt_route_result *r)
{
	const struct uipt_host_iface *f;

	if (dst.s_addr == INADDR_BROADCAST || (f = broadcast_owner(h, dst))) {
		r->kind = UIPT_ROUTE_LOCAL;
		r->broadcast = true;
		WHY(r, "broadcast");
		return true;
	}
	if (is_multicast(dst)) {
		/* ip_route_input_rcu: only groups the interface joined; with
		 * no multicast routing the rest are dropped unanswered.  The
		 * model knows no sockets' memberships: every interface is in
		 * all-hosts only. */
		if (ntohl(dst.s_addr) != INADDR_ALLHOSTS_GROUP) {
			r->kind = UIPT_ROUTE_UNREACHABLE;
			WHY(r, "multicast group not joined here (no multicast routing)");
			return true;
		}
		r->kind = UIPT_ROUTE_LOCAL;
		WHY(r, "multicast all-hosts, delivered locally");
		return true;
	}
	if ((f = local_owner(h, dst, NULL))) {
		r->kind = UIPT_ROUTE_LOCAL;
		WHY(r, "local address of %s", f->name);
		return true;
	}
	return false;
}

static void from_fib(const struct uipt_host *h, struct in_addr dst,
		     struct uipt_route_result *r)
{
	struct fib_hit hit = fib_lookup(h, dst);
	char gw[INET_ADDRSTRLEN];

	if (hit.len < 0 || hit.type != RTN_UNICAST) {
		r->kind = UIPT_ROUTE_UNREACHABLE;
		/* ip_error's answer: network or host unreachable, filtered for
		 * prohibit; a blackhole says nothing. */
		r->icmp_code = hit.len < 0 ? 0 : hit.type == RTN_UNREACHABLE ? 1 :
			       hit.type == RTN_PROHIBIT ? 13 : -1;
		WHY(r, "%s",
			 hit.len < 0 ? "no route to host" :
			 hit.type == RTN_BLACKHOLE ? "blackhole route" :
			 hit.type == RTN_PROHIBIT ? "prohibit route" : "unreachable route");
		return;
	}
	r->kind = UIPT_ROUTE_FORWARD;
	r->gateway = hit.gateway;
	r->prefsrc = hit.prefsrc;
	set_out(h, r, hit.oif);
	if (!r->prefsrc.s_addr)
		uipt_host_select_addr(h, r->out, hit.gateway.s_addr ? hit.gateway : dst,
				      &r->prefsrc);
	if (hit.gateway.s_addr)
		WHY(r, "via %s dev %s",
			 inet_ntop(AF_INET, &hit.gateway, gw, sizeof(gw)), r->out);
	else
		WHY(r, "dev %s", r->out);
}

/* Addresses no packet from the wire may carry (ip_route_input_slow's
 * martians): loopback anywhere but lo, multicast or broadcast sources. */
static const char *martian(const struct uipt_host *h, const char *in,
			   struct in_addr src, struct in_addr dst)
{
	const struct uipt_host_iface *f = uipt_host_iface(h, in);
	bool on_lo = f && f->loopback;

	if (is_multicast(src) || src.s_addr == INADDR_BROADCAST)
		return "martian source";
	if (!on_lo && is_loopback_net(src))
		return "martian source";
	/* fib_validate_source: our own address from the wire (accept_local=0). */
	if (!on_lo && local_owner(h, src, NULL))
		return "martian source (a local address)";
	if (!dst.s_addr || (!on_lo && is_loopback_net(dst)))
		return "martian destination";
	return NULL;
}

void uipt_route_input(const struct uipt_host *h, const char *in, struct in_addr src,
		      struct in_addr dst, struct uipt_route_result *r)
{
	const char *m;

	reset(r);
	if ((m = martian(h, in, src, dst))) {
		r->kind = UIPT_ROUTE_UNREACHABLE;
		WHY(r, "%s", m);
		return;
	}
	if (local_delivery(h, dst, r))
		return;
	from_fib(h, dst, r);
}

void uipt_route_output(const struct uipt_host *h, struct in_addr dst,
		       struct uipt_route_result *r)
{
	const struct uipt_host_iface *f;

	reset(r);
	/* Local destinations leave through lo and come back in. */
	if ((f = local_owner(h, dst, NULL))) {
		const struct uipt_host_iface *lo = NULL;

		for (unsigned int i = 0; i < h->nifaces && !lo; i++)
			if (h->ifaces[i].loopback)
				lo = &h->ifaces[i];
		r->kind = UIPT_ROUTE_LOCAL;
		uipt_ifname_copy(r->out, lo ? lo->name : "lo");
		r->prefsrc = dst;
		WHY(r, "local address of %s, via %s", f->name,
			 r->out);
		return;
	}
	if ((f = broadcast_owner(h, dst))) {
		r->kind = UIPT_ROUTE_FORWARD;
		r->broadcast = true;
		uipt_ifname_copy(r->out, f->name);
		uipt_host_select_addr(h, f->name, dst, &r->prefsrc);
		WHY(r, "broadcast dev %s", f->name);
		return;
	}
	from_fib(h, dst, r);
}

unsigned int uipt_host_addr_type(const struct uipt_host *h, struct in_addr a,
				 const char *dev)
{
	struct fib_hit hit;

	if (!a.s_addr)
		return RTN_BROADCAST;	/* the kernel's answer for 0.0.0.0 */
	if (is_multicast(a))
		return RTN_MULTICAST;
	if (a.s_addr == INADDR_BROADCAST || broadcast_owner(h, a))
		return RTN_BROADCAST;
	if (local_owner(h, a, dev))
		return RTN_LOCAL;
	hit = fib_lookup(h, a);
	return hit.len < 0 ? RTN_UNREACHABLE : hit.type;
}

bool uipt_host_select_addr(const struct uipt_host *h, const char *dev,
			   struct in_addr dst, struct in_addr *src)
{
	const struct uipt_host_iface *f = uipt_host_iface(h, dev);
	const struct uipt_host_addr *first = NULL;

	for (unsigned int k = 0; f && k < f->naddrs; k++) {
		const struct uipt_host_addr *ad = &f->addrs[k];

		if (ad->family != AF_INET)
			continue;
		if (!first)
			first = ad;
		if (dst.s_addr && in_prefix(dst, ad->addr.v4, ad->prefixlen)) {
			*src = ad->addr.v4;
			return true;
		}
	}
	if (!first)
		return false;
	*src = first->addr.v4;
	return true;
}
