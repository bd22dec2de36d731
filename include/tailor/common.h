/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of libtailor: error reporting, file I/O, string vectors.
 *
 * Convention: functions return 0 or a negative errno.  On failure they also
 * leave one human-readable line in the thread's error buffer (tl_err_set),
 * naming what failed, on which input, and why; only main() prints it.
 */
#ifndef TAILOR_COMMON_H
#define TAILOR_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TAILOR_VERSION "0.1.0"

/* Record an error message (printf format); returns -err for `return tl_err(...)`. */
int tl_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepend context ("reading foo.json: ") to the current message; returns -err. */
int tl_err_ctx(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message recorded in this thread ("" if none). */
const char *tl_err_msg(void);
void tl_err_clear(void);

/* Read a whole file (NUL-terminated, len excludes the NUL).  max=0: no limit. */
int tl_read_file(const char *path, char **buf, size_t *len, size_t max);
/*
 * Write data to path atomically: a temp file in the same directory, fsync,
 * rename.  path "-" writes to stdout.  Never leaves a partial file at path.
 * mode is applied as given, but without group/other bits in a world-writable
 * directory (/tmp): outputs there are private.
 */
int tl_write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);

/* The directory of path ("." for a bare name), malloc'd; NULL on ENOMEM. */
char *tl_path_dir(const char *path);

/*
 * Fail before running a command, not after it, when `what` ("the trace")
 * cannot be written to path: a directory there, or its directory not
 * writable (read-only, permissions).  "-" and NULL (stdout) pass.
 */
int tl_output_check(const char *path, const char *what);

/*
 * Bytes of the printable UTF-8 character at s; 0 for a byte to show as \xHH
 * (C0 and C1 controls, DEL, malformed UTF-8): names from traces are any
 * bytes but NUL and must not drive a terminal.
 */
size_t tl_printable_len(const char *s);

/* NULL-terminated string vectors. */
char **tl_strv_dup(char *const *v);
/* NUL-separated strings, the last one maybe cut short (/proc/PID/cmdline); NULL: none, or ENOMEM. */
char **tl_strv_from_nul(const char *buf, size_t len);
size_t tl_strv_len(char *const *v);
void tl_strv_free(char **v);

/* Free helper for __attribute__((cleanup)). */
void tl_freep(void *p);
#define _cleanup_free_ __attribute__((cleanup(tl_freep)))

#define TL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
