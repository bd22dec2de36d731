/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness bodies, shared by the libFuzzer targets (fuzz/fuzz_*.c, built
 * with -DTAILOR_FUZZ=ON and clang) and the unit test that replays every
 * regression input (tests/unit/test_fuzz_regressions.c, any compiler).
 *
 * Each harness takes arbitrary bytes, never crashes or leaks on them, and
 * checks its oracles (round trips, invariants); a broken oracle prints one
 * line naming the harness and the check, then aborts, so that the fuzzer
 * keeps the input and the unit test fails.
 */
#ifndef TAILOR_FUZZ_HARNESS_H
#define TAILOR_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Trace JSON: parse; if it parses, serialise/re-parse/re-serialise (same bytes), merge. */
int tl_fuzz_trace(const uint8_t *data, size_t size);
/* Profile JSON: parse; docker export round trip, every other export, loader build. */
int tl_fuzz_profile(const uint8_t *data, size_t size);
/* Trace JSON -> tl_generate -> tl_export in every format; generated docker re-parses. */
int tl_fuzz_generate(const uint8_t *data, size_t size);
/* `tailor diff`: OLD "\n%%\n" NEW (or one input against itself); self-diffs are empty. */
int tl_fuzz_diff(const uint8_t *data, size_t size);
/* Trace JSON -> AppArmor export -> tailor's AppArmor parser; every recorded access allowed. */
int tl_fuzz_apparmor(const uint8_t *data, size_t size);
/* AppArmor profile text and path patterns (tl_aa_policy_parse, tl_aa_match). */
int tl_fuzz_aa_policy(const uint8_t *data, size_t size);

/* The harnesses by name ("trace", "profile", ...), for the regression replayer. */
struct tl_fuzz_target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
};
extern const struct tl_fuzz_target tl_fuzz_targets[];
extern const size_t tl_fuzz_ntargets;

/* An oracle failed: print "fuzz <harness>: <what>" and abort(). */
void tl_fuzz_fail(const char *harness, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#endif
