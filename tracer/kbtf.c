// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's BTF for libbpf: parsed once, from a mapping of
 * /sys/kernel/btf/vmlinux, and shared.
 *
 * libbpf parses the kernel's BTF once per BPF object it loads (tailor loads
 * two, in two threads: tracer.c, files.c), by btf__load_vmlinux_btf(), and
 * frees it when the load is done.  Up to libbpf 1.5 that reads the 5-6 MB
 * file, which sysfs hands out 4 KiB per read(2): ~1350 syscalls, each
 * faulting in a fresh page, then copies it; ~50 ms a parse where every
 * kernel entry flushes the TLB (a PVM guest, measured).
 *
 * libbpf calls the function through its PLT, so this definition in the
 * executable takes its place, with the same contract: a new struct btf the
 * caller frees.  It is an empty split BTF on top of one parse of the kernel's
 * (btf__new_empty_split): the same types under the same ids, its own to free;
 * the base is kept for the process's life.  That parse starts in a thread of
 * its own when the tracer opens (tl_kbtf_prepare), while the skeletons are
 * opened.  Where the file cannot be mapped (Linux < 6.16, BTF only in
 * /boot/vmlinux-*), libbpf's own function runs, once per object as before.
 */
#include <bpf/btf.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer_int.h"

#define KBTF_PATH "/sys/kernel/btf/vmlinux"

static pthread_once_t kbtf_once = PTHREAD_ONCE_INIT;
static struct btf *kbtf_base; /* NULL: not mapped or not parsed, libbpf's way */

static void kbtf_parse(void)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(KBTF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* read-only and private: the kernel refuses writable or shared mappings */
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			kbtf_base = btf__new(p, (size_t)st.st_size); /* a copy */
			munmap(p, (size_t)st.st_size);
		}
	}
	close(fd);
}

static void *kbtf_thread(void *arg)
{
	(void)arg;
	pthread_once(&kbtf_once, kbtf_parse);
	return NULL;
}

static void kbtf_start(void)
{
	pthread_attr_t attr;
	pthread_t th;

	/* without a thread, the first btf__load_vmlinux_btf parses */
	if (pthread_attr_init(&attr))
		return;
	if (!pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED))
		pthread_create(&th, &attr, kbtf_thread, NULL);
	pthread_attr_destroy(&attr);
}

void tl_kbtf_prepare(void)
{
	static pthread_once_t started = PTHREAD_ONCE_INIT;

	pthread_once(&started, kbtf_start);
}

struct btf *btf__load_vmlinux_btf(void)
{
	struct btf *(*libbpf_own)(void);
	struct btf *btf;

	pthread_once(&kbtf_once, kbtf_parse); /* waits for the thread's parse */
	if (kbtf_base) {
		btf = btf__new_empty_split(kbtf_base);
		if (btf)
			return btf;
	}
	/* libbpf's definition: the next one after this executable's */
	libbpf_own = (struct btf * (*)(void)) dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");
	if (!libbpf_own) {
		errno = ENOSYS;
		return NULL;
	}
	return libbpf_own();
}
