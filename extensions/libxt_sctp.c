/* sctp: ports and chunk types (with their flags) of an SCTP packet. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_sctp.h>
#include "../libxt/error.h"

enum { O_SPORT, O_DPORT, O_CHUNKS };

/* MULTI: a second use is refused by parse, with iptables' own message. */
static const struct xt_option_entry sctp_opts[] = {
	{ .name = "source-port", .id = O_SPORT, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "sport", .id = O_SPORT, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "destination-port", .id = O_DPORT, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "dport", .id = O_DPORT, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_MULTI },
	{ .name = "chunk-types", .id = O_CHUNKS, .type = XTTYPE_STRING,
	  .flags = XTOPT_INVERT | XTOPT_MULTI | XTOPT_TWOARGS },
	XTOPT_TABLEEND,
};

/*
 * Chunk names with the flag letters each may carry, highest bit first.
 * iptables records a chunk's flags under its place in this table rather
 * than its type, which only agrees for the first fifteen; kept so.
 */
static const struct chunk_name {
	const char *name;
	uint8_t type;
	const char *flags;
} chunk_names[] = {
	{ "DATA", 0, "----IUBE" },
	{ "INIT", 1, "--------" },
	{ "INIT_ACK", 2, "--------" },
	{ "SACK", 3, "--------" },
	{ "HEARTBEAT", 4, "--------" },
	{ "HEARTBEAT_ACK", 5, "--------" },
	{ "ABORT", 6, "-------T" },
	{ "SHUTDOWN", 7, "--------" },
	{ "SHUTDOWN_ACK", 8, "--------" },
	{ "ERROR", 9, "--------" },
	{ "COOKIE_ECHO", 10, "--------" },
	{ "COOKIE_ACK", 11, "--------" },
	{ "ECN_ECNE", 12, "--------" },
	{ "ECN_CWR", 13, "--------" },
	{ "SHUTDOWN_COMPLETE", 14, "-------T" },
	{ "I_DATA", 64, "----IUBE" },
	{ "RE_CONFIG", 130, "--------" },
	{ "PAD", 132, "--------" },
	{ "ASCONF", 193, "--------" },
	{ "ASCONF_ACK", 128, "--------" },
	{ "FORWARD_TSN", 192, "--------" },
	{ "I_FORWARD_TSN", 194, "--------" },
};

#define NCHUNKS (sizeof(chunk_names) / sizeof(chunk_names[0]))

static void sctp_help(FILE *f)
{
	fprintf(f, "sctp match options\n"
		"[!] --source-port port[:port]   source port, or a range of them\n"
		" --sport ...\n"
		"[!] --destination-port port[:port]\n"
		" --dport ...                    destination port, or a range of them\n"
		"[!] --chunk-types (all|any|only) (chunktype[:flags])+\n"
		"                                match when all, any or only the listed\n"
		"                                chunk types are in the packet\n"
		"chunk types:");
	for (size_t i = 0; i < NCHUNKS; i++)
		fprintf(f, " %s", chunk_names[i].name);
	fprintf(f, " ALL NONE\n");
}

/* Unused flag slots name no chunk; the ports stay 0:0 until given. */
static void sctp_init(void *data)
{
	struct xt_sctp_info *s = data;

	for (int i = 0; i < XT_NUM_SCTP_FLAGS; i++)
		s->flag_info[i].chunktype = 0xFF;
}

static int add_flag(struct xt_sctp_info *s, uint8_t chunk, unsigned int bit, bool set)
{
	int i;

	for (i = 0; i < s->flag_count; i++)
		if (s->flag_info[i].chunktype == chunk)
			break;
	if (i == s->flag_count) {
		if (s->flag_count == XT_NUM_SCTP_FLAGS)
			return xt_error(PARAMETER_PROBLEM, "Number of chunk types with flags "
					"exceeds currently allowed limit.Increasing this limit "
					"involves changing IPT_NUM_SCTP_FLAGS andrecompiling both "
					"the kernel space and user space modules\n");
		s->flag_info[i].chunktype = chunk;
		s->flag_count++;
	}
	s->flag_info[i].flag_mask |= (uint8_t)(1u << bit);
	if (set)
		s->flag_info[i].flag |= (uint8_t)(1u << bit);
	return 0;
}

static int parse_chunk(struct xt_sctp_info *s, char *tok)
{
	char *flags = strchr(tok, ':');
	size_t i;

	if (flags)
		*flags++ = '\0';
	for (i = 0; i < NCHUNKS; i++)
		if (!strcasecmp(chunk_names[i].name, tok))
			break;
	if (i == NCHUNKS)
		return xt_error(PARAMETER_PROBLEM, "Unknown sctp chunk `%s'", tok);
	SCTP_CHUNKMAP_SET(s->chunkmap, chunk_names[i].type);
	for (; flags && *flags; flags++) {
		const char *p = strchr(chunk_names[i].flags, toupper((unsigned char)*flags));

		if (!p)
			return xt_error(PARAMETER_PROBLEM, "Invalid flags for chunk type %zu\n", i);
		if (add_flag(s, (uint8_t)i, 7 - (unsigned int)(p - chunk_names[i].flags),
			     isupper((unsigned char)*flags)) < 0)
			return -1;
	}
	return 0;
}

static int parse_chunks(struct xt_sctp_info *s, const char *how, const char *list)
{
	char *dup, *save = NULL;
	int ret = 0;

	if (!strcasecmp(how, "ANY"))
		s->chunk_match_type = SCTP_CHUNK_MATCH_ANY;
	else if (!strcasecmp(how, "ALL"))
		s->chunk_match_type = SCTP_CHUNK_MATCH_ALL;
	else if (!strcasecmp(how, "ONLY"))
		s->chunk_match_type = SCTP_CHUNK_MATCH_ONLY;
	else
		return xt_error(PARAMETER_PROBLEM,
				"Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
	memset(s->chunkmap, 0, sizeof(s->chunkmap));
	if (!strcasecmp(list, "ALL")) {
		memset(s->chunkmap, 0xFF, sizeof(s->chunkmap));
		return 0;
	}
	if (!strcasecmp(list, "NONE"))
		return 0;
	dup = strdup(list);
	for (char *tok = strtok_r(dup, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save))
		ret = parse_chunk(s, tok);
	free(dup);
	return ret;
}

static int sctp_parse(struct xt_option_call *cb)
{
	static const char *const once[] = {
		[O_SPORT] = "Only one `--source-port' allowed",
		[O_DPORT] = "Only one `--destination-port' allowed",
		[O_CHUNKS] = "Only one `--chunk-types' allowed",
	};
	static const uint32_t bits[] = {
		[O_SPORT] = XT_SCTP_SRC_PORTS, [O_DPORT] = XT_SCTP_DEST_PORTS,
		[O_CHUNKS] = XT_SCTP_CHUNK_TYPES,
	};
	struct xt_sctp_info *s = cb->data;
	unsigned int id = cb->entry->id;
	int ret;

	if (s->flags & bits[id])
		return xt_error(PARAMETER_PROBLEM, "%s", once[id]);
	s->flags |= bits[id];
	if (id == O_SPORT)
		ret = xt_parse_port_range(cb->arg, "sctp", s->spts);
	else if (id == O_DPORT)
		ret = xt_parse_port_range(cb->arg, "sctp", s->dpts);
	else
		ret = parse_chunks(s, cb->arg, cb->arg2);
	if (cb->invert)
		s->invflags |= bits[id];
	return ret;
}

static void print_port(FILE *f, uint16_t port, bool numeric)
{
	const char *name = numeric ? NULL : xt_port_to_service(port, "sctp");

	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", port);
}

static void print_ports(FILE *f, const char *name, const uint16_t *p, bool inv,
			bool numeric)
{
	if (p[0] == 0 && p[1] == 0xFFFF && !inv)
		return;
	fprintf(f, " %s%s%s", name, p[0] == p[1] ? ":" : "s:", inv ? "!" : "");
	print_port(f, p[0], numeric);
	if (p[0] != p[1]) {
		fputc(':', f);
		print_port(f, p[1], numeric);
	}
}

static void print_flags(FILE *f, unsigned int chunk, uint8_t flag, uint8_t mask)
{
	if (!mask)
		return;
	fputc(':', f);
	for (int bit = 7; bit >= 0; bit--) {
		char c;

		if (!(mask & (1u << bit)))
			continue;
		/* Looked up by type, as iptables does, so only types < 15 work. */
		c = chunk < NCHUNKS ? chunk_names[chunk].flags[7 - bit] : '?';
		fputc(flag & (1u << bit) ? c : tolower((unsigned char)c), f);
	}
}

static bool map_all(const uint32_t *map, uint32_t v)
{
	for (size_t i = 0; i < 256 / sizeof(uint32_t); i++)
		if (map[i] != v)
			return false;
	return true;
}

static void print_chunks(FILE *f, const struct xt_sctp_info *s, bool numeric)
{
	bool first = true;

	switch (s->chunk_match_type) {
	case SCTP_CHUNK_MATCH_ANY:
		fputs(" any", f);
		break;
	case SCTP_CHUNK_MATCH_ALL:
		fputs(" all", f);
		break;
	case SCTP_CHUNK_MATCH_ONLY:
		fputs(" only", f);
		break;
	default:
		fputs("Never reach here\n", f);
		break;
	}
	if (map_all(s->chunkmap, 0)) {
		fputs(" NONE", f);
		return;
	}
	if (map_all(s->chunkmap, ~0u)) {
		fputs(" ALL", f);
		return;
	}
	for (unsigned int t = 0; t < 256; t++) {
		if (!SCTP_CHUNKMAP_IS_SET(s->chunkmap, t))
			continue;
		fputc(first ? ' ' : ',', f);
		first = false;
		if (numeric) {
			fprintf(f, "0x%04X", t);
		} else {
			for (size_t i = 0; i < NCHUNKS; i++)
				if (chunk_names[i].type == t)
					fputs(chunk_names[i].name, f);
		}
		for (int j = 0; j < s->flag_count && j < XT_NUM_SCTP_FLAGS; j++)
			if (s->flag_info[j].chunktype == t)
				print_flags(f, t, s->flag_info[j].flag, s->flag_info[j].flag_mask);
	}
}

static void sctp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_sctp_info *s = data;

	(void)ip;
	fputs(" sctp", f);
	if (s->flags & XT_SCTP_SRC_PORTS)
		print_ports(f, "spt", s->spts, s->invflags & XT_SCTP_SRC_PORTS, numeric);
	if (s->flags & XT_SCTP_DEST_PORTS)
		print_ports(f, "dpt", s->dpts, s->invflags & XT_SCTP_DEST_PORTS, numeric);
	if (s->flags & XT_SCTP_CHUNK_TYPES) {
		if (s->invflags & XT_SCTP_CHUNK_TYPES)
			fputs(" !", f);
		print_chunks(f, s, numeric);
	}
}

static void save_ports(FILE *f, const char *opt, const uint16_t *p, bool inv)
{
	fprintf(f, "%s --%s %u", inv ? " !" : "", opt, p[0]);
	if (p[0] != p[1])
		fprintf(f, ":%u", p[1]);
}

static void sctp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_sctp_info *s = data;

	(void)ip;
	if (s->flags & XT_SCTP_SRC_PORTS)
		save_ports(f, "sport", s->spts, s->invflags & XT_SCTP_SRC_PORTS);
	if (s->flags & XT_SCTP_DEST_PORTS)
		save_ports(f, "dport", s->dpts, s->invflags & XT_SCTP_DEST_PORTS);
	if (s->flags & XT_SCTP_CHUNK_TYPES) {
		if (s->invflags & XT_SCTP_CHUNK_TYPES)
			fputs(" !", f);
		fputs(" --chunk-types", f);
		print_chunks(f, s, false);
	}
}

static int sctp_check(const struct xt_check_param *par)
{
	const struct xt_sctp_info *s = par->data;
	const uint32_t types = SCTP_CHUNK_MATCH_ALL | SCTP_CHUNK_MATCH_ANY |
			       SCTP_CHUNK_MATCH_ONLY;

	if ((s->flags & ~XT_SCTP_VALID_FLAGS) || (s->invflags & ~XT_SCTP_VALID_FLAGS) ||
	    (s->invflags & ~s->flags) ||
	    ((s->flags & XT_SCTP_CHUNK_TYPES) && !(s->chunk_match_type & types)))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

/* The flags a chunk must have, if the rule names any for its type. */
static bool flags_ok(const struct xt_sctp_info *s, uint8_t type, uint8_t flags)
{
	for (int i = 0; i < s->flag_count && i < XT_NUM_SCTP_FLAGS; i++)
		if (s->flag_info[i].chunktype == type)
			return (flags & s->flag_info[i].flag_mask) == s->flag_info[i].flag;
	return true;
}

/* Walks the chunks as the kernel's match_packet. */
static bool chunks_match(const struct xt_pkt *pkt, const struct xt_sctp_info *s,
			 bool *hotdrop)
{
	uint32_t left[256 / sizeof(uint32_t)];
	unsigned int off = pkt->thoff + 12;

	memcpy(left, s->chunkmap, sizeof(left));
	do {
		const uint8_t *ch = pkt->data + off;
		unsigned int clen;

		if (off + 4 > pkt->len || !(clen = (unsigned int)(ch[2] << 8 | ch[3]))) {
			*hotdrop = true;
			return false;
		}
		off += (clen + 3) & ~3u;
		if (SCTP_CHUNKMAP_IS_SET(s->chunkmap, ch[0])) {
			bool fl = flags_ok(s, ch[0], ch[1]);

			if (s->chunk_match_type == SCTP_CHUNK_MATCH_ANY && fl)
				return true;
			if (s->chunk_match_type == SCTP_CHUNK_MATCH_ALL && fl)
				SCTP_CHUNKMAP_CLEAR(left, ch[0]);
			if (s->chunk_match_type == SCTP_CHUNK_MATCH_ONLY && !fl)
				return false;
		} else if (s->chunk_match_type == SCTP_CHUNK_MATCH_ONLY) {
			return false;
		}
	} while (off < pkt->len);
	if (s->chunk_match_type == SCTP_CHUNK_MATCH_ALL)
		return map_all(left, 0);
	return s->chunk_match_type == SCTP_CHUNK_MATCH_ONLY;
}

/* A condition that counts only when its option was given. */
static bool check(const struct xt_sctp_info *s, uint32_t opt, bool cond)
{
	return !(s->flags & opt) || (!!(s->invflags & opt) != cond);
}

static bool sctp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_sctp_info *s = par->data;
	const uint8_t *sh;
	uint16_t sport, dport;

	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 12 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	sh = pkt->data + pkt->thoff;
	sport = (uint16_t)(sh[0] << 8 | sh[1]);
	dport = (uint16_t)(sh[2] << 8 | sh[3]);
	return check(s, XT_SCTP_SRC_PORTS, sport >= s->spts[0] && sport <= s->spts[1]) &&
	       check(s, XT_SCTP_DEST_PORTS, dport >= s->dpts[0] && dport <= s->dpts[1]) &&
	       check(s, XT_SCTP_CHUNK_TYPES, (s->flags & XT_SCTP_CHUNK_TYPES) &&
		     chunks_match(pkt, s, &par->hotdrop));
}

static struct xtables_match sctp_match_ext = {
	.name = "sctp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_sctp_info),
	.userspacesize = sizeof(struct xt_sctp_info),
	.help = sctp_help,
	.init = sctp_init,
	.parse = sctp_parse,
	.print = sctp_print,
	.save = sctp_save,
	.options = sctp_opts,
	.proto = IPPROTO_SCTP,
	.checkentry = sctp_check,
	.match = sctp_match,
};

void libxt_sctp_init(void)
{
	xtables_register_match(&sctp_match_ext);
}
