/* Packets, the host model and routing of the evaluator. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include "../../libxt/error.h"
#include "../../libxt/eval/eval.h"
#include "tap.h"

static struct in_addr A(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_build_parse(void)
{
	struct uipt_pktspec s;
	struct xt_pkt p = { 0 };
	uint8_t buf[UIPT_PKT_MAX];
	char *out = NULL;
	size_t n = 0;
	FILE *f;
	int len;

	uipt_pktspec_init(&s);
	s.src = A("198.51.100.2");
	s.dst = A("203.0.113.2");
	s.sport = 40000;
	s.dport = 80;
	s.seq = 1000;
	s.has_flags = true;
	s.tcp_flags = TH_SYN | TH_ACK;
	memcpy(s.payload, "hello", 5);
	s.payload_len = 5;
	len = uipt_pkt_build(&s, buf, sizeof(buf));
	ok(len == 45, "TCP packet with 5 bytes of payload is 45 bytes (%d)", len);
	ok(uipt_pkt_parse(&p, buf, (size_t)len) == 0 && p.thoff == 20 && p.l4proto == 6,
	   "parses back: transport at 20, protocol 6");
	ok(uipt_pkt_ip_csum_ok(buf), "IP header checksum right");
	ok(uipt_pkt_l4_csum_ok(&p), "TCP checksum right");
	buf[30] ^= 1;
	ok(!uipt_pkt_l4_csum_ok(&p), "a flipped bit breaks the TCP checksum");
	buf[30] ^= 1;
	f = open_memstream(&out, &n);
	uipt_pkt_describe(f, &p);
	fclose(f);
	ok(strstr(out, "SRC=198.51.100.2 DST=203.0.113.2 LEN=45") &&
	   strstr(out, "SPT=40000 DPT=80 SEQ=1000") && strstr(out, "ACK SYN"),
	   "described as LOG would: %s", out);
	free(out);
	ok(uipt_pkt_parse(&p, buf, 30) < 0 && strstr(xt_error_msg(), "truncated"),
	   "a cut packet is an error: %s", xt_error_msg());
	s.length = 10;
	ok(uipt_pkt_build(&s, buf, sizeof(buf)) < 0, "--length below the headers is refused");
}

static void test_icmp_error(void)
{
	struct uipt_pktspec s;
	struct xt_pkt p = { 0 };
	uint8_t buf[UIPT_PKT_MAX];
	int len;

	uipt_pktspec_init(&s);
	s.proto = IPPROTO_ICMP;
	s.icmp_type = 3;
	s.icmp_code = 3;
	s.src = A("203.0.113.2");
	s.dst = A("198.51.100.2");
	s.inner_src = A("198.51.100.2");
	s.inner_dst = A("203.0.113.2");
	s.inner_proto = IPPROTO_UDP;
	s.inner_sport = 5000;
	s.inner_dport = 53;
	len = uipt_pkt_build(&s, buf, sizeof(buf));
	ok(len == 20 + 8 + 28, "port unreachable quotes header and 8 bytes (%d)", len);
	uipt_pkt_parse(&p, buf, (size_t)len);
	ok(uipt_pkt_l4_csum_ok(&p) && buf[28 + 9] == 17 && buf[28 + 20] == 5000 >> 8,
	   "ICMP checksum right, quoted UDP from port 5000");
}

static void test_host_and_routes(void)
{
	struct uipt_host *h = uipt_host_default();
	struct uipt_route_result r = { .want_why = true };
	struct in_addr src;
	FILE *f;
	int ret;

	uipt_route_input(h, "eth0", A("198.51.100.9"), A("203.0.113.1"), &r);
	ok(r.kind == UIPT_ROUTE_LOCAL, "own address of eth1 is local from eth0");
	uipt_route_input(h, "eth0", A("198.51.100.9"), A("203.0.113.1"), &r);
	uipt_route_input(h, "eth0", A("198.51.100.9"), A("192.0.2.77"), &r);
	ok(r.kind == UIPT_ROUTE_FORWARD && !strcmp(r.out, "eth1") &&
	   r.gateway.s_addr == A("203.0.113.2").s_addr, "default route via eth1 (%s)", r.why);
	uipt_route_input(h, "eth1", A("203.0.113.9"), A("198.51.100.7"), &r);
	ok(r.kind == UIPT_ROUTE_FORWARD && !strcmp(r.out, "eth0"), "connected subnet on eth0");
	uipt_route_input(h, "eth1", A("203.0.113.9"), A("203.0.113.255"), &r);
	ok(r.kind == UIPT_ROUTE_LOCAL && r.broadcast, "subnet broadcast delivered locally");
	uipt_route_input(h, "eth1", A("127.0.0.1"), A("203.0.113.1"), &r);
	ok(r.kind == UIPT_ROUTE_UNREACHABLE, "loopback source on eth1 is a martian");
	uipt_route_output(h, A("127.0.0.5"), &r);
	ok(r.kind == UIPT_ROUTE_LOCAL && !strcmp(r.out, "lo"), "127.0.0.5 is local via lo");
	uipt_route_output(h, A("198.51.100.50"), &r);
	ok(r.kind == UIPT_ROUTE_FORWARD && r.prefsrc.s_addr == A("198.51.100.1").s_addr,
	   "output to eth0's subnet gets eth0's address as source");
	ok(uipt_host_addr_type(h, A("203.0.113.1"), NULL) == RTN_LOCAL &&
	   uipt_host_addr_type(h, A("203.0.113.1"), "eth0") == RTN_UNICAST &&
	   uipt_host_addr_type(h, A("198.51.100.255"), NULL) == RTN_BROADCAST &&
	   uipt_host_addr_type(h, A("224.0.0.1"), NULL) == RTN_MULTICAST,
	   "address types: local, limited to a device, broadcast, multicast");
	ok(uipt_host_select_addr(h, "eth1", A("8.8.8.8"), &src) &&
	   src.s_addr == A("203.0.113.1").s_addr, "MASQUERADE's address on eth1");
	uipt_host_free(h);
	f = fmemopen((void *)"iface a\naddr b 1.2.3.4/8\n", 24, "r");
	ret = uipt_host_parse(f, "hostfile", &h);
	fclose(f);
	ok(ret < 0 && strstr(xt_error_msg(), "hostfile:2:"), "errors name file and line: %s",
	   xt_error_msg());
}

static struct uipt_host *host_of(const char *text)
{
	struct uipt_host *h = NULL;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	if (uipt_host_parse(f, "host", &h) < 0)
		h = NULL;
	fclose(f);
	return h;
}

static void test_host_bridge(void)
{
	struct uipt_host *h = host_of("iface eth0 master br0 mac 02:00:00:00:f0:00\n"
				      "iface br0 type bridge mac 02:00:00:00:f0:0b\n"
				      "iface eth1\n"
				      "addr br0 198.51.100.1/24\n"
				      "neigh 198.51.100.3 lladdr 02:00:00:00:0c:00 dev br0\n"
				      "sysctl net.bridge.bridge-nf-call-iptables 0\n");
	const uint8_t br_mac[6] = { 2, 0, 0, 0, 0xf0, 0x0b }, port_mac[6] = { 2, 0, 0, 0, 0xf0, 0 };
	const uint8_t other[6] = { 2, 0, 0, 0, 0x0c, 0 };
	char *out = NULL;
	size_t n = 0;
	FILE *f;

	ok(h && uipt_bridge_of(h, "eth0") && !strcmp(uipt_bridge_of(h, "eth0")->name, "br0") &&
	   !uipt_bridge_of(h, "eth1") && !uipt_bridge_of(h, "br0"),
	   "a port's bridge, declared after it");
	ok(h && !h->br_call_iptables, "bridge-nf-call-iptables 0 read");
	ok(h && uipt_host_neigh(h, A("198.51.100.3"), "br0") &&
	   !memcmp(uipt_host_neigh(h, A("198.51.100.3"), "br0")->mac, other, 6) &&
	   !uipt_host_neigh(h, A("198.51.100.3"), "eth1") &&
	   !uipt_host_neigh(h, A("198.51.100.4"), "br0"), "a neighbour, on its device only");
	ok(h && uipt_bridge_local_mac(h, uipt_host_iface(h, "br0"), br_mac) &&
	   uipt_bridge_local_mac(h, uipt_host_iface(h, "br0"), port_mac) &&
	   !uipt_bridge_local_mac(h, uipt_host_iface(h, "br0"), other),
	   "the bridge's MAC and its ports' are its own");
	f = open_memstream(&out, &n);
	if (h)
		uipt_host_write(f, h);
	fclose(f);
	ok(out && strstr(out, "iface eth0 master br0 mac") && strstr(out, "iface br0 type bridge") &&
	   strstr(out, "neigh 198.51.100.3 lladdr 02:00:00:00:0c:00 dev br0\n") &&
	   strstr(out, "sysctl net.bridge.bridge-nf-call-iptables 0\n"), "written back:\n%s", out);
	free(out);
	uipt_host_free(h);
	h = host_of("iface eth0\n");
	ok(h && h->br_call_iptables, "bridge-nf-call-iptables is 1 by default");
	uipt_host_free(h);
	ok(!host_of("iface eth0 master eth1\niface eth1\n") &&
	   strstr(xt_error_msg(), "master eth1 is not a bridge"), "a master must be a bridge: %s",
	   xt_error_msg());
	ok(!host_of("iface br0 type bond\n") && strstr(xt_error_msg(), "host:1:"),
	   "only bridges are types: %s", xt_error_msg());
	ok(!host_of("sysctl net.bridge.bridge-nf-call-iptables 2\n"), "sysctl values are 0 or 1");
	ok(!host_of("iface br0\nneigh 198.51.100.3 lladdr 02:00:00:00:0c dev br0\n") &&
	   strstr(xt_error_msg(), "bad MAC"), "a neighbour's MAC is checked: %s", xt_error_msg());
}

int main(void)
{
	test_build_parse();
	test_icmp_error();
	test_host_and_routes();
	test_host_bridge();
	return tap_done();
}
