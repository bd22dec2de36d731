// SPDX-License-Identifier: Apache-2.0
/* A 32-bit (-m32) program making syscalls that exist only on ia32. */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
#ifdef __i386__
	syscall(__NR_getuid32);
	syscall(__NR_time, 0);
	syscall(__NR_nice, 0);
	if (syscall(__NR_open, "/nonexistent/tailor-workload32", O_RDONLY) != -1 || errno != ENOENT)
		return 90;
	return 0;
#else
	return 99; /* must be built with -m32 */
#endif
}
