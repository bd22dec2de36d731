// SPDX-License-Identifier: Apache-2.0
/*
 * Complain mode: run a command under its profile with every denial turned
 * into a seccomp user notification, let each such call proceed
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE) and record which syscalls they were.
 *
 * Handing the listener fd to the supervisor must not need a syscall in the
 * filtered child (any of them could be notified with nobody listening yet),
 * so the child only publishes the fd number in shared memory and spins; the
 * parent copies the fd with pidfd_getfd(2) and then releases the child.
 * If the child ever blocks before publishing (a syscall inside
 * seccomp_load), the parent finds the listener in /proc/PID/fd instead.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>

#include "tailor/common.h"
#include "tailor/events.h"
#include "tailor/loader.h"
#include "tailor/trace.h"

#define X32_BIT 0x40000000

struct handoff {
	int state; /* 0 loading, 1 loaded (fd valid), 2 loaded (fd unknown), <0 load failed (-errno)
	            */
	int fd;    /* the listener, in the child */
	int ack;   /* 1 go on and exec, -1 give up */
};

static void on_sigchld(int sig)
{
	(void)sig; /* only there to interrupt a blocking receive */
}

static volatile sig_atomic_t stop_signal;

/* SIGINT, SIGTERM, SIGHUP: for the command, which the parent still serves until it ends. */
static void on_stop(int sig)
{
	stop_signal = sig;
}

/* A stop signal came: on to the command, which the caller still waits for. */
static void forward_stop(pid_t pid, int *signo)
{
	if (!stop_signal)
		return;
	*signo = stop_signal;
	kill(pid, stop_signal);
	stop_signal = 0;
}

static __attribute__((noreturn)) void child(scmp_filter_ctx ctx, struct handoff *h,
                                            const char *path, char *const argv[],
                                            char *const envp[])
{
	int r, ack;

	r = tl_loader_load(ctx);
	if (r) {
		__atomic_store_n(&h->state, r, __ATOMIC_RELEASE);
		_exit(125);
	}
	/*
	 * libseccomp has no fd to give when the filter has no notifying rule,
	 * nor when the listener is fd 0 (stdin was closed): the parent looks.
	 */
	h->fd = seccomp_notify_fd(ctx);
	__atomic_store_n(&h->state, h->fd > 0 ? 1 : 2, __ATOMIC_RELEASE);
	while (!(ack = __atomic_load_n(&h->ack, __ATOMIC_ACQUIRE)))
		__builtin_ia32_pause();
	if (ack < 0)
		_exit(125);
	execve(path, argv, envp);
	r = errno;
	dprintf(STDERR_FILENO, "tailor run: %s: cannot execute: %s\n", path, strerror(r));
	_exit(r == ENOENT ? 127 : 126);
}

/* The listener's fd number in the child, from /proc/PID/fd; -1 if none. */
static int find_listener(pid_t pid)
{
	char dir[64], link[PATH_MAX], target[64];
	struct dirent *e;
	int fd = -1;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:seccomp notify"))
			fd = atoi(e->d_name);
	}
	closedir(d);
	return fd;
}

static void record(struct tl_trace *t, const struct seccomp_notif *req, tl_argsel_fn argsel,
                   uint64_t *lost)
{
	uint8_t index[TL_ARGS_PER_CALL];
	uint64_t mask[TL_ARGS_PER_CALL];
	struct tl_syscall *s;
	enum tl_abi abi;
	int32_t nr = req->data.nr;
	int n;

	if (req->data.arch == AUDIT_ARCH_X86_64)
		abi = (nr & X32_BIT) ? TL_ABI_X32 : TL_ABI_X86_64;
	else if (req->data.arch == AUDIT_ARCH_I386)
		abi = TL_ABI_X86;
	else {
		(*lost)++; /* an ABI the trace model has no place for */
		return;
	}
	s = tl_trace_syscall(t, abi, NULL, nr);
	if (!s) {
		(*lost)++;
		return;
	}
	s->calls++;
	n = argsel && nr >= 0 ? argsel(abi, (uint32_t)nr, index, mask) : 0;
	for (int k = 0; k < n && k < (int)TL_ARGS_PER_CALL; k++) {
		/* seccomp sees an ia32 argument zero-extended: the register's low 32 bits */
		uint64_t v = req->data.args[index[k] % 6];

		if (abi == TL_ABI_X86)
			v = (uint32_t)v;
		if (tl_syscall_add_argval(s, index[k], v & mask[k]))
			(*lost)++;
	}
}

/*
 * Wait for the child to publish its listener; returns the fd number,
 * -ENOMSG if the filter has none (nothing is notified), or -errno.
 */
static int wait_loaded(struct handoff *h, pid_t pid)
{
	struct timespec ts = {0, 200 * 1000};
	int state, fd;

	for (unsigned i = 0;; i++) {
		state = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
		if (state == 1)
			return h->fd;
		if (state == 2)
			return (fd = find_listener(pid)) >= 0 ? fd : -ENOMSG;
		if (state < 0)
			return state;
		if (waitpid(pid, NULL, WNOHANG | __WNOTHREAD) == pid)
			return -ECHILD;
		/* After ~100 ms the child may be stuck in a notified call: look for the fd. */
		if (i > 500 && i % 100 == 0 && (fd = find_listener(pid)) >= 0)
			return fd;
		nanosleep(&ts, NULL);
	}
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int tl_loader_complain(scmp_filter_ctx ctx, const char *path, char *const argv[],
                       char *const envp[], const struct tl_complain_opts *o, struct tl_trace *trace,
                       struct tl_complain_result *res)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on_sigchld}, old_sa, old_stop[TL_ARRAY_SIZE(stops)];
	bool stops_set = false;
	struct seccomp_notif_resp *resp = NULL;
	struct seccomp_notif *req = NULL;
	struct handoff *h = MAP_FAILED;
	int pidfd = -1, nfd = -1, fd, r;
	bool reaped = false;
	pid_t pid = -1;

	int *wstatus = &res->wstatus, *signo = &res->signo;
	tl_argsel_fn argsel = o ? o->argsel : NULL;
	int linger_ms = o ? o->linger_ms : 0;
	uint64_t deadline = 0;

	*res = (struct tl_complain_result){0};
	if (seccomp_api_get() < 6)
		return tl_err(
		    EOPNOTSUPP,
		    "seccomp user notification needs libseccomp API level 6 (this one: %u)",
		    seccomp_api_get());
	r = seccomp_notify_alloc(&req, &resp);
	if (r < 0)
		return tl_err(-r, "seccomp_notify_alloc: %s", strerror(-r));
	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED) {
		r = tl_err(errno, "mmap: %s", strerror(errno));
		goto out;
	}
	memset(h, 0, sizeof(*h));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old_sa); /* no SA_RESTART: a receive returns EINTR */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = tl_err(errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(ctx, h, path, argv, envp);
	res->pid = pid;

	/* after the fork: the child execs with the dispositions tailor had */
	stop_signal = 0;
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < TL_ARRAY_SIZE(stops); i++)
		sigaction(stops[i], &sa, &old_stop[i]);
	stops_set = true;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	fd = wait_loaded(h, pid);
	if (fd == -ENOMSG) {
		/* nothing to notify: the command runs under its filter alone */
		__atomic_store_n(&h->ack, 1, __ATOMIC_RELEASE);
		for (;;) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			pid_t w;

			forward_stop(pid, signo);
			w = waitpid(pid, wstatus, WNOHANG);
			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				r = tl_err(errno, "waitpid: %s", strerror(errno));
				goto out;
			}
			nanosleep(&ts, NULL);
		}
		reaped = true;
		r = 0;
		goto out;
	}
	if (fd == -EBUSY || fd == -EINVAL || fd == -ENOSYS || fd == -EOPNOTSUPP) {
		r = tl_err(EOPNOTSUPP, "the kernel refused a seccomp listener: %s", strerror(-fd));
		goto out;
	} else if (fd < 0) {
		r = fd == -ECHILD
		        ? tl_err(ECHILD, "the child exited before loading the filter")
		        : tl_err(-fd, "loading the seccomp filter failed: %s", strerror(-fd));
		goto out;
	}
	if (pidfd >= 0)
		nfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (nfd < 0) {
		r = tl_err(EOPNOTSUPP, "cannot take the seccomp listener from the child: %s",
		           strerror(pidfd < 0 ? ENOSYS : errno));
		goto out;
	}
	__atomic_store_n(&h->ack, 1, __ATOMIC_RELEASE);

	/*
	 * Served until no task is left under the filter (the listener hangs
	 * up): what the command left running (a daemon, a `&` job) is
	 * notified too, and without an answer its calls would fail with
	 * ENOSYS.  After the command exits, linger_ms at most.
	 */
	for (;;) {
		struct pollfd p[2] = {{.fd = nfd, .events = POLLIN},
		                      {.fd = pidfd, .events = POLLIN}};

		forward_stop(pid, signo);
		/* a timeout: a stop signal that came just before poll is passed on */
		if (poll(p, reaped ? 1 : 2, reaped ? 50 : 200) < 0) {
			if (errno == EINTR)
				continue;
			r = tl_err(errno, "poll: %s", strerror(errno));
			goto out;
		}
		/* reaped at once: a zombie still holds the filter, and the hang-up waits for it */
		if (!reaped && p[1].revents) {
			if (waitpid(pid, wstatus, 0) < 0) {
				r = tl_err(errno, "waitpid: %s", strerror(errno));
				goto out;
			}
			reaped = true;
			deadline = mono_ms() + (uint64_t)(linger_ms > 0 ? linger_ms : 0);
		}
		while (p[0].revents & POLLIN) {
			memset(req, 0, sizeof(*req)); /* the kernel insists on a zeroed request */
			if (seccomp_notify_receive(nfd, req) < 0)
				break; /* EINTR, or ENOENT (the caller died meanwhile) */
			record(trace, req, argsel, &res->lost);
			memset(resp, 0, sizeof(*resp));
			resp->id = req->id;
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			(void)seccomp_notify_respond(nfd, resp); /* ENOENT: it died meanwhile */
			if (poll(p, 1, 0) != 1)
				p[0].revents = 0;
		}
		if (p[0].revents & (POLLHUP | POLLERR))
			break; /* nobody is left under the filter */
		if (reaped && mono_ms() >= deadline) {
			/* the hang-up may trail the reaping (--linger 0): a last look */
			struct pollfd q = {.fd = nfd, .events = POLLHUP};

			res->left_running =
			    !(poll(&q, 1, 20) == 1 && (q.revents & (POLLHUP | POLLERR)));
			break;
		}
	}
	if (!reaped && waitpid(pid, wstatus, 0) < 0) {
		r = tl_err(errno, "waitpid: %s", strerror(errno));
		goto out;
	}
	reaped = true;
	r = 0;
	if (res->lost)
		r = tl_err(EPROTO, "%llu notifications could not be recorded",
		           (unsigned long long)res->lost);
out:
	if (pid > 0 && !reaped) {
		if (h != MAP_FAILED)
			__atomic_store_n(&h->ack, -1, __ATOMIC_RELEASE);
		kill(pid, SIGKILL);
		waitpid(pid, wstatus, 0);
	}
	if (h != MAP_FAILED)
		sigaction(SIGCHLD, &old_sa, NULL);
	for (size_t i = 0; stops_set && i < TL_ARRAY_SIZE(stops); i++)
		sigaction(stops[i], &old_stop[i], NULL);
	if (nfd >= 0)
		close(nfd);
	if (pidfd >= 0)
		close(pidfd);
	if (h != MAP_FAILED)
		munmap(h, sizeof(*h));
	seccomp_notify_free(req, resp);
	return r;
}
