// SPDX-License-Identifier: Apache-2.0
/* tailor check: placeholder until its issue lands; fails loudly, never pretends. */
#include "cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("check: not implemented in this build");
	return TL_EXIT_FAIL;
}
