// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * File accesses of targets (issue "AppArmor"): every path a target opened,
 * created, deleted, renamed, linked, locked, executed or mapped executable,
 * with the access it needed, as the kernel resolved it.
 *
 * No program here is attached.  The recorder's tl_sys_exit, for an ACTIVE
 * target whose file syscall succeeded (flagged TL_ARGF_FILE in its
 * tl_argspec by user space), tail-calls slot 0 of its prog array
 * tl_file_progs, where user space puts tl_files_exit.  So tasks that are
 * not targets pay nothing, and a target's other syscalls a bit test.  Per-syscall
 * tracepoints (syscalls:sys_exit_openat...) were measured instead: enabling
 * any of them adds ~20-40 ns to every syscall on the host (a probe with a
 * bitmap test), needs tracefs, and never fires for ia32 syscalls.
 *
 * Paths are resolved from kernel objects, not from the strings the program
 * passed: the file behind the returned fd (open), the mapping's file (mmap,
 * mprotect), the new mm->exe_file (execve), by walking dentries up to the
 * process's root (task->fs->root) and crossing mounts (bpf/path.bpf.h, the
 * walker the recorder's exec records use too).  So symlinks are resolved
 * and a chroot's or container's paths are its own.  Path-only syscalls
 * (unlink, mkdir, rename...) send the string and the directory it is
 * relative to (dirfd's file or the cwd, resolved the same way); user space
 * joins them.
 *
 * Deduplicated here: the hash tl_files maps (target, access, program, path
 * hash) to a count; only a new key costs a ring buffer record.  The path
 * hash is computed first, from the walk without copying names (per
 * component: the dcache's name hash, salted with the parent dentry, its
 * length and the inode number; per mount crossed: the mount id); names are
 * copied only for a new key.
 */
/* Direct loads through bpf_rdonly_cast: the walk runs at every traced open. */
#define TL_PATH_RDONLY_CAST
#include "path.bpf.h"

/* Dual-licensed (SPDX above); the kernel wants a GPL-compatible string. */
char LICENSE[] SEC("license") = "GPL";

/* include/linux/fs.h, uapi fcntl.h, mman.h: ABI values, stable for years. */
#define FMODE_READ     0x1
#define FMODE_WRITE    0x2
#define FMODE_PATH     0x4000
#define FMODE_CREATED  0x100000 /* the open created the file */
#define O_TRUNC_       0x200
#define O_APPEND_      0x400
#define S_IFMT_        0170000
#define S_IFDIR_       0040000
#define S_IFSOCK_      0140000
#define VM_EXEC_       0x4
#define PROT_EXEC_     0x4
#define AT_FDCWD_      (-100)
#define AT_EMPTY_PATH_ 0x1000
#define LOCK_UN_       8
#define F_UNLCK_       2

/* uapi personality.h: mappings readable are also executable */
#define READ_IMPLIES_EXEC_ 0x0400000

/* tl_marks, tl_handoff: shared with the recorder (common.bpf.h). */

/* abi * TL_NR_MAX + nr -> what the syscall does with files; tracer/files.c fills it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_EV_ABI_N *TL_NR_MAX);
	__type(key, __u32);
	__type(value, struct tl_filespec);
} tl_filespec SEC(".maps");

/*
 * The set of (target, access, program, path) seen, with access counts.  Not
 * preallocated: 262 144 keys (4 600 programs reading 15 files each filled
 * 65 536) cost their 4 MB of buckets and ~80 B per key used.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, struct tl_file_key);
	__type(value, __u64);
} tl_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} tl_file_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_path_scratch);
} tl_file_scratch SEC(".maps");

__u64 tl_file_stats[TL_FSTAT_N];

/*
 * Files recorded before, by the kernel objects that name them (struct
 * tl_seen_key, events.h), -> their path hash and the accesses counted
 * since: a repeated access skips the walk and the shared hash tl_files
 * (~60 ns per open here for its lookup and atomic add).  The key is what
 * makes the path: the dentry and the mount (a hard link or a bind mount is
 * another key), the root the walk ends at (chroot), the dentry's name hash,
 * salted with its parent (a file renamed, or a freed dentry reused for
 * another file, is another key), and the number of renames the targets made
 * (a directory renamed moves everything below it: every key changes).  Not
 * seen: a directory renamed, or a mount moved, by a process that is not a
 * target while the recording runs; a file below it then counts under its
 * old path until its slot is reused.
 *
 * Per CPU and direct-mapped (a slot per key hash; a collision moves the old
 * entry's count to tl_files): a probe is a few loads and compares, where an
 * LRU hash costs as much as walking ~6 levels.  No lock: a tp_btf program
 * does not run twice at once on a CPU (the kernel skips a nested run).  An
 * entry is made only for a key that tl_files holds, so a hit never hides a
 * record that was lost.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_seen_cache);
} tl_file_seen SEC(".maps");

/* Moved on by user space when it forgets a target's files (tl_seen_key.epoch). */
__u32 tl_file_epoch;

/* Successful renames made by targets: part of every tl_file_seen key. */
__u32 tl_file_renames;

static __always_inline void fstat_inc(int i)
{
	tl_stat_inc(tl_file_stats, TL_FSTAT_N, i);
}

/*
 * The tl_file_seen key of an access to (d, vfsmnt) by the handed-off caller
 * (m) whose root is rd, and its slot.
 */
static __always_inline __u32 seen_key(struct tl_seen_key *sk, const struct tl_handoff *m,
                                      unsigned long d, unsigned long vfsmnt, unsigned long rd,
                                      __u32 access, __u32 flags)
{
	sk->dentry = d;
	sk->mnt = vfsmnt;
	sk->root = rd;
	sk->name_hash = KCAST(dentry___tl, d)->d_name.hash_len;
	sk->image = m->image;
	sk->target = m->target;
	sk->access = access;
	sk->flags = flags;
	sk->renames = tl_file_renames;
	sk->epoch = tl_file_epoch;
	sk->pad = 0;
	return (d >> 6 ^ d >> 14 ^ vfsmnt >> 6 ^ m->image ^ access * 7) & (TL_SEEN_N - 1);
}

/* The accesses counted in e go to tl_files (gone if user space forgot its key). */
static __always_inline void seen_flush(struct tl_seen_entry *e)
{
	struct tl_file_key key = {};
	__u64 *cnt;

	if (!e->pending)
		return;
	key.target = e->key.target;
	key.access = e->key.access;
	key.image = e->key.image;
	key.hash = e->hash;
	cnt = bpf_map_lookup_elem(&tl_files, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, e->pending);
	e->pending = 0;
}

/* Remember sk in its slot (sc: none for a path-only syscall's string). */
static __always_inline void seen_fill(struct tl_seen_cache *sc, __u32 slot,
                                      const struct tl_seen_key *sk, __u64 hash)
{
	struct tl_seen_entry *e;

	if (!sc)
		return;
	e = &sc->e[slot & (TL_SEEN_N - 1)];
	e->key = *sk;
	e->hash = hash;
	e->pending = 0;
}

/*
 * Record one access: the file or directory at (s->d, s->vfsmnt), or, with
 * ustr, the user string relative to that directory (an absolute string is
 * relative to the process's root).  A global function: the verifier checks
 * it once, not at every call site; its arguments must be scalars, so the
 * kernel pointers come through the scratch value (see record()).
 */
__noinline int tl_file_record(__u64 ustr, __u32 access, __u32 flags)
{
	struct task_struct___tl *task;
	struct fs_struct___tl *fs;
	struct tl_file_key key = {};
	struct tl_seen_key sk = {};
	struct tl_seen_cache *sc = 0;
	__u32 slot = 0;
	struct tl_path_scratch *s;
	struct tl_handoff *m;
	unsigned long rd, rmnt, d, vfsmnt;
	__u64 one = 1, *cnt, h = 0;
	__u32 zero = 0, size;
	long r;

	/* the recorder's word on who made the call: no task storage lookup */
	m = bpf_map_lookup_elem(&tl_handoff, &zero);
	s = bpf_map_lookup_elem(&tl_file_scratch, &zero);
	if (!m || !s)
		return 0;
	/*
	 * Loads through a trusted task make the verifier search the kernel's
	 * BTF by name (~1 ms each); through a read-only cast they do not.
	 */
	task = KCAST(task_struct___tl, s->task);
	d = s->d;
	vfsmnt = s->vfsmnt;
	fs = task->fs;
	rd = (unsigned long)fs->root.dentry;
	rmnt = (unsigned long)fs->root.mnt;
	s->file.type = TL_EV_FILE;
	s->file.pad = 0;
	s->path.flags = flags;
	s->path.name_len = 0;
	s->path.dir_len = 0;
	s->path.pad = 0;
	if (ustr) {
		r = bpf_probe_read_user_str(s->data, TL_FILE_NAME_MAX, (void *)ustr);
		if (r <= 0)
			return 0;
		s->path.name_len = r;
		h = tl_hash_name(s);
		if (s->data[0] == '/') {
			d = rd; /* absolute: from the process's root */
			vfsmnt = rmnt;
		}
	}
	if (!d || !vfsmnt)
		return 0;
	key.target = m->target;
	key.access = access;
	key.image = m->image;
	if (!ustr) {
		/* seen_probe missed: the slot gets this key once it is in tl_files */
		sc = bpf_map_lookup_elem(&tl_file_seen, &zero);
		if (!sc)
			return 0;
		slot = seen_key(&sk, m, d, vfsmnt, rd, access, flags);
		seen_flush(&sc->e[slot & (TL_SEEN_N - 1)]);
	}
	key.hash = tl_mix(tl_path_walk(s, d, vfsmnt, rd, rmnt, false), h);
	/* an inherited pipe, socket or memfd: no path, nothing to allow */
	if ((flags & TL_FILEF_INHERIT) && (s->path.flags & TL_PATHF_UNREACHABLE))
		return 0;
	cnt = bpf_map_lookup_elem(&tl_files, &key);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		seen_fill(sc, slot, &sk, key.hash);
		return 0;
	}
	r = bpf_map_update_elem(&tl_files, &key, &one, BPF_NOEXIST);
	if (r) {
		if (r == -17 /* EEXIST: another CPU was first */) {
			cnt = bpf_map_lookup_elem(&tl_files, &key);
			if (cnt) {
				__sync_fetch_and_add(cnt, 1);
				seen_fill(sc, slot, &sk, key.hash);
			}
		} else {
			fstat_inc(TL_FSTAT_FULL);
		}
		return 0;
	}
	/* New: copy the names (flags from the first walk are set again). */
	s->path.flags = flags;
	s->file.key = key;
	tl_path_walk(s, d, vfsmnt, rd, rmnt, true);
	size = sizeof(s->file) + s->path.name_len + s->path.dir_len;
	if (size > sizeof(s->file) + sizeof(s->data))
		size = sizeof(s->file) + sizeof(s->data);
	if (bpf_ringbuf_output(&tl_file_events, &s->file, size, 0)) {
		/* Forget the key, so that the next access tries again. */
		bpf_map_delete_elem(&tl_files, &key);
		fstat_inc(TL_FSTAT_DROPS);
		return 0;
	}
	fstat_inc(TL_FSTAT_EVENTS);
	seen_fill(sc, slot, &sk, key.hash);
	return 0;
}

/* The syscall's arguments, args[i & 7] (common.bpf.h); ia32 arguments are 32 bits wide. */
static __always_inline void read_args(struct pt_regs *regs, __u32 abi, __u64 *args)
{
	tl_syscall_args(regs, abi, args);
	if (abi == TL_EV_ABI_X86) {
#pragma unroll
		for (int i = 0; i < 6; i++)
			args[i] = (__u32)args[i];
	}
}

/*
 * An access to (s->d, s->vfsmnt) counted before by this CPU (tl_file_seen):
 * count it again, true.  Inline at every call site: the call of
 * tl_file_record costs as much as the probe on this machine's return thunks.
 */
static __always_inline bool seen_probe(struct tl_path_scratch *s, __u32 access, __u32 flags)
{
	struct task_struct___tl *task = KCAST(task_struct___tl, s->task);
	unsigned long d = s->d, vfsmnt = s->vfsmnt; /* numbers: stored pointers read back */
	struct tl_seen_entry *e;
	struct tl_seen_cache *sc;
	struct tl_seen_key sk;
	struct tl_handoff *m;
	__u32 zero = 0, slot;

	m = bpf_map_lookup_elem(&tl_handoff, &zero);
	sc = bpf_map_lookup_elem(&tl_file_seen, &zero);
	if (!m || !sc || !d || !vfsmnt)
		return false;
	slot = seen_key(&sk, m, d, vfsmnt, (unsigned long)task->fs->root.dentry, access, flags);
	e = &sc->e[slot & (TL_SEEN_N - 1)];
	if (e->key.dentry != sk.dentry || e->key.mnt != sk.mnt || e->key.root != sk.root ||
	    e->key.name_hash != sk.name_hash || e->key.image != sk.image ||
	    e->key.target != sk.target || e->key.access != sk.access || e->key.flags != sk.flags ||
	    e->key.renames != sk.renames || e->key.epoch != sk.epoch)
		return false;
	e->pending++;
	return true;
}

/* Hand (dentry, vfsmount) to tl_file_record through the scratch value (the task: tl_files_exit). */
static __always_inline int record(void *d, void *vfsmnt, __u64 ustr, __u32 access, __u32 flags)
{
	__u32 zero = 0;
	struct tl_path_scratch *s = bpf_map_lookup_elem(&tl_file_scratch, &zero);

	if (!s)
		return 0;
	s->d = (unsigned long)d;
	s->vfsmnt = (unsigned long)vfsmnt;
	if (!ustr && seen_probe(s, access, flags))
		return 0;
	return tl_file_record(ustr, access, flags);
}

static __always_inline int record_file(struct file___tl *f, __u32 access, __u32 flags)
{
	if (!f)
		return 0;
	if ((f->f_inode->i_mode & S_IFMT_) == S_IFDIR_)
		access |= TL_EV_ACC_DIR;
	return record(f->f_path.dentry, f->f_path.mnt, 0, access, flags);
}

struct vm_area_struct___tl {
	unsigned long vm_flags;
	struct file___tl *vm_file;
} TL_KTYPE;

struct vma_ctx {
	unsigned long file;
	unsigned long flags;
};

static long vma_cb(struct task_struct *task, struct vm_area_struct___tl *vma, struct vma_ctx *c)
{
	c->flags = vma->vm_flags;
	c->file = (unsigned long)vma->vm_file;
	return 0;
}

/* The file mapped at addr, if that mapping is executable. */
static __always_inline struct file___tl *exec_mapping(struct task_struct___tl *task,
                                                      unsigned long addr)
{
	struct vma_ctx c = {};

	if (bpf_find_vma(bpf_get_current_task_btf(), addr, vma_cb, &c, 0) || !c.file ||
	    !(c.flags & VM_EXEC_))
		return 0;
	return KCAST(file___tl, c.file);
}

/* The access a file was opened with: read, write, or append (as AppArmor maps it). */
static __always_inline __u32 open_access(struct file___tl *f)
{
	__u32 mode = f->f_mode, acc = 0;

	if (mode & FMODE_READ)
		acc |= TL_EV_ACC_READ;
	if (mode & FMODE_WRITE)
		acc |= (f->f_flags & O_APPEND_) ? TL_EV_ACC_APPEND : TL_EV_ACC_WRITE;
	return acc;
}

/*
 * The files a new program inherits open (TL_INHERIT_FDS first fds, not
 * sockets: AppArmor checks those by their own rules), as its own accesses:
 * when it runs under another profile than its caller, AppArmor checks them
 * again at exec and closes the ones that profile does not allow (a shell's
 * `cmd > out`: cmd writes out through fd 1).  Pipes have no path: not
 * recorded (TL_FILEF_INHERIT).
 */
#define TL_INHERIT_FDS 16

/*
 * Inherited fd fd of the task in the scratch value.  A global function: the
 * verifier checks it once; inline in the loop below it was checked once per
 * fd (16 copies of record_file: ~27k of the ~48k instructions verified,
 * ~30 ms of start-up).
 */
__noinline int tl_file_inherited(__u32 fd)
{
	__u32 zero = 0, acc;
	struct tl_path_scratch *s = bpf_map_lookup_elem(&tl_file_scratch, &zero);
	struct file___tl *f;

	if (!s)
		return 0;
	f = tl_fd_file(KCAST(task_struct___tl, s->task), fd);
	if (!f || (f->f_mode & FMODE_PATH) || (f->f_inode->i_mode & S_IFMT_) == S_IFSOCK_)
		return 0;
	acc = open_access(f);
	return acc ? record_file(f, acc, TL_FILEF_INHERIT) : 0;
}

static __always_inline void on_inherited(void)
{
	for (__u32 fd = 0; fd < TL_INHERIT_FDS; fd++)
		tl_file_inherited(fd);
}

/* open(2) and friends: the access the file was opened with. */
static __always_inline int on_open(struct task_struct___tl *task, const __u64 *args,
                                   const struct tl_filespec *spec, long ret)
{
	struct file___tl *f = tl_fd_file(task, ret);
	__u64 oflags = spec->fixed_flags;
	__u32 acc = spec->access[0], mode;

	if (!f)
		return 0;
	mode = f->f_mode;
	if (mode & FMODE_PATH)
		return 0; /* O_PATH: a handle, no access (AppArmor does not check it) */
	acc |= open_access(f);
	if (mode & FMODE_CREATED)
		acc |= TL_EV_ACC_CREATE;
	/* O_TRUNC is cleared from f_flags after the open: read the argument. */
	if (spec->flags_arg >= 0 && spec->flags_arg < 6) {
		oflags = args[spec->flags_arg & 7];
		if (spec->opts & TL_FS_HOW) {
			__u64 how = 0; /* struct open_how: flags first */

			bpf_probe_read_user(&how, sizeof(how), (void *)oflags);
			oflags = how;
		}
	}
	if (oflags & O_TRUNC_)
		acc |= TL_EV_ACC_WRITE;
	return record_file(f, acc, 0);
}

struct sock_common___tl {
	unsigned short skc_family;
} TL_KTYPE;

struct sock___tl {
	struct sock_common___tl __sk_common;
} TL_KTYPE;

struct socket___tl {
	struct sock___tl *sk;
} TL_KTYPE;

/* Starts with its struct sock; path: where it is bound (none: abstract, unbound). */
struct unix_sock___tl {
	struct path___tl path;
	struct sock___tl *peer;
} TL_KTYPE;

#define AF_UNIX_ 1

/*
 * bind/connect of a unix socket at a path: AppArmor mediates them through
 * file rules (bind creates the file, mknod; connect is a write to it).
 * The kernel's own record: the socket's path after bind, the peer's after
 * connect (a stream peer carries its listener's path).
 */
static __always_inline int on_sock(struct task_struct___tl *task, const __u64 *args,
                                   const struct tl_filespec *spec)
{
	__u32 opts = spec->opts, access = spec->access[0];
	struct unix_sock___tl *u;
	struct file___tl *f;
	struct sock___tl *sk;
	__u32 fd = args[0];

	if (opts & TL_FS_SOCKCALL) {
		/* socketcall(call, args): SYS_BIND 2, SYS_CONNECT 3; args[0] is the fd */
		if (args[0] != 2 && args[0] != 3)
			return 0;
		opts = args[0] == 3 ? TL_FS_PEER : 0;
		access = args[0] == 3 ? TL_EV_ACC_READ | TL_EV_ACC_WRITE : TL_EV_ACC_CREATE;
		if (bpf_probe_read_user(&fd, sizeof(fd), (void *)args[1]))
			return 0;
	}
	f = tl_fd_file(task, (int)fd);
	if (!f)
		return 0;
	sk = KCAST(socket___tl, f->private_data)->sk;
	if (!sk || sk->__sk_common.skc_family != AF_UNIX_)
		return 0;
	u = KCAST(unix_sock___tl, sk);
	if (opts & TL_FS_PEER) {
		sk = u->peer;
		if (!sk)
			return 0;
		u = KCAST(unix_sock___tl, sk);
	}
	if (!u->path.dentry)
		return 0;
	return record(u->path.dentry, u->path.mnt, 0, access, 0);
}

/* Path-only syscalls: path k relative to its dirfd (or the cwd). */
static __always_inline int on_path(struct task_struct___tl *task, const __u64 *args,
                                   const struct tl_filespec *spec, int k)
{
	__u64 ustr, atflags = 0;
	__u32 acc = spec->access[k];
	int di = spec->dirfd[k], pi = spec->path[k];
	struct file___tl *f = 0;
	struct path___tl *dir;
	long dirfd = AT_FDCWD_;
	char c = 0;

	if (pi < 0 || pi > 5)
		return 0;
	ustr = args[pi & 7];
	if (spec->flags_arg >= 0 && spec->flags_arg < 6)
		atflags = args[spec->flags_arg & 7];
	if (atflags & spec->dir_mask)
		acc |= TL_EV_ACC_DIR;
	if ((spec->opts & TL_FS_EXCHANGE) && (atflags & 2 /* RENAME_EXCHANGE */))
		acc &= ~(__u32)(TL_EV_ACC_CREATE | TL_EV_ACC_DELETE);
	if (di >= 0 && di < 6)
		dirfd = (int)args[di & 7];
	if (ustr)
		bpf_probe_read_user(&c, 1, (void *)ustr);
	/* utimensat(fd, NULL), fchownat(fd, "", AT_EMPTY_PATH): the fd's own file. */
	if (!ustr || (!c && (atflags & AT_EMPTY_PATH_)))
		return record_file(tl_fd_file(task, dirfd), acc, 0);
	if (dirfd == AT_FDCWD_ || c == '/') {
		dir = &task->fs->pwd;
		return record(dir->dentry, dir->mnt, ustr, acc, 0);
	}
	f = tl_fd_file(task, dirfd);
	if (!f)
		return 0;
	return record(f->f_path.dentry, f->f_path.mnt, ustr, acc, 0);
}

/*
 * The tail-call target (never attached).  The ABI is the task's now: the
 * call's, except after an exec into a binary of the other ABI, where
 * set_personality_*() also rewrote orig_ax to that ABI's execve.
 */
SEC("tp_btf/sys_exit")
int tl_files_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	struct task_struct___tl *task;
	long ret = (long)ctx[1];
	struct tl_path_scratch *s;
	struct tl_handoff *h;
	struct tl_filespec *spec;
	__u32 idx, abi, zero = 0;
	__u64 nr, a1, args[8];

	if (ret < 0 && ret >= -4095)
		return 0;
	s = bpf_map_lookup_elem(&tl_file_scratch, &zero);
	h = bpf_map_lookup_elem(&tl_handoff, &zero);
	if (!s || !h || !h->task)
		return 0;
	/* the recorder's current task, read through a read-only cast (see tl_file_record) */
	s->task = h->task;
	task = KCAST(task_struct___tl, h->task);
	abi = (task->thread_info.status & TS_COMPAT) ? TL_EV_ABI_X86 : TL_EV_ABI_X86_64;
	nr = (__u32)regs->orig_ax; /* eax, as the entry code dispatches on */
	if (nr >= TL_NR_MAX)
		return 0;
	idx = abi * TL_NR_MAX + (__u32)nr;
	spec = bpf_map_lookup_elem(&tl_filespec, &idx);
	if (!spec)
		return 0;
	read_args(regs, abi, args);
	/*
	 * No PROT_EXEC: no executable mapping to look up (the mmap lock, ~1 µs
	 * per mmap), unless READ_IMPLIES_EXEC makes a readable one executable.
	 */
	if ((spec->opts & TL_FS_PROT) && !(args[2] & PROT_EXEC_) &&
	    !(task->personality & READ_IMPLIES_EXEC_))
		return 0;
	switch (spec->kind) {
	case TL_FK_OPEN:
		return on_open(task, args, spec, ret);
	case TL_FK_EXEC:
		/* exec'ed: m->image is already the new program's id */
		record_file(task->mm->exe_file, TL_EV_ACC_EXEC, TL_FILEF_EXEC);
		on_inherited();
		/*
		 * The kernel mapped the ELF interpreter (ld.so) without a syscall:
		 * the new program starts there, so its mapping is at the user ip
		 * (a static binary's own file otherwise).
		 */
		return record_file(exec_mapping(task, regs->ip),
		                   TL_EV_ACC_READ | TL_EV_ACC_MMAP_EXEC, 0);
	case TL_FK_MMAP:
		return record_file(exec_mapping(task, (unsigned long)ret), TL_EV_ACC_MMAP_EXEC, 0);
	case TL_FK_MPROTECT:
		return record_file(exec_mapping(task, args[0]), TL_EV_ACC_MMAP_EXEC, 0);
	case TL_FK_FD:
		return record_file(tl_fd_file(task, (int)args[0]), spec->access[0], 0);
	case TL_FK_FLOCK:
		if ((args[1] & ~4ULL /* LOCK_NB */) == LOCK_UN_)
			return 0;
		return record_file(tl_fd_file(task, (int)args[0]), TL_EV_ACC_LOCK, 0);
	case TL_FK_FCNTL: {
		short type = F_UNLCK_;

		a1 = (__u32)args[1];
		/* F_SETLK(W) 6/7, ia32 F_SETLK64/F_SETLKW64 13/14, F_OFD_SETLK(W) 37/38 */
		if (a1 != 6 && a1 != 7 && a1 != 13 && a1 != 14 && a1 != 37 && a1 != 38)
			return 0;
		bpf_probe_read_user(&type, sizeof(type), (void *)args[2]);
		if (type == F_UNLCK_)
			return 0;
		return record_file(tl_fd_file(task, (int)args[0]), TL_EV_ACC_LOCK, 0);
	}
	case TL_FK_SOCK:
		return on_sock(task, args, spec);
	case TL_FK_PATH:
		on_path(task, args, spec, 0);
		if (spec->npaths > 1)
			on_path(task, args, spec, 1);
		/* A directory renamed moves what is below it: forget tl_file_seen. */
		if (spec->access[0] & TL_EV_ACC_RENAME)
			__sync_fetch_and_add(&tl_file_renames, 1);
		return 0;
	}
	return 0;
}
