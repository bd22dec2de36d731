// SPDX-License-Identifier: Apache-2.0
/* tailor generate: placeholder until its issue lands; fails loudly, never pretends. */
#include "cli.h"

int cmd_generate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("generate: not implemented in this build");
	return TL_EXIT_FAIL;
}
