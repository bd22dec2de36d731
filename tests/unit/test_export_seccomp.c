// SPDX-License-Identifier: Apache-2.0
/*
 * PFC and raw BPF export: libseccomp's views of the filter tl_loader_build()
 * makes.  Golden PFC files depend on the libseccomp version (2.5.4 here):
 * regenerate with TAILOR_UPDATE_GOLDEN=1 after an upgrade, and review.
 */
#include "export_cases.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tailor/loader.h"

static void test_pfc_goldens(void **state)
{
	static const struct {
		const char *name;
		void (*build)(struct tl_profile *p);
	} cases[] = {{"allow", case_allow}, {"args", case_args}, {"denylist", case_denylist}};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		struct tl_profile p;
		size_t len;
		char *out;

		cases[i].build(&p);
		out = export_ok(&p, TL_FMT_PFC, &len);
		assert_int_equal(strlen(out), len);
		check_golden(cases[i].name, "pfc", out, len);
		free(out);
		tl_profile_free(&p);
	}
}

/* BPF is binary: whole sock_filter instructions, and exactly what libseccomp exports. */
static void test_bpf_matches_loader(void **state)
{
	struct tl_loader_opts lo = {.caps = NULL};
	scmp_filter_ctx ctx = NULL;
	struct tl_profile p;
	char *out, *want;
	size_t len;
	off_t wlen;
	int fd;

	(void)state;
	case_args(&p);
	out = export_ok(&p, TL_FMT_BPF, &len);
	assert_true(len > 0 && len % 8 == 0);

	lo.caps = tl_loader_no_caps;
	assert_int_equal(tl_loader_build(&p, &lo, &ctx), 0);
	fd = memfd_create("want", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	wlen = lseek(fd, 0, SEEK_CUR);
	assert_int_equal((size_t)wlen, len);
	want = malloc(len);
	assert_non_null(want);
	assert_int_equal(pread(fd, want, len, 0), (ssize_t)len);
	assert_memory_equal(out, want, len);
	close(fd);
	seccomp_release(ctx);
	free(want);
	free(out);
	tl_profile_free(&p);
}

/* The loader fails closed; the exporter passes its error on with context. */
static void test_unknown_syscall(void **state)
{
	struct tl_profile p;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	tl_profile_init(&p);
	rule_simple(&p, TL_ACT_ALLOW, STRV("read", "no_such_syscall"));
	assert_true(tl_export(&p, TL_FMT_PFC, NULL, &out, &len) < 0);
	assert_null(out);
	assert_non_null(strstr(tl_err_msg(), "pfc export: "));
	tl_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pfc_goldens),
	    cmocka_unit_test(test_bpf_matches_loader),
	    cmocka_unit_test(test_unknown_syscall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
