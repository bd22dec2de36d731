// SPDX-License-Identifier: Apache-2.0
/*
 * A thread storm for tests/live/test_stress.sh: threadstorm T [ROUNDS]
 *
 * ROUNDS times (default 1): start T threads (64 KiB stacks) that wait on a
 * barrier until all of them exist, then each makes exactly one syscall of a
 * list of 16 that nothing else here makes (list[i % 16], raw syscall(2)) and
 * exits at once.  Prints the exact count expected for each syscall of the
 * list, "name count" per line: a recorder that missed a thread shows a
 * smaller count.
 */
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define K 16

static const char *const names[K] = {
    "getpgrp",
    "getsid",
    "getpriority",
    "sched_getscheduler",
    "sched_get_priority_max",
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
    "getpgid",
};

static pthread_barrier_t barrier;

static void *run(void *arg)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	struct rusage ru;
	struct tms tm;
	struct sysinfo si;
	struct itimerval it;
	unsigned cpu;
	uid_t a, b, c;

	pthread_barrier_wait(&barrier);
	switch ((long)arg % K) {
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
		syscall(SYS_sched_get_priority_max, SCHED_OTHER);
		break;
	case 5:
		syscall(SYS_getrusage, RUSAGE_THREAD, &ru);
		break;
	case 6:
		syscall(SYS_times, &tm);
		break;
	case 7:
		syscall(SYS_sysinfo, &si);
		break;
	case 8:
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		break;
	case 9:
		syscall(SYS_getitimer, ITIMER_REAL, &it);
		break;
	case 10:
		syscall(SYS_capget, &h, d);
		break;
	case 11:
		syscall(SYS_getresuid, &a, &b, &c);
		break;
	case 12:
		syscall(SYS_getresgid, &a, &b, &c);
		break;
	case 13:
		syscall(SYS_getgroups, 0, NULL);
		break;
	case 14:
		syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
		break;
	case 15:
		syscall(SYS_getpgid, 0);
		break;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long t = argc > 1 ? atol(argv[1]) : 500;
	long rounds = argc > 2 ? atol(argv[2]) : 1;
	pthread_t *ids = calloc((size_t)t, sizeof(*ids));
	pthread_attr_t attr;

	if (!ids || t <= 0)
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long r = 0; r < rounds; r++) {
		pthread_barrier_init(&barrier, NULL, (unsigned)t);
		for (long i = 0; i < t; i++) {
			if (pthread_create(&ids[i], &attr, run, (void *)i)) {
				fprintf(stderr, "threadstorm: pthread_create %ld failed\n", i);
				return 2;
			}
		}
		for (long i = 0; i < t; i++)
			pthread_join(ids[i], NULL);
		pthread_barrier_destroy(&barrier);
	}
	for (int k = 0; k < K; k++)
		printf("%s %ld\n", names[k], rounds * (t / K + (k < t % K)));
	printf("exit %ld\n", rounds * t);
	free(ids);
	return 0;
}
