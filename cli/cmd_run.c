// SPDX-License-Identifier: Apache-2.0
/*
 * tailor run: apply a seccomp profile, then exec the command (fail closed:
 * any problem before execve means the command does not run at all).
 * With --complain, run it under a supervisor that records what the profile
 * would have denied instead of denying it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/loader.h"
#include "tailor/tracer.h"
#include "tailor/trace.h"

extern char **environ;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tailor run --profile PROFILE.json [options] [--] COMMAND [ARG...]\n\n"
	        "Load a Docker/OCI seccomp profile (no_new_privs set) and exec COMMAND under it.\n"
	        "COMMAND is looked up in PATH before the filter is loaded.  With no_new_privs,\n"
	        "setuid bits and file capabilities do not apply: as a non-root user, sudo, su\n"
	        "or a ping with cap_net_raw+p fail under tailor run whatever the profile.\n\n"
	        "  -p, --profile FILE  the profile (refused if writable by group or others)\n"
	        "      --complain      do not deny: record every syscall the profile would deny\n"
	        "                      (seccomp user notification) and let it proceed\n"
	        "                      (rules answering ENOSYS stay: they are fallbacks);\n"
	        "                      SIGINT, SIGTERM, SIGHUP to tailor go to the command,\n"
	        "                      and its trace is then marked incomplete\n"
	        "  -o, --output TRACE  complain trace (default tailor-complain.json)\n"
	        "  -q, --quiet         no summary of what complain mode found\n"
	        "      --linger MS     complain mode: after COMMAND exits, keep answering for\n"
	        "                      the tasks it left running (a daemon) until they exit,\n"
	        "                      MS milliseconds at most (default 2000); then their\n"
	        "                      calls the profile denies fail with ENOSYS\n"
	        "      --caps LIST     capabilities for includes/excludes (\"CAP_SYS_ADMIN,...\",\n"
	        "                      \"none\", \"all\"; default: this process's effective set)\n"
	        "      --skip-unknown  drop syscall names unknown to this libseccomp and to\n"
	        "                      tailor's syscall table from allow rules (with a\n"
	        "                      warning) instead of failing\n"
	        "      --force         accept a profile writable by group or others\n"
	        "  -h, --help          this text\n\n"
	        "Exit status: the command's (128+N if killed by signal N); 125 tailor failed\n"
	        "(bad profile, filter not loaded); 126 command not executable; 127 not found.\n");
}

/* Read the profile through one descriptor, checking the mode of what is read. */
static int load_profile(const char *path, bool force, struct tl_profile *p)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tl_err(errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = tl_err(errno, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = tl_err(EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !force) {
		r = tl_err(EPERM,
		           "%s: writable by %s (mode %04o): anyone who can write it controls the "
		           "sandbox; fix with chmod go-w, or pass --force",
		           path, (st.st_mode & S_IWOTH) ? "others" : "group",
		           (unsigned)(st.st_mode & 07777));
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *tmp = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!tmp || cap > (64u << 20)) {
				free(tmp);
				buf = NULL;
				r = tl_err(EFBIG, "%s: too large or out of memory", path);
				goto out;
			}
			buf = tmp;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = tl_err(errno, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	r = tl_profile_from_json(buf, len, path, p);
	if (r)
		cli_profile_misfit("run", path, buf, len);
out:
	free(buf);
	close(fd);
	return r;
}

static bool uses_notify(const struct tl_profile *p)
{
	if (p->default_action == TL_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].action == TL_ACT_NOTIFY)
			return true;
	return false;
}

static int exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return TL_EXIT_TAILOR;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int save_complain(struct tl_trace *t, const char *out, char **argv, const char *start,
                         uint64_t ms, const struct tl_complain_result *cr)
{
	/* argument values are recorded as the recorder records them (tl_argtable_select) */
	static char *features[] = {"args", NULL};
	struct tl_counter lost[2] = {{.name = "events", .value = cr->lost},
	                             {.name = "running", .value = cr->left_running}};
	char tool[32];
	struct utsname u;
	struct tl_run run = {0};

	uname(&u);
	snprintf(tool, sizeof(tool), "tailor %s", TAILOR_VERSION);
	run.kind = "complain";
	run.argv = argv;
	run.pid = cr->pid;
	run.start = (char *)start;
	run.duration_ms = ms;
	run.complete = !cr->signo && !cr->lost && !cr->left_running;
	run.has_exit_status = true;
	run.exit_status = exit_code(cr->wstatus);
	run.features = features;
	run.lost = lost;
	run.nlost = cr->left_running ? 2 : 1;
	run.kernel = u.release;
	run.machine = u.machine;
	run.tool = tool;
	if (tl_trace_add_run(t, &run))
		return -ENOMEM;
	return tl_trace_save(t, out);
}

/*
 * One line on what a complain run found, so that nobody has to open the
 * trace to learn that the profile is too narrow.
 */
static void say_complain(const struct tl_trace *t, const char *out, bool left_running)
{
	/* after --linger nobody answers: what was denied then is not in the trace */
	const char *when = left_running ? " until --linger ran out" : "";
	size_t total = 0, shown = 0;

	for (int a = 0; a < TL_ABI_COUNT; a++)
		total += t->abi[a].n;
	if (!total) {
		fprintf(stderr, "tailor run: complain: the profile denied nothing%s (trace: %s)\n",
		        when, out);
		return;
	}
	fprintf(stderr,
	        "tailor run: complain: the profile would have denied %zu syscall(s)%s:", total,
	        when);
	for (int a = 0; a < TL_ABI_COUNT; a++)
		for (size_t i = 0; i < t->abi[a].n; i++, shown++) {
			const struct tl_syscall *s = &t->abi[a].sys[i];

			if (shown == 12) {
				fprintf(stderr, " and %zu more", total - shown);
				goto done;
			}
			fprintf(stderr, "%s %s%s%s (%" PRIu64 ")", shown ? "," : "",
			        a == TL_ABI_X86_64 ? "" : tl_abi_name((enum tl_abi)a),
			        a == TL_ABI_X86_64 ? "" : ":", s->name, s->calls);
		}
done:
	fprintf(stderr, "; trace: %s (tailor merge it with the recording, then generate)\n", out);
}

static int exec_failed(bool loaded)
{
	cli_lib_error("run");
	if (!loaded)
		return TL_EXIT_TAILOR;
	return strstr(tl_err_msg(), strerror(ENOENT)) ? TL_EXIT_NOTFOUND : TL_EXIT_NOEXEC;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"profile", required_argument, NULL, 'p'}, {"complain", no_argument, NULL, 'C'},
	    {"output", required_argument, NULL, 'o'},  {"caps", required_argument, NULL, 'c'},
	    {"skip-unknown", no_argument, NULL, 'u'},  {"force", no_argument, NULL, 'f'},
	    {"quiet", no_argument, NULL, 'q'},         {"linger", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	const char *profile = NULL, *out = "tailor-complain.json";
	struct tl_loader_opts lo = {0};
	struct tl_profile prof;
	struct tl_trace trace;
	scmp_filter_ctx ctx = NULL;
	char **caps = NULL, **unknown = NULL, *path = NULL;
	bool force = false, loaded = false, quiet = false, complain_opt = false;
	struct tl_complain_result cr = {0};
	struct tl_complain_opts copts = {.argsel = tl_argtable_select, .linger_ms = 2000};
	int c, r, rc = TL_EXIT_TAILOR;

	tl_profile_init(&prof);
	tl_trace_init(&trace);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'C':
			lo.complain = true;
			break;
		case 'q':
			quiet = complain_opt = true;
			break;
		case 'L':
			complain_opt = true;
			if (cli_parse_ms("run", "--linger", optarg, &copts.linger_ms))
				goto done; /* rc: TL_EXIT_TAILOR */
			break;
		case 'o':
			out = optarg;
			complain_opt = true;
			break;
		case 'c':
			tl_strv_free(caps);
			caps = NULL;
			if (tl_loader_parse_caps(optarg, &caps))
				goto fail;
			break;
		case 'u':
			lo.skip_unknown = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			usage(stdout);
			rc = TL_EXIT_OK;
			goto done;
		default:
			rc = cli_bad_option("run", "+p:o:qh", argv, TL_EXIT_TAILOR);
			goto done;
		}
	}
	if (!profile || !*profile || optind >= argc) {
		cli_error("run: %s (see 'tailor run --help')", !profile ? "--profile is required"
		                                               : !*profile
		                                                   ? "--profile names no file"
		                                                   : "no command given");
		goto done;
	}
	if (complain_opt && !lo.complain) {
		cli_error("run: -o, -q and --linger are options of --complain");
		goto done;
	}
	lo.caps = (const char *const *)caps;

	if (load_profile(profile, force, &prof))
		goto fail;
	if (uses_notify(&prof) && !lo.complain) {
		tl_err(EOPNOTSUPP,
		       "%s: uses SCMP_ACT_NOTIFY, which needs a supervisor (listenerPath); "
		       "tailor run provides one only with --complain",
		       profile);
		goto fail;
	}
	if (lo.skip_unknown) {
		if (tl_loader_unknown_names(&prof, &lo, &unknown))
			goto fail;
		for (size_t i = 0; unknown && unknown[i]; i++)
			fprintf(
			    stderr,
			    "tailor run: warning: %s: syscall \"%s\" unknown to libseccomp, left "
			    "to the default action\n",
			    profile, unknown[i]);
	}
	r = tl_loader_find_command(argv[optind], &path);
	if (r) {
		cli_lib_error("run");
		rc = r == -ENOENT ? TL_EXIT_NOTFOUND : TL_EXIT_NOEXEC;
		goto done;
	}
	if (tl_loader_build(&prof, &lo, &ctx)) {
		tl_err_ctx(EINVAL, "%s", profile);
		goto fail;
	}

	if (lo.complain) {
		char start[32];
		time_t t = time(NULL);
		uint64_t t0 = now_ms();
		struct tm tm;

		strftime(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
		/* before the command runs: a test suite's run is not for nothing */
		if (tl_output_check(out, "the complain trace"))
			goto fail;
		r = tl_loader_complain(ctx, path, argv + optind, environ, &copts, &trace, &cr);
		if (r == -EOPNOTSUPP) {
			fprintf(
			    stderr,
			    "tailor run: %s; complain mode falls back to SCMP_ACT_LOG: the kernel "
			    "logs what would be denied (audit/dmesg), no trace is written\n",
			    tl_err_msg());
			seccomp_release(ctx);
			ctx = NULL;
			lo.complain_log = true;
			if (tl_loader_build(&prof, &lo, &ctx)) {
				tl_err_ctx(EINVAL, "%s", profile);
				goto fail;
			}
			tl_loader_exec(ctx, path, argv + optind, environ, &loaded);
			rc = exec_failed(loaded);
			goto done;
		}
		if (r && r != -EPROTO)
			goto fail;
		if (r)
			cli_lib_error("run"); /* some notifications lost: say so, keep the rest */
		if (cr.signo)
			fprintf(
			    stderr,
			    "tailor run: signal %d passed on to the command; the complain trace is "
			    "marked incomplete\n",
			    cr.signo);
		if (save_complain(&trace, out, argv + optind, start, now_ms() - t0, &cr)) {
			/* it ran to its end: say how, since the exit code is tailor's */
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", tl_err_msg());
			tl_err(EIO, "%s (the command exited with status %d; no trace written)", msg,
			       exit_code(cr.wstatus));
			cli_lib_error("run");
			rc = TL_EXIT_TAILOR;
			goto done;
		}
		if (cr.left_running)
			fprintf(
			    stderr,
			    "tailor run: complain: tasks the command started still run %d ms after "
			    "it exited; from now on their calls the profile denies fail with "
			    "ENOSYS "
			    "(--linger)\n",
			    copts.linger_ms);
		if (!quiet)
			say_complain(&trace, out, cr.left_running);
		rc = exit_code(cr.wstatus);
		goto done;
	}

	fflush(NULL);
	tl_loader_exec(ctx, path, argv + optind, environ, &loaded);
	rc = exec_failed(loaded);
	goto done;
fail:
	cli_lib_error("run");
	rc = TL_EXIT_TAILOR;
done:
	if (ctx)
		seccomp_release(ctx);
	free(path);
	tl_strv_free(unknown);
	tl_strv_free(caps);
	tl_trace_free(&trace);
	tl_profile_free(&prof);
	return rc;
}
