// SPDX-License-Identifier: Apache-2.0
/*
 * settle: wait until the kernel has finished an RCU Tasks Trace grace period
 * that started after this call, so that no such period runs while the next
 * measurement does.
 *
 * Why: BPF programs on the syscall tracepoints run inside
 * rcu_read_lock_trace().  Freeing a BPF link on those tracepoints (the
 * previous configuration's teardown) queues a grace period ~0.1-0.3 s
 * later, and a loop started in that window was seen to take the slow
 * unlock with a full barrier (rcu_read_unlock_trace_special, ~20-30 ns per
 * syscall on the bench VMs) on every return from the tracepoint, for its
 * whole run (bench/README.md, "Settling").
 *
 * How: the last close of a perf event on a tracepoint makes the kernel wait
 * for tracepoint_synchronize_unregister() (synchronize_rcu_tasks_trace(),
 * then synchronize_rcu()) before close() returns.  The tracepoint chosen is
 * one nobody else is expected to have a perf event on; if somebody does, the
 * close does not wait (the bench says how long it took).
 *
 * Prints the milliseconds close() took.  Needs root and tracefs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *const dirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
#define EVENT "sched/sched_kthread_stop_ret"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(void)
{
	struct perf_event_attr attr;
	char path[256], id[32] = "";
	double t0;
	FILE *f = NULL;
	int fd;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !f; i++) {
		snprintf(path, sizeof(path), "%s/events/" EVENT "/id", dirs[i]);
		f = fopen(path, "re");
	}
	if (!f || !fgets(id, sizeof(id), f)) {
		fprintf(stderr,
		        "settle: cannot read the id of tracepoint " EVENT " (tracefs): %s\n",
		        strerror(errno ? errno : ENOENT));
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = strtoull(id, NULL, 10);
	attr.disabled = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "settle: perf_event_open(" EVENT "): %s\n", strerror(errno));
		return 1;
	}
	t0 = now_ms();
	close(fd);
	printf("%.1f\n", now_ms() - t0);
	return 0;
}
