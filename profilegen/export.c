// SPDX-License-Identifier: Apache-2.0
/*
 * Exporters: format names, dispatch, and the helpers the format writers
 * share.  Each format lives in its own file (export_*.c); docs/formats.md
 * describes every mapping and what each format cannot express.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "export.h"

static const char *const format_names[] = {
    [TL_FMT_DOCKER] = "docker",     [TL_FMT_OCI] = "oci",         [TL_FMT_K8S] = "k8s",
    [TL_FMT_K8S_JSON] = "k8s-json", [TL_FMT_SYSTEMD] = "systemd", [TL_FMT_APPARMOR] = "apparmor",
    [TL_FMT_PFC] = "pfc",           [TL_FMT_BPF] = "bpf",
};

const char *tl_format_name(enum tl_format f)
{
	return (unsigned)f < TL_ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

int tl_format_from_name(const char *name)
{
	for (size_t i = 0; name && i < TL_ARRAY_SIZE(format_names); i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return tl_err(EINVAL,
	              "unknown format '%s' (expected docker, oci, k8s, k8s-json, systemd, "
	              "apparmor, pfc or bpf)",
	              name ? name : "(null)");
}

/* metadata.name must be an RFC 1123 subdomain, or the API server rejects the object. */
static bool k8s_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

/* What apparmor_parser takes as a profile name without quoting. */
static bool apparmor_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 128 && isalnum((unsigned char)s[0]) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int tl_export_name_check(enum tl_format f, const char *name)
{
	if (!name)
		return 0;
	/* written into comments: a newline would start a directive or a YAML key */
	for (const char *q = name; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return tl_err(EINVAL, "%s export: a name must not hold control characters",
			              tl_format_name(f));
	if (f == TL_FMT_K8S && !k8s_name_valid(name))
		return tl_err(
		    EINVAL,
		    "k8s export: name '%s' is not a valid Kubernetes object name (lowercase "
		    "letters, digits, '-' and '.', starting and ending alphanumeric, at "
		    "most 253 characters)",
		    name);
	if (f == TL_FMT_APPARMOR && !apparmor_name_valid(name))
		return tl_err(
		    EINVAL,
		    "apparmor export: profile name '%s' is not valid (1-128 letters, digits, "
		    "'.', '_', '-', starting with a letter or digit)",
		    name);
	return 0;
}

bool tl_format_has_name(enum tl_format f)
{
	return f == TL_FMT_K8S || f == TL_FMT_SYSTEMD || f == TL_FMT_APPARMOR;
}

int tl_export(const struct tl_profile *p, enum tl_format f, const struct tl_export_opts *o,
              char **out, size_t *len)
{
	static const struct tl_export_opts defaults = {.name = NULL};

	if (!p || !out || !len)
		return tl_err(EINVAL, "tl_export: missing profile or output pointer");
	*out = NULL;
	*len = 0;
	if (!o)
		o = &defaults;

	switch (f) {
	case TL_FMT_DOCKER:
	case TL_FMT_OCI:
	case TL_FMT_K8S_JSON:
		return tl_export_docker(p, f, out, len);
	case TL_FMT_K8S:
		return tl_export_k8s(p, o, out, len);
	case TL_FMT_SYSTEMD:
		return tl_export_systemd(p, o, out, len);
	case TL_FMT_PFC:
	case TL_FMT_BPF:
		return tl_export_seccomp(p, f, out, len);
	case TL_FMT_APPARMOR:
		/* AppArmor rules come from paths and capabilities, which a seccomp profile lacks.
		 */
		return tl_err(ENOTSUP, "AppArmor export needs the trace (issue: AppArmor): use "
		                       "tl_export_apparmor()");
	}
	return tl_err(EINVAL, "tl_export: unknown format %d", (int)f);
}

/* ---- output buffer ---------------------------------------------------------- */

static bool buf_reserve(struct tl_export_buf *b, size_t more)
{
	char *tmp;
	size_t cap;

	if (b->err)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	tmp = realloc(b->data, cap);
	if (!tmp) {
		b->err = -ENOMEM;
		return false;
	}
	b->data = tmp;
	b->cap = cap;
	return true;
}

void tl_export_buf_puts(struct tl_export_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

void tl_export_buf_printf(struct tl_export_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int tl_export_buf_finish(struct tl_export_buf *b, char **out, size_t *len)
{
	if (!b->err && !b->data)
		buf_reserve(b, 0); /* empty output is still a valid string */
	if (b->err) {
		int err = b->err;

		tl_export_buf_free(b);
		return tl_err(err, "export: out of memory");
	}
	*out = b->data;
	*len = b->len;
	memset(b, 0, sizeof(*b));
	return 0;
}

void tl_export_buf_free(struct tl_export_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ---- shared checks ---------------------------------------------------------- */

const char *tl_export_native_arch(void)
{
#if defined(__x86_64__)
	return "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
	return "SCMP_ARCH_AARCH64";
#else
	return NULL;
#endif
}

int tl_export_flat_arches(const struct tl_profile *p, const char *fmt, char ***out)
{
	const char *native = tl_export_native_arch();
	const struct tl_archmap *m = NULL;
	size_t nsubs;
	char **v;

	*out = NULL;
	if (p->architectures && p->narchmap)
		return tl_err(EINVAL,
		              "%s export: the profile has both architectures and archMap; "
		              "use one of them",
		              fmt);
	if (p->architectures) {
		*out = tl_strv_dup(p->architectures);
		return *out ? 0 : tl_err(ENOMEM, "%s export: out of memory", fmt);
	}
	if (!p->narchmap)
		return 0;
	for (size_t i = 0; native && i < p->narchmap; i++)
		if (p->archmap[i].arch && !strcmp(p->archmap[i].arch, native))
			m = &p->archmap[i];
	if (!m)
		return tl_err(EINVAL,
		              "%s export: %s has no archMap; the profile's archMap has no entry "
		              "for the native architecture %s",
		              fmt, fmt, native ? native : "(unknown)");
	nsubs = tl_strv_len(m->subs);
	v = calloc(nsubs + 2, sizeof(*v));
	if (!v)
		return tl_err(ENOMEM, "%s export: out of memory", fmt);
	v[0] = strdup(m->arch);
	for (size_t i = 0; v[i] && i < nsubs; i++)
		v[i + 1] = strdup(m->subs[i]);
	if (!v[nsubs]) {
		tl_strv_free(v);
		return tl_err(ENOMEM, "%s export: out of memory", fmt);
	}
	*out = v;
	return 0;
}

static bool cond_empty(const struct tl_cond *c)
{
	return !c->arches && !c->caps && !c->min_kernel;
}

const char *tl_export_rule_label(const struct tl_rule *r, char *buf, size_t size)
{
	size_t n = tl_strv_len(r->names);

	snprintf(buf, size, "[%s%s%s%s]", n ? r->names[0] : "", n > 1 ? " " : "",
	         n > 1 ? r->names[1] : "", n > 2 ? " ..." : "");
	return buf;
}

int tl_export_check_no_conds(const struct tl_profile *p, const char *fmt)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct tl_rule *r = &p->rules[i];
		char label[128];

		if (cond_empty(&r->includes) && cond_empty(&r->excludes))
			continue;
		return tl_err(ENOTSUP,
		              "%s export: syscalls[%zu] %s has includes/excludes (conditions on "
		              "the container's arch, capabilities or kernel), which %s cannot "
		              "express; export docker, or resolve the conditions first",
		              fmt, i, tl_export_rule_label(r, label, sizeof(label)), fmt);
	}
	return 0;
}
