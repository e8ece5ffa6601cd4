#ifndef LIBXT_OPTION_H
#define LIBXT_OPTION_H

#include <uiptables/xtables.h>

/* Parses cb->arg by the entry's type into cb->val, and stores it in the
 * extension's data when the entry says XTOPT_PUT. */
int xt_option_parse(struct xt_option_call *cb);

/* Checks once-only, inversion and exclusion before an option is parsed. */
int xt_option_precheck(const char *ext, const struct xt_option_entry *e,
		       unsigned int xflags, bool invert);

/* Checks mandatory and required-together options after all are parsed. */
int xt_options_fcheck(const char *ext, const struct xt_option_entry *opts,
		      unsigned int xflags);

const struct xt_option_entry *xt_option_find(const struct xt_option_entry *opts,
					     const char *name);

#endif
