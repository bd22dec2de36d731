/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to tracer/: the argument table and the callsite collector. */
#ifndef TAILOR_TRACER_INT_H
#define TAILOR_TRACER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "tailor/events.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"

/* ---- argtable.c --------------------------------------------------------------- */

/* Names and numbers of the table agree with libseccomp (-EINVAL + message if not). */
int tl_argtable_check(void);
/* Load the table into the BPF array tl_argspec. */
int tl_argtable_fill(int map_fd);
/* Call fn for every (abi, nr, slot, argument index) the table records. */
int tl_argtable_each(int (*fn)(void *ctx, uint32_t abi, uint32_t nr, uint32_t slot, uint32_t index),
                     void *ctx);

/* ---- callsite.c ----------------------------------------------------------------- */

struct tl_callsites;

int tl_callsites_new(struct tl_callsites **out);
void tl_callsites_free(struct tl_callsites *cs);
/*
 * A callsite record from the ring buffer: resolve its frames to files now,
 * while the process (and its /proc/PID/maps) still exists.  Failures only
 * degrade the frames; -ENOMEM is the only error.
 */
int tl_callsites_on_event(struct tl_callsites *cs, const struct tl_ev_callsite *e);
/* Binaries worth trying for build ids never resolved (exec'ed programs). */
int tl_callsites_hint(struct tl_callsites *cs, const char *path);

/* The program path of an image id ("" if unknown). */
typedef const char *(*tl_image_path_fn)(void *ctx, uint64_t image);

/* Symbolize and add target's callsites to the trace. */
int tl_callsites_collect(struct tl_callsites *cs, uint32_t target, struct tl_trace *trace,
                         tl_image_path_fn image_path, void *ctx);

#endif
