// SPDX-License-Identifier: Apache-2.0
/*
 * AppArmor from a trace (include/tailor/apparmor.h): tl_trace_from_json ->
 * tl_export_apparmor, with options picked from a hash of the input.
 * Oracles, for every trace that exports:
 *  - the export is deterministic, NUL-free text ending with a newline;
 *  - tailor's own AppArmor parser (tl_aa_policy_parse) reads it back;
 *  - every recorded file access and exec is allowed, with the permissions it
 *    needs, by the profile that runs its program (tl_aa_prof_perms): the
 *    same property tests/unit/test_apparmor.c checks on hand-built traces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tailor/apparmor.h"
#include "tailor/trace.h"
#include "harness_internal.h"

#define H "apparmor"

/* Permissions an access bit set needs (docs/apparmor.md, "Permissions"). */
static uint32_t needs(uint32_t a)
{
	uint32_t p = 0;

	if (a & (TL_ACC_READ | TL_ACC_RENAME))
		p |= TL_AA_READ;
	if (a & (TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_RENAME | TL_ACC_SETATTR))
		p |= TL_AA_WRITE;
	if (a & TL_ACC_APPEND)
		p |= TL_AA_APPEND;
	if (a & TL_ACC_LINK)
		p |= TL_AA_LINK;
	if (a & TL_ACC_LOCK)
		p |= TL_AA_LOCK;
	if (a & TL_ACC_MMAP_EXEC)
		p |= TL_AA_MMAP;
	if (a & TL_ACC_EXEC)
		p |= TL_AA_EXEC;
	return p;
}

/*
 * The path the kernel checks: runs of '/' collapsed, a trailing '/' only for
 * a directory (hand-written traces may have "/etc//x" or "/x/"; the kernel
 * never does), /proc/self and /proc/thread-self resolved.
 */
static void kernel_path(const char *path, bool dir, char *out, size_t size)
{
	char canon[8192];
	size_t n = 0;

	for (const char *p = path; *p && n + 1 < sizeof(canon); p++)
		if (*p != '/' || !n || canon[n - 1] != '/')
			canon[n++] = *p;
	while (n > 1 && canon[n - 1] == '/')
		n--;
	canon[n] = '\0';
	if (!strncmp(canon, "/proc/self/", 11) || !strcmp(canon, "/proc/self"))
		snprintf(out, size, "/proc/4242%.*s", (int)(size > 11 ? size - 11 : 0), canon + 10);
	else if (!strncmp(canon, "/proc/thread-self", 17) && (!canon[17] || canon[17] == '/'))
		/* Truncation only shortens a fuzzed path; the comparison still holds. */
		snprintf(out, size, "/proc/4242/task/4243%.*s", (int)(size > 21 ? size - 21 : 0),
			 canon + 17);
	else
		snprintf(out, size, "%s", canon);
	if (dir && strlen(out) + 1 < size && out[strlen(out) - 1] != '/')
		strcat(out, "/");
}

/* The profile that runs program: the child whose attachment matches, else the main one. */
static const struct tl_aa_prof *prof_for(const struct tl_aa_policy *p, const char *main_name,
                                         const char *program)
{
	for (size_t i = 0; i < p->nprofs; i++)
		if (p->profs[i].attach && program && program[0] &&
		    tl_aa_match(p->profs[i].attach, program, &p->vars) == 1)
			return &p->profs[i];
	return tl_aa_policy_find(p, main_name);
}

static void expect_allowed(const struct tl_aa_policy *p, const struct tl_aa_prof *prof,
                           const char *path, uint32_t want)
{
	uint32_t have = 0;
	int r;

	if (!prof)
		tl_fuzz_fail(H, "no profile for %s", path);
	r = tl_aa_prof_perms(p, prof, path, &have);
	if (r == -E2BIG)
		return; /* the matcher's budget, not the profile's fault */
	if (r)
		tl_fuzz_fail(H, "matching %s: %s", path, tl_err_msg());
	if (want & ~have)
		tl_fuzz_fail(H, "profile %s: %s needs 0x%x, allowed 0x%x", prof->name, path, want,
		             have);
}

static void check_allowed(const struct tl_trace *t, const char *text, const char *name)
{
	static char path[8192];
	struct tl_aa_policy p;

	if (tl_aa_policy_parse(text, "generated", NULL, &p))
		tl_fuzz_fail(H, "tailor's AppArmor parser refuses tailor's export: %s",
		             tl_err_msg());
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct tl_file *f = &t->files[i];

		if (f->path[0] != '/' || !(f->access & ~(uint32_t)TL_ACC_DIR))
			continue;
		kernel_path(f->path, f->access & TL_ACC_DIR, path, sizeof(path));
		expect_allowed(&p, prof_for(&p, name, f->program), path, needs(f->access));
	}
	for (size_t i = 0; i < t->nexecs; i++) {
		if (t->execs[i].path[0] != '/')
			continue;
		kernel_path(t->execs[i].path, false, path, sizeof(path));
		expect_allowed(&p, prof_for(&p, name, t->execs[i].parent), path, TL_AA_EXEC);
	}
	tl_aa_policy_free(&p);
}

int tl_fuzz_apparmor(const uint8_t *data, size_t size)
{
	static const char *const sources[] = {"fuzz.json", NULL};
	struct tl_aa_opts o;
	struct tl_trace t;
	size_t alen, blen;
	char *a, *b;
	uint32_t h;
	int r;

	tl_err_clear();
	r = tl_trace_from_json((const char *)data, size, "fuzz", &t);
	if (r) {
		check_error(H, "tl_trace_from_json", r);
		tl_trace_free(&t);
		return 0;
	}
	h = input_hash(data, size);
	tl_aa_opts_init(&o);
	o.name = h & 1 ? "fuzz" : NULL;
	o.container = h & 2;
	o.children = h & 4;
	o.abstractions = h & 8;
	o.sources = h & 16 ? sources : NULL;
	tl_err_clear();
	r = tl_export_apparmor(&t, &o, &a, &alen);
	if (r) {
		check_error(H, "tl_export_apparmor", r);
		tl_trace_free(&t);
		return 0;
	}
	if (tl_export_apparmor(&t, &o, &b, &blen))
		tl_fuzz_fail(H, "a second export of the same trace failed: %s", tl_err_msg());
	check_same(H, "two exports of one trace", a, alen, b, blen);
	free(b);
	if (strlen(a) != alen || !alen || a[alen - 1] != '\n')
		tl_fuzz_fail(H, "export: length %zu, NUL at %zu, no final newline", alen,
		             strlen(a));
	check_allowed(&t, a, o.name ? o.name : "tailor");
	free(a);
	tl_trace_free(&t);
	return 0;
}
