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

static int out_of_range(const struct xt_option_call *cb,
			unsigned long long min, unsigned long long max)
{
	return xt_error(PARAMETER_PROBLEM,
			"%s: bad value for option \"--%s\", or out of range (%llu-%llu).",
			cb->ext_name, cb->entry->name, min, max);
}

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

static int parse_uint(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	unsigned long long min = e->min, max = e->max ? e->max : type_max[e->type];
	unsigned long long v;

	if (!xt_strtoul(cb->arg, NULL, &v, min, max))
		return out_of_range(cb, min, max);
	store_uint(cb, 0, v);
	cb->nvals = 1;
	return 0;
}

/* n, n:m, :m, n: — an empty end takes the type's bound. */
static int parse_uint_range(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	unsigned long long max = e->max ? e->max : type_max[e->type];
	unsigned long long lo = 0, hi = max;
	const char *arg = cb->arg, *colon = strchr(arg, ':');
	char *end;

	if (colon == arg) {
		if (arg[1] && !xt_strtoul(arg + 1, NULL, &hi, 0, max))
			return out_of_range(cb, 0, max);
	} else if (!xt_strtoul(arg, &end, &lo, 0, max) ||
		   (*end && *end != ':')) {
		return out_of_range(cb, 0, max);
	} else if (*end == ':' && end[1] &&
		   !xt_strtoul(end + 1, NULL, &hi, 0, max)) {
		return out_of_range(cb, 0, max);
	}
	store_uint(cb, 0, lo);
	store_uint(cb, 1, colon ? hi : lo);
	cb->nvals = colon ? 2 : 1;
	return 0;
}

static int parse_port(struct xt_option_call *cb)
{
	int p = xt_parse_port(cb->arg, NULL);

	if (p < 0)
		return xt_error(PARAMETER_PROBLEM, "%s: Bad value for \"--%s\" option: \"%s\"",
				cb->ext_name, cb->entry->name, cb->arg);
	cb->val.port = (uint16_t)p;
	cb->nvals = 1;
	return 0;
}

static int parse_port_range(struct xt_option_call *cb)
{
	char buf[256], *colon;
	int lo = 0, hi = 65535;

	snprintf(buf, sizeof(buf), "%s", cb->arg);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (buf[0] && (lo = xt_parse_port(buf, NULL)) < 0)
		return xt_bad_value(cb->ext_name, cb->entry->name, cb->arg);
	if (colon && colon[1] && (hi = xt_parse_port(colon + 1, NULL)) < 0)
		return xt_bad_value(cb->ext_name, cb->entry->name, cb->arg);
	cb->val.port_range[0] = (uint16_t)lo;
	cb->val.port_range[1] = (uint16_t)(colon ? hi : lo);
	cb->nvals = colon ? 2 : 1;
	return 0;
}

static int parse_host(struct xt_option_call *cb, bool with_mask)
{
	char buf[256], *slash;
	unsigned long long bits = 32;

	snprintf(buf, sizeof(buf), "%s", cb->arg);
	slash = with_mask ? strchr(buf, '/') : NULL;
	if (slash)
		*slash++ = '\0';
	memset(&cb->val.haddr, 0, sizeof(cb->val.haddr));
	memset(&cb->val.hmask, 0, sizeof(cb->val.hmask));
	if (inet_pton(AF_INET, buf, &cb->val.haddr.in) != 1)
		return xt_error(PARAMETER_PROBLEM, "host/network `%s' not found", buf);
	if (slash && strchr(slash, '.')) {
		if (inet_pton(AF_INET, slash, &cb->val.hmask.in) != 1)
			return xt_error(PARAMETER_PROBLEM, "invalid mask `%s' specified", slash);
		int c = xt_mask_to_cidr(&cb->val.hmask.in);
		bits = c < 0 ? 32 : (unsigned int)c;
	} else {
		if (slash && !xt_strtoul(slash, NULL, &bits, 0, 32))
			return xt_error(PARAMETER_PROBLEM, "invalid mask `%s' specified", slash);
		cb->val.hmask.ip = bits ? htonl(~0u << (32 - bits)) : 0;
	}
	cb->val.haddr.ip &= cb->val.hmask.ip;
	cb->val.hlen = (uint8_t)bits;
	return 0;
}

static int parse_markmask(struct xt_option_call *cb)
{
	unsigned long long v, m = UINT32_MAX;
	char *end;

	if (!xt_strtoul(cb->arg, &end, &v, 0, UINT32_MAX) ||
	    (*end && (*end != '/' || !xt_strtoul(end + 1, NULL, &m, 0, UINT32_MAX))))
		return xt_bad_value(cb->ext_name, cb->entry->name, cb->arg);
	cb->val.mark = (uint32_t)v;
	cb->val.mask = (uint32_t)m;
	return 0;
}

static const char *const syslog_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

static int parse_sysloglevel(struct xt_option_call *cb)
{
	unsigned long long v;

	if (xt_strtoul(cb->arg, NULL, &v, 0, 7)) {
		cb->val.syslog_level = (uint8_t)v;
		return 0;
	}
	for (unsigned int i = 0; i < 8; i++)
		if (!strcasecmp(cb->arg, syslog_names[i])) {
			cb->val.syslog_level = (uint8_t)i;
			return 0;
		}
	if (!strcasecmp(cb->arg, "panic"))
		cb->val.syslog_level = 0;
	else if (!strcasecmp(cb->arg, "err"))
		cb->val.syslog_level = 3;
	else if (!strcasecmp(cb->arg, "warn"))
		cb->val.syslog_level = 4;
	else
		return xt_error(PARAMETER_PROBLEM, "log level \"%s\" unknown", cb->arg);
	return 0;
}

static int parse_mac(struct xt_option_call *cb)
{
	unsigned int b[6];
	char extra;

	if (strlen(cb->arg) != 17 ||
	    sscanf(cb->arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &extra) != 6)
		return xt_error(PARAMETER_PROBLEM, "Bad mac address \"%s\"", cb->arg);
	for (int i = 0; i < 6; i++)
		cb->val.ethermac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_string(struct xt_option_call *cb)
{
	const struct xt_option_entry *e = cb->entry;
	size_t max = e->max ? e->max : (e->size ? e->size - 1 : SIZE_MAX);

	if (strlen(cb->arg) > max)
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" must be no more than %zu characters long",
				cb->ext_name, e->name, max);
	if (e->type == XTTYPE_ONEWORD && strpbrk(cb->arg, " \t\n"))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" must not contain whitespace",
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
		return parse_host(cb, false);
	case XTTYPE_HOSTMASK:
		return parse_host(cb, true);
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

int xt_option_precheck(const char *ext, const struct xt_option_entry *e,
		       unsigned int xflags, bool invert)
{
	if (invert && !(e->flags & XTOPT_INVERT))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" cannot be inverted.", ext, e->name);
	if (!(e->flags & XTOPT_MULTI) && (xflags & (1u << e->id)))
		return xt_error(PARAMETER_PROBLEM,
				"%s: option \"--%s\" can only be used once.", ext, e->name);
	return 0;
}

int xt_options_fcheck(const char *ext, const struct xt_option_entry *opts,
		      unsigned int xflags)
{
	for (const struct xt_option_entry *e = opts; e && e->name; e++) {
		bool seen = xflags & (1u << e->id);

		if ((e->flags & XTOPT_MAND) && !seen)
			return xt_error(PARAMETER_PROBLEM,
					"%s: option \"--%s\" must be specified", ext, e->name);
		if (!seen)
			continue;
		unsigned int clash = xflags & e->excl & ~(1u << e->id);
		if (clash)
			return xt_error(PARAMETER_PROBLEM,
					"%s: option \"--%s\" cannot be used together with \"--%s\".",
					ext, e->name, name_of(opts, (unsigned int)__builtin_ctz(clash)));
		unsigned int missing = e->also & ~xflags;
		if (missing)
			return xt_error(PARAMETER_PROBLEM,
					"%s: option \"--%s\" also requires \"--%s\".",
					ext, e->name, name_of(opts, (unsigned int)__builtin_ctz(missing)));
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
