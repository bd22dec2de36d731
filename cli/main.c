// SPDX-License-Identifier: Apache-2.0
/* tailor: dispatch to a subcommand. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/diff.h"

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
	static const char *const cmds[] = {"record", "hook",    "generate", "merge",
	                                   "diff",   "explain", "run",      "check"};
	char *msg = NULL;
	const char *sep = ": ";
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("tailor: out of memory\n", stderr);
		return;
	}
	/* "generate: ..." reads "tailor generate: ...", as every other error of a command */
	for (size_t i = 0; i < TL_ARRAY_SIZE(cmds); i++) {
		size_t l = strlen(cmds[i]);

		if (!strncmp(msg, cmds[i], l) && msg[l] == ':')
			sep = " ";
	}
	fprintf(stderr, "tailor%s%s\n", sep, msg);
	free(msg);
}

/* Does the line p[0..n) start with w? */
static bool starts(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && !memcmp(p, w, k);
}

/*
 * What a file that is no JSON seccomp profile plainly is, from its first
 * line that is no comment (nor `---`), or NULL: a trace, the k8s export
 * (YAML), or what diff tells apart (tl_diff_foreign_text: AppArmor, a
 * systemd drop-in, PFC).
 */
static const char *what_else(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *e = eol ? eol : end;
		size_t n;

		while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		n = (size_t)(e - p);
		if (n && *p != '#' && !(n >= 3 && starts(p, n, "---"))) {
			if (*p == '{')
				return memmem(text, len, "\"tailor_trace\"", 14) ? "a tailor trace"
				                                                 : NULL;
			if (starts(p, n, "apiVersion:") || starts(p, n, "kind:"))
				return memmem(text, len, "\nkind: SeccompProfile", 21) ||
				               starts(p, n, "kind: SeccompProfile")
				           ? "a Kubernetes SeccompProfile (YAML)"
				           : "Kubernetes YAML";
			break;
		}
		p = e + (eol ? 1 : 0);
	}
	return tl_diff_foreign_text(text, len);
}


void cli_profile_misfit(const char *cmd, const char *path, const char *text, size_t len)
{
	const char *what = what_else(text, len);

	if (what)
		tl_err(EINVAL, "%s: %s; %s takes the JSON seccomp profile: generate it with %s", path,
		       what, cmd,
		       strcmp(what, "a tailor trace") ? "-f docker or -f oci"
		                                      : "'tailor generate -f docker TRACE'");
}

int cli_parse_ms(const char *cmd, const char *opt, const char *arg, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 0 || v > 3600000) {
		cli_error("%s: %s: '%s' is not a number of milliseconds", cmd, opt, arg);
		return -1;
	}
	*ms = (int)v;
	return 0;
}

int cli_bad_option(const char *cmd, const char *optstring, char **argv, int rc)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "", *eq = strchr(arg, '=');

	if (arg[0] == '-' && arg[1] == '-') {
		/* getopt_long: optopt 0 for an unknown name, else the option's value */
		int n = eq ? (int)(eq - arg) : (int)strlen(arg);

		if (optopt && eq)
			fprintf(stderr, "tailor %s: '%.*s' takes no value (see 'tailor %s --help')\n",
			        cmd, n, arg, cmd);
		else
			fprintf(stderr, "tailor %s: %s '%.*s' (see 'tailor %s --help')\n", cmd,
			        optopt ? "a value is missing after" : "unknown option", n, arg, cmd);
	} else if (optopt > 0 && optopt != ':' && strchr(optstring, optopt)) {
		fprintf(stderr, "tailor %s: a value is missing after '-%c' (see 'tailor %s --help')\n",
		        cmd, optopt, cmd);
	} else {
		fprintf(stderr, "tailor %s: unknown option '-%c' (see 'tailor %s --help')\n", cmd,
		        optopt ? optopt : '?', cmd);
	}
	return rc;
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

/*
 * What the command printed with stdio (help, explain, check...) is buffered:
 * a failed write (a full disk, /dev/full, a closed stdout) shows only at a
 * flush, and the one exit() does ignores it.  Say so like generate and merge
 * do ("writing to stdout: ..."), unless the command already failed and said
 * why.  An output failure is tailor's own: 125 for record and run.
 */
static int finish_stdout(const char *cmd, int ret)
{
	int err;

	errno = 0;
	if (!fflush(stdout) && !ferror(stdout))
		return ret;
	err = errno ? errno : EIO; /* an earlier flush failed: its errno is gone */
	if (ret != TL_EXIT_OK)
		return ret;
	fprintf(stderr, "tailor%s%s: writing to stdout: %s\n", cmd ? " " : "", cmd ? cmd : "",
	        strerror(err));
	return cmd && (!strcmp(cmd, "record") || !strcmp(cmd, "run")) ? TL_EXIT_TAILOR
	                                                              : TL_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	/*
	 * Room for any help text or check summary: a write that fails when
	 * stdio's buffer fills loses its errno (finish_stdout could only say
	 * EIO).  Reports (generate, merge, diff, explain) bypass stdio.
	 */
	static char outbuf[1 << 16];

	setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof(outbuf));
	if (argc < 2) {
		usage(stderr);
		return TL_EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish_stdout(NULL, TL_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("tailor %s\n", TAILOR_VERSION);
		return finish_stdout(NULL, TL_EXIT_OK);
	}
	opterr = 0; /* a bad option is one line of the command's (cli_bad_option) */
	for (size_t i = 0; i < TL_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return finish_stdout(commands[i].name,
			                     commands[i].main(argc - 1, argv + 1));
	cli_error("unknown command '%s' (see 'tailor --help')", argv[1]);
	return TL_EXIT_USAGE;
}
