// SPDX-License-Identifier: Apache-2.0
/*
 * Which syscall arguments the recorder records, and why: the one table.
 * tl_argtable_fill() loads it into the BPF array tl_argspec (indexed
 * abi * TL_NR_MAX + nr), where sys_exit reads it for target tasks only.
 *
 * Rules: non-pointer arguments only (seccomp sees registers, never memory:
 * clone3's struct, old ia32 mmap's struct are not recorded); flag words are
 * masked to the bits a profile may filter on; the rest is the register as
 * seccomp sees it (64 bits on x86_64, 32 on ia32).  Numbers are the
 * kernel's (arch/x86/entry/syscalls/syscall_{64,32}.tbl); -1 = no such
 * syscall on that ABI.  x32 is not covered (the kernels here disable it).
 * tl_argtable_check() compares names and numbers with libseccomp.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "tailor/common.h"
#include "tailor/events.h"
#include "tailor/trace.h"
#include "tracer_int.h"

/* Namespace bits (CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET}) and what makes a
 * thread or a vfork (VM, FS, FILES, SIGHAND, PTRACE, VFORK, PARENT, THREAD).
 * Left out: CSIGNAL (exit signal), SETTLS, *_SETTID, CHILD_CLEARTID, PIDFD,
 * SYSVSEM, IO, UNTRACED: bookkeeping that varies with the libc, not isolation. */
#define CLONE_REC_MASK 0x7E03EF00ULL
#define PROT_RWX       0x7ULL        /* PROT_READ|PROT_WRITE|PROT_EXEC */
#define SOCK_TYPE_MASK 0xFFF7F7FFULL /* type without SOCK_NONBLOCK|SOCK_CLOEXEC */
#define ALL            0xFFFFFFFFFFFFFFFFULL

struct argdef {
	const char *name;
	int nr[2]; /* x86_64, ia32 */
	uint8_t flags;
	uint8_t n;
	uint8_t index[TL_ARGS_PER_CALL];
	uint64_t mask[TL_ARGS_PER_CALL];
	const char *why;
};

#define A1(i, m)             .n = 1, .index = {i}, .mask = {m}
#define A2(i, m, j, k)       .n = 2, .index = {i, j}, .mask = {m, k}
#define A3(i, m, j, k, l, o) .n = 3, .index = {i, j, l}, .mask = {m, k, o}

/* clang-format off */
static const struct argdef argtable[] = {
    {"bpf",           {321, 357}, 0, A1(0, ALL), "cmd: which program/map operations are used"},
    {"clone",         {56, 120},  0, A1(0, CLONE_REC_MASK),
     "flags: new namespaces and thread/process shape (clone3's flags are in memory)"},
    {"fcntl",         {72, 55},   0, A1(1, ALL), "cmd: F_SETLEASE, F_SETPIPE_SZ... are rarely needed"},
    {"fcntl64",       {-1, 221},  0, A1(1, ALL), "cmd: ia32's fcntl"},
    {"getsockopt",    {55, 365},  0, A2(1, ALL, 2, ALL), "level, optname: socket options read"},
    {"ioctl",         {16, 54},   0, A1(1, ALL), "request: every driver's entry point"},
    {"keyctl",        {250, 288}, 0, A1(0, ALL), "operation: kernel keyring operations"},
    {"kill",          {62, 37},   0, A1(1, ALL), "sig: signals sent"},
    {"mmap",          {9, -1},    0, A1(2, PROT_RWX),
     "prot: executable mappings (ia32 mmap takes a struct in memory: mmap2 instead)"},
    {"mmap2",         {-1, 192},  0, A1(2, PROT_RWX), "prot: executable mappings (ia32)"},
    {"mount",         {165, 21},  0, A1(3, ALL), "mountflags: remounts, binds, moves"},
    {"mprotect",      {10, 125},  0, A1(2, PROT_RWX), "prot: making memory executable"},
    {"personality",   {135, 136}, 0, A1(0, ALL), "persona: READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE"},
    {"pkey_mprotect", {329, 380}, 0, A1(2, PROT_RWX), "prot: as mprotect"},
    {"prctl",         {157, 172}, 0, A1(0, ALL), "option: process attributes changed"},
    {"ptrace",        {101, 26},  0, A1(0, ALL), "request: attach, peek, poke"},
    {"seccomp",       {317, 354}, 0, A1(0, ALL), "operation: filters and notifications"},
    {"setns",         {308, 346}, 0, A1(1, ALL), "nstype: namespaces joined"},
    {"setsockopt",    {54, 366},  0, A2(1, ALL, 2, ALL), "level, optname: socket options set"},
    {"socket",        {41, 359},  TL_ARGF_NET, A3(0, ALL, 1, SOCK_TYPE_MASK, 2, ALL),
     "domain, type, protocol: address families are kernel attack surface"},
    {"socketcall",    {-1, 102},  TL_ARGF_NET | TL_ARGF_SOCKETCALL, A1(0, ALL),
     "call: ia32 multiplexer of the socket calls (older binaries); the family and type of "
     "SYS_SOCKET are in memory, read at exit for network rules only"},
    {"socketpair",    {53, 360},  TL_ARGF_NET, A3(0, ALL, 1, SOCK_TYPE_MASK, 2, ALL),
     "domain, type, protocol: as socket"},
    {"tgkill",        {234, 270}, 0, A1(2, ALL), "sig: signals sent to threads"},
    {"tkill",         {200, 238}, 0, A1(1, ALL), "sig: signals sent to threads"},
    {"unshare",       {272, 310}, 0, A1(0, ALL), "flags: namespaces created"},
};
/* clang-format on */

static const int table_abi[2] = {TL_EV_ABI_X86_64, TL_EV_ABI_X86};

int tl_argtable_check(void)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(argtable); i++) {
		for (int a = 0; a < 2; a++) {
			int nr = argtable[i].nr[a];
			char *name;
			bool same;

			if (nr < 0)
				continue;
			name = tl_syscall_name((enum tl_abi)table_abi[a], nr);
			if (!name)
				continue; /* an older libseccomp: nothing to compare with */
			same = !strcmp(name, argtable[i].name);
			free(name);
			if (!same)
				return tl_err(EINVAL,
				              "tracer/argtable.c: %s is not syscall %d on %s "
				              "(libseccomp disagrees)",
				              argtable[i].name, nr,
				              tl_abi_name((enum tl_abi)table_abi[a]));
		}
	}
	return 0;
}

int tl_argtable_fill(int map_fd)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(argtable); i++) {
		const struct argdef *d = &argtable[i];
		struct tl_argspec spec = {.n = d->n, .flags = d->flags};

		for (int k = 0; k < d->n; k++) {
			spec.index[k] = d->index[k];
			spec.mask[k] = d->mask[k];
		}
		for (int a = 0; a < 2; a++) {
			uint32_t key;

			if (d->nr[a] < 0)
				continue;
			key = (uint32_t)table_abi[a] * TL_NR_MAX + (uint32_t)d->nr[a];
			if (bpf_map_update_elem(map_fd, &key, &spec, BPF_ANY))
				return tl_err(errno, "filling the argument table (%s): %s", d->name,
				              strerror(errno));
		}
	}
	return 0;
}

int tl_argtable_select(enum tl_abi abi, uint32_t nr, uint8_t *index, uint64_t *mask)
{
	if (abi != TL_ABI_X86_64 && abi != TL_ABI_X86)
		return 0; /* x32: not covered (see above) */
	for (size_t i = 0; i < TL_ARRAY_SIZE(argtable); i++) {
		const struct argdef *d = &argtable[i];

		if (d->nr[abi == TL_ABI_X86] != (int)nr)
			continue;
		for (int k = 0; k < d->n; k++) {
			index[k] = d->index[k];
			mask[k] = d->mask[k];
		}
		return d->n;
	}
	return 0;
}

int tl_argtable_each(int (*fn)(void *ctx, uint32_t abi, uint32_t nr, uint32_t slot, uint32_t index),
                     void *ctx)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(argtable); i++)
		for (int a = 0; a < 2; a++)
			for (uint32_t k = 0; argtable[i].nr[a] >= 0 && k < argtable[i].n; k++) {
				int err = fn(ctx, (uint32_t)table_abi[a],
				             (uint32_t)argtable[i].nr[a], k, argtable[i].index[k]);

				if (err)
					return err;
			}
	return 0;
}
