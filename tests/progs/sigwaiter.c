// SPDX-License-Identifier: Apache-2.0
/*
 * sigwaiter MS: install a SIGUSR1 handler, print "ready", sleep MS
 * milliseconds in nanosleep (resumed after each interruption), print how
 * many signals the handler saw.  Recorded with no signal and no stop, its
 * profile must still let the handler return (rt_sigreturn) and a stopped
 * and continued sleep resume (restart_syscall): tests/e2e/test_timing.sh.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t seen;

static void on_usr1(int sig)
{
	(void)sig;
	seen++;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (nanosleep(&ts, &ts) == -1) {
		if (errno != EINTR) {
			perror("nanosleep");
			return 1;
		}
	}
	printf("handled %d\n", (int)seen);
	return 0;
}
