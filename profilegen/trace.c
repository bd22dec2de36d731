// SPDX-License-Identifier: Apache-2.0
/*
 * The trace model (include/tailor/trace.h): ABIs, syscall and errno names,
 * sorted arrays, merge, and the JSON form described in docs/trace-format.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <seccomp.h>

#include "tailor/common.h"
#include "tailor/json_util.h"
#include "tailor/trace.h"
#include "trace_ext.h"

/* Largest trace file tl_trace_load reads: far above any real recording. */
#define TL_TRACE_MAX_BYTES (256u << 20)
#define TL_X32_SYSCALL_BIT 0x40000000

/* ---- ABIs, syscall and errno names ------------------------------------------ */

static const struct {
	const char *name;
	uint32_t arch;
} abis[TL_ABI_COUNT] = {
    [TL_ABI_X86_64] = {"x86_64", SCMP_ARCH_X86_64},
    [TL_ABI_X86] = {"x86", SCMP_ARCH_X86},
    [TL_ABI_X32] = {"x32", SCMP_ARCH_X32},
};

const char *tl_abi_name(enum tl_abi abi)
{
	return (unsigned)abi < TL_ABI_COUNT ? abis[abi].name : "?";
}

int tl_abi_from_name(const char *name)
{
	for (int i = 0; i < TL_ABI_COUNT; i++)
		if (name && !strcmp(name, abis[i].name))
			return i;
	return -EINVAL;
}

uint32_t tl_abi_scmp_arch(enum tl_abi abi)
{
	return (unsigned)abi < TL_ABI_COUNT ? abis[abi].arch : 0;
}

/* x32 numbers carry __X32_SYSCALL_BIT, like libseccomp's and the kernel's orig_ax. */
static int32_t norm_nr(enum tl_abi abi, int32_t nr)
{
	if (abi == TL_ABI_X32 && nr >= 0)
		nr |= TL_X32_SYSCALL_BIT;
	return nr;
}

/* The table's number of a name libseccomp does not know at all; -ENOENT otherwise. */
static int table_nr(enum tl_abi abi, const char *name)
{
	const struct tl_syscall_def *d;

	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return -ENOENT; /* libseccomp knows it: its answer wins */
	d = tl_syscall_table_find(name);
	return d && d->nr[abi] >= 0 ? d->nr[abi] : -ENOENT;
}

char *tl_syscall_name(enum tl_abi abi, int nr)
{
	const struct tl_syscall_def *d;
	char *name;

	if ((unsigned)abi >= TL_ABI_COUNT || nr < 0)
		return NULL;
	name = seccomp_syscall_resolve_num_arch(abis[abi].arch, norm_nr(abi, nr));
	if (name)
		return name;
	d = tl_syscall_table_find_nr(abi, nr);
	/* Only names libseccomp does not know, so both directions stay consistent. */
	if (!d || table_nr(abi, d->name) < 0)
		return NULL;
	return strdup(d->name);
}

int tl_syscall_nr(enum tl_abi abi, const char *name)
{
	int nr;

	if ((unsigned)abi >= TL_ABI_COUNT || !name)
		return -ENOENT;
	nr = seccomp_syscall_resolve_name_arch(abis[abi].arch, name);
	if (nr == __NR_SCMP_ERROR)
		return table_nr(abi, name);
	/* Negative: a libseccomp pseudo-number (multiplexed or not on this ABI). */
	return nr < 0 ? -ENOENT : nr;
}

bool tl_syscall_known(enum tl_abi abi, const char *name)
{
	int nr;

	if ((unsigned)abi >= TL_ABI_COUNT || !name)
		return false;
	/*
	 * libseccomp's pseudo-numbers: -100..-299 are socketcall/ipc operations
	 * (real on x86, filtered via the multiplexer); <= -10000 means "not on
	 * this architecture".
	 */
	nr = seccomp_syscall_resolve_name_arch(abis[abi].arch, name);
	if (nr == __NR_SCMP_ERROR)
		return table_nr(abi, name) >= 0;
	return nr > -10000;
}

const char *tl_errno_name(int err, char buf[16])
{
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	if (n)
		return n;
	snprintf(buf, 16, "E%d", err);
	return buf;
}

/* Names strerrorname_np never returns (it prefers the other spelling). */
static const struct {
	const char *name;
	int err;
} errno_aliases[] = {
    {"EWOULDBLOCK", EWOULDBLOCK},
    {"EDEADLOCK", EDEADLOCK},
    {"ENOTSUP", ENOTSUP},
};

int tl_errno_from_name(const char *name)
{
	char *end;
	long v;

	if (!name || name[0] != 'E' || !name[1])
		return -EINVAL;
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	/* "E<n>" after the table: E2BIG is a name, not a number. */
	if (name[1] >= '1' && name[1] <= '9') {
		errno = 0;
		v = strtol(name + 1, &end, 10);
		if (!errno && !*end && v > 0 && v <= 4095)
			return (int)v;
		return -EINVAL;
	}
	for (size_t i = 0; i < TL_ARRAY_SIZE(errno_aliases); i++)
		if (!strcmp(name, errno_aliases[i].name))
			return errno_aliases[i].err;
	return -EINVAL;
}

/* ---- the model ---------------------------------------------------------------- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

void tl_trace_init(struct tl_trace *t)
{
	memset(t, 0, sizeof(*t));
}

static void syscall_free(struct tl_syscall *s)
{
	free(s->name);
	free(s->errs);
	tl_syscall_args_free(s);
}

void tl_run_free(struct tl_run *r)
{
	if (!r)
		return;
	free(r->kind);
	tl_strv_free(r->argv);
	free(r->target);
	free(r->start);
	free(r->kernel);
	free(r->machine);
	free(r->tool);
	for (size_t i = 0; i < r->nlost; i++)
		free(r->lost[i].name);
	free(r->lost);
	tl_strv_free(r->features);
	memset(r, 0, sizeof(*r));
}

void tl_trace_free(struct tl_trace *t)
{
	for (int a = 0; a < TL_ABI_COUNT; a++) {
		for (size_t i = 0; i < t->abi[a].n; i++)
			syscall_free(&t->abi[a].sys[i]);
		free(t->abi[a].sys);
	}
	for (size_t i = 0; i < t->nruns; i++)
		tl_run_free(&t->runs[i]);
	free(t->runs);
	for (size_t i = 0; i < t->nexecs; i++) {
		free(t->execs[i].path);
		free(t->execs[i].parent);
	}
	free(t->execs);
	tl_trace_ext_free(t);
	tl_trace_init(t);
}

static int sys_cmp(const void *elem, const void *name)
{
	return strcmp(((const struct tl_syscall *)elem)->name, name);
}

/* Binary search by name; returns the index, or the insertion point with *found false. */
static size_t sys_search(const struct tl_abi_trace *at, const char *name, bool *found)
{
	return tl_sorted_find(at->sys, at->n, sizeof(*at->sys), name, sys_cmp, found);
}

struct tl_syscall *tl_trace_syscall(struct tl_trace *t, enum tl_abi abi, const char *name,
                                    int32_t nr)
{
	struct tl_abi_trace *at;
	struct tl_syscall *sys;
	char *owned = NULL;
	size_t pos;
	bool found;

	if ((unsigned)abi >= TL_ABI_COUNT)
		return NULL;
	at = &t->abi[abi];
	nr = norm_nr(abi, nr);
	if (!name) {
		owned = tl_syscall_name(abi, nr);
		if (!owned && asprintf(&owned, "__nr_%" PRId32, nr) < 0)
			return NULL;
		name = owned;
	} else if (nr < 0) {
		nr = tl_syscall_nr(abi, name);
	}
	pos = sys_search(at, name, &found);
	if (found) {
		free(owned);
		return &at->sys[pos];
	}
	if (!owned && !(owned = strdup(name)))
		return NULL;
	sys = tl_sorted_insert(at->sys, at->n, sizeof(*sys), pos);
	if (!sys) {
		free(owned);
		return NULL;
	}
	at->sys = sys;
	sys[pos].name = owned;
	sys[pos].nr = nr;
	at->n++;
	return &sys[pos];
}

const struct tl_syscall *tl_trace_find(const struct tl_trace *t, enum tl_abi abi, const char *name)
{
	size_t pos;
	bool found;

	if ((unsigned)abi >= TL_ABI_COUNT || !name)
		return NULL;
	pos = sys_search(&t->abi[abi], name, &found);
	return found ? &t->abi[abi].sys[pos] : NULL;
}

int tl_syscall_add_errno(struct tl_syscall *s, int32_t err, uint64_t count)
{
	struct tl_errno_count *e;
	size_t pos = 0;

	if (err <= 0)
		return tl_err(EINVAL, "%s: invalid errno %" PRId32, s->name, err);
	while (pos < s->nerrs && s->errs[pos].err < err)
		pos++;
	if (pos < s->nerrs && s->errs[pos].err == err) {
		s->errs[pos].count = sat_add(s->errs[pos].count, count);
		return 0;
	}
	e = realloc(s->errs, (s->nerrs + 1) * sizeof(*e));
	if (!e)
		return tl_err(ENOMEM, "out of memory");
	s->errs = e;
	memmove(&e[pos + 1], &e[pos], (s->nerrs - pos) * sizeof(*e));
	e[pos].err = err;
	e[pos].count = count;
	s->nerrs++;
	return 0;
}

static int exec_cmp(const void *elem, const void *key)
{
	const struct tl_exec *e = elem, *k = key;
	int c = strcmp(e->path, k->path);

	return c ? c : strcmp(e->parent, k->parent);
}

int tl_trace_add_exec(struct tl_trace *t, const char *path, const char *parent, uint64_t count)
{
	struct tl_exec *e, key;
	size_t pos;
	bool found;
	char *p, *q;

	if (!path)
		return tl_err(EINVAL, "exec record without a path");
	key.path = (char *)path;
	key.parent = (char *)(parent ? parent : "");
	pos = tl_sorted_find(t->execs, t->nexecs, sizeof(*t->execs), &key, exec_cmp, &found);
	if (found) {
		t->execs[pos].count = sat_add(t->execs[pos].count, count);
		return 0;
	}
	p = strdup(path);
	q = strdup(key.parent);
	e = p && q ? tl_sorted_insert(t->execs, t->nexecs, sizeof(*e), pos) : NULL;
	if (!e) {
		free(p);
		free(q);
		return tl_err(ENOMEM, "out of memory");
	}
	t->execs = e;
	e[pos] = (struct tl_exec){.path = p, .parent = q, .count = count};
	t->nexecs++;
	return 0;
}

int tl_run_add_lost(struct tl_run *r, const char *name, uint64_t value)
{
	struct tl_counter *c;
	size_t pos = 0;
	char *n;

	while (pos < r->nlost && strcmp(r->lost[pos].name, name) < 0)
		pos++;
	if (pos < r->nlost && !strcmp(r->lost[pos].name, name)) {
		r->lost[pos].value = sat_add(r->lost[pos].value, value);
		return 0;
	}
	n = strdup(name);
	c = n ? realloc(r->lost, (r->nlost + 1) * sizeof(*c)) : NULL;
	if (!c) {
		free(n);
		return tl_err(ENOMEM, "out of memory");
	}
	r->lost = c;
	memmove(&c[pos + 1], &c[pos], (r->nlost - pos) * sizeof(*c));
	c[pos] = (struct tl_counter){.name = n, .value = value};
	r->nlost++;
	return 0;
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return -ENOMEM;
	return 0;
}

static int run_copy(struct tl_run *d, const struct tl_run *s)
{
	memset(d, 0, sizeof(*d));
	d->pid = s->pid;
	d->duration_ms = s->duration_ms;
	d->complete = s->complete;
	d->has_exit_status = s->has_exit_status;
	d->exit_status = s->exit_status;
	if (dup_str(&d->kind, s->kind) || dup_str(&d->target, s->target) ||
	    dup_str(&d->start, s->start) || dup_str(&d->kernel, s->kernel) ||
	    dup_str(&d->machine, s->machine) || dup_str(&d->tool, s->tool) ||
	    (s->argv && !(d->argv = tl_strv_dup(s->argv))) ||
	    (s->features && !(d->features = tl_strv_dup(s->features))))
		goto oom;
	for (size_t i = 0; i < s->nlost; i++)
		if (tl_run_add_lost(d, s->lost[i].name, s->lost[i].value))
			goto oom;
	return 0;
oom:
	tl_run_free(d);
	return tl_err(ENOMEM, "out of memory");
}

int tl_trace_add_run(struct tl_trace *t, const struct tl_run *run)
{
	struct tl_run *runs = realloc(t->runs, (t->nruns + 1) * sizeof(*runs));
	int r;

	if (!runs)
		return tl_err(ENOMEM, "out of memory");
	t->runs = runs;
	r = run_copy(&runs[t->nruns], run);
	if (!r)
		t->nruns++;
	return r;
}

uint64_t tl_trace_lost(const struct tl_trace *t)
{
	uint64_t n = 0;

	for (size_t i = 0; i < t->nruns; i++)
		for (size_t j = 0; j < t->runs[i].nlost; j++)
			n = sat_add(n, t->runs[i].lost[j].value);
	return n;
}

size_t tl_run_why_incomplete(const struct tl_run *r, char *buf, size_t size)
{
	size_t n = 0;

	if (size)
		buf[0] = 0;
	for (size_t k = 0; k < r->nlost && n < size; k++) {
		const char *sep = n ? "; " : "";
		uint64_t v = r->lost[k].value;

		if (!v)
			continue;
		if (!strcmp(r->lost[k].name, "start"))
			n +=
			    (size_t)snprintf(buf + n, size - n,
			                     "%srecorded only after it had started (its startup is "
			                     "missing)",
			                     sep);
		else if (!strcmp(r->lost[k].name, "running"))
			n += (size_t)snprintf(buf + n, size - n,
			                      "%s%" PRIu64 " task(s) it started still ran when the "
			                      "recording stopped (their later calls are missing)",
			                      sep, v);
		else
			n += (size_t)snprintf(buf + n, size - n, "%s%" PRIu64 " %s lost", sep, v,
			                      r->lost[k].name);
	}
	if (!n && !r->complete && size)
		n = (size_t)snprintf(buf, size, "stopped before its end");
	return n < size ? n : (size ? size - 1 : 0);
}

bool tl_trace_complete(const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++)
		if (!t->runs[i].complete)
			return false;
	return tl_trace_lost(t) == 0;
}

int tl_trace_merge(struct tl_trace *dst, const struct tl_trace *src)
{
	int r;

	for (int a = 0; a < TL_ABI_COUNT; a++) {
		for (size_t i = 0; i < src->abi[a].n; i++) {
			const struct tl_syscall *s = &src->abi[a].sys[i];
			struct tl_syscall *d =
			    tl_trace_syscall(dst, (enum tl_abi)a, s->name, s->nr);

			if (!d)
				return tl_err(ENOMEM, "out of memory");
			d->calls = sat_add(d->calls, s->calls);
			d->ok = sat_add(d->ok, s->ok);
			for (size_t j = 0; j < s->nerrs; j++) {
				r = tl_syscall_add_errno(d, s->errs[j].err, s->errs[j].count);
				if (r)
					return r;
			}
			if ((r = tl_syscall_merge_args(d, s)))
				return r;
		}
	}
	for (size_t i = 0; i < src->nexecs; i++) {
		r = tl_trace_add_exec(dst, src->execs[i].path, src->execs[i].parent,
		                      src->execs[i].count);
		if (r)
			return r;
	}
	if ((r = tl_trace_ext_merge(dst, src)))
		return r;
	for (size_t i = 0; i < src->nruns; i++) {
		r = tl_trace_add_run(dst, &src->runs[i]);
		if (r)
			return r;
	}
	return 0;
}

/* ---- JSON writer ------------------------------------------------------------- */

static struct json_object *str_or_null(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *run_to_json(const struct tl_run *r, bool *oom)
{
	struct json_object *o = json_object_new_object(), *lost;

	if (!o) {
		*oom = true;
		return NULL;
	}
	tl_json_put(o, "kind", str_or_null(r->kind ? r->kind : ""), oom);
	if (r->argv) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; a && r->argv[i]; i++)
			tl_json_append(a, json_object_new_string(r->argv[i]), oom);
		tl_json_put(o, "command", a, oom);
	}
	tl_json_put(o, "pid", json_object_new_int64(r->pid), oom);
	if (r->target)
		tl_json_put(o, "target", str_or_null(r->target), oom);
	if (r->start)
		tl_json_put(o, "start", str_or_null(r->start), oom);
	tl_json_put(o, "duration_ms", json_object_new_uint64(r->duration_ms), oom);
	tl_json_put(o, "complete", json_object_new_boolean(r->complete), oom);
	if (r->has_exit_status)
		tl_json_put(o, "exit_status", json_object_new_int(r->exit_status), oom);
	if (r->kernel)
		tl_json_put(o, "kernel", str_or_null(r->kernel), oom);
	if (r->machine)
		tl_json_put(o, "machine", str_or_null(r->machine), oom);
	if (r->tool)
		tl_json_put(o, "tool", str_or_null(r->tool), oom);
	tl_run_features_to_json(o, r, oom);
	lost = json_object_new_object();
	for (size_t i = 0; lost && i < r->nlost; i++)
		tl_json_put(lost, r->lost[i].name, json_object_new_uint64(r->lost[i].value), oom);
	tl_json_put(o, "lost", lost, oom);
	return o;
}

static struct json_object *syscall_to_json(enum tl_abi abi, const struct tl_syscall *s, bool *oom)
{
	struct json_object *o = json_object_new_object(), *errs;
	char buf[16];

	(void)abi;
	if (!o) {
		*oom = true;
		return NULL;
	}
	if (s->nr >= 0) /* negative: no number on this ABI (hand-written trace) */
		tl_json_put(o, "nr", json_object_new_int(s->nr), oom);
	tl_json_put(o, "calls", json_object_new_uint64(s->calls), oom);
	tl_json_put(o, "ok", json_object_new_uint64(s->ok), oom);
	errs = json_object_new_object();
	for (size_t i = 0; errs && i < s->nerrs; i++)
		tl_json_put(errs, tl_errno_name(s->errs[i].err, buf),
		            json_object_new_uint64(s->errs[i].count), oom);
	tl_json_put(o, "errors", errs, oom);
	tl_syscall_args_to_json(o, s, oom);
	return o;
}

int tl_trace_to_json(const struct tl_trace *t, char **out, size_t *len)
{
	struct json_object *root = json_object_new_object(), *runs, *as, *execs;
	bool oom = !root;
	int r;

	if (oom)
		return tl_err(ENOMEM, "out of memory");
	tl_json_put(root, "tailor_trace", json_object_new_int(TL_TRACE_VERSION), &oom);
	runs = json_object_new_array();
	for (size_t i = 0; runs && i < t->nruns; i++)
		tl_json_append(runs, run_to_json(&t->runs[i], &oom), &oom);
	tl_json_put(root, "runs", runs, &oom);
	as = json_object_new_object();
	for (int a = 0; as && a < TL_ABI_COUNT; a++) {
		struct json_object *ao;

		if (!t->abi[a].n)
			continue; /* an ABI that saw nothing is omitted */
		ao = json_object_new_object();
		for (size_t i = 0; ao && i < t->abi[a].n; i++)
			tl_json_put(ao, t->abi[a].sys[i].name,
			            syscall_to_json((enum tl_abi)a, &t->abi[a].sys[i], &oom), &oom);
		tl_json_put(as, abis[a].name, ao, &oom);
	}
	tl_json_put(root, "abis", as, &oom);
	execs = json_object_new_array();
	for (size_t i = 0; execs && i < t->nexecs; i++) {
		struct json_object *eo = json_object_new_object();

		if (eo) {
			tl_json_put(eo, "path", json_object_new_string(t->execs[i].path), &oom);
			tl_json_put(eo, "parent", json_object_new_string(t->execs[i].parent), &oom);
			tl_json_put(eo, "count", json_object_new_uint64(t->execs[i].count), &oom);
		}
		tl_json_append(execs, eo, &oom);
	}
	tl_json_put(root, "execs", execs, &oom);
	tl_trace_ext_to_json(root, t, &oom);
	r = oom ? tl_err(ENOMEM, "out of memory building the trace JSON")
	        : tl_json_dump(root, out, len);
	json_object_put(root);
	return r;
}

/* ---- JSON reader ------------------------------------------------------------- */

/*
 * The reader's place ("abis.x86_64.read.calls") is a struct tl_json_rd; the
 * field accessors push the key onto it only for the error message.
 */
static int get_str(struct tl_json_rd *rd, struct json_object *v, const char *key, char **out)
{
	const char *s;
	int r = tl_json_get_str(rd, v, key, &s);

	if (!r && !(*out = strdup(s)))
		r = tl_err(ENOMEM, "out of memory");
	return r;
}

static int read_run(struct tl_json_rd *rd, struct json_object *o, struct tl_run *run)
{
	struct json_object *v;
	int64_t x;
	int r;

	if ((r = tl_json_get_type(rd, o, NULL, json_type_object, "an object")))
		return r;
	if ((r = tl_json_need(rd, o, "kind", &v)) || (r = get_str(rd, v, "kind", &run->kind)))
		return r;
	if ((r = tl_json_need(rd, o, "complete", &v)) ||
	    (r = tl_json_get_type(rd, v, "complete", json_type_boolean, "a boolean")))
		return r;
	run->complete = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "command", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		size_t n;

		if ((r = tl_json_get_type(rd, v, "command", json_type_array,
		                          "an array of strings")))
			return r;
		n = json_object_array_length(v);
		run->argv = calloc(n + 1, sizeof(*run->argv));
		if (!run->argv)
			return tl_err(ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			char key[32];

			snprintf(key, sizeof(key), "command[%zu]", i);
			/* get_str adds ".": build "command[i]" as one component. */
			if ((r = get_str(rd, json_object_array_get_idx(v, i), key, &run->argv[i])))
				return r;
		}
	}
	if (json_object_object_get_ex(o, "pid", &v)) {
		if ((r = tl_json_get_int(rd, v, "pid", 0, INT64_MAX, &x)))
			return r;
		run->pid = x;
	}
	if (json_object_object_get_ex(o, "target", &v) && !json_object_is_type(v, json_type_null) &&
	    (r = get_str(rd, v, "target", &run->target)))
		return r;
	if (json_object_object_get_ex(o, "start", &v) && (r = get_str(rd, v, "start", &run->start)))
		return r;
	if (json_object_object_get_ex(o, "duration_ms", &v) &&
	    (r = tl_json_get_u64(rd, v, "duration_ms", &run->duration_ms)))
		return r;
	if (json_object_object_get_ex(o, "exit_status", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if ((r = tl_json_get_int(rd, v, "exit_status", INT32_MIN, INT32_MAX, &x)))
			return r;
		run->has_exit_status = true;
		run->exit_status = (int32_t)x;
	}
	if (json_object_object_get_ex(o, "kernel", &v) &&
	    (r = get_str(rd, v, "kernel", &run->kernel)))
		return r;
	if (json_object_object_get_ex(o, "machine", &v) &&
	    (r = get_str(rd, v, "machine", &run->machine)))
		return r;
	if (json_object_object_get_ex(o, "tool", &v) && (r = get_str(rd, v, "tool", &run->tool)))
		return r;
	if (json_object_object_get_ex(o, "lost", &v)) {
		size_t old;

		if ((r = tl_json_get_type(rd, v, "lost", json_type_object, "an object")))
			return r;
		old = tl_json_rd_push(rd, ".lost");
		json_object_object_foreach(v, name, cnt)
		{
			uint64_t n;

			if ((r = tl_json_get_u64(rd, cnt, name, &n)) ||
			    (r = tl_run_add_lost(run, name, n)))
				return r;
		}
		tl_json_rd_pop(rd, old);
	}
	return tl_run_features_from_json(rd->file, rd->path, o, run);
}

static int read_syscall(struct tl_json_rd *rd, struct tl_trace *t, enum tl_abi abi,
                        const char *name, struct json_object *o)
{
	struct json_object *v;
	struct tl_syscall *s;
	uint64_t calls, ok;
	int64_t nr = -1;
	int r;

	if ((r = tl_json_get_type(rd, o, NULL, json_type_object, "an object")))
		return r;
	if (!strncmp(name, "__nr_", 5)) {
		/* A number the recording libseccomp could not name: keep it as it is. */
		char *end;
		long n;

		errno = 0;
		n = strtol(name + 5, &end, 10);
		if (errno || *end || n < 0 || n > INT32_MAX || end == name + 5)
			return tl_json_rd_err(rd, "not a syscall name");
		nr = n;
	} else if (!tl_syscall_known(abi, name)) {
		const struct scmp_version *ver = seccomp_version();

		return tl_json_rd_err(rd, "unknown syscall for %s (libseccomp %u.%u.%u)",
		                      tl_abi_name(abi), ver->major, ver->minor, ver->micro);
	}
	if (json_object_object_get_ex(o, "nr", &v)) {
		char *known;
		int64_t x;

		if ((r = tl_json_get_int(rd, v, "nr", 0, INT32_MAX, &x)))
			return r;
		known = tl_syscall_name(abi, (int)x);
		/* The number is checked against libseccomp's name; an unnamed number keeps its
		 * name. */
		if ((nr >= 0 && x != nr) || (nr < 0 && (!known || strcmp(known, name)))) {
			free(known);
			tl_json_rd_push(rd, ".nr");
			return tl_json_rd_err(rd, "%" PRId64 " is not the number of %s on %s", x,
			                      name, tl_abi_name(abi));
		}
		free(known);
		nr = x;
	}
	if ((r = tl_json_need(rd, o, "calls", &v)) ||
	    (r = tl_json_get_u64(rd, v, "calls", &calls)) || (r = tl_json_need(rd, o, "ok", &v)) ||
	    (r = tl_json_get_u64(rd, v, "ok", &ok)))
		return r;
	/* Every successful return was a call (merging saturates both alike). */
	if (ok > calls) {
		tl_json_rd_push(rd, ".ok");
		return tl_json_rd_err(rd, "%" PRIu64 " is more than calls (%" PRIu64 ")", ok,
		                      calls);
	}
	s = tl_trace_syscall(t, abi, name, (int32_t)nr);
	if (!s)
		return tl_err(ENOMEM, "out of memory");
	s->calls = calls;
	s->ok = ok;
	if (json_object_object_get_ex(o, "errors", &v)) {
		size_t old;

		if ((r = tl_json_get_type(rd, v, "errors", json_type_object, "an object")))
			return r;
		old = tl_json_rd_push(rd, ".errors");
		json_object_object_foreach(v, ename, cnt)
		{
			int err = tl_errno_from_name(ename);
			uint64_t n;

			if (err < 0) {
				tl_json_rd_push(rd, ".%s", ename);
				return tl_json_rd_err(rd, "unknown errno name");
			}
			if ((r = tl_json_get_u64(rd, cnt, ename, &n)))
				return r;
			for (size_t i = 0; i < s->nerrs; i++)
				if (s->errs[i].err == err) {
					tl_json_rd_push(rd, ".%s", ename);
					return tl_json_rd_err(rd, "errno %d listed twice", err);
				}
			if ((r = tl_syscall_add_errno(s, err, n)))
				return r;
		}
		tl_json_rd_pop(rd, old);
	}
	return tl_syscall_args_from_json(rd->file, rd->path, o, s);
}

static int read_trace(struct tl_json_rd *rd, struct json_object *root, struct tl_trace *t)
{
	struct json_object *v;
	int64_t ver;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return tl_json_rd_err(rd, "not a tailor trace (the document is %s, not an object)",
		                      tl_json_type_name(root));
	if (!json_object_object_get_ex(root, "tailor_trace", &v))
		return tl_json_rd_err(rd, "not a tailor trace (no \"tailor_trace\" key)");
	if ((r = tl_json_get_int(rd, v, "tailor_trace", INT64_MIN + 1, INT64_MAX, &ver)))
		return r;
	if (ver != TL_TRACE_VERSION) {
		tl_err(EPROTONOSUPPORT,
		       "%s: trace format version %" PRId64
		       " is not supported by this tailor (reads %d)",
		       rd->file, ver, TL_TRACE_VERSION);
		return -EPROTONOSUPPORT;
	}

	if ((r = tl_json_need(rd, root, "runs", &v)) ||
	    (r = tl_json_get_type(rd, v, "runs", json_type_array, "an array")))
		return r;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct tl_run run = {0};
		size_t old = tl_json_rd_push(rd, "runs[%zu]", i);

		r = read_run(rd, json_object_array_get_idx(v, i), &run);
		if (!r)
			r = tl_trace_add_run(t, &run);
		tl_run_free(&run);
		if (r)
			return r;
		tl_json_rd_pop(rd, old);
	}

	if ((r = tl_json_need(rd, root, "abis", &v)) ||
	    (r = tl_json_get_type(rd, v, "abis", json_type_object, "an object")))
		return r;
	json_object_object_foreach(v, aname, ao)
	{
		int abi = tl_abi_from_name(aname);
		size_t old = tl_json_rd_push(rd, "abis.%s", aname);

		if (abi < 0)
			return tl_json_rd_err(rd, "unknown ABI (expected x86_64, x86 or x32)");
		if ((r = tl_json_get_type(rd, ao, NULL, json_type_object, "an object")))
			return r;
		json_object_object_foreach(ao, sname, so)
		{
			size_t old2 = tl_json_rd_push(rd, ".%s", sname);

			if ((r = read_syscall(rd, t, (enum tl_abi)abi, sname, so)))
				return r;
			tl_json_rd_pop(rd, old2);
		}
		tl_json_rd_pop(rd, old);
	}

	if ((r = tl_json_need(rd, root, "execs", &v)) ||
	    (r = tl_json_get_type(rd, v, "execs", json_type_array, "an array")))
		return r;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *eo = json_object_array_get_idx(v, i), *f;
		_cleanup_free_ char *path = NULL, *parent = NULL;
		uint64_t count;
		size_t old = tl_json_rd_push(rd, "execs[%zu]", i);

		if ((r = tl_json_get_type(rd, eo, NULL, json_type_object, "an object")) ||
		    (r = tl_json_need(rd, eo, "path", &f)) || (r = get_str(rd, f, "path", &path)) ||
		    (r = tl_json_need(rd, eo, "count", &f)) ||
		    (r = tl_json_get_u64(rd, f, "count", &count)))
			return r;
		if (json_object_object_get_ex(eo, "parent", &f) &&
		    (r = get_str(rd, f, "parent", &parent)))
			return r;
		if ((r = tl_trace_add_exec(t, path, parent, count)))
			return r;
		tl_json_rd_pop(rd, old);
	}
	/* files, capabilities, network, callsites (trace_ext.c). */
	if ((r = tl_trace_ext_from_json(rd->file, root, t)))
		return r;
	/* Other top-level keys belong to later v1 additions: ignored by design. */
	return 0;
}

int tl_trace_from_json(const char *text, size_t len, const char *name, struct tl_trace *t)
{
	struct tl_json_rd rd = {.file = name ? name : "trace"};
	struct json_object *root = NULL;
	int r;

	tl_trace_init(t);
	if (len > TL_TRACE_MAX_BYTES)
		return tl_err(EFBIG, "%s: larger than the %u MiB limit for a trace", rd.file,
		              TL_TRACE_MAX_BYTES >> 20);
	r = tl_json_parse(text, len, rd.file, &root);
	if (r)
		return r;
	r = read_trace(&rd, root, t);
	json_object_put(root);
	if (r)
		tl_trace_free(t);
	return r;
}

int tl_trace_load(const char *path, struct tl_trace *t)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	tl_trace_init(t);
	r = tl_read_file(path, &buf, &len, TL_TRACE_MAX_BYTES);
	if (r == -EFBIG)
		return tl_err(EFBIG, "%s: larger than the %u MiB limit for a trace", path,
		              TL_TRACE_MAX_BYTES >> 20);
	if (r)
		return r;
	return tl_trace_from_json(buf, len, path, t);
}

int tl_trace_save(const struct tl_trace *t, const char *path)
{
	_cleanup_free_ char *out = NULL;
	size_t len;
	int r;

	r = tl_trace_to_json(t, &out, &len);
	if (r)
		return r;
	return tl_write_file_atomic(path, out, len, 0644);
}
