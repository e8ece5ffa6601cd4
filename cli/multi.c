/* The multi-call entry: the applet is chosen by argv[0]'s base name. */
#include <stdio.h>
#include <string.h>
#include "applets.h"
#include "conntrack.h"
#include "report.h"

static int not_yet(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "%s: not implemented yet\n", argv[0]);
	return 1;
}

static const struct {
	const char *name;
	int (*main)(int, char **);
} applets[] = {
	{ "uiptables", iptables_main },
	{ "iptables", iptables_main },
	{ "iptables-legacy", iptables_main },
	{ "uiptables-save", iptables_save_main },
	{ "iptables-save", iptables_save_main },
	{ "iptables-legacy-save", iptables_save_main },
	{ "uiptables-restore", iptables_restore_main },
	{ "iptables-restore", iptables_restore_main },
	{ "iptables-legacy-restore", iptables_restore_main },
	{ "uip6tables", not_yet },
	{ "ip6tables", not_yet },
	{ "uip6tables-save", not_yet },
	{ "ip6tables-save", not_yet },
	{ "uip6tables-restore", not_yet },
	{ "ip6tables-restore", not_yet },
	{ "uiptables-trace", trace_main },
	{ "uconntrack", conntrack_main },
	{ "conntrack", conntrack_main },
	{ "unfacct", nfacct_main },
	{ "nfacct", nfacct_main },
};

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int run(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		if (!strcmp(applets[i].name, name))
			return applets[i].main(argc, argv);
	fprintf(stderr, "uiptables-multi: unknown applet `%s'\n", name);
	fprintf(stderr, "Applets:");
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		fprintf(stderr, " %s", applets[i].name);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *name = base(argv[0]);

	if (!strcmp(name, "uiptables-multi") || !strcmp(name, "xtables-multi") ||
	    !strcmp(name, "xtables-legacy-multi")) {
		if (argc < 2) {
			fprintf(stderr, "usage: %s APPLET [ARGS...]\n", name);
			return 2;
		}
		return run(base(argv[1]), argc - 1, argv + 1);
	}
	return run(name, argc, argv);
}
