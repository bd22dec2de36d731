/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp profile model: one in-memory form for what `generate` builds,
 * what the exporters write, what the loader enforces and what `diff`
 * compares.  It follows the moby/Docker schema (which the OCI runtime-spec
 * linux.seccomp object mirrors), so reading and writing are lossless.
 */
#ifndef TAILOR_PROFILE_H
#define TAILOR_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum tl_action {
	TL_ACT_KILL_THREAD,  /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	TL_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
	TL_ACT_TRAP,         /* SCMP_ACT_TRAP */
	TL_ACT_ERRNO,        /* SCMP_ACT_ERRNO (errno_ret, default EPERM) */
	TL_ACT_TRACE,        /* SCMP_ACT_TRACE (errno_ret is the trace value) */
	TL_ACT_LOG,          /* SCMP_ACT_LOG */
	TL_ACT_ALLOW,        /* SCMP_ACT_ALLOW */
	TL_ACT_NOTIFY,       /* SCMP_ACT_NOTIFY */
};

/* "SCMP_ACT_ALLOW"...; tl_action_from_name accepts every spelling above. */
const char *tl_action_name(enum tl_action a);
int tl_action_from_name(const char *name); /* action or -EINVAL */

enum tl_op {
	TL_OP_NE,        /* SCMP_CMP_NE */
	TL_OP_LT,        /* SCMP_CMP_LT */
	TL_OP_LE,        /* SCMP_CMP_LE */
	TL_OP_EQ,        /* SCMP_CMP_EQ */
	TL_OP_GE,        /* SCMP_CMP_GE */
	TL_OP_GT,        /* SCMP_CMP_GT */
	TL_OP_MASKED_EQ, /* SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo */
};
const char *tl_op_name(enum tl_op op);
int tl_op_from_name(const char *name); /* op or -EINVAL */

struct tl_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum tl_op op;
};

/* Docker's includes/excludes: conditions on the runtime, not the ABI. */
struct tl_cond {
	char **arches;   /* Go/Docker arch names ("amd64", "x32", "x86"), NULL = any */
	char **caps;     /* "CAP_SYS_ADMIN" ... , NULL = none */
	char *min_kernel; /* "4.8", NULL = any */
};

struct tl_rule {
	char **names; /* NULL-terminated, sorted for generated profiles */
	enum tl_action action;
	bool has_errno_ret;
	uint32_t errno_ret; /* ERRNO: the errno; TRACE: the trace message value */
	size_t nargs;
	struct tl_arg *args;
	char *comment; /* NULL if none */
	struct tl_cond includes;
	struct tl_cond excludes;
};

struct tl_archmap {
	char *arch;  /* "SCMP_ARCH_X86_64" */
	char **subs; /* sub-architectures */
};

struct tl_profile {
	enum tl_action default_action;
	bool has_default_errno;
	uint32_t default_errno; /* defaultErrnoRet */
	char **architectures;   /* "SCMP_ARCH_X86_64"..., NULL if absent */
	size_t narchmap;
	struct tl_archmap *archmap;
	char **flags; /* "SECCOMP_FILTER_FLAG_LOG"... , NULL if absent */
	char *listener_path;
	char *listener_metadata;
	char *comment; /* top-level "comment": provenance header */
	size_t nrules;
	struct tl_rule *rules;
};

void tl_profile_init(struct tl_profile *p);
void tl_profile_free(struct tl_profile *p);
/* Append a rule (deep copy). */
int tl_profile_add_rule(struct tl_profile *p, const struct tl_rule *r);
void tl_rule_free(struct tl_rule *r);

/*
 * Parse a Docker seccomp profile, an OCI linux.seccomp object, or a whole OCI
 * config.json (its linux.seccomp is used).  `name` names the input in errors,
 * which say where the problem is ("syscalls[3].args[0].op: unknown operator").
 */
int tl_profile_from_json(const char *text, size_t len, const char *name, struct tl_profile *p);
int tl_profile_load(const char *path, struct tl_profile *p);

#endif
