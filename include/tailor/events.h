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

enum tl_ev_type {
	TL_EV_EXEC = 1,
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

/* Indexes of the global statistics array (BPF .bss `tl_stats`). */
enum tl_stat {
	TL_STAT_EVENTS = 0, /* ring buffer records submitted */
	TL_STAT_DROPS,      /* ring buffer reservations that failed */
	TL_STAT_ERR_DROPS,  /* errno hash full */
	TL_STAT_BIG_NR,     /* syscall numbers >= TL_NR_MAX (not counted) */
	TL_STAT_FORKS,      /* marks inherited at fork */
	TL_STAT_MARK_FAIL,  /* task storage create failed at fork */
	TL_STAT_EXITS,      /* marked tasks that exited */
	TL_STAT_N,
};

#endif
