#ifndef CLI_APPLETS_H
#define CLI_APPLETS_H

#include <stdbool.h>

struct cmdline;
struct uipt_table;

int iptables_main(int argc, char **argv);
int iptables_save_main(int argc, char **argv);
int iptables_restore_main(int argc, char **argv);
int trace_main(int argc, char **argv);
int nfacct_main(int argc, char **argv);
int iptables_run(struct cmdline *c);
/* The command applied to a table in memory, as restore does per line. */
int iptables_apply(struct cmdline *c, struct uipt_table *t, bool *changed);
int iptables_validate(struct cmdline *c);
void iptables_help(const struct cmdline *c);

#endif
