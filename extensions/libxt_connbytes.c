/*
 * connbytes: how much the connection has carried so far — packets, bytes
 * or average packet size, in one direction or both.
 */
#include <errno.h>
#include <string.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_connbytes.h>

enum { O_CONNBYTES, O_DIR, O_MODE };

static const struct xt_option_entry connbytes_opts[] = {
	{ .name = "connbytes", .id = O_CONNBYTES, .type = XTTYPE_UINT64RC,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	{ .name = "connbytes-dir", .id = O_DIR, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	{ .name = "connbytes-mode", .id = O_MODE, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static const char *const modes[] = { "packets", "bytes", "avgpkt" };
static const char *const dirs[] = { "original", "reply", "both" };

static void connbytes_help(FILE *f)
{
	fprintf(f, "connbytes match options:\n"
		" [!] --connbytes from:[to]\n"
		"     --connbytes-dir [original, reply, both]\n"
		"     --connbytes-mode [packets, bytes, avgpkt]\n");
}

static int lookup(const char *const *names, const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int connbytes_parse(struct xt_option_call *cb)
{
	struct xt_connbytes_info *info = cb->data;
	int v;

	switch (cb->entry->id) {
	case O_CONNBYTES:
		/* An inverted range is stored backwards, as the kernel reads it. */
		info->count.from = cb->val.u64_range[0];
		info->count.to = cb->nvals > 1 ? cb->val.u64_range[1] : UINT64_MAX;
		if (info->count.to < info->count.from)
			return xt_error(PARAMETER_PROBLEM, "connbytes: invalid range %s", cb->arg);
		if (cb->invert) {
			uint64_t t = info->count.from;

			info->count.from = info->count.to;
			info->count.to = t;
		}
		return 0;
	case O_DIR:
		if ((v = lookup(dirs, cb->arg)) < 0)
			return xt_error(PARAMETER_PROBLEM, "Unknown --connbytes-dir `%s'", cb->arg);
		info->direction = (uint8_t)v;
		return 0;
	case O_MODE:
		if ((v = lookup(modes, cb->arg)) < 0)
			return xt_error(PARAMETER_PROBLEM, "Unknown --connbytes-mode `%s'", cb->arg);
		info->what = (uint8_t)v;
		return 0;
	}
	return 0;
}

static const char *name_or_unknown(const char *const *names, uint8_t v)
{
	return v < 3 ? names[v] : "unknown";
}

/* from[:to], the pair put back in order; an open end prints nothing. */
static void print_range(FILE *f, const struct xt_connbytes_info *info, const char *prefix)
{
	uint64_t from = info->count.from, to = info->count.to;

	if (from > to) {
		from = info->count.to;
		to = info->count.from;
		fputs(" !", f);
	}
	fprintf(f, " %sconnbytes %llu", prefix, (unsigned long long)from);
	if (to && to < UINT64_MAX)
		fprintf(f, ":%llu", (unsigned long long)to);
}

static void connbytes_print(FILE *f, const struct ipt_ip *ip, const void *data,
			    bool numeric)
{
	const struct xt_connbytes_info *info = data;

	(void)ip;
	(void)numeric;
	print_range(f, info, "");
	fprintf(f, " connbytes mode %s connbytes direction %s",
		name_or_unknown(modes, info->what), name_or_unknown(dirs, info->direction));
}

static void connbytes_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_connbytes_info *info = data;

	(void)ip;
	print_range(f, info, "--");
	fprintf(f, " --connbytes-mode %s --connbytes-dir %s",
		name_or_unknown(modes, info->what), name_or_unknown(dirs, info->direction));
}

static int connbytes_check(const struct xt_check_param *par)
{
	const struct xt_connbytes_info *info = par->data;

	if (info->what > XT_CONNBYTES_AVGPKT || info->direction > XT_CONNBYTES_DIR_BOTH)
		return -EINVAL;
	return 0;
}

static uint64_t pick(const uint64_t *v, uint8_t dir)
{
	switch (dir) {
	case XT_CONNBYTES_DIR_ORIGINAL:
		return v[UIPT_DIR_ORIGINAL];
	case XT_CONNBYTES_DIR_REPLY:
		return v[UIPT_DIR_REPLY];
	}
	return v[UIPT_DIR_ORIGINAL] + v[UIPT_DIR_REPLY];
}

/* connbytes_mt: no connection or no accounting (begun before it was on),
 * no match. */
static bool connbytes_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_connbytes_info *info = par->data;
	const struct uipt_conn *ct = pkt->untracked ? NULL : pkt->ct;
	uint64_t what = 0, pkts;

	if (!ct || !ct->acct)
		return false;
	switch (info->what) {
	case XT_CONNBYTES_PKTS:
		what = pick(ct->packets, info->direction);
		break;
	case XT_CONNBYTES_BYTES:
		what = pick(ct->bytes, info->direction);
		break;
	case XT_CONNBYTES_AVGPKT:
		pkts = pick(ct->packets, info->direction);
		if (pkts)
			what = pick(ct->bytes, info->direction) / pkts;
		break;
	}
	if (info->count.to >= info->count.from)
		return what <= info->count.to && what >= info->count.from;
	return what < info->count.to || what > info->count.from;
}

static struct xtables_match connbytes_match_ext = {
	.name = "connbytes",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_connbytes_info),
	.userspacesize = sizeof(struct xt_connbytes_info),
	.help = connbytes_help,
	.parse = connbytes_parse,
	.print = connbytes_print,
	.save = connbytes_save,
	.options = connbytes_opts,
	.checkentry = connbytes_check,
	.match = connbytes_match,
};

void libxt_connbytes_init(void)
{
	xtables_register_match(&connbytes_match_ext);
}
