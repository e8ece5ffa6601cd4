#ifndef LIBXT_VERIFY_H
#define LIBXT_VERIFY_H

#include "ruleset.h"

/*
 * What the kernel checks when a table is replaced: no jump loops, and each
 * extension used only in the tables, hooks and protocols it allows.
 * Fills each chain's `hooks`.
 */
int uipt_table_verify(struct uipt_table *t);

#endif
