#ifndef LIBXT_TABLES_H
#define LIBXT_TABLES_H

#include <linux/netfilter.h>

/* A table as the kernel registers it: name, hooks, priority. */
struct uipt_table_def {
	const char *name;
	unsigned int valid_hooks;
	int priority[NF_INET_NUMHOOKS];	/* nat's hooks differ: dst vs src */
};

extern const char *const uipt_hook_names[NF_INET_NUMHOOKS];

const struct uipt_table_def *uipt_table_def(const char *name);
const struct uipt_table_def *uipt_table_def_at(unsigned int i);
int uipt_hook_by_name(const char *chain);

#endif
