/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `tailor diff`: what a new trace or profile may do that the old one could
 * not (and the reverse), with a risk class per change (docs/diff.md).
 *
 * Both sides are first normalised to one comparable form, per architecture,
 * so that two spellings of the same policy give no change: archMap vs
 * architectures, `names` vs legacy `name`, rules split or merged, names in
 * any order, redundant rules, errnoRet spelled or defaulted, includes and
 * excludes resolved for a fixed runtime (amd64, no capabilities, a kernel
 * new enough for every minKernel).  A trace becomes its effective policy with
 * tl_generate (default options); between two traces the files, programs,
 * capabilities and network families are compared as well.
 */
#ifndef TAILOR_DIFF_H
#define TAILOR_DIFF_H

#include <stddef.h>
#include <stdbool.h>

#include "tailor/profile.h"
#include "tailor/risk.h"
#include "tailor/trace.h"

/* In the output's sort order (after risk). */
enum tl_diff_kind {
	TL_DIFF_SYSCALL, /* a syscall became allowed (added) or denied (removed), or its denial
	                    changed */
	TL_DIFF_ARG,     /* the argument rules of an allowed syscall widened or narrowed */
	TL_DIFF_DEFAULT, /* default action/errno, filter flags, listener */
	TL_DIFF_ARCH,    /* an architecture (ABI) added or removed */
	TL_DIFF_FILE,    /* traces: a path, or access bits on it */
	TL_DIFF_PROGRAM, /* traces: a program executed */
	TL_DIFF_CAP,     /* traces: a capability checked */
	TL_DIFF_NET,     /* traces: a socket family (and types) */
	/* traces: the program stopped (widened) or started (narrowed) confining itself:
	 * seccomp filter, no_new_privs, privilege drop, chroot */
	TL_DIFF_HARDENING,
};

enum tl_diff_change {
	TL_DIFF_ADDED,
	TL_DIFF_WIDENED,
	TL_DIFF_CHANGED,
	TL_DIFF_NARROWED,
	TL_DIFF_REMOVED,
};

/* "syscall", "arg", ...; "added", "widened", ... (the JSON names). */
const char *tl_diff_kind_name(enum tl_diff_kind k);
const char *tl_diff_change_name(enum tl_diff_change c);

struct tl_diff_item {
	enum tl_diff_kind kind;
	enum tl_diff_change change;
	char *arch; /* libseccomp arch name ("x86_64"), NULL when not per architecture */
	char *name; /* syscall, "defaultAction", flag, arch, path, program, CAP_*, AF_* */
	enum tl_risk risk;
	const char *reason; /* from the risk table; NULL when the change is low risk */
	char *detail;       /* one line: the action, conditions or access bits */
	size_t ncallsites;
	struct tl_callsite *callsites; /* NEW trace: who made an added syscall or socket family */
};

struct tl_diff {
	size_t n;
	struct tl_diff_item *items; /* sorted: risk desc, kind, arch, name, change, detail */
	char **notes; /* what was not compared or may be incomplete, and why; NULL-terminated */
};

/* One input: a trace (detected by its "tailor_trace" key) or a profile. */
struct tl_diff_side {
	char *file;
	bool is_trace;
	const char *format; /* "trace", "seccomp-json" (docker/oci/k8s-json), "oci-config", "k8s" */
	struct tl_trace trace;     /* is_trace */
	struct tl_profile profile; /* the profile, or the trace's effective policy */
};

/*
 * Read one side.  Errors are one line naming the file, the place and the
 * problem (the trace and profile readers' messages).  *s is initialised
 * first, so tl_diff_side_free is always safe.
 */
int tl_diff_side_load(const char *path, struct tl_diff_side *s);
int tl_diff_side_from_text(const char *text, size_t len, const char *name, struct tl_diff_side *s);

/*
 * What a text that is neither JSON nor SeccompProfile YAML plainly is, from
 * its first lines ("an AppArmor profile", "a systemd unit or drop-in",
 * "libseccomp pseudo filter code (PFC)"); NULL when it may be YAML.
 */
const char *tl_diff_foreign_text(const char *text, size_t len);
void tl_diff_side_free(struct tl_diff_side *s);

/* Compare two sides; *out is initialised first, free it with tl_diff_free. */
int tl_diff_compute(const struct tl_diff_side *old, const struct tl_diff_side *new,
                    struct tl_diff *out);
/* Compare two profiles only ("OLD"/"NEW" name them in messages). */
int tl_diff_profiles(const struct tl_profile *old, const struct tl_profile *new,
                     struct tl_diff *out);
void tl_diff_free(struct tl_diff *d);

enum tl_diff_format { TL_DIFF_TEXT, TL_DIFF_MARKDOWN, TL_DIFF_JSON };
int tl_diff_format_from_name(const char *name); /* format or -EINVAL */

/*
 * Render a diff.  old/new describe the sources (may be NULL in tests).
 * color adds ANSI colours to TL_DIFF_TEXT only.  Deterministic; *out ends
 * with a newline.
 */
int tl_diff_render(const struct tl_diff *d, const struct tl_diff_side *old,
                   const struct tl_diff_side *new, enum tl_diff_format f, bool color, char **out,
                   size_t *len);

/* --fail-on: none never fails; any fails on any change; risky on an added or
 * widened change of risk medium or above. */
enum tl_diff_gate { TL_DIFF_GATE_NONE, TL_DIFF_GATE_RISKY, TL_DIFF_GATE_ANY };
int tl_diff_gate_from_name(const char *name); /* gate or -EINVAL */
bool tl_diff_gate_fails(const struct tl_diff *d, enum tl_diff_gate g);

#endif
