// SPDX-License-Identifier: Apache-2.0
/*
 * Trace JSON (tl_trace_from_json), the format reviewers and CI pass around.
 * Oracles, for every input that parses:
 *  - serialise -> parse -> serialise gives the same bytes (a fixpoint);
 *  - merging the trace into an empty one serialises to the same bytes;
 *  - merging it again (a second, re-parsed copy) keeps every set the same
 *    size, doubles the runs, and still serialises to a readable trace.
 */
#include <stdlib.h>

#include "tailor/trace.h"
#include "harness_internal.h"

#define H "trace"

static void to_json(const struct tl_trace *t, const char *what, char **out, size_t *len)
{
	int r = tl_trace_to_json(t, out, len);

	if (r)
		tl_fuzz_fail(H, "tl_trace_to_json of %s failed: %s", what, tl_err_msg());
}

static void check_merge(const struct tl_trace *t, const struct tl_trace *copy, const char *a,
                        size_t alen)
{
	struct tl_trace m, back;
	size_t blen;
	char *b;
	int r;

	tl_trace_init(&m);
	if ((r = tl_trace_merge(&m, t)))
		tl_fuzz_fail(H, "merging into an empty trace failed: %s", tl_err_msg());
	to_json(&m, "the merged trace", &b, &blen);
	check_same(H, "merge into an empty trace", a, alen, b, blen);
	free(b);

	if ((r = tl_trace_merge(&m, copy)))
		tl_fuzz_fail(H, "merging a trace with itself failed: %s", tl_err_msg());
	for (int i = 0; i < TL_ABI_COUNT; i++)
		if (m.abi[i].n != t->abi[i].n)
			tl_fuzz_fail(H, "self-merge changed the syscall count of %s: %zu -> %zu",
			             tl_abi_name(i), t->abi[i].n, m.abi[i].n);
	if (m.nruns != 2 * t->nruns || m.nexecs != t->nexecs || m.nfiles != t->nfiles ||
	    m.ncaps != t->ncaps || m.nnet != t->nnet || m.ncallsites != t->ncallsites)
		tl_fuzz_fail(H,
		             "self-merge: runs %zu->%zu, execs %zu->%zu, files %zu->%zu, caps "
		             "%zu->%zu, net %zu->%zu, callsites %zu->%zu",
		             t->nruns, m.nruns, t->nexecs, m.nexecs, t->nfiles, m.nfiles, t->ncaps,
		             m.ncaps, t->nnet, m.nnet, t->ncallsites, m.ncallsites);
	to_json(&m, "the self-merged trace", &b, &blen);
	if (tl_trace_from_json(b, blen, "self-merged", &back))
		tl_fuzz_fail(H, "the self-merged trace does not parse back: %s", tl_err_msg());
	tl_trace_free(&back);
	free(b);
	tl_trace_free(&m);
}

int tl_fuzz_trace(const uint8_t *data, size_t size)
{
	struct tl_trace t, t2;
	size_t alen, blen;
	char *a, *b;
	int r;

	tl_err_clear();
	r = tl_trace_from_json((const char *)data, size, "fuzz", &t);
	if (r) {
		check_error(H, "tl_trace_from_json", r);
		tl_trace_free(&t); /* documented as safe after a failure */
		return 0;
	}
	to_json(&t, "the parsed trace", &a, &alen);
	if (tl_trace_from_json(a, alen, "serialised", &t2))
		tl_fuzz_fail(H, "tailor's own serialisation does not parse back: %s", tl_err_msg());
	to_json(&t2, "the re-parsed trace", &b, &blen);
	check_same(H, "serialise -> parse -> serialise", a, alen, b, blen);
	free(b);

	check_merge(&t, &t2, a, alen);

	free(a);
	tl_trace_free(&t2);
	tl_trace_free(&t);
	return 0;
}
