// SPDX-License-Identifier: Apache-2.0
/* What every fuzz harness shares: the oracle failure path and the table of targets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

const struct tl_fuzz_target tl_fuzz_targets[] = {
    {"trace", tl_fuzz_trace}, {"profile", tl_fuzz_profile},   {"generate", tl_fuzz_generate},
    {"diff", tl_fuzz_diff},   {"apparmor", tl_fuzz_apparmor}, {"aa_policy", tl_fuzz_aa_policy},
};
const size_t tl_fuzz_ntargets = sizeof(tl_fuzz_targets) / sizeof(tl_fuzz_targets[0]);

/*
 * LeakSanitizer (fuzzers and the ASan unit tests alike): libseccomp 2.5.4
 * leaks inside seccomp_rule_add*() for some rule sequences (two rules on one
 * syscall, the second comparing one argument twice, which the loader splits;
 * fuzz/README.md has a standalone reproducer).  libseccomp has no frame
 * pointers, so the fast unwinder stops in it and only the module can be
 * named: memory allocated inside libseccomp is not leak-checked here (a
 * filter never released, a name from seccomp_syscall_resolve_num_arch never
 * freed).  The other ASan tests still check those.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libseccomp.so\n";
}

void tl_fuzz_fail(const char *harness, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz %s: ", harness);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}
