// SPDX-License-Identifier: Apache-2.0
/*
 * From a trace to every output format: tl_trace_from_json -> tl_generate ->
 * tl_export.  Each input is generated twice: with the default options (what
 * `tailor generate` does) and with options picked from a hash of the input.
 * Oracles, for every trace that generates:
 *  - every format exports or fails with a message;
 *  - the docker export parses back and re-exports to the same bytes;
 *  - with the default options, the loader builds the filter: a profile
 *    `tailor generate` writes must be one `tailor run` accepts.
 */
#include <seccomp.h>
#include <stdlib.h>

#include "tailor/generate.h"
#include "tailor/loader.h"
#include "tailor/trace.h"
#include "harness_internal.h"

#define H "generate"

static const enum tl_format formats[] = {
    TL_FMT_DOCKER,  TL_FMT_OCI,      TL_FMT_K8S, TL_FMT_K8S_JSON,
    TL_FMT_SYSTEMD, TL_FMT_APPARMOR, TL_FMT_PFC,
};

static void check_docker(const char *docker, size_t len, bool loadable)
{
	struct tl_loader_opts lo = {.caps = tl_loader_no_caps, .kernel = "6.18.0"};
	scmp_filter_ctx ctx = NULL;
	struct tl_profile q;
	size_t blen;
	char *b;

	if (tl_profile_from_json(docker, len, "generated", &q))
		tl_fuzz_fail(H, "the generated docker profile does not parse: %s", tl_err_msg());
	if (tl_export(&q, TL_FMT_DOCKER, NULL, &b, &blen))
		tl_fuzz_fail(H, "re-exporting the generated docker profile failed: %s",
		             tl_err_msg());
	check_same(H, "generated docker -> parse -> export", docker, len, b, blen);
	free(b);
	if (loadable) {
		if (tl_loader_build(&q, &lo, &ctx))
			tl_fuzz_fail(H,
			             "the loader refuses a profile generated with default "
			             "options: %s",
			             tl_err_msg());
		seccomp_release(ctx);
	}
	tl_profile_free(&q);
}

static void generate(const struct tl_trace *t, const struct tl_gen_opts *o, bool defaults)
{
	struct tl_export_opts eo = {.name = "fuzz"};
	struct tl_profile p;
	int r;

	tl_err_clear();
	r = tl_generate(t, o, &p);
	if (r) {
		check_error(H, "tl_generate", r);
		tl_profile_free(&p);
		return;
	}
	for (size_t i = 0; i < TL_ARRAY_SIZE(formats); i++) {
		size_t len;
		char *out;

		tl_err_clear();
		r = tl_export(&p, formats[i], &eo, &out, &len);
		if (r) {
			check_error(H, tl_format_name(formats[i]), r);
			if (formats[i] == TL_FMT_DOCKER)
				tl_fuzz_fail(H, "docker export of a generated profile failed: %s",
				             tl_err_msg());
			continue;
		}
		if (strlen(out) != len)
			tl_fuzz_fail(H, "%s export: length %zu but a NUL at %zu",
			             tl_format_name(formats[i]), len, strlen(out));
		if (formats[i] == TL_FMT_DOCKER)
			check_docker(out, len, defaults);
		free(out);
	}
	tl_profile_free(&p);
}

int tl_fuzz_generate(const uint8_t *data, size_t size)
{
	static const enum tl_action actions[] = {TL_ACT_ERRNO,        TL_ACT_KILL_THREAD,
	                                         TL_ACT_KILL_PROCESS, TL_ACT_TRAP,
	                                         TL_ACT_LOG,          TL_ACT_ALLOW};
	static const uint32_t errnos[] = {1, 38, 0, 4095, 4096, 65535};
	static const char *const sources[] = {"fuzz.json", "other\n\"run\".json", NULL};
	struct tl_gen_opts o;
	struct tl_trace t;
	uint32_t h;
	int r;

	tl_err_clear();
	r = tl_trace_from_json((const char *)data, size, "fuzz", &t);
	if (r) {
		check_error(H, "tl_trace_from_json", r);
		tl_trace_free(&t);
		return 0;
	}
	tl_gen_opts_init(&o);
	o.sources = sources;
	generate(&t, &o, true);

	h = input_hash(data, size);
	o.default_action = actions[h % TL_ARRAY_SIZE(actions)];
	o.default_errno = errnos[(h >> 4) % TL_ARRAY_SIZE(errnos)];
	o.enosys_probes = (h >> 8) & 1;
	o.args = (enum tl_args_mode)((h >> 9) % 3);
	o.runtime = (enum tl_runtime)((h >> 11) % 3);
	o.sources = (h >> 13) & 1 ? NULL : sources;
	generate(&t, &o, false);

	tl_trace_free(&t);
	return 0;
}
