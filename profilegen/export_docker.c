// SPDX-License-Identifier: Apache-2.0
/*
 * Docker (moby) seccomp JSON, the OCI runtime-spec linux.seccomp object, and
 * the kubelet's seccomp-directory JSON (which is the Docker schema: the
 * kubelet hands the file to containerd/CRI-O, which read moby's format).
 *
 * Layout matches moby's own profiles/seccomp/default.json byte for byte:
 * tab indent, "key": value, moby's key order, valueTwo omitted when 0 (Go's
 * omitempty), plus a trailing newline.  Key order (docs/formats.md):
 *   comment, defaultAction, defaultErrnoRet, architectures, flags,
 *   listenerPath, listenerMetadata, archMap, syscalls
 *   rule: names, action, errnoRet, args, comment, includes, excludes
 *   arg:  index, value, valueTwo, op
 *   includes/excludes: caps, arches, minKernel
 * OCI keeps the runtime-spec's order and drops what it has no field for.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "export.h"

/* Add `val` under `key`; on failure release val and flag the whole build. */
static void add(json_object *obj, const char *key, json_object *val, bool *oom)
{
	if (!val || json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		*oom = true;
	}
}

static void append(json_object *arr, json_object *val, bool *oom)
{
	if (!val || json_object_array_add(arr, val) < 0) {
		json_object_put(val);
		*oom = true;
	}
}

static json_object *strv_json(char *const *v, bool *oom)
{
	json_object *arr = json_object_new_array();

	if (!arr) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; v && v[i]; i++)
		append(arr, json_object_new_string(v[i]), oom);
	return arr;
}

static bool cond_present(const struct tl_cond *c)
{
	return c->arches || c->caps || c->min_kernel;
}

static json_object *cond_json(const struct tl_cond *c, bool *oom)
{
	json_object *o = json_object_new_object();

	if (!o) {
		*oom = true;
		return NULL;
	}
	if (c->caps)
		add(o, "caps", strv_json(c->caps, oom), oom);
	if (c->arches)
		add(o, "arches", strv_json(c->arches, oom), oom);
	if (c->min_kernel)
		add(o, "minKernel", json_object_new_string(c->min_kernel), oom);
	return o;
}

static json_object *arg_json(const struct tl_arg *a, bool *oom)
{
	json_object *o = json_object_new_object();

	if (!o) {
		*oom = true;
		return NULL;
	}
	add(o, "index", json_object_new_uint64(a->index), oom);
	add(o, "value", json_object_new_uint64(a->value), oom);
	if (a->value_two)
		add(o, "valueTwo", json_object_new_uint64(a->value_two), oom);
	add(o, "op", json_object_new_string(tl_op_name(a->op)), oom);
	return o;
}

static json_object *rule_json(const struct tl_rule *r, bool oci, bool *oom)
{
	json_object *o = json_object_new_object();

	if (!o) {
		*oom = true;
		return NULL;
	}
	add(o, "names", strv_json(r->names, oom), oom);
	add(o, "action", json_object_new_string(tl_action_name(r->action)), oom);
	if (r->has_errno_ret)
		add(o, "errnoRet", json_object_new_uint64(r->errno_ret), oom);
	if (r->nargs) {
		json_object *args = json_object_new_array();

		for (size_t i = 0; args && i < r->nargs; i++)
			append(args, arg_json(&r->args[i], oom), oom);
		add(o, "args", args, oom);
	}
	if (oci)
		return o;
	if (r->comment)
		add(o, "comment", json_object_new_string(r->comment), oom);
	if (cond_present(&r->includes))
		add(o, "includes", cond_json(&r->includes, oom), oom);
	if (cond_present(&r->excludes))
		add(o, "excludes", cond_json(&r->excludes, oom), oom);
	return o;
}

static json_object *archmap_json(const struct tl_profile *p, bool *oom)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < p->narchmap; i++) {
		json_object *e = json_object_new_object();

		if (e) {
			add(e, "architecture", json_object_new_string(p->archmap[i].arch), oom);
			/* moby writes null for an arch without sub-architectures. */
			if (p->archmap[i].subs)
				add(e, "subArchitectures", strv_json(p->archmap[i].subs, oom), oom);
			else if (json_object_object_add(e, "subArchitectures", NULL) < 0)
				*oom = true;
		}
		append(arr, e, oom);
	}
	return arr;
}

int tl_export_docker(const struct tl_profile *p, enum tl_format f, char **out, size_t *len)
{
	const char *fmt = tl_format_name(f);
	bool oci = f == TL_FMT_OCI, oom = false;
	json_object *root = NULL, *rules;
	char **arches = NULL;
	const char *text;
	size_t n;
	int r = 0;

	if (oci) {
		r = tl_export_check_no_conds(p, fmt);
		if (!r)
			r = tl_export_flat_arches(p, fmt, &arches);
		if (r)
			goto out;
	}
	root = json_object_new_object();
	if (!root) {
		oom = true;
		goto out;
	}
	/* Provenance first: readers see where the profile came from. */
	if (p->comment && !oci)
		add(root, "comment", json_object_new_string(p->comment), &oom);
	add(root, "defaultAction", json_object_new_string(tl_action_name(p->default_action)), &oom);
	if (p->has_default_errno)
		add(root, "defaultErrnoRet", json_object_new_uint64(p->default_errno), &oom);
	if (oci ? arches != NULL : p->architectures != NULL)
		add(root, "architectures", strv_json(oci ? arches : p->architectures, &oom), &oom);
	if (p->flags)
		add(root, "flags", strv_json(p->flags, &oom), &oom);
	if (p->listener_path)
		add(root, "listenerPath", json_object_new_string(p->listener_path), &oom);
	if (p->listener_metadata)
		add(root, "listenerMetadata", json_object_new_string(p->listener_metadata), &oom);
	if (!oci && p->narchmap)
		add(root, "archMap", archmap_json(p, &oom), &oom);
	rules = json_object_new_array();
	for (size_t i = 0; rules && i < p->nrules; i++)
		append(rules, rule_json(&p->rules[i], oci, &oom), &oom);
	add(root, "syscalls", rules, &oom);
	if (oom)
		goto out;

	text = json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_SPACED |
	              JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		oom = true;
		goto out;
	}
	n = strlen(text);
	*out = malloc(n + 2);
	if (!*out) {
		oom = true;
		goto out;
	}
	memcpy(*out, text, n);
	memcpy(*out + n, "\n", 2);
	*len = n + 1;
out:
	json_object_put(root);
	tl_strv_free(arches);
	if (oom && !r)
		r = tl_err(ENOMEM, "%s export: out of memory", fmt);
	return r;
}
