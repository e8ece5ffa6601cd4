/* TCPOPTSTRIP: replace chosen TCP options by NOPs (mangle only). */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>

enum { O_STRIP };

static const struct xt_option_entry TCPOPTSTRIP_opts[] = {
	{ .name = "strip-options", .id = O_STRIP, .type = XTTYPE_STRING },
	XTOPT_TABLEEND,
};

static const struct {
	const char *name, *what;
	uint8_t kind;
} tcp_options[] = {
	{ "wscale", "Window scale", 3 },
	{ "mss", "Maximum Segment Size", 2 },
	{ "sack-permitted", "SACK permitted", 4 },
	{ "sack", "Selective ACK", 5 },
	{ "timestamp", "Timestamp", 8 },
	{ "md5", "MD5 signature", 19 },
};

#define NOPTS (sizeof(tcp_options) / sizeof(tcp_options[0]))

static void TCPOPTSTRIP_help(FILE *f)
{
	fprintf(f, "TCPOPTSTRIP target options:\n"
		"  --strip-options value     strip specified TCP options denoted by value\n"
		"                            (separated by comma) from TCP header\n"
		"  Instead of the numeric value, you can also use the following names:\n");
	for (size_t i = 0; i < NOPTS; i++)
		fprintf(f, "    %-14s    strip \"%s\" option\n", tcp_options[i].name,
			tcp_options[i].what);
}

static int option_kind(const char *word, unsigned int *kind)
{
	unsigned long long v;

	for (size_t i = 0; i < NOPTS; i++)
		if (!strcmp(word, tcp_options[i].name)) {
			*kind = tcp_options[i].kind;
			return 0;
		}
	if (!xt_strtoul(word, NULL, &v, 0, UINT8_MAX))
		return xt_error(PARAMETER_PROBLEM, "Bad TCP option value \"%s\"", word);
	*kind = (unsigned int)v;
	return 0;
}

static int TCPOPTSTRIP_parse(struct xt_option_call *cb)
{
	struct xt_tcpoptstrip_target_info *info = cb->data;
	char *buf = strdup(cb->arg), *word = buf;
	int ret = 0;

	while (word && !ret) {
		char *comma = strchr(word, ',');
		unsigned int kind;

		if (comma)
			*comma++ = '\0';
		if ((ret = option_kind(word, &kind)) < 0)
			break;
		if (kind < 2)
			ret = xt_error(PARAMETER_PROBLEM, "Option value may not be 0 or 1");
		else if (tcpoptstrip_test_bit(info->strip_bmap, kind))
			ret = xt_error(PARAMETER_PROBLEM, "Option \"%s\" already specified", word);
		else
			tcpoptstrip_set_bit(info->strip_bmap, kind);
		word = comma;
	}
	free(buf);
	return ret;
}

static bool any_set(const struct xt_tcpoptstrip_target_info *info)
{
	for (int i = 0; i < 8; i++)
		if (info->strip_bmap[i])
			return true;
	return false;
}

static void print_list(FILE *f, const struct xt_tcpoptstrip_target_info *info, bool numeric)
{
	const char *sep = "";

	for (unsigned int k = 0; k < 256; k++) {
		const char *name = NULL;

		if (!tcpoptstrip_test_bit(info->strip_bmap, k))
			continue;
		for (size_t i = 0; !numeric && i < NOPTS; i++)
			if (tcp_options[i].kind == k)
				name = tcp_options[i].name;
		if (name)
			fprintf(f, "%s%s", sep, name);
		else
			fprintf(f, "%s%u", sep, k);
		sep = ",";
	}
}

static void TCPOPTSTRIP_print(FILE *f, const struct ipt_ip *ip, const void *data,
			      bool numeric)
{
	const struct xt_tcpoptstrip_target_info *info = data;

	(void)ip;
	if (!any_set(info))
		return;
	fputs(" TCPOPTSTRIP options ", f);
	print_list(f, info, numeric);
}

static void TCPOPTSTRIP_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_tcpoptstrip_target_info *info = data;

	(void)ip;
	if (!any_set(info))
		return;
	fputs(" --strip-options ", f);
	print_list(f, info, true);
}

static void csum_replace(uint8_t *csum, uint16_t from, uint16_t to)
{
	uint32_t sum = (uint16_t)~(csum[0] << 8 | csum[1]);

	sum += (uint16_t)~from;
	sum += to;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	csum[0] = (uint8_t)(~sum >> 8);
	csum[1] = (uint8_t)~sum;
}

/* An option's length as the kernel reads it: 1 for EOL, NOP or a zero
 * length byte. */
static unsigned int opt_len(const uint8_t *th, unsigned int i)
{
	return th[i] <= 1 || !th[i + 1] ? 1 : th[i + 1];
}

static unsigned int TCPOPTSTRIP_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	const struct xt_tcpoptstrip_target_info *info = par->data;
	uint8_t *th = pkt->data + pkt->thoff;
	unsigned int doff;

	if (pkt->fragoff || pkt->thoff + 20 > pkt->len)
		return XT_CONTINUE;
	doff = (th[12] >> 4) * 4u;
	if (doff < 20 || pkt->thoff + doff > pkt->len)
		return NF_DROP;
	for (unsigned int i = 20, len; i < doff - 1; i += len) {
		len = opt_len(th, i);
		if (i + len > doff)
			break;
		if (!tcpoptstrip_test_bit(info->strip_bmap, th[i]))
			continue;
		/* Each byte lands in the high or low half of a 16-bit word. */
		for (unsigned int j = 0; j < len; j++) {
			bool high = (i + j) % 2 == 0;
			uint16_t o = (uint16_t)(high ? th[i + j] << 8 : th[i + j]);
			uint16_t n = (uint16_t)(high ? 1 << 8 : 1);

			csum_replace(th + 16, o, n);
		}
		memset(th + i, 1, len);
	}
	return XT_CONTINUE;
}

static struct xtables_target TCPOPTSTRIP_ext = {
	.name = "TCPOPTSTRIP",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_tcpoptstrip_target_info),
	.userspacesize = sizeof(struct xt_tcpoptstrip_target_info),
	.help = TCPOPTSTRIP_help,
	.parse = TCPOPTSTRIP_parse,
	.print = TCPOPTSTRIP_print,
	.save = TCPOPTSTRIP_save,
	.options = TCPOPTSTRIP_opts,
	.table = "mangle",
	.proto = IPPROTO_TCP,
	.target = TCPOPTSTRIP_target,
};

void libxt_TCPOPTSTRIP_init(void)
{
	xtables_register_target(&TCPOPTSTRIP_ext);
}
