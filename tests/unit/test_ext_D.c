/*
 * The kernel halves of batch D's extensions, on crafted IPv4 packets:
 * what each match() decides, inversion included.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <uiptables/packet.h>
#include <uiptables/conntrack.h>
#include <uiptables/host.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_hashlimit.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter/xt_ipcomp.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_dccp.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_realm.h>
#include <linux/netfilter/xt_rpfilter.h>
#include <linux/netfilter/xt_cpu.h>
#include <linux/netfilter/xt_socket.h>
#include <linux/netfilter/xt_bpf.h>
#include <linux/netfilter/xt_cluster.h>
#include <linux/netfilter/xt_devgroup.h>
#include <linux/netfilter/xt_osf.h>
#include <linux/netfilter/xt_ipvs.h>
#include <linux/netfilter/xt_l2tp.h>
#include <linux/netfilter/xt_cgroup.h>
#include "../../libxt/registry.h"
#include "tap.h"

static uint8_t buf[256];
static int assumed;

static void note_assume(struct xt_pkt *pkt, const char *what)
{
	(void)pkt;
	(void)what;
	assumed++;
}

static const struct uipt_eval_ops ops = { .assume = note_assume };

/* An IPv4 header from src to dst carrying proto; the payload follows at 20. */
static struct xt_pkt packet(uint8_t proto, const char *src, const char *dst,
			    unsigned int payload)
{
	struct xt_pkt p = { .data = buf, .len = 20 + payload, .thoff = 20,
			    .family = NFPROTO_IPV4, .l4proto = proto,
			    .hook = NF_INET_LOCAL_IN, .ops = &ops };

	memset(buf, 0, sizeof(buf));
	buf[0] = 0x45;
	buf[2] = (uint8_t)(p.len >> 8);
	buf[3] = (uint8_t)p.len;
	buf[8] = 64;
	buf[9] = proto;
	inet_pton(AF_INET, src, buf + 12);
	inet_pton(AF_INET, dst, buf + 16);
	return p;
}

static void put16(unsigned int off, uint16_t v)
{
	buf[off] = (uint8_t)(v >> 8);
	buf[off + 1] = (uint8_t)v;
}

static void put32(unsigned int off, uint32_t v)
{
	put16(off, (uint16_t)(v >> 16));
	put16(off + 2, (uint16_t)v);
}

static const struct xtables_match *find(const char *name, uint8_t rev)
{
	const struct xtables_match *m = xt_find_match_rev(name, rev, NFPROTO_IPV4);

	if (!m) {
		printf("Bail out! no match %s rev %u\n", name, rev);
		exit(1);
	}
	return m;
}

/* Runs a match with its data and (zeroed once by the caller) state. */
static bool run(const struct xtables_match *m, const void *data, struct xt_pkt *p,
		void *priv, bool *hotdrop)
{
	struct xt_action_param par = { .data = data, .hook = p->hook,
				       .family = NFPROTO_IPV4, .priv = priv,
				       .priv_size = (unsigned int)m->state_size };
	bool r = m->match(p, &par);

	if (hotdrop)
		*hotdrop = par.hotdrop;
	return r;
}

static bool check_ok(const struct xtables_match *m, const void *data, const char *table,
		     unsigned int hooks)
{
	struct ipt_entry e = { 0 };
	struct xt_check_param par = { .table = table, .entry = &e, .data = data,
				      .hook_mask = hooks, .family = NFPROTO_IPV4 };

	return !m->checkentry || m->checkentry(&par) == 0;
}

static void test_limit(void)
{
	const struct xtables_match *m = find("limit", 0);
	struct xt_rateinfo r = { .avg = 10000 / 2, .burst = 3 };	/* 2/sec */
	void *st = calloc(1, m->state_size);
	struct xt_pkt p = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8);
	int n = 0;

	p.now_ns = 1000000000ull;
	for (int i = 0; i < 5; i++)
		n += run(m, &r, &p, st, NULL);
	ok(n == 3, "limit: a burst of 3 passes, then stops (%d)", n);
	p.now_ns += 500000000ull;	/* half a second: one token */
	ok(run(m, &r, &p, st, NULL), "limit: a token back after 1/rate");
	ok(!run(m, &r, &p, st, NULL), "limit: and only one");
	p.now_ns += 10000000000ull;
	n = 0;
	for (int i = 0; i < 5; i++)
		n += run(m, &r, &p, st, NULL);
	ok(n == 3, "limit: the bucket refills only up to the burst (%d)", n);
	r.burst = 0;
	ok(!check_ok(m, &r, "filter", 0), "limit: burst 0 refused");
	r = (struct xt_rateinfo){ .avg = 10000 * 86400, .burst = 5 };
	ok(!check_ok(m, &r, "filter", 0), "limit: 1/day burst 5 overflows, refused");
	free(st);
}

static void test_hashlimit(void)
{
	const struct xtables_match *m = find("hashlimit", 3);
	struct xt_hashlimit_mtinfo3 h = { .name = "t" };
	void *st = calloc(1, m->state_size);
	struct xt_pkt a = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.9", 8);
	int n = 0;

	h.cfg.avg = 1000000;	/* 1/sec */
	h.cfg.burst = 2;
	h.cfg.mode = XT_HASHLIMIT_HASH_SIP;
	h.cfg.gc_interval = 1000;
	h.cfg.expire = 10000;
	h.cfg.srcmask = h.cfg.dstmask = 32;
	ok(check_ok(m, &h, "filter", 0), "hashlimit: good config accepted");
	a.now_ns = 5000000000ull;
	for (int i = 0; i < 4; i++)
		n += run(m, &h, &a, st, NULL);
	ok(n == 2, "hashlimit upto: burst 2 for one source (%d)", n);
	struct xt_pkt b = packet(IPPROTO_UDP, "192.0.2.2", "192.0.2.9", 8);
	b.now_ns = a.now_ns;
	ok(run(m, &h, &b, st, NULL), "hashlimit: another source has its own bucket");
	a = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.9", 8);
	a.now_ns = 5000000000ull + 1000000000ull;
	ok(run(m, &h, &a, st, NULL), "hashlimit: a second later, a token again");
	h.cfg.mode |= XT_HASHLIMIT_INVERT;	/* --hashlimit-above */
	ok(run(m, &h, &a, st, NULL), "hashlimit above: matches once over the limit");
	a.now_ns += 20000000000ull;
	ok(!run(m, &h, &a, st, NULL), "hashlimit above: an expired group starts anew, below");
	h.cfg.gc_interval = 0;
	ok(!check_ok(m, &h, "filter", 0), "hashlimit: gcinterval 0 refused");
	h.cfg.gc_interval = 1000;
	h.cfg.srcmask = 33;
	ok(!check_ok(m, &h, "filter", 0), "hashlimit: srcmask 33 refused");
	free(st);
}

static void test_spi(void)
{
	const struct xtables_match *ah = find("ah", 0), *esp = find("esp", 0),
				   *comp = find("ipcomp", 0);
	struct ipt_ah a = { .spis = { 100, 200 } };
	struct xt_esp e = { .spis = { 5, 5 } };
	struct xt_ipcomp c = { .spis = { 0x1000, 0x1000 } };
	struct xt_pkt p = packet(IPPROTO_AH, "192.0.2.1", "192.0.2.2", 16);
	bool hot;

	put32(24, 150);
	ok(run(ah, &a, &p, NULL, NULL), "ah: SPI 150 in 100:200");
	a.invflags = IPT_AH_INV_SPI;
	ok(!run(ah, &a, &p, NULL, NULL), "ah: ! 100:200 does not match 150");
	p.fragoff = 3;
	ok(!run(ah, &a, &p, NULL, NULL), "ah: a later fragment never matches");
	p = packet(IPPROTO_AH, "192.0.2.1", "192.0.2.2", 4);
	ok(!run(ah, &a, &p, NULL, &hot) && hot, "ah: a cut header drops the packet");
	p = packet(IPPROTO_ESP, "192.0.2.1", "192.0.2.2", 8);
	put32(20, 5);
	ok(run(esp, &e, &p, NULL, NULL), "esp: SPI 5");
	put32(20, 6);
	ok(!run(esp, &e, &p, NULL, NULL), "esp: SPI 6 is not 5");
	p = packet(IPPROTO_COMP, "192.0.2.1", "192.0.2.2", 4);
	put16(22, 0x1000);
	ok(run(comp, &c, &p, NULL, NULL), "ipcomp: the 16-bit CPI");
	c.invflags = XT_IPCOMP_INV_SPI;
	ok(!run(comp, &c, &p, NULL, NULL), "ipcomp: inverted");
	a.invflags = 0x80;
	ok(!check_ok(ah, &a, "filter", 0), "ah: unknown invflags refused");
}

/* An SCTP packet with the given chunks (type, flags), 4 bytes each. */
static struct xt_pkt sctp_packet(uint16_t sport, uint16_t dport, const uint8_t (*ch)[2],
				 unsigned int n)
{
	struct xt_pkt p = packet(IPPROTO_SCTP, "192.0.2.1", "192.0.2.2", 12 + 4 * n);

	put16(20, sport);
	put16(22, dport);
	for (unsigned int i = 0; i < n; i++) {
		buf[32 + 4 * i] = ch[i][0];
		buf[33 + 4 * i] = ch[i][1];
		put16(34 + 4 * i, 4);
	}
	return p;
}

static void test_sctp(void)
{
	const struct xtables_match *m = find("sctp", 0);
	const uint8_t data_init[][2] = { { 0, 0x02 }, { 1, 0 } };
	struct xt_sctp_info s = { .spts = { 0, 0xFFFF }, .dpts = { 80, 80 },
				  .flags = XT_SCTP_DEST_PORTS };
	struct xt_pkt p = sctp_packet(1000, 80, data_init, 2);
	bool hot;

	ok(run(m, &s, &p, NULL, NULL), "sctp: dport 80");
	s.invflags = XT_SCTP_DEST_PORTS;
	ok(!run(m, &s, &p, NULL, NULL), "sctp: ! dport 80");
	s = (struct xt_sctp_info){ .flags = XT_SCTP_CHUNK_TYPES,
				   .chunk_match_type = SCTP_CHUNK_MATCH_ALL };
	SCTP_CHUNKMAP_SET(s.chunkmap, 0);
	SCTP_CHUNKMAP_SET(s.chunkmap, 1);
	ok(run(m, &s, &p, NULL, NULL), "sctp: all DATA,INIT");
	SCTP_CHUNKMAP_SET(s.chunkmap, 3);
	ok(!run(m, &s, &p, NULL, NULL), "sctp: all DATA,INIT,SACK: SACK is missing");
	s.chunk_match_type = SCTP_CHUNK_MATCH_ANY;
	ok(run(m, &s, &p, NULL, NULL), "sctp: any DATA,INIT,SACK");
	s.chunk_match_type = SCTP_CHUNK_MATCH_ONLY;
	SCTP_CHUNKMAP_CLEAR(s.chunkmap, 1);
	ok(!run(m, &s, &p, NULL, NULL), "sctp: only DATA,SACK fails on INIT");
	/* DATA:b — the B flag (bit 1) must be clear. */
	s = (struct xt_sctp_info){ .flags = XT_SCTP_CHUNK_TYPES,
				   .chunk_match_type = SCTP_CHUNK_MATCH_ANY, .flag_count = 1 };
	SCTP_CHUNKMAP_SET(s.chunkmap, 0);
	s.flag_info[0] = (struct xt_sctp_flag_info){ .chunktype = 0, .flag = 0, .flag_mask = 2 };
	ok(!run(m, &s, &p, NULL, NULL), "sctp: any DATA:b, but B is set");
	s.flag_info[0].flag = 2;
	ok(run(m, &s, &p, NULL, NULL), "sctp: any DATA:B");
	s.invflags = XT_SCTP_CHUNK_TYPES;
	ok(!run(m, &s, &p, NULL, NULL), "sctp: ! any DATA:B");
	put16(34, 0);	/* a chunk of length 0 */
	run(m, &s, &p, NULL, &hot);
	ok(hot, "sctp: a zero-length chunk drops the packet");
	s.invflags = XT_SCTP_SRC_PORTS;
	ok(!check_ok(m, &s, "filter", 0), "sctp: inversion of an unset option refused");
}

static void test_dccp(void)
{
	const struct xtables_match *m = find("dccp", 0);
	struct xt_dccp_info d = { .typemask = 1u << 3, .flags = XT_DCCP_TYPE };
	struct xt_pkt p = packet(IPPROTO_DCCP, "192.0.2.1", "192.0.2.2", 24);
	bool hot;

	put16(20, 5000);
	put16(22, 22);
	buf[24] = 6;		/* doff: 24 bytes, 4 of options */
	buf[28] = 3 << 1;	/* ACK, no extended sequence numbers */
	buf[40] = 1;		/* padding */
	buf[41] = 32;		/* option 32 */
	buf[42] = 3;
	ok(run(m, &d, &p, NULL, NULL), "dccp: type ACK");
	d.invflags = XT_DCCP_TYPE;
	ok(!run(m, &d, &p, NULL, NULL), "dccp: ! type ACK");
	d = (struct xt_dccp_info){ .option = 32, .flags = XT_DCCP_OPTION };
	ok(run(m, &d, &p, NULL, NULL), "dccp: option 32 present");
	d.option = 33;
	ok(!run(m, &d, &p, NULL, NULL), "dccp: option 33 absent");
	buf[24] = 4;		/* shorter than the ACK header */
	ok(!run(m, &d, &p, NULL, &hot) && hot, "dccp: doff below the header drops");
	d = (struct xt_dccp_info){ .spts = { 1024, 65535 }, .flags = XT_DCCP_SRC_PORTS,
				   .invflags = XT_DCCP_SRC_PORTS };
	ok(!run(m, &d, &p, NULL, NULL), "dccp: ! sport 1024:65535 misses 5000");
}

static void test_policy_realm(void)
{
	const struct xtables_match *pol = find("policy", 0), *realm = find("realm", 0);
	struct xt_policy_info pi = { .flags = XT_POLICY_MATCH_IN | XT_POLICY_MATCH_NONE };
	struct xt_realm_info ri = { .id = 0, .mask = 0xFFFFFFFF };
	struct xt_pkt p = packet(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20);

	assumed = 0;
	ok(run(pol, &pi, &p, NULL, NULL), "policy: --pol none holds without IPsec");
	pi.flags = XT_POLICY_MATCH_IN;
	ok(!run(pol, &pi, &p, NULL, NULL) && assumed, "policy: --pol ipsec does not; noted");
	ok(!check_ok(pol, &pi, "filter", 1u << NF_INET_LOCAL_OUT),
	   "policy: --dir in refused in OUTPUT");
	ok(run(realm, &ri, &p, NULL, NULL), "realm: routes are realm 0");
	ri.invert = 1;
	ok(!run(realm, &ri, &p, NULL, NULL), "realm: ! 0");
}

static struct uipt_host_addr eth0_addr = { .family = AF_INET, .prefixlen = 24 };
static struct uipt_host_iface ifaces[] = {
	{ .name = "lo", .index = 1, .up = true, .loopback = true },
	{ .name = "eth0", .index = 2, .up = true, .group = 5, .addrs = &eth0_addr, .naddrs = 1 },
	{ .name = "eth1", .index = 3, .up = true, .group = 0 },
};
static struct uipt_host_route routes[] = {
	{ .family = AF_INET, .dst_len = 24, .type = RTN_UNICAST, .oif = 2, .table = RT_TABLE_MAIN },
	{ .family = AF_INET, .dst_len = 0, .type = RTN_UNICAST, .oif = 3, .table = RT_TABLE_MAIN },
	{ .family = AF_INET, .dst_len = 24, .type = RTN_BLACKHOLE, .table = RT_TABLE_MAIN },
};
static struct uipt_host host = { .ifaces = ifaces, .nifaces = 3, .routes = routes, .nroutes = 3 };

static void test_rpfilter_devgroup(void)
{
	const struct xtables_match *rp = find("rpfilter", 0), *dg = find("devgroup", 0);
	struct xt_rpfilter_info r = { 0 };
	struct xt_devgroup_info d = { .flags = XT_DEVGROUP_MATCH_SRC, .src_group = 5,
				      .src_mask = 0xFFFFFFFF };
	struct xt_pkt p;

	inet_pton(AF_INET, "192.0.2.1", &eth0_addr.addr.v4);
	inet_pton(AF_INET, "192.0.2.0", &routes[0].dst.v4);
	inet_pton(AF_INET, "203.0.113.0", &routes[2].dst.v4);
	p = packet(IPPROTO_UDP, "192.0.2.77", "192.0.2.1", 8);
	p.host = &host;
	strcpy(p.in, "eth0");
	ok(run(rp, &r, &p, NULL, NULL), "rpfilter: the route back uses eth0");
	strcpy(p.in, "eth1");
	ok(!run(rp, &r, &p, NULL, NULL), "rpfilter: not when it came in by eth1");
	r.flags = XT_RPFILTER_LOOSE;
	ok(run(rp, &r, &p, NULL, NULL), "rpfilter --loose: any route will do");
	r.flags = XT_RPFILTER_INVERT;
	ok(run(rp, &r, &p, NULL, NULL), "rpfilter --invert: matches the spoofed one");
	p = packet(IPPROTO_UDP, "203.0.113.5", "192.0.2.1", 8);
	p.host = &host;
	strcpy(p.in, "eth1");
	r.flags = XT_RPFILTER_LOOSE;
	ok(!run(rp, &r, &p, NULL, NULL), "rpfilter: a blackhole route back fails");
	p = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.1", 8);
	p.host = &host;
	strcpy(p.in, "eth0");
	r.flags = 0;
	ok(!run(rp, &r, &p, NULL, NULL), "rpfilter: a local source fails...");
	r.flags = XT_RPFILTER_ACCEPT_LOCAL;
	ok(run(rp, &r, &p, NULL, NULL), "rpfilter: ...unless --accept-local");
	strcpy(p.in, "lo");
	r.flags = 0;
	ok(run(rp, &r, &p, NULL, NULL), "rpfilter: loopback always passes");
	ok(!check_ok(rp, &r, "filter", 1u << NF_INET_PRE_ROUTING), "rpfilter: filter table refused");

	strcpy(p.in, "eth0");
	ok(run(dg, &d, &p, NULL, NULL), "devgroup: eth0 is in group 5");
	d.flags |= XT_DEVGROUP_INVERT_SRC;
	ok(!run(dg, &d, &p, NULL, NULL), "devgroup: ! --src-group 5");
	d = (struct xt_devgroup_info){ .flags = XT_DEVGROUP_MATCH_DST, .dst_group = 4,
				       .dst_mask = 4 };
	strcpy(p.out, "eth0");
	ok(run(dg, &d, &p, NULL, NULL), "devgroup: group 5 under mask 4 is 4");
	ok(!check_ok(dg, &d, "filter", 1u << NF_INET_LOCAL_IN), "devgroup: dst in INPUT refused");
}

static void test_assumed(void)
{
	/* nfacct: its object (named "") is missing, which only a state
	 * directory changed by hand can make so. */
	static const char *const names[] = { "cpu", "socket", "rateest", "nfacct" };
	struct xt_pkt p = packet(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20);
	uint8_t data[4096] = { 0 };

	p.local = true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct xtables_match *m = xt_find_match(names[i], NFPROTO_IPV4);

		assumed = 0;
		p.assume_unknown_match = true;
		bool yes = run(m, data, &p, NULL, NULL);
		p.assume_unknown_match = false;
		bool no = run(m, data, &p, NULL, NULL);
		ok(yes && !no && assumed == 2, "%s: unknown to the model, assumed", names[i]);
	}
	/* osf: only a SYN is fingerprinted. */
	const struct xtables_match *osf = find("osf", 0);
	p.assume_unknown_match = true;
	ok(!run(osf, data, &p, NULL, NULL), "osf: not a SYN, no match");
	buf[33] = 0x02;
	ok(run(osf, data, &p, NULL, NULL), "osf: a SYN's fingerprint is assumed");
	/* ipvs: no IPVS in the model. */
	const struct xtables_match *ipvs = find("ipvs", 0);
	struct xt_ipvs_mtinfo v = { .bitmask = XT_IPVS_IPVS_PROPERTY };
	ok(!run(ipvs, &v, &p, NULL, NULL), "ipvs: --ipvs never matches");
	v.invert = XT_IPVS_IPVS_PROPERTY;
	ok(run(ipvs, &v, &p, NULL, NULL), "ipvs: ! --ipvs always does");
	v.bitmask = XT_IPVS_IPVS_PROPERTY | XT_IPVS_PROTO;
	ok(!run(ipvs, &v, &p, NULL, NULL), "ipvs: other options need an IPVS packet");
	/* cgroup: a classid is taken as 0 (said so); a path is unknown. */
	const struct xtables_match *cg = find("cgroup", 2);
	struct xt_cgroup_info_v2 c2 = { .has_classid = 1, .classid = 0 };
	p.assume_unknown_match = false;
	assumed = 0;
	ok(run(cg, &c2, &p, NULL, NULL) && assumed == 1, "cgroup: classid 0 matches, stated");
	c2.classid = 7;
	ok(!run(cg, &c2, &p, NULL, NULL), "cgroup: classid 7 does not");
	c2.invert_classid = 1;
	ok(run(cg, &c2, &p, NULL, NULL), "cgroup: ! classid 7 does");
	c2 = (struct xt_cgroup_info_v2){ .has_path = 1, .path = "/user.slice" };
	p.assume_unknown_match = true;
	assumed = 0;
	ok(run(cg, &c2, &p, NULL, NULL) && assumed == 1, "cgroup: a path is assumed");
	/* cgroup: a forwarded packet has no socket. */
	p.local = false;
	ok(!run(xt_find_match("cgroup", NFPROTO_IPV4), data, &p, NULL, NULL),
	   "cgroup: no socket, no match");
}

static void test_bpf(void)
{
	const struct xtables_match *m = find("bpf", 1);
	struct xt_bpf_info_v1 b = { .mode = XT_BPF_MODE_BYTECODE, .bpf_program_num_elem = 4 };
	const struct sock_filter is_tcp[] = {
		{ 0x30, 0, 0, 9 },	/* ldb [9]: the protocol */
		{ 0x15, 0, 1, 6 },	/* jeq #6 */
		{ 0x06, 0, 0, 1 },	/* ret #1 */
		{ 0x06, 0, 0, 0 },	/* ret #0 */
	};
	struct xt_pkt p = packet(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20);

	memcpy(b.bpf_program, is_tcp, sizeof(is_tcp));
	ok(check_ok(m, &b, "filter", 0), "bpf: the program passes the kernel's check");
	ok(run(m, &b, &p, NULL, NULL), "bpf: TCP returns 1");
	p = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8);
	ok(!run(m, &b, &p, NULL, NULL), "bpf: UDP returns 0");
	b.bpf_program[0].k = 4000;	/* beyond the packet */
	ok(!run(m, &b, &p, NULL, NULL), "bpf: a load past the end returns 0");
	b.bpf_program[1].jf = 5;
	ok(!check_ok(m, &b, "filter", 0), "bpf: a jump out of the program refused");
	b.bpf_program[1].jf = 1;
	b.bpf_program[3].code = 0x07;	/* tax: no return at the end */
	ok(!check_ok(m, &b, "filter", 0), "bpf: no final return refused");
	b.bpf_program_num_elem = 2;
	b.bpf_program[0] = (struct sock_filter){ 0x60, 0, 0, 3 };	/* ld M[3] */
	b.bpf_program[1] = (struct sock_filter){ 0x06, 0, 0, 0 };
	ok(!check_ok(m, &b, "filter", 0), "bpf: reading unwritten memory refused");
	b.mode = XT_BPF_MODE_FD_PINNED;
	assumed = 0;
	p.assume_unknown_match = true;
	ok(run(m, &b, &p, NULL, NULL) && assumed, "bpf: a pinned program is assumed");
}

static void test_cluster(void)
{
	const struct xtables_match *m = find("cluster", 0);
	struct xt_cluster_match_info c = { .total_nodes = 2, .node_mask = 3, .hash_seed = 7 };
	struct uipt_conn ct = { 0 };
	struct xt_pkt p = packet(IPPROTO_TCP, "192.0.2.1", "192.0.2.2", 20);
	int hits[2] = { 0, 0 };

	ok(!run(m, &c, &p, NULL, NULL), "cluster: no connection, no match");
	p.ct = &ct;
	ok(run(m, &c, &p, NULL, NULL), "cluster: mask 3 of 2 nodes takes all");
	c.flags = XT_CLUSTER_F_INV;
	ok(!run(m, &c, &p, NULL, NULL), "cluster: inverted");
	c.flags = 0;
	/* Each source lands on exactly one of the two nodes. */
	for (uint32_t i = 1; i <= 64; i++) {
		ct.tuple[UIPT_DIR_ORIGINAL].src.ip = htonl(0xC0000200u + i);
		c.node_mask = 1;
		bool one = run(m, &c, &p, NULL, NULL);
		c.node_mask = 2;
		bool two = run(m, &c, &p, NULL, NULL);
		hits[0] += one;
		hits[1] += two;
		if (one == two)
			hits[0] = -1000;
	}
	ok(hits[0] > 0 && hits[1] > 0 && hits[0] + hits[1] == 64,
	   "cluster: sources split between nodes (%d/%d)", hits[0], hits[1]);
	c.node_mask = 4;
	ok(!check_ok(m, &c, "mangle", 0), "cluster: a mask beyond the nodes refused");

	/* Sources 198.51.100.2..11 as the real kernel placed them. */
	const struct xt_cluster_match_info k1 = { .total_nodes = 2, .node_mask = 1,
						  .hash_seed = 0xdeadbeef };
	const struct xt_cluster_match_info k2 = { .total_nodes = 3, .node_mask = 4,
						  .hash_seed = 7 };
	char got1[16] = "", got2[16] = "";

	for (uint32_t host = 2; host <= 11; host++) {
		ct.tuple[UIPT_DIR_ORIGINAL].src.ip = htonl(0xC6336400u + host);
		if (run(m, &k1, &p, NULL, NULL))
			got1[strlen(got1)] = (char)('0' + host % 10);
		if (run(m, &k2, &p, NULL, NULL))
			got2[strlen(got2)] = (char)('0' + host % 10);
	}
	ok(!strcmp(got1, "2351"), "cluster: as the kernel, node 1 of 2 (%s)", got1);
	ok(!strcmp(got2, "456780"), "cluster: as the kernel, node 3 of 3 (%s)", got2);
}

static void test_l2tp(void)
{
	const struct xtables_match *m = find("l2tp", 0);
	struct xt_l2tp_info l = { .tid = 42, .flags = XT_L2TP_TID };
	struct xt_pkt p = packet(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", 8 + 8);

	put16(28, 0x0002);	/* v2 data, no length */
	put16(30, 42);		/* tunnel */
	put16(32, 7);		/* session */
	ok(run(m, &l, &p, NULL, NULL), "l2tp: v2 tunnel 42");
	l = (struct xt_l2tp_info){ .sid = 7, .type = XT_L2TP_TYPE_DATA,
				   .flags = XT_L2TP_SID | XT_L2TP_TYPE };
	ok(run(m, &l, &p, NULL, NULL), "l2tp: v2 data session 7");
	l.type = XT_L2TP_TYPE_CONTROL;
	ok(!run(m, &l, &p, NULL, NULL), "l2tp: not a control packet");
	p = packet(115, "192.0.2.1", "192.0.2.2", 12);
	put32(20, 0);		/* session 0: control */
	put32(28, 99);
	l = (struct xt_l2tp_info){ .tid = 99, .version = 3,
				   .flags = XT_L2TP_TID | XT_L2TP_VERSION };
	ok(run(m, &l, &p, NULL, NULL), "l2tp: v3 over IP, control tunnel 99");
}

/*
 * Packets whose verdicts the real kernel gave (tools/kernel-oracle, run on
 * 6.18 with the rules below in FORWARD): the rules each one matched.
 */
static void test_kernel_agrees(void)
{
	static const struct {
		const char *id;
		uint8_t proto;
		uint8_t bytes[28];
		unsigned int len;
		const char *hits;	/* rule numbers, 1-based */
	} pk[] = {
		{ "sctp DATA:B", IPPROTO_SCTP,
		  { 1, 1, 0, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 4 }, 16, "1345" },
		{ "sctp DATA,INIT", IPPROTO_SCTP,
		  { 1, 1, 0, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 4 }, 20, "125" },
		{ "dccp REQUEST opt 32", IPPROTO_DCCP,
		  { 1, 1, 0, 0x50, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		    0x20, 3, 0, 0 }, 24, "678" },
		{ "dccp REQUEST opt 33", IPPROTO_DCCP,
		  { 1, 1, 0, 0x50, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		    0x21, 3, 0, 0 }, 24, "68" },
		{ "dccp DATA opt 32", IPPROTO_DCCP,
		  { 1, 1, 0, 0x51, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 1, 0x20, 3, 0, 0 }, 20, "79" },
	};
	const struct xtables_match *sctp = find("sctp", 0), *dccp = find("dccp", 0);
	struct xt_sctp_info s[5];
	struct xt_dccp_info d[4];

	memset(s, 0, sizeof(s));
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 4; i++) {
		s[i].flags = XT_SCTP_CHUNK_TYPES;
		SCTP_CHUNKMAP_SET(s[i].chunkmap, 0);
	}
	s[0].chunk_match_type = SCTP_CHUNK_MATCH_ANY;			/* any DATA */
	s[1].chunk_match_type = SCTP_CHUNK_MATCH_ALL;			/* all DATA,INIT */
	SCTP_CHUNKMAP_SET(s[1].chunkmap, 1);
	s[2].chunk_match_type = SCTP_CHUNK_MATCH_ONLY;			/* only DATA */
	s[3].chunk_match_type = SCTP_CHUNK_MATCH_ANY;			/* any DATA:B */
	s[3].flag_count = 1;
	s[3].flag_info[0] = (struct xt_sctp_flag_info){ 0, 2, 2 };
	s[4] = (struct xt_sctp_info){ .dpts = { 80, 80 }, .flags = XT_SCTP_DEST_PORTS };
	d[0] = (struct xt_dccp_info){ .typemask = 1, .flags = XT_DCCP_TYPE };	/* REQUEST */
	d[1] = (struct xt_dccp_info){ .option = 32, .flags = XT_DCCP_OPTION };
	d[2] = (struct xt_dccp_info){ .dpts = { 80, 80 }, .flags = XT_DCCP_DEST_PORTS };
	d[3] = (struct xt_dccp_info){ .typemask = 1u << 2, .flags = XT_DCCP_TYPE };	/* DATA */
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		char got[10] = "";

		for (int r = 0; r < 9; r++) {
			struct xt_pkt p = packet(pk[i].proto, "198.51.100.2", "203.0.113.2", pk[i].len);
			const struct xtables_match *m = r < 5 ? sctp : dccp;
			const void *data = r < 5 ? (const void *)&s[r] : (const void *)&d[r - 5];

			memcpy(buf + 20, pk[i].bytes, pk[i].len);
			if (((r < 5) == (pk[i].proto == IPPROTO_SCTP)) && run(m, data, &p, NULL, NULL))
				got[strlen(got)] = (char)('1' + r);
		}
		ok(!strcmp(got, pk[i].hits), "as the kernel: %s hits rules %s (%s)",
		   pk[i].id, pk[i].hits, got);
	}
}

/* The kernel-oracle's firewall: rpfilter verdicts the real kernel gave. */
static void test_rpfilter_kernel(void)
{
	static struct uipt_host_addr a0 = { .family = AF_INET, .prefixlen = 24 };
	static struct uipt_host_addr a1 = { .family = AF_INET, .prefixlen = 24 };
	static struct uipt_host_iface fw_if[] = {
		{ .name = "lo", .index = 1, .up = true, .loopback = true },
		{ .name = "eth0", .index = 2, .up = true, .addrs = &a0, .naddrs = 1 },
		{ .name = "eth1", .index = 3, .up = true, .addrs = &a1, .naddrs = 1 },
	};
	static struct uipt_host_route fw_rt[] = {
		{ .family = AF_INET, .dst_len = 24, .type = RTN_UNICAST, .oif = 2 },
		{ .family = AF_INET, .dst_len = 24, .type = RTN_UNICAST, .oif = 3 },
		{ .family = AF_INET, .dst_len = 0, .type = RTN_UNICAST, .oif = 3 },
	};
	static struct uipt_host fw = { .ifaces = fw_if, .nifaces = 3, .routes = fw_rt, .nroutes = 3 };
	static const uint8_t flags[] = {
		0, XT_RPFILTER_LOOSE, XT_RPFILTER_ACCEPT_LOCAL, XT_RPFILTER_INVERT,
		XT_RPFILTER_ACCEPT_LOCAL | XT_RPFILTER_LOOSE,
	};
	static const struct { const char *src, *hits; } pk[] = {
		{ "198.51.100.2", "1235" }, { "203.0.113.5", "245" }, { "192.0.2.7", "245" },
		{ "198.51.100.1", "345" }, { "203.0.113.1", "45" },
	};
	const struct xtables_match *m = find("rpfilter", 0);

	inet_pton(AF_INET, "198.51.100.1", &a0.addr.v4);
	inet_pton(AF_INET, "203.0.113.1", &a1.addr.v4);
	inet_pton(AF_INET, "198.51.100.0", &fw_rt[0].dst.v4);
	inet_pton(AF_INET, "203.0.113.0", &fw_rt[1].dst.v4);
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		char got[8] = "";

		for (int r = 0; r < 5; r++) {
			struct xt_rpfilter_info info = { .flags = flags[r] };
			struct xt_pkt p = packet(IPPROTO_UDP, pk[i].src, "203.0.113.2", 8);

			p.host = &fw;
			p.hook = NF_INET_PRE_ROUTING;
			strcpy(p.in, "eth0");
			if (run(m, &info, &p, NULL, NULL))
				got[strlen(got)] = (char)('1' + r);
		}
		ok(!strcmp(got, pk[i].hits), "rpfilter as the kernel: from %s on eth0 hits %s (%s)",
		   pk[i].src, pk[i].hits, got);
	}
}

/* save (or print) of data read from a table, as text. */
static const char *shown(const struct xtables_match *m, const void *data, bool save)
{
	static char out[1024];
	FILE *f = fmemopen(out, sizeof(out), "w");

	if (save)
		m->save(f, NULL, data);
	else
		m->print(f, NULL, data, true);
	fclose(f);
	return out;
}

/* Older revisions iptables still reads from a table show the same way. */
static void test_old_revisions(void)
{
	struct xt_hashlimit_mtinfo1 h1 = { .name = "old" };
	struct xt_hashlimit_mtinfo2 h2 = { .name = "mid" };
	struct xt_cgroup_info_v0 c0 = { .id = 7, .invert = 1 };
	struct xt_socket_mtinfo1 s1 = { .flags = XT_SOCKET_TRANSPARENT };
	struct xt_bpf_info b0 = { .bpf_program_num_elem = 1,
				  .bpf_program = { { 6, 0, 0, 1 } } };

	h1.cfg = (struct hashlimit_cfg1){ .mode = XT_HASHLIMIT_HASH_SIP, .avg = 10000 / 3,
					  .burst = 5, .gc_interval = 1000, .expire = 1000,
					  .srcmask = 32, .dstmask = 32 };
	ok(!strcmp(shown(find("hashlimit", 1), &h1, true),
		   " --hashlimit-upto 3/sec --hashlimit-burst 5 --hashlimit-mode srcip "
		   "--hashlimit-name old"), "hashlimit rev 1 saved: %s", shown(find("hashlimit", 1), &h1, true));
	h2.cfg = (struct hashlimit_cfg2){ .mode = XT_HASHLIMIT_INVERT, .avg = 60000000,
					  .burst = 2, .gc_interval = 1000, .expire = 60000,
					  .srcmask = 32, .dstmask = 24 };
	ok(!strcmp(shown(find("hashlimit", 2), &h2, false),
		   " limit: above 1/min burst 2 dstmask 24"),
	   "hashlimit rev 2 listed: %s", shown(find("hashlimit", 2), &h2, false));
	ok(!strcmp(shown(find("cgroup", 0), &c0, true), " ! --cgroup 7"), "cgroup rev 0 saved");
	ok(!strcmp(shown(find("socket", 1), &s1, true), " --transparent"), "socket rev 1 saved");
	ok(!strcmp(shown(find("bpf", 0), &b0, true), " --bytecode \"1,6 0 0 1\""),
	   "bpf rev 0 saved");
}

int main(void)
{
	xt_registry_init();
	test_limit();
	test_hashlimit();
	test_spi();
	test_sctp();
	test_dccp();
	test_policy_realm();
	test_rpfilter_devgroup();
	test_assumed();
	test_bpf();
	test_cluster();
	test_l2tp();
	test_old_revisions();
	test_kernel_agrees();
	test_rpfilter_kernel();
	return tap_done();
}
