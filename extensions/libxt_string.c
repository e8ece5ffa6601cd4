/* string: a byte pattern somewhere in the packet (from the IP header on). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_string.h>

enum { O_FROM, O_TO, O_ALGO, O_STRING, O_HEX_STRING, O_ICASE };

static const struct xt_option_entry string_opts[] = {
	{ .name = "from", .id = O_FROM, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_string_info, from_offset) },
	{ .name = "to", .id = O_TO, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_string_info, to_offset) },
	/* iptables cuts a long name to the field without a word (.max lifts
	 * the core's length check; the store still stops at the field). */
	{ .name = "algo", .id = O_ALGO, .type = XTTYPE_STRING, .flags = XTOPT_MAND | XTOPT_PUT,
	  .max = UINT16_MAX, XTOPT_POINTER(struct xt_string_info, algo) },
	{ .name = "string", .id = O_STRING, .type = XTTYPE_STRING, .flags = XTOPT_INVERT,
	  .excl = 1 << O_HEX_STRING },
	{ .name = "hex-string", .id = O_HEX_STRING, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT, .excl = 1 << O_STRING },
	{ .name = "icase", .id = O_ICASE, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void string_help(FILE *f)
{
	fprintf(f, "string match options:\n"
		"--from                       Offset to start searching from\n"
		"--to                         Offset to stop searching\n"
		"--algo                       Algorithm\n"
		"--icase                      Ignore case (default: 0)\n"
		"[!] --string string          Match a string in a packet\n"
		"[!] --hex-string string      Match a hex string in a packet\n");
}

static void string_init(void *data)
{
	struct xt_string_info *info = data;

	info->to_offset = UINT16_MAX;
}

static int too_long(const char *s)
{
	return xt_error(PARAMETER_PROBLEM, "STRING too long \"%s\"", s);
}

static int parse_plain(const char *s, struct xt_string_info *info)
{
	size_t len = strlen(s);

	if (len > XT_STRING_MAX_PATTERN_SIZE)
		return too_long(s);
	memcpy(info->pattern, s, len);
	info->patlen = (uint8_t)len;
	return 0;
}

static int hex_pair(const char *s, size_t i, size_t len, char *out)
{
	char two[3] = { s[i], s[i + 1], 0 };

	if (i + 1 >= len)
		return xt_error(PARAMETER_PROBLEM, "Odd number of hex digits");
	if (i + 2 >= len)
		return xt_error(PARAMETER_PROBLEM, "Invalid hex block");
	for (int k = 0; k < 2; k++)
		if (!isxdigit((unsigned char)two[k]))
			return xt_error(PARAMETER_PROBLEM, "Invalid hex char '%c'", two[k]);
	*out = (char)strtoul(two, NULL, 16);
	return 0;
}

/* Text with |hex bytes| blocks; a backslash takes the next char as is
 * outside a block.  One space may follow each hex pair. */
static int parse_hex(const char *s, struct xt_string_info *info)
{
	size_t len = strlen(s), i = 0, n = 0;
	bool in_hex = false;

	if (!len)
		return xt_error(PARAMETER_PROBLEM, "STRING must contain at least one char");
	while (i < len) {
		if (n >= XT_STRING_MAX_PATTERN_SIZE)
			return too_long(s);
		if (s[i] == '\\' && in_hex)
			return xt_error(PARAMETER_PROBLEM, "Cannot include literals in hex data");
		if (s[i] == '|') {
			in_hex = !in_hex;
			while (in_hex && s[i + 1] == ' ')
				i++;
			if (i + 1 >= len)
				break;
			i++;
			continue;
		}
		if (s[i] == '\\') {
			if (i + 1 >= len)
				return xt_error(PARAMETER_PROBLEM, "Bad literal placement at end of string");
			info->pattern[n] = s[i + 1];
			i += 2;
		} else if (in_hex) {
			if (hex_pair(s, i, len, &info->pattern[n]) < 0)
				return -1;
			i += s[i + 2] == ' ' ? 3 : 2;
		} else {
			info->pattern[n] = s[i++];
		}
		n++;
	}
	info->patlen = (uint8_t)n;
	return 0;
}

static int string_parse(struct xt_option_call *cb)
{
	struct xt_string_info *info = cb->data;

	switch (cb->entry->id) {
	case O_STRING:
	case O_HEX_STRING:
		if (cb->invert)
			info->u.v1.flags |= XT_STRING_FLAG_INVERT;
		return cb->entry->id == O_STRING ? parse_plain(cb->arg, info) :
		       parse_hex(cb->arg, info);
	case O_ICASE:
		info->u.v1.flags |= XT_STRING_FLAG_IGNORECASE;
		return 0;
	}
	return 0;
}

static int string_final(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & ((1 << O_STRING) | (1 << O_HEX_STRING))))
		return xt_error(PARAMETER_PROBLEM,
				"STRING match: You must specify `--string' or `--hex-string'");
	return 0;
}

/* Hex form when a byte is not printable, or when a trailing backslash
 * would read as an escape. */
static bool needs_hex(const struct xt_string_info *info)
{
	for (unsigned int i = 0; i < info->patlen; i++)
		if (!isprint((unsigned char)info->pattern[i]))
			return true;
	return info->patlen && info->pattern[info->patlen - 1] == '\\';
}

static void print_pattern(FILE *f, const struct xt_string_info *info, bool hex)
{
	fputs(hex ? " \"|" : " \"", f);
	for (unsigned int i = 0; i < info->patlen && i < XT_STRING_MAX_PATTERN_SIZE; i++) {
		unsigned char c = (unsigned char)info->pattern[i];

		if (hex) {
			fprintf(f, "%02x", c);
			continue;
		}
		if (c == '"' || c == '\\')
			fputc('\\', f);
		fputc(c, f);
	}
	fputs(hex ? "|\"" : "\"", f);
}

static void string_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_string_info *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " STRING match %s", info->u.v1.flags & XT_STRING_FLAG_INVERT ? "!" : "");
	print_pattern(f, info, needs_hex(info));
	fprintf(f, " ALGO name %.*s", XT_STRING_MAX_ALGO_NAME_SIZE, info->algo);
	if (info->from_offset)
		fprintf(f, " FROM %u", info->from_offset);
	if (info->to_offset != UINT16_MAX)
		fprintf(f, " TO %u", info->to_offset);
	if (info->u.v1.flags & XT_STRING_FLAG_IGNORECASE)
		fputs(" ICASE", f);
}

static void string_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_string_info *info = data;
	bool hex = needs_hex(info);

	(void)ip;
	fprintf(f, "%s --%s", info->u.v1.flags & XT_STRING_FLAG_INVERT ? " !" : "",
		hex ? "hex-string" : "string");
	print_pattern(f, info, hex);
	fprintf(f, " --algo %.*s", XT_STRING_MAX_ALGO_NAME_SIZE, info->algo);
	if (info->from_offset)
		fprintf(f, " --from %u", info->from_offset);
	if (info->to_offset != UINT16_MAX)
		fprintf(f, " --to %u", info->to_offset);
	if (info->u.v1.flags & XT_STRING_FLAG_IGNORECASE)
		fputs(" --icase", f);
}

/* fsm's pattern is no text but a list of 4-byte tokens (type: u16 in
 * host order, recur, value), each checked as the kernel's fsm_init. */
static bool fsm_pattern_ok(const struct xt_string_info *info)
{
	enum { TYPE_MAX = 13, RECUR_MAX = 5, HEAD_IGNORE = 5 };
	unsigned int n = info->patlen / 4;

	if (info->patlen % 4 || !n || (info->u.v1.flags & XT_STRING_FLAG_IGNORECASE))
		return false;
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *t = (const uint8_t *)info->pattern + 4 * i;
		uint16_t type;

		memcpy(&type, t, 2);
		if (type > TYPE_MAX || t[2] > RECUR_MAX)
			return false;
		if (t[2] == HEAD_IGNORE && (i != 0 || i == n - 1))
			return false;
	}
	return true;
}

/* The kernel's textsearch algorithms: bm, kmp, fsm. */
static int string_check(const struct xt_check_param *par)
{
	const struct xt_string_info *info = par->data;
	const char *algo = info->algo;

	if (info->from_offset > info->to_offset ||
	    info->algo[XT_STRING_MAX_ALGO_NAME_SIZE - 1] != '\0' ||
	    info->patlen > XT_STRING_MAX_PATTERN_SIZE ||
	    (info->u.v1.flags & ~(XT_STRING_FLAG_IGNORECASE | XT_STRING_FLAG_INVERT)))
		return xt_error(OTHER_PROBLEM, "string: bad offsets, length or flags");
	if (strcmp(algo, "bm") && strcmp(algo, "kmp") && strcmp(algo, "fsm")) {
		xt_error(OTHER_PROBLEM, "string: no textsearch algorithm %s", algo);
		return -ENOENT;
	}
	if (!info->patlen)
		return xt_error(OTHER_PROBLEM, "string: empty pattern");
	if (!strcmp(algo, "fsm") && !fsm_pattern_ok(info))
		return xt_error(OTHER_PROBLEM, "string: not an fsm token list, or fsm with icase");
	return 0;
}

static bool same_at(const uint8_t *p, const struct xt_string_info *info, bool icase)
{
	for (unsigned int i = 0; i < info->patlen; i++) {
		uint8_t a = p[i], b = (uint8_t)info->pattern[i];

		if (icase ? tolower(a) != tolower(b) : a != b)
			return false;
	}
	return true;
}

/* skb_find_text: the whole pattern must lie in [from, to) of the packet,
 * counted from the IP header. */
static bool string_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_string_info *info = par->data;
	bool icase = info->u.v1.flags & XT_STRING_FLAG_IGNORECASE;
	bool inv = info->u.v1.flags & XT_STRING_FLAG_INVERT;
	unsigned int end = info->to_offset < pkt->len ? info->to_offset : pkt->len;
	bool found = false;

	/* fsm's token automaton is not modelled. */
	if (!strcmp(info->algo, "fsm")) {
		pkt->ops->assume((struct xt_pkt *)pkt, "string: fsm token pattern");
		return pkt->assume_unknown_match;
	}

	for (unsigned int i = info->from_offset; !found && i + info->patlen <= end; i++)
		found = same_at(pkt->data + i, info, icase);
	return found != inv;
}

static struct xtables_match string_ext = {
	.name = "string",
	.revision = 1,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_string_info),
	.userspacesize = offsetof(struct xt_string_info, config),
	.help = string_help,
	.init = string_init,
	.parse = string_parse,
	.final_check = string_final,
	.print = string_print,
	.save = string_save,
	.options = string_opts,
	.checkentry = string_check,
	.match = string_match,
};

void libxt_string_init(void)
{
	xtables_register_match(&string_ext);
}
