// SPDX-License-Identifier: Apache-2.0
/* Unit tests of the trace model and its JSON form (docs/trace-format.md). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/trace.h"

#define TRACES TEST_DATA "/traces/"

static char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;

	assert_int_equal(tl_read_file(path, &buf, len, 0), 0);
	return buf;
}

static void test_names(void **state)
{
	char buf[16], *n;

	(void)state;
	assert_string_equal(tl_abi_name(TL_ABI_X86_64), "x86_64");
	assert_string_equal(tl_abi_name(TL_ABI_X86), "x86");
	assert_string_equal(tl_abi_name(TL_ABI_X32), "x32");
	assert_int_equal(tl_abi_from_name("x32"), TL_ABI_X32);
	assert_int_equal(tl_abi_from_name("arm64"), -EINVAL);

	assert_string_equal(tl_errno_name(ENOSYS, buf), "ENOSYS");
	assert_string_equal(tl_errno_name(EAGAIN, buf), "EAGAIN");
	assert_string_equal(tl_errno_name(4000, buf), "E4000");
	assert_int_equal(tl_errno_from_name("ENOSYS"), ENOSYS);
	assert_int_equal(tl_errno_from_name("E38"), 38);
	assert_int_equal(tl_errno_from_name("E4000"), 4000);
	assert_int_equal(tl_errno_from_name("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(tl_errno_from_name("EFROB"), -EINVAL);
	assert_int_equal(tl_errno_from_name("E0"), -EINVAL);
	assert_int_equal(tl_errno_from_name("E-1"), -EINVAL);
	assert_int_equal(tl_errno_from_name("E"), -EINVAL);
	for (int e = 1; e < 140; e++)
		assert_int_equal(tl_errno_from_name(tl_errno_name(e, buf)), e);

	n = tl_syscall_name(TL_ABI_X86_64, 0);
	assert_string_equal(n, "read");
	free(n);
	n = tl_syscall_name(TL_ABI_X86, 3);
	assert_string_equal(n, "read");
	free(n);
	/* x32 numbers carry 0x40000000; a number without the bit gets it. */
	n = tl_syscall_name(TL_ABI_X32, 0x40000000);
	assert_string_equal(n, "read");
	free(n);
	n = tl_syscall_name(TL_ABI_X32, 0);
	assert_string_equal(n, "read");
	free(n);
	assert_null(tl_syscall_name(TL_ABI_X86_64, 99999));
	assert_int_equal(tl_syscall_nr(TL_ABI_X86_64, "execve"), 59);
	assert_int_equal(tl_syscall_nr(TL_ABI_X32, "read"), 0x40000000);
	assert_int_equal(tl_syscall_nr(TL_ABI_X86_64, "frobnicate"), -ENOENT);
	assert_int_equal(tl_syscall_nr(TL_ABI_X86_64, "socketcall"), -ENOENT);
	assert_true(tl_syscall_known(TL_ABI_X86, "socket"));
	assert_true(tl_syscall_known(TL_ABI_X86, "socketcall"));
	assert_false(tl_syscall_known(TL_ABI_X86_64, "socketcall"));
	assert_false(tl_syscall_known(TL_ABI_X86_64, "frobnicate"));
}

static void test_model(void **state)
{
	struct tl_trace t;
	struct tl_syscall *s;
	struct tl_run run = {0}, *r;
	char *argv[] = {"sh", "-c", "true", NULL};

	(void)state;
	tl_trace_init(&t);
	assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, "write", 1));
	assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, NULL, 0)); /* read */
	assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, "close", -1));
	s = tl_trace_syscall(&t, TL_ABI_X86_64, NULL, 99999);
	assert_non_null(s);
	assert_string_equal(s->name, "__nr_99999");
	assert_int_equal(t.abi[TL_ABI_X86_64].n, 4);
	assert_string_equal(t.abi[TL_ABI_X86_64].sys[0].name, "__nr_99999");
	assert_string_equal(t.abi[TL_ABI_X86_64].sys[1].name, "close");
	assert_int_equal(t.abi[TL_ABI_X86_64].sys[1].nr, 3);
	assert_string_equal(t.abi[TL_ABI_X86_64].sys[2].name, "read");
	assert_string_equal(t.abi[TL_ABI_X86_64].sys[3].name, "write");
	/* Find-or-insert returns the existing entry. */
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "read", 0);
	assert_ptr_equal(s, tl_trace_find(&t, TL_ABI_X86_64, "read"));
	assert_int_equal(t.abi[TL_ABI_X86_64].n, 4);
	assert_null(tl_trace_find(&t, TL_ABI_X86, "read"));
	s = tl_trace_syscall(&t, TL_ABI_X32, NULL, 0);
	assert_string_equal(s->name, "read");
	assert_int_equal(s->nr, 0x40000000);

	s = tl_trace_syscall(&t, TL_ABI_X86_64, "read", 0);
	assert_int_equal(tl_syscall_add_errno(s, EINTR, 2), 0);
	assert_int_equal(tl_syscall_add_errno(s, EAGAIN, 1), 0);
	assert_int_equal(tl_syscall_add_errno(s, EINTR, 3), 0);
	assert_int_equal(tl_syscall_add_errno(s, 0, 1), -EINVAL);
	assert_int_equal(s->nerrs, 2);
	assert_int_equal(s->errs[0].err, EINTR); /* 4 < 11 */
	assert_int_equal(s->errs[0].count, 5);
	assert_int_equal(s->errs[1].err, EAGAIN);

	assert_int_equal(tl_trace_add_exec(&t, "/bin/sh", NULL, 1), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/bin/cat", "/bin/sh", 1), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/bin/sh", "", 2), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/bin/sh", "/bin/init", 1), 0);
	assert_int_equal(t.nexecs, 3);
	assert_string_equal(t.execs[0].path, "/bin/cat");
	assert_string_equal(t.execs[1].parent, "");
	assert_int_equal(t.execs[1].count, 3);
	assert_string_equal(t.execs[2].parent, "/bin/init");

	run.kind = "command";
	run.argv = argv;
	run.complete = true;
	assert_true(tl_trace_complete(&t));
	assert_int_equal(tl_trace_add_run(&t, &run), 0);
	r = &t.runs[0];
	assert_ptr_not_equal(r->argv, argv);
	assert_string_equal(r->argv[2], "true");
	assert_int_equal(tl_run_add_lost(r, "events", 2), 0);
	assert_int_equal(tl_run_add_lost(r, "args", 1), 0);
	assert_int_equal(tl_run_add_lost(r, "events", 1), 0);
	assert_string_equal(r->lost[0].name, "args");
	assert_int_equal(r->lost[1].value, 3);
	assert_int_equal(tl_trace_lost(&t), 4);
	assert_false(tl_trace_complete(&t));
	tl_trace_free(&t);
	tl_trace_free(&t); /* idempotent */
}

/* The writer's output for valid-basic.json is pinned by a golden file. */
static void test_roundtrip(void **state)
{
	struct tl_trace t, u;
	char *text, *out1, *out2, *golden;
	size_t len, len1, len2, glen;

	(void)state;
	text = slurp(TRACES "valid-basic.json", &len);
	assert_int_equal(tl_trace_from_json(text, len, "valid-basic.json", &t), 0);
	assert_int_equal(t.nruns, 1);
	assert_int_equal(t.runs[0].pid, 123);
	assert_true(t.runs[0].has_exit_status);
	assert_null(t.runs[0].target);
	assert_int_equal(tl_trace_find(&t, TL_ABI_X86_64, "read")->calls, 12);
	assert_int_equal(tl_trace_find(&t, TL_ABI_X86, "socket")->nr, 359);
	assert_int_equal(tl_trace_to_json(&t, &out1, &len1), 0);
	assert_int_equal(strlen(out1), len1);
	assert_int_equal(out1[len1 - 1], '\n');
	golden = slurp(TRACES "valid-basic.expected.json", &glen);
	assert_string_equal(out1, golden);

	assert_int_equal(tl_trace_from_json(out1, len1, "out", &u), 0);
	assert_int_equal(tl_trace_to_json(&u, &out2, &len2), 0);
	assert_int_equal(len1, len2);
	assert_memory_equal(out1, out2, len1);

	free(text);
	free(out1);
	free(out2);
	free(golden);
	tl_trace_free(&t);
	tl_trace_free(&u);
}

static void build(struct tl_trace *t, bool reverse)
{
	static const char *const names[] = {"read", "write", "openat", "mmap", "close"};
	size_t n = TL_ARRAY_SIZE(names);
	struct tl_run run = {.kind = "pid", .complete = true, .pid = 1};

	tl_trace_init(t);
	for (size_t k = 0; k < n; k++) {
		size_t i = reverse ? n - 1 - k : k;
		struct tl_syscall *s = tl_trace_syscall(t, TL_ABI_X86_64, names[i], -1);

		s->calls += i + 1;
		s->ok += i;
		assert_int_equal(tl_syscall_add_errno(s, reverse ? ENOENT : EACCES, 1), 0);
		assert_int_equal(tl_syscall_add_errno(s, reverse ? EACCES : ENOENT, 1), 0);
		assert_int_equal(tl_trace_add_exec(t, names[i], "/p", 1), 0);
	}
	assert_int_equal(tl_trace_add_run(t, &run), 0);
	assert_int_equal(tl_run_add_lost(&t->runs[0], reverse ? "b" : "a", 0), 0);
	assert_int_equal(tl_run_add_lost(&t->runs[0], reverse ? "a" : "b", 0), 0);
}

static void test_determinism(void **state)
{
	struct tl_trace a, b;
	char *ja, *jb, *file;
	size_t la, lb, lf;
	char path[] = "/tmp/tailor-test-trace.XXXXXX";
	int fd;

	(void)state;
	build(&a, false);
	build(&b, true);
	assert_int_equal(tl_trace_to_json(&a, &ja, &la), 0);
	assert_int_equal(tl_trace_to_json(&b, &jb, &lb), 0);
	assert_string_equal(ja, jb);
	/* save writes exactly the serialisation. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tl_trace_save(&a, path), 0);
	file = slurp(path, &lf);
	assert_string_equal(file, ja);
	unlink(path);
	free(ja);
	free(jb);
	free(file);
	tl_trace_free(&a);
	tl_trace_free(&b);
}

static void test_merge(void **state)
{
	struct tl_trace t, u;
	const struct tl_syscall *s;

	(void)state;
	assert_int_equal(tl_trace_load(TRACES "valid-basic.json", &t), 0);
	assert_int_equal(tl_trace_load(TRACES "valid-second.json", &u), 0);
	assert_true(tl_trace_complete(&t));
	assert_false(tl_trace_complete(&u));
	assert_int_equal(tl_trace_merge(&t, &u), 0);

	s = tl_trace_find(&t, TL_ABI_X86_64, "read");
	assert_int_equal(s->calls, 15);
	assert_int_equal(s->ok, 13);
	assert_int_equal(s->nerrs, 2);
	assert_int_equal(s->errs[0].err, EINTR);
	assert_int_equal(s->errs[0].count, 1);
	assert_int_equal(s->errs[1].err, EAGAIN);
	assert_int_equal(s->errs[1].count, 2);
	assert_int_equal(tl_trace_find(&t, TL_ABI_X86_64, "write")->calls, 4);
	assert_int_equal(tl_trace_find(&t, TL_ABI_X86_64, "clone3")->calls, 2);
	assert_int_equal(tl_trace_find(&t, TL_ABI_X32, "read")->nr, 0x40000000);
	assert_int_equal(t.abi[TL_ABI_X86_64].n, 5);

	assert_int_equal(t.nexecs, 2);
	assert_string_equal(t.execs[0].path, "/usr/bin/cat");
	assert_string_equal(t.execs[1].path, "/usr/bin/sh");
	assert_int_equal(t.execs[1].count, 3);

	assert_int_equal(t.nruns, 2);
	assert_string_equal(t.runs[0].kind, "command");
	assert_string_equal(t.runs[1].kind, "pid");
	assert_int_equal(tl_trace_lost(&t), 3);
	assert_false(tl_trace_complete(&t));

	/* Merging into an empty trace copies; counts saturate instead of wrapping. */
	tl_trace_free(&u);
	tl_trace_init(&u);
	assert_int_equal(tl_trace_merge(&u, &t), 0);
	tl_trace_syscall(&u, TL_ABI_X86_64, "read", 0)->calls = UINT64_MAX - 1;
	assert_int_equal(tl_trace_merge(&u, &t), 0);
	assert_true(tl_trace_find(&u, TL_ABI_X86_64, "read")->calls == UINT64_MAX);
	assert_int_equal(u.nruns, 4);
	tl_trace_free(&t);
	tl_trace_free(&u);
}

static const struct {
	const char *file;
	int err;
	const char *msg;
} bad[] = {
    {"bad-empty.json", -EINVAL, "trace.json: empty file"},
    {"bad-truncated.json", -EINVAL,
     "trace.json: not JSON (line 4, column 1: unexpected end of data)"},
    {"bad-syntax.json", -EINVAL,
     "trace.json: not JSON (line 5, column 5: quoted object property name expected)"},
    {"bad-trailing.json", -EINVAL,
     "trace.json: not JSON (line 1, column 58: trailing data after the JSON document)"},
    {"bad-array.json", -EINVAL,
     "trace.json: not a tailor trace (the document is an array, not an object)"},
    {"bad-notrace.json", -EINVAL, "trace.json: not a tailor trace (no \"tailor_trace\" key)"},
    {"bad-version.json", -EPROTONOSUPPORT,
     "trace.json: trace format version 2 is not supported by this tailor (reads 1)"},
    {"bad-version-type.json", -EINVAL,
     "trace.json: tailor_trace: expected an integer, got a string"},
    {"bad-abi.json", -EINVAL, "trace.json: abis.arm64: unknown ABI (expected x86_64, x86 or x32)"},
    {"bad-syscall.json", -EINVAL,
     "trace.json: abis.x86_64.frobnicate: unknown syscall for x86_64 (libseccomp 2.5.4)"},
    {"bad-syscall-abi.json", -EINVAL,
     "trace.json: abis.x86_64.socketcall: unknown syscall for x86_64 (libseccomp 2.5.4)"},
    {"bad-negative.json", -EINVAL,
     "trace.json: abis.x86_64.read.calls: expected a non-negative integer"},
    {"bad-fraction.json", -EINVAL,
     "trace.json: abis.x86_64.read.calls: expected a non-negative integer"},
    {"bad-nr.json", -EINVAL,
     "trace.json: abis.x86_64.read.nr: 1 is not the number of read on x86_64"},
    {"bad-errno.json", -EINVAL, "trace.json: abis.x86_64.read.errors.EFROB: unknown errno name"},
    {"bad-errno-dup.json", -EINVAL,
     "trace.json: abis.x86_64.read.errors.E38: errno 38 listed twice"},
    {"bad-run-complete.json", -EINVAL,
     "trace.json: runs[0].complete: expected a boolean, got a string"},
    {"bad-run-command.json", -EINVAL,
     "trace.json: runs[0].command[1]: expected a string, got an integer"},
    {"bad-run-kind.json", -EINVAL, "trace.json: runs[0]: missing key \"kind\""},
    {"bad-run-lost.json", -EINVAL,
     "trace.json: runs[0].lost.events: expected a non-negative integer"},
    {"bad-runs-type.json", -EINVAL, "trace.json: runs: expected an array, got an object"},
    {"bad-no-abis.json", -EINVAL, "trace.json: missing key \"abis\""},
    {"bad-exec-count.json", -EINVAL, "trace.json: execs[0]: missing key \"count\""},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(bad); i++) {
		char path[512], *text;
		struct tl_trace t;
		size_t len;

		snprintf(path, sizeof(path), TRACES "%s", bad[i].file);
		text = slurp(path, &len);
		tl_err_clear();
		print_message("%s\n", bad[i].file);
		assert_int_equal(tl_trace_from_json(text, len, "trace.json", &t), bad[i].err);
		assert_string_equal(tl_err_msg(), bad[i].msg);
		/* On failure the trace is left empty. */
		assert_int_equal(t.nruns, 0);
		assert_int_equal(t.abi[TL_ABI_X86_64].n, 0);
		tl_trace_free(&t);
		free(text);
	}
}

static void test_load_errors(void **state)
{
	struct tl_trace t;

	(void)state;
	/* load names the file as given. */
	assert_int_equal(tl_trace_load(TRACES "bad-version.json", &t), -EPROTONOSUPPORT);
	assert_string_equal(tl_err_msg(), TRACES "bad-version.json: trace format version 2 is not "
	                                         "supported by this tailor (reads 1)");
	assert_int_equal(tl_trace_load(TRACES "no-such-file.json", &t), -ENOENT);
	assert_string_equal(tl_err_msg(), TRACES "no-such-file.json: cannot open: No such file or "
	                                         "directory");
	/* The size cap is checked before anything is read. */
	assert_int_equal(tl_trace_from_json("", (256u << 20) + 1, "big.json", &t), -EFBIG);
	assert_string_equal(tl_err_msg(), "big.json: larger than the 256 MiB limit for a trace");
	tl_trace_free(&t);
}

/* A one-syscall trace: read's counts, the run's kind and the version as written. */
static int read_small(const char *ver, const char *kind, const char *calls, const char *ok,
                      struct tl_trace *t)
{
	char doc[512];

	snprintf(doc, sizeof(doc),
	         "{\"tailor_trace\": %s, \"runs\": [{\"kind\": \"%s\", \"complete\": true}],\n"
	         "\"abis\": {\"x86_64\": {\"read\": {\"calls\": %s, \"ok\": %s}}}, \"execs\": []}",
	         ver, kind, calls, ok);
	tl_err_clear();
	return tl_trace_from_json(doc, strlen(doc), "trace.json", t);
}

/* Counts: ok never above calls; 2^64-1 is the largest, larger is refused (json-c would
 * saturate it), the number named as written. */
static void test_counts(void **state)
{
	struct tl_trace t;

	(void)state;
	assert_int_equal(read_small("1", "command", "7", "7", &t), 0);
	assert_int_equal(t.abi[TL_ABI_X86_64].sys[0].ok, 7);
	tl_trace_free(&t);
	assert_int_equal(read_small("1", "command", "7", "0", &t), 0);
	tl_trace_free(&t);
	assert_int_equal(
	    read_small("1", "command", "18446744073709551615", "18446744073709551615", &t), 0);
	assert_true(t.abi[TL_ABI_X86_64].sys[0].calls == UINT64_MAX);
	tl_trace_free(&t);

	assert_int_equal(read_small("1", "command", "7", "8", &t), -EINVAL);
	assert_string_equal(tl_err_msg(),
	                    "trace.json: abis.x86_64.read.ok: 8 is more than calls (7)");
	assert_int_equal(t.abi[TL_ABI_X86_64].n, 0);
	assert_int_equal(read_small("1", "command", "18446744073709551616", "1", &t), -EINVAL);
	assert_string_equal(tl_err_msg(),
	                    "trace.json: line 2, column 39: integer 18446744073709551616 is out of "
	                    "range (more than 18446744073709551615)");
	assert_int_equal(t.nruns, 0);
	assert_int_equal(read_small("1180591620717411303424", "command", "1", "1", &t), -EINVAL);
	assert_string_equal(
	    tl_err_msg(), "trace.json: line 1, column 18: integer 1180591620717411303424 is out of "
	                  "range (more than 18446744073709551615)");
	/* Within 64 bits but not a version: the message names it as written too. */
	assert_int_equal(read_small("18446744073709551615", "command", "1", "1", &t), -EINVAL);
	assert_string_equal(tl_err_msg(),
	                    "trace.json: tailor_trace: 18446744073709551615 is out of "
	                    "range");
}

/* Run kinds: one a later tailor may add is kept as it is (docs/trace-format.md). */
static void test_run_kind(void **state)
{
	struct tl_trace t, u;
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(read_small("1", "vm", "1", "1", &t), 0);
	assert_string_equal(t.runs[0].kind, "vm");
	assert_int_equal(tl_trace_to_json(&t, &out, &len), 0);
	assert_non_null(strstr(out, "\"kind\": \"vm\""));
	assert_int_equal(tl_trace_from_json(out, len, "out.json", &u), 0);
	assert_string_equal(u.runs[0].kind, "vm");
	free(out);
	tl_trace_free(&t);
	tl_trace_free(&u);
}

/* \u0000 in a key or string is an error: "brk\u0000x" beside "brk" must not hide behind it. */
static void test_nul(void **state)
{
	static const char dupkey[] =
	    "{\"tailor_trace\": 1, \"runs\": [], \"execs\": [], \"abis\": {\"x86_64\": {\n"
	    "\"brk\": {\"calls\": 1, \"ok\": 1}, \"brk\\u0000x\": {\"calls\": 2, \"ok\": 2}}}}";
	static const char version[] =
	    "{\"tailor_trace\\u0000\": 1, \"runs\": [], \"execs\": [], \"abis\": {}}";
	static const char abi[] = "{\"tailor_trace\": 1, \"runs\": [], \"execs\": [], \"abis\": "
	                          "{\"x86_64\\u0000junk\": {}}}";
	static const char rawnul[] =
	    "{\"tailor_trace\": 1, \"runs\": [], \"execs\": [],\n"
	    "  \"abis\": {\"x86_64\": {\"b\0rk\": {\"calls\": 1, \"ok\": 1}}}}";
	/* "\\u0000" is a backslash and the text u0000: a fine command argument. */
	static const char escaped[] =
	    "{\"tailor_trace\": 1, \"execs\": [], \"abis\": {}, \"runs\": [{\"kind\": \"command\", "
	    "\"complete\": true, \"command\": [\"printf\", \"\\\\u0000\"]}]}";
	struct tl_trace t;

	(void)state;
	assert_int_equal(tl_trace_from_json(dupkey, strlen(dupkey), "trace.json", &t), -EINVAL);
	assert_string_equal(
	    tl_err_msg(), "trace.json: line 2, column 35: key contains a NUL character (\\u0000)");
	assert_int_equal(tl_trace_from_json(version, strlen(version), "trace.json", &t), -EINVAL);
	assert_string_equal(
	    tl_err_msg(), "trace.json: line 1, column 15: key contains a NUL character (\\u0000)");
	assert_int_equal(tl_trace_from_json(abi, strlen(abi), "trace.json", &t), -EINVAL);
	assert_non_null(strstr(tl_err_msg(), "key contains a NUL character"));
	assert_int_equal(tl_trace_from_json(rawnul, sizeof(rawnul) - 1, "trace.json", &t), -EINVAL);
	assert_string_equal(tl_err_msg(), "trace.json: line 2, column 25: NUL byte");
	assert_int_equal(tl_trace_from_json(escaped, strlen(escaped), "trace.json", &t), 0);
	assert_string_equal(t.runs[0].argv[1], "\\u0000");
	tl_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),       cmocka_unit_test(test_model),
	    cmocka_unit_test(test_roundtrip),   cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_merge),       cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_load_errors), cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_run_kind),    cmocka_unit_test(test_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
