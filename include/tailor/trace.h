/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trace model: what a recording saw, per ABI, and its JSON form
 * (docs/trace-format.md).  A trace is the union of one or more runs.
 *
 * All arrays are kept sorted (see each field) so that serialisation is
 * deterministic: the same trace always produces the same bytes.
 */
#ifndef TAILOR_TRACE_H
#define TAILOR_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TL_TRACE_VERSION 1

enum tl_abi {
	TL_ABI_X86_64 = 0, /* native 64-bit syscalls */
	TL_ABI_X86 = 1,    /* compat ia32 (int 0x80, sysenter, 32-bit binaries) */
	TL_ABI_X32 = 2,    /* x32 (x86_64 syscall with __X32_SYSCALL_BIT) */
	TL_ABI_COUNT
};

/* "x86_64", "x86", "x32": libseccomp's arch names, also the trace keys. */
const char *tl_abi_name(enum tl_abi abi);
/* Returns the abi, or -EINVAL for an unknown name. */
int tl_abi_from_name(const char *name);
/* SCMP_ARCH_* token of the ABI (for seccomp_arch_add and friends). */
uint32_t tl_abi_scmp_arch(enum tl_abi abi);

/* Name of a syscall number on an ABI via libseccomp; NULL if unknown. */
char *tl_syscall_name(enum tl_abi abi, int nr);
/* Number of a syscall name on an ABI via libseccomp; -ENOENT if unknown. */
int tl_syscall_nr(enum tl_abi abi, const char *name);
/*
 * True if libseccomp knows the name on the ABI, including names it only
 * emulates there (socket on x86 is also reachable through socketcall), for
 * which tl_syscall_nr returns -ENOENT.  x32 numbers carry 0x40000000
 * (__X32_SYSCALL_BIT) everywhere in tailor, as in libseccomp; tl_syscall_name
 * and tl_trace_syscall add the bit when it is missing.
 */
bool tl_syscall_known(enum tl_abi abi, const char *name);

/* Errno <-> name ("ENOSYS"); unknown numbers are named "E<n>". */
const char *tl_errno_name(int err, char buf[16]);
/* Returns the errno (> 0), or -EINVAL. Accepts "ENOSYS" and "E38". */
int tl_errno_from_name(const char *name);

struct tl_errno_count {
	int32_t err; /* positive errno */
	uint64_t count;
};

struct tl_syscall {
	char *name; /* libseccomp name on this ABI */
	int32_t nr;
	uint64_t calls; /* entries seen at sys_enter */
	uint64_t ok;    /* returns >= 0 (exit/exit_group/execve may never return) */
	size_t nerrs;
	struct tl_errno_count *errs; /* failed returns, sorted by err */
};

struct tl_abi_trace {
	size_t n;
	struct tl_syscall *sys; /* sorted by name */
};

struct tl_counter {
	char *name; /* e.g. "events" (ring buffer reservations that failed) */
	uint64_t value;
};

struct tl_run {
	char *kind;    /* "command", "pid", "container", "complain" */
	char **argv;   /* NULL-terminated command line, or NULL */
	int64_t pid;   /* the root process (0 if unknown) */
	char *target;  /* container id or other target name, or NULL */
	char *start;   /* ISO-8601 UTC, "2026-11-26T02:19:50Z" */
	uint64_t duration_ms;
	bool complete; /* false: stopped by a signal to tailor, or details lost */
	bool has_exit_status;
	int32_t exit_status; /* the command's status (128+N on signal N) */
	char *kernel;        /* uname -r */
	char *machine;       /* uname -m */
	char *tool;          /* "tailor 0.1.0" */
	size_t nlost;
	struct tl_counter *lost; /* sorted by name */
};

struct tl_exec {
	char *path;   /* the program executed (as the kernel resolved it) */
	char *parent; /* the program that executed it ("" if unknown) */
	uint64_t count;
};

struct tl_trace {
	struct tl_abi_trace abi[TL_ABI_COUNT];
	size_t nruns;
	struct tl_run *runs; /* in the order recorded/merged */
	size_t nexecs;
	struct tl_exec *execs; /* sorted by (path, parent) */
};

void tl_trace_init(struct tl_trace *t);
void tl_trace_free(struct tl_trace *t);

/*
 * Find or insert a syscall on an ABI (keeps the array sorted).  name may be
 * NULL, then it is resolved from nr with libseccomp ("__nr_<n>" when the
 * installed libseccomp does not know it).  Returns NULL on ENOMEM.
 * With a name and nr < 0, nr is resolved from the name (-ENOENT if unknown).
 */
struct tl_syscall *tl_trace_syscall(struct tl_trace *t, enum tl_abi abi, const char *name,
				    int32_t nr);
const struct tl_syscall *tl_trace_find(const struct tl_trace *t, enum tl_abi abi,
				       const char *name);
/* Add `count` failures with errno err to a syscall. */
int tl_syscall_add_errno(struct tl_syscall *s, int32_t err, uint64_t count);
/* Add an exec record (path, parent), summing counts. */
int tl_trace_add_exec(struct tl_trace *t, const char *path, const char *parent, uint64_t count);
/* Append a run (deep copy). */
int tl_trace_add_run(struct tl_trace *t, const struct tl_run *run);
void tl_run_free(struct tl_run *r);
/* Add to a named lost counter of a run. */
int tl_run_add_lost(struct tl_run *r, const char *name, uint64_t value);

/* Total of all lost counters over all runs. */
uint64_t tl_trace_lost(const struct tl_trace *t);
/* True when every run is complete and nothing was lost. */
bool tl_trace_complete(const struct tl_trace *t);

/* dst := dst ∪ src (counts added, sets united, runs appended). */
int tl_trace_merge(struct tl_trace *dst, const struct tl_trace *src);

/*
 * JSON.  tl_trace_to_json returns a malloc'd, NUL-terminated, deterministic
 * document (sorted keys, 2-space indent, trailing newline).
 * tl_trace_from_json parses text; `name` is used in error messages (file name).
 * Errors: -EINVAL malformed / not a trace, -EPROTONOSUPPORT wrong version,
 * -EFBIG larger than 256 MiB.  from_json and load initialise *t themselves
 * (previous content is not freed); on failure *t is left empty, so
 * tl_trace_free(t) is always safe.
 */
int tl_trace_to_json(const struct tl_trace *t, char **out, size_t *len);
int tl_trace_from_json(const char *text, size_t len, const char *name, struct tl_trace *t);
int tl_trace_load(const char *path, struct tl_trace *t);
int tl_trace_save(const struct tl_trace *t, const char *path);

#endif
