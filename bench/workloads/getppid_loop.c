// SPDX-License-Identifier: Apache-2.0
/*
 * getppid_loop N: a tight syscall loop.  Prints the mean cost of one
 * getppid(2) in nanoseconds, twice: measured with CLOCK_MONOTONIC around the
 * loop (wall), then with CLOCK_THREAD_CPUTIME_ID (CPU time: leaves out the
 * time the loop was preempted, the lesser noise on a busy machine).  After a
 * warm-up of N/10 calls.  Calls the syscall directly: no libc caching.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n, warm;
	double t0, t1, c0, c1;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: getppid_loop N\n");
		return 2;
	}
	warm = n / 10;
	for (long i = 0; i < warm; i++)
		syscall(SYS_getppid);
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	t1 = now_ns(CLOCK_MONOTONIC);
	c1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	printf("%.1f %.1f\n", (t1 - t0) / (double)n, (c1 - c0) / (double)n);
	return 0;
}
