// SPDX-License-Identifier: Apache-2.0
/*
 * Start-up latency probe.
 *
 *   stamp --exec CMD [ARG...]  take CLOCK_MONOTONIC, put it in BENCH_T0,
 *                              exec CMD (e.g. "tailor record ... -- stamp")
 *   stamp                      at main() entry: print now - BENCH_T0 in
 *                              microseconds (one number)
 *
 * CLOCK_MONOTONIC is system-wide, so the two readings compare across exec
 * and fork.  The dynamic loader's work before main() is included in both the
 * traced and the untraced figure, so their difference is tailor's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t t = now_ns();
	const char *t0;
	char buf[32];

	if (argc >= 3 && !strcmp(argv[1], "--exec")) {
		snprintf(buf, sizeof(buf), "%" PRIu64, now_ns());
		if (setenv("BENCH_T0", buf, 1))
			return 125;
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	t0 = getenv("BENCH_T0");
	if (argc != 1 || !t0) {
		fprintf(stderr, "usage: stamp --exec CMD [ARG...]   (CMD runs stamp)\n");
		return 2;
	}
	printf("%.1f\n", (double)(t - strtoull(t0, NULL, 10)) / 1000.0);
	return 0;
}
