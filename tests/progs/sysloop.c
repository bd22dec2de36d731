// SPDX-License-Identifier: Apache-2.0
/*
 * A getppid loop that prints the cost of one syscall in nanoseconds: the
 * recorder's overhead on untraced (or traced) processes is the difference
 * between runs with and without `tailor record` active.
 *
 * usage: sysloop [ITERATIONS [prctl]]   (default 5000000; best of 5 rounds)
 * "prctl" loops on prctl(PR_GET_DUMPABLE) instead: a syscall whose argument
 * the recorder looks up in its value set at every call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	int use_prctl = argc > 2 && !strcmp(argv[2], "prctl");
	double best = 1e30;

	if (n <= 0)
		return 2;
	for (int round = 0; round < 5; round++) {
		struct timespec a, b;
		double ns;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (long i = 0; i < n; i++)
			if (use_prctl)
				syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
			else
				syscall(SYS_getppid);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
		if (ns < best)
			best = ns;
	}
	printf("%.1f\n", best);
	return 0;
}
