/*
 * Kernel halves of extension batch B: match() and target() on crafted
 * IPv4 packets, against what the kernel's xt_* modules do.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_physdev.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter/xt_string.h>
#include <linux/netfilter/xt_u32.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include <linux/rtnetlink.h>
#include "../../libxt/registry.h"
#include "tap.h"

/* ---- packets ---- */

static uint8_t buf[1500];
static int assumed;

static void note_assume(struct xt_pkt *pkt, const char *what)
{
	(void)pkt;
	(void)what;
	assumed++;
}

static const struct uipt_eval_ops ops = { .assume = note_assume };

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t add_words(const uint8_t *p, unsigned int len, uint32_t sum)
{
	for (unsigned int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static void set_ip_csum(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	uint16_t c = (uint16_t)~fold(add_words(ip, 20, 0));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static bool ip_csum_ok(const uint8_t *ip)
{
	return fold(add_words(ip, 20, 0)) == 0xffff;
}

/* TCP checksum over the pseudo header and the segment. */
static uint16_t tcp_sum(const uint8_t *ip, unsigned int tcplen)
{
	uint32_t sum = add_words(ip + 12, 8, 0) + IPPROTO_TCP + tcplen;

	return fold(add_words(ip + 20, tcplen, sum));
}

static void set_tcp_csum(uint8_t *ip, unsigned int tcplen)
{
	ip[20 + 16] = ip[20 + 17] = 0;
	uint16_t c = (uint16_t)~tcp_sum(ip, tcplen);
	ip[20 + 16] = (uint8_t)(c >> 8);
	ip[20 + 17] = (uint8_t)c;
}

static bool tcp_csum_ok(const uint8_t *ip, unsigned int tcplen)
{
	return tcp_sum(ip, tcplen) == 0xffff;
}

/* An IPv4 packet from src to dst, with a transport header of hlen bytes
 * and payload bytes after it. */
static struct xt_pkt make_pkt(uint8_t proto, const char *src, const char *dst,
			      unsigned int hlen, const char *payload)
{
	struct xt_pkt p = { 0 };
	size_t plen = payload ? strlen(payload) : 0;
	unsigned int total = 20 + hlen + (unsigned int)plen;

	memset(buf, 0, sizeof(buf));
	buf[0] = 0x45;
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	buf[8] = 64;
	buf[9] = proto;
	inet_pton(AF_INET, src, buf + 12);
	inet_pton(AF_INET, dst, buf + 16);
	if (payload)
		memcpy(buf + 20 + hlen, payload, plen);
	set_ip_csum(buf);
	p.data = buf;
	p.len = total;
	p.thoff = 20;
	p.family = NFPROTO_IPV4;
	p.l4proto = proto;
	p.hook = NF_INET_LOCAL_IN;
	p.ops = &ops;
	p.pkttype = PACKET_HOST;
	return p;
}

static void set_ports(uint16_t sport, uint16_t dport)
{
	buf[20] = (uint8_t)(sport >> 8);
	buf[21] = (uint8_t)sport;
	buf[22] = (uint8_t)(dport >> 8);
	buf[23] = (uint8_t)dport;
}

/* A TCP SYN with the options given (length a multiple of 4). */
static struct xt_pkt tcp_syn(const uint8_t *opts, unsigned int optlen, uint8_t flags)
{
	struct xt_pkt p = make_pkt(IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 20 + optlen, NULL);

	set_ports(40000, 80);
	buf[20 + 12] = (uint8_t)(((20 + optlen) / 4) << 4);
	buf[20 + 13] = flags;
	buf[20 + 14] = 0xff;
	memcpy(buf + 40, opts, optlen);
	set_tcp_csum(buf, 20 + optlen);
	return p;
}

/* ---- calling the extensions ---- */

static bool match(const char *name, uint8_t rev, const void *data, struct xt_pkt *p)
{
	const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);
	struct xt_action_param par = { .data = data, .hook = p->hook,
				       .family = NFPROTO_IPV4 };

	if (!m || !m->match) {
		printf("# no match %s rev %u\n", name, rev);
		return false;
	}
	return m->match(p, &par);
}

static bool hotdrop(const char *name, uint8_t rev, const void *data, struct xt_pkt *p)
{
	const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);
	struct xt_action_param par = { .data = data, .family = NFPROTO_IPV4 };

	m->match(p, &par);
	return par.hotdrop;
}

static unsigned int target(const char *name, uint8_t rev, const void *data, struct xt_pkt *p)
{
	const struct xtables_target *t = xt_find_target_rev(name, rev, NFPROTO_IPV4);
	struct xt_action_param par = { .data = data, .hook = p->hook,
				       .family = NFPROTO_IPV4 };

	if (!t || !t->target) {
		printf("# no target %s rev %u\n", name, rev);
		return 0;
	}
	return t->target(p, &par);
}

/* checkentry with a rule of the given protocol and hooks. */
static int check_match(const char *name, uint8_t rev, const void *data, uint16_t proto,
		       unsigned int hooks)
{
	const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);
	struct ipt_entry e = { .ip.proto = proto, .target_offset = sizeof(e) };
	struct xt_check_param par = { .table = "filter", .entry = &e, .data = data,
				      .hook_mask = hooks, .family = NFPROTO_IPV4 };

	return m->checkentry ? m->checkentry(&par) : 0;
}

/* ---- the tests ---- */

static void test_multiport(void)
{
	struct xt_multiport_v1 mp = { .flags = XT_MULTIPORT_DESTINATION, .count = 3,
				      .ports = { 22, 80, 90 }, .pflags = { 0, 1, 0 } };
	struct xt_pkt p = make_pkt(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20, NULL);

	set_ports(1234, 85);
	ok(match("multiport", 1, &mp, &p), "multiport: dport 85 in 80:90");
	set_ports(1234, 91);
	ok(!match("multiport", 1, &mp, &p), "multiport: dport 91 outside");
	set_ports(22, 23);
	ok(!match("multiport", 1, &mp, &p), "multiport: --dports ignores the source port");
	mp.flags = XT_MULTIPORT_EITHER;
	ok(match("multiport", 1, &mp, &p), "multiport: --ports takes the source port too");
	mp.invert = 1;
	ok(!match("multiport", 1, &mp, &p), "multiport: ! --ports inverts");
	set_ports(1, 2);
	ok(match("multiport", 1, &mp, &p), "multiport: ! --ports matches others");
	p.fragoff = 3;
	ok(!match("multiport", 1, &mp, &p), "multiport: a later fragment never matches");
	p.fragoff = 0;
	p.len = 22;
	ok(hotdrop("multiport", 1, &mp, &p), "multiport: a cut header is dropped");

	struct xt_multiport old = { .flags = XT_MULTIPORT_SOURCE, .count = 2, .ports = { 7, 9 } };
	p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);
	set_ports(9, 1);
	ok(match("multiport", 0, &old, &p), "multiport rev 0: source port listed");
	ok(check_match("multiport", 1, &mp, IPPROTO_ICMP, 0) < 0,
	   "multiport: the kernel refuses a non-port protocol");
	ok(check_match("multiport", 1, &mp, IPPROTO_SCTP, 0) == 0, "multiport: sctp is fine");
}

static void test_iprange(void)
{
	struct xt_iprange_mtinfo r = { .flags = IPRANGE_SRC };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.5", "198.51.100.1", 8, NULL);

	inet_pton(AF_INET, "192.0.2.1", &r.src_min.in);
	inet_pton(AF_INET, "192.0.2.10", &r.src_max.in);
	ok(match("iprange", 1, &r, &p), "iprange: 192.0.2.5 in 192.0.2.1-10");
	r.flags |= IPRANGE_SRC_INV;
	ok(!match("iprange", 1, &r, &p), "iprange: ! --src-range");
	p = make_pkt(IPPROTO_UDP, "192.0.2.11", "198.51.100.1", 8, NULL);
	ok(match("iprange", 1, &r, &p), "iprange: ! --src-range matches outside");
	r.flags = IPRANGE_DST;
	inet_pton(AF_INET, "198.51.100.1", &r.dst_min.in);
	inet_pton(AF_INET, "198.51.100.1", &r.dst_max.in);
	ok(match("iprange", 1, &r, &p), "iprange: single-address destination range");
	/* Host order: 192.0.2.255 < 192.0.3.0 although bytes differ. */
	inet_pton(AF_INET, "192.0.2.200", &r.dst_min.in);
	inet_pton(AF_INET, "192.0.3.1", &r.dst_max.in);
	p = make_pkt(IPPROTO_UDP, "203.0.113.1", "192.0.3.0", 8, NULL);
	ok(match("iprange", 1, &r, &p), "iprange: compares in host byte order");
}

static struct uipt_host_addr eth_addr, lo_addr;
static struct uipt_host_iface ifaces[2];
static struct uipt_host host = { .ifaces = ifaces, .nifaces = 2 };

static void setup_host(void)
{
	eth_addr.family = AF_INET;
	eth_addr.prefixlen = 24;
	inet_pton(AF_INET, "192.0.2.1", &eth_addr.addr.v4);
	inet_pton(AF_INET, "192.0.2.255", &eth_addr.broadcast.v4);
	lo_addr.family = AF_INET;
	lo_addr.prefixlen = 8;
	inet_pton(AF_INET, "127.0.0.1", &lo_addr.addr.v4);
	strcpy(ifaces[0].name, "eth0");
	ifaces[0].index = 2;
	ifaces[0].addrs = &eth_addr;
	ifaces[0].naddrs = 1;
	ifaces[0].mtu = 1500;
	strcpy(ifaces[1].name, "lo");
	ifaces[1].index = 1;
	ifaces[1].loopback = true;
	ifaces[1].addrs = &lo_addr;
	ifaces[1].naddrs = 1;
	ifaces[1].mtu = 65536;
}

static void test_addrtype(void)
{
	struct xt_addrtype_info_v1 a = { .dest = XT_ADDRTYPE_LOCAL };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "198.51.100.1", "192.0.2.1", 8, NULL);

	p.host = &host;
	ok(match("addrtype", 1, &a, &p), "addrtype: own address is LOCAL");
	a.flags = XT_ADDRTYPE_INVERT_DEST;
	ok(!match("addrtype", 1, &a, &p), "addrtype: ! --dst-type LOCAL");
	a.flags = XT_ADDRTYPE_LIMIT_IFACE_IN;
	strcpy(p.in, "eth0");
	ok(match("addrtype", 1, &a, &p), "addrtype: --limit-iface-in on the address's device");
	strcpy(p.in, "lo");
	ok(!match("addrtype", 1, &a, &p), "addrtype: --limit-iface-in on another device");
	a.flags = 0;
	p = make_pkt(IPPROTO_UDP, "198.51.100.1", "127.3.4.5", 8, NULL);
	p.host = &host;
	ok(match("addrtype", 1, &a, &p), "addrtype: all of 127/8 is LOCAL");
	a.dest = XT_ADDRTYPE_BROADCAST;
	p = make_pkt(IPPROTO_UDP, "198.51.100.1", "192.0.2.255", 8, NULL);
	p.host = &host;
	ok(match("addrtype", 1, &a, &p), "addrtype: subnet broadcast");
	p = make_pkt(IPPROTO_UDP, "198.51.100.1", "255.255.255.255", 8, NULL);
	ok(match("addrtype", 1, &a, &p), "addrtype: limited broadcast");
	a.dest = XT_ADDRTYPE_MULTICAST;
	p = make_pkt(IPPROTO_UDP, "198.51.100.1", "224.0.0.251", 8, NULL);
	ok(match("addrtype", 1, &a, &p), "addrtype: class D is MULTICAST");
	a.dest = 0;
	a.source = XT_ADDRTYPE_UNICAST;
	p.host = &host;
	ok(match("addrtype", 1, &a, &p), "addrtype: a foreign source is UNICAST");

	struct xt_addrtype_info old = { .source = XT_ADDRTYPE_UNICAST, .invert_source = 1 };
	ok(!match("addrtype", 0, &old, &p), "addrtype rev 0: inverted source");

	a.flags = XT_ADDRTYPE_LIMIT_IFACE_OUT;
	ok(check_match("addrtype", 1, &a, 0, 1 << NF_INET_LOCAL_IN) < 0,
	   "addrtype: --limit-iface-out refused in INPUT");
	ok(check_match("addrtype", 1, &a, 0, 1 << NF_INET_LOCAL_OUT) == 0,
	   "addrtype: --limit-iface-out fine in OUTPUT");
}

static void test_length_ttl(void)
{
	struct xt_length_info l = { .min = 20, .max = 28 };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);

	ok(match("length", 0, &l, &p), "length: 28 in 20:28");
	l.max = 27;
	ok(!match("length", 0, &l, &p), "length: 28 outside 20:27");
	l.invert = 1;
	ok(match("length", 0, &l, &p), "length: ! --length");

	struct ipt_ttl_info t = { .mode = IPT_TTL_EQ, .ttl = 64 };
	ok(match("ttl", 0, &t, &p), "ttl: --ttl-eq 64");
	t.mode = IPT_TTL_NE;
	ok(!match("ttl", 0, &t, &p), "ttl: ! --ttl-eq 64");
	t.mode = IPT_TTL_LT;
	t.ttl = 65;
	ok(match("ttl", 0, &t, &p), "ttl: --ttl-lt 65");
	t.mode = IPT_TTL_GT;
	ok(!match("ttl", 0, &t, &p), "ttl: --ttl-gt 65");
}

/* ipt_TTL.h shares its include guard with ipt_ttl.h: same layout, the
 * modes set (0), inc (1), dec (2). */
enum { TTL_SET, TTL_INC, TTL_DEC };

static void test_TTL(void)
{
	struct { uint8_t mode, ttl; } t = { TTL_SET, 5 };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);

	ok(target("TTL", 0, &t, &p) == XT_CONTINUE && buf[8] == 5 && ip_csum_ok(buf),
	   "TTL: --ttl-set 5, checksum updated");
	t.mode = TTL_INC;
	t.ttl = 255;
	target("TTL", 0, &t, &p);
	ok(buf[8] == 255 && ip_csum_ok(buf), "TTL: --ttl-inc stops at 255");
	t.mode = TTL_DEC;
	t.ttl = 10;
	target("TTL", 0, &t, &p);
	ok(buf[8] == 245 && ip_csum_ok(buf), "TTL: --ttl-dec 10");
}

static void test_tos_dscp(void)
{
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);
	struct xt_tos_match_info tm = { .tos_mask = 0x3f, .tos_value = 0x10 };
	struct xt_tos_target_info tt = { .tos_value = 0x10, .tos_mask = 0x3f };
	struct xt_dscp_info dm = { .dscp = 0x2e };
	struct xt_DSCP_info dt = { .dscp = 0x2e };

	buf[1] = 0xd3;		/* DSCP 0x34, ECN 3 */
	set_ip_csum(buf);
	ok(!match("tos", 1, &tm, &p), "tos: 0xd3 & 0x3f is not 0x10");
	target("TOS", 1, &tt, &p);
	ok(buf[1] == 0xd0 && ip_csum_ok(buf), "TOS: set Minimize-Delay keeps the top 2 bits");
	ok(match("tos", 1, &tm, &p), "tos: now Minimize-Delay");
	tm.invert = 1;
	ok(!match("tos", 1, &tm, &p), "tos: ! --tos");
	tt.tos_value = 0x0f;
	tt.tos_mask = 0;	/* --xor-tos 0x0f */
	target("TOS", 1, &tt, &p);
	ok(buf[1] == 0xdf && ip_csum_ok(buf), "TOS: --xor-tos");

	buf[1] = 0xd3;
	set_ip_csum(buf);
	ok(!match("dscp", 0, &dm, &p), "dscp: 0x34 is not EF");
	target("DSCP", 0, &dt, &p);
	ok(buf[1] == 0xbb && ip_csum_ok(buf), "DSCP: EF set, ECN bits kept");
	ok(match("dscp", 0, &dm, &p), "dscp: now EF");
	dm.invert = 1;
	ok(!match("dscp", 0, &dm, &p), "dscp: ! --dscp");
}

static void test_ecn(void)
{
	static const uint8_t none[4] = { 1, 1, 1, 1 };
	struct xt_pkt p = tcp_syn(none, 4, 0x02 | 0x40);	/* SYN, ECE */
	struct xt_ecn_info m = { .operation = XT_ECN_OP_MATCH_ECE };
	struct ipt_ECN_info t = { .operation = IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR };

	ok(match("ecn", 0, &m, &p), "ecn: --ecn-tcp-ece on an ECE segment");
	m.invert = XT_ECN_OP_MATCH_ECE;
	ok(!match("ecn", 0, &m, &p), "ecn: ! --ecn-tcp-ece");
	m = (struct xt_ecn_info){ .operation = XT_ECN_OP_MATCH_CWR };
	ok(!match("ecn", 0, &m, &p), "ecn: --ecn-tcp-cwr without CWR");
	m = (struct xt_ecn_info){ .operation = XT_ECN_OP_MATCH_IP, .ip_ect = 0 };
	ok(match("ecn", 0, &m, &p), "ecn: --ecn-ip-ect 0");
	ok(check_match("ecn", 0, &(struct xt_ecn_info){ .operation = XT_ECN_OP_MATCH_ECE },
		       IPPROTO_UDP, 0) < 0, "ecn: TCP bits refused on a udp rule");

	target("ECN", 0, &t, &p);
	ok(!(buf[20 + 13] & 0xc0) && tcp_csum_ok(buf, 24), "ECN: --ecn-tcp-remove, TCP checksum updated");
	t = (struct ipt_ECN_info){ .operation = IPT_ECN_OP_SET_IP, .ip_ect = 2 };
	target("ECN", 0, &t, &p);
	ok((buf[1] & 3) == 2 && ip_csum_ok(buf), "ECN: --ecn-ip-ect 2, IP checksum updated");
	t = (struct ipt_ECN_info){ .operation = IPT_ECN_OP_SET_CWR, .proto.tcp.cwr = 1 };
	target("ECN", 0, &t, &p);
	ok((buf[20 + 13] & 0x80) && tcp_csum_ok(buf, 24), "ECN: --ecn-tcp-cwr 1");
}

static void test_mac_pkttype(void)
{
	struct xt_mac_info m = { .srcaddr = { 0x42, 1, 2, 3, 4, 5 } };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "224.0.0.1", 8, NULL);

	ok(!match("mac", 0, &m, &p), "mac: no Ethernet header, no match");
	m.invert = 1;
	ok(!match("mac", 0, &m, &p), "mac: not even inverted");
	p.has_mac = true;
	memcpy(p.mac + 6, m.srcaddr, 6);
	ok(!match("mac", 0, &m, &p), "mac: ! --mac-source of the sender");
	m.invert = 0;
	ok(match("mac", 0, &m, &p), "mac: --mac-source of the sender");

	struct xt_pkttype_info t = { .pkttype = PACKET_MULTICAST };
	p.pkttype = PACKET_LOOPBACK;
	ok(match("pkttype", 0, &t, &p), "pkttype: looped back to 224/4 is multicast");
	t.pkttype = PACKET_BROADCAST;
	ok(!match("pkttype", 0, &t, &p), "pkttype: ... and not broadcast");
	p.pkttype = PACKET_HOST;
	t.pkttype = PACKET_HOST;
	ok(match("pkttype", 0, &t, &p), "pkttype: unicast");
	t.invert = 1;
	ok(!match("pkttype", 0, &t, &p), "pkttype: ! unicast");
}

/* A physdev rule: options in the order `in out is-in is-out bridged'. */
static struct xt_physdev_info pd(uint8_t bits, uint8_t inv, const char *in, const char *out)
{
	struct xt_physdev_info i = { .bitmask = bits, .invert = inv };
	size_t n;

	if (in) {
		n = strlen(in);
		strcpy(i.physindev, in);
		memset(i.in_mask, 0xff, n && in[n - 1] == '+' ? n - 1 : n + 1);
	}
	if (out) {
		n = strlen(out);
		strcpy(i.physoutdev, out);
		memset(i.out_mask, 0xff, n && out[n - 1] == '+' ? n - 1 : n + 1);
	}
	return i;
}

static void test_physdev_bridged(struct xt_pkt *p)
{
	struct xt_physdev_info i;

	/* Bridged from eth0 out of eth2. */
	p->has_bridge = true;
	strcpy(p->physin, "eth0");
	strcpy(p->physout, "eth2");
	i = pd(XT_PHYSDEV_OP_IN | XT_PHYSDEV_OP_OUT, 0, "eth0", "eth2");
	ok(match("physdev", 0, &i, p), "physdev: in eth0 out eth2");
	i = pd(XT_PHYSDEV_OP_IN, 0, "eth", NULL);
	ok(!match("physdev", 0, &i, p), "physdev: eth is not eth0");
	i = pd(XT_PHYSDEV_OP_IN, 0, "eth+", NULL);
	ok(match("physdev", 0, &i, p), "physdev: eth+ is");
	i = pd(XT_PHYSDEV_OP_OUT, XT_PHYSDEV_OP_OUT, NULL, "eth0");
	ok(match("physdev", 0, &i, p), "physdev: ! --physdev-out eth0");
	i = pd(XT_PHYSDEV_OP_ISIN | XT_PHYSDEV_OP_ISOUT | XT_PHYSDEV_OP_BRIDGED, 0, NULL, NULL);
	ok(match("physdev", 0, &i, p), "physdev: is-in, is-out, is-bridged");
	i.invert = XT_PHYSDEV_OP_ISOUT;
	ok(!match("physdev", 0, &i, p), "physdev: ! --physdev-is-out");
	/* Up to IP (routed or local): an input port, no output port. */
	p->physout[0] = '\0';
	i = pd(XT_PHYSDEV_OP_BRIDGED, XT_PHYSDEV_OP_BRIDGED, NULL, NULL);
	ok(match("physdev", 0, &i, p), "physdev: routed is ! --physdev-is-bridged");
	i = pd(XT_PHYSDEV_OP_OUT, XT_PHYSDEV_OP_OUT, NULL, "eth2");
	ok(!match("physdev", 0, &i, p), "physdev: no output port: ! --physdev-out fails too");
	i = pd(XT_PHYSDEV_OP_ISOUT, XT_PHYSDEV_OP_ISOUT, NULL, NULL);
	ok(match("physdev", 0, &i, p), "physdev: no output port: ! --physdev-is-out");
	/* Bridge information without an input port: --physdev-in says nothing. */
	p->physin[0] = '\0';
	i = pd(XT_PHYSDEV_OP_IN, 0, "eth0", NULL);
	ok(match("physdev", 0, &i, p), "physdev: no input port: --physdev-in passes");
	p->has_bridge = false;
	ok(!match("physdev", 0, &i, p), "physdev: no bridge at all: --physdev-in fails");
}

static void test_physdev_owner(void)
{
	struct xt_physdev_info ph = { .bitmask = XT_PHYSDEV_OP_BRIDGED };
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);

	ok(!match("physdev", 0, &ph, &p), "physdev: not bridged");
	ph.invert = XT_PHYSDEV_OP_BRIDGED;
	ok(match("physdev", 0, &ph, &p), "physdev: ! --physdev-is-bridged");
	ph.bitmask |= XT_PHYSDEV_OP_IN;
	ok(!match("physdev", 0, &ph, &p), "physdev: --physdev-in needs a bridge");
	ph = (struct xt_physdev_info){ .bitmask = XT_PHYSDEV_OP_OUT };
	ok(check_match("physdev", 0, &ph, 0, 1 << NF_INET_LOCAL_OUT) < 0,
	   "physdev: --physdev-out refused in OUTPUT");
	ph.bitmask |= XT_PHYSDEV_OP_BRIDGED;
	ok(check_match("physdev", 0, &ph, 0, 1 << NF_INET_LOCAL_OUT) == 0,
	   "physdev: --physdev-out --physdev-is-bridged allowed in OUTPUT");
	test_physdev_bridged(&p);

	struct xt_owner_match_info o = { .match = XT_OWNER_UID, .uid_min = 1000, .uid_max = 1999 };
	ok(!match("owner", 1, &o, &p), "owner: no socket, no uid match");
	o.invert = XT_OWNER_UID;
	ok(match("owner", 1, &o, &p), "owner: no socket matches ! --uid-owner");
	p.has_owner = true;
	p.uid = 1500;
	p.gid = 100;
	ok(!match("owner", 1, &o, &p), "owner: ! --uid-owner of the sender");
	o.invert = 0;
	ok(match("owner", 1, &o, &p), "owner: --uid-owner 1000-1999");
	o = (struct xt_owner_match_info){ .match = XT_OWNER_SOCKET, .invert = XT_OWNER_SOCKET };
	ok(!match("owner", 1, &o, &p), "owner: ! --socket-exists with a socket");
	o = (struct xt_owner_match_info){ .match = XT_OWNER_GID | XT_OWNER_SUPPL_GROUPS,
					  .gid_min = 5, .gid_max = 5 };
	assumed = 0;
	p.assume_unknown_match = true;
	ok(match("owner", 1, &o, &p) && assumed == 1,
	   "owner: supplementary groups are assumed, not known");
}

/* 2024-01-01 was a Monday. */
#define JAN1_2024 1704067200ull

static void test_time(void)
{
	struct xt_time_info t = {
		.monthdays_match = XT_TIME_ALL_MONTHDAYS, .weekdays_match = XT_TIME_ALL_WEEKDAYS,
		.daytime_start = 8 * 3600, .daytime_stop = 17 * 3600, .date_stop = 0x7fffffff,
	};
	struct xt_pkt p = make_pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8, NULL);

	p.now_ns = (JAN1_2024 + 12 * 3600) * 1000000000ull;
	ok(match("time", 0, &t, &p), "time: noon within 08:00-17:00");
	t.weekdays_match = 1 << 2;	/* Tue */
	ok(!match("time", 0, &t, &p), "time: Monday is not Tuesday");
	t.weekdays_match = 1 << 1;
	ok(match("time", 0, &t, &p), "time: Monday");
	t.monthdays_match = 1 << 2;
	ok(!match("time", 0, &t, &p), "time: the 1st is not the 2nd");
	t.monthdays_match = XT_TIME_ALL_MONTHDAYS;
	t.daytime_start = 22 * 3600;
	t.daytime_stop = 6 * 3600;
	ok(!match("time", 0, &t, &p), "time: noon outside 22:00-06:00");
	p.now_ns = (JAN1_2024 + 2 * 3600) * 1000000000ull;
	ok(match("time", 0, &t, &p), "time: 02:00 within 22:00-06:00");
	t.flags = XT_TIME_CONTIGUOUS;
	ok(!match("time", 0, &t, &p), "time: --contiguous puts 02:00 Monday on Sunday");
	t.weekdays_match = 1 << 7;
	ok(match("time", 0, &t, &p), "time: ... which matches Sun");
	t.date_stop = (uint32_t)JAN1_2024;
	ok(!match("time", 0, &t, &p), "time: after --datestop");
}

static void test_string(void)
{
	struct xt_string_info s = { .to_offset = 65535, .algo = "bm", .pattern = "GET /",
				    .patlen = 5 };
	struct xt_pkt p = make_pkt(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20, "xxGET /index");

	ok(match("string", 1, &s, &p), "string: found in the payload");
	s.to_offset = 47;	/* "GET /" takes bytes 42..46 */
	ok(match("string", 1, &s, &p), "string: ends just before --to");
	s.to_offset = 46;
	ok(!match("string", 1, &s, &p), "string: must end before --to");
	s.to_offset = 65535;
	s.from_offset = 43;
	ok(!match("string", 1, &s, &p), "string: starts before --from");
	s.from_offset = 0;
	memcpy(s.pattern, "get /", 5);
	ok(!match("string", 1, &s, &p), "string: case counts");
	s.u.v1.flags = XT_STRING_FLAG_IGNORECASE;
	ok(match("string", 1, &s, &p), "string: --icase");
	s.u.v1.flags |= XT_STRING_FLAG_INVERT;
	ok(!match("string", 1, &s, &p), "string: ! --string");
}

static void test_u32(void)
{
	/* "6 & 0xFF = 1 && 0 >> 22 & 0x3C @ 0 >> 16 = 8": ICMP echo request. */
	struct xt_u32 u = { .ntests = 2 };
	struct xt_pkt p = make_pkt(IPPROTO_ICMP, "192.0.2.1", "192.0.2.2", 8, NULL);

	u.tests[0].nnums = 2;
	u.tests[0].location[0].number = 6;
	u.tests[0].location[1] = (struct xt_u32_location_element){ 0xff, XT_U32_AND };
	u.tests[0].nvalues = 1;
	u.tests[0].value[0] = (struct xt_u32_value_element){ 1, 1 };
	u.tests[1].nnums = 5;
	u.tests[1].location[0].number = 0;
	u.tests[1].location[1] = (struct xt_u32_location_element){ 22, XT_U32_RIGHTSH };
	u.tests[1].location[2] = (struct xt_u32_location_element){ 0x3c, XT_U32_AND };
	u.tests[1].location[3] = (struct xt_u32_location_element){ 0, XT_U32_AT };
	u.tests[1].location[4] = (struct xt_u32_location_element){ 24, XT_U32_RIGHTSH };
	u.tests[1].nvalues = 1;
	u.tests[1].value[0] = (struct xt_u32_value_element){ 8, 8 };
	buf[20] = 8;
	ok(match("u32", 0, &u, &p), "u32: ICMP echo request found through @");
	buf[20] = 0;
	ok(!match("u32", 0, &u, &p), "u32: echo reply is not");
	u.invert = 1;
	ok(match("u32", 0, &u, &p), "u32: ! --u32");
	u.invert = 0;
	u.tests[1].location[4].number = 0;	/* read past the end: no match */
	u.tests[1].location[3].number = 8;
	ok(!match("u32", 0, &u, &p), "u32: a read beyond the packet fails the test");
}

static void test_tcpmss(void)
{
	static const uint8_t mss1460[4] = { 2, 4, 0x05, 0xb4 };
	static const uint8_t nops[4] = { 1, 1, 1, 0 };
	struct xt_tcpmss_match_info m = { .mss_min = 1400, .mss_max = 1500 };
	struct xt_pkt p = tcp_syn(mss1460, 4, 0x02);

	ok(match("tcpmss", 0, &m, &p), "tcpmss: 1460 in 1400:1500");
	m.invert = 1;
	ok(!match("tcpmss", 0, &m, &p), "tcpmss: ! --mss");
	p = tcp_syn(nops, 4, 0x02);
	ok(match("tcpmss", 0, &m, &p), "tcpmss: no MSS option matches only inverted");
	m.invert = 0;
	ok(!match("tcpmss", 0, &m, &p), "tcpmss: no MSS option");
	buf[20 + 12] = 0x40;	/* data offset 16 bytes: malformed */
	ok(hotdrop("tcpmss", 0, &m, &p), "tcpmss: a malformed header is dropped");

	struct xt_tcpmss_info t = { .mss = 1000 };
	p = tcp_syn(mss1460, 4, 0x02);
	target("TCPMSS", 0, &t, &p);
	ok(buf[42] == 0x03 && buf[43] == 0xe8 && tcp_csum_ok(buf, 24),
	   "TCPMSS: --set-mss 1000 lowers 1460, checksum updated");
	t.mss = 1200;
	target("TCPMSS", 0, &t, &p);
	ok(buf[42] == 0x03 && buf[43] == 0xe8, "TCPMSS: never raises the MSS");
	t.mss = XT_TCPMSS_CLAMP_PMTU;
	p = tcp_syn(mss1460, 4, 0x02);
	p.host = &host;
	strcpy(p.out, "eth0");
	ifaces[0].mtu = 1400;
	target("TCPMSS", 0, &t, &p);
	ok((buf[42] << 8 | buf[43]) == 1360 && tcp_csum_ok(buf, 24),
	   "TCPMSS: --clamp-mss-to-pmtu to the device MTU - 40");
	ifaces[0].mtu = 1500;

	struct xt_tcpoptstrip_target_info s = { { 0 } };
	static const uint8_t two[8] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 1 };
	tcpoptstrip_set_bit(s.strip_bmap, 2);
	p = tcp_syn(two, 8, 0x02);
	target("TCPOPTSTRIP", 0, &s, &p);
	ok(!memcmp(buf + 40, "\1\1\1\1\4\2\1\1", 8) && tcp_csum_ok(buf, 28),
	   "TCPOPTSTRIP: mss replaced by NOPs, sack-permitted kept, checksum updated");
}

int main(void)
{
	xt_registry_init();
	setup_host();
	test_multiport();
	test_iprange();
	test_addrtype();
	test_length_ttl();
	test_TTL();
	test_tos_dscp();
	test_ecn();
	test_mac_pkttype();
	test_physdev_owner();
	test_time();
	test_string();
	test_u32();
	test_tcpmss();
	return tap_done();
}
