/* Conntrack and NAT of the evaluator, driven through its hooks. */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../libxt/error.h"
#include "../../libxt/registry.h"
#include "../../libxt/eval/ct.h"
#include "../../libxt/eval/evstate.h"
#include <linux/netfilter/nf_nat.h>
#include "tap.h"

static struct uipt_eval *ev;
static struct uipt_result res;

static void spec(struct uipt_pktspec *s, const char *in, uint8_t proto, const char *src,
		 uint16_t sport, const char *dst, uint16_t dport)
{
	uipt_pktspec_init(s);
	snprintf(s->in, sizeof(s->in), "%s", in);
	s->proto = proto;
	inet_pton(AF_INET, src, &s->src);
	inet_pton(AF_INET, dst, &s->dst);
	s->sport = sport;
	s->dport = dport;
}

static const char *send_pkt(struct uipt_pktspec *s)
{
	static uint8_t buf[UIPT_PKT_MAX];
	int len = uipt_pkt_build(s, buf, sizeof(buf));

	if (len < 0 || uipt_eval_packet(ev, s, buf, (size_t)len, &res) < 0)
		return "error";
	return res.ctstate;
}

static const char *tcp(const char *in, const char *src, uint16_t sp, const char *dst,
		       uint16_t dp, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct uipt_pktspec s;

	spec(&s, in, IPPROTO_TCP, src, sp, dst, dp);
	s.has_flags = true;
	s.tcp_flags = flags;
	s.seq = seq;
	s.ack = ack;
	return send_pkt(&s);
}

#define C "198.51.100.2"
#define S "203.0.113.2"

static void test_tcp(void)
{
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_SYN, 100, 0), "NEW") &&
	   strstr(res.ctline, "SYN_SENT"), "SYN: NEW, SYN_SENT");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_SYN, 100, 0), "NEW"),
	   "retransmitted SYN: still NEW");
	ok(!strcmp(tcp("eth1", S, 80, C, 1234, TH_SYN | TH_ACK, 500, 101), "ESTABLISHED (reply)") &&
	   strstr(res.ctline, "SYN_RECV"), "SYN-ACK: reply, SYN_RECV");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_ACK, 101, 501), "ESTABLISHED") &&
	   strstr(res.ctline, "ESTABLISHED") && strstr(res.ctline, "[ASSURED]"),
	   "ACK: ESTABLISHED and ASSURED");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_ACK, 101 + 400000, 501), "INVALID"),
	   "far beyond the window: INVALID");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_ACK, 101, 9000), "INVALID"),
	   "acknowledging unseen data: INVALID");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_FIN | TH_ACK, 101, 501), "ESTABLISHED") &&
	   strstr(res.ctline, "FIN_WAIT"), "FIN: FIN_WAIT");
	ok(!strcmp(tcp("eth1", S, 80, C, 1234, TH_FIN | TH_ACK, 501, 102), "ESTABLISHED (reply)") &&
	   strstr(res.ctline, "LAST_ACK"), "FIN back: LAST_ACK");
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_ACK, 102, 502), "ESTABLISHED") &&
	   strstr(res.ctline, "TIME_WAIT 120") == NULL && strstr(res.ctline, "TIME_WAIT"),
	   "last ACK: TIME_WAIT (%s)", res.ctline);
	ok(!strcmp(tcp("eth0", C, 1234, S, 80, TH_SYN, 90000, 0), "NEW") &&
	   strstr(res.ctline, "SYN_SENT"), "a new SYN reopens a closed connection");
	ok(!strcmp(tcp("eth0", C, 999, S, 80, TH_RST, 1, 0), "INVALID"),
	   "RST without a connection: INVALID");
	ok(!strcmp(tcp("eth0", C, 998, S, 80, TH_ACK, 1, 1), "NEW") &&
	   strstr(res.ctline, "300 ESTABLISHED"), "mid-stream ACK picked up, short timeout (%s)", res.ctline);
}

static void test_related_and_expiry(void)
{
	struct uipt_pktspec s;

	spec(&s, "eth0", IPPROTO_UDP, C, 5000, S, 53);
	s.has_time = true;
	s.time_ns = 1000 * NS_PER_S;
	ok(!strcmp(send_pkt(&s), "NEW"), "UDP: NEW");
	spec(&s, "eth1", IPPROTO_ICMP, S, 0, C, 0);
	s.icmp_type = 3;
	s.icmp_code = 3;
	inet_pton(AF_INET, C, &s.inner_src);
	inet_pton(AF_INET, S, &s.inner_dst);
	s.inner_proto = IPPROTO_UDP;
	s.inner_sport = 5000;
	s.inner_dport = 53;
	s.has_time = true;
	s.time_ns = 1001 * NS_PER_S;
	ok(!strcmp(send_pkt(&s), "RELATED (reply)"), "port unreachable: RELATED reply");
	spec(&s, "eth0", IPPROTO_UDP, C, 5000, S, 53);
	s.has_time = true;
	s.time_ns = 1031 * NS_PER_S;
	ok(!strcmp(send_pkt(&s), "NEW"), "30 s later the entry is gone: NEW again");
}

static void test_nat(void)
{
	struct nf_nat_range2 r = { .flags = NF_NAT_RANGE_MAP_IPS };
	struct uipt_pktspec s;
	static uint8_t buf[UIPT_PKT_MAX];
	struct xt_pkt p;
	int len;

	inet_pton(AF_INET, "203.0.113.1", &r.min_addr.ip);
	r.max_addr = r.min_addr;
	for (int i = 0; i < 2; i++) {
		spec(&s, "eth0", IPPROTO_TCP, i ? "198.51.100.3" : C, 40000, S, 80);
		len = uipt_pkt_build(&s, buf, sizeof(buf));
		memset(&p, 0, sizeof(p));
		uipt_pkt_parse(&p, buf, (size_t)len);
		p.hook = NF_INET_PRE_ROUTING;
		p.now_ns = ev->clock_ns;
		p.trace = &ev->trace;
		p.ops = &ev->ops;
		ev->res = &res;
		uipt_ct_in(ev, &p);
		p.hook = NF_INET_POST_ROUTING;
		p.ops->nat(&p, &r, true);
		/* Moved, it may be any free port of the default range: the
		 * kernel starts its search at random. */
		ok(p.ct && p.ct->tuple[1].dst.ip == r.min_addr.ip &&
		   (i ? ntohs(p.ct->tuple[1].dport) >= 1024 && ntohs(p.ct->tuple[1].dport) != 40000 :
			ntohs(p.ct->tuple[1].dport) == 40000),
		   i ? "a clash moves the port into 1024-65535 (%u)" : "SNAT keeps a free port (%u)",
		   p.ct ? ntohs(p.ct->tuple[1].dport) : 0);
		ok(p.ct->status & IPS_SRC_NAT && p.ct->status & IPS_SRC_NAT_DONE,
		   "status SRC_NAT, SRC_NAT_DONE");
		uipt_ct_confirm(ev, &p);
		ev->cur = NULL;
	}
}

/* Tuples that differ only in one port spread over the buckets. */
static void test_table_spread(void)
{
	struct uipt_ct_table *t = uipt_ct_new();
	unsigned int used = 0;

	for (unsigned int i = 0; i < 2000; i++) {
		struct uipt_ev_conn *c = calloc(1, sizeof(*c));

		if (!c)
			abort();
		for (int d = 0; d < 2; d++) {
			c->c.tuple[d].l3num = NFPROTO_IPV4;
			c->c.tuple[d].l4proto = IPPROTO_TCP;
		}
		inet_pton(AF_INET, "198.51.100.2", &c->c.tuple[0].src.in);
		inet_pton(AF_INET, "203.0.113.2", &c->c.tuple[0].dst.in);
		c->c.tuple[0].sport = htons(40000);
		c->c.tuple[0].dport = htons((uint16_t)(1000 + i));
		uipt_tuple_invert(&c->c.tuple[1], &c->c.tuple[0]);
		c->c.timeout_ns = UINT64_MAX;
		uipt_ct_insert(t, c);
	}
	for (size_t b = 0; b < t->nbuckets; b++)
		used += t->buckets[b] != NULL;
	ok(used > t->nbuckets / 4, "conntrack hash: %u of %zu buckets used by 2000 "
	   "connections differing in a port", used, t->nbuckets);
	uipt_ct_free(t);
}

int main(void)
{
	char dir[] = "/tmp/uipt-ct-XXXXXX";
	unsigned int n;

	if (!mkdtemp(dir))
		return 1;
	setenv("UIPTABLES_STATE", dir, 1);
	xt_registry_init();
	ok(uipt_eval_open(&ev, false) == 0, "evaluator opens on an empty state");
	ev->ct_enabled = true;	/* as if a rule used conntrack */
	test_tcp();
	test_related_and_expiry();
	test_nat();
	test_table_spread();
	ok(uipt_eval_save(ev) == 0, "state saved");
	n = (unsigned int)ev->ct->count;	/* what outlived the clock */
	uipt_eval_close(ev);
	ok(uipt_eval_open(&ev, false) == 0 && ev->ct->count == n,
	   "conntrack table comes back (%u entries)", n);
	uipt_eval_close(ev);
	uipt_result_free(&res);
	return tap_done();
}
