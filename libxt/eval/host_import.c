/*
 * The host model read from the running system over rtnetlink (libmnl):
 * links, IPv4 addresses, the main table's IPv4 routes and the IPv4
 * neighbours.  Four dumps on one socket; the kernel's own connected and local routes are derived
 * again from the addresses (uipt_host_derive_routes), so they are not
 * imported twice.
 */
#include "eval.h"		/* net/if.h before the uapi headers */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../error.h"

struct import {
	struct mnl_socket *nl;
	struct uipt_host *h;
	int *master;		/* IFLA_MASTER of each interface, by position */
	uint32_t seq, portid;
	char *buf;
};

static struct uipt_host_iface *by_index(struct uipt_host *h, int index)
{
	return (struct uipt_host_iface *)uipt_host_iface_index(h, index);
}

/* Attributes by type, up to the message's own maximum. */
struct attrs {
	const struct nlattr **tb;
	uint16_t max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

#define PARSE(nlh, hdr, tb) \
	mnl_attr_parse(nlh, sizeof(*(hdr)), attr_cb, \
		       &(struct attrs){ tb, sizeof(tb) / sizeof(tb[0]) - 1 })

static bool is_bridge(const struct nlattr *linkinfo)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, linkinfo)
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    mnl_attr_validate(a, MNL_TYPE_STRING) >= 0 &&
		    !strcmp(mnl_attr_get_str(a), "bridge"))
			return true;
	return false;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct import *im = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct uipt_host_iface *i;

	PARSE(nlh, ifi, tb);
	if (!tb[IFLA_IFNAME] || mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	i = uipt_host_add_iface(im->h, mnl_attr_get_str(tb[IFLA_IFNAME]));
	i->index = ifi->ifi_index;
	i->up = ifi->ifi_flags & IFF_UP;
	i->loopback = ifi->ifi_flags & IFF_LOOPBACK;
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) >= 0)
		i->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_GROUP] && mnl_attr_validate(tb[IFLA_GROUP], MNL_TYPE_U32) >= 0)
		i->group = mnl_attr_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6 &&
	    ifi->ifi_type == ARPHRD_ETHER)
		memcpy(i->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	i->bridge = tb[IFLA_LINKINFO] && is_bridge(tb[IFLA_LINKINFO]);
	im->master = realloc(im->master, im->h->nifaces * sizeof(*im->master));
	if (!im->master)
		abort();
	im->master[im->h->nifaces - 1] = 0;
	if (tb[IFLA_MASTER] && mnl_attr_validate(tb[IFLA_MASTER], MNL_TYPE_U32) >= 0)
		im->master[im->h->nifaces - 1] = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	return MNL_CB_OK;
}

/* A port names its master by index; the master may come later in the
 * dump.  Only bridges are kept as masters (a bond or VRF is not one). */
static void resolve_masters(struct import *im)
{
	for (unsigned int k = 0; k < im->h->nifaces; k++) {
		const struct uipt_host_iface *m = by_index(im->h, im->master[k]);

		if (im->master[k] && m && m->bridge)
			snprintf(im->h->ifaces[k].master, IFNAMSIZ, "%s", m->name);
	}
}

/* net.bridge.bridge-nf-call-iptables of this namespace; absent without
 * br_netfilter, which then calls nothing. */
static bool call_iptables(void)
{
	FILE *f = fopen("/proc/sys/net/bridge/bridge-nf-call-iptables", "r");
	int v = 0;

	if (!f)
		return false;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v != 0;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct import *im = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct uipt_host_iface *i = by_index(im->h, (int)ifa->ifa_index);
	struct in_addr a, brd;
	const struct nlattr *at;

	if (ifa->ifa_family != AF_INET || !i)
		return MNL_CB_OK;
	PARSE(nlh, ifa, tb);
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || mnl_attr_get_payload_len(at) != 4)
		return MNL_CB_OK;
	memcpy(&a, mnl_attr_get_payload(at), 4);
	if (tb[IFA_BROADCAST] && mnl_attr_get_payload_len(tb[IFA_BROADCAST]) == 4) {
		memcpy(&brd, mnl_attr_get_payload(tb[IFA_BROADCAST]), 4);
		uipt_host_add_addr(i, a, ifa->ifa_prefixlen, &brd);
	} else {
		struct in_addr none = { 0 };

		uipt_host_add_addr(i, a, ifa->ifa_prefixlen, &none);
	}
	return MNL_CB_OK;
}

static void copy4(const struct nlattr *a, struct in_addr *out)
{
	if (a && mnl_attr_get_payload_len(a) == 4)
		memcpy(out, mnl_attr_get_payload(a), 4);
}

/* Main-table routes the administrator made (the kernel's own are derived). */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct import *im = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct uipt_host_route *r;
	uint32_t table = rtm->rtm_table;

	if (rtm->rtm_family != AF_INET || rtm->rtm_protocol == RTPROT_KERNEL)
		return MNL_CB_OK;
	PARSE(nlh, rtm, tb);
	if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) >= 0)
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	r = uipt_host_add_route(im->h);
	r->type = rtm->rtm_type;
	r->dst_len = rtm->rtm_dst_len;
	copy4(tb[RTA_DST], &r->dst.v4);
	copy4(tb[RTA_GATEWAY], &r->gateway.v4);
	copy4(tb[RTA_PREFSRC], &r->prefsrc.v4);
	if (tb[RTA_OIF] && mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) >= 0)
		r->oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY] && mnl_attr_validate(tb[RTA_PRIORITY], MNL_TYPE_U32) >= 0)
		r->metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	return MNL_CB_OK;
}

/* Neighbours with a link-layer address (ip neigh): which MAC, and so which
 * bridge port, a packet routed out through a bridge goes to. */
static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct import *im = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	const struct uipt_host_iface *i = by_index(im->h, ndm->ndm_ifindex);
	struct in_addr a;

	if (ndm->ndm_family != AF_INET || !i ||
	    (ndm->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)))
		return MNL_CB_OK;
	PARSE(nlh, ndm, tb);
	if (!tb[NDA_DST] || mnl_attr_get_payload_len(tb[NDA_DST]) != 4 ||
	    !tb[NDA_LLADDR] || mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6)
		return MNL_CB_OK;
	memcpy(&a, mnl_attr_get_payload(tb[NDA_DST]), 4);
	uipt_host_add_neigh(im->h, a, mnl_attr_get_payload(tb[NDA_LLADDR]), i->name);
	return MNL_CB_OK;
}

static int dump(struct import *im, uint16_t type, size_t hdrlen, uint8_t family,
		mnl_cb_t cb)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(im->buf);
	struct rtgenmsg *g;
	ssize_t n;
	int ret = MNL_CB_OK;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++im->seq;
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = family;
	if (mnl_socket_sendto(im->nl, nlh, nlh->nlmsg_len) < 0)
		return xt_error(RESOURCE_PROBLEM, "rtnetlink: %s", strerror(errno));
	while (ret > MNL_CB_STOP) {
		n = mnl_socket_recvfrom(im->nl, im->buf, MNL_SOCKET_BUFFER_SIZE);
		if (n <= 0)
			return xt_error(RESOURCE_PROBLEM, "rtnetlink: %s", strerror(errno));
		ret = mnl_cb_run(im->buf, (size_t)n, im->seq, im->portid, cb, im);
	}
	return ret < 0 ? xt_error(RESOURCE_PROBLEM, "rtnetlink: %s", strerror(errno)) : 0;
}

int uipt_host_import(struct uipt_host **out)
{
	struct import im = { 0 };
	int ret = -1;

	im.h = calloc(1, sizeof(*im.h));
	im.buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!im.h || !im.buf)
		abort();
	im.nl = mnl_socket_open(NETLINK_ROUTE);
	if (!im.nl || mnl_socket_bind(im.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		xt_error(RESOURCE_PROBLEM, "rtnetlink: %s", strerror(errno));
		goto out;
	}
	im.portid = mnl_socket_get_portid(im.nl);
	im.seq = (uint32_t)time(NULL);
	if (dump(&im, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, link_cb) < 0 ||
	    dump(&im, RTM_GETADDR, sizeof(struct ifaddrmsg), AF_INET, addr_cb) < 0 ||
	    dump(&im, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET, route_cb) < 0 ||
	    dump(&im, RTM_GETNEIGH, sizeof(struct ndmsg), AF_INET, neigh_cb) < 0)
		goto out;
	if (im.h->nifaces)
		resolve_masters(&im);
	uipt_host_note_bridges(im.h);
	im.h->br_call_iptables = call_iptables();
	uipt_host_derive_routes(im.h);
	*out = im.h;
	im.h = NULL;
	ret = 0;
out:
	if (im.nl)
		mnl_socket_close(im.nl);
	uipt_host_free(im.h);
	free(im.master);
	free(im.buf);
	return ret;
}
