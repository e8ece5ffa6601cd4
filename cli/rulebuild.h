#ifndef CLI_RULEBUILD_H
#define CLI_RULEBUILD_H

#include "cmdline.h"
#include "../libxt/ruleset.h"

/* The rules a command line describes: one per source/destination pair.
 * Chain names in -j/-g are resolved in t. */
int rule_build(const struct cmdline *c, struct uipt_table *t,
	       struct uipt_rule ***rules, unsigned int *n);
void rules_free(struct uipt_rule **rules, unsigned int n);

#endif
