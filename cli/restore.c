/*
 * iptables-restore: tables in restore's text format, each built in memory
 * and stored at its COMMIT in one atomic replacement.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "applets.h"
#include "cmdline.h"
#include "report.h"
#include "../libxt/error.h"
#include "../libxt/registry.h"
#include "../libxt/store.h"
#include "../libxt/verify.h"

#define PROG "iptables-restore"
#define MAX_ARGS 1024

struct restore {
	bool counters, noflush, test, verbose;
	const char *only_table;
	int wait;
	long wait_interval;
	unsigned int line;
	struct uipt_table *t;	/* the table being built, NULL outside one */
	bool skip;		/* -T names another table */
};

/* Parse errors: the message, the line, the hint; exit 2. */
static int parse_failed(const struct restore *r)
{
	int status = xt_error_status();

	if (xt_error_kind() == XT_ERR_IPTC || status != PARAMETER_PROBLEM) {
		fprintf(stderr, "%s: line %u failed\n", PROG, r->line);
		return 1;
	}
	if (xt_error_kind() == XT_ERR_NOPREFIX)
		fprintf(stderr, "%s\n", xt_error_msg());
	else
		fprintf(stderr, "%s v%s (legacy): %s\n", PROG, UIPT_IPTABLES_VERSION,
			xt_error_msg());
	fprintf(stderr, "Error occurred at line: %u\n", r->line);
	fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", PROG, PROG);
	return 2;
}

/* Splits a line into words; "..." and '...' group, \ escapes inside. */
static int split_words(char *s, char **argv, int max)
{
	int argc = 0;

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (argc == max - 1)
			return -1;
		char *out = s, quote = 0;
		argv[argc++] = out;
		for (; *s && (quote || !isspace((unsigned char)*s)); s++) {
			if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s;
			} else if (quote && *s == quote) {
				quote = 0;
			} else if (quote && *s == '\\' && (s[1] == quote || s[1] == '\\')) {
				*out++ = *++s;
			} else {
				*out++ = *s;
			}
		}
		if (*s)
			s++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static void flush_table(struct restore *r)
{
	struct uipt_table *t = r->t;

	for (uint32_t i = 0; i < t->nbuiltin; i++)
		if (r->verbose)
			printf("Flushing chain `%s'\n", t->chains[i]->name);
	uipt_table_flush(t);
}

static int begin_table(struct restore *r, const char *name)
{
	if (r->t)
		return xt_error_as(XT_ERR_NOPREFIX, PARAMETER_PROBLEM, "Bad argument `*%s'",
				   name);
	r->skip = r->only_table && strcmp(r->only_table, name);
	if (r->skip)
		return 0;
	if (!uipt_table_def(name))
		return xt_error(PARAMETER_PROBLEM, "%s: unable to initialize table '%s'",
				PROG, name);
	if (uipt_table_load(name, &r->t) < 0)
		return -1;
	if (!r->noflush)
		flush_table(r);
	return 0;
}

static bool parse_counters(const char *s, struct xt_counters *c)
{
	unsigned long long p, b;

	if (sscanf(s, "[%llu:%llu]", &p, &b) != 2)
		return false;
	c->pcnt = p;
	c->bcnt = b;
	return true;
}

static int chain_line(struct restore *r, char *line)
{
	char *argv[4], *name;
	int argc = split_words(line + 1, argv, 4);
	struct uipt_chain *c;
	struct xt_counters ctr = { 0, 0 };

	if (argc < 2)
		return xt_error(PARAMETER_PROBLEM, "%s: line %u policy invalid", PROG, r->line);
	name = argv[0];
	c = uipt_chain_find(r->t, name);
	if (!c || c->hook < 0) {
		if (strcmp(argv[1], "-"))
			return xt_error_as(XT_ERR_NOPREFIX, OTHER_PROBLEM,
					   "%s v%s (legacy): Can't set policy `%s' on `%s' line %u: Bad built-in chain name",
					   PROG, UIPT_IPTABLES_VERSION, argv[1], name, r->line);
		if (c && !r->noflush)
			return xt_error(PARAMETER_PROBLEM, "error creating chain '%s':File exists",
					name);
		if (c)
			uipt_chain_flush(c);
		else if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
			return xt_error(PARAMETER_PROBLEM,
					"Invalid chain name `%s' (%u chars max)", name,
					XT_EXTENSION_MAXNAMELEN - 1);
		else
			uipt_chain_add(r->t, name);
		return 0;
	}
	if (!strcmp(argv[1], "-"))
		return 0;
	if (strcmp(argv[1], "ACCEPT") && strcmp(argv[1], "DROP"))
		return xt_error_as(XT_ERR_NOPREFIX, OTHER_PROBLEM,
				   "%s v%s (legacy): Can't set policy `%s' on `%s' line %u: Bad policy name",
				   PROG, UIPT_IPTABLES_VERSION, argv[1], name, r->line);
	c->policy = !strcmp(argv[1], "ACCEPT") ? -NF_ACCEPT - 1 : -NF_DROP - 1;
	if (r->counters && argc > 2 && parse_counters(argv[2], &ctr))
		c->counters = ctr;
	else if (!r->counters)
		c->counters = (struct xt_counters){ 0, 0 };
	return 0;
}

static int rule_line(struct restore *r, char *line)
{
	char *argv[MAX_ARGS + 2];
	struct cmdline c = { .table = r->t->name };
	struct xt_counters ctr;
	bool has_ctr = false, changed;
	int argc, ret;

	if (line[0] == '[') {
		char *close = strchr(line, ']');

		if (!close)
			return xt_error(PARAMETER_PROBLEM, "Bad line %u: need ]", r->line);
		if (r->counters && !strchr(line, ':'))
			return xt_error(PARAMETER_PROBLEM, "Bad line %u: need ]", r->line);
		has_ctr = parse_counters(line, &ctr);
		if (r->counters && !has_ctr)
			return xt_error(PARAMETER_PROBLEM, "-c packet counter not numeric");
		line = close + 1;
	}
	argv[0] = (char *)PROG;
	argc = split_words(line, argv + 1, MAX_ARGS);
	if (argc < 0)
		return xt_error(PARAMETER_PROBLEM, "too many arguments in line %u", r->line);
	ret = cmdline_parse(&c, argc + 1, argv, true);
	if (ret == 0)
		ret = iptables_validate(&c);
	if (ret == 0 && has_ctr && r->counters) {
		c.counters = ctr;
		c.options |= OPT_COUNTERS;
	}
	if (ret == 0 && (c.command & (CMD_HELP | CMD_VERSION)))
		ret = xt_error(PARAMETER_PROBLEM, "Bad argument `%s'", argv[1]);
	if (ret == 0) {
		if (!r->verbose)
			c.options &= ~OPT_VERBOSE;
		else
			c.options |= OPT_VERBOSE;
		if (r->noflush)
			c.options &= ~OPT_VERBOSE;
		ret = iptables_apply(&c, r->t, &changed);
	}
	cmdline_free(&c);
	return ret;
}

static int commit(struct restore *r)
{
	int ret = 0;

	if (r->skip) {
		r->skip = false;
		return 0;
	}
	if (!r->t)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "COMMIT without table");
	if (uipt_table_verify(r->t) < 0)
		ret = -1;
	else if (!r->test)
		ret = uipt_table_store(r->t);
	uipt_table_free(r->t);
	r->t = NULL;
	if (ret < 0)
		xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "commit failed");
	return ret;
}

static int do_line(struct restore *r, char *line)
{
	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#') {
		if (r->verbose)
			printf("%s\n", line);
		return 0;
	}
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	if (!strcmp(p, "COMMIT"))
		return commit(r);
	if (*p == '*')
		return begin_table(r, p + 1);
	if (r->skip)
		return 0;
	if (!r->t)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "rule outside a table");
	if (*p == ':')
		return chain_line(r, p);
	return rule_line(r, p);
}

static int restore_stream(struct restore *r, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (getline(&line, &cap, in) > 0) {
		r->line++;
		if ((ret = do_line(r, line)) < 0)
			break;
	}
	free(line);
	if (ret == 0 && r->t) {
		fprintf(stderr, "%s: COMMIT expected at line %u\n", PROG, r->line + 1);
		uipt_table_free(r->t);
		return 1;
	}
	if (ret < 0) {
		uipt_table_free(r->t);
		if (xt_error_kind() == XT_ERR_NOPREFIX && xt_error_status() == OTHER_PROBLEM) {
			fprintf(stderr, "%s\n", xt_error_msg());
			return 1;
		}
		return parse_failed(r);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [file]\n"
		"  [ --counters ]\n  [ --verbose ]\n  [ --version]\n  [ --test ]\n"
		"  [ --help ]\n  [ --noflush ]\n  [ --wait=<seconds>\n"
		"  [ --wait-interval=<usecs>\n  [ --table=<TABLE> ]\n"
		"  [ --modprobe=<command> ]\n", PROG);
}

int iptables_restore_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "counters", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "test", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "noflush", no_argument, NULL, 'n' },
		{ "modprobe", required_argument, NULL, 'M' },
		{ "table", required_argument, NULL, 'T' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "wait-interval", optional_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct restore r = { .wait = -1 };
	FILE *in = stdin;
	int ch, ret;

	xt_registry_init();
	uipt_rule_pool(true);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "bcvVthnwWM:T:", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			break;
		case 'c':
			r.counters = true;
			break;
		case 'v':
			r.verbose = true;
			break;
		case 'V':
			printf("%s v%s (legacy)\n", PROG, UIPT_IPTABLES_VERSION);
			return 0;
		case 't':
			r.test = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			r.noflush = true;
			break;
		case 'w':
			r.wait = optarg ? atoi(optarg) : -1;
			break;
		case 'W':
			r.wait_interval = optarg ? atol(optarg) : 0;
			break;
		case 'M':
			break;
		case 'T':
			r.only_table = optarg;
			break;
		default:
			fprintf(stderr, "%s: unrecognized option '%s'\n", PROG, argv[optind - 1]);
			fprintf(stderr, "Try `%s -h' for more information.\n", PROG);
			return 1;
		}
	}
	if (optind == argc - 1) {
		if (!(in = fopen(argv[optind], "r"))) {
			fprintf(stderr, "Can't open %s: %m\n", argv[optind]);
			return 1;
		}
	} else if (optind < argc) {
		fprintf(stderr, "Unknown arguments found on commandline\n");
		return 1;
	}
	if (uipt_lock(r.wait, r.wait_interval) < 0) {
		if (in != stdin)
			fclose(in);
		return report_error(PROG);
	}
	ret = restore_stream(&r, in);
	uipt_unlock();
	if (in != stdin)
		fclose(in);
	return ret;
}
