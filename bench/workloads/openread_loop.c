// SPDX-License-Identifier: Apache-2.0
/*
 * openread_loop N FILE: N times open(FILE), read up to 4 KiB, close.
 * Prints the mean cost of ONE of those syscalls (the time of an
 * open+read+close triple divided by 3) in nanoseconds, twice: measured with
 * CLOCK_MONOTONIC around the loop (wall), then with CLOCK_THREAD_CPUTIME_ID
 * (CPU time, without preemption).  After a warm-up of N/10 triples.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int once(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, 4096) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	static char buf[4096];
	long n, warm;
	double t0, t1, c0, c1;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: openread_loop N FILE\n");
		return 2;
	}
	warm = n / 10;
	for (long i = 0; i < warm; i++) {
		if (once(argv[2], buf)) {
			perror(argv[2]);
			return 1;
		}
	}
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		once(argv[2], buf);
	t1 = now_ns(CLOCK_MONOTONIC);
	c1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	printf("%.1f %.1f\n", (t1 - t0) / (double)n / 3.0, (c1 - c0) / (double)n / 3.0);
	return 0;
}
