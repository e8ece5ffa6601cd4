/*
 * unfacct: nfacct(8) 1.0.2's command line over the state directory's
 * accounting objects, the ones uiptables-trace counts in.
 *
 * Commands are matched by prefix in nfacct's order ("l" is list, "r"
 * restore), as are list's and get's reset/xml words; messages, output
 * lines and exit codes are nfacct's, prefixed "nfacct v1.0.2:" on
 * purpose, so scripts reading them keep working.  The kernel's answers
 * are the ones nfnetlink_acct gives: EBUSY for a name taken or an object
 * a rule uses, ENOENT for a missing one, EINVAL for an empty name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_nfacct.h>
#include "applets.h"
#include "../libxt/error.h"
#include "../libxt/nfacct.h"
#include "../libxt/registry.h"
#include "../libxt/store.h"

#define NFACCT_BANNER "nfacct v1.0.2"

static const char usage_line[] = "Usage: nfacct command [parameters]...\n";

static int fail(const char *msg)
{
	fprintf(stderr, NFACCT_BANNER ": %s\n", msg);
	return -1;
}

/* What the kernel answered, as nfacct reports it. */
static int fail_errno(int err)
{
	fprintf(stderr, NFACCT_BANNER ": error: %s\n", strerror(err));
	return -1;
}

/* A library error (lock, damaged file) is printed once, here. */
static int fail_state(void)
{
	fprintf(stderr, NFACCT_BANNER ": %s\n", xt_error_msg());
	return -1;
}

static bool is_prefix(const char *arg, const char *word)
{
	return !strncmp(arg, word, strlen(arg));
}

static struct uipt_nfacct_list *objects(void)
{
	struct uipt_nfacct_list *l;

	if (uipt_lock(-1, 100000) < 0)
		return NULL;
	l = uipt_nfacct_objects();
	return l;
}

static int save(void)
{
	return uipt_nfacct_save() < 0 ? fail_state() : 0;
}

/* ---- output ---- */

static void print_plain(const struct uipt_nfacct *o)
{
	printf("{ pkts = %020llu, bytes = %020llu",
	       (unsigned long long)o->pkts, (unsigned long long)o->bytes);
	if (o->flags & (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES))
		printf(", quota = %020llu, mode = %s, overquota = %s",
		       (unsigned long long)o->quota,
		       o->flags & NFACCT_F_QUOTA_PKTS ? "packet" : "byte",
		       o->flags & NFACCT_F_OVERQUOTA ? "yes" : "no");
	printf(" } = %s;\n", o->name);
}

/* nfacct's XML shows no quota, and escapes nothing. */
static void print_xml(const struct uipt_nfacct *o)
{
	printf("<obj><name>%s</name><pkts>%020llu</pkts><bytes>%020llu</bytes></obj>\n",
	       o->name, (unsigned long long)o->pkts, (unsigned long long)o->bytes);
}

static const char xml_head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<nfacct>\n";
static const char xml_foot[] = "</nfacct>\n";

/* GET_CTRZERO: the answer carries the values from before. */
static void reset(struct uipt_nfacct_list *l, struct uipt_nfacct *o)
{
	o->pkts = 0;
	o->bytes = 0;
	o->flags &= ~(uint32_t)NFACCT_F_OVERQUOTA;
	l->dirty = true;
}

struct show {
	bool reset, xml;
};

/* list refuses a word given twice; get takes it. */
static int show_args(int argc, char **argv, struct show *s, bool strict)
{
	for (int i = 0; i < argc; i++) {
		bool *flag;
		const char *word;

		if (is_prefix(argv[i], "reset")) {
			flag = &s->reset;
			word = "reset";
		} else if (is_prefix(argv[i], "xml")) {
			flag = &s->xml;
			word = "xml";
		} else {
			return fail("unknown argument");
		}
		if (strict && *flag) {
			fprintf(stderr, "Error: duplicate \"%s\" or collision with another option \n",
				word);
			return -1;
		}
		*flag = true;
	}
	return 0;
}

static void show(struct uipt_nfacct_list *l, struct uipt_nfacct *o, const struct show *s)
{
	if (s->xml)
		print_xml(o);
	else
		print_plain(o);
	if (s->reset)
		reset(l, o);
}

/* ---- commands ---- */

static int cmd_list(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	struct show s = { 0 };

	if (show_args(argc - 2, argv + 2, &s, true) < 0)
		return -1;
	if (!(l = objects()))
		return fail_state();
	if (s.xml && l->n)
		fputs(xml_head, stdout);
	for (size_t i = 0; i < l->n; i++)
		show(l, &l->obj[i], &s);
	if (s.xml && l->n)
		fputs(xml_foot, stdout);
	return save();
}

static int parse_quota(const char *mode, const char *value, struct uipt_nfacct *q)
{
	char *end;

	if (!strcmp(mode, "byte"))
		q->flags = NFACCT_F_QUOTA_BYTES;
	else if (!strcmp(mode, "packet"))
		q->flags = NFACCT_F_QUOTA_PKTS;
	else
		return fail("argument must \"byte\" or \"packet\"");
	/* nfacct takes what strtoull makes of it: "3x" is 3, "-1" all ones. */
	q->quota = strtoull(value, &end, 10);
	if (end == value)
		return fail("error reading quota");
	return 0;
}

static int cmd_add(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	struct uipt_nfacct q = { 0 }, *o;

	if (argc < 3)
		return fail("missing object name");
	if (argc > 5)
		return fail("too many arguments");
	if (argc == 4)
		return fail("missing quota value");
	if (argc == 5 && parse_quota(argv[3], argv[4], &q) < 0)
		return -1;
	if (!argv[2][0])
		return fail_errno(EINVAL);
	if (!(l = objects()))
		return fail_state();
	if (uipt_nfacct_find(l, argv[2]))
		return fail_errno(EBUSY);
	o = uipt_nfacct_add(l, argv[2]);
	o->flags = q.flags;
	o->quota = q.quota;
	return save();
}

/* Names of the nfacct matches in one table's rules, in *names. */
static void table_refs(const struct uipt_table *t, char ***names, size_t *n)
{
	for (uint32_t i = 0; i < t->n; i++) {
		const struct uipt_chain *c = t->chains[i];

		for (uint32_t j = 0; j < c->n; j++) {
			const struct ipt_entry *e = uipt_rule_entry(c->rules[j]);

			for (uint32_t off = sizeof(*e); off < e->target_offset;) {
				const struct xt_entry_match *m = (const void *)((const char *)e + off);
				const struct xt_nfacct_match_info *info = (const void *)m->data;

				if (!strcmp(m->u.user.name, "nfacct")) {
					*names = realloc(*names, (*n + 1) * sizeof(**names));
					if (!*names)
						abort();
					(*names)[(*n)++] = strndup(info->name, NFACCT_NAME_MAX - 1);
				}
				off += m->u.match_size;
			}
		}
	}
}

/*
 * The kernel holds a reference per rule and refuses to delete an object
 * still referenced: here the references are the stored rules naming it.
 */
static int rule_refs(char ***names, size_t *n)
{
	char **tables;
	size_t nt = uipt_tables_in_use(&tables);
	int ret = 0;

	xt_registry_init();
	*names = NULL;
	*n = 0;
	for (size_t i = 0; i < nt; i++) {
		struct uipt_table *t;

		if (ret == 0 && uipt_table_load(tables[i], &t) == 0) {
			table_refs(t, names, n);
			uipt_table_free(t);
		} else {
			ret = -1;
		}
		free(tables[i]);
	}
	free(tables);
	return ret;
}

static bool referenced(const char *name, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int cmd_delete(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	struct uipt_nfacct *o;
	char **names;
	size_t n;
	bool busy;

	if (argc < 3)
		return fail("missing object name");
	if (argc > 3)
		return fail("too many arguments");
	if (!(l = objects()))
		return fail_state();
	if (!(o = uipt_nfacct_find(l, argv[2])))
		return fail_errno(ENOENT);
	if (rule_refs(&names, &n) < 0) {
		free_names(names, n);
		return fail_state();
	}
	busy = referenced(o->name, names, n);
	free_names(names, n);
	if (busy)
		return fail_errno(EBUSY);
	uipt_nfacct_remove(l, o);
	return save();
}

static int cmd_get(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	struct uipt_nfacct *o;
	struct show s = { 0 };

	if (argc < 3)
		return fail("missing object name");
	if (show_args(argc - 3, argv + 3, &s, false) < 0)
		return -1;
	if (!(l = objects()))
		return fail_state();
	if (!(o = uipt_nfacct_find(l, argv[2])))
		return fail_errno(ENOENT);
	if (s.xml)
		fputs(xml_head, stdout);
	show(l, o, &s);
	if (s.xml)
		fputs(xml_foot, stdout);
	return save();
}

/* A delete without a name: every object no rule uses goes, silently. */
static int cmd_flush(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	char **names;
	size_t n;

	(void)argv;
	if (argc > 2)
		return fail("too many arguments");
	if (!(l = objects()))
		return fail_state();
	if (rule_refs(&names, &n) < 0) {
		free_names(names, n);
		return fail_state();
	}
	for (size_t i = l->n; i-- > 0;)
		if (!referenced(l->obj[i].name, names, n))
			uipt_nfacct_remove(l, &l->obj[i]);
	free_names(names, n);
	return save();
}

/* One line of `list` output without a quota; the name ends at ';'. */
static int restore_line(struct uipt_nfacct_list *l, char *line)
{
	char *semi = strchr(line, ';'), *name;
	unsigned long long pkts, bytes;
	struct uipt_nfacct *o;
	int ret;

	if (!semi)
		return fail("invalid line");
	*semi = '\0';
	name = malloc(strlen(line) + 1);
	if (!name)
		abort();
	if (sscanf(line, "{ pkts = %llu, bytes = %llu } = %s", &pkts, &bytes, name) != 3)
		ret = fail("error reading input");
	else if (uipt_nfacct_find(l, name))
		ret = fail_errno(EBUSY);
	else
		ret = 0;
	if (ret == 0) {
		o = uipt_nfacct_add(l, name);
		o->pkts = pkts;
		o->bytes = bytes;
	}
	free(name);
	return ret;
}

/* Objects made before a bad line stay, as each was its own request. */
static int cmd_restore(int argc, char **argv)
{
	struct uipt_nfacct_list *l;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	(void)argc;
	(void)argv;
	if (!(l = objects()))
		return fail_state();
	while (ret == 0 && getline(&line, &cap, stdin) >= 0)
		ret = restore_line(l, line);
	free(line);
	if (save() < 0)
		return -1;
	return ret;
}

static int cmd_monitor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "unfacct: monitor: quota notifications come from the kernel; "
		"the evaluator's objects send none\n");
	return -1;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("unfacct (uiptables " PACKAGE_VERSION "): extended accounting objects "
	       "for the uiptables evaluator,\nspeaking " NFACCT_BANNER "'s command line.\n");
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf(NFACCT_BANNER ": accounting objects (unfacct, of uiptables)\n%s\n"
	       "Commands:\n"
	       "  list [reset]\t\tprint every object (then zero its counters)\n"
	       "  add object-name\tmake an object (add NAME byte|packet QUOTA: with a quota)\n"
	       "  delete object-name\tremove an object no rule uses\n"
	       "  get object-name\tprint one object\n"
	       "  flush\t\t\tremove every object no rule uses\n"
	       "  restore\t\tmake the objects of `list' lines read from stdin\n"
	       "  monitor\t\tquota notifications (the kernel's only)\n"
	       "  version\t\tprint the version\n"
	       "  help\t\t\tprint this help\n", usage_line);
	return 0;
}

/* In nfacct's order: a prefix picks the first command it fits. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "add", cmd_add },
	{ "delete", cmd_delete },
	{ "get", cmd_get },
	{ "flush", cmd_flush },
	{ "restore", cmd_restore },
	{ "monitor", cmd_monitor },
	{ "version", cmd_version },
	{ "help", cmd_help },
};

int nfacct_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_line, stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (is_prefix(argv[1], commands[i].name))
			return commands[i].run(argc, argv) < 0 ? 1 : 0;
	fprintf(stderr, NFACCT_BANNER ": Unknown command: %s\n%s", argv[1], usage_line);
	return 1;
}
