/*
 * The standard target: verdicts and jumps.  The core builds it (its data
 * is a bare verdict); this entry gives it a name for help and lookups.
 */
#include <uiptables/xtables.h>

static void standard_help(FILE *f)
{
	fprintf(f, "standard match options:\n"
		"(If target is DROP, ACCEPT, RETURN or nothing)\n");
}

static struct xtables_target standard_target = {
	.name = "standard",
	.real_name = XT_STANDARD_TARGET,
	.family = NFPROTO_UNSPEC,
	.size = sizeof(int),
	.userspacesize = sizeof(int),
	.help = standard_help,
};

void libxt_standard_init(void)
{
	xtables_register_target(&standard_target);
}
