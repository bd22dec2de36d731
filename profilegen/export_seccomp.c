// SPDX-License-Identifier: Apache-2.0
/*
 * libseccomp's own views of the filter the loader would build: PFC (pseudo
 * filter code, text, for review) and raw BPF (binary, what the kernel gets).
 *
 * The filter is built by tl_loader_build() for a fixed runtime (the native
 * architecture of this build, no capabilities), so the bytes only depend on
 * the profile and the libseccomp version.  minKernel conditions are resolved
 * against the running kernel (loader default); tailor never generates them.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "tailor/loader.h"
#include "export.h"

/* Read a whole memory fd back from offset 0. */
static int read_back(int fd, const char *fmt, char **out, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *data;
	size_t got = 0;

	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return tl_err(errno, "%s export: cannot seek the memory file: %s", fmt,
		              strerror(errno));
	data = malloc((size_t)end + 1);
	if (!data)
		return tl_err(ENOMEM, "%s export: out of memory", fmt);
	while (got < (size_t)end) {
		ssize_t n = read(fd, data + got, (size_t)end - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			free(data);
			return tl_err(err, "%s export: cannot read the memory file: %s", fmt,
			              strerror(err));
		}
		got += (size_t)n;
	}
	data[got] = '\0'; /* PFC is text; BPF callers use len */
	*out = data;
	*len = got;
	return 0;
}

int tl_export_seccomp(const struct tl_profile *p, enum tl_format f, char **out, size_t *len)
{
	const char *fmt = tl_format_name(f);
	struct tl_loader_opts lo = {0};
	scmp_filter_ctx ctx = NULL;
	int fd = -1, r;

	/* The runtime of an unprivileged container on this machine's arch. */
	lo.caps = tl_loader_no_caps;
	r = tl_loader_build(p, &lo, &ctx);
	if (r) {
		r = tl_err_ctx(r, "%s export", fmt);
		goto out;
	}
	fd = memfd_create("tailor-export", MFD_CLOEXEC);
	if (fd < 0) {
		r = tl_err(errno, "%s export: memfd_create: %s", fmt, strerror(errno));
		goto out;
	}
	r = f == TL_FMT_PFC ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
	if (r) {
		r = tl_err(r, "%s export: libseccomp cannot export the filter: %s", fmt,
		           strerror(-r));
		goto out;
	}
	r = read_back(fd, fmt, out, len);
out:
	if (fd >= 0)
		close(fd);
	if (ctx)
		seccomp_release(ctx);
	return r;
}
