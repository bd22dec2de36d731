// SPDX-License-Identifier: Apache-2.0
/* tailor explain: placeholder until its issue lands; fails loudly, never pretends. */
#include "cli.h"

int cmd_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("explain: not implemented in this build");
	return TL_EXIT_FAIL;
}
