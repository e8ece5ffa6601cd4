/* ah: the SPI of an IPsec Authentication Header. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include "../libxt/error.h"

enum { O_AHSPI };

static const struct xt_option_entry ah_opts[] = {
	{ .name = "ahspi", .id = O_AHSPI, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void ah_help(FILE *f)
{
	fprintf(f, "ah match options:\n"
		"[!] --ahspi spi[:spi]\n"
		"                                match the SPI, or a range of them\n");
}

static void ah_init(void *data)
{
	struct ipt_ah *ah = data;

	ah->spis[1] = UINT32_MAX;
}

static int ah_parse(struct xt_option_call *cb)
{
	struct ipt_ah *ah = cb->data;

	if (cb->invert)
		ah->invflags |= IPT_AH_INV_SPI;
	return xt_parse_spi_range("ah", "ahspi", cb->arg, ah->spis);
}

static void ah_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct ipt_ah *ah = data;

	(void)ip;
	(void)numeric;
	fputs(" ah ", f);
	xt_print_spis(f, ah->spis[0], ah->spis[1], ah->invflags & IPT_AH_INV_SPI);
	if (ah->invflags & ~IPT_AH_INV_MASK)
		fprintf(f, " Unknown invflags: 0x%X", ah->invflags & ~IPT_AH_INV_MASK);
}

static void ah_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct ipt_ah *ah = data;
	bool inv = ah->invflags & IPT_AH_INV_SPI;

	(void)ip;
	if (ah->spis[0] == 0 && ah->spis[1] == UINT32_MAX && !inv)
		return;
	fprintf(f, "%s --ahspi %u", inv ? " !" : "", ah->spis[0]);
	if (ah->spis[0] != ah->spis[1])
		fprintf(f, ":%u", ah->spis[1]);
}

static int ah_check(const struct xt_check_param *par)
{
	const struct ipt_ah *ah = par->data;

	if (ah->invflags & ~IPT_AH_INV_MASK)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

static bool ah_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct ipt_ah *ah = par->data;
	const uint8_t *h;
	uint32_t spi;

	/* Only the first fragment has the header. */
	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 12 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	h = pkt->data + pkt->thoff;
	spi = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	return (spi >= ah->spis[0] && spi <= ah->spis[1]) != !!(ah->invflags & IPT_AH_INV_SPI);
}

static struct xtables_match ah_match_ext = {
	.name = "ah",
	.family = NFPROTO_IPV4,
	.size = sizeof(struct ipt_ah),
	.userspacesize = sizeof(struct ipt_ah),
	.help = ah_help,
	.init = ah_init,
	.parse = ah_parse,
	.print = ah_print,
	.save = ah_save,
	.options = ah_opts,
	.proto = IPPROTO_AH,
	.checkentry = ah_check,
	.match = ah_match,
};

void libipt_ah_init(void)
{
	xtables_register_match(&ah_match_ext);
}
