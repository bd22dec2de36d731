// SPDX-License-Identifier: Apache-2.0
/*
 * Containers: `tailor record --container PID|ID` and `--all-containers`
 * (docs/containers.md).
 *
 * A container is its pid namespace (inode number) and, when it has one of
 * its own, its cgroup2 cgroup (id): the keys of the BPF hash tl_ctargets.
 * The kernel side marks an unmarked task that execs with such a key
 * (sched_process_exec, never the per-syscall path), so processes that join
 * the container later (crun/runc/podman exec) are recorded from their first
 * instruction, and children inherit marks as usual.  Processes already in
 * the container are marked from here through pidfds, thread by thread.
 *
 * With --all-containers, an exec in any pid namespace but the host's takes
 * a free slot from the queue tl_free_slots in the kernel and sends a
 * TL_EV_CONTAINER record; the slot's live-task count (tl_live) falling to 0
 * ends the container: its trace is written as DIR/ID.json, the slot is
 * cleared and goes back to the queue.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/events.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"
#include "recorder.skel.h"
#include "tracer_int.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* 6.9+: a pidfd for one thread */
#endif

#define CT_DEFAULT_SLOTS 32   /* --all-containers without --max-containers */
#define CT_IDLE_MS       200  /* no live task this long: the container is over */
#define CT_POLL_MS       250  /* housekeeping period */
#define CT_SCAN_MS       1000 /* look for slots whose record was lost */
#define CT_ID_MAX        256

/* ---- small helpers ------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int pidfd_open_(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Inode number of /proc/PID/ns/NAME (0 if unreadable: gone, or no permission). */
static uint32_t ns_inum(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* Read a small /proc or state file; NULL if it cannot be read. */
static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len;

	return tl_read_file(path, &buf, &len, 1 << 20) ? NULL : buf;
}

/*
 * A task (TID of process PID, or the process) that still runs: not a zombie.
 * A zombie keeps its pid and namespaces but will never exit again, so
 * marking it would count a live task forever.
 */
static bool task_runs(pid_t pid, pid_t tid)
{
	char path[64], *buf, *p;
	bool runs;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	buf = slurp(path);
	p = buf ? strrchr(buf, ')') : NULL; /* "pid (comm) S ...": comm may hold ')' */
	runs = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X' && p[2] != 'x';
	free(buf);
	return runs;
}

/* The process is pid 1 of its (non-initial) pid namespace: the last NSpid field is 1. */
static bool is_ns_init(pid_t pid)
{
	char path[64], *buf, *l, *last;
	bool init = false;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	buf = slurp(path);
	l = buf ? strstr(buf, "\nNSpid:") : NULL;
	if (l) {
		l += 7;
		l[strcspn(l, "\n")] = 0;
		last = strrchr(l, '\t');
		init = last && last != l + strspn(l, "\t") - 1 && !strcmp(last + 1, "1");
	}
	free(buf);
	return init;
}

/*
 * The init (pid 1) of pid namespace ns, else any process of it, else 0: a
 * container's init lives as long as the container.
 */
static pid_t ns_init(uint32_t ns)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t any = 0, init = 0;

	while (d && !init && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 0 || ns_inum(pid, "pid") != ns)
			continue;
		if (is_ns_init(pid))
			init = pid;
		else if (!any)
			any = pid;
	}
	if (d)
		closedir(d);
	return init ? init : any;
}

/* The cgroup2 path of a process ("0::PATH" in /proc/PID/cgroup); NULL if none. */
static char *proc_cgroup2(pid_t pid)
{
	char path[64], *buf, *p, *res = NULL;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	buf = slurp(path);
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, "0::", 3)) {
			res = strndup(p + 3, strcspn(p + 3, "\n"));
			break;
		}
	}
	free(buf);
	return res;
}

/* The cgroup2 mount point (hybrid hosts: /sys/fs/cgroup/unified); NULL if none. */
static char *cgroup2_mount(void)
{
	char *buf = slurp("/proc/self/mountinfo"), *line, *save = NULL, *res = NULL;

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line && !res;
	     line = strtok_r(NULL, "\n", &save)) {
		char mnt[PATH_MAX], *dash = strstr(line, " - ");

		/* id parent major:minor root mountpoint ... - fstype source options */
		if (dash && !strncmp(dash + 3, "cgroup2 ", 8) &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			res = strdup(mnt);
	}
	free(buf);
	return res;
}

/* The cgroup id of a cgroup2 directory (its file handle, as the kernel names it). */
static int cgroup_id(const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 16];
	} h = {.fh.handle_bytes = 16};
	struct stat st;
	int mnt;

	if (!name_to_handle_at(AT_FDCWD, path, &h.fh, &mnt, 0) && h.fh.handle_bytes == 8) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		return 0;
	}
	if (stat(path, &st))
		return -errno;
	*id = st.st_ino; /* kernfs: the inode number is the id on 64-bit */
	return 0;
}

/* Run argv, capture its stdout (stderr discarded); 0 when it exited 0. */
static int run_capture(char *const argv[], char **out)
{
	int p[2], st, null;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(p[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *nb =
			    cap < (1 << 20) ? realloc(buf, cap = cap ? cap * 2 : 8192) : NULL;

			if (!nb)
				break;
			buf = nb;
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!buf || !WIFEXITED(st) || WEXITSTATUS(st)) {
		free(buf);
		return -ENOENT;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

static bool in_path(const char *bin)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, bin);
		if (!access(buf, X_OK))
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* ---- container ids: runtime state and cgroup names ---------------------------------- */

/*
 * State directories of the runtimes: ROOT/ID/FILE holds the init's pid.
 * `BIN --root ROOT state ID` is asked first when BIN is installed (its
 * status tells a created container from a running one).
 */
static const struct rt_root {
	const char *dir, *bin, *file, *pidkey;
} rt_roots[] = {
    {"/run/crun", "crun", "status", "pid"},
    {"/run/runc", "runc", "state.json", "init_process_pid"},
    {"/run/containerd/runc/k8s.io", "runc", "state.json", "init_process_pid"},
    {"/run/containerd/runc/default", "runc", "state.json", "init_process_pid"},
    {"/run/containerd/runc/moby", "runc", "state.json", "init_process_pid"},
    {"/run/docker/runtime-runc/moby", "runc", "state.json", "init_process_pid"},
};

static int64_t json_int_key(const char *text, const char *key)
{
	struct json_object *o = json_tokener_parse(text), *v;
	int64_t r = -1;

	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int))
		r = json_object_get_int64(v);
	json_object_put(o);
	return r;
}

/* The init pid and status ("created", "running"... or "") of a container in a root. */
static int rt_state(const struct rt_root *r, const char *id, pid_t *pid, char *status, size_t ssize)
{
	char path[PATH_MAX], *text = NULL;
	int64_t v = -1;

	status[0] = 0;
	if (in_path(r->bin)) {
		char *argv[] = {(char *)r->bin, "--root",   (char *)r->dir,
		                "state",        (char *)id, NULL};

		if (!run_capture(argv, &text)) {
			struct json_object *o = json_tokener_parse(text), *s;

			if (o && json_object_object_get_ex(o, "status", &s) &&
			    json_object_is_type(s, json_type_string))
				snprintf(status, ssize, "%s", json_object_get_string(s));
			json_object_put(o);
			v = json_int_key(text, "pid");
			free(text);
		}
	}
	if (v <= 0) {
		snprintf(path, sizeof(path), "%s/%s/%s", r->dir, id, r->file);
		text = slurp(path);
		if (text)
			v = json_int_key(text, r->pidkey);
		free(text);
	}
	if (v <= 0 || v > INT32_MAX)
		return -ENOENT;
	*pid = (pid_t)v;
	return 0;
}

/* The state entry (root index) whose init is pid; -1 if none. */
static int rt_find_by_pid(pid_t pid, char *id, size_t size)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(rt_roots); i++) {
		DIR *d = opendir(rt_roots[i].dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[PATH_MAX], *text;
			int64_t v;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", rt_roots[i].dir, de->d_name,
			         rt_roots[i].file);
			text = slurp(path);
			v = text ? json_int_key(text, rt_roots[i].pidkey) : -1;
			free(text);
			if (v == pid) {
				snprintf(id, size, "%s", de->d_name);
				closedir(d);
				return (int)i;
			}
		}
		if (d)
			closedir(d);
	}
	return -1;
}

/*
 * A runtime's state says the container whose init is pid is created, not
 * started: its init is still the runtime's (`runc init`, crun waiting for
 * `start`), whose calls are not the container's.
 */
static bool rt_created(pid_t pid)
{
	char id[CT_ID_MAX], status[32];
	int r = rt_find_by_pid(pid, id, sizeof(id));
	pid_t p;

	return r >= 0 && !rt_state(&rt_roots[r], id, &p, status, sizeof(status)) &&
	       (!strcmp(status, "created") || !strcmp(status, "creating"));
}

static bool rt_has(const char *id)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < TL_ARRAY_SIZE(rt_roots); i++) {
		snprintf(path, sizeof(path), "%s/%s", rt_roots[i].dir, id);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return n > 0;
}

/*
 * The container id in a cgroup directory name: 64 hex digits, alone (Docker's
 * /docker/ID, Kubernetes' cgroupfs /kubepods/.../ID) or after a runtime's
 * prefix with or without ".scope" (libpod-ID.scope, docker-ID.scope,
 * cri-containerd-ID.scope, crio-ID.scope).  Conmon's scopes are not the
 * container.  Returns true with the id.
 */
static bool id_from_dirname(const char *name, char *id, size_t size)
{
	static const char *const prefixes[] = {"libpod-", "docker-",     "cri-containerd-",
	                                       "crio-",   "containerd-", ""};
	size_t n = strlen(name);

	if (n > 6 && !strcmp(name + n - 6, ".scope"))
		n -= 6;
	if (!strncmp(name, "libpod-conmon-", 14) || !strncmp(name, "crio-conmon-", 12))
		return false;
	for (size_t i = 0; i < TL_ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], pl) || n - pl != 64 || !is_hex(name + pl, 64))
			continue;
		snprintf(id, size, "%.64s", name + pl);
		return true;
	}
	return false;
}

/*
 * A container id from a cgroup path: a runtime's pattern in any component,
 * leaf first; else a component that names a runtime state entry (crun/runc
 * default cgroupsPath: /ID).
 */
static bool id_from_cgroup_path(const char *path, char *id, size_t size)
{
	char *copy = strdup(path), *comp[64];
	size_t n = 0;
	bool found = false;

	if (!copy)
		return false;
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c && n < 64;
	     c = strtok_r(NULL, "/", &save))
		comp[n++] = c;
	for (size_t i = n; i-- > 0 && !found;)
		found = id_from_dirname(comp[i], id, size);
	for (size_t i = n; i-- > 0 && !found;)
		if (rt_has(comp[i]) && strlen(comp[i]) < size) {
			snprintf(id, size, "%s", comp[i]);
			found = true;
		}
	free(copy);
	return found;
}

/* Every cgroup path of a process (v1 and v2 lines of /proc/PID/cgroup). */
static bool id_from_proc_cgroups(pid_t pid, char *id, size_t size)
{
	char path[64], *buf, *line, *save = NULL;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	buf = slurp(path);
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strchr(line, ':');

		p = p ? strchr(p + 1, ':') : NULL;
		if (p)
			found = id_from_cgroup_path(p + 1, id, size);
	}
	free(buf);
	return found;
}

/* Keep ids usable as file names: [A-Za-z0-9_.-], no leading dot. */
static void sanitize_id(char *id)
{
	for (char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
			*p = '_';
	if (id[0] == '.')
		id[0] = '_';
}

/* ---- --container: resolving PID|ID -------------------------------------------------- */

struct ct_info {
	char id[CT_ID_MAX];
	pid_t pid;       /* the container's init, 0 unknown */
	uint32_t pidns;  /* 0: the host's (not a key) */
	uint64_t cgid;   /* cgroup2 id, 0: not its own (not a key) */
	char *cgpath;    /* its cgroup2 path (from /proc/PID/cgroup), or NULL */
	bool created;    /* created, not started: its entrypoint has not run */
	bool has_status; /* a runtime told its status */
	bool tree;       /* no key of its own: its init's process tree is followed */
};

/* Containers named by a runtime state entry: exact id, else a unique prefix. */
static int resolve_state(const char *spec, struct ct_info *ci)
{
	char found[CT_ID_MAX] = "", status[32], list[512] = "";
	const struct rt_root *root = NULL;
	int nfound = 0;

	for (size_t i = 0; i < TL_ARRAY_SIZE(rt_roots); i++) {
		DIR *d = opendir(rt_roots[i].dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || strncmp(de->d_name, spec, strlen(spec)))
				continue;
			if (!strcmp(de->d_name, spec)) { /* exact beats prefixes */
				snprintf(found, sizeof(found), "%s", de->d_name);
				root = &rt_roots[i];
				nfound = 1;
				closedir(d);
				goto done;
			}
			if (strcmp(found, de->d_name)) {
				size_t l = strlen(list);

				nfound++;
				if (l < sizeof(list) - 1)
					snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "",
					         de->d_name);
			}
			snprintf(found, sizeof(found), "%s", de->d_name);
			root = &rt_roots[i];
		}
		if (d)
			closedir(d);
	}
done:
	if (!nfound)
		return -ENOENT;
	if (nfound > 1)
		return tl_err(EINVAL,
		              "container '%s': the prefix matches several containers in the "
		              "runtime state (/run/crun, /run/runc, ...): %s: give more of the id",
		              spec, list);
	if (rt_state(root, found, &ci->pid, status, sizeof(status)))
		return tl_err(ESRCH, "container %s (%s/%s): no init process in its state", found,
		              root->dir, found);
	/* its init is gone: say so, not "no such process" about a pid the user never gave */
	if (!strcmp(status, "stopped"))
		return tl_err(ESRCH,
		              "container %s is stopped (%s state): its init is gone (a process it "
		              "left running, in the host's pid namespace, can be recorded with "
		              "--container PID)",
		              found, root->bin);
	snprintf(ci->id, sizeof(ci->id), "%s", found);
	ci->has_status = status[0] != 0;
	ci->created = !strcmp(status, "created") || !strcmp(status, "creating");
	return 0;
}

struct cg_search {
	const char *spec;
	char ids[8][CT_ID_MAX];
	size_t nids;
	char dir[PATH_MAX]; /* a directory of the match (cgroup2 preferred) */
	bool dir_v2;
};

static void cg_hit(struct cg_search *cs, const char *id, const char *dir, bool v2)
{
	size_t i;

	for (i = 0; i < cs->nids && strcmp(cs->ids[i], id); i++)
		;
	if (i == cs->nids && cs->nids < TL_ARRAY_SIZE(cs->ids))
		snprintf(cs->ids[cs->nids++], CT_ID_MAX, "%s", id);
	if (!cs->dir[0] || (v2 && !cs->dir_v2)) {
		snprintf(cs->dir, sizeof(cs->dir), "%s", dir);
		cs->dir_v2 = v2;
	}
}

/* Walk a cgroup hierarchy for directories named after spec (depth-limited). */
static void cg_walk(struct cg_search *cs, const char *dir, int depth, bool v2)
{
	DIR *d = depth < 10 ? opendir(dir) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX], id[CT_ID_MAX];
		size_t sl = strlen(cs->spec);

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		/* A runtime's id pattern by prefix; any other name only exactly (runc/crun's /ID).
		 */
		if (id_from_dirname(de->d_name, id, sizeof(id)) ? !strncmp(id, cs->spec, sl)
		                                                : !strcmp(de->d_name, cs->spec))
			cg_hit(cs, id_from_dirname(de->d_name, id, sizeof(id)) ? id : de->d_name,
			       path, v2);
		cg_walk(cs, path, depth + 1, v2);
	}
	if (d)
		closedir(d);
}

/* The init of a cgroup: the process that is pid 1 of its namespace, else the lowest pid. */
static pid_t cgroup_init(const char *dir)
{
	char path[PATH_MAX + 16], *buf, *p;
	pid_t best = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	buf = slurp(path);
	for (p = buf; p && *p;) {
		pid_t pid = (pid_t)strtol(p, &p, 10);
		char sp[64], *st, *ns;

		while (*p == '\n')
			p++;
		if (pid <= 0)
			break;
		snprintf(sp, sizeof(sp), "/proc/%d/status", pid);
		st = slurp(sp);
		ns = st ? strstr(st, "\nNSpid:") : NULL;
		if (ns) {
			char *end = strchr(ns + 1, '\n'), *last;

			if (end)
				*end = 0;
			last = strrchr(ns, '\t');
			if (last && !strcmp(last + 1, "1") && last != strchr(ns, '\t')) {
				free(st);
				best = pid;
				break;
			}
		}
		free(st);
		if (!best || pid < best)
			best = pid;
	}
	free(buf);
	return best;
}

static int resolve_cgroup(const char *spec, struct ct_info *ci)
{
	struct cg_search cs = {.spec = spec};
	char *buf = slurp("/proc/self/mountinfo"), *line, *save = NULL;

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char mnt[PATH_MAX], *dash = strstr(line, " - ");
		bool v2;

		if (!dash || (strncmp(dash + 3, "cgroup2 ", 8) && strncmp(dash + 3, "cgroup ", 7)))
			continue;
		v2 = !strncmp(dash + 3, "cgroup2 ", 8);
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			cg_walk(&cs, mnt, 0, v2);
	}
	free(buf);
	if (!cs.nids)
		return -ENOENT;
	if (cs.nids > 1)
		return tl_err(EINVAL,
		              "container '%s': the prefix matches several cgroups (%s, %s%s): give "
		              "more of the id",
		              spec, cs.ids[0], cs.ids[1], cs.nids > 2 ? ", ..." : "");
	ci->pid = cgroup_init(cs.dir);
	if (ci->pid <= 0)
		return tl_err(ESRCH, "container %s: its cgroup %s has no process", cs.ids[0],
		              cs.dir);
	snprintf(ci->id, sizeof(ci->id), "%s", cs.ids[0]);
	return 0;
}

/*
 * Fill the keys from the init's pid: its pid namespace unless it is tailor's
 * own (the host's), its cgroup2 cgroup unless it is tailor's or the root.
 */
static int container_keys(struct ct_info *ci, const char *cg2mnt, bool hook)
{
	char *own = proc_cgroup2(getpid()), path[PATH_MAX];
	uint32_t host = ns_inum(0, "pid");
	int err = 0;

	ci->pidns = ns_inum(ci->pid, "pid");
	if (!ci->pidns || !task_runs(ci->pid, 0)) {
		err = tl_err(ESRCH, "container %s: process %d: %s", ci->id, ci->pid,
		             kill(ci->pid, 0) ? "no such process" : "cannot read its namespaces");
		goto out;
	}
	if (ci->pidns == host)
		ci->pidns = 0;
	free(ci->cgpath);
	ci->cgpath = proc_cgroup2(ci->pid);
	if (ci->cgpath && cg2mnt && strcmp(ci->cgpath, "/") && (!own || strcmp(ci->cgpath, own)) &&
	    !strstr(ci->cgpath, "/..") &&
	    snprintf(path, sizeof(path), "%s%s", cg2mnt, ci->cgpath) < (int)sizeof(path) &&
	    cgroup_id(path, &ci->cgid))
		ci->cgid = 0;
	/*
	 * A runtime's container in the host's pid namespace without a cgroup2
	 * cgroup of its own (crun on a hybrid cgroup host): nothing to key it
	 * by, so its init's process tree is followed, as --pid does.
	 */
	if (!ci->pidns && !ci->cgid &&
	    (hook || ci->has_status || rt_find_by_pid(ci->pid, NULL, 0) >= 0))
		ci->tree = true;
	else if (!ci->pidns && !ci->cgid)
		err = tl_err(EINVAL,
		             "process %d shares tailor's pid namespace and cgroup: it is not in a "
		             "container (record it with --pid)",
		             ci->pid);
out:
	free(own);
	return err;
}

/*
 * A name or id that podman or docker knows (`--container web`): their
 * inspect gives the full id, the init's pid and the status.  -ENOENT when
 * neither knows it.  A container they report without a process (podman's
 * "created": its runtime has not created it yet) cannot be marked.
 */
static int resolve_engine(const char *spec, struct ct_info *ci)
{
	static const char *const engines[] = {"podman", "docker"};

	if (spec[0] == '-')
		return -ENOENT; /* never an option to the engine */
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		char *argv[] = {(char *)engines[i], "inspect",
		                "--type",           "container",
		                "--format",         "{{.Id}} {{.State.Pid}} {{.State.Status}}",
		                (char *)spec,       NULL};
		char *text = NULL, id[CT_ID_MAX], status[32];
		long pid;
		int n;

		if (!in_path(engines[i]) || run_capture(argv, &text))
			continue;
		n = sscanf(text, "%255s %ld %31s", id, &pid, status);
		free(text);
		if (n != 3)
			continue;
		if (pid <= 0 || pid > INT32_MAX)
			return tl_err(
			    ESRCH,
			    "--container %s: %s knows it (%.12s) but it has no process "
			    "(status %s): start it, or record it from its first instruction "
			    "with the OCI hook (docs/containers.md)",
			    spec, engines[i], id, status);
		snprintf(ci->id, sizeof(ci->id), "%s", id);
		ci->pid = (pid_t)pid;
		ci->has_status = true;
		ci->created = !strcmp(status, "created");
		return 0;
	}
	return -ENOENT;
}

/* spec (digits) is the pid of a process that exists. */
static bool is_live_pid(const char *spec)
{
	long v;

	if (strlen(spec) > 10)
		return false;
	v = strtol(spec, NULL, 10);
	return v > 0 && v <= INT32_MAX && !(kill((pid_t)v, 0) && errno == ESRCH);
}

/* hook: the runtime called tailor for it, so it is a container whatever its keys */
static int resolve(const char *spec, const char *cg2mnt, bool hook, struct ct_info *ci)
{
	int err;

	memset(ci, 0, sizeof(*ci));
	/*
	 * Digits name a process when one has that pid; else they may be an id
	 * prefix (a hex id starts with 8 decimal digits 2 % of the time).
	 */
	if (all_digits(spec) && is_live_pid(spec)) {
		uint32_t ns;

		ci->pid = (pid_t)strtol(spec, NULL, 10);
		/*
		 * Any process of the container names it; its init (pid 1 of its
		 * pid namespace, unless that is tailor's) is what ends it.
		 */
		ns = ns_inum(ci->pid, "pid");
		if (ns && ns != ns_inum(0, "pid") && !is_ns_init(ci->pid)) {
			pid_t init = ns_init(ns);

			if (init > 0)
				ci->pid = init;
		}
		/* name it like --all-containers does */
		if (!id_from_proc_cgroups(ci->pid, ci->id, sizeof(ci->id)) &&
		    rt_find_by_pid(ci->pid, ci->id, sizeof(ci->id)) < 0)
			snprintf(ci->id, sizeof(ci->id), "pid-%d", ci->pid);
	} else {
		err = resolve_state(spec, ci);
		if (err == -ENOENT)
			err = resolve_cgroup(spec, ci);
		if (err == -ENOENT)
			err = resolve_engine(spec, ci);
		if (err == -ENOENT)
			return tl_err(
			    ENOENT,
			    "no container '%s': no process with that pid, not in the state of "
			    "crun/runc "
			    "(/run/crun, /run/runc, containerd's and Docker's runc roots), "
			    "no cgroup named after it (libpod-ID.scope, docker-ID.scope, "
			    "cri-containerd-ID.scope, crio-ID.scope, .../ID), not a name or id "
			    "podman or docker knows",
			    spec);
		if (err)
			return err;
	}
	sanitize_id(ci->id);
	return container_keys(ci, cg2mnt, hook);
}

/* ---- sessions --------------------------------------------------------------------------- */

struct ct {
	bool used;
	bool attached;    /* was running before tailor: its start was not recorded */
	bool expect_exec; /* marked before its entrypoint's exec (hook, created) */
	char id[CT_ID_MAX];
	pid_t pid;
	uint32_t pidns;
	uint64_t cgid;
	char **argv;
	uint64_t t0_ms, idle_since;
	time_t start;
	uint64_t left_running; /* tasks still running when its recording stopped */
};

/* A pid namespace refused for want of a slot, and a task of it (noslot_seen). */
struct noslot {
	uint32_t pidns;
	pid_t pid;
};

struct sess {
	const struct tl_rec_opts *o;
	struct tl_tracer *tr;
	struct recorder_bpf *sk;
	uint32_t nslots;
	struct ct *cts;
	uint32_t host_pidns;
	char *cg2mnt;
	int sigfd;
	bool interrupted, timed_out;
	int signal;
	uint64_t t0_ms;
	struct noslot *noslot; /* pid namespaces seen without a free slot */
	size_t nnoslot;
	char **written; /* --all-containers: file names written this session */
	size_t nwritten;
	unsigned nwarn_noslot;
	bool leader_only_warned;
	bool wrote_pid_file, ready_closed;
};

static int64_t live_of(struct sess *s, uint32_t slot)
{
	return slot < TL_LIVE_MAX
	           ? __atomic_load_n((int64_t *)&s->sk->bss->tl_live[slot], __ATOMIC_SEQ_CST)
	           : 0;
}

/* Mark every thread of a process (rescanned until stable); *n counts new marks. */
static int mark_threads(struct sess *s, pid_t pid, uint32_t slot, uint32_t state, unsigned *n)
{
	unsigned before = *n;
	char dir[64];
	/* already running: its records name its program; armed, the runtime's init execs next */
	uint64_t image = state == TL_MARK_ACTIVE ? tl_tracer_running_image(s->tr, pid, slot, 0) : 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	for (int pass = 0; pass < 50; pass++) {
		DIR *d = opendir(dir);
		struct dirent *de;
		bool added = false;

		if (!d)
			return 0; /* gone */
		while ((de = readdir(d))) {
			pid_t tid = atoi(de->d_name);
			int fd, r;

			if (tid <= 0 || !task_runs(pid, tid))
				continue;
			fd = pidfd_open_(tid, tid == pid ? 0 : PIDFD_THREAD);
			if (fd < 0) {
				if (errno == EINVAL && tid != pid && !s->leader_only_warned) {
					s->leader_only_warned = true;
					fprintf(stderr,
					        "tailor: warning: this kernel has no thread pidfds "
					        "(PIDFD_THREAD, 6.9+): only the main thread of the "
					        "container's running processes is marked\n");
				}
				continue;
			}
			r = tl_tracer_mark_new(s->tr, fd, slot, state, image);
			close(fd);
			if (r < 0 && r != -ESRCH) {
				closedir(d);
				return r;
			}
			if (r == 1) {
				added = true;
				(*n)++;
			}
		}
		closedir(d);
		if (!added)
			break;
	}
	/* the new marks pass the recorder's first filter from here on */
	return *n != before ? tl_tracer_index_marks(s->tr) : 0;
}

/*
 * Mark the processes already in a container: same pid namespace, or same
 * cgroup2 path.  Rescanned until a pass marks nothing new (a process forked
 * by one not yet marked).
 */
static int mark_existing(struct sess *s, uint32_t slot, uint32_t pidns, const char *cgpath,
                         uint32_t state, unsigned *n)
{
	for (int pass = 0; pass < 20; pass++) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		unsigned before = *n;
		int err = 0;

		if (!d)
			return tl_err(errno, "reading /proc: %s", strerror(errno));
		while (!err && (de = readdir(d))) {
			pid_t pid = atoi(de->d_name);
			bool match = false;

			if (pid <= 0 || pid == getpid())
				continue;
			if (pidns && ns_inum(pid, "pid") == pidns)
				match = true;
			if (!match && cgpath) {
				char *cg = proc_cgroup2(pid);

				match = cg && !strcmp(cg, cgpath);
				free(cg);
			}
			if (match)
				err = mark_threads(s, pid, slot, state, n);
		}
		closedir(d);
		if (err)
			return err;
		if (*n == before)
			break;
	}
	return 0;
}

/* pid and its descendants (/proc/PID/task/TID/children), for a container with no key. */
static int mark_tree(struct sess *s, uint32_t slot, pid_t pid, uint32_t state, unsigned *n,
                     int depth)
{
	char dir[64], *kids = NULL, *p, *end;
	struct dirent *de;
	DIR *d;
	int err = mark_threads(s, pid, slot, state, n);

	if (err || depth > 64)
		return err;
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	while (!err && d && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", pid, de->d_name);
		kids = slurp(path);
		for (p = kids; !err && p && *p;) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (v > 0 && v <= INT32_MAX)
				err = mark_tree(s, slot, (pid_t)v, state, n, depth + 1);
			p = end;
		}
		free(kids);
	}
	if (d)
		closedir(d);
	return err;
}

static int add_key(struct sess *s, uint32_t kind, uint64_t id, uint32_t slot, uint64_t flags)
{
	struct tl_ct_key k = {.kind = kind, .id = id};

	if (bpf_map_update_elem(bpf_map__fd(s->sk->maps.tl_ctargets), &k, &slot, flags))
		return -errno;
	return 0;
}

/* Remove the keys that point at slot (the kernel drops a pid namespace's at its end). */
static void del_keys(struct sess *s, uint32_t slot)
{
	int fd = bpf_map__fd(s->sk->maps.tl_ctargets);
	struct tl_ct_key key, next, dead[64];
	size_t n = 0;
	bool first = true;
	uint32_t v;

	while (n < TL_ARRAY_SIZE(dead) && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &v) && v == slot)
			dead[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &dead[i]);
}

static int on_ct_event(void *ctx, const void *data, size_t size);

static bool has_syscalls(const struct tl_trace *t)
{
	for (int abi = 0; abi < TL_ABI_COUNT; abi++)
		if (t->abi[abi].n)
			return true;
	return false;
}

static bool has_exec(const struct tl_trace *t)
{
	for (int abi = 0; abi < TL_ABI_COUNT; abi++)
		if (tl_trace_find(t, (enum tl_abi)abi, "execve") ||
		    tl_trace_find(t, (enum tl_abi)abi, "execveat"))
			return true;
	return false;
}

static int write_trace(struct sess *s, struct ct *c, uint32_t slot, const char *path)
{
	struct tl_trace trace;
	struct tl_run run = {0};
	int err;

	tl_trace_init(&trace);
	err = tl_rec_run_describe(&run, "container", c->id, c->argv, c->pid, c->start,
	                          now_ms() - c->t0_ms);
	if (!err)
		err = tl_tracer_collect(s->tr, slot, &trace, &run);
	/*
	 * Marked before its start, yet no exec seen: the runtime ran it before
	 * tailor marked it, or, with nothing recorded at all, it never started.
	 */
	if (!err && c->expect_exec && !c->attached && !has_exec(&trace)) {
		if (!has_syscalls(&trace)) {
			if (!s->o->quiet)
				fprintf(
				    stderr,
				    "tailor record: container %s: never started while recorded: "
				    "its trace is empty\n",
				    c->id);
		} else {
			fprintf(stderr,
			        "tailor record: warning: container %s: no execve recorded: its "
			        "entrypoint started before it was marked; its start is missing\n",
			        c->id);
			c->attached = true;
		}
	}
	/* Not from its start: syscalls of its startup may be missing. */
	if (!err && c->attached)
		err = tl_run_add_lost(&run, "start", 1);
	/* nor to its end: tasks it left running (record.c's lost.running) */
	if (!err && c->left_running)
		err = tl_run_add_lost(&run, "running", c->left_running);
	if (err)
		goto out;
	tl_rec_run_complete(&run, s->interrupted || s->timed_out);
	err = tl_trace_add_run(&trace, &run);
	if (!err)
		err = tl_trace_save(&trace, path);
out:
	tl_run_free(&run);
	tl_trace_free(&trace);
	return err;
}

static int setup_signals(struct sess *s, sigset_t *oldmask)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, oldmask))
		return tl_err(errno, "sigprocmask: %s", strerror(errno));
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return tl_err(errno, "signalfd: %s", strerror(errno));
	return 0;
}

static bool got_signal(struct sess *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	s->signal = (int)si.ssi_signo;
	return true;
}

static int open_tracer(struct sess *s, uint32_t nslots, bool all)
{
	struct tl_tracer_opts topts = {
	    .verbose = s->o->verbose,
	    .max_targets = nslots,
	    .no_stacks = s->o->no_stacks,
	    .no_files = s->o->no_files,
	    .containers = true,
	    .all_containers = all,
	};
	int err = tl_tracer_check_env();

	if (!err)
		err = tl_tracer_open(&topts, &s->tr);
	if (err)
		return err;
	s->sk = tl_tracer_skel(s->tr);
	s->nslots = nslots;
	s->host_pidns = ns_inum(0, "pid");
	s->sk->bss->tl_host_pidns = s->host_pidns;
	s->cts = calloc(nslots, sizeof(*s->cts));
	return s->cts ? 0 : tl_err(ENOMEM, "out of memory");
}

static void sess_free(struct sess *s)
{
	for (uint32_t i = 0; s->cts && i < s->nslots; i++)
		tl_strv_free(s->cts[i].argv);
	free(s->cts);
	for (size_t i = 0; i < s->nwritten; i++)
		free(s->written[i]);
	free(s->written);
	free(s->noslot);
	free(s->cg2mnt);
	tl_tracer_close(s->tr);
	if (s->sigfd >= 0)
		close(s->sigfd);
}

/* The output must be writable before the container is touched. */
static int check_writable_dir(const char *dir, const char *what)
{
	struct stat st;

	if (stat(dir, &st))
		return tl_err(errno, "%s %s: %s", what, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tl_err(ENOTDIR, "%s %s: not a directory", what, dir);
	if (access(dir, W_OK | X_OK))
		return tl_err(errno, "%s %s: %s", what, dir, strerror(errno));
	return 0;
}

static int check_output_file(const char *out)
{
	char *dir, what[PATH_MAX + 64];
	int err;

	if (!out || !strcmp(out, "-"))
		return 0;
	dir = tl_path_dir(out);
	if (!dir)
		return tl_err(ENOMEM, "out of memory");
	snprintf(what, sizeof(what), "cannot write the trace to %s: directory", out);
	err = check_writable_dir(dir, what);
	free(dir);
	return err;
}

/* Tell `tailor hook` that the container is marked: our pid file, then one byte. */
static int hook_ready(struct sess *s)
{
	char buf[32];
	int n;

	if (s->o->pid_file) {
		n = snprintf(buf, sizeof(buf), "%d\n", getpid());
		if (tl_write_file_atomic(s->o->pid_file, buf, (size_t)n, 0644))
			return tl_err_ctx(EIO, "writing the pid file %s: ", s->o->pid_file);
		s->wrote_pid_file = true;
	}
	if (s->o->ready_fd > 0) {
		n = (int)write(s->o->ready_fd, "1", 1);
		close(s->o->ready_fd);
		s->ready_closed = true;
		if (n != 1)
			return tl_err(errno, "telling tailor hook we are ready: %s",
			              strerror(errno));
	}
	return 0;
}

/* ---- record --container ---------------------------------------------------------------- */

static int one_container(struct sess *s, struct tl_rec_result *res)
{
	const struct tl_rec_opts *o = s->o;
	struct ct_info ci = {0};
	struct ct *c;
	uint32_t state;
	unsigned marked = 0;
	uint64_t init_gone = 0, deadline = 0, stopped = 0;
	uint64_t grace = (uint64_t)(o->grace_ms > 0 ? o->grace_ms : 0);
	int64_t left;
	int initfd = -1, err;
	bool init_exited = false;

	err = check_output_file(o->output);
	if (err)
		return err;
	s->cg2mnt = cgroup2_mount();
	err = resolve(o->container, s->cg2mnt, o->hook, &ci);
	if (err)
		goto out;
	err = open_tracer(s, 1, false);
	if (err)
		goto out;
	tl_tracer_set_event_cb(s->tr, on_ct_event, s); /* the init's exec names its command */
	c = &s->cts[0];
	c->used = true;
	snprintf(c->id, sizeof(c->id), "%s", ci.id);
	c->pid = ci.pid;
	c->pidns = ci.pidns;
	c->cgid = ci.cgid;
	c->t0_ms = now_ms();
	c->start = time(NULL);
	/* Not started yet (hook, or `crun create`): recorded from its entrypoint's exec. */
	state = o->hook || ci.created ? TL_MARK_ARMED : TL_MARK_ACTIVE;
	c->attached = state == TL_MARK_ACTIVE;
	c->expect_exec = state == TL_MARK_ARMED;
	if (state == TL_MARK_ACTIVE)
		c->argv = tl_rec_cmdline(ci.pid);
	initfd = pidfd_open_(ci.pid, 0);
	if (initfd < 0) {
		err = tl_err(errno, "container %s: process %d: %s", ci.id, ci.pid, strerror(errno));
		goto out;
	}
	/* The host's pid namespace: no pid 1 to tell its init by, so the kernel is told. */
	if (!ci.pidns)
		s->sk->bss->tl_ct_init_tgid = (uint32_t)ci.pid;
	/* Keys first: a process exec'ing into the container meanwhile is caught in the kernel. */
	if (ci.cgid && (err = add_key(s, TL_CT_KEY_CGROUP, ci.cgid, 0, BPF_ANY)))
		err = tl_err(-err, "registering the container's cgroup: %s", strerror(-err));
	if (!err && ci.pidns && (err = add_key(s, TL_CT_KEY_PIDNS, ci.pidns, 0, BPF_ANY)))
		err = tl_err(-err, "registering the container's pid namespace: %s", strerror(-err));
	if (!err)
		err = ci.tree ? mark_tree(s, 0, ci.pid, state, &marked, 0)
		              : mark_existing(s, 0, ci.pidns, ci.cgid ? ci.cgpath : NULL, state,
		                              &marked);
	if (err)
		goto out;
	if (!o->quiet) {
		char ns[48] = "the host's pid namespace"; /* --pid=host: keyed by its cgroup */

		if (ci.pidns)
			snprintf(ns, sizeof(ns), "pid namespace %u", ci.pidns);
		fprintf(
		    stderr,
		    "tailor record: container %s: init %d, %u task%s marked%s (%s, cgroup %s)\n",
		    ci.id, ci.pid, marked, marked == 1 ? "" : "s",
		    state == TL_MARK_ARMED ? " before its start" : "", ns,
		    ci.cgid ? ci.cgpath : "not its own");
		if (ci.tree)
			fprintf(
			    stderr,
			    "tailor record: container %s: no pid namespace or cgroup2 cgroup of "
			    "its own: its init's process tree is followed (a process exec'd into "
			    "it, runc/crun exec, is not recorded)\n",
			    ci.id);
	}
	err = hook_ready(s);
	if (err)
		goto out;
	if (o->duration_ms > 0)
		deadline = c->t0_ms + (uint64_t)o->duration_ms;

	for (;;) {
		struct pollfd p[3] = {
		    {.fd = s->sigfd, .events = POLLIN},
		    {.fd = initfd, .events = POLLIN},
		    {.fd = tl_tracer_event_fd(s->tr), .events = POLLIN},
		};
		uint64_t now;

		if (poll(p, init_exited ? 1 : 2, CT_POLL_MS) < 0 && errno != EINTR) {
			err = tl_err(errno, "poll: %s", strerror(errno));
			goto out;
		}
		err = tl_tracer_consume(s->tr);
		if (err)
			goto out;
		now = now_ms();
		if (!init_exited && (p[1].revents & (POLLIN | POLLHUP))) {
			init_exited = true;
			init_gone = now;
		}
		if ((p[0].revents & POLLIN) && got_signal(s)) {
			struct pollfd ip = {.fd = initfd, .events = POLLIN};

			/* After the container ended (the hook's poststop): not an interruption,
			 * finish as below. */
			if (!init_exited && poll(&ip, 1, 0) == 1) {
				init_exited = true;
				init_gone = now;
			}
			if (!init_exited) {
				s->interrupted = true;
				break;
			}
			if (!stopped)
				stopped = now;
		}
		if (deadline && now >= deadline) {
			s->timed_out = true;
			break;
		}
		/*
		 * Its init is gone: the kernel kills its pid namespace with it, wait
		 * --grace for the rest.  In the host's pid namespace nothing is
		 * killed: what the init left running (a daemon it forked) is the
		 * container's until it exits or the runtime deletes the container
		 * (the hook's poststop, a signal: then --grace for the rest).
		 */
		if (init_exited && (live_of(s, 0) <= 0 || (ci.pidns && now - init_gone >= grace) ||
		                    (stopped && now - stopped >= grace)))
			break;
	}
	/* still running when the recording stopped, whatever stopped it */
	if ((left = live_of(s, 0)) > 0)
		c->left_running = (uint64_t)left;
	if (init_exited && left > 0 && !s->interrupted && !s->timed_out) {
		if (!o->quiet)
			fprintf(stderr,
			        "tailor record: container %s: its init exited; %lld task(s) still "
			        "ran %s; what they do from now on is not recorded\n",
			        c->id, (long long)left,
			        ci.pidns ? "after --grace (processes that joined its cgroup?)"
			                 : "when the recording stopped");
	}
	/* Not if it was marked before its start: then it is the runtime's own (`runc init`). */
	if (!c->argv && !init_exited && !c->expect_exec)
		c->argv = tl_rec_cmdline(ci.pid);
	err = write_trace(s, c, 0, o->output ? o->output : "-");
	res->interrupted = s->interrupted;
	res->signal = s->signal;
out:
	if (initfd >= 0)
		close(initfd);
	free(ci.cgpath);
	return err;
}

/* ---- record --all-containers ------------------------------------------------------------ */

/*
 * A refused namespace is known by its inode number while a task of it that
 * was seen (pid) is still in it: the kernel reuses the number of a namespace
 * that ended, and the next container that gets it is another one, which
 * must be warned about (and is not "attached": it starts from its exec).
 */
static bool noslot_seen(struct sess *s, uint32_t pidns)
{
	size_t w = 0;
	bool seen = false;

	for (size_t i = 0; i < s->nnoslot; i++) {
		struct noslot *e = &s->noslot[i];

		if (e->pidns == pidns && !seen) {
			if (!task_runs(e->pid, 0) || ns_inum(e->pid, "pid") != pidns)
				continue; /* gone: its number may be another namespace's now */
			seen = true;
		}
		s->noslot[w++] = *e;
	}
	s->nnoslot = w;
	return seen;
}

/* Remember pidns (pid one of its tasks) as refused for want of a slot; false if it already was. */
static bool noslot_add(struct sess *s, uint32_t pidns, pid_t pid)
{
	struct noslot *n;

	if (noslot_seen(s, pidns))
		return false;
	/* its init lives as long as the namespace; a child that exec'ed may not */
	if (!is_ns_init(pid)) {
		pid_t init = ns_init(pidns);

		if (init > 0)
			pid = init;
	}
	n = realloc(s->noslot, (s->nnoslot + 1) * sizeof(*n));
	if (n) {
		s->noslot = n;
		s->noslot[s->nnoslot++] = (struct noslot){.pidns = pidns, .pid = pid};
	}
	return true;
}

/*
 * Refuse a container for want of a slot: say so once per pid namespace.
 * cgroup: its name; NULL for one found running, named as at exec
 * (on_ct_event) by its cgroup's last component.
 */
static void noslot_warn(struct sess *s, pid_t pid, uint32_t pidns, const char *cgroup)
{
	const char *running = cgroup ? "" : "running ";
	char *cg = NULL, *leaf;

	if (!noslot_add(s, pidns, pid))
		return;
	if (!cgroup) {
		cg = proc_cgroup2(pid);
		leaf = cg ? strrchr(cg, '/') : NULL;
		cgroup = leaf && leaf[1] ? leaf + 1 : cg ? cg : "?";
	}
	fprintf(stderr,
	        "tailor record: warning: a %scontainer (pid %d, pid namespace %u, cgroup %s) is "
	        "not recorded: all %u slots are in use (--max-containers)\n",
	        running, (int)pid, pidns, cgroup, s->nslots);
	free(cg);
}

/* Forget pidns (it got a slot, or it ended): the scan for refused containers stops with the last.
 */
static void noslot_drop(struct sess *s, uint32_t pidns)
{
	size_t w = 0;

	for (size_t i = 0; i < s->nnoslot; i++)
		if (s->noslot[i].pidns != pidns)
			s->noslot[w++] = s->noslot[i];
	s->nnoslot = w;
}

/* Name a container: runtime patterns in its cgroups, runtime state, kernel cgroup names. */
static void name_container(struct sess *s, struct ct *c, const char *cg2, const char *cg1)
{
	char id[CT_ID_MAX];

	if (id_from_proc_cgroups(c->pid, id, sizeof(id)) ||
	    rt_find_by_pid(c->pid, id, sizeof(id)) >= 0 ||
	    (cg2 && cg2[0] && id_from_cgroup_path(cg2, id, sizeof(id))) ||
	    (cg1 && cg1[0] && id_from_cgroup_path(cg1, id, sizeof(id))))
		snprintf(c->id, sizeof(c->id), "%s", id);
	else if (cg2 && cg2[0] && !strstr(cg2, ".slice"))
		snprintf(c->id, sizeof(c->id), "%s", cg2);
	else if (cg1 && cg1[0] && !strstr(cg1, ".slice"))
		snprintf(c->id, sizeof(c->id), "%s", cg1);
	else
		snprintf(c->id, sizeof(c->id), "pidns-%u", c->pidns);
	(void)s;
	sanitize_id(c->id);
}

/* attached: it ran before it was marked; created: marked before its entrypoint's exec. */
static void ct_begin(struct sess *s, uint32_t slot, pid_t pid, uint32_t pidns, uint64_t cgid,
                     const char *cg2, const char *cg1, bool attached, bool created)
{
	struct ct *c = &s->cts[slot];

	tl_strv_free(c->argv);
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->pid = pid;
	c->pidns = pidns;
	c->cgid = cgid;
	c->attached = attached || noslot_seen(s, pidns);
	c->expect_exec = created;
	c->t0_ms = now_ms();
	c->start = time(NULL);
	/* created: its init is still the runtime's; its exec (TL_EV_ARGV) names it */
	c->argv = pid && !created ? tl_rec_cmdline(pid) : NULL;
	name_container(s, c, cg2, cg1);
	if (!s->o->quiet)
		fprintf(stderr, "tailor record: container %s (pid %d, pid namespace %u)%s\n", c->id,
		        pid, pidns,
		        c->attached ? ": already running, recorded from now on"
		        : created   ? ": created, not started: recorded from its entrypoint's exec"
		                    : "");
}

static int on_ct_event(void *ctx, const void *data, size_t size)
{
	struct sess *s = ctx;
	uint32_t type;

	memcpy(&type, data, sizeof(type));
	if (type == TL_EV_CONTAINER && size >= sizeof(struct tl_ev_container)) {
		const struct tl_ev_container *e = data;
		char cg2[TL_CT_NAME_MAX + 1], cg1[TL_CT_NAME_MAX + 1];

		snprintf(cg2, sizeof(cg2), "%.*s", TL_CT_NAME_MAX, e->cg2);
		snprintf(cg1, sizeof(cg1), "%.*s", TL_CT_NAME_MAX, e->cg1);
		if (e->target == TL_CT_NO_SLOT) {
			noslot_warn(s, (pid_t)e->pid, e->pidns, cg2[0] ? cg2 : cg1);
			return 0;
		}
		if (e->target < s->nslots) {
			unsigned n = 0;

			ct_begin(s, e->target, (pid_t)e->pid, e->pidns, e->cgroup, cg2, cg1, false,
			         false);
			/*
			 * Refused for want of a slot before: its processes that ran
			 * meanwhile (its init) are marked here, the kernel marked only
			 * the one whose exec brought the slot.
			 */
			if (noslot_seen(s, e->pidns) &&
			    mark_existing(s, e->target, e->pidns, NULL, TL_MARK_ACTIVE, &n))
				fprintf(
				    stderr,
				    "tailor record: warning: container %s: its running processes "
				    "are not all recorded: %s\n",
				    s->cts[e->target].id, tl_err_msg());
			noslot_drop(s, e->pidns);
		}
	} else if (type == TL_EV_ARGV && size >= sizeof(struct tl_ev_argv)) {
		const struct tl_ev_argv *e = data;
		struct ct *c = e->target < s->nslots ? &s->cts[e->target] : NULL;
		char **argv;

		/*
		 * Its init exec'ed: the container's command is what it runs now
		 * (the runtime's `runc init` execs the entrypoint after the
		 * container was found).  Not pid 1 of a nested namespace.
		 */
		size_t len = e->len < TL_ARGV_MAX ? e->len : TL_ARGV_MAX;

		if (c && c->used && (pid_t)e->pid == c->pid && len) {
			/* cut at TL_ARGV_MAX (a long classpath): the whole of it while it lives */
			argv =
			    len == TL_ARGV_MAX && e->data[len - 1] ? tl_rec_cmdline(c->pid) : NULL;
			if (!argv)
				argv = tl_strv_from_nul(e->data, len);
			if (argv) {
				tl_strv_free(c->argv);
				c->argv = argv;
			}
		}
	} else if (type == TL_EV_IDLE && size >= sizeof(struct tl_ev_idle)) {
		const struct tl_ev_idle *e = data;

		if (e->target < s->nslots && s->cts[e->target].used &&
		    !s->cts[e->target].idle_since)
			s->cts[e->target].idle_since = now_ms();
	}
	return 0;
}

/* DIR/ID.json, or DIR/ID-N.json when this session already wrote ID. */
static char *trace_path(struct sess *s, const char *id)
{
	char name[CT_ID_MAX + 16], *path;
	char **w;

	for (unsigned n = 1;; n++) {
		bool dup = false;

		if (n == 1)
			snprintf(name, sizeof(name), "%s.json", id);
		else
			snprintf(name, sizeof(name), "%s-%u.json", id, n);
		for (size_t i = 0; i < s->nwritten && !dup; i++)
			dup = !strcmp(s->written[i], name);
		if (!dup)
			break;
	}
	w = realloc(s->written, (s->nwritten + 1) * sizeof(*w));
	if (!w)
		return NULL;
	s->written = w;
	if (!(w[s->nwritten] = strdup(name)))
		return NULL;
	s->nwritten++;
	if (asprintf(&path, "%s/%s", s->o->output, name) < 0)
		return NULL;
	return path;
}

/* Write a container's trace, clear its slot and give it back to the kernel. */
static int ct_finish(struct sess *s, uint32_t slot)
{
	struct ct *c = &s->cts[slot];
	char *path;
	int err;

	tl_tracer_consume(s->tr);
	del_keys(s, slot);
	path = trace_path(s, c->id);
	if (!path)
		return tl_err(ENOMEM, "out of memory");
	err = write_trace(s, c, slot, path);
	if (err) /* keep recording the others */
		fprintf(stderr, "tailor record: container %s: %s\n", c->id, tl_err_msg());
	else if (!s->o->quiet)
		fprintf(stderr, "tailor record: container %s %s: %s\n", c->id,
		        s->interrupted || s->timed_out ? "still running, written (incomplete)"
		                                       : "ended",
		        path);
	free(path);
	tl_strv_free(c->argv);
	memset(c, 0, sizeof(*c));
	err = tl_tracer_reset_target(s->tr, slot);
	if (!err &&
	    bpf_map_update_elem(bpf_map__fd(s->sk->maps.tl_free_slots), NULL, &slot, BPF_ANY))
		err = tl_err(errno, "returning slot %u to the kernel: %s", slot, strerror(errno));
	return err;
}

/* Slots the kernel gave out whose TL_EV_CONTAINER record was lost (ring buffer full). */
static void adopt_lost(struct sess *s)
{
	int fd = bpf_map__fd(s->sk->maps.tl_ctargets);
	struct tl_ct_key key, next;
	bool first = true;
	uint32_t v;

	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &v) || v >= s->nslots || s->cts[v].used ||
		    key.kind != TL_CT_KEY_PIDNS)
			continue;
		ct_begin(s, v, ns_init((uint32_t)key.id), (uint32_t)key.id, 0, NULL, NULL, false,
		         false);
	}
}

/* Containers running before tailor: one slot per pid namespace, recorded from now on. */
static int adopt_running(struct sess *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int qfd = bpf_map__fd(s->sk->maps.tl_free_slots), err = 0;
	uint32_t *inits = NULL; /* the namespaces whose init runs: refused ones not here ended */
	size_t ninits = 0, w = 0;
	bool all_seen = true;

	if (!d)
		return tl_err(errno, "reading /proc: %s", strerror(errno));
	while (!err && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		uint32_t ns, slot, *v;
		unsigned n = 0;
		bool created;
		int r;

		if (pid <= 0)
			continue;
		ns = ns_inum(pid, "pid");
		if (!ns || ns == s->host_pidns)
			continue;
		/*
		 * Through its init, which must still run: the kernel forgets a
		 * namespace's key when its init exits, so a key for a dead init
		 * would stay and catch a new namespace that reuses the number.
		 */
		if (!is_ns_init(pid) || !task_runs(pid, 0))
			continue;
		v = realloc(inits, (ninits + 1) * sizeof(*v));
		if (v) {
			inits = v;
			inits[ninits++] = ns;
		} else {
			all_seen = false;
		}
		/* a namespace already has a slot if its key exists */
		if (!bpf_map_lookup_elem(bpf_map__fd(s->sk->maps.tl_ctargets),
		                         &(struct tl_ct_key){.kind = TL_CT_KEY_PIDNS, .id = ns},
		                         &slot))
			continue;
		if (bpf_map_lookup_and_delete_elem(qfd, NULL, &slot)) {
			noslot_warn(s, pid, ns, NULL);
			continue;
		}
		r = add_key(s, TL_CT_KEY_PIDNS, ns, slot, BPF_NOEXIST);
		if (r) {
			bpf_map_update_elem(qfd, NULL, &slot, BPF_ANY);
			continue; /* the kernel registered it meanwhile */
		}
		if (!task_runs(pid, 0)) { /* its init exited before the key was in */
			del_keys(s, slot);
			bpf_map_update_elem(qfd, NULL, &slot, BPF_ANY);
			continue;
		}
		created = rt_created(pid);
		ct_begin(s, slot, pid, ns, 0, NULL, NULL, !created, created);
		noslot_drop(s, ns);
		err =
		    mark_existing(s, slot, ns, NULL, created ? TL_MARK_ARMED : TL_MARK_ACTIVE, &n);
		if (!err && !n) /* all gone meanwhile */
			s->cts[slot].idle_since = now_ms();
	}
	closedir(d);
	for (size_t k = 0; k < s->nnoslot && all_seen && !err; k++) {
		bool runs = false;

		for (size_t m = 0; m < ninits && !runs; m++)
			runs = inits[m] == s->noslot[k].pidns;
		if (runs)
			s->noslot[w++] = s->noslot[k];
	}
	if (all_seen && !err)
		s->nnoslot = w;
	free(inits);
	return err;
}

/* NSpid has one field: tailor runs in the initial pid namespace (hostPID). */
static bool in_root_pidns(void)
{
	char *st = slurp("/proc/self/status"), *l = st ? strstr(st, "\nNSpid:") : NULL;
	bool root = true;

	if (l) {
		l += 7;
		l[strcspn(l, "\n")] = 0;
		root = strchr(l + strspn(l, "\t"), '\t') == NULL;
	}
	free(st);
	return root;
}

static int all_containers(struct sess *s)
{
	const struct tl_rec_opts *o = s->o;
	uint64_t deadline = 0, last_scan = 0;
	int err;

	if (!o->output || !strcmp(o->output, "-"))
		return tl_err(EINVAL,
		              "--all-containers writes one trace per container: give -o DIR");
	/* Made if missing (not its parents), private: traces name files and arguments. */
	if (mkdir(o->output, 0700) && errno != EEXIST)
		return tl_err(errno, "--all-containers: creating the output directory %s: %s",
		              o->output, strerror(errno));
	err = check_writable_dir(o->output, "--all-containers: output directory");
	if (err)
		return err;
	err = open_tracer(s, o->max_containers ? o->max_containers : CT_DEFAULT_SLOTS, true);
	if (err)
		return err;
	if (!in_root_pidns())
		fprintf(stderr, "tailor record: warning: tailor is not in the host's pid namespace "
		                "(Kubernetes: hostPID: true): containers are told apart from "
		                "tailor's own namespace\n");
	tl_tracer_set_event_cb(s->tr, on_ct_event, s);
	err = adopt_running(s); /* the tracer filled the free slot queue before attaching */
	if (err)
		return err;
	err = hook_ready(s);
	if (err)
		return err;
	if (!o->quiet)
		fprintf(stderr,
		        "tailor record: recording every container into %s/ (%u slot%s; one in the "
		        "host's pid namespace is not detected: record it with --container ID)\n",
		        o->output, s->nslots, s->nslots == 1 ? "" : "s");
	if (o->duration_ms > 0)
		deadline = s->t0_ms + (uint64_t)o->duration_ms;
	for (;;) {
		struct pollfd p[2] = {
		    {.fd = s->sigfd, .events = POLLIN},
		    {.fd = tl_tracer_event_fd(s->tr), .events = POLLIN},
		};
		uint64_t now;

		if (poll(p, 2, CT_POLL_MS) < 0 && errno != EINTR)
			return tl_err(errno, "poll: %s", strerror(errno));
		err = tl_tracer_consume(s->tr);
		if (err)
			return err;
		if ((p[0].revents & POLLIN) && got_signal(s)) {
			s->interrupted = true;
			break;
		}
		now = now_ms();
		if (deadline && now >= deadline) {
			s->timed_out = true;
			break;
		}
		if (now - last_scan >= CT_SCAN_MS) {
			adopt_lost(s);
			/*
			 * A container refused for want of a slot gets one that freed
			 * while it runs, even if it execs nothing more (its init waits).
			 */
			if (s->nnoslot)
				err = adopt_running(s);
			last_scan = now;
		}
		if (err)
			return err;
		for (uint32_t i = 0; i < s->nslots && !err; i++) {
			struct ct *c = &s->cts[i];

			if (!c->used)
				continue;
			if (live_of(s, i) > 0) {
				c->idle_since = 0;
				continue;
			}
			if (!c->idle_since)
				c->idle_since = now;
			else if (now - c->idle_since >= CT_IDLE_MS)
				err = ct_finish(s, i);
		}
		if (err)
			return err;
	}
	/* Still running at the end: written, marked incomplete. */
	for (uint32_t i = 0; i < s->nslots && !err; i++)
		if (s->cts[i].used)
			err = ct_finish(s, i);
	return err;
}

int tl_rec_containers(const struct tl_rec_opts *o, struct tl_rec_result *res)
{
	struct sess s = {.o = o, .sigfd = -1};
	sigset_t oldmask;
	bool masked = false;
	int err;

	memset(res, 0, sizeof(*res));
	s.t0_ms = now_ms();
	if (o->container && o->all_containers)
		return tl_err(EINVAL, "--container and --all-containers exclude each other");
	err = setup_signals(&s, &oldmask);
	if (err)
		goto out;
	masked = true;
	err = o->all_containers ? all_containers(&s) : one_container(&s, res);
	res->interrupted = s.interrupted;
	res->signal = s.signal;
out:
	if (s.wrote_pid_file)
		unlink(o->pid_file);
	if (o->ready_fd > 0 && !s.ready_closed)
		close(o->ready_fd); /* EOF before "1": tailor hook reports the failure */
	sess_free(&s);
	if (masked)
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return err;
}
