// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the v1 additions to the trace model (profilegen/trace_ext.c):
 * argument values, run features, files, capabilities, sockets, call sites,
 * their names, merge rules and JSON form (docs/trace-format.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *to_json(const struct tl_trace *t)
{
	char *out;
	size_t len;

	assert_int_equal(tl_trace_to_json(t, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

static void test_names(void **state)
{
	(void)state;
	/* Every capability of Linux 6.x, both ways. */
	for (int c = 0; c <= 40; c++) {
		assert_non_null(tl_cap_name(c));
		assert_int_equal(tl_cap_from_name(tl_cap_name(c)), c);
	}
	assert_string_equal(tl_cap_name(0), "CAP_CHOWN");
	assert_string_equal(tl_cap_name(10), "CAP_NET_BIND_SERVICE");
	assert_string_equal(tl_cap_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(tl_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_null(tl_cap_name(41));
	assert_null(tl_cap_name(-1));
	assert_int_equal(tl_cap_from_name("41"), 41);
	assert_int_equal(tl_cap_from_name("CAP_FROB"), -EINVAL);
	assert_int_equal(tl_cap_from_name("sys_admin"), -EINVAL);
	assert_int_equal(tl_cap_from_name("-1"), -EINVAL);
	assert_int_equal(tl_cap_from_name(NULL), -EINVAL);

	/* AppArmor's family names. */
	assert_string_equal(tl_family_name(1), "unix");
	assert_string_equal(tl_family_name(2), "inet");
	assert_string_equal(tl_family_name(10), "inet6");
	assert_string_equal(tl_family_name(12), "decnet");
	assert_string_equal(tl_family_name(16), "netlink");
	assert_string_equal(tl_family_name(17), "packet");
	assert_string_equal(tl_family_name(31), "bluetooth");
	assert_string_equal(tl_family_name(38), "alg");
	assert_string_equal(tl_family_name(40), "vsock");
	assert_string_equal(tl_family_name(44), "xdp");
	assert_string_equal(tl_family_name(45), "mctp");
	assert_null(tl_family_name(46));
	assert_null(tl_family_name(-1));
	for (int f = 0; f <= 45; f++)
		assert_int_equal(tl_family_from_name(tl_family_name(f)), f);
	assert_int_equal(tl_family_from_name("af_45"), 45);
	assert_int_equal(tl_family_from_name("af_99"), 99);
	assert_int_equal(tl_family_from_name("99"), 99);
	assert_int_equal(tl_family_from_name("af_"), -EINVAL);
	assert_int_equal(tl_family_from_name("af_-1"), -EINVAL);
	assert_int_equal(tl_family_from_name("af_1x"), -EINVAL);
	assert_int_equal(tl_family_from_name("inet7"), -EINVAL);
	assert_int_equal(tl_family_from_name("INET"), -EINVAL);

	assert_string_equal(tl_socktype_name(1), "stream");
	assert_string_equal(tl_socktype_name(2), "dgram");
	assert_string_equal(tl_socktype_name(3), "raw");
	assert_string_equal(tl_socktype_name(4), "rdm");
	assert_string_equal(tl_socktype_name(5), "seqpacket");
	assert_string_equal(tl_socktype_name(6), "dccp");
	assert_string_equal(tl_socktype_name(10), "packet");
	assert_null(tl_socktype_name(0));
	assert_null(tl_socktype_name(7));
	assert_int_equal(tl_socktype_from_name("packet"), 10);
	assert_int_equal(tl_socktype_from_name("7"), 7);
	assert_int_equal(tl_socktype_from_name("streams"), -EINVAL);

	/* Access names by bit index, in bit order. */
	assert_string_equal(tl_access_name(0), "read");
	assert_string_equal(tl_access_name(9), "mmap_exec");
	assert_string_equal(tl_access_name(11), "dir");
	assert_null(tl_access_name(TL_ACC_COUNT_BITS));
	for (unsigned b = 0; b < TL_ACC_COUNT_BITS; b++)
		assert_int_equal(tl_access_from_name(tl_access_name(b)), 1 << b);
	assert_int_equal(tl_access_from_name("write"), TL_ACC_WRITE);
	assert_int_equal(tl_access_from_name("rwx"), -EINVAL);
}

static void test_argvals(void **state)
{
	struct tl_trace t;
	struct tl_syscall *s;
	const struct tl_argvals *a;

	(void)state;
	tl_trace_init(&t);
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "prctl", -1);
	assert_null(tl_syscall_argvals(s, 0));
	assert_int_equal(tl_syscall_add_argval(s, 1, 38), 0);
	assert_int_equal(tl_syscall_add_argval(s, 0, 38), 0);
	assert_int_equal(tl_syscall_add_argval(s, 0, 4), 0);
	assert_int_equal(tl_syscall_add_argval(s, 0, UINT64_MAX), 0);
	assert_int_equal(tl_syscall_add_argval(s, 0, 38), 0); /* already there */
	assert_int_equal(tl_syscall_add_argval(s, 6, 1), -EINVAL);
	assert_int_equal(tl_syscall_set_arg_overflow(s, 6), -EINVAL);
	assert_int_equal(s->nargs, 2);
	assert_int_equal(s->args[0].index, 0); /* sorted by index */
	a = tl_syscall_argvals(s, 0);
	assert_ptr_equal(a, &s->args[0]);
	assert_int_equal(a->n, 3);
	assert_int_equal(a->values[0], 4);
	assert_int_equal(a->values[1], 38);
	assert_true(a->values[2] == UINT64_MAX);
	assert_false(a->overflow);
	assert_null(tl_syscall_argvals(s, 2));

	/* Overflow on an argument with no value yet records it. */
	assert_int_equal(tl_syscall_set_arg_overflow(s, 5), 0);
	a = tl_syscall_argvals(s, 5);
	assert_non_null(a);
	assert_true(a->overflow);
	assert_int_equal(a->n, 0);

	/* Past TL_ARGVALS_MAX: overflow, and the smallest values are kept (any order). */
	for (uint64_t v = 200; v-- > 100;)
		assert_int_equal(tl_syscall_add_argval(s, 2, v), 0);
	a = tl_syscall_argvals(s, 2);
	assert_int_equal(a->n, TL_ARGVALS_MAX);
	assert_true(a->overflow);
	for (size_t i = 0; i < a->n; i++)
		assert_int_equal(a->values[i], 100 + i);
	assert_int_equal(tl_syscall_add_argval(s, 2, 7), 0); /* smaller: replaces the largest */
	a = tl_syscall_argvals(s, 2);
	assert_int_equal(a->n, TL_ARGVALS_MAX);
	assert_int_equal(a->values[0], 7);
	assert_int_equal(a->values[TL_ARGVALS_MAX - 1], 100 + TL_ARGVALS_MAX - 2);
	assert_int_equal(tl_syscall_add_argval(s, 2, 1000), 0); /* larger: dropped */
	assert_int_equal(a->values[TL_ARGVALS_MAX - 1], 100 + TL_ARGVALS_MAX - 2);
	tl_trace_free(&t);
}

static void test_records(void **state)
{
	struct tl_trace t;
	struct tl_frame frames[] = {
	    {.file = "/lib/libc.so.6", .build_id = "ab12", .offset = 1, .symbol = "prctl"},
	    {.offset = 2},
	};
	struct tl_callsite c = {.abi = TL_ABI_X86_64,
	                        .syscall = "prctl",
	                        .program = "/bin/id",
	                        .nframes = 2,
	                        .frames = frames};

	(void)state;
	tl_trace_init(&t);
	/* Files: sorted by (path, program), bits OR-ed, counts summed. */
	assert_int_equal(tl_trace_add_file(&t, "/etc/passwd", "/bin/id", TL_ACC_READ, 1), 0);
	assert_int_equal(tl_trace_add_file(&t, "/etc/group", NULL, TL_ACC_READ, 1), 0);
	assert_int_equal(tl_trace_add_file(&t, "/etc/passwd", "/bin/cat", TL_ACC_EXEC, 1), 0);
	assert_int_equal(tl_trace_add_file(&t, "/etc/passwd", "/bin/id", TL_ACC_LOCK, 2), 0);
	assert_int_equal(tl_trace_add_file(&t, NULL, "/bin/id", TL_ACC_READ, 1), -EINVAL);
	assert_int_equal(tl_trace_add_file(&t, "/x", "", 1u << TL_ACC_COUNT_BITS, 1), -EINVAL);
	assert_int_equal(t.nfiles, 3);
	assert_string_equal(t.files[0].path, "/etc/group");
	assert_string_equal(t.files[0].program, "");
	assert_string_equal(t.files[1].program, "/bin/cat");
	assert_int_equal(t.files[2].access, TL_ACC_READ | TL_ACC_LOCK);
	assert_int_equal(t.files[2].count, 3);

	/* Capabilities: sorted by (cap, program), granted/denied summed. */
	assert_int_equal(tl_trace_add_cap(&t, 21, "/bin/id", 0, 1), 0);
	assert_int_equal(tl_trace_add_cap(&t, 10, "/bin/id", 1, 0), 0);
	assert_int_equal(tl_trace_add_cap(&t, 21, "/bin/id", 2, 3), 0);
	assert_int_equal(tl_trace_add_cap(&t, 21, "/bin/cat", 1, 0), 0);
	assert_int_equal(tl_trace_add_cap(&t, -1, "/bin/id", 1, 0), -EINVAL);
	assert_int_equal(t.ncaps, 3);
	assert_int_equal(t.caps[0].cap, 10);
	assert_string_equal(t.caps[1].program, "/bin/cat");
	assert_int_equal(t.caps[2].granted, 2);
	assert_int_equal(t.caps[2].denied, 4);

	/* Sockets: sorted by (family, type, protocol, program). */
	assert_int_equal(tl_trace_add_net(&t, 10, 2, 17, "/bin/id", 1), 0);
	assert_int_equal(tl_trace_add_net(&t, 2, 1, 6, "/bin/id", 1), 0);
	assert_int_equal(tl_trace_add_net(&t, 2, 1, 0, "/bin/id", 1), 0);
	assert_int_equal(tl_trace_add_net(&t, 2, 1, 6, "/bin/id", 4), 0);
	assert_int_equal(t.nnet, 3);
	assert_int_equal(t.net[0].protocol, 0);
	assert_int_equal(t.net[1].count, 5);
	assert_int_equal(t.net[2].family, 10);

	/* Call sites: deep copies, NULL detail first, the first one kept. */
	assert_int_equal(tl_trace_add_callsite(&t, &c), 0);
	c.detail = "arg0=0x26";
	assert_int_equal(tl_trace_add_callsite(&t, &c), 0);
	c.detail = NULL;
	c.nframes = 1;
	assert_int_equal(tl_trace_add_callsite(&t, &c), 0); /* same key: ignored */
	c.abi = TL_ABI_X86;
	c.syscall = "personality";
	c.program = NULL;
	assert_int_equal(tl_trace_add_callsite(&t, &c), 0);
	c.abi = TL_ABI_COUNT;
	assert_int_equal(tl_trace_add_callsite(&t, &c), -EINVAL);
	assert_int_equal(t.ncallsites, 3);
	assert_null(t.callsites[0].detail);
	assert_int_equal(t.callsites[0].nframes, 2);
	assert_ptr_not_equal(t.callsites[0].frames, frames);
	assert_string_equal(t.callsites[0].frames[0].build_id, "ab12");
	assert_null(t.callsites[0].frames[1].file);
	assert_string_equal(t.callsites[1].detail, "arg0=0x26");
	assert_int_equal(t.callsites[2].abi, TL_ABI_X86);
	assert_string_equal(t.callsites[2].program, "");
	tl_trace_free(&t);
	assert_int_equal(t.nfiles + t.ncaps + t.nnet + t.ncallsites, 0);
	tl_trace_free(&t); /* idempotent */
}

/* A small trace with one value set of `n` values starting at `first`. */
static void build_args(struct tl_trace *t, uint64_t first, size_t n, bool overflow,
                       const char *program)
{
	struct tl_syscall *s;
	struct tl_frame f = {.offset = first};
	struct tl_callsite c = {.abi = TL_ABI_X86_64,
	                        .syscall = "socket",
	                        .program = "/bin/x",
	                        .nframes = 1,
	                        .frames = &f};
	char *features[] = {"args", "net", NULL};
	struct tl_run run = {.kind = "command", .complete = true, .features = features};

	tl_trace_init(t);
	s = tl_trace_syscall(t, TL_ABI_X86_64, "socket", -1);
	s->calls = s->ok = 1;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(tl_syscall_add_argval(s, 0, first + i), 0);
	if (overflow)
		assert_int_equal(tl_syscall_set_arg_overflow(s, 0), 0);
	assert_int_equal(tl_trace_add_file(t, "/etc/hosts", program, TL_ACC_READ, 1), 0);
	assert_int_equal(
	    tl_trace_add_file(t, "/tmp", "/bin/x", first ? TL_ACC_DIR : TL_ACC_WRITE, 1), 0);
	assert_int_equal(tl_trace_add_cap(t, 13, "/bin/x", 1, first ? 1 : 0), 0);
	assert_int_equal(tl_trace_add_net(t, 2, 3, 1, "/bin/x", 2), 0);
	assert_int_equal(tl_trace_add_callsite(t, &c), 0);
	assert_int_equal(tl_trace_add_run(t, &run), 0);
}

static void test_merge(void **state)
{
	struct tl_trace a, b, c;
	const struct tl_argvals *v;

	(void)state;
	/* Union within the limit: no overflow. */
	build_args(&a, 0, 10, false, "/bin/x");
	build_args(&b, 5, 10, false, "/bin/y");
	assert_int_equal(tl_trace_merge(&a, &b), 0);
	v = tl_syscall_argvals(tl_trace_find(&a, TL_ABI_X86_64, "socket"), 0);
	assert_int_equal(v->n, 15);
	assert_false(v->overflow);
	for (size_t i = 0; i < v->n; i++)
		assert_int_equal(v->values[i], i);
	assert_int_equal(a.nfiles, 3);
	assert_string_equal(a.files[0].program, "/bin/x");
	assert_string_equal(a.files[1].program, "/bin/y");
	assert_int_equal(a.files[2].access, TL_ACC_WRITE | TL_ACC_DIR);
	assert_int_equal(a.files[2].count, 2);
	assert_int_equal(a.ncaps, 1);
	assert_int_equal(a.caps[0].granted, 2);
	assert_int_equal(a.caps[0].denied, 1);
	assert_int_equal(a.nnet, 1);
	assert_int_equal(a.net[0].count, 4);
	assert_int_equal(a.ncallsites, 1);
	assert_int_equal(a.callsites[0].frames[0].offset, 0); /* the first is kept */
	assert_int_equal(a.nruns, 2);
	assert_string_equal(a.runs[1].features[0], "args");
	assert_string_equal(a.runs[1].features[1], "net");
	assert_null(a.runs[1].features[2]);
	assert_ptr_not_equal(a.runs[1].features, b.runs[0].features);
	tl_trace_free(&a);
	tl_trace_free(&b);

	/* A union beyond TL_ARGVALS_MAX overflows and keeps the smallest, in either order. */
	build_args(&a, 0, 40, false, "/bin/x");
	build_args(&b, 30, 40, false, "/bin/x");
	build_args(&c, 30, 40, false, "/bin/x");
	assert_int_equal(tl_trace_merge(&c, &a), 0);
	assert_int_equal(tl_trace_merge(&a, &b), 0);
	v = tl_syscall_argvals(tl_trace_find(&a, TL_ABI_X86_64, "socket"), 0);
	assert_int_equal(v->n, TL_ARGVALS_MAX);
	assert_true(v->overflow);
	assert_int_equal(v->values[TL_ARGVALS_MAX - 1], TL_ARGVALS_MAX - 1);
	v = tl_syscall_argvals(tl_trace_find(&c, TL_ABI_X86_64, "socket"), 0);
	assert_int_equal(v->n, TL_ARGVALS_MAX);
	assert_true(v->overflow);
	assert_int_equal(v->values[0], 0);
	assert_int_equal(v->values[TL_ARGVALS_MAX - 1], TL_ARGVALS_MAX - 1);
	tl_trace_free(&a);
	tl_trace_free(&b);
	tl_trace_free(&c);

	/* Overflow on either side overflows the union, even a small one. */
	build_args(&a, 0, 2, false, "/bin/x");
	build_args(&b, 0, 1, true, "/bin/x");
	assert_int_equal(tl_trace_merge(&a, &b), 0);
	v = tl_syscall_argvals(tl_trace_find(&a, TL_ABI_X86_64, "socket"), 0);
	assert_int_equal(v->n, 2);
	assert_true(v->overflow);
	tl_trace_free(&b);
	build_args(&b, 0, 1, false, "/bin/x");
	assert_int_equal(tl_trace_merge(&b, &a), 0);
	assert_true(tl_syscall_argvals(tl_trace_find(&b, TL_ABI_X86_64, "socket"), 0)->overflow);
	tl_trace_free(&a);
	tl_trace_free(&b);

	/* An argument recorded without values on one side is recorded in the union. */
	tl_trace_init(&a);
	build_args(&b, 0, 0, false, "/bin/x");
	assert_non_null(tl_trace_syscall(&b, TL_ABI_X86_64, "prctl", -1));
	assert_int_equal(
	    tl_syscall_set_arg_overflow(tl_trace_syscall(&b, TL_ABI_X86_64, "prctl", -1), 1), 0);
	assert_int_equal(tl_trace_merge(&a, &b), 0);
	assert_null(tl_syscall_argvals(tl_trace_find(&a, TL_ABI_X86_64, "socket"), 0));
	assert_true(tl_syscall_argvals(tl_trace_find(&a, TL_ABI_X86_64, "prctl"), 1)->overflow);
	tl_trace_free(&a);
	tl_trace_free(&b);
}

/* All sections: the writer's output is pinned by a golden file, and re-reads to the same bytes. */
static void test_roundtrip(void **state)
{
	struct tl_trace t, u;
	char *text, *out1, *out2, *golden;
	size_t len, glen;
	const struct tl_syscall *s;

	(void)state;
	text = slurp(TRACES "valid-ext.json", &len);
	assert_int_equal(tl_trace_from_json(text, len, "valid-ext.json", &t), 0);
	s = tl_trace_find(&t, TL_ABI_X86_64, "ioctl");
	assert_int_equal(s->nargs, 1);
	assert_int_equal(s->args[0].index, 1);
	assert_true(s->args[0].overflow);
	assert_int_equal(s->args[0].values[0], 21505);
	assert_true(s->args[0].values[1] == UINT64_MAX);
	s = tl_trace_find(&t, TL_ABI_X86_64, "read");
	assert_int_equal(s->nargs, 0);
	assert_string_equal(t.runs[0].features[0], "args"); /* sorted on reading */
	assert_string_equal(t.runs[0].features[4], "stacks");
	assert_int_equal(t.nfiles, 4);
	assert_string_equal(t.files[3].program, "");
	assert_int_equal(t.files[3].access,
	                 TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_SETATTR | TL_ACC_DIR);
	assert_int_equal(t.ncaps, 3);
	assert_int_equal(t.caps[2].cap, 41);
	assert_int_equal(t.nnet, 4);
	assert_int_equal(t.net[3].family, 99);
	assert_int_equal(t.net[3].type, 7);
	assert_int_equal(t.ncallsites, 3);
	assert_null(t.callsites[0].detail);
	assert_int_equal(t.callsites[0].nframes, 3);
	assert_null(t.callsites[0].frames[2].file);
	assert_null(t.callsites[0].frames[2].symbol);
	assert_int_equal(t.callsites[2].abi, TL_ABI_X86);

	out1 = to_json(&t);
	golden = slurp(TRACES "valid-ext.expected.json", &glen);
	assert_string_equal(out1, golden);
	assert_int_equal(tl_trace_from_json(out1, strlen(out1), "out", &u), 0);
	out2 = to_json(&u);
	assert_string_equal(out1, out2);

	free(text);
	free(out1);
	free(out2);
	free(golden);
	tl_trace_free(&t);
	tl_trace_free(&u);
}

/* Traces without the new data serialise exactly as before (no empty sections). */
static void test_old_unchanged(void **state)
{
	static const char *const files[] = {"valid-basic", "valid-second"};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(files); i++) {
		struct tl_trace t;
		char path[512], *out, *golden;
		size_t glen;

		snprintf(path, sizeof(path), TRACES "%s.json", files[i]);
		assert_int_equal(tl_trace_load(path, &t), 0);
		assert_int_equal(t.nfiles + t.ncaps + t.nnet + t.ncallsites, 0);
		assert_null(t.runs[0].features);
		out = to_json(&t);
		assert_null(strstr(out, "\"args\""));
		assert_null(strstr(out, "\"features\""));
		assert_null(strstr(out, "\"files\""));
		assert_null(strstr(out, "\"capabilities\""));
		assert_null(strstr(out, "\"network\""));
		assert_null(strstr(out, "\"callsites\""));
		if (i == 0) {
			golden = slurp(TRACES "valid-basic.expected.json", &glen);
			assert_string_equal(out, golden);
			free(golden);
		}
		free(out);
		tl_trace_free(&t);
	}
}

static const struct {
	const char *file;
	const char *msg;
} bad[] = {
    {"bad-ext-access.json", "trace.json: files[2].access[0]: unknown access \"rwx\""},
    {"bad-ext-access-dup.json", "trace.json: files[0].access[2]: access \"read\" listed twice"},
    {"bad-ext-file-path.json", "trace.json: files[0]: missing key \"path\""},
    {"bad-ext-files-type.json", "trace.json: files: expected an array, got an object"},
    {"bad-ext-file-count.json", "trace.json: files[0].count: expected a non-negative integer"},
    {"bad-ext-cap.json", "trace.json: capabilities[0].cap: unknown capability \"CAP_FROB\""},
    {"bad-ext-cap-type.json",
     "trace.json: capabilities[0].cap: expected a name or an integer, got a boolean"},
    {"bad-ext-cap-negative.json", "trace.json: capabilities[0].cap: -1 is out of range"},
    {"bad-ext-cap-denied.json", "trace.json: capabilities[0]: missing key \"denied\""},
    {"bad-ext-family.json", "trace.json: network[0].family: unknown address family \"inet7\""},
    {"bad-ext-socktype.json", "trace.json: network[0].type: unknown socket type \"streams\""},
    {"bad-ext-protocol.json", "trace.json: network[0].protocol: 4294967296 is out of range"},
    {"bad-ext-callsite-abi.json",
     "trace.json: callsites[0].abi: unknown ABI \"arm64\" (expected x86_64, x86 or x32)"},
    {"bad-ext-callsite-syscall.json",
     "trace.json: callsites[0].syscall: unknown syscall \"frobnicate\" for x86_64"},
    {"bad-ext-callsite-detail.json",
     "trace.json: callsites[0].detail: expected a string, got an integer"},
    {"bad-ext-frame.json", "trace.json: callsites[0].frames[1]: missing key \"offset\""},
    {"bad-ext-build-id.json",
     "trace.json: callsites[0].frames[0].build_id: expected hexadecimal digits"},
    {"bad-ext-args-index.json",
     "trace.json: abis.x86_64.prctl.args.6: not an argument index (0 to 5)"},
    {"bad-ext-args-value.json",
     "trace.json: abis.x86_64.prctl.args.0.values[1]: expected a non-negative integer"},
    {"bad-ext-args-dup.json",
     "trace.json: abis.x86_64.prctl.args.0.values[2]: value 4 listed twice"},
    {"bad-ext-args-many.json", "trace.json: abis.x86_64.prctl.args.0.values: 65 values, more "
                               "than the 64 kept per argument"},
    {"bad-ext-args-overflow.json",
     "trace.json: abis.x86_64.prctl.args.0.overflow: expected a boolean, got a string"},
    {"bad-ext-args-novalues.json", "trace.json: abis.x86_64.prctl.args.0: missing key \"values\""},
    {"bad-ext-args-type.json",
     "trace.json: abis.x86_64.prctl.args: expected an object, got an array"},
    {"bad-ext-features.json", "trace.json: runs[0].features[1]: expected a string, got an integer"},
    {"bad-ext-features-dup.json", "trace.json: runs[0].features[1]: \"args\" listed twice"},
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
		assert_int_equal(tl_trace_from_json(text, len, "trace.json", &t), -EINVAL);
		assert_string_equal(tl_err_msg(), bad[i].msg);
		/* On failure the trace is left empty. */
		assert_int_equal(t.nruns + t.nfiles + t.ncaps + t.nnet + t.ncallsites, 0);
		assert_int_equal(t.abi[TL_ABI_X86_64].n, 0);
		tl_trace_free(&t);
		free(text);
	}
}

/* Unknown numbers are written as numbers ("af_<n>" for families) and read back. */
static void test_unknown_numbers(void **state)
{
	struct tl_trace t, u;
	char *out, *out2;

	(void)state;
	tl_trace_init(&t);
	assert_int_equal(tl_trace_add_cap(&t, 63, "", 1, 0), 0);
	assert_int_equal(tl_trace_add_net(&t, 4242, 99, -1, "", 1), 0);
	out = to_json(&t);
	assert_non_null(strstr(out, "\"cap\": 63"));
	assert_non_null(strstr(out, "\"family\": \"af_4242\""));
	assert_non_null(strstr(out, "\"type\": 99"));
	assert_non_null(strstr(out, "\"protocol\": -1"));
	assert_int_equal(tl_trace_from_json(out, strlen(out), "out", &u), 0);
	assert_int_equal(u.caps[0].cap, 63);
	assert_int_equal(u.net[0].family, 4242);
	assert_int_equal(u.net[0].protocol, -1);
	out2 = to_json(&u);
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	tl_trace_free(&t);
	tl_trace_free(&u);
}

/* Argument values: 2^64-1 is kept; 2^64 is refused, not saturated to 2^64-1. */
static void test_argval_range(void **state)
{
	static const char fmt[] =
	    "{\"tailor_trace\": 1, \"runs\": [], \"execs\": [], \"abis\": {\"x86_64\": {\"prctl\": "
	    "{\n"
	    "\"calls\": 1, \"ok\": 1, \"args\": {\"0\": {\"values\": [1, %s]}}}}}}";
	char doc[512];
	struct tl_trace t;

	(void)state;
	snprintf(doc, sizeof(doc), fmt, "18446744073709551615");
	assert_int_equal(tl_trace_from_json(doc, strlen(doc), "trace.json", &t), 0);
	assert_int_equal(t.abi[TL_ABI_X86_64].sys[0].args[0].n, 2);
	assert_true(t.abi[TL_ABI_X86_64].sys[0].args[0].values[1] == UINT64_MAX);
	tl_trace_free(&t);
	snprintf(doc, sizeof(doc), fmt, "18446744073709551616");
	assert_int_equal(tl_trace_from_json(doc, strlen(doc), "trace.json", &t), -EINVAL);
	assert_string_equal(tl_err_msg(),
	                    "trace.json: line 2, column 51: integer 18446744073709551616 "
	                    "is out of range (more than 18446744073709551615)");
	assert_int_equal(t.abi[TL_ABI_X86_64].n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),        cmocka_unit_test(test_argvals),
	    cmocka_unit_test(test_records),      cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_roundtrip),    cmocka_unit_test(test_old_unchanged),
	    cmocka_unit_test(test_malformed),    cmocka_unit_test(test_unknown_numbers),
	    cmocka_unit_test(test_argval_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
