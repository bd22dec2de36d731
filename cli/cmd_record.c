// SPDX-License-Identifier: Apache-2.0
/* tailor record: trace a command (and its descendants) or a running process. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/tracer.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tailor record [-o TRACE] [options] -- COMMAND [ARG...]\n"
	        "       tailor record [-o TRACE] [options] --pid PID\n"
	        "\n"
	        "Record the syscalls of COMMAND and of every descendant (forked, threaded,\n"
	        "exec'ed, daemonized), or of a running process, its threads and its future\n"
	        "children, with eBPF tracepoints.  tailor's own syscalls are never recorded;\n"
	        "the command is recorded from its first instruction.\n"
	        "\n"
	        "options:\n"
	        "  -o, --output TRACE  write the trace (JSON) to TRACE; default '-' (stdout).\n"
	        "                      The file is replaced atomically.\n"
	        "  -p, --pid PID       record the running process PID until it exits or\n"
	        "                      tailor gets SIGINT/SIGTERM.\n"
	        "      --grace MS      after SIGINT/SIGTERM, wait up to MS milliseconds for the\n"
	        "                      command to end (default 2000).\n"
	        "      --no-stacks     do not capture user call stacks (no callsites for\n"
	        "                      'tailor explain'; slightly cheaper).\n"
	        "  -q, --quiet         no live status line (shown only when stderr is a tty).\n"
	        "  -v, --verbose       show libbpf's messages.\n"
	        "  -h, --help          this help.\n"
	        "\n"
	        "signals: SIGINT/SIGTERM/SIGHUP stop the recording; the trace is still\n"
	        "written, marked incomplete.  A signal sent with kill(1) is forwarded to the\n"
	        "command (a terminal's ^C already reached it); --pid targets get nothing.\n"
	        "A second signal stops waiting for the command.\n"
	        "\n"
	        "exit status: the command's (128+N when it died of signal N); with --pid, 0.\n"
	        "  125  tailor failed (usage, no privileges, no kernel BTF, BPF load error)\n"
	        "  126  COMMAND found but not executable\n"
	        "  127  COMMAND not found\n"
	        "  128+N  tailor stopped by signal N and the command did not end in time\n"
	        "\n"
	        "Needs root or CAP_BPF+CAP_PERFMON, and kernel BTF (/sys/kernel/btf/vmlinux).\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'}, {"pid", required_argument, NULL, 'p'},
	    {"grace", required_argument, NULL, 'g'},  {"quiet", no_argument, NULL, 'q'},
	    {"no-stacks", no_argument, NULL, 'S'},    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct tl_rec_opts o = {.output = "-", .grace_ms = 2000};
	struct tl_rec_result res;
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
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 3600000) {
				cli_error("record: --grace: '%s' is not a number of milliseconds",
				          optarg);
				return TL_EXIT_TAILOR;
			}
			o.grace_ms = (int)v;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'S':
			o.no_stacks = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			fprintf(stderr, "(see 'tailor record --help')\n");
			return TL_EXIT_TAILOR;
		}
	}
	if (optind < argc)
		o.argv = argv + optind;
	if (!o.argv == !o.pid) {
		cli_error("record: give either a COMMAND (after --) or --pid PID "
		          "(see 'tailor record --help')");
		return TL_EXIT_TAILOR;
	}
	err = tl_rec_run(&o, &res);
	if (err) {
		cli_lib_error("record");
		if (res.command_error)
			return err == -ENOENT ? TL_EXIT_NOTFOUND : TL_EXIT_NOEXEC;
		return TL_EXIT_TAILOR;
	}
	if (res.interrupted)
		fprintf(stderr, "tailor record: stopped by signal %d; trace marked incomplete\n",
		        res.signal);
	if (res.has_exit_status)
		return res.exit_status;
	if (res.interrupted && o.argv)
		return 128 + res.signal;
	return TL_EXIT_OK;
}
