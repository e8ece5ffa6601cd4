/*
 * The kernel halves of batch A's extensions: match()/target() on crafted
 * packets and connections, with the kernel's semantics (inversion, no
 * connection, untracked, per-rule state).
 */
#include <arpa/inet.h>
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_CONNSECMARK.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_SECMARK.h>
#include <linux/netfilter/xt_connbytes.h>
#include <linux/netfilter/xt_connlabel.h>
#include <linux/netfilter/xt_connlimit.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_helper.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_quota.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpudp.h>
#include "../../libxt/registry.h"
#include "tap.h"

/* What the evaluator would be asked. */
static int untracks, assumes;

static void op_untrack(struct xt_pkt *pkt)
{
	untracks++;
	pkt->untracked = true;
	pkt->ctinfo = UIPT_CT_UNTRACKED;
}

static void op_assume(struct xt_pkt *pkt, const char *what)
{
	(void)pkt;
	(void)what;
	assumes++;
}

/* The helper of the packet's connection's master (none: NULL). */
static const char *master_helper;

static const char *op_master_helper(const struct xt_pkt *pkt)
{
	(void)pkt;
	return master_helper;
}

static const struct uipt_eval_ops ops = {
	.untrack = op_untrack,
	.assume = op_assume,
	.master_helper = op_master_helper,
};

static uint8_t buf[60];
static struct uipt_conn conn;
static struct xt_pkt pkt;

/* A 60-byte TCP segment 192.0.2.1:1234 -> 198.51.100.2:80, in a NEW
 * connection whose reply comes from 198.51.100.2. */
static void fresh(void)
{
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x45;
	buf[3] = sizeof(buf);
	buf[8] = 64;
	buf[9] = IPPROTO_TCP;
	inet_pton(AF_INET, "192.0.2.1", buf + 12);
	inet_pton(AF_INET, "198.51.100.2", buf + 16);
	buf[20] = 1234 >> 8;
	buf[21] = 1234 & 0xff;
	buf[23] = 80;
	buf[32] = 5 << 4;
	buf[33] = 0x02;

	memset(&conn, 0, sizeof(conn));
	for (int d = 0; d < 2; d++) {
		conn.tuple[d].l3num = NFPROTO_IPV4;
		conn.tuple[d].l4proto = IPPROTO_TCP;
	}
	inet_pton(AF_INET, "192.0.2.1", &conn.tuple[0].src.in);
	inet_pton(AF_INET, "198.51.100.2", &conn.tuple[0].dst.in);
	conn.tuple[0].sport = htons(1234);
	conn.tuple[0].dport = htons(80);
	conn.tuple[1].src = conn.tuple[0].dst;
	conn.tuple[1].dst = conn.tuple[0].src;
	conn.tuple[1].sport = htons(80);
	conn.tuple[1].dport = htons(1234);
	conn.status = IPS_CONFIRMED;
	conn.timeout_ns = 120ull * 1000000000ull;

	memset(&pkt, 0, sizeof(pkt));
	pkt.data = buf;
	pkt.len = sizeof(buf);
	pkt.thoff = 20;
	pkt.family = NFPROTO_IPV4;
	pkt.l4proto = IPPROTO_TCP;
	pkt.hook = NF_INET_LOCAL_IN;
	pkt.ct = &conn;
	pkt.ctinfo = UIPT_CT_NEW;
	pkt.ops = &ops;
	pkt.assume_unknown_match = true;
	untracks = assumes = 0;
	master_helper = NULL;
}

static bool match(const char *name, uint8_t rev, const void *data, void *priv)
{
	const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);
	struct xt_action_param par = { .data = data, .family = NFPROTO_IPV4,
				       .hook = pkt.hook, .priv = priv };

	if (!m || !m->match) {
		printf("# no match %s rev %u\n", name, rev);
		return false;
	}
	return m->match(&pkt, &par);
}

static unsigned int target(const char *name, uint8_t rev, const void *data)
{
	const struct xtables_target *t = xt_find_target_rev(name, rev, NFPROTO_IPV4);
	struct xt_action_param par = { .data = data, .family = NFPROTO_IPV4,
				       .hook = pkt.hook };

	if (!t || !t->target) {
		printf("# no target %s rev %u\n", name, rev);
		return NF_DROP;
	}
	return t->target(&pkt, &par);
}

static void test_conntrack(void)
{
	struct xt_conntrack_mtinfo3 ci = { 0 };
	struct xt_conntrack_mtinfo1 c1 = { 0 };

	fresh();
	ci.match_flags = XT_CONNTRACK_STATE;
	ci.state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_NEW);
	ok(match("conntrack", 3, &ci, NULL), "conntrack: NEW packet has state NEW");
	ci.invert_flags = XT_CONNTRACK_STATE;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: ! --ctstate NEW does not match it");
	ci.invert_flags = 0;
	pkt.ct = NULL;
	pkt.ctinfo = UIPT_CT_ESTABLISHED;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: no connection is not NEW");
	ci.state_mask = XT_CONNTRACK_STATE_INVALID;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: no connection is INVALID");
	op_untrack(&pkt);
	ci.state_mask = XT_CONNTRACK_STATE_UNTRACKED;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: untracked is UNTRACKED");

	fresh();
	conn.status |= IPS_SRC_NAT;
	ci.state_mask = XT_CONNTRACK_STATE_SNAT;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: SNAT from the status bit");

	fresh();
	memset(&ci, 0, sizeof(ci));
	ci.match_flags = XT_CONNTRACK_DIRECTION;
	ci.invert_flags = XT_CONNTRACK_DIRECTION;	/* --ctdir REPLY */
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: --ctdir REPLY, original packet");
	pkt.ctinfo = UIPT_CT_ESTABLISHED_REPLY;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: --ctdir REPLY, reply packet");

	fresh();
	memset(&ci, 0, sizeof(ci));
	ci.match_flags = XT_CONNTRACK_ORIGSRC | XT_CONNTRACK_REPLSRC;
	inet_pton(AF_INET, "192.0.2.77", &ci.origsrc_addr.in);
	inet_pton(AF_INET, "255.255.255.0", &ci.origsrc_mask.in);
	inet_pton(AF_INET, "198.51.100.2", &ci.replsrc_addr.in);
	memset(&ci.replsrc_mask, 0xff, sizeof(ci.replsrc_mask));
	ok(match("conntrack", 3, &ci, NULL), "conntrack: address under mask, host bits ignored");
	ci.invert_flags = XT_CONNTRACK_REPLSRC;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: ! --ctreplsrc");

	fresh();
	memset(&ci, 0, sizeof(ci));
	ci.match_flags = XT_CONNTRACK_ORIGSRC_PORT | XT_CONNTRACK_PROTO;
	ci.l4proto = IPPROTO_TCP;
	ci.origsrc_port = 1000;
	ci.origsrc_port_high = 2000;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: rev 3 port range, host order");
	ci.origsrc_port_high = 1233;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: port above the range");
	ci.origsrc_port_high = 2000;
	ci.l4proto = IPPROTO_UDP;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: --ctproto udp on tcp");
	ci.invert_flags = XT_CONNTRACK_PROTO;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: ! --ctproto udp on tcp");

	fresh();
	c1.match_flags = XT_CONNTRACK_REPLSRC_PORT;
	c1.replsrc_port = htons(80);
	ok(match("conntrack", 1, &c1, NULL), "conntrack: rev 1 port, network order");
	c1.replsrc_port = htons(81);
	ok(!match("conntrack", 1, &c1, NULL), "conntrack: rev 1 other port");

	fresh();
	memset(&ci, 0, sizeof(ci));
	ci.match_flags = XT_CONNTRACK_EXPIRES | XT_CONNTRACK_STATUS;
	ci.expires_min = 100;
	ci.expires_max = 120;
	ci.status_mask = IPS_CONFIRMED;
	pkt.now_ns = 10ull * 1000000000ull;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: 110 s left is in 100:120");
	pkt.now_ns = 30ull * 1000000000ull;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: 90 s left is not");
	ci.invert_flags = XT_CONNTRACK_EXPIRES;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: ! --ctexpire 100:120");
	ci.status_mask = IPS_ASSURED;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: --ctstatus ASSURED on unassured");

	/* The kernel's timeout is relative until confirmation: 0 s left. */
	memset(&ci, 0, sizeof(ci));
	ci.match_flags = XT_CONNTRACK_EXPIRES;
	ci.expires_min = 0;
	ci.expires_max = 0;
	pkt.now_ns = 10ull * 1000000000ull;
	conn.status &= ~IPS_CONFIRMED;
	ok(match("conntrack", 3, &ci, NULL), "conntrack: unconfirmed has 0 s left");
	conn.status |= IPS_CONFIRMED;
	ok(!match("conntrack", 3, &ci, NULL), "conntrack: confirmed has its timeout left");
}

static void test_state(void)
{
	struct xt_conntrack_mtinfo3 ci = { 0 };
	struct xt_state_info s0 = { XT_STATE_BIT(IP_CT_ESTABLISHED) };

	fresh();
	ci.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS;
	ci.state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED);
	pkt.ctinfo = UIPT_CT_ESTABLISHED_REPLY;
	ok(match("conntrack", 3, &ci, NULL), "state: reply packet is ESTABLISHED");
	ok(match("state", 0, &s0, NULL), "state rev 0: ESTABLISHED");
	pkt.ct = NULL;
	ok(!match("state", 0, &s0, NULL), "state rev 0: no connection is INVALID");
	s0.statemask = XT_STATE_UNTRACKED;
	op_untrack(&pkt);
	ok(match("state", 0, &s0, NULL), "state rev 0: UNTRACKED");
}

static void test_marks(void)
{
	struct xt_mark_mtinfo1 m = { .mark = 0x10, .mask = 0xf0 };
	struct xt_mark_tginfo2 t = { .mark = 0x3, .mask = 0xff };
	struct xt_connmark_mtinfo1 cm = { .mark = 0x5, .mask = 0xff };

	fresh();
	pkt.mark = 0x1f;
	ok(match("mark", 1, &m, NULL), "mark: 0x1f & 0xf0 == 0x10");
	m.invert = 1;
	ok(!match("mark", 1, &m, NULL), "mark: inverted");

	ok(target("MARK", 2, &t) == XT_CONTINUE && pkt.mark == 0x3,
	   "MARK: (0x1f & ~0xff) ^ 0x3 = 0x3, continue");
	t.mark = 0x1;
	t.mask = 0;
	target("MARK", 2, &t);
	ok(pkt.mark == 0x2, "MARK --xor-mark 1: 0x3 -> 0x2");

	conn.mark = 0x105;
	ok(match("connmark", 1, &cm, NULL), "connmark: 0x105 & 0xff == 5");
	cm.invert = 1;
	ok(!match("connmark", 1, &cm, NULL), "connmark: inverted");
	pkt.ct = NULL;
	ok(!match("connmark", 1, &cm, NULL), "connmark: no connection, no match even inverted");
}

static void test_CONNMARK(void)
{
	struct xt_connmark_tginfo2 t = { 0 };

	fresh();
	pkt.mark = 0xab;
	conn.mark = 0x1200;
	t.mode = XT_CONNMARK_SAVE;
	t.nfmask = 0xff;
	t.ctmask = 0xff00;
	t.shift_dir = D_SHIFT_LEFT;
	t.shift_bits = 8;
	ok(target("CONNMARK", 2, &t) == XT_CONTINUE && conn.mark == 0xab00,
	   "CONNMARK --save-mark, nfmask 0xff, ctmask 0xff00, left shift 8");
	t.mode = XT_CONNMARK_RESTORE;
	t.shift_dir = D_SHIFT_RIGHT;
	pkt.mark = 0xff000000;
	target("CONNMARK", 2, &t);
	ok(pkt.mark == 0xff0000ab, "CONNMARK --restore-mark, right shift 8");
	t.mode = XT_CONNMARK_SET;
	t.ctmark = 0x1;
	t.ctmask = 0xffffffff;
	t.shift_bits = 0;
	target("CONNMARK", 2, &t);
	ok(conn.mark == 0x1, "CONNMARK --set-mark 1");
	pkt.ct = NULL;
	pkt.mark = 7;
	t.mode = XT_CONNMARK_RESTORE;
	ok(target("CONNMARK", 2, &t) == XT_CONTINUE && pkt.mark == 7,
	   "CONNMARK without a connection leaves the packet alone");
}

static void test_CT(void)
{
	struct xt_ct_target_info_v1 ct = { .flags = XT_CT_NOTRACK | XT_CT_NOTRACK_ALIAS };

	fresh();
	pkt.hook = NF_INET_PRE_ROUTING;
	pkt.ct = NULL;
	ok(target("CT", 2, &ct) == XT_CONTINUE && untracks == 1 && pkt.untracked,
	   "NOTRACK: a packet without a connection is untracked");
	fresh();
	ok(target("CT", 2, &ct) == XT_CONTINUE && untracks == 0,
	   "NOTRACK: a packet conntrack has seen is left alone");
	fresh();
	pkt.ct = NULL;
	ct.flags = 0;
	ct.zone = 3;
	ok(target("CT", 2, &ct) == XT_CONTINUE && untracks == 0 && assumes == 1,
	   "CT --zone: the template is assumed");
	fresh();
	pkt.ct = NULL;
	ct.zone = 0;
	strcpy(ct.helper, "ftp");
	ok(target("CT", 2, &ct) == XT_CONTINUE && pkt.ct_tmpl && !strcmp(pkt.ct_helper, "ftp") &&
	   assumes == 0, "CT --helper ftp: the template carries the helper");
	strcpy(ct.helper, "irc");
	target("CT", 2, &ct);
	ok(!strcmp(pkt.ct_helper, "ftp"), "CT: a second template is not taken");
	ct.flags = XT_CT_NOTRACK;
	target("CT", 2, &ct);
	ok(!pkt.untracked && untracks == 0, "CT --notrack after a template: left alone");
	fresh();
	strcpy(ct.helper, "ftp");
	ct.flags = 0;
	ok(target("CT", 2, &ct) == XT_CONTINUE && !pkt.ct_tmpl,
	   "CT --helper: a packet conntrack has seen is left alone");
}

static void test_helper_connbytes(void)
{
	struct xt_helper_info h = { .name = "ftp" };
	struct xt_connbytes_info cb = { .count = { 10, 100 }, .what = XT_CONNBYTES_PKTS,
					.direction = XT_CONNBYTES_DIR_BOTH };

	fresh();
	ok(!match("helper", 0, &h, NULL), "helper: a connection without master");
	h.invert = 1;
	ok(match("helper", 0, &h, NULL), "helper: inverted, without master");
	conn.status |= IPS_EXPECTED;
	master_helper = "ftp";
	ok(!match("helper", 0, &h, NULL) && assumes == 0, "helper: inverted, master's is ftp");
	h.invert = 0;
	ok(match("helper", 0, &h, NULL), "helper: the master's helper is ftp");
	strcpy(h.name, "ftp-21");
	ok(match("helper", 0, &h, NULL), "helper: ftp-21 begins with the master's ftp");
	strcpy(h.name, "sip");
	ok(!match("helper", 0, &h, NULL), "helper: sip is not the master's ftp");
	h.name[0] = '\0';
	ok(match("helper", 0, &h, NULL), "helper: an empty name matches any helper");

	fresh();
	conn.acct = 0;
	ok(!match("connbytes", 0, &cb, NULL), "connbytes: a connection without accounting");
	conn.acct = 1;
	conn.packets[0] = 6;
	conn.packets[1] = 5;
	conn.bytes[0] = 600;
	conn.bytes[1] = 50;
	ok(match("connbytes", 0, &cb, NULL), "connbytes: 11 packets both ways in 10:100");
	cb.direction = XT_CONNBYTES_DIR_REPLY;
	ok(!match("connbytes", 0, &cb, NULL), "connbytes: 5 reply packets not in 10:100");
	cb.count.from = 100;
	cb.count.to = 10;			/* ! --connbytes 10:100 */
	ok(match("connbytes", 0, &cb, NULL), "connbytes: inverted range");
	cb.what = XT_CONNBYTES_AVGPKT;
	cb.direction = XT_CONNBYTES_DIR_ORIGINAL;
	cb.count.from = 100;
	cb.count.to = 100;
	ok(match("connbytes", 0, &cb, NULL), "connbytes: average 600/6 = 100");
	pkt.ct = NULL;
	ok(!match("connbytes", 0, &cb, NULL), "connbytes: no connection");
}

static void test_stateful(void)
{
	struct xt_quota_info q = { .quota = 100 };
	struct xt_statistic_info st = { .mode = XT_STATISTIC_MODE_NTH };
	uint8_t qpriv[64] = { 0 }, spriv[64] = { 0 };
	int hits = 0;

	fresh();
	pkt.len = 60;
	ok(match("quota", 0, &q, qpriv), "quota: first 60 of 100 bytes");
	ok(!match("quota", 0, &q, qpriv), "quota: next 60 do not fit");
	pkt.len = 40;
	ok(!match("quota", 0, &q, qpriv), "quota: the rest was used up by the refusal");
	q.flags = XT_QUOTA_INVERT;
	memset(qpriv, 0, sizeof(qpriv));
	ok(!match("quota", 0, &q, qpriv), "quota: inverted, within quota");

	/* --every 3 --packet 0: every-1 = 2, count = 2 */
	st.u.nth.every = 2;
	st.u.nth.count = 2;
	for (int i = 0; i < 6; i++)
		hits += match("statistic", 0, &st, spriv) ? 1 << i : 0;
	ok(hits == 0x09, "statistic nth: every 3rd packet, the first one first (0x%x)", hits);
	st.mode = XT_STATISTIC_MODE_RANDOM;
	st.u.random.probability = 0;
	ok(!match("statistic", 0, &st, spriv), "statistic random 0: never");
	st.flags = XT_STATISTIC_INVERT;
	ok(match("statistic", 0, &st, spriv), "statistic random 0 inverted: always");
	st.flags = 0;
	st.u.random.probability = 0x40000000;
	ok(match("statistic", 0, &st, spriv) && assumes == 1, "statistic random 0.5: assumed");
}

static void test_assumed(void)
{
	struct xt_connlimit_info cl = { .limit = 3 };
	struct xt_recent_mtinfo_v1 r = { .check_set = XT_RECENT_SET, .name = "DEFAULT" };

	fresh();
	ok(match("connlimit", 1, &cl, NULL) && assumes == 1, "connlimit: assumed");
	pkt.assume_unknown_match = false;
	ok(!match("connlimit", 1, &cl, NULL), "connlimit: assumption followed");
	ok(match("recent", 1, &r, NULL), "recent --set: matches");
	r.invert = 1;
	ok(!match("recent", 1, &r, NULL), "recent ! --set: does not");
	r.check_set = XT_RECENT_CHECK;
	ok(!match("recent", 1, &r, NULL) && assumes == 3, "recent --rcheck: assumed");
}

static void test_connlabel(void)
{
	struct xt_connlabel_mtinfo l = { .bit = 40 };

	fresh();
	ok(!match("connlabel", 0, &l, NULL), "connlabel: bit 40 not set");
	l.options = XT_CONNLABEL_OP_INVERT;
	ok(match("connlabel", 0, &l, NULL), "connlabel: inverted");
	l.options = XT_CONNLABEL_OP_SET;
	ok(match("connlabel", 0, &l, NULL) && (conn.labels[1] & (1u << 8)),
	   "connlabel --set: sets bit 40 and matches");
	l.options = 0;
	ok(match("connlabel", 0, &l, NULL), "connlabel: bit 40 now set");
	pkt.ct = NULL;
	ok(!match("connlabel", 0, &l, NULL), "connlabel: no connection");
}

static void test_secmark(void)
{
	struct xt_connsecmark_target_info cs = { .mode = CONNSECMARK_SAVE };
	struct xt_secmark_target_info_v1 s = { .mode = SECMARK_MODE_SEL };

	fresh();
	ok(target("CONNSECMARK", 0, &cs) == XT_CONTINUE && assumes == 1,
	   "CONNSECMARK: continue, the mark assumed");
	ok(target("SECMARK", 1, &s) == XT_CONTINUE && assumes == 2,
	   "SECMARK: continue, the mark assumed");
}

/* What an extension prints for data of an old revision, read from a blob. */
static const char *printed(bool target_ext, const char *name, uint8_t rev,
			   const void *data, bool save)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");
	struct ipt_ip ip = { 0 };

	out[0] = '\0';
	if (target_ext) {
		const struct xtables_target *t = xt_find_target_rev(name, rev, NFPROTO_IPV4);

		if (t && save)
			t->save(f, &ip, data);
		else if (t)
			t->print(f, &ip, data, true);
	} else {
		const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);

		if (m && save)
			m->save(f, &ip, data);
		else if (m)
			m->print(f, &ip, data, true);
	}
	fclose(f);
	return out;
}

static void test_old_revisions(void)
{
	struct xt_conntrack_mtinfo1 c1 = { 0 };
	struct xt_conntrack_mtinfo2 c2 = { 0 };
	struct xt_state_info s0 = { XT_STATE_BIT(IP_CT_NEW) | XT_STATE_UNTRACKED };
	struct xt_connmark_tginfo1 cm1 = { .ctmask = 0xff, .nfmask = 0xff,
					   .mode = XT_CONNMARK_RESTORE };
	struct xt_ct_target_info ct0 = { .flags = XT_CT_NOTRACK, .zone = 4 };
	struct xt_recent_mtinfo r0 = { .check_set = XT_RECENT_UPDATE, .seconds = 5,
				       .name = "r", .side = XT_RECENT_DEST };

	c1.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_ORIGDST_PORT;
	c1.state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED);
	c1.origdst_port = htons(443);
	ok(!strcmp(printed(false, "conntrack", 1, &c1, true),
		   " --ctstate ESTABLISHED --ctorigdstport 443"),
	   "conntrack rev 1 saves as rev 3 would: '%s'", printed(false, "conntrack", 1, &c1, true));
	c2.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS;
	c2.state_mask = XT_CONNTRACK_STATE_UNTRACKED;
	ok(!strcmp(printed(false, "conntrack", 2, &c2, false), " state UNTRACKED"),
	   "conntrack rev 2, state alias: '%s'", printed(false, "conntrack", 2, &c2, false));
	ok(!strcmp(printed(false, "state", 0, &s0, true), " --state NEW,UNTRACKED"),
	   "state rev 0: '%s'", printed(false, "state", 0, &s0, true));
	ok(!strcmp(printed(true, "CONNMARK", 1, &cm1, false), " CONNMARK restore mask 0xff"),
	   "CONNMARK rev 1: '%s'", printed(true, "CONNMARK", 1, &cm1, false));
	ok(!strcmp(printed(true, "CT", 0, &ct0, true), " --notrack --zone 4"),
	   "CT rev 0: '%s'", printed(true, "CT", 0, &ct0, true));
	ok(!strcmp(printed(false, "recent", 0, &r0, true),
		   " --update --seconds 5 --name r --rdest"),
	   "recent rev 0, no mask: '%s'", printed(false, "recent", 0, &r0, true));
}

/* ECE and CWR have no names in iptables; a blob holding them still prints. */
static void test_tcp_unnamed_flags(void)
{
	struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { 0, 0xffff },
			    .flg_mask = 0xc1, .flg_cmp = 0x40 };

	ok(!strcmp(printed(false, "tcp", 0, &t, true), " --tcp-flags FIN,0xC0 0x40"),
	   "tcp: flags without names saved in hex: '%s'", printed(false, "tcp", 0, &t, true));
}

int main(void)
{
	xt_registry_init();
	test_conntrack();
	test_state();
	test_marks();
	test_CONNMARK();
	test_CT();
	test_helper_connbytes();
	test_stateful();
	test_assumed();
	test_connlabel();
	test_secmark();
	test_old_revisions();
	test_tcp_unnamed_flags();
	return tap_done();
}
