// SPDX-License-Identifier: Apache-2.0
/*
 * A known workload for the recorder's live tests: distinctive syscalls from
 * the main thread, a pthread, a forked child, an exec'ed child and a
 * daemonized grandchild, plus failures with known errnos.  Every call goes
 * through syscall(2) so libc caching or vDSO never hides it.
 *
 * usage: workload [EXIT_CODE]      workload --exec-child
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	struct sysinfo si;

	(void)arg;
	syscall(SYS_sysinfo, &si);                 /* thread: sysinfo */
	syscall(SYS_getpriority, PRIO_PROCESS, 0); /* thread: getpriority */
	return NULL;
}

static int exec_child(void)
{
	struct tms t;

	syscall(SYS_times, &t); /* exec'ed child: times */
	syscall(SYS_getpgid, 0);
	return 0;
}

int main(int argc, char **argv)
{
	char cwd[256];
	pthread_t th;
	pid_t pid;
	int st, p[2];
	char c;

	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return exec_child();

	/* main thread */
	syscall(SYS_getcwd, cwd, sizeof(cwd));
	syscall(SYS_umask, 022);
	/* known failures */
	if (syscall(SYS_openat, AT_FDCWD, "/nonexistent/tailor-workload", O_RDONLY) != -1 ||
	    errno != ENOENT)
		return 90;
	if (syscall(999) != -1 || errno != ENOSYS)
		return 91;

	/* pthread; pthread_join waits with futex only if the thread is still
	 * running: wake explicitly so futex is always there (as under strace) */
	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, NULL))
		return 92;
	syscall(SYS_futex, &st, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);

	/* forked child */
	pid = fork();
	if (pid == 0) {
		syscall(SYS_getppid); /* forked child: getppid */
		syscall(SYS_sched_yield);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 93;

	/* exec'ed child */
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "--exec-child", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 94;

	/* daemonized grandchild: double fork + setsid; it closes the pipe when done */
	if (pipe(p))
		return 95;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		syscall(SYS_setsid);
		if (fork() == 0) {
			syscall(SYS_getsid, 0);  /* grandchild: getsid */
			syscall(SYS_chdir, "/"); /* grandchild: chdir */
			syscall(SYS_close, p[1]);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
		return 96;
	while (read(p[0], &c, 1) > 0)
		;
	close(p[0]);

	return argc > 1 ? atoi(argv[1]) : 0;
}
