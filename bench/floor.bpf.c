// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * The cost floor of any tracepoint-based syscall tracer: programs that do
 * nothing, on the syscall tracepoints.  bench/floor loads this object and
 * attaches floor_enter alone ("enter"), floor_exit alone ("exit": where
 * tailor's recorder attaches) or both ("both").
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_enter")
int floor_enter(void *ctx)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int floor_exit(void *ctx)
{
	return 0;
}
