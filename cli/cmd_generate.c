// SPDX-License-Identifier: Apache-2.0
/* tailor generate: traces -> merged trace -> minimal profile -> one output format. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tailor/apparmor.h"
#include "tailor/common.h"
#include "tailor/generate.h"
#include "tailor/loader.h"
#include "tailor/trace.h"

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: tailor generate [-f FORMAT] [-o OUT] [options] TRACE...\n"
	       "\n"
	       "Build the least-privilege seccomp profile of the union of the traces:\n"
	       "every syscall they saw (on every recorded ABI) is allowed, plus the\n"
	       "loader baseline (execve, exit_group: what `tailor run` needs between\n"
	       "loading the filter and the application's first instruction), and the\n"
	       "calls that seen calls lead to depending on timing: rt_sigreturn after\n"
	       "a handler was installed, restart_syscall after a sleep, rt_sigsuspend\n"
	       "after a wait for children, futex and exit after a thread start, and\n"
	       "what those lead to in turn.  Output is deterministic (docs/generate.md).\n"
	       "\n"
	       "options:\n"
	       "  -f, --format FORMAT      docker (default), oci, k8s, k8s-json, systemd,\n"
	       "                           pfc, bpf, apparmor (from the trace's files,\n"
	       "                           execs, capabilities and sockets: docs/apparmor.md)\n"
	       "  -o, --output OUT         where to write the profile (default '-': stdout)\n"
	       "      --default-action A   what any other syscall gets: errno (EPERM, the\n"
	       "                           default), kill, kill-process, trap, log\n"
	       "      --args MODE          argument rules for the syscalls whose recorded\n"
	       "                           values are few (at most 16 distinct, no overflow):\n"
	       "                           any other value gets the default action\n"
	       "                           safe (default): socket families, clone/unshare/\n"
	       "                             setns namespaces, personality, PROT_EXEC in\n"
	       "                             mmap/mprotect, ptrace, keyctl, bpf, seccomp, mount;\n"
	       "                             clone3 returns ENOSYS when clone is filtered\n"
	       "                           strict: also ioctl, prctl, fcntl, kill/tgkill/tkill,\n"
	       "                             setsockopt/getsockopt, socket type and protocol\n"
	       "                           none: syscalls by name only\n"
	       "                           (docs/generate.md, \"Argument rules\")\n"
	       "      --runtime RT         none (default: for tailor run), crun or runc: also\n"
	       "                           allow what that container runtime does after\n"
	       "                           loading the filter (its measured baseline,\n"
	       "                           profilegen/baselines/; docs/containers.md)\n"
	       "      --name NAME          profile name for k8s/systemd/apparmor output\n"
	       "                           (default tailor; the other formats have none)\n"
	       "      --container          apparmor: a container profile (attach_disconnected,\n"
	       "                           moby's signal/ptrace rules); implied by container runs\n"
	       "      --children           apparmor: a child profile NAME//PROG per executed\n"
	       "                           program (px) instead of ix\n"
	       "      --abstractions       apparmor: include <abstractions/base> instead of the\n"
	       "                           rules it fully covers\n"
	       "      --collapse N         apparmor: read-only rules of N or more files read in\n"
	       "                           a directory become DIR/* r, of N or more below it\n"
	       "                           (outside its most-read subdirectory) DIR/** r; never\n"
	       "                           for /, top-level dirs, /proc, /sys, /dev, secrets\n"
	       "                           (docs/apparmor.md, \"Collapsing\"); default 32,\n"
	       "                           0: one rule per file\n"
	       "      --no-enosys-probes   a syscall whose every call failed with ENOSYS is\n"
	       "                           normally denied with ENOSYS (so library fallbacks\n"
	       "                           work, e.g. clone3 -> clone); with this option it\n"
	       "                           gets the default action like any unseen syscall\n"
	       "  -h, --help               this help\n"
	       "\n"
	       "Warnings on stderr when a trace is incomplete or lost events: the profile\n"
	       "may then miss syscalls the application needs.\n"
	       "\n"
	       "exit status: 0 written, 1 an input, the generation or the output failed,\n"
	       "2 usage error\n");
}

static int parse_action(const char *s)
{
	static const struct {
		const char *name;
		enum tl_action a;
	} acts[] = {
	    {"errno", TL_ACT_ERRNO},
	    {"kill", TL_ACT_KILL_THREAD},
	    {"kill-process", TL_ACT_KILL_PROCESS},
	    {"trap", TL_ACT_TRAP},
	    {"log", TL_ACT_LOG},
	};

	for (size_t i = 0; i < TL_ARRAY_SIZE(acts); i++)
		if (!strcmp(s, acts[i].name))
			return (int)acts[i].a;
	return -EINVAL;
}

/* Argument rules need values from every run (docs/generate.md). */
static void warn_no_args(const char *path, const struct tl_trace *t, enum tl_args_mode mode)
{
	if (mode == TL_ARGS_NONE)
		return;
	for (size_t i = 0; i < t->nruns; i++) {
		bool has = false;

		for (size_t k = 0; t->runs[i].features && t->runs[i].features[k]; k++)
			has |= !strcmp(t->runs[i].features[k], "args");
		if (!has) {
			fprintf(
			    stderr,
			    "tailor generate: warning: %s: run %zu recorded no argument values; "
			    "the profile gets no argument rules\n",
			    path, i + 1);
			return;
		}
	}
}

/*
 * AppArmor rules come from files, capabilities and sockets: a run that
 * recorded none of them (a complain run, record --no-files) adds nothing but
 * says so only in the profile's NOTE; say it where a CI log shows it.
 */
static void warn_no_files(const char *path, const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++) {
		const struct tl_run *r = &t->runs[i];
		bool has = false;

		for (size_t k = 0; r->features && r->features[k]; k++)
			has |= !strcmp(r->features[k], "files");
		if (has)
			continue;
		fprintf(stderr,
		        "tailor generate: warning: %s: run %zu (%s) recorded no file accesses%s; "
		        "the AppArmor profile lacks what it did there%s\n",
		        path, i + 1, r->kind ? r->kind : "?",
		        r->kind && !strcmp(r->kind, "complain")
		            ? ", capabilities or sockets (seccomp reports syscalls only)"
		            : " (tailor record --no-files)",
		        r->kind && !strcmp(r->kind, "complain") ? ": record it with tailor record"
		                                                : "");
	}
}

/*
 * Names libseccomp does not know, which tailor filters by number from its
 * own table: a runtime or systemd linked with this libseccomp skips them
 * (runc answers ENOSYS, crun the default action), so the program breaks
 * there although the profile allows the call.
 */
static void warn_table_names(enum tl_format fmt, const struct tl_profile *p)
{
	const struct scmp_version *v = seccomp_version();
	struct tl_loader_opts lo = {0};
	char **names = NULL, list[512] = "";
	size_t n = 0, off = 0;

	if (fmt == TL_FMT_PFC || fmt == TL_FMT_BPF || tl_loader_table_names(p, &lo, &names))
		goto out;
	for (; names && names[n]; n++)
		if (off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
			                        n ? ", " : "", names[n]);
	if (n)
		fprintf(
		    stderr,
		    "tailor generate: warning: %zu allowed syscall%s unknown to this machine's "
		    "libseccomp %u.%u.%u (%s): a runtime or systemd linked with it skips %s, and "
		    "the call%s then fail%s; tailor run and -f pfc/bpf filter %s by number "
		    "(docs/syscalls.md)\n",
		    n, n == 1 ? " is" : "s are", v->major, v->minor, v->micro, list,
		    n == 1 ? "it" : "them", n == 1 ? "" : "s", n == 1 ? "s" : "",
		    n == 1 ? "it" : "them");
out:
	tl_strv_free(names);
}

/* Say what makes a trace incomplete, run by run: the profile may lack syscalls. */
static void warn_incomplete(const char *path, const struct tl_trace *t, bool apparmor)
{
	for (size_t i = 0; i < t->nruns; i++) {
		const struct tl_run *r = &t->runs[i];
		char why[256];

		if (!tl_run_why_incomplete(r, why, sizeof(why)))
			continue;
		fprintf(
		    stderr,
		    "tailor generate: warning: %s: run %zu (%s) is incomplete: %s; the profile may "
		    "miss %s\n",
		    path, i + 1, r->kind, why, apparmor ? "rules" : "syscalls");
	}
}

enum {
	OPT_DEFAULT_ACTION = 256,
	OPT_ARGS,
	OPT_RUNTIME,
	OPT_NAME,
	OPT_NO_ENOSYS,
	OPT_CONTAINER,
	OPT_CHILDREN,
	OPT_ABSTRACTIONS,
	OPT_COLLAPSE
};

int cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"default-action", required_argument, NULL, OPT_DEFAULT_ACTION},
	    {"args", required_argument, NULL, OPT_ARGS},
	    {"runtime", required_argument, NULL, OPT_RUNTIME},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"no-enosys-probes", no_argument, NULL, OPT_NO_ENOSYS},
	    {"container", no_argument, NULL, OPT_CONTAINER},
	    {"children", no_argument, NULL, OPT_CHILDREN},
	    {"abstractions", no_argument, NULL, OPT_ABSTRACTIONS},
	    {"collapse", required_argument, NULL, OPT_COLLAPSE},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct tl_gen_opts gopts;
	struct tl_aa_opts aopts;
	struct tl_export_opts eopts = {.name = NULL};
	struct tl_trace all, one;
	struct tl_profile prof;
	const char *out = "-", *fmt_name = "docker";
	char *data = NULL;
	size_t len;
	int c, fmt, ret = TL_EXIT_FAIL;
	bool collapse_set = false, seccomp_set = false, runtime_set = false, container = false;

	tl_gen_opts_init(&gopts);
	gopts.warn = true;
	tl_aa_opts_init(&aopts);
	optind = 0;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt_name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_DEFAULT_ACTION:
			seccomp_set = true;
			c = parse_action(optarg);
			if (c < 0) {
				cli_error("generate: unknown default action '%s' (expected errno, "
				          "kill, kill-process, trap or log)",
				          optarg);
				return TL_EXIT_USAGE;
			}
			gopts.default_action = (enum tl_action)c;
			break;
		case OPT_ARGS:
			seccomp_set = true;
			if (!strcmp(optarg, "none"))
				gopts.args = TL_ARGS_NONE;
			else if (!strcmp(optarg, "safe"))
				gopts.args = TL_ARGS_SAFE;
			else if (!strcmp(optarg, "strict"))
				gopts.args = TL_ARGS_STRICT;
			else {
				cli_error("generate: unknown --args mode '%s' (expected none, safe "
				          "or strict)",
				          optarg);
				return TL_EXIT_USAGE;
			}
			break;
		case OPT_RUNTIME:
			seccomp_set = runtime_set = true;
			if (!strcmp(optarg, "none"))
				gopts.runtime = TL_RUNTIME_NONE;
			else if (!strcmp(optarg, "crun"))
				gopts.runtime = TL_RUNTIME_CRUN;
			else if (!strcmp(optarg, "runc"))
				gopts.runtime = TL_RUNTIME_RUNC;
			else {
				cli_error("generate: unknown runtime '%s' (expected crun, runc or "
				          "none)",
				          optarg);
				return TL_EXIT_USAGE;
			}
			break;
		case OPT_NAME:
			if (!optarg[0]) {
				cli_error("generate: --name must not be empty");
				return TL_EXIT_USAGE;
			}
			eopts.name = optarg;
			break;
		case OPT_NO_ENOSYS:
			seccomp_set = true;
			gopts.enosys_probes = false;
			break;
		case OPT_CONTAINER:
			aopts.container = true;
			break;
		case OPT_CHILDREN:
			aopts.children = true;
			break;
		case OPT_ABSTRACTIONS:
			aopts.abstractions = true;
			break;
		case OPT_COLLAPSE: {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || optarg[0] == '-' || errno || n == 1 ||
			    n > 1000000) {
				cli_error("generate: --collapse '%s' is not 0 (off) or a number of "
				          "files from 2 to 1000000",
				          optarg);
				return TL_EXIT_USAGE;
			}
			aopts.collapse = (unsigned)n;
			collapse_set = true;
			break;
		}
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			return cli_bad_option("generate", "f:o:h", argv, TL_EXIT_USAGE);
		}
	}
	fmt = tl_format_from_name(fmt_name);
	if (fmt < 0) {
		cli_lib_error("generate");
		return TL_EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_error("generate: no input trace given (see 'tailor generate --help')");
		return TL_EXIT_USAGE;
	}
	/* a name the format cannot take is the caller's mistake: say so before any work */
	if (tl_export_name_check((enum tl_format)fmt, eopts.name)) {
		cli_lib_error("generate");
		return TL_EXIT_USAGE;
	}
	if (eopts.name && !tl_format_has_name((enum tl_format)fmt))
		fprintf(stderr, "tailor generate: note: -f %s has no name; --name is ignored\n",
		        fmt_name);
	if (fmt != TL_FMT_APPARMOR &&
	    (aopts.container || aopts.children || aopts.abstractions || collapse_set)) {
		cli_error("generate: --container, --children, --abstractions and --collapse are "
		          "options of -f apparmor");
		return TL_EXIT_USAGE;
	}
	/* an option that changes nothing is a mistake to say, not to ignore */
	if (fmt == TL_FMT_APPARMOR && seccomp_set) {
		cli_error(
		    "generate: --default-action, --args, --runtime and --no-enosys-probes are "
		    "options of the seccomp formats, not -f apparmor");
		return TL_EXIT_USAGE;
	}

	gopts.sources = (const char *const *)&argv[optind];
	aopts.sources = gopts.sources;
	aopts.name = eopts.name;

	tl_trace_init(&all);
	tl_profile_init(&prof);
	for (int i = optind; i < argc; i++) {
		int r = tl_trace_load(argv[i], &one);

		if (!r) {
			for (size_t k = 0; k < one.nruns; k++)
				container |=
				    one.runs[k].kind && !strcmp(one.runs[k].kind, "container");
			warn_incomplete(argv[i], &one, fmt == TL_FMT_APPARMOR);
			warn_no_args(argv[i], &one,
			             fmt == TL_FMT_APPARMOR ? TL_ARGS_NONE : gopts.args);
			if (fmt == TL_FMT_APPARMOR)
				warn_no_files(argv[i], &one);
			r = tl_trace_merge(&all, &one);
		}
		tl_trace_free(&one);
		if (r)
			goto out;
	}
	/* AppArmor rules come from the trace itself (paths, capabilities, sockets). */
	if (fmt == TL_FMT_APPARMOR) {
		if (tl_export_apparmor(&all, &aopts, &data, &len) ||
		    tl_write_file_atomic(out, data, len, 0644))
			goto out;
		ret = TL_EXIT_OK;
		goto out;
	}
	/* runc and crun call more after loading the filter than the loader baseline holds */
	if (container && !runtime_set && fmt != TL_FMT_SYSTEMD)
		fprintf(
		    stderr,
		    "tailor generate: warning: the traces hold container runs, but no --runtime "
		    "was given: runc and crun make calls after loading the filter that the "
		    "profile then denies, and the container does not start; use --runtime "
		    "runc or crun (--runtime none says the loader is tailor run)\n");
	if (tl_generate(&all, &gopts, &prof) ||
	    tl_export(&prof, (enum tl_format)fmt, &eopts, &data, &len) ||
	    tl_write_file_atomic(out, data, len, 0644))
		goto out;
	warn_table_names((enum tl_format)fmt, &prof);
	ret = TL_EXIT_OK;
out:
	if (ret != TL_EXIT_OK)
		cli_lib_error("generate");
	free(data);
	tl_profile_free(&prof);
	tl_trace_free(&all);
	return ret;
}
