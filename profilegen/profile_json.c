// SPDX-License-Identifier: Apache-2.0
/*
 * Reading seccomp profiles: the moby/Docker JSON schema, the OCI runtime-spec
 * linux.seccomp object (same keys) and a whole OCI config.json.
 *
 * Every problem is one line naming the input, the JSON place and the
 * problem: `p.json: syscalls[3].args[0].op: unknown operator "SCMP_CMP_FOO"`.
 * Syscall names and arches are only checked for shape here: whether
 * libseccomp knows them is decided when the filter is built (loader/).
 *
 * Keys inside syscall entries, args, includes/excludes and archMap entries
 * are checked strictly: a misspelt "args" would otherwise turn a conditional
 * allow into an unconditional one.  Unknown top-level keys are ignored, as
 * moby does (dropping one can only make the filter stricter).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/json_util.h"
#include "tailor/profile.h"

#define MAX_ERRNO_RET 0xffffu /* SECCOMP_RET_DATA is 16 bits */
#define MAX_ARG_INDEX 5

struct pctx {
	const char *name; /* the input, for messages */
};

/* "NAME: PLACE: problem"; PLACE may be "" for a top-level problem. */
static int perr(const struct pctx *c, const char *place, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(const struct pctx *c, const char *place, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tl_json_verr(c->name, place, fmt, ap);
	va_end(ap);
	return r;
}

/* Build a JSON place ("syscalls[3].args[0]"); long places are cut, never overflow. */
static void mkplace(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void mkplace(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

/* tl_json_type_name, but this reader's messages (tested, documented) say "a fractional number". */
static const char *type_name(struct json_object *o)
{
	if (json_object_get_type(o) == json_type_double)
		return "a fractional number";
	return tl_json_type_name(o);
}

static int oom(const struct pctx *c)
{
	return tl_err(ENOMEM, "%s: out of memory", c->name);
}

/* Present and not null (Go's encoding/json treats null as absent). */
static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return json_object_get_type(v) == json_type_null ? NULL : v;
}

/* An object with no key but the known ones (strict: see the top of this file). */
static int check_object(const struct pctx *c, const char *place, struct json_object *obj,
                        const char *const *known)
{
	if (json_object_get_type(obj) != json_type_object)
		return perr(c, place, "expected an object, got %s", type_name(obj));
	json_object_object_foreach(obj, key, val)
	{
		size_t i;

		(void)val;
		for (i = 0; known[i]; i++)
			if (!strcmp(key, known[i]))
				break;
		if (!known[i])
			return perr(c, place, "unknown key \"%s\"", key);
	}
	return 0;
}

static int get_string(const struct pctx *c, const char *place, struct json_object *v, char **out)
{
	if (json_object_get_type(v) != json_type_string)
		return perr(c, place, "expected a string, got %s", type_name(v));
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : oom(c);
}

/* An unsigned integer up to max (json-c keeps values above INT64_MAX as uint64). */
static int get_uint(const struct pctx *c, const char *place, struct json_object *v, uint64_t max,
                    uint64_t *out)
{
	uint64_t u;

	if (json_object_get_type(v) != json_type_int)
		return perr(c, place, "expected a non-negative integer, got %s", type_name(v));
	if (json_object_get_int64(v) < 0)
		return perr(c, place, "%" PRId64 " is negative", json_object_get_int64(v));
	u = json_object_get_uint64(v);
	if (u > max)
		return perr(c, place, "%" PRIu64 " is out of range (0-%" PRIu64 ")", u, max);
	*out = u;
	return 0;
}

/* A string array; null or absent gives NULL.  Each element must satisfy ok() if given. */
static int get_strv(const struct pctx *c, const char *place, struct json_object *v, char ***out,
                    const char *(*bad)(const char *s))
{
	char where[256];
	size_t n;
	char **sv;

	*out = NULL;
	if (!v)
		return 0;
	if (json_object_get_type(v) != json_type_array)
		return perr(c, place, "expected an array of strings, got %s", type_name(v));
	n = json_object_array_length(v);
	sv = calloc(n + 1, sizeof(*sv));
	if (!sv)
		return oom(c);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		const char *why;
		int r;

		mkplace(where, sizeof(where), "%s[%zu]", place, i);
		r = get_string(c, where, e, &sv[i]);
		if (!r && sv[i][0] == '\0')
			r = perr(c, where, "empty string");
		if (!r && bad && (why = bad(sv[i])))
			r = perr(c, where, "%s \"%s\"", why, sv[i]);
		if (r) {
			tl_strv_free(sv);
			return r;
		}
	}
	*out = sv;
	return 0;
}

static const char *bad_arch(const char *s)
{
	/* Whether libseccomp knows it is decided by the loader for the arches in use. */
	if (strncmp(s, "SCMP_ARCH_", 10) || !s[10])
		return "invalid architecture (expected SCMP_ARCH_*)";
	for (const char *p = s + 10; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return "invalid architecture (expected SCMP_ARCH_*)";
	return NULL;
}

static const char *bad_flag(const char *s)
{
	return strncmp(s, "SECCOMP_FILTER_FLAG_", 20)
	           ? "invalid flag (expected SECCOMP_FILTER_FLAG_*)"
	           : NULL;
}

static const char *bad_syscall(const char *s)
{
	if (!*s) /* "name": "" (get_strv refuses empty "names" entries itself) */
		return "invalid syscall name";
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return "invalid syscall name";
	return NULL;
}

static const char *bad_cap(const char *s)
{
	if (strncmp(s, "CAP_", 4) || !s[4])
		return "invalid capability (expected CAP_*)";
	return NULL;
}

static int get_action(const struct pctx *c, const char *place, struct json_object *v,
                      enum tl_action *out)
{
	const char *s;
	int a;

	if (json_object_get_type(v) != json_type_string)
		return perr(c, place, "expected a string, got %s", type_name(v));
	s = json_object_get_string(v);
	a = tl_action_from_name(s);
	if (a < 0)
		return perr(c, place, "unknown action \"%s\"", s);
	*out = (enum tl_action)a;
	return 0;
}

/* moby accepts "MAJOR.MINOR" (anything after is ignored by its parser). */
/* errnoRet / defaultErrnoRet: a 16-bit errno, only with an action that returns one. */
static int get_errno_ret(const struct pctx *c, const char *place, struct json_object *v,
                         enum tl_action action, uint32_t *out)
{
	uint64_t u;
	int r = get_uint(c, place, v, MAX_ERRNO_RET, &u);

	if (r)
		return r;
	/* runc refuses it elsewhere: it would be silently meaningless. */
	if (action != TL_ACT_ERRNO && action != TL_ACT_TRACE)
		return perr(c, place, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
		            tl_action_name(action));
	*out = (uint32_t)u;
	return 0;
}

static int get_kernel(const struct pctx *c, const char *place, struct json_object *v, char **out)
{
	unsigned maj, min;
	int n = 0;
	int r;

	r = get_string(c, place, v, out);
	if (r)
		return r;
	if (sscanf(*out, "%u.%u%n", &maj, &min, &n) != 2 || n == 0 || (*out)[0] < '0' ||
	    (*out)[0] > '9' || ((*out)[n] && (*out)[n] != '.' && (*out)[n] != '-')) {
		r = perr(c, place, "invalid kernel version \"%s\" (expected MAJOR.MINOR)", *out);
		free(*out);
		*out = NULL;
	}
	return r;
}

static int parse_cond(const struct pctx *c, const char *place, struct json_object *v,
                      struct tl_cond *cond)
{
	static const char *const keys[] = {"arches", "caps", "minKernel", NULL};
	char where[256];
	struct json_object *k;
	int r;

	r = check_object(c, place, v, keys);
	if (r)
		return r;
	/* Arches here are Go/Docker names ("amd64", "x32"): free-form by design. */
	mkplace(where, sizeof(where), "%s.arches", place);
	r = get_strv(c, where, get(v, "arches"), &cond->arches, NULL);
	if (r)
		return r;
	mkplace(where, sizeof(where), "%s.caps", place);
	r = get_strv(c, where, get(v, "caps"), &cond->caps, bad_cap);
	if (r)
		return r;
	k = get(v, "minKernel");
	mkplace(where, sizeof(where), "%s.minKernel", place);
	return k ? get_kernel(c, where, k, &cond->min_kernel) : 0;
}

static int parse_arg(const struct pctx *c, const char *place, struct json_object *v,
                     struct tl_arg *arg)
{
	static const char *const keys[] = {"index", "value", "valueTwo", "op", NULL};
	char where[256];
	struct json_object *f;
	uint64_t u;
	int r, op;

	r = check_object(c, place, v, keys);
	if (r)
		return r;
	memset(arg, 0, sizeof(*arg));
	mkplace(where, sizeof(where), "%s.index", place);
	if (!(f = get(v, "index")))
		return perr(c, place, "index missing");
	r = get_uint(c, where, f, MAX_ARG_INDEX, &u);
	if (r)
		return r;
	arg->index = (uint32_t)u;
	/* value and valueTwo default to 0, as in Go. */
	mkplace(where, sizeof(where), "%s.value", place);
	if ((f = get(v, "value")) && (r = get_uint(c, where, f, UINT64_MAX, &arg->value)))
		return r;
	mkplace(where, sizeof(where), "%s.valueTwo", place);
	if ((f = get(v, "valueTwo")) && (r = get_uint(c, where, f, UINT64_MAX, &arg->value_two)))
		return r;
	mkplace(where, sizeof(where), "%s.op", place);
	if (!(f = get(v, "op")))
		return perr(c, place, "op missing");
	if (json_object_get_type(f) != json_type_string)
		return perr(c, where, "expected a string, got %s", type_name(f));
	op = tl_op_from_name(json_object_get_string(f));
	if (op < 0)
		return perr(c, where, "unknown operator \"%s\"", json_object_get_string(f));
	arg->op = (enum tl_op)op;
	return 0;
}

static int parse_rule(const struct pctx *c, const char *place, struct json_object *v,
                      struct tl_rule *rule)
{
	static const char *const keys[] = {"name",    "names",    "action",   "errnoRet", "args",
	                                   "comment", "includes", "excludes", NULL};
	struct json_object *f, *names;
	char where[256];
	int r;

	r = check_object(c, place, v, keys);
	if (r)
		return r;

	f = get(v, "name");
	names = get(v, "names");
	if (f && names)
		return perr(c, place, "both \"name\" and \"names\" given (use one)");
	if (f) {
		mkplace(where, sizeof(where), "%s.name", place);
		rule->names = calloc(2, sizeof(*rule->names));
		if (!rule->names)
			return oom(c);
		r = get_string(c, where, f, &rule->names[0]);
		if (!r && bad_syscall(rule->names[0]))
			r = perr(c, where, "invalid syscall name \"%s\"", rule->names[0]);
		if (r)
			return r;
	} else if (names) {
		mkplace(where, sizeof(where), "%s.names", place);
		r = get_strv(c, where, names, &rule->names, bad_syscall);
		if (r)
			return r;
	} else {
		return perr(c, place, "names missing");
	}

	mkplace(where, sizeof(where), "%s.action", place);
	if (!(f = get(v, "action")))
		return perr(c, place, "action missing");
	r = get_action(c, where, f, &rule->action);
	if (r)
		return r;

	if ((f = get(v, "errnoRet"))) {
		mkplace(where, sizeof(where), "%s.errnoRet", place);
		r = get_errno_ret(c, where, f, rule->action, &rule->errno_ret);
		if (r)
			return r;
		rule->has_errno_ret = true;
	}

	if ((f = get(v, "args"))) {
		size_t n;

		mkplace(where, sizeof(where), "%s.args", place);
		if (json_object_get_type(f) != json_type_array)
			return perr(c, where, "expected an array, got %s", type_name(f));
		n = json_object_array_length(f);
		if (n) {
			rule->args = calloc(n, sizeof(*rule->args));
			if (!rule->args)
				return oom(c);
		}
		for (size_t i = 0; i < n; i++) {
			mkplace(where, sizeof(where), "%s.args[%zu]", place, i);
			r = parse_arg(c, where, json_object_array_get_idx(f, i), &rule->args[i]);
			if (r)
				return r;
			rule->nargs++;
		}
	}

	if ((f = get(v, "comment"))) {
		mkplace(where, sizeof(where), "%s.comment", place);
		r = get_string(c, where, f, &rule->comment);
		if (r)
			return r;
	}
	if ((f = get(v, "includes"))) {
		mkplace(where, sizeof(where), "%s.includes", place);
		r = parse_cond(c, where, f, &rule->includes);
		if (r)
			return r;
	}
	if ((f = get(v, "excludes"))) {
		mkplace(where, sizeof(where), "%s.excludes", place);
		r = parse_cond(c, where, f, &rule->excludes);
		if (r)
			return r;
	}
	return 0;
}

static int parse_archmap(const struct pctx *c, const char *place, struct json_object *v,
                         struct tl_profile *p)
{
	static const char *const keys[] = {"architecture", "subArchitectures", NULL};
	char where[256];
	size_t n;
	int r;

	if (json_object_get_type(v) != json_type_array)
		return perr(c, place, "expected an array, got %s", type_name(v));
	n = json_object_array_length(v);
	if (!n)
		return 0;
	p->archmap = calloc(n, sizeof(*p->archmap));
	if (!p->archmap)
		return oom(c);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *f;
		struct tl_archmap *m = &p->archmap[i];
		char at[256];

		p->narchmap++;
		mkplace(at, sizeof(at), "%s[%zu]", place, i);
		r = check_object(c, at, e, keys);
		if (r)
			return r;
		if (!(f = get(e, "architecture")))
			return perr(c, at, "architecture missing");
		mkplace(where, sizeof(where), "%s.architecture", at);
		r = get_string(c, where, f, &m->arch);
		if (!r && bad_arch(m->arch))
			r = perr(c, where, "%s \"%s\"", bad_arch(m->arch), m->arch);
		if (r)
			return r;
		mkplace(where, sizeof(where), "%s.subArchitectures", at);
		r = get_strv(c, where, get(e, "subArchitectures"), &m->subs, bad_arch);
		if (r)
			return r;
	}
	return 0;
}

static int parse_profile(const struct pctx *c, const char *pre, struct json_object *root,
                         struct tl_profile *p)
{
	struct json_object *f;
	char where[256];
	int r;

#define AT(key) (mkplace(where, sizeof(where), "%s%s", pre, key), where)
	if (json_object_get_type(root) != json_type_object)
		/* the object itself: "linux.seccomp", without the separator */
		return perr(
		    c,
		    pre[0]
		        ? (mkplace(where, sizeof(where), "%.*s", (int)strlen(pre) - 1, pre), where)
		        : "",
		    "expected an object, got %s", type_name(root));
	if (!(f = get(root, "defaultAction")))
		return perr(c, "", "%sdefaultAction missing", pre);
	r = get_action(c, AT("defaultAction"), f, &p->default_action);
	if (r)
		return r;
	if ((f = get(root, "defaultErrnoRet"))) {
		r = get_errno_ret(c, AT("defaultErrnoRet"), f, p->default_action,
		                  &p->default_errno);
		if (r)
			return r;
		p->has_default_errno = true;
	}
	r = get_strv(c, AT("architectures"), get(root, "architectures"), &p->architectures,
	             bad_arch);
	if (r)
		return r;
	if ((f = get(root, "archMap"))) {
		r = parse_archmap(c, AT("archMap"), f, p);
		if (r)
			return r;
	}
	if (p->architectures && p->architectures[0] && p->narchmap)
		return perr(c, "",
		            "both %sarchitectures and %sarchMap are given (use one, as moby does)",
		            pre, pre);
	r = get_strv(c, AT("flags"), get(root, "flags"), &p->flags, bad_flag);
	if (r)
		return r;
	if ((f = get(root, "listenerPath")) &&
	    (r = get_string(c, AT("listenerPath"), f, &p->listener_path)))
		return r;
	if ((f = get(root, "listenerMetadata")) &&
	    (r = get_string(c, AT("listenerMetadata"), f, &p->listener_metadata)))
		return r;
	if ((f = get(root, "comment")) && (r = get_string(c, AT("comment"), f, &p->comment)))
		return r;
	if ((f = get(root, "syscalls"))) {
		size_t n;

		if (json_object_get_type(f) != json_type_array)
			return perr(c, AT("syscalls"), "expected an array, got %s", type_name(f));
		n = json_object_array_length(f);
		for (size_t i = 0; i < n; i++) {
			struct tl_rule rule;
			char at[64];

			memset(&rule, 0, sizeof(rule));
			mkplace(at, sizeof(at), "syscalls[%zu]", i);
			r = parse_rule(c, AT(at), json_object_array_get_idx(f, i), &rule);
			if (!r)
				r = tl_profile_add_rule(p, &rule);
			tl_rule_free(&rule);
			if (r)
				return r;
		}
	}
#undef AT
	return 0;
}

int tl_profile_from_json(const char *text, size_t len, const char *name, struct tl_profile *p)
{
	struct pctx c = {.name = name ? name : "<profile>"};
	struct json_object *root = NULL, *node;
	const char *pre = "";
	int r;

	tl_profile_init(p);
	/* Also refuses integers json-c would saturate, NUL bytes and \u0000 in strings. */
	r = tl_json_parse(text, len, c.name, &root);
	if (r)
		return r;
	node = root;
	/* A whole OCI config.json: the profile is its linux.seccomp object. */
	if (json_object_get_type(root) == json_type_object && !get(root, "defaultAction") &&
	    (get(root, "ociVersion") || get(root, "linux"))) {
		struct json_object *lx = get(root, "linux");

		if (!lx || json_object_get_type(lx) != json_type_object) {
			r = perr(&c, "linux",
			         "missing or not an object (an OCI config needs "
			         "linux.seccomp)");
			goto out;
		}
		node = get(lx, "seccomp");
		if (!node) {
			r = perr(&c, "linux.seccomp",
			         "missing (this OCI config has no seccomp "
			         "profile)");
			goto out;
		}
		pre = "linux.seccomp.";
	}
	r = parse_profile(&c, pre, node, p);
out:
	json_object_put(root);
	if (r)
		tl_profile_free(p);
	return r;
}

int tl_profile_load(const char *path, struct tl_profile *p)
{
	size_t len;
	char *buf;
	int r;

	tl_profile_init(p);
	r = tl_read_file(path, &buf, &len, 64u << 20);
	if (r)
		return r;
	r = tl_profile_from_json(buf, len, path, p);
	free(buf);
	return r;
}
