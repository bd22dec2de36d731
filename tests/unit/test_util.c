// SPDX-License-Identifier: Apache-2.0
/*
 * tl_write_file_atomic: the safety of every output file tailor writes (it
 * runs as root, often into directories other people can write to).
 *  - a symlink at the path is replaced, never written through;
 *  - a device or FIFO is written in place and stays what it was;
 *  - a failure gives one clear line and leaves nothing behind: no partial
 *    output, no temporary file, the previous file untouched.
 * And the other shared helpers whose safety everything relies on: error
 * messages (they quote attacker input) and tl_json_parse's framing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/json_util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tailor-test-util.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	chmod(dir, 0700);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_content(const char *path, const char *want)
{
	char *buf;
	size_t len;

	assert_int_equal(tl_read_file(path, &buf, &len, 0), 0);
	assert_string_equal(buf, want);
	free(buf);
}

/* The entries of a directory, sorted, space-separated ("" if empty). */
static char *listing(const char *d)
{
	static char out[1024];
	struct dirent **ents;
	int n = scandir(d, &ents, NULL, alphasort);

	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if (out[0])
				strcat(out, " ");
			strncat(out, ents[i]->d_name, sizeof(out) - strlen(out) - 2);
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

static void test_new_file_mode(void **state)
{
	mode_t old = umask(077);
	struct stat st;

	(void)state;
	assert_int_equal(tl_write_file_atomic(at("new.json"), "{}\n", 3, 0644), 0);
	umask(old);
	assert_content(at("new.json"), "{}\n");
	assert_int_equal(lstat(at("new.json"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* The mode asked for, whatever the umask. */
	assert_int_equal(st.st_mode & 07777, 0644);
	/* Replacing keeps no temporary file. */
	assert_int_equal(tl_write_file_atomic(at("new.json"), "[]\n", 3, 0600), 0);
	assert_content(at("new.json"), "[]\n");
	assert_string_equal(listing(dir), "new.json");
	unlink(at("new.json"));
}

static void test_symlink_replaced(void **state)
{
	struct stat st;

	(void)state;
	/* A planted symlink to a file the attacker wants overwritten. */
	put(at("victim"), "secret\n");
	assert_int_equal(symlink(at("victim"), at("out.json")), 0);
	assert_int_equal(tl_write_file_atomic(at("out.json"), "profile\n", 8, 0644), 0);
	assert_int_equal(lstat(at("out.json"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(at("out.json"), "profile\n");
	assert_content(at("victim"), "secret\n");

	/* A dangling symlink: its target is not created. */
	assert_int_equal(unlink(at("out.json")), 0);
	assert_int_equal(symlink(at("created"), at("out.json")), 0);
	assert_int_equal(tl_write_file_atomic(at("out.json"), "profile\n", 8, 0644), 0);
	assert_int_equal(lstat(at("out.json"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(access(at("created"), F_OK), -1);
	assert_string_equal(listing(dir), "out.json victim");
	unlink(at("out.json"));
	unlink(at("victim"));
}

static void test_device_in_place(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(tl_write_file_atomic("/dev/null", "x\n", 2, 0644), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(access("/dev/null.tmp", F_OK), -1);

	/* Through the caller's own symlink (like /dev/stdout -> /proc/self/fd/1). */
	assert_int_equal(symlink("/dev/null", at("null")), 0);
	assert_int_equal(tl_write_file_atomic(at("null"), "x\n", 2, 0644), 0);
	assert_int_equal(lstat(at("null"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_string_equal(listing(dir), "null");
	unlink(at("null"));
}

/* Somebody else's symlink to a device is replaced, not followed (needs root for lchown). */
static void test_foreign_symlink_to_device(void **state)
{
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(symlink("/dev/null", at("tty")), 0);
	assert_int_equal(lchown(at("tty"), 65534, 65534), 0);
	assert_int_equal(tl_write_file_atomic(at("tty"), "x\n", 2, 0644), 0);
	assert_int_equal(lstat(at("tty"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(at("tty"), "x\n");
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	unlink(at("tty"));
}

static void test_fifo(void **state)
{
	char buf[64] = "";
	struct stat st;
	pid_t pid;
	int fd, status;

	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	/* Nobody reads it: an error, not a hang. */
	assert_int_equal(tl_write_file_atomic(at("fifo"), "x\n", 2, 0644), -ENXIO);
	assert_non_null(strstr(tl_err_msg(), "nobody reads"));

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ssize_t n;

		fd = open(at("fifo"), O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		_exit(n == 8 && !memcmp(buf, "profile\n", 8) ? 0 : 1);
	}
	/* Wait for the reader to open its end. */
	for (int i = 0; i < 500; i++) {
		if (tl_write_file_atomic(at("fifo"), "profile\n", 8, 0644) == 0)
			break;
		usleep(10000);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(lstat(at("fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_string_equal(listing(dir), "fifo");
	unlink(at("fifo"));
}

/* Run fn in a child (as nobody when asked and root: root ignores permissions). */
static int in_child(int (*fn)(void), bool nobody)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (nobody && geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		     setresuid(65534, 65534, 65534) < 0))
			_exit(99);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int write_into_readonly_dir(void)
{
	const char *msg;
	int r = tl_write_file_atomic(at("ro/out.json"), "{}\n", 3, 0644);

	msg = tl_err_msg();
	fprintf(stderr, "message: %s\n", msg);
	if (r != -EACCES)
		return 1;
	/* One line, naming the file and why. */
	if (strchr(msg, '\n') || !strstr(msg, at("ro/out.json")) || !strstr(msg, strerror(EACCES)))
		return 2;
	return 0;
}

static void test_unwritable_dir(void **state)
{
	(void)state;
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(mkdir(at("ro"), 0555), 0);
	assert_int_equal(in_child(write_into_readonly_dir, true), 0);
	assert_string_equal(listing(at("ro")), "");
	assert_int_equal(rmdir(at("ro")), 0);
	assert_int_equal(chmod(dir, 0700), 0);
}

static void test_missing_dir(void **state)
{
	(void)state;
	tl_err_clear();
	assert_int_equal(tl_write_file_atomic(at("nope/out.json"), "{}\n", 3, 0644), -ENOENT);
	assert_non_null(strstr(tl_err_msg(), at("nope/out.json")));
	assert_null(strchr(tl_err_msg(), '\n'));
	assert_string_equal(listing(dir), "");
}

/* rename fails (the path is a non-empty directory): the temp file is removed. */
static void test_rename_fails(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("out.json"), 0755), 0);
	put(at("out.json/keep"), "keep\n");
	tl_err_clear();
	assert_true(tl_write_file_atomic(at("out.json"), "{}\n", 3, 0644) < 0);
	assert_non_null(strstr(tl_err_msg(), "cannot write"));
	assert_string_equal(listing(dir), "out.json");
	assert_string_equal(listing(at("out.json")), "keep");
	unlink(at("out.json/keep"));
	rmdir(at("out.json"));
}

/* The write itself fails halfway (file size limit): the old file is untouched. */
static int write_over_limit(void)
{
	static char big[65536];
	struct rlimit rl = {.rlim_cur = 1000, .rlim_max = 1000};
	int r;

	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		return 3;
	r = tl_write_file_atomic(at("old.json"), big, sizeof(big), 0644);
	fprintf(stderr, "message: %s\n", tl_err_msg());
	return r == -EFBIG ? 0 : 1;
}

static void test_partial_write(void **state)
{
	(void)state;
	put(at("old.json"), "old\n");
	assert_int_equal(in_child(write_over_limit, false), 0);
	assert_content(at("old.json"), "old\n");
	assert_string_equal(listing(dir), "old.json");
	unlink(at("old.json"));
}

static void test_path_too_long(void **state)
{
	char path[PATH_MAX + 16];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(tl_write_file_atomic(path, "x", 1, 0644), -ENAMETOOLONG);
}

/* Messages quote attacker input: control characters never reach the terminal. */
static void test_error_scrubbed(void **state)
{
	(void)state;
	assert_int_equal(tl_err(EINVAL, "t.json: abis.%s: unknown ABI", "x\x1b[31m\nred\x7f"),
	                 -EINVAL);
	assert_string_equal(tl_err_msg(), "t.json: abis.x?[31m?red?: unknown ABI");
	tl_err(ENOENT, "inner \"%s\"", "a\rb");
	assert_int_equal(tl_err_ctx(ENOENT, "reading %s", "o\tk"), -ENOENT);
	assert_string_equal(tl_err_msg(), "reading o?k: inner \"a?b\"");
	/* UTF-8 passes untouched. */
	tl_err(EINVAL, "%s", "caf\xc3\xa9");
	assert_string_equal(tl_err_msg(), "caf\xc3\xa9");
}

/* tl_json_parse: NUL is not JSON whitespace, before or after the document. */
/* A command line as the kernel gives it: NUL-separated, maybe cut short. */
static void test_strv_from_nul(void **state)
{
	static const char full[] = "/bin/sh\0-c\0\0echo hi";
	char **v;

	(void)state;
	v = tl_strv_from_nul(full, sizeof(full)); /* with the last NUL */
	assert_non_null(v);
	assert_int_equal(tl_strv_len(v), 4);
	assert_string_equal(v[0], "/bin/sh");
	assert_string_equal(v[2], ""); /* an empty argument stays */
	assert_string_equal(v[3], "echo hi");
	tl_strv_free(v);
	v = tl_strv_from_nul(full, sizeof(full) - 5); /* cut inside the last one */
	assert_non_null(v);
	assert_int_equal(tl_strv_len(v), 4);
	assert_string_equal(v[3], "ech");
	tl_strv_free(v);
	v = tl_strv_from_nul("x", 1); /* no NUL at all */
	assert_non_null(v);
	assert_int_equal(tl_strv_len(v), 1);
	assert_string_equal(v[0], "x");
	tl_strv_free(v);
	assert_null(tl_strv_from_nul(full, 0));
	assert_null(tl_strv_from_nul(NULL, 3));
}

/* tl_json_parse: a raw NUL byte anywhere is named with its place, never cut or "empty". */
static void test_json_nul(void **state)
{
	static const char doc[] = "{\"a\": 1}\n\0\0";
	static const char inside[] = "{\"a\": \"b\0c\"}";
	struct json_object *o = NULL;

	(void)state;
	assert_int_equal(tl_json_parse(doc, sizeof(doc) - 3, "ok", &o), 0);
	json_object_put(o);
	assert_int_equal(tl_json_parse(doc, sizeof(doc) - 1, "nul", &o), -EINVAL);
	assert_null(o);
	assert_string_equal(tl_err_msg(), "nul: line 2, column 1: NUL byte");
	assert_int_equal(tl_json_parse("\0\0", 2, "nul", &o), -EINVAL);
	assert_string_equal(tl_err_msg(), "nul: line 1, column 1: NUL byte");
	assert_int_equal(tl_json_parse("\0{}", 3, "nul", &o), -EINVAL);
	assert_string_equal(tl_err_msg(), "nul: line 1, column 1: NUL byte");
	assert_int_equal(tl_json_parse(inside, sizeof(inside) - 1, "nul", &o), -EINVAL);
	assert_string_equal(tl_err_msg(), "nul: line 1, column 9: NUL byte");
	assert_int_equal(tl_json_parse(" \n\t", 3, "ws", &o), -EINVAL);
	assert_non_null(strstr(tl_err_msg(), "empty file"));
}

static int parse(const char *doc, struct json_object **o)
{
	*o = NULL;
	return tl_json_parse(doc, strlen(doc), "f.json", o);
}

/* tl_json_parse: a key twice in one object is an error naming it and where; elsewhere fine. */
static void test_json_duplicate_keys(void **state)
{
	static const char *const dup[] = {
	    "{\"a\": 1, \"a\": 2}",
	    "{\"x\": {\"b\": [1, {}], \"c\": 0, \"b\": 3}}",
	    "{\"a\": 1, \"\\u0061\": 2}",                       /* the same key, escaped */
	    "{\"a\\\"b\": 1, \"a\\\"b\": 2}",                   /* an escaped quote inside */
	    "{\"\\ud83d\\ude00\": 1, \"\xf0\x9f\x98\x80\": 2}", /* a surrogate pair and its UTF-8 */
	    "[{\"k\": 1}, {\"k\": 1, \"k\": 1}]",
	};
	static const char *const ok[] = {
	    "{\"a\": 1, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}",
	    "{\"a\": \"}{,\\\"a\\\":\", \"b\": 1}", /* braces, commas and quotes in a value */
	    "{\"a\\\"b\": 1, \"ab\": 2, \"a\\\\b\": 3}",
	    "{\"\": 1, \" \": 2}",
	    "[\"a\", \"a\"]",
	};
	struct json_object *o;

	(void)state;
	for (size_t i = 0; i < sizeof(dup) / sizeof(dup[0]); i++) {
		assert_int_equal(parse(dup[i], &o), -EINVAL);
		assert_null(o);
		assert_non_null(strstr(tl_err_msg(), "f.json: duplicate key"));
	}
	assert_int_equal(parse("{\"a\": 1,\n  \"b\": 2,\n  \"a\": 3}", &o), -EINVAL);
	assert_non_null(strstr(tl_err_msg(), "duplicate key \"a\" (line 3, column 3)"));
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i], &o), 0);
		json_object_put(o);
	}
}

/* Each bad document fails with its exact message; each ok one parses. */
struct bad_doc {
	const char *doc, *msg;
};

static void expect_docs(const struct bad_doc *bad, size_t nbad, const char *const *ok, size_t nok)
{
	struct json_object *o;

	for (size_t i = 0; i < nbad; i++) {
		assert_int_equal(parse(bad[i].doc, &o), -EINVAL);
		assert_null(o);
		assert_string_equal(tl_err_msg(), bad[i].msg);
	}
	for (size_t i = 0; i < nok; i++) {
		print_message("%s\n", ok[i]);
		assert_int_equal(parse(ok[i], &o), 0);
		json_object_put(o);
	}
}

/* tl_json_parse: \u0000 in a key or a string is an error (C strings would cut it there). */
static void test_json_nul_escape(void **state)
{
	static const struct bad_doc bad[] = {
	    {"{\"brk\": 1, \"brk\\u0000x\": 2}",
	     "f.json: line 1, column 16: key contains a NUL character (\\u0000)"},
	    {"{\"tailor_trace\\u0000\": 1}",
	     "f.json: line 1, column 15: key contains a NUL character (\\u0000)"},
	    {"{\"names\": [\"getpid\",\n  \"getpid\\u0000junk\"]}",
	     "f.json: line 2, column 10: string contains a NUL character (\\u0000)"},
	    {"[\"\\\\\\u0000\"]", /* an escaped backslash, then \u0000 */
	     "f.json: line 1, column 5: string contains a NUL character (\\u0000)"},
	};
	static const char *const ok[] = {
	    "[\"\\\\u0000\"]",     /* a backslash, then the text u0000 */
	    "{\"a\\\\u0000\": 1}", /* the same in a key */
	    "[\"\\u0001\", \"\\u0100\"]",
	};
	struct json_object *o;

	(void)state;
	expect_docs(bad, TL_ARRAY_SIZE(bad), ok, TL_ARRAY_SIZE(ok));
	assert_int_equal(parse("[\"\\\\u0000\"]", &o), 0);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(o, 0)), "\\u0000");
	json_object_put(o);
}

/* tl_json_parse: integers json-c would saturate are refused, named as written. */
static void test_json_int_range(void **state)
{
	static const struct bad_doc bad[] = {
	    {"{\"calls\": 18446744073709551616}",
	     "f.json: line 1, column 11: integer 18446744073709551616 is out of range (more than "
	     "18446744073709551615)"},
	    {"[1,\n 1180591620717411303424]",
	     "f.json: line 2, column 2: integer 1180591620717411303424 is out of range (more than "
	     "18446744073709551615)"},
	    {"[-9223372036854775809]",
	     "f.json: line 1, column 2: integer -9223372036854775809 is out of range (less than "
	     "-9223372036854775808)"},
	    {"[123456789012345678901234567890123456789012345678901234567890123456789012345678]",
	     "f.json: line 1, column 2: integer "
	     "12345678901234567890123456789012345678901234567890123456789012345678... is out of "
	     "range (more than 18446744073709551615)"},
	};
	static const char *const ok[] = {
	    "[18446744073709551615, -9223372036854775808, 0, -0, 1]",
	    "[1.12345678901234567890123456789, 1e400000000000000000000, -1E-99999999999999999999]",
	    "[123456789012345678901234567890.5, 99999999999999999999e1]",
	    "{\"18446744073709551616\": \"18446744073709551616\"}", /* in strings: text */
	};
	struct json_object *o;

	(void)state;
	expect_docs(bad, TL_ARRAY_SIZE(bad), ok, TL_ARRAY_SIZE(ok));
	assert_int_equal(parse("[18446744073709551615]", &o), 0);
	assert_true(json_object_get_uint64(json_object_array_get_idx(o, 0)) == UINT64_MAX);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_new_file_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_device_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_symlink_to_device, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rename_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_path_too_long, setup, teardown),
	    cmocka_unit_test(test_error_scrubbed),
	    cmocka_unit_test(test_strv_from_nul),
	    cmocka_unit_test(test_json_nul),
	    cmocka_unit_test(test_json_duplicate_keys),
	    cmocka_unit_test(test_json_nul_escape),
	    cmocka_unit_test(test_json_int_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
