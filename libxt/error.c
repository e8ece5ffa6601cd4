/* Errors are recorded where they happen and printed once, by the applet. */
#include <stdarg.h>
#include <stdio.h>
#include "error.h"

static struct {
	int status;
	enum xt_err_kind kind;
	char msg[1024];
} last;

static void record(int status, enum xt_err_kind kind, const char *fmt, va_list ap)
{
	vsnprintf(last.msg, sizeof(last.msg), fmt, ap);
	last.status = status;
	last.kind = kind;
}

int xt_error_as(enum xt_err_kind kind, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(status, kind, fmt, ap);
	va_end(ap);
	return -1;
}

enum xt_err_kind xt_error_kind(void)
{
	return last.kind;
}

int xt_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(status, XT_ERR_DEFAULT, fmt, ap);
	va_end(ap);
	return -1;
}

int xt_bad_value(const char *ext, const char *opt, const char *arg)
{
	return xt_error(PARAMETER_PROBLEM, "%s: Bad value for \"%s\" option: \"%s\"",
			ext, opt, arg);
}

int xt_error_status(void)
{
	return last.status ? last.status : OTHER_PROBLEM;
}

const char *xt_error_msg(void)
{
	return last.msg;
}

void xt_error_clear(void)
{
	last.status = 0;
	last.kind = XT_ERR_DEFAULT;
	last.msg[0] = '\0';
}
