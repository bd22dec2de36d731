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

/*
 * Syscall names and numbers come from libseccomp; for names it does not know
 * at all (newer than the installed version), from tailor's table below.
 * libseccomp's answer always wins where it has one.
 */
/* Name of a syscall number on an ABI (malloc'd); NULL if unknown. */
char *tl_syscall_name(enum tl_abi abi, int nr);
/* Number of a syscall name on an ABI; -ENOENT if unknown or not on that ABI. */
int tl_syscall_nr(enum tl_abi abi, const char *name);
/*
 * True if the name is a syscall of the ABI, including names libseccomp only
 * emulates there (socket on x86 is also reachable through socketcall), for
 * which tl_syscall_nr returns -ENOENT.  x32 numbers carry 0x40000000
 * (__X32_SYSCALL_BIT) everywhere in tailor, as in libseccomp; tl_syscall_name
 * and tl_trace_syscall add the bit when it is missing.
 */
bool tl_syscall_known(enum tl_abi abi, const char *name);

/*
 * tailor's table of syscalls that libseccomp may not know
 * (profilegen/syscall_table.c, sorted by name): numbers per ABI, x32 with
 * __X32_SYSCALL_BIT, -1 where the syscall does not exist on that ABI.
 */
struct tl_syscall_def {
	const char *name;
	int32_t nr[TL_ABI_COUNT];
	const char *since; /* first kernel release with it, "6.10" */
};
extern const struct tl_syscall_def tl_syscall_table[];
extern const size_t tl_syscall_table_len;
/* The entry of a name, NULL if the table does not list it. */
const struct tl_syscall_def *tl_syscall_table_find(const char *name);
/* The entry with this number on the ABI (x32: bit optional), NULL if none. */
const struct tl_syscall_def *tl_syscall_table_find_nr(enum tl_abi abi, int nr);

/* Errno <-> name ("ENOSYS"); unknown numbers are named "E<n>". */
const char *tl_errno_name(int err, char buf[16]);
/* Returns the errno (> 0), or -EINVAL. Accepts "ENOSYS" and "E38". */
int tl_errno_from_name(const char *name);

struct tl_errno_count {
	int32_t err; /* positive errno */
	uint64_t count;
};

/*
 * Distinct values of one non-pointer argument of a syscall, as recorded in
 * the kernel for the security-relevant syscalls (docs/trace-format.md lists
 * which arguments, and how flag words are masked before recording).
 */
#define TL_ARGVALS_MAX 64 /* distinct values kept per argument; more sets overflow */
struct tl_argvals {
	uint32_t index; /* argument 0..5 */
	bool overflow;  /* more distinct values were seen than were kept */
	size_t n;
	uint64_t *values; /* sorted, unique */
};

struct tl_syscall {
	char *name; /* libseccomp name on this ABI */
	int32_t nr;
	uint64_t calls; /* calls made (the recorder counts them at return, exit and the stop) */
	uint64_t ok;    /* returns >= 0 (exit/exit_group/execve may never return) */
	size_t nerrs;
	struct tl_errno_count *errs; /* failed returns, sorted by err */
	size_t nargs;
	struct tl_argvals *args; /* recorded arguments, sorted by index (issue: args) */
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
	/*
	 * What this run recorded beyond syscalls: "args", "files", "caps",
	 * "net", "stacks" (sorted).  A missing feature means "not recorded",
	 * not "none seen" (e.g. no capability tracepoint on this kernel).
	 */
	char **features;
};

struct tl_exec {
	char *path;   /* the program executed (as the kernel resolved it) */
	char *parent; /* the program that executed it ("" if unknown) */
	uint64_t count;
};

/* File accesses (AppArmor): one bit per kind of access the kernel granted or refused. */
enum tl_access {
	TL_ACC_READ = 1 << 0,
	TL_ACC_WRITE = 1 << 1,
	TL_ACC_APPEND = 1 << 2,
	TL_ACC_CREATE = 1 << 3,
	TL_ACC_DELETE = 1 << 4,
	TL_ACC_RENAME = 1 << 5, /* renamed from (source) or to (target) this path */
	TL_ACC_LINK = 1 << 6,   /* hard link created at this path */
	TL_ACC_LOCK = 1 << 7,
	TL_ACC_EXEC = 1 << 8,
	TL_ACC_MMAP_EXEC = 1 << 9, /* mapped PROT_EXEC */
	TL_ACC_SETATTR = 1 << 10,  /* chmod, chown, utimes, truncate */
	TL_ACC_DIR = 1 << 11,      /* the path is a directory (listed, created, removed) */
	TL_ACC_COUNT_BITS = 12,
};
/*
 * "read", "write", ... (the JSON names, in bit order).  bit is the bit's
 * index 0..TL_ACC_COUNT_BITS-1 (TL_ACC_READ is bit 0), not its mask; NULL
 * when out of range.
 */
const char *tl_access_name(unsigned bit);
int tl_access_from_name(const char *name); /* the bit value, or -EINVAL */

struct tl_file {
	char *path;    /* absolute, symlinks resolved, relative to the process's root */
	char *program; /* the program that accessed it ("" if unknown) */
	uint32_t access; /* enum tl_access bits */
	uint64_t count;
};

/* Capabilities checked for the target (capability/cap_capable tracepoint). */
struct tl_cap {
	int32_t cap; /* CAP_* number */
	char *program;
	uint64_t granted;
	uint64_t denied;
};
/* Capabilities tailor names: 0 .. CAP_LAST_CAP of Linux 6.x (CAP_CHECKPOINT_RESTORE = 40). */
#define TL_CAP_COUNT 41
/*
 * "CAP_SYS_ADMIN" ...; NULL when unknown (cap < 0 or >= TL_CAP_COUNT).
 * The one capability table: the loader's includes/excludes use it too.
 * tl_cap_from_name ("CAP_SYS_ADMIN" or "<n>"): the number, or -EINVAL.
 */
const char *tl_cap_name(int cap);
int tl_cap_from_name(const char *name);

/* Sockets the target created (socket/socketpair at sys_exit, successful or not). */
struct tl_net {
	int32_t family;   /* AF_* */
	int32_t type;     /* SOCK_* without SOCK_NONBLOCK/SOCK_CLOEXEC */
	int32_t protocol;
	char *program;
	uint64_t count;
};
/*
 * AppArmor-style family names ("inet", "inet6", "unix", "netlink", "packet", "alg"...);
 * NULL when unknown (the JSON then says "af_<n>").  tl_family_from_name accepts the
 * names, "af_<n>" and "<n>"; returns the number or -EINVAL.
 */
const char *tl_family_name(int family);
int tl_family_from_name(const char *name);
/* "stream", "dgram", "raw", "rdm", "seqpacket", "dccp", "packet"; NULL when unknown. */
const char *tl_socktype_name(int type);
int tl_socktype_from_name(const char *name); /* a name or "<n>": the number, or -EINVAL */

/* One frame of a user stack, symbolised after recording (explain). */
struct tl_frame {
	char *file;     /* the mapped file, or NULL (anonymous/JIT) */
	char *build_id; /* hex, or NULL */
	uint64_t offset; /* file offset (or absolute address when file is NULL) */
	char *symbol;   /* function name, or NULL when unknown */
	uint64_t symoff; /* offset into symbol */
};

/* Where a syscall (or a new argument value) was first made. */
struct tl_callsite {
	uint32_t abi;    /* enum tl_abi */
	char *syscall;
	char *detail;    /* NULL for the syscall's first call; "arg0=0x11" for a new value */
	char *program;   /* exe path of the process */
	size_t nframes;
	struct tl_frame *frames; /* innermost first */
};

struct tl_trace {
	struct tl_abi_trace abi[TL_ABI_COUNT];
	size_t nruns;
	struct tl_run *runs; /* in the order recorded/merged */
	size_t nexecs;
	struct tl_exec *execs; /* sorted by (path, parent) */
	size_t nfiles;
	struct tl_file *files; /* sorted by (path, program); access bits OR-ed */
	size_t ncaps;
	struct tl_cap *caps; /* sorted by (cap, program) */
	size_t nnet;
	struct tl_net *net; /* sorted by (family, type, protocol, program) */
	size_t ncallsites;
	struct tl_callsite *callsites; /* sorted by (abi, syscall, detail, program); first kept */
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
/*
 * Record a distinct argument value (index 0..5, else -EINVAL).  Past
 * TL_ARGVALS_MAX values, overflow is set and the TL_ARGVALS_MAX smallest are
 * kept, so the result does not depend on the order of adds or merges.
 */
int tl_syscall_add_argval(struct tl_syscall *s, uint32_t index, uint64_t value);
int tl_syscall_set_arg_overflow(struct tl_syscall *s, uint32_t index);
/* The recorded values of one argument, or NULL when that argument was not recorded. */
const struct tl_argvals *tl_syscall_argvals(const struct tl_syscall *s, uint32_t index);
/* Add (path, program) with access bits, summing counts and OR-ing bits. */
int tl_trace_add_file(struct tl_trace *t, const char *path, const char *program, uint32_t access,
		      uint64_t count);
int tl_trace_add_cap(struct tl_trace *t, int32_t cap, const char *program, uint64_t granted,
		     uint64_t denied);
int tl_trace_add_net(struct tl_trace *t, int32_t family, int32_t type, int32_t protocol,
		     const char *program, uint64_t count);
/* Add a callsite (deep copy) unless one with the same key exists (the first is kept). */
int tl_trace_add_callsite(struct tl_trace *t, const struct tl_callsite *c);
void tl_callsite_free(struct tl_callsite *c);
/* Append a run (deep copy). */
int tl_trace_add_run(struct tl_trace *t, const struct tl_run *run);
void tl_run_free(struct tl_run *r);
/* Add to a named lost counter of a run. */
int tl_run_add_lost(struct tl_run *r, const char *name, uint64_t value);

/* Total of all lost counters over all runs. */
uint64_t tl_trace_lost(const struct tl_trace *t);
/*
 * Why run r is incomplete, in words ("recorded only after it had started
 * (its startup is missing); 3 events lost"), into buf (cut to size); its
 * length, 0 when the run is complete.
 */
size_t tl_run_why_incomplete(const struct tl_run *r, char *buf, size_t size);
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
