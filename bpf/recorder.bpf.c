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
#include "path.bpf.h" /* exec records: the program's path, read with bpf_probe_read_kernel */
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* Dual-licensed (SPDX above); the kernel wants a GPL-compatible string. */
char LICENSE[] SEC("license") = "GPL";

/*
 * (target, CPU, abi, nr) -> counts, at ((target * tl_cfg_ncpus + cpu) *
 * TL_TARGET_SLOTS + abi * TL_NR_MAX + nr); user space sizes it and sums the
 * CPUs.  A plain array indexed by CPU, not a per-CPU array: its lookup loads
 * the value's per-CPU pointer from the map, memory far from the rest, and
 * where every syscall's entry flushes the TLB (PTI without PCID) each such
 * region costs a page walk (~30 ns a lookup measured).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_TARGET_SLOTS);
	__type(key, __u32);
	__type(value, struct tl_count);
} tl_counts SEC(".maps");

/* Set by user space before load: possible CPUs (the stride of tl_counts). */
const volatile __u32 tl_cfg_ncpus = 1;

/*
 * This CPU's counter of sidx = abi * TL_NR_MAX + nr in the block of CPU 0 of
 * a target, base = target * tl_cfg_ncpus, or NULL.  (The CPU is below the
 * number of possible CPUs; the lookup checks the index anyway.)
 */
static __always_inline struct tl_count *count_at(__u32 base, __u32 sidx)
{
	__u32 idx = (base + bpf_get_smp_processor_id()) * TL_TARGET_SLOTS + sidx;

	return bpf_map_lookup_elem(&tl_counts, &idx);
}

/* The same by target (a load of tl_cfg_ncpus: the fast path has base in its slot). */
static __always_inline struct tl_count *count_of(__u32 target, __u32 sidx)
{
	return count_at(target * tl_cfg_ncpus, sidx);
}

/*
 * Touched on failures only.  Like every hash here, not preallocated: a
 * preallocated hash allocates each element as it is created, on the way
 * to the command's start (~5 ms for tl_argseen's 16 384 on the PVM guest),
 * and these fill only with what is seen the first time.  An insert that
 * finds no memory counts as a drop, as one into a full hash does.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
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
	__uint(map_flags, BPF_F_NO_PREALLOC); /* see tl_errs */
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
	__uint(map_flags, BPF_F_NO_PREALLOC); /* see tl_errs */
	__uint(max_entries, 4096);
	__type(key, struct tl_cap_key);
	__type(value, struct tl_cap_count);
} tl_caps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* see tl_errs */
	__uint(max_entries, 4096);
	__type(key, struct tl_net_key);
	__type(value, __u64);
} tl_net SEC(".maps");

__u64 tl_stats[TL_STAT_N];

/* An exec record being built (the program's path: up to 8 KiB). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_path_scratch);
} tl_exec_scratch SEC(".maps");

/*
 * File accesses (bpf/files.bpf.c): sys_exit of a target's successful file
 * syscall (tl_argspec flag TL_ARGF_FILE) tail-calls slot 0, filled by user
 * space; empty, it falls through.  One constant slot: the JIT makes that a
 * direct jump, where an index computed per syscall is an indirect one
 * (a retpoline here: ~50 ns per open).  Untraced tasks never get here.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tl_file_progs SEC(".maps");

/* Set by user space after load (empty ranges match nothing). */
struct tl_addr_range tl_cap_noaudit[TL_CAP_NOAUDIT_MAX];

/* Set by user space before load: capture user stacks (record --no-stacks clears it). */
const volatile bool tl_cfg_stacks = true;

/* ---- containers and runtime baselines (issue "Containers"; events.h) ---------- */

/* Container keys -> target slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* see tl_errs */
	__uint(max_entries, 4096);
	__type(key, struct tl_ct_key);
	__type(value, __u32);
} tl_ctargets SEC(".maps");

/* Free target slots for --all-containers; user space sizes and fills it. */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 1);
	__type(value, __u32);
} tl_free_slots SEC(".maps");

/* --after-seccomp: processes (tgid) whose filter was installed with TSYNC. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* see tl_errs */
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} tl_filtered SEC(".maps");

/*
 * The hot path's filter and the traced tasks' fast path, per hash of the
 * address of a task's saved user registers (pt_regs, the top of its kernel
 * stack: fixed for its life): sys_exit gets that address as its first
 * argument, so a slot is found with no helper call.  One 32-byte entry per
 * slot (struct tl_slot, events.h), so that a traced task's return touches
 * one line of it, where three arrays cost three (each a page walk where the
 * TLB is flushed at every kernel entry).
 *
 * marked: marked tasks hashing here.  Zero: none, the task is not a target.
 * Non-zero: maybe one (or a collision), the task storage decides.
 * Incremented once per marked task (TL_MARKF_INDEXED) at fork, exec and by
 * tl_index (tasks user space marked), decremented at its exit.
 *
 * fast: the one task whose every return can be counted from the registers
 * alone (ACTIVE, nothing pending), as one word: the low 48 bits of its
 * registers' address and target + 1 above them (one store: never torn).
 * Written by the task's own slow path; cleared when that stops holding (an
 * exec begins, the task exits).  Two tasks in a slot take turns; neither is
 * ever miscounted.
 *
 * image, task: that task's program (tl_mark.prog) and address, for the file
 * recorder (tl_handoff).  Three words cannot be stored at once: the writer
 * clears fast, writes these, then fast; a reader takes them only if fast
 * read before and after them is its own (only the task itself writes that
 * value, and it is the reader; x86 keeps stores and loads in order).
 */
#define TL_REGS_SLOTS 65536
#define TL_FAST_LO    0xffffffffffffULL
/*
 * A map of its own, not a 2 MiB global in .bss: libbpf copies a global
 * section's initial bytes into the kernel at load, here ~19 ms of the
 * start-up (faulting in both sides); a map is created zeroed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_REGS_SLOTS);
	__type(key, __u32);
	__type(value, struct tl_slot);
} tl_slots SEC(".maps");

/* The slot (never NULL for an index below TL_REGS_SLOTS: the lookup is inlined, no call). */
static __always_inline struct tl_slot *slot_at(__u32 slot)
{
	slot &= TL_REGS_SLOTS - 1;
	return bpf_map_lookup_elem(&tl_slots, &slot);
}

static __always_inline __u32 regs_slot(unsigned long regs)
{
	return (__u32)((regs >> 12) * 0x9E3779B97F4A7C15ULL >> 48) & (TL_REGS_SLOTS - 1);
}

/* Linux 6.2+; inlined (no call).  Without it every task goes to the task storage check. */
extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym __weak;
#ifndef bpf_ksym_exists /* libbpf < 1.2: a weak ksym the kernel lacks is 0 */
#define bpf_ksym_exists(sym) (!!(sym))
#endif

/* Any kernel struct with an unsigned long at offset 0: reads ctx[0] as a number. */
struct pt_regs___word {
	unsigned long r15;
} __attribute__((preserve_access_index));

/*
 * The address in ctx[0] (sys_exit's regs) as a number, 0 without
 * bpf_rdonly_cast: the verifier refuses arithmetic on the pointer, so it is
 * loaded again through a read-only cast of ctx.
 */
static __always_inline unsigned long ctx_regs(void *ctx)
{
	if (!bpf_ksym_exists(bpf_rdonly_cast))
		return 0;
	return ((struct pt_regs___word *)bpf_rdonly_cast(
	            ctx, bpf_core_type_id_kernel(struct pt_regs___word)))
	    ->r15;
}

/* Keeps the compiler from merging or reordering the accesses around it. */
#define tl_barrier() asm volatile("" ::: "memory")

static __always_inline void fast_forget(unsigned long regs)
{
	struct tl_slot *s = slot_at(regs_slot(regs));

	if (s && regs && !((s->fast ^ regs) & TL_FAST_LO))
		s->fast = 0;
}

/* The task's own entry (tl_slots says in which order). */
static __always_inline void fast_set(__u32 slot, __u64 entry, __u32 base, __u64 image, __u64 task)
{
	volatile struct tl_slot *i = slot_at(slot);
	volatile __u64 *e;

	if (!i)
		return;
	e = &i->fast;
	if (*e == entry && i->base == base && i->image == image && i->task == task)
		return; /* already so: no store to a line other CPUs read */
	*e = 0;
	tl_barrier();
	i->base = base;
	i->image = image;
	i->task = task;
	tl_barrier();
	*e = entry;
}

/* A per-CPU word: a pointer stored in a map reads back as a number (regs_addr). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tl_addr_word SEC(".maps");

/* The address of p's saved registers as a number, 0 if unknown. */
static __always_inline unsigned long regs_addr(struct task_struct *p)
{
	void *regs = (void *)bpf_task_pt_regs(p);
	volatile __u64 *w;
	__u32 zero = 0;
	__u64 v;

	w = bpf_map_lookup_elem(&tl_addr_word, &zero);
	if (!w || !regs)
		return 0;
	/* Another program on this CPU may use the word in between: read until it holds. */
	for (int i = 0; i < 3; i++) {
		*w = (__u64)regs;
		v = *w;
		if ((void *)v == regs)
			return v;
	}
	return 0;
}

static __always_inline void index_task(struct task_struct *p, struct tl_mark *m)
{
	struct tl_slot *s;
	unsigned long regs;

	/* --after-seccomp's DONE: recorded no more, let it go by with the others */
	if ((m->flags & TL_MARKF_INDEXED) || m->state == TL_MARK_DONE)
		return;
	regs = regs_addr(p);
	if (!regs)
		return;
	s = slot_at(regs_slot(regs));
	if (!s)
		return;
	__sync_fetch_and_add(&s->marked, 1);
	m->flags |= TL_MARKF_INDEXED;
}

static __always_inline void unindex_task(struct task_struct *p, struct tl_mark *m)
{
	struct tl_slot *s;
	unsigned long regs;

	if (!(m->flags & TL_MARKF_INDEXED))
		return;
	regs = regs_addr(p);
	if (!regs)
		return;
	fast_forget(regs);
	s = slot_at(regs_slot(regs));
	if (!s)
		return;
	__sync_fetch_and_add(&s->marked, -1);
	m->flags &= ~TL_MARKF_INDEXED;
}

/* Set by user space before it runs tl_inflight: the target whose calls it counts. */
__u32 tl_inflight_target;

/* Marked tasks alive per target; user space adds the tasks it marks itself. */
__s64 tl_live[TL_LIVE_MAX];
/* Set by user space: the host's pid namespace, which is no container. */
__u32 tl_host_pidns;
/* record --container/hook of a container in the host's pid namespace: its init's tgid */
__u32 tl_ct_init_tgid;

const volatile bool tl_cfg_containers = false;     /* look tasks up in tl_ctargets at exec */
const volatile bool tl_cfg_all_containers = false; /* a new pid namespace gets a free slot */
const volatile bool tl_cfg_after_seccomp = false;  /* record --after-seccomp */

static __always_inline void stat_inc(int i)
{
	tl_stat_inc(tl_stats, TL_STAT_N, i);
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

/*
 * Argument slot k of (abi, nr) for target: sidx is abi * TL_NR_MAX + nr, ki
 * is k | index << 8.  A value goes into tl_argseen once per target; past
 * TL_EV_ARGVALS_MAX distinct values the count says "overflow" and nothing
 * more is stored.  record: store a new value; 1: new (its stack is worth a
 * callsite record), 0: seen, dropped or past the limit.  !record, the fast
 * path's question: only look; 1: there is something to record (a new
 * value, or the overflow to mark), 0: nothing.  A global function: the
 * verifier checks it once, not once per slot and path of args_pass.
 */
__noinline int tl_arg_slot(__u32 target, __u32 sidx, __u32 ki, __u64 value, __u32 record)
{
	struct tl_argval_key key = {};
	__u32 k = ki & 0xff, ci;
	__u64 *cnt, n;
	__u8 one = 1;
	long r;

	key.target = target;
	key.abi = sidx / TL_NR_MAX;
	key.nr = sidx % TL_NR_MAX;
	key.index = ki >> 8;
	key.value = value;
	if (bpf_map_lookup_elem(&tl_argseen, &key))
		return 0; /* seen: the common case */
	ci = (target * TL_TARGET_SLOTS + sidx) * TL_ARGS_PER_CALL + k;
	cnt = bpf_map_lookup_elem(&tl_argcnt, &ci);
	if (!cnt)
		return 0;
	if (!record)
		return *cnt <= TL_EV_ARGVALS_MAX;
	if (*cnt >= TL_EV_ARGVALS_MAX) {
		if (*cnt == TL_EV_ARGVALS_MAX)
			__sync_fetch_and_add(cnt, 1); /* mark the overflow once */
		return 0;
	}
	r = bpf_map_update_elem(&tl_argseen, &key, &one, BPF_NOEXIST);
	if (r) {
		if (r != -17 /* EEXIST: another CPU got it first */)
			stat_inc(TL_STAT_ARG_DROPS);
		return 0;
	}
	n = __sync_fetch_and_add(cnt, 1);
	return n < TL_EV_ARGVALS_MAX;
}

/*
 * Each argument slot spec names, through tl_arg_slot: recorded, or (!record)
 * only asked about.  Returns the mask of slots with a new value (!record:
 * with something to record); values[] gets every slot's value.
 */
static __always_inline __u32 args_pass(struct pt_regs *regs, __u32 target, __u32 abi, __u32 nr,
                                       const struct tl_argspec *spec, __u64 *values, __u32 record)
{
	__u32 newmask = 0, sidx = abi * TL_NR_MAX + nr;
	__u64 args[8];

	tl_syscall_args(regs, abi, args);
#pragma unroll
	for (int k = 0; k < TL_ARGS_PER_CALL; k++) {
		__u32 index;

		if (k >= spec->n)
			break;
		index = spec->index[k];
		values[k] = args[index & 7] & spec->mask[k];
		/*
		 * No branch on the answer (0 or 1): the verifier would follow each
		 * mask on to the end of the program as a state of its own (2^k of
		 * them: ~3.3k of tl_sys_exit's 15.6k instructions to verify).
		 */
		newmask |=
		    ((__u32)tl_arg_slot(target, sidx, (__u32)k | index << 8, values[k], record) & 1)
		    << k;
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
	/*
	 * Slots past spec->n: index 0 in tl_argspec (tl_argtable_fill), value 0
	 * (the caller's values[] starts zeroed).  Copied with no test per slot:
	 * each was a branch the verifier followed to the end.
	 */
	__builtin_memset(e->index, 0, sizeof(e->index));
	__builtin_memset(e->value, 0, sizeof(e->value));
	if (spec && values) {
		__builtin_memcpy(e->index, spec->index, sizeof(e->index));
		__builtin_memcpy(e->value, values, sizeof(e->value));
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

/* ---- containers: identification at exec, live tasks, the end of a pid namespace */

/* The task's pid namespace (task_active_pid_ns) inode; *nr: its pid there. */
static __always_inline __u32 task_pidns(struct task_struct *p, int *nr, unsigned int *level)
{
	struct pid *pid = BPF_CORE_READ(p, thread_pid);
	struct upid up = {};
	unsigned int lv;

	if (!pid)
		return 0;
	lv = BPF_CORE_READ(pid, level);
	if (lv > 32)
		return 0;
	/* numbers[] is a flexible array: index it by the relocated offset and size. */
	if (bpf_probe_read_kernel(&up, sizeof(up),
	                          (void *)((unsigned long)pid +
	                                   bpf_core_field_offset(struct pid, numbers) +
	                                   lv * bpf_core_type_size(struct upid))))
		return 0;
	*nr = up.nr;
	*level = lv;
	return BPF_CORE_READ(up.ns, ns.inum);
}

/* Counts marked tasks per target; the last one's exit tells user space. */
static __always_inline void live_add(__u32 target, __s64 d)
{
	struct tl_ev_idle *e;
	__s64 old;

	if (target >= TL_LIVE_MAX)
		return;
	old = __sync_fetch_and_add(&tl_live[target], d);
	if (!tl_cfg_containers || d >= 0 || old != 1)
		return;
	e = bpf_ringbuf_reserve(&tl_events, sizeof(*e), 0);
	if (!e)
		return; /* user space also polls tl_live */
	e->type = TL_EV_IDLE;
	e->target = target;
	bpf_ringbuf_submit(e, 0);
}

/* Leaf names of the task's cgroup2 cgroup and first non-root v1 cgroup (ids). */
static __always_inline void ct_names(struct task_struct *p, struct tl_ev_container *e)
{
	struct css_set *cs = BPF_CORE_READ(p, cgroups);
	struct cgroup *dfl = BPF_CORE_READ(cs, dfl_cgrp), *cg;
	__u32 n = bpf_core_field_size(struct css_set, subsys) / sizeof(void *);

	e->cg2[0] = e->cg1[0] = 0;
	if (dfl && BPF_CORE_READ(dfl, level) > 0)
		bpf_probe_read_kernel_str(e->cg2, sizeof(e->cg2), BPF_CORE_READ(dfl, kn, name));
	for (__u32 i = 0; i < 16 && i < n; i++) {
		struct cgroup_subsys_state *css = 0;

		if (bpf_probe_read_kernel(&css, sizeof(css),
		                          (void *)((unsigned long)cs +
		                                   bpf_core_field_offset(struct css_set, subsys) +
		                                   i * sizeof(void *))) ||
		    !css)
			continue;
		cg = BPF_CORE_READ(css, cgroup);
		if (!cg || cg == dfl || BPF_CORE_READ(cg, level) <= 0)
			continue;
		bpf_probe_read_kernel_str(e->cg1, sizeof(e->cg1), BPF_CORE_READ(cg, kn, name));
		break;
	}
}

static __always_inline void ct_event(struct task_struct *p, __u32 target, __u32 pidns, __u64 cgid)
{
	struct tl_ev_container *e = bpf_ringbuf_reserve(&tl_events, sizeof(*e), 0);

	if (!e) {
		stat_inc(TL_STAT_DROPS); /* user space also scans tl_ctargets */
		return;
	}
	e->type = TL_EV_CONTAINER;
	e->target = target;
	e->pid = p->tgid;
	e->pidns = pidns;
	e->cgroup = cgid;
	ct_names(p, e);
	bpf_ringbuf_submit(e, 0);
	stat_inc(TL_STAT_EVENTS);
}

/* x86_64 (and x32) and ia32 numbers of the syscalls whose returns need care. */
#define NR64_RT_SIGRETURN 15
#define NR64_CLONE        56
#define NR64_FORK         57
#define NR64_VFORK        58
#define NR64_EXIT         60
#define NR64_EXIT_GROUP   231
#define NR32_EXIT         1
#define NR32_FORK         2
#define NR32_SIGRETURN    119
#define NR32_CLONE        120
#define NR32_RT_SIGRETURN 173
#define NR32_VFORK        190
#define NR32_EXIT_GROUP   252
#define NR_CLONE3         435 /* both */

/*
 * The syscall p's registers belong to, as the kernel numbers it (orig_ax:
 * -1 after a sigreturn restored them) and its ABI: ia32 while TS_COMPAT is
 * set (from entry to return), x32 by the number's bit.
 */
static __always_inline long syscall_of(struct task_struct *p, struct pt_regs *regs, __u32 *abi)
{
	/* the entry code dispatches on eax, sign-extended: bits above 31 are ignored */
	long nr = (int)BPF_CORE_READ(regs, orig_ax);

	*abi = TL_EV_ABI_X86_64;
	if (BPF_CORE_READ(p, thread_info.status) & TS_COMPAT) {
		*abi = TL_EV_ABI_X86;
	} else if (nr >= 0 && (nr & TL_X32_BIT)) {
		*abi = TL_EV_ABI_X32;
		nr &= ~(long)TL_X32_BIT;
	}
	return nr;
}

/*
 * 1 + abi * TL_NR_MAX + nr of the exec p is making (tl_mark.cur), 0 if out of
 * range.  Right at sched_prepare_exec the registers are still the caller's;
 * at sched_process_exec set_personality_*() has rewritten them to the new
 * program's execve.
 */
static __always_inline __u32 exec_cur(struct task_struct *p)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u32 abi;
	long nr;

	if (!regs)
		return 0;
	nr = syscall_of(p, regs, &abi);
	if ((unsigned long)nr >= TL_NR_MAX)
		return 0;
	return abi * TL_NR_MAX + (__u32)nr + 1;
}

/*
 * An unmarked task exec'ing: a target if its cgroup2 cgroup or pid namespace
 * is a container key; with --all-containers a new pid namespace gets a free
 * slot.  Runtimes' helpers that join a container (runc init, crun exec)
 * become targets at their exec, so the runtime's own pre-exec work is not
 * counted.  Returns the new mark or NULL.
 */
static __always_inline struct tl_mark *ct_mark(struct task_struct *p)
{
	struct tl_ct_key k = {.kind = TL_CT_KEY_CGROUP};
	struct tl_mark *m;
	__u32 *slot, target, pidns;
	unsigned int level = 0;
	bool fresh = false;
	__u64 cgid;
	int nr = 0;

	cgid = bpf_get_current_cgroup_id(); /* p is current at sched_process_exec */
	k.id = cgid;
	slot = bpf_map_lookup_elem(&tl_ctargets, &k);
	pidns = task_pidns(p, &nr, &level);
	if (!slot) {
		k.kind = TL_CT_KEY_PIDNS;
		k.id = pidns;
		slot = bpf_map_lookup_elem(&tl_ctargets, &k);
	}
	if (slot) {
		target = *slot;
	} else {
		if (!tl_cfg_all_containers || !pidns || !level || pidns == tl_host_pidns)
			return 0;
		if (bpf_map_pop_elem(&tl_free_slots, &target)) {
			stat_inc(TL_STAT_CT_NOSLOT);
			ct_event(p, TL_CT_NO_SLOT, pidns, cgid);
			return 0;
		}
		if (bpf_map_update_elem(&tl_ctargets, &k, &target, BPF_NOEXIST)) {
			/* another CPU registered this namespace first */
			bpf_map_push_elem(&tl_free_slots, &target, 0);
			slot = bpf_map_lookup_elem(&tl_ctargets, &k);
			if (!slot)
				return 0;
			target = *slot;
		} else {
			fresh = true;
		}
	}
	m = bpf_task_storage_get(&tl_marks, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!m) {
		stat_inc(TL_STAT_MARK_FAIL);
	} else if (!m->state) {
		/* zero: created here, not by user space meanwhile */
		m->target = target;
		m->state = TL_MARK_ACTIVE;
		m->image = m->prog = 0;
		m->cur = exec_cur(p);
		m->flags = TL_MARKF_EXEC; /* counted at its return */
		live_add(target, 1);
	}
	if (fresh) {
		/* after live_add: user space never sees a new container with no task */
		stat_inc(TL_STAT_CT_NEW);
		ct_event(p, target, pidns, cgid);
	}
	return m;
}

/*
 * A pid namespace ends with its init: forget its key now, before the kernel
 * can give its inode number to a new namespace.
 */
static __always_inline void ct_reaper_exit(struct task_struct *p)
{
	struct tl_ct_key k = {.kind = TL_CT_KEY_PIDNS};
	unsigned int level = 0;
	int nr = 0;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return; /* other threads of the group still run */
	k.id = task_pidns(BPF_CORE_READ(p, group_leader), &nr, &level);
	if (level && nr == 1)
		bpf_map_delete_elem(&tl_ctargets, &k);
}

/* --after-seccomp: a WAIT_FILTER task's syscall (abi, nr) returned; did it load a filter? */
static __always_inline void filter_loaded(struct task_struct *task, struct tl_mark *m,
                                          struct pt_regs *regs, long ret, __u32 abi, long nr)
{
	__u64 a0, a1;
	bool tsync = false;

	if (ret < 0)
		return;
	a0 = tl_syscall_arg(regs, abi, 0);
	a1 = tl_syscall_arg(regs, abi, 1);
	if ((abi == TL_EV_ABI_X86_64 && nr == 317) || (abi == TL_EV_ABI_X86 && nr == 354)) {
		/* seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) */
		if ((__u32)a0 != 1)
			return;
		tsync = a1 & 1; /* SECCOMP_FILTER_FLAG_TSYNC: every thread of the process */
		/* TSYNC failure returns the failing thread's id, unless NEW_LISTENER (8) */
		if (tsync && ret > 0 && !(a1 & 8))
			return;
	} else if ((abi == TL_EV_ABI_X86_64 && nr == 157) || (abi == TL_EV_ABI_X86 && nr == 172)) {
		/* prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog): this thread only */
		if ((__u32)a0 != 22 || (__u32)a1 != 2)
			return;
	} else {
		return;
	}
	m->state = TL_MARK_ACTIVE;
	if (tsync) {
		__u32 tgid = task->tgid;
		__u8 one = 1;

		bpf_map_update_elem(&tl_filtered, &tgid, &one, BPF_ANY);
	}
}

/* socket(2)/socketpair(2) arguments, or with socketcall ia32 socketcall's. */
static __always_inline void record_net(struct pt_regs *regs, const struct tl_mark *m, __u32 abi,
                                       bool socketcall)
{
	struct tl_net_key k = {};
	__u64 zero = 0, *v;

	k.target = m->target;
	k.image = m->prog;
	if (socketcall) {
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
		k.family = (__s32)tl_syscall_arg(regs, abi, 0);
		k.type = (__s32)tl_syscall_arg(regs, abi, 1);
		k.protocol = (__s32)tl_syscall_arg(regs, abi, 2);
	}
	k.type &= ~(0x800 /* SOCK_NONBLOCK */ | 0x80000 /* SOCK_CLOEXEC */);
	v = hash_get(&tl_net, &k, &zero, TL_STAT_NET_DROPS);
	if (v)
		__sync_fetch_and_add(v, 1);
}

/* A failed call: errno counts (a hash, touched on failures only). */
static __always_inline void record_err(__u32 target, __u32 abi, __u32 nr, long ret)
{
	struct tl_err_key k = {.target = target, .abi = abi, .nr = nr, .err = (__s32)-ret};
	__u64 one = 1, *v;
	long r;

	v = bpf_map_lookup_elem(&tl_errs, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	r = bpf_map_update_elem(&tl_errs, &k, &one, BPF_NOEXIST);
	if (r == -17 /* EEXIST: another CPU inserted it */) {
		v = bpf_map_lookup_elem(&tl_errs, &k);
		if (v)
			__sync_fetch_and_add(v, 1);
	} else if (r) {
		stat_inc(TL_STAT_ERR_DROPS);
	}
}

/* The first call of (target, abi, nr) at all?  c: this CPU's counter, read before counting. */
static __always_inline bool first_call(const struct tl_count *c, __u32 idx)
{
	__u32 w = idx / 64;
	__u64 bit = 1ULL << (idx % 64), *word;

	if (!tl_cfg_stacks || (c && c->calls))
		return false;
	word = bpf_map_lookup_elem(&tl_first, &w);
	return word && !(*word & bit) && !(__sync_fetch_and_or(word, bit) & bit);
}

/* A call that returned no value here: exit, exit_group, in flight at the stop, sigreturn. */
static __always_inline void count_only(const struct tl_mark *m, __u32 abi, __u32 nr, bool ok)
{
	struct tl_count *c = count_of(m->target, abi * TL_NR_MAX + nr);

	if (!c)
		return;
	c->calls++;
	if (ok)
		c->ok++;
}

/*
 * Count a return: the call, and its outcome unless the call is made again
 * (ERESTART*, 512..516, never reaches user space); a successful file
 * syscall goes on to the file recorder (files.bpf.c) by a tail call.
 */
static __always_inline void count_return(void *ctx, struct tl_count *c, __u32 target,
                                         const struct tl_fast_info *who, __u32 abi, __u32 nr,
                                         const struct tl_argspec *spec, long ret)
{
	struct tl_handoff *h;
	__u32 zero = 0;

	c->calls++;
	if (ret <= -512 && ret >= -516)
		return;
	if (ret >= 0 || ret < -4095) {
		c->ok++;
		if (spec && (spec->flags & TL_ARGF_FILE)) {
			h = bpf_map_lookup_elem(&tl_handoff, &zero);
			if (!h)
				return;
			h->target = target;
			h->image = who->image;
			h->task = who->task;
			bpf_tail_call_static(ctx, &tl_file_progs, 0);
		}
	} else {
		record_err(target, abi, nr, ret);
	}
}

static __always_inline bool is_clone(__u32 abi, long nr)
{
	if (abi == TL_EV_ABI_X86)
		return nr == NR32_CLONE || nr == NR32_FORK || nr == NR32_VFORK || nr == NR_CLONE3;
	return nr == NR64_CLONE || nr == NR64_FORK || nr == NR64_VFORK || nr == NR_CLONE3;
}

/*
 * The common return of a traced task (tl_slots named it: target + 1): a
 * 64-bit call by the syscall instruction (cs is the 64-bit user segment and
 * the entry saved the return address in cx as well: int 0x80 from 64-bit
 * code, an ia32 call, is not), not its first, no socket and no new argument
 * value to record (values already seen are looked up, as the slow path
 * would), not possibly trapped.  Counted from the registers with no helper
 * call (bpf_get_current_task_btf and the task storage lookup cost ~50 ns
 * here: an mmap, ioctl or fcntl, whose arguments are recorded, paid them
 * every time before).
 * false: not such a call, the slow path decides.
 */
static __always_inline bool fast_count(void *ctx, struct pt_regs *regs, volatile struct tl_slot *i,
                                       __u64 fast, long ret)
{
	long nr = (long)regs->orig_ax;
	__u64 values[TL_ARGS_PER_CALL];
	struct tl_fast_info who = {};
	__u64 t1 = fast >> 48;
	struct tl_argspec *spec;
	struct tl_count *c;
	__u32 sidx, base;

	if (t1 == 0 || regs->cs != 0x33 /* __USER_CS */ || regs->cx != regs->ip ||
	    (unsigned long)nr >= TL_NR_MAX || ret == nr)
		return false;
	/* fast was read before (sys_exit): the rest of the entry is its own if it still holds */
	base = i->base;
	who.image = i->image;
	who.task = i->task;
	tl_barrier();
	if (i->fast != fast)
		return false;
	sidx = TL_EV_ABI_X86_64 * TL_NR_MAX + (__u32)nr;
	spec = bpf_map_lookup_elem(&tl_argspec, &sidx);
	if (!spec || (spec->flags & TL_ARGF_NET))
		return false;
	c = count_at(base, sidx);
	if (!c || !c->calls)
		return false;
	if (spec->n &&
	    args_pass(regs, (__u32)(t1 - 1), TL_EV_ABI_X86_64, (__u32)nr, spec, values, 0))
		return false;
	count_return(ctx, c, (__u32)(t1 - 1), &who, TL_EV_ABI_X86_64, (__u32)nr, spec, ret);
	return true;
}

/*
 * Loads (and drops) the counter a fast-path return of target 0 will count
 * in, before the slot is read: where each kernel entry flushes the TLB
 * (tl_sys_exit_task's machines), the two page walks then overlap, ~50 ns
 * each, instead of one waiting for the other (the counter's address comes
 * from the slot).  A recording of one command has only target 0.
 */
static __always_inline void warm_counter(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	__u32 idx = bpf_get_smp_processor_id() * TL_TARGET_SLOTS + TL_EV_ABI_X86_64 * TL_NR_MAX +
	            ((__u32)regs->orig_ax & (TL_NR_MAX - 1));
	struct tl_count *c = bpf_map_lookup_elem(&tl_counts, &idx);

	if (c)
		(void)*(volatile __u64 *)&c->calls;
}

/*
 * Every syscall is counted when it returns, in this one program: a second
 * one at sys_enter would cost every syscall on the host as much again (an
 * empty program on either tracepoint costs ~70 ns here; tailor's check for
 * non-targets ~1 ns).  At sys_exit the registers still hold the number
 * (orig_ax) and the arguments.  What does not return is counted elsewhere:
 * exit and exit_group at sched_process_exit, calls still blocked when the
 * recording stops by tl_inflight.  sys_exit(struct pt_regs *regs, long ret)
 * takes the raw context: BPF_PROG would load the arguments before the
 * hot-path check.
 */
static __always_inline int sys_exit(__u64 *ctx, bool task_filter)
{
	struct task_struct *task = 0;
	__u64 values[TL_ARGS_PER_CALL] = {};
	struct tl_fast_info who = {};
	struct tl_argspec *spec = 0;
	__u32 abi, idx, sidx, slot, newmask = 0;
	unsigned long raddr;
	bool first, exec = false;
	struct tl_slot *s;
	struct pt_regs *regs;
	struct tl_count *c;
	struct tl_mark *m;
	long nr, ret;
	__u64 fast;

	/* Hot path: every syscall on the host ends here for non-targets. */
	if (task_filter) {
		task = bpf_get_current_task_btf();
		if (!task->bpf_storage)
			return 0;
		warm_counter(ctx);
	}
	raddr = ctx_regs(ctx);
	slot = regs_slot(raddr);
	s = slot_at(slot);
	if (!s || (raddr && !s->marked))
		return 0;
	regs = (struct pt_regs *)ctx[0];
	ret = (long)ctx[1];
	fast = *(volatile __u64 *)&s->fast;
	if (raddr && fast && !((fast ^ raddr) & TL_FAST_LO) && fast_count(ctx, regs, s, fast, ret))
		return 0;
	if (!task_filter)
		task = bpf_get_current_task_btf();
	m = tl_task_mark(task);
	if (!m)
		return 0;
	who.image = m->prog;
	who.task = (unsigned long)task;
	/* as the entry code and seccomp take it: eax, sign-extended (syscall(1UL << 32 | nr)) */
	nr = (int)regs->orig_ax;
	{
		/*
		 * ia32 while TS_COMPAT is set, x32 by the number's bit, with no
		 * branch: an ABI the verifier knows would be followed to the end of
		 * the program once per value (~2.4k more instructions to verify).
		 */
		__u32 compat = (task->thread_info.status / TS_COMPAT) & 1;
		__u32 x32 = ((__u32)nr >> 30) & ~((__u32)nr >> 31) & ~compat & 1;

		abi = compat * TL_EV_ABI_X86 + x32 * TL_EV_ABI_X32;
		nr &= ~((long)x32 << 30);
	}
	if (m->flags & (TL_MARKF_FORKED | TL_MARKF_EXEC)) {
		if (m->flags & TL_MARKF_FORKED) {
			/* the child's return from clone: the parent made the call */
			m->flags &= ~TL_MARKF_FORKED;
			if (ret == 0 && is_clone(abi, nr))
				return 0;
		}
		if (m->flags & TL_MARKF_EXEC) {
			/* registers rewritten by the exec: the call as sched_prepare_exec saw it */
			m->flags &= ~TL_MARKF_EXEC;
			exec = true;
			if (m->cur) {
				abi = (m->cur - 1) / TL_NR_MAX % TL_EV_ABI_N;
				nr = (m->cur - 1) % TL_NR_MAX;
			}
			m->cur = 0;
		}
	}
	if (m->state != TL_MARK_ACTIVE) {
		__u32 tgid = task->tgid;

		if (!tl_cfg_after_seccomp || m->state != TL_MARK_WAIT_FILTER)
			return 0;
		/* another thread installed a filter with TSYNC: this one runs under it */
		if (!bpf_map_lookup_elem(&tl_filtered, &tgid)) {
			filter_loaded(task, m, regs, ret, abi, nr);
			return 0;
		}
		m->state = TL_MARK_ACTIVE;
	}
	if (exec && tl_cfg_after_seccomp) {
		__u32 tgid = task->tgid;

		/* --after-seccomp: counted up to and including this exec; done with the task */
		m->state = TL_MARK_DONE;
		bpf_map_delete_elem(&tl_filtered, &tgid);
		unindex_task(task, m);
	}
	if (nr == -1) {
		/*
		 * sigreturn restored the registers and set orig_ax to -1.  ia32 has
		 * two, which look the same here: both are counted.
		 */
		if (abi == TL_EV_ABI_X86) {
			count_only(m, abi, NR32_SIGRETURN, true);
			count_only(m, abi, NR32_RT_SIGRETURN, true);
		} else {
			count_only(m, abi, NR64_RT_SIGRETURN, true);
		}
		return 0;
	}
	if ((unsigned long)nr >= TL_NR_MAX) {
		stat_inc(TL_STAT_BIG_NR);
		return 0;
	}
	/*
	 * SECCOMP_RET_TRAP of the task's own filter: the call did not run; the
	 * kernel put orig_ax back into ax and queued SIGSYS, whose handler may
	 * make other calls instead.
	 */
	if (ret == (long)regs->orig_ax && BPF_CORE_READ(task, seccomp.mode) == 2 &&
	    (BPF_CORE_READ(task, pending.signal.sig[0]) & (1UL << (31 /* SIGSYS */ - 1))))
		return 0;
	sidx = abi * TL_NR_MAX + (__u32)nr;
	idx = m->target * TL_TARGET_SLOTS + sidx;
	c = count_of(m->target, sidx);
	if (!c)
		return 0;
	spec = bpf_map_lookup_elem(&tl_argspec, &sidx);
	/* An exec's stack and arguments are the new program's: its call site is taken before. */
	if (!exec) {
		first = first_call(c, idx);
		if (spec) {
			if (spec->flags & TL_ARGF_NET)
				record_net(regs, m, abi, spec->flags & TL_ARGF_SOCKETCALL);
			if (spec->n)
				newmask =
				    args_pass(regs, m->target, abi, (__u32)nr, spec, values, 1);
		}
		if (first || newmask)
			send_callsite(ctx, regs, m, abi, (__u32)nr, first, newmask, spec, values);
		/* Nothing pending (flags, state): its next returns may take the fast path. */
		if (raddr && m->state == TL_MARK_ACTIVE && m->target < 0xffff &&
		    !(m->flags & (TL_MARKF_FORKED | TL_MARKF_EXEC)))
			fast_set(slot, (raddr & TL_FAST_LO) | (__u64)(m->target + 1) << 48,
			         m->target * tl_cfg_ncpus, m->prog, who.task);
	}
	count_return(ctx, c, m->target, &who, abi, (__u32)nr, spec, ret);
	return 0;
}

/*
 * Two ways to turn away a task that is not a target; user space loads one
 * of the two programs (tracer.c, hot_filter_task).  tl_sys_exit: its
 * tl_slots entry, one load, no call.  tl_sys_exit_task: first the task's
 * storage pointer (task->bpf_storage, NULL for a task that has none:
 * targets all have one), behind a call of bpf_get_current_task_btf.  The
 * task struct is memory the syscall has touched already; a map is not, and
 * where every kernel entry flushes the TLB (page-table isolation without
 * PCID) the tl_slots load costs a page walk, ~30 ns, and the call ~2.
 * Where calls go through return thunks instead, the call costs ~18 ns and
 * the load ~1.  Not a const volatile flag: its load from .rodata would be
 * such a page walk itself.
 */
SEC("tp_btf/sys_exit")
int tl_sys_exit(__u64 *ctx)
{
	return sys_exit(ctx, false);
}

SEC("tp_btf/sys_exit")
int tl_sys_exit_task(__u64 *ctx)
{
	return sys_exit(ctx, true);
}

/*
 * Calls still in flight when the recording stops (a server blocked in
 * accept, a shell in wait4): user space runs this iterator once over every
 * task before it detaches.  A task is in a syscall while its saved ax is
 * still -ENOSYS, the value the entry code puts there until the call returns
 * (a task whose last call returned ENOSYS looks the same: that call, already
 * recorded, counts once more).
 */
SEC("iter/task")
int tl_inflight(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	__u64 values[TL_ARGS_PER_CALL] = {};
	struct tl_argspec *spec;
	struct pt_regs *regs;
	struct tl_mark *m;
	__u32 abi, sidx;
	long nr;

	if (!p)
		return 0;
	m = bpf_task_storage_get(&tl_marks, p, 0, 0);
	if (!m || m->target != tl_inflight_target || m->state != TL_MARK_ACTIVE ||
	    (m->flags & TL_MARKF_EXEC))
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(p);
	if (!regs || (long)BPF_CORE_READ(regs, ax) != -38 /* -ENOSYS */)
		return 0;
	nr = syscall_of(p, regs, &abi);
	if ((unsigned long)nr >= TL_NR_MAX)
		return 0;
	count_only(m, abi, (__u32)nr, false);
	sidx = abi * TL_NR_MAX + (__u32)nr;
	spec = bpf_map_lookup_elem(&tl_argspec, &sidx);
	if (spec && spec->n)
		args_pass(regs, m->target, abi, (__u32)nr, spec, values, 1);
	return 0;
}

/* Index the tasks user space marked (tl_slots): it runs this after marking. */
SEC("iter/task")
int tl_index(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	struct tl_mark *m;

	if (!p)
		return 0;
	m = bpf_task_storage_get(&tl_marks, p, 0, 0);
	if (m)
		index_task(p, m);
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
	cm->prog = pm->prog;
	cm->cur = 0;
	cm->flags = TL_MARKF_FORKED;
	index_task(child, cm);
	stat_inc(TL_STAT_FORKS);
	live_add(cm->target, 1);
	return 0;
}

/*
 * The program an exec started, as the kernel resolved it, into s->path: the
 * file executed, walked up to the process's root.  For a script
 * (binfmt_script or binfmt_misc rewrote bprm->interp) bprm->file is its
 * interpreter and the script's file is released already: the program is
 * then the string given to execve, relative to the root (absolute), the cwd,
 * or for execveat ("/dev/fd/N" or "/dev/fd/N/name") fd N, which a script's
 * exec needs open: the directory is resolved, the string is not.  Returns
 * a hash of that path: the walk's, and the string's for a script.
 */
static __always_inline __u64 exec_path(struct tl_path_scratch *s, struct task_struct *p,
                                       struct linux_binprm *bprm)
{
	struct task_struct___tl *task = (void *)p;
	struct fs_struct___tl *fs = KREAD(task, fs);
	struct file___tl *f = (void *)BPF_CORE_READ(bprm, file), *dir;
	const char *filename = BPF_CORE_READ(bprm, filename);
	unsigned long rd = (unsigned long)KREAD(fs, root.dentry);
	unsigned long rmnt = (unsigned long)KREAD(fs, root.mnt);
	unsigned long d, mnt;
	long n, fd = 0;
	int j;

	s->path.flags = s->path.name_len = s->path.dir_len = s->path.pad = 0;
	if (BPF_CORE_READ(bprm, interp) == filename)
		goto file;
	{
		/*
		 * A chroot: user space must not resolve the script's name in its own
		 * root.  Not one when the root is the top of mounts stacked on the
		 * namespace's root (the real root on the initramfs, a container's
		 * after pivot_root).
		 */
		struct mnt_namespace___tl *ns = KREAD2(task, nsproxy, mnt_ns);
		struct mount___tl *nsroot = ns ? KREAD(ns, root) : 0, *m = tl_real_mount(rmnt);
		unsigned long d = rd;
		bool chroot = true;

		for (int i = 0; i < 4 && nsroot; i++) {
			if (d != (unsigned long)KREAD(m, mnt.mnt_root))
				break; /* a directory inside a mount */
			if (m == nsroot) {
				chroot = false;
				break;
			}
			d = (unsigned long)KREAD(m, mnt_mountpoint);
			m = KREAD(m, mnt_parent);
		}
		if (chroot)
			s->path.flags |= TL_PATHF_CHROOT;
	}
	n = bpf_probe_read_kernel_str(s->data, TL_FILE_NAME_MAX, filename);
	if (n <= 0)
		goto file;
	if (!BPF_CORE_READ(bprm, fdpath)) {
		s->path.name_len = n;
		if (s->data[0] == '/') {
			d = rd;
			mnt = rmnt;
		} else {
			d = (unsigned long)KREAD(fs, pwd.dentry);
			mnt = (unsigned long)KREAD(fs, pwd.mnt);
		}
		goto walk;
	}
	/* execveat: "/dev/fd/N" (the fd's own file) or "/dev/fd/N/name"; N has 10 digits at most */
#pragma unroll
	for (j = 8; j < 18; j++) {
		if (s->data[j] < '0' || s->data[j] > '9')
			break;
		fd = fd * 10 + (s->data[j] - '0');
	}
	dir = tl_fd_file(task, fd);
	if (!dir)
		goto file;
	n = 0;
	if (s->data[j] == '/') {
		n = bpf_probe_read_kernel_str(s->data, TL_FILE_NAME_MAX, filename + j + 1);
		if (n <= 0)
			goto file;
	}
	s->path.name_len = n;
	d = (unsigned long)KREAD(dir, f_path.dentry);
	mnt = (unsigned long)KREAD(dir, f_path.mnt);
	goto walk;
file:
	/* Not a script, or its name could not be read: the file executed. */
	s->path.name_len = 0;
	d = (unsigned long)KREAD(f, f_path.dentry);
	mnt = (unsigned long)KREAD(f, f_path.mnt);
walk:
	return tl_mix(tl_path_walk(s, d, mnt, rd, rmnt, true),
	              s->path.name_len ? tl_hash_name(s) : 0);
}

/*
 * Per (target, program, caller): the image whose keys the program's records
 * take (tl_mark.prog).  With a key per exec, 4 500 processes of a test suite
 * filled the file recorder's keys, and 4 096 capability or socket keys were
 * 4 096 processes.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct tl_prog_key);
	__type(value, __u64);
} tl_progs SEC(".maps");

/* m's program once it exec'ed image, whose record hashes to path (named: the ring took it). */
static __always_inline __u64 prog_of(const struct tl_mark *m, __u32 flags, __u64 path, __u64 image,
                                     bool named)
{
	struct tl_prog_key k = {
	    .target = m->target, .flags = flags, .path = path, .caller = m->prog};
	__u64 *v = bpf_map_lookup_elem(&tl_progs, &k);

	if (v)
		return *v;
	/* an image whose record was lost names nothing: never the first */
	if (!named || bpf_map_update_elem(&tl_progs, &k, &image, BPF_NOEXIST) != -17 /* EEXIST */)
		return image;
	v = bpf_map_lookup_elem(&tl_progs, &k); /* another CPU was first */
	return v ? *v : image;
}

/*
 * sched_prepare_exec (Linux 6.10+): an exec past its point of no return, the
 * registers still the caller's.  Remembers the call (execve or execveat, and
 * its ABI: exec into a program of the other ABI rewrites them) for its
 * return, and takes its call site while the caller's stack is there.
 * Without this tracepoint an exec counts as the new program's execve.
 */
static __always_inline int on_prepare_exec(void *ctx, struct task_struct *p, bool ct)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	struct tl_mark *m;
	__u32 idx;

	m = bpf_task_storage_get(&tl_marks, p, 0, 0);
	if (!m && ct && tl_cfg_containers)
		m = ct_mark(p);
	if (!m || !regs)
		return 0;
	m->cur = exec_cur(p);
	m->flags |= TL_MARKF_EXEC;
	fast_forget(regs_addr(p));
	index_task(p, m);
	if (m->state != TL_MARK_ACTIVE || !m->cur)
		return 0;
	idx = m->target * TL_TARGET_SLOTS + m->cur - 1;
	/*
	 * Not the per-CPU hint (a count on this CPU): the exec of the command
	 * itself is counted but has no call site (tailor's stack, state ARMED
	 * above), and on its CPU it hid the program's own first exec.
	 */
	if (first_call(0, idx))
		send_callsite(ctx, regs, m, (m->cur - 1) / TL_NR_MAX, (m->cur - 1) % TL_NR_MAX,
		              true, 0, 0, 0);
	return 0;
}

SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(tl_prepare, struct task_struct *p, struct linux_binprm *bprm)
{
	return on_prepare_exec(ctx, p, false);
}

SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(tl_prepare_ct, struct task_struct *p, struct linux_binprm *bprm)
{
	return on_prepare_exec(ctx, p, true);
}

/* A container's init exec'ed (container sessions): its argv (events.h). */
static __always_inline void ct_argv(struct task_struct *p, __u32 target)
{
	struct mm_struct___tl *mm = BPF_CORE_READ((struct task_struct___tl *)p, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);
	struct tl_ev_argv *e;
	unsigned int level = 0;
	__u32 len;
	int nr = 0;

	task_pidns(p, &nr, &level);
	/* its init: pid 1 of its namespace, or the one user space named (host pid namespace) */
	if (!(level && nr == 1) && !(tl_ct_init_tgid && p->tgid == tl_ct_init_tgid))
		return;
	if (end <= start)
		return;
	len = end - start > TL_ARGV_MAX ? TL_ARGV_MAX : end - start;
	e = bpf_ringbuf_reserve(&tl_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(TL_STAT_DROPS);
		return;
	}
	e->type = TL_EV_ARGV;
	e->target = target;
	e->pid = p->tgid;
	/* the pages were just written by the exec: no fault */
	e->len = bpf_probe_read_user(e->data, len, (void *)start) ? 0 : len;
	bpf_ringbuf_submit(e, 0);
	stat_inc(TL_STAT_EVENTS);
}

/*
 * exec and exit come in two programs each, with and without the container
 * code (ct): user space loads one of a pair (tracer.c), so that the
 * container code's CO-RE relocations (8 kernel types, ~6 ms of start-up)
 * are only made when it runs.
 */
static __always_inline int on_exec(struct task_struct *p, struct linux_binprm *bprm, bool ct)
{
	__u32 zero = 0, size, flags = 0;
	struct tl_path_scratch *s;
	__u64 image, path = 0;
	struct tl_mark *m;

	m = bpf_task_storage_get(&tl_marks, p, 0, 0);
	if (!m && ct && tl_cfg_containers)
		m = ct_mark(p);
	if (!m)
		return 0;
	/* The exec's return is counted as the call sched_prepare_exec saw (cur), if it ran. */
	m->flags |= TL_MARKF_EXEC;
	fast_forget(regs_addr(p));
	index_task(p, m);
	if (m->state == TL_MARK_ARMED)
		m->state = TL_MARK_ACTIVE; /* from here on the program runs, not tailor */
	/* Unique without an atomic fetch (needs -mcpu=v3): time and CPU. */
	image = (bpf_ktime_get_ns() << 12) | (bpf_get_smp_processor_id() & 0xfff);
	if (!image)
		image = 1;
	s = bpf_map_lookup_elem(&tl_exec_scratch, &zero);
	if (s) {
		s->exec.type = TL_EV_EXEC;
		s->exec.target = m->target;
		s->exec.pid = p->tgid;
		s->exec.pad = 0;
		s->exec.old_image = m->image;
		s->exec.new_image = image;
		path = exec_path(s, p, bprm);
		flags = s->path.flags;
		size = sizeof(s->exec) + s->path.name_len + s->path.dir_len;
		if (size > sizeof(s->exec) + sizeof(s->data))
			size = sizeof(s->exec) + sizeof(s->data);
		if (bpf_ringbuf_output(&tl_events, &s->exec, size, 0))
			s = 0;
	}
	if (s)
		stat_inc(TL_STAT_EVENTS);
	else
		stat_inc(TL_STAT_DROPS);
	if (ct && tl_cfg_containers)
		ct_argv(p, m->target);
	/* before m->prog changes: it is the caller's */
	m->prog = path ? prog_of(m, flags, path, image, s) : image;
	m->image = image;
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tl_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, bprm, false);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tl_exec_ct, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, bprm, true);
}

/*
 * exit and exit_group never return: counted here.  p's registers are those
 * of its last entry to the kernel, which is the call for a task that exits
 * by calling it; a task killed by a signal has the signal in exit_code's low
 * bits.
 */
static __always_inline void count_exit(struct task_struct *p, struct tl_mark *m)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u32 abi;
	long nr;

	if (!regs || m->state != TL_MARK_ACTIVE || (p->exit_code & 0x7f))
		return;
	nr = syscall_of(p, regs, &abi);
	if (abi == TL_EV_ABI_X86 ? nr == NR32_EXIT || nr == NR32_EXIT_GROUP
	                         : nr == NR64_EXIT || nr == NR64_EXIT_GROUP)
		count_only(m, abi, (__u32)nr, false);
}

static __always_inline int on_exit(struct task_struct *p, bool ct)
{
	struct tl_mark *m = bpf_task_storage_get(&tl_marks, p, 0, 0);

	if (m) {
		count_exit(p, m);
		fast_forget(regs_addr(p));
		unindex_task(p, m);
		stat_inc(TL_STAT_EXITS);
		live_add(m->target, -1);
	}
	if (ct && tl_cfg_containers)
		ct_reaper_exit(p);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tl_exit, struct task_struct *p)
{
	return on_exit(p, false);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tl_exit_ct, struct task_struct *p)
{
	return on_exit(p, true);
}

struct tl_kstack {
	__u64 ip[TL_KSTACK_MAX];
};

/*
 * Frames of a kernel stack (n bytes, bpf_get_stack's result) in a NOAUDIT
 * function?  A global function: the verifier checks it once, not at each
 * of its two call sites (~2.9k instructions to verify then, ~2.5k now).
 * The inner loop stays inline: a call per frame (~410 instructions) cost
 * ~170 ns per capability check, at every mmap of a traced process.
 */
__noinline int tl_noaudit_in(const struct tl_kstack *ks, long n)
{
	if (!ks)
		return 0;
	for (int i = 0; i < TL_KSTACK_MAX; i++) {
		if (n <= 0 || (unsigned long)i >= (unsigned long)n / 8)
			break;
		for (int j = 0; j < TL_CAP_NOAUDIT_MAX; j++)
			if (ks->ip[i] >= tl_cap_noaudit[j].start &&
			    ks->ip[i] < tl_cap_noaudit[j].end)
				return 1;
	}
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
	struct tl_kstack ks = {}; /* all of it initialized: tl_noaudit_in's argument */
	long n;

	m = tl_task_mark(task);
	if (!m || m->state != TL_MARK_ACTIVE)
		return 0;
	/*
	 * A NOAUDIT probe (see events.h) is not a capability the program needs.
	 * The common one, vm_enough_memory's at every accountable mmap or brk,
	 * shows within the first frames: those are walked first (a frame costs
	 * ~170 ns here), the rest only when they do not settle it.
	 */
	n = bpf_get_stack(ctx, ks.ip, TL_KSTACK_FIRST * sizeof(ks.ip[0]), 0);
	if (tl_noaudit_in(&ks, n))
		return 0;
	if (n == TL_KSTACK_FIRST * sizeof(ks.ip[0])) {
		n = bpf_get_stack(ctx, ks.ip, sizeof(ks.ip), 0);
		if (tl_noaudit_in(&ks, n))
			return 0;
	}
	k.target = m->target;
	k.cap = cap;
	k.image = m->prog;
	v = hash_get(&tl_caps, &k, &zero, TL_STAT_CAP_DROPS);
	if (!v)
		return 0;
	if (ret == 0)
		__sync_fetch_and_add(&v->granted, 1);
	else
		__sync_fetch_and_add(&v->denied, 1);
	return 0;
}
