#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#define UIPT_IPTABLES_VERSION "1.8.11"

/* Prints the recorded error in iptables' style for program `prog`
 * ("iptables", "iptables-restore") and returns its exit status. */
int report_error(const char *prog);

#endif
