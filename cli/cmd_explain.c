// SPDX-License-Identifier: Apache-2.0
/*
 * tailor explain: who made each syscall -- the program and the call chain
 * of its first call and of every new argument value, from a trace's
 * callsites (recorded with stacks, symbolized at record time).  Frames the
 * recorder could not symbolize are tried again here by build id.
 */
#include <errno.h>
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
	    "Stacks come from frame pointers: code built without them may show gaps,\n"
	    "and a libc wrapper that makes no frame of its own (getpriority, most\n"
	    "syscall stubs) hides its caller: the next frame is the caller's caller.\n"
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

/* A name the trace uses: also "__nr_<n>", a number libseccomp could not name. */
static bool in_trace(const struct tl_trace *t, const char *name)
{
	for (int a = 0; a < TL_ABI_COUNT; a++)
		if (tl_trace_find(t, (enum tl_abi)a, name))
			return true;
	for (size_t i = 0; i < t->ncallsites; i++)
		if (!strcmp(t->callsites[i].syscall, name))
			return true;
	return false;
}

static void put_esc(FILE *out, const char *s)
{
	while (*s) {
		size_t n = tl_printable_len(s);

		if (n)
			fwrite(s, 1, n, out);
		else
			fprintf(out, "\\x%02x", (unsigned char)*s);
		s += n ? n : 1;
	}
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
	if (file && name) {
		put_esc(out, base_name(file));
		fputc(' ', out);
		put_esc(out, name);
		fprintf(out, "+0x%" PRIx64, symoff);
	} else if (file) {
		put_esc(out, base_name(file));
		fprintf(out, "+0x%" PRIx64, f->offset);
	} else if (f->build_id) {
		fputs("[build-id ", out);
		put_esc(out, f->build_id);
		fprintf(out, "]+0x%" PRIx64, f->offset);
	} else {
		fprintf(out, "0x%" PRIx64, f->offset);
	}
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

/* Every run is a complain run: no stacks by design, not by an option. */
static bool all_complain(const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++)
		if (!t->runs[i].kind || strcmp(t->runs[i].kind, "complain"))
			return false;
	return t->nruns > 0;
}

/* The report: per ABI and syscall, each callsite's program and frames. */
static void report(FILE *out, const struct tl_trace *t, const char *path, char **names, int nnames,
                   const char *arrow)
{
	struct tl_symbolizer *sym = NULL;
	const char *first;

	if (!t->ncallsites) {
		put_esc(out, path);
		fprintf(out, ": no callsites: %s\n",
		        any_run_has(t, "stacks") ? "none were recorded"
		        : all_complain(t)
		            ? "a complain trace (tailor run --complain) records no stacks; "
		              "tailor record the program to see where it makes its calls"
		            : "recorded without stacks (tailor record "
		              "--no-stacks, or an older tailor)");
		return;
	}
	/* its real first call may have come before the recording */
	first = any_run_late(t) ? "first recorded call" : "first call";
	tl_sym_new(&sym); /* NULL on ENOMEM: frames are shown as recorded */
	for (size_t i = 0; i < t->ncallsites; i++) {
		const struct tl_callsite *cs = &t->callsites[i];
		const struct tl_callsite *prev = i ? &t->callsites[i - 1] : NULL;

		if (!wanted(names, nnames, cs->syscall))
			continue;
		if (!prev || prev->abi != cs->abi || strcmp(prev->syscall, cs->syscall)) {
			fprintf(out, "%s ", tl_abi_name((enum tl_abi)cs->abi));
			put_esc(out, cs->syscall);
			fputc('\n', out);
		}
		fputs("  ", out);
		put_esc(out, cs->detail ? cs->detail : first);
		fputs(" in ", out);
		put_esc(out, cs->program && cs->program[0] ? cs->program : "(unknown program)");
		fputs(":\n    ", out);
		put_esc(out, cs->syscall);
		for (size_t k = 0; k < cs->nframes; k++) {
			fprintf(out, " %s ", arrow);
			print_frame(out, sym, &cs->frames[k], k == 0);
		}
		if (!cs->nframes)
			fputs(" (no user stack: the kernel could not read it)", out);
		fputc('\n', out);
	}
	/* Syscalls asked for but never explained. */
	for (int i = 0; i < nnames; i++) {
		bool seen = false, called = false;

		for (size_t k = 0; k < t->ncallsites && !seen; k++)
			seen = !strcmp(t->callsites[k].syscall, names[i]);
		for (int a = 0; a < TL_ABI_COUNT && !called; a++)
			called = tl_trace_find(t, (enum tl_abi)a, names[i]) != NULL;
		if (!seen) {
			put_esc(out, names[i]);
			fprintf(out, ": %s\n",
			        called ? "called, but no callsite was recorded"
			               : "not in the trace");
		}
	}
	tl_sym_free(sym);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"ascii", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *arrow = "←", *path;
	struct tl_trace t;
	char **names, *text = NULL;
	size_t len = 0;
	FILE *out = NULL;
	int c, nnames, ret = TL_EXIT_FAIL;

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
			return cli_bad_option("explain", "h", argv, TL_EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		cli_error("explain: no trace given (see 'tailor explain --help')");
		return TL_EXIT_USAGE;
	}
	path = argv[optind];
	names = argv + optind + 1;
	nnames = argc - optind - 1;
	/* usage errors first; a "__nr_<n>" name is checked against the trace below */
	for (int i = 0; i < nnames; i++)
		if (!known_anywhere(names[i]) && strncmp(names[i], "__nr_", 5)) {
			cli_error("explain: '%s' is not a syscall name on any ABI", names[i]);
			return TL_EXIT_USAGE;
		}
	if (tl_trace_load(path, &t)) {
		cli_lib_error("explain");
		goto out;
	}
	/* a number libseccomp cannot name is "__nr_<n>" in the trace (docs/trace-format.md) */
	for (int i = 0; i < nnames; i++)
		if (!known_anywhere(names[i]) && !in_trace(&t, names[i])) {
			cli_error("explain: '%s' is not a syscall name on any ABI, nor in %s",
			          names[i], path);
			ret = TL_EXIT_USAGE;
			goto out;
		}
	/*
	 * Built in memory and written like generate's and merge's output: a
	 * failed write (disk full) is reported with its errno, which stdio's
	 * buffer would lose.
	 */
	out = open_memstream(&text, &len);
	if (!out) {
		cli_error("explain: %s", strerror(errno));
		goto out;
	}
	report(out, &t, path, names, nnames, arrow);
	c = fclose(out);
	out = NULL;
	if (c) {
		cli_error("explain: %s", strerror(errno));
		goto out;
	}
	if (tl_write_file_atomic("-", text, len, 0)) {
		cli_lib_error("explain");
		goto out;
	}
	ret = TL_EXIT_OK;
out:
	if (out)
		fclose(out);
	free(text);
	tl_trace_free(&t);
	return ret;
}
