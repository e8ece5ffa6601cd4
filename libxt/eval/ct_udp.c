/*
 * UDP connection tracking (nf_conntrack_proto_udp): 30 s until a reply is
 * seen; a flow still alive two seconds after its start that has been
 * answered becomes a stream, ASSURED, with 120 s.
 */
#include <stdio.h>
#include "ct.h"

#define UDP_UNREPLIED (30 * NS_PER_S)
#define UDP_REPLIED (120 * NS_PER_S)

bool uipt_ct_udp_error(struct uipt_ct_pkt *cp, bool check_csum)
{
	const struct xt_pkt *pkt = cp->pkt;
	const uint8_t *uh = pkt->data + pkt->thoff;
	unsigned int len = pkt->len - pkt->thoff;

	if (len < 8) {
		snprintf(cp->why, sizeof(cp->why), "short packet");
		return true;
	}
	if ((unsigned int)(uh[4] << 8 | uh[5]) > len || (uh[4] << 8 | uh[5]) < 8) {
		snprintf(cp->why, sizeof(cp->why), "truncated/malformed packet");
		return true;
	}
	if (check_csum && !uipt_pkt_l4_csum_ok(pkt)) {
		snprintf(cp->why, sizeof(cp->why), "bad checksum");
		return true;
	}
	return false;
}

enum uipt_ct_ret uipt_ct_udp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	/* The reply bit is set after the tracker ran, so a reply itself
	 * still counts as unreplied here, as in the kernel. */
	if (c->c.status & IPS_SEEN_REPLY) {
		uint64_t extra = UDP_UNREPLIED;

		if (cp->now > c->udp_stream_ns) {
			extra = UDP_REPLIED;
			c->c.status |= IPS_ASSURED;
		}
		c->c.timeout_ns = cp->now + extra;
	} else {
		c->c.timeout_ns = cp->now + UDP_UNREPLIED;
	}
	return CT_OK;
}
