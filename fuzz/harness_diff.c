// SPDX-License-Identifier: Apache-2.0
/*
 * `tailor diff` (include/tailor/diff.h): two inputs, each a trace, a Docker
 * or OCI profile, an OCI config.json or a k8s SeccompProfile YAML.  The
 * fuzz input is OLD, the separator line "%%", then NEW; without a separator
 * both sides are the whole input.  Oracles:
 *  - a side compared with itself has no changes;
 *  - a profile side and its own docker export have no changes (two
 *    spellings of one policy);
 *  - every render (text, colour text, markdown, JSON) succeeds, ends with a
 *    newline, has no NUL, and the JSON one is JSON.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "tailor/diff.h"
#include "tailor/generate.h"
#include "tailor/json_util.h"
#include "harness_internal.h"

#define H   "diff"
#define SEP "\n%%\n"

static void render_all(const struct tl_diff *d, const struct tl_diff_side *a,
                       const struct tl_diff_side *b)
{
	static const struct {
		enum tl_diff_format f;
		bool color;
	} outs[] = {{TL_DIFF_TEXT, false},
	            {TL_DIFF_TEXT, true},
	            {TL_DIFF_MARKDOWN, false},
	            {TL_DIFF_JSON, false}};

	for (size_t i = 0; i < TL_ARRAY_SIZE(outs); i++) {
		struct json_object *o;
		size_t len;
		char *out;

		if (tl_diff_render(d, a, b, outs[i].f, outs[i].color, &out, &len))
			tl_fuzz_fail(H, "render %zu failed: %s", i, tl_err_msg());
		if (strlen(out) != len || !len || out[len - 1] != '\n')
			tl_fuzz_fail(H, "render %zu: length %zu, NUL at %zu, no final newline", i,
			             len, strlen(out));
		if (outs[i].f == TL_DIFF_JSON) {
			if (tl_json_parse(out, len, "diff-json", &o))
				tl_fuzz_fail(H, "the JSON render is not JSON: %s", tl_err_msg());
			json_object_put(o);
		}
		free(out);
	}
	(void)tl_diff_gate_fails(d, TL_DIFF_GATE_NONE);
	(void)tl_diff_gate_fails(d, TL_DIFF_GATE_RISKY);
	(void)tl_diff_gate_fails(d, TL_DIFF_GATE_ANY);
}

static void expect_no_change(const struct tl_diff_side *a, const struct tl_diff_side *b,
                             const char *what)
{
	struct tl_diff d;
	int r;

	tl_err_clear();
	r = tl_diff_compute(a, b, &d);
	if (r) { /* e.g. an architecture libseccomp does not know */
		check_error(H, "tl_diff_compute", r);
		return;
	}
	if (d.n)
		tl_fuzz_fail(H, "%s: %zu changes, first: %s %s %s (%s)", what, d.n,
		             tl_diff_kind_name(d.items[0].kind),
		             tl_diff_change_name(d.items[0].change),
		             d.items[0].name ? d.items[0].name : "-",
		             d.items[0].detail ? d.items[0].detail : "-");
	tl_diff_free(&d);
}

/* A profile and its docker export are the same policy. */
static void check_export_equivalent(const struct tl_diff_side *s)
{
	struct tl_diff_side e;
	size_t len;
	char *out;

	if (s->is_trace || tl_export(&s->profile, TL_FMT_DOCKER, NULL, &out, &len))
		return;
	if (tl_diff_side_from_text(out, len, "exported", &e))
		tl_fuzz_fail(H, "the docker export of a side does not read back: %s", tl_err_msg());
	expect_no_change(s, &e, "side vs its docker export");
	tl_diff_side_free(&e);
	free(out);
}

static bool load(const char *text, size_t len, const char *name, struct tl_diff_side *s)
{
	int r;

	tl_err_clear();
	r = tl_diff_side_from_text(text, len, name, s);
	if (r) {
		check_error(H, "tl_diff_side_from_text", r);
		tl_diff_side_free(s);
		return false;
	}
	return true;
}

int tl_fuzz_diff(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *sep = memmem(data, size, SEP, strlen(SEP));
	size_t alen = sep ? (size_t)(sep - text) : size;
	const char *btext = sep ? sep + strlen(SEP) : text;
	size_t blen = sep ? size - alen - strlen(SEP) : size;
	struct tl_diff_side a, b;
	struct tl_diff d;
	int r;

	if (!load(text, alen, "OLD", &a))
		return 0;
	expect_no_change(&a, &a, "OLD vs itself");
	check_export_equivalent(&a);
	if (!sep) {
		tl_diff_side_free(&a);
		return 0;
	}
	if (!load(btext, blen, "NEW", &b)) {
		tl_diff_side_free(&a);
		return 0;
	}
	tl_err_clear();
	r = tl_diff_compute(&a, &b, &d);
	if (r) {
		check_error(H, "tl_diff_compute", r);
	} else {
		render_all(&d, &a, &b);
		tl_diff_free(&d);
	}
	tl_diff_side_free(&b);
	tl_diff_side_free(&a);
	return 0;
}
