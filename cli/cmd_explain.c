// SPDX-License-Identifier: Apache-2.0
/*
 * tailor explain: who made each syscall -- the program and the call chain
 * of its first call and of every new argument value, from a trace's
 * callsites (recorded with stacks, symbolized at record time).  Frames the
 * recorder could not symbolize are tried again here by build id.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: tailor explain [--ascii] TRACE [SYSCALL...]\n"
	    "\n"
	    "Show who made each syscall of TRACE (or only the SYSCALLs named): per ABI\n"
	    "and syscall, the program and the user call chain of the first call, and of\n"
	    "each call that brought a new argument value (the detail, e.g. arg2=0x5),\n"
	    "innermost frame first:\n"
	    "\n"
	    "  x86_64 getpriority\n"
	    "    first call in /usr/bin/app:\n"
	    "      getpriority ← libc.so.6 getpriority+0xb ← app check_nice+0x1c ← app main+0x2a\n"
	    "\n"
	    "A frame is FILE SYMBOL+0xOFFSET, or FILE+0xFILEOFFSET without a symbol, or\n"
	    "[build-id ID]+0xFILEOFFSET when the file is unknown.  Symbols were resolved\n"
	    "when the trace was recorded, so moved or deleted binaries do not matter; a\n"
	    "frame left unresolved then is looked up again by build id (the recorded\n"
	    "path if its build id still matches, /usr/lib/debug/.build-id/).\n"
	    "Stacks come from frame pointers: code built without them may show gaps.\n"
	    "A trace recorded after its program started (record --pid, a running\n"
	    "container) says \"first recorded call\".\n"
	    "\n"
	    "options:\n"
	    "  --ascii     write '<-' instead of '←'\n"
	    "  -h, --help  this help\n"
	    "\n"
	    "exit status: 0 shown (also when the trace has no callsites: recorded with\n"
	    "--no-stacks), 1 the trace cannot be read, 2 usage error (unknown syscall)\n");
}

static bool known_anywhere(const char *name)
{
	for (int a = 0; a < TL_ABI_COUNT; a++)
		if (tl_syscall_known((enum tl_abi)a, name))
			return true;
	return false;
}

static bool wanted(char **names, int n, const char *syscall)
{
	if (!n)
		return true;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], syscall))
			return true;
	return false;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * A frame unresolved at record time: find the binary by build id now.
 * Frames after the innermost are return addresses: the call is just before.
 */
static bool resolve_late(struct tl_symbolizer *sym, const struct tl_frame *f, bool innermost,
                         const char **file, const char **name, uint64_t *symoff)
{
	uint8_t id[TL_BUILD_ID_MAX];
	struct tl_sym_module *m;
	uint64_t back = !innermost && f->offset;

	if (!sym || !f->build_id || tl_build_id_parse(f->build_id, id))
		return false;
	m = tl_sym_locate(sym, id, f->file);
	if (!m || !tl_sym_lookup(m, f->offset - back, name, symoff))
		return false;
	*symoff += back;
	*file = f->file ? f->file : tl_sym_path(m);
	return true;
}

static void print_frame(FILE *out, struct tl_symbolizer *sym, const struct tl_frame *f,
                        bool innermost)
{
	const char *file = f->file, *name = f->symbol;
	uint64_t symoff = f->symoff;

	if (!name)
		resolve_late(sym, f, innermost, &file, &name, &symoff);
	if (file && name)
		fprintf(out, "%s %s+0x%" PRIx64, base_name(file), name, symoff);
	else if (file)
		fprintf(out, "%s+0x%" PRIx64, base_name(file), f->offset);
	else if (f->build_id)
		fprintf(out, "[build-id %s]+0x%" PRIx64, f->build_id, f->offset);
	else
		fprintf(out, "0x%" PRIx64, f->offset);
}

static bool any_run_has(const struct tl_trace *t, const char *feature)
{
	for (size_t i = 0; i < t->nruns; i++)
		for (size_t j = 0; t->runs[i].features && t->runs[i].features[j]; j++)
			if (!strcmp(t->runs[i].features[j], feature))
				return true;
	return false;
}

/* A run recorded only after its program had started (--pid, a running container). */
static bool any_run_late(const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++)
		for (size_t k = 0; k < t->runs[i].nlost; k++)
			if (!strcmp(t->runs[i].lost[k].name, "start") && t->runs[i].lost[k].value)
				return true;
	return false;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"ascii", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct tl_symbolizer *sym = NULL;
	const char *arrow = "←", *path, *first;
	struct tl_trace t;
	char **names;
	int c, nnames;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arrow = "<-";
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			fprintf(stderr, "(see 'tailor explain --help')\n");
			return TL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("explain: no trace given (see 'tailor explain --help')");
		return TL_EXIT_USAGE;
	}
	path = argv[optind];
	names = argv + optind + 1;
	nnames = argc - optind - 1;
	for (int i = 0; i < nnames; i++)
		if (!known_anywhere(names[i])) {
			cli_error("explain: '%s' is not a syscall name on any ABI", names[i]);
			return TL_EXIT_USAGE;
		}
	if (tl_trace_load(path, &t)) {
		cli_lib_error("explain");
		tl_trace_free(&t);
		return TL_EXIT_FAIL;
	}
	if (!t.ncallsites) {
		printf("%s: no callsites: %s\n", path,
		       any_run_has(&t, "stacks") ? "none were recorded"
		                                 : "recorded without stacks (tailor record "
		                                   "--no-stacks, or an older tailor)");
		tl_trace_free(&t);
		return TL_EXIT_OK;
	}
	/* its real first call may have come before the recording */
	first = any_run_late(&t) ? "first recorded call" : "first call";
	tl_sym_new(&sym); /* NULL on ENOMEM: frames are shown as recorded */
	for (size_t i = 0; i < t.ncallsites; i++) {
		const struct tl_callsite *cs = &t.callsites[i];
		const struct tl_callsite *prev = i ? &t.callsites[i - 1] : NULL;

		if (!wanted(names, nnames, cs->syscall))
			continue;
		if (!prev || prev->abi != cs->abi || strcmp(prev->syscall, cs->syscall))
			printf("%s %s\n", tl_abi_name((enum tl_abi)cs->abi), cs->syscall);
		printf("  %s in %s:\n", cs->detail ? cs->detail : first,
		       cs->program && cs->program[0] ? cs->program : "(unknown program)");
		printf("    %s", cs->syscall);
		for (size_t k = 0; k < cs->nframes; k++) {
			printf(" %s ", arrow);
			print_frame(stdout, sym, &cs->frames[k], k == 0);
		}
		if (!cs->nframes)
			printf(" (no user stack: the kernel could not read it)");
		putchar('\n');
	}
	/* Syscalls asked for but never explained. */
	for (int i = 0; i < nnames; i++) {
		bool seen = false, called = false;

		for (size_t k = 0; k < t.ncallsites && !seen; k++)
			seen = !strcmp(t.callsites[k].syscall, names[i]);
		for (int a = 0; a < TL_ABI_COUNT && !called; a++)
			called = tl_trace_find(&t, (enum tl_abi)a, names[i]) != NULL;
		if (!seen)
			printf("%s: %s\n", names[i],
			       called ? "called, but no callsite was recorded"
			              : "not in the trace");
	}
	tl_sym_free(sym);
	tl_trace_free(&t);
	return TL_EXIT_OK;
}
