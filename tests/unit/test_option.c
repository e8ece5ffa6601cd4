/* The declarative option parser: xt_option_parse on every type, and
 * xt_options_fcheck. */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>
#include "../../libxt/error.h"
#include "../../libxt/option.h"
#include "../../libxt/registry.h"
#include "tap.h"

struct data {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t u8r[2];
	uint16_t u16r[2];
	uint32_t u32r[2];
	uint64_t u64r[2];
	char str[8];
	uint16_t port;
	uint16_t ports[2];
	union nf_inet_addr host;
	union nf_inet_addr hostmask;
	uint8_t proto;
	uint32_t markmask[2];
	uint8_t level;
	uint8_t mac[6];
	char word[8];
	uint16_t nport;
	uint32_t small;
};

#define E(n, t, m, ...) { .name = n, .type = t, .flags = XTOPT_PUT, \
			  XTOPT_POINTER(struct data, m), __VA_ARGS__ }

static const struct xt_option_entry e_u8 = E("u8", XTTYPE_UINT8, u8);
static const struct xt_option_entry e_u16 = E("u16", XTTYPE_UINT16, u16);
static const struct xt_option_entry e_u32 = E("u32", XTTYPE_UINT32, u32);
static const struct xt_option_entry e_u64 = E("u64", XTTYPE_UINT64, u64);
static const struct xt_option_entry e_small = E("small", XTTYPE_UINT32, small,
						.min = 10, .max = 20);
static const struct xt_option_entry e_u8r = E("u8r", XTTYPE_UINT8RC, u8r);
static const struct xt_option_entry e_u16r = E("u16r", XTTYPE_UINT16RC, u16r);
static const struct xt_option_entry e_u32r = E("u32r", XTTYPE_UINT32RC, u32r);
static const struct xt_option_entry e_u64r = E("u64r", XTTYPE_UINT64RC, u64r);
static const struct xt_option_entry e_str = E("str", XTTYPE_STRING, str);
static const struct xt_option_entry e_strmin = E("strmin", XTTYPE_STRING, str,
						 .min = 2, .max = 4);
static const struct xt_option_entry e_port = E("port", XTTYPE_PORT, port);
static const struct xt_option_entry e_nport = { .name = "nport", .type = XTTYPE_PORT,
	.flags = XTOPT_PUT | XTOPT_NBO, XTOPT_POINTER(struct data, nport) };
static const struct xt_option_entry e_ports = E("ports", XTTYPE_PORTRC, ports);
static const struct xt_option_entry e_host = E("host", XTTYPE_HOST, host);
static const struct xt_option_entry e_hostmask = E("net", XTTYPE_HOSTMASK, hostmask);
static const struct xt_option_entry e_proto = E("proto", XTTYPE_PROTOCOL, proto);
static const struct xt_option_entry e_mark = E("mark", XTTYPE_MARKMASK32, markmask);
static const struct xt_option_entry e_level = E("level", XTTYPE_SYSLOGLEVEL, level);
static const struct xt_option_entry e_mac = E("mac", XTTYPE_ETHERMAC, mac);
static const struct xt_option_entry e_word = E("word", XTTYPE_ONEWORD, word);
static const struct xt_option_entry e_flag = { .name = "flag", .type = XTTYPE_NONE };

static struct data d;

static int parse(const struct xt_option_entry *e, const char *arg)
{
	struct xt_option_call cb = {
		.arg = arg, .ext_name = "test", .entry = e, .data = &d,
	};

	xt_error_clear();
	return xt_option_parse(&cb);
}

/* Parses and hands back the call, for its val. */
static int parse_cb(const struct xt_option_entry *e, const char *arg,
		    struct xt_option_call *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->arg = arg;
	cb->ext_name = "test";
	cb->entry = e;
	cb->data = &d;
	xt_error_clear();
	return xt_option_parse(cb);
}

static bool has(const char *s)
{
	return strstr(xt_error_msg(), s) != NULL;
}

static void test_uint(void)
{
	ok(parse(&e_u8, "0") == 0 && d.u8 == 0, "u8 0");
	ok(parse(&e_u8, "255") == 0 && d.u8 == 255, "u8 255");
	ok(parse(&e_u8, "0x10") == 0 && d.u8 == 16, "u8 hex 0x10");
	ok(parse(&e_u8, "256") == -1 && has("out of range (0-255)"),
	   "u8 256 out of range: %s", xt_error_msg());
	ok(parse(&e_u8, "-1") == -1, "u8 -1 refused");
	ok(parse(&e_u8, "") == -1, "u8 empty refused");
	ok(parse(&e_u8, "12x") == -1, "u8 trailing junk refused");
	ok(parse(&e_u16, "65535") == 0 && d.u16 == 65535, "u16 65535");
	ok(parse(&e_u16, "65536") == -1 && has("(0-65535)"), "u16 65536 out of range");
	ok(parse(&e_u32, "4294967295") == 0 && d.u32 == 4294967295u, "u32 max");
	ok(parse(&e_u32, "4294967296") == -1, "u32 max+1 out of range");
	ok(parse(&e_u64, "18446744073709551615") == 0 && d.u64 == UINT64_MAX, "u64 max");
	ok(parse(&e_u64, "18446744073709551616") == -1, "u64 max+1 out of range");
	ok(parse(&e_small, "10") == 0 && d.small == 10, "min 10 accepted");
	ok(parse(&e_small, "20") == 0 && d.small == 20, "max 20 accepted");
	ok(parse(&e_small, "9") == -1 && has("(10-20)"), "below min refused: %s",
	   xt_error_msg());
	ok(parse(&e_small, "21") == -1, "above max refused");
	ok(parse(&e_u16, "65536") == -1 && !strcmp(xt_error_msg(),
	   "test: bad value for option \"--u16\", or out of range (0-65535).\n"),
	   "u16 message as iptables': %s", xt_error_msg());
	ok(parse(&e_u16, " 12") == 0 && d.u16 == 12, "leading blank accepted");
	ok(parse(&e_u16, "+12") == 0 && d.u16 == 12, "leading + accepted");
	ok(parse(&e_u16, " -1") == -1, "blank then minus refused");
	memset(&d, 0, sizeof(d));
	ok(parse(&e_u32, "7") == 0 && d.u32 == 7 && d.u16 == 0 && d.u64 == 0,
	   "u32 stored at its own offset only");
}

static void test_uint_range(void)
{
	struct xt_option_call cb;

	ok(parse_cb(&e_u8r, "5", &cb) == 0 && cb.nvals == 1 && d.u8r[0] == 5 && d.u8r[1] == 5,
	   "u8 range single value");
	ok(parse_cb(&e_u8r, "5:9", &cb) == 0 && cb.nvals == 2 && d.u8r[0] == 5 && d.u8r[1] == 9,
	   "u8 range 5:9");
	ok(parse_cb(&e_u8r, ":9", &cb) == 0 && d.u8r[0] == 0 && d.u8r[1] == 9, "u8 range :9");
	ok(parse_cb(&e_u8r, "5:", &cb) == 0 && d.u8r[0] == 5 && d.u8r[1] == 255, "u8 range 5:");
	ok(parse(&e_u8r, "5:256") == -1, "u8 range upper out of range");
	ok(parse(&e_u8r, "300:4") == -1, "u8 range lower out of range");
	ok(parse(&e_u8r, "5-9") == -1, "u8 range with dash refused");
	ok(parse(&e_u16r, "1000:65535") == 0 && d.u16r[0] == 1000 && d.u16r[1] == 65535,
	   "u16 range");
	ok(parse(&e_u16r, "1:65536") == -1, "u16 range out of range");
	ok(parse(&e_u32r, "1:4294967295") == 0 && d.u32r[1] == 4294967295u, "u32 range");
	ok(parse(&e_u16r, "65536") == -1 && !strcmp(xt_error_msg(),
	   "test: bad value for option \"--u16r\" near \"65536\", or out of range (0-65535).\n"),
	   "range message as iptables': %s", xt_error_msg());
	ok(parse(&e_u16r, "5x") == -1 && !strcmp(xt_error_msg(),
	   "test: Argument to \"--u16r\" has unexpected characters near \"x\".\n"),
	   "range junk: %s", xt_error_msg());
	ok(parse(&e_u16r, "5:6:7") == -1 && !strcmp(xt_error_msg(),
	   "test: Too many components for option \"--u16r\" (max: 2)\n"),
	   "range of three: %s", xt_error_msg());
	ok(parse_cb(&e_u16r, "", &cb) == 0 && cb.nvals == 1 && d.u16r[0] == 0, "empty range is 0");
	ok(parse_cb(&e_u16r, ":", &cb) == 0 && d.u16r[0] == 0 && d.u16r[1] == 65535, "range :");
	ok(parse(&e_u64r, "3:18446744073709551615") == 0 && d.u64r[0] == 3 &&
	   d.u64r[1] == UINT64_MAX, "u64 range");
}

static void test_port(void)
{
	struct xt_option_call cb;

	ok(parse_cb(&e_port, "22", &cb) == 0 && cb.val.port == 22 && d.port == 22, "port 22");
	ok(parse(&e_port, "65535") == 0 && d.port == 65535, "port 65535");
	/* As getaddrinfo takes a numeric service: decimal, blanks, and
	 * 65536 wrapping to 0 (what iptables 1.8.9 stores too). */
	ok(parse(&e_port, "65536") == 0 && d.port == 0, "port 65536 wraps to 0");
	ok(parse(&e_port, "010") == 0 && d.port == 10, "port 010 is decimal");
	ok(parse(&e_port, "0x10") == -1, "port 0x10 refused");
	ok(parse(&e_port, "-1") == -1 && !strcmp(xt_error_msg(),
	   "Port \"-1\" does not resolve to anything.\n"), "port -1: %s", xt_error_msg());
	ok(parse(&e_port, "ssh") == 0 && d.port == 22, "port by service name ssh");
	ok(parse(&e_port, "nosuchservice") == -1 &&
	   has("Port \"nosuchservice\" does not resolve to anything."),
	   "unknown service refused: %s", xt_error_msg());
	ok(parse(&e_nport, "80") == 0 && d.nport == htons(80), "XTOPT_NBO stores htons");
	ok(parse_cb(&e_ports, "1000:2000", &cb) == 0 && cb.nvals == 2 &&
	   d.ports[0] == 1000 && d.ports[1] == 2000, "port range 1000:2000");
	ok(parse_cb(&e_ports, "80", &cb) == 0 && cb.nvals == 2 &&
	   d.ports[0] == 80 && d.ports[1] == 80, "port range single port");
	ok(parse(&e_ports, ":1023") == 0 && d.ports[0] == 0 && d.ports[1] == 1023,
	   "port range :1023");
	ok(parse(&e_ports, "1024:") == 0 && d.ports[0] == 1024 && d.ports[1] == 65535,
	   "port range 1024:");
	ok(parse(&e_ports, "ssh:http") == 0 && d.ports[0] == 22 && d.ports[1] == 80,
	   "port range by names");
	ok(parse(&e_ports, ":") == 0 && d.ports[0] == 0 && d.ports[1] == 65535,
	   "port range : is everything");
	ok(parse(&e_ports, "1:foo") == -1 && has("Port \"foo\" does not resolve"),
	   "port range bad upper: %s", xt_error_msg());
	ok(parse(&e_ports, "x:80") == -1, "port range bad lower");
	ok(parse(&e_ports, "1:2:3") == -1 &&
	   !strcmp(xt_error_msg(), "test: Too many components for option \"--ports\" (max: 2)\n"),
	   "port range of three parts: %s", xt_error_msg());
}

static void test_host(void)
{
	struct xt_option_call cb;

	ok(parse_cb(&e_host, "192.0.2.7", &cb) == 0 &&
	   d.host.ip == htonl(0xc0000207), "host 192.0.2.7");
	ok(parse_cb(&e_host, "localhost", &cb) == 0 && cb.val.haddr.ip == htonl(0x7f000001),
	   "host name from /etc/hosts");
	ok(parse_cb(&e_host, "1.2", &cb) == 0 && cb.val.haddr.ip == htonl(0x01000002),
	   "host in inet_aton form 1.2");
	/* "" fails before any resolver is asked. */
	ok(parse(&e_host, "") == -1 && !strncmp(xt_error_msg(), "getaddrinfo: ", 13) &&
	   xt_error_msg()[strlen(xt_error_msg()) - 1] == '\n', "empty host: %s", xt_error_msg());
	ok(parse_cb(&e_hostmask, "192.0.2.7/24", &cb) == 0 && cb.val.hlen == 24 &&
	   cb.val.haddr.ip == htonl(0xc0000207) && cb.val.hmask.ip == htonl(0xffffff00) &&
	   cb.val.hmask.all[1] == 0 && cb.val.hmask.all[3] == 0,
	   "hostmask /24 keeps the host bits");
	ok(d.hostmask.ip == htonl(0xc0000207), "hostmask stored as given");
	ok(parse_cb(&e_hostmask, "10.1.2.3/255.255.0.0", &cb) == 0 && cb.val.hlen == 16 &&
	   cb.val.haddr.ip == htonl(0x0a010203) && cb.val.hmask.ip == htonl(0xffff0000),
	   "hostmask dotted 255.255.0.0");
	ok(parse_cb(&e_hostmask, "10.1.2.3", &cb) == 0 && cb.val.hlen == 32 &&
	   cb.val.hmask.all[0] == 0xffffffffu && cb.val.hmask.all[3] == 0xffffffffu,
	   "hostmask without mask: every byte of the mask set");
	ok(parse_cb(&e_hostmask, "10.1.2.3/0", &cb) == 0 && cb.val.hlen == 0 &&
	   cb.val.hmask.ip == 0 && cb.val.haddr.ip == htonl(0x0a010203), "hostmask /0");
	ok(parse_cb(&e_hostmask, "10.1.2.3/ 8", &cb) == 0 && cb.val.hlen == 8, "hostmask / 8");
	ok(parse_cb(&e_hostmask, "10.1.2.3/010", &cb) == 0 && cb.val.hlen == 8,
	   "hostmask /010 is octal");
	ok(parse_cb(&e_hostmask, "localhost/8", &cb) == 0 && cb.val.haddr.ip == htonl(0x7f000001) &&
	   cb.val.hlen == 8, "hostmask with a host name");
	ok(parse_cb(&e_hostmask, "10.1.2.3/33", &cb) == 0 && cb.val.hmask.all[0] == 0xffffffffu &&
	   cb.val.hmask.all[3] == 0xffffffffu, "/33 is the mask 0.0.0.33, with holes: all ones");
	ok(parse_cb(&e_hostmask, "10.1.2.3/255.0.255.0", &cb) == 0 &&
	   cb.val.hmask.all[0] == 0xffffffffu, "mask with holes: all ones");
	ok(parse(&e_hostmask, "10.1.2.3/x") == -1 && !strcmp(xt_error_msg(),
	   "test: bad value for option \"--net\", neither a valid network mask nor valid CIDR (0-32).\n"),
	   "/x refused: %s", xt_error_msg());
	ok(parse(&e_hostmask, "10.1.2.3/-1") == -1, "/-1 refused");
	ok(parse(&e_hostmask, "10.1.2.3/") == -1, "empty mask refused");
	ok(parse(&e_hostmask, "10.1.2.3/255.255.0.300") == -1, "bad dotted mask refused");
}

static void test_proto(void)
{
	ok(parse(&e_proto, "tcp") == 0 && d.proto == 6, "protocol tcp");
	ok(parse(&e_proto, "UDP") == 0 && d.proto == 17, "protocol UDP, any case");
	ok(parse(&e_proto, "icmp") == 0 && d.proto == 1, "protocol icmp");
	ok(parse(&e_proto, "all") == 0 && d.proto == 0, "protocol all");
	ok(parse(&e_proto, "47") == 0 && d.proto == 47, "protocol by number");
	ok(parse(&e_proto, "256") == -1, "protocol 256 refused");
	ok(parse(&e_proto, "nosuchproto") == -1 && has("unknown protocol"),
	   "unknown protocol refused: %s", xt_error_msg());
}

static void test_markmask(void)
{
	struct xt_option_call cb;

	ok(parse_cb(&e_mark, "0x10/0xff", &cb) == 0 && cb.val.mark == 0x10 &&
	   cb.val.mask == 0xff && d.markmask[0] == 0x10 && d.markmask[1] == 0xff,
	   "markmask 0x10/0xff");
	ok(parse_cb(&e_mark, "5", &cb) == 0 && cb.val.mark == 5 && cb.val.mask == 0xffffffffu,
	   "markmask without mask: mask all ones");
	ok(parse(&e_mark, "4294967296") == -1, "mark out of range");
	ok(parse(&e_mark, "1/4294967296") == -1, "mask out of range");
	ok(parse(&e_mark, "1/") == -1, "empty mask refused");
	ok(parse(&e_mark, "1:2") == -1 && !strcmp(xt_error_msg(),
	   "test: trailing garbage after value for option \"--mark\".\n"),
	   "junk after mark refused: %s", xt_error_msg());
	ok(parse(&e_mark, "1/2x") == -1 && has("trailing garbage"), "junk after mask refused");
	ok(parse(&e_mark, "foo") == -1 && !strcmp(xt_error_msg(),
	   "test: bad integer value for option \"--mark\", or out of range.\n"),
	   "mark foo: %s", xt_error_msg());
	ok(parse(&e_mark, " 1/ 2") == 0 && d.markmask[0] == 1 && d.markmask[1] == 2,
	   "blanks before mark and mask");
}

static void test_syslog(void)
{
	ok(parse(&e_level, "warning") == 0 && d.level == 4, "level warning");
	ok(parse(&e_level, "emerg") == 0 && d.level == 0, "level emerg");
	ok(parse(&e_level, "DEBUG") == -1, "level DEBUG refused: names are lower case");
	ok(parse(&e_level, "panic") == 0 && d.level == 0, "level panic");
	ok(parse(&e_level, "error") == 0 && d.level == 3, "level error");
	ok(parse(&e_level, "err") == -1, "level err refused");
	ok(parse(&e_level, "warn") == -1, "level warn refused");
	ok(parse(&e_level, "alert") == 0 && d.level == 1, "level alert");
	ok(parse(&e_level, "crit") == 0 && d.level == 2, "level crit");
	ok(parse(&e_level, "notice") == 0 && d.level == 5, "level notice");
	ok(parse(&e_level, "info") == 0 && d.level == 6, "level info");
	ok(parse(&e_level, "debug") == 0 && d.level == 7, "level debug");
	ok(parse(&e_level, "0x3") == 0 && d.level == 3, "level 0x3");
	ok(parse(&e_level, "6") == 0 && d.level == 6, "level 6");
	ok(parse(&e_level, "8") == -1 && !strcmp(xt_error_msg(), "log level \"8\" unknown\n"),
	   "level 8 refused: %s", xt_error_msg());
	ok(parse(&e_level, "loud") == -1, "level loud refused");
}

static void test_mac(void)
{
	static const uint8_t want[6] = { 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc };

	ok(parse(&e_mac, "00:1b:21:AA:bb:cc") == 0 && !memcmp(d.mac, want, 6), "mac parsed");
	ok(parse(&e_mac, "00:1b:21:aa:bb") == -1 &&
	   !strcmp(xt_error_msg(), "Invalid MAC address specified."), "short mac refused");
	ok(parse(&e_mac, "42:1:2:3:4:5") == 0 && d.mac[0] == 0x42 && d.mac[1] == 1 && d.mac[5] == 5,
	   "one-digit parts");
	ok(parse(&e_mac, "1::2:3:4:5") == 0 && d.mac[1] == 0, "an empty part is 0");
	ok(parse(&e_mac, "001:2:3:4:5:6") == -1, "three-digit part refused");
	ok(parse(&e_mac, "") == -1, "empty mac refused");
	ok(parse(&e_mac, "00:1b:21:aa:bb:cc:dd") == -1, "long mac refused");
	ok(parse(&e_mac, "00:1b:21:aa:bb:cg") == -1, "non-hex mac refused");
	ok(parse(&e_mac, "00-1b-21-aa-bb-cc") == -1, "dashes refused");
}

static void test_string(void)
{
	ok(parse(&e_str, "abc def") == 0 && !strcmp(d.str, "abc def"), "string of 7 fits size 8");
	ok(parse(&e_str, "abcdefghij") == 0 && !strcmp(d.str, "abcdefg"),
	   "a string longer than the field is cut, silently");
	ok(parse(&e_strmin, "") == -1 && !strcmp(xt_error_msg(),
	   "Argument must have a minimum length of 2 characters\n"), "min: %s", xt_error_msg());
	ok(parse(&e_strmin, "abcd") == 0 && !strcmp(d.str, "abcd"), "within min and max");
	ok(parse(&e_strmin, "abcde") == -1 && !strcmp(xt_error_msg(),
	   "Argument must have a maximum length of 4 characters\n"), "max: %s", xt_error_msg());
	ok(parse(&e_str, "") == 0 && d.str[0] == '\0', "empty string");
	ok(parse(&e_word, "eth0") == 0 && !strcmp(d.word, "eth0"), "oneword");
	ok(parse(&e_word, "a b") == -1 && has("whitespace"), "oneword with space refused");
	ok(parse(&e_word, "abcdefghi") == 0 && !strcmp(d.word, "abcdefg"), "oneword cut");
	ok(parse(&e_flag, NULL) == 0, "XTTYPE_NONE takes no argument");
}

enum { O_A, O_B, O_C, O_D };

static const struct xt_option_entry fopts[] = {
	{ .name = "a", .id = O_A, .type = XTTYPE_NONE, .flags = XTOPT_MAND },
	{ .name = "b", .id = O_B, .type = XTTYPE_NONE, .excl = 1 << O_C },
	{ .name = "c", .id = O_C, .type = XTTYPE_NONE },
	{ .name = "d", .id = O_D, .type = XTTYPE_NONE, .also = 1 << O_C },
	XTOPT_TABLEEND,
};

static int fcheck(unsigned int xflags)
{
	xt_error_clear();
	return xt_options_fcheck("test", fopts, xflags);
}

/* xtables_options_fcheck goes id by id: "also" of a lower id comes
 * before "excl" of a higher one. */
static const struct xt_option_entry fopts2[] = {
	{ .name = "x", .id = 0, .type = XTTYPE_NONE, .also = 1 << 1, .excl = 1 << 2 },
	{ .name = "y", .id = 1, .type = XTTYPE_NONE },
	{ .name = "z", .id = 2, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void test_strtoul(void)
{
	unsigned long long v = 0;
	char *end = NULL;

	ok(xt_strtoul(" \t7", NULL, &v, 0, 10) && v == 7, "xt_strtoul: leading blanks");
	ok(!xt_strtoul(" -7", NULL, &v, 0, 10), "xt_strtoul: minus after blanks");
	ok(!xt_strtoul("", NULL, &v, 0, 10), "xt_strtoul: empty");
	ok(!xt_strtoul("   ", NULL, &v, 0, 10), "xt_strtoul: only blanks");
	ok(!xt_strtoul("7x", NULL, &v, 0, 10), "xt_strtoul: junk without end");
	ok(xt_strtoul("7x", &end, &v, 0, 10) && v == 7 && *end == 'x', "xt_strtoul: junk with end");
	ok(!xt_strtoul("11", NULL, &v, 0, 10), "xt_strtoul: above max");
	ok(!xt_strtoul("99999999999999999999", NULL, &v, 0, UINT64_MAX), "xt_strtoul: ERANGE");
}

static struct xtables_match m_v4r0 = { .name = "uipttest", .revision = 0,
	.family = NFPROTO_IPV4 };
static struct xtables_match m_anyr1 = { .name = "uipttest", .revision = 1,
	.family = NFPROTO_UNSPEC };
static struct xtables_match m_anyr2 = { .name = "uipttest", .revision = 2,
	.family = NFPROTO_UNSPEC };
static struct xtables_match m_v4r2 = { .name = "uipttest", .revision = 2,
	.family = NFPROTO_IPV4 };
static struct xtables_target t_v4r0 = { .name = "UIPTTEST", .revision = 0,
	.family = NFPROTO_IPV4 };
static struct xtables_target t_anyr1 = { .name = "UIPTTEST", .revision = 1,
	.family = NFPROTO_UNSPEC };

static void test_registry(void)
{
	xtables_register_match(&m_anyr1);
	xtables_register_match(&m_v4r0);
	ok(xt_find_match("uipttest", NFPROTO_IPV4) == &m_anyr1,
	   "an IPv4 rev 0 does not hide an UNSPEC rev 1");
	xtables_register_match(&m_v4r2);
	xtables_register_match(&m_anyr2);
	ok(xt_find_match("uipttest", NFPROTO_IPV4) == &m_v4r2,
	   "equal revisions: the exact family wins");
	ok(xt_find_match("uipttest", NFPROTO_IPV6) == &m_anyr2, "IPv6: the UNSPEC rev 2");
	xtables_register_target(&t_v4r0);
	xtables_register_target(&t_anyr1);
	ok(xt_find_target("UIPTTEST", NFPROTO_IPV4) == &t_anyr1, "targets: highest revision");
}

static void test_fcheck(void)
{
	ok(fcheck(1 << O_A) == 0, "mandatory given");
	ok(fcheck(0) == -1 && has("--a\" must be specified"), "mandatory missing: %s",
	   xt_error_msg());
	ok(fcheck(1 << O_C) == -1, "mandatory missing among others");
	ok(fcheck((1 << O_A) | (1 << O_B)) == 0, "b alone fine");
	ok(fcheck((1 << O_A) | (1 << O_B) | (1 << O_C)) == -1 &&
	   has("\"--b\" cannot be used together with \"--c\""), "b excludes c: %s",
	   xt_error_msg());
	ok(fcheck((1 << O_A) | (1 << O_D)) == -1 && has("\"--d\" also requires \"--c\""),
	   "d needs c: %s", xt_error_msg());
	ok(fcheck((1 << O_A) | (1 << O_C) | (1 << O_D)) == 0, "d with c fine");
	ok(xt_options_fcheck("test", NULL, 0) == 0, "no options, nothing to check");
	ok(xt_option_find(fopts, "c") == &fopts[2], "xt_option_find finds c");
	ok(xt_option_find(fopts, "e") == NULL, "xt_option_find misses e");
	ok(xt_option_precheck("test", &fopts[1], 1 << O_B, false) == -1 && has("only be used once"),
	   "precheck: twice refused");
	ok(xt_option_precheck("test", &fopts[1], 0, true) == -1 && has("cannot be inverted"),
	   "precheck: inversion refused");
	ok(xt_option_precheck("test", &fopts[1], 0, false) == 0, "precheck: first use fine");
	ok(xt_option_precheck("test", &fopts[1], 1 << O_B, true) == -1 &&
	   !strcmp(xt_error_msg(), "test: option \"--b\" can only be used once.\n"),
	   "precheck: twice before inverted: %s", xt_error_msg());
	ok(xt_option_precheck("test", &fopts[1], 0, true) == -1 &&
	   !strcmp(xt_error_msg(), "test: option \"--b\" cannot be inverted.\n"),
	   "precheck: inversion message ends in a newline");
	ok(fcheck(0) == -1 && !strcmp(xt_error_msg(), "test: option \"--a\" must be specified\n"),
	   "mandatory message ends in a newline");
	ok(fcheck((1 << O_A) | (1 << O_B) | (1 << O_C)) == -1 && !strcmp(xt_error_msg(),
	   "test: option \"--b\" cannot be used together with \"--c\".\n"),
	   "excl message ends in a newline");
	ok(fcheck((1 << O_A) | (1 << O_D)) == -1 && !strcmp(xt_error_msg(),
	   "test: option \"--d\" also requires \"--c\".\n"), "also message ends in a newline");
	xt_error_clear();
	ok(xt_options_fcheck("test", fopts2, (1 << 0) | (1 << 2)) == -1 &&
	   has("\"--x\" also requires \"--y\""), "also of id 1 before excl of id 2: %s",
	   xt_error_msg());
}

int main(void)
{
	xt_registry_init();
	test_uint();
	test_uint_range();
	test_port();
	test_host();
	test_proto();
	test_markmask();
	test_syslog();
	test_mac();
	test_string();
	test_fcheck();
	test_strtoul();
	test_registry();
	return tap_done();
}
