/*
 * The host model: interfaces, their addresses, and routes, kept as a small
 * text file `host` in the state directory:
 *
 *   iface eth0 mac 02:00:00:00:f0:00 mtu 1500 group 5
 *   iface lo loopback
 *   iface br0 type bridge mac 02:00:00:00:f0:0b
 *   iface eth2 master br0
 *   neigh 198.51.100.3 lladdr 02:00:00:00:0c:00 dev br0
 *   sysctl net.bridge.bridge-nf-call-iptables 0
 *   addr eth0 198.51.100.1/24 brd 198.51.100.255
 *   route 10.0.0.0/8 via 198.51.100.9 dev eth0
 *   route default via 203.0.113.2 dev eth1
 *   route blackhole 192.0.2.0/24
 *
 * An address implies its subnet's route (as the kernel adds a prefix
 * route); explicit routes come on top.  Without a file the host is the
 * two-legged firewall of the kernel-comparison tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../error.h"
#include "../store.h"
#include "eval.h"

static void *grow(void *p, unsigned int n, size_t size)
{
	void *q = realloc(p, (n + 1) * size);

	if (!q)
		abort();
	memset((char *)q + n * size, 0, size);
	return q;
}

void uipt_host_free(struct uipt_host *h)
{
	if (!h)
		return;
	for (unsigned int i = 0; i < h->nifaces; i++)
		free(h->ifaces[i].addrs);
	free(h->ifaces);
	free(h->routes);
	free(h->neighs);
	free(h);
}

const struct uipt_host_iface *uipt_host_iface(const struct uipt_host *h,
					      const char *name)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, name))
			return &h->ifaces[i];
	return NULL;
}

const struct uipt_host_iface *uipt_host_iface_index(const struct uipt_host *h,
						    int index)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (h->ifaces[i].index == index)
			return &h->ifaces[i];
	return NULL;
}

static struct uipt_host_iface *add_iface(struct uipt_host *h, const char *name)
{
	struct uipt_host_iface *i;

	h->ifaces = grow(h->ifaces, h->nifaces, sizeof(*h->ifaces));
	i = &h->ifaces[h->nifaces++];
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->index = (int)h->nifaces;
	i->up = true;
	i->mtu = 1500;
	i->loopback = !strcmp(name, "lo");
	if (i->loopback)
		i->mtu = 65536;
	return i;
}

static uint32_t prefix_mask(unsigned int len)
{
	return len ? htonl(0xffffffffu << (32 - len)) : 0;
}

static void add_addr(struct uipt_host_iface *i, struct in_addr a, unsigned int plen,
		     const struct in_addr *brd)
{
	struct uipt_host_addr *ad;

	i->addrs = grow(i->addrs, i->naddrs, sizeof(*i->addrs));
	ad = &i->addrs[i->naddrs++];
	ad->family = AF_INET;
	ad->prefixlen = (uint8_t)plen;
	ad->addr.v4 = a;
	if (brd)
		ad->broadcast.v4 = *brd;
	else if (plen < 31 && !i->loopback)
		ad->broadcast.v4.s_addr = a.s_addr | ~prefix_mask(plen);
}

static struct uipt_host_route *add_route(struct uipt_host *h)
{
	struct uipt_host_route *r;

	h->routes = grow(h->routes, h->nroutes, sizeof(*h->routes));
	r = &h->routes[h->nroutes++];
	r->family = AF_INET;
	r->type = RTN_UNICAST;
	r->table = RT_TABLE_MAIN;
	return r;
}

/* The oracle's firewall: eth0 towards 198.51.100.0/24, eth1 towards
 * 203.0.113.0/24 and the default route. */
struct uipt_host *uipt_host_default(void)
{
	static const char text[] =
		"iface lo loopback\n"
		"iface eth0 mac 02:00:00:00:f0:00\n"
		"iface eth1 mac 02:00:00:00:f0:01\n"
		"addr lo 127.0.0.1/8\n"
		"addr eth0 198.51.100.1/24\n"
		"addr eth1 203.0.113.1/24\n"
		"route default via 203.0.113.2 dev eth1\n";
	struct uipt_host *h = NULL;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	if (!f || uipt_host_parse(f, "default host", &h) < 0)
		abort();
	fclose(f);
	return h;
}

static int parse_prefix(const char *s, struct in_addr *a, unsigned int *plen)
{
	char buf[64], *slash;
	unsigned long l = 32;

	if (!strcmp(s, "default")) {
		a->s_addr = 0;
		*plen = 0;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/'))) {
		char *end;

		*slash = '\0';
		l = strtoul(slash + 1, &end, 10);
		if (*end || l > 32 || end == slash + 1)
			return -1;
	}
	if (inet_pton(AF_INET, buf, a) != 1)
		return -1;
	*plen = (unsigned int)l;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

struct hostline {
	const char *file;
	unsigned int line;
	char *w[16];
	int n;
};

static int bad(const struct hostline *l, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return xt_error(PARAMETER_PROBLEM, "%s:%u: %s", l->file, l->line, msg);
}

static int parse_iface(struct uipt_host *h, const struct hostline *l)
{
	struct uipt_host_iface *i;

	if (l->n < 2 || strlen(l->w[1]) >= IFNAMSIZ)
		return bad(l, "iface needs a name (at most 15 characters)%s", "");
	if (uipt_host_iface(h, l->w[1]))
		return bad(l, "interface %s given twice", l->w[1]);
	i = add_iface(h, l->w[1]);
	for (int k = 2; k < l->n; k++) {
		if (!strcmp(l->w[k], "loopback"))
			i->loopback = true;
		else if (!strcmp(l->w[k], "down"))
			i->up = false;
		else if (!strcmp(l->w[k], "up"))
			i->up = true;
		else if (!strcmp(l->w[k], "mac") && k + 1 < l->n) {
			if (parse_mac(l->w[++k], i->mac) < 0)
				return bad(l, "bad MAC address `%s'", l->w[k]);
		} else if (!strcmp(l->w[k], "mtu") && k + 1 < l->n)
			i->mtu = (uint32_t)strtoul(l->w[++k], NULL, 10);
		else if (!strcmp(l->w[k], "index") && k + 1 < l->n)
			i->index = (int)strtol(l->w[++k], NULL, 10);
		else if (!strcmp(l->w[k], "group") && k + 1 < l->n)
			i->group = (uint32_t)strtoul(l->w[++k], NULL, 0);
		else if (!strcmp(l->w[k], "type") && k + 1 < l->n) {
			if (strcmp(l->w[++k], "bridge"))
				return bad(l, "unknown interface type `%s' (bridge)", l->w[k]);
			i->bridge = true;
		} else if (!strcmp(l->w[k], "master") && k + 1 < l->n) {
			if (strlen(l->w[++k]) >= IFNAMSIZ)
				return bad(l, "bad master `%s'", l->w[k]);
			snprintf(i->master, sizeof(i->master), "%s", l->w[k]);
		} else
			return bad(l, "unknown iface option `%s'", l->w[k]);
	}
	return 0;
}

static int parse_addr(struct uipt_host *h, const struct hostline *l)
{
	struct uipt_host_iface *i;
	struct in_addr a, brd;
	unsigned int plen;
	bool has_brd = false;

	if (l->n < 3)
		return bad(l, "usage: addr IFACE ADDRESS/LEN [brd ADDRESS]%s", "");
	i = (struct uipt_host_iface *)uipt_host_iface(h, l->w[1]);
	if (!i)
		return bad(l, "addr on unknown interface `%s' (declare it with iface first)",
			   l->w[1]);
	if (parse_prefix(l->w[2], &a, &plen) < 0)
		return bad(l, "bad address `%s'", l->w[2]);
	if (l->n >= 5 && !strcmp(l->w[3], "brd")) {
		if (inet_pton(AF_INET, l->w[4], &brd) != 1)
			return bad(l, "bad broadcast address `%s'", l->w[4]);
		has_brd = true;
	} else if (l->n > 3)
		return bad(l, "unknown addr option `%s'", l->w[3]);
	add_addr(i, a, plen, has_brd ? &brd : NULL);
	return 0;
}

static const struct {
	const char *name;
	uint8_t type;
} route_types[] = {
	{ "unicast", RTN_UNICAST }, { "local", RTN_LOCAL },
	{ "broadcast", RTN_BROADCAST }, { "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT },
};

static int route_type(const char *w)
{
	for (size_t i = 0; i < sizeof(route_types) / sizeof(route_types[0]); i++)
		if (!strcmp(route_types[i].name, w))
			return route_types[i].type;
	return -1;
}

static const char *route_type_name(uint8_t t)
{
	for (size_t i = 0; i < sizeof(route_types) / sizeof(route_types[0]); i++)
		if (route_types[i].type == t)
			return route_types[i].name;
	return "unicast";
}

static int route_opt(struct uipt_host *h, const struct hostline *l, int *k,
		     struct uipt_host_route *r)
{
	const char *w = l->w[*k], *v = *k + 1 < l->n ? l->w[*k + 1] : NULL;
	const struct uipt_host_iface *i;

	if (!v)
		return bad(l, "route option `%s' needs a value", w);
	(*k)++;
	if (!strcmp(w, "via")) {
		if (inet_pton(AF_INET, v, &r->gateway.v4) != 1)
			return bad(l, "bad gateway `%s'", v);
	} else if (!strcmp(w, "dev")) {
		if (!(i = uipt_host_iface(h, v)))
			return bad(l, "route on unknown interface `%s'", v);
		r->oif = i->index;
	} else if (!strcmp(w, "src")) {
		if (inet_pton(AF_INET, v, &r->prefsrc.v4) != 1)
			return bad(l, "bad source address `%s'", v);
	} else if (!strcmp(w, "metric")) {
		r->metric = (uint32_t)strtoul(v, NULL, 10);
	} else {
		return bad(l, "unknown route option `%s'", w);
	}
	return 0;
}

static int parse_route(struct uipt_host *h, const struct hostline *l)
{
	struct uipt_host_route *r;
	unsigned int plen;
	int k = 1, t;

	if (l->n < 2)
		return bad(l, "usage: route [TYPE] PREFIX|default [via GW] [dev IFACE]%s", "");
	r = add_route(h);
	if ((t = route_type(l->w[k])) >= 0) {
		r->type = (uint8_t)t;
		if (++k >= l->n)
			return bad(l, "route needs a prefix%s", "");
	}
	if (parse_prefix(l->w[k], &r->dst.v4, &plen) < 0)
		return bad(l, "bad route prefix `%s'", l->w[k]);
	r->dst_len = (uint8_t)plen;
	r->dst.v4.s_addr &= prefix_mask(plen);
	for (k++; k < l->n; k++)
		if (route_opt(h, l, &k, r) < 0)
			return -1;
	if (r->type == RTN_UNICAST && !r->oif)
		return bad(l, "a unicast route needs `dev IFACE'%s", "");
	return 0;
}

struct uipt_host_neigh *uipt_host_add_neigh(struct uipt_host *h, struct in_addr a,
					    const uint8_t mac[6], const char *dev)
{
	struct uipt_host_neigh *n;

	h->neighs = grow(h->neighs, h->nneighs, sizeof(*h->neighs));
	n = &h->neighs[h->nneighs++];
	n->addr = a;
	memcpy(n->mac, mac, 6);
	snprintf(n->dev, sizeof(n->dev), "%s", dev);
	return n;
}

const struct uipt_host_neigh *uipt_host_neigh(const struct uipt_host *h, struct in_addr a,
					      const char *dev)
{
	for (unsigned int i = 0; i < h->nneighs; i++)
		if (h->neighs[i].addr.s_addr == a.s_addr && !strcmp(h->neighs[i].dev, dev))
			return &h->neighs[i];
	return NULL;
}

static int parse_neigh(struct uipt_host *h, const struct hostline *l)
{
	struct in_addr a;
	uint8_t mac[6];

	if (l->n != 6 || strcmp(l->w[2], "lladdr") || strcmp(l->w[4], "dev"))
		return bad(l, "usage: neigh ADDRESS lladdr MAC dev IFACE%s", "");
	if (inet_pton(AF_INET, l->w[1], &a) != 1)
		return bad(l, "bad neighbour address `%s'", l->w[1]);
	if (parse_mac(l->w[3], mac) < 0)
		return bad(l, "bad MAC address `%s'", l->w[3]);
	if (!uipt_host_iface(h, l->w[5]))
		return bad(l, "neighbour on unknown interface `%s'", l->w[5]);
	uipt_host_add_neigh(h, a, mac, l->w[5]);
	return 0;
}

/* The one switch of the host the evaluator follows. */
static int parse_sysctl(struct uipt_host *h, const struct hostline *l)
{
	if (l->n != 3 || strcmp(l->w[1], "net.bridge.bridge-nf-call-iptables") ||
	    (strcmp(l->w[2], "0") && strcmp(l->w[2], "1")))
		return bad(l, "usage: sysctl net.bridge.bridge-nf-call-iptables 0|1%s", "");
	h->br_call_iptables = l->w[2][0] == '1';
	return 0;
}

static int parse_line(struct uipt_host *h, struct hostline *l, char *buf)
{
	char *save = NULL;

	buf[strcspn(buf, "#\n")] = '\0';
	l->n = 0;
	for (char *t = strtok_r(buf, " \t\r", &save); t && l->n < 16;
	     t = strtok_r(NULL, " \t\r", &save))
		l->w[l->n++] = t;
	if (!l->n)
		return 0;
	if (!strcmp(l->w[0], "iface"))
		return parse_iface(h, l);
	if (!strcmp(l->w[0], "addr"))
		return parse_addr(h, l);
	if (!strcmp(l->w[0], "route"))
		return parse_route(h, l);
	if (!strcmp(l->w[0], "sysctl"))
		return parse_sysctl(h, l);
	if (!strcmp(l->w[0], "neigh"))
		return parse_neigh(h, l);
	return bad(l, "unknown keyword `%s' (iface, addr, route, neigh or sysctl)", l->w[0]);
}

/* A port's master must be a bridge of the model; it may be declared
 * after the port (the import lists links by index). */
static int check_masters(const struct uipt_host *h, const char *file)
{
	for (unsigned int i = 0; i < h->nifaces; i++) {
		const struct uipt_host_iface *f = &h->ifaces[i], *m;

		if (!f->master[0])
			continue;
		m = uipt_host_iface(h, f->master);
		if (!m || !m->bridge)
			return xt_error(PARAMETER_PROBLEM, "%s: %s: master %s is not a bridge "
					"(declare it with `iface %s type bridge')", file,
					f->name, f->master, f->master);
	}
	return 0;
}

static bool same_route(const struct uipt_host_route *r, uint32_t dst, unsigned int len,
		       int oif, uint32_t table)
{
	return r->family == AF_INET && r->dst.v4.s_addr == dst && r->dst_len == len &&
	       r->oif == oif && r->table == table;
}

static bool has_route(const struct uipt_host *h, uint32_t dst, unsigned int len, int oif,
		      uint32_t table)
{
	for (unsigned int i = 0; i < h->nroutes; i++)
		if (same_route(&h->routes[i], dst, len, oif, table))
			return true;
	return false;
}

static void derive_one(struct uipt_host *h, uint32_t dst, unsigned int len, int oif,
		       uint32_t table, uint8_t type, struct in_addr src)
{
	struct uipt_host_route *r;

	if (has_route(h, dst, len, oif, table))
		return;
	r = add_route(h);
	r->dst.v4.s_addr = dst;
	r->dst_len = (uint8_t)len;
	r->oif = oif;
	r->table = table;
	r->type = type;
	r->prefsrc.v4 = src;
}

/* The routes the kernel adds for each address: its subnet in the main
 * table, and in the local table the address itself (lo: its prefix) and
 * the broadcast address.  Extensions (addrtype, MASQUERADE) read them. */
void uipt_host_derive_routes(struct uipt_host *h)
{
	for (unsigned int i = 0; i < h->nifaces; i++) {
		const struct uipt_host_iface *f = &h->ifaces[i];

		for (unsigned int k = 0; k < f->naddrs; k++) {
			const struct uipt_host_addr *a = &f->addrs[k];
			uint32_t net = a->addr.v4.s_addr & prefix_mask(a->prefixlen);

			if (a->family != AF_INET)
				continue;
			if (f->loopback)
				derive_one(h, net, a->prefixlen, f->index, RT_TABLE_LOCAL,
					   RTN_LOCAL, a->addr.v4);
			else
				derive_one(h, net, a->prefixlen, f->index, RT_TABLE_MAIN,
					   RTN_UNICAST, a->addr.v4);
			derive_one(h, a->addr.v4.s_addr, 32, f->index, RT_TABLE_LOCAL, RTN_LOCAL,
				   a->addr.v4);
			if (a->broadcast.v4.s_addr)
				derive_one(h, a->broadcast.v4.s_addr, 32, f->index, RT_TABLE_LOCAL,
					   RTN_BROADCAST, a->addr.v4);
		}
	}
}

/* A route derive_routes would make again: not written to the file. */
static bool derived(const struct uipt_host *h, const struct uipt_host_route *r)
{
	const struct uipt_host_iface *f = uipt_host_iface_index(h, r->oif);

	if (r->table == RT_TABLE_LOCAL)
		return true;
	for (unsigned int k = 0; f && k < f->naddrs; k++) {
		const struct uipt_host_addr *a = &f->addrs[k];

		if (a->family == AF_INET && !r->gateway.v4.s_addr &&
		    r->prefsrc.v4.s_addr == a->addr.v4.s_addr && r->dst_len == a->prefixlen &&
		    r->dst.v4.s_addr == (a->addr.v4.s_addr & prefix_mask(a->prefixlen)))
			return true;
	}
	return false;
}

int uipt_host_parse(FILE *f, const char *name, struct uipt_host **out)
{
	struct uipt_host *h = calloc(1, sizeof(*h));
	struct hostline l = { .file = name };
	char buf[1024];

	if (!h)
		abort();
	h->br_call_iptables = true;
	while (fgets(buf, sizeof(buf), f)) {
		l.line++;
		if (parse_line(h, &l, buf) < 0) {
			uipt_host_free(h);
			return -1;
		}
	}
	if (check_masters(h, name) < 0) {
		uipt_host_free(h);
		return -1;
	}
	uipt_host_note_bridges(h);
	uipt_host_derive_routes(h);
	*out = h;
	return 0;
}

static void host_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/host", uipt_state_dir());
}

int uipt_host_load(struct uipt_host **out)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	host_path(path, sizeof(path));
	if (!(f = fopen(path, "r"))) {
		if (errno != ENOENT)
			return xt_error(RESOURCE_PROBLEM, "cannot read %s: %s", path,
					strerror(errno));
		*out = uipt_host_default();
		return 0;
	}
	ret = uipt_host_parse(f, path, out);
	fclose(f);
	return ret;
}

static void write_iface(FILE *f, const struct uipt_host_iface *i)
{
	static const uint8_t zero[6];

	fprintf(f, "iface %s", i->name);
	if (i->loopback)
		fputs(" loopback", f);
	if (i->bridge)
		fputs(" type bridge", f);
	if (i->master[0])
		fprintf(f, " master %s", i->master);
	if (memcmp(i->mac, zero, 6))
		fprintf(f, " mac %02x:%02x:%02x:%02x:%02x:%02x", i->mac[0], i->mac[1],
			i->mac[2], i->mac[3], i->mac[4], i->mac[5]);
	if (i->mtu != (i->loopback ? 65536u : 1500u))
		fprintf(f, " mtu %u", i->mtu);
	if (i->group)
		fprintf(f, " group %u", i->group);
	if (!i->up)
		fputs(" down", f);
	fputc('\n', f);
}

static void write_addrs(FILE *f, const struct uipt_host_iface *i)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	for (unsigned int k = 0; k < i->naddrs; k++) {
		const struct uipt_host_addr *ad = &i->addrs[k];

		if (ad->family != AF_INET)
			continue;
		inet_ntop(AF_INET, &ad->addr.v4, a, sizeof(a));
		fprintf(f, "addr %s %s/%u", i->name, a, ad->prefixlen);
		if (ad->broadcast.v4.s_addr) {
			inet_ntop(AF_INET, &ad->broadcast.v4, b, sizeof(b));
			fprintf(f, " brd %s", b);
		}
		fputc('\n', f);
	}
}

static void write_route(FILE *f, const struct uipt_host *h,
			const struct uipt_host_route *r)
{
	const struct uipt_host_iface *i = uipt_host_iface_index(h, r->oif);
	char a[INET_ADDRSTRLEN];

	fputs("route", f);
	if (r->type != RTN_UNICAST)
		fprintf(f, " %s", route_type_name(r->type));
	if (!r->dst_len && !r->dst.v4.s_addr) {
		fputs(" default", f);
	} else {
		inet_ntop(AF_INET, &r->dst.v4, a, sizeof(a));
		fprintf(f, " %s/%u", a, r->dst_len);
	}
	if (r->gateway.v4.s_addr)
		fprintf(f, " via %s", inet_ntop(AF_INET, &r->gateway.v4, a, sizeof(a)));
	if (i)
		fprintf(f, " dev %s", i->name);
	if (r->prefsrc.v4.s_addr)
		fprintf(f, " src %s", inet_ntop(AF_INET, &r->prefsrc.v4, a, sizeof(a)));
	if (r->metric)
		fprintf(f, " metric %u", r->metric);
	fputc('\n', f);
}

void uipt_host_write(FILE *f, const struct uipt_host *h)
{
	for (unsigned int i = 0; i < h->nifaces; i++)
		write_iface(f, &h->ifaces[i]);
	for (unsigned int i = 0; i < h->nifaces; i++)
		write_addrs(f, &h->ifaces[i]);
	for (unsigned int i = 0; i < h->nroutes; i++)
		if (h->routes[i].family == AF_INET && !derived(h, &h->routes[i]))
			write_route(f, h, &h->routes[i]);
	for (unsigned int i = 0; i < h->nneighs; i++) {
		const struct uipt_host_neigh *n = &h->neighs[i];
		char a[INET_ADDRSTRLEN];

		fprintf(f, "neigh %s lladdr %02x:%02x:%02x:%02x:%02x:%02x dev %s\n",
			inet_ntop(AF_INET, &n->addr, a, sizeof(a)), n->mac[0], n->mac[1],
			n->mac[2], n->mac[3], n->mac[4], n->mac[5], n->dev);
	}
	if (!h->br_call_iptables)
		fputs("sysctl net.bridge.bridge-nf-call-iptables 0\n", f);
}

/* Written whole to a temporary file and renamed, as the tables are. */
int uipt_host_save(const struct uipt_host *h)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	FILE *f;

	host_path(path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return xt_error(RESOURCE_PROBLEM, "cannot write %s: %s", tmp,
				strerror(errno));
	fputs("# uiptables host model: iface, addr, route, neigh, sysctl lines (see uiptables-trace(8))\n", f);
	uipt_host_write(f, h);
	if (fflush(f) || fsync(fileno(f)) < 0) {
		fclose(f);
		unlink(tmp);
		return xt_error(RESOURCE_PROBLEM, "cannot write %s", tmp);
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return xt_error(RESOURCE_PROBLEM, "cannot replace %s: %s", path,
				strerror(errno));
	}
	return 0;
}

/* Helpers the import (host_import.c) shares. */
struct uipt_host_iface *uipt_host_add_iface(struct uipt_host *h, const char *name)
{
	return add_iface(h, name);
}

void uipt_host_add_addr(struct uipt_host_iface *i, struct in_addr a,
			unsigned int plen, const struct in_addr *brd)
{
	add_addr(i, a, plen, brd);
}

struct uipt_host_route *uipt_host_add_route(struct uipt_host *h)
{
	return add_route(h);
}
