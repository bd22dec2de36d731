/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to profilegen: the argument-rule table (profilegen/argrules.c) and
 * the helpers that turn observed argument values into profile rules
 * (generate.c) and back into systemd directives (export_systemd.c).
 * docs/generate.md, "Argument rules", documents every entry.
 */
#ifndef TAILOR_PROFILEGEN_ARGRULES_H
#define TAILOR_PROFILEGEN_ARGRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tailor/generate.h"

/* More distinct values than this for one argument: the syscall is allowed by name. */
#define TL_ARGRULES_MAX_VALUES 16
/* Several arguments (strict): at most this many rules (combinations) per syscall. */
#define TL_ARGRULES_MAX_RULES 32
#define TL_ARGRULES_MAX_ARGS  3
/* Values of the first argument a comment names when they are denied. */
#define TL_ARGRULES_MAX_EXAMPLES 4

/* clone's namespace flags (CLONE_NEWNS|CLONE_NEWCGROUP|UTS|IPC|USER|PID|NET), moby's mask. */
#define TL_CLONE_NS_MASK 0x7E020000ULL
#define TL_CLONE_NEWTIME 0x80ULL /* unshare/setns only: in clone it is part of CSIGNAL */
/* SOCK_NONBLOCK|SOCK_CLOEXEC are not recorded: socket types compare without them. */
#define TL_SOCK_TYPE_MASK 0xFFF7F7FFULL

enum tl_argrule_kind {
	TL_AR_VALUES, /* one rule per observed value (per combination for several args) */
	TL_AR_PROT,   /* mmap/mprotect prot: deny PROT_EXEC, or W+X, when never observed */
};

/* How values print in rule comments. */
enum tl_argfmt {
	TL_AF_NUM,      /* decimal below 4096, hex above */
	TL_AF_HEX,      /* ioctl requests, personas, flag words */
	TL_AF_FAMILY,   /* AF_INET */
	TL_AF_SOCKTYPE, /* SOCK_STREAM */
	TL_AF_NSFLAGS,  /* CLONE_NEWUSER|CLONE_NEWNET, "none" */
	TL_AF_NSTYPE,   /* setns: a CLONE_NEW* flag, "0 (any type)" */
	TL_AF_SIGNAL,   /* SIGTERM */
};

struct tl_argrule_arg {
	uint32_t index; /* argument 0..5 */
	uint64_t mask;  /* 0: SCMP_CMP_EQ value; else SCMP_CMP_MASKED_EQ (arg & mask) == v & mask */
	const char *what;  /* "domain", for comments */
	const char *whats; /* "families" */
	enum tl_argfmt fmt;
};

struct tl_argrule {
	const char *name;       /* syscall, libseccomp's name */
	enum tl_args_mode mode; /* TL_ARGS_SAFE: in safe and strict; TL_ARGS_STRICT: strict only */
	enum tl_argrule_kind kind;
	unsigned nargs;      /* arguments compared in strict mode */
	unsigned nargs_safe; /* in safe mode, only the first nargs_safe of them */
	struct tl_argrule_arg args[TL_ARGRULES_MAX_ARGS];
	bool native_only; /* the ia32 syscall of this name takes its arguments in memory */
	/* Notable values of args[0] (0-terminated): the comment names those left denied. */
	uint64_t denied_examples[TL_ARGRULES_MAX_EXAMPLES];
	const char *why; /* one line: what the rules keep out */
};

extern const struct tl_argrule tl_argrules[];
extern const size_t tl_argrules_count;

/* The table entry of a syscall, NULL when its arguments are never filtered. */
const struct tl_argrule *tl_argrule_find(const char *name);
/* The entry applies in this mode (TL_ARGS_NONE: never). */
bool tl_argrule_enabled(const struct tl_argrule *ar, enum tl_args_mode mode);

/* The observed values of one argument, united over the ABIs that made the call. */
struct tl_argset {
	bool recorded; /* recorded on every ABI where the syscall was observed */
	bool overflow; /* some value set overflowed: the values are incomplete */
	size_t n;
	uint64_t *v; /* sorted, unique */
};

/*
 * Which combinations of values were seen together, when something recorded
 * them (the trace's sockets: family, type, protocol).  keep() gets the
 * masked values of the first n (1..nargs) arguments of the entry and tells
 * whether one recorded tuple starts with them.
 */
struct tl_argfilter {
	unsigned nargs;
	bool (*keep)(const void *ctx, const uint64_t *vals, unsigned n);
	const void *ctx;
};

/*
 * Append the rules of one syscall to p: SCMP_ACT_ALLOW rules with argument
 * conditions, or, when the values cannot be used (not recorded, overflow,
 * above TL_ARGRULES_MAX_VALUES, W+X observed), one rule allowing the name
 * with a comment that says why.  vals[k] are the values of ar->args[k].
 * filter (may be NULL; used when mode compares all of its nargs arguments)
 * keeps only the combinations seen together; when even those are more than
 * TL_ARGRULES_MAX_RULES, the last arguments are dropped and the observed
 * tuples cut short, never widened to the cross product (a filter that keeps
 * none is ignored).
 * note (may be NULL) is appended to the comment of the first rule.
 * *conditional tells which of the two happened.  0 or -ENOMEM.
 */
int tl_argrules_emit(const struct tl_argrule *ar, enum tl_args_mode mode,
                     const struct tl_argset *vals, const struct tl_argfilter *filter,
                     const char *note, struct tl_profile *p, bool *conditional);

/* One rule allowing the name, with the comment "<name>: <reason>: allowed for any <what>". */
int tl_argrules_emit_by_name(const struct tl_argrule *ar, const char *reason, const char *note,
                             struct tl_profile *p);

/* "AF_INET" for an address family, NULL when unknown. */
const char *tl_argrules_family_name(uint64_t family);

/* systemd's RestrictNamespaces= names, in systemd's order, with their CLONE_NEW* bit. */
struct tl_ns_name {
	uint64_t flag;
	const char *systemd; /* "cgroup", "ipc", "net", "mnt", "pid", "user", "uts" */
};
extern const struct tl_ns_name tl_ns_names[];
extern const size_t tl_ns_names_count;

#endif
