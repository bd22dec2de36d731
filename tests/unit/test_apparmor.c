// SPDX-License-Identifier: Apache-2.0
/*
 * AppArmor export and matcher: globbing, permission mapping per access bit,
 * generalisation (what must match and what must not), every recorded access
 * allowed by the generated profile (checked with the matcher), determinism,
 * no blanket rules, collapsing of read-only rules into directory globs,
 * built-in tables against /etc/apparmor.d, golden files,
 * and apparmor_parser on every generated profile when it is installed.
 *
 * Regenerate the goldens with TAILOR_UPDATE_GOLDEN=1 (tests/data/golden/NAME.apparmor).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tailor/apparmor.h"
#include "tailor/common.h"
#include "tailor/trace.h"

#define ETC_APPARMOR "/etc/apparmor.d"

/* ---- helpers ----------------------------------------------------------------- */

static const char *parser_path(void)
{
	static const char *const cands[] = {"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser",
	                                    "/usr/bin/apparmor_parser"};

	for (size_t i = 0; i < TL_ARRAY_SIZE(cands); i++)
		if (!access(cands[i], X_OK))
			return cands[i];
	return NULL;
}

/*
 * Compile a profile without loading it, against the AppArmor 3.0 feature
 * ABI, with every warning an error (docs/apparmor.md, "Checking").
 * No parser installed: nothing to check (the e2e test reports the skip).
 */
static void parser_accepts(const char *text, size_t len, const char *what)
{
	const char *parser = parser_path();
	char path[] = "/tmp/tailor-aa-XXXXXX", cmd[512], msg[4096];
	size_t n = 0;
	FILE *f;
	int fd, st;

	if (!parser || access(ETC_APPARMOR "/tunables/global", R_OK))
		return;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd),
	         "%s -Q -K --kernel-features " ETC_APPARMOR "/abi/3.0 --warn=all --Werror %s 2>&1",
	         parser, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(msg, 1, sizeof(msg) - 1, f);
	msg[n] = '\0';
	st = pclose(f);
	unlink(path);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("apparmor_parser refused the profile of %s: %s\n%.*s", what, msg, (int)len,
		         text);
}

static void add_run(struct tl_trace *t, const char *kind, const char *const *features)
{
	struct tl_run r = {0};
	char *argv[] = {(char *)"./run-tests.sh", NULL};
	char *feats[8] = {0};

	for (size_t i = 0; features && features[i]; i++)
		feats[i] = (char *)features[i];
	r.kind = (char *)kind;
	r.argv = argv;
	r.pid = 100;
	r.start = (char *)"2026-11-26T02:19:50Z";
	r.complete = true;
	r.tool = (char *)"tailor 0.1.0";
	r.features = feats;
	assert_int_equal(tl_trace_add_run(t, &r), 0);
}

static const char *const all_features[] = {"args", "caps", "files", "net", NULL};

static void file(struct tl_trace *t, const char *path, const char *prog, uint32_t acc,
                 uint64_t count)
{
	assert_int_equal(tl_trace_add_file(t, path, prog, acc, count), 0);
}

static char *export_ok(const struct tl_trace *t, const struct tl_aa_opts *o, size_t *len)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	if (tl_export_apparmor(t, o, &a, &alen))
		fail_msg("apparmor export: %s", tl_err_msg());
	assert_int_equal(tl_export_apparmor(t, o, &b, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen); /* deterministic */
	assert_int_equal(strlen(a), alen);
	assert_true(alen > 0 && a[alen - 1] == '\n');
	free(b);
	parser_accepts(a, alen, o && o->name ? o->name : "tailor");
	if (len)
		*len = alen;
	return a;
}

static void parse_ok(const char *text, const char *base_dir, struct tl_aa_policy *p)
{
	if (tl_aa_policy_parse(text, "generated", base_dir, p))
		fail_msg("parse: %s\n%s", tl_err_msg(), text);
}

/* Permissions an access bit set needs (docs/apparmor.md, "Permissions"), written out again. */
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

/* The path the kernel checks: /proc/self and /proc/thread-self resolved. */
static void kernel_path(const char *path, bool dir, char *out, size_t size)
{
	if (!strncmp(path, "/proc/self/", 11) || !strcmp(path, "/proc/self"))
		snprintf(out, size, "/proc/4242%s", path + 10);
	else if (!strncmp(path, "/proc/thread-self", 17))
		snprintf(out, size, "/proc/4242/task/4243%s", path + 17);
	else
		snprintf(out, size, "%s", path);
	if (dir && strlen(out) + 1 < size && out[strlen(out) - 1] != '/')
		strcat(out, "/");
}

/* The profile that runs program: the child whose attachment matches, else main. */
static const struct tl_aa_prof *prof_for(const struct tl_aa_policy *p, const char *main_name,
                                         const char *program)
{
	for (size_t i = 0; i < p->nprofs; i++)
		if (p->profs[i].attach && program[0] &&
		    tl_aa_match(p->profs[i].attach, program, &p->vars) == 1)
			return &p->profs[i];
	return tl_aa_policy_find(p, main_name);
}

static void expect_allowed(const struct tl_aa_policy *p, const struct tl_aa_prof *prof,
                           const char *path, uint32_t want)
{
	uint32_t have = 0;

	assert_non_null(prof);
	if (tl_aa_prof_perms(p, prof, path, &have))
		fail_msg("matching %s: %s", path, tl_err_msg());
	if ((want & ~have) != 0)
		fail_msg("profile %s: %s needs 0x%x, allowed 0x%x", prof->name, path, want, have);
}

static uint32_t perms_on(const struct tl_aa_policy *p, const char *prof, const char *path)
{
	const struct tl_aa_prof *pr = tl_aa_policy_find(p, prof);
	uint32_t have = 0;

	assert_non_null(pr);
	assert_int_equal(tl_aa_prof_perms(p, pr, path, &have), 0);
	return have;
}

/* Every recorded file access and exec is allowed, with its permissions, by its profile. */
static void check_all_allowed(const struct tl_trace *t, const char *text, const char *name,
                              const char *base_dir)
{
	struct tl_aa_policy p;
	char path[4096];

	parse_ok(text, base_dir, &p);
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct tl_file *f = &t->files[i];

		if (f->path[0] != '/' || !(f->access & ~(uint32_t)TL_ACC_DIR))
			continue;
		bool dir = f->access & TL_ACC_DIR;

		/* a directory by another record of it: the kernel names it with its '/' */
		for (size_t k = 0; k < t->nfiles; k++)
			dir |=
			    !strcmp(t->files[k].path, f->path) && (t->files[k].access & TL_ACC_DIR);
		kernel_path(f->path, dir, path, sizeof(path));
		expect_allowed(&p, prof_for(&p, name, f->program), path, needs(f->access));
	}
	for (size_t i = 0; i < t->nexecs; i++) {
		kernel_path(t->execs[i].path, false, path, sizeof(path));
		expect_allowed(&p, prof_for(&p, name, t->execs[i].parent), path, TL_AA_EXEC);
	}
	tl_aa_policy_free(&p);
}

/*
 * No rule may grant a whole tree or a whole class (docs/apparmor.md, "Never"):
 * checked on the rules the profile writes itself (included abstractions are
 * the distribution's).
 */
static void check_no_blanket(const char *text)
{
	char *copy = strdup(text), *save = NULL;

	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash;

		while (*line == ' ')
			line++;
		if (*line == '#' || !strncmp(line, "include", 7))
			continue;
		hash = strstr(line, "  #");
		if (hash)
			*hash = '\0';
		if (strstr(line, "**") || !strcmp(line, "file,") || !strcmp(line, "network,") ||
		    !strcmp(line, "capability,") || !strncmp(line, "/* ", 3) ||
		    !strncmp(line, "/tmp/* ", 7) || !strncmp(line, "deny ", 5) ||
		    !strncmp(line, "\"/** ", 5))
			fail_msg("blanket rule '%s'", line);
	}
	free(copy);
}

static char *golden_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/golden/%s.apparmor", TEST_DATA, name) > 0);
	return p;
}

static void check_golden(const char *name, const char *data, size_t len)
{
	const char *update = getenv("TAILOR_UPDATE_GOLDEN");
	char *path = golden_path(name), *want = NULL;
	size_t wlen = 0;

	if (update && !strcmp(update, "1")) {
		assert_int_equal(tl_write_file_atomic(path, data, len, 0644), 0);
		free(path);
		return;
	}
	if (tl_read_file(path, &want, &wlen, 0))
		fail_msg("%s: %s (regenerate with TAILOR_UPDATE_GOLDEN=1)", path, tl_err_msg());
	if (wlen != len || memcmp(want, data, len)) {
		fprintf(stderr, "--- %s (expected)\n%.*s\n--- got\n%.*s\n", path, (int)wlen, want,
		        (int)len, data);
		fail_msg("%s differs (regenerate with TAILOR_UPDATE_GOLDEN=1 after review)", path);
	}
	free(want);
	free(path);
}

/* ---- hand-built traces resembling the examples --------------------------------- */

#define BASH "/usr/bin/bash"
#define KV   "/work/examples/kvstore/kvstore"
#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"

/* examples/kvstore: a shell test script driving a small key-value store in a mktemp dir. */
static void trace_kvstore(struct tl_trace *t)
{
	const char *store = "/tmp/kvstore-test.AbC123";
	char p[128];

	tl_trace_init(t);
	add_run(t, "command", all_features);
	assert_int_equal(tl_trace_add_exec(t, BASH, "", 1), 0);
	assert_int_equal(tl_trace_add_exec(t, KV, BASH, 27), 0);
	assert_int_equal(tl_trace_add_exec(t, "/usr/bin/mktemp", BASH, 1), 0);
	assert_int_equal(tl_trace_add_exec(t, "/usr/bin/rm", BASH, 1), 0);
	assert_int_equal(tl_trace_add_exec(t, "/usr/bin/tr", BASH, 1), 0);
	assert_int_equal(tl_trace_add_exec(t, "/usr/bin/grep", BASH, 1), 0);
	for (const char *const *prog =
	         (const char *const[]){BASH, KV, "/usr/bin/mktemp", "/usr/bin/rm", "/usr/bin/tr",
	                               "/usr/bin/grep", NULL};
	     *prog; prog++) {
		file(t, "/etc/ld.so.cache", *prog, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
		file(t, LIBC, *prog, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
		file(t, *prog, *prog, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	}
	file(t, "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2", "/usr/bin/grep",
	     TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	file(t, "/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4", BASH, TL_ACC_READ | TL_ACC_MMAP_EXEC,
	     1);
	file(t, "/work/examples/kvstore/run-tests.sh", BASH, TL_ACC_READ, 3);
	file(t, "/dev/null", BASH, TL_ACC_WRITE, 2);
	file(t, "/dev/pts/3", BASH, TL_ACC_READ | TL_ACC_WRITE, 4);
	file(t, "/dev/tty", BASH, TL_ACC_READ | TL_ACC_WRITE, 1);
	file(t, "/proc/1234/status", BASH, TL_ACC_READ, 1);
	file(t, "/proc/self/fd/3", BASH, TL_ACC_READ, 1);
	file(t, "/tmp", "/usr/bin/mktemp", TL_ACC_READ | TL_ACC_DIR, 1);
	file(t, store, "/usr/bin/mktemp", TL_ACC_CREATE | TL_ACC_DIR, 1);
	file(t, store, KV, TL_ACC_READ | TL_ACC_DIR, 2);
	file(t, store, "/usr/bin/rm", TL_ACC_READ | TL_ACC_DELETE | TL_ACC_DIR, 1);
	for (int i = 0; i < 3; i++) {
		static const char *const keys[] = {"alpha", "beta", "gamma"};

		snprintf(p, sizeof(p), "%s/.%s.tmp", store, keys[i]);
		file(t, p, KV, TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME, 1);
		snprintf(p, sizeof(p), "%s/%s", store, keys[i]);
		file(t, p, KV, TL_ACC_READ | TL_ACC_RENAME, 2);
		file(t, p, "/usr/bin/rm", TL_ACC_DELETE, 1);
	}
	file(t, "pipe:[4242]", BASH, TL_ACC_READ | TL_ACC_WRITE, 8);
	assert_non_null(tl_trace_syscall(t, TL_ABI_X86_64, "kill", -1));
}

/* A server in a container (redis-like): ports, a data dir, capabilities, proc files. */
#define REDIS "/usr/local/bin/redis-server"
static void trace_redis(struct tl_trace *t)
{
	tl_trace_init(t);
	add_run(t, "container", all_features);
	assert_int_equal(tl_trace_add_exec(t, "/usr/local/bin/docker-entrypoint.sh", "", 1), 0);
	assert_int_equal(tl_trace_add_exec(t, REDIS, "/usr/bin/dash", 1), 0);
	file(t, "/usr/local/bin/docker-entrypoint.sh", "/usr/bin/dash", TL_ACC_READ, 1);
	file(t, "/usr/bin/dash", "/usr/bin/dash", TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	file(t, REDIS, REDIS, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	file(t, LIBC, REDIS, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	file(t, "/usr/lib/x86_64-linux-gnu/libssl.so.3", REDIS, TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	file(t, "/etc/localtime", REDIS, TL_ACC_READ, 2);
	file(t, "/etc/hosts", REDIS, TL_ACC_READ, 1);
	file(t, "/data", REDIS, TL_ACC_READ | TL_ACC_DIR, 1);
	/* the save: written to temp-PID.rdb, renamed over dump.rdb (a rename: delete, create) */
	file(t, "/data/dump.rdb", REDIS, TL_ACC_READ | TL_ACC_WRITE | TL_ACC_RENAME | TL_ACC_CREATE,
	     3);
	file(t, "/data/temp-42.rdb", REDIS,
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME | TL_ACC_DELETE, 3);
	file(t, "/data/appendonly.aof", REDIS, TL_ACC_APPEND | TL_ACC_LOCK, 40);
	file(t, "/proc/1/stat", REDIS, TL_ACC_READ, 5);
	file(t, "/proc/1/task/7/stat", REDIS, TL_ACC_READ, 2);
	file(t, "/proc/1/task/8/stat", REDIS, TL_ACC_READ, 2);
	file(t, "/proc/thread-self/comm", REDIS, TL_ACC_WRITE, 4);
	file(t, "/proc/sys/net/core/somaxconn", REDIS, TL_ACC_READ, 1);
	file(t, "/sys/kernel/mm/transparent_hugepage/enabled", REDIS, TL_ACC_READ, 1);
	file(t, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", REDIS, TL_ACC_READ, 1);
	file(t, "/sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", REDIS, TL_ACC_READ, 1);
	file(t, "/dev/urandom", REDIS, TL_ACC_READ, 1);
	file(t, "/dev/null", "/usr/bin/dash", TL_ACC_READ | TL_ACC_WRITE, 1);
	assert_int_equal(tl_trace_add_cap(t, 10, REDIS, 2, 0), 0);          /* net_bind_service */
	assert_int_equal(tl_trace_add_cap(t, 6, "/usr/bin/dash", 1, 0), 0); /* setgid */
	assert_int_equal(tl_trace_add_cap(t, 7, "/usr/bin/dash", 1, 0), 0); /* setuid */
	assert_int_equal(tl_trace_add_cap(t, 21, REDIS, 0, 3), 0);    /* sys_admin: denied, coped */
	assert_int_equal(tl_trace_add_cap(t, 24, REDIS, 0, 1), 0);    /* sys_resource */
	assert_int_equal(tl_trace_add_net(t, 2, 1, 6, REDIS, 2), 0);  /* inet stream tcp */
	assert_int_equal(tl_trace_add_net(t, 10, 1, 6, REDIS, 2), 0); /* inet6 stream tcp */
	assert_int_equal(tl_trace_add_net(t, 1, 1, 0, REDIS, 1), 0);  /* unix stream */
	assert_int_equal(tl_trace_add_net(t, 16, 3, 0, "/usr/bin/dash", 1), 0); /* netlink raw */
}

/* The odd cases: quoting, escapes, devices, temp names, unknown programs and families. */
static void trace_odd(struct tl_trace *t)
{
	static const char *const no_caps[] = {"files", "net", NULL};

	tl_trace_init(t);
	add_run(t, "command", no_caps);
	file(t, "/srv/with space/a,b#c", "/opt/app", TL_ACC_READ, 1);
	file(t, "/srv/glob*?[x]{y}\\z", "/opt/app", TL_ACC_READ | TL_ACC_WRITE, 1);
	file(t, "/srv/at@{x}", "/opt/app", TL_ACC_READ, 1);
	file(t, "/srv/quote\"d", "/opt/app", TL_ACC_READ, 1);
	file(t, "/srv/ctl\x01x", "/opt/app", TL_ACC_READ, 1);
	file(t, "/dev/tty12", "/opt/app", TL_ACC_READ | TL_ACC_WRITE, 1);
	file(t, "/dev/nvme0n1p2", "/opt/app", TL_ACC_READ, 1);
	file(t, "/dev/shm/sem.AbC123", "/opt/app", TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE, 1);
	file(t, "/tmp/tmp.k3JdL9aQ2x", "", TL_ACC_WRITE | TL_ACC_CREATE, 1);
	file(t, "/tmp/tmpab3_x9k2", "/usr/bin/python3.11", TL_ACC_READ | TL_ACC_DIR, 1);
	file(t, "/tmp/session", "/opt/app", TL_ACC_READ, 1);
	file(t, "/var/tmp/cache-abcdef", "/opt/app", TL_ACC_READ, 1);
	file(t, "/var/log/app.log", "/opt/app", TL_ACC_APPEND, 9);
	file(t, "/run/app.pid", "/opt/app", TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_LOCK, 1);
	file(t, "/srv/link", "/opt/app", TL_ACC_LINK, 1);
	file(t, "/srv/attrs", "/opt/app", TL_ACC_SETATTR, 1);
	file(t, "/srv/dir-only", "/opt/app", TL_ACC_DIR, 1);
	file(t, "/", "/opt/app", TL_ACC_READ | TL_ACC_DIR, 1);
	assert_int_equal(tl_trace_add_net(t, 99, 1, 0, "/opt/app", 1), 0);
	assert_int_equal(tl_trace_add_net(t, 2, 9, 0, "/opt/app", 1), 0);
	assert_int_equal(tl_trace_add_net(t, 12, 1, 0, "/opt/app", 1), 0); /* decnet */
}

/* ---- matcher ------------------------------------------------------------------- */

static void test_match(void **state)
{
	static const struct {
		const char *pat, *path;
		int want;
	} cases[] = {
	    {"/etc/hosts", "/etc/hosts", 1},
	    {"/etc/hosts", "/etc/host", 0},
	    {"/etc/host?", "/etc/hosts", 1},
	    {"/etc/?", "/etc//", 0},
	    {"/etc/*", "/etc/hosts", 1},
	    {"/etc/*", "/etc/", 0}, /* a glob filling a component matches >= 1 char */
	    {"/etc/*", "/etc/a/b", 0},
	    {"/etc/*/", "/etc/a/", 1},
	    {"/etc/*.conf", "/etc/.conf", 1},
	    {"/etc/**", "/etc/a/b/c", 1},
	    {"/etc/**", "/etc/", 0},
	    {"/**", "/", 0},
	    {"/etc/**.conf", "/etc/a/b.conf", 1},
	    {"/a/{b,c/d}/e", "/a/c/d/e", 1},
	    {"/a/{b,c/d}/e", "/a/c/e", 0},
	    {"/a{,.b}", "/a", 1},
	    {"/a{,.b}", "/a.b", 1},
	    {"/a/{x,{y,z}w}", "/a/zw", 1},
	    {"/dev/pts/[0-9]*", "/dev/pts/3", 1},
	    {"/dev/pts/[0-9]*", "/dev/pts/ptmx", 0},
	    {"/dev/pts/[0-9]*", "/dev/pts/", 0},
	    {"/x/[^0-9]", "/x/a", 1},
	    {"/x/[^0-9]", "/x/5", 0},
	    {"/x/[a-c]", "/x/b", 1},
	    {"/x/\\*", "/x/*", 1},
	    {"/x/\\*", "/x/a", 0},
	    {"/x/\\x40\\{", "/x/@{", 1},
	    {"//etc///hosts", "/etc/hosts", 1},
	    {"@{PROC}/@{pid}/status", "/proc/1234/status", 1},
	    {"@{PROC}/@{pid}/status", "/proc/1234/mem", 0},
	    {"@{PROC}/@{pid}/status", "/proc/self/status", 0},
	    {"@{PROC}/@{pid}/status", "/proc/0/status", 0},
	    {"@{PROC}/@{pid}/status", "/proc/4999999/status", 1},
	    {"@{PROC}/@{pid}/status", "/proc/12345678/status", 0},
	    {"@{PROC}/@{pid}/task/@{tid}/", "/proc/1/task/2/", 1},
	    {"@{etc_ro}/hosts", "/etc/hosts", 1},
	    {"@{etc_ro}/hosts", "/usr/etc/hosts", 1},
	    {"@{etc_ro}/hosts", "/etchosts", 0},
	    {"@{run}/x", "/var/run/x", 1},
	    {"/{usr/,}lib{,32,64}/**.so*", LIBC, 1},
	    {"/{usr/,}lib/@{multiarch}/**.so*", LIBC, 1},
	    {"/{usr/,}lib/@{multiarch}/**.so*", "/usr/lib/libc.so.6", 0},
	    {"/tmp/kvstore-test.?????\?/", "/tmp/kvstore-test.AbC123/", 1},
	    {"/tmp/kvstore-test.?????\?/", "/tmp/kvstore-test.AbC12/", 0},
	    {"/tmp/kvstore-test.?????\?/", "/tmp/other/", 0},
	    {"/lib/libfoo.so.1{,.[0-9]*}", "/lib/libfoo.so.1", 1},
	    {"/lib/libfoo.so.1{,.[0-9]*}", "/lib/libfoo.so.1.2.3", 1},
	    {"/lib/libfoo.so.1{,.[0-9]*}", "/lib/libfoo.so.2", 0},
	    {"/lib/libfoo.so.1{,.[0-9]*}", "/lib/libfoo.so.12", 0},
	};
	static const char *const bad[] = {"/a/{b}", "/a/[bc",    "/a/b]", "/a/{b,c",
	                                  "/a/b}",  "@{nope}/x", "/a\\",  "@{unterminated"};
	struct tl_aa_vars v;

	(void)state;
	tl_aa_vars_init(&v);
	assert_int_equal(tl_aa_vars_add_tunables(&v), 0);
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		int r = tl_aa_match(cases[i].pat, cases[i].path, &v);

		if (r != cases[i].want)
			fail_msg("'%s' vs '%s': got %d, want %d (%s)", cases[i].pat, cases[i].path,
			         r, cases[i].want, tl_err_msg());
	}
	for (size_t i = 0; i < TL_ARRAY_SIZE(bad); i++) {
		tl_err_clear();
		assert_int_equal(tl_aa_match(bad[i], "/a/b", &v), -EINVAL);
		assert_true(strlen(tl_err_msg()) > 0);
	}
	/* Exponential backtracking is cut off, not run to the end. */
	{
		char path[200];

		memset(path, 'a', sizeof(path) - 1);
		path[0] = '/';
		path[sizeof(path) - 1] = '\0';
		assert_true(tl_aa_match("/**a**a**a**a**a**a**a**a**b", path, &v) <= 0);
	}
	/* Variables: definitions, appends, unknown names. */
	assert_int_equal(tl_aa_vars_set(&v, "x", "/a/", false), 0);
	assert_int_equal(tl_aa_vars_set(&v, "x", "/b/c/", true), 0);
	assert_int_equal(tl_aa_match("@{x}/y", "/b/c/y", &v), 1);
	assert_int_equal(tl_aa_match("/z/@{x}", "/z/a/", &v), 1);
	assert_int_equal(tl_aa_match("@{x}/y", "/a//y", &v), 0);
	assert_int_equal(tl_aa_match("@{x}/y", "/b/y", &v), 0);
	assert_int_equal(tl_aa_match("/etc/hosts", "/etc/hosts", NULL), 1);
	assert_int_equal(tl_aa_match("@{PROC}/x", "/proc/x", NULL), -EINVAL);
	tl_aa_vars_free(&v);
}

static void test_perms_parse(void **state)
{
	static const struct {
		const char *s;
		uint32_t want;
	} cases[] = {
	    {"r", TL_AA_READ},
	    {"rw", TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND},
	    {"a", TL_AA_APPEND},
	    {"lk", TL_AA_LINK | TL_AA_LOCK},
	    {"mr", TL_AA_MMAP | TL_AA_READ},
	    {"ix", TL_AA_EXEC | TL_AA_MMAP},
	    {"rpx", TL_AA_READ | TL_AA_EXEC},
	    {"Cx", TL_AA_EXEC},
	};
	static const char *const bad[] = {"", "wa", "z", "i", "rp"};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		uint32_t p = 0;

		assert_int_equal(tl_aa_perms_parse(cases[i].s, &p), 0);
		assert_int_equal(p, cases[i].want);
	}
	for (size_t i = 0; i < TL_ARRAY_SIZE(bad); i++) {
		uint32_t p;

		assert_int_equal(tl_aa_perms_parse(bad[i], &p), -EINVAL);
	}
}

static void test_policy_parse(void **state)
{
	const char *text = "# c\n"
	                   "abi <abi/3.0>,\n"
	                   "include <tunables/global>\n"
	                   "@{d} = /srv/ /opt/x/\n"
	                   "@{d} += /var/\n"
	                   "profile p flags=(mediate_deleted) {\n"
	                   "  include <abstractions/base>\n"
	                   "  capability chown,  # why\n"
	                   "  @{d}/f rw,\n"
	                   "  deny /srv/f w,\n"
	                   "  owner /home/*/x r,\n"
	                   "  \"/a b/c\" r,\n"
	                   "  r /perm/first,\n"
	                   "  /usr/bin/cat px -> p//cat,\n"
	                   "  profile cat /usr/bin/cat {\n"
	                   "    /etc/hosts r,\n"
	                   "  }\n"
	                   "}\n";
	static const char *const bad[] = {
	    "/x r,\n",                         /* outside a profile */
	    "profile p {\n /x rz,\n}\n",       /* unknown permission */
	    "profile p {\n /x r,\n",           /* not closed */
	    "}\n",                             /* close without open */
	    "profile p {\n what is this\n}\n", /* not a statement */
	};
	struct tl_aa_policy p;
	const struct tl_aa_prof *pr;

	(void)state;
	parse_ok(text, NULL, &p);
	assert_int_equal(p.nprofs, 2);
	pr = tl_aa_policy_find(&p, "p");
	assert_non_null(pr);
	assert_string_equal(pr->flags, "mediate_deleted");
	assert_string_equal(pr->other[0], "capability chown");
	assert_string_equal(pr->includes[0], "abstractions/base");
	assert_int_equal(perms_on(&p, "p", "/srv/f"), TL_AA_READ); /* deny w removes w (and a) */
	assert_int_equal(perms_on(&p, "p", "/var/f"), TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND);
	assert_int_equal(perms_on(&p, "p", "/opt/x/f"), TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND);
	assert_int_equal(perms_on(&p, "p", "/home/u/x"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "p", "/a b/c"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "p", "/perm/first"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "p", "/usr/bin/cat"), TL_AA_EXEC);
	assert_int_equal(perms_on(&p, "p", "/dev/null"), TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND);
	assert_int_equal(perms_on(&p, "p", "/etc/hosts"), 0);
	assert_int_equal(perms_on(&p, "p//cat", "/etc/hosts"), TL_AA_READ);
	assert_string_equal(tl_aa_policy_find(&p, "p//cat")->attach, "/usr/bin/cat");
	tl_aa_policy_free(&p);
	for (size_t i = 0; i < TL_ARRAY_SIZE(bad); i++) {
		tl_err_clear();
		assert_true(tl_aa_policy_parse(bad[i], "bad", NULL, &p) < 0);
		assert_true(strlen(tl_err_msg()) > 0);
		assert_int_equal(p.nprofs, 0);
	}
}

/* The built-in tunables and abstraction table are those of the installed AppArmor. */
static void test_builtin_tables(void **state)
{
	static const char *const vars[] = {"PROC", "pid",    "tid",       "pids",     "sys",
	                                   "run",  "etc_ro", "multiarch", "HOMEDIRS", "HOME"};
	const char *text = "include <tunables/global>\n"
	                   "profile t {\n  include <abstractions/base>\n}\n";
	struct tl_aa_policy sys;
	struct tl_aa_vars mine;
	const struct tl_aa_abs_rule *abs;
	const struct tl_aa_prof *pr;
	size_t n;

	(void)state;
	if (access(ETC_APPARMOR "/abstractions/base", R_OK) ||
	    access(ETC_APPARMOR "/tunables/global", R_OK))
		skip();
	parse_ok(text, ETC_APPARMOR, &sys);
	tl_aa_vars_init(&mine);
	assert_int_equal(tl_aa_vars_add_tunables(&mine), 0);
	for (size_t i = 0; i < TL_ARRAY_SIZE(vars); i++) {
		char *const *a = tl_aa_vars_get(&mine, vars[i]), *const *b = tl_aa_vars_get(
		                                                     &sys.vars, vars[i]);

		assert_non_null(a);
		if (!b)
			fail_msg("@{%s} is not defined by " ETC_APPARMOR "/tunables/global",
			         vars[i]);
		assert_int_equal(tl_strv_len(a), tl_strv_len(b));
		for (size_t k = 0; a[k]; k++)
			assert_string_equal(a[k], b[k]);
	}
	pr = tl_aa_policy_find(&sys, "t");
	abs = tl_aa_abstraction("abstractions/base", &n);
	assert_non_null(abs);
	for (size_t i = 0; i < n; i++) {
		uint32_t want;
		bool found = false;

		assert_int_equal(tl_aa_perms_parse(abs[i].perms, &want), 0);
		for (size_t k = 0; k < pr->nrules && !found; k++)
			found = !pr->rules[k].deny && !pr->rules[k].owner &&
			        !strcmp(pr->rules[k].pattern, abs[i].pattern) &&
			        (pr->rules[k].perms & want) == want;
		if (!found)
			fail_msg("built-in base rule '%s %s' is not in the installed abstraction",
			         abs[i].pattern, abs[i].perms);
	}
	assert_null(tl_aa_abstraction("abstractions/nameservice", &n));
	tl_aa_vars_free(&mine);
	tl_aa_policy_free(&sys);
}

/* ---- export -------------------------------------------------------------------- */

/* One access bit on one path: the permission letters of its rule. */
static void test_perm_mapping(void **state)
{
	static const struct {
		uint32_t acc;
		const char *rule;
	} cases[] = {
	    {TL_ACC_READ, "/srv/f r,"},
	    {TL_ACC_WRITE, "/srv/f w,"},
	    {TL_ACC_APPEND, "/srv/f a,"},
	    {TL_ACC_WRITE | TL_ACC_APPEND, "/srv/f w,"},
	    {TL_ACC_CREATE, "/srv/f w,"},
	    {TL_ACC_DELETE, "/srv/f w,"},
	    /* by path, a file or a directory: both spellings */
	    {TL_ACC_RENAME, "/srv/f{,/} rw,"},
	    {TL_ACC_LINK, "/srv/f l,"},
	    {TL_ACC_LOCK, "/srv/f k,"},
	    {TL_ACC_EXEC, "/srv/f ix,"},
	    {TL_ACC_MMAP_EXEC, "/srv/f m,"},
	    {TL_ACC_SETATTR, "/srv/f{,/} w,"},
	    {TL_ACC_SETATTR | TL_ACC_WRITE, "/srv/f w,"}, /* opened: a file */
	    {TL_ACC_READ | TL_ACC_DIR, "/srv/f/ r,"},
	    {TL_ACC_CREATE | TL_ACC_DIR, "/srv/f/ w,"},
	    {TL_ACC_READ | TL_ACC_WRITE | TL_ACC_LOCK | TL_ACC_MMAP_EXEC | TL_ACC_EXEC,
	     "/srv/f rwkmix,"},
	};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		struct tl_trace t;
		char *out, line[64];

		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/srv/f", "/opt/app", cases[i].acc, 1);
		out = export_ok(&t, NULL, NULL);
		snprintf(line, sizeof(line), "\n  %s  # ", cases[i].rule);
		if (!strstr(out, line))
			fail_msg("access 0x%x: no '%s' in\n%s", cases[i].acc, cases[i].rule, out);
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);
	}
	/* chmod of a directory by path: AppArmor checks "/srv/d/"; nothing below it */
	{
		struct tl_aa_policy p;
		struct tl_trace t;
		char *out;

		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/srv/d", "/opt/app", TL_ACC_SETATTR, 1);
		out = export_ok(&t, NULL, NULL);
		parse_ok(out, NULL, &p);
		assert_int_equal(perms_on(&p, "tailor", "/srv/d/"), TL_AA_WRITE | TL_AA_APPEND);
		assert_int_equal(perms_on(&p, "tailor", "/srv/d"), TL_AA_WRITE | TL_AA_APPEND);
		assert_int_equal(perms_on(&p, "tailor", "/srv/d/x"), 0);
		tl_aa_policy_free(&p);
		free(out);
		tl_trace_free(&t);

		/* a scratch directory's name is a scratch name for the files below it too */
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/tmp/tmpwqjuojbh", "/opt/app", TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
		     1);
		file(&t, "/tmp/tmpwqjuojbh/a", "/opt/app", TL_ACC_WRITE | TL_ACC_CREATE, 1);
		file(&t, "/tmp/tmpkeptdirx/a", "/opt/app", TL_ACC_WRITE, 1);
		out = export_ok(&t, NULL, NULL);
		assert_non_null(strstr(out, "\n  /tmp/tmp????????"
		                            "/ w,")); /* no trigraph */
		assert_non_null(strstr(out, "\n  /tmp/tmp????????"
		                            "/a w,"));
		assert_non_null(
		    strstr(out, "\n  /tmp/tmpkeptdirx/a w,")); /* not removed: literal */
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);

		/* every scratch directory of a path, and the steps made by different programs */
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/tmp/go-build3528655204", "/usr/bin/go",
		     TL_ACC_CREATE | TL_ACC_DIR | TL_ACC_WRITE, 1);
		file(&t, "/tmp/go-build3528655204", "/usr/bin/rm", TL_ACC_DELETE | TL_ACC_DIR, 1);
		file(&t, "/tmp/go-build3528655204/b001", "/usr/bin/go",
		     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR, 1);
		file(&t, "/tmp/go-build3528655204/b001/_pkg_.a", "/usr/bin/go",
		     TL_ACC_WRITE | TL_ACC_CREATE, 1);
		file(&t, "/tmp/ccabcdef.s", "/usr/bin/gcc",
		     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE, 1);
		file(&t, "/tmp/ccabcdef.s", "/usr/bin/as", TL_ACC_READ, 1);
		out = export_ok(&t, NULL, NULL);
		assert_non_null(strstr(out, "\n  /tmp/go-build[0-9]*/b[0-9]*/_pkg_.a w,"));
		assert_non_null(strstr(out, "\n  /tmp/go-build[0-9]*/ w,"));
		assert_non_null(strstr(out, "\n  /tmp/cc??????"
		                            ".s rw,")); /* no trigraph */
		assert_null(strstr(out, "ccabcdef.s r"));
		assert_null(strstr(out, "\n  /tmp/go-build3528655204"));
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);

		/* another program's record tells: written (a file), listed (a directory) */
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/srv/f", "/opt/app", TL_ACC_RENAME, 1);
		file(&t, "/srv/f", "/usr/bin/sh", TL_ACC_WRITE | TL_ACC_CREATE, 1);
		file(&t, "/srv/d", "/opt/app", TL_ACC_SETATTR, 1);
		file(&t, "/srv/d", "/usr/bin/ls", TL_ACC_READ | TL_ACC_DIR, 1);
		out = export_ok(&t, NULL, NULL);
		assert_null(strstr(out, "{,/}"));
		assert_non_null(strstr(
		    out,
		    "\n  /srv/f rw,  # rename by /opt/app (1x); write/create by /usr/bin/sh (1x)"));
		assert_non_null(strstr(
		    out, "\n  /srv/d/ rw,  # setattr by /opt/app (1x); read by /usr/bin/ls (1x)"));
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);

		/* a rename's create and delete do not tell a file: a directory moved, removed */
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/srv/rel-42", "/usr/bin/mv", TL_ACC_CREATE | TL_ACC_RENAME, 1);
		file(&t, "/srv/rel-42", "/usr/bin/rm", TL_ACC_READ | TL_ACC_DELETE | TL_ACC_DIR, 1);
		file(&t, "/srv/moved", "/usr/bin/mv", TL_ACC_CREATE | TL_ACC_RENAME, 1);
		out = export_ok(&t, NULL, NULL);
		assert_non_null(strstr(out, "\n  /srv/rel-[0-9]*/ rw,"));
		assert_null(strstr(out, "\n  /srv/rel-[0-9]* "));
		assert_non_null(strstr(out, "\n  /srv/moved{,/} rw,"));
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);

		/*
		 * ln's new name, removed by rm: a scratch name (sh -c 'echo a > src.tmp;
		 * ln src.tmp t.4242.lk; rm t.4242.lk src.tmp'); a name only linked stays exact
		 */
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, "/tmp/x/src.tmp", "/usr/bin/sh", TL_ACC_WRITE | TL_ACC_CREATE, 1);
		file(&t, "/tmp/x/src.tmp", "/usr/bin/rm", TL_ACC_DELETE, 1);
		file(&t, "/tmp/x/t.4242.lk", "/usr/bin/ln", TL_ACC_LINK, 1);
		file(&t, "/tmp/x/t.4242.lk", "/usr/bin/rm", TL_ACC_DELETE, 1);
		file(&t, "/srv/keep/t.4242.lk", "/usr/bin/ln", TL_ACC_LINK, 1);
		out = export_ok(&t, NULL, NULL);
		assert_non_null(strstr(out, "\n  /tmp/x/t.[0-9]*.lk wl,"));
		assert_null(strstr(out, "\n  /tmp/x/t.4242.lk "));
		assert_non_null(strstr(out, "\n  /srv/keep/t.4242.lk l,"));
		parse_ok(out, NULL, &p);
		assert_int_equal(perms_on(&p, "tailor", "/tmp/x/t.977.lk"),
		                 TL_AA_WRITE | TL_AA_APPEND | TL_AA_LINK);
		assert_int_equal(perms_on(&p, "tailor", "/tmp/x/u.977.lk"), 0);
		assert_int_equal(perms_on(&p, "tailor", "/srv/keep/t.977.lk"), 0);
		tl_aa_policy_free(&p);
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);
	}
}

/* A git hash as the export writes it: a class (the anchor), then one '?' per digit. */
#define OBJ38  "[0-9a-f]?????????????????????????????????????"   /* 38 digits */
#define PACK40 "[0-9a-f]???????????????????????????????????????" /* 40 digits */

/* Generalisation: what the rules match, and what they must not. */
static void test_generalise(void **state)
{
	static const struct {
		const char *path;
		uint32_t acc;
		const char *rule; /* the pattern written */
		const char *match[3];
		const char *nomatch[4];
	} cases[] = {
	    {"/proc/1234/status",
	     TL_ACC_READ,
	     "@{PROC}/@{pid}/status",
	     {"/proc/1234/status", "/proc/99/status"},
	     {"/proc/1234/mem", "/proc/self/status", "/proc/1234/status/x", "/proc/1234/"}},
	    {"/proc/self/fd/3",
	     TL_ACC_READ,
	     "@{PROC}/@{pid}/fd/[0-9]*",
	     {"/proc/1/fd/3", "/proc/1/fd/10"},
	     {"/proc/1/fdinfo/3", "/proc/1/fd/", "/proc/1/environ"}},
	    {"/proc/1234/task/1240/stat",
	     TL_ACC_READ,
	     "@{PROC}/@{pid}/task/@{tid}/stat",
	     {"/proc/1/task/2/stat"},
	     {"/proc/1/task/2/mem", "/proc/1/stat"}},
	    {"/proc/thread-self/comm",
	     TL_ACC_WRITE,
	     "@{PROC}/@{pid}/task/@{tid}/comm",
	     {"/proc/5/task/6/comm"},
	     {"/proc/5/comm", "/proc/5/task/6/stat"}},
	    {"/proc", TL_ACC_READ | TL_ACC_DIR, "@{PROC}/", {"/proc/"}, {"/proc/1/", "/proc"}},
	    {"/proc/self", TL_ACC_READ | TL_ACC_DIR, "@{PROC}/@{pid}/", {"/proc/1/"}, {"/proc/"}},
	    {"/proc/sys/kernel/pid_max",
	     TL_ACC_READ,
	     "@{PROC}/sys/kernel/pid_max",
	     {"/proc/sys/kernel/pid_max"},
	     {"/proc/sys/kernel/other"}},
	    {"/tmp/kvstore-test.AbC123/x",
	     TL_ACC_READ,
	     "/tmp/kvstore-test.?????\?/x",
	     {"/tmp/kvstore-test.AbC123/x", "/tmp/kvstore-test.Zz9999/x"},
	     {"/tmp/other", "/tmp/kvstore-test.AbC123/y", "/tmp/kvstore-test.AbC1234/x",
	      "/tmp/kvstore-test.AbC123/x/y"}},
	    {"/tmp/kvstore-test.AbC123",
	     TL_ACC_CREATE | TL_ACC_DIR,
	     "/tmp/kvstore-test.?????\?/",
	     {"/tmp/kvstore-test.AbC123/"},
	     {"/tmp/", "/tmp/kvstore-test.AbC123", "/tmp/other/"}},
	    {"/tmp/tmp.k3JdL9aQ2x",
	     TL_ACC_WRITE,
	     "/tmp/tmp.??????????",
	     {"/tmp/tmp.k3JdL9aQ2x"},
	     {"/tmp/tmp.k3JdL9aQ2", "/tmp/other.k3JdL9aQ2x"}},
	    {"/tmp/session", TL_ACC_READ, "/tmp/session", {"/tmp/session"}, {"/tmp/sessiom"}},
	    {"/tmp/cache-abcdef",
	     TL_ACC_READ,
	     "/tmp/cache-abcdef",
	     {"/tmp/cache-abcdef"},
	     {"/tmp/cache-abcdeg"}},
	    {"/home/u/notes.AbC123",
	     TL_ACC_READ,
	     "/home/u/notes.AbC123",
	     {"/home/u/notes.AbC123"},
	     {"/home/u/notes.AbC124"}}, /* temp shapes only in temp dirs */
	    /* Temp templates without a separator, in temp dirs: PREFIX + 6 random [+ .SUFFIX]. */
	    /* Python's tempfile probe: 8 of its alphabet, directly in the temp dir */
	    {"/tmp/gux7_vpn",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_]",
	     {"/tmp/gux7_vpn", "/tmp/ab_12cde"},
	     {"/tmp/GUX7_VPN", "/tmp/gux7_vpn9", "/tmp/gux7_vp", "/tmp/x/gux7_vpn"}},
	    /* one class, or word + number: generalised after a known prefix once removed */
	    {"/tmp/sortAXULOX",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/sort??????",
	     {"/tmp/sortAXULOX", "/tmp/sortnbzd91"},
	     {"/tmp/sortAXULO", "/tmp/xortAXULOX"}},
	    /* letters and digits: its probe, not a "w6" + 6 random mkstemp name */
	    {"/tmp/w6g2dvem",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_]",
	     {"/tmp/8g22hnc_"},
	     {"/tmp/W6g2dvem"}},
	    /* letters only (6% of Python's draws): still its probe when created and removed */
	    {"/tmp/fxupuaft",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_][a-z0-9_]",
	     {"/tmp/fxupuaft", "/tmp/gux7_vpn"},
	     {"/tmp/fxupuafT"}},
	    {"/tmp/tmpabcdefgh",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/tmp????????",
	     {"/tmp/tmpabcdefgh", "/tmp/tmpk2j_8x0q"},
	     {"/tmp/tmpabcdefg", "/tmp/xmpabcdefgh"}},
	    /* kept (not created and removed): a file someone named, as /tmp/ccbuild1 */
	    {"/tmp/ab_12cde",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/ab_12cde",
	     {"/tmp/ab_12cde"},
	     {"/tmp/gux7_vpn"}},
	    /* A scratch name (created, then removed or renamed): its numbers, anywhere. */
	    {"/var/lib/redis/temp-27339.rdb",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME | TL_ACC_DELETE,
	     "/var/lib/redis/temp-[0-9]*.rdb",
	     {"/var/lib/redis/temp-31563.rdb", "/var/lib/redis/temp-7.rdb"},
	     {"/var/lib/redis/temp-.rdb", "/var/lib/redis/temp-x1.rdb", "/var/lib/redis/dump.rdb",
	      "/var/lib/redis/x/temp-1.rdb"}},
	    /* digits only: a pid, and nothing else (a wildcard needs an anchor before it) */
	    {"/tmp/hsperfdata_root/19760",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/hsperfdata_root/@{pid}",
	     {"/tmp/hsperfdata_root/4242"},
	     {"/tmp/hsperfdata_root/x1", "/tmp/hsperfdata_other/4242",
	      "/tmp/hsperfdata_root/4242x"}},
	    {"/tmp/12345",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/@{pid}",
	     {"/tmp/777"},
	     {"/tmp/2024-report.pdf", "/tmp/1-other-app.sock", "/tmp/01234"}},
	    {"/tmp/9876-run.sock",
	     TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/9876-run.sock",
	     {"/tmp/9876-run.sock"},
	     {"/tmp/1234-run.sock"}},
	    /* a template's short digits are its writer's (mktemp -t qa12.XXXXXXXX) */
	    {"/tmp/qa12.abcDEF12",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/qa12.????????",
	     {"/tmp/qa12.ZZZyyy99"},
	     {"/tmp/qa9-prod.db.12345678", "/tmp/qa13.ZZZyyy99"}},
	    /* replaced by a rename, edited, kept: exact */
	    {"/srv/keep/app22.conf",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME,
	     "/srv/keep/app22.conf",
	     {"/srv/keep/app22.conf"},
	     {"/srv/keep/app1.conf"}},
	    /* made by a rename, removed: a scratch name */
	    {"/srv/out/release-6505",
	     TL_ACC_CREATE | TL_ACC_RENAME | TL_ACC_DELETE | TL_ACC_DIR,
	     "/srv/out/release-[0-9]*/",
	     {"/srv/out/release-6506/"},
	     {"/srv/out/release-/", "/srv/out/stage-6505/"}},
	    /* Python's tempfile with the program's prefix and suffix */
	    {"/tmp/job-dws12k7p.json",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/job-????????.json",
	     {"/tmp/job-a_b1c2d3.json"},
	     {"/tmp/job-a_b1c2d3.jsonx", "/tmp/jobxa_b1c2d3.json", "/tmp/job-a_b1c2d.json"}},
	    {"/tmp/build-6mwhkxe_",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/tmp/build-????????"
	     "/",
	     {"/tmp/build-_abcdefg/"},
	     {"/tmp/build-abcdefg/"}},
	    /* a dated backup made by a rename and removed: the date is a number, not 8 random */
	    {"/srv/app/app.conf.20241126",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME | TL_ACC_DELETE,
	     "/srv/app/app.conf.[0-9]*",
	     {"/srv/app/app.conf.20241127"},
	     {"/srv/app/app.conf.original", "/srv/app/app.conf.dpkg-old"}},
	    /* git: loose-object directories (2 hex digits), a pack's hash, init's probe */
	    {"/srv/repo/.git/objects/10",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/srv/repo/.git/objects/10/",
	     {"/srv/repo/.git/objects/10/"},
	     {"/srv/repo/.git/objects/1234567/"}},
	    {"/srv/repo/.git/objects/pack/pack-58a046c4d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6.pack",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/repo/.git/objects/pack/pack-58a046c4d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6.pack",
	     {"/srv/repo/.git/objects/pack/pack-58a046c4d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6.pack"},
	     {"/srv/repo/.git/objects/pack/pack-18a046c4d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6.pack"}},
	    {"/srv/repo/.git/t9WYMYU",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/repo/.git/t??????",
	     {"/srv/repo/.git/tft8cBx"},
	     {"/srv/repo/.git/config", "/srv/repo/.git/xft8cBx", "/srv/repo/.git/tft8cB"}},
	    /* rsync's temp copy, one class of letters: enough once removed */
	    {"/dst/sub/.s4.hhawzc",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_RENAME,
	     "/dst/sub/.s4.??????",
	     {"/dst/sub/.s4.AbC123"},
	     {"/dst/sub/.s5.hhawzc", "/dst/sub/s4.hhawzcx"}},
	    /* mktemp's default (10 random): not Python's 8 */
	    {"/tmp/tmp.k3jdl9aq2x",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/tmp.??????????",
	     {"/tmp/tmp.ZZZZZZZZZZ"},
	     {"/tmp/tmp.ZZZZZZZZZ"}},
	    {"/tmp/.java_pid24965",
	     TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/.java_pid[0-9]*",
	     {"/tmp/.java_pid31"},
	     {"/tmp/.java_pid", "/tmp/.java_pidx"}},
	    /*
	     * Ruby's Dir::Tmpname (Tempfile, Dir.mktmpdir): PREFIX DATE-PID-RANDOM
	     * [.SUFFIX], RANDOM rand(2**32).to_s(36): 1 to 7 of [0-9a-z], so '*'
	     */
	    {"/tmp/qa20261126-25323-9jw4p6",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/qa[0-9]*-[0-9]*-*",
	     {"/tmp/qa20261127-25332-cwiigh", "/tmp/qa20261127-25332-cwiig",
	      "/tmp/qa20261127-977-1bzl4f1"},
	     {"/tmp/qb20261127-25332-cwiigh", "/tmp/qa20261127-25332-cwiigh/x", "/tmp/qa"}},
	    {"/tmp/rbqa20261126-25323-odmfjv",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/tmp/rbqa[0-9]*-[0-9]*-*/",
	     {"/tmp/rbqa20261127-977-9jw4p6/", "/tmp/rbqa20261127-977-bljl9/"},
	     {"/tmp/rbqa/", "/tmp/rbqb20261127-977-9jw4p6/", "/tmp/rbqa20261127-977-9jw4p6/x",
	      "/tmp/rbqa20261126-25323-odmfjv"}},
	    {"/tmp/x20261126-4242-bljl9.txt",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/x[0-9]*-[0-9]*-*.txt",
	     {"/tmp/x20270101-1-apvtga1.txt", "/tmp/x20261126-4242-7.txt"},
	     {"/tmp/x20261126-4242-bljl9.txtx", "/tmp/y20261126-4242-bljl9.txt",
	      "/tmp/x20261126-4242-bljl9.json"}},
	    {"/tmp/rbtf20261126-25323-nygt123",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/rbtf[0-9]*-[0-9]*-*",
	     {"/tmp/rbtf20261127-25332-dyymfe"},
	     {"/tmp/rbtx20261127-25332-dyymfe"}},
	    /* Tempfile.new's default, no prefix: the date's digits as classes (an anchor) */
	    {"/tmp/20261126-25323-dyymfe",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*-*",
	     {"/tmp/20270315-9-1x2y3z4"},
	     {"/tmp/2026112-25323-dyymfe", "/tmp/x20261126-25323-dyymfe", "/tmp/20261126-dyymfe"}},
	    /* not Dir::Tmpname: no date (month 13), a leading-zero pid, kept */
	    {"/tmp/qa20261326-25323-odmfjv",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/qa[0-9]*-[0-9]*-odmfjv",
	     {"/tmp/qa20261326-977-odmfjv"},
	     {"/tmp/qa20261326-977-apvtga"}},
	    {"/tmp/qa20261126-0323-odmfjv",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/qa[0-9]*-[0-9]*-odmfjv",
	     {"/tmp/qa20261127-977-odmfjv"},
	     {"/tmp/qa20261127-977-apvtga"}},
	    {"/tmp/rbqa20261126-25323-odmfjv",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/rbqa20261126-25323-odmfjv",
	     {"/tmp/rbqa20261126-25323-odmfjv"},
	     {"/tmp/rbqa20261126-25323-apvtga"}},
	    /*
	     * Java's createTempFile: PREFIX + an unsigned 64-bit random in decimal +
	     * SUFFIX; a prefix ending in a hex letter is a word + number, not a hash
	     */
	    {"/tmp/jqa12431278317592867994.txt",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/jqa[0-9]*.txt",
	     {"/tmp/jqa7209147440254395473.txt", "/tmp/jqa18446744073709551615.txt"},
	     {"/tmp/jqb12431278317592867994.txt", "/tmp/jqa.txt",
	      "/tmp/jqa12431278317592867994.txt.bak"}},
	    {"/tmp/cache10141909698818660515.txt",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/cache[0-9]*.txt",
	     {"/tmp/cache969881866051510141.txt"},
	     {"/tmp/cachx10141909698818660515.txt", "/tmp/cache10141909698818660515.tmp"}},
	    {"/tmp/abc5279173960744419923",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/abc[0-9]*",
	     {"/tmp/abc1054968982"},
	     {"/tmp/abd5279173960744419923"}},
	    /* Java's default (no prefix, ".tmp"): a leading number, in a temp dir */
	    {"/tmp/12127149855709791805.tmp",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[0-9]*.tmp",
	     {"/tmp/982371294612.tmp", "/tmp/5709791805121271498.tmp"},
	     {"/tmp/x12127149855709791805.tmp", "/tmp/12127149855709791805.txt",
	      "/tmp/sub/12127149855709791805.tmp"}},
	    /* Go's os.CreateTemp/MkdirTemp("", ""): a uint32 in decimal */
	    {"/tmp/1054968982",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/[0-9]*",
	     {"/tmp/2342421134", "/tmp/98765432"},
	     {"/tmp/x1054968982", "/tmp/1054968982/x", "/var/tmp/1054968982"}},
	    {"/var/tmp/2342421134",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/var/tmp/[0-9]*/",
	     {"/var/tmp/1054968982/"},
	     {"/var/tmp/1054968982/x/", "/var/tmp/x2342421134/", "/tmp/2342421134/"}},
	    /* not a random number: kept, not in a temp dir, a leading zero, too long, a hash */
	    {"/tmp/1054968982",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/1054968982",
	     {"/tmp/1054968982"},
	     {"/tmp/2342421134"}},
	    {"/var/lib/app/1054968982",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/var/lib/app/1054968982",
	     {"/var/lib/app/1054968982"},
	     {"/var/lib/app/2342421134"}},
	    {"/tmp/00000000000000000001.log",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/00000000000000000001.log",
	     {"/tmp/00000000000000000001.log"},
	     {"/tmp/00000000000000000002.log"}},
	    {"/tmp/123456789012345678901",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/123456789012345678901",
	     {"/tmp/123456789012345678901"},
	     {"/tmp/123456789012345678902"}},
	    {"/tmp/w/a1234567",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/w/a1234567",
	     {"/tmp/w/a1234567"},
	     {"/tmp/w/a1234568"}}, /* 8 hex digits: a short hash */
	    {"/tmp/w/obj5a01234567890123456789.o",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/w/obj5a01234567890123456789.o",
	     {"/tmp/w/obj5a01234567890123456789.o"},
	     {"/tmp/w/obj5a01234567890123456788.o"}}, /* digits, a letter, digits: a hash */
	    /* a hard link's new name, removed: a scratch name like an open's */
	    {"/tmp/x/t.4242.lk",
	     TL_ACC_LINK | TL_ACC_DELETE,
	     "/tmp/x/t.[0-9]*.lk",
	     {"/tmp/x/t.977.lk"},
	     {"/tmp/x/t.lk", "/tmp/x/u.4242.lk", "/tmp/x/t.4242.lk/x", "/tmp/x/t.4242.lkx"}},
	    /* gpg's dotlock probe ".#lk%p.HOST.PID": a pointer in hex and a pid, linked and
	       removed */
	    {"/home/u/.gnupg/.#lk0x0000555ad96124e0.host.12345",
	     TL_ACC_READ | TL_ACC_LINK | TL_ACC_DELETE,
	     "\"/home/u/.gnupg/.#lk0x????????????????.host.[0-9]*\"",
	     {"/home/u/.gnupg/.#lk0x00007f3c2a10b5c0.host.977"},
	     {"/home/u/.gnupg/.#lk0x0000555ad96124e.host.12345", "/home/u/.gnupg/pubring.kbx",
	      "/home/u/.gnupg/.#lk0x0000555ad96124e0.other.12345"}},
	    /* gpg's hard-link probe ".#lk0x<ptr>.HOST.<pid>x": the pid, not 6 random */
	    {"/home/u/.gnupg/.#lk0x0000555ad96124e0.vm.21744x",
	     TL_ACC_LINK | TL_ACC_DELETE,
	     "\"/home/u/.gnupg/.#lk0x????????????????.vm.[0-9]*x\"",
	     {"/home/u/.gnupg/.#lk0x00007f3c2a10b5c0.vm.1203x"},
	     {"/home/u/.gnupg/.#lk0x0000555ad96124e0.vm.21744", "/home/u/.gnupg/pubring.kbx"}},
	    /* a 64-bit token glued to a word (systemd's tempfn_random): the last 16 */
	    {"/etc/.#hostname3ddcdc06e6277455",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "\"/etc/.#hostname????????????????\"",
	     {"/etc/.#hostname00aa11bb22cc33dd"},
	     {"/etc/hostname", "/etc/.#hostname3ddcdc06e627745"}},
	    /* a 128-bit one (Python's "x" + uuid4().hex) */
	    {"/tmp/w/x5ea6dd0275a345a2a44b3e95bdb07c17",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/w/x????????????????????????????????",
	     {"/tmp/w/x0123456789abcdef0123456789abcdef"},
	     {"/tmp/w/y5ea6dd0275a345a2a44b3e95bdb07c17", "/tmp/w/x5ea6dd"}},
	    /* 40 hex glued to a word: a hash, literal */
	    {"/tmp/w/obj5ea6dd0275a345a2a44b3e95bdb07c1701234567",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/w/obj5ea6dd0275a345a2a44b3e95bdb07c1701234567",
	     {"/tmp/w/obj5ea6dd0275a345a2a44b3e95bdb07c1701234567"},
	     {"/tmp/w/obj5ea6dd0275a345a2a44b3e95bdb07c1701234568"}},
	    /* git's loose object, linked from a temp file and removed by gc: a hash */
	    {"/r/.git/objects/36/83f870be446c7cc05ffaef9fa06415276e1828",
	     TL_ACC_READ | TL_ACC_LINK | TL_ACC_DELETE,
	     "/r/.git/objects/36/83f870be446c7cc05ffaef9fa06415276e1828",
	     {"/r/.git/objects/36/83f870be446c7cc05ffaef9fa06415276e1828"},
	     {"/r/.git/objects/36/83f870be446c7cc05ffaef9fa064152700aaaa"}},
	    /* linked, kept: exact */
	    {"/srv/data/t.4242.lk",
	     TL_ACC_LINK,
	     "/srv/data/t.4242.lk",
	     {"/srv/data/t.4242.lk"},
	     {"/srv/data/t.977.lk"}},
	    /* a UUID in a scratch name: all of it, in either case */
	    {"/tmp/pgdata-8ab7e24f-5f2d-4c20-9a1b-0123456789ab",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/tmp/pgdata-???????\?-???\?-???\?-???\?-???????????\?/",
	     {"/tmp/pgdata-00000000-1111-2222-3333-444444444444/",
	      "/tmp/pgdata-8AB7E24F-5F2D-4C20-9A1B-0123456789AB/"},
	     {"/tmp/pgdata-8ab7e24f/", "/tmp/other-8ab7e24f-5f2d-4c20-9a1b-0123456789ab/",
	      "/tmp/pgdata-8ab7e24f-5f2d-4c20-9a1b-0123456789abc/",
	      "/tmp/pgdata-8ab7e24f-5f2d-4c20-9a1b-0123456789ab"}},
	    /* a bare UUID: a class for the first digit is its anchor */
	    {"/srv/run/8ab7e24f-5f2d-4c20-9a1b-0123456789ab",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/run/[0-9a-fA-F]??????\?-???\?-???\?-???\?-????????????",
	     {"/srv/run/f0e1d2c3-b4a5-4968-8776-655443322110"},
	     {"/srv/run/x8ab7e24-5f2d-4c20-9a1b-0123456789ab", "/srv/run/app.pid",
	      "/srv/run/8ab7e24f-5f2d-4c20-9a1b-0123456789ab.x"}},
	    /* a UUID in a kept name: exact */
	    {"/var/lib/app/8ab7e24f-5f2d-4c20-9a1b-0123456789ab.json",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/var/lib/app/8ab7e24f-5f2d-4c20-9a1b-0123456789ab.json",
	     {"/var/lib/app/8ab7e24f-5f2d-4c20-9a1b-0123456789ab.json"},
	     {"/var/lib/app/00000000-5f2d-4c20-9a1b-0123456789ab.json"}},
	    /* random hex numbers in scratch names: one '?' per digit, any value */
	    {"/srv/b/CMakeFiles/CMakeScratch/cmTC_547ef.dir",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR,
	     "/srv/b/CMakeFiles/CMakeScratch/cmTC_?????.dir/",
	     {"/srv/b/CMakeFiles/CMakeScratch/cmTC_a1b2c.dir/",
	      "/srv/b/CMakeFiles/CMakeScratch/cmTC_12345.dir/"},
	     {"/srv/b/CMakeFiles/CMakeScratch/cmTC_547e.dir/",
	      "/srv/b/CMakeFiles/CMakeScratch/cmTD_547ef.dir/",
	      "/srv/b/CMakeFiles/CMakeScratch/cmTC_547ef0.dir/"}},
	    {"/srv/b/CMakeFiles/Makefile2.tmpbe669",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME | TL_ACC_DELETE,
	     "/srv/b/CMakeFiles/Makefile2.tmp?????",
	     {"/srv/b/CMakeFiles/Makefile2.tmp3f00d"},
	     {"/srv/b/CMakeFiles/Makefile2", "/srv/b/CMakeFiles/Makefile2.tmp3f00d0",
	      "/srv/b/CMakeFiles/Makefile3.tmp3f00d"}},
	    /* not a random hex number: a word + pid, a hash, no anchor, digits only, kept */
	    {"/srv/out/x-fa12345",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/out/x-fa[0-9]*",
	     {"/srv/out/x-fa977"},
	     {"/srv/out/x-ab12345", "/srv/out/x-fa"}},
	    {"/srv/out/obj_0123456789abcdef0.o",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/out/obj_0123456789abcdef0.o",
	     {"/srv/out/obj_0123456789abcdef0.o"},
	     {"/srv/out/obj_1123456789abcdef0.o"}},
	    {"/srv/out/547ef.part",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/out/547ef.part",
	     {"/srv/out/547ef.part"},
	     {"/srv/out/a1b2c.part"}},
	    {"/srv/b/cmTC_12345",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/b/cmTC_[0-9]*",
	     {"/srv/b/cmTC_977"},
	     {"/srv/b/cmTC_a1b2c"}}, /* digits only: the digit rule's (docs/apparmor.md) */
	    {"/srv/b/cmTC_547ef",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/srv/b/cmTC_547ef",
	     {"/srv/b/cmTC_547ef"},
	     {"/srv/b/cmTC_a1b2c"}},
	    /* kept, or one digit: literal */
	    {"/var/lib/app/state.1234",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/var/lib/app/state.1234",
	     {"/var/lib/app/state.1234"},
	     {"/var/lib/app/state.1235"}},
	    {"/srv/out/part1.txt",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/srv/out/part1.txt",
	     {"/srv/out/part1.txt"},
	     {"/srv/out/part2.txt"}},
	    {"/tmp/sub/gux7_vpn",
	     TL_ACC_WRITE,
	     "/tmp/sub/gux7_vpn",
	     {"/tmp/sub/gux7_vpn"},
	     {"/tmp/sub/ab_12cde"}},
	    {"/tmp/abcdefgh", TL_ACC_WRITE, "/tmp/abcdefgh", {"/tmp/abcdefgh"}, {"/tmp/abcdefgi"}},
	    {"/tmp/phpH0tlbR",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/php??????",
	     {"/tmp/phpH0tlbR", "/tmp/phpA1b2C3"},
	     {"/tmp/phpinfo", "/tmp/phpH0tlbR/x", "/tmp/xhpH0tlbR"}},
	    /* a file under its writer's pid, renamed into place or kept as a backup */
	    {"/run/app.sock.22714.tmp",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/run/app.sock.[0-9]*.tmp",
	     {"/run/app.sock.22714.tmp", "/run/app.sock.3.tmp"},
	     {"/run/app.sock.tmp", "/run/other.sock.22714.tmp", "/run/app.sock.22714.bak",
	      "/run/app.sock.22714.tmp/x"}},
	    {"/run/app.sock.22837.bak",
	     TL_ACC_LINK,
	     "/run/app.sock.[0-9]*.bak",
	     {"/run/app.sock.1234.bak"},
	     {"/run/app.sock.bak", "/run/app.sock.1234.tmp"}},
	    {"/tmp/sortAe7Isi",
	     TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/sort??????",
	     {"/tmp/sortAe7Isi", "/tmp/sortQ1w2E3"},
	     {"/tmp/sorted", "/tmp/sortAe7Is", "/tmp/sortAe7Isi.x", "/tmp/xortAe7Isi"}},
	    {"/tmp/cc5WNrVW.s",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.s",
	     {"/tmp/cc5WNrVW.s", "/tmp/ccAbCdEf.s"},
	     {"/tmp/cc5WNrVW.o", "/tmp/cc5WNrVW", "/tmp/dd5WNrVW.s", "/tmp/cc5WNrVW.s.x"}},
	    {"/tmp/ccAbCdEf.res",
	     TL_ACC_READ,
	     "/tmp/cc??????.res",
	     {"/tmp/cc9x8Y7z.res"},
	     {"/tmp/ccAbCdEf.s"}},
	    {"/tmp/cc5WNrVW.cdtor.c",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.cdtor.c",
	     {"/tmp/ccQ1w2E3.cdtor.c"},
	     {"/tmp/ccQ1w2E3.c", "/tmp/ccQ1w2E3.cdtor.o"}},
	    {"/tmp/cc5WNrVW.o",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.o",
	     {"/tmp/ccQ1w2E3.o"},
	     {"/tmp/ccQ1w2E3.s"}},
	    {"/tmp/cc5WNrVW.ld",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.ld",
	     {"/tmp/ccQ1w2E3.ld"},
	     {"/tmp/ccQ1w2E3.le"}},
	    {"/tmp/cc5WNrVW.le",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.le",
	     {"/tmp/ccQ1w2E3.le"},
	     {"/tmp/ccQ1w2E3.ld"}},
	    {"/tmp/cc5WNrVW.ltrans0",
	     TL_ACC_WRITE,
	     "/tmp/cc??????.ltrans0",
	     {"/tmp/ccQ1w2E3.ltrans0"},
	     {"/tmp/ccQ1w2E3.ltrans1"}},
	    {"/home/u/.notes.Backup",
	     TL_ACC_WRITE,
	     "/home/u/.notes.Backup",
	     {"/home/u/.notes.Backup"},
	     {"/home/u/.notes.Q1w2E3"}}, /* a capitalised word is no draw (docs/apparmor.md) */
	    {"/home/u/.notes.B4ckup",
	     TL_ACC_WRITE,
	     "/home/u/.notes.??????",
	     {"/home/u/.notes.Q1w2E3"},
	     {"/home/u/.notez.B4ckup"}}, /* has the shape: generalised (docs/apparmor.md) */
	    {"/tmp/prof/Default/Session_Storage",
	     TL_ACC_WRITE,
	     "/tmp/prof/Default/Session_Storage",
	     {"/tmp/prof/Default/Session_Storage"},
	     {"/tmp/prof/Default/Session_Storagf"}}, /* Chromium's, in a temp dir: a word */
	    {"/tmp/prof/SingletonCookie",
	     TL_ACC_WRITE,
	     "/tmp/prof/SingletonCookie",
	     {"/tmp/prof/SingletonCookie"},
	     {"/tmp/prof/SingletonCookiX"}},
	    {"/tmp/tmpAb12Cd",
	     TL_ACC_WRITE,
	     "/tmp/tmp??????",
	     {"/tmp/tmpZ9y8X7"},
	     {"/tmp/tmpfAb12Cd"}},
	    {"/tmp/tmpfAb12Cd",
	     TL_ACC_WRITE,
	     "/tmp/tmpf??????",
	     {"/tmp/tmpfZ9y8X7"},
	     {"/tmp/tmpAb12Cd"}},
	    {"/var/tmp/fileX1y2Z3",
	     TL_ACC_WRITE,
	     "/var/tmp/file??????",
	     {"/var/tmp/fileq9W8e7"},
	     {"/tmp/fileX1y2Z3"}},
	    {"/tmp/tmpk2j_8x0q",
	     TL_ACC_WRITE,
	     "/tmp/tmp????????",
	     {"/tmp/tmpzzzz1234"},
	     {"/tmp/tmpk2j_8x0"}},
	    {"/tmp/tmpab12cd34.json",
	     TL_ACC_WRITE,
	     "/tmp/tmp????????.json",
	     {"/tmp/tmp_x9y8z7w.json"},
	     {"/tmp/tmpab12cd34.jso", "/tmp/tmpab12cd34"}},
	    {"/tmp/my app.AbC123",
	     TL_ACC_WRITE,
	     "\"/tmp/my app.??????\"",
	     {"/tmp/my app.Zz9y8X"},
	     {"/tmp/my_app.AbC123"}}, /* the literal part escaped and quoted */
	    {"/tmp/a[1].AbC123",
	     TL_ACC_WRITE,
	     "/tmp/a\\[1\\].??????",
	     {"/tmp/a[1].Zz9y8X"},
	     {"/tmp/a1.AbC123"}},
	    /* rsync's ".NAME.XXXXXX" next to the destination, in any directory. */
	    {"/dst/.f1.9HGdOd",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_RENAME,
	     "/dst/.f1.??????",
	     {"/dst/.f1.9HGdOd", "/dst/.f1.Ab12Cd"},
	     {"/dst/.f2.9HGdOd", "/dst/f1", "/dst/.f1.9HGdO", "/other/.f1.9HGdOd"}},
	    {"/home/u/..bashrc.x7Yk2P",
	     TL_ACC_WRITE,
	     "/home/u/..bashrc.??????",
	     {"/home/u/..bashrc.Q1w2E3"},
	     {"/home/u/.bashrc", "/home/u/..profile.Q1w2E3"}},
	    /* Ordinary names stay exact. */
	    {"/tmp/sorted.txt",
	     TL_ACC_WRITE,
	     "/tmp/sorted.txt",
	     {"/tmp/sorted.txt"},
	     {"/tmp/sortedXtxt"}},
	    {"/etc/ccache.conf",
	     TL_ACC_READ,
	     "/etc/ccache.conf",
	     {"/etc/ccache.conf"},
	     {"/etc/ccachX.conf"}},
	    {"/tmp/ccache.conf",
	     TL_ACC_READ,
	     "/tmp/ccache.conf",
	     {"/tmp/ccache.conf"},
	     {"/tmp/ccachX.conf"}},
	    {"/usr/lib/x86_64-linux-gnu/libcc1.so.0",
	     TL_ACC_READ | TL_ACC_MMAP_EXEC,
	     "/usr/lib/x86_64-linux-gnu/libcc1.so.0",
	     {"/usr/lib/x86_64-linux-gnu/libcc1.so.0"},
	     {"/usr/lib/x86_64-linux-gnu/libcc2.so.0"}},
	    {"/home/u/.bashrc",
	     TL_ACC_READ,
	     "/home/u/.bashrc",
	     {"/home/u/.bashrc"},
	     {"/home/u/.bashrd"}},
	    {"/src/.gitignore",
	     TL_ACC_READ,
	     "/src/.gitignore",
	     {"/src/.gitignore"},
	     {"/src/.gitignorf"}},
	    {"/var/lib/app/data",
	     TL_ACC_WRITE,
	     "/var/lib/app/data",
	     {"/var/lib/app/data"},
	     {"/var/lib/app/dat0"}},
	    {"/tmp/sorted2024",
	     TL_ACC_WRITE,
	     "/tmp/sorted2024",
	     {"/tmp/sorted2024"},
	     {"/tmp/sortXd2024"}},
	    {"/tmp/ccbuild1", TL_ACC_WRITE, "/tmp/ccbuild1", {"/tmp/ccbuild1"}, {"/tmp/ccbuild2"}},
	    {"/tmp/tmpfile12",
	     TL_ACC_WRITE,
	     "/tmp/tmpfile12",
	     {"/tmp/tmpfile12"},
	     {"/tmp/tmpfile13"}},
	    {"/tmp/sortABCDEF",
	     TL_ACC_WRITE,
	     "/tmp/sortABCDEF",
	     {"/tmp/sortABCDEF"},
	     {"/tmp/sortABCDEG"}},
	    {"/tmp/Ae7Isi",
	     TL_ACC_WRITE,
	     "/tmp/Ae7Isi",
	     {"/tmp/Ae7Isi"},
	     {"/tmp/Be7Isi"}}, /* no anchor */
	    {"/home/u/sortAe7Isi",
	     TL_ACC_WRITE,
	     "/home/u/sortAe7Isi",
	     {"/home/u/sortAe7Isi"},
	     {"/home/u/sortQ1w2E3"}}, /* templates only in temp dirs */
	    {"/home/u/.config.backup",
	     TL_ACC_WRITE,
	     "/home/u/.config.backup",
	     {"/home/u/.config.backup"},
	     {"/home/u/.config.backupX"}},
	    {"/home/u/.notes.draft2",
	     TL_ACC_WRITE,
	     "/home/u/.notes.draft2",
	     {"/home/u/.notes.draft2"},
	     {"/home/u/.notes.draft3"}}, /* word + number, not random */
	    {"/dev/pts/3",
	     TL_ACC_READ | TL_ACC_WRITE,
	     "/dev/pts/[0-9]*",
	     {"/dev/pts/3", "/dev/pts/12"},
	     {"/dev/pts/ptmx", "/dev/pts/"}},
	    {"/dev/tty12",
	     TL_ACC_READ,
	     "/dev/tty[0-9]*",
	     {"/dev/tty12", "/dev/tty1"},
	     {"/dev/tty", "/dev/ttyS0", "/dev/console"}},
	    {"/dev/nvme0n1p2",
	     TL_ACC_READ,
	     "/dev/nvme[0-9]*n[0-9]*p[0-9]*",
	     {"/dev/nvme0n1p2", "/dev/nvme1n1p10"},
	     {"/dev/nvme0n1", "/dev/sda1"}},
	    {"/dev/null", TL_ACC_READ, "/dev/null", {"/dev/null"}, {"/dev/zero"}},
	    {"/usr/lib/x86_64-linux-gnu/libssl.so.3.0.2",
	     TL_ACC_READ | TL_ACC_MMAP_EXEC,
	     "/usr/lib/x86_64-linux-gnu/libssl.so.3{,.[0-9]*}",
	     {"/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3.0.9"},
	     {"/usr/lib/x86_64-linux-gnu/libssl.so.4", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
	      "/usr/lib/x86_64-linux-gnu/libssl.so.3x"}},
	    {LIBC, TL_ACC_READ, LIBC, {LIBC}, {"/usr/lib/x86_64-linux-gnu/libc.so.7"}},
	    {"/sys/devices/system/cpu/cpu3/online",
	     TL_ACC_READ,
	     "/sys/devices/system/cpu/cpu[0-9]*/online",
	     {"/sys/devices/system/cpu/cpu0/online"},
	     {"/sys/devices/system/cpu/cpufreq/online", "/sys/devices/system/cpu/online"}},
	    /* O_TMPFILE: the kernel's "#<inode>" name (Python's TemporaryFile), quoted for '#' */
	    {"/tmp/#10955107",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_SETATTR,
	     "\"/tmp/#[0-9]*\"",
	     {"/tmp/#10955148", "/tmp/#7"},
	     {"/tmp/#", "/tmp/10955107", "/tmp/x#10955107", "/tmp/#10955107/x"}},
	    {"/home/u/.cache/#4242",
	     TL_ACC_WRITE,
	     "\"/home/u/.cache/#[0-9]*\"",
	     {"/home/u/.cache/#77"},
	     {"/home/u/#77", "/home/u/.cache/77"}},
	    /* near misses: an editor's "#name#", a letter, a directory */
	    {"/tmp/#10955107#",
	     TL_ACC_WRITE,
	     "\"/tmp/#10955107#\"",
	     {"/tmp/#10955107#"},
	     {"/tmp/#10955108#"}},
	    {"/tmp/#1a", TL_ACC_WRITE, "\"/tmp/#1a\"", {"/tmp/#1a"}, {"/tmp/#12"}},
	    {"/tmp/#123",
	     TL_ACC_READ | TL_ACC_DIR,
	     "\"/tmp/#123/\"",
	     {"/tmp/#123/"},
	     {"/tmp/#124/"}},
	    /* a name starting with an ISO-8601 date-time: npm's debug log, kept */
	    {"/root/.npm/_logs/2026-11-26T19_16_19_549Z-debug-0.log",
	     TL_ACC_APPEND | TL_ACC_CREATE,
	     "/root/.npm/_logs/[0-9]*-[0-9]*-[0-9]*T[0-9]*_[0-9]*_[0-9]*_[0-9]*Z-debug-[0-9]*.log",
	     {"/root/.npm/_logs/2026-11-26T19_16_20_056Z-debug-0.log",
	      "/root/.npm/_logs/2027-01-02T03_04_05_006Z-debug-1.log"},
	     {"/root/.npm/_logs/debug-0.log", "/root/.npm/2026-11-26T19_16_19_549Z-debug-0.log",
	      "/root/.npm/_logs/2026-11-26T19_16_19_549Z-eresolve-report.txt",
	      "/root/.npm/_logs/2026-11-26T19_16_19_549Z-debug-0.log/x"}},
	    {"/var/log/app/2026-11-26T19:16:19Z.json",
	     TL_ACC_WRITE,
	     "/var/log/app/[0-9]*-[0-9]*-[0-9]*T[0-9]*:[0-9]*:[0-9]*Z.json",
	     {"/var/log/app/2026-11-27T08:00:01Z.json"},
	     {"/var/log/app/2026-11-27T08:00:01Z.txt", "/var/log/app/x2026-11-27T08:00:01Z.json"}},
	    {"/srv/out/2026-11-26T19-16-19",
	     TL_ACC_CREATE | TL_ACC_DIR,
	     "/srv/out/[0-9]*-[0-9]*-[0-9]*T[0-9]*-[0-9]*-[0-9]*/",
	     {"/srv/out/2026-11-27T00-00-00/"},
	     {"/srv/out/", "/srv/out/latest/"}},
	    /* near misses: month 13, no seconds, mixed separators, not at the start, glued */
	    {"/var/log/app/2026-13-26T19:16:19Z.json",
	     TL_ACC_WRITE,
	     "/var/log/app/2026-13-26T19:16:19Z.json",
	     {"/var/log/app/2026-13-26T19:16:19Z.json"},
	     {"/var/log/app/2026-12-26T19:16:19Z.json"}},
	    {"/var/log/app/2026-11-26T19:16.log",
	     TL_ACC_WRITE,
	     "/var/log/app/2026-11-26T19:16.log",
	     {"/var/log/app/2026-11-26T19:16.log"},
	     {"/var/log/app/2026-11-27T19:16.log"}},
	    {"/var/log/app/2026-11-26T19:16_19.log",
	     TL_ACC_WRITE,
	     "/var/log/app/2026-11-26T19:16_19.log",
	     {"/var/log/app/2026-11-26T19:16_19.log"},
	     {"/var/log/app/2026-11-27T19:16_19.log"}},
	    {"/var/log/app/run-2026-11-26T19:16:19Z.log",
	     TL_ACC_WRITE,
	     "/var/log/app/run-2026-11-26T19:16:19Z.log",
	     {"/var/log/app/run-2026-11-26T19:16:19Z.log"},
	     {"/var/log/app/run-2026-11-27T19:16:19Z.log"}},
	    {"/var/log/app/2026-11-26T19:16:19Zulu",
	     TL_ACC_WRITE,
	     "/var/log/app/2026-11-26T19:16:19Zulu",
	     {"/var/log/app/2026-11-26T19:16:19Zulu"},
	     {"/var/log/app/2026-11-27T19:16:19Zulu"}},
	    /* pytest's basetemp, kept between runs and numbered upward, and its per-test dirs */
	    {"/tmp/pytest-of-root/pytest-1/test_json0/d.json",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE,
	     "/tmp/pytest-of-root/pytest-[0-9]*/test_json[0-9]*/d.json",
	     {"/tmp/pytest-of-root/pytest-2/test_json0/d.json",
	      "/tmp/pytest-of-root/pytest-12/test_json1/d.json"},
	     {"/tmp/pytest-of-root/pytest-current/test_json0/d.json",
	      "/tmp/pytest-of-ci/pytest-2/test_json0/d.json",
	      "/tmp/pytest-of-root/pytest-2/test_sqlite0/d.json",
	      "/tmp/pytest-of-root/pytest-2/test_json0/e.json"}},
	    {"/tmp/pytest-of-root/pytest-1/.lock",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/pytest-of-root/pytest-[0-9]*/.lock",
	     {"/tmp/pytest-of-root/pytest-9/.lock"},
	     {"/tmp/pytest-of-root/pytest-9/lock", "/tmp/pytest-of-root/.lock"}},
	    {"/tmp/pytest-of-ci/pytest-7/popen-gw1/test_x0/out.txt",
	     TL_ACC_WRITE,
	     "/tmp/pytest-of-ci/pytest-[0-9]*/popen-gw[0-9]*/test_x[0-9]*/out.txt",
	     {"/tmp/pytest-of-ci/pytest-8/popen-gw0/test_x0/out.txt"},
	     {"/tmp/pytest-of-ci/pytest-8/popen-gw0/test_y0/out.txt"}},
	    {"/var/tmp/pytest-of-u/pytest-3/data0",
	     TL_ACC_CREATE | TL_ACC_DIR,
	     "/var/tmp/pytest-of-u/pytest-[0-9]*/data[0-9]*/",
	     {"/var/tmp/pytest-of-u/pytest-4/data1/"},
	     {"/var/tmp/pytest-of-u/pytest-4/", "/var/tmp/pytest-of-u/pytest-4/other0/"}},
	    /* near misses: the symlink, a file, not in a temp dir, no pytest-of-USER, no user */
	    {"/tmp/pytest-of-root/pytest-current",
	     TL_ACC_CREATE | TL_ACC_DELETE,
	     "/tmp/pytest-of-root/pytest-current",
	     {"/tmp/pytest-of-root/pytest-current"},
	     {"/tmp/pytest-of-root/pytest-1"}},
	    {"/tmp/pytest-of-root/pytest-1/file1",
	     TL_ACC_WRITE,
	     "/tmp/pytest-of-root/pytest-[0-9]*/file1",
	     {"/tmp/pytest-of-root/pytest-2/file1"},
	     {"/tmp/pytest-of-root/pytest-2/file2"}},
	    {"/home/u/pytest-of-u/pytest-1/x",
	     TL_ACC_WRITE,
	     "/home/u/pytest-of-u/pytest-1/x",
	     {"/home/u/pytest-of-u/pytest-1/x"},
	     {"/home/u/pytest-of-u/pytest-2/x"}},
	    {"/tmp/pytest-1/x",
	     TL_ACC_WRITE,
	     "/tmp/pytest-1/x",
	     {"/tmp/pytest-1/x"},
	     {"/tmp/pytest-2/x"}},
	    {"/tmp/pytest-of-/pytest-1/x",
	     TL_ACC_WRITE,
	     "/tmp/pytest-of-/pytest-1/x",
	     {"/tmp/pytest-of-/pytest-1/x"},
	     {"/tmp/pytest-of-/pytest-2/x"}},
	    /* a kept repository's objects are real names, even in a temp dir */
	    {"/tmp/repo/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1",
	     TL_ACC_READ,
	     "/tmp/repo/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1",
	     {"/tmp/repo/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1"},
	     {"/tmp/repo/.git/objects/2e/91171448eb9f2ee3821e3d447aa6b2fe3ddba1"}},
	    /* ... unless the repository's directory has a temp name (mktemp -d) */
	    {"/tmp/tmp.k3JdL9aQ2x/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1",
	     TL_ACC_READ,
	     "/tmp/tmp.?????????\?/.git/objects/[0-9a-f][0-9a-f]/" OBJ38,
	     {"/tmp/tmp.Zq81LmN0pR/.git/objects/dd/90c987db1f72229e07435220d6d203d72b0286"},
	     {"/tmp/tmp.Zq81LmN0pR/.git/objects/dd/tmp_obj_SW6SHd",
	      "/tmp/tmp.Zq81LmN0pR/.git/objects/info/90c987db1f72229e07435220d6d203d72b0286",
	      "/tmp/tmp.Zq81LmN0pR/.git/objects/dd/"}},
	};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		struct tl_trace t;
		struct tl_aa_policy p;
		char *out, want[256];

		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		file(&t, cases[i].path, "/opt/app", cases[i].acc, 1);
		out = export_ok(&t, NULL, NULL);
		snprintf(want, sizeof(want), "\n  %s ", cases[i].rule);
		if (!strstr(out, want))
			fail_msg("%s: no rule '%s' in\n%s", cases[i].path, cases[i].rule, out);
		check_all_allowed(&t, out, "tailor", NULL);
		parse_ok(out, NULL, &p);
		for (size_t k = 0; k < 3 && cases[i].match[k]; k++)
			if (!perms_on(&p, "tailor", cases[i].match[k]))
				fail_msg("%s: '%s' should match %s", cases[i].path, cases[i].rule,
				         cases[i].match[k]);
		for (size_t k = 0; k < 4 && cases[i].nomatch[k]; k++)
			if (perms_on(&p, "tailor", cases[i].nomatch[k]))
				fail_msg("%s: '%s' must not match %s", cases[i].path, cases[i].rule,
				         cases[i].nomatch[k]);
		tl_aa_policy_free(&p);
		free(out);
		tl_trace_free(&t);
	}
}

/* The rule line for path (pattern and permissions, without the comment), from a profile of it
 * alone. */
static char *rule_of(const char *path)
{
	struct tl_trace t;
	char *out, *line, *end;

	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	file(&t, path, "/opt/app", TL_ACC_WRITE | TL_ACC_CREATE, 1);
	out = export_ok(&t, NULL, NULL);
	line = strstr(out, ",  # write/create by /opt/app (1x)");
	if (!line)
		fail_msg("%s: no rule in\n%s", path, out);
	end = line;
	while (line > out && line[-1] != '\n')
		line--;
	line = strndup(line, (size_t)(end - line));
	assert_non_null(line);
	free(out);
	tl_trace_free(&t);
	return line;
}

/*
 * The temp names of two runs of the same program give the same rule, so a
 * profile recorded once allows the next run; a trace of both has one rule.
 */
static void test_temp_names_stable(void **state)
{
	static const char *const pairs[][3] = {
	    {"/tmp/sortAe7Isi", "/tmp/sortQ1w2E3", "/tmp/sort??????"},
	    {"/tmp/cc5WNrVW.s", "/tmp/ccAbCdEf.s", "/tmp/cc??????.s"},
	    {"/tmp/cc5WNrVW.cdtor.c", "/tmp/ccaZ9bY0.cdtor.c", "/tmp/cc??????.cdtor.c"},
	    {"/dst/.f1.9HGdOd", "/dst/.f1.x1Y2z3", "/dst/.f1.??????"},
	    {"/tmp/tmpk2j_8x0q", "/tmp/tmp5abc_def", "/tmp/tmp????????"},
	    {"/tmp/tmp.k3JdL9aQ2x", "/tmp/tmp.Zq81LmN0pR", "/tmp/tmp.??????????"},
	    {"/var/tmp/tmpfAb12Cd", "/var/tmp/tmpf9Zy8Xw", "/var/tmp/tmpf??????"},
	};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(pairs); i++) {
		char *a = rule_of(pairs[i][0]), *b = rule_of(pairs[i][1]), want[256], *out;
		struct tl_trace t;
		int lo = strcmp(pairs[i][0], pairs[i][1]) > 0;

		snprintf(want, sizeof(want), "  %s w", pairs[i][2]);
		if (strcmp(a, want) || strcmp(b, want))
			fail_msg("%s, %s: rules '%s', '%s', want '%s'", pairs[i][0], pairs[i][1], a,
			         b, want);
		free(a);
		free(b);

		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		add_run(&t, "command", all_features);
		file(&t, pairs[i][0], "/opt/app", TL_ACC_WRITE, 1);
		file(&t, pairs[i][1], "/opt/app", TL_ACC_WRITE, 1);
		out = export_ok(&t, NULL, NULL);
		snprintf(want, sizeof(want),
		         "\n  %s w,  # write by /opt/app (2x); recorded as %s, %s\n", pairs[i][2],
		         pairs[i][lo], pairs[i][!lo]); /* recorded paths in byte order */
		if (!strstr(out, want))
			fail_msg("no '%s' in\n%s", want, out);
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);
	}
}

/*
 * The temp names of the Java, Go and Ruby runtimes (QA on real runs): names of
 * several runs give one rule; a scratch directory's name holds for the files
 * below it, and lends its scratch-ness to a number below it outside temp dirs.
 */
static void test_runtime_temp_names(void **state)
{
	static const struct {
		const char *names[3]; /* created and removed: one rule for all */
		const char *rule;
	} runs[] = {
	    {{"/tmp/jqa12431278317592867994.txt", "/tmp/jqa5840147223316014371.txt",
	      "/tmp/jqa18136497521366480931.txt"},
	     "/tmp/jqa[0-9]*.txt"},
	    {{"/tmp/12127149855709791805.tmp", "/tmp/3447004815738372616.tmp",
	      "/tmp/16922434227396911406.tmp"},
	     "/tmp/[0-9]*.tmp"},
	    {{"/tmp/1054968982", "/tmp/2342421134", "/tmp/487920132"}, "/tmp/[0-9]*"},
	    {{"/dev/shm/rbtf20261126-25323-9jw4p6.txt", "/dev/shm/rbtf20261127-977-apvtga.txt",
	      "/dev/shm/rbtf20261127-25399-bljl9.txt"},
	     "/dev/shm/rbtf[0-9]*-[0-9]*-*.txt"},
	};
	struct tl_trace t;
	struct tl_aa_policy p;
	char *out, want[256];

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(runs); i++) {
		tl_trace_init(&t);
		for (size_t k = 0; k < 3; k++) {
			add_run(&t, "command", all_features);
			file(&t, runs[i].names[k], "/opt/app",
			     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE, 1);
		}
		out = export_ok(&t, NULL, NULL);
		snprintf(want, sizeof(want), "\n  %s w, ", runs[i].rule);
		if (!strstr(out, want) || strstr(strstr(out, want) + 1, "\n  /"))
			fail_msg("%s: want one rule '%s' in\n%s", runs[i].names[0], runs[i].rule,
			         out);
		check_all_allowed(&t, out, "tailor", NULL);
		free(out);
		tl_trace_free(&t);
	}

	/* Go's MkdirTemp and Ruby's mktmpdir, with files in them */
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	file(&t, "/tmp/1054968982", "/opt/app", TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR, 1);
	file(&t, "/tmp/1054968982/out.json", "/opt/app", TL_ACC_WRITE | TL_ACC_CREATE, 1);
	file(&t, "/tmp/rbqa20261126-25323-odmfjv", "/opt/app",
	     TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR, 1);
	file(&t, "/tmp/rbqa20261126-25323-odmfjv/data.txt", "/opt/app", TL_ACC_READ, 1);
	/* a number in a scratch directory outside the temp dirs, and in a kept one */
	file(&t, "/srv/work/job-977", "/opt/app", TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR, 1);
	file(&t, "/srv/work/job-977/2342421134", "/opt/app",
	     TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE, 1);
	file(&t, "/srv/keep/2342421134", "/opt/app", TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	     1);
	out = export_ok(&t, NULL, NULL);
	assert_non_null(strstr(out, "\n  /tmp/[0-9]*/ w,"));
	assert_non_null(strstr(out, "\n  /tmp/[0-9]*/out.json w,"));
	assert_non_null(strstr(out, "\n  /tmp/rbqa[0-9]*-[0-9]*-*/ w,"));
	assert_non_null(strstr(out, "\n  /tmp/rbqa[0-9]*-[0-9]*-*/data.txt r,"));
	assert_non_null(strstr(out, "\n  /srv/work/job-[0-9]*/[0-9]* w,"));
	assert_non_null(strstr(out, "\n  /srv/keep/2342421134 w,"));
	check_all_allowed(&t, out, "tailor", NULL);
	parse_ok(out, NULL, &p);
	assert_int_not_equal(perms_on(&p, "tailor", "/tmp/487920132/out.json"), 0);
	assert_int_not_equal(perms_on(&p, "tailor", "/tmp/rbqa20261127-4242-1bzl4f1/data.txt"), 0);
	assert_int_equal(perms_on(&p, "tailor", "/tmp/487920132/other.json"), 0);
	assert_int_equal(perms_on(&p, "tailor", "/srv/keep/1054968982"), 0);
	tl_aa_policy_free(&p);
	free(out);
	tl_trace_free(&t);
}

/* The next run's names are allowed by profile p (text out); the never ones are not. */
static void check_next_run(const struct tl_aa_policy *p, const char *out, const char *const *next,
                           size_t nnext, const char *const *never, size_t nnever)
{
	for (size_t i = 0; i < nnext; i++)
		if (!perms_on(p, "tailor", next[i]))
			fail_msg("the next run's %s is not allowed by\n%s", next[i], out);
	for (size_t i = 0; i < nnever; i++)
		if (perms_on(p, "tailor", never[i]))
			fail_msg("%s must not be allowed by\n%s", never[i], out);
}

/*
 * Per-run names QA found in real CI runs (/tmp/qa19): git's objects in a
 * test's scratch repository, and, with them, the O_TMPFILE, pytest and npm
 * names: the profile of one run allows the next run's names, and a kept
 * repository's objects stay exact.
 */
static void test_next_run_names(void **state)
{
	static const char *const next[] = {
	    /* the next run of the same test suite */
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/dd/",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/dd/90c987db1f72229e07435220d6d203d72b0286",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/dd/tmp_obj_SW6SHd",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/pack/"
	    "pack-0f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a.idx",
	    "/srv/ci/job-8812/.git/objects/9b/1a512e619bee0030bc9144a7474abe95cf081f",
	    "/tmp/#10955148",
	    "/tmp/pytest-of-root/pytest-2/test_sqlite0/x.db",
	    "/root/.npm/_logs/2026-11-26T19_16_20_056Z-debug-0.log",
	};
	static const char *const never[] = {
	    /* a kept repository's other objects, other names in a scratch one */
	    "/srv/repo/.git/objects/dd/90c987db1f72229e07435220d6d203d72b0286",
	    "/srv/repo/.git/objects/dd/",
	    "/srv/repo/.git/objects/pack/pack-0f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a.pack",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/dd/config",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/ddd/90c987db1f72229e07435220d6d203d72b0286",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/pack/pack-0f3c2b1a.idx",
	    "/tmp/shqa.IpF1adlp/repo/.git/objects/pack/"
	    "pack-0f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a.tar",
	    "/tmp/shqa.IpF1adlp/repo/.git/refs/dd/90c987db1f72229e07435220d6d203d72b0286",
	};
	const char *obj = "/tmp/shqa.UgjCG5ao/repo/.git/objects/2e/"
	                  "81171448eb9f2ee3821e3d447aa6b2fe3ddba1";
	const char *kept = "/srv/repo/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1";
	const uint32_t scratch = TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR;
	struct tl_trace t;
	struct tl_aa_policy p;
	char *out;

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	/* a test script's temp repository: mktemp -d, git init, commit, rm -rf */
	file(&t, "/tmp/shqa.UgjCG5ao", "/usr/bin/mktemp", scratch, 1);
	file(&t, "/tmp/shqa.UgjCG5ao/repo/.git/objects/2e", "/usr/bin/git", scratch, 1);
	file(&t, obj, "/usr/bin/git", TL_ACC_READ | TL_ACC_LINK, 3);
	file(&t, obj, "/usr/bin/rm", TL_ACC_DELETE, 1);
	file(&t, "/tmp/shqa.UgjCG5ao/repo/.git/objects/2e/tmp_obj_eMRURM", "/usr/bin/git",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE, 2);
	file(&t,
	     "/tmp/shqa.UgjCG5ao/repo/.git/objects/pack/"
	     "pack-58a046c4f4a4e7a7b8d0b1d4a3b54a6ca9e8a7c1.idx",
	     "/usr/bin/git", TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE, 1);
	/* a scratch work tree outside the temp dirs */
	file(&t, "/srv/ci/job-8811", "/usr/bin/git", scratch, 1);
	file(&t, "/srv/ci/job-8811/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1",
	     "/usr/bin/git", TL_ACC_READ, 1);
	/* a kept repository: gc removed a fan-out directory and a loose object it made */
	file(&t, "/srv/repo/.git/objects/2e", "/usr/bin/git", scratch, 1);
	file(&t, kept, "/usr/bin/git", TL_ACC_LINK | TL_ACC_DELETE, 1);
	file(&t, "/srv/repo/.git/objects/pack/pack-58a046c4f4a4e7a7b8d0b1d4a3b54a6ca9e8a7c1.pack",
	     "/usr/bin/git", TL_ACC_READ, 1);
	file(&t, "/tmp/#10955107", "/usr/bin/python3.11", TL_ACC_READ | TL_ACC_WRITE, 1);
	file(&t, "/tmp/pytest-of-root/pytest-1/test_sqlite0/x.db", "/usr/bin/python3.11",
	     TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_LOCK, 1);
	file(&t, "/root/.npm/_logs/2026-11-26T19_16_19_549Z-debug-0.log", "/usr/bin/node",
	     TL_ACC_APPEND | TL_ACC_CREATE, 1);
	out = export_ok(&t, NULL, NULL);
	assert_non_null(
	    strstr(out, "\n  /tmp/shqa.???????\?/repo/.git/objects/[0-9a-f][0-9a-f]/ w,"));
	assert_non_null(strstr(
	    out, "\n  /tmp/shqa.???????\?/repo/.git/objects/[0-9a-f][0-9a-f]/" OBJ38 " rwl,"));
	assert_non_null(strstr(
	    out, "\n  /tmp/shqa.???????\?/repo/.git/objects/[0-9a-f][0-9a-f]/tmp_obj_?????\? rw,"));
	assert_non_null(
	    strstr(out, "\n  /tmp/shqa.???????\?/repo/.git/objects/pack/pack-" PACK40 ".idx rw,"));
	assert_non_null(
	    strstr(out, "\n  /srv/ci/job-[0-9]*/.git/objects/[0-9a-f][0-9a-f]/" OBJ38 " r,"));
	assert_non_null(strstr(out, "\n  /srv/repo/.git/objects/2e/ w,"));
	assert_non_null(strstr(
	    out, "\n  /srv/repo/.git/objects/2e/81171448eb9f2ee3821e3d447aa6b2fe3ddba1 wl,"));
	assert_non_null(strstr(
	    out,
	    "\n  /srv/repo/.git/objects/pack/pack-58a046c4f4a4e7a7b8d0b1d4a3b54a6ca9e8a7c1.pack "
	    "r,"));
	assert_non_null(strstr(out, "\n  \"/tmp/#[0-9]*\" rw,"));
	check_all_allowed(&t, out, "tailor", NULL);
	check_no_blanket(out);
	parser_accepts(out, strlen(out), "next-run names");
	parse_ok(out, NULL, &p);
	check_next_run(&p, out, next, TL_ARRAY_SIZE(next), never, TL_ARRAY_SIZE(never));
	tl_aa_policy_free(&p);
	free(out);
	tl_trace_free(&t);
}

/*
 * Per-run names of build tools and runtimes (QA on cargo, Perl and Chromium,
 * /tmp/qa24b): rustc's and cargo's temp directories, codegen-unit objects
 * and incremental sessions, in a project outside the temp dirs; Perl's
 * File::Temp names; Chromium's scoped_dir.  The profile of one run allows
 * the next run's names, and nothing else near them.
 */
static void test_build_tool_names(void **state)
{
#define TGT   "/srv/app/target/debug/"
#define INC   TGT "incremental/app-3tdexymt6nw55/"
#define SESS  "s-hoj5qdwo8l-1al8kqb"
#define CGU25 "?????????????????????????"
	static const char *const rules[] = {
	    TGT "deps/rustc?????\?/ rw,",
	    TGT "deps/rustc?????\?/symbols.o rw,",
	    TGT "deps/rmeta?????\?/full.rmeta rw,",
	    TGT "deps/.tmp??????.temp-archive/ rw,",
	    TGT "deps/.tmp??????.temp-archive/tmp.a rw,",
	    "/srv/app/target?????\?/CACHEDIR.TAG w,",
	    TGT "deps/app-9a75fa247956d090." CGU25 ".???????.rcgu.o rw,",
	    "/srv/app/target/release/deps/app-3025f3350a434116." CGU25 ".rcgu.o rw,",
	    INC "s-?????????\?-??????\?-working/ rw,",
	    INC "s-?????????\?-??????\?-working/[0-9a-z]????????????????????????.o l,",
	    INC "s-?????????\?-??????\?-working/dep-graph.bin rw,",
	    INC "s-?????????\?-???????.lock rwk,",
	    INC "s-?????????\?-??????\?-" CGU25 "{,/} rw,",
	    "/tmp/[A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_]"
	    "[A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_] rw,",
	    "/tmp/tcl_?????? rw,",
	    "/tmp/test?????? rw,",
	    "/tmp/YMBYR2WMwK w,",
	    "/root/.cache/chromium-headless/scoped_dir?????\?/ w,",
	    "/root/.cache/chromium-headless/scoped_dir?????\?/Default/Cookies w,",
	    "/root/.cache/chromium-headless/AbC123xyzQ/ w,",
	    "/srv/w/job.??????????.dat rw,",
	    "/srv/w/[0-9a-z]????????????????????????.o rw,",
	};
	static const char *const next[] = {
	    /* the next clean build: new temp names, run ids and sessions */
	    TGT "deps/rustcCAUPlN/symbols.o",
	    TGT "deps/rmeta2E331n/full.rmeta",
	    TGT "deps/.tmptA55jz.temp-archive/tmp.a",
	    "/srv/app/targetsEPJGH/CACHEDIR.TAG",
	    TGT "deps/app-9a75fa247956d090.070azxrryudr1nkzuz0ru10hv.0rk8oej.rcgu.o",
	    /* an incremental rebuild: a changed codegen unit */
	    TGT "deps/app-9a75fa247956d090.5rpw500gez68c6inx9yicxk2u.1pmhfkw.rcgu.o",
	    "/srv/app/target/release/deps/app-3025f3350a434116.bkse5atm7cjgxqe3jha000000.rcgu.o",
	    INC "s-hoj5radbc0-1621whu-working/dep-graph.bin",
	    INC "s-hoj5radbc0-1621whu-working/bbq8ibx39wtgmz0wpcgn9s7qu.o",
	    INC "s-hoj5radbc0-1621whu.lock",
	    INC "s-hoj5radbc0-1621whu-2x1va7a9w9xs2wxdkpwlu6sre/",
	    "/tmp/DYw1Otg3z2",
	    "/tmp/eyGVrDOVub",
	    "/tmp/5wchmWMGq_",
	    "/root/.cache/chromium-headless/scoped_dirQ1w2E3/Default/Cookies",
	    "/srv/w/job.q0e8hu38fu.dat",
	};
	static const char *const never[] = {
	    /* another crate, another file, another length, outside incremental/ */
	    TGT "deps/app-0000000000000000.070azxrryudr1nkzuz0ru10hv.0rk8oej.rcgu.o",
	    TGT "deps/rustcCAUPlN/other.o",
	    TGT "deps/rustcCAUPl/symbols.o",
	    TGT "deps/.tmptA55jz.other/tmp.a",
	    INC "s-hoj5radbc0-1621whu-working/other.bin",
	    INC "x-hoj5radbc0-1621whu.lock",
	    TGT "s-hoj5radbc0-1621whu.lock",
	    "/tmp/DYw1Otg3z",
	    "/tmp/DYw1Otg3z2/x",
	    "/tmp/x/DYw1Otg3z2",
	    "/root/.cache/chromium-headless/other_dirQ1w2E3/Default/Cookies",
	    "/root/.cache/chromium-headless/AbC123xyzR/",
	    "/srv/w/other.q0e8hu38fu.dat",
	};
	const uint32_t rw = TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE,
	               sdir = TL_ACC_READ | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_DIR;
	struct tl_trace t;
	struct tl_aa_policy p;
	char *out, want[512];
	const char *hit;

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	file(&t, TGT "deps/rustcKPySqV", "/usr/bin/rustc", sdir, 1);
	file(&t, TGT "deps/rustcKPySqV/symbols.o", "/usr/bin/rustc", rw, 1);
	file(&t, TGT "deps/rmetaOJv565", "/usr/bin/rustc", sdir, 1);
	file(&t, TGT "deps/rmetaOJv565/full.rmeta", "/usr/bin/rustc", rw, 1);
	file(&t, TGT "deps/.tmpkSBrCM.temp-archive", "/usr/bin/rustc", sdir, 1);
	file(&t, TGT "deps/.tmpkSBrCM.temp-archive/tmp.a", "/usr/bin/rustc", rw | TL_ACC_RENAME, 1);
	/* cargo makes target/ as targetXXXXXX and renames it */
	file(&t, "/srv/app/targetweGKAl", "/usr/bin/cargo", sdir | TL_ACC_RENAME, 1);
	file(&t, "/srv/app/targetweGKAl/CACHEDIR.TAG", "/usr/bin/cargo",
	     TL_ACC_CREATE | TL_ACC_WRITE, 1);
	/*
	 * codegen units: the hash then the run's id; each name with several
	 * digit runs ([0-9]* each, before) and one rule for them all
	 */
	file(&t, TGT "deps/app-9a75fa247956d090.070azxrryudr1nkzuz0ru10hv.1qe5363.rcgu.o",
	     "/usr/bin/rustc", rw, 1);
	file(&t, TGT "deps/app-9a75fa247956d090.3fdrcffpvu5o2kp038rx5id09.1qe5363.rcgu.o",
	     "/usr/bin/rustc", rw, 1);
	file(&t, TGT "deps/app-9a75fa247956d090.e5uvq2xido6slnkmvfqv0ipsr.1qe5363.rcgu.o",
	     "/usr/bin/rustc", rw, 1);
	file(&t,
	     "/srv/app/target/release/deps/app-3025f3350a434116.bkse4atm5cjgxqe6jha7a8b9c.rcgu.o",
	     "/usr/bin/rustc", rw, 1);
	/* an incremental session: made, renamed; its lock file is kept */
	file(&t, INC SESS "-working", "/usr/bin/rustc", sdir | TL_ACC_RENAME, 1);
	file(&t, INC SESS "-working/070azxrryudr1nkzuz0ru10hv.o", "/usr/bin/rustc", TL_ACC_LINK, 1);
	file(&t, INC SESS "-working/dep-graph.bin", "/usr/bin/rustc", rw, 1);
	file(&t, INC SESS ".lock", "/usr/bin/rustc",
	     TL_ACC_CREATE | TL_ACC_LOCK | TL_ACC_READ | TL_ACC_WRITE, 1);
	file(&t, INC SESS "-7q25cd6mtq1e08hu38fu20hiw", "/usr/bin/rustc",
	     TL_ACC_CREATE | TL_ACC_RENAME, 1);
	/* Perl's tempfile() with no template; Tcl's and a prefixed mkstemp keep their prefix */
	file(&t, "/tmp/YMBYR2WMwL", "/usr/bin/perl", rw, 1);
	file(&t, "/tmp/hItt1C6XrK", "/usr/bin/perl", rw, 1);
	file(&t, "/tmp/tcl_kUzT0a", "/usr/bin/tclsh", rw, 1);
	file(&t, "/tmp/testAbC123", "/opt/app", rw, 1);
	file(&t, "/tmp/YMBYR2WMwK", "/usr/bin/perl", TL_ACC_WRITE | TL_ACC_CREATE, 1); /* kept */
	/* Chromium's scoped_dir, left behind; another kept name in a home stays */
	file(&t, "/root/.cache/chromium-headless/scoped_dirAb12Cd", "/opt/chrome",
	     TL_ACC_CREATE | TL_ACC_DIR, 1);
	file(&t, "/root/.cache/chromium-headless/scoped_dirAb12Cd/Default/Cookies", "/opt/chrome",
	     TL_ACC_CREATE | TL_ACC_WRITE, 1);
	file(&t, "/root/.cache/chromium-headless/AbC123xyzQ", "/opt/chrome",
	     TL_ACC_CREATE | TL_ACC_DIR, 1);
	/* random base-36 tokens in other scratch names */
	file(&t, "/srv/w/job.hoj5qdwo8l.dat", "/opt/app", rw, 1);
	file(&t, "/srv/w/025sl5bgdaacapi7wmqt4sdtu.o", "/opt/app", rw, 1);
	out = export_ok(&t, NULL, NULL);
	for (size_t i = 0; i < TL_ARRAY_SIZE(rules); i++) {
		snprintf(want, sizeof(want), "\n  %s", rules[i]);
		if (!(hit = strstr(out, want)))
			fail_msg("no rule '%s' in\n%s", rules[i], out);
		if (strstr(hit + 1, want))
			fail_msg("rule '%s' twice in\n%s", rules[i], out);
	}
	if (strstr(out, "[0-9]*"))
		fail_msg("a digit pattern in a random token:\n%s", out);
	check_all_allowed(&t, out, "tailor", NULL);
	check_no_blanket(out);
	parse_ok(out, NULL, &p);
	check_next_run(&p, out, next, TL_ARRAY_SIZE(next), never, TL_ARRAY_SIZE(never));
	tl_aa_policy_free(&p);
	free(out);
	tl_trace_free(&t);
#undef TGT
#undef INC
#undef SESS
#undef CGU25
}

/*
 * Many codegen units of one crate (rustc's base-36 names, created and
 * removed): one rule of fixed-length '\?' runs, not one rule each with
 * several [0-9]* that apparmor_parser needs minutes, or too many states,
 * to compile.
 */
static void test_random_tokens_one_rule(void **state)
{
	static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	const uint32_t rw = TL_ACC_READ | TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE;
	uint32_t x = 12345;
	size_t rules = 0;
	struct tl_trace t;
	char *out, path[128];

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	for (int k = 0; k < 24; k++) {
		char h[26];

		for (int j = 0; j < 25; j++) {
			x = x * 1103515245u + 12345u;
			h[j] = b36[(x >> 16) % 36];
		}
		memcpy(h + 2, "k7x", 3); /* letters and two runs of digits at least */
		h[6] = '1';
		h[25] = '\0';
		snprintf(path, sizeof(path),
		         "/srv/t/app-17eb751571e7872b/bsb-17eb751571e7872b.%s.0rk8oej.rcgu.o", h);
		file(&t, path, "/usr/bin/rustc", rw, 1);
		snprintf(path, sizeof(path), "/srv/t/w/x.%s.o", h);
		file(&t, path, "/usr/bin/rustc", rw, 1);
	}
	out = export_ok(&t, NULL, NULL); /* compiles (with a parser installed) */
	for (const char *q = strstr(out, "\n  /srv/t/"); q; q = strstr(q + 1, "\n  /srv/t/"))
		rules++;
	assert_int_equal(rules, 2);
	assert_non_null(strstr(out, "\n  /srv/t/app-17eb751571e7872b/bsb-17eb751571e7872b."
	                            "?????????????????????????.???????.rcgu.o rw,"));
	assert_non_null(strstr(out, "\n  /srv/t/w/x.?????????????????????????.o rw,"));
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);
}

/* Identical generalised rules merge, with the union of the permissions and all programs. */
static void test_merge(void **state)
{
	struct tl_trace t;
	char *out;

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	file(&t, "/proc/10/stat", "/usr/bin/a", TL_ACC_READ, 2);
	file(&t, "/proc/11/stat", "/usr/bin/b", TL_ACC_READ, 1);
	file(&t, "/proc/12/stat", "/usr/bin/b", TL_ACC_WRITE, 1);
	file(&t, "/sys/devices/system/cpu/cpu0/online", "/usr/bin/a", TL_ACC_READ, 1);
	file(&t, "/sys/devices/system/cpu/cpu1/online", "/usr/bin/a", TL_ACC_READ, 1);
	out = export_ok(&t, NULL, NULL);
	assert_non_null(strstr(out, "\n  @{PROC}/@{pid}/stat rw,  # read by /usr/bin/a (2x); "
	                            "read/write by /usr/bin/b (2x); recorded as /proc/10/stat, "
	                            "/proc/11/stat, +1 more\n"));
	assert_non_null(strstr(out, "\n  /sys/devices/system/cpu/cpu[0-9]*/online r,  # read by "
	                            "/usr/bin/a (2x); recorded as "
	                            "/sys/devices/system/cpu/cpu0/online, "
	                            "/sys/devices/system/cpu/cpu1/online\n"));
	assert_null(strstr(out, "/proc/10"
	                        "/stat r"));
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);
}

/*
 * An exec seen as an exec record and as a file access (both resolved) is one
 * rule counted once; a script's exec record (the script) and file record
 * (its interpreter) are two.
 */
static void test_exec_once(void **state)
{
	struct tl_trace t;
	char *out;

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	assert_int_equal(tl_trace_add_exec(&t, "/usr/bin/dash", "", 1), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/usr/bin/true", "/usr/bin/dash", 3), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/src/t.sh", "/usr/bin/dash", 1), 0);
	file(&t, "/usr/bin/true", "/usr/bin/dash", TL_ACC_EXEC, 3);
	file(&t, "/usr/bin/dash", "", TL_ACC_EXEC, 1);
	file(&t, "/usr/bin/dash", "/usr/bin/dash", TL_ACC_EXEC, 1); /* t.sh's interpreter */
	out = export_ok(&t, NULL, NULL);
	assert_non_null(strstr(out, "\n  /usr/bin/true ix,  # exec by /usr/bin/dash (3x)\n"));
	assert_non_null(strstr(out, "\n  /usr/bin/dash ix,  # exec by an unknown program (1x), "
	                            "/usr/bin/dash (1x)\n"));
	assert_non_null(strstr(out, "\n  /src/t.sh ix,  # exec by /usr/bin/dash (1x)\n"));
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);
}

static void test_caps_net_flags(void **state)
{
	struct tl_trace t;
	struct tl_aa_opts o;
	char *out;

	(void)state;
	trace_redis(&t);
	out = export_ok(&t, NULL, NULL);
	/* A container run implies the container flags and moby's signal/ptrace rules. */
	assert_non_null(strstr(
	    out,
	    "\nprofile tailor flags=(attach_disconnected,chroot_relative,mediate_deleted) {\n"));
	assert_non_null(strstr(out, "\n  signal (receive) peer=runc,"));
	assert_non_null(strstr(out, "\n  ptrace (trace,tracedby,read,readby) peer=tailor,"));
	assert_non_null(
	    strstr(out, "\n  capability net_bind_service,  # granted 2x to " REDIS "\n"));
	assert_non_null(strstr(out, "\n  capability setgid,"));
	assert_non_null(strstr(out, "\n  # denied during recording: capability sys_admin (the "
	                            "program coped without it): denied 3x to " REDIS "\n"));
	assert_null(strstr(out, "capability sys_admin,"));
	assert_null(strstr(out, "capability sys_resource,"));
	assert_non_null(
	    strstr(out, "\n  network inet stream,  # socket(inet, stream, 6) by " REDIS " (2x)\n"));
	assert_non_null(strstr(out, "\n  network inet6 stream,"));
	assert_non_null(strstr(out, "\n  network unix stream,"));
	assert_non_null(strstr(out, "\n  network netlink raw,"));
	assert_non_null(strstr(out, "\n  /data/appendonly.aof ak,"));
	check_no_blanket(out);
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);

	/* The same trace as a command run: no attach_disconnected, no runc rules. */
	free(t.runs[0].kind);
	t.runs[0].kind = strdup("command");
	out = export_ok(&t, NULL, NULL);
	assert_non_null(
	    strstr(out, "\nprofile tailor flags=(chroot_relative,mediate_deleted) {\n"));
	assert_null(strstr(out, "runc"));
	assert_null(strstr(out, "ptrace"));
	assert_non_null(strstr(out, "\n  signal (receive) peer=unconfined,"));
	free(out);
	tl_aa_opts_init(&o);
	o.container = true;
	o.name = "redis";
	out = export_ok(&t, &o, NULL);
	assert_non_null(strstr(
	    out,
	    "\nprofile redis flags=(attach_disconnected,chroot_relative,mediate_deleted) {\n"));
	assert_non_null(strstr(out, "\n  signal (send,receive) peer=redis,"));
	free(out);
	tl_trace_free(&t);

	/* Missing features are said in a comment; unknown families never become rules. */
	trace_odd(&t);
	out = export_ok(&t, NULL, NULL);
	assert_non_null(strstr(out, "# NOTE: capabilities were not recorded (no run has the "
	                            "\"caps\" feature)"));
	assert_non_null(strstr(out, "\n  # socket family 99 (unknown) has no AppArmor 3.0 name; "
	                            "not allowed:"));
	assert_non_null(strstr(out, "\n  # socket family 12 (decnet) has no AppArmor 3.0 name"));
	assert_non_null(strstr(out, "\n  network inet,  # type 9 has no AppArmor name"));
	assert_null(strstr(out, "\n  capability"));
	assert_null(strstr(out, "# denied during"));
	check_no_blanket(out);
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);
}

/*
 * io_uring's file operations are not syscalls the recorder sees: a trace with
 * any io_uring syscall (any ABI) that succeeded says so in the header; one
 * without, or whose rings were all refused, does not.
 */
static void test_io_uring_note(void **state)
{
	static const struct {
		enum tl_abi abi;
		const char *sys;
	} cases[] = {
	    {TL_ABI_X86_64, "io_uring_setup"},
	    {TL_ABI_X86, "io_uring_enter"},
	    {TL_ABI_X86_64, "io_uring_register"},
	};
	struct tl_syscall *s;
	struct tl_trace t;
	char *out, want[256];

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		tl_trace_init(&t);
		add_run(&t, "command", all_features);
		assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, "read", -1));
		s = tl_trace_syscall(&t, cases[i].abi, cases[i].sys, -1);
		assert_non_null(s);
		s->calls = s->ok = 1;
		file(&t, "/etc/hosts", "/opt/app", TL_ACC_READ, 1);
		out = export_ok(&t, NULL, NULL);
		snprintf(want, sizeof(want),
		         "\n# NOTE: the programs used io_uring (%s): file accesses made through "
		         "it\n#   (IORING_OP_OPENAT, ...) are not recorded, so rules for them may "
		         "be missing.\n",
		         cases[i].sys);
		if (!strstr(out, want))
			fail_msg("%s: no '%s' in\n%s", cases[i].sys, want, out);
		free(out);
		tl_trace_free(&t);
	}
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, "read", -1));
	assert_non_null(tl_trace_syscall(&t, TL_ABI_X86_64, "epoll_wait", -1));
	/* io_uring_disabled=2: every io_uring_setup failed with EPERM */
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "io_uring_setup", -1);
	assert_non_null(s);
	s->calls = 1;
	file(&t, "/etc/hosts", "/opt/app", TL_ACC_READ, 1);
	out = export_ok(&t, NULL, NULL);
	assert_null(strstr(out, "NOTE: the programs used io_uring"));
	free(out);
	tl_trace_free(&t);
}

/*
 * mount, pivot_root and ptrace are mediated by rules tailor does not write:
 * a trace where they succeeded says so in the header, naming them (QA:
 * bwrap, unshare -m, strace); one where they only failed does not.
 */
static void test_unruled_note(void **state)
{
	static const char *const ok[] = {"umount2", "ptrace", "mount", "pivot_root"};
	struct tl_syscall *s;
	struct tl_trace t;
	char *out;

	(void)state;
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	for (size_t i = 0; i < TL_ARRAY_SIZE(ok); i++) {
		s = tl_trace_syscall(&t, i == 1 ? TL_ABI_X86 : TL_ABI_X86_64, ok[i], -1);
		assert_non_null(s);
		s->calls = s->ok = 1;
	}
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "fsopen", -1);
	assert_non_null(s);
	s->calls = 1; /* failed: nothing to mediate */
	file(&t, "/etc/hosts", "/opt/app", TL_ACC_READ, 1);
	out = export_ok(&t, NULL, NULL);
	if (!strstr(out, "\n# NOTE: AppArmor mediates these calls, which succeeded, by rules this "
	                 "profile\n#   does not write: mount, pivot_root, ptrace, umount2.\n"))
		fail_msg("no note naming mount, pivot_root, ptrace, umount2 in\n%s", out);
	free(out);
	tl_trace_free(&t);
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "mount", -1);
	assert_non_null(s);
	s->calls = 1;
	file(&t, "/etc/hosts", "/opt/app", TL_ACC_READ, 1);
	out = export_ok(&t, NULL, NULL);
	assert_null(strstr(out, "NOTE: AppArmor mediates"));
	free(out);
	tl_trace_free(&t);
}

/* Quoting and escapes: the parser's view of each odd name is the name itself. */
static void test_odd_names(void **state)
{
	struct tl_trace t;
	struct tl_aa_policy p;
	char *out;

	(void)state;
	trace_odd(&t);
	out = export_ok(&t, NULL, NULL);
	assert_non_null(strstr(out, "\n  \"/srv/with space/a,b#c\" r,"));
	assert_non_null(strstr(out, "\n  /srv/glob\\*\\?\\[x\\]\\{y\\}\\\\z rw,"));
	assert_non_null(strstr(out, "\n  /srv/at@\\{x\\} r,"));
	assert_non_null(strstr(out, "\n  \"/srv/quote\\\"d\" r,"));
	assert_non_null(strstr(out, "\n  /srv/ctl\\x01x r,"));
	assert_non_null(strstr(out, "\n  /dev/shm/sem.?????? rw,"));
	assert_non_null(strstr(out, "\n  /tmp/tmp???????\?/ r,"));
	assert_non_null(strstr(out, "by an unknown program (1x)"));
	assert_non_null(strstr(out, "\n  / r,"));
	/* DIR alone needs nothing AppArmor mediates (stat is not mediated). */
	assert_non_null(strstr(out, "# 1 recorded access needed no permission that AppArmor "
	                            "mediates (e.g. /srv/dir-only, a directory only looked up): "
	                            "no rule.\n"));
	assert_null(strstr(out, "dir-only/"));
	parse_ok(out, NULL, &p);
	assert_int_equal(perms_on(&p, "tailor", "/srv/glob*?[x]{y}\\z"),
	                 TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND);
	assert_int_equal(perms_on(&p, "tailor", "/srv/globa?[x]{y}\\z"), 0);
	assert_int_equal(perms_on(&p, "tailor", "/srv/ctl\x01x"), TL_AA_READ);
	tl_aa_policy_free(&p);
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);
}

/* dash runs bash, which starts 13 programs (one more than a profile may name): p3 reads a file. */
static void trace_many(struct tl_trace *t)
{
	char prog[32];

	tl_trace_init(t);
	add_run(t, "command", all_features);
	assert_int_equal(tl_trace_add_exec(t, "/usr/bin/dash", "", 1), 0);
	assert_int_equal(tl_trace_add_exec(t, BASH, "/usr/bin/dash", 1), 0);
	for (int i = 0; i <= 12; i++) {
		snprintf(prog, sizeof(prog), "/usr/bin/p%d", i);
		assert_int_equal(tl_trace_add_exec(t, prog, BASH, 1), 0);
	}
	file(t, "/etc/p3.conf", "/usr/bin/p3", TL_ACC_READ, 1);
	file(t, "/etc/bash.bashrc", BASH, TL_ACC_READ, 1);
}

static void test_children(void **state)
{
	struct tl_trace t;
	struct tl_aa_opts o;
	struct tl_aa_policy p;
	char *out;

	(void)state;
	trace_kvstore(&t);
	/* Two programs with the same base name get distinct child names. */
	assert_int_equal(tl_trace_add_exec(&t, "/usr/local/bin/grep", BASH, 1), 0);
	tl_aa_opts_init(&o);
	o.children = true;
	o.name = "kvstore";
	out = export_ok(&t, &o, NULL);
	/* from main: by attachment (cx), which knows no limit of targets */
	assert_non_null(strstr(out, "\n  " KV " cx,"));
	assert_non_null(
	    strstr(out, "\n  profile kvstore " KV " flags=(chroot_relative,mediate_deleted) {\n"));
	assert_non_null(strstr(out, "\n  profile grep /usr/bin/grep flags="));
	assert_non_null(strstr(out, "\n  profile grep-2 /usr/local/bin/grep flags="));
	assert_non_null(strstr(out, "\n  signal (send,receive) peer=kvstore{,//*},"));
	parse_ok(out, NULL, &p);
	/* The store belongs to the kvstore child, the script to the main profile (bash). */
	assert_int_equal(perms_on(&p, "kvstore//kvstore", "/tmp/kvstore-test.Xy7890/beta"),
	                 TL_AA_READ | TL_AA_WRITE | TL_AA_APPEND);
	assert_int_equal(perms_on(&p, "kvstore", "/tmp/kvstore-test.Xy7890/beta"), 0);
	assert_int_equal(perms_on(&p, "kvstore//kvstore", "/work/examples/kvstore/run-tests.sh"),
	                 0);
	assert_int_equal(perms_on(&p, "kvstore", "/work/examples/kvstore/run-tests.sh"),
	                 TL_AA_READ);
	tl_aa_policy_free(&p);
	check_all_allowed(&t, out, "kvstore", NULL);
	check_no_blanket(out);
	free(out);

	/* bash runs bash: its accesses go to the main profile and to its child (crashed once) */
	assert_int_equal(tl_trace_add_exec(&t, BASH, BASH, 1), 0);
	out = export_ok(&t, &o, NULL);
	assert_non_null(strstr(out, "\n  " BASH " rmcx,"));
	/* from a child: by name */
	assert_non_null(strstr(out, "\n    " KV " px -> kvstore//kvstore,"));
	assert_non_null(
	    strstr(out, "\n  profile bash " BASH " flags=(chroot_relative,mediate_deleted) {\n"));
	parse_ok(out, NULL, &p);
	assert_int_equal(perms_on(&p, "kvstore//bash", "/work/examples/kvstore/run-tests.sh"),
	                 TL_AA_READ);
	assert_int_equal(perms_on(&p, "kvstore", "/work/examples/kvstore/run-tests.sh"),
	                 TL_AA_READ);
	tl_aa_policy_free(&p);
	free(out);
	tl_trace_free(&t);

	/* a child that starts more programs than a profile may name runs them itself */
	trace_many(&t);
	out = export_ok(&t, &o, NULL);
	assert_non_null(strstr(out,
	                       "\n  profile bash " BASH " flags=(chroot_relative,mediate_deleted) "
	                       "{\n    # runs what it starts in itself (ix)"));
	assert_non_null(strstr(out, "\n    /usr/bin/p12 ix,"));
	assert_null(strstr(out, "px ->"));
	parse_ok(out, NULL, &p);
	/* p3's own file, in p3's profile and in bash's, where p3 runs when bash starts it */
	assert_int_equal(perms_on(&p, "kvstore//p3", "/etc/p3.conf"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "kvstore//bash", "/etc/p3.conf"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "kvstore", "/etc/p3.conf"), 0);
	tl_aa_policy_free(&p);
	check_all_allowed(&t, out, "kvstore", NULL);
	free(out);
	tl_trace_free(&t);
}

static void test_abstractions(void **state)
{
	struct tl_trace t;
	struct tl_aa_opts o;
	char *out;

	(void)state;
	trace_kvstore(&t);
	/* A write to a library: base allows reading it only, so that rule stays. */
	file(&t, "/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4", "/usr/bin/rm", TL_ACC_WRITE, 1);
	tl_aa_opts_init(&o);
	o.abstractions = true;
	out = export_ok(&t, &o, NULL);
	assert_non_null(strstr(out, "\n  include <abstractions/base>  # replaces "));
	assert_null(strstr(out, "/etc/ld.so.cache"));
	assert_null(strstr(out, "\n  " LIBC " "));
	assert_null(strstr(out, "\n  /dev/null "));
	assert_non_null(strstr(out, "\n  /usr/lib/x86_64-linux-gnu/libtinfo.so.6{,.[0-9]*} rwm,"));
	assert_non_null(strstr(out, "\n  /dev/tty rw,"));
	check_all_allowed(&t, out, "tailor", NULL);
	if (!access(ETC_APPARMOR "/abstractions/base", R_OK))
		check_all_allowed(&t, out, "tailor", ETC_APPARMOR);
	check_no_blanket(out);
	free(out);

	/* Nothing to replace: no include. */
	tl_trace_free(&t);
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	file(&t, "/srv/f", "/opt/app", TL_ACC_READ, 1);
	out = export_ok(&t, &o, NULL);
	assert_null(strstr(out, "abstractions"));
	free(out);
	tl_trace_free(&t);
}

/* n files "DIR/fNN.h" read by prog (with extra access bits). */
static void files_in(struct tl_trace *t, const char *dir, int n, const char *prog, uint32_t acc)
{
	char path[256];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%02d.h", dir, i);
		file(t, path, prog, TL_ACC_READ | acc, 1);
	}
}

static void trace_plain(struct tl_trace *t)
{
	tl_trace_init(t);
	add_run(t, "command", all_features);
}

/* Lines of the profile that are file rules (not comments, not other rules). */
static size_t count_rules(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * Export with collapse at n, check it is valid, allows every recorded
 * access and every glob is a collapsed rule saying so; the caller frees.
 */
static char *export_collapse(const struct tl_trace *t, unsigned n)
{
	struct tl_aa_opts o;
	char *out, *copy, *save = NULL;

	tl_aa_opts_init(&o);
	assert_int_equal(o.collapse, TL_AA_COLLAPSE_DEFAULT);
	o.collapse = n;
	out = export_ok(t, &o, NULL);
	check_all_allowed(t, out, "tailor", NULL);
	copy = strdup(out);
	assert_non_null(copy);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *hash = strstr(l, "  #");

		if (l[0] == '#' || !hash)
			continue;
		*hash = '\0';
		if ((strstr(l, "/* ") || strstr(l, "/** ")) && !strstr(hash + 1, "(collapsed)"))
			fail_msg("a glob that is not a collapsed rule: '%s'", l);
	}
	free(copy);
	return out;
}

static void test_collapse(void **state)
{
	static const uint32_t not_read_only[] = {
	    TL_ACC_WRITE,  TL_ACC_APPEND, TL_ACC_CREATE, TL_ACC_DELETE, TL_ACC_SETATTR,
	    TL_ACC_RENAME, TL_ACC_LINK,   TL_ACC_LOCK,   TL_ACC_EXEC,
	};
	static const char *const excluded[] = {
	    "/etc",
	    "/usr",
	    "/srv",
	    "/home/u",
	    "/home/u/.ssh",
	    "/root/.ssh",
	    "/home/u/.config/gh",
	    "/root/.local/share/keyrings",
	    "/home/u/.password-store",
	    "/etc/ssl/private",
	    "/run/secrets/app",
	    "/var/run/secrets/kubernetes.io/serviceaccount",
	    "/etc/sudoers.d",
	    "/etc/kubernetes/pki",
	    "/sys/class/net",
	    "/dev/input",
	    "/var/tmp/cache",
	    "/etc/ssh",
	    "/home/u/.gnupg/private-keys-v1.d",
	};
	struct tl_trace t;
	struct tl_aa_policy p;
	char *out, dir[128];

	(void)state;
	/* N files read directly in a directory: DIR/\* r, with its comment and a header note */
	trace_plain(&t);
	files_in(&t, "/usr/include", 32, "/usr/bin/cc", 0);
	file(&t, "/usr/include/", "/usr/bin/cc", TL_ACC_READ | TL_ACC_DIR, 1);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(strstr(
	    out, "\n  /usr/include/* r,  # 32 files read in it (collapsed); by /usr/bin/cc\n"));
	assert_non_null(strstr(out, "\n  /usr/include/ r,  # read by /usr/bin/cc (1x)\n"));
	assert_null(strstr(out, "f07.h"));
	assert_non_null(strstr(out, "\n# NOTE: 32 read-only rules were collapsed into 1 directory "
	                            "glob (DIR/* r, DIR/** r: 32 or\n"));
	free(out);
	/* ... not at N-1 */
	tl_trace_free(&t);
	trace_plain(&t);
	files_in(&t, "/usr/include", 31, "/usr/bin/cc", 0);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_null(strstr(out, "collapsed"));
	assert_int_equal(count_rules(out, "\n  /usr/include/f"), 31);
	free(out);
	/* ... and the threshold is the option's: 31 with --collapse 31; 0 turns it off */
	out = export_collapse(&t, 31);
	assert_non_null(strstr(out, "\n  /usr/include/* r,  # 31 files read in it (collapsed)"));
	free(out);
	tl_trace_free(&t);
	trace_plain(&t);
	files_in(&t, "/usr/include", 200, "/usr/bin/cc", 0);
	out = export_collapse(&t, 0);
	assert_null(strstr(out, "collapsed"));
	assert_null(strstr(out, "/usr/include/*"));
	assert_int_equal(count_rules(out, "\n  /usr/include/f"), 200);
	free(out);
	tl_trace_free(&t);

	/* Never a write, append, create, delete, setattr, rename, link, lock or exec */
	for (size_t i = 0; i < TL_ARRAY_SIZE(not_read_only); i++) {
		trace_plain(&t);
		files_in(&t, "/srv/data", 40, "/opt/app", not_read_only[i]);
		out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
		assert_null(strstr(out, "collapsed"));
		assert_int_equal(count_rules(out, "\n  /srv/data/f"), 40);
		free(out);
		tl_trace_free(&t);
	}
	/* ... a written file stays next to the glob of the files only read */
	trace_plain(&t);
	files_in(&t, "/srv/data", 32, "/opt/app", 0);
	file(&t, "/srv/data/out.log", "/opt/app", TL_ACC_READ | TL_ACC_WRITE, 1);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(strstr(out, "\n  /srv/data/* r,  # 32 files read in it (collapsed)"));
	assert_non_null(strstr(out, "\n  /srv/data/out.log rw,"));
	free(out);
	tl_trace_free(&t);

	/* m: on the glob only when every file had it; else those keep their own rule */
	trace_plain(&t);
	files_in(&t, "/opt/app/plugins", 32, "/opt/app/bin/app", TL_ACC_MMAP_EXEC);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(
	    strstr(out, "\n  /opt/app/plugins/* rm,  # 32 files read in it (collapsed)"));
	free(out);
	tl_trace_free(&t);
	trace_plain(&t);
	files_in(&t, "/opt/app/lib", 31, "/opt/app/bin/app", 0);
	file(&t, "/opt/app/lib/native.so", "/opt/app/bin/app", TL_ACC_READ | TL_ACC_MMAP_EXEC, 1);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(strstr(out, "\n  /opt/app/lib/* r,  # 31 files read in it (collapsed); 1 "
	                            "mapped executable (m) kept as its own rule; by "
	                            "/opt/app/bin/app\n"));
	assert_non_null(strstr(out, "\n  /opt/app/lib/native.so rm,"));
	free(out);
	tl_trace_free(&t);

	/* Never where a glob would reach secrets or kernel interfaces */
	for (size_t i = 0; i < TL_ARRAY_SIZE(excluded); i++) {
		trace_plain(&t);
		files_in(&t, excluded[i], 40, "/opt/app", 0);
		for (int k = 0; k < 3; k++) {
			snprintf(dir, sizeof(dir), "%s/sub%d", excluded[i], k);
			files_in(&t, dir, 40, "/opt/app", 0);
		}
		out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
		snprintf(dir, sizeof(dir), "\n  %s/*", excluded[i]);
		if (strstr(out, dir))
			fail_msg("collapsed in %s:\n%s", excluded[i], out);
		free(out);
		tl_trace_free(&t);
	}
	/* ... nor above them: /etc/ssl holds private/, so its subdirectories get DIR/\* only */
	trace_plain(&t);
	files_in(&t, "/etc/ssl/certs", 40, "/opt/app", 0);
	files_in(&t, "/etc/ssl/misc", 40, "/opt/app", 0);
	files_in(&t, "/home/u/src", 40, "/opt/app", 0);
	files_in(&t, "/home/u/docs", 40, "/opt/app", 0);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_null(strstr(out, "/etc/ssl/**"));
	assert_null(strstr(out, "/home/u/**"));
	assert_non_null(strstr(out, "\n  /etc/ssl/certs/* r,"));
	assert_non_null(strstr(out, "\n  /etc/ssl/misc/* r,"));
	assert_non_null(strstr(out, "\n  /home/u/src/* r,"));
	parse_ok(out, NULL, &p);
	assert_int_equal(perms_on(&p, "tailor", "/etc/ssl/private/key.pem"), 0);
	assert_int_equal(perms_on(&p, "tailor", "/home/u/.ssh/id_ed25519"), 0);
	tl_trace_free(&t);
	tl_aa_policy_free(&p);
	free(out);

	/* DIR/\*\* r: N files below DIR outside its most-read subdirectory, in 2 or more */
	trace_plain(&t);
	files_in(&t, "/srv/www", 5, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/css", 20, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/js/lib", 30, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/img", 7, "/usr/bin/convert", 0);
	file(&t, "/srv/www/", "/usr/sbin/httpd", TL_ACC_READ | TL_ACC_DIR, 1);
	file(&t, "/srv/www/css/", "/usr/sbin/httpd", TL_ACC_READ | TL_ACC_DIR, 1);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(
	    strstr(out, "\n  /srv/www/** r,  # 62 files read below (collapsed), and 1 directory "
	                "listed; by /usr/bin/convert, /usr/sbin/httpd\n"));
	assert_non_null(strstr(out, "\n  /srv/www/ r,")); /* the glob does not list DIR itself */
	assert_int_equal(count_rules(out, "\n  /srv/www/"), 2);
	parse_ok(out, NULL, &p);
	assert_int_equal(perms_on(&p, "tailor", "/srv/www/js/lib/new/x.js"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "tailor", "/srv/www/img/new.png"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "tailor", "/srv/other"), 0);
	tl_aa_policy_free(&p);
	free(out);
	tl_trace_free(&t);
	/* ... one branch read is not the tree: 30 in js/lib and 31 elsewhere */
	trace_plain(&t);
	files_in(&t, "/srv/www", 5, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/css", 19, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/js/lib", 40, "/usr/sbin/httpd", 0);
	files_in(&t, "/srv/www/img", 7, "/usr/sbin/httpd", 0);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_null(strstr(out, "/srv/www/**"));
	assert_non_null(strstr(out, "\n  /srv/www/js/lib/* r,  # 40 files read in it (collapsed)"));
	assert_int_equal(count_rules(out, "\n  /srv/www/css/f"), 19);
	free(out);
	tl_trace_free(&t);
	/* ... a package tree, not /usr/lib because of it and three libraries */
	trace_plain(&t);
	files_in(&t, "/usr/lib/python3/dist-packages/numpy", 10, "/usr/bin/python3", 0);
	files_in(&t, "/usr/lib/python3/dist-packages/numpy/core", 30, "/usr/bin/python3", 0);
	files_in(&t, "/usr/lib/python3/dist-packages/numpy/linalg", 12, "/usr/bin/python3", 0);
	files_in(&t, "/usr/lib/python3/dist-packages/numpy/fft", 12, "/usr/bin/python3", 0);
	files_in(&t, "/usr/lib/x86_64-linux-gnu", 3, "/usr/bin/python3", TL_ACC_MMAP_EXEC);
	out = export_collapse(&t, TL_AA_COLLAPSE_DEFAULT);
	assert_non_null(strstr(out, "\n  /usr/lib/python3/dist-packages/numpy/** r,  # 64 files "
	                            "read below (collapsed); by /usr/bin/python3\n"));
	assert_null(strstr(out, "/usr/lib/**"));
	assert_null(strstr(out, "/usr/lib/python3/**"));
	assert_int_equal(count_rules(out, "\n  /usr/lib/x86_64-linux-gnu/f"), 3);
	free(out);
	tl_trace_free(&t);

	/* Per profile: two children reading 20 files each of one directory get no glob */
	tl_trace_init(&t);
	add_run(&t, "command", all_features);
	assert_int_equal(tl_trace_add_exec(&t, "/usr/bin/a", "", 1), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/usr/bin/b", "/usr/bin/a", 1), 0);
	assert_int_equal(tl_trace_add_exec(&t, "/usr/bin/c", "/usr/bin/a", 1), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(dir, sizeof(dir), "/srv/d/f%02d", i);
		file(&t, dir, i % 2 ? "/usr/bin/b" : "/usr/bin/c", TL_ACC_READ, 1);
		snprintf(dir, sizeof(dir), "/srv/e/f%02d", i);
		file(&t, dir, "/usr/bin/c", TL_ACC_READ, 1);
	}
	{
		struct tl_aa_opts o;

		tl_aa_opts_init(&o);
		o.children = true;
		out = export_ok(&t, &o, NULL);
	}
	assert_null(strstr(out, "/srv/d/*"));
	assert_non_null(strstr(out, "\n    /srv/e/* r,  # 40 files read in it (collapsed); by "
	                            "/usr/bin/c\n"));
	parse_ok(out, NULL, &p);
	assert_int_equal(perms_on(&p, "tailor//c", "/srv/e/new"), TL_AA_READ);
	assert_int_equal(perms_on(&p, "tailor//b", "/srv/e/f01"), 0);
	tl_aa_policy_free(&p);
	check_all_allowed(&t, out, "tailor", NULL);
	free(out);
	tl_trace_free(&t);

	/* 1 would make a glob of every file: refused */
	{
		struct tl_aa_opts o;
		size_t len;

		trace_plain(&t);
		tl_aa_opts_init(&o);
		o.collapse = 1;
		out = NULL;
		assert_int_equal(tl_export_apparmor(&t, &o, &out, &len), -EINVAL);
		assert_non_null(strstr(tl_err_msg(), "--collapse 1"));
		assert_null(out);
		tl_trace_free(&t);
	}
}

static void test_errors(void **state)
{
	static const char *const bad[] = {"", "has space", "-x", "a/b", "x{y}", "café"};
	struct tl_trace t;
	struct tl_aa_opts o;
	char *out = (char *)"untouched";
	size_t len = 1;

	(void)state;
	tl_trace_init(&t);
	tl_aa_opts_init(&o);
	for (size_t i = 0; i < TL_ARRAY_SIZE(bad); i++) {
		o.name = bad[i];
		tl_err_clear();
		assert_int_equal(tl_export_apparmor(&t, &o, &out, &len), -EINVAL);
		assert_non_null(strstr(tl_err_msg(), "profile name"));
		assert_null(out);
	}
	assert_int_equal(tl_export_apparmor(NULL, NULL, &out, &len), -EINVAL);
	/* An empty trace still gives a valid (useless) profile, and says so. */
	add_run(&t, "command", NULL);
	out = export_ok(&t, NULL, &len);
	assert_non_null(strstr(out, "# NOTE: file accesses were not recorded"));
	free(out);
	tl_trace_free(&t);
}

/* Byte-identical output whatever the order the trace was built in. */
static void test_determinism(void **state)
{
	struct tl_trace a, b;
	char *x, *y;
	size_t xl, yl;

	(void)state;
	tl_trace_init(&a);
	tl_trace_init(&b);
	add_run(&a, "command", all_features);
	add_run(&b, "command", all_features);
	file(&a, "/proc/2/stat", "/usr/bin/b", TL_ACC_READ, 1);
	file(&a, "/proc/1/stat", "/usr/bin/a", TL_ACC_READ, 1);
	file(&a, "/etc/hosts", "/usr/bin/a", TL_ACC_READ, 1);
	file(&b, "/etc/hosts", "/usr/bin/a", TL_ACC_READ, 1);
	file(&b, "/proc/1/stat", "/usr/bin/a", TL_ACC_READ, 1);
	file(&b, "/proc/2/stat", "/usr/bin/b", TL_ACC_READ, 1);
	x = export_ok(&a, NULL, &xl);
	y = export_ok(&b, NULL, &yl);
	assert_int_equal(xl, yl);
	assert_memory_equal(x, y, xl);
	free(x);
	free(y);
	tl_trace_free(&a);
	tl_trace_free(&b);
}

static void test_goldens(void **state)
{
	static const struct {
		const char *name;
		void (*build)(struct tl_trace *);
		bool children, abstractions;
	} cases[] = {
	    {"kvstore", trace_kvstore, false, false},
	    {"kvstore-children", trace_kvstore, true, false},
	    {"kvstore-abstractions", trace_kvstore, false, true},
	    {"redis-container", trace_redis, false, false},
	    {"odd", trace_odd, false, false},
	    {"many-children", trace_many, true, false},
	};

	(void)state;
	for (size_t i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		const char *sources[] = {"traces/example.json", NULL};
		struct tl_trace t;
		struct tl_aa_opts o;
		size_t len;
		char *out;

		cases[i].build(&t);
		tl_aa_opts_init(&o);
		o.name = cases[i].name;
		o.children = cases[i].children;
		o.abstractions = cases[i].abstractions;
		o.sources = sources;
		out = export_ok(&t, &o, &len);
		check_golden(cases[i].name, out, len);
		check_all_allowed(&t, out, cases[i].name, NULL);
		check_no_blanket(out);
		free(out);
		tl_trace_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_perms_parse),
	    cmocka_unit_test(test_policy_parse),
	    cmocka_unit_test(test_builtin_tables),
	    cmocka_unit_test(test_perm_mapping),
	    cmocka_unit_test(test_generalise),
	    cmocka_unit_test(test_temp_names_stable),
	    cmocka_unit_test(test_runtime_temp_names),
	    cmocka_unit_test(test_next_run_names),
	    cmocka_unit_test(test_build_tool_names),
	    cmocka_unit_test(test_random_tokens_one_rule),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_exec_once),
	    cmocka_unit_test(test_caps_net_flags),
	    cmocka_unit_test(test_io_uring_note),
	    cmocka_unit_test(test_unruled_note),
	    cmocka_unit_test(test_odd_names),
	    cmocka_unit_test(test_children),
	    cmocka_unit_test(test_abstractions),
	    cmocka_unit_test(test_collapse),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_goldens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
