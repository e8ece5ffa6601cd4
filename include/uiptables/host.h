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
	bool bridge;			/* type bridge */
	char master[IFNAMSIZ];		/* the bridge it is a port of; "" none */
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

/* A neighbour entry (ip neigh): the MAC of an address on a link. */
struct uipt_host_neigh {
	struct in_addr addr;
	uint8_t mac[6];
	char dev[IFNAMSIZ];
};

struct uipt_host {
	struct uipt_host_iface *ifaces;
	unsigned int nifaces;
	struct uipt_host_route *routes;
	unsigned int nroutes;
	struct uipt_host_neigh *neighs;
	unsigned int nneighs;
	/* net.bridge.bridge-nf-call-iptables: bridged IPv4 frames go through
	 * the iptables hooks (br_netfilter); on in a new namespace. */
	bool br_call_iptables;
	bool has_bridges;		/* any port of a bridge: the per-packet
					 * lookups are skipped without */
};

/*
 * For extensions' kernel halves (addrtype, MASQUERADE, REDIRECT), as the
 * kernel answers them from its routing tables.
 */

/* The route type of an address (RTN_LOCAL, RTN_UNICAST, RTN_BROADCAST,
 * RTN_MULTICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT...), as
 * inet_dev_addr_type(); dev limits LOCAL to that device's addresses
 * (NULL: any). */
unsigned int uipt_host_addr_type(const struct uipt_host *h, struct in_addr a,
				 const char *dev);
/* The source address the host would choose on interface dev to reach dst
 * (inet_select_addr): an address of dev on dst's subnet, else its primary.
 * dst 0.0.0.0 gives the primary.  False if dev has no IPv4 address. */
bool uipt_host_select_addr(const struct uipt_host *h, const char *dev,
			   struct in_addr dst, struct in_addr *src);

#endif
