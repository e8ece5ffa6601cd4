/*
 * ICMP connection tracking (nf_conntrack_proto_icmp): queries and their
 * answers (echo, timestamp, information, address mask) pair up by id; an
 * answer without its query, or a type with no answer, is INVALID.  Errors
 * are handled in conntrack.c: they are RELATED to what they quote.
 */
#include <stdio.h>
#include "ct.h"

#define ICMP_TIMEOUT (30 * NS_PER_S)

/* A query type and the type of its answer, either way round. */
static const uint8_t inverse[] = {
	[0] = 8 + 1, [8] = 0 + 1, [13] = 14 + 1, [14] = 13 + 1,
	[15] = 16 + 1, [16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
};

bool uipt_ct_icmp_tuple_ok(uint8_t type, uint8_t *inv)
{
	if (type >= sizeof(inverse) || !inverse[type])
		return false;
	*inv = (uint8_t)(inverse[type] - 1);
	return true;
}

bool uipt_ct_icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

bool uipt_ct_icmp_new(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	uint8_t type = (uint8_t)(c->c.tuple[0].dport >> 8), inv;

	if (!uipt_ct_icmp_tuple_ok(type, &inv)) {
		snprintf(cp->why, sizeof(cp->why), "can't invert tuple (ICMP type %u)", type);
		return false;
	}
	if (type != 8 && type != 13 && type != 15 && type != 17) {
		snprintf(cp->why, sizeof(cp->why), "not valid new (ICMP type %u)", type);
		return false;
	}
	return true;
}

enum uipt_ct_ret uipt_ct_icmp_packet(struct uipt_ev_conn *c, struct uipt_ct_pkt *cp)
{
	c->c.timeout_ns = cp->now + ICMP_TIMEOUT;
	return CT_OK;
}
