/*
 * libFuzzer target: any bytes as a stored table (ipt_replace, entries).
 * The loader must refuse what the kernel's translate_table would refuse
 * and never read outside the buffer; what it accepts must print (-S and
 * -L -n -v, through every extension's print) and build again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libxt/blob.h"
#include "../../libxt/print.h"
#include "../../libxt/registry.h"
#include "../../libxt/ruleset.h"

static FILE *sink;

static void print_table(struct uipt_table *t)
{
	for (uint32_t i = 0; i < t->n; i++) {
		struct uipt_chain *c = t->chains[i];

		uipt_print_list_header(sink, c, FMT_NUMERIC | FMT_VERBOSE);
		for (uint32_t j = 0; j < c->n; j++) {
			uipt_print_rule_save(sink, c->name, c->rules[j], 0);
			uipt_print_rule_list(sink, c->rules[j], j + 1, FMT_NUMERIC | FMT_VERBOSE);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct uipt_table *t = NULL;
	struct uipt_blob b;
	void *copy;

	if (!sink) {
		xt_registry_init();
		sink = fopen("/dev/null", "w");
	}
	if (len < sizeof(struct ipt_replace))
		return 0;
	/* Aligned as the backend's mapping is. */
	copy = aligned_alloc(8, (len + 7) & ~(size_t)7);
	memcpy(copy, data, len);
	if (uipt_blob_parse(copy, len, NULL, &t) == 0) {
		print_table(t);
		if (uipt_blob_build(t, &b) == 0)
			uipt_blob_free(&b);
		uipt_table_free(t);
	}
	free(copy);
	return 0;
}
