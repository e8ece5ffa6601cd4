#ifndef LIBXT_ERROR_H
#define LIBXT_ERROR_H

#include <uiptables/xtables.h>

/* How the applet prints the message: iptables has three styles. */
enum xt_err_kind {
	XT_ERR_DEFAULT,		/* "iptables v1.8.11 (legacy): msg" */
	XT_ERR_NOPREFIX,	/* "msg", as "Bad argument `x'" */
	XT_ERR_IPTC,		/* "iptables: msg." from the table layer */
};

int xt_error_as(enum xt_err_kind kind, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum xt_err_kind xt_error_kind(void);
int xt_error_status(void);
const char *xt_error_msg(void);
void xt_error_clear(void);

#endif
