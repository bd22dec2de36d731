// SPDX-License-Identifier: Apache-2.0
/*
 * Exporter <-> JSON reader round trips (needs profilegen/profile_json.c):
 *  - moby's default.json -> tl_profile_load -> docker export gives moby's own
 *    bytes back (plus the trailing newline moby's file lacks);
 *  - export -> tl_profile_from_json -> export is byte-identical for every
 *    moby fixture and every hand-built case, in docker and oci form.
 */
#include "export_cases.h"

#include <unistd.h>

#include "tailor/profile.h"

#define MOBY TEST_SHARED "/data/moby/"

/* Export, parse the result back, export again: same bytes. */
static void check_fixpoint(const struct tl_profile *p, enum tl_format f, const char *what)
{
	struct tl_profile q;
	size_t alen, blen;
	char *a, *b;

	a = export_ok(p, f, &alen);
	tl_profile_init(&q);
	if (tl_profile_from_json(a, alen, what, &q))
		fail_msg("%s: re-reading the %s export: %s", what, tl_format_name(f), tl_err_msg());
	b = export_ok(&q, f, &blen);
	if (alen != blen || memcmp(a, b, alen))
		fail_msg("%s: %s export changed after a round trip:\n%s\n---\n%s", what,
		         tl_format_name(f), a, b);
	free(a);
	free(b);
	tl_profile_free(&q);
}

/* ../shared is beside the clone in CI and on developer machines; skip elsewhere. */
static void need_moby(void)
{
	if (access(MOBY "default.json", R_OK) != 0) {
		print_message("skipped: %s is absent (real-world moby fixtures)\n", MOBY);
		skip();
	}
}

static void test_moby_default_bytes(void **state)
{
	struct tl_profile p;
	char *file, *out;
	size_t flen, len;

	(void)state;
	need_moby();
	assert_int_equal(tl_read_file(MOBY "default.json", &file, &flen, 0), 0);
	tl_profile_init(&p);
	if (tl_profile_load(MOBY "default.json", &p))
		fail_msg("%s", tl_err_msg());
	out = export_ok(&p, TL_FMT_DOCKER, &len);
	/* moby's file has no trailing newline; ours always ends with one. */
	assert_int_equal(len, flen + 1);
	assert_memory_equal(out, file, flen);
	assert_int_equal(out[flen], '\n');
	free(out);
	free(file);
	tl_profile_free(&p);
}

static void test_moby_fixpoints(void **state)
{
	static const char *const files[] = {"default.json", "default-old-format.json",
	                                    "example.json", "conditional_include.json"};

	(void)state;
	need_moby();
	for (size_t i = 0; i < TL_ARRAY_SIZE(files); i++) {
		char path[512];
		struct tl_profile p;

		snprintf(path, sizeof(path), MOBY "%s", files[i]);
		tl_profile_init(&p);
		if (tl_profile_load(path, &p))
			fail_msg("%s", tl_err_msg());
		check_fixpoint(&p, TL_FMT_DOCKER, path);
		tl_profile_free(&p);
	}
}

static void test_case_fixpoints(void **state)
{
	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(export_cases); i++) {
		struct tl_profile p;

		export_cases[i].build(&p);
		check_fixpoint(&p, TL_FMT_DOCKER, export_cases[i].name);
		if (strcmp(export_cases[i].name, "conds"))
			check_fixpoint(&p, TL_FMT_OCI, export_cases[i].name);
		tl_profile_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moby_default_bytes),
	    cmocka_unit_test(test_moby_fixpoints),
	    cmocka_unit_test(test_case_fixpoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
