// SPDX-License-Identifier: Apache-2.0
/* tailor record: placeholder until its issue lands; fails loudly, never pretends. */
#include "cli.h"

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("record: not implemented in this build");
	return TL_EXIT_FAIL;
}
