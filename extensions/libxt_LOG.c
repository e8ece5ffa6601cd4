/* LOG: write a line about the packet to the kernel log, then go on. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/ip_icmp.h>
#include <linux/netfilter/xt_LOG.h>
#include <uiptables/packet.h>

enum { O_LEVEL, O_PREFIX, O_TCPSEQ, O_TCPOPTS, O_IPOPTS, O_UID, O_MACDECODE };

static const struct xt_option_entry log_opts[] = {
	{ .name = "log-level", .id = O_LEVEL, .type = XTTYPE_STRING },
	{ .name = "log-prefix", .id = O_PREFIX, .type = XTTYPE_STRING },
	{ .name = "log-tcp-sequence", .id = O_TCPSEQ, .type = XTTYPE_NONE },
	{ .name = "log-tcp-options", .id = O_TCPOPTS, .type = XTTYPE_NONE },
	{ .name = "log-ip-options", .id = O_IPOPTS, .type = XTTYPE_NONE },
	{ .name = "log-uid", .id = O_UID, .type = XTTYPE_NONE },
	{ .name = "log-macdecode", .id = O_MACDECODE, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

#define DEFAULT_LEVEL 4		/* LOG_WARNING */

/* What --log-level takes besides 0..7 (case matters, as in iptables). */
static const struct {
	const char *name;
	uint8_t level;
} level_names[] = {
	{ "alert", 1 }, { "crit", 2 }, { "debug", 7 }, { "emerg", 0 },
	{ "error", 3 }, { "info", 6 }, { "notice", 5 }, { "panic", 0 },
	{ "warning", 4 },
};

/* What -L shows for each level. */
static const char *const level_shown[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static void log_help(FILE *f)
{
	fprintf(f, "LOG target options:\n"
		" --log-level level             syslog level of the line (number or name)\n"
		" --log-prefix prefix           text put in front of the line (29 characters at most)\n"
		" --log-tcp-sequence            add the TCP sequence numbers\n"
		" --log-tcp-options             add the TCP options\n"
		" --log-ip-options              add the IP options\n"
		" --log-uid                     add the owner of the local socket\n"
		" --log-macdecode               show the MAC header decoded\n");
}

static void log_init(void *data)
{
	struct xt_log_info *li = data;

	li->level = DEFAULT_LEVEL;
}

static int parse_level(const char *arg, unsigned char *level)
{
	unsigned long long v;

	if (xt_strtoul(arg, NULL, &v, 0, 7)) {
		*level = (unsigned char)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(level_names[i].name, arg)) {
			*level = level_names[i].level;
			return 0;
		}
	return xt_error(PARAMETER_PROBLEM, "log level \"%s\" unknown\n", arg);
}

/* An over-long prefix is cut, as iptables' string option does. */
static int parse_prefix(const char *arg, char *prefix, size_t size)
{
	if (!*arg)
		return xt_error(PARAMETER_PROBLEM,
				"Argument must have a minimum length of 1 characters\n");
	if (strchr(arg, '\n'))
		return xt_error(PARAMETER_PROBLEM, "Newlines not allowed in --log-prefix");
	memset(prefix, 0, size);
	strncpy(prefix, arg, size - 1);
	return 0;
}

static int log_parse(struct xt_option_call *cb)
{
	struct xt_log_info *li = cb->data;

	switch (cb->entry->id) {
	case O_LEVEL:
		return parse_level(cb->arg, &li->level);
	case O_PREFIX:
		return parse_prefix(cb->arg, li->prefix, sizeof(li->prefix));
	case O_TCPSEQ:
		li->logflags |= XT_LOG_TCPSEQ;
		break;
	case O_TCPOPTS:
		li->logflags |= XT_LOG_TCPOPT;
		break;
	case O_IPOPTS:
		li->logflags |= XT_LOG_IPOPT;
		break;
	case O_UID:
		li->logflags |= XT_LOG_UID;
		break;
	case O_MACDECODE:
		li->logflags |= XT_LOG_MACDECODE;
		break;
	}
	return 0;
}

static const struct {
	uint8_t flag;
	const char *word;
} flag_words[] = {
	{ XT_LOG_TCPSEQ, "tcp-sequence" }, { XT_LOG_TCPOPT, "tcp-options" },
	{ XT_LOG_IPOPT, "ip-options" }, { XT_LOG_UID, "uid" },
	{ XT_LOG_MACDECODE, "macdecode" },
};

#define NFLAGWORDS (sizeof(flag_words) / sizeof(flag_words[0]))

static void log_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_log_info *li = data;

	(void)ip;
	fputs(" LOG", f);
	if (numeric) {
		fprintf(f, " flags %u level %u", li->logflags, li->level);
	} else {
		if (li->level < 8)
			fprintf(f, " level %s", level_shown[li->level]);
		else
			fprintf(f, " UNKNOWN level %u", li->level);
		for (size_t i = 0; i < NFLAGWORDS; i++)
			if (li->logflags & flag_words[i].flag)
				fprintf(f, " %s", flag_words[i].word);
		if (li->logflags & ~XT_LOG_MASK)
			fputs(" unknown-flags", f);
	}
	if (li->prefix[0])
		fprintf(f, " prefix \"%.*s\"", (int)sizeof(li->prefix), li->prefix);
}

static void log_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_log_info *li = data;
	char prefix[sizeof(li->prefix) + 1];

	(void)ip;
	if (li->prefix[0]) {
		snprintf(prefix, sizeof(prefix), "%.*s", (int)sizeof(li->prefix), li->prefix);
		fputs(" --log-prefix ", f);
		xt_save_string(f, prefix);
	}
	if (li->level != DEFAULT_LEVEL)
		fprintf(f, " --log-level %d", li->level);
	for (size_t i = 0; i < NFLAGWORDS; i++)
		if (li->logflags & flag_words[i].flag)
			fprintf(f, " --log-%s", flag_words[i].word);
}

static int log_check(const struct xt_check_param *par)
{
	const struct xt_log_info *li = par->data;

	if (li->level >= 8)
		return xt_error(OTHER_PROBLEM, "level %u >= 8", li->level);
	if (li->prefix[sizeof(li->prefix) - 1] != '\0')
		return xt_error(OTHER_PROBLEM, "prefix is not null-terminated");
	return 0;
}

/* ---- the kernel's nf_log_ipv4 line ---- */

struct line {
	char buf[1024];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len > sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 1;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void add_addr(struct line *l, const char *tag, const uint8_t *p)
{
	add(l, "%s=%u.%u.%u.%u ", tag, p[0], p[1], p[2], p[3]);
}

static void add_hex(struct line *l, const uint8_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		add(l, "%02X", p[i]);
}

static void dump_mac(struct line *l, const struct xt_pkt *pkt, uint8_t logflags)
{
	if (pkt->has_mac && (logflags & XT_LOG_MACDECODE)) {
		add(l, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x ", pkt->mac[6], pkt->mac[7],
		    pkt->mac[8], pkt->mac[9], pkt->mac[10], pkt->mac[11]);
		add(l, "MACDST=%02x:%02x:%02x:%02x:%02x:%02x ", pkt->mac[0], pkt->mac[1],
		    pkt->mac[2], pkt->mac[3], pkt->mac[4], pkt->mac[5]);
		add(l, "MACPROTO=%04x ", get16(pkt->mac + 12));
		return;
	}
	add(l, "MAC=");
	if (pkt->has_mac) {
		add(l, "%02x", pkt->mac[0]);
		for (int i = 1; i < 14; i++)
			add(l, ":%02x", pkt->mac[i]);
	}
	add(l, " ");
}

/* From the high bit of the flags byte down, as the kernel prints them. */
static const char *const tcp_flag_names[] = {
	"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN",
};

static bool dump_tcp(struct line *l, const uint8_t *th, unsigned int avail,
		     bool fragment, uint8_t logflags)
{
	unsigned int doff;

	add(l, "PROTO=TCP ");
	if (fragment)
		return false;
	if (avail < 20) {
		add(l, "INCOMPLETE [%u bytes] ", avail);
		return true;
	}
	add(l, "SPT=%u DPT=%u ", get16(th), get16(th + 2));
	if (logflags & XT_LOG_TCPSEQ)
		add(l, "SEQ=%u ACK=%u ", get32(th + 4), get32(th + 8));
	add(l, "WINDOW=%u ", get16(th + 14));
	/* The four reserved bits, shown where they sit in the flags word. */
	add(l, "RES=0x%02x ", (unsigned int)((th[12] & 0x0F) << 2));
	for (int i = 0; i < 8; i++)
		if (th[13] & (0x80 >> i))
			add(l, "%s ", tcp_flag_names[i]);
	add(l, "URGP=%u ", get16(th + 18));
	doff = (th[12] >> 4) * 4u;
	if ((logflags & XT_LOG_TCPOPT) && doff > 20) {
		if (avail < doff) {
			add(l, "OPT (TRUNCATED)");
			return true;
		}
		add(l, "OPT (");
		add_hex(l, th + 20, doff - 20);
		add(l, ") ");
	}
	return false;
}

static bool dump_udp(struct line *l, const uint8_t *uh, unsigned int avail,
		     bool fragment, uint8_t proto)
{
	add(l, proto == IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return false;
	if (avail < 8) {
		add(l, "INCOMPLETE [%u bytes] ", avail);
		return true;
	}
	add(l, "SPT=%u DPT=%u LEN=%u ", get16(uh), get16(uh + 2), get16(uh + 4));
	return false;
}

static void dump_ipv4(struct line *l, const struct xt_pkt *pkt, unsigned int off,
		      uint8_t logflags);

/* Bytes each ICMP type needs before its fields can be shown. */
static unsigned int icmp_required(uint8_t type)
{
	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
		return 4;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return 8 + 20;
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
		return 20;
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return 12;
	}
	return 0;
}

static void dump_icmp(struct line *l, const struct xt_pkt *pkt, unsigned int ioff,
		      unsigned int off, bool fragment, uint8_t logflags)
{
	const uint8_t *ih = pkt->data + off;
	unsigned int avail = pkt->len > off ? pkt->len - off : 0;

	add(l, "PROTO=ICMP ");
	if (fragment)
		return;
	if (avail < 8) {
		add(l, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	add(l, "TYPE=%u CODE=%u ", ih[0], ih[1]);
	if (ih[0] <= 18 && icmp_required(ih[0]) && avail < icmp_required(ih[0])) {
		add(l, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	switch (ih[0]) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
		add(l, "ID=%u SEQ=%u ", get16(ih + 4), get16(ih + 6));
		break;
	case ICMP_PARAMETERPROB:
		add(l, "PARAMETER=%u ", ih[4]);
		break;
	case ICMP_REDIRECT:
		add_addr(l, "GATEWAY", ih + 4);
		/* fall through */
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
		/* The quoted packet, one level deep only. */
		if (!ioff) {
			add(l, "[");
			dump_ipv4(l, pkt, off + 8, logflags);
			add(l, "] ");
		}
		if (ih[0] == ICMP_DEST_UNREACH && ih[1] == ICMP_FRAG_NEEDED)
			add(l, "MTU=%u ", get16(ih + 6));
		break;
	}
}

/* AH and ESP: the header is read whole, then its SPI shown. */
static void dump_spi(struct line *l, const char *proto, const uint8_t *p,
		     unsigned int avail, unsigned int need, unsigned int spi_at,
		     bool fragment)
{
	add(l, "PROTO=%s ", proto);
	if (fragment)
		return;
	if (avail < need) {
		add(l, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	add(l, "SPI=0x%x ", get32(p + spi_at));
}

/* dump_ipv4_packet of nf_log_syslog.c; off is where the IP header starts. */
static void dump_ipv4(struct line *l, const struct xt_pkt *pkt, unsigned int off,
		      uint8_t logflags)
{
	const uint8_t *iph = pkt->data + off;
	unsigned int ihl, frag, avail, toff;
	bool fragment;

	if (pkt->len < off + 20) {
		add(l, "TRUNCATED");
		return;
	}
	ihl = (iph[0] & 0x0F) * 4u;
	frag = get16(iph + 6);
	add_addr(l, "SRC", iph + 12);
	add_addr(l, "DST", iph + 16);
	add(l, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", get16(iph + 2),
	    iph[1] & 0x1E, iph[1] & 0xE0, iph[8], get16(iph + 4));
	if (frag & 0x8000)
		add(l, "CE ");
	if (frag & 0x4000)
		add(l, "DF ");
	if (frag & 0x2000)
		add(l, "MF ");
	if (frag & 0x1FFF)
		add(l, "FRAG:%u ", frag & 0x1FFF);
	if ((logflags & XT_LOG_IPOPT) && ihl > 20) {
		if (pkt->len < off + ihl) {
			add(l, "TRUNCATED");
			return;
		}
		add(l, "OPT (");
		add_hex(l, iph + 20, ihl - 20);
		add(l, ") ");
	}
	fragment = frag & 0x1FFF;
	toff = off + ihl;
	avail = pkt->len > toff ? pkt->len - toff : 0;
	switch (iph[9]) {
	case IPPROTO_TCP:
		if (dump_tcp(l, pkt->data + toff, avail, fragment, logflags))
			return;
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (dump_udp(l, pkt->data + toff, avail, fragment, iph[9]))
			return;
		break;
	case IPPROTO_ICMP:
		dump_icmp(l, pkt, off, toff, fragment, logflags);
		break;
	case IPPROTO_AH:
		dump_spi(l, "AH", pkt->data + toff, avail, 12, 4, fragment);
		break;
	case IPPROTO_ESP:
		dump_spi(l, "ESP", pkt->data + toff, avail, 8, 0, fragment);
		break;
	default:
		add(l, "PROTO=%u ", iph[9]);
	}
	if ((logflags & XT_LOG_UID) && !off && pkt->has_owner)
		add(l, "UID=%u GID=%u ", pkt->uid, pkt->gid);
	if (!off && pkt->mark)
		add(l, "MARK=0x%x ", pkt->mark);
}

/* The text the kernel logs (without the syslog level marker). */
static void log_line(const struct xt_pkt *pkt, const struct xt_log_info *li,
		     struct line *l)
{
	l->len = 0;
	l->buf[0] = '\0';
	add(l, "%.*sIN=%s OUT=%s ", (int)sizeof(li->prefix), li->prefix, pkt->in, pkt->out);
	/* The bridge ports, where they are not the devices already named. */
	if (pkt->has_bridge && pkt->physin[0] && strcmp(pkt->physin, pkt->in))
		add(l, "PHYSIN=%s ", pkt->physin);
	if (pkt->has_bridge && pkt->physout[0] && strcmp(pkt->physout, pkt->out))
		add(l, "PHYSOUT=%s ", pkt->physout);
	if (pkt->in[0])
		dump_mac(l, pkt, li->logflags);
	dump_ipv4(l, pkt, 0, li->logflags);
}

static unsigned int log_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	struct line l;

	log_line(pkt, par->data, &l);
	if (pkt->ops && pkt->ops->log)
		pkt->ops->log(pkt, l.buf);
	return XT_CONTINUE;
}

static struct xtables_target log_target_ext = {
	.name = "LOG",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_log_info),
	.userspacesize = sizeof(struct xt_log_info),
	.help = log_help,
	.init = log_init,
	.parse = log_parse,
	.print = log_print,
	.save = log_save,
	.options = log_opts,
	.checkentry = log_check,
	.target = log_target,
};

void libxt_LOG_init(void)
{
	xtables_register_target(&log_target_ext);
}
