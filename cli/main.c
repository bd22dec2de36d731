// SPDX-License-Identifier: Apache-2.0
/* tailor: dispatch to a subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tailor/common.h"

static const struct tl_command commands[] = {
	{"record",
	 "[-o TRACE] [options] -- COMMAND [ARG...] | --pid PID | --container PID|ID |\n"
	 "            -o DIR --all-containers",
	 cmd_record},
	{"hook", "(OCI hook: records the container it is called for)", cmd_hook},
	{"generate", "[-f FORMAT] [-o OUT] [options] TRACE...", cmd_generate},
	{"merge", "-o TRACE TRACE...", cmd_merge},
	{"diff", "OLD NEW [--format text|markdown|json] [--fail-on none|risky|any]", cmd_diff},
	{"explain", "TRACE [SYSCALL...]", cmd_explain},
	{"run", "--profile PROFILE.json [--complain] -- COMMAND [ARG...]", cmd_run},
	{"check", "PROFILE.json", cmd_check},
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tailor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_lib_error(const char *cmd)
{
	const char *m = tl_err_msg();

	fprintf(stderr, "tailor %s: %s\n", cmd, m[0] ? m : "unknown error");
}

int cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tailor COMMAND [OPTIONS]\n\n"
		   "Record what a program does with the kernel; turn it into least-privilege\n"
		   "seccomp and AppArmor profiles; apply and review them.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < TL_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].synopsis);
	fprintf(f, "\n'tailor COMMAND --help' describes a command; docs/cli.md has them all.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return TL_EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return TL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("tailor %s\n", TAILOR_VERSION);
		return TL_EXIT_OK;
	}
	for (size_t i = 0; i < TL_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	cli_error("unknown command '%s' (see 'tailor --help')", argv[1]);
	return TL_EXIT_USAGE;
}
