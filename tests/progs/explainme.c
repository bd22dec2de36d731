// SPDX-License-Identifier: Apache-2.0
/*
 * Known call sites for `tailor explain` (tests/live/test_explain.sh):
 *  - tl_probe_getpriority() makes getpriority with an inline `syscall`
 *    instruction, so it is the innermost frame whatever libc does;
 *  - tl_probe_getppid() goes through libc's syscall(3) wrapper, which has no
 *    frame pointer: the recorder recovers the skipped caller from the word
 *    at the stack pointer while the process is alive (hence the pause).
 * Built with frame pointers, as the recorder's stack walk needs them.
 *
 * usage: explainme [--unlink-self]   (deletes its own binary first)
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-omit-frame-pointer")
#endif
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) long tl_probe_getpriority(void)
{
	long ret;

#ifdef __x86_64__
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "0"((long)SYS_getpriority), "D"((long)PRIO_PROCESS), "S"(0L)
	                 : "rcx", "r11", "memory");
#else
	ret = syscall(SYS_getpriority, PRIO_PROCESS, 0);
#endif
	return ret;
}

__attribute__((noinline)) long tl_probe_getppid(void)
{
	long r = syscall(SYS_getppid);

	__asm__ volatile("" ::: "memory"); /* no tail call: keep this frame */
	return r;
}

int main(int argc, char **argv)
{
	struct timespec pause = {1, 0};

	if (argc > 1 && !strcmp(argv[1], "--unlink-self")) {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 90;
		self[n] = 0;
		if (unlink(self))
			return 91;
	}
	if (tl_probe_getpriority() < 0 || tl_probe_getppid() <= 0)
		return 92;
	nanosleep(&pause, NULL); /* alive while tailor reads /proc/PID/maps */
	return 0;
}
