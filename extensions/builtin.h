#ifndef EXTENSIONS_BUILTIN_H
#define EXTENSIONS_BUILTIN_H

#include <uiptables/xtables.h>

/* NULL-terminated: each registers the extensions of one file. */
extern const uipt_extension_init_fn uipt_builtin_extensions[];

#endif
