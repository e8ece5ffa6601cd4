/*
 * Bridges of the host model: which bridge a port belongs to, which MACs
 * the bridge owns, and its forwarding database.
 *
 * The kernel's bridge learns each frame's source MAC on the port it came
 * in by (once the frame got past the bridge's PREROUTING) and forgets it
 * after the ageing time, 300 s; a frame to an unknown MAC is flooded.
 * The database lives with the evaluator's lasting state, one shared
 * section per bridge, so separate invocations continue one another.  Each
 * entry also keeps the IPv4 source last seen from that MAC: what a
 * neighbour table would say, for packets routed out through the bridge
 * and for the frame a sender on the bridge's subnet would address.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "eval.h"
#include "evstate.h"

#define FDB_SIZE 256
#define FDB_AGEING_NS (300ull * 1000000000ull)

struct fdb_entry {
	uint8_t mac[6];
	uint8_t used;
	uint8_t pad;
	char port[IFNAMSIZ];
	struct in_addr ip;
	uint32_t pad2;
	uint64_t seen_ns;
};

void uipt_host_note_bridges(struct uipt_host *h)
{
	h->has_bridges = false;
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (h->ifaces[i].master[0])
			h->has_bridges = true;
}

const struct uipt_host_iface *uipt_bridge_of(const struct uipt_host *h, const char *port)
{
	const struct uipt_host_iface *p;

	if (!h->has_bridges)
		return NULL;
	p = uipt_host_iface(h, port);

	return p && p->master[0] ? uipt_host_iface(h, p->master) : NULL;
}

/* The bridge's own address and its ports' are local entries of its
 * database: frames to any of them go up to the host. */
bool uipt_bridge_local_mac(const struct uipt_host *h, const struct uipt_host_iface *br,
			   const uint8_t mac[6])
{
	if (!memcmp(br->mac, mac, 6))
		return true;
	for (unsigned int i = 0; i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].master, br->name) && !memcmp(h->ifaces[i].mac, mac, 6))
			return true;
	return false;
}

static struct fdb_entry *fdb_of(struct uipt_eval *ev, const char *br)
{
	char key[64];

	snprintf(key, sizeof(key), "bridge-fdb:%s", br);
	return uipt_evstate_shared(ev, key, FDB_SIZE * sizeof(struct fdb_entry), NULL);
}

static bool alive(const struct fdb_entry *e, uint64_t now)
{
	return e->used && (now < e->seen_ns || now - e->seen_ns < FDB_AGEING_NS);
}

void uipt_fdb_learn(struct uipt_eval *ev, const char *br, const char *port,
		    const uint8_t mac[6], struct in_addr ip, uint64_t now)
{
	struct fdb_entry *t = fdb_of(ev, br), *slot = NULL;

	if (mac[0] & 1)
		return;		/* a group address is never a source */
	for (unsigned int i = 0; i < FDB_SIZE; i++) {
		if (t[i].used && !memcmp(t[i].mac, mac, 6)) {
			slot = &t[i];
			break;
		}
		if (!slot || (slot->used && (!t[i].used || t[i].seen_ns < slot->seen_ns)))
			slot = &t[i];
	}
	memcpy(slot->mac, mac, 6);
	slot->used = 1;
	uipt_ifname_copy(slot->port, port);
	slot->ip = ip;
	slot->seen_ns = now;
}

const char *uipt_fdb_port(struct uipt_eval *ev, const char *br, const uint8_t mac[6],
			  uint64_t now)
{
	struct fdb_entry *t = fdb_of(ev, br);

	for (unsigned int i = 0; i < FDB_SIZE; i++)
		if (alive(&t[i], now) && !memcmp(t[i].mac, mac, 6))
			return t[i].port;
	return NULL;
}

bool uipt_fdb_neigh(struct uipt_eval *ev, const char *br, struct in_addr ip,
		    uint64_t now, uint8_t mac[6])
{
	struct fdb_entry *t = fdb_of(ev, br);
	const struct fdb_entry *best = NULL;

	for (unsigned int i = 0; i < FDB_SIZE; i++)
		if (alive(&t[i], now) && t[i].ip.s_addr == ip.s_addr &&
		    (!best || t[i].seen_ns > best->seen_ns))
			best = &t[i];
	if (best)
		memcpy(mac, best->mac, 6);
	return best != NULL;
}
