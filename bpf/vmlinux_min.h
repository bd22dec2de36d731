/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few kernel types the recorder touches, hand-written so the build does
 * not need /sys/kernel/btf/vmlinux.  preserve_access_index makes every field
 * access a CO-RE relocation: libbpf resolves it against the running kernel's
 * BTF by name, so only the fields used need to be declared, in any order.
 */
#ifndef TAILOR_VMLINUX_MIN_H
#define TAILOR_VMLINUX_MIN_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u8 u8;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
typedef int pid_t;
typedef _Bool bool;
#define true 1
#define false 0

/* UAPI constants (include/uapi/linux/bpf.h); values are ABI, never change. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_QUEUE = 22,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

/* arch/x86/include/asm/thread_info.h: set while a task is in a compat syscall. */
#define TS_COMPAT 0x0002

/* BPF_FUNC_get_stack flags (UAPI). */
enum {
	BPF_F_USER_STACK = 256,
	BPF_F_USER_BUILD_ID = 2048,
};

/*
 * Syscall arguments: x86_64 di, si, dx, r10, r8, r9; ia32 (compat) bx, cx,
 * dx, si, di, bp.  They still hold the arguments at sys_exit.
 */
struct pt_regs {
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long bp;
	unsigned long bx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long cx;
	unsigned long ax; /* -ENOSYS while a syscall runs, then its return value */
	unsigned long orig_ax;
	unsigned long ip;
	unsigned short cs; /* a union with csx since 6.9: its low 16 bits either way */
	unsigned long sp;
} __attribute__((preserve_access_index));

struct cred;
struct user_namespace;

struct thread_info {
	u32 status;
} __attribute__((preserve_access_index));

struct bpf_local_storage;

/* Containers: pid namespace (task_active_pid_ns) and cgroups of a task. */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct pid_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct upid {
	int nr;
	struct pid_namespace *ns;
} __attribute__((preserve_access_index));

struct pid {
	unsigned int level;
	struct upid numbers[];
} __attribute__((preserve_access_index));

struct kernfs_node {
	const char *name;
} __attribute__((preserve_access_index));

struct cgroup {
	int level;
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));

struct cgroup_subsys_state {
	struct cgroup *cgroup;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup_subsys_state *subsys[12]; /* CGROUP_SUBSYS_COUNT: read by offset */
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));

typedef struct {
	int counter;
} atomic_t;

struct seccomp {
	int mode; /* SECCOMP_MODE_FILTER (2): a filter decides every call */
} __attribute__((preserve_access_index));

typedef struct {
	unsigned long sig[1];
} sigset_t;

struct sigpending {
	sigset_t signal;
} __attribute__((preserve_access_index));

struct signal_struct {
	atomic_t live; /* 0 at sched_process_exit: the whole thread group is dead */
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_info thread_info;
	struct bpf_local_storage *bpf_storage; /* NULL: no task storage at all */
	pid_t pid;
	pid_t tgid;
	struct pid *thread_pid;
	struct task_struct *group_leader;
	struct signal_struct *signal;
	struct css_set *cgroups;
	int exit_code; /* at sched_process_exit: (status & 0xff) << 8, or the signal */
	struct seccomp seccomp;
	struct sigpending pending; /* signals sent to this thread */
	unsigned int personality;  /* READ_IMPLIES_EXEC: mappings readable are executable */
} __attribute__((preserve_access_index));

/* iter/task programs (recorder.bpf.c: the calls in flight at the stop). */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

struct file;

struct linux_binprm {
	struct file *file;    /* the file executed: for a script, its interpreter */
	const char *filename; /* the string given to execve ("/dev/fd/N[/name]" for execveat) */
	const char *interp;   /* == filename unless binfmt_script or binfmt_misc rewrote it */
	const char *fdpath;   /* set for execveat with a file descriptor */
} __attribute__((preserve_access_index));

#endif
