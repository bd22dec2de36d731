// SPDX-License-Identifier: Apache-2.0
/* tailor record: trace a command (and its descendants) or a running process. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/tracer.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tailor record [-o TRACE] [options] -- COMMAND [ARG...]\n"
	        "       tailor record [-o TRACE] [options] --pid PID\n"
	        "       tailor record [-o TRACE] [options] --container PID|ID\n"
	        "       tailor record -o DIR [options] --all-containers\n"
	        "\n"
	        "Record the syscalls of COMMAND and of every descendant (forked, threaded,\n"
	        "exec'ed, daemonized), or of a running process, its threads and its future\n"
	        "children, with eBPF tracepoints.  tailor's own syscalls are never recorded;\n"
	        "the command is recorded from its first instruction.\n"
	        "\n"
	        "options:\n"
	        "  -o, --output TRACE  write the trace (JSON) to TRACE; default '-' (stdout).\n"
	        "                      The file is replaced atomically.\n"
	        "  -p, --pid PID       record the running process PID, its threads and the\n"
	        "                      processes descended from it (running now or started\n"
	        "                      later) until PID exits or tailor gets SIGINT/SIGTERM.\n"
	        "                      Its startup ran before: the trace says so (lost.start).\n"
	        "      --grace MS      after SIGINT/SIGTERM, wait up to MS milliseconds for the\n"
	        "                      command to end (default 2000); a container's tasks get\n"
	        "                      as long after its init exits.\n"
	        "      --linger MS     after COMMAND exits, keep recording the tasks it left\n"
	        "                      running (a daemon still shutting down) until they\n"
	        "                      exit, MS milliseconds at most (default 2000; 0: stop\n"
	        "                      with COMMAND).\n"
	        "      --no-stacks     do not capture user call stacks (no callsites for\n"
	        "                      'tailor explain'; slightly cheaper).\n"
	        "      --no-files      do not record file accesses (paths opened, created,\n"
	        "                      deleted, executed... for AppArmor profiles; no \"files\"\n"
	        "                      in the trace).\n"
	        "      --user USER[:GID]  run COMMAND as USER (a name or UID) and GID (a\n"
	        "                      number; default USER's group): its uid, group,\n"
	        "                      supplementary groups, HOME/USER/LOGNAME/SHELL, like\n"
	        "                      runuser(1); a UID without a passwd entry gets\n"
	        "                      GID = UID, no other groups, HOME=/.  Default under\n"
	        "                      sudo: the user who ran sudo (SUDO_UID); '--user root'\n"
	        "                      keeps root.\n"
	        "      --container PID|ID  record everything in a container: its processes and\n"
	        "                      every process that joins it later (crun/runc/podman\n"
	        "                      exec), told by its pid namespace and cgroup.  ID: a\n"
	        "                      crun/runc/containerd id or a unique prefix, or a cgroup\n"
	        "                      named libpod-ID.scope, docker-ID.scope,\n"
	        "                      cri-containerd-ID.scope, crio-ID.scope or .../ID, or\n"
	        "                      a name or id podman or docker knows.  Ends\n"
	        "                      when the container's processes are gone.  A created,\n"
	        "                      not yet started container is recorded from its\n"
	        "                      entrypoint's first instruction (docs/containers.md).\n"
	        "      --all-containers  one trace per container on this node, DIR/ID.json,\n"
	        "                      written when the container ends (and at SIGTERM);\n"
	        "                      DIR is made (mode 0700) if missing.  A container in\n"
	        "                      the host's pid namespace is not detected (--container).\n"
	        "      --max-containers N  containers recorded at once (default 32; memory:\n"
	        "                      docs/containers.md).\n"
	        "      --duration SEC  containers: stop after SEC seconds (trace incomplete).\n"
	        "      --after-seccomp  runtime baselines: count only what the command's\n"
	        "                      tasks do after installing a seccomp filter, up to and\n"
	        "                      including their next execve (scripts/measure-baseline.sh).\n"
	        "  -q, --quiet         no live status line or notes (the line is shown only\n"
	        "                      when stderr is a tty).\n"
	        "  -v, --verbose       show libbpf's messages.\n"
	        "  -h, --help          this help.\n"
	        "\n"
	        "signals: SIGINT/SIGTERM/SIGHUP stop the recording; the trace is still\n"
	        "written, marked incomplete.  A signal sent with kill(1) is forwarded to the\n"
	        "command (a terminal's ^C already reached it); --pid targets get nothing.\n"
	        "A second signal stops waiting for the command.  One before the command started\n"
	        "(while tailor loads its BPF programs) starts nothing and writes no trace:\n"
	        "one line, exit 128+N.\n"
	        "\n"
	        "exit status: the command's (128+N when it died of signal N); with --pid, 0.\n"
	        "  125  tailor failed (usage, no privileges, no kernel BTF, BPF load error, or\n"
	        "       the trace could not be written: the message then gives the command's\n"
	        "       status; the command is never killed for it)\n"
	        "  126  COMMAND found but not executable\n"
	        "  127  COMMAND not found\n"
	        "  128+N  tailor stopped by signal N and the command did not end in time\n"
	        "\n"
	        "environment: TAILOR_HOT_FILTER=task|regs picks how the recorder turns away\n"
	        "the host's other tasks (default: task where the kernel isolates page tables\n"
	        "without PCID, regs elsewhere; docs/recorder.md).  TAILOR_KBTF=full hands\n"
	        "libbpf the kernel's whole BTF, not the part tailor's programs use.\n"
	        "\n"
	        "Needs root or CAP_BPF+CAP_PERFMON, and kernel BTF (/sys/kernel/btf/vmlinux).\n");
}

/* Long options without a short form (containers, docs/containers.md). */
enum {
	OPT_CONTAINER = 1000,
	OPT_LINGER,
	OPT_ALL_CONTAINERS,
	OPT_MAX_CONTAINERS,
	OPT_DURATION,
	OPT_AFTER_SECCOMP,
	OPT_HOOK_MODE, /* the following three: used by tailor hook, not documented */
	OPT_READY_FD,
	OPT_PID_FILE,
};

/* A duration option in milliseconds (0 to an hour); -1 after a message. */
/* The container options; 0 or TL_EXIT_TAILOR after a message. */
static int container_opt(int c, const char *arg, struct tl_rec_opts *o)
{
	char *end;
	long v = 0;

	if (c == OPT_MAX_CONTAINERS || c == OPT_DURATION || c == OPT_READY_FD) {
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0 || v > (c == OPT_MAX_CONTAINERS ? 1024 : 0x7fffffff) ||
		    (c == OPT_DURATION && v > 0x7fffffff / 1000)) {
			cli_error("record: '%s' is not a valid %s", arg,
			          c == OPT_MAX_CONTAINERS ? "number of containers (1..1024)"
			          : c == OPT_DURATION     ? "number of seconds"
			                                  : "file descriptor");
			return TL_EXIT_TAILOR;
		}
	}
	switch (c) {
	case OPT_CONTAINER:
		o->container = arg;
		break;
	case OPT_ALL_CONTAINERS:
		o->all_containers = true;
		break;
	case OPT_MAX_CONTAINERS:
		o->max_containers = (uint32_t)v;
		break;
	case OPT_DURATION:
		o->duration_ms = (int)v * 1000;
		break;
	case OPT_AFTER_SECCOMP:
		o->after_seccomp = true;
		break;
	case OPT_HOOK_MODE:
		o->hook = true;
		break;
	case OPT_READY_FD:
		o->ready_fd = (int)v;
		break;
	case OPT_PID_FILE:
		o->pid_file = arg;
		break;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"pid", required_argument, NULL, 'p'},
	    {"grace", required_argument, NULL, 'g'},
	    {"linger", required_argument, NULL, OPT_LINGER},
	    {"quiet", no_argument, NULL, 'q'},
	    {"no-stacks", no_argument, NULL, 'S'},
	    {"no-files", no_argument, NULL, 'F'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"user", required_argument, NULL, 'u'},
	    {"container", required_argument, NULL, OPT_CONTAINER},
	    {"all-containers", no_argument, NULL, OPT_ALL_CONTAINERS},
	    {"max-containers", required_argument, NULL, OPT_MAX_CONTAINERS},
	    {"duration", required_argument, NULL, OPT_DURATION},
	    {"after-seccomp", no_argument, NULL, OPT_AFTER_SECCOMP},
	    {"hook-mode", no_argument, NULL, OPT_HOOK_MODE},
	    {"ready-fd", required_argument, NULL, OPT_READY_FD},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct tl_rec_opts o = {.output = "-", .grace_ms = 2000, .linger_ms = 2000};
	struct tl_rec_result res;
	const char *sudo_uid;
	char *end;
	long v;
	int c, err;

	optind = 1;
	/* '+': stop at the first non-option, the command's own options are its own. */
	while ((c = getopt_long(argc, argv, "+o:p:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v <= 0 || v > 0x7fffffff) {
				cli_error("record: --pid: '%s' is not a process id", optarg);
				return TL_EXIT_TAILOR;
			}
			o.pid = (pid_t)v;
			break;
		case 'g':
			if (cli_parse_ms("record", "--grace", optarg, &o.grace_ms))
				return TL_EXIT_TAILOR;
			break;
		case OPT_LINGER:
			if (cli_parse_ms("record", "--linger", optarg, &o.linger_ms))
				return TL_EXIT_TAILOR;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'S':
			o.no_stacks = true;
			break;
		case 'F':
			o.no_files = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		case OPT_CONTAINER:
		case OPT_ALL_CONTAINERS:
		case OPT_MAX_CONTAINERS:
		case OPT_DURATION:
		case OPT_AFTER_SECCOMP:
		case OPT_HOOK_MODE:
		case OPT_READY_FD:
		case OPT_PID_FILE:
			if (container_opt(c, optarg, &o))
				return TL_EXIT_TAILOR;
			break;
		default:
			return cli_bad_option("record", "+o:p:qvh", argv, TL_EXIT_TAILOR);
		}
	}
	if (optind < argc)
		o.argv = argv + optind;
	if ((o.argv != NULL) + (o.pid != 0) + (o.container != NULL) + o.all_containers != 1) {
		cli_error("record: give one of a COMMAND (after --), --pid PID, --container "
		          "PID|ID or --all-containers (see 'tailor record --help')");
		return TL_EXIT_TAILOR;
	}
	if ((o.container || o.all_containers) ? o.after_seccomp
	                                      : (o.max_containers || o.duration_ms || o.hook)) {
		cli_error("record: --after-seccomp applies to a COMMAND; --max-containers, "
		          "--duration to --container/--all-containers");
		return TL_EXIT_TAILOR;
	}
	if (o.after_seccomp && !o.argv) {
		cli_error("record: --after-seccomp applies to a COMMAND (e.g. -- crun run ID)");
		return TL_EXIT_TAILOR;
	}
	if (o.user && !o.argv) {
		cli_error("record: --user applies to a COMMAND, not to --pid or containers");
		return TL_EXIT_TAILOR;
	}
	/*
	 * Under sudo, record as the user who asked (DESIGN: record as the app's
	 * user); not a runtime measured with --after-seccomp, which needs root.
	 */
	sudo_uid = getenv("SUDO_UID");
	if (!o.user && o.argv && !o.after_seccomp && geteuid() == 0 && sudo_uid && *sudo_uid &&
	    strcmp(sudo_uid, "0")) {
		o.user = sudo_uid;
		if (!o.quiet)
			fprintf(stderr,
			        "tailor record: note: running the command as uid %s (%s), who ran "
			        "sudo; '--user root' runs it as root\n",
			        o.user, getenv("SUDO_USER") ? getenv("SUDO_USER") : "SUDO_UID");
	}
	err = tl_rec_run(&o, &res);
	if (err) {
		cli_lib_error("record");
		if (res.interrupted) /* before anything ran: as if the signal had ended it */
			return 128 + res.signal;
		if (res.command_error)
			return err == -ENOENT ? TL_EXIT_NOTFOUND : TL_EXIT_NOEXEC;
		return TL_EXIT_TAILOR;
	}
	if (res.interrupted && o.all_containers)
		fprintf(stderr,
		        "tailor record: stopped by signal %d; the traces of containers still "
		        "running are marked incomplete\n",
		        res.signal);
	else if (res.interrupted)
		fprintf(stderr, "tailor record: stopped by signal %d; trace marked incomplete\n",
		        res.signal);
	if (res.has_exit_status)
		return res.exit_status;
	if (res.interrupted && o.argv)
		return 128 + res.signal;
	return TL_EXIT_OK;
}
