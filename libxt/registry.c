/*
 * The extension registry: lists of matches and targets, looked up by name,
 * revision and family.  Built-ins come from a static array (constructors
 * break static linking); others are shared objects loaded on first use.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "registry.h"
#include "../extensions/builtin.h"

static struct xtables_match *matches;
static struct xtables_target *targets;

void xtables_register_match(struct xtables_match *m)
{
	m->next = matches;
	matches = m;
}

void xtables_register_target(struct xtables_target *t)
{
	t->next = targets;
	targets = t;
}

void xtables_register_matches(struct xtables_match *m, unsigned int n)
{
	while (n--)
		xtables_register_match(m++);
}

void xtables_register_targets(struct xtables_target *t, unsigned int n)
{
	while (n--)
		xtables_register_target(t++);
}

void xt_registry_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	for (const uipt_extension_init_fn *f = uipt_builtin_extensions; *f; f++)
		(*f)();
}

static bool family_ok(uint8_t ext, uint8_t want)
{
	return ext == NFPROTO_UNSPEC || ext == want;
}

/* The highest revision wins; between equal revisions the exact family
 * beats NFPROTO_UNSPEC (an IPv4-only rev 0 never hides an UNSPEC rev 1). */
static bool better(uint8_t fam, uint8_t rev, uint8_t bfam, uint8_t brev,
		   uint8_t want)
{
	if (rev != brev)
		return rev > brev;
	return fam == want && bfam != want;
}

static struct xtables_match *match_lookup(const char *name, uint8_t family)
{
	struct xtables_match *best = NULL;

	for (struct xtables_match *m = matches; m; m = m->next) {
		if (strcmp(m->name, name) || !family_ok(m->family, family))
			continue;
		if (!best || better(m->family, m->revision, best->family,
				    best->revision, family))
			best = m;
	}
	return best;
}

static struct xtables_target *target_lookup(const char *name, uint8_t family)
{
	struct xtables_target *best = NULL;

	for (struct xtables_target *t = targets; t; t = t->next) {
		if (strcmp(t->name, name) || !family_ok(t->family, family))
			continue;
		if (!best || better(t->family, t->revision, best->family,
				    best->revision, family))
			best = t;
	}
	return best;
}

/* Names come from the command line: keep them to what a file name may be. */
static bool plain_name(const char *name)
{
	if (!*name || strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '.')
			return false;
	return true;
}

static void load_shared(const char *name)
{
	static const char *const prefixes[] = { "libxt_", "libipt_" };
	const char *dir = getenv("UIPTABLES_LIBDIR");
	char path[4096];

	if (!dir || !*dir || !plain_name(name))
		return;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s.so", dir, prefixes[i], name);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			continue;
		uipt_extension_init_fn init =
			(uipt_extension_init_fn)dlsym(h, UIPT_EXTENSION_INIT_SYMBOL);
		if (init) {
			init();
			return;
		}
		dlclose(h);
	}
}

struct xtables_match *xt_find_match(const char *name, uint8_t family)
{
	struct xtables_match *m = match_lookup(name, family);

	if (!m) {
		load_shared(name);
		m = match_lookup(name, family);
	}
	return m;
}

struct xtables_target *xt_find_target(const char *name, uint8_t family)
{
	struct xtables_target *t = target_lookup(name, family);

	if (!t) {
		load_shared(name);
		t = target_lookup(name, family);
	}
	return t;
}

static struct xtables_match *match_rev(const char *name, uint8_t rev,
				       uint8_t family)
{
	struct xtables_match *best = NULL;

	for (struct xtables_match *m = matches; m; m = m->next) {
		if (m->revision != rev || !family_ok(m->family, family) ||
		    strcmp(xt_match_kname(m), name))
			continue;
		/* Among aliases of one kernel name, prefer the canonical one. */
		if (!best || (best->real_name && !m->real_name) ||
		    (m->family == family && best->family != family))
			best = m;
	}
	return best;
}

static struct xtables_target *target_rev(const char *name, uint8_t rev,
					 uint8_t family)
{
	struct xtables_target *best = NULL;

	for (struct xtables_target *t = targets; t; t = t->next) {
		if (t->revision != rev || !family_ok(t->family, family) ||
		    strcmp(xt_target_kname(t), name))
			continue;
		if (!best || (best->real_name && !t->real_name) ||
		    (t->family == family && best->family != family))
			best = t;
	}
	return best;
}

struct xtables_match *xt_find_match_rev(const char *name, uint8_t rev,
					uint8_t family)
{
	struct xtables_match *m = match_rev(name, rev, family);

	if (!m) {
		load_shared(name);
		m = match_rev(name, rev, family);
	}
	return m;
}

struct xtables_target *xt_find_target_rev(const char *name, uint8_t rev,
					  uint8_t family)
{
	struct xtables_target *t = target_rev(name, rev, family);

	if (!t) {
		load_shared(name);
		t = target_rev(name, rev, family);
	}
	return t;
}
