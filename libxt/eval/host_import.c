/* placeholder, replaced below */
#include "../error.h"
#include "eval.h"
int uipt_host_import(struct uipt_host **out)
{
	(void)out;
	return xt_error(OTHER_PROBLEM, "--host-import: not yet");
}
