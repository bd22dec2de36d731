// SPDX-License-Identifier: Apache-2.0
/* tailor check: parse and compile a profile, print what it enforces per arch. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/diff.h"
#include "tailor/loader.h"
#include "tailor/trace.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: tailor check [--caps LIST] [--skip-unknown] PROFILE.json\n\n"
	           "Parse a Docker/OCI seccomp profile and compile it with libseccomp exactly as\n"
	           "'tailor run' would; print per architecture how many syscalls are allowed,\n"
	           "allowed with argument rules, denied with an errno, or get another action.\n\n"
	           "  --caps LIST      capabilities for includes/excludes (\"CAP_SYS_ADMIN,...\",\n"
	           "                   \"none\", \"all\"; default: this process's effective set)\n"
	           "  --skip-unknown   drop syscall names unknown to this libseccomp and to\n"
	           "                   tailor's syscall table from allow rules (with a warning)\n"
	           "                   instead of failing\n"
	           "  -h, --help       this text\n\n"
	           "Exit status: 0 valid, 1 invalid (one line says where and why), 2 usage.\n");
}

/*
 * One note line for the names enforced by number from tailor's syscall table
 * (libseccomp does not know them): where they are filtered, and the arches
 * where libseccomp cannot express them.  Names absent on every arch of the
 * filter (riscv_hwprobe on x86) are not mentioned, as libseccomp's own.
 */
static int note_table_names(const char *path, const struct tl_profile *p,
                            const struct tl_loader_opts *lo)
{
	const struct scmp_version *v = seccomp_version();
	char **names = NULL, list[1024] = "", rest[128] = "";
	size_t n = 0, off = 0, roff = 0, narch;
	uint32_t arches[16];
	int r;

	r = tl_loader_table_names(p, lo, &names);
	if (!r)
		r = tl_loader_arches(p, lo, arches, &narch);
	if (r)
		goto out;
	for (size_t a = 0; a < narch; a++) {
		bool used = false;

		for (size_t i = 0; names && names[i]; i++) {
			const struct tl_syscall_def *d = tl_syscall_table_find(names[i]);
			int nr = -1;

			for (int abi = 0; abi < TL_ABI_COUNT; abi++)
				if (tl_abi_scmp_arch((enum tl_abi)abi) == arches[a])
					nr = d->nr[abi];
			if (nr < 0)
				continue;
			used = true;
			if (a == 0 && off < sizeof(list)) {
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
				                        n ? ", " : "", names[i]);
				n++;
			}
		}
		if (a > 0 && used && roff < sizeof(rest))
			roff += (size_t)snprintf(rest + roff, sizeof(rest) - roff, "%s%s",
			                         roff ? ", " : "", tl_loader_arch_name(arches[a]));
	}
	if (n)
		fprintf(stderr,
		        "tailor check: note: %s: %zu syscall%s unknown to libseccomp %u.%u.%u "
		        "filtered by number on %s (tailor's syscall table)%s%s%s: %s\n",
		        path, n, n == 1 ? "" : "s", v->major, v->minor, v->micro,
		        tl_loader_arch_name(arches[0]),
		        roff ? "; left to the default action on " : "", rest,
		        roff ? ", where libseccomp cannot filter them by number" : "", list);
out:
	tl_strv_free(names);
	return r;
}

static const char *action_text(const struct tl_profile *p, char *buf, size_t n)
{
	if (p->default_action == TL_ACT_ERRNO || p->default_action == TL_ACT_TRACE)
		snprintf(buf, n, "%s(%u)", tl_action_name(p->default_action),
		         p->has_default_errno ? p->default_errno : 1u);
	else
		snprintf(buf, n, "%s", tl_action_name(p->default_action));
	return buf;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"caps", required_argument, NULL, 'c'},
	    {"skip-unknown", no_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct tl_loader_opts lo = {0};
	struct tl_loader_summary *sum = NULL;
	struct tl_profile prof;
	scmp_filter_ctx ctx = NULL;
	char **caps = NULL, **unknown = NULL, act[48], *text = NULL;
	const char *path;
	size_t nsum = 0, len;
	int c, rc = TL_EXIT_FAIL;

	tl_profile_init(&prof);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			tl_strv_free(caps);
			if (tl_loader_parse_caps(optarg, &caps)) {
				cli_lib_error("check");
				return TL_EXIT_USAGE;
			}
			break;
		case 'u':
			lo.skip_unknown = true;
			break;
		case 'h':
			usage(stdout);
			tl_strv_free(caps);
			return TL_EXIT_OK;
		default:
			tl_strv_free(caps);
			return cli_bad_option("check", "+h", argv, TL_EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		cli_error("check: give one PROFILE.json%s (see 'tailor check --help')",
		          optind < argc ? ", then no more (options come first)" : "");
		tl_strv_free(caps);
		return TL_EXIT_USAGE;
	}
	path = argv[optind];
	lo.caps = (const char *const *)caps;

	/* tl_profile_load, keeping the text to say what else it is when it is no profile */
	if (tl_read_file(path, &text, &len, 64u << 20))
		goto fail;
	if (tl_profile_from_json(text, len, path, &prof)) {
		cli_profile_misfit("check", path, text, len);
		goto fail;
	}
	if (tl_loader_build(&prof, &lo, &ctx)) {
		tl_err_ctx(EINVAL, "%s", path);
		goto fail;
	}
	if (tl_loader_summarize(&prof, &lo, &sum, &nsum) ||
	    (lo.skip_unknown && tl_loader_unknown_names(&prof, &lo, &unknown)))
		goto fail;
	for (size_t i = 0; unknown && unknown[i]; i++)
		fprintf(stderr,
		        "tailor check: warning: %s: syscall \"%s\" unknown to libseccomp, "
		        "left to the default action\n",
		        path, unknown[i]);
	if (note_table_names(path, &prof, &lo))
		goto fail;

	printf("%s: valid, %zu rule%s, default action %s\n", path, prof.nrules,
	       prof.nrules == 1 ? "" : "s", action_text(&prof, act, sizeof(act)));
	printf("%-12s %8s %12s %8s %8s\n", "arch", "allowed", "conditional", "errno", "other");
	for (size_t i = 0; i < nsum; i++)
		printf("%-12s %8u %12u %8u %8u\n", tl_loader_arch_name(sum[i].arch), sum[i].allowed,
		       sum[i].conditional, sum[i].errno_rules, sum[i].other);
	rc = TL_EXIT_OK;
	goto out;
fail:
	cli_lib_error("check");
out:
	if (ctx)
		seccomp_release(ctx);
	free(sum);
	free(text);
	tl_strv_free(unknown);
	tl_strv_free(caps);
	tl_profile_free(&prof);
	return rc;
}
