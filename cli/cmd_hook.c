// SPDX-License-Identifier: Apache-2.0
/* tailor hook: placeholder until its issue lands; fails loudly, never pretends. */
#include "cli.h"

int cmd_hook(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("hook: not implemented in this build");
	return TL_EXIT_FAIL;
}
