// SPDX-License-Identifier: Apache-2.0
/*
 * Linux syscalls that the installed libseccomp may not know yet, with their
 * numbers on the x86 ABIs (include/tailor/trace.h, docs/syscalls.md).
 *
 * libseccomp's own tables win wherever it knows a name; this one is the
 * fallback that lets tailor name, generate and enforce syscalls newer than
 * the libseccomp it runs with (Debian 12 ships 2.5.4, kernels move faster).
 *
 * Numbers are those of arch/x86/entry/syscalls/syscall_64.tbl and
 * syscall_32.tbl: since 4.20 every new generic syscall gets the same number
 * on x86_64 ("common": also x32, with __X32_SYSCALL_BIT) and on i386.  -1: the
 * syscall does not exist on that ABI (uretprobe is 64-bit only; riscv_hwprobe
 * exists on riscv only, it is listed because container profiles allow it).
 *
 * Kept sorted by name (a unit test checks it): lookups by name bisect.
 */
#include <stdlib.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/trace.h"

#define X32(nr) (0x40000000 | (nr))
/* A generic syscall: one number on every x86 ABI. */
// clang-format off
#define ALL(nr) {(nr), (nr), X32(nr)}
// clang-format on

const struct tl_syscall_def tl_syscall_table[] = {
    {"cachestat", ALL(451), "6.5"},
    {"clone3", ALL(435), "5.3"},
    {"close_range", ALL(436), "5.9"},
    {"epoll_pwait2", ALL(441), "5.11"},
    {"faccessat2", ALL(439), "5.8"},
    {"fchmodat2", ALL(452), "6.6"},
    {"file_getattr", ALL(468), "6.17"},
    {"file_setattr", ALL(469), "6.17"},
    {"futex_requeue", ALL(456), "6.7"},
    {"futex_wait", ALL(455), "6.7"},
    {"futex_waitv", ALL(449), "5.16"},
    {"futex_wake", ALL(454), "6.7"},
    {"getxattrat", ALL(464), "6.13"},
    {"landlock_add_rule", ALL(445), "5.13"},
    {"landlock_create_ruleset", ALL(444), "5.13"},
    {"landlock_restrict_self", ALL(446), "5.13"},
    {"listmount", ALL(458), "6.8"},
    {"listxattrat", ALL(465), "6.13"},
    {"lsm_get_self_attr", ALL(459), "6.8"},
    {"lsm_list_modules", ALL(461), "6.8"},
    {"lsm_set_self_attr", ALL(460), "6.8"},
    /* "64" in syscall_64.tbl (not x32); i386 reserves the same number. */
    {"map_shadow_stack", {453, 453, -1}, "6.6"},
    {"memfd_secret", ALL(447), "5.14"},
    {"mount_setattr", ALL(442), "5.12"},
    {"mseal", ALL(462), "6.10"},
    {"open_tree_attr", ALL(467), "6.15"},
    {"openat2", ALL(437), "5.6"},
    {"pidfd_getfd", ALL(438), "5.6"},
    {"process_madvise", ALL(440), "5.10"},
    {"process_mrelease", ALL(448), "5.15"},
    {"quotactl_fd", ALL(443), "5.14"},
    {"removexattrat", ALL(466), "6.13"},
    {"riscv_hwprobe", {-1, -1, -1}, "6.4"},
    {"set_mempolicy_home_node", ALL(450), "5.17"},
    {"setxattrat", ALL(463), "6.13"},
    {"statmount", ALL(457), "6.8"},
    {"uretprobe", {335, -1, -1}, "6.11"},
};

const size_t tl_syscall_table_len = TL_ARRAY_SIZE(tl_syscall_table);

static int cmp_def(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tl_syscall_def *)elem)->name);
}

const struct tl_syscall_def *tl_syscall_table_find(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, tl_syscall_table, tl_syscall_table_len, sizeof(tl_syscall_table[0]),
	               cmp_def);
}

const struct tl_syscall_def *tl_syscall_table_find_nr(enum tl_abi abi, int nr)
{
	if ((unsigned)abi >= TL_ABI_COUNT || nr < 0)
		return NULL;
	if (abi == TL_ABI_X32)
		nr |= X32(0);
	for (size_t i = 0; i < tl_syscall_table_len; i++)
		if (tl_syscall_table[i].nr[abi] == nr)
			return &tl_syscall_table[i];
	return NULL;
}
