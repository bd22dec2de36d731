/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * Paths as the kernel resolved them, shared by the recorder (exec records)
 * and the file recorder (files.bpf.c): a (dentry, vfsmount) is walked up to
 * the process's root (task->fs->root), crossing mounts through struct mount
 * (mnt_parent, mnt_mountpoint).  So symlinks are resolved, a path through a
 * bind mount is the one the process used, and a chroot's or container's
 * paths are its own.  The components go into a per-CPU scratch value,
 * innermost first, after an optional string (struct tl_ev_path, events.h);
 * user space joins them (tracer/kpath.c).
 *
 * Kernel pointers are read in one of two ways, chosen by the includer:
 * files.bpf.c defines TL_PATH_RDONLY_CAST before including this and loads
 * directly through bpf_rdonly_cast'ed pointers (inlined, no helper call:
 * its walk is on every traced open; Linux 6.2+, the file recorder is
 * optional); the recorder reads with bpf_probe_read_kernel (an exec is
 * rare, and the recorder must load on any kernel with BTF).
 */
#ifndef TAILOR_PATH_BPF_H
#define TAILOR_PATH_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_core_read.h>

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
	void *private_data; /* a socket's struct socket */
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
	unsigned long arg_start, arg_end; /* the new program's argv strings */
} TL_KTYPE;

struct mnt_namespace___tl {
	struct mount___tl *root;
} TL_KTYPE;

struct nsproxy___tl {
	struct mnt_namespace___tl *mnt_ns;
} TL_KTYPE;

struct thread_info___tl {
	__u32 status;
} TL_KTYPE;

struct task_struct___tl {
	struct thread_info___tl thread_info;
	unsigned int personality;
	struct fs_struct___tl *fs;
	struct files_struct___tl *files;
	struct mm_struct___tl *mm;
	struct nsproxy___tl *nsproxy;
} TL_KTYPE;

#ifdef TL_PATH_RDONLY_CAST
/*
 * A kernel address as a typed pointer that the verifier lets us load from
 * (faults read as 0).  bpf_rdonly_cast is inlined: no call at run time.
 */
extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym;
#define KCAST(type, p)                                                                             \
	((struct type *)bpf_rdonly_cast((void *)(unsigned long)(p),                                \
	                                bpf_core_type_id_kernel(struct type)))
#define KREAD(p, field)   ((p)->field)
#define KREAD2(p, f1, f2) ((p)->f1->f2)

/* Any kernel struct with an unsigned long at offset 0: a word at an address. */
struct pt_regs___tlword {
	unsigned long r15;
} TL_KTYPE;

/* The word at addr (0 if it faults): a load, where bpf_probe_read_kernel is a call. */
static __always_inline unsigned long tl_kword(unsigned long addr)
{
	return KCAST(pt_regs___tlword, addr)->r15;
}
#else
/* A plain pointer, read through bpf_probe_read_kernel (faults read as 0). */
#define KCAST(type, p)    ((struct type *)(unsigned long)(p))
#define KREAD(p, field)   BPF_CORE_READ(p, field)
#define KREAD2(p, f1, f2) BPF_CORE_READ(p, f1, f2)

static __always_inline unsigned long tl_kword(unsigned long addr)
{
	unsigned long w = 0;

	bpf_probe_read_kernel(&w, sizeof(w), (void *)addr);
	return w;
}
#endif

/* Room for a string (TL_FILE_NAME_MAX), components (TL_FILE_DIR_MAX) and one more name. */
#define TL_PATH_DATA (TL_FILE_NAME_MAX + TL_FILE_DIR_MAX + 256)

/* A record being built: its fixed part (file or exec), then the path's data. */
struct tl_path_scratch {
	/* Arguments of global functions, stored here: they read back as scalars. */
	__u64 d, vfsmnt, task;
	struct {
		unsigned long d, mnt, rd, rmnt;
		__u64 h;
	} walk; /* tl_path_walk's state, shared with tl_path_step */
	union {
		struct tl_ev_file file;
		struct tl_ev_exec exec;
		struct {
			__u8 head_[TL_EV_PATH_HEAD - sizeof(struct tl_ev_path)];
			struct tl_ev_path path; /* the last member of both */
		};
	};
	union {
		char data[TL_PATH_DATA];
		__u64 words[TL_PATH_DATA / 8]; /* for hashing the string */
	};
};

static __always_inline __u64 tl_mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 31);
}

/* struct mount of a vfsmount (container_of). */
static __always_inline struct mount___tl *tl_real_mount(unsigned long vfsmnt)
{
	return KCAST(mount___tl, vfsmnt - bpf_core_field_offset(struct mount___tl, mnt));
}

/* Append the name of dentry de to the components; false when there is no room. */
static __always_inline bool tl_path_name(struct tl_path_scratch *s, struct dentry___tl *de)
{
	__u32 pos = s->path.name_len + s->path.dir_len;
	long n;

	if (s->path.dir_len > TL_FILE_DIR_MAX - 256 || pos > TL_PATH_DATA - 256) {
		s->path.flags |= TL_PATHF_TRUNCATED;
		return false;
	}
	n = bpf_probe_read_kernel_str(&s->data[pos], 256, KREAD(de, d_name.name));
	if (n <= 0) {
		s->data[pos] = 0;
		n = 1;
	}
	s->path.dir_len += n;
	return true;
}

/*
 * One step of a walk (tl_path_walk) from (*d, *mnt): a component, or a mount
 * crossed; 1 when the walk is over.
 */
static __always_inline int tl_path_step_(struct tl_path_scratch *s, unsigned long *d,
                                         unsigned long *mnt, __u64 *h, unsigned long rd,
                                         unsigned long rmnt, bool copy)
{
	struct dentry___tl *de = KCAST(dentry___tl, *d), *parent;
	struct mount___tl *m = KCAST(mount___tl, *mnt), *up;

	if (*d == rd && *mnt == rmnt)
		return 1;
	if (de == KREAD(m, mnt.mnt_root)) {
		/* The top of a mount: continue at its mountpoint in the parent. */
		up = KREAD(m, mnt_parent);
		if (up == m) {
			s->path.flags |= TL_PATHF_UNREACHABLE;
			return 1;
		}
		*h = tl_mix(*h, (__u64)KREAD(up, mnt_id) << 32 | 0xffffffffu);
		*d = (unsigned long)KREAD(m, mnt_mountpoint);
		*mnt = (unsigned long)up;
		return 0;
	}
	parent = KREAD(de, d_parent);
	if (parent == de) {
		/*
		 * A root that is not the process's: another namespace, detached,
		 * or a file of no mount at all (memfd, pipe, anon inode): keep its
		 * name ("memfd:x").
		 */
		s->path.flags |= TL_PATHF_UNREACHABLE;
		*h = tl_mix(*h, KREAD(de, d_name.hash_len));
		if (copy)
			tl_path_name(s, de);
		return 1;
	}
	*h = tl_mix(*h, KREAD(de, d_name.hash_len));
	*h = tl_mix(*h, KREAD2(de, d_inode, i_ino));
	if (copy && !tl_path_name(s, de))
		return 1;
	*d = (unsigned long)parent;
	return 0;
}

/*
 * The same out of line, the walk's state in s->walk: a global function, so
 * the verifier checks it once, where a loop body is checked once per level
 * and caller (64 levels: ~30k instructions, ~40 ms of start-up).
 */
__noinline int tl_path_step(struct tl_path_scratch *s, __u32 copy)
{
	if (!s)
		return 1;
	return tl_path_step_(s, &s->walk.d, &s->walk.mnt, &s->walk.h, s->walk.rd, s->walk.rmnt,
	                     copy);
}

struct tl_hash_ctx {
	struct tl_path_scratch *s;
	__u64 h;
};

/* bpf_loop body: word i of the user string (a loop body the verifier checks once). */
static long tl_hash_word(__u64 i, struct tl_hash_ctx *c)
{
	struct tl_path_scratch *s = c->s;
	__u64 left = s->path.name_len, w;

	/* i is 64-bit: the bound check and the index are the same register */
	if (i >= TL_FILE_NAME_MAX / 8 || i * 8 >= left)
		return 1;
	w = s->words[i];
	left -= i * 8;
	if (left < 8)
		w &= (1ULL << (left * 8)) - 1; /* bytes after the NUL are stale */
	c->h = tl_mix(c->h, w);
	return 0;
}

/* Hash the user string s->data[0 .. name_len), 8 bytes at a time. */
static __always_inline __u64 tl_hash_name(struct tl_path_scratch *s)
{
	struct tl_hash_ctx c = {.s = s, .h = 0x6e616d65ULL};

	bpf_loop(TL_FILE_NAME_MAX / 8, tl_hash_word, &c, 0);
	return c.h;
}

/*
 * Levels a hashing walk takes inline (registers, no call): most paths;
 * deeper ones call tl_path_step.  A copying walk (a new file, an exec) is
 * rare: it calls tl_path_step from the first level, so the verifier does
 * not check eight more inline levels at each of its call sites (~4k
 * instructions, ~5 ms of start-up each).
 */
#define TL_PATH_INLINE 8

/*
 * Walk from (d, vfsmnt) up to the root (rd, rvfsmnt): hash the path, and
 * with copy, append each component's name to s->data after the string and
 * the components already there, innermost first.
 */
static __always_inline __u64 tl_path_walk(struct tl_path_scratch *s, unsigned long d,
                                          unsigned long vfsmnt, unsigned long rd,
                                          unsigned long rvfsmnt, bool copy)
{
	unsigned long mnt = (unsigned long)tl_real_mount(vfsmnt);
	unsigned long rmnt = (unsigned long)tl_real_mount(rvfsmnt);
	__u64 h = 0x7461696c6f72ULL;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < (copy ? 0 : TL_PATH_INLINE); i++)
		if (tl_path_step_(s, &d, &mnt, &h, rd, rmnt, copy))
			return h;
	s->walk.d = d;
	s->walk.mnt = mnt;
	s->walk.rd = rd;
	s->walk.rmnt = rmnt;
	s->walk.h = h;
	for (; i < TL_FILE_DEPTH; i++)
		if (tl_path_step(s, copy))
			return s->walk.h;
	s->path.flags |= TL_PATHF_TRUNCATED;
	return s->walk.h;
}

/* The open file of fd in task, or NULL. */
static __always_inline struct file___tl *tl_fd_file(struct task_struct___tl *task, long fd)
{
	struct fdtable___tl *fdt = KREAD2(task, files, fdt);
	unsigned long arr, f;

	if (fd < 0 || fd >= KREAD(fdt, max_fds))
		return 0;
	arr = (unsigned long)KREAD(fdt, fd);
	f = tl_kword(arr + fd * sizeof(void *));
	if (!f)
		return 0;
	return KCAST(file___tl, f);
}

#endif
