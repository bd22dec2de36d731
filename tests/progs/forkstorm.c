// SPDX-License-Identifier: Apache-2.0
/*
 * A fork storm for tests/live/test_stress.sh: forkstorm N [EXEC_EVERY [HOLD_MS]]
 *
 * Forks N children as fast as it can (up to 2048 alive at once).  Child i
 * makes exactly one syscall of a list of 20 that nothing else here makes
 * (list[i % 20], raw syscall(2), no libc cache), then getppid, then either
 * exits at once (exit_group, microseconds after its birth) or, when
 * EXEC_EVERY > 0 and i % EXEC_EVERY == 0, execs /bin/true.  The parent
 * reaps everything, optionally sleeps HOLD_MS (so a test can look at the
 * recorder while it runs), and prints the exact count expected for each
 * syscall of the list, "name count" per line: a recorder that lost one
 * child shows a smaller count.  Exit status 0 when every child exited 0.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define K         20
#define MAX_ALIVE 2048

static const char *const names[K] = {
    "getpgrp",
    "getsid",
    "getpriority",
    "sched_getscheduler",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "getrusage",
    "times",
    "sysinfo",
    "getcpu",
    "getitimer",
    "capget",
    "getresuid",
    "getresgid",
    "getgroups",
    "ioprio_get",
    "sched_rr_get_interval",
    "getpgid",
    "personality",
};

/* One syscall of the list; every argument valid, nothing changed. */
static void call(int k)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	struct sched_param sp;
	struct rusage ru;
	struct tms tm;
	struct sysinfo si;
	struct itimerval it;
	struct timespec ts;
	unsigned cpu;
	uid_t a, b, c;

	switch (k) {
	case 0:
		syscall(SYS_getpgrp);
		break;
	case 1:
		syscall(SYS_getsid, 0);
		break;
	case 2:
		syscall(SYS_getpriority, PRIO_PROCESS, 0);
		break;
	case 3:
		syscall(SYS_sched_getscheduler, 0);
		break;
	case 4:
		syscall(SYS_sched_getparam, 0, &sp);
		break;
	case 5:
		syscall(SYS_sched_get_priority_max, SCHED_OTHER);
		break;
	case 6:
		syscall(SYS_sched_get_priority_min, SCHED_OTHER);
		break;
	case 7:
		syscall(SYS_getrusage, RUSAGE_SELF, &ru);
		break;
	case 8:
		syscall(SYS_times, &tm);
		break;
	case 9:
		syscall(SYS_sysinfo, &si);
		break;
	case 10:
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		break;
	case 11:
		syscall(SYS_getitimer, ITIMER_REAL, &it);
		break;
	case 12:
		syscall(SYS_capget, &h, d);
		break;
	case 13:
		syscall(SYS_getresuid, &a, &b, &c);
		break;
	case 14:
		syscall(SYS_getresgid, &a, &b, &c);
		break;
	case 15:
		syscall(SYS_getgroups, 0, NULL);
		break;
	case 16:
		syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
		break;
	case 17:
		syscall(SYS_sched_rr_get_interval, 0, &ts);
		break;
	case 18:
		syscall(SYS_getpgid, 0);
		break;
	case 19:
		syscall(SYS_personality, 0xffffffffUL);
		break;
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	long exec_every = argc > 2 ? atol(argv[2]) : 0;
	long hold_ms = argc > 3 ? atol(argv[3]) : 0;
	long alive = 0, bad = 0, execs = 0;
	int st;

	for (long i = 0; i < n; i++) {
		pid_t pid;

		while (alive >= MAX_ALIVE) {
			if (wait(&st) > 0) {
				alive--;
				bad += !WIFEXITED(st) || WEXITSTATUS(st);
			}
		}
		pid = fork();
		if (pid < 0 && errno == EAGAIN && alive) {
			/* Out of processes: reap one and try this child again. */
			if (wait(&st) > 0) {
				alive--;
				bad += !WIFEXITED(st) || WEXITSTATUS(st);
			}
			i--;
			continue;
		}
		if (pid < 0) {
			perror("forkstorm: fork");
			return 2;
		}
		if (pid == 0) {
			call((int)(i % K));
			syscall(SYS_getppid);
			if (exec_every > 0 && i % exec_every == 0) {
				char *av[] = {"true", NULL}, *env[] = {NULL};

				execve("/bin/true", av, env);
				_exit(127);
			}
			_exit(0);
		}
		alive++;
		execs += exec_every > 0 && i % exec_every == 0;
	}
	while (alive > 0 && wait(&st) > 0) {
		alive--;
		bad += !WIFEXITED(st) || WEXITSTATUS(st);
	}
	if (hold_ms > 0) {
		struct timespec ts = {hold_ms / 1000, (hold_ms % 1000) * 1000000};

		nanosleep(&ts, NULL);
	}
	for (int k = 0; k < K; k++)
		printf("%s %ld\n", names[k], n / K + (k < n % K));
	printf("getppid %ld\nexecve %ld\nexit_group %ld\n", n, execs + 1, n + 1);
	return bad ? 1 : 0;
}
