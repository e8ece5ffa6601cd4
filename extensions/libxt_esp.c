/* esp: the SPI of an IPsec Encapsulating Security Payload header. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_esp.h>
#include "../libxt/error.h"

enum { O_ESPSPI };

static const struct xt_option_entry esp_opts[] = {
	{ .name = "espspi", .id = O_ESPSPI, .type = XTTYPE_STRING, .flags = XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void esp_help(FILE *f)
{
	fprintf(f, "esp match options:\n"
		"[!] --espspi spi[:spi]\n"
		"                                match the SPI, or a range of them\n");
}

static void esp_init(void *data)
{
	struct xt_esp *esp = data;

	esp->spis[1] = UINT32_MAX;
}

static int esp_parse(struct xt_option_call *cb)
{
	struct xt_esp *esp = cb->data;

	if (cb->invert)
		esp->invflags |= XT_ESP_INV_SPI;
	return xt_parse_spi_range("esp", "espspi", cb->arg, esp->spis);
}

static void esp_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_esp *esp = data;

	(void)ip;
	(void)numeric;
	fputs(" esp ", f);
	xt_print_spis(f, esp->spis[0], esp->spis[1], esp->invflags & XT_ESP_INV_SPI);
	if (esp->invflags & ~XT_ESP_INV_MASK)
		fprintf(f, " Unknown invflags: 0x%X", esp->invflags & ~XT_ESP_INV_MASK);
}

static void esp_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_esp *esp = data;
	bool inv = esp->invflags & XT_ESP_INV_SPI;

	(void)ip;
	if (esp->spis[0] == 0 && esp->spis[1] == UINT32_MAX && !inv)
		return;
	fprintf(f, "%s --espspi %u", inv ? " !" : "", esp->spis[0]);
	if (esp->spis[0] != esp->spis[1])
		fprintf(f, ":%u", esp->spis[1]);
}

static int esp_check(const struct xt_check_param *par)
{
	const struct xt_esp *esp = par->data;

	if (esp->invflags & ~XT_ESP_INV_MASK)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	return 0;
}

static bool esp_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_esp *esp = par->data;
	const uint8_t *h;
	uint32_t spi;

	/* Only the first fragment has the header. */
	if (pkt->fragoff)
		return false;
	if (pkt->thoff + 8 > pkt->len) {
		par->hotdrop = true;
		return false;
	}
	h = pkt->data + pkt->thoff;
	spi = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	return (spi >= esp->spis[0] && spi <= esp->spis[1]) != !!(esp->invflags & XT_ESP_INV_SPI);
}

static struct xtables_match esp_match_ext = {
	.name = "esp",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_esp),
	.userspacesize = sizeof(struct xt_esp),
	.help = esp_help,
	.init = esp_init,
	.parse = esp_parse,
	.print = esp_print,
	.save = esp_save,
	.options = esp_opts,
	.proto = IPPROTO_ESP,
	.checkentry = esp_check,
	.match = esp_match,
};

void libxt_esp_init(void)
{
	xtables_register_match(&esp_match_ext);
}
