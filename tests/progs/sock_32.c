// SPDX-License-Identifier: Apache-2.0
/*
 * A 32-bit (-m32) program creating sockets both ways ia32 allows: the old
 * socketcall(2) multiplexer (arguments in memory) and the direct socket(2)
 * syscall (Linux 4.3+).  For tests/live/test_args.sh.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
#ifdef __i386__
	unsigned long args[3] = {AF_UNIX, SOCK_DGRAM, 0};
	long fd;

	fd = syscall(__NR_socketcall, 1 /* SYS_SOCKET */, args);
	if (fd < 0)
		return 90;
	close((int)fd);
	fd = syscall(__NR_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 91;
	close((int)fd);
	return 0;
#else
	return 99; /* must be built with -m32 */
#endif
}
