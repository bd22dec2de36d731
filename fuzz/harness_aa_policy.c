// SPDX-License-Identifier: Apache-2.0
/*
 * tailor's AppArmor text reader and path matcher (profilegen/aa_match.c),
 * on arbitrary text: tl_aa_policy_parse of the whole input, then
 * tl_aa_match of its first line (pattern) against its second (path), with
 * and without the built-in tunables.  Oracles: no crash, no timeout (the
 * matcher has a step budget), results in their documented ranges.
 */
#include <stdlib.h>

#include "tailor/apparmor.h"
#include "harness_internal.h"

#define H "aa_policy"

static void match(const char *pat, const char *path, const struct tl_aa_vars *vars)
{
	int r;

	tl_err_clear();
	r = tl_aa_match(pat, path, vars);
	if (r == 0 || r == 1)
		return;
	if (r != -EINVAL && r != -E2BIG)
		tl_fuzz_fail(H, "tl_aa_match returned %d", r);
	check_error(H, "tl_aa_match", r);
}

int tl_fuzz_aa_policy(const uint8_t *data, size_t size)
{
	struct tl_aa_policy p;
	struct tl_aa_vars vars;
	char *text, *nl, *path;
	uint32_t perms;
	int r;

	/* C strings: the parser's input is NUL-terminated text. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	tl_err_clear();
	r = tl_aa_policy_parse(text, "fuzz", NULL, &p);
	if (r) {
		check_error(H, "tl_aa_policy_parse", r);
	} else {
		for (size_t i = 0; i < p.nprofs; i++) {
			tl_err_clear();
			r = tl_aa_prof_perms(&p, &p.profs[i], "/etc/passwd", &perms);
			if (r && r != -EINVAL && r != -E2BIG)
				tl_fuzz_fail(H, "tl_aa_prof_perms returned %d", r);
			if (r)
				check_error(H, "tl_aa_prof_perms", r);
		}
	}
	tl_aa_policy_free(&p);

	nl = strchr(text, '\n');
	path = nl ? nl + 1 : (char *)"/etc/passwd";
	if (nl) {
		*nl = '\0';
		if ((nl = strchr(path, '\n')))
			*nl = '\0';
	}
	match(text, path, NULL);
	tl_aa_vars_init(&vars);
	if (!tl_aa_vars_add_tunables(&vars))
		match(text, path, &vars);
	tl_aa_vars_free(&vars);
	perms = 0;
	tl_err_clear();
	if (tl_aa_perms_parse(path, &perms) < 0)
		check_error(H, "tl_aa_perms_parse", -EINVAL);
	free(text);
	return 0;
}
