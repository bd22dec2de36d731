/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader: a profile compiled to a libseccomp filter, and applied to the
 * calling process just before execve.
 */
#ifndef TAILOR_LOADER_H
#define TAILOR_LOADER_H

#include <seccomp.h>
#include "tailor/profile.h"

struct tl_loader_opts {
	/* The runtime the filter is evaluated for, as Docker would: */
	uint32_t native_arch; /* SCMP_ARCH_*, 0 = this machine */
	const char *const *caps; /* capabilities the process will hold (includes/excludes) */
	const char *kernel;      /* "6.18.44" for minKernel, NULL = uname */
	/* Complain mode: every action other than ALLOW becomes NOTIFY (or LOG). */
	bool complain;
	bool complain_log; /* use SCMP_ACT_LOG instead of NOTIFY */
};

/*
 * Build (but do not load) the filter for a profile.  Fails closed: an
 * unknown syscall, arch or unsupported feature is an error, never skipped.
 */
int tl_loader_build(const struct tl_profile *p, const struct tl_loader_opts *o,
		    scmp_filter_ctx *out);

/* Counts per arch, for `tailor check`. */
struct tl_loader_summary {
	uint32_t arch;
	unsigned allowed;     /* names allowed unconditionally */
	unsigned conditional; /* names with argument rules */
	unsigned errno_rules; /* names returning an errno */
	unsigned other;       /* kill/trap/log/notify/trace */
};

#endif
