/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader: a profile compiled to a libseccomp filter, and applied to the
 * calling process just before execve.
 */
#ifndef TAILOR_LOADER_H
#define TAILOR_LOADER_H

#include <seccomp.h>
#include "tailor/profile.h"
#include "tailor/trace.h"

struct tl_loader_opts {
	/* The runtime the filter is evaluated for, as Docker would: */
	uint32_t native_arch; /* SCMP_ARCH_*, 0 = this machine */
	const char *const *caps; /* capabilities the process will hold (includes/excludes) */
	const char *kernel;      /* "6.18.44" for minKernel, NULL = uname */
	/* Complain mode: every action other than ALLOW becomes NOTIFY (or LOG). */
	bool complain;
	bool complain_log; /* use SCMP_ACT_LOG instead of NOTIFY */
	/*
	 * Added by the loader: skip names that neither libseccomp nor tailor's
	 * syscall table knows (typos, or newer than both) instead of failing,
	 * but only in rules that are more permissive than the default action,
	 * where dropping a name makes the filter stricter.
	 * tl_loader_unknown_names lists them.
	 */
	bool skip_unknown;
};

/* tl_loader_opts.caps for "no capabilities at all" (an unprivileged container). */
extern const char *const tl_loader_no_caps[];

/*
 * Build (but do not load) the filter for a profile.  Fails closed: an
 * unknown syscall, arch or unsupported feature is an error, never skipped.
 * Names libseccomp does not know but tailor's syscall table does
 * (tl_syscall_table) are filtered by number on the native arch; on the
 * other arches libseccomp 2.5 cannot express them, so they keep the default
 * action there, which must be at least as strict as the rule's
 * (-EOPNOTSUPP otherwise).  Names absent on an arch are skipped for it.
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

/*
 * Per-arch summary of the filter tl_loader_build would build: *out is a
 * malloc'd array of *n entries (native arch first), each counting distinct
 * syscall names that exist on that arch.  A name is counted once, in the
 * first class that applies: allowed, conditional, errno_rules, other.
 */
int tl_loader_summarize(const struct tl_profile *p, const struct tl_loader_opts *o,
			struct tl_loader_summary **out, size_t *n);

/*
 * Names of the effective rules unknown to libseccomp on every arch and to
 * tailor's syscall table (NULL-terminated, sorted; *out NULL if none).
 */
int tl_loader_unknown_names(const struct tl_profile *p, const struct tl_loader_opts *o,
			    char ***out);

/*
 * Names of the effective rules that libseccomp does not know but tailor's
 * syscall table does: filtered by number (NULL-terminated, sorted; *out NULL
 * if none).
 */
int tl_loader_table_names(const struct tl_profile *p, const struct tl_loader_opts *o, char ***out);

/* The arches of the filter (native first); *n <= 16.  0 or -errno. */
int tl_loader_arches(const struct tl_profile *p, const struct tl_loader_opts *o, uint32_t arches[16],
		     size_t *n);

/*
 * Parse a capability list for tl_loader_opts.caps: "CAP_SYS_ADMIN,CAP_BPF"
 * (the CAP_ prefix is optional, case-insensitive), "none" or "" (no caps),
 * "all".  *out is a NULL-terminated vector to free with tl_strv_free.
 */
int tl_loader_parse_caps(const char *list, char ***out);

/* libseccomp's name of an SCMP_ARCH_* value ("x86_64"), "?" if unknown. */
const char *tl_loader_arch_name(uint32_t arch);
/*
 * A profile's arch token ("SCMP_ARCH_X86_64", any case after the prefix) ->
 * SCMP_ARCH_* via libseccomp; "SCMP_ARCH_NATIVE" -> native.  0 if unknown.
 */
uint32_t tl_loader_arch_token(const char *tok, uint32_t native);

/*
 * Resolve a command like execvp would (PATH, or _CS_PATH when unset), so
 * that after the filter is loaded execve is the only syscall left.
 * -ENOENT: not found (exit 127); -EACCES: found but not executable (126).
 */
int tl_loader_find_command(const char *cmd, char **path);

/*
 * Load a built filter into the calling thread with no_new_privs set.  Keeps
 * glibc's malloc from returning memory to the kernel afterwards so that no
 * stray brk/munmap happens between here and execve.
 */
int tl_loader_load(scmp_filter_ctx ctx);

/*
 * Load the filter and execve(path, argv, envp) as the very last step.
 * Returns only on failure: -errno with a message; *loaded tells whether the
 * filter was already in force (then the exec itself failed).
 */
int tl_loader_exec(scmp_filter_ctx ctx, const char *path, char *const argv[],
		   char *const envp[], bool *loaded);

/* What a complain run ends with (tl_loader_complain). */
struct tl_complain_result {
	int wstatus;       /* the command's wait status */
	int signo;         /* the last stop signal passed on, 0: none */
	pid_t pid;         /* the command's */
	uint64_t lost;     /* notifications that could not be recorded */
	bool left_running; /* tasks still ran under the filter when tailor stopped answering */
};
/* Which arguments of syscall nr to record: positions and masks, returns how many. */
typedef int (*tl_argsel_fn)(enum tl_abi abi, uint32_t nr, uint8_t *index, uint64_t *mask);
struct tl_complain_opts {
	tl_argsel_fn argsel; /* may be NULL: no argument values */
	int linger_ms;       /* after the command exits, serve what it left running this long */
};

/*
 * Complain mode (the filter built with opts.complain): fork; the child loads
 * the filter and execs path; the parent takes the child's seccomp listener
 * (pidfd_getfd), answers every notification with "continue" and records
 * its (arch, syscall) in `trace` (calls counted) until the child exits.
 * res->wstatus is the child's wait status.  SIGINT, SIGTERM and SIGHUP to
 * the parent are passed on to the child, whose end is still awaited;
 * res->signo is the last one (0: none).  A filter without a notifying rule (nothing to
 * deny) runs the command without a supervisor: an empty trace.
 * What the command left running is served until it exits too, for
 * o->linger_ms at most after the command's end (then res->left_running:
 * those tasks' denied calls fail with ENOSYS from then on, nobody answers).
 * With o->argsel (may be NULL), the argument values it selects are recorded
 * too, masked, as the recorder records them (tl_argtable_select), so that
 * a merged complain trace widens argument rules instead of losing them.
 * -EOPNOTSUPP (with a message) when user notification is unavailable before
 * the command ran: fall back to opts.complain_log.  -errno for other
 * failures.
 */
int tl_loader_complain(scmp_filter_ctx ctx, const char *path, char *const argv[],
		       char *const envp[], const struct tl_complain_opts *o,
		       struct tl_trace *trace, struct tl_complain_result *res);

#endif
