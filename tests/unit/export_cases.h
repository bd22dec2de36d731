/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hand-built profiles shared by the exporter tests (test_export.c,
 * test_export_seccomp.c) and the golden-file helpers.
 *
 * Golden files: tests/data/golden/<case>.<format>.  To regenerate them after
 * an intended output change, run the tests with TAILOR_UPDATE_GOLDEN=1
 * (e.g. `TAILOR_UPDATE_GOLDEN=1 ctest -R export`), then review `git diff`.
 */
#ifndef TAILOR_TESTS_EXPORT_CASES_H
#define TAILOR_TESTS_EXPORT_CASES_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/generate.h"

static inline char **strv(const char *first, ...)
{
	char *tmp[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s && n < 63; s = va_arg(ap, const char *))
		tmp[n++] = (char *)s;
	va_end(ap);
	tmp[n] = NULL;
	return tl_strv_dup(tmp);
}

#define STRV(...) strv(__VA_ARGS__, NULL)

/* Add a rule; names and conds are taken over (freed with the rule copy). */
static inline void add_rule(struct tl_profile *p, struct tl_rule *r)
{
	assert_int_equal(tl_profile_add_rule(p, r), 0);
	tl_rule_free(r);
}

static inline void rule_simple(struct tl_profile *p, enum tl_action a, char **names)
{
	struct tl_rule r = {.names = names, .action = a};

	add_rule(p, &r);
}

static inline void rule_errno(struct tl_profile *p, uint32_t e, char **names, const char *comment)
{
	struct tl_rule r = {
	    .names = names, .action = TL_ACT_ERRNO, .has_errno_ret = true, .errno_ret = e};

	r.comment = comment ? strdup(comment) : NULL;
	add_rule(p, &r);
}

static inline void rule_args(struct tl_profile *p, enum tl_action a, char **names, size_t nargs,
                             const struct tl_arg *args)
{
	struct tl_rule r = {.names = names, .action = a, .nargs = nargs};

	r.args = malloc(nargs * sizeof(*args));
	assert_non_null(r.args);
	memcpy(r.args, args, nargs * sizeof(*args));
	add_rule(p, &r);
}

/* Allow list with an ENOSYS probe rule, flat architectures, provenance comment. */
static inline void case_allow(struct tl_profile *p)
{
	tl_profile_init(p);
	p->default_action = TL_ACT_ERRNO;
	p->has_default_errno = true;
	p->default_errno = EPERM;
	p->architectures = STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
	p->comment = strdup("tailor 0.1.0 from traces: run1.json run2.json");
	rule_simple(
	    p, TL_ACT_ALLOW,
	    STRV("close", "execve", "exit", "exit_group", "fstat", "mmap", "read", "write"));
	rule_errno(p, ENOSYS, STRV("clone3"), "probed: ENOSYS keeps glibc's clone fallback");
}

/* Argument rules (MASKED_EQ, several args), archMap, kill default, a trap rule. */
static inline void case_args(struct tl_profile *p)
{
	const struct tl_arg clone_a[] = {{0, 2114060288, 0, TL_OP_MASKED_EQ}};
	const struct tl_arg pers_a[] = {{0, 8, 0, TL_OP_EQ}};
	const struct tl_arg sock_a[] = {{0, 1, 0, TL_OP_EQ}, {1, 0x80800, 0x800, TL_OP_MASKED_EQ}};
	const struct tl_arg ioctl_a[] = {{1, 0xffffffffffffffffULL, 0, TL_OP_NE}};

	tl_profile_init(p);
	p->default_action = TL_ACT_KILL_PROCESS;
	p->narchmap = 3;
	p->archmap = calloc(3, sizeof(*p->archmap));
	assert_non_null(p->archmap);
	p->archmap[0].arch = strdup("SCMP_ARCH_X86_64");
	p->archmap[0].subs = STRV("SCMP_ARCH_X86", "SCMP_ARCH_X32");
	p->archmap[1].arch = strdup("SCMP_ARCH_AARCH64");
	p->archmap[1].subs = STRV("SCMP_ARCH_ARM");
	p->archmap[2].arch = strdup("SCMP_ARCH_RISCV64");
	rule_simple(p, TL_ACT_ALLOW, STRV("brk", "exit", "exit_group", "futex", "rt_sigreturn"));
	rule_args(p, TL_ACT_ALLOW, STRV("clone"), 1, clone_a);
	rule_args(p, TL_ACT_ALLOW, STRV("personality"), 1, pers_a);
	rule_args(p, TL_ACT_ALLOW, STRV("socket"), 2, sock_a);
	rule_args(p, TL_ACT_ALLOW, STRV("ioctl"), 1, ioctl_a);
	rule_simple(p, TL_ACT_TRAP, STRV("ptrace"));
}

/* Two ABIs, flags, listener, non-EPERM default errno, notify/log rules, odd strings. */
static inline void case_multiarch(struct tl_profile *p)
{
	tl_profile_init(p);
	p->default_action = TL_ACT_ERRNO;
	p->has_default_errno = true;
	p->default_errno = EACCES;
	p->architectures = STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86");
	p->flags = STRV("SECCOMP_FILTER_FLAG_LOG");
	p->listener_path = strdup("/run/seccomp agent.sock");
	p->listener_metadata = strdup("yes");
	p->comment = strdup("multi-line\nprovenance \"quoted\"");
	rule_simple(p, TL_ACT_ALLOW, STRV("read", "write"));
	rule_simple(p, TL_ACT_NOTIFY, STRV("openat"));
	rule_simple(p, TL_ACT_LOG, STRV("uname"));
	rule_simple(p, TL_ACT_ERRNO, STRV("mount")); /* no errnoRet: the runtime's EPERM */
}

/* Docker-only conditions: includes/excludes on caps, arches and kernel. */
static inline void case_conds(struct tl_profile *p)
{
	struct tl_rule r = {.action = TL_ACT_ALLOW};

	tl_profile_init(p);
	p->default_action = TL_ACT_ERRNO;
	rule_simple(p, TL_ACT_ALLOW, STRV("read"));
	r.names = STRV("mount", "umount2");
	r.includes.caps = STRV("CAP_SYS_ADMIN");
	r.excludes.arches = STRV("s390", "s390x");
	r.includes.min_kernel = strdup("4.8");
	r.comment = strdup("needs CAP_SYS_ADMIN");
	add_rule(p, &r);
}

/* Deny list: default allow, errno and kill rules. */
static inline void case_denylist(struct tl_profile *p)
{
	tl_profile_init(p);
	p->default_action = TL_ACT_ALLOW;
	rule_errno(p, EPERM, STRV("mount", "umount2"), NULL);
	rule_simple(p, TL_ACT_KILL_PROCESS, STRV("kexec_load"));
	rule_errno(p, ENOSYS, STRV("clone3"), NULL);
}

struct export_case {
	const char *name;
	void (*build)(struct tl_profile *p);
};

static const struct export_case export_cases[] = {
    {"allow", case_allow}, {"args", case_args},         {"multiarch", case_multiarch},
    {"conds", case_conds}, {"denylist", case_denylist},
};

static inline char *golden_path(const char *name, const char *fmt)
{
	char *path;

	assert_true(asprintf(&path, "%s/golden/%s.%s", TEST_DATA, name, fmt) > 0);
	return path;
}

/* Compare with the golden file, or rewrite it when TAILOR_UPDATE_GOLDEN=1. */
static inline void check_golden(const char *name, const char *fmt, const char *data, size_t len)
{
	const char *update = getenv("TAILOR_UPDATE_GOLDEN");
	char *path = golden_path(name, fmt), *want = NULL;
	size_t wlen = 0;

	if (update && !strcmp(update, "1")) {
		assert_int_equal(tl_write_file_atomic(path, data, len, 0644), 0);
		free(path);
		return;
	}
	if (tl_read_file(path, &want, &wlen, 0))
		fail_msg("%s: %s (regenerate with TAILOR_UPDATE_GOLDEN=1)", path, tl_err_msg());
	if (wlen != len || memcmp(want, data, len)) {
		fprintf(stderr, "--- %s (expected)\n%.*s\n--- got\n%.*s\n", path, (int)wlen, want,
		        (int)len, data);
		fail_msg("%s differs (regenerate with TAILOR_UPDATE_GOLDEN=1 after review)", path);
	}
	free(want);
	free(path);
}

/* Export twice: must succeed and give identical bytes; returns the first. */
static inline char *export_ok(const struct tl_profile *p, enum tl_format f, size_t *len)
{
	struct tl_export_opts o = {.name = NULL};
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int r;

	r = tl_export(p, f, &o, &a, &alen);
	if (r)
		fail_msg("export %s: %s", tl_format_name(f), tl_err_msg());
	assert_int_equal(tl_export(p, f, &o, &b, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(b);
	*len = alen;
	return a;
}

#endif
