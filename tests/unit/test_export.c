// SPDX-License-Identifier: Apache-2.0
/*
 * Exporters (docker, oci, k8s, k8s-json, systemd, apparmor): golden files
 * for hand-built profiles, determinism, and the errors of formats that
 * cannot express a profile.  PFC/BPF: test_export_seccomp.c; moby round
 * trips: test_roundtrip.c.
 *
 * Regenerate the goldens with TAILOR_UPDATE_GOLDEN=1 (see export_cases.h).
 */
#include "export_cases.h"

/* Which (case, format) pairs must export, and be checked against a golden file. */
static const struct {
	const char *name;
	enum tl_format fmts[5];
	size_t n;
} golden_matrix[] = {
    {"allow", {TL_FMT_DOCKER, TL_FMT_OCI, TL_FMT_K8S, TL_FMT_SYSTEMD}, 4},
    {"args", {TL_FMT_DOCKER, TL_FMT_OCI, TL_FMT_K8S, TL_FMT_SYSTEMD}, 4},
    {"multiarch", {TL_FMT_DOCKER, TL_FMT_OCI, TL_FMT_SYSTEMD}, 3},
    {"conds", {TL_FMT_DOCKER}, 1},
    {"denylist", {TL_FMT_DOCKER, TL_FMT_OCI, TL_FMT_K8S, TL_FMT_SYSTEMD}, 4},
};

static void test_goldens(void **state)
{
	(void)state;
	for (size_t c = 0; c < TL_ARRAY_SIZE(golden_matrix); c++) {
		const struct export_case *ec = NULL;
		struct tl_profile p;

		for (size_t i = 0; i < TL_ARRAY_SIZE(export_cases); i++)
			if (!strcmp(export_cases[i].name, golden_matrix[c].name))
				ec = &export_cases[i];
		assert_non_null(ec);
		ec->build(&p);
		for (size_t k = 0; k < golden_matrix[c].n; k++) {
			enum tl_format f = golden_matrix[c].fmts[k];
			size_t len;
			char *out = export_ok(&p, f, &len);

			/* Text formats: one NUL-free string ending in a newline. */
			assert_int_equal(strlen(out), len);
			assert_true(len > 0 && out[len - 1] == '\n');
			check_golden(ec->name, tl_format_name(f), out, len);
			free(out);
		}
		tl_profile_free(&p);
	}
}

/* k8s-json is the docker schema: the kubelet passes the file to the runtime as is. */
static void test_k8s_json_is_docker(void **state)
{
	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(export_cases); i++) {
		struct tl_profile p;
		size_t a_len, b_len;
		char *a, *b;

		export_cases[i].build(&p);
		a = export_ok(&p, TL_FMT_DOCKER, &a_len);
		b = export_ok(&p, TL_FMT_K8S_JSON, &b_len);
		assert_int_equal(a_len, b_len);
		assert_memory_equal(a, b, a_len);
		free(a);
		free(b);
		tl_profile_free(&p);
	}
}

static void expect_fail(const struct tl_profile *p, enum tl_format f,
                        const struct tl_export_opts *o, int err, const char *msg_part)
{
	char *out = (char *)"untouched";
	size_t len = 123;
	int r;

	tl_err_clear();
	r = tl_export(p, f, o, &out, &len);
	assert_int_equal(r, -err);
	assert_null(out);
	assert_int_equal(len, 0);
	if (!strstr(tl_err_msg(), msg_part))
		fail_msg("%s: message '%s' lacks '%s'", tl_format_name(f), tl_err_msg(), msg_part);
}

static void test_errors(void **state)
{
	struct tl_export_opts bad_name = {.name = "My_Profile"};
	struct tl_profile p;

	(void)state;
	case_conds(&p);
	expect_fail(&p, TL_FMT_OCI, NULL, ENOTSUP, "syscalls[1] [mount umount2] has includes");
	expect_fail(&p, TL_FMT_K8S, NULL, ENOTSUP, "includes/excludes");
	expect_fail(&p, TL_FMT_SYSTEMD, NULL, ENOTSUP, "includes/excludes");
	expect_fail(&p, TL_FMT_APPARMOR, NULL, ENOTSUP,
	            "AppArmor export needs the trace (issue: AppArmor)");
	tl_profile_free(&p);

	case_multiarch(&p);
	expect_fail(&p, TL_FMT_K8S, NULL, ENOTSUP, "no defaultErrnoRet");
	tl_profile_free(&p);

	case_allow(&p);
	expect_fail(&p, TL_FMT_K8S, &bad_name, EINVAL, "'My_Profile' is not a valid");
	/* archMap without an entry for the native arch: nothing to expand. */
	p.narchmap = 1;
	p.archmap = calloc(1, sizeof(*p.archmap));
	assert_non_null(p.archmap);
	p.archmap[0].arch = strdup("SCMP_ARCH_S390X");
	expect_fail(&p, TL_FMT_OCI, NULL, EINVAL, "both architectures and archMap");
	tl_strv_free(p.architectures);
	p.architectures = NULL;
	expect_fail(&p, TL_FMT_OCI, NULL, EINVAL, "no entry for the native architecture");
	expect_fail(&p, TL_FMT_SYSTEMD, NULL, EINVAL, "no entry for the native architecture");
	tl_profile_free(&p);

	/* systemd has no default trace/log/notify. */
	case_allow(&p);
	p.default_action = TL_ACT_LOG;
	p.has_default_errno = false;
	expect_fail(&p, TL_FMT_SYSTEMD, NULL, ENOTSUP, "default action SCMP_ACT_LOG");
	expect_fail(&p, (enum tl_format)99, NULL, EINVAL, "unknown format");
	tl_profile_free(&p);
}

static void test_format_names(void **state)
{
	static const char *const names[] = {"docker",  "oci",      "k8s", "k8s-json",
	                                    "systemd", "apparmor", "pfc", "bpf"};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(names); i++) {
		int f = tl_format_from_name(names[i]);

		assert_true(f >= 0);
		assert_string_equal(tl_format_name((enum tl_format)f), names[i]);
	}
	assert_int_equal(tl_format_from_name("Docker"), -EINVAL);
	assert_non_null(strstr(tl_err_msg(), "unknown format 'Docker'"));
	assert_int_equal(tl_format_from_name(""), -EINVAL);
	assert_int_equal(tl_format_from_name(NULL), -EINVAL);
	assert_string_equal(tl_format_name((enum tl_format)42), "?");
}

/* Empty profile: still a valid document in every text format. */
static void test_empty_profile(void **state)
{
	static const enum tl_format fmts[] = {TL_FMT_DOCKER, TL_FMT_OCI, TL_FMT_K8S,
	                                      TL_FMT_SYSTEMD};
	struct tl_profile p;

	(void)state;
	tl_profile_init(&p);
	for (size_t i = 0; i < TL_ARRAY_SIZE(fmts); i++) {
		size_t len;
		char *out = export_ok(&p, fmts[i], &len);

		assert_true(len > 0 && out[len - 1] == '\n');
		free(out);
	}
}

/* YAML: strings that a YAML reader would mistype are quoted; the name option is used. */
static void test_k8s_quoting(void **state)
{
	struct tl_export_opts o = {.name = "web.api-1"};
	struct tl_profile p;
	size_t len;
	char *out;

	(void)state;
	case_allow(&p);
	p.listener_path = strdup("on");
	p.listener_metadata = strdup("a: b # c\n\"d\"");
	assert_int_equal(tl_export(&p, TL_FMT_K8S, &o, &out, &len), 0);
	assert_non_null(strstr(out, "\n  name: web.api-1\n"));
	assert_non_null(strstr(out, "\n  listenerPath: \"on\"\n"));
	assert_non_null(strstr(out, "\n  listenerMetadata: \"a: b # c\\n\\\"d\\\"\"\n"));
	assert_non_null(strstr(out, "\n# tailor 0.1.0 from traces"));
	free(out);
	tl_profile_free(&p);
}

/* systemd: long allow lists wrap into repeated SystemCallFilter= lines of <= 100 columns. */
static void test_systemd_wrap(void **state)
{
	struct tl_profile p;
	char *names[200], buf[32], *out, *line;
	size_t len, seen = 0;
	int i;

	(void)state;
	tl_profile_init(&p);
	for (i = 0; i < 150; i++) {
		snprintf(buf, sizeof(buf), "sys_%03d", 149 - i); /* reversed: output is sorted */
		names[i] = strdup(buf);
	}
	names[i] = NULL;
	rule_simple(&p, TL_ACT_ALLOW, tl_strv_dup(names));
	rule_simple(&p, TL_ACT_ALLOW, STRV("sys_000")); /* duplicate: listed once */
	for (i = 0; i < 150; i++)
		free(names[i]);
	out = export_ok(&p, TL_FMT_SYSTEMD, &len);
	for (line = out; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "\n");

		assert_true(n <= 100);
		if (!strncmp(line, "SystemCallFilter=", 17))
			seen++;
	}
	assert_true(seen > 1);
	assert_non_null(strstr(out, "SystemCallFilter=sys_000 sys_001 "));
	assert_null(strstr(out, "sys_000 sys_000"));
	free(out);
	tl_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_goldens),       cmocka_unit_test(test_k8s_json_is_docker),
	    cmocka_unit_test(test_errors),        cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_empty_profile), cmocka_unit_test(test_k8s_quoting),
	    cmocka_unit_test(test_systemd_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
