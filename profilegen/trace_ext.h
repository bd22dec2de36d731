/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to profilegen/: the hooks through which trace.c handles the v1
 * additions implemented in trace_ext.c (argument values, run features, files,
 * capabilities, network, callsites).  Not a public header.
 */
#ifndef TAILOR_PROFILEGEN_TRACE_EXT_H
#define TAILOR_PROFILEGEN_TRACE_EXT_H

#include <stdbool.h>
#include <stddef.h>

#include "tailor/trace.h"

struct json_object;

/* Sorted arrays of records (trace.c and trace_ext.c). */
/* Binary search: index of the match, or the insertion point with *found false. */
size_t tl_sorted_find(const void *base, size_t n, size_t size, const void *key,
                      int (*cmp)(const void *elem, const void *key), bool *found);
/*
 * Make room at pos in a realloc'd array of n elements (the new one zeroed);
 * returns the new base, or NULL with base unchanged.
 */
void *tl_sorted_insert(void *base, size_t n, size_t size, size_t pos);

/* Model: free / merge what trace.c does not know about. */
void tl_syscall_args_free(struct tl_syscall *s);
int tl_syscall_merge_args(struct tl_syscall *dst, const struct tl_syscall *src);
void tl_trace_ext_free(struct tl_trace *t);
int tl_trace_ext_merge(struct tl_trace *dst, const struct tl_trace *src);

/* Writer: add the keys to an object being built; set *oom on allocation failure. */
void tl_syscall_args_to_json(struct json_object *o, const struct tl_syscall *s, bool *oom);
void tl_run_features_to_json(struct json_object *o, const struct tl_run *r, bool *oom);
void tl_trace_ext_to_json(struct json_object *root, const struct tl_trace *t, bool *oom);

/*
 * Reader: look up the key in `o` (a syscall entry, a run, the root) and read
 * it when present.  `path` is the reader's location of `o` ("abis.x86_64.read",
 * "runs[0]", "" for the root); errors are "FILE: PATH.KEY...: why".
 */
int tl_syscall_args_from_json(const char *file, const char *path, struct json_object *o,
                              struct tl_syscall *s);
int tl_run_features_from_json(const char *file, const char *path, struct json_object *o,
                              struct tl_run *run);
int tl_trace_ext_from_json(const char *file, struct json_object *root, struct tl_trace *t);

#endif
