/* osf: passive OS fingerprinting of TCP SYN packets. */
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_osf.h>

enum { O_GENRE, O_TTL, O_LOG };

static const struct xt_option_entry osf_opts[] = {
	/* Copied by parse: iptables cuts a long genre without a word. */
	{ .name = "genre", .id = O_GENRE, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	{ .name = "ttl", .id = O_TTL, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct xt_osf_info, ttl),
	  .min = 0, .max = 2 },
	{ .name = "log", .id = O_LOG, .type = XTTYPE_UINT32,
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct xt_osf_info, loglevel),
	  .min = 0, .max = 2 },
	XTOPT_TABLEEND,
};

static void osf_help(FILE *f)
{
	fprintf(f, "OS fingerprint match options:\n"
		"[!] --genre string     the fingerprint's genre (Linux, Windows...)\n"
		"    --ttl level        how the IP TTL is compared:\n"
		"                       0 exactly, 1 may be less (same subnet), 2 not at all\n"
		"    --log level        log fingerprints: 0 all that match, 1 the first,\n"
		"                       2 all known ones\n");
}

static int osf_parse(struct xt_option_call *cb)
{
	struct xt_osf_info *o = cb->data;

	switch (cb->entry->id) {
	case O_GENRE:
		if (cb->invert)
			o->flags |= XT_OSF_INVERT;
		strncpy(o->genre, cb->arg, sizeof(o->genre) - 1);
		o->len = (uint32_t)strlen(o->genre);
		break;
	case O_TTL:
		o->flags |= XT_OSF_TTL;
		break;
	case O_LOG:
		o->flags |= XT_OSF_LOG;
		break;
	}
	return 0;
}

static void osf_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_osf_info *o = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " OS fingerprint match %s%.*s", o->flags & XT_OSF_INVERT ? "! " : "",
		(int)sizeof(o->genre), o->genre);
}

static void osf_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_osf_info *o = data;

	(void)ip;
	fprintf(f, "%s --genre %.*s", o->flags & XT_OSF_INVERT ? " !" : "",
		(int)sizeof(o->genre), o->genre);
	if (o->flags & XT_OSF_TTL)
		fprintf(f, " --ttl %u", o->ttl);
	if (o->flags & XT_OSF_LOG)
		fprintf(f, " --log %u", o->loglevel);
}

/*
 * Only a SYN is fingerprinted, against the table loaded into the kernel
 * (nfnl_osf); the model has no such table, so a SYN's verdict is assumed.
 */
static bool osf_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const uint8_t *th = pkt->data + pkt->thoff;

	(void)par;
	if (pkt->fragoff || pkt->thoff + 20 > pkt->len || !(th[13] & 0x02))
		return false;
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "osf: the SYN's OS fingerprint");
	return pkt->assume_unknown_match;
}

static struct xtables_match osf_match_ext = {
	.name = "osf",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct xt_osf_info),
	.userspacesize = sizeof(struct xt_osf_info),
	.help = osf_help,
	.parse = osf_parse,
	.print = osf_print,
	.save = osf_save,
	.options = osf_opts,
	.proto = IPPROTO_TCP,
	.hooks = 1u << NF_INET_LOCAL_IN | 1u << NF_INET_PRE_ROUTING | 1u << NF_INET_FORWARD,
	.match = osf_match,
};

void libipt_osf_init(void)
{
	xtables_register_match(&osf_match_ext);
}
