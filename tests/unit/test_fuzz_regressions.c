// SPDX-License-Identifier: Apache-2.0
/*
 * Every input that ever crashed a fuzzer (or broke one of its oracles) is
 * kept in tests/data/fuzz-regressions/<target>/ and replayed here through
 * the very harness the fuzzer runs (fuzz/harness_*.c), in a forked child per
 * input so that one bad input names itself and the others still run.  Under
 * the ASan+UBSan build (build-asan) memory errors and leaks fail the child.
 * Inputs of bugs not fixed yet wait in <target>/open/ (reported, not failing).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tailor/common.h"
#include "harness.h"

#define REGRESSIONS TEST_DATA "/fuzz-regressions/"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The inputs of a target, sorted; README* and dotfiles are not inputs. */
static char **list_inputs(const char *dir, size_t *n)
{
	char **v = NULL;
	struct dirent *e;
	DIR *d;

	*n = 0;
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		assert_non_null(v);
		v[*n] = strdup(e->d_name);
		assert_non_null(v[*n]);
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_name);
	return v;
}

/* Replay one input in a child: exactly-sized heap copy, so ASan sees any overread. */
static int replay(const struct tl_fuzz_target *t, const char *path)
{
	char *buf = NULL;
	size_t len;
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t *copy;

		if (tl_read_file(path, &buf, &len, 0)) {
			fprintf(stderr, "%s\n", tl_err_msg());
			_exit(2);
		}
		copy = malloc(len ? len : 1);
		if (!copy)
			_exit(2);
		memcpy(copy, buf, len);
		free(buf);
		t->run(copy, len);
		free(copy);
		exit(0); /* exit, not _exit: LeakSanitizer runs at exit */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/*
 * <target>/open/: bugs found but not fixed yet (the file's owner has the
 * input).  Replayed and reported, never failing; once one passes, move it up
 * to <target>/ where it must keep passing.
 */
static void replay_open(const struct tl_fuzz_target *t)
{
	char dir[512], path[1024];
	size_t n;
	char **inputs;

	snprintf(dir, sizeof(dir), REGRESSIONS "%s/open", t->name);
	inputs = list_inputs(dir, &n);
	for (size_t i = 0; i < n; i++) {
		int st;

		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i]);
		st = replay(t, path);
		if (WIFEXITED(st) && !WEXITSTATUS(st))
			printf("fuzz regressions %s: %s passes now: move it to %s/\n", t->name,
			       path, t->name);
		else
			printf("fuzz regressions %s: known open bug: %s\n", t->name, path);
		free(inputs[i]);
	}
	free(inputs);
}

static void replay_target(const struct tl_fuzz_target *t)
{
	char dir[512], path[1024], failed[2048] = "";
	size_t n, bad = 0, done = 0;
	char **inputs;

	replay_open(t);
	snprintf(dir, sizeof(dir), REGRESSIONS "%s", t->name);
	inputs = list_inputs(dir, &n);
	for (size_t i = 0; i < n; i++) {
		int st;

		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i]);
		if (!strcmp(inputs[i], "open")) {
			free(inputs[i]);
			continue;
		}
		st = replay(t, path);
		done++;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			size_t used = strlen(failed);

			bad++;
			snprintf(failed + used, sizeof(failed) - used, "\n  %s (%s %d)", path,
			         WIFSIGNALED(st) ? "signal" : "exit status",
			         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		}
		free(inputs[i]);
	}
	free(inputs);
	printf("fuzz regressions %s: %zu inputs replayed, %zu failed\n", t->name, done, bad);
	if (bad)
		fail_msg("%zu of %zu %s regression inputs fail:%s", bad, done, t->name, failed);
}

static void test_regressions(void **state)
{
	replay_target(*state);
}

/* A harness must take any bytes: empty, not NUL-terminated, binary. */
static void test_odd_inputs(void **state)
{
	static const char *const inputs[] = {"",
	                                     " ",
	                                     "{",
	                                     "null",
	                                     "[]",
	                                     "{}",
	                                     "\"\\u0000\"",
	                                     "{\"tailor_trace\":1}",
	                                     "{\"defaultAction\":1}"};
	const struct tl_fuzz_target *t = *state;

	for (size_t i = 0; i < TL_ARRAY_SIZE(inputs); i++) {
		size_t len = strlen(inputs[i]);
		uint8_t *copy = malloc(len ? len : 1);

		assert_non_null(copy);
		memcpy(copy, inputs[i], len);
		t->run(copy, len);
		free(copy);
	}
}

int main(void)
{
	static char names[16][64];
	struct CMUnitTest tests[2 * 16];
	size_t n = 0;

	for (size_t i = 0; i < tl_fuzz_ntargets && i < 16 && n + 2 <= TL_ARRAY_SIZE(tests); i++) {
		void *t = (void *)&tl_fuzz_targets[i];

		tests[n++] = (struct CMUnitTest){.name = tl_fuzz_targets[i].name,
		                                 .test_func = test_regressions,
		                                 .initial_state = t};
		snprintf(names[i], sizeof(names[i]), "%s: odd inputs", tl_fuzz_targets[i].name);
		tests[n++] = (struct CMUnitTest){
		    .name = names[i], .test_func = test_odd_inputs, .initial_state = t};
	}
	return _cmocka_run_group_tests("fuzz_regressions", tests, n, NULL, NULL);
}
