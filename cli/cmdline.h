/*
 * The iptables command line: options, commands and the rule they describe.
 * Shared by the iptables applet and restore, which feeds it each line.
 */
#ifndef CLI_CMDLINE_H
#define CLI_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <uiptables/xtables.h>

enum {
	CMD_NONE = 0,
	CMD_INSERT = 1 << 0,
	CMD_DELETE = 1 << 1,
	CMD_DELETE_NUM = 1 << 2,
	CMD_REPLACE = 1 << 3,
	CMD_APPEND = 1 << 4,
	CMD_LIST = 1 << 5,
	CMD_FLUSH = 1 << 6,
	CMD_ZERO = 1 << 7,
	CMD_NEW_CHAIN = 1 << 8,
	CMD_DELETE_CHAIN = 1 << 9,
	CMD_SET_POLICY = 1 << 10,
	CMD_RENAME_CHAIN = 1 << 11,
	CMD_LIST_RULES = 1 << 12,
	CMD_ZERO_NUM = 1 << 13,
	CMD_CHECK = 1 << 14,
	CMD_HELP = 1 << 15,
	CMD_VERSION = 1 << 16,
};

enum {
	OPT_NUMERIC = 1 << 0,
	OPT_SOURCE = 1 << 1,
	OPT_DESTINATION = 1 << 2,
	OPT_PROTOCOL = 1 << 3,
	OPT_JUMP = 1 << 4,
	OPT_VERBOSE = 1 << 5,
	OPT_EXPANDED = 1 << 6,
	OPT_VIANAMEIN = 1 << 7,
	OPT_VIANAMEOUT = 1 << 8,
	OPT_LINENUMBERS = 1 << 9,
	OPT_COUNTERS = 1 << 10,
	OPT_FRAGMENT = 1 << 11,
};

/* A match or target named on the command line, with its data. */
struct ext_use {
	struct xtables_match *match;
	struct xtables_target *target;
	void *data;
	size_t size;
	unsigned int xflags;
};

#define MAX_MATCHES 64

struct cmdline {
	unsigned int command;
	unsigned int options;
	const char *table;
	const char *chain;
	const char *newname;	/* -E new name, -P policy */
	unsigned int rulenum;
	int wait;		/* -w: -1 for ever, 0 not given */
	long wait_interval;
	bool help_ext;		/* -h after -m/-j: extension help */

	/* The rule. */
	struct ipt_ip ip;
	char **saddrs, **daddrs;	/* comma lists, expanded */
	struct in_addr *smasks, *dmasks;
	unsigned int nsaddr, ndaddr;
	struct ext_use matches[MAX_MATCHES];
	unsigned int nmatches;
	struct ext_use target;
	const char *jumpto;	/* -j/-g name, verdict, chain or extension */
	bool goto_;
	struct xt_counters counters;
};

/* Parses argv into c.  Restore passes in_restore to refuse what it may
 * not do (-t, commands that are not rule changes...).  On error returns -1
 * with the message recorded by xt_error. */
int cmdline_parse(struct cmdline *c, int argc, char **argv, bool in_restore);
void cmdline_free(struct cmdline *c);

/* Name of the single command in a bitmask, for messages: "-A", "-D"... */
char cmd_letter(unsigned int command);

#endif
