// SPDX-License-Identifier: Apache-2.0
/*
 * Filters enforced for real, without root: each case forks a child that
 * builds the filter, loads it (no_new_privs), makes raw syscalls and exits
 * with 0, or with the number of the first check that failed.  Deaths by
 * SIGSYS are observed by the parent.
 *
 * getppid ignores its arguments but seccomp sees the registers, so it is
 * the harmless probe for every argument operator.
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/loader.h"
#include "tailor/profile.h"

#define MOBY TEST_SHARED "/data/moby/"

static const struct tl_loader_opts nocaps = {.caps = tl_loader_no_caps};

/*
 * What every test profile must allow so the child can report and exit; the
 * memory calls are for the sanitizers' allocator (seccomp_load frees).
 */
#define BASE                                                                                       \
	"\"exit_group\",\"exit\",\"mmap\",\"munmap\",\"madvise\",\"mprotect\","                    \
	"\"sigaltstack\",\"futex\",\"sched_yield\""

typedef int (*body_fn)(void);

/*
 * The syscall instruction itself, not glibc's syscall(): under the
 * sanitizers an interposed wrapper may make syscalls of its own.
 */
static long raw_syscall(long nr, long a0, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	long r = nr;

	__asm__ volatile("syscall"
	                 : "+a"(r)
	                 : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
	                 : "rcx", "r11", "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
#define SC(...) SC_(__VA_ARGS__, 0, 0, 0, 0, 0)
#define SC_(nr, a, b, c, d, e, ...)                                                                \
	raw_syscall((long)(nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))

static _Noreturn void leave(int code)
{
	SC(SYS_exit_group, code);
	for (;;)
		;
}

/* Fork, build + load the profile in the child, run body; return the wait status. */
static int run_with(const char *json, const struct tl_loader_opts *o, body_fn body)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const int sigs[] = {SIGSYS, SIGSEGV, SIGILL, SIGBUS, SIGFPE};
		struct tl_profile p;
		scmp_filter_ctx ctx;

		/* cmocka catches these in the parent; the child must die of them. */
		for (size_t i = 0; i < TL_ARRAY_SIZE(sigs); i++)
			signal(sigs[i], SIG_DFL);
		if (tl_profile_from_json(json, strlen(json), "test.json", &p) ||
		    tl_loader_build(&p, o ? o : &nocaps, &ctx) || tl_loader_load(ctx)) {
			fprintf(stderr, "child: %s\n", tl_err_msg());
			_exit(200);
		}
		leave(body());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void expect_ok(const char *json, const struct tl_loader_opts *o, body_fn body)
{
	int st = run_with(json, o, body);

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		print_error("child: %s %d\n", WIFEXITED(st) ? "failed check" : "killed by signal",
		            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void expect_signal(const char *json, body_fn body, int sig)
{
	int st = run_with(json, NULL, body);

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
}

/* errno of a raw syscall, 0 if it succeeded. */
static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static int ppid_err(uint64_t a0, uint64_t a1)
{
	return err_of(SC(SYS_getppid, a0, a1));
}

/* ia32 getpid via int $0x80 from the 64-bit process; the kernel returns -errno. */
static long int80_getpid(void)
{
	long r = 20; /* __NR_getpid on i386 */

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r;
}

/* ---- defaults and actions ------------------------------------------------ */

static int body_basic(void)
{
	char c = 'x';

	if (SC(SYS_getpid) <= 0)
		return 1;
	if (SC(SYS_write, -1, &c, 1) != -1 || errno != EBADF)
		return 2; /* allowed: reaches the kernel */
	if (ppid_err(0, 0) != EPERM)
		return 3;
	return 0;
}

static void test_default_eperm(void **state)
{
	(void)state;
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[" BASE
	          ",\"getpid\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_basic);
}

static int body_eacces(void)
{
	return ppid_err(0, 0) == EACCES ? 0 : 1;
}

static void test_default_errno_ret(void **state)
{
	(void)state;
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,\"syscalls\":[{"
	          "\"names\":[" BASE "],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_eacces);
}

static int body_enosys(void)
{
	if (ppid_err(0, 0) != ENOSYS)
		return 1;
	if (err_of(SC(SYS_getuid)) != EPERM) /* rule ERRNO without errnoRet: EPERM */
		return 2;
	return 0;
}

static void test_enosys_rule(void **state)
{
	(void)state;
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	          "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
	          "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
	          NULL, body_enosys);
}

static int body_getppid(void)
{
	SC(SYS_getppid);
	return 0;
}

static void test_kill_process(void **state)
{
	(void)state;
	expect_signal("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":[" BASE
	              "],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	              body_getppid, SIGSYS);
}

static void test_trap(void **state)
{
	(void)state;
	expect_signal(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_TRAP\"}]}",
	    body_getppid, SIGSYS);
}

/* ---- argument operators --------------------------------------------------- */

#define ARGRULE(args)                                                                              \
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[" BASE                    \
	"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"getppid\"],\"action\":"                    \
	"\"SCMP_ACT_ALLOW\",\"args\":[" args "]}]}"

static int body_eq(void)
{
	return ppid_err(5, 0) ? 1 : ppid_err(6, 0) != EPERM ? 2 : 0;
}
static int body_ne(void)
{
	return ppid_err(6, 0) ? 1 : ppid_err(5, 0) != EPERM ? 2 : 0;
}
static int body_lt(void)
{
	return ppid_err(4, 0) ? 1 : ppid_err(5, 0) != EPERM ? 2 : 0;
}
static int body_le(void)
{
	return ppid_err(5, 0) ? 1 : ppid_err(6, 0) != EPERM ? 2 : 0;
}
static int body_gt(void)
{
	return ppid_err(6, 0) ? 1 : ppid_err(5, 0) != EPERM ? 2 : 0;
}
static int body_ge(void)
{
	return ppid_err(5, 0) ? 1 : ppid_err(4, 0) != EPERM ? 2 : 0;
}

static void test_operators(void **state)
{
	(void)state;
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}"), NULL, body_eq);
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_NE\"}"), NULL, body_ne);
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_LT\"}"), NULL, body_lt);
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_LE\"}"), NULL, body_le);
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_GT\"}"), NULL, body_gt);
	expect_ok(ARGRULE("{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_GE\"}"), NULL, body_ge);
}

static int body_masked(void)
{
	if (ppid_err(SIGCHLD | CLONE_VM | CLONE_FILES, 0))
		return 1; /* no namespace flag */
	if (ppid_err(SIGCHLD | CLONE_NEWUSER, 0) != EPERM)
		return 2;
	if (ppid_err(CLONE_NEWNET, 0) != EPERM)
		return 3;
	return 0;
}

static int body_64bit(void)
{
	if (ppid_err(0x100000001ull, 0))
		return 1;
	if (ppid_err(1, 0) != EPERM) /* same low 32 bits, different high ones */
		return 2;
	return 0;
}

static void test_masked_eq_and_64bit(void **state)
{
	(void)state;
	/* Docker's clone rule: value is the mask (CLONE_NEW*), valueTwo the datum. */
	expect_ok(ARGRULE("{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
	                  "\"op\":\"SCMP_CMP_MASKED_EQ\"}"),
	          NULL, body_masked);
	expect_ok(ARGRULE("{\"index\":0,\"value\":4294967297,\"op\":\"SCMP_CMP_EQ\"}"), NULL,
	          body_64bit);
}

static int body_and(void)
{
	if (ppid_err(1, 2))
		return 1;
	if (ppid_err(1, 3) != EPERM || ppid_err(0, 2) != EPERM)
		return 2;
	return 0;
}

static int body_or(void)
{
	if (ppid_err(1, 0) || ppid_err(2, 0))
		return 1;
	if (ppid_err(3, 0) != EPERM)
		return 2;
	return 0;
}

static int body_or_all(void)
{
	/* runc: once an index repeats, every condition is a rule of its own */
	if (ppid_err(1, 0) || ppid_err(2, 0) || ppid_err(9, 7))
		return 1;
	if (ppid_err(3, 0) != EPERM)
		return 2;
	return 0;
}

static void test_and_or(void **state)
{
	(void)state;
	expect_ok(ARGRULE("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
	                  "{\"index\":1,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}"),
	          NULL, body_and);
	expect_ok(ARGRULE("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
	                  "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}"),
	          NULL, body_or);
	expect_ok(ARGRULE("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
	                  "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},"
	                  "{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}"),
	          NULL, body_or_all);
}

/* ---- arches ---------------------------------------------------------------- */

/* An x32 syscall (getpid is 39 | __X32_SYSCALL_BIT); the filter sees it first. */
static int body_x32(void)
{
	SC(0x40000000 | 39);
	return 0;
}

static bool have_ia32(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(int80_getpid() == (long)getpid() ? 0 : 1);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int body_int80(void)
{
	return int80_getpid() == SC(SYS_getpid) ? 0 : 1;
}

static void test_foreign_arch(void **state)
{
	(void)state;
	/* x32 shares x86_64's audit arch: libseccomp's filter must still refuse it. */
	expect_signal("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
	              "\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"getppid\"],\"action\":"
	              "\"SCMP_ACT_ERRNO\"}]}",
	              body_x32, SIGSYS);
	if (!have_ia32()) {
		print_message("skipped: this kernel runs no ia32 syscalls (int $0x80)\n");
		skip();
	}
	/* Only x86_64 in the filter: an ia32 syscall hits the bad-arch action (kill). */
	expect_signal("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
	              "\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"getppid\"],\"action\":"
	              "\"SCMP_ACT_ERRNO\"}]}",
	              body_int80, SIGSYS);
	/* With x86 listed, the same call is filtered by name and allowed. */
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	          "\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[" BASE
	          ",\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_int80);
}

/* ---- moby's default profile, as a container without capabilities -------- */

static unsigned long fs_sink;

#define NR_MSEAL     462 /* x86_64, Linux 6.10 */
#define NR_STATMOUNT 457 /* x86_64, Linux 6.8 */

static int body_moby(void)
{
	char c = 'x';

	if (SC(SYS_getpid) <= 0)
		return 1;
	if (SC(SYS_write, -1, &c, 1) != -1 || errno != EBADF)
		return 2;
	if (SC(SYS_read, -1, &c, 1) != -1 || errno != EBADF)
		return 3;
	if (err_of(SC(SYS_unshare, CLONE_NEWUSER)) != EPERM)
		return 4;
	if (err_of(SC(SYS_keyctl, 0, 0, 0, 0, 0)) != EPERM)
		return 5;
	if (err_of(SC(SYS_add_key, "user", "x", "y", 1, 0)) != EPERM)
		return 6;
	if (err_of(SC(SYS_kexec_load, 0, 0, 0, 0)) != EPERM)
		return 7;
	if (err_of(SC(SYS_clone3, NULL, 0)) != ENOSYS) /* glibc falls back to clone */
		return 8;
	if (SC(SYS_personality, 0xffffffffUL) < 0) /* query: allowed */
		return 9;
	if (err_of(SC(SYS_personality, 0x0400000UL)) != EPERM) /* ADDR_LIMIT_3GB */
		return 10;
	if (err_of(SC(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0)) != EPERM)
		return 11;
	{
		long fd = SC(SYS_socket, AF_UNIX, SOCK_STREAM, 0);

		if (fd < 0)
			return 12;
		SC(SYS_close, fd);
	}
	if (err_of(SC(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0)) != EPERM)
		return 13;
	if (err_of(SC(SYS_bpf, 0, 0, 0)) != EPERM) /* needs CAP_SYS_ADMIN or CAP_BPF */
		return 14;
	if (SC(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs_sink) < 0)
		return 15; /* includes.arches amd64 */
	/* Newer than libseccomp 2.5.4, allowed by number from tailor's syscall table. */
	if (err_of(SC(NR_MSEAL, 0, 0, 0)) == EPERM)
		return 16;
	if (err_of(SC(NR_STATMOUNT, 0, 0, 0, 0)) == EPERM)
		return 17;
	return 0;
}

static void test_moby_default(void **state)
{
	struct tl_loader_opts o = nocaps;
	char *text;
	size_t len;

	(void)state;
	if (access(MOBY "default.json", R_OK) != 0) {
		print_message("skipped: %s is absent (real-world moby fixtures)\n", MOBY);
		skip();
	}
	assert_int_equal(tl_read_file(MOBY "default.json", &text, &len, 0), 0);
	/* No --skip-unknown: names newer than libseccomp come from tailor's table. */
	expect_ok(text, &o, body_moby);
	if (have_ia32())
		expect_ok(text, &o, body_int80); /* archMap: x86 is a sub-arch of x86_64 */
	free(text);
}

/* ---- syscalls newer than libseccomp, filtered by number --------------------- */

/* mseal(0, 0, 0) seals nothing and succeeds; a kernel without it says ENOSYS. */
static int body_mseal_allowed(void)
{
	return err_of(SC(NR_MSEAL, 0, 0, 0)) == EPERM ? 1 : 0;
}

static int body_mseal_denied(void)
{
	return err_of(SC(NR_MSEAL, 0, 0, 0)) == EPERM ? 0 : 1;
}

static void test_table_syscall(void **state)
{
	(void)state;
	/* Allowed by name, although libseccomp 2.5.4 does not know "mseal". */
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[" BASE
	          ",\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_mseal_allowed);
	/* The same with all x86 ABIs listed: x86_64 still filters it by number. */
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	          "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{\"names\":[" BASE
	          ",\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_mseal_allowed);
	/* Without the name: the default action. */
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[" BASE
	          "],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	          NULL, body_mseal_denied);
	/* Denied by name under an allow default. */
	expect_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
	          "\"mseal\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
	          NULL, body_mseal_denied);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_eperm),
	    cmocka_unit_test(test_default_errno_ret),
	    cmocka_unit_test(test_enosys_rule),
	    cmocka_unit_test(test_kill_process),
	    cmocka_unit_test(test_trap),
	    cmocka_unit_test(test_operators),
	    cmocka_unit_test(test_masked_eq_and_64bit),
	    cmocka_unit_test(test_and_or),
	    cmocka_unit_test(test_foreign_arch),
	    cmocka_unit_test(test_moby_default),
	    cmocka_unit_test(test_table_syscall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
