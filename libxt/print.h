#ifndef LIBXT_PRINT_H
#define LIBXT_PRINT_H

#include <stdio.h>
#include "ruleset.h"

enum {
	FMT_NUMERIC = 1 << 0,
	FMT_VERBOSE = 1 << 1,
	FMT_EXACT = 1 << 2,	/* -x: counters without K/M/G */
	FMT_LINENUMBERS = 1 << 3,
	FMT_NOTABLE = 1 << 4,	/* numbers without column padding */
};

enum uipt_save_counters {
	SAVE_NO_COUNTERS,
	SAVE_BRACKETS,		/* iptables-save -c: "[p:b] -A ..." */
	SAVE_INLINE,		/* iptables -S -v: "... -c p b -j ..." */
};

/* The target's name as -L prints it: verdict, chain or extension. */
const char *uipt_rule_target_name(const struct uipt_rule *r);
const char *uipt_verdict_name(int verdict);
const char *uipt_list_proto(uint16_t proto, bool numeric);
const char *uipt_save_proto(uint16_t proto);

/* "-A CHAIN ..." as iptables -S and iptables-save print it. */
void uipt_print_rule_save(FILE *f, const char *chain, const struct uipt_rule *r,
			  enum uipt_save_counters counters);
/* The rule text after "-A CHAIN": matches, target. */
void uipt_print_rule_spec(FILE *f, const struct uipt_rule *r);

void uipt_print_list_header(FILE *f, const struct uipt_chain *c, unsigned int fmt);
void uipt_print_rule_list(FILE *f, const struct uipt_rule *r, unsigned int num,
			  unsigned int fmt);
/* What the extensions print in -L: matches, then the target. */
void uipt_print_rule_exts(FILE *f, const struct uipt_rule *r, unsigned int fmt);
void uipt_print_num(FILE *f, uint64_t n, unsigned int fmt);

#endif
