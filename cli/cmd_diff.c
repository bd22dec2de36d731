// SPDX-License-Identifier: Apache-2.0
/* tailor diff: what NEW may do that OLD could not, with a risk class per change. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/diff.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: tailor diff OLD NEW [--format text|markdown|json] [--fail-on none|risky|any]\n"
	    "\n"
	    "Compare two traces or two seccomp profiles (or one of each) and list what\n"
	    "changed, per architecture, each change with a risk class (critical, high,\n"
	    "medium, low) and the reason.  OLD and NEW may be tailor traces (JSON with a\n"
	    "\"tailor_trace\" key), Docker/OCI/k8s-json seccomp profiles, whole OCI\n"
	    "config.json files, or SeccompProfile YAML (Security Profiles Operator).\n"
	    "\n"
	    "Both sides are normalised first, so different spellings of one policy show\n"
	    "no change.  A trace is compared as the profile `tailor generate` makes of\n"
	    "it; between two traces, files, programs, capabilities and network families\n"
	    "are compared too, and each new syscall shows who made it when the trace\n"
	    "has callsites.  includes/excludes are resolved for an amd64 container with\n"
	    "no capabilities on a recent kernel (docs/diff.md).\n"
	    "\n"
	    "options:\n"
	    "  -f, --format FORMAT   text (default; coloured on a terminal unless NO_COLOR\n"
	    "                        is set), markdown (a pull-request comment), json\n"
	    "                        (schema: docs/diff.md)\n"
	    "      --fail-on GATE    none (default): exit 0 whatever changed\n"
	    "                        risky: exit 1 if a change adds or widens something of\n"
	    "                        risk medium or above\n"
	    "                        any: exit 1 if anything changed\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "exit status: 0 no change that fails the gate, 1 the gate failed, 2 usage or\n"
	    "input error (one line on stderr naming the file and the problem)\n");
}

enum { OPT_FAIL_ON = 256 };

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct tl_diff_side old, new;
	struct tl_diff d = {0};
	enum tl_diff_format fmt = TL_DIFF_TEXT;
	enum tl_diff_gate gate = TL_DIFF_GATE_NONE;
	char *out = NULL;
	size_t len = 0;
	int c, ret = TL_EXIT_USAGE;

	optind = 0; /* GNU getopt permutes: options may also follow the files */
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((c = tl_diff_format_from_name(optarg)) < 0) {
				cli_lib_error("diff");
				return TL_EXIT_USAGE;
			}
			fmt = (enum tl_diff_format)c;
			break;
		case OPT_FAIL_ON:
			if ((c = tl_diff_gate_from_name(optarg)) < 0) {
				cli_lib_error("diff");
				return TL_EXIT_USAGE;
			}
			gate = (enum tl_diff_gate)c;
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			return cli_bad_option("diff", "f:h", argv, TL_EXIT_USAGE);
		}
	}
	if (argc - optind != 2) {
		cli_error("diff: expected two files, OLD and NEW (see 'tailor diff --help')");
		return TL_EXIT_USAGE;
	}

	/* Both sides are initialised by tl_diff_side_load, even when it fails. */
	if (tl_diff_side_load(argv[optind], &old)) {
		cli_lib_error("diff");
		tl_diff_side_free(&old);
		return TL_EXIT_USAGE;
	}
	if (tl_diff_side_load(argv[optind + 1], &new) || tl_diff_compute(&old, &new, &d) ||
	    tl_diff_render(&d, &old, &new, fmt,
	                   fmt == TL_DIFF_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
	                   &out, &len)) {
		cli_lib_error("diff");
		goto out;
	}
	/* as generate and merge: "tailor diff: writing to stdout: REASON" */
	if (tl_write_file_atomic("-", out, len, 0)) {
		cli_lib_error("diff");
		goto out;
	}
	ret = tl_diff_gate_fails(&d, gate) ? TL_EXIT_FAIL : TL_EXIT_OK;
out:
	free(out);
	tl_diff_free(&d);
	tl_diff_side_free(&old);
	tl_diff_side_free(&new);
	return ret;
}
