// SPDX-License-Identifier: Apache-2.0
/*
 * A 64-bit program making ia32 syscalls through int 0x80: getpid (ia32 nr 20,
 * which is writev on x86_64) five times between native getppid calls.  The
 * recorder must count them under x86, though the task is a 64-bit one whose
 * native calls take its fast path.  Then three x32 getpid calls (the
 * number with bit 30 set: x32 getpid, ENOSYS on a kernel without x32) and
 * one with bits 31 and 30 (a negative number: no syscall at all), which
 * must not count as x86_64 getpid.  Exits 0 when int 0x80 worked.
 */
#include <sys/syscall.h>
#include <unistd.h>

static long int80_getpid(void)
{
	long ret = 20; /* __NR_getpid on ia32 */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(void)
{
	long ok = 1;

	for (int i = 0; i < 5; i++) {
		syscall(SYS_getppid);
		if (int80_getpid() != getpid())
			ok = 0;
	}
	for (int i = 0; i < 3; i++)
		syscall(0x40000000L | SYS_getpid);
	syscall(0xC0000000L | SYS_getpid);
	return ok ? 0 : 1;
}
