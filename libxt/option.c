/*
 * The declarative option parser: an extension lists its options with a
 * type, and the core turns the argument into a value, checks its range and
 * where asked stores it in the extension's data.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "option.h"

static const unsigned long long type_max[] = {
	[XTTYPE_UINT8] = UINT8_MAX, [XTTYPE_UINT8RC] = UINT8_MAX,
	[XTTYPE_UINT16] = UINT16_MAX, [XTTYPE_UINT16RC] = UINT16_MAX,
	[XTTYPE_UINT32] = UINT32_MAX, [XTTYPE_UINT32RC] = UINT32_MAX,
	[XTTYPE_UINT64] = UINT64_MAX, [XTTYPE_UINT64RC] = UINT64_MAX,
};

static void store_uint(struct xt_option_call *cb, unsigned int i,
		       unsigned long long v)
{
	switch (cb->entry->type) {
	case XTTYPE_UINT8:
	case XTTYPE_UINT8RC:
		cb->val.u8_range[i] = (uint8_t)v;
		break;
	case XTTYPE_UINT16:
	case XTTYPE_UINT16RC:
		cb->val.u16_range[i] = (uint16_t)v;
		break;
	case XTTYPE_UINT32:
	case XTTYPE_UINT32RC:
		cb->val.u32_range[i] = (uint32_t)v;
		break;
	default:
		cb->val.u64_range[i] = v;
		break;
	}
}

/* xtopt_parse_int: the entry's min/max where given, else the type's. */
static int parse_uint(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	unsigned long long min = e->min, max = e->max ? e->max : type_max[e->type];
	unsigned long long v;

	if (!xt_strtoul(cb->arg, NULL, &v, min, max))
		return xt_error(PARAMETER_PROBLEM,
				"%s: bad value for option \"--%s\", or out of range (%llu-%llu).\n",
				cb->ext_name, e->name, min, max);
	store_uint(cb, 0, v);
	cb->nvals = 1;
	return 0;
}

/* xtopt_parse_mint: n, n:m, :m, n: or even "" — an empty part is 0 in
 * front and the type's maximum behind; at most two parts. */
static int parse_uint_range(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	unsigned long long max = e->max ? e->max : type_max[e->type];
	const char *arg = cb->arg;
	char *end;

	cb->nvals = 0;
	for (;; arg = end + 1) {
		unsigned long long v;

		if (cb->nvals == 2)
			return xt_error(PARAMETER_PROBLEM,
					"%s: Too many components for option \"--%s\" (max: 2)\n",
					cb->ext_name, e->name);
		if (*arg == '\0' || *arg == ':') {
			end = (char *)arg;
			v = cb->nvals == 1 ? max : 0;
		} else {
			if (!xt_strtoul(arg, &end, &v, 0, max))
				return xt_error(PARAMETER_PROBLEM,
						"%s: bad value for option \"--%s\" near \"%s\", "
						"or out of range (0-%llu).\n",
						cb->ext_name, e->name, arg, max);
			if (*end != '\0' && *end != ':')
				return xt_error(PARAMETER_PROBLEM,
						"%s: Argument to \"--%s\" has unexpected characters "
						"near \"%s\".\n", cb->ext_name, e->name, end);
		}
		store_uint(cb, cb->nvals++, v);
		if (cb->nvals == 1)	/* n alone stands for n:n in val */
			store_uint(cb, 1, v);
		if (*end == '\0')
			break;
	}
	return 0;
}

/* xtables_getportbyname: what getaddrinfo makes of it as a service
 * (numbers in decimal, names from services(5)). */
static int port_by_name(const char *name)
{
	struct addrinfo *res = NULL;
	int port = -1;

	if (getaddrinfo(NULL, name, NULL, &res) != 0)
		return -1;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		if (a->ai_family == AF_INET6) {
			port = ntohs(((struct sockaddr_in6 *)(void *)a->ai_addr)->sin6_port);
			break;
		}
		if (a->ai_family == AF_INET) {
			port = ntohs(((struct sockaddr_in *)(void *)a->ai_addr)->sin_port);
			break;
		}
	}
	freeaddrinfo(res);
	return port;
}

static int no_port(const char *arg)
{
	return xt_error(PARAMETER_PROBLEM, "Port \"%s\" does not resolve to anything.\n", arg);
}

static int parse_port(struct xt_option_call *cb)
{
	int p = port_by_name(cb->arg);

	if (p < 0)
		return no_port(cb->arg);
	cb->val.port = (uint16_t)p;
	cb->nvals = 1;
	return 0;
}

/* xtopt_parse_mport: parts split at ':', an empty one keeps 0 in front
 * and 65535 behind; one port stands for port:port. */
static int parse_port_range(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	unsigned int maxparts = e->size / 2 ? e->size / 2 : 2;
	char *dup = strdup(cb->arg), *rest = dup, *part;

	if (!dup)
		abort();
	cb->val.port_range[0] = 0;
	cb->val.port_range[1] = UINT16_MAX;
	cb->nvals = 0;
	while ((part = strsep(&rest, ":")) != NULL) {
		int p;

		if (cb->nvals == maxparts) {
			free(dup);
			return xt_error(PARAMETER_PROBLEM,
					"%s: Too many components for option \"--%s\" (max: %u)\n",
					cb->ext_name, e->name, maxparts);
		}
		if (*part == '\0') {
			cb->nvals++;
			continue;
		}
		p = port_by_name(part);
		if (p < 0) {
			xt_error(PARAMETER_PROBLEM, "Port \"%s\" does not resolve to anything.\n",
				 part);
			free(dup);
			return -1;
		}
		if (cb->nvals < 2)
			cb->val.port_range[cb->nvals] = (uint16_t)p;
		cb->nvals++;
	}
	free(dup);
	if (cb->nvals == 1) {
		cb->val.port_range[1] = cb->val.port_range[0];
		cb->nvals++;
	}
	return 0;
}

/* xtopt_parse_host: getaddrinfo for IPv4, so names from hosts(5) and the
 * inet_aton forms pass; every answer must be the same address. */
static int parse_host(struct xt_option_call *cb, const char *name)
{
	struct addrinfo hints = { .ai_family = AF_INET };
	struct addrinfo *res = NULL;
	int ret = getaddrinfo(name, NULL, &hints, &res);

	if (ret != 0)
		return xt_error(PARAMETER_PROBLEM, "getaddrinfo: %s\n", gai_strerror(ret));
	memset(&cb->val.hmask, 0xff, sizeof(cb->val.hmask));
	memset(&cb->val.haddr, 0, sizeof(cb->val.haddr));
	cb->val.hlen = 32;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		const struct in_addr *in = &((struct sockaddr_in *)(void *)a->ai_addr)->sin_addr;

		if (a == res) {
			cb->val.haddr.in = *in;
		} else if (cb->val.haddr.in.s_addr != in->s_addr) {
			freeaddrinfo(res);
			return xt_error(PARAMETER_PROBLEM,
					"%s resolves to more than one address\n", name);
		}
	}
	freeaddrinfo(res);
	return 0;
}

/* The part after '/': a prefix length first, then a dotted mask (any
 * inet_aton form); a mask with holes acts as /32.  The address itself is
 * kept as given, host bits and all. */
static int parse_hostmask(struct xt_option_call *cb)
{
	const char *slash = strchr(cb->arg, '/');
	struct addrinfo hints = { .ai_family = AF_INET, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res = NULL;
	unsigned long long bits;
	char *host;
	int ret;

	if (!slash)
		return parse_host(cb, cb->arg);
	host = strndup(cb->arg, (size_t)(slash - cb->arg));
	if (!host)
		abort();
	ret = parse_host(cb, host);
	free(host);
	if (ret < 0)
		return -1;
	if (!xt_strtoul(slash + 1, NULL, &bits, 0, 32)) {
		struct in_addr m;

		if (getaddrinfo(slash + 1, NULL, &hints, &res) != 0)
			return xt_error(PARAMETER_PROBLEM,
					"%s: bad value for option \"--%s\", neither a valid "
					"network mask nor valid CIDR (0-32).\n",
					cb->ext_name, cb->entry->name);
		m = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
		int c = xt_mask_to_cidr(&m);
		if (c < 0)	/* all ones and /32, as iptables' hlen of -1 gives */
			return 0;
		bits = (unsigned int)c;
	}
	memset(&cb->val.hmask, 0, sizeof(cb->val.hmask));
	cb->val.hmask.ip = bits ? htonl(~0u << (32 - bits)) : 0;
	cb->val.hlen = (uint8_t)bits;
	return 0;
}

/* xtables_parse_mark_mask. */
static int parse_markmask(struct xt_option_call *cb)
{
	unsigned long long v, m = UINT32_MAX;
	char *end;

	if (!xt_strtoul(cb->arg, &end, &v, 0, UINT32_MAX))
		goto bad;
	if (*end == '/') {
		if (!xt_strtoul(end + 1, &end, &m, 0, UINT32_MAX))
			goto bad;
	}
	if (*end != '\0')
		return xt_error(PARAMETER_PROBLEM,
				"%s: trailing garbage after value for option \"--%s\".\n",
				cb->ext_name, cb->entry->name);
	cb->val.mark = (uint32_t)v;
	cb->val.mask = (uint32_t)m;
	return 0;
bad:
	return xt_error(PARAMETER_PROBLEM,
			"%s: bad integer value for option \"--%s\", or out of range.\n",
			cb->ext_name, cb->entry->name);
}

/* The names iptables takes, case and all: no "err", no "warn". */
static const struct {
	const char *name;
	uint8_t level;
} syslog_names[] = {
	{ "alert", 1 }, { "crit", 2 }, { "debug", 7 }, { "emerg", 0 }, { "error", 3 },
	{ "info", 6 }, { "notice", 5 }, { "panic", 0 }, { "warning", 4 },
};

static int parse_sysloglevel(struct xt_option_call *cb)
{
	unsigned long long v;

	if (xt_strtoul(cb->arg, NULL, &v, 0, 7)) {
		cb->val.syslog_level = (uint8_t)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(syslog_names) / sizeof(syslog_names[0]); i++)
		if (!strcmp(cb->arg, syslog_names[i].name)) {
			cb->val.syslog_level = syslog_names[i].level;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "log level \"%s\" unknown\n", cb->arg);
}

/* xtopt_parse_ethermac: six strtoul(16) parts of at most two characters
 * each, so "42:1:2:3:4:5" and even an empty part pass. */
static int parse_mac(struct xt_option_call *cb)
{
	const char *arg = cb->arg;
	char *end;

	for (int i = 0; i < 6; i++) {
		cb->val.ethermac[i] = (uint8_t)strtoul(arg, &end, 16);
		if (*end != (i < 5 ? ':' : '\0') || end - arg > 2)
			return xt_error(PARAMETER_PROBLEM, "Invalid MAC address specified.");
		arg = end + 1;
	}
	return 0;
}

/* xtopt_parse_string: .min/.max are checked; beyond the field's size
 * the string is cut, silently. */
static int parse_string(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	size_t len = strlen(cb->arg);

	if (e->min && len < e->min)
		return xt_error(PARAMETER_PROBLEM,
				"Argument must have a minimum length of %llu characters\n",
				e->min);
	if (e->max && len > e->max)
		return xt_error(PARAMETER_PROBLEM,
				"Argument must have a maximum length of %llu characters\n",
				e->max);
	if (e->type == XTTYPE_ONEWORD && strpbrk(cb->arg, " \t\n"))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" must not contain whitespace\n",
				cb->ext_name, e->name);
	return 0;
}

static int parse_value(struct xt_option_call *cb)
{
	int proto;

	switch (cb->entry->type) {
	case XTTYPE_NONE:
		return 0;
	case XTTYPE_UINT8:
	case XTTYPE_UINT16:
	case XTTYPE_UINT32:
	case XTTYPE_UINT64:
		return parse_uint(cb);
	case XTTYPE_UINT8RC:
	case XTTYPE_UINT16RC:
	case XTTYPE_UINT32RC:
	case XTTYPE_UINT64RC:
		return parse_uint_range(cb);
	case XTTYPE_STRING:
	case XTTYPE_ONEWORD:
		return parse_string(cb);
	case XTTYPE_PORT:
		return parse_port(cb);
	case XTTYPE_PORTRC:
		return parse_port_range(cb);
	case XTTYPE_HOST:
		return parse_host(cb, cb->arg);
	case XTTYPE_HOSTMASK:
		return parse_hostmask(cb);
	case XTTYPE_PROTOCOL:
		proto = xt_name_to_proto(cb->arg);
		if (proto < 0)
			return xt_error(PARAMETER_PROBLEM, "unknown protocol \"%s\" specified",
					cb->arg);
		cb->val.protocol = (uint8_t)proto;
		return 0;
	case XTTYPE_MARKMASK32:
		return parse_markmask(cb);
	case XTTYPE_SYSLOGLEVEL:
		return parse_sysloglevel(cb);
	case XTTYPE_ETHERMAC:
		return parse_mac(cb);
	}
	return xt_error(OTHER_PROBLEM, "%s: unknown option type", cb->ext_name);
}

static void put_int(void *p, unsigned int size, unsigned long long v, bool nbo)
{
	switch (size) {
	case 1:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)p = nbo ? htons((uint16_t)v) : (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)p = nbo ? htonl((uint32_t)v) : (uint32_t)v;
		break;
	case 8:
		*(uint64_t *)p = v;
		break;
	}
}

static unsigned long long range_val(const struct xt_option_call *cb, int i)
{
	switch (cb->entry->type) {
	case XTTYPE_UINT8:
	case XTTYPE_UINT8RC:
		return cb->val.u8_range[i];
	case XTTYPE_UINT16:
	case XTTYPE_UINT16RC:
	case XTTYPE_PORT:
	case XTTYPE_PORTRC:
		return cb->val.u16_range[i];
	case XTTYPE_UINT32:
	case XTTYPE_UINT32RC:
		return cb->val.u32_range[i];
	default:
		return cb->val.u64_range[i];
	}
}

static void put_value(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	uint8_t *p = (uint8_t *)cb->data + e->ptroff;
	bool nbo = e->flags & XTOPT_NBO;

	switch (e->type) {
	case XTTYPE_STRING:
	case XTTYPE_ONEWORD:
		strncpy((char *)p, cb->arg, e->size - 1);
		break;
	case XTTYPE_UINT8RC:
	case XTTYPE_UINT16RC:
	case XTTYPE_UINT32RC:
	case XTTYPE_UINT64RC:
	case XTTYPE_PORTRC: {
		unsigned int half = e->size / 2;
		put_int(p, half, range_val(cb, 0), nbo);
		put_int(p + half, half, range_val(cb, cb->nvals > 1 ? 1 : 0), nbo);
		break;
	}
	case XTTYPE_HOST:
	case XTTYPE_HOSTMASK:
		memcpy(p, &cb->val.haddr, e->size);
		break;
	case XTTYPE_PROTOCOL:
	case XTTYPE_SYSLOGLEVEL:
		put_int(p, e->size, cb->val.u8, false);
		break;
	case XTTYPE_MARKMASK32:
		put_int(p, 4, cb->val.mark, false);
		put_int(p + 4, 4, cb->val.mask, false);
		break;
	case XTTYPE_ETHERMAC:
		memcpy(p, cb->val.ethermac, 6);
		break;
	case XTTYPE_NONE:
		break;
	default:
		put_int(p, e->size, range_val(cb, 0), nbo);
		break;
	}
}

int xt_option_parse(struct xt_option_call *cb)
{
	if (parse_value(cb) < 0)
		return -1;
	if (cb->entry->flags & XTOPT_PUT)
		put_value(cb);
	return 0;
}

static const char *name_of(const struct xt_option_entry *opts, unsigned int id)
{
	for (; opts->name; opts++)
		if (opts->id == id)
			return opts->name;
	return "?";
}

/* As xtables_option_parse: used twice before inverted.  The messages end
 * in a newline of their own, as iptables' do. */
int xt_option_precheck(const char *ext, const struct xt_option_entry *e,
		       unsigned int xflags, bool invert)
{
	unsigned int bit = 1u << e->id;

	if ((!(e->flags & XTOPT_MULTI) || (e->excl & bit)) && (xflags & bit))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" can only be used once.\n", ext, e->name);
	if (invert && !(e->flags & XTOPT_INVERT))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" cannot be inverted.\n", ext, e->name);
	return 0;
}

/* As xtables_options_fcheck: per entry in table order, mandatory first,
 * then for each other id in turn "also" and "excl". */
int xt_options_fcheck(const char *ext, const struct xt_option_entry *opts,
		      unsigned int xflags)
{
	for (const struct xt_option_entry *e = opts; e && e->name; e++) {
		if ((e->flags & XTOPT_MAND) && !(xflags & (1u << e->id)))
			return xt_error(PARAMETER_PROBLEM,
					"%s: option \"--%s\" must be specified\n", ext, e->name);
		if (!(xflags & (1u << e->id)))
			continue;
		for (unsigned int i = 0; i < 32; i++) {
			unsigned int bit = 1u << i;

			if (i == e->id || !((e->also | e->excl) & bit))
				continue;
			if ((e->also & bit) && !(xflags & bit))
				return xt_error(PARAMETER_PROBLEM,
						"%s: option \"--%s\" also requires \"--%s\".\n",
						ext, e->name, name_of(opts, i));
			if ((e->excl & bit) && (xflags & bit))
				return xt_error(PARAMETER_PROBLEM,
						"%s: option \"--%s\" cannot be used together with \"--%s\".\n",
						ext, e->name, name_of(opts, i));
		}
	}
	return 0;
}

const struct xt_option_entry *xt_option_find(const struct xt_option_entry *opts,
					     const char *name)
{
	for (; opts && opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}
