// SPDX-License-Identifier: Apache-2.0
/*
 * Reading a Security Profiles Operator SeccompProfile (YAML) for diff.
 *
 * Not a YAML library: the subset that `tailor generate -f k8s`, kubectl and
 * people write for this resource.  Block mappings and sequences (sequences
 * indented or at their key's indentation), flow sequences of scalars
 * (`[a, b]`), `{}`, comments, plain, single- and double-quoted scalars, one
 * document.  Anchors, tags, multi-line scalars and flow mappings are refused
 * with the line number, never guessed.  The spec is converted to JSON and read
 * by tl_profile_from_json, so the same checks apply as for Docker JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/profile.h"
#include "diff_internal.h"

struct yline {
	size_t no;     /* 1-based line number */
	size_t indent; /* spaces before the content */
	char *text;    /* the content: comment and trailing blanks removed */
};

struct yctx {
	const char *name;
	struct yline *l;
	size_t n, i;
};

static int yerr(const struct yctx *c, size_t no, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int yerr(const struct yctx *c, size_t no, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tl_err(EINVAL, "%s: line %zu: %s", c->name, no, msg);
}

/* Cut a comment: '#' at the start or after a blank, outside quotes. */
static void cut_comment(char *s)
{
	char q = 0;

	for (char *p = s; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (q == '"' && *p == '\\' && p[1])
				p++;
		} else if (*p == '"' || *p == '\'') {
			if (p == s || p[-1] == ' ' || p[-1] == '[' || p[-1] == ',' || p[-1] == ':')
				q = *p;
		} else if (*p == '#' && (p == s || p[-1] == ' ')) {
			*p = '\0';
			break;
		}
	}
	for (size_t n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\r'); n--)
		s[n - 1] = '\0';
}

static int split_lines(struct yctx *c, char *buf)
{
	size_t no = 0, cap = 0;
	char *save = NULL;
	bool started = false;

	for (char *line = buf; line; line = save) {
		char *nl = strchr(line, '\n');
		size_t ind = 0;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		no++;
		while (line[ind] == ' ')
			ind++;
		if (line[ind] == '\t')
			return yerr(c, no, "tab in indentation (YAML allows spaces only)");
		cut_comment(line + ind);
		if (!line[ind])
			continue;
		if (!strcmp(line + ind, "---") && ind == 0) {
			if (started)
				return yerr(c, no,
				            "a second YAML document (give one SeccompProfile)");
			continue;
		}
		if (!strcmp(line + ind, "...") && ind == 0)
			break;
		started = true;
		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct yline *v = realloc(c->l, ncap * sizeof(*v));

			if (!v)
				return tl_err(ENOMEM, "out of memory");
			c->l = v;
			cap = ncap;
		}
		c->l[c->n++] = (struct yline){no, ind, line + ind};
	}
	return 0;
}

static bool all_digits(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One scalar (plain or quoted) of `len` bytes at s. */
static int scalar(const struct yctx *c, size_t no, const char *s, size_t len,
                  struct json_object **out)
{
	char *v = strndup(s, len), *w;

	if (!v)
		return tl_err(ENOMEM, "out of memory");
	*out = NULL;
	if (len && (v[0] == '"' || v[0] == '\'')) {
		char q = v[0];
		size_t k = 0, i;

		if (len < 2 || v[len - 1] != q) {
			free(v);
			return yerr(c, no, "unterminated quoted string");
		}
		w = v;
		for (i = 1; i < len - 1; i++) {
			if (q == '\'' && v[i] == '\'' && v[i + 1] == '\'')
				w[k++] = v[i++];
			else if (q == '"' && v[i] == '\\') {
				char e = v[++i];

				w[k++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
			} else
				w[k++] = v[i];
		}
		w[k] = '\0';
		*out = json_object_new_string(w);
	} else if (len && strchr("&*!|>{%@`", v[0]) && strcmp(v, "{}")) {
		free(v);
		return yerr(c, no,
		            "unsupported YAML (anchors, tags, block scalars, flow mappings)");
	} else if (!strcmp(v, "{}")) {
		*out = json_object_new_object();
	} else if (!strcmp(v, "null") || !strcmp(v, "~")) {
		free(v);
		return 0;
	} else if (!strcmp(v, "true") || !strcmp(v, "false")) {
		*out = json_object_new_boolean(v[0] == 't');
	} else if (all_digits(v)) {
		errno = 0;
		if (v[0] == '-') {
			long long x = strtoll(v, NULL, 10);

			*out = errno ? NULL : json_object_new_int64(x);
		} else {
			unsigned long long x = strtoull(v, NULL, 10);

			*out = errno ? NULL : json_object_new_uint64(x);
		}
		if (errno) {
			free(v);
			return yerr(c, no, "integer out of range");
		}
	} else {
		*out = json_object_new_string(v);
	}
	free(v);
	return *out ? 0 : tl_err(ENOMEM, "out of memory");
}

/* A value on the line after "key:" or "- ": flow sequence or scalar. */
static int inline_value(const struct yctx *c, size_t no, const char *s, struct json_object **out)
{
	size_t len = strlen(s);

	if (s[0] != '[')
		return scalar(c, no, s, len, out);
	if (s[len - 1] != ']')
		return yerr(c, no, "flow sequence not closed on its line");
	*out = json_object_new_array();
	if (!*out)
		return tl_err(ENOMEM, "out of memory");
	for (size_t i = 1; i < len - 1;) {
		size_t j;
		char q = 0;
		struct json_object *e;
		int r;

		while (i < len - 1 && s[i] == ' ')
			i++;
		if (i == len - 1)
			break;
		for (j = i; j < len - 1 && (q || s[j] != ','); j++)
			if (!q && (s[j] == '"' || s[j] == '\''))
				q = s[j];
			else if (q && s[j] == q)
				q = 0;
		{
			size_t k = j;

			while (k > i && s[k - 1] == ' ')
				k--;
			if (s[i] == '[')
				return yerr(c, no, "nested flow sequences are not supported");
			r = scalar(c, no, s + i, k - i, &e);
		}
		if (r || json_object_array_add(*out, e) < 0) {
			json_object_put(e);
			return r ? r : tl_err(ENOMEM, "out of memory");
		}
		i = j + 1;
	}
	return 0;
}

static int node(struct yctx *c, size_t indent, struct json_object **out);

static bool is_item(const char *t)
{
	return t[0] == '-' && (t[1] == ' ' || !t[1]);
}

/* The ": " that ends a key (outside quotes), or NULL. */
static char *key_end(char *t)
{
	char q = 0;

	for (char *p = t; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if ((*p == '"' || *p == '\'') && p == t) {
			q = *p;
		} else if (*p == ':' && (p[1] == ' ' || !p[1])) {
			return p;
		}
	}
	return NULL;
}

static int sequence(struct yctx *c, size_t indent, struct json_object **out)
{
	*out = json_object_new_array();
	if (!*out)
		return tl_err(ENOMEM, "out of memory");
	while (c->i < c->n && c->l[c->i].indent == indent && is_item(c->l[c->i].text)) {
		struct yline *l = &c->l[c->i];
		struct json_object *e = NULL;
		char *rest = l->text[1] ? l->text + 2 : l->text + 1;
		int r;

		while (*rest == ' ')
			rest++;
		if (!*rest) {
			c->i++;
			r = c->i < c->n && c->l[c->i].indent > indent
			        ? node(c, c->l[c->i].indent, &e)
			        : 0;
		} else if (key_end(rest) && rest[0] != '[') {
			/* "- key: value": a mapping whose first key is on this line. */
			l->indent += (size_t)(rest - l->text);
			l->text = rest;
			r = node(c, l->indent, &e);
		} else {
			c->i++;
			r = inline_value(c, l->no, rest, &e);
		}
		if (r || json_object_array_add(*out, e) < 0) {
			json_object_put(e);
			return r ? r : tl_err(ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int mapping(struct yctx *c, size_t indent, struct json_object **out)
{
	*out = json_object_new_object();
	if (!*out)
		return tl_err(ENOMEM, "out of memory");
	while (c->i < c->n && c->l[c->i].indent == indent && !is_item(c->l[c->i].text)) {
		struct yline *l = &c->l[c->i];
		char *end = key_end(l->text), *val;
		struct json_object *k = NULL, *v = NULL;
		int r;

		if (!end)
			return yerr(c, l->no, "expected \"key: value\"");
		*end = '\0';
		val = end + 1;
		while (*val == ' ')
			val++;
		r = scalar(c, l->no, l->text, strlen(l->text), &k);
		if (!r && json_object_get_type(k) != json_type_string)
			r = yerr(c, l->no, "keys must be strings");
		if (!r && json_object_object_get_ex(*out, json_object_get_string(k), NULL))
			r = yerr(c, l->no, "duplicate key \"%s\"", json_object_get_string(k));
		c->i++;
		if (!r && *val)
			r = inline_value(c, l->no, val, &v);
		else if (!r && c->i < c->n && c->l[c->i].indent > indent)
			r = node(c, c->l[c->i].indent, &v);
		else if (!r && c->i < c->n && c->l[c->i].indent == indent &&
		         is_item(c->l[c->i].text))
			r = sequence(c, indent, &v); /* kubectl style: items at the key's indent */
		if (!r && json_object_object_add(*out, json_object_get_string(k), v) < 0)
			r = tl_err(ENOMEM, "out of memory");
		json_object_put(k);
		if (r) {
			json_object_put(v);
			return r;
		}
	}
	return 0;
}

static int node(struct yctx *c, size_t indent, struct json_object **out)
{
	*out = NULL;
	if (c->i >= c->n)
		return 0;
	return is_item(c->l[c->i].text) ? sequence(c, indent, out) : mapping(c, indent, out);
}

int tl_diff_profile_from_yaml(const char *text, size_t len, const char *name, struct tl_profile *p)
{
	struct yctx c = {.name = name};
	struct json_object *root = NULL, *v, *spec;
	const char *json, *nul = memchr(text, '\0', len);
	char *buf;
	int r;

	tl_profile_init(p);
	/* The lines are C strings: a NUL byte would cut the rest off silently. */
	if (nul) {
		size_t line = 1, col = 1;

		for (const char *q = text; q < nul; q++, col++)
			if (*q == '\n')
				line++, col = 0;
		return tl_err(EINVAL, "%s: line %zu, column %zu: NUL byte", name, line, col);
	}
	buf = strndup(text, len);
	if (!buf)
		return tl_err(ENOMEM, "out of memory");
	r = split_lines(&c, buf);
	if (r)
		goto out;
	if (!c.n) {
		r = tl_err(EINVAL, "%s: empty file", name);
		goto out;
	}
	if (c.l[0].indent) {
		r = yerr(&c, c.l[0].no, "unexpected indentation");
		goto out;
	}
	r = node(&c, 0, &root);
	if (r)
		goto out;
	if (c.i < c.n) {
		r = yerr(&c, c.l[c.i].no, "unexpected indentation or content");
		goto out;
	}
	if (json_object_get_type(root) != json_type_object) {
		r = tl_err(EINVAL,
		           "%s: neither JSON nor a YAML mapping (expected a trace, a seccomp "
		           "profile or a SeccompProfile resource)",
		           name);
		goto out;
	}
	if (!json_object_object_get_ex(root, "kind", &v) ||
	    json_object_get_type(v) != json_type_string ||
	    strcmp(json_object_get_string(v), "SeccompProfile")) {
		r = tl_err(EINVAL, "%s: not a SeccompProfile resource (kind: %s)", name,
		           v && json_object_get_type(v) == json_type_string
		               ? json_object_get_string(v)
		               : "missing");
		goto out;
	}
	if (!json_object_object_get_ex(root, "spec", &spec) ||
	    json_object_get_type(spec) != json_type_object) {
		r = tl_err(EINVAL, "%s: spec: missing or not a mapping", name);
		goto out;
	}
	/* A base profile would be merged in by the operator: we cannot see it. */
	if (json_object_object_get_ex(spec, "baseProfileName", NULL)) {
		r = tl_err(EINVAL,
		           "%s: spec.baseProfileName: not supported (diff the resolved profile)",
		           name);
		goto out;
	}
	json = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN);
	r = json ? tl_profile_from_json(json, strlen(json), name, p)
	         : tl_err(ENOMEM, "out of memory");
out:
	json_object_put(root);
	free(c.l);
	free(buf);
	return r;
}
