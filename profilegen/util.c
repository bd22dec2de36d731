// SPDX-License-Identifier: Apache-2.0
/* Error buffer, whole-file I/O and string vectors shared by every module. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "tailor/common.h"

static __thread char err_buf[1024];

/*
 * Messages quote their input (JSON keys, names, paths), which may come from
 * an attacker's trace or profile: control characters become '?', so that a
 * message stays one line and cannot drive the reviewer's terminal (ESC).
 */
static void scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int tl_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	scrub(err_buf);
	return err > 0 ? -err : err;
}

int tl_err_ctx(int err, const char *fmt, ...)
{
	char old[sizeof(err_buf)];
	const char *tail;
	size_t n;
	va_list ap;

	memcpy(old, err_buf, sizeof(old));
	tail = old[0] ? old : strerror(err > 0 ? err : -err);
	va_start(ap, fmt);
	n = (size_t)vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	if (n < sizeof(err_buf) - 2) {
		/* Truncation of a long message is acceptable; avoid the warning. */
		err_buf[n] = ':';
		err_buf[n + 1] = ' ';
		snprintf(err_buf + n + 2, sizeof(err_buf) - n - 2, "%.*s",
		         (int)(sizeof(err_buf) - n - 3), tail);
	}
	scrub(err_buf);
	return err > 0 ? -err : err;
}

const char *tl_err_msg(void)
{
	return err_buf;
}

void tl_err_clear(void)
{
	err_buf[0] = '\0';
}

void tl_freep(void *p)
{
	free(*(void **)p);
}

int tl_read_file(const char *path, char **buf, size_t *len, size_t max)
{
	size_t cap = 0, n = 0;
	char *data = NULL;
	int fd, r = 0;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0)
		return tl_err(errno, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			char *tmp;

			cap = cap ? cap * 2 : 65536;
			tmp = realloc(data, cap);
			if (!tmp) {
				r = tl_err(ENOMEM, "%s: out of memory", path);
				goto out;
			}
			data = tmp;
		}
		got = read(fd, data + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r = tl_err(errno, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (max && n > max) {
			r = tl_err(EFBIG, "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	data = NULL;
out:
	free(data);
	close(fd);
	return r;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * A device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place:
 * renaming over it would replace the device node with a regular file.  A
 * symlink to one is followed only when root or the caller owns it (like
 * fs.protected_symlinks): anybody else's symlink is replaced, never followed.
 */
static bool write_in_place(const char *path, struct stat *st)
{
	struct stat lst;

	if (lstat(path, &lst) < 0 || stat(path, st) < 0)
		return false;
	if (!S_ISCHR(st->st_mode) && !S_ISFIFO(st->st_mode))
		return false;
	return !S_ISLNK(lst.st_mode) || lst.st_uid == 0 || lst.st_uid == geteuid();
}

/*
 * In a world-writable directory (/tmp) the output is private (mode & 0700):
 * a trace names the command's paths and argv, and others could read it there.
 */
static unsigned output_mode(const char *path, unsigned mode)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH))
		return mode & ~(unsigned)(S_IRWXG | S_IRWXO);
	return mode;
}

int tl_write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
	char tmp[PATH_MAX];
	struct stat st, fst;
	int fd, r;

	if (!strcmp(path, "-")) {
		r = write_all(STDOUT_FILENO, data, len);
		return r ? tl_err(r, "writing to stdout: %s", strerror(-r)) : 0;
	}
	if (write_in_place(path, &st)) {
		/* O_NONBLOCK: a FIFO nobody reads is an error (ENXIO), not a hang. */
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return tl_err(errno, "%s: cannot open: %s%s", path, strerror(errno),
			              errno == ENXIO ? " (nobody reads the FIFO)" : "");
		/* Swapped since the check: never write through to anything else. */
		if (fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino ||
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
			close(fd);
			return tl_err(EAGAIN, "%s: changed while being opened; not written", path);
		}
		r = write_all(fd, data, len);
		close(fd);
		return r ? tl_err(r, "%s: cannot write: %s", path, strerror(-r)) : 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return tl_err(ENAMETOOLONG, "%s: path too long", path);
	/* mkostemp creates with O_EXCL and mode 0600: no symlink race on the temp name. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return tl_err(errno,
		              "%s: cannot create a temporary file in its directory (written there, "
		              "then renamed over it): %s",
		              path, strerror(errno));
	r = write_all(fd, data, len);
	if (!r && fchmod(fd, output_mode(path, mode)) < 0)
		r = -errno;
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return tl_err(r, "%s: cannot write: %s", path, strerror(-r));
	}
	return 0;
}

char *tl_path_dir(const char *path)
{
	char *dir = strdup(path), *slash;

	if (!dir)
		return NULL;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = 0;
	else
		*slash = 0;
	return dir;
}

/* A kernel file system's name (proc, sysfs...): no place for an output, written or not. */
static const char *kernel_fs(const char *dir)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} fs[] = {{0x9fa0, "proc"},           {0x62656572, "sysfs"},   {0x63677270, "cgroup2"},
	          {0x27e0eb, "cgroup"},       {0x64626720, "debugfs"}, {0x74726163, "tracefs"},
	          {0x73636673, "securityfs"}, {0xcafe4a11, "bpf"}};
	struct statfs sf;

	if (statfs(dir, &sf))
		return NULL;
	for (size_t i = 0; i < TL_ARRAY_SIZE(fs); i++)
		if ((unsigned long)sf.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

/* An existing file that cannot be replaced: immutable or append-only (chattr +i, +a). */
static bool locked_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), flags = 0;
	bool locked;

	if (fd < 0)
		return false;
	locked = !ioctl(fd, FS_IOC_GETFLAGS, &flags) && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL));
	close(fd);
	return locked;
}

int tl_output_check(const char *path, const char *what)
{
	struct stat st;
	const char *kfs;
	char *dir;
	int err = 0;

	if (!path || !strcmp(path, "-"))
		return 0;
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return tl_err(EISDIR, "cannot write %s to %s: it is a directory", what, path);
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return access(path, W_OK)
		           ? tl_err(errno, "cannot write %s to %s: %s", what, path, strerror(errno))
		           : 0;
	if (!stat(path, &st) && locked_file(path))
		return tl_err(EPERM, "cannot write %s to %s: it is immutable or append-only", what,
		              path);
	dir = tl_path_dir(path);
	if (!dir)
		return tl_err(ENOMEM, "out of memory");
	if (access(dir, W_OK | X_OK))
		err = tl_err(errno, "cannot write %s to %s: %s: %s", what, path, dir,
		             strerror(errno));
	else if ((kfs = kernel_fs(dir)))
		err = tl_err(EINVAL, "cannot write %s to %s: %s is on %s, a kernel file system",
		             what, path, dir, kfs);
	free(dir);
	return err;
}

size_t tl_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **tl_strv_dup(char *const *v)
{
	size_t n = tl_strv_len(v), i;
	char **d;

	if (!v)
		return NULL;
	d = calloc(n + 1, sizeof(*d));
	if (!d)
		return NULL;
	for (i = 0; i < n; i++) {
		d[i] = strdup(v[i]);
		if (!d[i]) {
			tl_strv_free(d);
			return NULL;
		}
	}
	return d;
}

/*
 * Length of the printable UTF-8 character at s, or 0 for a byte to show as
 * \xHH: C0 controls, DEL, C1 controls (U+0080-U+009F, which some terminals
 * obey as escapes) and bytes that are not well-formed UTF-8 (a Latin-1
 * terminal would read 0x9b as CSI).  Names in traces and profiles are any
 * bytes but NUL: a program path must not move the cursor or end a table row.
 */
size_t tl_printable_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;
	uint32_t cp;

	if (*s >= 0x20 && *s < 0x7f)
		return 1;
	if (*s < 0xc2 || *s > 0xf4) /* C0, DEL, a continuation, an overlong or too big lead */
		return 0;
	n = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
	cp = *s & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return n;
}

char **tl_strv_from_nul(const char *buf, size_t len)
{
	size_t n = 0;
	char **v;

	if (!buf || !len)
		return NULL;
	for (size_t i = 0; i < len; i++)
		n += !buf[i];
	n += buf[len - 1] != 0;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0, k = 0; i < len; k++) {
		size_t l = strnlen(buf + i, len - i);

		v[k] = strndup(buf + i, l);
		if (!v[k]) {
			tl_strv_free(v);
			return NULL;
		}
		i += l + 1;
	}
	return v;
}

void tl_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
