// SPDX-License-Identifier: Apache-2.0
/*
 * Known file accesses for the recorder's live test (tests/live/test_files.sh).
 * Works in DIR, which the test prepared (see the script for which files
 * exist beforehand): opens for read, write, append, read-write, create; an
 * O_CREAT open of an existing file; O_PATH; a failed open; deletes, renames
 * (and an exchange),
 * hard and symbolic links, a symlink followed; flock and fcntl locks;
 * chmod, truncate, utimensat, fchmod; mkdir/rmdir, mkdirat/unlinkat through
 * a dirfd; a fifo; relative paths with ".." from a chdir'ed subdirectory;
 * mmap PROT_EXEC of a file, mprotect adding PROT_EXEC, and a PROT_READ mmap
 * under READ_IMPLIES_EXEC; and an exec of
 * EXEC in a child.  Exit 0 when every step behaved as expected, 100+N when
 * step N failed.
 *
 * usage: fileprobe DIR EXEC
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int step;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		step++;                                                                            \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fileprobe: step %d (line %d) failed: %s\n", step,         \
			        __LINE__, strerror(errno));                                        \
			exit(100 + step);                                                          \
		}                                                                                  \
	} while (0)

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd >= 0)
		close(fd);
	return fd;
}

int main(int argc, char **argv)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char *const exec_argv[] = {argv[argc > 2 ? 2 : 0], NULL};
	int fd, dfd, status, pers;
	void *p;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: fileprobe DIR EXEC\n");
		return 2;
	}
	CHECK(chdir(argv[1]) == 0);

	/* opens: the access comes from the open mode, not from the syscall */
	for (int i = 0; i < 3; i++)
		CHECK(open_close("r.txt", O_RDONLY) >= 0); /* counted 3 times, sent once */
	CHECK(open_close("w.txt", O_WRONLY | O_TRUNC) >= 0);
	CHECK(open_close("a.txt", O_WRONLY | O_APPEND) >= 0);
	CHECK(open_close("rw.txt", O_RDWR) >= 0);
	CHECK(open_close("new.txt", O_WRONLY | O_CREAT | O_EXCL) >= 0);
	CHECK((fd = creat("creat.txt", 0644)) >= 0 && close(fd) == 0);
	CHECK(open_close("exist.txt", O_WRONLY | O_CREAT) >= 0); /* exists: no create */
	CHECK(open_close("opath.txt", O_PATH) >= 0);             /* no access at all */
	CHECK(open_close("missing.txt", O_RDONLY) < 0 && errno == ENOENT);
	CHECK(open_close(".", O_RDONLY | O_DIRECTORY) >= 0); /* the directory itself */

	/* names: created, deleted, renamed, linked */
	CHECK(unlink("del.txt") == 0);
	CHECK(rename("ren-a", "ren-b") == 0);
	/* both names exist before and after: neither made nor removed */
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "xch-a", AT_FDCWD, "xch-b", 2 /* EXCHANGE */) == 0);
	CHECK(link("r.txt", "hard") == 0);
	CHECK(symlink("target.txt", "sym") == 0);
	CHECK(open_close("sym", O_RDONLY) >= 0); /* recorded as target.txt */
	CHECK(mkdir("mk", 0755) == 0 && rmdir("mk") == 0);
	CHECK(mkfifo("fifo", 0600) == 0);

	/* attributes */
	CHECK(chmod("attr-chmod", 0600) == 0);
	CHECK(truncate("attr-trunc", 0) == 0);
	CHECK(utimensat(AT_FDCWD, "attr-utime", NULL, 0) == 0);
	CHECK((fd = open("attr-fchmod", O_RDONLY)) >= 0 && fchmod(fd, 0600) == 0 && close(fd) == 0);

	/* locks */
	CHECK((fd = open("lock-flock", O_RDWR)) >= 0);
	CHECK(flock(fd, LOCK_EX) == 0 && flock(fd, LOCK_UN) == 0 && close(fd) == 0);
	CHECK((fd = open("lock-fcntl", O_RDWR)) >= 0);
	CHECK(fcntl(fd, F_SETLK, &fl) == 0 && close(fd) == 0);
	CHECK((fd = open("nolock", O_RDWR)) >= 0);
	fl.l_type = F_UNLCK;
	CHECK(fcntl(fd, F_SETLK, &fl) == 0 && close(fd) == 0); /* an unlock needs nothing */

	/* through a directory fd */
	CHECK((dfd = open("sub", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK((fd = openat(dfd, "at-read", O_RDONLY)) >= 0 && close(fd) == 0);
	CHECK(unlinkat(dfd, "at-del", 0) == 0);
	CHECK(mkdirat(dfd, "at-dir", 0755) == 0 && unlinkat(dfd, "at-dir", AT_REMOVEDIR) == 0);
	CHECK(renameat(dfd, "at-ren", AT_FDCWD, "from-sub") == 0);

	/* relative to a chdir'ed subdirectory, with ".." */
	CHECK(chdir("sub") == 0);
	CHECK(open_close("../dots/up.txt", O_RDONLY) >= 0);
	CHECK(mkdir("./../dots/./made", 0755) == 0);
	CHECK(chdir("..") == 0);

	/* executable mappings of files */
	CHECK((fd = open("map.bin", O_RDONLY)) >= 0);
	CHECK((p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0)) != MAP_FAILED);
	CHECK(munmap(p, 4096) == 0 && close(fd) == 0);
	CHECK((fd = open("prot.bin", O_RDONLY)) >= 0);
	CHECK((p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED);
	CHECK(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0);
	CHECK(munmap(p, 4096) == 0 && close(fd) == 0);
	CHECK((fd = open("data.bin", O_RDONLY)) >= 0);
	CHECK((p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED);
	CHECK(munmap(p, 4096) == 0 && close(fd) == 0); /* not executable: only read */
	/* READ_IMPLIES_EXEC: readable is executable, with no PROT_EXEC in prot */
	CHECK((pers = personality(0xffffffff)) != -1);
	CHECK(personality((unsigned long)pers | READ_IMPLIES_EXEC) != -1);
	CHECK((fd = open("rie.bin", O_RDONLY)) >= 0);
	CHECK((p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED);
	CHECK(munmap(p, 4096) == 0 && close(fd) == 0 && personality((unsigned long)pers) != -1);

	/* an exec in a child */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execv(exec_argv[0], exec_argv);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}
