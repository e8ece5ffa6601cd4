/* ipcomp: the CPI of an IP Payload Compression header. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_ipcomp.h>
#include "../libxt/error.h"

enum { O_SPI, O_RES };

static const struct xt_option_entry ipcomp_opts[] = {
	{ .name = "ipcompspi", .id = O_SPI, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	{ .name = "compres", .id = O_RES, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void ipcomp_help(FILE *f)
{
	fprintf(f, "ipcomp match options:\n"
		"[!] --ipcompspi spi[:spi]\n"
		"                                match the CPI, or a range of them\n"
		" --compres                      the reserved field is set (kept, not checked)\n");
}

static int ipcomp_parse(struct xt_option_call *cb)
{
	struct xt_ipcomp *c = cb->data;

	if (cb->entry->id == O_RES) {
		c->hdrres = 1;
		return 0;
	}
	if (cb->invert)
		c->invflags |= XT_IPCOMP_INV_SPI;
	return xt_parse_spi_range("ipcomp", "ipcompspi", cb->arg, c->spis);
}

static void ipcomp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_ipcomp *c = data;

	(void)ip;
	(void)numeric;
	fputs(" comp ", f);
	xt_print_spis(f, c->spis[0], c->spis[1], c->invflags & XT_IPCOMP_INV_SPI);
	if (c->hdrres)
		fputs(" reserved", f);
	if (c->invflags & ~XT_IPCOMP_INV_MASK)
		fprintf(f, " Unknown invflags: 0x%X", c->invflags & ~XT_IPCOMP_INV_MASK);
}

static void ipcomp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_ipcomp *c = data;
	bool inv = c->invflags & XT_IPCOMP_INV_SPI;

	(void)ip;
	if (c->spis[0] != 0 || c->spis[1] != UINT32_MAX || inv) {
		fprintf(f, "%s --ipcompspi %u", inv ? " !" : "", c->spis[0]);
		if (c->spis[0] != c->spis[1])
			fprintf(f, ":%u", c->spis[1]);
	}
	if (c->hdrres)
		fputs(" --compres", f);
}

static int ipcomp_check(const struct xt_check_param *par)
{
	const struct xt_ipcomp *c = par->data;

	if (c->invflags & ~XT_IPCOMP_INV_MASK)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

static bool ipcomp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_ipcomp *c = par->data;
	const uint8_t *h;
	uint32_t spi;

	/* Only the first fragment has the header. */
	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 4 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	h = pkt->data + pkt->thoff;
	spi = (uint32_t)h[2] << 8 | h[3];	/* the 16-bit CPI */
	return (spi >= c->spis[0] && spi <= c->spis[1]) != !!(c->invflags & XT_IPCOMP_INV_SPI);
}

static struct xtables_match ipcomp_match_ext = {
	.name = "ipcomp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_ipcomp),
	.userspacesize = sizeof(struct xt_ipcomp),
	.help = ipcomp_help,
	.parse = ipcomp_parse,
	.print = ipcomp_print,
	.save = ipcomp_save,
	.options = ipcomp_opts,
	.proto = IPPROTO_COMP,
	.checkentry = ipcomp_check,
	.match = ipcomp_match,
};

void libxt_ipcomp_init(void)
{
	xtables_register_match(&ipcomp_match_ext);
}
