// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * Kernel facts the recorder needs at start, asked with one run of a syscall
 * program (BPF_PROG_RUN, never attached; tracer/kinfo.c): the address and
 * size of the functions whose capability checks are NOAUDIT probes
 * (events.h, the recorder's tl_cap_noaudit), and whether the
 * capability:cap_capable and sched:sched_prepare_exec tracepoints exist.  The kernel answers from
 * its own indexes in microseconds; the files that say the same cost ~75 ms of start-up
 * (/proc/kallsyms: 5 MB of text the kernel formats per read; the vmlinux BTF: 5 MB parsed).
 * tracer/kinfo.c reads them only when this program cannot load (Linux < 5.16).
 *
 * Loading this object also creates the task marks (tl_marks, common.bpf.h)
 * that the recorder and the file recorder share: with the map made first,
 * both can load at the same time (tracer/tracer.c).
 */
#include "common.bpf.h"

/* Dual-licensed (SPDX above); the kernel wants a GPL-compatible string. */
char LICENSE[] SEC("license") = "GPL";

#define TL_KI_NAME        64 /* a power of two: the length is masked with it */
#define TL_KI_DESC        128
#define BTF_KIND_TYPEDEF_ 8

/* In: function names and their lengths with the NUL (0: unused slot). */
char tl_ki_name[TL_CAP_NOAUDIT_MAX][TL_KI_NAME];
__u32 tl_ki_len[TL_CAP_NOAUDIT_MAX];
/* Out: the address (0: not found) and "name+0x0/0xSIZE" (%pS) of each. */
__u64 tl_ki_addr[TL_CAP_NOAUDIT_MAX];
char tl_ki_desc[TL_CAP_NOAUDIT_MAX][TL_KI_DESC];
/* Out: the vmlinux BTF ids of typedefs btf_trace_cap_capable and
 * btf_trace_sched_prepare_exec, < 0 without the tracepoint. */
long tl_ki_cap_tp, tl_ki_prepare_tp;

SEC("syscall")
int tl_kinfo(void *ctx)
{
	for (int i = 0; i < TL_CAP_NOAUDIT_MAX; i++) {
		__u32 n = tl_ki_len[i] & (TL_KI_NAME - 1);
		__u64 addr = 0;

		/* helpers want the NUL exactly at name[n - 1]: user space checks that */
		if (n < 2 || bpf_kallsyms_lookup_name(tl_ki_name[i], n, 0, &addr) || !addr)
			continue;
		tl_ki_addr[i] = addr;
		BPF_SNPRINTF(tl_ki_desc[i], sizeof(tl_ki_desc[i]), "%pS", addr);
	}
	tl_ki_cap_tp = bpf_btf_find_by_name_kind(
	    "btf_trace_cap_capable", sizeof("btf_trace_cap_capable"), BTF_KIND_TYPEDEF_, 0);
	tl_ki_prepare_tp =
	    bpf_btf_find_by_name_kind("btf_trace_sched_prepare_exec",
	                              sizeof("btf_trace_sched_prepare_exec"), BTF_KIND_TYPEDEF_, 0);
	return 0;
}
