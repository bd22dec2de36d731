/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * What the recorder (recorder.bpf.c) and the file-access programs
 * (files.bpf.c) share: the task mark map, the "is this task a target" check,
 * syscall arguments and the stat counters.  Included once by each program
 * (and by kinfo.bpf.c, which creates the mark map).
 */
#ifndef TAILOR_COMMON_BPF_H
#define TAILOR_COMMON_BPF_H

#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include "tailor/events.h"

/*
 * Targets: tasks carrying a mark in task storage.  One definition for every
 * object: tracer/ creates the map with kinfo.bpf.o and gives it to the
 * recorder and files.bpf.o with bpf_map__reuse_fd before they load (at the
 * same time), which needs identical definitions.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tl_mark);
} tl_marks SEC(".maps");

/*
 * Who made the call the recorder hands to the file recorder (tail call),
 * written just before it: so files.bpf.c makes no helper call to learn it
 * (the task storage lookup and bpf_get_current_task_btf: ~45 ns per traced
 * open here).  Per CPU: the tail call runs on the CPU that wrote it, and a
 * sys_exit program never nests in another on one CPU.  Shared like tl_marks.
 */
struct tl_handoff {
	__u32 target;
	__u32 pad;
	__u64 image; /* tl_mark.prog */
	__u64 task;  /* the current task's address, a number (read through bpf_rdonly_cast) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_handoff);
} tl_handoff SEC(".maps");

/*
 * The task's mark, or NULL.  Most tasks have no task storage at all: for
 * them this is one load and compare, no helper call.
 */
static __always_inline struct tl_mark *tl_task_mark(struct task_struct *task)
{
	if (!task->bpf_storage)
		return 0;
	return bpf_task_storage_get(&tl_marks, task, 0, 0);
}

/*
 * Argument i (0..5) of the syscall in flight, as the registers hold it:
 * x86_64 di si dx r10 r8 r9, ia32 bx cx dx si di bp.
 */
static __always_inline __u64 tl_syscall_arg(struct pt_regs *regs, __u32 abi, __u32 i)
{
	if (abi == TL_EV_ABI_X86) {
		switch (i) {
		case 0:
			return regs->bx;
		case 1:
			return regs->cx;
		case 2:
			return regs->dx;
		case 3:
			return regs->si;
		case 4:
			return regs->di;
		default:
			return regs->bp;
		}
	}
	switch (i) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
}

/*
 * All six arguments into args[8] (args[6], args[7]: 0), for a runtime index
 * (args[i & 7]): one branch on the ABI, where tl_syscall_arg with a variable
 * i branches six ways per call and the verifier walks every way.
 */
static __always_inline void tl_syscall_args(struct pt_regs *regs, __u32 abi, __u64 *args)
{
	if (abi == TL_EV_ABI_X86) {
		args[0] = regs->bx;
		args[1] = regs->cx;
		args[2] = regs->dx;
		args[3] = regs->si;
		args[4] = regs->di;
		args[5] = regs->bp;
	} else {
		args[0] = regs->di;
		args[1] = regs->si;
		args[2] = regs->dx;
		args[3] = regs->r10;
		args[4] = regs->r8;
		args[5] = regs->r9;
	}
	args[6] = args[7] = 0;
}

/* Count in stats[i] (a global array of n counters that user space reads); other i: ignored. */
static __always_inline void tl_stat_inc(__u64 *stats, int n, int i)
{
	if (i >= 0 && i < n)
		__sync_fetch_and_add(&stats[i], 1);
}

#endif
