/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to profilegen/diff*.c: a string builder and the SPO YAML reader. */
#ifndef TAILOR_PROFILEGEN_DIFF_INTERNAL_H
#define TAILOR_PROFILEGEN_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tailor/diff.h"

/* A growable string; on allocation failure it stops growing and remembers it. */
struct tl_sb {
	char *s;
	size_t len, cap;
	bool oom;
};

void tl_sb_printf(struct tl_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tl_sb_puts(struct tl_sb *b, const char *s);
/* The string (malloc'd; "" when nothing was added), or NULL after an allocation failure. */
char *tl_sb_take(struct tl_sb *b);

/* Added or widened with risk medium or above: what --fail-on risky fails on. */
bool tl_diff_is_risky(const struct tl_diff_item *it);

/*
 * A Security Profiles Operator SeccompProfile (YAML, the subset tailor and
 * kubectl write: block mappings and sequences, flow sequences of scalars,
 * comments, plain and quoted scalars) to a profile.  Errors name the line.
 */
int tl_diff_profile_from_yaml(const char *text, size_t len, const char *name, struct tl_profile *p);

#endif
