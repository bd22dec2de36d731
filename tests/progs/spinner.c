// SPDX-License-Identifier: Apache-2.0
/*
 * A running process with threads for `record --pid`: the threads exist
 * before tailor attaches, so they must be marked one by one.
 * Main thread: getppid; thread 1: sysinfo; thread 2: getpriority; every
 * 20 ms, for argv[1] seconds (default 30).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

static void *t1(void *arg)
{
	struct sysinfo si;

	for (;;) {
		syscall(SYS_sysinfo, &si);
		nap();
	}
	return arg;
}

static void *t2(void *arg)
{
	for (;;) {
		syscall(SYS_getpriority, PRIO_PROCESS, 0);
		nap();
	}
	return arg;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 30;
	pthread_t a, b;

	if (pthread_create(&a, NULL, t1, NULL) || pthread_create(&b, NULL, t2, NULL))
		return 1;
	for (int i = 0; i < secs * 50; i++) {
		syscall(SYS_getppid);
		nap();
	}
	return 0;
}
