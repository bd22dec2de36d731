// SPDX-License-Identifier: Apache-2.0
/*
 * A recording session: spawn (or attach to) the target, mark it, wait, and
 * write the trace.
 *
 * Spawn without a start race: the child is forked, blocks on a pipe, is
 * marked ARMED from here through its pidfd, then released; it turns ACTIVE
 * at its own execve, so tailor's pre-exec syscalls are never counted and
 * the program's first instruction is.
 *
 * Signals: SIGINT/SIGTERM/SIGHUP to tailor stop the recording.  A signal
 * sent by a process (kill) is forwarded to the command; one from the
 * terminal is not (the command's process group got it already).  tailor
 * then waits up to grace_ms for the command to end, to keep its exit
 * status, and writes the trace marked incomplete.  A second signal stops
 * the wait.  In --pid mode nothing is forwarded: the process is not ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tailor/common.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"
#include "tracer_int.h"

extern char **environ;

#define TARGET_ID 0

struct session {
	const struct tl_rec_opts *o;
	struct tl_tracer *tr;
	pid_t pid;
	int pidfd, sigfd;
	bool child_done;
	int status; /* wait status of our child */
	bool interrupted;
	int signal;
	bool status_line;
	bool command_error; /* the command could not be executed */
	/* --user: the command runs as uid/gid with groups and envp (HOME, USER...) */
	bool as_user;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	bool no_group_list; /* a uid without a passwd entry: no supplementary groups */
	uint64_t left;      /* marked tasks still running when the recording ended */
	char **envp;
	char *user_name;
	struct timespec t0;
	time_t start;
};

static uint64_t ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(((int64_t)(now.tv_sec - t0->tv_sec) * 1000000000 +
	                   (now.tv_nsec - t0->tv_nsec)) /
	                  1000000);
}

/* ---- resolving the command before forking --------------------------------- */

static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK))
		return -errno;
	return 0;
}

/* Like execvp's search, so "not found" and "not executable" are told apart. */
static int resolve(const char *cmd, char **out)
{
	const char *path = getenv("PATH");
	int first_err = -ENOENT, err;
	char buf[PATH_MAX];

	*out = NULL;
	if (!cmd[0])
		return tl_err(ENOENT, "command not found: ''");
	if (strchr(cmd, '/')) {
		err = check_exec(cmd);
		if (err)
			return tl_err(-err, "%s: %s", cmd, strerror(-err));
		*out = strdup(cmd);
		return *out ? 0 : tl_err(ENOMEM, "out of memory");
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, n ? path : ".", "/", cmd);
		err = check_exec(buf);
		if (!err) {
			*out = strdup(buf);
			return *out ? 0 : tl_err(ENOMEM, "out of memory");
		}
		if (err != -ENOENT && err != -ENOTDIR && first_err == -ENOENT)
			first_err = err;
		path += n;
		if (*path == ':')
			path++;
	}
	if (first_err == -ENOENT)
		return tl_err(ENOENT, "%s: command not found", cmd);
	return tl_err(-first_err, "%s: %s", cmd, strerror(-first_err));
}

/* ---- the child ---------------------------------------------------------------- */

static void __attribute__((noreturn))
child_main(const struct session *s, const char *path, int go_fd, int err_fd, const sigset_t *mask)
{
	char c;
	int e;

	/* Back to the caller's signal mask; dispositions were never changed. */
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (read(go_fd, &c, 1) != 1)
		_exit(125); /* tailor failed before marking us: do not run unrecorded */
	close(go_fd);
	/*
	 * --user: drop to the user now, marked but still armed, so these calls
	 * are not recorded.  Groups first (needs CAP_SETGID), uid last; a
	 * failure is tailor's (-errno on the pipe), and nothing runs as root.
	 */
	if (s->as_user &&
	    (setgroups((size_t)s->ngroups, s->groups) || setresgid(s->gid, s->gid, s->gid) ||
	     setresuid(s->uid, s->uid, s->uid))) {
		e = -errno;
		if (write(err_fd, &e, sizeof(e)) < 0)
			_exit(125);
		_exit(125);
	}
	execve(path, s->o->argv, s->envp ? s->envp : environ);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

static void drop_capabilities(void);

static int spawn(struct session *s, const char *path, const sigset_t *oldmask)
{
	int go[2] = {-1, -1}, ep[2] = {-1, -1}, err, e;
	ssize_t n;

	if (pipe2(go, O_CLOEXEC) || pipe2(ep, O_CLOEXEC)) {
		err = tl_err(errno, "pipe: %s", strerror(errno));
		goto out;
	}
	s->pid = fork();
	if (s->pid < 0) {
		err = tl_err(errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (s->pid == 0) {
		close(go[1]);
		close(ep[0]);
		child_main(s, path, go[0], ep[1], oldmask);
	}
	close(go[0]);
	close(ep[1]);
	go[0] = ep[1] = -1;
	/* The child keeps what --user needs; the program never sees us privileged. */
	drop_capabilities();
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0) {
		err = tl_err(errno, "pidfd_open(%d): %s", s->pid, strerror(errno));
		goto kill;
	}
	if (s->o->after_seccomp) { /* counted from a seccomp filter to the next execve */
		err = tl_tracer_mark_new(s->tr, s->pidfd, TARGET_ID, TL_MARK_WAIT_FILTER, 0);
		if (err >= 0)
			err = tl_tracer_index_marks(s->tr);
	} else {
		err = tl_tracer_mark_pidfd(s->tr, s->pidfd, TARGET_ID, true);
	}
	if (err < 0)
		goto kill;
	err = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	s->start = time(NULL);
	if (write(go[1], "g", 1) != 1) {
		err = tl_err(errno, "releasing the child: %s", strerror(errno));
		goto kill;
	}
	close(go[1]);
	go[1] = -1;
	/* EOF: execve succeeded (the pipe is close-on-exec). */
	do
		n = read(ep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(e) && e < 0) {
		waitpid(s->pid, NULL, 0);
		s->child_done = true;
		err = tl_err(-e, "switching to user %s (uid %u) before running %s: %s",
		             s->user_name, (unsigned)s->uid, s->o->argv[0], strerror(-e));
		goto out;
	}
	if (n == sizeof(e)) {
		waitpid(s->pid, NULL, 0);
		s->child_done = true;
		err = tl_err(e, "%s: %s", s->o->argv[0], strerror(e));
		s->command_error = true;
		goto out;
	}
	err = 0;
	goto out;
kill:
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->child_done = true;
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	return err;
}

/* ---- waiting ------------------------------------------------------------------- */

static void status_line(struct session *s, bool final)
{
	struct tl_tracer_stats st;

	if (!s->status_line)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (tl_tracer_stats(s->tr, TARGET_ID, &st))
		return;
	fprintf(stderr,
	        "\r\033[Ktailor: recording pid %d: %llu syscalls (%llu distinct), %llu events, "
	        "%llu drops",
	        s->pid, (unsigned long long)st.calls, (unsigned long long)st.distinct,
	        (unsigned long long)st.events,
	        (unsigned long long)(st.drops + st.arg_drops + st.stack_drops + st.cap_drops +
	                             st.net_drops + st.mark_fails + st.file_drops));
}

/* Reap our child if it ended; true when the target is gone. */
static bool target_gone(struct session *s)
{
	if (s->o->argv) {
		int st;
		pid_t r = waitpid(s->pid, &st, WNOHANG);

		if (r == s->pid) {
			s->child_done = true;
			s->status = st;
			return true;
		}
		return false;
	}
	struct pollfd p = {.fd = s->pidfd, .events = POLLIN};
	return poll(&p, 1, 0) == 1;
}

static void on_signal(struct session *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (s->interrupted)
		return;
	s->interrupted = true;
	s->signal = (int)si.ssi_signo;
	/* Forward kill(1)-style signals; the terminal already signalled the group. */
	if (s->o->argv && !s->child_done && si.ssi_code != SI_KERNEL && (pid_t)si.ssi_pid != s->pid)
		kill(s->pid, (int)si.ssi_signo);
}

static int wait_loop(struct session *s)
{
	struct pollfd p[3] = {
	    {.fd = s->sigfd, .events = POLLIN},
	    {.fd = s->pidfd, .events = POLLIN},
	    {.fd = tl_tracer_event_fd(s->tr), .events = POLLIN},
	};
	uint64_t deadline = 0;
	int err;

	for (;;) {
		int timeout = s->status_line ? 250 : 1000;

		if (s->interrupted) {
			uint64_t now = ms_since(&s->t0);

			if (!s->o->argv || s->child_done)
				break;
			if (!deadline)
				deadline =
				    now + (uint64_t)(s->o->grace_ms > 0 ? s->o->grace_ms : 0);
			if (now >= deadline)
				break;
			if ((int)(deadline - now) < timeout)
				timeout = (int)(deadline - now);
		}
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			return tl_err(errno, "poll: %s", strerror(errno));
		err = tl_tracer_consume(s->tr);
		if (err)
			return err;
		if (p[0].revents & POLLIN) {
			bool was = s->interrupted;

			on_signal(s);
			if (was)
				break; /* second signal: stop now */
		}
		if ((p[1].revents & (POLLIN | POLLHUP)) && target_gone(s))
			break;
		status_line(s, false);
	}
	status_line(s, true);
	return 0;
}

/*
 * Marked tasks still running: every one is the first or a fork, and counts
 * once at its exit.
 */
static uint64_t survivors(struct session *s)
{
	struct tl_tracer_stats st;

	if (tl_tracer_stats(s->tr, TARGET_ID, &st) || 1 + st.forks <= st.exits)
		return 0;
	return 1 + st.forks - st.exits;
}

/*
 * The command exited, but it may have left tasks running: a daemon its test
 * stopped with a signal and that is still shutting down (its pid file
 * removed, its sockets closed...).  They are recorded until they exit, for
 * --linger ms at most; strace -f waits for them with no bound.  A signal
 * stops the wait: the command's run is complete either way.
 */
static int linger(struct session *s)
{
	struct pollfd p[2] = {
	    {.fd = s->sigfd, .events = POLLIN},
	    {.fd = tl_tracer_event_fd(s->tr), .events = POLLIN},
	};
	uint64_t deadline = ms_since(&s->t0) + (uint64_t)s->o->linger_ms;
	int err;

	while (survivors(s)) {
		uint64_t now = ms_since(&s->t0);
		struct signalfd_siginfo si;

		if (now >= deadline)
			break;
		/* the count is polled: only the last task of a container signals its exit */
		if (poll(p, 2, (int)(deadline - now < 50 ? deadline - now : 50)) < 0 &&
		    errno != EINTR)
			return tl_err(errno, "poll: %s", strerror(errno));
		err = tl_tracer_consume(s->tr);
		if (err)
			return err;
		if ((p[0].revents & POLLIN) && read(s->sigfd, &si, sizeof(si)) == sizeof(si))
			break;
	}
	return 0;
}

/* What still runs after the wait is not recorded: say so. */
static void note_survivors(struct session *s)
{
	uint64_t n = s->left;
	char after[32] = "";

	if (!n)
		return;
	/* --linger waited only if no signal stopped the recording first */
	if (s->o->linger_ms && !s->interrupted)
		snprintf(after, sizeof(after), " %d ms", s->o->linger_ms);
	fprintf(stderr,
	        "tailor record: note: %llu task(s) started by the command still run%s after it "
	        "exited; what they do from now on is not recorded%s\n",
	        (unsigned long long)n, after, s->interrupted ? "" : " (--linger)");
}

/*
 * --pid names a process: not one of its threads (pidfd_open refuses them
 * with a bare ENOENT), not a zombie (nothing would run to be recorded).
 */
static int check_pid(pid_t pid)
{
	char path[64], *buf = NULL, *l;
	size_t len = 0;
	long tgid = 0;
	char state = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (tl_read_file(path, &buf, &len, 1 << 16))
		return 0; /* gone, or no /proc: pidfd_open says */
	if ((l = strstr(buf, "\nState:\t")))
		state = l[8];
	if ((l = strstr(buf, "\nTgid:\t")))
		tgid = strtol(l + 7, NULL, 10);
	free(buf);
	if (tgid > 0 && tgid != pid)
		return tl_err(EINVAL, "--pid %d: a thread of process %ld; give --pid %ld", pid,
		              tgid, tgid);
	if (state == 'Z' || state == 'X')
		return tl_err(
		    ESRCH, "--pid %d: the process has exited (a zombie): nothing to record", pid);
	return 0;
}

/* ---- the trace --------------------------------------------------------------- */

char **tl_rec_cmdline(pid_t pid)
{
	char path[64], *buf = NULL, **v = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	/*
	 * A program that rewrote its title (redis-server, postgres, nginx)
	 * leaves the rest of the old strings as NULs: not arguments.
	 */
	if (!tl_read_file(path, &buf, &len, 1 << 20)) {
		while (len > 1 && !buf[len - 1] && !buf[len - 2])
			len--;
		v = tl_strv_from_nul(buf, len);
	}
	free(buf);
	return v;
}

int tl_rec_run_describe(struct tl_run *run, const char *kind, const char *target, char *const *argv,
                        int64_t pid, time_t start, uint64_t duration_ms)
{
	struct utsname u;
	char when[32];

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&start));
	uname(&u);
	run->kind = strdup(kind);
	run->target = target ? strdup(target) : NULL;
	run->argv = argv ? tl_strv_dup(argv) : NULL;
	run->pid = pid;
	run->start = strdup(when);
	run->duration_ms = duration_ms;
	run->kernel = strdup(u.release);
	run->machine = strdup(u.machine);
	run->tool = strdup("tailor " TAILOR_VERSION);
	if (!run->kind || (target && !run->target) || (argv && !run->argv) || !run->start ||
	    !run->kernel || !run->machine || !run->tool)
		return tl_err(ENOMEM, "out of memory");
	return 0;
}

void tl_rec_run_complete(struct tl_run *run, bool cut_short)
{
	run->complete = !cut_short;
	for (size_t i = 0; i < run->nlost; i++)
		if (run->lost[i].value)
			run->complete = false;
}

static int write_trace(struct session *s, char **pid_argv, struct tl_rec_result *res)
{
	struct tl_trace trace;
	struct tl_run run = {0};
	int err;

	tl_trace_init(&trace);
	err = tl_rec_run_describe(&run, s->o->argv ? "command" : "pid", NULL,
	                          s->o->argv ? s->o->argv : pid_argv, s->pid, s->start,
	                          ms_since(&s->t0));
	if (err)
		goto out;
	if (s->child_done) {
		run.has_exit_status = true;
		run.exit_status =
		    WIFSIGNALED(s->status) ? 128 + WTERMSIG(s->status) : WEXITSTATUS(s->status);
	}
	err = tl_tracer_collect(s->tr, TARGET_ID, &trace, &run);
	/* --pid: its startup ran before it was marked (a running container's too) */
	if (!err && !s->o->argv)
		err = tl_run_add_lost(&run, "start", 1);
	/* tasks left running (past --linger, at a signal): their later calls are missing */
	if (!err && s->left) /* the command too, if --grace ran out */
		err = tl_run_add_lost(&run, "running", s->left);
	if (err)
		goto out;
	tl_rec_run_complete(&run, s->interrupted);
	err = tl_trace_add_run(&trace, &run);
	if (err)
		goto out;
	res->has_exit_status = run.has_exit_status;
	res->exit_status = run.exit_status;
	err = tl_trace_save(&trace, s->o->output ? s->o->output : "-");
	if (err && run.has_exit_status) {
		/* The command ran to its end: say how, since the exit code is tailor's (125). */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", tl_err_msg());
		err = tl_err(-err, "%s (the command exited with status %d; no trace written)", msg,
		             run.exit_status);
	}
out:
	tl_run_free(&run);
	tl_trace_free(&trace);
	return err;
}

/* ---- privileges ---------------------------------------------------------------------- */

/* environ without HOME, USER, LOGNAME, SHELL, then the user's, like runuser(1). */
static char **user_environ(const struct passwd *pw)
{
	static const char *const drop[] = {"HOME=", "USER=", "LOGNAME=", "SHELL="};
	size_t n = tl_strv_len(environ), k = 0;
	char **v = calloc(n + 5, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < TL_ARRAY_SIZE(drop); j++)
			if (!strncmp(environ[i], drop[j], strlen(drop[j])))
				break;
		if (j == TL_ARRAY_SIZE(drop) && !(v[k++] = strdup(environ[i])))
			goto fail;
	}
	if (asprintf(&v[k++], "HOME=%s", pw->pw_dir) < 0 ||
	    asprintf(&v[k++], "USER=%s", pw->pw_name) < 0 ||
	    asprintf(&v[k++], "LOGNAME=%s", pw->pw_name) < 0 ||
	    asprintf(&v[k++], "SHELL=%s",
	             pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh") < 0)
		goto fail;
	return v;
fail:
	v[k - 1] = NULL; /* asprintf leaves it undefined on failure */
	tl_strv_free(v);
	return NULL;
}

/*
 * --user NAME|UID[:GID]: everything the child needs to become that user,
 * looked up here (NSS in the parent, errors before anything runs).  uid 0
 * when tailor is root is "stay as you are" (--user root opts out of the sudo
 * default).  A uid without a passwd entry (a CI container's) runs with that
 * uid, GID or else the same number as its group, no supplementary groups,
 * HOME=/.
 */
static int resolve_user(struct session *s, const char *spec)
{
	char user[256], name[24], *end, *colon;
	const char *gpart = NULL;
	struct passwd *pw, anon;
	unsigned long v = 0, g = 0;
	bool numeric;
	int n = 32;

	if (!*spec)
		return tl_err(EINVAL, "--user: empty (a name or UID, and :GID)");
	/* USER[:GID]: the group by number (Docker's --user UID:GID) */
	if (snprintf(user, sizeof(user), "%s", spec) >= (int)sizeof(user))
		return tl_err(ENAMETOOLONG, "--user %s: too long", spec);
	if ((colon = strchr(user, ':'))) {
		*colon = 0;
		gpart = colon + 1;
		errno = 0;
		g = strtoul(gpart, &end, 10);
		if (!*gpart || *end || errno || g > INT32_MAX)
			return tl_err(EINVAL, "--user %s: '%s' is not a GID (a number)", spec,
			              gpart);
	}
	errno = 0;
	v = strtoul(user, &end, 10);
	numeric = user[0] >= '0' && user[0] <= '9' && !*end;
	if (numeric && (errno || v > INT32_MAX))
		return tl_err(EINVAL, "--user %s: uid out of range", spec);
	errno = 0;
	pw = numeric ? getpwuid((uid_t)v) : getpwnam(user);
	if (!pw && numeric) {
		snprintf(name, sizeof(name), "%lu", v);
		anon = (struct passwd){.pw_name = name,
		                       .pw_uid = (uid_t)v,
		                       .pw_gid = (gid_t)v,
		                       .pw_dir = "/",
		                       .pw_shell = "/bin/sh"};
		pw = &anon;
		s->no_group_list = true;
	}
	if (!pw)
		return tl_err(errno ? errno : ENOENT, "--user %s: %s", spec,
		              errno ? strerror(errno) : "no such user");
	/* root without a group: stay as tailor is (--user root opts out of the sudo default) */
	if (pw->pw_uid == 0 && !gpart && geteuid() == 0)
		return 0;
	if (gpart)
		pw->pw_gid = (gid_t)g;
	s->as_user = true;
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	s->user_name = strdup(pw->pw_name);
	s->envp = user_environ(pw);
	if (!s->user_name || !s->envp)
		return tl_err(ENOMEM, "out of memory");
	if (s->no_group_list)
		return 0;
	/* initgroups(3) without changing our own groups: the list, set in the child. */
	for (;;) {
		gid_t *g = realloc(s->groups, (size_t)n * sizeof(*g));
		int want = n;

		if (!g)
			return tl_err(ENOMEM, "out of memory");
		s->groups = g;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &want) >= 0) {
			s->ngroups = want;
			return 0;
		}
		if (want <= n || n > 65536)
			return tl_err(EINVAL, "--user %s: cannot list its groups", spec);
		n = want;
	}
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

/*
 * Once the recorder is attached and the target marked, keep only what the
 * rest of the session uses: CAP_BPF and CAP_PERFMON (the recorder's maps),
 * CAP_SYS_PTRACE and CAP_CHECKPOINT_RESTORE (the target's
 * /proc/PID/maps and map_files, for call stacks), CAP_DAC_READ_SEARCH and
 * CAP_DAC_OVERRIDE (read its binaries, write the trace wherever root could),
 * CAP_KILL (forward a signal to a command running as another user).  The
 * rest (CAP_SYS_ADMIN, CAP_SETUID, CAP_SYS_MODULE, CAP_NET_ADMIN...) is gone
 * before tailor parses what the target controls: exec paths, its maps, the
 * ELF files it mapped.  Best effort: a failure is a warning.
 */
static void drop_capabilities(void)
{
	const uint64_t keep = 1ULL << CAP_BPF | 1ULL << CAP_PERFMON | 1ULL << CAP_SYS_PTRACE |
	                      1ULL << CAP_CHECKPOINT_RESTORE | 1ULL << CAP_DAC_READ_SEARCH |
	                      1ULL << CAP_DAC_OVERRIDE | 1ULL << CAP_KILL;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};
	uint64_t perm;

	if (syscall(SYS_capget, &h, d))
		goto fail;
	perm = ((uint64_t)d[1].permitted << 32 | d[0].permitted) & keep;
	d[0].permitted = d[0].effective = (uint32_t)perm;
	d[1].permitted = d[1].effective = (uint32_t)(perm >> 32);
	d[0].inheritable = d[1].inheritable = 0;
	if (!syscall(SYS_capset, &h, d))
		return;
fail:
	fprintf(stderr, "tailor: warning: cannot drop capabilities: %s\n", strerror(errno));
}

/* ---- the session ------------------------------------------------------------------ */

int tl_rec_run(const struct tl_rec_opts *o, struct tl_rec_result *res)
{
	struct session s = {.o = o, .pidfd = -1, .sigfd = -1};
	struct tl_tracer_opts topts = {.verbose = o->verbose,
	                               .max_targets = 1,
	                               .no_stacks = o->no_stacks,
	                               .no_files = o->no_files};
	char *path = NULL, **pid_argv = NULL, exe[PATH_MAX];
	sigset_t mask, oldmask;
	bool masked = false;
	int err;

	memset(res, 0, sizeof(*res));
	if (o->container || o->all_containers)
		return tl_rec_containers(o, res); /* tracer/container.c */
	topts.after_seccomp = o->after_seccomp;
	if (o->argv) {
		err = resolve(o->argv[0], &path);
		if (err) {
			res->command_error = true;
			return err;
		}
	} else if (o->pid <= 0) {
		return tl_err(EINVAL, "no command and no --pid given");
	} else if (o->pid == getpid()) {
		return tl_err(EINVAL, "--pid %d is tailor itself", o->pid);
	}
	if (o->user && o->argv) {
		err = resolve_user(&s, o->user);
		if (err)
			goto out;
	}
	err = tl_output_check(o->output, "the trace");
	if (err)
		goto out;
	/* `tailor record -- cmd > t.json`: what cmd prints lands in the JSON */
	if (o->argv && (!o->output || !strcmp(o->output, "-")) && !o->quiet && !isatty(1))
		fprintf(stderr, "tailor record: note: no -o: the trace goes to stdout, after what "
		                "the command writes there\n");
	/* before the BPF load (100-200 ms): a signal then must not kill tailor without a word */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &oldmask)) {
		err = tl_err(errno, "sigprocmask: %s", strerror(errno));
		goto out;
	}
	masked = true;
	s.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s.sigfd < 0) {
		err = tl_err(errno, "signalfd: %s", strerror(errno));
		goto out;
	}
	err = tl_tracer_check_env();
	if (err)
		goto out;
	err = tl_tracer_open(&topts, &s.tr);
	if (err)
		goto out;
	{
		struct signalfd_siginfo si;

		/* stopped while starting: nothing ran, so nothing to record */
		if (read(s.sigfd, &si, sizeof(si)) == sizeof(si)) {
			res->interrupted = true;
			res->signal = (int)si.ssi_signo;
			err = tl_err(
			    EINTR, "stopped by signal %d while starting: %s, no trace written",
			    res->signal,
			    o->argv ? "the command was not started" : "nothing was recorded");
			goto out;
		}
	}
	s.status_line = !o->quiet && isatty(STDERR_FILENO);

	if (o->argv) {
		err = tl_tracer_set_initial_program(s.tr, "");
		if (!err)
			err = spawn(&s, path, &oldmask);
		res->command_error = s.command_error;
		if (err)
			goto out;
	} else {
		ssize_t n;

		s.pid = o->pid;
		err = check_pid(o->pid);
		if (err)
			goto out;
		s.pidfd = (int)syscall(SYS_pidfd_open, o->pid, 0);
		if (s.pidfd < 0) {
			err = tl_err(errno, "process %d: %s", o->pid,
			             errno == ESRCH ? "no such process" : strerror(errno));
			goto out;
		}
		{
			char link[64];

			snprintf(link, sizeof(link), "/proc/%d/exe", o->pid);
			n = readlink(link, exe, sizeof(exe) - 1);
			exe[n > 0 ? n : 0] = 0;
		}
		pid_argv = tl_rec_cmdline(o->pid);
		err = tl_tracer_set_initial_program(s.tr, exe);
		if (err)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &s.t0);
		s.start = time(NULL);
		err = tl_tracer_mark_tree(s.tr, o->pid, TARGET_ID);
		if (err)
			goto out;
	}

	if (!o->argv)
		drop_capabilities(); /* --pid: after marking (spawn() dropped them already) */
	err = wait_loop(&s);
	if (!err && o->argv && s.child_done && !s.interrupted && o->linger_ms > 0)
		err = linger(&s);
	if (err)
		goto out;
	/* counted once, where the recording ends: the note and the trace say the same */
	if (o->argv)
		s.left = survivors(&s);
	if (o->argv && s.child_done && !o->quiet)
		note_survivors(&s);
	err = write_trace(&s, pid_argv, res);
	res->interrupted = s.interrupted;
	res->signal = s.signal;
out:
	if (err && o->argv && s.pid > 0 && !s.child_done) {
		/* It was started only to be recorded: do not leave it running unrecorded. */
		kill(s.pid, SIGKILL);
		waitpid(s.pid, NULL, 0);
	}
	if (s.sigfd >= 0)
		close(s.sigfd);
	if (s.pidfd >= 0)
		close(s.pidfd);
	if (masked)
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
	tl_tracer_close(s.tr);
	tl_strv_free(pid_argv);
	tl_strv_free(s.envp);
	free(s.groups);
	free(s.user_name);
	free(path);
	return err;
}
