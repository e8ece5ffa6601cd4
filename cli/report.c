/* The one place errors are printed. */
#include <stdio.h>
#include "report.h"
#include "../libxt/error.h"

int report_error(const char *prog)
{
	int status = xt_error_status();
	const char *msg = xt_error_msg();

	switch (xt_error_kind()) {
	case XT_ERR_IPTC:
		fprintf(stderr, "%s: %s.\n", prog, msg);
		return status;
	case XT_ERR_NOPREFIX:
		if (*msg)	/* empty: only the hint line, as for -6 */
			fprintf(stderr, "%s\n", msg);
		break;
	case XT_ERR_DEFAULT:
		fprintf(stderr, "%s v%s (legacy): %s\n", prog, UIPT_IPTABLES_VERSION, msg);
		break;
	}
	if (status == PARAMETER_PROBLEM)
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n",
			prog, prog);
	else if (status == VERSION_PROBLEM)
		fprintf(stderr, "Perhaps iptables or your kernel needs to be upgraded.\n");
	return status;
}
