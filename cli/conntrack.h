/*
 * conntrack.h - the uconntrack applet
 *
 * A clone of conntrack-tools' conntrack(8) command line.  Entries come from
 * a ct_source (libxt/ct_source.h): the evaluator's table by default, the
 * live kernel table with --kernel.
 */
#ifndef UIPT_CLI_CONNTRACK_H
#define UIPT_CLI_CONNTRACK_H

/* Runs one conntrack command line; returns the process exit status
 * (0 done, 1 operation failed, 2 bad parameters), as conntrack's. */
int conntrack_main(int argc, char **argv);

#endif /* UIPT_CLI_CONNTRACK_H */
