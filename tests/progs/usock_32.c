// SPDX-License-Identifier: Apache-2.0
/*
 * usock_32 DIR: a 32-bit (-m32) program binding and connecting unix
 * sockets at paths in DIR both ways ia32 allows: through the socketcall(2)
 * multiplexer (DIR/sc.sock) and by the direct bind/connect syscalls (Linux
 * 4.3+, DIR/direct.sock).  For tests/live/test_files.sh.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef __i386__
static int pair(const char *dir, const char *name, int via_socketcall)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0);
	unsigned long args[3];

	if (s < 0 || c < 0)
		return -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
	args[0] = (unsigned long)s;
	args[1] = (unsigned long)&a;
	args[2] = sizeof(a);
	if ((via_socketcall ? syscall(__NR_socketcall, 2 /* SYS_BIND */, args)
	                    : syscall(__NR_bind, s, &a, sizeof(a))) < 0)
		return -1;
	args[0] = (unsigned long)c;
	return via_socketcall ? syscall(__NR_socketcall, 3 /* SYS_CONNECT */, args)
	                      : syscall(__NR_connect, c, &a, sizeof(a));
}
#endif

int main(int argc, char **argv)
{
#ifdef __i386__
	if (argc != 2)
		return 2;
	if (pair(argv[1], "sc.sock", 1) < 0) {
		perror("socketcall bind/connect");
		return 90;
	}
	if (pair(argv[1], "direct.sock", 0) < 0) {
		perror("bind/connect");
		return 91;
	}
	return 0;
#else
	(void)argc;
	(void)argv;
	return 99; /* must be built with -m32 */
#endif
}
