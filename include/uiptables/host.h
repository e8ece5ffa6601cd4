/*
 * The host model: what the evaluator knows of the machine the rules run
 * on — interfaces with their addresses, and routes.  Routing decisions,
 * MASQUERADE's address and addrtype come from here.
 */
#ifndef UIPTABLES_HOST_H
#define UIPTABLES_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

struct uipt_host_addr {
	uint8_t family;			/* AF_INET, AF_INET6 */
	uint8_t prefixlen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr, broadcast;
};

struct uipt_host_iface {
	char name[IFNAMSIZ];
	int index;
	bool up, loopback;
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t group;
	struct uipt_host_addr *addrs;
	unsigned int naddrs;
};

struct uipt_host_route {
	uint8_t family;
	uint8_t dst_len;
	uint8_t type;			/* RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE... */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} dst, gateway, prefsrc;
	int oif;			/* interface index */
	uint32_t metric;
	uint32_t table;
};

struct uipt_host {
	struct uipt_host_iface *ifaces;
	unsigned int nifaces;
	struct uipt_host_route *routes;
	unsigned int nroutes;
};

#endif
