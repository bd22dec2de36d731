// SPDX-License-Identifier: Apache-2.0
/*
 * Kubernetes Security Profiles Operator SeccompProfile (YAML).
 *
 * Fields follow the operator's CRD (api/seccompprofile/v1beta1): spec has
 * defaultAction, architectures, listenerPath, listenerMetadata, syscalls
 * [{names, action, errnoRet, args [{index, value, valueTwo, op}]}] and flags;
 * it has no archMap, no includes/excludes and no defaultErrnoRet.  The YAML
 * is written by hand (no YAML library in the tree): every scalar goes through
 * put_scalar(), which quotes anything a YAML 1.1/1.2 reader could take for
 * something other than the string we mean.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "export.h"

/* Words YAML 1.1 resolves to booleans or null when unquoted. */
static const char *const special_words[] = {
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
};

static bool plain_safe(const char *s)
{
	if (!*s || isdigit((unsigned char)*s) || strchr("-+.", *s))
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_-./", *c))
			return false;
	for (size_t i = 0; i < TL_ARRAY_SIZE(special_words); i++)
		if (!strcasecmp(s, special_words[i]))
			return false;
	return true;
}

/* A YAML string: plain when unambiguous, otherwise double-quoted and escaped. */
static void put_scalar(struct tl_export_buf *b, const char *s)
{
	if (plain_safe(s)) {
		tl_export_buf_puts(b, s);
		return;
	}
	tl_export_buf_puts(b, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			tl_export_buf_printf(b, "\\%c", *c);
		else if (*c == '\n')
			tl_export_buf_puts(b, "\\n");
		else if (*c == '\t')
			tl_export_buf_puts(b, "\\t");
		else if (*c < 0x20 || *c == 0x7f)
			tl_export_buf_printf(b, "\\x%02x", *c);
		else
			tl_export_buf_printf(b, "%c", *c);
	}
	tl_export_buf_puts(b, "\"");
}

static void put_key_scalar(struct tl_export_buf *b, const char *indent, const char *key,
                           const char *val)
{
	tl_export_buf_printf(b, "%s%s: ", indent, key);
	put_scalar(b, val);
	tl_export_buf_puts(b, "\n");
}

/* Block sequence of strings, "- item" at the key's indentation (kubectl style). */
static void put_list(struct tl_export_buf *b, const char *indent, const char *key, char *const *v)
{
	tl_export_buf_printf(b, "%s%s:\n", indent, key);
	for (size_t i = 0; v && v[i]; i++) {
		tl_export_buf_printf(b, "%s- ", indent);
		put_scalar(b, v[i]);
		tl_export_buf_puts(b, "\n");
	}
}

/* One "# ..." line per line of text. */
static void put_comment(struct tl_export_buf *b, const char *indent, const char *text)
{
	const char *s = text;

	while (*s) {
		size_t n = strcspn(s, "\n");

		tl_export_buf_printf(b, "%s# %.*s\n", indent, (int)n, s);
		s += n;
		if (*s)
			s++;
	}
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

static void put_rule(struct tl_export_buf *b, const struct tl_rule *r)
{
	if (r->comment)
		put_comment(b, "  ", r->comment);
	tl_export_buf_printf(b, "  - action: %s\n", tl_action_name(r->action));
	put_list(b, "    ", "names", r->names);
	if (r->has_errno_ret)
		tl_export_buf_printf(b, "    errnoRet: %" PRIu32 "\n", r->errno_ret);
	if (!r->nargs)
		return;
	tl_export_buf_puts(b, "    args:\n");
	for (size_t i = 0; i < r->nargs; i++) {
		const struct tl_arg *a = &r->args[i];

		tl_export_buf_printf(b, "    - index: %" PRIu32 "\n", a->index);
		tl_export_buf_printf(b, "      value: %" PRIu64 "\n", a->value);
		if (a->value_two)
			tl_export_buf_printf(b, "      valueTwo: %" PRIu64 "\n", a->value_two);
		tl_export_buf_printf(b, "      op: %s\n", tl_op_name(a->op));
	}
}

int tl_export_k8s(const struct tl_profile *p, const struct tl_export_opts *o, char **out,
                  size_t *len)
{
	const char *name = o->name ? o->name : "tailor";
	struct tl_export_buf b = {0};
	char **arches = NULL;
	int r;

	if (!k8s_name_valid(name)) {
		r = tl_err(EINVAL,
		           "k8s export: name '%s' is not a valid Kubernetes object name (lowercase "
		           "letters, digits, '-' and '.', starting and ending alphanumeric, at "
		           "most 253 characters)",
		           name);
		goto out;
	}
	/* EPERM is what the runtime returns by default; any other errno would be lost. */
	if (p->has_default_errno && p->default_errno != EPERM) {
		r = tl_err(ENOTSUP,
		           "k8s export: SeccompProfile has no defaultErrnoRet, so the default "
		           "errno %" PRIu32 " cannot be kept; export k8s-json instead",
		           p->default_errno);
		goto out;
	}
	r = tl_export_check_no_conds(p, "k8s");
	if (!r)
		r = tl_export_flat_arches(p, "k8s", &arches);
	if (r)
		goto out;

	tl_export_buf_printf(&b,
	                     "# generated by tailor %s: SeccompProfile for the Kubernetes "
	                     "Security Profiles Operator\n",
	                     TAILOR_VERSION);
	if (p->comment)
		put_comment(&b, "", p->comment);
	tl_export_buf_puts(&b, "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	                       "kind: SeccompProfile\n"
	                       "metadata:\n");
	put_key_scalar(&b, "  ", "name", name);
	tl_export_buf_puts(&b, "spec:\n");
	tl_export_buf_printf(&b, "  defaultAction: %s\n", tl_action_name(p->default_action));
	if (arches)
		put_list(&b, "  ", "architectures", arches);
	if (p->listener_path)
		put_key_scalar(&b, "  ", "listenerPath", p->listener_path);
	if (p->listener_metadata)
		put_key_scalar(&b, "  ", "listenerMetadata", p->listener_metadata);
	if (p->nrules) {
		tl_export_buf_puts(&b, "  syscalls:\n");
		for (size_t i = 0; i < p->nrules; i++)
			put_rule(&b, &p->rules[i]);
	}
	if (p->flags)
		put_list(&b, "  ", "flags", p->flags);
	r = tl_export_buf_finish(&b, out, len);
out:
	tl_export_buf_free(&b);
	tl_strv_free(arches);
	return r;
}
