/* The built-in tables, their hooks and priorities, as the kernel has them. */
#include <string.h>
#include <linux/netfilter_ipv4.h>
#include "tables.h"

#define H(x) (1u << NF_INET_##x)
#define ALLPRIO(p) { p, p, p, p, p }

const char *const uipt_hook_names[NF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* In the order a hook visits them, lowest priority first. */
static const struct uipt_table_def defs[] = {
	{ "raw", H(PRE_ROUTING) | H(LOCAL_OUT), ALLPRIO(NF_IP_PRI_RAW) },
	{ "mangle", H(PRE_ROUTING) | H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT) |
		    H(POST_ROUTING), ALLPRIO(NF_IP_PRI_MANGLE) },
	{ "nat", H(PRE_ROUTING) | H(LOCAL_IN) | H(LOCAL_OUT) | H(POST_ROUTING),
	  { NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC, 0, NF_IP_PRI_NAT_DST,
	    NF_IP_PRI_NAT_SRC } },
	{ "filter", H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT), ALLPRIO(NF_IP_PRI_FILTER) },
	{ "security", H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT),
	  ALLPRIO(NF_IP_PRI_SECURITY) },
};

const struct uipt_table_def *uipt_table_def(const char *name)
{
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

const struct uipt_table_def *uipt_table_def_at(unsigned int i)
{
	return i < sizeof(defs) / sizeof(defs[0]) ? &defs[i] : NULL;
}

int uipt_hook_by_name(const char *chain)
{
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (!strcmp(uipt_hook_names[h], chain))
			return h;
	return -1;
}
