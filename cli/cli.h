/* SPDX-License-Identifier: Apache-2.0 */
/* The tailor command: one thin file per subcommand, a table in main.c. */
#ifndef TAILOR_CLI_H
#define TAILOR_CLI_H

#include <stdio.h>

/*
 * Exit codes of tailor's own failures (docs/cli.md).  `record` and `run`
 * otherwise exit with the command's status, like env(1) and docker run.
 */
#define TL_EXIT_OK        0
#define TL_EXIT_FAIL      1   /* generic failure of a non-exec command */
#define TL_EXIT_USAGE     2   /* bad command line (non-exec commands) */
#define TL_EXIT_TAILOR    125 /* record/run: tailor itself failed (incl. usage) */
#define TL_EXIT_NOEXEC    126 /* record/run: command found but cannot be executed */
#define TL_EXIT_NOTFOUND  127 /* record/run: command not found */

struct tl_command {
	const char *name;
	const char *synopsis; /* one line, as in DESIGN.md */
	int (*main)(int argc, char **argv); /* argv[0] is the subcommand name */
};

int cmd_record(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* Print "tailor: <msg>" to stderr; "tailor CMD: ..." when msg starts with "CMD:". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "tailor CMD: <libtailor error>" */
void cli_lib_error(const char *cmd);
/*
 * getopt_long returned '?' (opterr is 0): print one line naming the option
 * and whether it is unknown or lacks its value; returns rc.
 */
int cli_bad_option(const char *cmd, const char *optstring, char **argv, int rc);

/*
 * After a profile failed to parse (tl_err set): when the text is plainly
 * something else (a trace, the k8s YAML, an AppArmor profile, a systemd
 * drop-in, PFC, binary), say that instead, and what cmd takes.
 */
void cli_profile_misfit(const char *cmd, const char *path, const char *text, size_t len);

/* A --grace/--linger value: 0 to 3600000 ms; -1 after a message naming cmd and opt. */
int cli_parse_ms(const char *cmd, const char *opt, const char *arg, int *ms);
/* True if argv[i] is -h/--help. */
int cli_is_help(const char *arg);

#endif
