// SPDX-License-Identifier: Apache-2.0
/*
 * tailor diff (profilegen/diff*.c): golden outputs in the three formats for a
 * pair of traces and a pair of profiles (tests/data/diff/), equivalent
 * spellings of one policy that must give no change, risk classes and gates,
 * callsites, the YAML reader and input errors.
 *
 * Golden files: tests/data/diff/golden/<case>.<txt|md|json>.  After an
 * intended output change regenerate them with TAILOR_UPDATE_GOLDEN=1
 * (`TAILOR_UPDATE_GOLDEN=1 ctest -R test_diff`) and review `git diff`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/diff.h"
#include "tailor/generate.h"

#define DIFF_DATA TEST_DATA "/diff"
#define MOBY      TEST_SHARED "/data/moby/"

/* Paths are relative to tests/data/diff so that the goldens do not name the checkout. */
static int setup(void **state)
{
	(void)state;
	return chdir(DIFF_DATA);
}

static void load(const char *path, struct tl_diff_side *s)
{
	if (tl_diff_side_load(path, s))
		fail_msg("%s: %s", path, tl_err_msg());
}

static void compute(const char *o, const char *n, struct tl_diff_side *os, struct tl_diff_side *ns,
                    struct tl_diff *d)
{
	load(o, os);
	load(n, ns);
	if (tl_diff_compute(os, ns, d))
		fail_msg("diff %s %s: %s", o, n, tl_err_msg());
}

static char *render(const struct tl_diff *d, const struct tl_diff_side *o,
                    const struct tl_diff_side *n, enum tl_diff_format f, bool color)
{
	char *out = NULL;
	size_t len = 0;

	if (tl_diff_render(d, o, n, f, color, &out, &len))
		fail_msg("render: %s", tl_err_msg());
	assert_int_equal(strlen(out), len);
	assert_true(len > 0 && out[len - 1] == '\n');
	return out;
}

static void check_golden(const char *name, const char *ext, const char *data)
{
	const char *update = getenv("TAILOR_UPDATE_GOLDEN");
	char path[256], *want = NULL;
	size_t wlen = 0, len = strlen(data);

	snprintf(path, sizeof(path), "golden/%s.%s", name, ext);
	if (update && !strcmp(update, "1")) {
		assert_int_equal(tl_write_file_atomic(path, data, len, 0644), 0);
		return;
	}
	if (tl_read_file(path, &want, &wlen, 0))
		fail_msg("%s: %s (regenerate with TAILOR_UPDATE_GOLDEN=1)", path, tl_err_msg());
	if (wlen != len || memcmp(want, data, len)) {
		fprintf(stderr, "--- %s (expected)\n%s\n--- got\n%s\n", path, want, data);
		fail_msg("%s differs (regenerate with TAILOR_UPDATE_GOLDEN=1 after review)", path);
	}
	free(want);
}

static void golden_case(const char *name, const char *o, const char *n)
{
	static const struct {
		enum tl_diff_format f;
		const char *ext;
	} fmts[] = {{TL_DIFF_TEXT, "txt"}, {TL_DIFF_MARKDOWN, "md"}, {TL_DIFF_JSON, "json"}};
	struct tl_diff_side os, ns;
	struct tl_diff d;

	compute(o, n, &os, &ns, &d);
	for (size_t i = 0; i < TL_ARRAY_SIZE(fmts); i++) {
		char *a = render(&d, &os, &ns, fmts[i].f, false);
		char *b = render(&d, &os, &ns, fmts[i].f, false);

		assert_string_equal(a, b); /* deterministic */
		check_golden(name, fmts[i].ext, a);
		free(a);
		free(b);
	}
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

static void test_golden_traces(void **state)
{
	(void)state;
	golden_case("traces", "old.trace.json", "new.trace.json");
}

static void test_golden_profiles(void **state)
{
	(void)state;
	golden_case("profiles", "old.profile.json", "new.profile.json");
}

/* The first item matching (kind, change, arch, name), or NULL. */
static const struct tl_diff_item *find(const struct tl_diff *d, enum tl_diff_kind k,
                                       enum tl_diff_change c, const char *arch, const char *name)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct tl_diff_item *it = &d->items[i];

		if (it->kind == k && it->change == c && !strcmp(it->name, name) &&
		    (!arch ? !it->arch : it->arch && !strcmp(it->arch, arch)))
			return it;
	}
	return NULL;
}

static void dump(const struct tl_diff *d)
{
	char *s = render(d, NULL, NULL, TL_DIFF_TEXT, false);

	fprintf(stderr, "%s", s);
	free(s);
}

static const struct tl_diff_item *must_find(const struct tl_diff *d, enum tl_diff_kind k,
                                            enum tl_diff_change c, const char *arch,
                                            const char *name)
{
	const struct tl_diff_item *it = find(d, k, c, arch, name);

	if (!it) {
		dump(d);
		fail_msg("no %s %s %s (%s) in the diff", tl_diff_kind_name(k),
		         tl_diff_change_name(c), name, arch ? arch : "-");
	}
	return it;
}

static void test_traces_semantics(void **state)
{
	struct tl_diff_side os, ns;
	const struct tl_diff_item *it;
	struct tl_diff d;
	char *s;

	(void)state;
	compute("old.trace.json", "new.trace.json", &os, &ns, &d);
	assert_true(os.is_trace && ns.is_trace);

	it = must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "ptrace");
	assert_int_equal(it->risk, TL_RISK_CRITICAL);
	assert_non_null(it->reason);
	assert_int_equal(it->ncallsites, 1);
	assert_string_equal(it->callsites[0].program, "/usr/bin/app");
	/*
	 * clone3 was an ENOSYS probe and now succeeds: generate keeps it at
	 * ENOSYS and allows clone without namespace flags instead (low risk).
	 */
	assert_null(find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "clone3"));
	it = must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "clone");
	assert_int_equal(it->risk, TL_RISK_LOW);
	/* The recorded socket families became argument rules: AF_PACKET is new. */
	it = must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "socket");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_string_equal(it->detail, "allowed if arg0 == 17 (AF_PACKET)");
	assert_int_equal(it->ncallsites, 1); /* the call that passed AF_PACKET */
	assert_string_equal(it->callsites[0].frames[1].symbol, "open_raw_capture");
	it = must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_REMOVED, "x86_64", "getpriority");
	assert_int_equal(it->risk, TL_RISK_LOW);
	must_find(&d, TL_DIFF_ARCH, TL_DIFF_ADDED, "x86", "x86");
	/* x86 came with the new trace: its syscalls are summarised, not listed. */
	assert_null(find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86", "ptrace"));

	it = must_find(&d, TL_DIFF_FILE, TL_DIFF_ADDED, NULL, "/etc/shadow");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	it = must_find(&d, TL_DIFF_FILE, TL_DIFF_WIDENED, NULL, "/etc/app.conf");
	/* by: who made the new access, not sudo, which only read it (as before) */
	assert_string_equal(it->detail, "+write by /usr/bin/app");
	must_find(&d, TL_DIFF_FILE, TL_DIFF_REMOVED, NULL, "/var/lib/app/data");
	/* compared by the rule they make: another run's temp name is no change */
	assert_null(find(&d, TL_DIFF_FILE, TL_DIFF_ADDED, NULL, "/tmp/sort??????"));
	assert_null(find(&d, TL_DIFF_FILE, TL_DIFF_REMOVED, NULL, "/tmp/sort??????"));
	it = must_find(&d, TL_DIFF_FILE, TL_DIFF_ADDED, NULL, "/tmp/cc??????.s");
	assert_non_null(strstr(it->detail, "recorded as /tmp/cc5WNrVW.s"));
	/* risk by the path recorded, not by its pattern */
	it = must_find(&d, TL_DIFF_FILE, TL_DIFF_ADDED, NULL, "@{PROC}/sysrq-trigger");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_null(strstr(it->detail, "recorded as")); /* only a variable, no glob: still shown */
	assert_null(
	    find(&d, TL_DIFF_FILE, TL_DIFF_ADDED, NULL, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	it = must_find(&d, TL_DIFF_PROGRAM, TL_DIFF_ADDED, NULL, "/usr/bin/sudo");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	it = must_find(&d, TL_DIFF_CAP, TL_DIFF_ADDED, NULL, "CAP_SYS_PTRACE");
	assert_int_equal(it->risk, TL_RISK_CRITICAL);
	/* sudo was refused CAP_DAC_OVERRIDE: not granted, so not a risky addition */
	it = must_find(&d, TL_DIFF_CAP, TL_DIFF_ADDED, NULL, "CAP_DAC_OVERRIDE");
	assert_int_equal(it->risk, TL_RISK_LOW);
	it = must_find(&d, TL_DIFF_NET, TL_DIFF_ADDED, NULL, "AF_PACKET");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_int_equal(it->ncallsites, 1);
	assert_string_equal(it->callsites[0].detail, "arg0=0x11");
	/* netlink's raw is its normal type: the family's risk, not raw IP's */
	it = must_find(&d, TL_DIFF_NET, TL_DIFF_ADDED, NULL, "AF_NETLINK");
	assert_int_equal(it->risk, TL_RISK_MEDIUM);
	it = must_find(&d, TL_DIFF_NET, TL_DIFF_WIDENED, NULL, "AF_INET");
	assert_non_null(strstr(it->detail, "+dgram"));

	/* Sorted by risk, then kind. */
	for (size_t i = 1; i < d.n; i++)
		assert_true(d.items[i - 1].risk > d.items[i].risk ||
		            (d.items[i - 1].risk == d.items[i].risk &&
		             d.items[i - 1].kind <= d.items[i].kind));

	s = render(&d, &os, &ns, TL_DIFF_TEXT, false);
	assert_non_null(
	    strstr(s, "ptrace ← libc.so.6 ptrace+0x2a ← /usr/bin/app check_debugger+0x1c"));
	assert_null(strstr(s, "\033["));
	free(s);
	s = render(&d, &os, &ns, TL_DIFF_TEXT, true);
	assert_non_null(strstr(s, "\033[1;31mcritical"));
	free(s);

	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_ANY));
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	assert_false(tl_diff_gate_fails(&d, TL_DIFF_GATE_NONE));
	tl_diff_free(&d);

	/* The other way round: what was added is removed. */
	if (tl_diff_compute(&ns, &os, &d))
		fail_msg("%s", tl_err_msg());
	must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_REMOVED, "x86_64", "ptrace");
	must_find(&d, TL_DIFF_ARCH, TL_DIFF_REMOVED, "x86", "x86");
	must_find(&d, TL_DIFF_NET, TL_DIFF_NARROWED, NULL, "AF_INET");
	assert_false(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_ANY));
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

static void test_profiles_semantics(void **state)
{
	struct tl_diff_side os, ns;
	const struct tl_diff_item *it;
	struct tl_diff d;

	(void)state;
	compute("old.profile.json", "new.profile.json", &os, &ns, &d);
	it = must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "socket");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_non_null(strstr(it->detail, "arg0 == 17 (AF_PACKET)"));
	it = must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "clone");
	assert_int_equal(it->risk, TL_RISK_CRITICAL); /* CLONE_NEWUSER now possible */
	it = must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86", "personality");
	assert_int_equal(it->risk, TL_RISK_MEDIUM);
	it = must_find(&d, TL_DIFF_ARG, TL_DIFF_NARROWED, "x86_64", "ioctl");
	assert_int_equal(it->risk, TL_RISK_HIGH); /* TIOCSTI taken away */
	it = must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "ptrace");
	assert_int_equal(it->ncallsites, 0);
	/* umount2 came through minKernel (resolved as satisfied); io_uring_setup needs a cap. */
	must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_REMOVED, "x86_64", "umount2");
	assert_null(find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "io_uring_setup"));
	it = must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_CHANGED, "x86_64", "kexec_load");
	assert_string_equal(it->detail, "errno EPERM → kill process");
	must_find(&d, TL_DIFF_ARCH, TL_DIFF_ADDED, "x32", "x32");
	assert_null(find(&d, TL_DIFF_ARCH, TL_DIFF_ADDED, "aarch64", "aarch64"));
	it = must_find(&d, TL_DIFF_DEFAULT, TL_DIFF_ADDED, NULL, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	assert_int_equal(it->risk, TL_RISK_MEDIUM);
	assert_null(find(&d, TL_DIFF_DEFAULT, TL_DIFF_CHANGED, NULL, "defaultAction"));
	assert_non_null(d.notes == NULL ? "" : NULL);
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

/* Two spellings of one policy: no change, in both directions. */
static void expect_equivalent(const char *a, const char *b)
{
	struct tl_diff_side os, ns;
	struct tl_diff d;

	for (int dir = 0; dir < 2; dir++) {
		compute(dir ? b : a, dir ? a : b, &os, &ns, &d);
		if (d.n) {
			dump(&d);
			fail_msg("%s and %s should be equivalent", a, b);
		}
		tl_diff_free(&d);
		tl_diff_side_free(&os);
		tl_diff_side_free(&ns);
	}
}

static void test_equivalent(void **state)
{
	static const char *const pairs[][2] = {
	    {"equiv/archmap.json", "equiv/architectures.json"},
	    {"equiv/legacy-name.json", "equiv/names.json"},
	    {"equiv/args-merged.json", "equiv/args-split.json"},
	    {"equiv/implicit.json", "equiv/explicit.json"},
	    {"equiv/oci-config.json", "equiv/names.json"},
	    {"equiv/names.k8s.yaml", "equiv/names.json"},
	    /* tailor's own k8s and docker exports of one profile */
	    {"../golden/allow.k8s", "../golden/allow.docker"},
	    {"../golden/args.k8s", "../golden/args.docker"},
	    {"../golden/args.oci", "../golden/args.docker"},
	    {"../golden/denylist.k8s", "../golden/denylist.docker"},
	    {"../golden/multiarch.oci", "../golden/multiarch.docker"},
	};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(pairs); i++)
		expect_equivalent(pairs[i][0], pairs[i][1]);
	expect_equivalent("old.trace.json", "old.trace.json");
	expect_equivalent("new.profile.json", "new.profile.json");
}

/* A trace and the profile generated from it have the same syscall policy. */
static void test_trace_vs_its_profile(void **state)
{
	struct tl_diff_side t, p;
	struct tl_diff d;
	char *text;
	size_t len;

	(void)state;
	load("new.trace.json", &t);
	assert_int_equal(tl_export(&t.profile, TL_FMT_DOCKER, NULL, &text, &len), 0);
	assert_int_equal(tl_diff_side_from_text(text, len, "generated.json", &p), 0);
	assert_false(p.is_trace);
	assert_int_equal(tl_diff_compute(&t, &p, &d), 0);
	assert_int_equal(d.n, 0);
	assert_non_null(d.notes); /* files etc. are not compared with a profile */
	assert_non_null(strstr(d.notes[0], "generated.json is a profile"));
	free(text);
	tl_diff_free(&d);
	tl_diff_side_free(&t);
	tl_diff_side_free(&p);
}

/*
 * moby's default-old-format.json is an old (Docker 1.12-era) default, not
 * the current default.json re-spelled: the diff must show real changes.
 */
static void test_moby_old_format(void **state)
{
	struct tl_diff_side os, ns;
	struct tl_diff d;

	(void)state;
	if (access(MOBY "default.json", R_OK) || access(MOBY "default-old-format.json", R_OK)) {
		print_message("skipped: moby profiles not found in %s\n", MOBY);
		skip();
	}
	compute(MOBY "default-old-format.json", MOBY "default.json", &os, &ns, &d);
	assert_true(d.n > 10);
	/* ptrace came with minKernel 4.8 (resolved as satisfied); chroot now needs a cap. */
	assert_int_equal(must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86", "ptrace")->risk,
	                 TL_RISK_CRITICAL);
	must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_REMOVED, "x86_64", "chroot");
	/* The old clone mask let CLONE_NEWCGROUP through. */
	must_find(&d, TL_DIFF_ARG, TL_DIFF_NARROWED, "x86_64", "clone");
	assert_string_equal(
	    must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_CHANGED, "x32", "clone3")->detail,
	    "errno EPERM → errno ENOSYS");
	/* And its default action spells EPERM explicitly: no default change. */
	assert_null(find(&d, TL_DIFF_DEFAULT, TL_DIFF_CHANGED, NULL, "defaultAction"));
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
	expect_equivalent(MOBY "default.json", MOBY "default.json");
}

static void expect_error(const char *path, const char *text, const char *want)
{
	struct tl_diff_side s;
	int r;

	r = text ? tl_diff_side_from_text(text, strlen(text), path, &s)
	         : tl_diff_side_load(path, &s);
	if (r >= 0)
		fail_msg("%s: expected an error containing \"%s\"", path, want);
	if (!strstr(tl_err_msg(), path) || !strstr(tl_err_msg(), want))
		fail_msg("%s: got \"%s\", expected the file name and \"%s\"", path, tl_err_msg(),
		         want);
	assert_null(strchr(tl_err_msg(), '\n'));
	tl_diff_side_free(&s);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("missing.json", NULL, "cannot open");
	expect_error("t.json", "{\"tailor_trace\": 1, ", "not JSON");
	expect_error("t.json", "{\"tailor_trace\": 7, \"runs\": [], \"abis\": {}, \"execs\": []}",
	             "version");
	expect_error("t.json", "{\"tailor_trace\": 1, \"runs\": [], \"abis\": {}, \"execs\": []}",
	             "no syscalls");
	expect_error("p.json", "{\"syscalls\": []}", "defaultAction missing");
	expect_error("p.yaml", "kind: Pod\nspec:\n  x: 1\n", "not a SeccompProfile");
	expect_error("p.yaml", "kind: SeccompProfile\nspec:\n  defaultAction: &a X\n", "line 3");
	expect_error("p.yaml", "kind: SeccompProfile\nspec:\n\tdefaultAction: X\n", "tab");
	expect_error("p.yaml", "kind: SeccompProfile\nspec:\n  baseProfileName: runc-v1.1\n",
	             "baseProfileName");
	expect_error("p.yaml",
	             "kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_LOG\n  syscalls:\n"
	             "  - action: NOPE\n    names: [read]\n",
	             "unknown action");
	expect_error("p.yaml", "just words\n", "expected \"key: value\"");
}

/* An arch libseccomp does not know is found when the profile is normalised. */
static void test_unknown_arch(void **state)
{
	static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	                           "[\"SCMP_ARCH_NOPE\"]}";
	struct tl_diff_side a, b;
	struct tl_diff d;

	(void)state;
	load("equiv/names.json", &a);
	assert_int_equal(tl_diff_side_from_text(text, strlen(text), "p.json", &b), 0);
	assert_true(tl_diff_compute(&a, &b, &d) < 0);
	assert_string_equal(tl_err_msg(),
	                    "p.json: architectures[0]: unknown architecture \"SCMP_ARCH_NOPE\"");
	tl_diff_side_free(&a);
	tl_diff_side_free(&b);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(tl_diff_format_from_name("markdown"), TL_DIFF_MARKDOWN);
	assert_true(tl_diff_format_from_name("html") < 0);
	assert_int_equal(tl_diff_gate_from_name("risky"), TL_DIFF_GATE_RISKY);
	assert_true(tl_diff_gate_from_name("some") < 0);
	assert_string_equal(tl_diff_kind_name(TL_DIFF_CAP), "capability");
	assert_string_equal(tl_diff_change_name(TL_DIFF_NARROWED), "narrowed");
}

/* Only low-risk additions: risky passes, any fails. */
static void test_gate_low(void **state)
{
	struct tl_profile a, b;
	struct tl_rule r = {.action = TL_ACT_ALLOW};
	struct tl_diff d;
	char *names1[] = {"read", NULL}, *names2[] = {"read", "getpid", NULL};

	(void)state;
	tl_profile_init(&a);
	tl_profile_init(&b);
	a.default_action = b.default_action = TL_ACT_ERRNO;
	r.names = names1;
	assert_int_equal(tl_profile_add_rule(&a, &r), 0);
	r.names = names2;
	assert_int_equal(tl_profile_add_rule(&b, &r), 0);
	assert_int_equal(tl_diff_profiles(&a, &b, &d), 0);
	assert_int_equal(d.n, 1);
	assert_false(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_ANY));
	tl_diff_free(&d);

	/* A default that allows everything is critical. */
	b.default_action = TL_ACT_ALLOW;
	assert_int_equal(tl_diff_profiles(&a, &b, &d), 0);
	assert_int_equal(
	    must_find(&d, TL_DIFF_DEFAULT, TL_DIFF_WIDENED, NULL, "defaultAction")->risk,
	    TL_RISK_CRITICAL);
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	tl_diff_free(&d);
	tl_profile_free(&a);
	tl_profile_free(&b);
}

static void rule_arg(struct tl_profile *p, const char *name, struct tl_arg a)
{
	char *names[] = {(char *)name, NULL};
	struct tl_rule r = {.names = names, .action = TL_ACT_ALLOW, .nargs = 1, .args = &a};

	assert_int_equal(tl_profile_add_rule(p, &r), 0);
}

/* A rule covered by a rule of the other side is neither a widening nor a narrowing. */
static void test_subsumption(void **state)
{
	struct tl_profile a, b;
	struct tl_diff d;

	(void)state;
	tl_profile_init(&a);
	tl_profile_init(&b);
	rule_arg(&a, "clone", (struct tl_arg){0, 0x7c020000, 0, TL_OP_MASKED_EQ});
	rule_arg(&b, "clone", (struct tl_arg){0, 0x7e020000, 0, TL_OP_MASKED_EQ});
	rule_arg(&a, "prctl", (struct tl_arg){0, 10, 0, TL_OP_LE});
	rule_arg(&b, "prctl", (struct tl_arg){0, 3, 0, TL_OP_EQ});
	rule_arg(&b, "prctl", (struct tl_arg){0, 2, 0, TL_OP_GT}); /* 3..: wider than <= 10 */
	/* Re-spelled: the same values, no change. */
	rule_arg(&a, "fcntl", (struct tl_arg){1, 10, 0, TL_OP_LE});
	rule_arg(&b, "fcntl", (struct tl_arg){1, 11, 0, TL_OP_LT});
	assert_int_equal(tl_diff_profiles(&a, &b, &d), 0);
	assert_null(find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "clone"));
	assert_int_equal(must_find(&d, TL_DIFF_ARG, TL_DIFF_NARROWED, "x86_64", "clone")->risk,
	                 TL_RISK_HIGH); /* CLONE_NEWCGROUP no longer possible */
	assert_string_equal(must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "prctl")->detail,
	                    "allowed if arg0 > 2");
	assert_string_equal(must_find(&d, TL_DIFF_ARG, TL_DIFF_NARROWED, "x86_64", "prctl")->detail,
	                    "before: allowed if arg0 <= 10");
	assert_int_equal(d.n, 3);
	tl_diff_free(&d);
	tl_profile_free(&a);
	tl_profile_free(&b);
}

/* A raw IP socket in a family the app used already: as risky as in a new family. */
static void test_net_widened_raw(void **state)
{
	static const char head[] =
	    "{\"tailor_trace\": 1, \"runs\": [{\"kind\": \"command\", \"pid\": 1, "
	    "\"duration_ms\": 1, \"complete\": true, \"lost\": {}, \"features\": [\"net\"]}], "
	    "\"abis\": {\"x86_64\": {\"socket\": {\"calls\": 1, \"ok\": 1}}}, "
	    "\"execs\": [], \"network\": [";
	char o[512], n[512];
	struct tl_diff_side os, ns;
	struct tl_diff d;
	const struct tl_diff_item *it;

	(void)state;
	snprintf(o, sizeof(o), "%s%s]}", head,
	         "{\"family\": \"inet\", \"type\": \"dgram\", \"protocol\": 0, "
	         "\"program\": \"/p\", \"count\": 1}");
	snprintf(n, sizeof(n), "%s%s]}", head,
	         "{\"family\": \"inet\", \"type\": \"dgram\", \"protocol\": 0, "
	         "\"program\": \"/p\", \"count\": 1}, {\"family\": \"inet\", \"type\": "
	         "\"raw\", \"protocol\": 1, \"program\": \"/p\", \"count\": 1}");
	if (tl_diff_side_from_text(o, strlen(o), "o.json", &os) ||
	    tl_diff_side_from_text(n, strlen(n), "n.json", &ns) || tl_diff_compute(&os, &ns, &d))
		fail_msg("%s", tl_err_msg());
	it = must_find(&d, TL_DIFF_NET, TL_DIFF_WIDENED, NULL, "AF_INET");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

/* socket's type matters for IP families, and only where a rule names it (docs/diff.md). */
static void test_socket_type_risk(void **state)
{
	static const struct {
		struct tl_arg args[2];
		size_t nargs;
		enum tl_risk risk;
	} cases[] = {
	    {{{0, 1, 0, TL_OP_EQ}}, 1, TL_RISK_LOW},     /* AF_UNIX: its raw is a datagram */
	    {{{0, 2, 0, TL_OP_EQ}}, 1, TL_RISK_LOW},     /* AF_INET only */
	    {{{0, 16, 0, TL_OP_EQ}}, 1, TL_RISK_MEDIUM}, /* AF_NETLINK, raw is its type */
	    {{{0, 2, 0, TL_OP_EQ}, {1, 0xf, 3, TL_OP_MASKED_EQ}}, 2, TL_RISK_HIGH}, /* raw IP */
	    {{{0, 10, 0, TL_OP_EQ}, {1, 3, 0, TL_OP_EQ}}, 2, TL_RISK_HIGH},
	    {{{0, 1, 0, TL_OP_EQ}, {1, 3, 0, TL_OP_EQ}}, 2, TL_RISK_LOW},
	    {{{0, 2, 0, TL_OP_EQ}, {1, 0xf, 1, TL_OP_MASKED_EQ}}, 2, TL_RISK_LOW}, /* stream */
	};
	char *names[] = {"socket", NULL};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		struct tl_rule r = {.names = names, .action = TL_ACT_ALLOW};
		struct tl_profile a, b;
		struct tl_diff d;

		tl_profile_init(&a);
		tl_profile_init(&b);
		a.default_action = b.default_action = TL_ACT_ERRNO;
		r.args = (struct tl_arg *)cases[i].args;
		r.nargs = cases[i].nargs;
		assert_int_equal(tl_profile_add_rule(&b, &r), 0);
		assert_int_equal(tl_diff_profiles(&a, &b, &d), 0);
		if (must_find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "socket")->risk !=
		    cases[i].risk) {
			dump(&d);
			fail_msg(
			    "case %zu: risk %d, expected %d", i,
			    (int)find(&d, TL_DIFF_SYSCALL, TL_DIFF_ADDED, "x86_64", "socket")->risk,
			    (int)cases[i].risk);
		}
		tl_diff_free(&d);
		tl_profile_free(&a);
		tl_profile_free(&b);
	}
	/*
	 * All but AF_ALG, then socket for any arguments: only AF_ALG is new
	 * (medium); raw IP sockets are CAP_NET_RAW's either way, as for a rule on
	 * the family alone.
	 */
	{
		struct tl_rule r = {.names = names, .action = TL_ACT_ALLOW};
		struct tl_profile a, b;
		struct tl_diff d;
		const struct tl_diff_item *it;

		tl_profile_init(&a);
		tl_profile_init(&b);
		a.default_action = b.default_action = TL_ACT_ERRNO;
		rule_arg(&a, "socket", (struct tl_arg){0, 38, 0, TL_OP_NE});
		assert_int_equal(tl_profile_add_rule(&b, &r), 0);
		assert_int_equal(tl_diff_profiles(&a, &b, &d), 0);
		it = must_find(&d, TL_DIFF_ARG, TL_DIFF_WIDENED, "x86_64", "socket");
		if (it->risk != TL_RISK_MEDIUM) {
			dump(&d);
			fail_msg("socket for any arguments after all but AF_ALG: risk %d",
			         (int)it->risk);
		}
		tl_diff_free(&d);
		tl_profile_free(&a);
		tl_profile_free(&b);
	}
}

/* A trace whose only capability record is caps (JSON array elements, may be ""). */
static void cap_trace(const char *name, const char *caps, struct tl_diff_side *s)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "{\"tailor_trace\": 1, \"runs\": [{\"kind\": \"command\", \"command\": [\"t\"], "
	         "\"pid\": 1, \"complete\": true, \"features\": [\"caps\"]}], "
	         "\"abis\": {\"x86_64\": {\"read\": {\"nr\": 0, \"calls\": 1, \"ok\": 1}}}, "
	         "\"execs\": [], \"capabilities\": [%s]}",
	         caps);
	if (tl_diff_side_from_text(text, strlen(text), name, s))
		fail_msg("%s: %s", name, tl_err_msg());
}

#define DENIED                                                                                     \
	"{\"cap\": \"CAP_DAC_OVERRIDE\", \"program\": \"/usr/bin/memcached\", "                    \
	"\"granted\": 0, \"denied\": 3}"
#define GRANTED                                                                                    \
	"{\"cap\": \"CAP_DAC_OVERRIDE\", \"program\": \"/usr/bin/memcached\", "                    \
	"\"granted\": 2, \"denied\": 0}"

/*
 * The only capability change between the two traces, with its risk; the
 * --fail-on risky verdict.  The profiles made of the traces are the same.
 */
static void expect_cap(const char *o, const char *n, enum tl_diff_change c, enum tl_risk risk,
                       bool risky, const char *detail)
{
	struct tl_diff_side os, ns;
	const struct tl_diff_item *it;
	struct tl_diff d;
	char *s;

	cap_trace("old.json", o, &os);
	cap_trace("new.json", n, &ns);
	if (tl_diff_compute(&os, &ns, &d))
		fail_msg("%s", tl_err_msg());
	if (d.n != 1) {
		dump(&d);
		fail_msg("[%s] -> [%s]: %zu changes, expected 1", o, n, d.n);
	}
	it = must_find(&d, TL_DIFF_CAP, c, NULL, "CAP_DAC_OVERRIDE");
	if (it->risk != risk || strcmp(it->detail, detail)) {
		dump(&d);
		fail_msg("[%s] -> [%s]: risk %d, expected %d; detail \"%s\", expected \"%s\"", o, n,
		         (int)it->risk, (int)risk, it->detail, detail);
	}
	assert_true(risk == TL_RISK_LOW ? !it->reason : it->reason != NULL);
	assert_int_equal(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY), risky);
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_ANY)); /* a change all the same */
	s = render(&d, &os, &ns, TL_DIFF_JSON, false);
	assert_non_null(strstr(s, risky ? "\"risky\": 1" : "\"risky\": 0"));
	free(s);
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

/*
 * A capability NEW only had denied is not granted by any profile made of the
 * trace (the AppArmor export writes a comment): not a risky addition.  A
 * grant is: from nothing or from denied-only it is risky, and losing one is a
 * narrowing (QA: memcached's CAP_DAC_OVERRIDE failed --fail-on risky).
 */
static void test_cap_denied_only(void **state)
{
	(void)state;
	expect_cap("", DENIED, TL_DIFF_ADDED, TL_RISK_LOW, false,
	           "denied to /usr/bin/memcached, never granted: generated profiles do not "
	           "grant it");
	expect_cap(DENIED, "", TL_DIFF_REMOVED, TL_RISK_LOW, false,
	           "no longer checked (was only denied)");
	expect_cap(DENIED, GRANTED, TL_DIFF_WIDENED, TL_RISK_HIGH, true,
	           "now granted (was only checked and denied) by /usr/bin/memcached");
	expect_cap(GRANTED, DENIED, TL_DIFF_NARROWED, TL_RISK_HIGH, false,
	           "now only checked and denied (was granted) by /usr/bin/memcached");
	expect_cap("", GRANTED, TL_DIFF_ADDED, TL_RISK_HIGH, true,
	           "used (granted) by /usr/bin/memcached");
	expect_cap(GRANTED, "", TL_DIFF_REMOVED, TL_RISK_HIGH, false, "no longer used (granted)");
	/* a grant names the programs granted it, not one only denied (QA: ping and tcpdump) */
	expect_cap(DENIED,
	           DENIED ", {\"cap\": \"CAP_DAC_OVERRIDE\", \"program\": \"/usr/bin/b\", "
	                  "\"granted\": 1, \"denied\": 0}",
	           TL_DIFF_WIDENED, TL_RISK_HIGH, true,
	           "now granted (was only checked and denied) by /usr/bin/b");
	/* granted to one program, denied to another: granted, as the AppArmor export does */
	expect_cap("",
	           DENIED ", {\"cap\": \"CAP_DAC_OVERRIDE\", \"program\": \"/usr/bin/b\", "
	                  "\"granted\": 1, \"denied\": 0}",
	           TL_DIFF_ADDED, TL_RISK_HIGH, true, "used (granted) by /usr/bin/b");
}

/*
 * Texts that are plainly no SeccompProfile YAML (QA: an AppArmor profile gave
 * `line 9: expected "key: value"`) say what they are, in one line; YAML with
 * comments that merely mention AppArmor words is still read as YAML.
 */
static void test_foreign_inputs(void **state)
{
	static const char *const apparmor[] = {
	    "# AppArmor profile tailor, generated by tailor\n#   check: apparmor_parser\n\n"
	    "abi <abi/3.0>,\n\ninclude <tunables/global>\n\nprofile tailor flags=(complain) {\n"
	    "  /etc/hosts r,\n}\n",
	    "#include <tunables/global>\n/usr/sbin/ntpd {\n  #include <abstractions/base>\n}\n",
	    "# Last Modified: Mon Nov 3\n#include <tunables/global>\n\n/usr/bin/x {\n}\n",
	    "include <tunables/global>\nprofile x {\n}\n",
	    "@{HOME}=/home/*/\nprofile x {\n}\n",
	    "\n  profile foo /usr/bin/foo {\n  }\n",
	    "\"/opt/my app/bin/x\" flags=(complain) {\n}\n",
	};
	static const char yaml_ok[] =
	    "# AppArmor profile? no: a SeccompProfile, with comments that look like one\n"
	    "# profile tailor {\n#   include <abstractions/base>\n---\n"
	    "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
	    "metadata:\n  name: x  # abi <abi/3.0>,\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n"
	    "  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read]\n";
	const char *aa_msg = "an AppArmor profile; diff compares traces and seccomp profiles "
	                     "(JSON, or a Kubernetes SeccompProfile YAML)";
	struct tl_diff_side s;

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(apparmor); i++)
		expect_error("A1", apparmor[i], aa_msg);
	expect_error("s.conf",
	             "# generated by tailor: a systemd drop-in\n\n[Service]\n"
	             "SystemCallFilter=read\n",
	             "s.conf: a systemd unit or drop-in; diff compares");
	expect_error(
	    "f.pfc",
	    "#\n# pseudo filter code start\n#\nif ($arch == 3221225534)\n  action ALLOW;\n",
	    "f.pfc: libseccomp pseudo filter code (PFC); diff compares");
	/* comments are YAML: still read as a SeccompProfile */
	if (tl_diff_side_from_text(yaml_ok, strlen(yaml_ok), "p.yaml", &s))
		fail_msg("p.yaml: %s", tl_err_msg());
	assert_string_equal(s.format, "k8s");
	tl_diff_side_free(&s);
	/* neither: the YAML reader's own message, as before */
	expect_error("p.yaml", "# profile x {\nprofiles: x\nwords\n", "line 3");
}

static void test_empty_render(void **state)
{
	struct tl_diff d = {0};
	char *s;

	(void)state;
	s = render(&d, NULL, NULL, TL_DIFF_TEXT, false);
	assert_string_equal(s, "tailor diff: OLD → NEW\nno changes\n");
	free(s);
	s = render(&d, NULL, NULL, TL_DIFF_MARKDOWN, false);
	assert_non_null(strstr(s, "**no changes**"));
	free(s);
	s = render(&d, NULL, NULL, TL_DIFF_JSON, false);
	assert_non_null(strstr(s, "\"changes\": []"));
	free(s);
}

/* No byte that would drive a terminal: C0 but the newline, DEL, C1 (either encoding). */
static void assert_no_control(const char *what, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if ((*c < 0x20 && *c != '\n') || *c == 0x7f || *c == 0x9b)
			fail_msg("%s: raw byte 0x%02x at %zu:\n%s", what, *c,
			         (size_t)(c - (const unsigned char *)s), s);
}

/*
 * Names come from traces and profiles, any bytes but NUL: text and markdown
 * show control bytes as \xHH (the file-change convention) and markdown keeps
 * its table cells and code spans; JSON keeps the bytes (json-c escapes them).
 */
static void test_render_escapes(void **state)
{
	char prog[] = "/x\033]0;pwned\a\033[2J\nFAKE|`q`\x7f\xc2\x9b\x9b\xc3\xa9";
	char file[] = "/l\033\n", sym[] = "s\033[31m\n|`", det[] = "read by /p\n|x",
	     note[] = "n\033[2J";
	char arch[] = "x86_64", sys[] = "ptrace", allowed[] = "allowed", exec[] = "executed";
	char side_file[] = "o\033[1m.json";
	struct tl_frame fr = {.file = file, .symbol = sym, .symoff = 1};
	struct tl_callsite cs = {.syscall = sys, .program = prog, .nframes = 1, .frames = &fr};
	struct tl_diff_item items[] = {
	    {TL_DIFF_SYSCALL, TL_DIFF_ADDED, arch, sys, TL_RISK_CRITICAL, "r", allowed, 1, &cs},
	    {TL_DIFF_FILE, TL_DIFF_ADDED, NULL, file, TL_RISK_LOW, NULL, det, 0, NULL},
	    {TL_DIFF_PROGRAM, TL_DIFF_ADDED, NULL, prog, TL_RISK_LOW, NULL, exec, 0, NULL},
	};
	char *notes[] = {note, NULL};
	struct tl_diff d = {TL_ARRAY_SIZE(items), items, notes};
	struct tl_diff_side side = {.file = side_file, .is_trace = true, .format = "trace"};
	char *s, *line;

	(void)state;
	s = render(&d, &side, &side, TL_DIFF_TEXT, false);
	assert_no_control("text", s);
	assert_non_null(
	    strstr(s, "/x\\x1b]0;pwned\\x07\\x1b[2J\\x0aFAKE|`q`\\x7f\\xc2\\x9b\\x9b\xc3\xa9"));
	assert_non_null(strstr(s, "o\\x1b[1m.json (trace)"));
	assert_non_null(strstr(s, "l\\x1b\\x0a s\\x1b[31m\\x0a|`+0x1"));
	assert_non_null(strstr(s, "read by /p\\x0a|x\n"));
	assert_non_null(strstr(s, "note: n\\x1b[2J\n"));
	free(s);

	s = render(&d, &side, &side, TL_DIFF_MARKDOWN, false);
	assert_no_control("markdown", s);
	/* every table row keeps its six cells; every line its code spans closed */
	for (line = s; *line; line = strchr(line, '\n') + 1) {
		size_t pipes = 0, ticks = 0;

		for (const char *c = line; *c != '\n'; c++) {
			pipes += *c == '|' && (c == line || c[-1] != '\\');
			ticks += *c == '`';
		}
		if (line[0] == '|' && pipes != 7)
			fail_msg("markdown row with %zu cells: %.*s", pipes - 1,
			         (int)strcspn(line, "\n"), line);
		if (ticks % 2)
			fail_msg("markdown code span left open: %.*s", (int)strcspn(line, "\n"),
			         line);
	}
	assert_non_null(strstr(s, "`/x\\x1b]0;pwned\\x07\\x1b[2J\\x0aFAKE\\|'q'\\x7f"));
	assert_non_null(strstr(s, "read by /p\\x0a\\|x |"));
	free(s);

	s = render(&d, &side, &side, TL_DIFF_JSON, false);
	assert_non_null(strstr(s, "\"/x\\u001b]0;pwned\\u0007\\u001b[2J\\nFAKE|`q`"));
	free(s);
}

/* ---- hardening: what a program does to confine itself ---------------------------- */

/* A trace with these x86_64 syscall entries (JSON members) and run features. */
static void hard_trace(const char *name, const char *features, const char *sys,
                       struct tl_diff_side *s)
{
	char text[2048];

	snprintf(text, sizeof(text),
	         "{\"tailor_trace\": 1, \"runs\": [{\"kind\": \"command\", \"pid\": 1, "
	         "\"duration_ms\": 1, \"complete\": true, \"lost\": {}, \"features\": [%s]}], "
	         "\"abis\": {\"x86_64\": {\"read\": {\"calls\": 1, \"ok\": 1}%s%s}}, "
	         "\"execs\": []}",
	         features, sys[0] ? ", " : "", sys);
	if (tl_diff_side_from_text(text, strlen(text), name, s))
		fail_msg("%s: %s", name, tl_err_msg());
}

#define ARGS     "\"args\""
#define PRCTL(v) "\"prctl\": {\"calls\": 1, \"ok\": 1, \"args\": {\"0\": {\"values\": [" v "]}}}"
#define SECCOMP(v)                                                                                 \
	"\"seccomp\": {\"calls\": 1, \"ok\": 1, \"args\": {\"0\": {\"values\": [" v "]}}}"
#define CALL(n)   "\"" n "\": {\"calls\": 1, \"ok\": 1}"
#define FAILED(n) "\"" n "\": {\"calls\": 1, \"ok\": 0, \"errors\": {\"EPERM\": 1}}"

struct hard_diff {
	struct tl_diff_side os, ns;
	struct tl_diff d;
	const struct tl_diff_item *it; /* the only hardening item, or NULL */
};

static void hard_compute(const char *of, const char *o, const char *nf, const char *n,
                         struct hard_diff *h)
{
	hard_trace("old.json", of, o, &h->os);
	hard_trace("new.json", nf, n, &h->ns);
	if (tl_diff_compute(&h->os, &h->ns, &h->d))
		fail_msg("%s", tl_err_msg());
	h->it = NULL;
	for (size_t i = 0; i < h->d.n; i++) {
		if (h->d.items[i].kind != TL_DIFF_HARDENING)
			continue;
		if (h->it) {
			dump(&h->d);
			fail_msg("[%s] -> [%s]: more than one hardening change", o, n);
		}
		h->it = &h->d.items[i];
	}
}

static void hard_free(struct hard_diff *h)
{
	tl_diff_free(&h->d);
	tl_diff_side_free(&h->os);
	tl_diff_side_free(&h->ns);
}

/* The only hardening change of OLD -> NEW (both recorded with `args`). */
static void expect_hard(const char *o, const char *n, const char *name, enum tl_diff_change c,
                        enum tl_risk risk, const char *detail)
{
	struct hard_diff h;

	hard_compute(ARGS, o, ARGS, n, &h);
	if (!h.it || strcmp(h.it->name, name) || h.it->change != c || h.it->risk != risk ||
	    strcmp(h.it->detail, detail)) {
		dump(&h.d);
		fail_msg("[%s] -> [%s]: expected %s %s (risk %d) \"%s\"", o, n,
		         tl_diff_change_name(c), name, (int)risk, detail);
	}
	assert_null(h.it->arch);
	assert_true(risk == TL_RISK_LOW ? !h.it->reason : h.it->reason != NULL);
	/* Dropping self-confinement widens what the program may do: risky from medium up. */
	assert_int_equal(tl_diff_gate_fails(&h.d, TL_DIFF_GATE_RISKY),
	                 c == TL_DIFF_WIDENED && risk >= TL_RISK_MEDIUM);
	assert_true(tl_diff_gate_fails(&h.d, TL_DIFF_GATE_ANY));
	assert_null(h.d.notes);
	hard_free(&h);
}

/* No hardening change (other changes may be listed); notes as expected. */
static void expect_no_hard(const char *of, const char *o, const char *nf, const char *n,
                           const char *note)
{
	struct hard_diff h;

	hard_compute(of, o, nf, n, &h);
	if (h.it) {
		dump(&h.d);
		fail_msg("[%s] -> [%s]: unexpected hardening change", o, n);
	}
	if (!note) {
		assert_null(h.d.notes);
	} else {
		size_t i = 0;

		while (h.d.notes && h.d.notes[i] && !strstr(h.d.notes[i], note))
			i++;
		if (!h.d.notes || !h.d.notes[i]) {
			dump(&h.d);
			fail_msg("[%s] -> [%s]: no note \"%s\"", o, n, note);
		}
	}
	hard_free(&h);
}

/*
 * QA: vsftpd with seccomp_sandbox=YES calls prctl(PR_SET_SECCOMP) (22); with
 * NO it does not, and since --args safe does not restrict prctl the profiles
 * are equal: the diff listed nothing.  Now a high, risky hardening change.
 */
/* A Docker profile allowing only NAME if its arg0 matches COND (a JSON args array). */
static void ns_profile(const char *file, const char *name, const char *cond, struct tl_diff_side *s)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	         "[\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"read\"], \"action\": "
	         "\"SCMP_ACT_ALLOW\"}%s%s%s%s%s]}",
	         name[0] ? ", {\"names\": [\"" : "", name,
	         name[0] ? "\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" : "", cond,
	         name[0] ? "]}" : "");
	if (tl_diff_side_from_text(text, strlen(text), file, s))
		fail_msg("%s: %s", file, tl_err_msg());
}

static void expect_ns(const char *oname, const char *ocond, const char *nname, const char *ncond,
                      enum tl_diff_kind k, enum tl_diff_change c, enum tl_risk risk)
{
	struct tl_diff_side os, ns;
	const struct tl_diff_item *it;
	struct tl_diff d;

	ns_profile("old.json", oname, ocond, &os);
	ns_profile("new.json", nname, ncond, &ns);
	if (tl_diff_compute(&os, &ns, &d))
		fail_msg("%s", tl_err_msg());
	it = must_find(&d, k, c, "x86_64", nname);
	if (it->risk != risk) {
		dump(&d);
		fail_msg("%s -> %s: risk %d, expected %d", ocond, ncond, (int)it->risk, (int)risk);
	}
	assert_int_equal(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY), risk >= TL_RISK_MEDIUM);
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

#define EQ(v) "{\"index\": 0, \"value\": " v ", \"op\": \"SCMP_CMP_EQ\"}"
#define MASKED(m, v)                                                                               \
	"{\"index\": 0, \"value\": " m ", \"valueTwo\": " v ", \"op\": \"SCMP_CMP_MASKED_EQ\"}"
#define NEWUSER_NEWNET "1342177280" /* 0x50000000 */
#define NEWNET         "1073741824" /* 0x40000000 */
#define NS_MASK        "2114060288" /* 0x7e020000: clone's namespace flags */

/*
 * A namespace flag allowed only in combination with others is allowed all
 * the same (QA: unshare -r -n's unshare(CLONE_NEWUSER|CLONE_NEWNET) was low,
 * and bwrap --unshare-all's clone under a mask too).
 */
static void test_namespace_combinations(void **state)
{
	(void)state;
	expect_ns("", "", "unshare", EQ(NEWUSER_NEWNET), TL_DIFF_SYSCALL, TL_DIFF_ADDED,
	          TL_RISK_CRITICAL);
	expect_ns("unshare", EQ(NEWNET), "unshare", EQ(NEWUSER_NEWNET), TL_DIFF_ARG,
	          TL_DIFF_WIDENED, TL_RISK_CRITICAL);
	expect_ns("clone", MASKED(NS_MASK, "1073872896" /* NEWNET|NEWNS... 0x40020000 */), "clone",
	          MASKED(NS_MASK, NS_MASK), TL_DIFF_ARG, TL_DIFF_WIDENED, TL_RISK_CRITICAL);
	/* a mask that leaves CLONE_NEWUSER free allows it whatever the value */
	expect_ns("", "", "clone", MASKED("1073741824", "0"), TL_DIFF_SYSCALL, TL_DIFF_ADDED,
	          TL_RISK_CRITICAL);
}

/* A one-run trace whose run has these "lost" members and completeness. */
static void lost_trace(const char *name, const char *lost, bool complete, struct tl_diff_side *s)
{
	char text[1024];

	snprintf(text, sizeof(text),
	         "{\"tailor_trace\": 1, \"runs\": [{\"kind\": \"pid\", \"pid\": 1, "
	         "\"duration_ms\": 1, \"complete\": %s, \"lost\": {%s}}], "
	         "\"abis\": {\"x86_64\": {\"read\": {\"calls\": 1, \"ok\": 1}}}, \"execs\": []}",
	         complete ? "true" : "false", lost);
	if (tl_diff_side_from_text(text, strlen(text), name, s))
		fail_msg("%s: %s", name, tl_err_msg());
}

/* An incomplete trace's note says why, as generate does: not "N events lost" for every counter. */
static void test_incomplete_notes(void **state)
{
	static const struct {
		const char *lost;
		bool complete;
		const char *note; /* NULL: none */
	} cases[] = {
	    {"\"start\": 1", false,
	     "n.json is incomplete (recorded only after it had started (its startup is missing)): "
	     "its policy may miss syscalls"},
	    {"\"running\": 3", false,
	     "n.json is incomplete (3 task(s) it started still ran when the recording stopped "
	     "(their later calls are missing)): its policy may miss syscalls"},
	    {"\"events\": 2, \"start\": 1", false,
	     "n.json is incomplete (2 events lost; recorded only after it had started (its "
	     "startup is missing)): its policy may miss syscalls"},
	    {"", false,
	     "n.json is incomplete (stopped before its end): its policy may miss syscalls"},
	    {"\"events\": 0", true, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_diff_side os, ns;
		struct tl_diff d;

		lost_trace("o.json", "", true, &os);
		lost_trace("n.json", cases[i].lost, cases[i].complete, &ns);
		if (tl_diff_compute(&os, &ns, &d))
			fail_msg("%s", tl_err_msg());
		if (!cases[i].note)
			assert_true(!d.notes || !d.notes[0]);
		else {
			assert_non_null(d.notes);
			assert_string_equal(d.notes[0], cases[i].note);
		}
		tl_diff_free(&d);
		tl_diff_side_free(&os);
		tl_diff_side_free(&ns);
	}
}

static void test_hardening_vsftpd(void **state)
{
	struct tl_diff_side os, ns;
	const struct tl_diff_item *it;
	struct tl_diff d;

	(void)state;
	golden_case("hardening", "hardening/old.trace.json", "hardening/new.trace.json");
	compute("hardening/old.trace.json", "hardening/new.trace.json", &os, &ns, &d);
	if (d.n != 1) {
		dump(&d);
		fail_msg("vsftpd: %zu changes, expected the hardening one", d.n);
	}
	it = must_find(&d, TL_DIFF_HARDENING, TL_DIFF_WIDENED, NULL, "seccomp-filter");
	assert_int_equal(it->risk, TL_RISK_HIGH);
	assert_non_null(it->reason);
	assert_string_equal(it->detail, "no longer installs its own seccomp filter: OLD called "
	                                "prctl(PR_SET_SECCOMP), NEW does not");
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	assert_null(d.notes);
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);

	/* The reverse: the program starts sandboxing itself, a low improvement. */
	compute("hardening/new.trace.json", "hardening/old.trace.json", &os, &ns, &d);
	assert_int_equal(d.n, 1);
	it = must_find(&d, TL_DIFF_HARDENING, TL_DIFF_NARROWED, NULL, "seccomp-filter");
	assert_int_equal(it->risk, TL_RISK_LOW);
	assert_null(it->reason);
	assert_false(tl_diff_gate_fails(&d, TL_DIFF_GATE_RISKY));
	assert_true(tl_diff_gate_fails(&d, TL_DIFF_GATE_ANY));
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

static void test_hardening_seccomp(void **state)
{
	(void)state;
	/* seccomp(SECCOMP_SET_MODE_FILTER) gone with the syscall */
	expect_hard(SECCOMP("1"), "", "seccomp-filter", TL_DIFF_WIDENED, TL_RISK_HIGH,
	            "no longer installs its own seccomp filter: OLD called "
	            "seccomp(SECCOMP_SET_MODE_FILTER), NEW does not");
	/* seccomp still called, only to ask SECCOMP_GET_ACTION_AVAIL (2) */
	expect_hard(SECCOMP("1, 2"), SECCOMP("2"), "seccomp-filter", TL_DIFF_WIDENED, TL_RISK_HIGH,
	            "no longer installs its own seccomp filter: OLD called "
	            "seccomp(SECCOMP_SET_MODE_FILTER), NEW does not");
	expect_hard(SECCOMP("0"), "", "seccomp-filter", TL_DIFF_WIDENED, TL_RISK_HIGH,
	            "no longer installs its own seccomp filter: OLD called "
	            "seccomp(SECCOMP_SET_MODE_STRICT), NEW does not");
	/* both mechanisms in OLD, none in NEW */
	expect_hard(PRCTL("22") ", " SECCOMP("1"), PRCTL("15"), "seccomp-filter", TL_DIFF_WIDENED,
	            TL_RISK_HIGH,
	            "no longer installs its own seccomp filter: OLD called prctl(PR_SET_SECCOMP), "
	            "seccomp(SECCOMP_SET_MODE_FILTER), NEW does not");
	/* per family: prctl(PR_SET_SECCOMP) replaced by seccomp(2) is no change */
	expect_no_hard(ARGS, PRCTL("22"), ARGS, SECCOMP("1"), NULL);
	/* NEW starts filtering itself */
	expect_hard("", SECCOMP("1"), "seccomp-filter", TL_DIFF_NARROWED, TL_RISK_LOW,
	            "now installs its own seccomp filter: NEW calls "
	            "seccomp(SECCOMP_SET_MODE_FILTER)");
}

static void test_hardening_no_new_privs(void **state)
{
	(void)state;
	expect_hard(PRCTL("15, 38"), PRCTL("15"), "no-new-privs", TL_DIFF_WIDENED, TL_RISK_MEDIUM,
	            "no longer sets no_new_privs: OLD called prctl(PR_SET_NO_NEW_PRIVS), NEW "
	            "does not");
	expect_hard(PRCTL("15"), PRCTL("15, 38"), "no-new-privs", TL_DIFF_NARROWED, TL_RISK_LOW,
	            "now sets no_new_privs: NEW calls prctl(PR_SET_NO_NEW_PRIVS)");
	/*
	 * Overflowed values: the 64 smallest are kept, so 38 absent below the
	 * largest kept value was not passed; absent above it, it may have been.
	 */
	expect_hard(PRCTL("38"),
	            "\"prctl\": {\"calls\": 1, \"ok\": 1, \"args\": {\"0\": {\"overflow\": true, "
	            "\"values\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	            "19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 39, "
	            "40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, "
	            "59, 60, 61, 62, 63, 64, 65, 66]}}}",
	            "no-new-privs", TL_DIFF_WIDENED, TL_RISK_MEDIUM,
	            "no longer sets no_new_privs: OLD called prctl(PR_SET_NO_NEW_PRIVS), NEW "
	            "does not");
	expect_no_hard(ARGS, PRCTL("38"), ARGS,
	               "\"prctl\": {\"calls\": 1, \"ok\": 1, \"args\": {\"0\": {\"overflow\": "
	               "true, \"values\": [1, 2]}}}",
	               "hardening no-new-privs not compared: telling prctl(PR_SET_NO_NEW_PRIVS) "
	               "needs argument values that new.json did not record in full");
}

static void test_hardening_privileges(void **state)
{
	(void)state;
	expect_hard(CALL("setgroups") ", " CALL("setuid"), "", "privilege-drop", TL_DIFF_WIDENED,
	            TL_RISK_MEDIUM,
	            "no longer drops privileges: OLD called setgroups, setuid, NEW does not");
	expect_hard(CALL("capset"), "", "privilege-drop", TL_DIFF_WIDENED, TL_RISK_MEDIUM,
	            "no longer drops privileges: OLD called capset, NEW does not");
	expect_hard("", CALL("setresgid") ", " CALL("setresuid"), "privilege-drop",
	            TL_DIFF_NARROWED, TL_RISK_LOW,
	            "now drops privileges: NEW calls setresgid, setresuid");
	/* judged per family: setuid replaced by setresuid is no loss */
	expect_no_hard(ARGS, CALL("setuid"), ARGS, CALL("setresuid"), NULL);
	expect_hard(CALL("chroot"), "", "chroot", TL_DIFF_WIDENED, TL_RISK_MEDIUM,
	            "no longer chroots itself: OLD called chroot, NEW does not");
	/* calls that all failed (a probe, EPERM as a user) confined nothing */
	expect_no_hard(ARGS, FAILED("chroot") ", " FAILED("setuid"), ARGS, "", NULL);
	expect_no_hard(ARGS,
	               "\"seccomp\": {\"calls\": 2, \"ok\": 0, \"errors\": {\"EINVAL\": 2}, "
	               "\"args\": {\"0\": {\"values\": [1]}}}",
	               ARGS, "", NULL);
}

/* A complain trace lists only what its profile would deny: no hardening judged from it. */
static void test_hardening_complain(void **state)
{
	struct tl_diff_side os, ns;
	struct tl_diff d;
	const char *text =
	    "{\"tailor_trace\": 1, \"runs\": [{\"kind\": \"complain\", \"pid\": 1, "
	    "\"duration_ms\": 1, \"complete\": true, \"lost\": {}, \"features\": [\"args\"]}], "
	    "\"abis\": {\"x86_64\": {\"mkdir\": {\"calls\": 1, \"ok\": 0}}}, \"execs\": []}";

	(void)state;
	hard_trace("old.json", ARGS, CALL("setuid") ", " CALL("chroot"), &os);
	if (tl_diff_side_from_text(text, strlen(text), "c.json", &ns) ||
	    tl_diff_compute(&os, &ns, &d))
		fail_msg("%s", tl_err_msg());
	for (size_t i = 0; i < d.n; i++)
		assert_int_not_equal(d.items[i].kind, TL_DIFF_HARDENING);
	assert_non_null(d.notes);
	assert_non_null(strstr(d.notes[0], "c.json holds a complain run"));
	tl_diff_free(&d);
	tl_diff_side_free(&os);
	tl_diff_side_free(&ns);
}

/* Without argument values, judge by the syscall's presence where it means something, and say so. */
static void test_hardening_no_args(void **state)
{
	struct hard_diff h;

	(void)state;
	/* seccomp(2) is nearly always a filter: its presence is the evidence */
	hard_compute("", CALL("seccomp"), "", "", &h);
	if (!h.it || h.it->change != TL_DIFF_WIDENED || h.it->risk != TL_RISK_HIGH) {
		dump(&h.d);
		fail_msg("seccomp gone, no args: expected a high widened hardening change");
	}
	assert_string_equal(h.it->detail,
	                    "no longer installs its own seccomp filter: OLD called seccomp, NEW "
	                    "does not (judged by the syscall's presence: argument values not "
	                    "recorded)");
	assert_true(tl_diff_gate_fails(&h.d, TL_DIFF_GATE_RISKY));
	assert_non_null(h.d.notes);
	assert_string_equal(h.d.notes[0], "hardening seccomp-filter judged by the presence of "
	                                  "seccomp alone: its argument values were not recorded "
	                                  "in old.json");
	hard_free(&h);
	/* values on one side only: both judged by presence, seccomp is on both */
	expect_no_hard("", CALL("seccomp"), ARGS, SECCOMP("2"), NULL);
	/* values recorded, but not by every run: a value absent proves nothing */
	expect_no_hard(ARGS, PRCTL("22"), "", PRCTL("15"),
	               "hardening seccomp-filter not compared: telling prctl(PR_SET_SECCOMP) needs "
	               "argument values that new.json did not record in full");
	/* prctl's presence means nothing (PR_SET_NAME...): not compared, with a note */
	expect_no_hard("", CALL("prctl"), "", CALL("prctl"),
	               "hardening no-new-privs not compared: telling prctl(PR_SET_NO_NEW_PRIVS) "
	               "needs argument values that old.json and new.json did not record in full");
	/* presence-only families do not need values */
	expect_hard(CALL("setuid"), "", "privilege-drop", TL_DIFF_WIDENED, TL_RISK_MEDIUM,
	            "no longer drops privileges: OLD called setuid, NEW does not");
}

/* Both sides confine themselves the same way: no change, no note. */
static void test_hardening_unchanged(void **state)
{
	static const char both[] = PRCTL("22, 38") ", " SECCOMP("1") ", " CALL("setuid") ", " CALL(
	    "setgid") ", " CALL("capset") ", " CALL("chroot");
	struct hard_diff h;

	(void)state;
	hard_compute(ARGS, both, ARGS, both, &h);
	assert_int_equal(h.d.n, 0);
	assert_null(h.d.notes);
	hard_free(&h);
	/* neither does anything of the kind */
	expect_no_hard(ARGS, PRCTL("15"), ARGS, PRCTL("15"), NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_traces),
	    cmocka_unit_test(test_golden_profiles),
	    cmocka_unit_test(test_traces_semantics),
	    cmocka_unit_test(test_profiles_semantics),
	    cmocka_unit_test(test_equivalent),
	    cmocka_unit_test(test_trace_vs_its_profile),
	    cmocka_unit_test(test_moby_old_format),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_unknown_arch),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_gate_low),
	    cmocka_unit_test(test_subsumption),
	    cmocka_unit_test(test_net_widened_raw),
	    cmocka_unit_test(test_socket_type_risk),
	    cmocka_unit_test(test_empty_render),
	    cmocka_unit_test(test_render_escapes),
	    cmocka_unit_test(test_cap_denied_only),
	    cmocka_unit_test(test_foreign_inputs),
	    cmocka_unit_test(test_hardening_vsftpd),
	    cmocka_unit_test(test_hardening_seccomp),
	    cmocka_unit_test(test_hardening_no_new_privs),
	    cmocka_unit_test(test_hardening_privileges),
	    cmocka_unit_test(test_hardening_complain),
	    cmocka_unit_test(test_hardening_no_args),
	    cmocka_unit_test(test_hardening_unchanged),
	    cmocka_unit_test(test_incomplete_notes),
	    cmocka_unit_test(test_namespace_combinations),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
