/*
 * uiptables-trace: option parsing (trace.c), output (trace_out.c).
 */
#ifndef CLI_TRACE_H
#define CLI_TRACE_H

#include <stdbool.h>
#include <stdio.h>
#include "../libxt/eval/eval.h"

/* How the whole run prints and judges. */
struct trace_opts {
	bool json, quiet, dry_run, summary;
	const char *expect;		/* ACCEPT, DROP... or NULL */
};

/* One packet with what the command line or its file line said. */
struct trace_item {
	struct uipt_pktspec spec;
	const char *expect;		/* per packet, else the run's */
	char where[128];		/* "FILE:LINE", "packet N" */
};

/* Counting over many packets: verdicts and hits per rule. */
struct trace_summary;

struct trace_summary *trace_summary_new(void);
void trace_summary_add(struct trace_summary *s, const struct uipt_result *r);
void trace_summary_print(FILE *f, struct trace_summary *s, bool json);
void trace_summary_free(struct trace_summary *s);

/* Header options (trace_hdr.c): words taken, 0 not one of them, -1 bad. */
int trace_hdr_opt(struct uipt_pktspec *s, const char *place, int argc, char **argv);

void trace_print_text(FILE *f, unsigned int n, const struct trace_item *it,
		      const struct uipt_result *r);
void trace_print_json(FILE *f, unsigned int n, const struct trace_item *it,
		      const struct uipt_result *r);

#endif
