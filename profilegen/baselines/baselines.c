// SPDX-License-Identifier: Apache-2.0
/*
 * Runtime baselines: the syscalls a container runtime makes after it
 * installed the container's seccomp filter and up to the entrypoint's execve
 * (docs/containers.md, "Runtime baselines").  They are measured with
 * scripts/measure-baseline.sh and kept as versioned JSON files next to this
 * one, which CMake compiles in (embed.cmake -> tl_baseline_files).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/generate.h"

struct tl_baseline_file {
	const char *file;
	const char *json;
};

extern const struct tl_baseline_file tl_baseline_files[];

static const char *rt_name(enum tl_runtime rt)
{
	return rt == TL_RUNTIME_CRUN ? "crun" : rt == TL_RUNTIME_RUNC ? "runc" : NULL;
}

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parse one baseline file; -EINVAL with a message naming the file if malformed. */
static int parse(const struct tl_baseline_file *f, struct json_object **out)
{
	struct json_object *o = json_tokener_parse(f->json), *sys;

	*out = NULL;
	if (!o || !json_object_is_type(o, json_type_object) || !str_of(o, "runtime") ||
	    !str_of(o, "version") || !str_of(o, "source") ||
	    !json_object_object_get_ex(o, "syscalls", &sys) ||
	    !json_object_is_type(sys, json_type_object)) {
		json_object_put(o);
		return tl_err(EINVAL,
		              "runtime baseline %s: expected an object with runtime, version, "
		              "source (strings) and syscalls (arch -> list of names)",
		              f->file);
	}
	*out = o;
	return 0;
}

int tl_runtime_baseline(enum tl_runtime rt, const char *arch, char ***names, char **label)
{
	const struct tl_baseline_file *best = NULL;
	struct json_object *o = NULL, *sys, *list;
	const char *want = rt_name(rt), *best_version = NULL;
	char **v = NULL;
	size_t n;
	int err;

	*names = NULL;
	if (label)
		*label = NULL;
	if (!want)
		return tl_err(EINVAL, "no baseline for runtime %d", (int)rt);
	/* The newest shipped version of that runtime. */
	for (const struct tl_baseline_file *f = tl_baseline_files; f->file; f++) {
		struct json_object *p;

		err = parse(f, &p);
		if (err)
			return err;
		if (!strcmp(str_of(p, "runtime"), want) &&
		    (!best_version || strverscmp(str_of(p, "version"), best_version) > 0)) {
			json_object_put(o);
			o = p;
			best = f;
			best_version = str_of(p, "version");
		} else {
			json_object_put(p);
		}
	}
	if (!best)
		return tl_err(ENOENT, "no %s baseline is compiled in (profilegen/baselines/)",
		              want);
	json_object_object_get_ex(o, "syscalls", &sys);
	if (!json_object_object_get_ex(sys, arch, &list)) {
		/* Not measured on that arch: an empty list, the loader baseline still applies. */
		v = calloc(1, sizeof(*v));
		err = v ? 0 : tl_err(ENOMEM, "out of memory");
		goto done;
	}
	if (!json_object_is_type(list, json_type_array)) {
		err = tl_err(EINVAL, "runtime baseline %s: syscalls.%s is not a list", best->file,
		             arch);
		goto out;
	}
	n = json_object_array_length(list);
	v = calloc(n + 1, sizeof(*v));
	if (!v) {
		err = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(list, i);

		if (!json_object_is_type(e, json_type_string) || !json_object_get_string(e)[0]) {
			err = tl_err(EINVAL, "runtime baseline %s: syscalls.%s[%zu] is not a name",
			             best->file, arch, i);
			goto out;
		}
		v[i] = strdup(json_object_get_string(e));
		if (!v[i]) {
			err = tl_err(ENOMEM, "out of memory");
			goto out;
		}
	}
	qsort(v, n, sizeof(*v), cmp_str);
	err = 0;
done:
	if (!err && label &&
	    asprintf(label, "%s %s (profilegen/baselines/%s)", want, best_version, best->file) <
	        0) {
		*label = NULL;
		err = tl_err(ENOMEM, "out of memory");
	}
out:
	if (err) {
		tl_strv_free(v);
		v = NULL;
	}
	*names = v;
	json_object_put(o);
	return err;
}

const char *tl_runtime_baseline_file(size_t i, const char **json)
{
	for (size_t k = 0; tl_baseline_files[k].file; k++)
		if (k == i) {
			if (json)
				*json = tl_baseline_files[k].json;
			return tl_baseline_files[k].file;
		}
	return NULL;
}
