// SPDX-License-Identifier: Apache-2.0
/*
 * File accesses (issue "AppArmor"), the user side of bpf/files.bpf.c: which
 * syscalls touch files and how (the table below, loaded into tl_filespec,
 * and the recorder's tail-call slot), the records of new (target, access,
 * program, path) keys, and at the end their counts from the kernel hash and
 * the per-CPU cache of repeated accesses.
 *
 * Paths: the kernel sends the components of a resolved file, innermost
 * first, or for path-only syscalls (unlink, mkdir, rename...) the string the
 * program passed and the components of the directory it is relative to;
 * tracer/kpath.c joins them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tailor/common.h"
#include "tailor/events.h"
#include "tailor/trace.h"
#include "files.skel.h"
#include "tracer_int.h"

_Static_assert(TL_EV_ACC_READ == TL_ACC_READ && TL_EV_ACC_WRITE == TL_ACC_WRITE &&
                   TL_EV_ACC_APPEND == TL_ACC_APPEND && TL_EV_ACC_CREATE == TL_ACC_CREATE &&
                   TL_EV_ACC_RENAME == TL_ACC_RENAME && TL_EV_ACC_DELETE == TL_ACC_DELETE &&
                   TL_EV_ACC_LOCK == TL_ACC_LOCK && TL_EV_ACC_EXEC == TL_ACC_EXEC &&
                   TL_EV_ACC_MMAP_EXEC == TL_ACC_MMAP_EXEC && TL_EV_ACC_DIR == TL_ACC_DIR,
               "events.h and trace.h disagree on access bits");

/* ---- the table ------------------------------------------------------------------ */

/* clang-format off */
#define N (-1) /* no such argument */

struct filedef {
	const char *name;
	struct tl_filespec spec;
};

#define OPEN(nm, fa)       {nm, {.kind = TL_FK_OPEN, .flags_arg = fa, .dirfd = {N, N}, .path = {N, N}}}
#define KIND(nm, k, acc)   {nm, {.kind = k, .flags_arg = N, .dirfd = {N, N}, .path = {N, N}, .access = {acc, 0}}}
/* A mapping's file, looked up (bpf_find_vma: the mmap lock) only when prot has PROT_EXEC. */
#define PROT(nm, k)                                                                     \
	{nm, {.kind = k, .opts = TL_FS_PROT, .flags_arg = N, .dirfd = {N, N}, .path = {N, N}, \
	      .access = {TL_ACC_MMAP_EXEC, 0}}}
/* One path: argument p relative to dirfd argument d (N: the cwd); AT_* flags in argument fa. */
#define PATH1(nm, d, p, acc, fa, dmask)                                                         \
	{nm, {.kind = TL_FK_PATH, .npaths = 1, .dirfd = {d, N}, .path = {p, N}, .access = {acc, 0}, \
	      .flags_arg = fa, .dir_mask = dmask}}
/*
 * A rename removes its first name and makes its second (what AppArmor checks:
 * delete on the source, create on the target), unless renameat2 exchanges
 * them (flags in argument fa).
 */
#define RENAME(nm, d0, p0, d1, p1, fa)                                                    \
	{nm, {.kind = TL_FK_PATH, .npaths = 2, .dirfd = {d0, d1}, .path = {p0, p1},          \
	      .access = {TL_ACC_RENAME | TL_ACC_DELETE, TL_ACC_RENAME | TL_ACC_CREATE},       \
	      .flags_arg = fa, .opts = TL_FS_EXCHANGE}}

#define O_WRONLY_ 01
#define O_CREAT_  0100
#define O_TRUNC_  01000
#define AT_REMOVEDIR_ 0x200

/*
 * Why each is here: AppArmor mediates opens (r, w, a, and create with
 * O_CREAT), exec (x), mmap/mprotect with PROT_EXEC (m), locks (k),
 * creating, deleting, renaming, linking (l), chmod/chown/truncate/utimes
 * (w), binding a unix socket to a path (w: its file is created) and
 * connecting to one (rw).  stat, access, readlink, chdir and xattrs are not mediated by
 * AppArmor 3 file rules and are not recorded.  Names unknown on an ABI
 * (chown32 on x86_64) are skipped.
 */
static const struct filedef filetable[] = {
    OPEN("open", 1),
    OPEN("openat", 2),
    {"openat2", {.kind = TL_FK_OPEN, .flags_arg = 2, .opts = TL_FS_HOW, .dirfd = {N, N}, .path = {N, N}}},
    {"creat", {.kind = TL_FK_OPEN, .flags_arg = N, .fixed_flags = O_CREAT_ | O_WRONLY_ | O_TRUNC_,
               .dirfd = {N, N}, .path = {N, N}}},
    OPEN("open_by_handle_at", 2),
    KIND("execve", TL_FK_EXEC, TL_ACC_EXEC),
    KIND("execveat", TL_FK_EXEC, TL_ACC_EXEC),
    /* ia32's old mmap too (its arguments are in memory: fill_table drops TL_FS_PROT) */
    PROT("mmap", TL_FK_MMAP),
    PROT("mmap2", TL_FK_MMAP),
    PROT("mprotect", TL_FK_MPROTECT),
    PROT("pkey_mprotect", TL_FK_MPROTECT),
    KIND("flock", TL_FK_FLOCK, TL_ACC_LOCK),
    KIND("fcntl", TL_FK_FCNTL, TL_ACC_LOCK),
    KIND("fcntl64", TL_FK_FCNTL, TL_ACC_LOCK),
    KIND("fchmod", TL_FK_FD, TL_ACC_SETATTR),
    KIND("fchown", TL_FK_FD, TL_ACC_SETATTR),
    KIND("fchown32", TL_FK_FD, TL_ACC_SETATTR),
    KIND("ftruncate", TL_FK_FD, TL_ACC_SETATTR),
    KIND("ftruncate64", TL_FK_FD, TL_ACC_SETATTR),
    PATH1("unlink", N, 0, TL_ACC_DELETE, N, 0),
    PATH1("unlinkat", 0, 1, TL_ACC_DELETE, 2, AT_REMOVEDIR_),
    PATH1("rmdir", N, 0, TL_ACC_DELETE | TL_ACC_DIR, N, 0),
    PATH1("mkdir", N, 0, TL_ACC_CREATE | TL_ACC_DIR, N, 0),
    PATH1("mkdirat", 0, 1, TL_ACC_CREATE | TL_ACC_DIR, N, 0),
    PATH1("mknod", N, 0, TL_ACC_CREATE, N, 0),
    PATH1("mknodat", 0, 1, TL_ACC_CREATE, N, 0),
    RENAME("rename", N, 0, N, 1, N),
    RENAME("renameat", 0, 1, 2, 3, N),
    RENAME("renameat2", 0, 1, 2, 3, 4),
    PATH1("link", N, 1, TL_ACC_LINK, N, 0),          /* the new name; the old one is only read */
    PATH1("linkat", 2, 3, TL_ACC_LINK, N, 0),
    PATH1("symlink", N, 1, TL_ACC_CREATE, N, 0),     /* the link; its target is only a string */
    PATH1("symlinkat", 1, 2, TL_ACC_CREATE, N, 0),
    PATH1("chmod", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("fchmodat", 0, 1, TL_ACC_SETATTR, N, 0),
    PATH1("fchmodat2", 0, 1, TL_ACC_SETATTR, 3, 0),
    PATH1("chown", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("lchown", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("chown32", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("lchown32", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("fchownat", 0, 1, TL_ACC_SETATTR, 4, 0),
    PATH1("truncate", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("truncate64", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("utime", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("utimes", N, 0, TL_ACC_SETATTR, N, 0),
    PATH1("futimesat", 0, 1, TL_ACC_SETATTR, N, 0),
    PATH1("utimensat", 0, 1, TL_ACC_SETATTR, 3, 0),
    PATH1("utimensat_time64", 0, 1, TL_ACC_SETATTR, 3, 0),
    /* a unix socket at a path: bind creates its file (mknod), connect writes to it */
    KIND("bind", TL_FK_SOCK, TL_ACC_CREATE),
    {"connect", {.kind = TL_FK_SOCK, .opts = TL_FS_PEER, .flags_arg = N, .dirfd = {N, N}, .path = {N, N},
                 .access = {TL_ACC_READ | TL_ACC_WRITE, 0}}},
    /* ia32: bind and connect through socketcall, as older 32-bit libcs make them */
    {"socketcall", {.kind = TL_FK_SOCK, .opts = TL_FS_SOCKCALL, .flags_arg = N, .dirfd = {N, N},
                    .path = {N, N}}},
};
/* clang-format on */

/* ---- state ------------------------------------------------------------------------- */

struct file_rec {
	struct tl_file_key key;
	uint16_t flags; /* TL_PATHF_*, TL_FILEF_* */
	char *path;
};

struct tl_files {
	struct files_bpf *skel;
	size_t n, cap;
	struct file_rec *recs;
	uint64_t oom;    /* records dropped here for lack of memory */
	uint32_t *since; /* since[target]: the tl_file_epoch its files start at */
	size_t nsince;
	pthread_t loader; /* loads skel (tl_files_start) */
	bool loading;     /* loader not joined yet: nothing else touches skel */
	int load_err;     /* files_bpf__load's result */
};

static int on_file_event(void *ctx, void *data, size_t size)
{
	struct tl_files *f = ctx;
	struct tl_ev_file e;
	const char *d = (const char *)data + sizeof(e);
	struct file_rec *r;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	if (e.type != TL_EV_FILE || !tl_kpath_valid(&e.path, d, size - sizeof(e)))
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct file_rec *nr = realloc(f->recs, cap * sizeof(*nr));

		if (!nr) {
			f->oom++;
			return 0;
		}
		f->recs = nr;
		f->cap = cap;
	}
	r = &f->recs[f->n];
	r->key = e.key;
	r->flags = e.path.flags;
	r->path = tl_kpath_build(&e.path, d);
	if (!r->path) {
		f->oom++;
		return 0;
	}
	f->n++;
	return 0;
}

/* ---- open / close ----------------------------------------------------------------------- */

/* Set or clear TL_ARGF_FILE in the recorder's tl_argspec entry slot. */
static int flag_file(int argspec_fd, uint32_t slot, bool on)
{
	struct tl_argspec a;

	if (bpf_map_lookup_elem(argspec_fd, &slot, &a))
		return -errno;
	a.flags = on ? (a.flags | TL_ARGF_FILE) : (a.flags & ~TL_ARGF_FILE);
	if (bpf_map_update_elem(argspec_fd, &slot, &a, BPF_ANY))
		return -errno;
	return 0;
}

/* Clear every TL_ARGF_FILE flag and the slot: nothing may run without its reader. */
static void unfill_table(int progs_fd, int argspec_fd)
{
	uint32_t zero = 0;

	for (uint32_t slot = 0; slot < TL_TARGET_SLOTS; slot++)
		flag_file(argspec_fd, slot, false);
	bpf_map_delete_elem(progs_fd, &zero);
}

/*
 * The number of name on abi.  libseccomp answers a pseudo-number for
 * ia32's direct socket calls (bind is 361 there, but filtered through
 * socketcall): the number is found the other way, from the names.
 */
static int file_nr(enum tl_abi abi, const char *name)
{
	int nr = tl_syscall_nr(abi, name);

	if (nr >= 0 || !tl_syscall_known(abi, name))
		return nr;
	for (int n = 0; n < TL_NR_MAX; n++) {
		char *s = tl_syscall_name(abi, n);
		bool same = s && !strcmp(s, name);

		free(s);
		if (same)
			return n;
	}
	return -ENOENT;
}

static int fill_table(struct tl_files *f, int progs_fd, int argspec_fd)
{
	int spec_fd = bpf_map__fd(f->skel->maps.tl_filespec);
	int prog_fd = bpf_program__fd(f->skel->progs.tl_files_exit);
	const enum tl_abi abis[2] = {TL_ABI_X86_64, TL_ABI_X86};
	uint32_t zero = 0;
	int err;

	if (bpf_map_update_elem(progs_fd, &zero, &prog_fd, BPF_ANY))
		return tl_err(errno, "adding the file recorder to the recorder's sys_exit: %s",
		              strerror(errno));
	for (size_t i = 0; i < TL_ARRAY_SIZE(filetable); i++) {
		for (int a = 0; a < 2; a++) {
			int nr = file_nr(abis[a], filetable[i].name);
			struct tl_filespec spec = filetable[i].spec;
			uint32_t slot;

			if (nr < 0 || nr >= TL_NR_MAX)
				continue; /* not on this ABI */
			/* ia32's old mmap takes a pointer to its arguments: no prot to test */
			if (abis[a] == TL_ABI_X86 && !strcmp(filetable[i].name, "mmap"))
				spec.opts &= (__u8)~TL_FS_PROT;
			slot = abis[a] * TL_NR_MAX + (uint32_t)nr;
			if (bpf_map_update_elem(spec_fd, &slot, &spec, BPF_ANY))
				return tl_err(errno, "loading the file syscall table (%s): %s",
				              filetable[i].name, strerror(errno));
			/* after the spec: the recorder calls the file recorder from now on */
			err = flag_file(argspec_fd, slot, true);
			if (err)
				return tl_err(-err, "flagging %s for the file recorder: %s",
				              filetable[i].name, strerror(-err));
		}
	}
	return 0;
}

static void *load_files(void *arg)
{
	struct tl_files *f = arg;

	f->load_err = files_bpf__load(f->skel);
	return NULL;
}

/* Wait for the loader thread; files_bpf__load's result. */
static int join_loader(struct tl_files *f)
{
	if (f->loading) {
		pthread_join(f->loader, NULL);
		f->loading = false;
	}
	return f->load_err;
}

int tl_files_start(const struct tl_shared_maps *shared, struct tl_files **out)
{
	struct tl_files *f;
	int err;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return tl_err(ENOMEM, "out of memory");
	f->skel = files_bpf__open();
	if (!f->skel) {
		err = tl_err(errno, "opening the file recorder: %s", strerror(errno));
		goto out;
	}
	err = bpf_map__reuse_fd(f->skel->maps.tl_marks, shared->marks);
	if (!err)
		err = bpf_map__reuse_fd(f->skel->maps.tl_handoff, shared->handoff);
	if (err) {
		err = tl_err(-err, "sharing the recorder's maps with the file recorder: %s",
		             strerror(-err));
		goto out;
	}
	/* No thread (EAGAIN): load here, the caller only waits longer. */
	if (pthread_create(&f->loader, NULL, load_files, f))
		load_files(f);
	else
		f->loading = true;
	*out = f;
	f = NULL;
out:
	tl_files_free(f);
	return err;
}

int tl_files_open(const struct tl_shared_maps *shared, int progs_fd, int argspec_fd,
                  struct ring_buffer *rb, struct tl_files **out)
{
	int err = tl_files_start(shared, out);

	if (!err)
		err = tl_files_finish(*out, progs_fd, argspec_fd, rb);
	if (err)
		*out = NULL;
	return err;
}

int tl_files_finish(struct tl_files *f, int progs_fd, int argspec_fd, struct ring_buffer *rb)
{
	int err = join_loader(f);

	if (err) {
		err = tl_err(-err,
		             "loading the file recorder (bpf/files.bpf.c): %s (tailor -v shows "
		             "the verifier's log)",
		             strerror(-err));
		goto out;
	}
	/* Records wait in the ring until it is added: no target is marked yet anyway. */
	err = fill_table(f, progs_fd, argspec_fd);
	if (!err) {
		err = ring_buffer__add(rb, bpf_map__fd(f->skel->maps.tl_file_events), on_file_event,
		                       f);
		if (err)
			err = tl_err(-err, "reading the file records: %s", strerror(-err));
	}
	if (err) {
		unfill_table(progs_fd, argspec_fd);
		goto out;
	}
	return 0;
out:
	tl_files_free(f);
	return err;
}

void tl_files_free(struct tl_files *f)
{
	if (!f)
		return;
	join_loader(f);
	files_bpf__destroy(f->skel);
	free(f->since);
	for (size_t i = 0; i < f->n; i++)
		free(f->recs[i].path);
	free(f->recs);
	free(f);
}

/* ---- results ------------------------------------------------------------------------------ */

struct pending {
	struct tl_file_key key;
	uint64_t n;
};

static int cmp_pending(const void *a, const void *b)
{
	return memcmp(&((const struct pending *)a)->key, &((const struct pending *)b)->key,
	              sizeof(struct tl_file_key));
}

/*
 * The accesses of target still counted in the kernel's per-CPU cache
 * (tl_file_seen, events.h), one entry per key, sorted: *out (NULL if none).
 */
static int read_pending(struct tl_files *f, uint32_t target, struct pending **out, size_t *nout)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(f->skel->maps.tl_file_seen);
	uint32_t zero = 0, since = target < f->nsince ? f->since[target] : 0;
	struct tl_seen_cache *c = NULL;
	struct pending *p = NULL;
	size_t n = 0, w = 0;
	int err = 0;

	*out = NULL;
	*nout = 0;
	if (ncpu <= 0)
		return tl_err(-ncpu, "counting the CPUs: %s", strerror(-ncpu));
	/* a per-CPU value is padded to 8 bytes: tl_seen_cache is a multiple already */
	c = calloc((size_t)ncpu, sizeof(*c));
	p = calloc((size_t)ncpu * TL_SEEN_N, sizeof(*p));
	if (!c || !p) {
		err = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	if (bpf_map_lookup_elem(fd, &zero, c)) {
		err = tl_err(errno, "reading the file recorder's counts: %s", strerror(errno));
		goto out;
	}
	for (int cpu = 0; cpu < ncpu; cpu++) {
		for (int i = 0; i < TL_SEEN_N; i++) {
			const struct tl_seen_entry *e = &c[cpu].e[i];

			if (!e->pending || e->key.target != target || e->key.epoch < since)
				continue;
			p[n].key.target = e->key.target;
			p[n].key.access = e->key.access;
			p[n].key.image = e->key.image;
			p[n].key.hash = e->hash;
			p[n++].n = e->pending;
		}
	}
	qsort(p, n, sizeof(*p), cmp_pending);
	for (size_t i = 0; i < n; i++) {
		if (w && !cmp_pending(&p[w - 1], &p[i]))
			p[w - 1].n += p[i].n; /* the same file counted on several CPUs */
		else
			p[w++] = p[i];
	}
	*out = p;
	*nout = w;
	p = NULL;
out:
	free(p);
	free(c);
	return err;
}

int tl_files_collect(struct tl_files *f, uint32_t target, struct tl_trace *trace,
                     tl_image_path_fn image_path, tl_image_path_fn exec_caller, void *ctx)
{
	int fd = bpf_map__fd(f->skel->maps.tl_files), err;
	struct pending *pend, *hit;
	size_t npend;

	err = read_pending(f, target, &pend, &npend);
	if (err)
		return err;
	for (size_t i = 0; i < f->n; i++) {
		const struct file_rec *r = &f->recs[i];
		struct pending want = {.key = r->key};
		const char *program;
		uint64_t count = 0;

		if (r->key.target != target)
			continue;
		if (bpf_map_lookup_elem(fd, &r->key, &count) || !count)
			count = 1;
		hit = npend ? bsearch(&want, pend, npend, sizeof(*pend), cmp_pending) : NULL;
		if (hit)
			count += hit->n;
		/* An exec's key names the program it started; the access is its caller's. */
		program = (r->flags & TL_FILEF_EXEC) ? exec_caller(ctx, r->key.image)
		                                     : image_path(ctx, r->key.image);
		err =
		    tl_trace_add_file(trace, r->path, program ? program : "", r->key.access, count);
		if (err)
			break;
	}
	free(pend);
	return err;
}

uint64_t tl_files_lost(const struct tl_files *f)
{
	const __u64 *s = f->skel->bss->tl_file_stats;

	return s[TL_FSTAT_DROPS] + s[TL_FSTAT_FULL] + f->oom;
}

uint64_t tl_files_events(const struct tl_files *f)
{
	return f->skel->bss->tl_file_stats[TL_FSTAT_EVENTS];
}

int tl_files_forget(struct tl_files *f, uint32_t target)
{
	int fd = bpf_map__fd(f->skel->maps.tl_files);
	size_t w = 0;

	/*
	 * The cache's entries made until now no longer match (a new target in
	 * this slot records its files again); their counts are not this target's.
	 */
	uint32_t epoch = __atomic_add_fetch(&f->skel->bss->tl_file_epoch, 1, __ATOMIC_SEQ_CST);

	if (target >= f->nsince) {
		size_t n = target + 16;
		uint32_t *ns = realloc(f->since, n * sizeof(*ns));

		if (ns) {
			memset(ns + f->nsince, 0, (n - f->nsince) * sizeof(*ns));
			f->since = ns;
			f->nsince = n;
		} /* else: the next target here may count some of this one's accesses */
	}
	if (target < f->nsince)
		f->since[target] = epoch;
	/* Every key the kernel holds was sent here (or lost and deleted): delete by record. */
	for (size_t i = 0; i < f->n; i++) {
		if (f->recs[i].key.target == target) {
			bpf_map_delete_elem(fd, &f->recs[i].key);
			free(f->recs[i].path);
		} else {
			f->recs[w++] = f->recs[i];
		}
	}
	f->n = w;
	return 0;
}

struct tl_kbtf_obj tl_files_object(void)
{
	struct tl_kbtf_obj o;

	o.elf = files_bpf__elf_bytes(&o.size);
	return o;
}
