/*
 * Kernel halves of the batch C targets: target() on crafted packets, and
 * checkentry on crafted rules, against what the kernel does.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/conntrack.h>
#include <uiptables/host.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_CLASSIFY.h>
#include <linux/netfilter/xt_HMARK.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <linux/netfilter/xt_TEE.h>
#include <linux/netfilter/xt_AUDIT.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include "../../libxt/registry.h"
#include "tap.h"

/* ---- what the targets asked of the evaluator ---- */

static struct {
	int nat_calls;
	struct nf_nat_range2 range;
	bool snat;
	int reject_calls, icmp_type, icmp_code;
	int log_calls;
	char line[1024];
	int assume_calls;
	int emit_calls;
	uint8_t emitted[600];
	unsigned int emitted_len;
	struct uipt_emit how;
	char what[256];
} seen;

static unsigned int fake_nat(struct xt_pkt *pkt, const struct nf_nat_range2 *r, bool snat)
{
	(void)pkt;
	seen.nat_calls++;
	seen.range = *r;
	seen.snat = snat;
	return NF_ACCEPT;
}

static void fake_reject(struct xt_pkt *pkt, int type, int code)
{
	(void)pkt;
	seen.reject_calls++;
	seen.icmp_type = type;
	seen.icmp_code = code;
}

static void fake_log(struct xt_pkt *pkt, const char *line)
{
	(void)pkt;
	seen.log_calls++;
	snprintf(seen.line, sizeof(seen.line), "%s", line);
}

static void fake_assume(struct xt_pkt *pkt, const char *what)
{
	(void)pkt;
	seen.assume_calls++;
	snprintf(seen.what, sizeof(seen.what), "%s", what);
}

static void fake_emit(struct xt_pkt *pkt, const uint8_t *bytes, unsigned int len,
		      const struct uipt_emit *how)
{
	(void)pkt;
	seen.emit_calls++;
	seen.emitted_len = len < sizeof(seen.emitted) ? len : sizeof(seen.emitted);
	memcpy(seen.emitted, bytes, seen.emitted_len);
	seen.how = *how;
}

static const struct uipt_eval_ops ops = {
	.nat = fake_nat, .reject = fake_reject, .log = fake_log, .assume = fake_assume,
	.emit = fake_emit,
};

/* ---- packets ---- */

static uint8_t buf[256];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* An IPv4 header with the given transport bytes after it. */
static void ipv4(struct xt_pkt *pkt, uint8_t proto, const char *src, const char *dst,
		 unsigned int l4len)
{
	uint32_t s = ip4(src), d = ip4(dst);

	memset(buf, 0, sizeof(buf));
	memset(pkt, 0, sizeof(*pkt));
	buf[0] = 0x45;
	put16(buf + 2, (uint16_t)(20 + l4len));
	put16(buf + 4, 0x1234);
	buf[6] = 0x40;		/* DF */
	buf[8] = 64;
	buf[9] = proto;
	memcpy(buf + 12, &s, 4);
	memcpy(buf + 16, &d, 4);
	pkt->data = buf;
	pkt->len = 20 + l4len;
	pkt->thoff = 20;
	pkt->family = NFPROTO_IPV4;
	pkt->l4proto = proto;
	pkt->ops = &ops;
	memset(&seen, 0, sizeof(seen));
}

static void tcp(struct xt_pkt *pkt, const char *src, uint16_t sport, const char *dst,
		uint16_t dport, uint8_t flags)
{
	ipv4(pkt, IPPROTO_TCP, src, dst, 20);
	put16(buf + 20, sport);
	put16(buf + 22, dport);
	put32(buf + 24, 1000);
	put32(buf + 28, 0);
	buf[32] = 5 << 4;
	buf[33] = flags;
	put16(buf + 34, 64240);
}

static void udp(struct xt_pkt *pkt, const char *src, uint16_t sport, const char *dst,
		uint16_t dport)
{
	ipv4(pkt, IPPROTO_UDP, src, dst, 8);
	put16(buf + 20, sport);
	put16(buf + 22, dport);
	put16(buf + 24, 8);
}

static const struct xtables_target *target(const char *name, uint8_t rev)
{
	return xt_find_target_rev(name, rev, NFPROTO_IPV4);
}

static unsigned int run(const char *name, uint8_t rev, struct xt_pkt *pkt,
			const void *data, unsigned int hook)
{
	const struct xtables_target *t = target(name, rev);
	struct xt_action_param par = { .data = data, .hook = hook, .family = NFPROTO_IPV4 };

	pkt->hook = hook;
	return t && t->target ? t->target(pkt, &par) : 0xdead;
}

/* checkentry (with the table/hook/proto restrictions) on a rule. */
static bool accepted(const char *name, uint8_t rev, const void *data, uint16_t proto,
		     uint8_t invflags)
{
	const struct xtables_target *t = target(name, rev);
	struct ipt_entry e = { .ip = { .proto = proto, .invflags = invflags } };
	struct xt_check_param par = { .table = "filter", .entry = &e, .data = data,
				      .family = NFPROTO_IPV4 };

	if (t->proto && (proto != t->proto || (invflags & XT_INV_PROTO)))
		return false;
	return !t->checkentry || t->checkentry(&par) == 0;
}

/* ---- the tests ---- */

static void test_reject(void)
{
	struct ipt_reject_info ri = { .with = IPT_ICMP_PORT_UNREACHABLE };
	struct xt_pkt pkt;

	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	ok(run("REJECT", 0, &pkt, &ri, NF_INET_LOCAL_IN) == NF_DROP, "REJECT drops");
	ok(seen.reject_calls == 1 && seen.icmp_type == 3 && seen.icmp_code == 3,
	   "REJECT answers port unreachable (3/3)");

	ri.with = IPT_ICMP_ADMIN_PROHIBITED;
	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	run("REJECT", 0, &pkt, &ri, NF_INET_FORWARD);
	ok(seen.icmp_type == 3 && seen.icmp_code == 13, "admin-prohibited is code 13");

	ri.with = IPT_TCP_RESET;
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 113, 0x02);
	ok(run("REJECT", 0, &pkt, &ri, NF_INET_LOCAL_IN) == NF_DROP &&
	   seen.reject_calls == 1 && seen.icmp_type < 0, "tcp-reset sends a reset");
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 113, 0x04);
	ok(run("REJECT", 0, &pkt, &ri, NF_INET_LOCAL_IN) == NF_DROP && seen.reject_calls == 0,
	   "no reset answers a reset");

	ri.with = IPT_ICMP_HOST_UNREACHABLE;
	ipv4(&pkt, IPPROTO_ICMP, "198.51.100.7", "192.0.2.1", 8);
	buf[20] = 3;		/* an ICMP error itself */
	run("REJECT", 0, &pkt, &ri, NF_INET_LOCAL_IN);
	ok(seen.reject_calls == 0, "no ICMP error answers an ICMP error");
	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	pkt.fragoff = 3;
	run("REJECT", 0, &pkt, &ri, NF_INET_LOCAL_IN);
	ok(seen.reject_calls == 0, "no reply to a later fragment");

	ri.with = IPT_TCP_RESET;
	ok(accepted("REJECT", 0, &ri, IPPROTO_TCP, 0), "tcp-reset with -p tcp is accepted");
	ok(!accepted("REJECT", 0, &ri, IPPROTO_UDP, 0), "tcp-reset with -p udp is refused");
	ok(!accepted("REJECT", 0, &ri, IPPROTO_TCP, XT_INV_PROTO),
	   "tcp-reset with ! -p tcp is refused");
	ri.with = IPT_ICMP_ECHOREPLY;
	ok(!accepted("REJECT", 0, &ri, 0, 0), "echo-reply is refused");
}

static void test_log(void)
{
	struct xt_log_info li = { .level = 4 };
	struct xt_pkt pkt;
	static const uint8_t mac[14] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0 };

	strcpy(li.prefix, "fw: ");
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 22, 0x02);
	strcpy(pkt.in, "eth0");
	pkt.has_mac = true;
	memcpy(pkt.mac, mac, sizeof(mac));
	ok(run("LOG", 0, &pkt, &li, NF_INET_LOCAL_IN) == XT_CONTINUE, "LOG continues");
	ok(!strcmp(seen.line, "fw: IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 "
		   "SRC=198.51.100.7 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=4660 DF "
		   "PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 "),
	   "LOG line of a TCP SYN: %s", seen.line);

	li.logflags = XT_LOG_TCPSEQ | XT_LOG_MACDECODE | XT_LOG_UID;
	li.prefix[0] = '\0';
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 22, 0x12);
	strcpy(pkt.in, "eth0");
	pkt.has_mac = true;
	memcpy(pkt.mac, mac, sizeof(mac));
	pkt.mark = 0x10;
	run("LOG", 0, &pkt, &li, NF_INET_LOCAL_IN);
	ok(!strcmp(seen.line, "IN=eth0 OUT= MACSRC=02:00:00:00:00:02 MACDST=02:00:00:00:00:01 "
		   "MACPROTO=0800 SRC=198.51.100.7 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 "
		   "TTL=64 ID=4660 DF PROTO=TCP SPT=40000 DPT=22 SEQ=1000 ACK=0 WINDOW=64240 "
		   "RES=0x00 ACK SYN URGP=0 MARK=0x10 "),
	   "LOG with sequence numbers, decoded MAC and mark: %s", seen.line);

	li.logflags = 0;
	udp(&pkt, "192.0.2.1", 5353, "203.0.113.9", 53);
	strcpy(pkt.out, "eth1");
	run("LOG", 0, &pkt, &li, NF_INET_LOCAL_OUT);
	ok(!strcmp(seen.line, "IN= OUT=eth1 SRC=192.0.2.1 DST=203.0.113.9 LEN=28 TOS=0x00 "
		   "PREC=0x00 TTL=64 ID=4660 DF PROTO=UDP SPT=5353 DPT=53 LEN=8 "),
	   "LOG of a local UDP packet has no MAC: %s", seen.line);

	ipv4(&pkt, IPPROTO_ICMP, "198.51.100.7", "192.0.2.1", 8);
	buf[20] = 8;
	put16(buf + 24, 7);
	put16(buf + 26, 1);
	run("LOG", 0, &pkt, &li, NF_INET_LOCAL_OUT);
	ok(strstr(seen.line, "PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ") != NULL,
	   "LOG of an echo request: %s", seen.line);

	li.level = 8;
	ok(!accepted("LOG", 0, &li, 0, 0), "a level above 7 is refused");
}

static void test_nat(void)
{
	struct nf_nat_ipv4_multi_range_compat mr = { .rangesize = 1 };
	struct nf_nat_range2 r2 = { 0 };
	struct xt_pkt pkt;

	mr.range[0].flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	mr.range[0].min_ip = ip4("203.0.113.1");
	mr.range[0].max_ip = ip4("203.0.113.9");
	mr.range[0].min.all = htons(1025);
	mr.range[0].max.all = htons(65535);
	tcp(&pkt, "192.0.2.7", 40000, "198.51.100.1", 80, 0x02);
	ok(run("SNAT", 0, &pkt, &mr, NF_INET_POST_ROUTING) == NF_ACCEPT && seen.nat_calls == 1,
	   "SNAT binds through the core");
	ok(seen.snat && seen.range.min_addr.ip == ip4("203.0.113.1") &&
	   seen.range.max_addr.ip == ip4("203.0.113.9") &&
	   ntohs(seen.range.min_proto.all) == 1025 && !seen.range.base_proto.all,
	   "SNAT's old layout is converted as the kernel does");

	r2.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED | NF_NAT_RANGE_PROTO_OFFSET;
	r2.min_addr.ip = r2.max_addr.ip = ip4("192.0.2.10");
	r2.min_proto.all = htons(1000);
	r2.max_proto.all = htons(2000);
	r2.base_proto.all = htons(3000);
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.1", 3000, 0x02);
	run("DNAT", 2, &pkt, &r2, NF_INET_PRE_ROUTING);
	ok(!seen.snat && !memcmp(&seen.range, &r2, sizeof(r2)), "DNAT rev 2 hands its range as is");
	run("DNAT", 0, &pkt, &mr, NF_INET_PRE_ROUTING);
	ok(!seen.snat && seen.range.min_addr.ip == ip4("203.0.113.1"), "DNAT rev 0 converts");

	mr.range[0].flags = NF_NAT_RANGE_MAP_IPS;
	ok(accepted("DNAT", 0, &mr, 0, 0), "one range is accepted");
	mr.rangesize = 2;
	ok(!accepted("DNAT", 0, &mr, 0, 0), "several ranges are refused");
}

static struct uipt_host_addr eth0_addrs[2], lo_addrs[1];
static struct uipt_host_iface ifaces[2];
static struct uipt_host_route routes[2];
static struct uipt_host host = { .ifaces = ifaces, .nifaces = 2, .routes = routes, .nroutes = 2 };

static void make_host(void)
{
	eth0_addrs[0] = (struct uipt_host_addr){ .family = AF_INET, .prefixlen = 24 };
	eth0_addrs[0].addr.v4.s_addr = ip4("198.51.100.2");
	eth0_addrs[1] = (struct uipt_host_addr){ .family = AF_INET, .prefixlen = 24 };
	eth0_addrs[1].addr.v4.s_addr = ip4("203.0.113.2");
	lo_addrs[0] = (struct uipt_host_addr){ .family = AF_INET, .prefixlen = 8 };
	lo_addrs[0].addr.v4.s_addr = ip4("127.0.0.1");
	ifaces[0] = (struct uipt_host_iface){ .name = "eth0", .index = 2, .up = true,
					      .addrs = eth0_addrs, .naddrs = 2 };
	ifaces[1] = (struct uipt_host_iface){ .name = "lo", .index = 1, .up = true,
					      .loopback = true, .addrs = lo_addrs, .naddrs = 1 };
	routes[0] = (struct uipt_host_route){ .family = AF_INET, .dst_len = 0, .oif = 2,
					      .table = 254 };
	routes[0].gateway.v4.s_addr = ip4("203.0.113.1");
	routes[1] = (struct uipt_host_route){ .family = AF_INET, .dst_len = 24, .oif = 2,
					      .table = 254 };
	routes[1].dst.v4.s_addr = ip4("198.51.100.0");
}

static void test_masquerade_redirect(void)
{
	struct nf_nat_ipv4_multi_range_compat mr = { .rangesize = 1 };
	struct uipt_conn ct = { 0 };
	struct xt_pkt pkt;

	make_host();
	ct.tuple[0].src.ip = ip4("192.0.2.7");
	udp(&pkt, "192.0.2.7", 4000, "8.8.8.8", 53);
	pkt.ct = &ct;
	pkt.host = &host;
	strcpy(pkt.out, "eth0");
	ok(run("MASQUERADE", 0, &pkt, &mr, NF_INET_POST_ROUTING) == NF_ACCEPT &&
	   seen.nat_calls == 1 && seen.snat, "MASQUERADE binds a source NAT");
	ok(seen.range.min_addr.ip == ip4("203.0.113.2") && (seen.range.flags & NF_NAT_RANGE_MAP_IPS),
	   "the address on the gateway's subnet is chosen");

	udp(&pkt, "192.0.2.7", 4000, "198.51.100.9", 53);
	pkt.ct = &ct;
	pkt.host = &host;
	strcpy(pkt.out, "eth0");
	run("MASQUERADE", 0, &pkt, &mr, NF_INET_POST_ROUTING);
	ok(seen.range.min_addr.ip == ip4("198.51.100.2"), "a direct route picks the on-link address");

	udp(&pkt, "192.0.2.7", 4000, "198.51.100.9", 53);
	pkt.ct = &ct;
	pkt.host = &host;
	strcpy(pkt.out, "lo");
	ok(run("MASQUERADE", 0, &pkt, &mr, NF_INET_POST_ROUTING) == NF_DROP && !seen.nat_calls,
	   "no usable address: dropped");

	ct.tuple[0].src.ip = 0;
	udp(&pkt, "0.0.0.0", 68, "255.255.255.255", 67);
	pkt.ct = &ct;
	pkt.host = &host;
	strcpy(pkt.out, "eth0");
	ok(run("MASQUERADE", 0, &pkt, &mr, NF_INET_POST_ROUTING) == NF_ACCEPT && !seen.nat_calls,
	   "source 0.0.0.0 is left alone");

	mr.range[0].flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	mr.range[0].min.all = mr.range[0].max.all = htons(3129);
	tcp(&pkt, "192.0.2.7", 40000, "198.51.100.1", 80, 0x02);
	pkt.host = &host;
	run("REDIRECT", 0, &pkt, &mr, NF_INET_LOCAL_OUT);
	ok(!seen.snat && seen.range.min_addr.ip == htonl(INADDR_LOOPBACK) &&
	   ntohs(seen.range.min_proto.all) == 3129, "REDIRECT from this host goes to 127.0.0.1");
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.80", 80, 0x02);
	pkt.host = &host;
	strcpy(pkt.in, "eth0");
	run("REDIRECT", 0, &pkt, &mr, NF_INET_PRE_ROUTING);
	ok(seen.range.min_addr.ip == ip4("198.51.100.2"),
	   "REDIRECT of arriving packets uses the device's first address");

	mr.range[0].flags |= NF_NAT_RANGE_MAP_IPS;
	ok(!accepted("REDIRECT", 0, &mr, IPPROTO_TCP, 0), "REDIRECT with addresses is refused");
}

static void test_netmap(void)
{
	struct nf_nat_ipv4_multi_range_compat mr = { .rangesize = 1 };
	struct xt_pkt pkt;

	mr.range[0].flags = NF_NAT_RANGE_MAP_IPS;
	mr.range[0].min_ip = ip4("192.0.2.0");
	mr.range[0].max_ip = ip4("192.0.2.255");
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.77", 80, 0x02);
	run("NETMAP", 0, &pkt, &mr, NF_INET_PRE_ROUTING);
	ok(!seen.snat && seen.range.min_addr.ip == ip4("192.0.2.77") &&
	   seen.range.max_addr.ip == ip4("192.0.2.77"), "NETMAP maps the destination before routing");
	tcp(&pkt, "10.1.2.3", 40000, "203.0.113.77", 80, 0x02);
	run("NETMAP", 0, &pkt, &mr, NF_INET_POST_ROUTING);
	ok(seen.snat && seen.range.min_addr.ip == ip4("192.0.2.3"),
	   "NETMAP maps the source after routing");
}

static void test_nfqueue(void)
{
	struct xt_NFQ_info_v3 q = { .queuenum = 4, .queues_total = 1 };
	struct xt_pkt pkt;

	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	ok(run("NFQUEUE", 3, &pkt, &q, NF_INET_LOCAL_IN) == NF_DROP && seen.assume_calls == 1,
	   "no queue reader: dropped (%s)", seen.what);
	q.flags = NFQ_FLAG_BYPASS;
	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	ok(run("NFQUEUE", 3, &pkt, &q, NF_INET_LOCAL_IN) == NF_ACCEPT, "bypass: accepted");
	q.queues_total = 0;
	ok(!accepted("NFQUEUE", 3, &q, 0, 0), "zero queues are refused");
	q.queuenum = 65535;
	q.queues_total = 2;
	ok(!accepted("NFQUEUE", 3, &q, 0, 0), "queues beyond 65535 are refused");
}

static void test_simple(void)
{
	struct xt_classify_target_info ci = { .priority = 0x00010010 };
	struct xt_tee_tginfo tee = { 0 };
	struct xt_audit_info au = { .type = XT_AUDIT_TYPE_DROP };
	struct xt_pkt pkt;

	udp(&pkt, "198.51.100.7", 4000, "192.0.2.1", 53);
	ok(run("CLASSIFY", 0, &pkt, &ci, NF_INET_FORWARD) == XT_CONTINUE &&
	   pkt.priority == 0x00010010, "CLASSIFY sets the priority");
	ok(run("TRACE", 0, &pkt, NULL, NF_INET_PRE_ROUTING) == XT_CONTINUE, "TRACE continues");
	tee.gw.ip = ip4("192.0.2.9");
	ok(run("TEE", 1, &pkt, &tee, NF_INET_LOCAL_IN) == XT_CONTINUE && seen.emit_calls == 1,
	   "TEE continues and sends a copy");
	ok(seen.how.untracked && seen.how.copy && seen.how.has_via &&
	   seen.how.via.s_addr == tee.gw.ip && seen.emitted_len == pkt.len,
	   "the copy is untracked and routed to the gateway");
	ok(seen.emitted[8] == pkt.data[8] - 1 && (seen.emitted[6] & 0x40),
	   "a copy made in INPUT has its TTL lowered and DF set");
	ok(accepted("TEE", 1, &tee, 0, 0), "TEE with a gateway is accepted");
	tee.gw.ip = 0;
	ok(!accepted("TEE", 1, &tee, 0, 0), "TEE to 0.0.0.0 is refused");
	pkt.mark = 0x5;
	ok(run("AUDIT", 0, &pkt, &au, NF_INET_LOCAL_IN) == XT_CONTINUE &&
	   !strcmp(seen.line, "audit: mark=0x5 saddr=198.51.100.7 daddr=192.0.2.1 proto=17"),
	   "AUDIT record: %s", seen.line);
	au.type = 3;
	ok(!accepted("AUDIT", 0, &au, 0, 0), "unknown audit type refused");
}

static void test_hmark(void)
{
	struct xt_hmark_info hi = { 0 };
	struct xt_pkt pkt;
	uint32_t m1, m2;

	memset(&hi.src_mask, 0xff, 4);
	memset(&hi.dst_mask, 0xff, 4);
	hi.port_mask.b32 = 0xffffffff;
	hi.proto_mask = 0xff;
	hi.hashrnd = 0x1234;
	hi.hmodulus = 10;
	hi.hoffset = 100;
	hi.flags = (1 << XT_HMARK_SADDR_MASK) | (1 << XT_HMARK_DADDR_MASK) |
		   (1 << XT_HMARK_MODULUS) | (1 << XT_HMARK_RND) | (1 << XT_HMARK_OFFSET);
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 80, 0x02);
	run("HMARK", 0, &pkt, &hi, NF_INET_FORWARD);
	m1 = pkt.mark;
	tcp(&pkt, "192.0.2.1", 80, "198.51.100.7", 40000, 0x12);
	run("HMARK", 0, &pkt, &hi, NF_INET_FORWARD);
	m2 = pkt.mark;
	ok(m1 == m2, "both directions of a flow get the same mark (%u, %u)", m1, m2);
	ok(m1 >= 100 && m1 < 110, "the mark is offset + hash modulo");

	/* An ICMP error is hashed as the packet it quotes. */
	ipv4(&pkt, IPPROTO_ICMP, "203.0.113.5", "198.51.100.7", 8 + 28);
	buf[20] = 3;
	buf[28] = 0x45;
	buf[28 + 9] = IPPROTO_TCP;
	memcpy(buf + 28 + 12, (uint32_t[]){ ip4("198.51.100.7") }, 4);
	memcpy(buf + 28 + 16, (uint32_t[]){ ip4("192.0.2.1") }, 4);
	put16(buf + 48, 40000);
	put16(buf + 50, 80);
	run("HMARK", 0, &pkt, &hi, NF_INET_FORWARD);
	ok(pkt.mark == m1, "an ICMP error follows the flow it reports on");

	struct uipt_conn ct = { 0 };
	ct.tuple[0].src.ip = ip4("198.51.100.7");
	ct.tuple[0].sport = htons(40000);
	ct.tuple[0].l4proto = IPPROTO_TCP;
	ct.tuple[1].src.ip = ip4("192.0.2.1");
	ct.tuple[1].sport = htons(80);
	hi.flags |= 1 << XT_HMARK_CT;
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.1", 8080, 0x02);
	pkt.ct = &ct;
	run("HMARK", 0, &pkt, &hi, NF_INET_FORWARD);
	ok(pkt.mark == m1, "--hmark-tuple ct hashes the tuples, not the (NATed) packet");

	hi.flags |= (1 << XT_HMARK_SPI) | (1 << XT_HMARK_SPORT);
	ok(!accepted("HMARK", 0, &hi, 0, 0), "spi-set with port-set is refused");
	hi.flags = 0;
	hi.hmodulus = 0;
	ok(!accepted("HMARK", 0, &hi, 0, 0), "modulus 0 is refused");
}

static void test_tproxy_synproxy(void)
{
	struct xt_tproxy_target_info_v1 tp = { .mark_mask = 0xff, .mark_value = 0x23 };
	struct xt_synproxy_info sp = { 0 };
	struct xt_pkt pkt;

	tp.lport = htons(3128);
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.1", 80, 0x02);
	pkt.mark = 0x1100;
	pkt.assume_unknown_match = true;
	ok(run("TPROXY", 1, &pkt, &tp, NF_INET_PRE_ROUTING) == NF_ACCEPT &&
	   pkt.mark == 0x1123 && seen.assume_calls == 1,
	   "TPROXY with a socket assumed: marked (%#x) and accepted", pkt.mark);
	tcp(&pkt, "198.51.100.7", 40000, "203.0.113.1", 80, 0x02);
	ok(run("TPROXY", 1, &pkt, &tp, NF_INET_PRE_ROUTING) == NF_DROP, "no socket: dropped");
	ok(accepted("TPROXY", 1, &tp, IPPROTO_UDP, 0), "TPROXY with -p udp is accepted");
	ok(!accepted("TPROXY", 1, &tp, IPPROTO_ICMP, 0), "TPROXY with -p icmp is refused");
	ok(!accepted("TPROXY", 1, &tp, IPPROTO_TCP, XT_INV_PROTO), "TPROXY with ! -p tcp is refused");

	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 80, 0x02);
	ok(run("SYNPROXY", 0, &pkt, &sp, NF_INET_LOCAL_IN) == NF_DROP && seen.emit_calls == 1 &&
	   seen.emitted[33] == 0x12 && !memcmp(seen.emitted + 12, pkt.data + 16, 4),
	   "SYNPROXY answers a SYN itself with a SYN/ACK from the server's address");
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 80, 0x10);
	ok(run("SYNPROXY", 0, &pkt, &sp, NF_INET_LOCAL_IN) == NF_DROP && seen.assume_calls == 1,
	   "SYNPROXY consumes the handshake's ACK");
	tcp(&pkt, "198.51.100.7", 40000, "192.0.2.1", 80, 0x11);
	ok(run("SYNPROXY", 0, &pkt, &sp, NF_INET_LOCAL_IN) == XT_CONTINUE, "other segments go on");
	ok(!accepted("SYNPROXY", 0, &sp, IPPROTO_UDP, 0), "SYNPROXY needs -p tcp");
}

/* What a target's save (or print) writes for some data. */
static const char *shown(const char *name, uint8_t rev, const void *data, bool save)
{
	static char out[512];
	const struct xtables_target *t = target(name, rev);
	FILE *f = fmemopen(out, sizeof(out), "w");

	memset(out, 0, sizeof(out));
	if (save)
		t->save(f, NULL, data);
	else
		t->print(f, NULL, data, true);
	fclose(f);
	return out;
}

/* Older layouts still found in blobs print as iptables prints them. */
static void test_old_revisions(void)
{
	struct nf_nat_ipv4_multi_range_compat mr = { .rangesize = 1 };
	struct nf_nat_range r1 = { 0 };
	struct xt_NFQ_info q0 = { .queuenum = 9 };
	struct xt_NFQ_info_v1 q1 = { .queuenum = 2, .queues_total = 4 };
	struct xt_NFQ_info_v2 q2 = { .queuenum = 2, .queues_total = 1, .bypass = 1 };
	struct xt_tproxy_target_info tp0 = { .mark_mask = 0xff, .mark_value = 1 };

	mr.range[0].flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	mr.range[0].min_ip = mr.range[0].max_ip = ip4("192.0.2.1");
	mr.range[0].min.all = mr.range[0].max.all = htons(80);
	ok(!strcmp(shown("DNAT", 0, &mr, true), " --to-destination 192.0.2.1:80"),
	   "DNAT rev 0 saves as rev 2");
	r1.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_RANDOM;
	r1.min_addr.ip = ip4("192.0.2.1");
	r1.max_addr.ip = ip4("192.0.2.3");
	ok(!strcmp(shown("DNAT", 1, &r1, false), " to:192.0.2.1-192.0.2.3 random"),
	   "DNAT rev 1 lists as rev 2");
	ok(!strcmp(shown("NFQUEUE", 0, &q0, true), " --queue-num 9"), "NFQUEUE rev 0");
	ok(!strcmp(shown("NFQUEUE", 1, &q1, true), " --queue-balance 2:5"), "NFQUEUE rev 1");
	ok(!strcmp(shown("NFQUEUE", 2, &q2, false), " NFQUEUE num 2 bypass"), "NFQUEUE rev 2");
	tp0.laddr = ip4("192.0.2.9");
	tp0.lport = htons(3128);
	ok(!strcmp(shown("TPROXY", 0, &tp0, true),
		   " --on-port 3128 --on-ip 192.0.2.9 --tproxy-mark 0x1/0xff"), "TPROXY rev 0");
}

int main(void)
{
	xt_registry_init();
	test_reject();
	test_log();
	test_nat();
	test_masquerade_redirect();
	test_netmap();
	test_nfqueue();
	test_simple();
	test_hmark();
	test_tproxy_synproxy();
	test_old_revisions();
	return tap_done();
}
