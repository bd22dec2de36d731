// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The in-kernel recorder.  Targets are tasks carrying a mark in task
 * storage; the mark is inherited at fork in the kernel, so every descendant
 * is recorded without a user-space round trip.  Syscalls are aggregated in a
 * per-CPU counter array (never lost); only exec details go through the ring
 * buffer, whose failed reservations are counted.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tailor/events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tl_mark);
} tl_marks SEC(".maps");

/* (target, abi, nr) -> counts; user space sizes it to ntargets blocks. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TL_TARGET_SLOTS);
	__type(key, __u32);
	__type(value, struct tl_count);
} tl_counts SEC(".maps");

/* Touched on failures only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct tl_err_key);
	__type(value, __u64);
} tl_errs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} tl_events SEC(".maps");

__u64 tl_stats[TL_STAT_N];

static __always_inline void stat_inc(int i)
{
	if (i >= 0 && i < TL_STAT_N)
		__sync_fetch_and_add(&tl_stats[i], 1);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(tl_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tl_mark *m;
	struct tl_count *c;
	__u32 abi = TL_EV_ABI_X86_64, idx;

	/*
	 * Hot path: every syscall on the host ends here for non-targets.  Most
	 * tasks have no task storage at all: one load and compare, no helper.
	 */
	if (!task->bpf_storage)
		return 0;
	m = bpf_task_storage_get(&tl_marks, task, 0, 0);
	if (!m)
		return 0;

	if (task->thread_info.status & TS_COMPAT) {
		abi = TL_EV_ABI_X86;
	} else if (id & TL_X32_BIT) {
		abi = TL_EV_ABI_X32;
		id &= ~(long)TL_X32_BIT;
	}
	if ((unsigned long)id >= TL_NR_MAX) {
		m->cur = 0;
		if (m->state == TL_MARK_ACTIVE)
			stat_inc(TL_STAT_BIG_NR);
		return 0;
	}
	idx = (m->target * TL_EV_ABI_N + abi) * TL_NR_MAX + (__u32)id;
	/* Remembered for sys_exit: exec may change the ABI before returning. */
	m->cur = idx + 1;
	if (m->state != TL_MARK_ACTIVE)
		return 0;
	c = bpf_map_lookup_elem(&tl_counts, &idx);
	if (c)
		c->calls++;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tl_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tl_mark *m;
	struct tl_count *c;
	__u32 idx;

	if (!task->bpf_storage)
		return 0;
	m = bpf_task_storage_get(&tl_marks, task, 0, 0);
	if (!m || !m->cur || m->state != TL_MARK_ACTIVE)
		return 0;
	idx = m->cur - 1;
	m->cur = 0;
	c = bpf_map_lookup_elem(&tl_counts, &idx);
	if (!c)
		return 0;
	if (m->flags & TL_MARKF_COUNT_AT_EXIT) {
		/* The first execve began while armed: count it here. */
		m->flags &= ~TL_MARKF_COUNT_AT_EXIT;
		c->calls++;
	}
	/* ERESTART* (512..516) never reach user space: the call is restarted. */
	if (ret <= -512 && ret >= -516)
		return 0;
	if (ret >= 0 || ret < -4095) {
		c->ok++;
	} else {
		struct tl_err_key k = {
		    .target = m->target,
		    .abi = idx / TL_NR_MAX % TL_EV_ABI_N,
		    .nr = idx % TL_NR_MAX,
		    .err = (__s32)-ret,
		};
		__u64 one = 1, *v;
		long r;

		v = bpf_map_lookup_elem(&tl_errs, &k);
		if (v) {
			__sync_fetch_and_add(v, 1);
		} else {
			r = bpf_map_update_elem(&tl_errs, &k, &one, BPF_NOEXIST);
			if (r == -17 /* EEXIST: another CPU inserted it */) {
				v = bpf_map_lookup_elem(&tl_errs, &k);
				if (v)
					__sync_fetch_and_add(v, 1);
			} else if (r) {
				stat_inc(TL_STAT_ERR_DROPS);
			}
		}
	}
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tl_fork, struct task_struct *parent, struct task_struct *child)
{
	struct tl_mark *pm, *cm;

	/* Fires for threads too; parent is the task calling clone. */
	pm = bpf_task_storage_get(&tl_marks, parent, 0, 0);
	if (!pm)
		return 0;
	cm = bpf_task_storage_get(&tl_marks, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cm) {
		stat_inc(TL_STAT_MARK_FAIL);
		return 0;
	}
	cm->target = pm->target;
	cm->state = pm->state;
	cm->image = pm->image;
	/* The child's return from clone is not a syscall it entered. */
	cm->cur = 0;
	cm->flags = 0;
	stat_inc(TL_STAT_FORKS);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tl_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct tl_mark *m;
	struct tl_ev_exec *e;
	__u64 image;

	m = bpf_task_storage_get(&tl_marks, p, 0, 0);
	if (!m)
		return 0;
	if (m->state == TL_MARK_ARMED) {
		/* From here on the program runs, not tailor. */
		m->state = TL_MARK_ACTIVE;
		m->flags |= TL_MARKF_COUNT_AT_EXIT;
	}
	/* Unique without an atomic fetch (needs -mcpu=v3): time and CPU. */
	image = (bpf_ktime_get_ns() << 12) | (bpf_get_smp_processor_id() & 0xfff);
	if (!image)
		image = 1;
	e = bpf_ringbuf_reserve(&tl_events, sizeof(*e), 0);
	if (e) {
		e->type = TL_EV_EXEC;
		e->target = m->target;
		e->pid = p->tgid;
		e->pad = 0;
		e->old_image = m->image;
		e->new_image = image;
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(bprm, filename));
		bpf_ringbuf_submit(e, 0);
		stat_inc(TL_STAT_EVENTS);
	} else {
		stat_inc(TL_STAT_DROPS);
	}
	m->image = image;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tl_exit, struct task_struct *p)
{
	if (bpf_task_storage_get(&tl_marks, p, 0, 0))
		stat_inc(TL_STAT_EXITS);
	return 0;
}
