/* l2tp: tunnel and session ids, version and type of an L2TP packet. */
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_l2tp.h>
#include "../libxt/error.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif

enum { O_SID, O_TID, O_VERSION, O_TYPE };

static const struct xt_option_entry l2tp_opts[] = {
	{ .name = "tunnel-id", .id = O_TID, .type = XTTYPE_UINT32 },
	{ .name = "tid", .id = O_TID, .type = XTTYPE_UINT32 },
	{ .name = "session-id", .id = O_SID, .type = XTTYPE_UINT32 },
	{ .name = "sid", .id = O_SID, .type = XTTYPE_UINT32 },
	{ .name = "type", .id = O_TYPE, .type = XTTYPE_STRING },
	{ .name = "pversion", .id = O_VERSION, .type = XTTYPE_UINT8 },
	XTOPT_TABLEEND,
};

static void l2tp_help(FILE *f)
{
	fprintf(f, "L2TP match options:\n"
		" --tunnel-id id\n"
		" --tid id                       the tunnel id\n"
		" --session-id id\n"
		" --sid id                       the session id\n"
		" --pversion {2|3}               the L2TP version\n"
		" --type {control|data}          control or data packets\n"
		"At least one of the ids or --type control is needed, with -p udp,\n"
		"or -p l2tpip (115) for L2TPv3 over IP.\n");
}

static int l2tp_parse(struct xt_option_call *cb)
{
	struct xt_l2tp_info *l = cb->data;

	switch (cb->entry->id) {
	case O_TID:
		l->tid = cb->val.u32;
		l->flags |= XT_L2TP_TID;
		break;
	case O_SID:
		l->sid = cb->val.u32;
		l->flags |= XT_L2TP_SID;
		break;
	case O_VERSION:
		l->version = cb->val.u8;
		l->flags |= XT_L2TP_VERSION;
		break;
	case O_TYPE:
		if (!strcasecmp(cb->arg, "data"))
			l->type = XT_L2TP_TYPE_DATA;
		else if (!strcasecmp(cb->arg, "control"))
			l->type = XT_L2TP_TYPE_CONTROL;
		else
			return xt_error(PARAMETER_PROBLEM,
					"l2tp match: type must be data or control");
		l->flags |= XT_L2TP_TYPE;
		break;
	}
	return 0;
}

static void dump(FILE *f, const struct xt_l2tp_info *l, const char *pre)
{
	if (l->flags & XT_L2TP_TID)
		fprintf(f, " %stid %u", pre, l->tid);
	if (l->flags & XT_L2TP_SID)
		fprintf(f, " %ssid %u", pre, l->sid);
	if (l->flags & XT_L2TP_VERSION)
		fprintf(f, " %spversion %u", pre, l->version);
	if (l->flags & XT_L2TP_TYPE)
		fprintf(f, " %stype %s", pre, l->type == XT_L2TP_TYPE_DATA ? "data" : "control");
}

static void l2tp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	fputs(" l2tp:", f);
	dump(f, data, "");
}

static void l2tp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	dump(f, data, "--");
}

static int l2tp_check(const struct xt_check_param *par)
{
	const struct xt_l2tp_info *l = par->data;
	uint16_t proto = par->entry->ip.proto;
	bool bad = false;

	bad |= l->flags & ~(XT_L2TP_TID | XT_L2TP_SID | XT_L2TP_VERSION | XT_L2TP_TYPE);
	/* Something to match on: an id, or being a control packet. */
	bad |= !(l->flags & (XT_L2TP_TID | XT_L2TP_SID)) &&
	       (!(l->flags & XT_L2TP_TYPE) || l->type != XT_L2TP_TYPE_CONTROL);
	if (l->flags & XT_L2TP_VERSION) {
		bad |= l->version < 2 || l->version > 3;
		/* L2TPv2 ids are 16 bits. */
		bad |= l->version == 2 && (((l->flags & XT_L2TP_TID) && l->tid > 0xFFFF) ||
					   ((l->flags & XT_L2TP_SID) && l->sid > 0xFFFF));
	}
	bad |= proto != IPPROTO_UDP && proto != IPPROTO_L2TP;
	bad |= proto == IPPROTO_L2TP && l->version == 2;	/* v2 has no IP mode */
	if (bad)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

struct l2tp_seen {
	uint32_t tid, sid;
	uint8_t version, type;
};

static bool compare(const struct xt_l2tp_info *l, const struct l2tp_seen *d)
{
	if ((l->flags & XT_L2TP_TYPE) && l->type != d->type)
		return false;
	if ((l->flags & XT_L2TP_VERSION) && l->version != d->version)
		return false;
	/* The tunnel id counts for v3 control and all v2 packets. */
	if ((l->flags & XT_L2TP_TID) &&
	    (d->type == XT_L2TP_TYPE_CONTROL || d->version == 2) && l->tid != d->tid)
		return false;
	/* The session id only for data packets. */
	if ((l->flags & XT_L2TP_SID) && d->type == XT_L2TP_TYPE_DATA && l->sid != d->sid)
		return false;
	return true;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Over UDP: the first 16 bits say the version and where the ids are. */
static bool over_udp(const struct xt_pkt *pkt, const struct xt_l2tp_info *l)
{
	unsigned int off = pkt->thoff + 8;
	struct l2tp_seen d = { 0 };
	uint16_t flags;

	if (pkt->fragoff || off + 2 > pkt->len)
		return false;
	flags = be16(pkt->data + off);
	d.type = flags & 0x8000 ? XT_L2TP_TYPE_CONTROL : XT_L2TP_TYPE_DATA;
	d.version = flags & 0x000F;
	if (d.version == 3) {
		if (off + 8 > pkt->len)
			return false;
		if (d.type == XT_L2TP_TYPE_CONTROL)
			d.tid = be32(pkt->data + off + 4);
		else
			d.sid = be32(pkt->data + off + 4);
	} else if (d.version == 2) {
		if (flags & 0x4000)	/* the length field is present */
			off += 2;
		if (off + 6 > pkt->len)
			return false;
		d.tid = be16(pkt->data + off + 2);
		d.sid = be16(pkt->data + off + 4);
	} else {
		return false;
	}
	return compare(l, &d);
}

/* L2TPv3 over IP: a zero session id marks a control packet. */
static bool over_ip(const struct xt_pkt *pkt, const struct xt_l2tp_info *l)
{
	struct l2tp_seen d = { .version = 3 };
	unsigned int off = pkt->thoff;

	if (off + 4 > pkt->len)
		return false;
	d.sid = be32(pkt->data + off);
	if (d.sid) {
		d.type = XT_L2TP_TYPE_DATA;
	} else {
		d.type = XT_L2TP_TYPE_CONTROL;
		if (off + 12 > pkt->len)
			return false;
		d.tid = be32(pkt->data + off + 8);
	}
	return compare(l, &d);
}

static bool l2tp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	uint8_t proto = pkt->data[9];

	if (proto == IPPROTO_UDP)
		return over_udp(pkt, par->data);
	if (proto == IPPROTO_L2TP)
		return over_ip(pkt, par->data);
	return false;
}

static struct xtables_match l2tp_match_ext = {
	.name = "l2tp",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_l2tp_info),
	.userspacesize = sizeof(struct xt_l2tp_info),
	.help = l2tp_help,
	.parse = l2tp_parse,
	.print = l2tp_print,
	.save = l2tp_save,
	.options = l2tp_opts,
	.checkentry = l2tp_check,
	.match = l2tp_match,
};

void libxt_l2tp_init(void)
{
	xtables_register_match(&l2tp_match_ext);
}
