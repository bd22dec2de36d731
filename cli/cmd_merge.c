// SPDX-License-Identifier: Apache-2.0
/* tailor merge: the union of several traces, written as one trace. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/trace.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tailor merge -o OUT TRACE...\n"
	        "\n"
	        "Write the union of the traces to OUT ('-' for stdout): syscall and errno\n"
	        "counts are added per ABI, executed programs united, runs appended in the\n"
	        "order given.  The output is deterministic (docs/trace-format.md).\n"
	        "Every input must be a trace of format version %d; any unreadable or\n"
	        "malformed input stops the merge and OUT is left untouched.\n"
	        "\n"
	        "options:\n"
	        "  -o, --output OUT   where to write the merged trace (required)\n"
	        "  -h, --help         this help\n"
	        "\n"
	        "exit status: 0 merged, 1 an input or the output failed, 2 usage error\n",
	        TL_TRACE_VERSION);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *out = NULL;
	struct tl_trace all, one;
	int c, r, ret = TL_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			return cli_bad_option("merge", "o:h", argv, TL_EXIT_USAGE);
		}
	}
	if (!out || optind >= argc) {
		cli_error("merge: %s (see 'tailor merge --help')",
		          !out ? "-o OUT is required" : "no input trace given");
		return TL_EXIT_USAGE;
	}
	tl_trace_init(&all);
	for (int i = optind; i < argc; i++) {
		r = tl_trace_load(argv[i], &one);
		if (!r)
			r = tl_trace_merge(&all, &one);
		tl_trace_free(&one);
		if (r)
			goto out;
	}
	if (tl_trace_save(&all, out))
		goto out;
	ret = TL_EXIT_OK;
out:
	if (ret != TL_EXIT_OK)
		cli_lib_error("merge");
	tl_trace_free(&all);
	return ret;
}
