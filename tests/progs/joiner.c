// SPDX-License-Identifier: Apache-2.0
/*
 * joiner MAIN_MS THREAD_MS: start a thread that sleeps THREAD_MS, sleep
 * MAIN_MS, join it, print "joined".  Recorded with the thread done before
 * the join (no futex wait), its profile must still let a join wait for a
 * running thread: tests/e2e/test_timing.sh.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long thread_ms;

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void *run(void *arg)
{
	(void)arg;
	nap(thread_ms);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 3) {
		fprintf(stderr, "usage: joiner MAIN_MS THREAD_MS\n");
		return 2;
	}
	thread_ms = strtol(argv[2], NULL, 10);
	if (pthread_create(&t, NULL, run, NULL)) {
		fprintf(stderr, "joiner: pthread_create failed\n");
		return 1;
	}
	nap(strtol(argv[1], NULL, 10));
	pthread_join(t, NULL);
	printf("joined\n");
	return 0;
}
