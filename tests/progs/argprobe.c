// SPDX-License-Identifier: Apache-2.0
/*
 * Known argument values for the recorder's live test (tests/live/test_args.sh):
 * sockets of two families and a socketpair, prctl options, mprotect of an
 * anonymous page to PROT_READ then PROT_READ|PROT_EXEC, a fork, a clone
 * sharing memory, a thread, an unshare in a child, and capability checks:
 * binding 127.0.0.1:80 (CAP_NET_BIND_SERVICE, granted to root) and, in a
 * child that dropped that capability from its effective set, denied.
 * Exit 0 when every step behaved as expected, 90+ otherwise.
 *
 * usage: argprobe              argprobe --overflow N   (N distinct ioctl requests)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	syscall(SYS_gettid);
	return arg;
}

static int clone_child(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return 0;
}

/* bind(127.0.0.1:port): EACCES without CAP_NET_BIND_SERVICE; EADDRINUSE is fine. */
static int bind_low_port(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = bind(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
	close(fd);
	return r == -EADDRINUSE ? 0 : r;
}

static int drop_bind_cap(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1u << CAP_NET_BIND_SERVICE);
	return (int)syscall(SYS_capset, &h, d);
}

/* Distinct ioctl requests on /dev/null (ENOTTY): more than the recorder keeps. */
static int overflow(int n)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 90;
	for (int i = 0; i < n; i++)
		syscall(SYS_ioctl, fd, 0x7400 + i, 0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int sv[2], fd, st;
	char name[16];
	pthread_t th;
	void *page;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "--overflow"))
		return overflow(atoi(argv[2]));

	/* sockets: (AF_INET, SOCK_STREAM), (AF_UNIX, SOCK_DGRAM), socketpair (AF_UNIX, STREAM) */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 90;
	close(fd);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return 91;
	close(fd);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 92;
	close(sv[0]);
	close(sv[1]);

	/* prctl: PR_SET_NAME (15), PR_GET_NAME (16) */
	if (prctl(PR_SET_NAME, "argprobe") || prctl(PR_GET_NAME, name))
		return 93;

	/* mprotect: PROT_READ, then PROT_READ|PROT_EXEC */
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mprotect(page, 4096, PROT_READ) ||
	    mprotect(page, 4096, PROT_READ | PROT_EXEC))
		return 94;
	munmap(page, 4096);

	/* fork (clone flags SIGCHLD|CHILD_SETTID|CHILD_CLEARTID: 0 once masked),
	 * with an unshare(CLONE_NEWUTS) in the child */
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUTS) ? 1 : 0);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 95;

	/* clone sharing memory, files and fs: 0x700 once masked */
	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD,
	            NULL);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 96;

	/* a thread (clone3 in glibc >= 2.34: its flags are in memory, not recorded) */
	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, NULL))
		return 97;

	/* capabilities: granted to root, then denied in a child without it */
	if (bind_low_port(80))
		return 98;
	pid = fork();
	if (pid == 0)
		_exit(drop_bind_cap() == 0 && bind_low_port(81) == -EACCES ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 99;
	/*
	 * Stay alive while tailor reads /proc/PID/maps: the caller of a libc
	 * syscall wrapper is recovered from the process's maps (docs/recorder.md).
	 */
	struct timespec pause = {0, 500 * 1000 * 1000};
	nanosleep(&pause, NULL);
	return 0;
}
