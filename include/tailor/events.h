/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by bpf/recorder.bpf.c and tracer/: map keys, values and ring buffer
 * records.  Fixed-width types only, so both compilers agree on the layout.
 */
#ifndef TAILOR_EVENTS_H
#define TAILOR_EVENTS_H

#ifdef __bpf__
/* types come from vmlinux_min.h */
#else
#include <linux/types.h>
#endif

/* ABIs as counted by the kernel side; same numbering as enum tl_abi. */
#define TL_EV_ABI_X86_64 0
#define TL_EV_ABI_X86    1
#define TL_EV_ABI_X32    2
#define TL_EV_ABI_N      3

/* Syscall numbers per ABI kept in the count array (x86_64/ia32 stay < 600). */
#define TL_NR_MAX  1024
#define TL_X32_BIT 0x40000000
/* One block of TL_EV_ABI_N * TL_NR_MAX counters per target. */
#define TL_TARGET_SLOTS (TL_EV_ABI_N * TL_NR_MAX)

/* Task mark states (task storage value).  ARMED: spawned by tailor, not yet
 * exec'ed, so its syscalls are tailor's and are not counted. */
#define TL_MARK_ARMED  1
#define TL_MARK_ACTIVE 2

/*
 * Mark flags: what the task's next sys_exit is.  Syscalls are counted when
 * they return (recorder.bpf.c), and these two returns are not what their
 * registers say.  EXEC: an exec in flight, which returns as the call in cur
 * (with cur 0: as the new program's execve).  FORKED: a new task, whose
 * first return is from clone, made by its parent.  INDEXED: counted in
 * tl_slots (recorder.bpf.c).
 */
#define TL_MARKF_EXEC    1
#define TL_MARKF_FORKED  2
#define TL_MARKF_INDEXED 4

struct tl_mark {
	__u32 target; /* target id: index of the counter block */
	__u32 state;  /* TL_MARK_* */
	__u32 cur;    /* with TL_MARKF_EXEC: 1 + abi * TL_NR_MAX + nr, 0: unknown */
	__u32 flags;  /* TL_MARKF_* */
	__u64 image;  /* id of the program image the task runs (exec records) */
	/*
	 * The image that keys the task's per-program records (files,
	 * capabilities, sockets): the first image of this target that ran the
	 * same program (the exec record's path) exec'ed by the same program.
	 * So a program run 10 000 times takes the keys of one, and each exec
	 * record still names its caller.  image itself when unknown.
	 */
	__u64 prog;
};

/* tl_progs (recorder.bpf.c): what makes two execs the same program. */
struct tl_prog_key {
	__u32 target;
	__u32 flags;  /* the exec record's TL_PATHF_* */
	__u64 path;   /* hash of the exec record's path (its walk and its string) */
	__u64 caller; /* tl_mark.prog of the program that exec'ed it */
};

/* The recorder's fast path: who a task is, besides its target (recorder.bpf.c, tl_slots). */
struct tl_fast_info {
	__u64 image; /* tl_mark.prog */
	__u64 task;  /* the task's address, a number */
};

/* One slot of the recorder's hot-path index (recorder.bpf.c, tl_slots). */
struct tl_slot {
	__u32 marked; /* marked tasks hashing here */
	__u32 base;   /* the fast-path task's target * CPUs: its block of tl_counts */
	__u64 fast; /* the fast-path task: its registers' address (low 48 bits), target + 1 << 48 */
	__u64 image; /* its tl_mark.prog */
	__u64 task;  /* its address, a number */
};

/* Per-CPU counter of one (target, abi, nr). */
struct tl_count {
	__u64 calls; /* calls made: at return, at exit (exit, exit_group), in flight at the stop */
	__u64 ok;    /* returns >= 0 */
};

/* Failures: hash key; value is a __u64 count. */
struct tl_err_key {
	__u32 target;
	__u32 abi;
	__u32 nr;
	__s32 err; /* positive errno */
};

/* ---- argument values (issue "Argument-aware profiles") ----------------------
 *
 * Which arguments of which syscalls are recorded is one table in user space
 * (tracer/argtable.c, each entry with its reason); it fills the BPF array
 * tl_argspec, indexed abi * TL_NR_MAX + nr.  Entries with n == 0 and no
 * flags record nothing.
 */
#define TL_ARGS_PER_CALL 3 /* arguments recorded per syscall at most (socket) */
/* Distinct values kept per (target, syscall, argument); equals TL_ARGVALS_MAX. */
#define TL_EV_ARGVALS_MAX 64

/* tl_argspec flags: record (family, type, protocol) at sys_exit (AppArmor network rules). */
#define TL_ARGF_NET        1 /* socket/socketpair: the first three arguments */
#define TL_ARGF_SOCKETCALL 2 /* ia32 socketcall: arguments in user memory, if SYS_SOCKET(PAIR) */
/* A file syscall: its successful returns go on to the file recorder (set by tracer/files.c). */
#define TL_ARGF_FILE 4

struct tl_argspec {
	__u8 n;                       /* arguments recorded, 0..TL_ARGS_PER_CALL */
	__u8 flags;                   /* TL_ARGF_* */
	__u8 index[TL_ARGS_PER_CALL]; /* argument positions 0..5 */
	__u8 pad[3];
	__u64 mask[TL_ARGS_PER_CALL]; /* the value recorded is arg & mask */
};

/* tl_argseen hash key: one distinct value; the hash is the set (value: __u8 1). */
struct tl_argval_key {
	__u32 target;
	__u16 abi;
	__u16 nr;
	__u32 index; /* argument position 0..5 */
	__u32 pad;
	__u64 value; /* masked */
};

/*
 * tl_argcnt array: distinct values per (target, abi, nr, slot), index
 * ((target * TL_EV_ABI_N + abi) * TL_NR_MAX + nr) * TL_ARGS_PER_CALL + slot.
 * A count above TL_EV_ARGVALS_MAX means the set overflowed.
 */

/* ---- capabilities and sockets (issue "AppArmor"): aggregated in hashes --------- */

/* tl_caps hash: capability checks of a target's program; value struct tl_cap_count. */
struct tl_cap_key {
	__u32 target;
	__s32 cap;
	__u64 image; /* the program (exec records map image ids to paths) */
};

struct tl_cap_count {
	__u64 granted;
	__u64 denied;
};

/*
 * Kernel functions whose capability checks are CAP_OPT_NOAUDIT probes (e.g.
 * cap_vm_enough_memory asks for CAP_SYS_ADMIN at every mmap): AppArmor
 * neither logs nor needs them, so a check with one of these in its kernel
 * stack is not recorded.  Filled from /proc/kallsyms into .bss.
 */
#define TL_CAP_NOAUDIT_MAX 8
#define TL_KSTACK_MAX      12 /* kernel frames searched */
#define TL_KSTACK_FIRST    6  /* searched first: vm_enough_memory's checks end there */
struct tl_addr_range {
	__u64 start, end;
};

/* tl_net hash: sockets created (socket, socketpair); value: __u64 count. */
struct tl_net_key {
	__u32 target;
	__s32 family;
	__s32 type; /* without SOCK_NONBLOCK|SOCK_CLOEXEC */
	__s32 protocol;
	__u64 image;
};

/* ---- call stacks (issue "Review: explain") ------------------------------------ */

#define TL_STACK_MAX 32 /* user frames captured */

/* Layout of the kernel's struct bpf_stack_build_id (UAPI). */
#define TL_BUILD_ID_SIZE   20
#define TL_STACK_BID_EMPTY 0 /* no frame */
#define TL_STACK_BID_VALID 1 /* build_id and file offset */
#define TL_STACK_BID_IP    2 /* build id unavailable: ip is the address */
struct tl_stack_frame {
	__s32 status;
	__u8 build_id[TL_BUILD_ID_SIZE];
	__u64 offset; /* file offset (VALID) or instruction pointer (IP) */
};

enum tl_ev_type {
	TL_EV_EXEC = 1,
	TL_EV_CALLSITE = 2,
	TL_EV_CONTAINER = 3,
	TL_EV_IDLE = 4,
	TL_EV_ARGV = 5,
};

/*
 * A path as the kernel resolved it (bpf/path.bpf.h), the last member of file
 * and exec records: after the record come name_len + dir_len bytes of data,
 * a string (with its NUL) and then the components of the directory it is
 * relative to, innermost first, each NUL-terminated.  No string: the
 * components are the file's.  No components: the process's root.  User
 * space joins them (tracer/kpath.c).
 */
struct tl_ev_path {
	__u16 flags;    /* TL_PATHF_*, and TL_FILEF_* in file records */
	__u16 name_len; /* bytes of the string, 0: none */
	__u16 dir_len;  /* bytes of components */
	__u16 pad;
};

#define TL_PATHF_TRUNCATED   1 /* deeper than TL_FILE_DEPTH or longer than the buffer */
#define TL_PATHF_UNREACHABLE 2 /* the walk left every mount without meeting the root */
#define TL_PATHF_CHROOT      8 /* exec records: the process's root is not its namespace's */

#define TL_FILE_DEPTH    64   /* path components walked at most */
#define TL_FILE_NAME_MAX 4096 /* bytes of a user path string (PATH_MAX) */
#define TL_FILE_DIR_MAX  4096 /* bytes of components */

/* Size of file and exec records without their data (the kernel's scratch shares it). */
#define TL_EV_PATH_HEAD 40

/*
 * Ring buffer record: a task exec'ed a program.  Its path is the file the
 * kernel executed (bprm->file), or for a script (binfmt_script, binfmt_misc:
 * bprm->file is then the interpreter) the string given to execve relative
 * to the cwd, the root or the execveat fd.
 */
struct tl_ev_exec {
	__u32 type; /* TL_EV_EXEC */
	__u32 target;
	__u32 pid; /* tgid after exec */
	__u32 pad;
	__u64 old_image;        /* image id of the program that called execve (0: initial) */
	__u64 new_image;        /* image id assigned to the new program (unique, never 0) */
	struct tl_ev_path path; /* then its data */
};

/*
 * Ring buffer record: the command line a container's init (pid 1 of its pid
 * namespace) exec'ed, as the new program sees it (runs[].command).  Read in
 * the kernel: a short-lived init is gone before user space could read
 * /proc/PID/cmdline, and a runtime's helper (`runc init`) is not yet
 * replaced when user space first finds the container.
 */
#define TL_ARGV_MAX 4096
struct tl_ev_argv {
	__u32 type; /* TL_EV_ARGV */
	__u32 target;
	__u32 pid; /* tgid */
	__u32 len; /* bytes of data: the arguments, each NUL-terminated (the last
	            * one may be cut short at TL_ARGV_MAX) */
	char data[TL_ARGV_MAX];
};

/*
 * Ring buffer record: the user stack of a syscall's first call (per target,
 * abi, nr) and/or of a call with new argument values.
 */
struct tl_ev_callsite {
	__u32 type; /* TL_EV_CALLSITE */
	__u32 target;
	__u32 pid; /* tgid: /proc/PID/maps resolves build ids while it lives */
	__u16 abi;
	__u16 nr;
	__u64 image;  /* program id, as in exec records */
	__u8 first;   /* the syscall's first call */
	__u8 newmask; /* bit k: value[k] of argument index[k] was new */
	__u8 index[TL_ARGS_PER_CALL];
	__u8 pad[3];
	__u64 value[TL_ARGS_PER_CALL];
	__u64 sp;          /* the user stack pointer */
	__u64 sp_word;     /* the word at sp (a return address the frame-pointer
	                    * walk skips when libc's wrapper has no frame) */
	__s64 stack_bytes; /* bpf_get_stack: bytes written, or -errno */
	struct tl_stack_frame frames[TL_STACK_MAX];
};

/* ---- containers (issue "Containers") -------------------------------------------
 *
 * A container is found by its cgroup2 cgroup id and/or its pid namespace
 * inode number: keys of the BPF hash tl_ctargets, each naming a target
 * slot.  At sched_process_exec (never on the per-syscall path) an unmarked
 * task whose cgroup or pid namespace is a key becomes an ACTIVE target; with
 * --all-containers a task exec'ing in any pid namespace but the host's gets a
 * free slot from the queue tl_free_slots (filled by user space).
 */
#define TL_CT_KEY_CGROUP 1 /* id: cgroup2 id (bpf_get_current_cgroup_id) */
#define TL_CT_KEY_PIDNS  2 /* id: pid namespace inode number */

struct tl_ct_key {
	__u32 kind; /* TL_CT_KEY_* */
	__u32 pad;
	__u64 id;
};

/* Live tasks per target (.bss tl_live): targets below this are counted. */
#define TL_LIVE_MAX    1024
#define TL_CT_NO_SLOT  0xffffffffu /* tl_ev_container.target: no free slot */
#define TL_CT_NAME_MAX 128

/* Ring buffer record: a new container was seen (or had no free slot). */
struct tl_ev_container {
	__u32 type;               /* TL_EV_CONTAINER */
	__u32 target;             /* the slot it got, or TL_CT_NO_SLOT */
	__u32 pid;                /* tgid of the task that exec'ed */
	__u32 pidns;              /* pid namespace inode number */
	__u64 cgroup;             /* cgroup2 id */
	char cg2[TL_CT_NAME_MAX]; /* name of its cgroup2 cgroup (leaf) */
	char cg1[TL_CT_NAME_MAX]; /* leaf name of its first cgroup v1 below a root, or "" */
};

/* Ring buffer record: the last marked task of a target exited (tl_live 0). */
struct tl_ev_idle {
	__u32 type; /* TL_EV_IDLE */
	__u32 target;
};

/*
 * Mark states of `record --after-seccomp` (runtime baselines): a task waits
 * (not counted) until it installs a seccomp filter, is ACTIVE (counted) from
 * then on until its next execve, which is counted, then DONE.
 */
#define TL_MARK_WAIT_FILTER 3
#define TL_MARK_DONE        4

/* ---- file accesses (issue "AppArmor"; bpf/files.bpf.c, tracer/files.c) -----------
 *
 * The recorder's sys_exit tail-calls into bpf/files.bpf.c for a target's
 * successful file syscalls (prog array tl_file_progs, slot abi * TL_NR_MAX +
 * nr; empty slots fall through), so untraced tasks pay nothing.  What each
 * syscall means is the array tl_filespec (same index), filled from the table
 * in tracer/files.c.
 */
enum tl_file_kind {
	TL_FK_NONE = 0,
	TL_FK_OPEN,     /* returns an fd: the file behind it; O_TRUNC from flags_arg */
	TL_FK_EXEC,     /* execve, execveat: the new program (mm->exe_file) */
	TL_FK_MMAP,     /* returns an address: its mapping's file, if executable */
	TL_FK_MPROTECT, /* argument 0 is an address: its mapping's file, if now executable */
	TL_FK_FD,       /* the file of fd argument 0 gets access[0] (fchmod, ftruncate) */
	TL_FK_FLOCK,    /* flock(fd, op): lock unless LOCK_UN */
	TL_FK_FCNTL,    /* fcntl(fd, cmd, struct flock *): a set-lock command, not F_UNLCK */
	TL_FK_PATH,     /* (dirfd, string) arguments, joined and normalised in user space */
	TL_FK_SOCK,     /* bind/connect(fd, addr): an AF_UNIX socket's file gets access[0] */
};

/* enum tl_access (trace.h) for the kernel side; tracer/files.c asserts they agree. */
#define TL_EV_ACC_READ      (1u << 0)
#define TL_EV_ACC_WRITE     (1u << 1)
#define TL_EV_ACC_APPEND    (1u << 2)
#define TL_EV_ACC_CREATE    (1u << 3)
#define TL_EV_ACC_DELETE    (1u << 4)
#define TL_EV_ACC_RENAME    (1u << 5)
#define TL_EV_ACC_LOCK      (1u << 7)
#define TL_EV_ACC_EXEC      (1u << 8)
#define TL_EV_ACC_MMAP_EXEC (1u << 9)
#define TL_EV_ACC_DIR       (1u << 11)

#define TL_FS_ARG_NONE (-1) /* no such argument (dirfd: the cwd; flags: 0) */
#define TL_FS_HOW      1    /* OPEN: flags_arg points to struct open_how (openat2) */
#define TL_FS_PROT     2    /* MMAP/MPROTECT: argument 2 is prot: nothing unless PROT_EXEC */
#define TL_FS_PEER     4    /* SOCK: the file of the peer (connect), not the socket's own (bind) */
#define TL_FS_SOCKCALL 8    /* SOCK: ia32 socketcall(call, args): bind (2) or connect (3) */
#define TL_FS_EXCHANGE 16   /* PATH: flags_arg's RENAME_EXCHANGE (2): no name made or removed */

struct tl_filespec {
	__u8 kind;         /* TL_FK_* */
	__s8 flags_arg;    /* OPEN: open flags; PATH: AT_* flags; FLOCK/FCNTL: op/cmd (-1: none) */
	__u8 opts;         /* TL_FS_* */
	__u8 npaths;       /* PATH: 1 or 2 */
	__s8 dirfd[2];     /* PATH: argument holding the directory fd (-1: the cwd) */
	__s8 path[2];      /* PATH: argument holding the path string */
	__u32 access[2];   /* TL_ACC_* (trace.h) given to each path (OPEN: added) */
	__u32 dir_mask;    /* PATH: AT_* flags that make the path a directory (AT_REMOVEDIR) */
	__u32 fixed_flags; /* OPEN without flags_arg (creat): its open flags */
};

/* Kernel-side dedup: (target, access, program, path hash) -> number of accesses. */
struct tl_file_key {
	__u32 target;
	__u32 access; /* TL_ACC_* */
	__u64 image;  /* program id (exec records); with TL_FILEF_EXEC: the new program */
	__u64 hash;   /* of the dentries and mounts walked and the string joined */
};

#define TL_FILEF_EXEC    4  /* an exec: key.image is the program it started */
#define TL_FILEF_INHERIT 16 /* a file an exec'ed program inherited open: none if unreachable */

/*
 * files.bpf.c's per-CPU cache of files recorded (tl_file_seen), by the kernel
 * objects that name them: a repeated access is counted in its entry
 * (pending) and never touches the shared hash tl_files.  An entry's pending
 * count goes to tl_files when another key takes its slot; user space adds
 * what is still pending when it reads the counts (tracer/files.c).  epoch:
 * tl_file_epoch when the entry was made (user space moves it on when it
 * forgets a target's files: older entries no longer match).
 */
struct tl_seen_key {
	__u64 dentry, mnt, root, name_hash, image;
	__u32 target, access, flags, renames, epoch, pad;
};

#define TL_SEEN_N 256 /* entries per CPU, a power of two */

struct tl_seen_entry {
	struct tl_seen_key key;
	__u64 hash;    /* tl_file_key.hash */
	__u64 pending; /* accesses not yet added to tl_files */
};

struct tl_seen_cache {
	struct tl_seen_entry e[TL_SEEN_N];
};

/* Ring buffer record (files.bpf.c's own ring, tl_file_events). */
struct tl_ev_file {
	__u32 type; /* TL_EV_FILE */
	__u32 pad;
	struct tl_file_key key;
	struct tl_ev_path path; /* then its data */
};
#define TL_EV_FILE 16

/* The kernel's scratch overlays both records: same size, path last (bpf/path.bpf.h). */
_Static_assert(sizeof(struct tl_ev_exec) == TL_EV_PATH_HEAD &&
                   __builtin_offsetof(struct tl_ev_exec, path) ==
                       TL_EV_PATH_HEAD - sizeof(struct tl_ev_path),
               "tl_ev_exec: path must end the record");
_Static_assert(sizeof(struct tl_ev_file) == TL_EV_PATH_HEAD &&
                   __builtin_offsetof(struct tl_ev_file, path) ==
                       TL_EV_PATH_HEAD - sizeof(struct tl_ev_path),
               "tl_ev_file: path must end the record");

/* Indexes of files.bpf.c's statistics (.bss tl_file_stats). */
enum tl_file_stat {
	TL_FSTAT_EVENTS = 0, /* records submitted */
	TL_FSTAT_DROPS,      /* records lost: ring buffer full (retried at the next access) */
	TL_FSTAT_FULL,       /* accesses not recorded: tl_files hash full */
	TL_FSTAT_N,
};

/* Indexes of the global statistics array (BPF .bss `tl_stats`). */
enum tl_stat {
	TL_STAT_EVENTS = 0,  /* ring buffer records submitted */
	TL_STAT_DROPS,       /* exec records lost: ring buffer full */
	TL_STAT_ERR_DROPS,   /* errno hash full */
	TL_STAT_BIG_NR,      /* syscall numbers >= TL_NR_MAX (not counted) */
	TL_STAT_FORKS,       /* marks inherited at fork */
	TL_STAT_MARK_FAIL,   /* task storage create failed at fork */
	TL_STAT_EXITS,       /* marked tasks that exited */
	TL_STAT_ARG_DROPS,   /* argument values lost: tl_argseen hash full */
	TL_STAT_STACK_DROPS, /* callsite records lost: ring buffer full */
	TL_STAT_CAP_DROPS,   /* capability counts lost: tl_caps hash full */
	TL_STAT_NET_DROPS,   /* socket counts lost: tl_net hash full */
	TL_STAT_CT_NEW,      /* containers given a slot at exec (--all-containers) */
	TL_STAT_CT_NOSLOT,   /* execs in a new container with no free slot: not recorded */
	TL_STAT_N,
};

#endif
