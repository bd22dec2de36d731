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

/* Mark flags. */
#define TL_MARKF_COUNT_AT_EXIT 1 /* the syscall in flight (execve) began while ARMED */
#define TL_MARKF_NET           2 /* the syscall in flight creates a socket (TL_ARGF_NET) */
#define TL_MARKF_SOCKETCALL    4 /* ... through ia32 socketcall (TL_ARGF_SOCKETCALL) */

struct tl_mark {
	__u32 target; /* target id: index of the counter block */
	__u32 state;  /* TL_MARK_* */
	__u32 cur;    /* 1 + counter index of the syscall in flight, 0 = none */
	__u32 flags;  /* TL_MARKF_* */
	__u64 image;  /* id of the program image the task runs (exec records) */
};

/* Per-CPU counter of one (target, abi, nr). */
struct tl_count {
	__u64 calls; /* sys_enter */
	__u64 ok;    /* sys_exit with ret >= 0 */
};

/* Failures: hash key; value is a __u64 count. */
struct tl_err_key {
	__u32 target;
	__u32 abi;
	__u32 nr;
	__s32 err; /* positive errno */
};

#define TL_PATH_MAX 256

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
};

/* Ring buffer record: a task exec'ed a program. */
struct tl_ev_exec {
	__u32 type; /* TL_EV_EXEC */
	__u32 target;
	__u32 pid; /* tgid after exec */
	__u32 pad;
	__u64 old_image;        /* image id of the program that called execve (0: initial) */
	__u64 new_image;        /* image id assigned to the new program (unique, never 0) */
	char path[TL_PATH_MAX]; /* as the kernel resolved it (bprm->filename) */
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
	TL_STAT_N,
};

#endif
