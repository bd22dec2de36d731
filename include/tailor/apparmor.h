/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AppArmor: a profile built from the trace (files, execs, capabilities,
 * sockets), and a small AppArmor path matcher that checks it
 * (docs/apparmor.md).
 *
 * The export works on the trace, not on a seccomp profile: AppArmor rules
 * are about paths, capabilities and socket families, which only the trace
 * records.
 */
#ifndef TAILOR_APPARMOR_H
#define TAILOR_APPARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tailor/trace.h"

/* ---- export (profilegen/apparmor.c) ------------------------------------------ */

struct tl_aa_opts {
	const char *name;           /* profile name, default "tailor" */
	bool container;             /* attach_disconnected and moby's signal/ptrace rules;
	                             * also on when a run's kind is "container" */
	bool children;              /* a child profile NAME//prog per executed program (px) */
	bool abstractions;          /* include <abstractions/base> instead of the rules it covers */
	const char *const *sources; /* trace file names for the header (NULL-terminated) */
	/*
	 * Collapse read-only rules into directory globs: N or more files read
	 * directly in a directory give DIR/\* r, N or more below it outside its
	 * most-read subdirectory give DIR/\*\* r, never where the table in
	 * apparmor.c forbids (docs/apparmor.md, "Collapsing").  0: off.
	 * tl_aa_opts_init sets TL_AA_COLLAPSE_DEFAULT.
	 */
	unsigned collapse;
};

/* Files read in a directory before its rules collapse into a glob (tl_aa_opts.collapse). */
#define TL_AA_COLLAPSE_DEFAULT 32

/* Defaults: everything off, collapse = TL_AA_COLLAPSE_DEFAULT. */
void tl_aa_opts_init(struct tl_aa_opts *o);

struct tl_aa_vars;
/*
 * The pattern the export writes for an absolute path with these accesses
 * (TL_ACC_*: a directory, a file created and deleted): per-run names (pids,
 * temp names, library versions) become globs, as docs/apparmor.md lists;
 * vars: from tl_aa_vars_add_tunables; t (or NULL): the trace of path, whose
 * scratch directories (created and removed) make the names below them
 * scratch names too.  *out: the caller frees; *generalised: it is a glob, not the path escaped.
 * -ENOMEM.
 */
int tl_aa_path_pattern(const struct tl_aa_vars *vars, const struct tl_trace *t, const char *path,
                       uint32_t access, char **out, bool *generalised);

/*
 * Write an AppArmor 3 profile allowing what the trace recorded.  Output is
 * deterministic (same trace and options, same bytes); the caller frees *out.
 * Errors: -EINVAL bad name or option, -ENOMEM.
 */
int tl_export_apparmor(const struct tl_trace *t, const struct tl_aa_opts *o, char **out,
                       size_t *len);

/* ---- matcher (profilegen/aa_match.c) ------------------------------------------ */

/* File permissions as the kernel sees them after the parser: w implies a, x implies m. */
enum tl_aa_perm {
	TL_AA_READ = 1 << 0,   /* r */
	TL_AA_WRITE = 1 << 1,  /* w */
	TL_AA_APPEND = 1 << 2, /* a */
	TL_AA_LINK = 1 << 3,   /* l */
	TL_AA_LOCK = 1 << 4,   /* k */
	TL_AA_MMAP = 1 << 5,   /* m */
	TL_AA_EXEC = 1 << 6,   /* ix, px, cx, ux... (any exec mode) */
};
/* "rwix" -> bits, with the implications applied; -EINVAL on an unknown letter. */
int tl_aa_perms_parse(const char *s, uint32_t *perms);

/* Variables (@{name}): each has one or more values, as in a profile. */
struct tl_aa_var {
	char *name;    /* without @{ } */
	char **values; /* NULL-terminated */
};
struct tl_aa_vars {
	size_t n;
	struct tl_aa_var *v;
};
void tl_aa_vars_init(struct tl_aa_vars *v);
void tl_aa_vars_free(struct tl_aa_vars *v);
/* Define (append=false) or extend (+=) a variable with one value. */
int tl_aa_vars_set(struct tl_aa_vars *v, const char *name, const char *value, bool append);
/* The values of a variable, or NULL. */
char *const *tl_aa_vars_get(const struct tl_aa_vars *v, const char *name);
/*
 * Built-in copies of the variables of AppArmor 3.0's <tunables/global> that
 * tailor's output and its abstraction table use (@{PROC}, @{pid}, @{tid},
 * @{sys}, @{run}, @{etc_ro}, @{multiarch}...), so that matching does not
 * depend on the host.
 */
int tl_aa_vars_add_tunables(struct tl_aa_vars *v);

/*
 * Does the AppArmor path pattern match path?  Globbing as apparmor_parser
 * compiles it: * (not '/'), ** (anything), ? (one char, not '/'), [...]
 * and [^...], {a,b} (nested), \ escapes and \xHH, @{var} expanded from vars
 * (NULL: none), runs of '/' collapsed; a * or ** that fills a whole path
 * component must match at least one character.
 * Returns 1 (match), 0 (no match), -EINVAL (bad pattern or unknown variable),
 * -E2BIG (pattern too complex to decide).
 */
int tl_aa_match(const char *pattern, const char *path, const struct tl_aa_vars *vars);

/* ---- profiles as text, for checks and tests (profilegen/aa_match.c) ----------- */

struct tl_aa_rule {
	char *pattern;  /* as written (variables unexpanded, quotes removed) */
	uint32_t perms; /* enum tl_aa_perm */
	bool deny, owner;
	char *target; /* "-> target" of an exec rule, or NULL */
};

struct tl_aa_prof {
	char *name;   /* "NAME", children "NAME//child" */
	char *attach; /* attachment pattern or NULL */
	char *flags;  /* "attach_disconnected,mediate_deleted" or NULL */
	size_t nrules;
	struct tl_aa_rule *rules; /* file rules in order, includes resolved */
	char **other;    /* other rules, normalised text ("capability chown"), NULL-terminated */
	char **includes; /* include names ("abstractions/base"), NULL-terminated */
};

struct tl_aa_policy {
	struct tl_aa_vars vars;
	size_t nprofs;
	struct tl_aa_prof *profs;
};

/*
 * Parse profile text (the subset tailor writes, and the common rules of
 * shipped abstractions): variables, includes, profiles and child
 * profiles, file rules with qualifiers; other rules are kept as text.
 * base_dir NULL: <tunables/global> and <abstractions/base> come from
 * tailor's built-in tables, other includes are recorded but not read;
 * else includes are read from base_dir (e.g. /etc/apparmor.d).
 * `name` is used in error messages.  On failure *p is empty.
 */
int tl_aa_policy_parse(const char *text, const char *name, const char *base_dir,
                       struct tl_aa_policy *p);
void tl_aa_policy_free(struct tl_aa_policy *p);
const struct tl_aa_prof *tl_aa_policy_find(const struct tl_aa_policy *p, const char *name);
/*
 * The permissions a profile grants on path: the union of its matching allow
 * rules (owner rules count as allow) minus its matching deny rules.
 * Returns 0 or a negative errno from tl_aa_match.
 */
int tl_aa_prof_perms(const struct tl_aa_policy *p, const struct tl_aa_prof *prof, const char *path,
                     uint32_t *perms);

/*
 * A standard abstraction as tailor knows it: the file rules of
 * /etc/apparmor.d/<name> (AppArmor 3.0) that tailor may rely on, a subset
 * of what the abstraction allows.  NULL for an abstraction tailor does not
 * know.
 */
struct tl_aa_abs_rule {
	const char *pattern;
	const char *perms;
};
const struct tl_aa_abs_rule *tl_aa_abstraction(const char *name, size_t *n);

#endif
