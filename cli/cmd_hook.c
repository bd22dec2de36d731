// SPDX-License-Identifier: Apache-2.0
/*
 * tailor hook: an OCI hook that records the container it is called for
 * (docs/containers.md), like oci-seccomp-bpf-hook but with tailor's
 * tracepoint recorder (libbpf, no BCC, no kernel headers).
 *
 * The runtime passes the container's state JSON on stdin (ociVersion, id,
 * pid, status, bundle, annotations).  Recording is asked for per container
 * by the annotation io.tailor.record=TRACE.
 *
 * createRuntime/prestart: start a detached recorder (`tailor record
 * --container PID --hook-mode`, setsid, its stderr in the state directory)
 * and return once it has marked the container's init, which has not exec'ed
 * the entrypoint yet: the entrypoint is recorded from its first instruction.
 * poststop: signal that recorder, wait for its trace (bounded), and with
 * io.tailor.profile=PATH write a profile from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "tailor/common.h"
#include "tailor/generate.h"
#include "tailor/trace.h"

#define HOOK_STATE_DIR "/run/tailor/hooks"
#define HOOK_TIMEOUT_S 30 /* start: until the recorder is ready; stop: until it wrote */

struct hook {
	char *id, *bundle, *status;
	long pid;
	const char *trace, *profile, *runtime, *format; /* annotations (borrowed) */
	char trace_abs[PATH_MAX], profile_abs[PATH_MAX];
	const char *state_dir;
	char pid_file[PATH_MAX], log_file[PATH_MAX], rt_file[PATH_MAX];
	int timeout_s;
	struct json_object *root;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tailor hook [--stage STAGE] [--state-dir DIR] [--timeout SEC]\n"
	        "\n"
	        "OCI hook: record the container it is called for.  Reads the container's\n"
	        "state JSON on stdin; does nothing unless the container has the annotation\n"
	        "io.tailor.record=TRACE (the trace file to write).\n"
	        "\n"
	        "  createRuntime, prestart  start a detached `tailor record --container PID`\n"
	        "                           that marks the container before its entrypoint\n"
	        "                           runs; return once it is marked\n"
	        "  poststop                 stop that recorder, wait for the trace; with\n"
	        "                           io.tailor.profile=PATH also write a seccomp profile\n"
	        "                           (io.tailor.profile-format: docker (default) or oci;\n"
	        "                           io.tailor.runtime: crun, runc or none, default:\n"
	        "                           the runtime that runs the hook)\n"
	        "\n"
	        "options:\n"
	        "  --stage STAGE     the hook's stage; default: from the state's status\n"
	        "                    (creating/created: start, stopped: stop)\n"
	        "  --state-dir DIR   recorders' pid files and logs (default %s,\n"
	        "                    or $TAILOR_HOOK_DIR)\n"
	        "  --timeout SEC     how long to wait for the recorder (default %d)\n"
	        "\n"
	        "Relative TRACE/PATH are relative to the bundle.  Exit status: 0 done or\n"
	        "nothing asked, 1 the recording could not start or its trace was not\n"
	        "written (the runtime then fails the container: it never runs unrecorded),\n"
	        "2 a bad command line (--stage, --timeout).\n"
	        "Hook configuration: examples/oci-hooks/tailor-hook.json, docs/containers.md.\n",
	        HOOK_STATE_DIR, HOOK_TIMEOUT_S);
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Parse the state from stdin; 0, or 1 after a message. */
static int read_state(struct hook *h)
{
	struct json_object *ann = NULL, *v;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *s;

	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *nb =
			    cap < (4 << 20) ? realloc(buf, cap = cap ? cap * 2 : 16384) : NULL;

			if (!nb) {
				free(buf);
				cli_error("hook: the state on stdin is too large or out of memory");
				return 1;
			}
			buf = nb;
		}
		n = read(0, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			cli_error("hook: reading the state from stdin: %s", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	h->root = json_tokener_parse(buf);
	free(buf);
	if (!h->root || !json_object_is_type(h->root, json_type_object)) {
		cli_error("hook: stdin is not an OCI state JSON object");
		return 1;
	}
	s = json_str(h->root, "id");
	if (!s || !s[0] || strchr(s, '/') || s[0] == '.') {
		cli_error("hook: the state has no usable \"id\"");
		return 1;
	}
	h->id = strdup(s);
	h->bundle = strdup(json_str(h->root, "bundle") ? json_str(h->root, "bundle") : "");
	h->status = strdup(json_str(h->root, "status") ? json_str(h->root, "status") : "");
	if (json_object_object_get_ex(h->root, "pid", &v) && json_object_is_type(v, json_type_int))
		h->pid = (long)json_object_get_int64(v);
	if (json_object_object_get_ex(h->root, "annotations", &ann)) {
		h->trace = json_str(ann, "io.tailor.record");
		h->profile = json_str(ann, "io.tailor.profile");
		h->runtime = json_str(ann, "io.tailor.runtime");
		h->format = json_str(ann, "io.tailor.profile-format");
	}
	if (!h->id || !h->bundle || !h->status) {
		cli_error("hook: out of memory");
		return 1;
	}
	return 0;
}

/* Relative paths are relative to the bundle (the runtime's cwd is not defined). */
static int abs_path(const struct hook *h, const char *p, char *out, size_t size, const char *what)
{
	int n;

	if (p[0] == '/')
		n = snprintf(out, size, "%s", p);
	else if (h->bundle[0])
		n = snprintf(out, size, "%s/%s", h->bundle, p);
	else {
		cli_error("hook: %s '%s' is relative and the state has no bundle", what, p);
		return 1;
	}
	if (n < 0 || (size_t)n >= size) {
		cli_error("hook: %s '%s': path too long", what, p);
		return 1;
	}
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0700) && errno != EEXIST ? -errno : 0;
}

/* The recorder of this container, from its pid file: a pidfd, or -1. */
static int recorder_pidfd(const struct hook *h, pid_t *pid)
{
	char *buf = NULL, cmd[PATH_MAX], *cl = NULL;
	size_t len;
	int fd = -1;
	long v;

	if (tl_read_file(h->pid_file, &buf, &len, 64))
		return -1;
	v = strtol(buf, NULL, 10);
	free(buf);
	if (v <= 0 || v > INT32_MAX)
		return -1;
	*pid = (pid_t)v;
	fd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (fd < 0)
		return -1;
	/* The pid may have been reused: it must be our recorder with this pid file. */
	snprintf(cmd, sizeof(cmd), "/proc/%d/cmdline", *pid);
	if (!tl_read_file(cmd, &cl, &len, 1 << 16)) {
		bool ours = false;

		for (size_t i = 0; i < len; i += strlen(cl + i) + 1)
			ours |= !strcmp(cl + i, h->pid_file);
		free(cl);
		if (ours)
			return fd;
	}
	close(fd);
	return -1;
}

/* Wait for fd to become readable; false on timeout. */
static bool wait_fd(int fd, int timeout_s)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	do
		r = poll(&p, 1, timeout_s * 1000);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* The last line of the recorder's log, for the runtime's error message. */
static void print_log_tail(const struct hook *h)
{
	char *buf = NULL, *end, *start;
	size_t len;

	if (tl_read_file(h->log_file, &buf, &len, 1 << 20) || !len) {
		free(buf);
		return;
	}
	end = buf + len;
	while (end > buf && end[-1] == '\n')
		*--end = 0;
	start = strrchr(buf, '\n');
	fprintf(stderr, "tailor hook: recorder: %s (log: %s)\n", start ? start + 1 : buf,
	        h->log_file);
	free(buf);
}

static enum tl_runtime runtime_named(const char *name)
{
	return !strncmp(name, "crun", 4)   ? TL_RUNTIME_CRUN
	       : !strncmp(name, "runc", 4) ? TL_RUNTIME_RUNC
	                                   : TL_RUNTIME_NONE;
}

/*
 * The runtime process pid is: the name of its executable, else its comm.
 * crun runs hooks from a sealed copy of itself whose exe link can read "/"
 * (seen under podman); its comm still says crun.
 */
static enum tl_runtime runtime_of(pid_t pid)
{
	char path[64], exe[PATH_MAX], *base, *comm = NULL;
	enum tl_runtime rt;
	size_t len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	rt = runtime_named(base);
	if (rt != TL_RUNTIME_NONE)
		return rt;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (!tl_read_file(path, &comm, &len, 64)) {
		rt = runtime_named(comm);
		free(comm);
	}
	return rt;
}

/*
 * The runtime whose baseline the profile gets: io.tailor.runtime, else the
 * one that ran the createRuntime hook (its parent; remembered in the state
 * directory, as podman runs poststop hooks itself).
 */
static enum tl_runtime detect_runtime(const struct hook *h)
{
	char *saved = NULL;
	enum tl_runtime rt;
	size_t len;

	if (h->runtime)
		return runtime_named(h->runtime);
	if (!tl_read_file(h->rt_file, &saved, &len, 64)) {
		rt = runtime_named(saved);
		free(saved);
		return rt;
	}
	return runtime_of(getppid());
}

/* The annotations the hook acts on at poststop, checked before any recording. */
static bool annotations_ok(const struct hook *h)
{
	if (h->format && strcmp(h->format, "docker") && strcmp(h->format, "oci")) {
		cli_error(
		    "hook: container %s: io.tailor.profile-format '%s': expected docker or oci",
		    h->id, h->format);
		return false;
	}
	return true;
}

static int hook_start(struct hook *h)
{
	char pidarg[24], fdarg[16], *args[16];
	int ready[2], log, null, err, n = 0;
	pid_t child, pid;
	char c;

	/* a profile it could not write: say so before the container runs, not after */
	if (!annotations_ok(h))
		return TL_EXIT_FAIL;
	if (h->pid <= 0) {
		cli_error("hook: container %s: the state has no pid (createRuntime or prestart is "
		          "needed)",
		          h->id);
		return TL_EXIT_FAIL;
	}
	err = recorder_pidfd(h, &pid);
	if (err >= 0) { /* createRuntime and prestart both configured */
		close(err);
		return TL_EXIT_OK;
	}
	err = mkdir_p(h->state_dir);
	if (err) {
		cli_error("hook: creating the state directory %s: %s", h->state_dir,
		          strerror(-err));
		return TL_EXIT_FAIL;
	}
	if (pipe2(ready, O_CLOEXEC)) {
		cli_error("hook: pipe: %s", strerror(errno));
		return TL_EXIT_FAIL;
	}
	snprintf(pidarg, sizeof(pidarg), "%ld", h->pid);
	args[n++] = "tailor";
	args[n++] = "record";
	args[n++] = "--container";
	args[n++] = pidarg;
	args[n++] = "--hook-mode";
	args[n++] = "--ready-fd";
	args[n++] = fdarg;
	args[n++] = "--pid-file";
	args[n++] = h->pid_file;
	args[n++] = "-o";
	args[n++] = h->trace_abs;
	args[n] = NULL;

	child = fork();
	if (child < 0) {
		cli_error("hook: fork: %s", strerror(errno));
		return TL_EXIT_FAIL;
	}
	if (child == 0) {
		/* Detached: its own session, not the runtime's child, no runtime pipes. */
		setsid();
		if (fork() != 0)
			_exit(0);
		null = open("/dev/null", O_RDWR);
		log = open(h->log_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(log >= 0 ? log : null, 2) < 0)
			_exit(125);
		/* The ready pipe is the one descriptor it keeps. */
		close(ready[0]);
		fcntl(ready[1], F_SETFD, 0);
		snprintf(fdarg, sizeof(fdarg), "%d", ready[1]);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != ready[1])
				close(fd);
		execv("/proc/self/exe", args);
		dprintf(2, "tailor hook: exec /proc/self/exe: %s\n", strerror(errno));
		_exit(127);
	}
	close(ready[1]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	/* "1" once the container is marked; EOF if the recorder failed. */
	if (!wait_fd(ready[0], h->timeout_s)) {
		close(ready[0]);
		cli_error("hook: container %s: the recorder was not ready after %d s (log: %s)",
		          h->id, h->timeout_s, h->log_file);
		return TL_EXIT_FAIL;
	}
	n = (int)read(ready[0], &c, 1);
	close(ready[0]);
	if (n != 1 || c != '1') {
		print_log_tail(h);
		cli_error("hook: container %s: the recorder could not start", h->id);
		return TL_EXIT_FAIL;
	}
	{
		/* For poststop: the runtime (podman runs poststop itself) and, by its
		 * mtime, when this recording started. */
		static const char *const names[] = {"none", "crun", "runc"};
		const char *rt;

		unlink(h->rt_file); /* a previous container's with this id */
		rt = names[detect_runtime(h)];
		if (tl_write_file_atomic(h->rt_file, rt, strlen(rt), 0644))
			cli_lib_error("hook");
	}
	return TL_EXIT_OK;
}

static int write_profile(const struct hook *h)
{
	struct tl_trace t;
	struct tl_profile p;
	struct tl_gen_opts g;
	struct tl_export_opts e = {.name = h->id};
	const char *src[] = {h->trace_abs, NULL};
	char *data = NULL;
	size_t len = 0;
	int err;

	tl_trace_init(&t);
	tl_profile_init(&p);
	tl_gen_opts_init(&g);
	g.runtime = detect_runtime(h);
	g.sources = src;
	err = tl_trace_load(h->trace_abs, &t);
	if (!err)
		err = tl_generate(&t, &g, &p);
	if (!err)
		err = tl_export(&p,
		                h->format && !strcmp(h->format, "oci") ? TL_FMT_OCI : TL_FMT_DOCKER,
		                &e, &data, &len);
	if (!err)
		err = tl_write_file_atomic(h->profile_abs, data, len, 0644);
	if (err)
		cli_lib_error("hook");
	free(data);
	tl_profile_free(&p);
	tl_trace_free(&t);
	return err ? TL_EXIT_FAIL : TL_EXIT_OK;
}

static int hook_stop(struct hook *h)
{
	int ret;
	pid_t pid = 0;
	int fd = recorder_pidfd(h, &pid);
	struct stat st, started;

	if (!annotations_ok(h))
		return TL_EXIT_FAIL;
	/*
	 * Neither the recorder's pid file nor the mark its start leaves: no
	 * start hook ran for this container, and a trace at the path is an
	 * older run's.
	 */
	if (fd < 0 && stat(h->rt_file, &started)) {
		cli_error("hook: container %s: no recorder was started for it (no createRuntime or "
		          "prestart hook ran with state directory %s)",
		          h->id, h->state_dir);
		return TL_EXIT_FAIL;
	}
	/* No pid file: the recorder already ended with the container. */
	if (fd >= 0) {
		if (syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) && errno != ESRCH) {
			cli_error("hook: signalling the recorder %d: %s", pid, strerror(errno));
			close(fd);
			return TL_EXIT_FAIL;
		}
		if (!wait_fd(fd, h->timeout_s)) {
			close(fd);
			cli_error(
			    "hook: container %s: the recorder %d did not finish in %d s (log: "
			    "%s)",
			    h->id, pid, h->timeout_s, h->log_file);
			return TL_EXIT_FAIL;
		}
		close(fd);
	}
	/* A trace older than this recording is a previous run's. */
	if (stat(h->trace_abs, &st) ||
	    (!stat(h->rt_file, &started) && st.st_mtim.tv_sec < started.st_mtim.tv_sec)) {
		print_log_tail(h);
		cli_error("hook: container %s: no trace written at %s", h->id, h->trace_abs);
		unlink(h->rt_file);
		return TL_EXIT_FAIL;
	}
	ret = h->profile ? write_profile(h) : TL_EXIT_OK;
	unlink(h->rt_file);
	if (ret == TL_EXIT_OK)
		unlink(h->log_file); /* kept only when something failed */
	return ret;
}

int cmd_hook(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"stage", required_argument, NULL, 's'},
	    {"state-dir", required_argument, NULL, 'd'},
	    {"timeout", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct hook h = {.timeout_s = HOOK_TIMEOUT_S};
	const char *stage = NULL;
	bool start;
	char *end;
	int c, ret = TL_EXIT_FAIL;

	h.state_dir = getenv("TAILOR_HOOK_DIR") && *getenv("TAILOR_HOOK_DIR")
	                  ? getenv("TAILOR_HOOK_DIR")
	                  : HOOK_STATE_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			stage = optarg;
			break;
		case 'd':
			h.state_dir = optarg;
			break;
		case 't':
			h.timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || h.timeout_s <= 0 || h.timeout_s > 3600) {
				cli_error(
				    "hook: --timeout: '%s' is not a number of seconds (1..3600)",
				    optarg);
				return TL_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return TL_EXIT_OK;
		default:
			return cli_bad_option("hook", "h", argv, TL_EXIT_USAGE);
		}
	}
	/* A stage given as an argument (hooks.d "args": ["tailor", "hook", "poststop"]). */
	if (!stage && optind < argc)
		stage = argv[optind++];
	if (optind < argc) {
		cli_error("hook: unexpected argument '%s'", argv[optind]);
		return TL_EXIT_USAGE;
	}
	if (stage && strcmp(stage, "createRuntime") && strcmp(stage, "prestart") &&
	    strcmp(stage, "poststop")) {
		cli_error("hook: stage '%s': expected createRuntime, prestart or poststop", stage);
		return TL_EXIT_USAGE;
	}
	if (read_state(&h))
		goto out;
	if (stage)
		start = strcmp(stage, "poststop") != 0;
	else
		start = !strcmp(h.status, "creating") || !strcmp(h.status, "created");
	if (!stage && !start && strcmp(h.status, "stopped")) {
		cli_error("hook: container %s: status '%s' (give --stage)", h.id, h.status);
		goto out;
	}
	if (!h.trace || !h.trace[0]) { /* not asked for this container */
		ret = TL_EXIT_OK;
		goto out;
	}
	if (abs_path(&h, h.trace, h.trace_abs, sizeof(h.trace_abs), "io.tailor.record") ||
	    (h.profile &&
	     abs_path(&h, h.profile, h.profile_abs, sizeof(h.profile_abs), "io.tailor.profile")))
		goto out;
	if (snprintf(h.pid_file, sizeof(h.pid_file), "%s/%s.pid", h.state_dir, h.id) >=
	        (int)sizeof(h.pid_file) ||
	    snprintf(h.log_file, sizeof(h.log_file), "%s/%s.log", h.state_dir, h.id) >=
	        (int)sizeof(h.log_file) ||
	    snprintf(h.rt_file, sizeof(h.rt_file), "%s/%s.runtime", h.state_dir, h.id) >=
	        (int)sizeof(h.rt_file)) {
		cli_error("hook: state directory path too long");
		goto out;
	}
	ret = start ? hook_start(&h) : hook_stop(&h);
out:
	json_object_put(h.root);
	free(h.id);
	free(h.bundle);
	free(h.status);
	return ret;
}
