// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * File accesses of targets (issue "AppArmor"): every path a target opened,
 * created, deleted, renamed, linked, locked, executed or mapped executable,
 * with the access it needed, as the kernel resolved it.
 *
 * No program here is attached.  The recorder's tl_sys_exit, for an ACTIVE
 * target whose syscall succeeded, tail-calls slot abi * TL_NR_MAX + nr of
 * its prog array tl_file_progs; user space puts tl_files_exit in the slots
 * of file syscalls only.  So tasks that are not targets pay nothing,
 * and a target's other syscalls pay one empty-slot tail call.  Per-syscall
 * tracepoints (syscalls:sys_exit_openat...) were measured instead: enabling
 * any of them adds ~20-40 ns to every syscall on the host (a probe with a
 * bitmap test), needs tracefs, and never fires for ia32 syscalls.
 *
 * Paths are resolved from kernel objects, not from the strings the program
 * passed: the file behind the returned fd (open), the mapping's file (mmap,
 * mprotect), the new mm->exe_file (execve), by walking dentries up to the
 * process's root (task->fs->root) and crossing mounts (struct mount:
 * mnt_parent, mnt_mountpoint).  So symlinks are resolved and a chroot's or
 * container's paths are its own.  Path-only syscalls (unlink, mkdir,
 * rename...) send the string and the directory it is relative to (dirfd's
 * file or the cwd, resolved the same way); user space joins them.
 *
 * Deduplicated here: the hash tl_files maps (target, access, program, path
 * hash) to a count; only a new key costs a ring buffer record.  The path
 * hash is computed first, from the walk without copying names (per
 * component: the dcache's name hash, salted with the parent dentry, its
 * length and the inode number; per mount crossed: the mount id); names are
 * copied only for a new key.
 */
#include "common.bpf.h"
#include <bpf/bpf_core_read.h>

/* Dual-licensed (SPDX above); the kernel wants a GPL-compatible string. */
char LICENSE[] SEC("license") = "GPL";

/*
 * Kernel types, "flavoured" with ___tl: CO-RE matches them to the running
 * kernel's struct dentry, struct mount... by the name before "___", so they
 * cannot clash with vmlinux_min.h, which other programs extend.
 */
#define TL_KTYPE __attribute__((preserve_access_index))

struct qstr___tl {
	__u64 hash_len; /* hash (salted with the parent dentry) | len << 32 */
	const unsigned char *name;
} TL_KTYPE;

struct inode___tl {
	unsigned short i_mode;
	unsigned long i_ino;
} TL_KTYPE;

struct dentry___tl {
	struct dentry___tl *d_parent;
	struct qstr___tl d_name;
	struct inode___tl *d_inode;
} TL_KTYPE;

struct vfsmount___tl {
	struct dentry___tl *mnt_root;
} TL_KTYPE;

struct mount___tl {
	struct mount___tl *mnt_parent;
	struct dentry___tl *mnt_mountpoint;
	struct vfsmount___tl mnt;
	int mnt_id;
} TL_KTYPE;

struct path___tl {
	struct vfsmount___tl *mnt;
	struct dentry___tl *dentry;
} TL_KTYPE;

struct fs_struct___tl {
	struct path___tl root;
	struct path___tl pwd;
} TL_KTYPE;

struct file___tl {
	unsigned int f_mode;
	unsigned int f_flags;
	struct inode___tl *f_inode;
	struct path___tl f_path;
} TL_KTYPE;

struct fdtable___tl {
	unsigned int max_fds;
	struct file___tl **fd;
} TL_KTYPE;

struct files_struct___tl {
	struct fdtable___tl *fdt;
} TL_KTYPE;

struct mm_struct___tl {
	struct file___tl *exe_file;
} TL_KTYPE;

struct vm_area_struct___tl {
	unsigned long vm_flags;
	struct file___tl *vm_file;
} TL_KTYPE;

struct task_struct___tl {
	struct fs_struct___tl *fs;
	struct files_struct___tl *files;
	struct mm_struct___tl *mm;
} TL_KTYPE;

/*
 * A kernel address as a typed pointer that the verifier lets us load from
 * (faults read as 0).  bpf_rdonly_cast is inlined: no call at run time.
 */
extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym;
#define KCAST(type, p)                                                                             \
	((struct type *)bpf_rdonly_cast((void *)(unsigned long)(p),                                \
	                                bpf_core_type_id_kernel(struct type)))

/* include/linux/fs.h, uapi fcntl.h, mman.h: ABI values, stable for years. */
#define FMODE_READ     0x1
#define FMODE_WRITE    0x2
#define FMODE_PATH     0x4000
#define FMODE_CREATED  0x100000 /* the open created the file */
#define O_TRUNC_       0x200
#define O_APPEND_      0x400
#define S_IFMT_        0170000
#define S_IFDIR_       0040000
#define VM_EXEC_       0x4
#define AT_FDCWD_      (-100)
#define AT_EMPTY_PATH_ 0x1000
#define LOCK_UN_       8
#define F_UNLCK_       2

/* tl_marks: shared with the recorder (common.bpf.h). */

/* abi * TL_NR_MAX + nr -> what the syscall does with files; tracer/files.c fills it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_EV_ABI_N *TL_NR_MAX);
	__type(key, __u32);
	__type(value, struct tl_filespec);
} tl_filespec SEC(".maps");

/* The set of (target, access, program, path) seen, with access counts. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct tl_file_key);
	__type(value, __u64);
} tl_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} tl_file_events SEC(".maps");

/* The record being built: header, user string, components (8 KiB + one name). */
#define TL_FILE_DATA (TL_FILE_NAME_MAX + TL_FILE_DIR_MAX + 256)
struct scratch {
	/* The arguments of tl_file_record: stored here, they read back as scalars. */
	__u64 d, vfsmnt;
	struct tl_ev_file ev;
	union {
		char data[TL_FILE_DATA];
		__u64 words[TL_FILE_DATA / 8]; /* for hash_word */
	};
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} tl_file_scratch SEC(".maps");

__u64 tl_file_stats[TL_FSTAT_N];

static __always_inline void fstat_inc(int i)
{
	tl_stat_inc(tl_file_stats, TL_FSTAT_N, i);
}

static __always_inline __u64 mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 31);
}

/* struct mount of a vfsmount (container_of). */
static __always_inline struct mount___tl *real_mount(unsigned long vfsmnt)
{
	return KCAST(mount___tl, vfsmnt - bpf_core_field_offset(struct mount___tl, mnt));
}

/*
 * Walk from (d, mnt) up to the root (rd, rmnt): hash the path, and with
 * copy, append each component's name to s->data at s->ev.name_len +
 * s->ev.dir_len, innermost first.  Lengths live in the map value, not in
 * registers, so the verifier sees the same state at every iteration.
 */
static __always_inline __u64 walk(struct scratch *s, unsigned long d, unsigned long vfsmnt,
                                  unsigned long rd, unsigned long rvfsmnt, bool copy)
{
	struct mount___tl *mnt = real_mount(vfsmnt), *rmnt = real_mount(rvfsmnt);
	__u64 h = 0x7461696c6f72ULL;

#pragma clang loop unroll(disable)
	for (int i = 0; i < TL_FILE_DEPTH; i++) {
		struct dentry___tl *de = KCAST(dentry___tl, d), *parent;
		struct mount___tl *up;

		if (d == rd && mnt == rmnt)
			return h;
		if (de == mnt->mnt.mnt_root) {
			/* The top of a mount: continue at its mountpoint in the parent. */
			up = mnt->mnt_parent;
			if (up == mnt) {
				s->ev.flags |= TL_FILEF_UNREACHABLE;
				return h;
			}
			h = mix(h, (__u64)up->mnt_id << 32 | 0xffffffffu);
			d = (unsigned long)mnt->mnt_mountpoint;
			mnt = up;
			continue;
		}
		parent = de->d_parent;
		if (parent == de) {
			/* A root that is not the process's: another namespace, or detached. */
			s->ev.flags |= TL_FILEF_UNREACHABLE;
			return h;
		}
		h = mix(h, de->d_name.hash_len);
		h = mix(h, de->d_inode->i_ino);
		if (copy) {
			__u32 pos = s->ev.name_len + s->ev.dir_len;
			long n;

			if (s->ev.dir_len > TL_FILE_DIR_MAX - 256 || pos > TL_FILE_DATA - 256) {
				s->ev.flags |= TL_FILEF_TRUNCATED;
				return h;
			}
			n = bpf_probe_read_kernel_str(&s->data[pos], 256, de->d_name.name);
			if (n <= 0) {
				s->data[pos] = 0;
				n = 1;
			}
			s->ev.dir_len += n;
		}
		d = (unsigned long)parent;
	}
	s->ev.flags |= TL_FILEF_TRUNCATED;
	return h;
}

struct hash_ctx {
	struct scratch *s;
	__u64 h;
};

/* bpf_loop body: word i of the user string (a loop body the verifier checks once). */
static long hash_word(__u64 i, struct hash_ctx *c)
{
	struct scratch *s = c->s;
	__u64 left = s->ev.name_len, w;

	/* i is 64-bit: the bound check and the index are the same register */
	if (i >= TL_FILE_NAME_MAX / 8 || i * 8 >= left)
		return 1;
	w = s->words[i];
	left -= i * 8;
	if (left < 8)
		w &= (1ULL << (left * 8)) - 1; /* bytes after the NUL are stale */
	c->h = mix(c->h, w);
	return 0;
}

/* Hash the user string s->data[0 .. name_len), 8 bytes at a time. */
static __always_inline __u64 hash_name(struct scratch *s)
{
	struct hash_ctx c = {.s = s, .h = 0x6e616d65ULL};

	bpf_loop(TL_FILE_NAME_MAX / 8, hash_word, &c, 0);
	return c.h;
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
	struct task_struct___tl *task = (void *)bpf_get_current_task_btf();
	struct fs_struct___tl *fs;
	struct tl_file_key key = {};
	struct scratch *s;
	struct tl_mark *m;
	unsigned long rd, rmnt, d, vfsmnt;
	__u64 one = 1, *cnt, h = 0;
	__u32 zero = 0, size;
	long r;

	m = tl_task_mark((struct task_struct *)task);
	s = bpf_map_lookup_elem(&tl_file_scratch, &zero);
	if (!m || !s)
		return 0;
	d = s->d;
	vfsmnt = s->vfsmnt;
	fs = task->fs;
	rd = (unsigned long)fs->root.dentry;
	rmnt = (unsigned long)fs->root.mnt;
	s->ev.type = TL_EV_FILE;
	s->ev.flags = flags;
	s->ev.name_len = 0;
	s->ev.dir_len = 0;
	s->ev.pad[0] = s->ev.pad[1] = s->ev.pad[2] = 0;
	if (ustr) {
		r = bpf_probe_read_user_str(s->data, TL_FILE_NAME_MAX, (void *)ustr);
		if (r <= 0)
			return 0;
		s->ev.name_len = r;
		h = hash_name(s);
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
	key.hash = mix(walk(s, d, vfsmnt, rd, rmnt, false), h);
	cnt = bpf_map_lookup_elem(&tl_files, &key);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		return 0;
	}
	r = bpf_map_update_elem(&tl_files, &key, &one, BPF_NOEXIST);
	if (r) {
		if (r == -17 /* EEXIST: another CPU was first */) {
			cnt = bpf_map_lookup_elem(&tl_files, &key);
			if (cnt)
				__sync_fetch_and_add(cnt, 1);
		} else {
			fstat_inc(TL_FSTAT_FULL);
		}
		return 0;
	}
	/* New: copy the names (flags from the first walk are set again). */
	s->ev.flags = flags;
	s->ev.key = key;
	walk(s, d, vfsmnt, rd, rmnt, true);
	size = sizeof(s->ev) + s->ev.name_len + s->ev.dir_len;
	if (size > sizeof(s->ev) + sizeof(s->data))
		size = sizeof(s->ev) + sizeof(s->data);
	if (bpf_ringbuf_output(&tl_file_events, &s->ev, size, 0)) {
		/* Forget the key, so that the next access tries again. */
		bpf_map_delete_elem(&tl_files, &key);
		fstat_inc(TL_FSTAT_DROPS);
		return 0;
	}
	fstat_inc(TL_FSTAT_EVENTS);
	return 0;
}

/* Argument i (0..5) of the syscall; ia32 arguments are 32 bits wide. */
static __always_inline __u64 arg(struct pt_regs *regs, __u32 abi, int i)
{
	__u64 v = tl_syscall_arg(regs, abi, (__u32)i);

	return abi == TL_EV_ABI_X86 ? (__u32)v : v;
}

/* Hand (dentry, vfsmount) to tl_file_record through the scratch value. */
static __always_inline int record(void *d, void *vfsmnt, __u64 ustr, __u32 access, __u32 flags)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&tl_file_scratch, &zero);

	if (!s)
		return 0;
	s->d = (unsigned long)d;
	s->vfsmnt = (unsigned long)vfsmnt;
	return tl_file_record(ustr, access, flags);
}

/* The open file of fd in the current task, or NULL. */
static __always_inline struct file___tl *fd_file(struct task_struct___tl *task, long fd)
{
	struct fdtable___tl *fdt = task->files->fdt;
	unsigned long arr, f = 0;

	if (fd < 0 || fd >= fdt->max_fds)
		return 0;
	arr = (unsigned long)fdt->fd;
	if (bpf_probe_read_kernel(&f, sizeof(f), (void *)(arr + fd * sizeof(void *))) || !f)
		return 0;
	return KCAST(file___tl, f);
}

static __always_inline int record_file(struct file___tl *f, __u32 access, __u32 flags)
{
	if (!f)
		return 0;
	if ((f->f_inode->i_mode & S_IFMT_) == S_IFDIR_)
		access |= TL_EV_ACC_DIR;
	return record(f->f_path.dentry, f->f_path.mnt, 0, access, flags);
}

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

	if (bpf_find_vma((struct task_struct *)task, addr, vma_cb, &c, 0) || !c.file ||
	    !(c.flags & VM_EXEC_))
		return 0;
	return KCAST(file___tl, c.file);
}

/* open(2) and friends: the access the file was opened with. */
static __always_inline int on_open(struct task_struct___tl *task, struct pt_regs *regs, __u32 abi,
                                   const struct tl_filespec *spec, long ret)
{
	struct file___tl *f = fd_file(task, ret);
	__u64 oflags = spec->fixed_flags;
	__u32 acc = spec->access[0], mode;

	if (!f)
		return 0;
	mode = f->f_mode;
	if (mode & FMODE_PATH)
		return 0; /* O_PATH: a handle, no access (AppArmor does not check it) */
	if (mode & FMODE_READ)
		acc |= TL_EV_ACC_READ;
	if (mode & FMODE_WRITE)
		acc |= (f->f_flags & O_APPEND_) ? TL_EV_ACC_APPEND : TL_EV_ACC_WRITE;
	if (mode & FMODE_CREATED)
		acc |= TL_EV_ACC_CREATE;
	/* O_TRUNC is cleared from f_flags after the open: read the argument. */
	if (spec->flags_arg >= 0 && spec->flags_arg < 6) {
		oflags = arg(regs, abi, spec->flags_arg);
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

/* Path-only syscalls: path k relative to its dirfd (or the cwd). */
static __always_inline int on_path(struct task_struct___tl *task, struct pt_regs *regs, __u32 abi,
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
	ustr = arg(regs, abi, pi);
	if (spec->flags_arg >= 0 && spec->flags_arg < 6)
		atflags = arg(regs, abi, spec->flags_arg);
	if (atflags & spec->dir_mask)
		acc |= TL_EV_ACC_DIR;
	if (di >= 0 && di < 6)
		dirfd = (int)arg(regs, abi, di);
	if (ustr)
		bpf_probe_read_user(&c, 1, (void *)ustr);
	/* utimensat(fd, NULL), fchownat(fd, "", AT_EMPTY_PATH): the fd's own file. */
	if (!ustr || (!c && (atflags & AT_EMPTY_PATH_)))
		return record_file(fd_file(task, dirfd), acc, 0);
	if (dirfd == AT_FDCWD_ || c == '/') {
		dir = &task->fs->pwd;
		return record(dir->dentry, dir->mnt, ustr, acc, 0);
	}
	f = fd_file(task, dirfd);
	if (!f)
		return 0;
	return record(f->f_path.dentry, f->f_path.mnt, ustr, acc, 0);
}

/*
 * The tail-call target (never attached).  The ABI is the task's now: the
 * same as at sys_enter, except after an execve into a binary of the other
 * ABI, where set_personality_*() also rewrote orig_ax to that ABI's execve.
 */
SEC("tp_btf/sys_exit")
int tl_files_exit(__u64 *ctx)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct task_struct___tl *task = (void *)cur;
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	struct tl_filespec *spec;
	__u32 idx, abi;
	__u64 nr, a1;

	if (ret < 0 && ret >= -4095)
		return 0;
	abi = (cur->thread_info.status & TS_COMPAT) ? TL_EV_ABI_X86 : TL_EV_ABI_X86_64;
	nr = regs->orig_ax;
	if (nr >= TL_NR_MAX)
		return 0;
	idx = abi * TL_NR_MAX + (__u32)nr;
	spec = bpf_map_lookup_elem(&tl_filespec, &idx);
	if (!spec)
		return 0;
	switch (spec->kind) {
	case TL_FK_OPEN:
		return on_open(task, regs, abi, spec, ret);
	case TL_FK_EXEC:
		/* exec'ed: m->image is already the new program's id */
		record_file(task->mm->exe_file, TL_EV_ACC_EXEC, TL_FILEF_EXEC);
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
		return record_file(exec_mapping(task, arg(regs, abi, 0)), TL_EV_ACC_MMAP_EXEC, 0);
	case TL_FK_FD:
		return record_file(fd_file(task, (int)arg(regs, abi, 0)), spec->access[0], 0);
	case TL_FK_FLOCK:
		if ((arg(regs, abi, 1) & ~4ULL /* LOCK_NB */) == LOCK_UN_)
			return 0;
		return record_file(fd_file(task, (int)arg(regs, abi, 0)), TL_EV_ACC_LOCK, 0);
	case TL_FK_FCNTL: {
		short type = F_UNLCK_;

		a1 = (__u32)arg(regs, abi, 1);
		/* F_SETLK(W) 6/7, ia32 F_SETLK64/F_SETLKW64 13/14, F_OFD_SETLK(W) 37/38 */
		if (a1 != 6 && a1 != 7 && a1 != 13 && a1 != 14 && a1 != 37 && a1 != 38)
			return 0;
		bpf_probe_read_user(&type, sizeof(type), (void *)arg(regs, abi, 2));
		if (type == F_UNLCK_)
			return 0;
		return record_file(fd_file(task, (int)arg(regs, abi, 0)), TL_EV_ACC_LOCK, 0);
	}
	case TL_FK_PATH:
		on_path(task, regs, abi, spec, 0);
		if (spec->npaths > 1)
			on_path(task, regs, abi, spec, 1);
		return 0;
	}
	return 0;
}
