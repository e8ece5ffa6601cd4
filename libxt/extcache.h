/*
 * Extension lookup by kernel name and revision, remembered: loading and
 * comparing 100k rules asks for the same few extensions over and over, and
 * the registry walks its whole list each time.  Only hits are kept, and a
 * found extension never moves.
 */
#ifndef LIBXT_EXTCACHE_H
#define LIBXT_EXTCACHE_H

#include <string.h>
#include "registry.h"

#define UIPT_EXTCACHE_SLOTS 8

struct uipt_extcache_slot {
	char name[XT_EXTENSION_MAXNAMELEN];
	uint8_t rev;
	void *ext;
};

static inline void *uipt_extcache_get(struct uipt_extcache_slot *c,
				      const char *name, uint8_t rev)
{
	for (unsigned int i = 0; i < UIPT_EXTCACHE_SLOTS && c[i].ext; i++)
		if (c[i].rev == rev && !strncmp(c[i].name, name, sizeof(c[i].name)))
			return c[i].ext;
	return NULL;
}

static inline void uipt_extcache_put(struct uipt_extcache_slot *c, unsigned int *next,
				     const char *name, uint8_t rev, void *ext)
{
	struct uipt_extcache_slot *s = &c[*next % UIPT_EXTCACHE_SLOTS];

	if (!ext)
		return;
	strncpy(s->name, name, sizeof(s->name) - 1);
	s->name[sizeof(s->name) - 1] = '\0';
	s->rev = rev;
	s->ext = ext;
	++*next;
}

static inline struct xtables_match *uipt_find_match_cached(const char *name, uint8_t rev)
{
	static struct uipt_extcache_slot cache[UIPT_EXTCACHE_SLOTS];
	static unsigned int next;
	struct xtables_match *m = uipt_extcache_get(cache, name, rev);

	if (!m) {
		m = xt_find_match_rev(name, rev, NFPROTO_IPV4);
		uipt_extcache_put(cache, &next, name, rev, m);
	}
	return m;
}

static inline struct xtables_target *uipt_find_target_cached(const char *name, uint8_t rev)
{
	static struct uipt_extcache_slot cache[UIPT_EXTCACHE_SLOTS];
	static unsigned int next;
	struct xtables_target *t = uipt_extcache_get(cache, name, rev);

	if (!t) {
		t = xt_find_target_rev(name, rev, NFPROTO_IPV4);
		uipt_extcache_put(cache, &next, name, rev, t);
	}
	return t;
}

#endif
