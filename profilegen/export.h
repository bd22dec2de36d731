/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the exporters (profilegen/export*.c): one entry point per
 * format family, a growable output buffer and the checks several formats
 * share.  Public API: tl_export() in include/tailor/generate.h.
 */
#ifndef TAILOR_PROFILEGEN_EXPORT_H
#define TAILOR_PROFILEGEN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "tailor/generate.h"

/*
 * Append-only text buffer with a sticky error: writers append without
 * checking each call, and tl_export_buf_finish() reports the first failure.
 */
struct tl_export_buf {
	char *data;
	size_t len, cap;
	int err; /* 0 or -ENOMEM */
};

void tl_export_buf_puts(struct tl_export_buf *b, const char *s);
void tl_export_buf_printf(struct tl_export_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the text to the caller (NUL-terminated; *len excludes the NUL). */
int tl_export_buf_finish(struct tl_export_buf *b, char **out, size_t *len);
void tl_export_buf_free(struct tl_export_buf *b);

/* "SCMP_ARCH_X86_64" on x86_64: the architecture an archMap is resolved for. */
const char *tl_export_native_arch(void);

/*
 * The flat architecture list for formats without archMap (OCI, SPO,
 * systemd): `architectures` as given, or the archMap entry of the native
 * architecture followed by its sub-architectures.  *out is NULL when the
 * profile names no architecture (the runtime then uses the native one).
 */
int tl_export_flat_arches(const struct tl_profile *p, const char *fmt, char ***out);

/* Fail (-ENOTSUP) if a rule has Docker includes/excludes, which `fmt` cannot express. */
int tl_export_check_no_conds(const struct tl_profile *p, const char *fmt);

/* "[read write ...]" for messages: the first names of a rule. */
const char *tl_export_rule_label(const struct tl_rule *r, char *buf, size_t size);

int tl_export_docker(const struct tl_profile *p, enum tl_format f, char **out, size_t *len);
int tl_export_k8s(const struct tl_profile *p, const struct tl_export_opts *o, char **out,
                  size_t *len);
int tl_export_systemd(const struct tl_profile *p, const struct tl_export_opts *o, char **out,
                      size_t *len);
int tl_export_seccomp(const struct tl_profile *p, enum tl_format f, char **out, size_t *len);

#endif
