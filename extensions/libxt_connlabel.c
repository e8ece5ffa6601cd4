/*
 * connlabel: tests (and with --set, sets) one of the 128 label bits of the
 * packet's connection.  Names for the bits come from connlabel.conf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_connlabel.h>

#define CONNLABEL_CONF "/etc/xtables/connlabel.conf"

enum { O_LABEL, O_SET };

static const struct xt_option_entry connlabel_opts[] = {
	{ .name = "label", .id = O_LABEL, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	{ .name = "set", .id = O_SET, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void connlabel_help(FILE *f)
{
	fprintf(f, "connlabel match options:\n"
		"[!] --label name     Match if label has been set on connection\n"
		"    --set            Set label on connection\n");
}

/* The file, or NULL with iptables' warning on stderr. */
static FILE *open_map(void)
{
	FILE *f = fopen(CONNLABEL_CONF, "r");

	if (!f)
		fprintf(stderr, "Warning: cannot open %s: %s\n", CONNLABEL_CONF, strerror(errno));
	return f;
}

/*
 * Walks "bit name" lines; returns the bit of `name`, or with name NULL
 * copies the name of `bit` into out.  -1 when not found.
 */
static int map_lookup(FILE *f, const char *name, unsigned int bit, char *out, size_t size)
{
	char line[1024], word[1024];
	unsigned int b;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %u %1023s", &b, word) != 2 || line[strspn(line, " \t")] == '#')
			continue;
		if (name && !strcmp(word, name))
			return (int)b;
		if (!name && b == bit) {
			snprintf(out, size, "%s", word);
			return (int)b;
		}
	}
	return -1;
}

static int label_bit(const char *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 0);
	FILE *f;
	int bit;

	if (arg[0] && !*end)
		return v > UINT16_MAX ? -1 : (int)v;
	if (!(f = open_map()))
		return -1;
	bit = map_lookup(f, arg, 0, NULL, 0);
	fclose(f);
	return bit;
}

static int connlabel_parse(struct xt_option_call *cb)
{
	struct xt_connlabel_mtinfo *info = cb->data;
	int bit;

	if (cb->entry->id == O_SET) {
		info->options |= XT_CONNLABEL_OP_SET;
		return 0;
	}
	bit = label_bit(cb->arg);
	if (bit < 0)
		return xt_error(PARAMETER_PROBLEM, "label '%s' not found or invalid value", cb->arg);
	info->bit = (uint16_t)bit;
	if (cb->invert)
		info->options |= XT_CONNLABEL_OP_INVERT;
	return 0;
}

/* The name the map gives the bit, else its number. */
static const char *label_name(uint16_t bit)
{
	static char buf[1024];
	FILE *f = open_map();

	snprintf(buf, sizeof(buf), "%u", bit);
	if (f) {
		map_lookup(f, NULL, bit, buf, sizeof(buf));
		fclose(f);
	}
	return buf;
}

static void connlabel_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_connlabel_mtinfo *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " connlabel%s %s", info->options & XT_CONNLABEL_OP_INVERT ? " !" : "",
		label_name(info->bit));
	if (info->options & XT_CONNLABEL_OP_SET)
		fputs(" set", f);
}

/* Always quoted, as iptables writes it. */
static void connlabel_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connlabel_mtinfo *info = data;

	(void)ip;
	fprintf(f, "%s --label \"%s\"", info->options & XT_CONNLABEL_OP_INVERT ? " !" : "",
		label_name(info->bit));
	if (info->options & XT_CONNLABEL_OP_SET)
		fputs(" --set", f);
}

/* connlabel_mt_check and nf_connlabels_get: 128 bits at most. */
static int connlabel_check(const struct xt_check_param *par)
{
	const struct xt_connlabel_mtinfo *info = par->data;

	if (info->options & ~(XT_CONNLABEL_OP_INVERT | XT_CONNLABEL_OP_SET))
		return -EINVAL;
	if (info->bit > XT_CONNLABEL_MAXBIT)
		return -ERANGE;
	return 0;
}

static bool connlabel_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_connlabel_mtinfo *info = par->data;
	bool invert = info->options & XT_CONNLABEL_OP_INVERT;
	struct uipt_conn *ct = pkt->untracked ? NULL : pkt->ct;
	uint32_t bit = 1u << (info->bit % 32);
	unsigned int word = info->bit / 32;

	if (!ct || word >= 4)
		return invert;
	if (ct->labels[word] & bit)
		return !invert;
	if (info->options & XT_CONNLABEL_OP_SET) {
		ct->labels[word] |= bit;
		return !invert;
	}
	return invert;
}

static struct xtables_match connlabel_match_ext = {
	.name = "connlabel",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connlabel_mtinfo),
	.userspacesize = sizeof(struct xt_connlabel_mtinfo),
	.help = connlabel_help,
	.parse = connlabel_parse,
	.print = connlabel_print,
	.save = connlabel_save,
	.options = connlabel_opts,
	.checkentry = connlabel_check,
	.match = connlabel_match,
};

void libxt_connlabel_init(void)
{
	xtables_register_match(&connlabel_match_ext);
}
