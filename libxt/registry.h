#ifndef LIBXT_REGISTRY_H
#define LIBXT_REGISTRY_H

#include <uiptables/xtables.h>

/* Registers the built-in extensions once; further ones load on demand. */
void xt_registry_init(void);

/* By user name: the highest revision for the family, loading a shared
 * object from UIPTABLES_LIBDIR if nothing built in has the name. */
struct xtables_match *xt_find_match(const char *name, uint8_t family);
struct xtables_target *xt_find_target(const char *name, uint8_t family);

/* By kernel name and exact revision, as found in a blob. */
struct xtables_match *xt_find_match_rev(const char *name, uint8_t rev,
					uint8_t family);
struct xtables_target *xt_find_target_rev(const char *name, uint8_t rev,
					  uint8_t family);

static inline const char *xt_match_kname(const struct xtables_match *m)
{
	return m->real_name ? m->real_name : m->name;
}

static inline const char *xt_target_kname(const struct xtables_target *t)
{
	return t->real_name ? t->real_name : t->name;
}

#endif
