/*
 * uiptables extension interface.
 *
 * An extension is one file holding both halves of what iptables splits
 * between userspace and the kernel: option table, parse, final check,
 * print and save (user half), and checkentry plus match()/target() (kernel
 * half, run by the evaluator).  Its data is the kernel's own struct from
 * the Linux uapi headers, so the blob is what the kernel would take.
 *
 * Out-of-tree extensions are shared objects in UIPTABLES_LIBDIR that export
 * uipt_extension_init(), which calls xtables_register_match/target().
 */
#ifndef UIPTABLES_XTABLES_H
#define UIPTABLES_XTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>		/* before the uapi headers, which defer to them */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#define UIPT_ABI_VERSION 1

/* Exit codes, as iptables uses them. */
enum xt_exittype {
	OTHER_PROBLEM = 1,
	PARAMETER_PROBLEM = 2,
	VERSION_PROBLEM = 3,
	RESOURCE_PROBLEM = 4,
};

/*
 * Errors are recorded here and reported once, at the edge (the applet),
 * so that restore can prefix them with the failing line.  Returns -1 so
 * callers can write `return xt_error(...)`.
 */
int xt_error(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The standard "Bad value for option" message of the option parser. */
int xt_bad_value(const char *ext, const char *opt, const char *arg);

enum xt_opttype {
	XTTYPE_NONE,		/* a flag: no argument */
	XTTYPE_UINT8,
	XTTYPE_UINT16,
	XTTYPE_UINT32,
	XTTYPE_UINT64,
	XTTYPE_UINT8RC,		/* n or n:m */
	XTTYPE_UINT16RC,
	XTTYPE_UINT32RC,
	XTTYPE_UINT64RC,
	XTTYPE_STRING,		/* stored NUL-terminated, at most size-1 chars */
	XTTYPE_PORT,		/* number or service name */
	XTTYPE_PORTRC,		/* port, port:port, :port, port: */
	XTTYPE_HOST,		/* address, no mask */
	XTTYPE_HOSTMASK,	/* address[/mask], mask as length or dotted */
	XTTYPE_PROTOCOL,	/* name or number */
	XTTYPE_MARKMASK32,	/* value[/mask] */
	XTTYPE_SYSLOGLEVEL,	/* name or 0..7 */
	XTTYPE_ETHERMAC,	/* xx:xx:xx:xx:xx:xx */
	XTTYPE_ONEWORD,		/* string without whitespace */
};

enum {
	XTOPT_INVERT = 1 << 0,	/* may be preceded by ! */
	XTOPT_MAND = 1 << 1,	/* must be given */
	XTOPT_MULTI = 1 << 2,	/* may be given more than once */
	XTOPT_PUT = 1 << 3,	/* core stores the value at ptroff */
	XTOPT_NBO = 1 << 4,	/* store in network byte order */
	XTOPT_TWOARGS = 1 << 5,	/* takes two words, the second in arg2 */
	XTOPT_OPTARG = 1 << 6,	/* XTTYPE_NONE that takes the next word as
				 * cb->arg unless it starts with - or ! */
};

struct xt_option_entry {
	const char *name;
	enum xt_opttype type;
	unsigned int id;
	unsigned int excl;	/* bitmask of ids that may not be combined */
	unsigned int also;	/* bitmask of ids required with this one */
	unsigned int flags;
	unsigned int ptroff;
	unsigned int size;
	unsigned long long min, max;	/* 0, 0: the type's full range */
};

#define XTOPT_POINTER(stype, member) \
	.ptroff = offsetof(stype, member), \
	.size = sizeof(((stype *)NULL)->member)
#define XTOPT_TABLEEND { .name = NULL }

struct xt_option_call {
	const char *arg;		/* NULL for XTTYPE_NONE */
	const char *arg2;		/* second word, XTOPT_TWOARGS */
	const char *ext_name;
	const struct xt_option_entry *entry;
	void *data;			/* the extension's data struct */
	unsigned int xflags;		/* ids seen so far, one bit each */
	bool invert;
	uint8_t nvals;			/* 1 or 2 for ranges */
	uint8_t family;
	const struct ipt_entry *entry_ip; /* the rule being built */
	union {
		uint8_t u8, u8_range[2], syslog_level, protocol;
		uint16_t u16, u16_range[2], port, port_range[2];
		uint32_t u32, u32_range[2];
		uint64_t u64, u64_range[2];
		struct {
			union nf_inet_addr haddr, hmask;
			uint8_t hlen;
		};
		struct {
			uint32_t mark, mask;
		};
		uint8_t ethermac[6];
	} val;
};

struct xt_fcheck_call {
	const char *ext_name;
	void *data;
	unsigned int xflags;
	const struct ipt_entry *entry_ip;
};

/* What the kernel's xt_check_match/target is given. */
struct xt_check_param {
	const char *table;
	const struct ipt_entry *entry;
	const void *data;
	unsigned int hook_mask;
	uint8_t family;
};

struct xt_pkt;			/* the evaluator's packet, see packet.h */

/* What the kernel's match()/target() is given, see packet.h. */
struct xt_action_param;

struct xtables_match {
	const char *name;
	const char *real_name;	/* name in the blob, if not `name` */
	uint8_t revision;
	uint8_t family;		/* NFPROTO_UNSPEC, NFPROTO_IPV4, ... */
	size_t size;		/* data size, before XT_ALIGN */
	size_t userspacesize;	/* bytes compared by -C/-D; rest is kernel's */
	void (*help)(FILE *f);
	void (*init)(void *data);
	int (*parse)(struct xt_option_call *cb);
	int (*final_check)(struct xt_fcheck_call *cb);
	void (*print)(FILE *f, const struct ipt_ip *ip, const void *data,
		      bool numeric);
	void (*save)(FILE *f, const struct ipt_ip *ip, const void *data);
	const struct xt_option_entry *options;
	/* The name save prints when the blob entry stands for an alias
	 * (conntrack for -m state, CT for -j NOTRACK); NULL: the name. */
	const char *(*alias)(const void *data);

	/* Kernel half: where it may be used, as xt_check_match enforces. */
	const char *table;	/* NULL: any table */
	unsigned int hooks;	/* bitmask of NF_INET_*; 0: any hook */
	uint16_t proto;		/* 0: any; else ip.proto must equal it */
	/* 0, or a negative errno as the kernel's checkentry returns it
	 * (-ENOENT, -EINVAL...); xt_error()'s -1 counts as -EINVAL. */
	int (*checkentry)(const struct xt_check_param *par);
	bool (*match)(const struct xt_pkt *pkt, struct xt_action_param *par);
	/* Bytes of state per rule that outlive a packet (limit buckets,
	 * recent lists...): kept in the backend, given zeroed in par->priv. */
	size_t state_size;

	struct xtables_match *next;	/* registry's */
};

struct xtables_target {
	const char *name;
	const char *real_name;
	uint8_t revision;
	uint8_t family;
	size_t size;
	size_t userspacesize;
	void (*help)(FILE *f);
	void (*init)(void *data);
	int (*parse)(struct xt_option_call *cb);
	int (*final_check)(struct xt_fcheck_call *cb);
	void (*print)(FILE *f, const struct ipt_ip *ip, const void *data,
		      bool numeric);
	void (*save)(FILE *f, const struct ipt_ip *ip, const void *data);
	const struct xt_option_entry *options;
	const char *(*alias)(const void *data);	/* as for matches */

	const char *table;
	unsigned int hooks;
	uint16_t proto;
	int (*checkentry)(const struct xt_check_param *par);
	unsigned int (*target)(struct xt_pkt *pkt,
			       const struct xt_action_param *par);
	size_t state_size;

	struct xtables_target *next;
};

void xtables_register_match(struct xtables_match *m);
void xtables_register_target(struct xtables_target *t);
void xtables_register_matches(struct xtables_match *m, unsigned int n);
void xtables_register_targets(struct xtables_target *t, unsigned int n);

/* Shared objects export this; it registers the extensions they hold. */
typedef void (*uipt_extension_init_fn)(void);
#define UIPT_EXTENSION_INIT_SYMBOL "uipt_extension_init"

/* Helpers for extensions: parsing and printing the common value types. */
bool xt_strtoul(const char *s, char **end, unsigned long long *v,
		unsigned long long min, unsigned long long max);
int xt_service_to_port(const char *name, const char *proto);
int xt_parse_port(const char *s, const char *proto);
/* port, port:port, :port or port:, as tcp and udp take them. */
int xt_parse_port_range(const char *arg, const char *proto, uint16_t ports[2]);
const char *xt_port_to_service(int port, const char *proto);
const char *xt_proto_to_name(uint8_t proto, bool numeric);
int xt_name_to_proto(const char *s);
const char *xt_ipaddr_to_numeric(const struct in_addr *a);
const char *xt_ipmask_to_numeric(const struct in_addr *mask);
int xt_mask_to_cidr(const struct in_addr *mask);
void xt_print_mac(FILE *f, const unsigned char *mac);
/* The SPI ranges of ah, esp and ipcomp: parsed with iptables' messages for
 * numeric ranges, printed as -L shows them ("spi:N", "spis:N:M"). */
int xt_parse_spi_range(const char *ext, const char *opt, const char *arg,
		       uint32_t spis[2]);
void xt_print_spis(FILE *f, uint32_t lo, uint32_t hi, bool inv);
/* Quotes a string for save output as iptables does (xtables_save_string). */
void xt_save_string(FILE *f, const char *s);

#endif
