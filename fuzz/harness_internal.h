/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers private to the harness bodies (fuzz/harness_*.c). */
#ifndef TAILOR_FUZZ_HARNESS_INTERNAL_H
#define TAILOR_FUZZ_HARNESS_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tailor/common.h"
#include "harness.h"

/* A failed call must return a negative errno and leave a one-line, printable message. */
static inline void check_error(const char *harness, const char *call, int r)
{
	const char *msg = tl_err_msg();

	if (r >= 0)
		tl_fuzz_fail(harness, "%s failed with %d, not a negative errno", call, r);
	if (!msg[0])
		tl_fuzz_fail(harness, "%s failed (%d) without an error message", call, r);
	/* Messages quote attacker input: no newline, no ESC (util.c scrubs them). */
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			tl_fuzz_fail(harness, "%s: control character 0x%02x in the error message",
			             call, (unsigned char)*p);
}

/* Byte-identical outputs, or a failure showing where they differ. */
static inline void check_same(const char *harness, const char *what, const char *a, size_t alen,
                              const char *b, size_t blen)
{
	size_t i = 0;

	if (alen == blen && !memcmp(a, b, alen))
		return;
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	tl_fuzz_fail(harness, "%s: outputs differ at byte %zu (lengths %zu and %zu)", what, i, alen,
	             blen);
}

/* A cheap, stable hash of the input: picks options, so an input always replays the same. */
static inline uint32_t input_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

#endif
