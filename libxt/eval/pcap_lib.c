#include <dlfcn.h>
#include <stddef.h>
#include <string.h>
#include "../error.h"
#include "pcap_lib.h"

#define PCAP_LIB_SYM(name) { "pcap_" #name, offsetof(struct pcap_lib, name) },
static const struct {
	const char *name;
	size_t off;
} syms[] = { PCAP_LIB_FUNCS(PCAP_LIB_SYM) };
#undef PCAP_LIB_SYM

static struct pcap_lib lib;
static void *handle;

static int load_syms(void)
{
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(handle, syms[i].name);

		if (!f)
			return xt_error(RESOURCE_PROBLEM, "cannot read captures: %s has no %s",
					LIBPCAP_SONAME, syms[i].name);
		/* POSIX: a function's address fits a void *. */
		memcpy((char *)&lib + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

const struct pcap_lib *pcap_lib_get(void)
{
	if (handle)
		return &lib;
	handle = dlopen(LIBPCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		xt_error(RESOURCE_PROBLEM,
			 "cannot read captures: %s (on Debian: apt-get install libpcap0.8)",
			 dlerror());
		return NULL;
	}
	if (load_syms() < 0) {
		dlclose(handle);
		handle = NULL;
		return NULL;
	}
	return &lib;
}
