// SPDX-License-Identifier: Apache-2.0
/*
 * Argument-aware profiles enforced for real, without root: a synthetic trace
 * goes through tl_generate (--args safe or strict), the docker export and
 * back through the profile reader, then a forked child builds the filter with
 * tl_loader_build, loads it (no_new_privs) and makes its calls.  The child
 * exits 0, or with the number of the first check that failed.
 *
 * The syscalls under test are made with the syscall instruction itself:
 * under the sanitizers, libc wrappers are interposed and may make calls of
 * their own.  Each denial is checked twice: with the default errno EPERM (what
 * users get) and with an errno the kernel never returns for these calls, so
 * that a kernel-side EPERM (AF_PACKET without CAP_NET_RAW) cannot pass for
 * the filter.
 */
#include <errno.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "tailor/loader.h"
#include "tailor/profile.h"

#define AF_ALG_   38
#define AF_VSOCK_ 40
#define MARK_ERR  EHWPOISON /* never returned by socket/clone/mmap/mprotect */

static const struct tl_loader_opts nocaps = {.caps = tl_loader_no_caps};

static long raw_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long r = nr;

	__asm__ volatile("syscall"
	                 : "+a"(r)
	                 : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
#define SC(...) SC_(__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define SC_(nr, a, b, c, d, e, f, ...)                                                             \
	raw_syscall((long)(nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

/* The errno the filter returns in the current case (EPERM or MARK_ERR). */
static int denied_errno;

/* ---- the synthetic trace ------------------------------------------------------ */

static struct tl_syscall *sc(struct tl_trace *t, const char *name)
{
	struct tl_syscall *s = tl_trace_syscall(t, TL_ABI_X86_64, name, -1);

	assert_non_null(s);
	s->calls++;
	s->ok++;
	return s;
}

static void vals(struct tl_trace *t, const char *name, uint32_t index, size_t n, const uint64_t *v)
{
	struct tl_syscall *s = sc(t, name);

	for (size_t i = 0; i < n; i++)
		assert_int_equal(tl_syscall_add_argval(s, index, v[i]), 0);
}
#define VALS(t, name, index, ...)                                                                  \
	do {                                                                                       \
		static const uint64_t v_[] = {__VA_ARGS__};                                        \
		vals((t), (name), (index), TL_ARRAY_SIZE(v_), v_);                                 \
	} while (0)

/*
 * What the child does besides the calls under test: report, fork, run a
 * thread, and what the sanitizer runtimes do for it (their allocator maps and
 * unmaps memory, reads /proc, sets up alternate signal stacks per thread).
 */
static const char *const runtime_calls[] = {
    "brk",
    "close",
    "exit",
    "exit_group",
    "fstat",
    "futex",
    "getpid",
    "getrandom",
    "gettid",
    "ioctl",
    "lseek",
    "madvise",
    "mremap",
    "munmap",
    "newfstatat",
    "openat",
    "prctl",
    "prlimit64",
    "read",
    "readlink",
    "rseq",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "sched_getaffinity",
    "sched_yield",
    "set_robust_list",
    "set_tid_address",
    "sigaltstack",
    "tgkill",
    "wait4",
    "write",
};

#define CLONE_FORK    0x01200011ULL /* glibc fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD */
#define CLONE_THREADS 0x003d0f00ULL /* glibc pthread_create */

static void trace_init(struct tl_trace *t)
{
	char *features[] = {"args", NULL};
	struct tl_run run = {.kind = "command", .complete = true, .features = features};

	tl_trace_init(t);
	assert_int_equal(tl_trace_add_run(t, &run), 0);
	for (size_t i = 0; i < TL_ARRAY_SIZE(runtime_calls); i++)
		sc(t, runtime_calls[i]);
	/* glibc 2.34+: threads and posix_spawn through clone3, fork through clone */
	VALS(t, "clone", 0, CLONE_FORK);
	sc(t, "clone3");
	/* no executable memory, no namespaces: PROT_NONE, READ, READ|WRITE only */
	VALS(t, "mmap", 2, 0, 1, 3);
	VALS(t, "mprotect", 2, 0, 1, 3);
}

/* Only AF_UNIX and AF_INET sockets, stream and datagram, protocol 0. */
static void trace_sockets(struct tl_trace *t)
{
	trace_init(t);
	VALS(t, "socket", 0, AF_UNIX, AF_INET);
	VALS(t, "socket", 1, SOCK_STREAM, SOCK_DGRAM);
	VALS(t, "socket", 2, 0);
}

/* generate -> docker JSON -> profile, as `tailor generate` + `tailor run` do. */
static void generate(const struct tl_trace *t, enum tl_args_mode mode, uint32_t err,
                     struct tl_profile *out)
{
	struct tl_export_opts eo = {.name = NULL};
	struct tl_gen_opts o;
	struct tl_profile p;
	char *json = NULL;
	size_t len;

	tl_gen_opts_init(&o);
	o.args = mode;
	o.default_errno = err;
	if (tl_generate(t, &o, &p) || tl_export(&p, TL_FMT_DOCKER, &eo, &json, &len) ||
	    tl_profile_from_json(json, len, "generated.json", out))
		fail_msg("generate: %s", tl_err_msg());
	free(json);
	tl_profile_free(&p);
}

typedef int (*body_fn)(void);

static _Noreturn void leave(int code)
{
	SC(SYS_exit_group, code);
	for (;;)
		;
}

static void expect_ok(const struct tl_profile *p, int err, body_fn body)
{
	int st = 0;
	pid_t pid;

	denied_errno = err;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const int sigs[] = {SIGSYS, SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT};
		scmp_filter_ctx ctx;

		for (size_t i = 0; i < TL_ARRAY_SIZE(sigs); i++)
			signal(sigs[i], SIG_DFL);
		if (tl_loader_build(p, &nocaps, &ctx) || tl_loader_load(ctx)) {
			fprintf(stderr, "child: %s\n", tl_err_msg());
			_exit(200);
		}
		leave(body());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		print_error("child (errno %d): %s %d\n", err,
		            WIFEXITED(st) ? "failed check" : "killed by signal",
		            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Run body under the profile of the trace, with EPERM and with the marker errno. */
static void expect_ok_both(const struct tl_trace *t, enum tl_args_mode mode, body_fn body)
{
	static const uint32_t errs[] = {EPERM, MARK_ERR};

	for (size_t i = 0; i < TL_ARRAY_SIZE(errs); i++) {
		struct tl_profile p;

		generate(t, mode, errs[i], &p);
		expect_ok(&p, (int)errs[i], body);
		tl_profile_free(&p);
	}
}

/* ---- sockets --------------------------------------------------------------- */

/* A socket that must be created; closed again. */
static int socket_ok(long domain, long type, long proto)
{
	long fd = SC(SYS_socket, domain, type, proto);

	if (fd < 0)
		return 0;
	SC(SYS_close, fd);
	return 1;
}

static int socket_denied(long domain, long type, long proto)
{
	return err_of(SC(SYS_socket, domain, type, proto)) == denied_errno;
}

static int body_sockets_safe(void)
{
	if (!socket_ok(AF_INET, SOCK_STREAM, 0))
		return 1;
	if (!socket_ok(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0))
		return 2;
	if (!socket_denied(AF_PACKET, SOCK_RAW, 0))
		return 3;
	if (!socket_denied(AF_ALG_, SOCK_SEQPACKET, 0))
		return 4;
	if (!socket_denied(AF_VSOCK_, SOCK_STREAM, 0))
		return 5;
	if (!socket_denied(AF_INET6, SOCK_STREAM, 0))
		return 6;
	if (!socket_denied(AF_NETLINK, SOCK_RAW, 0))
		return 7;
	/* safe compares the domain only */
	if (!socket_ok(AF_INET, SOCK_STREAM, IPPROTO_TCP))
		return 8;
	return 0;
}

static void test_sockets_safe(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_sockets(&t);
	expect_ok_both(&t, TL_ARGS_SAFE, body_sockets_safe);
	tl_trace_free(&t);
}

static int body_sockets_strict(void)
{
	/* SOCK_NONBLOCK|SOCK_CLOEXEC are masked out of the type */
	if (!socket_ok(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0))
		return 1;
	if (!socket_ok(AF_UNIX, SOCK_DGRAM, 0))
		return 2;
	if (!socket_denied(AF_PACKET, SOCK_DGRAM, 0))
		return 3;
	if (!socket_denied(AF_INET, SOCK_RAW, IPPROTO_ICMP)) /* type never observed */
		return 4;
	if (!socket_denied(AF_INET, SOCK_STREAM, IPPROTO_TCP)) /* protocol never observed */
		return 5;
	if (!socket_denied(AF_UNIX, SOCK_SEQPACKET, 0))
		return 6;
	return 0;
}

static void test_sockets_strict(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_sockets(&t);
	expect_ok_both(&t, TL_ARGS_STRICT, body_sockets_strict);
	tl_trace_free(&t);
}

/* --args none: the same trace allows every family (what moby's default does). */
static int body_sockets_none(void)
{
	return err_of(SC(SYS_socket, AF_VSOCK_, SOCK_STREAM, 0)) == denied_errno ? 1 : 0;
}

static void test_sockets_none(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_sockets(&t);
	expect_ok_both(&t, TL_ARGS_NONE, body_sockets_none);
	tl_trace_free(&t);
}

/* ---- namespaces: clone, clone3, fork, threads -------------------------------- */

static int thread_token;

static void *thread_fn(void *arg)
{
	return arg;
}

static int body_namespaces(void)
{
	struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	pthread_t th;
	void *ret = NULL;
	long r;
	int st;
	pid_t pid;

	/* clone with a namespace flag: denied (if it were not, the copy leaves at once) */
	r = SC(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		leave(0);
	if (r > 0 || errno != denied_errno)
		return 1;
	r = SC(SYS_clone, CLONE_NEWNET | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		leave(0);
	if (r > 0 || errno != denied_errno)
		return 2;
	/* clone3: ENOSYS before the kernel reads the struct, so glibc falls back to clone */
	r = SC(SYS_clone3, &ca, sizeof(ca));
	if (r == 0)
		leave(0);
	if (r > 0 || errno != ENOSYS)
		return 3;
	/* unshare was never observed */
	if (err_of(SC(SYS_unshare, CLONE_NEWUSER)) != denied_errno)
		return 4;
	/* plain fork (glibc: clone without namespace flags) works */
	pid = fork();
	if (pid == 0)
		leave(7);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 5;
	/* pthread_create: clone3 -> ENOSYS -> clone(CLONE_VM|CLONE_THREAD|...) */
	if (pthread_create(&th, NULL, thread_fn, &thread_token) || pthread_join(th, &ret) ||
	    ret != &thread_token)
		return 6;
	return 0;
}

static void test_namespaces(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_init(&t);
	expect_ok_both(&t, TL_ARGS_SAFE, body_namespaces);
	expect_ok_both(&t, TL_ARGS_STRICT, body_namespaces);
	tl_trace_free(&t);
}

/* ---- executable memory ----------------------------------------------------- */

static int body_noexec(void)
{
	long page = sysconf(_SC_PAGESIZE);
	long m = SC(SYS_mmap, 0, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m < 0)
		return 1;
	if (SC(SYS_mprotect, m, page, PROT_READ) < 0)
		return 2;
	if (SC(SYS_mprotect, m, page, PROT_READ | PROT_WRITE) < 0)
		return 3;
	if (err_of(SC(SYS_mprotect, m, page, PROT_READ | PROT_EXEC)) != denied_errno)
		return 4;
	if (err_of(SC(SYS_mprotect, m, page, PROT_EXEC)) != denied_errno)
		return 5;
	if (err_of(SC(SYS_mmap, 0, page, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	              0)) != denied_errno)
		return 6;
	SC(SYS_munmap, m, page);
	return 0;
}

static void test_noexec(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_init(&t);
	expect_ok_both(&t, TL_ARGS_SAFE, body_noexec);
	tl_trace_free(&t);
}

/* PROT_EXEC observed (a loader), never with PROT_WRITE: only W+X is denied. */
static int body_no_wx(void)
{
	long page = sysconf(_SC_PAGESIZE);
	long m = SC(SYS_mmap, 0, page, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m < 0)
		return 1;
	SC(SYS_munmap, m, page);
	m = SC(SYS_mmap, 0, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m < 0)
		return 2;
	if (err_of(SC(SYS_mmap, 0, page, PROT_READ | PROT_WRITE | PROT_EXEC,
	              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) != denied_errno)
		return 3;
	if (SC(SYS_mprotect, m, page, PROT_READ | PROT_EXEC) < 0)
		return 4;
	if (err_of(SC(SYS_mprotect, m, page, PROT_READ | PROT_WRITE | PROT_EXEC)) != denied_errno)
		return 5;
	SC(SYS_munmap, m, page);
	return 0;
}

static void test_no_wx(void **state)
{
	struct tl_trace t;

	(void)state;
	trace_init(&t);
	VALS(&t, "mmap", 2, 5);
	VALS(&t, "mprotect", 2, 5);
	expect_ok_both(&t, TL_ARGS_SAFE, body_no_wx);
	tl_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sockets_safe), cmocka_unit_test(test_sockets_strict),
	    cmocka_unit_test(test_sockets_none), cmocka_unit_test(test_namespaces),
	    cmocka_unit_test(test_noexec),       cmocka_unit_test(test_no_wx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
