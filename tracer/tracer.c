// SPDX-License-Identifier: Apache-2.0
/*
 * Load/attach the BPF recorder, mark targets, drain exec and callsite
 * events and build a trace from the kernel maps: syscall counts, errnos,
 * argument values, capability checks, sockets, exec records, callsites.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tailor/common.h"
#include "tailor/events.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"
#include "recorder.skel.h"
#include "tracer_int.h"

_Static_assert(TL_EV_ARGVALS_MAX == TL_ARGVALS_MAX, "events.h and trace.h disagree");
_Static_assert(TL_EV_ABI_N == TL_ABI_COUNT, "events.h and trace.h disagree");

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* 6.9+: a pidfd for one thread */
#endif

#define BTF_PATH "/sys/kernel/btf/vmlinux"

struct exec_rec {
	uint64_t old_image, new_image;
	char *path;
	uint32_t target;
	bool running; /* not an exec: a program already running when it was marked */
};

struct tl_tracer {
	struct recorder_bpf *skel;
	struct ring_buffer *rb;
	int ncpus;
	uint32_t ntargets;
	char *initial_program;
	size_t nexecs, cap_execs;
	struct exec_rec *execs;
	struct tl_callsites *callsites;
	bool has_caps;          /* capability:cap_capable attached */
	bool has_stacks;        /* user stacks captured */
	bool own_root;          /* targets share tailor's root (not containers) */
	struct tl_files *files; /* file accesses (tracer/files.c), NULL when not recorded */
	int oom;                /* exec records dropped in user space for lack of memory */
	int cs_oom;             /* callsite records dropped in user space for lack of memory */
	uint64_t next_running;  /* image ids of running programs (exec_rec.running) */
	int kinfo_prog;         /* held until the end (tl_kinfo_query), -1: none */

	/* containers (tracer/container.c): its ring buffer records, counters at slot reuse */
	tl_tracer_event_fn ev_cb;
	void *ev_ctx;
	uint64_t (*stat_base)[TL_STAT_N];
};

/* ---- libbpf messages: silent unless verbose; keep what explains a failure */

static bool print_verbose;
/* Per thread: the file recorder loads in its own (tracer/files.c). */
static __thread char load_fail[512]; /* "prog 'x': BPF program load failed: why" */
static __thread char verifier_last[512];
static __thread char last_msg[512];

static void keep_line(char *dst, size_t n, const char *src, size_t len)
{
	while (len && (src[len - 1] == '\n' || src[len - 1] == ' '))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[8192];
	const char *p, *end;
	int n;

	if (print_verbose)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n <= 0)
		return 0;
	keep_line(last_msg, sizeof(last_msg), buf, strcspn(buf, "\n"));
	if ((p = strstr(buf, "BPF program load failed")) && !load_fail[0]) {
		/* "libbpf: prog 'x': BPF program load failed: why" -> "prog 'x': ...why" */
		const char *q = strstr(buf, "prog '");

		q = q && q < p ? q : buf;
		keep_line(load_fail, sizeof(load_fail), q, strcspn(q, "\n"));
	}
	/* The verifier log comes as one message; its last real line says why. */
	if ((p = strstr(buf, "-- BEGIN PROG LOAD LOG --"))) {
		end = strstr(p, "-- END PROG LOAD LOG --");
		if (!end)
			end = buf + strlen(buf);
		for (;;) {
			const char *ls;

			while (end > p && (end[-1] == '\n' || end[-1] == ' '))
				end--;
			ls = end;
			while (ls > p && ls[-1] != '\n')
				ls--;
			if (ls <= p || end == ls)
				break;
			/* skip the statistics trailer */
			if (strncmp(ls, "processed ", 10) && strncmp(ls, "verification time", 17)) {
				keep_line(verifier_last, sizeof(verifier_last), ls, end - ls);
				break;
			}
			end = ls;
		}
	}
	return 0;
}

/* ---- environment --------------------------------------------------------- */

static bool has_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};
	uint64_t eff;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ULL << 39 /* CAP_BPF */)) && (eff & (1ULL << 38 /* CAP_PERFMON */));
}

/* The "Seccomp:" mode of /proc/self/status: 0 none, 1 strict, 2 filter; -1 unknown. */
static int seccomp_mode(void)
{
	char line[128];
	int mode = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

/*
 * bpf(2) itself, with the capabilities in hand: a container runtime's default
 * seccomp profile may refuse it (podman's does without CAP_SYS_ADMIN; moby's
 * allows CAP_BPF), and the recorder's load would only say EPERM.
 */
static int check_bpf_syscall(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	int err = fd < 0 ? errno : 0;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (err == EPERM && seccomp_mode() == 2)
		return tl_err(EPERM,
		              "bpf(2) is refused (EPERM) and tailor runs under a seccomp filter: "
		              "a container runtime's default profile refuses bpf(2) (podman's "
		              "does without CAP_SYS_ADMIN); run tailor's container with seccomp "
		              "unconfined (podman: --security-opt seccomp=unconfined; Kubernetes: "
		              "seccompProfile type Unconfined)");
	return tl_err(err, "bpf(2) is refused: %s (kernel lockdown, or an LSM policy?)",
	              strerror(err));
}

int tl_tracer_check_env(void)
{
	if (!has_caps())
		return tl_err(EPERM,
		              "recording needs root or CAP_BPF+CAP_PERFMON (running as uid %u "
		              "without them)",
		              (unsigned)geteuid());
	if (access(BTF_PATH, R_OK))
		return tl_err(ENOENT,
		              "kernel BTF not found at %s: %s (the kernel needs "
		              "CONFIG_DEBUG_INFO_BTF=y)",
		              BTF_PATH, strerror(errno));
	return check_bpf_syscall();
}

/* ---- open / close ---------------------------------------------------------- */

/*
 * A script's exec record is the string given to execve joined to its
 * directory (the kernel has released the script's file by then): a symlink
 * in it is not resolved, where AppArmor checks the file it leads to
 * (/usr/bin/which is /usr/bin/which.debianutils).  Resolved here in the
 * process's root (its chroot or container) while the process, now the
 * interpreter, still runs; NULL when it cannot be (the string stays).
 */
static char *resolve_in_root(uint32_t pid, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
	char proc[64], got[PATH_MAX], root[PATH_MAX];
	ssize_t n, rn;
	size_t rl;
	int rfd, fd;

	snprintf(proc, sizeof(proc), "/proc/%u/root", pid);
	rfd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return NULL;
	rn = readlink(proc, root, sizeof(root) - 1);
	fd = (int)syscall(SYS_openat2, rfd, path, &how, sizeof(how));
	close(rfd);
	if (fd < 0 || rn <= 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	root[rn] = '\0';
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, got, sizeof(got) - 1);
	close(fd);
	if (n <= 0 || (size_t)n >= sizeof(got) - 1)
		return NULL;
	got[n] = '\0';
	rl = strcmp(root, "/") ? strlen(root) : 0;
	/* outside the root as we see it, or deleted meanwhile: keep the string */
	if (got[0] != '/' || strncmp(got, root, rl) || (got[rl] && got[rl] != '/') ||
	    (n > 10 && !strcmp(got + n - 10, " (deleted)")))
		return NULL;
	return strdup(got[rl] ? got + rl : "/");
}

/* A script's directory (resolved by the kernel) and its name as given, not normalised. */
static char *raw_script_path(const struct tl_ev_path *p, const char *data)
{
	struct tl_ev_path dir = *p;
	char *dpath, *out = NULL;

	if (data[0] == '/')
		return strndup(data, p->name_len);
	dir.name_len = 0;
	dpath = tl_kpath_build(&dir, data + p->name_len);
	if (!dpath || dpath[0] != '/' ||
	    asprintf(&out, "%s/%.*s", strcmp(dpath, "/") ? dpath : "", (int)p->name_len, data) < 0)
		out = NULL;
	free(dpath);
	return out;
}

/* Room for one more exec record: 0 or -ENOMEM. */
static int execs_reserve(struct tl_tracer *t)
{
	size_t cap = t->cap_execs ? t->cap_execs * 2 : 64;
	struct exec_rec *v;

	if (t->nexecs < t->cap_execs)
		return 0;
	v = realloc(t->execs, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->execs = v;
	t->cap_execs = cap;
	return 0;
}

/* An exec record: the program's path as the kernel resolved it (tracer/kpath.c). */
static int on_exec(struct tl_tracer *t, const void *data, size_t size)
{
	struct tl_ev_exec e;
	const char *d = (const char *)data + sizeof(e);
	struct exec_rec *r;

	memcpy(&e, data, sizeof(e));
	if (!tl_kpath_valid(&e.path, d, size - sizeof(e)))
		return 0;

	if (execs_reserve(t)) {
		t->oom++;
		return 0;
	}
	r = &t->execs[t->nexecs];
	r->old_image = e.old_image;
	r->new_image = e.new_image;
	r->target = e.target;
	r->running = false;
	r->path = tl_kpath_build(&e.path, d);
	if (!r->path) {
		t->oom++;
		return 0;
	}
	/*
	 * A script's name, given as a string: its symlinks resolved
	 * (resolve_in_root); a short script may be gone already: then in our
	 * root, which a command's or --pid's targets share unless they chroot.
	 */
	if (e.path.name_len && r->path[0] == '/') {
		char *raw = raw_script_path(&e.path, d), *real;

		/* the string as given: ".." after a symlink is the link's parent's */
		real = resolve_in_root(e.pid, raw ? raw : r->path);
		if (!real && t->own_root && !(e.path.flags & TL_PATHF_CHROOT))
			real = realpath(raw ? raw : r->path, NULL);
		free(raw);
		if (real) {
			free(r->path);
			r->path = real;
		}
	}
	t->nexecs++;
	if (tl_callsites_hint(t->callsites, r->path))
		t->cs_oom++;
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tl_tracer *t = ctx;
	uint32_t type;

	if (size < sizeof(type))
		return 0;
	memcpy(&type, data, sizeof(type));
	if (type == TL_EV_EXEC && size >= sizeof(struct tl_ev_exec))
		return on_exec(t, data, size);
	if (type == TL_EV_CALLSITE && size >= sizeof(struct tl_ev_callsite) &&
	    tl_callsites_on_event(t->callsites, data))
		t->cs_oom++;
	if ((type == TL_EV_CONTAINER || type == TL_EV_IDLE || type == TL_EV_ARGV) && t->ev_cb)
		return t->ev_cb(t->ev_ctx, data, size);
	return 0;
}

/*
 * Address ranges of the kernel functions that make NOAUDIT capability checks
 * (events.h), into .bss after load (tracer/kinfo.c).  Without readable
 * kallsyms (kptr_restrict=2) nothing is filtered.
 */
static void fill_cap_noaudit(struct tl_tracer *t, struct tl_kinfo *ki)
{
	if (!ki->noaudit_known)
		tl_kinfo_noaudit_kallsyms(ki);
	memcpy(t->skel->bss->tl_cap_noaudit, ki->noaudit, ki->nnoaudit * sizeof(ki->noaudit[0]));
}

struct tl_kbtf_obj tl_recorder_object(void)
{
	struct tl_kbtf_obj o;

	o.elf = recorder_bpf__elf_bytes(&o.size);
	return o;
}

/*
 * Has the kernel tracepoint NAME (BTF type btf_trace_NAME)?  When kinfo could
 * not tell.  The BTF kbtf.c gives holds it for every tp_btf program.
 */
static bool kernel_has_tracepoint(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char type[64];
	bool found;

	if (!btf)
		return true; /* cannot tell: let the load say */
	snprintf(type, sizeof(type), "btf_trace_%s", name);
	found = btf__find_by_name_kind(btf, type, BTF_KIND_TYPEDEF) >= 0;
	btf__free(btf);
	return found;
}

static int attach_all(struct tl_tracer *t)
{
	/* Inheritance and exec first, so no descendant escapes; syscalls last. */
	struct bpf_program *progs[] = {
	    t->skel->progs.tl_fork,       t->skel->progs.tl_prepare,
	    t->skel->progs.tl_prepare_ct, t->skel->progs.tl_exec,
	    t->skel->progs.tl_exec_ct,    t->skel->progs.tl_exit,
	    t->skel->progs.tl_exit_ct,    t->skel->progs.tl_cap,
	    t->skel->progs.tl_sys_exit,   t->skel->progs.tl_sys_exit_task,
	};
	struct bpf_link **links[] = {
	    &t->skel->links.tl_fork,       &t->skel->links.tl_prepare,
	    &t->skel->links.tl_prepare_ct, &t->skel->links.tl_exec,
	    &t->skel->links.tl_exec_ct,    &t->skel->links.tl_exit,
	    &t->skel->links.tl_exit_ct,    &t->skel->links.tl_cap,
	    &t->skel->links.tl_sys_exit,   &t->skel->links.tl_sys_exit_task,
	};

	for (size_t i = 0; i < TL_ARRAY_SIZE(progs); i++) {
		struct bpf_link *link;

		if (!bpf_program__autoload(progs[i]))
			continue;
		link = bpf_program__attach(progs[i]);

		if (!link) {
			int err = errno;

			return tl_err(err, "attaching BPF program '%s' (%s) failed: %s%s%s",
			              bpf_program__name(progs[i]),
			              bpf_program__section_name(progs[i]), strerror(err),
			              last_msg[0] ? ": " : "", last_msg);
		}
		*links[i] = link;
	}
	return 0;
}

/* Does file hold the string what?  (A file it cannot read: no.) */
static bool file_has(const char *file, const char *what)
{
	char buf[4096];
	bool found = false;
	FILE *f = fopen(file, "re");

	if (!f)
		return false;
	while (!found && fgets(buf, sizeof(buf), f))
		found = strstr(buf, what) != NULL;
	fclose(f);
	return found;
}

/*
 * The recorder's test for tasks that are not targets (tl_sys_exit or
 * tl_sys_exit_task, recorder.bpf.c): the task's storage pointer where every
 * kernel entry flushes the TLB (page-table isolation without PCID: a map
 * load is a page walk there), its tl_slots entry elsewhere.
 * TAILOR_HOT_FILTER=task|regs chooses (bench/, tests).
 */
static int hot_filter_task(bool *task)
{
	const char *env = getenv("TAILOR_HOT_FILTER");

	if (env && *env) {
		if (strcmp(env, "task") && strcmp(env, "regs"))
			return tl_err(EINVAL, "TAILOR_HOT_FILTER is '%s': it must be task or regs",
			              env);
		*task = !strcmp(env, "task");
		return 0;
	}
	*task = file_has("/sys/devices/system/cpu/vulnerabilities/meltdown", "PTI") &&
	        !file_has("/proc/cpuinfo", " pcid");
	return 0;
}

/* Containers and --after-seccomp (tracer/container.c): before load. */
static int set_container_cfg(struct tl_tracer *t, const struct tl_tracer_opts *o)
{
	int err = 0;

	if ((o->containers || o->all_containers) && t->ntargets > TL_LIVE_MAX)
		return tl_err(EINVAL, "at most %u container targets (asked for %u)", TL_LIVE_MAX,
		              t->ntargets);
	t->skel->rodata->tl_cfg_containers = o->containers || o->all_containers;
	t->skel->rodata->tl_cfg_all_containers = o->all_containers;
	t->skel->rodata->tl_cfg_after_seccomp = o->after_seccomp;
	if (o->all_containers)
		err = bpf_map__set_max_entries(t->skel->maps.tl_free_slots, t->ntargets);
	if (err)
		return tl_err(-err, "sizing the free slot queue: %s", strerror(-err));
	t->stat_base = calloc(t->ntargets, sizeof(*t->stat_base));
	return t->stat_base ? 0 : tl_err(ENOMEM, "out of memory");
}

/* File accesses are optional, like caps: the rest still records; the trace says so. */
static void files_off(struct tl_tracer *t)
{
	fprintf(stderr,
	        "tailor: note: file accesses are not recorded (no \"files\" in the trace): %s\n",
	        tl_err_msg());
	tl_err_clear();
	t->files = NULL;
}

/*
 * Create the recorder's hashes and arrays before its load: the load first
 * waits for the kernel's BTF, parsed in a thread (kbtf.c), and libbpf would
 * create them only after it (~10 ms, most of it preallocating the hashes).
 * Without their BTF types: plain hashes and arrays need none.  A map that
 * cannot be created here is left to libbpf, which says why it fails.
 */
static void precreate_maps(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
	{
		enum bpf_map_type type = bpf_map__type(m);
		int fd;

		if ((type != BPF_MAP_TYPE_HASH && type != BPF_MAP_TYPE_ARRAY) ||
		    bpf_map__is_internal(m) || bpf_map__fd(m) >= 0)
			continue;
		LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = bpf_map__map_flags(m));
		fd = bpf_map_create(type, bpf_map__name(m), bpf_map__key_size(m),
		                    bpf_map__value_size(m), bpf_map__max_entries(m), &opts);
		if (fd < 0)
			continue;
		bpf_map__reuse_fd(m, fd); /* dups it */
		close(fd);
	}
}

int tl_tracer_open(const struct tl_tracer_opts *o, struct tl_tracer **out)
{
	struct tl_kinfo ki = {.shared = {.marks = -1, .handoff = -1}};
	struct tl_kbtf_obj objs[3];
	bool want_files = !(o && o->no_files), files_started = false, task_filter = false;
	struct tl_tracer *t;
	int err;

	*out = NULL;
	print_verbose = o && o->verbose;
	load_fail[0] = verifier_last[0] = last_msg[0] = 0;
	libbpf_set_print(libbpf_print);

	t = calloc(1, sizeof(*t));
	if (!t)
		return tl_err(ENOMEM, "out of memory");
	t->kinfo_prog = -1;
	t->own_root = !(o && (o->containers || o->all_containers));
	t->ntargets = o && o->max_targets ? o->max_targets : 1;
	t->has_stacks = !(o && o->no_stacks);
	err = tl_argtable_check();
	if (err)
		goto out;
	err = tl_callsites_new(&t->callsites);
	if (err)
		goto out;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		err = tl_err(-t->ncpus, "cannot count possible CPUs: %s", strerror(-t->ncpus));
		goto out;
	}
	objs[0] = tl_recorder_object();
	objs[1] = tl_files_object();
	objs[2] = tl_kinfo_object();
	tl_kbtf_prepare(objs, 3); /* the kernel's BTF is read meanwhile (kbtf.c) */
	t->skel = recorder_bpf__open();
	if (!t->skel) {
		err = tl_err(errno, "opening the BPF recorder failed: %s%s%s", strerror(errno),
		             last_msg[0] ? ": " : "", last_msg);
		goto out;
	}
	err = bpf_map__set_max_entries(t->skel->maps.tl_counts,
	                               t->ntargets * (uint32_t)t->ncpus * TL_TARGET_SLOTS);
	if (!err)
		err = bpf_map__set_max_entries(t->skel->maps.tl_argcnt,
		                               t->ntargets * TL_TARGET_SLOTS * TL_ARGS_PER_CALL);
	if (!err)
		err = bpf_map__set_max_entries(t->skel->maps.tl_first,
		                               t->ntargets * TL_TARGET_SLOTS / 64);
	if (!err && t->ntargets > 1)
		err = bpf_map__set_max_entries(t->skel->maps.tl_argseen,
		                               16384 * (t->ntargets < 16 ? t->ntargets : 16));
	if (err) {
		err = tl_err(-err, "sizing the recorder's maps: %s", strerror(-err));
		goto out;
	}
	t->skel->rodata->tl_cfg_stacks = t->has_stacks;
	t->skel->rodata->tl_cfg_ncpus = (uint32_t)t->ncpus;
	err = hot_filter_task(&task_filter);
	if (err)
		goto out;
	bpf_program__set_autoload(
	    task_filter ? t->skel->progs.tl_sys_exit : t->skel->progs.tl_sys_exit_task, false);
	/* One of each pair (recorder.bpf.c): the container code only for containers. */
	{
		bool ct = o && (o->containers || o->all_containers);

		bpf_program__set_autoload(t->skel->progs.tl_exec, !ct);
		bpf_program__set_autoload(t->skel->progs.tl_exit, !ct);
		bpf_program__set_autoload(t->skel->progs.tl_exec_ct, ct);
		bpf_program__set_autoload(t->skel->progs.tl_exit_ct, ct);
		bpf_program__set_autoload(t->skel->progs.tl_prepare, !ct);
		bpf_program__set_autoload(t->skel->progs.tl_prepare_ct, ct);
	}
	if (o && (o->containers || o->all_containers || o->after_seccomp)) {
		err = set_container_cfg(t, o);
		if (err)
			goto out;
	}
	tl_kinfo_query(&ki);
	t->kinfo_prog = ki.prog;
	/* kinfo's failure is not the recorder's */
	load_fail[0] = verifier_last[0] = last_msg[0] = 0;
	t->has_caps =
	    ki.cap_tracepoint >= 0 ? ki.cap_tracepoint : kernel_has_tracepoint("cap_capable");
	if (!t->has_caps) {
		bpf_program__set_autoload(t->skel->progs.tl_cap, false);
		fprintf(stderr,
		        "tailor: note: this kernel has no capability:cap_capable tracepoint "
		        "(Linux 6.x); capability checks are not recorded (no \"caps\" in the "
		        "trace)\n");
	}
	if (!(ki.prepare_tracepoint >= 0 ? ki.prepare_tracepoint
	                                 : kernel_has_tracepoint("sched_prepare_exec"))) {
		bpf_program__set_autoload(t->skel->progs.tl_prepare, false);
		bpf_program__set_autoload(t->skel->progs.tl_prepare_ct, false);
		fprintf(stderr,
		        "tailor: note: this kernel has no sched:sched_prepare_exec tracepoint "
		        "(Linux 6.10); an exec is recorded as the new program's execve "
		        "(execveat as execve, and in the new program's ABI)\n");
	}
	if (ki.shared.marks >= 0) {
		/* Maps made by kinfo: the file recorder loads (thread) while this one does. */
		err = bpf_map__reuse_fd(t->skel->maps.tl_marks, ki.shared.marks);
		if (!err)
			err = bpf_map__reuse_fd(t->skel->maps.tl_handoff, ki.shared.handoff);
		if (err) {
			err = tl_err(-err, "sharing the maps the file recorder reads: %s",
			             strerror(-err));
			goto out;
		}
		if (want_files) {
			files_started = true;
			if (tl_files_start(&ki.shared, &t->files))
				files_off(t);
		}
	}
	precreate_maps(t->skel->obj);
	err = recorder_bpf__load(t->skel);
	if (err) {
		if (load_fail[0])
			err = tl_err(-err, "loading the BPF recorder failed: %s%s%s", load_fail,
			             verifier_last[0] ? "; verifier: " : "", verifier_last);
		else
			err = tl_err(-err, "loading the BPF recorder failed: %s%s%s",
			             strerror(-err), last_msg[0] ? ": " : "", last_msg);
		goto out;
	}
	err = tl_argtable_fill(bpf_map__fd(t->skel->maps.tl_argspec));
	if (err)
		goto out;
	/* --all-containers: every slot free before the first exec is seen. */
	for (uint32_t i = 0; o && o->all_containers && i < t->ntargets; i++)
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.tl_free_slots), NULL, &i,
		                        BPF_ANY)) {
			err = tl_err(errno, "filling the free slot queue: %s", strerror(errno));
			goto out;
		}
	if (t->has_caps)
		fill_cap_noaudit(t, &ki);
	err = attach_all(t);
	if (err)
		goto out;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.tl_events), on_event, t, NULL);
	if (!t->rb) {
		err = tl_err(errno, "creating the event ring buffer reader: %s", strerror(errno));
		goto out;
	}
	if (want_files) {
		/* No target is marked yet: the tail-call slot may be filled now. */
		int progs_fd = bpf_map__fd(t->skel->maps.tl_file_progs);
		int spec_fd = bpf_map__fd(t->skel->maps.tl_argspec);

		struct tl_shared_maps shared = {bpf_map__fd(t->skel->maps.tl_marks),
		                                bpf_map__fd(t->skel->maps.tl_handoff)};

		if (!files_started)
			err = tl_files_open(&shared, progs_fd, spec_fd, t->rb, &t->files);
		else if (t->files)
			err = tl_files_finish(t->files, progs_fd, spec_fd, t->rb);
		if (err)
			files_off(t);
	}
	*out = t;
	t = NULL;
	err = 0;
out:
	tl_shared_maps_close(&ki.shared);
	tl_tracer_close(t);
	return err;
}

void tl_tracer_close(struct tl_tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	tl_files_free(t->files);
	recorder_bpf__destroy(t->skel);
	if (t->kinfo_prog >= 0)
		close(t->kinfo_prog); /* after the detach: see tl_kinfo_query */
	tl_callsites_free(t->callsites);
	for (size_t i = 0; i < t->nexecs; i++)
		free(t->execs[i].path);
	free(t->execs);
	free(t->initial_program);
	free(t->stat_base);
	free(t);
}

/* ---- marking ---------------------------------------------------------------- */

/*
 * Run one of the recorder's task iterators (tl_index, tl_inflight) over every
 * task: it prints nothing, reading to the end runs it.
 */
static int run_task_iter(struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);
	int fd = link ? bpf_iter_create(bpf_link__fd(link)) : -1, err = 0;
	char buf[256];
	ssize_t n;

	if (fd < 0) {
		err = errno;
	} else {
		while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			;
		if (n < 0)
			err = errno;
		close(fd);
	}
	bpf_link__destroy(link);
	return err ? tl_err(err, "running the BPF task iterator '%s': %s", bpf_program__name(prog),
	                    strerror(err))
	           : 0;
}

/*
 * Tasks marked from user space pass the recorder's first filter only once
 * indexed (recorder.bpf.c, tl_slots): after every marking.
 */
int tl_tracer_index_marks(struct tl_tracer *t)
{
	return run_task_iter(t->skel->progs.tl_index);
}

static int mark_pidfd(struct tl_tracer *t, int pidfd, uint32_t target, bool armed, uint64_t image)
{
	struct tl_mark m = {
	    .target = target,
	    .state = armed ? TL_MARK_ARMED : TL_MARK_ACTIVE,
	    .image = image,
	    .prog = image,
	};

	if (target >= t->ntargets)
		return tl_err(EINVAL, "target id %u out of range", target);
	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.tl_marks), &pidfd, &m, BPF_ANY))
		return tl_err(errno, "marking the target task: %s", strerror(errno));
	return 0;
}

int tl_tracer_mark_pidfd(struct tl_tracer *t, int pidfd, uint32_t target, bool armed)
{
	int err = mark_pidfd(t, pidfd, target, armed, 0);

	return err ? err : tl_tracer_index_marks(t);
}

static int pidfd_open_(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

/* Mark one thread; -ESRCH if it is gone (not an error for the caller). */
static int mark_tid(struct tl_tracer *t, pid_t pid, pid_t tid, uint32_t target, uint64_t image,
                    bool *leader_only)
{
	int fd, err;

	fd = pidfd_open_(tid, tid == pid ? 0 : PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL && tid != pid) {
		/* Before 6.9 there are no thread pidfds: only the leader can be marked. */
		*leader_only = true;
		return 0;
	}
	if (fd < 0)
		return errno == ESRCH ? -ESRCH
		                      : tl_err(errno, "pidfd_open(%d): %s", tid, strerror(errno));
	err = mark_pidfd(t, fd, target, false, image);
	close(fd);
	return err;
}

/* A set of pids (a process's threads, a process tree): linear, they are few. */
struct pidset {
	pid_t *v;
	uint64_t *img; /* in a process tree: the image id each process was marked with */
	size_t n, cap;
};

static bool pidset_has(const struct pidset *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == pid)
			return true;
	return false;
}

static int pidset_add_img(struct pidset *s, pid_t pid, uint64_t img)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		pid_t *v = realloc(s->v, cap * sizeof(*v));
		uint64_t *im;

		if (!v)
			return tl_err(ENOMEM, "out of memory");
		s->v = v;
		im = realloc(s->img, cap * sizeof(*im));
		if (!im)
			return tl_err(ENOMEM, "out of memory");
		s->img = im;
		s->cap = cap;
	}
	s->img[s->n] = img;
	s->v[s->n++] = pid;
	return 0;
}

static int pidset_add(struct pidset *s, pid_t pid)
{
	return pidset_add_img(s, pid, 0);
}

static void pidset_free(struct pidset *s)
{
	free(s->v);
	free(s->img);
}

/*
 * The image id to mark a process with that was already running (--pid):
 * its parent's when it runs the same program, else one per program and
 * caller, so its files, capabilities and sockets name its own program (a
 * shell's child php, a runuser's chromium) instead of the target's.  Ids are
 * small numbers: the recorder's own are bpf_ktime_get_ns() << 12.
 */
uint64_t tl_tracer_running_image(struct tl_tracer *t, pid_t pid, uint32_t target, uint64_t parent)
{
	char link[64], exe[PATH_MAX], root[PATH_MAX];
	struct exec_rec *r;
	const char *ppath = parent ? NULL : t->initial_program;
	ssize_t n, rn;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0 || exe[0] != '/')
		return parent; /* a kernel thread, or gone: nothing better known */
	exe[n] = 0;
	/* in a chroot (a container sharing our mounts): the path as the process sees it */
	snprintf(link, sizeof(link), "/proc/%d/root", pid);
	rn = readlink(link, root, sizeof(root) - 1);
	if (rn > 1 && rn < n && !strncmp(exe, root, (size_t)rn) && exe[rn] == '/')
		memmove(exe, exe + rn, (size_t)(n - rn) + 1);
	for (size_t i = 0; !ppath && i < t->nexecs; i++)
		if (t->execs[i].new_image == parent)
			ppath = t->execs[i].path;
	if (ppath && !strcmp(ppath, exe))
		return parent;
	for (size_t i = 0; i < t->nexecs; i++)
		if (t->execs[i].running && t->execs[i].target == target &&
		    t->execs[i].old_image == parent && !strcmp(t->execs[i].path, exe))
			return t->execs[i].new_image;
	if (execs_reserve(t))
		return parent;
	r = &t->execs[t->nexecs];
	*r = (struct exec_rec){.old_image = parent,
	                       .new_image = ++t->next_running,
	                       .target = target,
	                       .running = true,
	                       .path = strdup(exe)};
	if (!r->path) {
		t->next_running--;
		return parent;
	}
	t->nexecs++;
	if (tl_callsites_hint(t->callsites, r->path))
		t->cs_oom++;
	return r->new_image;
}

/* Mark pid's threads, not indexed yet; -ESRCH if pid is gone. */
static int mark_threads(struct tl_tracer *t, pid_t pid, uint32_t target, uint64_t image,
                        bool *leader_only)
{
	char dir[64];
	struct pidset seen = {0};
	bool added;
	int err = 0, pass;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	err = mark_tid(t, pid, pid, target, image, leader_only);
	if (err)
		return err;
	/* Rescan until stable: threads started by unmarked threads show up. */
	for (pass = 0; pass < 100; pass++) {
		DIR *d = opendir(dir);
		struct dirent *de;

		if (!d) {
			err = errno == ENOENT
			          ? -ESRCH
			          : tl_err(errno, "reading %s: %s", dir, strerror(errno));
			goto out;
		}
		added = false;
		while ((de = readdir(d))) {
			pid_t tid = atoi(de->d_name);

			if (tid <= 0 || tid == pid || pidset_has(&seen, tid))
				continue;
			err = pidset_add(&seen, tid);
			if (!err)
				err = mark_tid(t, pid, tid, target, image, leader_only);
			if (err && err != -ESRCH) {
				closedir(d);
				goto out;
			}
			err = 0;
			added = true;
		}
		closedir(d);
		if (!added)
			break;
	}
out:
	pidset_free(&seen);
	return err;
}

static void warn_leader_only(pid_t pid)
{
	fprintf(stderr,
	        "tailor: warning: this kernel has no thread pidfds (PIDFD_THREAD, 6.9+): only "
	        "the main threads of %d and its processes and their future children are "
	        "recorded\n",
	        pid);
}

int tl_tracer_mark_process(struct tl_tracer *t, pid_t pid, uint32_t target)
{
	bool leader_only = false;
	int err = mark_threads(t, pid, target, 0, &leader_only);

	if (err == -ESRCH)
		return tl_err(ESRCH, "process %d does not exist", pid);
	if (err)
		return err;
	if (leader_only)
		warn_leader_only(pid);
	return tl_tracer_index_marks(t);
}

/* /proc/PID/stat: the parent and whether PID is a zombie; -1 if unreadable. */
static pid_t parent_of(pid_t pid, bool *zombie)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, ppid;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
		return -1;
	*zombie = state == 'Z';
	return ppid;
}

/*
 * One pass over /proc: mark every process whose parent is in `tree` (and,
 * within the pass, its own children), adding it to the tree.  *added: how
 * many.  Processes started by a marked one after its mark are the kernel's
 * (inherited at fork); this finds the ones that existed before.
 */
static int mark_children_pass(struct tl_tracer *t, struct pidset *tree, uint32_t target,
                              bool *leader_only, size_t *added)
{
	struct pidset pids = {0}, parents = {0};
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool grew = true;
	int err = 0;

	*added = 0;
	if (!d)
		return tl_err(errno, "reading /proc: %s", strerror(errno));
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name), ppid;
		bool zombie = false;

		/* tailor itself, when it was started by a process of the tree */
		if (pid <= 0 || pid == getpid() || pidset_has(tree, pid))
			continue;
		ppid = parent_of(pid, &zombie);
		if (ppid <= 0 || zombie) /* gone, or dead: it makes no more calls */
			continue;
		err = pidset_add(&pids, pid);
		if (!err)
			err = pidset_add(&parents, ppid);
		if (err)
			goto out;
	}
	/* grandchildren listed before their parent: repeat until nothing joins */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < pids.n; i++) {
			size_t p;
			uint64_t img;

			for (p = 0; pids.v[i] && p < tree->n && tree->v[p] != parents.v[i]; p++)
				;
			if (!pids.v[i] || p == tree->n)
				continue;
			img = tl_tracer_running_image(t, pids.v[i], target, tree->img[p]);
			err = mark_threads(t, pids.v[i], target, img, leader_only);
			if (err && err != -ESRCH)
				goto out;
			err = pidset_add_img(tree, pids.v[i], img);
			if (err)
				goto out;
			pids.v[i] = 0;
			(*added)++;
			grew = true;
		}
	}
out:
	closedir(d);
	pidset_free(&pids);
	pidset_free(&parents);
	return err;
}

int tl_tracer_mark_tree(struct tl_tracer *t, pid_t pid, uint32_t target)
{
	struct pidset tree = {0};
	bool leader_only = false;
	size_t added = 1;
	int err, pass;

	err = mark_threads(t, pid, target, 0, &leader_only);
	if (err == -ESRCH)
		return tl_err(ESRCH, "process %d does not exist", pid);
	if (!err)
		err = pidset_add(&tree, pid);
	/* Until a pass finds nothing new: an unmarked process may fork meanwhile. */
	for (pass = 0; !err && added && pass < 100; pass++)
		err = mark_children_pass(t, &tree, target, &leader_only, &added);
	pidset_free(&tree);
	if (err)
		return err;
	if (leader_only)
		warn_leader_only(pid);
	return tl_tracer_index_marks(t);
}

int tl_tracer_set_initial_program(struct tl_tracer *t, const char *path)
{
	char *p = strdup(path ? path : "");

	if (!p)
		return tl_err(ENOMEM, "out of memory");
	free(t->initial_program);
	t->initial_program = p;
	return 0;
}

/* ---- events and statistics ---------------------------------------------------- */

int tl_tracer_event_fd(struct tl_tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tl_tracer_consume(struct tl_tracer *t)
{
	int n = ring_buffer__consume(t->rb);

	if (n < 0)
		return tl_err(-n, "reading events: %s", strerror(-n));
	return 0;
}

/* Fallback of read_range (Linux < 5.6): one lookup per slot. */
static int read_range_one_by_one(int fd, uint32_t first, uint32_t n, struct tl_count *vals)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t key = first + i;

		if (bpf_map_lookup_elem(fd, &key, &vals[i]))
			return tl_err(errno, "reading syscall counters: %s", strerror(errno));
	}
	return 0;
}

/* tl_counts[first .. first + n) into vals: one BPF_MAP_LOOKUP_BATCH per 1024 slots. */
static int read_range(int fd, uint32_t first, uint32_t n, struct tl_count *vals, uint32_t *keys)
{
	enum { CHUNK = 1024 };
	uint32_t done = 0;

	while (done < n) {
		/* The batch starts after in_batch, the last key of the previous one. */
		uint32_t prev = first + done - 1, out = 0, left = n - done;
		__u32 count = left < CHUNK ? left : CHUNK;
		int r = bpf_map_lookup_batch(fd, first + done ? &prev : NULL, &out, keys,
		                             &vals[done], &count, NULL);

		if (r && r != -ENOENT) {
			if (!done && (r == -EINVAL || r == -EOPNOTSUPP || r == -524 /* ENOTSUPP */))
				return read_range_one_by_one(fd, first, n, vals);
			return tl_err(-r, "reading syscall counters: %s", strerror(-r));
		}
		/* an array batch returns consecutive keys from first + done */
		if (!count || keys[0] != first + done)
			return tl_err(EIO, "reading syscall counters: unexpected batch");
		done += count;
	}
	return 0;
}

/* Target's counters summed over CPUs, sums[TL_TARGET_SLOTS] (tl_counts: a block per CPU). */
static int read_counts(struct tl_tracer *t, uint32_t target, struct tl_count *sums)
{
	int fd = bpf_map__fd(t->skel->maps.tl_counts);
	struct tl_count *vals = calloc(TL_TARGET_SLOTS, sizeof(*vals));
	uint32_t *keys = calloc(TL_TARGET_SLOTS, sizeof(*keys));
	int err = 0;

	if (!vals || !keys) {
		err = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	memset(sums, 0, TL_TARGET_SLOTS * sizeof(*sums));
	for (int c = 0; c < t->ncpus && !err; c++) {
		err = read_range(fd, (target * (uint32_t)t->ncpus + (uint32_t)c) * TL_TARGET_SLOTS,
		                 TL_TARGET_SLOTS, vals, keys);
		for (uint32_t i = 0; i < TL_TARGET_SLOTS && !err; i++) {
			sums[i].calls += vals[i].calls;
			sums[i].ok += vals[i].ok;
		}
	}
out:
	free(keys);
	free(vals);
	return err;
}

int tl_tracer_stats(struct tl_tracer *t, uint32_t target, struct tl_tracer_stats *s)
{
	struct tl_count *sums;
	int err = 0;

	memset(s, 0, sizeof(*s));
	sums = calloc(TL_TARGET_SLOTS, sizeof(*sums));
	if (!sums)
		return tl_err(ENOMEM, "out of memory");
	err = read_counts(t, target, sums);
	if (err)
		goto out;
	for (uint32_t i = 0; i < TL_TARGET_SLOTS; i++) {
		s->calls += sums[i].calls;
		if (sums[i].calls || sums[i].ok)
			s->distinct++;
	}
	s->events = t->skel->bss->tl_stats[TL_STAT_EVENTS];
	s->drops = t->skel->bss->tl_stats[TL_STAT_DROPS] + t->oom;
	s->arg_drops = t->skel->bss->tl_stats[TL_STAT_ARG_DROPS];
	s->stack_drops = t->skel->bss->tl_stats[TL_STAT_STACK_DROPS] + t->cs_oom;
	s->cap_drops = t->skel->bss->tl_stats[TL_STAT_CAP_DROPS];
	s->net_drops = t->skel->bss->tl_stats[TL_STAT_NET_DROPS];
	s->err_drops = t->skel->bss->tl_stats[TL_STAT_ERR_DROPS];
	s->big_nr = t->skel->bss->tl_stats[TL_STAT_BIG_NR];
	s->forks = t->skel->bss->tl_stats[TL_STAT_FORKS];
	s->exits = t->skel->bss->tl_stats[TL_STAT_EXITS];
	s->mark_fails = t->skel->bss->tl_stats[TL_STAT_MARK_FAIL];
	s->file_drops = t->files ? tl_files_lost(t->files) : 0;
	if (t->stat_base && target < t->ntargets) {
		/* A reused container slot: only what happened since it was given out. */
		const uint64_t *b = t->stat_base[target];

		s->events -= b[TL_STAT_EVENTS];
		s->drops -= b[TL_STAT_DROPS];
		s->arg_drops -= b[TL_STAT_ARG_DROPS];
		s->stack_drops -= b[TL_STAT_STACK_DROPS];
		s->cap_drops -= b[TL_STAT_CAP_DROPS];
		s->net_drops -= b[TL_STAT_NET_DROPS];
		s->err_drops -= b[TL_STAT_ERR_DROPS];
		s->big_nr -= b[TL_STAT_BIG_NR];
		s->forks -= b[TL_STAT_FORKS];
		s->exits -= b[TL_STAT_EXITS];
		s->mark_fails -= b[TL_STAT_MARK_FAIL];
	}
out:
	free(sums);
	return err;
}

/* ---- building the trace --------------------------------------------------------- */

static int cmp_new_image(const void *a, const void *b)
{
	const struct exec_rec *x = a, *y = b;

	return x->new_image < y->new_image ? -1 : x->new_image > y->new_image;
}

static int collect_execs(struct tl_tracer *t, uint32_t target, struct tl_trace *trace)
{
	struct exec_rec *sorted;
	int err = 0;

	if (!t->nexecs)
		return 0;
	sorted = malloc(t->nexecs * sizeof(*sorted));
	if (!sorted)
		return tl_err(ENOMEM, "out of memory");
	memcpy(sorted, t->execs, t->nexecs * sizeof(*sorted));
	qsort(sorted, t->nexecs, sizeof(*sorted), cmp_new_image);
	for (size_t i = 0; i < t->nexecs; i++) {
		const struct exec_rec *e = &t->execs[i], *parent = NULL;
		struct exec_rec key = {.new_image = e->old_image};
		const char *ppath = "";

		if (e->target != target || e->running)
			continue; /* several targets (containers); not an exec */
		if (e->old_image)
			parent = bsearch(&key, sorted, t->nexecs, sizeof(*sorted), cmp_new_image);
		if (parent)
			ppath = parent->path;
		else if (!e->old_image && t->initial_program)
			ppath = t->initial_program;
		err = tl_trace_add_exec(trace, e->path, ppath, 1);
		if (err)
			break;
	}
	free(sorted);
	return err;
}

static int collect_errs(struct tl_tracer *t, uint32_t target, struct tl_trace *trace)
{
	int fd = bpf_map__fd(t->skel->maps.tl_errs);
	struct tl_err_key key, next, *prev = NULL;
	uint64_t count;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.target != target || key.abi >= TL_ABI_COUNT)
			continue;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue; /* deleted meanwhile: cannot happen, nothing deletes */
		struct tl_syscall *s = tl_trace_syscall(trace, key.abi, NULL, (int32_t)key.nr);

		if (!s)
			return tl_err(ENOMEM, "out of memory");
		err = tl_syscall_add_errno(s, key.err, count);
		if (err)
			return err;
	}
	return 0;
}

/* ---- argument values, capabilities, sockets ------------------------------------------ */

static int collect_argvals(struct tl_tracer *t, uint32_t target, struct tl_trace *trace)
{
	int fd = bpf_map__fd(t->skel->maps.tl_argseen);
	struct tl_argval_key key, next, *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct tl_syscall *s;

		key = next;
		prev = &key;
		if (key.target != target || key.abi >= TL_ABI_COUNT)
			continue;
		s = tl_trace_syscall(trace, key.abi, NULL, (int32_t)key.nr);
		if (!s)
			return tl_err(ENOMEM, "out of memory");
		err = tl_syscall_add_argval(s, key.index, key.value);
		if (err)
			return err;
	}
	return 0;
}

struct overflow_ctx {
	struct tl_tracer *t;
	uint32_t target;
	struct tl_trace *trace;
};

/* A count above the limit: more distinct values were seen than were kept. */
static int check_overflow(void *ctx, uint32_t abi, uint32_t nr, uint32_t slot, uint32_t index)
{
	struct overflow_ctx *c = ctx;
	uint32_t ci = ((c->target * TL_EV_ABI_N + abi) * TL_NR_MAX + nr) * TL_ARGS_PER_CALL + slot;
	struct tl_syscall *s;
	uint64_t n = 0;
	char *name;

	if (bpf_map_lookup_elem(bpf_map__fd(c->t->skel->maps.tl_argcnt), &ci, &n) ||
	    n <= TL_EV_ARGVALS_MAX)
		return 0;
	name = tl_syscall_name((enum tl_abi)abi, (int)nr);
	s = name ? (struct tl_syscall *)tl_trace_find(c->trace, (enum tl_abi)abi, name) : NULL;
	free(name);
	return s ? tl_syscall_set_arg_overflow(s, index) : 0;
}

static const char *exec_path_of(void *ctx, uint64_t image)
{
	struct tl_tracer *t = ctx;

	if (!image)
		return t->initial_program ? t->initial_program : "";
	for (size_t i = 0; i < t->nexecs; i++)
		if (t->execs[i].new_image == image)
			return t->execs[i].path;
	return "";
}

/* The program that exec'ed image (its exec record's caller), "" if unknown. */
static const char *exec_caller_of(void *ctx, uint64_t image)
{
	struct tl_tracer *t = ctx;

	for (size_t i = 0; i < t->nexecs; i++)
		if (t->execs[i].new_image == image)
			return exec_path_of(t, t->execs[i].old_image);
	return "";
}

static int collect_caps(struct tl_tracer *t, uint32_t target, struct tl_trace *trace)
{
	int fd = bpf_map__fd(t->skel->maps.tl_caps);
	struct tl_cap_key key, next, *prev = NULL;
	struct tl_cap_count v;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.target != target || bpf_map_lookup_elem(fd, &key, &v))
			continue;
		err = tl_trace_add_cap(trace, key.cap, exec_path_of(t, key.image), v.granted,
		                       v.denied);
		if (err)
			return err;
	}
	return 0;
}

static int collect_net(struct tl_tracer *t, uint32_t target, struct tl_trace *trace)
{
	int fd = bpf_map__fd(t->skel->maps.tl_net);
	struct tl_net_key key, next, *prev = NULL;
	uint64_t count;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.target != target || bpf_map_lookup_elem(fd, &key, &count))
			continue;
		err = tl_trace_add_net(trace, key.family, key.type, key.protocol,
		                       exec_path_of(t, key.image), count);
		if (err)
			return err;
	}
	return 0;
}

/* What this recorder recorded beyond syscalls (sorted; see struct tl_run). */
static int set_features(struct tl_tracer *t, struct tl_run *run)
{
	const char *f[6];
	size_t n = 0;

	f[n++] = "args";
	if (t->has_caps)
		f[n++] = "caps";
	if (t->files)
		f[n++] = "files";
	f[n++] = "net";
	if (t->has_stacks)
		f[n++] = "stacks";
	f[n] = NULL;
	tl_strv_free(run->features);
	run->features = tl_strv_dup((char *const *)f);
	return run->features ? 0 : tl_err(ENOMEM, "out of memory");
}

/*
 * Count the target's calls still in flight (a task blocked in accept or
 * wait4 has not returned, and calls are counted at return): one run of
 * recorder.bpf.c's task iterator, before the counters are read.
 */
static void count_inflight(struct tl_tracer *t, uint32_t target)
{
	t->skel->bss->tl_inflight_target = target;
	if (run_task_iter(t->skel->progs.tl_inflight)) {
		fprintf(stderr, "tailor: note: calls in flight at the stop are not counted: %s\n",
		        tl_err_msg());
		tl_err_clear();
	}
}

int tl_tracer_collect(struct tl_tracer *t, uint32_t target, struct tl_trace *trace,
                      struct tl_run *run)
{
	struct tl_count *sums;
	int err;

	if (target >= t->ntargets)
		return tl_err(EINVAL, "target id %u out of range", target);
	sums = calloc(TL_TARGET_SLOTS, sizeof(*sums));
	if (!sums)
		return tl_err(ENOMEM, "out of memory");
	count_inflight(t, target);
	tl_tracer_consume(t);
	err = read_counts(t, target, sums);
	if (err)
		goto out;
	for (uint32_t abi = 0; abi < TL_EV_ABI_N; abi++) {
		for (uint32_t nr = 0; nr < TL_NR_MAX; nr++) {
			const struct tl_count *sum = &sums[abi * TL_NR_MAX + nr];
			struct tl_syscall *s;

			if (!sum->calls && !sum->ok)
				continue;
			s = tl_trace_syscall(trace, abi, NULL, (int32_t)nr);
			if (!s) {
				err = tl_err(ENOMEM, "out of memory");
				goto out;
			}
			s->calls += sum->calls;
			s->ok += sum->ok;
		}
	}
	err = collect_errs(t, target, trace);
	if (err)
		goto out;
	/* Keeps calls >= returns should a count race the read (belt and braces). */
	for (int abi = 0; abi < TL_ABI_COUNT; abi++) {
		for (size_t i = 0; i < trace->abi[abi].n; i++) {
			struct tl_syscall *s = &trace->abi[abi].sys[i];
			uint64_t ret = s->ok;

			for (size_t j = 0; j < s->nerrs; j++)
				ret += s->errs[j].count;
			if (s->calls < ret)
				s->calls = ret;
		}
	}
	err = collect_execs(t, target, trace);
	if (!err)
		err = collect_argvals(t, target, trace);
	if (!err) {
		struct overflow_ctx oc = {.t = t, .target = target, .trace = trace};

		err = tl_argtable_each(check_overflow, &oc);
	}
	if (!err && t->has_caps)
		err = collect_caps(t, target, trace);
	if (!err)
		err = collect_net(t, target, trace);
	if (!err && t->has_stacks)
		err = tl_callsites_collect(t->callsites, target, trace, exec_path_of, t);
	if (!err && t->files)
		err = tl_files_collect(t->files, target, trace, exec_path_of, exec_caller_of, t);
	if (err)
		goto out;
	if (run) {
		struct tl_tracer_stats st;

		err = tl_tracer_stats(t, target, &st);
		if (err)
			goto out;
		err = tl_run_add_lost(run, "events", st.drops);
		if (!err && st.err_drops)
			err = tl_run_add_lost(run, "errnos", st.err_drops);
		if (!err && st.big_nr)
			err = tl_run_add_lost(run, "syscall_nr_out_of_range", st.big_nr);
		if (!err && st.arg_drops)
			err = tl_run_add_lost(run, "args", st.arg_drops);
		if (!err && st.stack_drops)
			err = tl_run_add_lost(run, "stacks", st.stack_drops);
		if (!err && st.cap_drops)
			err = tl_run_add_lost(run, "caps", st.cap_drops);
		if (!err && st.net_drops)
			err = tl_run_add_lost(run, "net", st.net_drops);
		if (!err && st.file_drops)
			err = tl_run_add_lost(run, "files", st.file_drops);
		/* A descendant that could not inherit the mark was not recorded at all. */
		if (!err && st.mark_fails)
			err = tl_run_add_lost(run, "marks", st.mark_fails);
		if (!err)
			err = set_features(t, run);
	}
out:
	free(sums);
	return err;
}

/* ---- containers (tracer/container.c) ---------------------------------------------- */

struct recorder_bpf *tl_tracer_skel(struct tl_tracer *t)
{
	return t->skel;
}

void tl_tracer_set_event_cb(struct tl_tracer *t, tl_tracer_event_fn fn, void *ctx)
{
	t->ev_cb = fn;
	t->ev_ctx = ctx;
}

int tl_tracer_mark_new(struct tl_tracer *t, int pidfd, uint32_t target, uint32_t state,
                       uint64_t image)
{
	struct tl_mark m = {.target = target, .state = state, .image = image, .prog = image};
	int64_t *live = target < TL_LIVE_MAX ? (int64_t *)&t->skel->bss->tl_live[target] : NULL;
	int err;

	if (target >= t->ntargets)
		return tl_err(EINVAL, "target id %u out of range", target);
	/* Counted first: the task may exit (and be subtracted) right after the mark. */
	if (live)
		__atomic_fetch_add(live, 1, __ATOMIC_SEQ_CST);
	if (!bpf_map_update_elem(bpf_map__fd(t->skel->maps.tl_marks), &pidfd, &m, BPF_NOEXIST))
		return 1;
	err = errno;
	if (live)
		__atomic_fetch_sub(live, 1, __ATOMIC_SEQ_CST);
	if (err == EEXIST)
		return 0; /* inherited at fork or marked at exec meanwhile */
	if (err == ESRCH || err == ENOENT)
		return -ESRCH;
	return tl_err(err, "marking a container task: %s", strerror(err));
}

/* Set every entry of an array map in [first, first + n) to zero. */
/* Zero entries [first, first + n) of an array: BPF_MAP_UPDATE_BATCH, 1024 at a time. */
static int zero_array(int fd, uint32_t first, uint32_t n, size_t value_size)
{
	enum { CHUNK = 1024 };
	void *zero = calloc(CHUNK, value_size);
	uint32_t keys[CHUNK];
	int err = 0;

	if (!zero)
		return tl_err(ENOMEM, "out of memory");
	for (uint32_t done = 0; done < n && !err;) {
		uint32_t chunk = n - done < CHUNK ? n - done : CHUNK;
		__u32 count = chunk;

		for (uint32_t k = 0; k < chunk; k++)
			keys[k] = first + done + k;
		if (bpf_map_update_batch(fd, keys, zero, &count, NULL)) {
			/* Linux < 5.6: one update per entry */
			for (uint32_t k = 0; k < chunk && !err; k++)
				if (bpf_map_update_elem(fd, &keys[k], zero, BPF_ANY))
					err = tl_err(errno, "clearing a recorder map: %s",
					             strerror(errno));
		}
		done += chunk;
	}
	free(zero);
	return err;
}

/* Delete the entries of a hash whose key starts with target (every key here does). */
static int forget_hash(struct bpf_map *map, uint32_t target)
{
	int fd = bpf_map__fd(map);
	size_t ks = bpf_map__key_size(map), n = 0, cap = 0;
	char *keys = NULL, *key = malloc(ks), *next = malloc(ks);
	bool first = true;
	uint32_t kt;
	int err = 0;

	if (!key || !next) {
		err = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	/* Collect first: deleting while iterating restarts the walk. */
	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, ks);
		memcpy(&kt, key, sizeof(kt));
		if (kt != target)
			continue;
		if (n == cap) {
			char *nk = realloc(keys, (cap = cap ? cap * 2 : 64) * ks);

			if (!nk) {
				err = tl_err(ENOMEM, "out of memory");
				goto out;
			}
			keys = nk;
		}
		memcpy(keys + n++ * ks, key, ks);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, keys + i * ks);
out:
	free(keys);
	free(key);
	free(next);
	return err;
}

int tl_tracer_reset_target(struct tl_tracer *t, uint32_t target)
{
	struct recorder_bpf *sk = t->skel;
	size_t w = 0;
	int err;

	if (target >= t->ntargets)
		return tl_err(EINVAL, "target id %u out of range", target);
	tl_tracer_consume(t);
	err = zero_array(bpf_map__fd(sk->maps.tl_counts),
	                 target * (uint32_t)t->ncpus * TL_TARGET_SLOTS,
	                 (uint32_t)t->ncpus * TL_TARGET_SLOTS, sizeof(struct tl_count));
	if (!err)
		err = zero_array(bpf_map__fd(sk->maps.tl_argcnt),
		                 target * TL_TARGET_SLOTS * TL_ARGS_PER_CALL,
		                 TL_TARGET_SLOTS * TL_ARGS_PER_CALL, sizeof(uint64_t));
	if (!err)
		err = zero_array(bpf_map__fd(sk->maps.tl_first), target * TL_TARGET_SLOTS / 64,
		                 TL_TARGET_SLOTS / 64, sizeof(uint64_t));
	if (!err)
		err = forget_hash(sk->maps.tl_errs, target);
	if (!err)
		err = forget_hash(sk->maps.tl_argseen, target);
	if (!err)
		err = forget_hash(sk->maps.tl_caps, target);
	if (!err)
		err = forget_hash(sk->maps.tl_net, target);
	if (!err)
		err = forget_hash(sk->maps.tl_progs, target);
	if (err)
		return err;
	for (size_t i = 0; i < t->nexecs; i++) {
		if (t->execs[i].target == target)
			free(t->execs[i].path);
		else
			t->execs[w++] = t->execs[i];
	}
	t->nexecs = w;
	tl_callsites_forget(t->callsites, target);
	if (t->files)
		tl_files_forget(t->files, target);
	if (t->stat_base)
		memcpy(t->stat_base[target], (const void *)sk->bss->tl_stats,
		       sizeof(t->stat_base[target]));
	if (target < TL_LIVE_MAX)
		__atomic_store_n((int64_t *)&sk->bss->tl_live[target], 0, __ATOMIC_SEQ_CST);
	return 0;
}
