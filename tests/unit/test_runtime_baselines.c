// SPDX-License-Identifier: Apache-2.0
/*
 * The runtime baselines compiled into tailor (the JSON files of profilegen/baselines/):
 * well-formed, named after runtime and version, the same text as the files,
 * every name a syscall of its arch, and added by `generate --runtime`.
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
#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/generate.h"

#define BASELINE_DIR TEST_DATA "/../../profilegen/baselines"

static void test_files_well_formed(void **state)
{
	const char *json, *file;
	size_t n = 0;
	bool crun = false, runc = false;

	(void)state;
	for (; (file = tl_runtime_baseline_file(n, &json)); n++) {
		struct json_object *o = json_tokener_parse(json), *rt, *ver, *src, *sys;
		char want[256], path[512], *disk = NULL;
		size_t len;

		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "runtime", &rt));
		assert_true(json_object_object_get_ex(o, "version", &ver));
		assert_true(json_object_object_get_ex(o, "source", &src));
		assert_true(strlen(json_object_get_string(src)) >
		            40); /* says how it was measured */
		/* crun-1.8.1.json: runtime and version in the name */
		snprintf(want, sizeof(want), "%s-%s.json", json_object_get_string(rt),
		         json_object_get_string(ver));
		assert_string_equal(file, want);
		crun |= !strcmp(json_object_get_string(rt), "crun");
		runc |= !strcmp(json_object_get_string(rt), "runc");
		/* the build embedded the current file */
		snprintf(path, sizeof(path), "%s/%s", BASELINE_DIR, file);
		assert_int_equal(tl_read_file(path, &disk, &len, 0), 0);
		assert_string_equal(disk, json);
		free(disk);
		assert_true(json_object_object_get_ex(o, "syscalls", &sys));
		json_object_object_foreach(sys, arch, list)
		{
			int abi = tl_abi_from_name(arch);
			const char *prev = "";

			assert_true(abi >= 0);
			for (size_t i = 0; i < json_object_array_length(list); i++) {
				const char *name =
				    json_object_get_string(json_object_array_get_idx(list, i));

				if (!tl_syscall_known((enum tl_abi)abi, name))
					fail_msg("%s: %s is not a syscall on %s", file, name, arch);
				assert_true(strcmp(prev, name) < 0); /* sorted, unique: diffable */
				prev = name;
			}
		}
		json_object_put(o);
	}
	assert_true(crun);
	assert_true(runc);
}

static void test_lookup(void **state)
{
	char **names, *label;
	bool execve = false;

	(void)state;
	assert_int_equal(tl_runtime_baseline(TL_RUNTIME_RUNC, "x86_64", &names, &label), 0);
	for (size_t i = 0; names[i]; i++)
		execve |= !strcmp(names[i], "execve");
	assert_true(execve); /* the entrypoint's own exec */
	assert_non_null(strstr(label, "runc "));
	assert_non_null(strstr(label, "profilegen/baselines/runc-"));
	tl_strv_free(names);
	free(label);
	/* an arch that was not measured: nothing (the loader baseline still applies) */
	assert_int_equal(tl_runtime_baseline(TL_RUNTIME_CRUN, "x32", &names, NULL), 0);
	assert_int_equal(tl_strv_len(names), 0);
	tl_strv_free(names);
	assert_int_equal(tl_runtime_baseline(TL_RUNTIME_NONE, "x86_64", &names, NULL), -EINVAL);
}

/* Every baseline name is allowed unconditionally, on top of the trace. */
static void test_generate_adds_baseline(void **state)
{
	struct tl_trace t;
	struct tl_profile p;
	struct tl_gen_opts o;
	struct tl_run run = {.kind = "container", .complete = true};
	char **names;

	(void)state;
	for (int rt = TL_RUNTIME_CRUN; rt <= TL_RUNTIME_RUNC; rt++) {
		tl_trace_init(&t);
		assert_int_equal(tl_trace_add_run(&t, &run), 0);
		tl_trace_syscall(&t, TL_ABI_X86_64, "read", -1)->calls = 1;
		tl_gen_opts_init(&o);
		o.runtime = (enum tl_runtime)rt;
		assert_int_equal(tl_generate(&t, &o, &p), 0);
		assert_int_equal(tl_runtime_baseline(o.runtime, "x86_64", &names, NULL), 0);
		assert_true(p.nrules >= 1);
		assert_null(p.rules[0].args); /* the by-name rule */
		for (size_t i = 0; names[i]; i++) {
			bool found = false;

			for (size_t k = 0; p.rules[0].names[k]; k++)
				found |= !strcmp(p.rules[0].names[k], names[i]);
			if (!found)
				fail_msg("%s from the baseline is not allowed", names[i]);
		}
		assert_non_null(
		    strstr(p.rules[0].comment, rt == TL_RUNTIME_CRUN ? "crun " : "runc "));
		tl_strv_free(names);
		tl_profile_free(&p);
		tl_trace_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files_well_formed),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_generate_adds_baseline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
