/* uconntrack's evaluator source, through its ops as cli/conntrack.c uses
 * them: what ctnetlink would answer, below the command line's filters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "../../libxt/ct_source.h"
#include "tap.h"

static const struct ct_source_ops *ops = &ct_eval_source;

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static struct nf_conntrack *tuple(uint8_t proto, const char *src, uint16_t sp,
				  const char *dst, uint16_t dp)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, proto);
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, ip(src));
	nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, ip(dst));
	if (proto == IPPROTO_ICMP) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, (uint8_t)sp);
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(dp));
	} else {
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sp));
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(dp));
	}
	return ct;
}

/* What conntrack -I sends: one tuple, the reply derived by the library. */
static struct nf_conntrack *entry(uint8_t proto, const char *src, uint16_t sp,
				  const char *dst, uint16_t dp, uint32_t timeout)
{
	struct nf_conntrack *ct = tuple(proto, src, sp, dst, dp);

	nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeout);
	nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
	return ct;
}

struct seen {
	unsigned int n;
	char line[512];
	uint32_t use, id, status, mark;
};

static int keep(struct nf_conntrack *ct, void *data)
{
	struct seen *s = data;

	s->n++;
	nfct_snprintf(s->line, sizeof(s->line), ct, NFCT_T_UNKNOWN, NFCT_O_DEFAULT, 0);
	s->use = nfct_get_attr_u32(ct, ATTR_USE);
	s->id = nfct_get_attr_u32(ct, ATTR_ID);
	s->status = nfct_get_attr_u32(ct, ATTR_STATUS);
	s->mark = nfct_get_attr_u32(ct, ATTR_MARK);
	return 0;
}

/* One command: a source opened and closed around it, as uconntrack does. */
static int run_create(struct nf_conntrack *ct)
{
	struct ct_source *src;
	int ret;

	ops->open(&src);
	ops->set_time(src, 1000ull * 1000000000ull);
	ret = ops->create(src, ct);
	ops->close(src);
	nfct_destroy(ct);
	return ret;
}

static int run_get(struct nf_conntrack *t, struct seen *s)
{
	struct ct_source *src;
	int ret;

	memset(s, 0, sizeof(*s));
	ops->open(&src);
	ret = ops->get(src, t, keep, s);
	ops->close(src);
	return ret;
}

static void test_create(void)
{
	struct nf_conntrack *ct = entry(IPPROTO_UDP, "198.51.100.8", 5000, "203.0.113.5", 53, 30);

	nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, ip("203.0.113.1"));
	nfct_set_attr_u16(ct, ATTR_SNAT_PORT, htons(20000));
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_SEEN_REPLY | IPS_CONFIRMED | IPS_DYING);
	ok(run_create(ct) == 0, "-I: created");
	ok(run_create(entry(IPPROTO_UDP, "198.51.100.8", 5000, "203.0.113.5", 53, 30)) == -EEXIST,
	   "-I: the same tuple again is EEXIST");
	ok(run_create(entry(IPPROTO_ICMP, "198.51.100.9", 8, "203.0.113.5", 77, 20)) == 0,
	   "-I: an echo request");
	ok(run_create(entry(IPPROTO_ICMP, "198.51.100.9", 3, "203.0.113.5", 1, 20)) == -EINVAL,
	   "-I: an ICMP type without an answer cannot be inverted: EINVAL");
}

static void test_get(void)
{
	struct nf_conntrack *t = tuple(IPPROTO_UDP, "198.51.100.8", 5000, "203.0.113.5", 53);
	struct nf_conntrack *r = tuple(IPPROTO_UDP, "203.0.113.5", 53, "203.0.113.1", 20000);
	struct seen s;

	ok(run_get(t, &s) == 0 && s.n == 1 && s.use == 2,
	   "-G finds it, use=2 (the lookup's reference)");
	ok(strstr(s.line, "udp      17 30 src=198.51.100.8 dst=203.0.113.5 sport=5000 dport=53 "
		  "src=203.0.113.5 dst=203.0.113.1 sport=53 dport=20000 mark=0 use=2") != NULL,
	   "-I's SNAT is in the reply tuple: %s", s.line);
	ok((s.status & (IPS_SRC_NAT | IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE | IPS_SEEN_REPLY)) ==
	   (IPS_SRC_NAT | IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE | IPS_SEEN_REPLY) &&
	   !(s.status & (IPS_DYING | IPS_DST_NAT)),
	   "status: SNAT, both manips done, the kernel's own bits not taken (%#x)", s.status);
	ok(run_get(r, &s) == 0 && s.n == 1, "the source finds a reply tuple too, as the kernel");
	nfct_destroy(r);
	r = tuple(IPPROTO_ICMP, "203.0.113.5", 0, "198.51.100.9", 77);
	ok(run_get(r, &s) == 0 && strstr(s.line, "type=8 code=0 id=77 [UNREPLIED] "
					  "src=203.0.113.5 dst=198.51.100.9 type=0 code=0 id=77"),
	   "an echo is found by its answer: %s", s.line);
	nfct_destroy(r);
	nfct_destroy(t);
}

static void test_update_delete(void)
{
	struct nf_conntrack *t = tuple(IPPROTO_UDP, "198.51.100.8", 5000, "203.0.113.5", 53);
	struct ct_source *src;
	struct seen s;
	int ret;

	nfct_set_attr_u32(t, ATTR_MARK, 9);
	nfct_set_attr_u32(t, ATTR_SNAT_IPV4, ip("203.0.113.9"));
	ops->open(&src);
	ok(ops->update(src, t) == -EBUSY, "-U cannot rebind NAT");
	nfct_attr_unset(t, ATTR_SNAT_IPV4);
	ok(ops->update(src, t) == 0, "-U sets the mark");
	ops->close(src);
	ok(run_get(t, &s) == 0 && s.mark == 9, "the mark was written back");

	nfct_set_attr_u32(t, ATTR_ID, s.id + 1);
	ops->open(&src);
	ok(ops->delete(src, t) == -ENOENT, "-D with another entry's id: ENOENT");
	nfct_set_attr_u32(t, ATTR_ID, s.id);
	ok(ops->delete(src, t) == 0, "-D with its id");
	ops->close(src);
	ok(run_get(t, &s) == -ENOENT, "gone after -D");

	memset(&s, 0, sizeof(s));
	ops->open(&src);
	ret = ops->dump(src, CT_TABLE_CONNTRACK, NULL, keep, &s);
	ops->close(src);
	ok(ret == 0 && s.n == 1 && s.use == 1, "a listing shows the echo, use=1");
	ops->open(&src);
	ok(ops->flush(src, AF_INET6) == 0, "-F -f ipv6 is nothing to do");
	ok(ops->count(src, &s.n) == 0 && s.n == 1, "...and leaves IPv4 entries");
	ok(ops->flush(src, 0) == 0 && ops->count(src, &s.n) == 0 && s.n == 0,
	   "-F empties the table");
	ops->close(src);
	nfct_destroy(t);
}

int main(void)
{
	char dir[] = "/tmp/uipt-ctsrc-XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	setenv("UIPTABLES_STATE", dir, 1);
	test_create();
	test_get();
	test_update_delete();
	for (const char *f = "evstate"; f; f = strcmp(f, "evstate") ? NULL : "xtables.lock") {
		char path[sizeof(dir) + 16];

		snprintf(path, sizeof(path), "%s/%s", dir, f);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
