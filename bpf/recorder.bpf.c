// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The in-kernel recorder.  Targets are tasks carrying a mark in task
 * storage; the mark is inherited at fork in the kernel, so every descendant
 * is recorded without a user-space round trip.  Syscalls are aggregated in a
 * per-CPU counter array (never lost); argument values, capability checks and
 * sockets are aggregated in hashes (deduplicated here, read at the end).
 * Only exec records and call stacks (first call of a syscall, new argument
 * value) go through the ring buffer, whose failed reservations are counted.
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
	__uint(max_entries, 1024 * 1024); /* ~900 callsite records of ~1.1 KiB */
} tl_events SEC(".maps");

/* abi * TL_NR_MAX + nr -> which arguments to record; filled by tracer/argtable.c. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_EV_ABI_N *TL_NR_MAX);
	__type(key, __u32);
	__type(value, struct tl_argspec);
} tl_argspec SEC(".maps");

/* The set of distinct argument values seen (a value: __u8 1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct tl_argval_key);
	__type(value, __u8);
} tl_argseen SEC(".maps");

/* Distinct values per (target, abi, nr, slot); user space sizes it to ntargets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_TARGET_SLOTS *TL_ARGS_PER_CALL);
	__type(key, __u32);
	__type(value, __u64);
} tl_argcnt SEC(".maps");

/* One bit per (target, abi, nr): its first call's stack was taken. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_TARGET_SLOTS / 64);
	__type(key, __u32);
	__type(value, __u64);
} tl_first SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tl_cap_key);
	__type(value, struct tl_cap_count);
} tl_caps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tl_net_key);
	__type(value, __u64);
} tl_net SEC(".maps");

__u64 tl_stats[TL_STAT_N];

/* Set by user space after load (empty ranges match nothing). */
struct tl_addr_range tl_cap_noaudit[TL_CAP_NOAUDIT_MAX];

/* Set by user space before load: capture user stacks (record --no-stacks clears it). */
const volatile bool tl_cfg_stacks = true;

static __always_inline void stat_inc(int i)
{
	if (i >= 0 && i < TL_STAT_N)
		__sync_fetch_and_add(&tl_stats[i], 1);
}

/* Find-or-create a hash entry; NULL when the hash is full (counted in stat). */
static __always_inline void *hash_get(void *map, const void *key, const void *zero, int stat)
{
	void *v = bpf_map_lookup_elem(map, key);
	long r;

	if (v)
		return v;
	r = bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	if (r && r != -17 /* EEXIST: another CPU inserted it */) {
		stat_inc(stat);
		return 0;
	}
	return bpf_map_lookup_elem(map, key);
}

/* Argument i (0..5) of the syscall in flight. */
static __always_inline __u64 syscall_arg(struct pt_regs *regs, __u32 abi, __u32 i)
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
 * Record the arguments spec names.  A value goes into tl_argseen once per
 * target; past TL_EV_ARGVALS_MAX distinct values the count says "overflow"
 * and nothing more is stored.  Returns the mask of slots with a new value
 * (their stack is worth a callsite record); values[] gets every slot's value.
 */
static __always_inline __u32 record_args(struct pt_regs *regs, const struct tl_mark *m, __u32 abi,
                                         __u32 nr, const struct tl_argspec *spec, __u64 *values)
{
	__u32 newmask = 0;

#pragma unroll
	for (int k = 0; k < TL_ARGS_PER_CALL; k++) {
		struct tl_argval_key key = {};
		__u32 ci;
		__u64 *cnt, n;
		__u8 one = 1;
		long r;

		if (k >= spec->n)
			break;
		key.target = m->target;
		key.abi = abi;
		key.nr = nr;
		key.index = spec->index[k];
		key.value = syscall_arg(regs, abi, key.index) & spec->mask[k];
		values[k] = key.value;
		if (bpf_map_lookup_elem(&tl_argseen, &key))
			continue; /* seen: the common case */
		ci = ((m->target * TL_EV_ABI_N + abi) * TL_NR_MAX + nr) * TL_ARGS_PER_CALL + k;
		cnt = bpf_map_lookup_elem(&tl_argcnt, &ci);
		if (!cnt)
			continue;
		if (*cnt >= TL_EV_ARGVALS_MAX) {
			if (*cnt == TL_EV_ARGVALS_MAX)
				__sync_fetch_and_add(cnt, 1); /* mark the overflow once */
			continue;
		}
		r = bpf_map_update_elem(&tl_argseen, &key, &one, BPF_NOEXIST);
		if (r) {
			if (r != -17 /* EEXIST: another CPU got it first */)
				stat_inc(TL_STAT_ARG_DROPS);
			continue;
		}
		n = __sync_fetch_and_add(cnt, 1);
		if (n < TL_EV_ARGVALS_MAX)
			newmask |= 1u << k;
	}
	return newmask;
}

/* Send the user stack of this call with what made it interesting. */
static __always_inline void send_callsite(void *ctx, struct pt_regs *regs, const struct tl_mark *m,
                                          __u32 abi, __u32 nr, bool first, __u32 newmask,
                                          const struct tl_argspec *spec, const __u64 *values)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tl_ev_callsite *e;
	__u64 sp;

	e = bpf_ringbuf_reserve(&tl_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(TL_STAT_STACK_DROPS);
		return;
	}
	e->type = TL_EV_CALLSITE;
	e->target = m->target;
	e->pid = task->tgid;
	e->abi = abi;
	e->nr = nr;
	e->image = m->image;
	e->first = first;
	e->newmask = newmask;
#pragma unroll
	for (int k = 0; k < TL_ARGS_PER_CALL; k++) {
		e->index[k] = spec && k < spec->n ? spec->index[k] : 0;
		e->value[k] = spec && k < spec->n ? values[k] : 0;
	}
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	sp = regs->sp;
	e->sp = sp;
	if (abi == TL_EV_ABI_X86) {
		__u32 w = 0;

		bpf_probe_read_user(&w, sizeof(w), (void *)sp);
		e->sp_word = w;
	} else if (bpf_probe_read_user(&e->sp_word, sizeof(e->sp_word), (void *)sp)) {
		e->sp_word = 0;
	}
	e->stack_bytes = bpf_get_stack(ctx, e->frames, sizeof(e->frames),
	                               BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	if (e->stack_bytes < 0)
		e->frames[0].status = TL_STACK_BID_EMPTY;
	bpf_ringbuf_submit(e, 0);
	stat_inc(TL_STAT_EVENTS);
}

/*
 * sys_enter(struct pt_regs *regs, long id) and sys_exit(regs, ret) take the
 * raw context instead of BPF_PROG's arguments: those are loaded at entry,
 * before the hot-path check; here they are loaded only for targets.
 */
SEC("tp_btf/sys_enter")
int tl_sys_enter(__u64 *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs;
	long id;
	struct tl_mark *m;
	struct tl_count *c;
	struct tl_argspec *spec;
	__u64 values[TL_ARGS_PER_CALL] = {};
	__u32 abi = TL_EV_ABI_X86_64, idx, sidx, newmask = 0;
	bool first = false;

	/*
	 * Hot path: every syscall on the host ends here for non-targets.  Most
	 * tasks have no task storage at all: one load and compare, no helper.
	 */
	if (!task->bpf_storage)
		return 0;
	m = bpf_task_storage_get(&tl_marks, task, 0, 0);
	if (!m)
		return 0;
	regs = (struct pt_regs *)ctx[0];
	id = (long)ctx[1];

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
	m->flags &= ~(TL_MARKF_NET | TL_MARKF_SOCKETCALL);
	if (m->state != TL_MARK_ACTIVE)
		return 0;
	c = bpf_map_lookup_elem(&tl_counts, &idx);
	if (c) {
		/* First call on this CPU: maybe the first at all (a bit decides). */
		if (tl_cfg_stacks && !c->calls) {
			__u32 w = idx / 64;
			__u64 bit = 1ULL << (idx % 64), *word;

			word = bpf_map_lookup_elem(&tl_first, &w);
			if (word && !(*word & bit))
				first = !(__sync_fetch_and_or(word, bit) & bit);
		}
		c->calls++;
	}
	sidx = abi * TL_NR_MAX + (__u32)id;
	spec = bpf_map_lookup_elem(&tl_argspec, &sidx);
	if (spec) {
		if (spec->flags & TL_ARGF_NET)
			m->flags |= TL_MARKF_NET;
		if (spec->flags & TL_ARGF_SOCKETCALL)
			m->flags |= TL_MARKF_SOCKETCALL;
		if (spec->n)
			newmask = record_args(regs, m, abi, (__u32)id, spec, values);
	}
	if (tl_cfg_stacks && (first || newmask))
		send_callsite(ctx, regs, m, abi, (__u32)id, first, newmask, spec, values);
	return 0;
}

/* socket(2)/socketpair(2) arguments at sys_exit, or ia32 socketcall's. */
static __always_inline void record_net(struct pt_regs *regs, const struct tl_mark *m, __u32 abi)
{
	struct tl_net_key k = {};
	__u64 zero = 0, *v;

	k.target = m->target;
	k.image = m->image;
	if (m->flags & TL_MARKF_SOCKETCALL) {
		__u32 a[3];

		/* socketcall(call, args): SYS_SOCKET 1, SYS_SOCKETPAIR 8 */
		if (regs->bx != 1 && regs->bx != 8)
			return;
		if (bpf_probe_read_user(a, sizeof(a), (void *)regs->cx))
			return;
		k.family = (__s32)a[0];
		k.type = (__s32)a[1];
		k.protocol = (__s32)a[2];
	} else {
		k.family = (__s32)syscall_arg(regs, abi, 0);
		k.type = (__s32)syscall_arg(regs, abi, 1);
		k.protocol = (__s32)syscall_arg(regs, abi, 2);
	}
	k.type &= ~(0x800 /* SOCK_NONBLOCK */ | 0x80000 /* SOCK_CLOEXEC */);
	v = hash_get(&tl_net, &k, &zero, TL_STAT_NET_DROPS);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tp_btf/sys_exit")
int tl_sys_exit(__u64 *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs;
	struct tl_mark *m;
	struct tl_count *c;
	__u32 idx;
	long ret;

	if (!task->bpf_storage)
		return 0;
	m = bpf_task_storage_get(&tl_marks, task, 0, 0);
	if (!m || !m->cur || m->state != TL_MARK_ACTIVE)
		return 0;
	regs = (struct pt_regs *)ctx[0];
	ret = (long)ctx[1];
	idx = m->cur - 1;
	m->cur = 0;
	if (m->flags & TL_MARKF_NET) {
		record_net(regs, m, idx / TL_NR_MAX % TL_EV_ABI_N);
		m->flags &= ~(TL_MARKF_NET | TL_MARKF_SOCKETCALL);
	}
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

/*
 * Capability checks (capability:cap_capable, Linux 6.x).  user space turns
 * autoload off when the tracepoint does not exist.  ret: 0 granted, else
 * -EPERM.  Attributed to the current task: the check is made on its behalf.
 */
SEC("tp_btf/cap_capable")
int BPF_PROG(tl_cap, const struct cred *cred, struct user_namespace *target_ns,
             const struct user_namespace *capable_ns, int cap, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tl_cap_count zero = {}, *v;
	struct tl_cap_key k = {};
	struct tl_mark *m;
	__u64 ks[TL_KSTACK_MAX];
	long n;

	if (!task->bpf_storage)
		return 0;
	m = bpf_task_storage_get(&tl_marks, task, 0, 0);
	if (!m || m->state != TL_MARK_ACTIVE)
		return 0;
	/* A NOAUDIT probe (see events.h) is not a capability the program needs. */
	n = bpf_get_stack(ctx, ks, sizeof(ks), 0);
	for (int i = 0; i < TL_KSTACK_MAX; i++) {
		if (n <= 0 || (unsigned long)i >= (unsigned long)n / 8)
			break;
		for (int j = 0; j < TL_CAP_NOAUDIT_MAX; j++)
			if (ks[i] >= tl_cap_noaudit[j].start && ks[i] < tl_cap_noaudit[j].end)
				return 0;
	}
	k.target = m->target;
	k.cap = cap;
	k.image = m->image;
	v = hash_get(&tl_caps, &k, &zero, TL_STAT_CAP_DROPS);
	if (!v)
		return 0;
	if (ret == 0)
		__sync_fetch_and_add(&v->granted, 1);
	else
		__sync_fetch_and_add(&v->denied, 1);
	return 0;
}
