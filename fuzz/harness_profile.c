// SPDX-License-Identifier: Apache-2.0
/*
 * Seccomp profiles (tl_profile_from_json): Docker/moby JSON, an OCI
 * linux.seccomp object, a whole OCI config.json.  Oracles, for every input
 * that parses:
 *  - if the docker export succeeds, it parses back and re-exports to the
 *    same bytes;
 *  - every other format exports or fails with a message, never crashes;
 *  - the loader builds the filter (never loads it) or fails with a message.
 */
#include <seccomp.h>
#include <stdlib.h>

#include "tailor/generate.h"
#include "tailor/loader.h"
#include "tailor/profile.h"
#include "harness_internal.h"

#define H "profile"

static void check_docker_fixpoint(const struct tl_profile *p)
{
	struct tl_profile q;
	size_t alen, blen;
	char *a, *b;
	int r;

	tl_err_clear();
	r = tl_export(p, TL_FMT_DOCKER, NULL, &a, &alen);
	if (r) {
		check_error(H, "docker export", r);
		return;
	}
	if (tl_profile_from_json(a, alen, "docker-export", &q))
		tl_fuzz_fail(H, "tailor's own docker export does not parse back: %s", tl_err_msg());
	r = tl_export(&q, TL_FMT_DOCKER, NULL, &b, &blen);
	if (r)
		tl_fuzz_fail(H, "re-exporting the parsed docker export failed: %s", tl_err_msg());
	check_same(H, "docker export -> parse -> export", a, alen, b, blen);
	free(a);
	free(b);
	tl_profile_free(&q);
}

static void check_exports(const struct tl_profile *p)
{
	/* BPF is PFC's binary twin (same filter): PFC is enough. */
	static const enum tl_format formats[] = {TL_FMT_OCI, TL_FMT_K8S, TL_FMT_K8S_JSON,
	                                         TL_FMT_SYSTEMD, TL_FMT_PFC};
	struct tl_export_opts o = {.name = "fuzz"};

	for (size_t i = 0; i < TL_ARRAY_SIZE(formats); i++) {
		size_t len;
		char *out;
		int r;

		tl_err_clear();
		r = tl_export(p, formats[i], &o, &out, &len);
		if (r) {
			check_error(H, tl_format_name(formats[i]), r);
			continue;
		}
		if (strlen(out) != len)
			tl_fuzz_fail(H, "%s export: length %zu but a NUL at %zu",
			             tl_format_name(formats[i]), len, strlen(out));
		free(out);
	}
}

static void check_loader(const struct tl_profile *p, uint32_t h)
{
	struct tl_loader_opts o = {
	    .caps = tl_loader_no_caps,
	    .kernel = h & 1 ? "6.18.0" : "4.14.0",
	    .complain = h & 2,
	    .skip_unknown = h & 4,
	};
	scmp_filter_ctx ctx = NULL;
	int r;

	tl_err_clear();
	r = tl_loader_build(p, &o, &ctx);
	if (r) {
		check_error(H, "tl_loader_build", r);
		if (ctx)
			tl_fuzz_fail(H, "tl_loader_build failed but returned a filter");
		return;
	}
	seccomp_release(ctx);
}

int tl_fuzz_profile(const uint8_t *data, size_t size)
{
	struct tl_profile p;
	int r;

	tl_err_clear();
	r = tl_profile_from_json((const char *)data, size, "fuzz", &p);
	if (r) {
		check_error(H, "tl_profile_from_json", r);
		tl_profile_free(&p);
		return 0;
	}
	check_docker_fixpoint(&p);
	check_exports(&p);
	check_loader(&p, input_hash(data, size));
	tl_profile_free(&p);
	return 0;
}
