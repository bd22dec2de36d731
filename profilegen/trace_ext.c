// SPDX-License-Identifier: Apache-2.0
/*
 * The v1 additions to the trace model (include/tailor/trace.h): recorded
 * argument values, run features, files, capabilities, sockets and call sites,
 * their names, merge rules and JSON form (docs/trace-format.md).  trace.c
 * calls in through profilegen/trace_ext.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/json_util.h"
#include "tailor/trace.h"
#include "trace_ext.h"

#define TL_ARG_INDEX_MAX 5

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* ---- names ------------------------------------------------------------------ */

static const char *const access_names[TL_ACC_COUNT_BITS] = {
    "read", "write", "append", "create",    "delete",  "rename",
    "link", "lock",  "exec",   "mmap_exec", "setattr", "dir",
};

/* bit: the index 0..TL_ACC_COUNT_BITS-1 (TL_ACC_READ is bit 0), not the mask. */
const char *tl_access_name(unsigned bit)
{
	return bit < TL_ACC_COUNT_BITS ? access_names[bit] : NULL;
}

int tl_access_from_name(const char *name)
{
	for (unsigned i = 0; name && i < TL_ACC_COUNT_BITS; i++)
		if (!strcmp(name, access_names[i]))
			return 1 << i;
	return -EINVAL;
}

/* Linux 6.x, include/uapi/linux/capability.h (CAP_LAST_CAP = 40). */
static const char *const cap_names[TL_CAP_COUNT] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", /* 10 */
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT", /* 20 */
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", /* 30 */
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE", /* 40 */
};
_Static_assert(TL_ARRAY_SIZE(cap_names) == TL_CAP_COUNT && TL_CAP_COUNT == 41,
               "every capability up to CAP_CHECKPOINT_RESTORE has a name");

/* AppArmor's network family names (parser/af_names.h: the kernel's AF_* lowercased). */
static const char *const family_names[] = {
    [0] = "unspec",    [1] = "unix",        [2] = "inet",     [3] = "ax25",     [4] = "ipx",
    [5] = "appletalk", [6] = "netrom",      [7] = "bridge",   [8] = "atmpvc",   [9] = "x25",
    [10] = "inet6",    [11] = "rose",       [12] = "decnet",  [13] = "netbeui", [14] = "security",
    [15] = "key",      [16] = "netlink",    [17] = "packet",  [18] = "ash",     [19] = "econet",
    [20] = "atmsvc",   [21] = "rds",        [22] = "sna",     [23] = "irda",    [24] = "pppox",
    [25] = "wanpipe",  [26] = "llc",        [27] = "ib",      [28] = "mpls",    [29] = "can",
    [30] = "tipc",     [31] = "bluetooth",  [32] = "iucv",    [33] = "rxrpc",   [34] = "isdn",
    [35] = "phonet",   [36] = "ieee802154", [37] = "caif",    [38] = "alg",     [39] = "nfc",
    [40] = "vsock",    [41] = "kcm",        [42] = "qipcrtr", [43] = "smc",     [44] = "xdp",
    [45] = "mctp",
};

static const char *const socktype_names[] = {
    [1] = "stream",    [2] = "dgram", [3] = "raw",     [4] = "rdm",
    [5] = "seqpacket", [6] = "dccp",  [10] = "packet",
};

/* A decimal int32 (optionally negative), the whole string. */
static bool parse_i32(const char *s, int32_t *out)
{
	char *end;
	long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < INT32_MIN || v > INT32_MAX || end == s)
		return false;
	*out = (int32_t)v;
	return true;
}

static int name_lookup(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -EINVAL;
}

const char *tl_cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < TL_ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int tl_cap_from_name(const char *name)
{
	int32_t v;

	if (parse_i32(name, &v))
		return v >= 0 ? v : -EINVAL;
	return name_lookup(cap_names, TL_ARRAY_SIZE(cap_names), name);
}

const char *tl_family_name(int family)
{
	return family >= 0 && (size_t)family < TL_ARRAY_SIZE(family_names) ? family_names[family]
	                                                                   : NULL;
}

int tl_family_from_name(const char *name)
{
	int32_t v;

	if (name && !strncmp(name, "af_", 3) && parse_i32(name + 3, &v))
		return v >= 0 ? v : -EINVAL;
	if (parse_i32(name, &v))
		return v >= 0 ? v : -EINVAL;
	return name_lookup(family_names, TL_ARRAY_SIZE(family_names), name);
}

const char *tl_socktype_name(int type)
{
	return type >= 0 && (size_t)type < TL_ARRAY_SIZE(socktype_names) ? socktype_names[type]
	                                                                 : NULL;
}

int tl_socktype_from_name(const char *name)
{
	int32_t v;

	if (parse_i32(name, &v))
		return v >= 0 ? v : -EINVAL;
	return name_lookup(socktype_names, TL_ARRAY_SIZE(socktype_names), name);
}

/* ---- argument values ---------------------------------------------------------- */

static struct tl_argvals *argvals_get(struct tl_syscall *s, uint32_t index)
{
	struct tl_argvals *a;
	size_t pos = 0;

	while (pos < s->nargs && s->args[pos].index < index)
		pos++;
	if (pos < s->nargs && s->args[pos].index == index)
		return &s->args[pos];
	a = realloc(s->args, (s->nargs + 1) * sizeof(*a));
	if (!a)
		return NULL;
	s->args = a;
	memmove(&a[pos + 1], &a[pos], (s->nargs - pos) * sizeof(*a));
	a[pos] = (struct tl_argvals){.index = index};
	s->nargs++;
	return &a[pos];
}

static int check_index(const struct tl_syscall *s, uint32_t index)
{
	if (index > TL_ARG_INDEX_MAX)
		return tl_err(EINVAL, "%s: argument index %" PRIu32 " is out of range (0 to 5)",
		              s->name ? s->name : "?", index);
	return 0;
}

/*
 * Keep the TL_ARGVALS_MAX smallest distinct values: then the kept set does not
 * depend on the order values were seen or traces merged.
 */
int tl_syscall_add_argval(struct tl_syscall *s, uint32_t index, uint64_t value)
{
	struct tl_argvals *a;
	size_t lo = 0, hi;
	uint64_t *v;
	int r;

	if ((r = check_index(s, index)))
		return r;
	if (!(a = argvals_get(s, index)))
		return tl_err(ENOMEM, "out of memory");
	hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->values[mid] == value)
			return 0;
		if (a->values[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (a->n >= TL_ARGVALS_MAX) {
		a->overflow = true;
		if (lo >= a->n)
			return 0; /* larger than every kept value */
		a->n--;           /* drop the largest to make room */
	} else {
		v = realloc(a->values, (a->n + 1) * sizeof(*v));
		if (!v)
			return tl_err(ENOMEM, "out of memory");
		a->values = v;
	}
	memmove(&a->values[lo + 1], &a->values[lo], (a->n - lo) * sizeof(*a->values));
	a->values[lo] = value;
	a->n++;
	return 0;
}

int tl_syscall_set_arg_overflow(struct tl_syscall *s, uint32_t index)
{
	struct tl_argvals *a;
	int r;

	if ((r = check_index(s, index)))
		return r;
	if (!(a = argvals_get(s, index)))
		return tl_err(ENOMEM, "out of memory");
	a->overflow = true;
	return 0;
}

const struct tl_argvals *tl_syscall_argvals(const struct tl_syscall *s, uint32_t index)
{
	for (size_t i = 0; s && i < s->nargs; i++)
		if (s->args[i].index == index)
			return &s->args[i];
	return NULL;
}

void tl_syscall_args_free(struct tl_syscall *s)
{
	for (size_t i = 0; i < s->nargs; i++)
		free(s->args[i].values);
	free(s->args);
	s->args = NULL;
	s->nargs = 0;
}

int tl_syscall_merge_args(struct tl_syscall *dst, const struct tl_syscall *src)
{
	int r;

	for (size_t i = 0; i < src->nargs; i++) {
		const struct tl_argvals *a = &src->args[i];

		/* The argument is recorded in dst even when src saw no value. */
		if (!argvals_get(dst, a->index))
			return tl_err(ENOMEM, "out of memory");
		if (a->overflow && (r = tl_syscall_set_arg_overflow(dst, a->index)))
			return r;
		for (size_t j = 0; j < a->n; j++)
			if ((r = tl_syscall_add_argval(dst, a->index, a->values[j])))
				return r;
	}
	return 0;
}

/* ---- sorted arrays of records ------------------------------------------------ */

size_t tl_sorted_find(const void *base, size_t n, size_t size, const void *key,
                      int (*cmp)(const void *elem, const void *key), bool *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp((const char *)base + mid * size, key);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

void *tl_sorted_insert(void *base, size_t n, size_t size, size_t pos)
{
	char *p = realloc(base, (n + 1) * size);

	if (!p)
		return NULL;
	memmove(p + (pos + 1) * size, p + pos * size, (n - pos) * size);
	memset(p + pos * size, 0, size);
	return p;
}

static int cmp_i32(int32_t a, int32_t b)
{
	return a < b ? -1 : a > b;
}

static int file_cmp(const void *e, const void *k)
{
	const struct tl_file *a = e, *b = k;
	int c = strcmp(a->path, b->path);

	return c ? c : strcmp(a->program, b->program);
}

int tl_trace_add_file(struct tl_trace *t, const char *path, const char *program, uint32_t access,
                      uint64_t count)
{
	struct tl_file key = {.path = (char *)path, .program = (char *)(program ? program : "")};
	struct tl_file *f;
	size_t pos;
	bool found;
	char *p, *q;

	if (!path)
		return tl_err(EINVAL, "file record without a path");
	if (access >> TL_ACC_COUNT_BITS)
		return tl_err(EINVAL, "%s: invalid access bits 0x%" PRIx32, path, access);
	pos = tl_sorted_find(t->files, t->nfiles, sizeof(*t->files), &key, file_cmp, &found);
	if (found) {
		t->files[pos].access |= access;
		t->files[pos].count = sat_add(t->files[pos].count, count);
		return 0;
	}
	p = strdup(path);
	q = strdup(key.program);
	f = p && q ? tl_sorted_insert(t->files, t->nfiles, sizeof(*f), pos) : NULL;
	if (!f) {
		free(p);
		free(q);
		return tl_err(ENOMEM, "out of memory");
	}
	t->files = f;
	f[pos] = (struct tl_file){.path = p, .program = q, .access = access, .count = count};
	t->nfiles++;
	return 0;
}

static int cap_cmp(const void *e, const void *k)
{
	const struct tl_cap *a = e, *b = k;
	int c = cmp_i32(a->cap, b->cap);

	return c ? c : strcmp(a->program, b->program);
}

int tl_trace_add_cap(struct tl_trace *t, int32_t cap, const char *program, uint64_t granted,
                     uint64_t denied)
{
	struct tl_cap key = {.cap = cap, .program = (char *)(program ? program : "")};
	struct tl_cap *c;
	size_t pos;
	bool found;
	char *q;

	if (cap < 0)
		return tl_err(EINVAL, "invalid capability number %" PRId32, cap);
	pos = tl_sorted_find(t->caps, t->ncaps, sizeof(*t->caps), &key, cap_cmp, &found);
	if (found) {
		t->caps[pos].granted = sat_add(t->caps[pos].granted, granted);
		t->caps[pos].denied = sat_add(t->caps[pos].denied, denied);
		return 0;
	}
	q = strdup(key.program);
	c = q ? tl_sorted_insert(t->caps, t->ncaps, sizeof(*c), pos) : NULL;
	if (!c) {
		free(q);
		return tl_err(ENOMEM, "out of memory");
	}
	t->caps = c;
	c[pos] = (struct tl_cap){.cap = cap, .program = q, .granted = granted, .denied = denied};
	t->ncaps++;
	return 0;
}

static int net_cmp(const void *e, const void *k)
{
	const struct tl_net *a = e, *b = k;
	int c = cmp_i32(a->family, b->family);

	if (!c)
		c = cmp_i32(a->type, b->type);
	if (!c)
		c = cmp_i32(a->protocol, b->protocol);
	return c ? c : strcmp(a->program, b->program);
}

int tl_trace_add_net(struct tl_trace *t, int32_t family, int32_t type, int32_t protocol,
                     const char *program, uint64_t count)
{
	struct tl_net key = {.family = family,
	                     .type = type,
	                     .protocol = protocol,
	                     .program = (char *)(program ? program : "")};
	struct tl_net *n;
	size_t pos;
	bool found;
	char *q;

	pos = tl_sorted_find(t->net, t->nnet, sizeof(*t->net), &key, net_cmp, &found);
	if (found) {
		t->net[pos].count = sat_add(t->net[pos].count, count);
		return 0;
	}
	q = strdup(key.program);
	n = q ? tl_sorted_insert(t->net, t->nnet, sizeof(*n), pos) : NULL;
	if (!n) {
		free(q);
		return tl_err(ENOMEM, "out of memory");
	}
	t->net = n;
	key.program = q;
	key.count = count;
	n[pos] = key;
	t->nnet++;
	return 0;
}

/* NULL detail (the syscall's first call) sorts before every detail. */
static int callsite_cmp(const void *e, const void *k)
{
	const struct tl_callsite *a = e, *b = k;
	int c = a->abi < b->abi ? -1 : a->abi > b->abi;

	if (!c)
		c = strcmp(a->syscall, b->syscall);
	if (!c && (a->detail || b->detail))
		c = !a->detail ? -1 : !b->detail ? 1 : strcmp(a->detail, b->detail);
	return c ? c : strcmp(a->program, b->program);
}

void tl_callsite_free(struct tl_callsite *c)
{
	if (!c)
		return;
	free(c->syscall);
	free(c->detail);
	free(c->program);
	for (size_t i = 0; i < c->nframes; i++) {
		free(c->frames[i].file);
		free(c->frames[i].build_id);
		free(c->frames[i].symbol);
	}
	free(c->frames);
	memset(c, 0, sizeof(*c));
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -ENOMEM : 0;
}

static int callsite_copy(struct tl_callsite *d, const struct tl_callsite *s)
{
	memset(d, 0, sizeof(*d));
	d->abi = s->abi;
	if (dup_str(&d->syscall, s->syscall) || dup_str(&d->detail, s->detail) ||
	    dup_str(&d->program, s->program ? s->program : ""))
		goto oom;
	if (s->nframes) {
		d->frames = calloc(s->nframes, sizeof(*d->frames));
		if (!d->frames)
			goto oom;
		d->nframes = s->nframes;
		for (size_t i = 0; i < s->nframes; i++) {
			const struct tl_frame *f = &s->frames[i];
			struct tl_frame *g = &d->frames[i];

			g->offset = f->offset;
			g->symoff = f->symoff;
			if (dup_str(&g->file, f->file) || dup_str(&g->build_id, f->build_id) ||
			    dup_str(&g->symbol, f->symbol))
				goto oom;
		}
	}
	return 0;
oom:
	tl_callsite_free(d);
	return tl_err(ENOMEM, "out of memory");
}

int tl_trace_add_callsite(struct tl_trace *t, const struct tl_callsite *c)
{
	struct tl_callsite key, *cs;
	size_t pos;
	bool found;
	int r;

	if (c->abi >= TL_ABI_COUNT)
		return tl_err(EINVAL, "callsite with an invalid ABI %" PRIu32, c->abi);
	if (!c->syscall)
		return tl_err(EINVAL, "callsite without a syscall");
	key = *c;
	if (!key.program)
		key.program = "";
	pos = tl_sorted_find(t->callsites, t->ncallsites, sizeof(*t->callsites), &key, callsite_cmp,
	                     &found);
	if (found)
		return 0; /* the first one is kept */
	if ((r = callsite_copy(&key, c)))
		return r;
	cs = tl_sorted_insert(t->callsites, t->ncallsites, sizeof(*cs), pos);
	if (!cs) {
		tl_callsite_free(&key);
		return tl_err(ENOMEM, "out of memory");
	}
	t->callsites = cs;
	cs[pos] = key;
	t->ncallsites++;
	return 0;
}

void tl_trace_ext_free(struct tl_trace *t)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].path);
		free(t->files[i].program);
	}
	free(t->files);
	for (size_t i = 0; i < t->ncaps; i++)
		free(t->caps[i].program);
	free(t->caps);
	for (size_t i = 0; i < t->nnet; i++)
		free(t->net[i].program);
	free(t->net);
	for (size_t i = 0; i < t->ncallsites; i++)
		tl_callsite_free(&t->callsites[i]);
	free(t->callsites);
	t->files = NULL;
	t->caps = NULL;
	t->net = NULL;
	t->callsites = NULL;
	t->nfiles = t->ncaps = t->nnet = t->ncallsites = 0;
}

int tl_trace_ext_merge(struct tl_trace *dst, const struct tl_trace *src)
{
	int r;

	for (size_t i = 0; i < src->nfiles; i++) {
		const struct tl_file *f = &src->files[i];

		if ((r = tl_trace_add_file(dst, f->path, f->program, f->access, f->count)))
			return r;
	}
	for (size_t i = 0; i < src->ncaps; i++) {
		const struct tl_cap *c = &src->caps[i];

		if ((r = tl_trace_add_cap(dst, c->cap, c->program, c->granted, c->denied)))
			return r;
	}
	for (size_t i = 0; i < src->nnet; i++) {
		const struct tl_net *n = &src->net[i];

		if ((r = tl_trace_add_net(dst, n->family, n->type, n->protocol, n->program,
		                          n->count)))
			return r;
	}
	for (size_t i = 0; i < src->ncallsites; i++)
		if ((r = tl_trace_add_callsite(dst, &src->callsites[i])))
			return r;
	return 0;
}

/* ---- JSON writer ------------------------------------------------------------- */

static struct json_object *new_object(bool *oom)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		*oom = true;
	return o;
}

void tl_syscall_args_to_json(struct json_object *o, const struct tl_syscall *s, bool *oom)
{
	struct json_object *args;

	if (!s->nargs)
		return;
	args = new_object(oom);
	for (size_t i = 0; args && i < s->nargs; i++) {
		const struct tl_argvals *a = &s->args[i];
		struct json_object *ao = new_object(oom), *vals = json_object_new_array();
		char key[16];

		for (size_t j = 0; vals && j < a->n; j++)
			tl_json_append(vals, json_object_new_uint64(a->values[j]), oom);
		if (ao) {
			tl_json_put(ao, "values", vals, oom);
			tl_json_put(ao, "overflow", json_object_new_boolean(a->overflow), oom);
		} else {
			json_object_put(vals);
		}
		snprintf(key, sizeof(key), "%" PRIu32, a->index);
		tl_json_put(args, key, ao, oom);
	}
	tl_json_put(o, "args", args, oom);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void tl_run_features_to_json(struct json_object *o, const struct tl_run *r, bool *oom)
{
	size_t n = r->features ? tl_strv_len(r->features) : 0;
	struct json_object *a;
	const char **v;

	if (!n)
		return; /* not recorded, or nothing beyond syscalls: omitted */
	v = malloc(n * sizeof(*v));
	a = json_object_new_array();
	if (!v || !a) {
		free(v);
		json_object_put(a);
		*oom = true;
		return;
	}
	memcpy(v, r->features, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_strp);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i - 1], v[i]))
			tl_json_append(a, json_object_new_string(v[i]), oom);
	free(v);
	tl_json_put(o, "features", a, oom);
}

static struct json_object *access_to_json(uint32_t access, bool *oom)
{
	struct json_object *a = json_object_new_array();

	if (!a)
		*oom = true;
	for (unsigned b = 0; a && b < TL_ACC_COUNT_BITS; b++)
		if (access & (1u << b))
			tl_json_append(a, json_object_new_string(access_names[b]), oom);
	return a;
}

static struct json_object *name_or_int(const char *name, int32_t v)
{
	return name ? json_object_new_string(name) : json_object_new_int(v);
}

static struct json_object *family_to_json(int32_t family)
{
	const char *n = tl_family_name(family);
	char buf[32];

	if (n)
		return json_object_new_string(n);
	snprintf(buf, sizeof(buf), "af_%" PRId32, family);
	return json_object_new_string(buf);
}

static struct json_object *frame_to_json(const struct tl_frame *f, bool *oom)
{
	struct json_object *o = new_object(oom);

	if (!o)
		return NULL;
	if (f->file)
		tl_json_put(o, "file", json_object_new_string(f->file), oom);
	if (f->build_id)
		tl_json_put(o, "build_id", json_object_new_string(f->build_id), oom);
	tl_json_put(o, "offset", json_object_new_uint64(f->offset), oom);
	if (f->symbol)
		tl_json_put(o, "symbol", json_object_new_string(f->symbol), oom);
	tl_json_put(o, "symoff", json_object_new_uint64(f->symoff), oom);
	return o;
}

static struct json_object *callsite_to_json(const struct tl_callsite *c, bool *oom)
{
	struct json_object *o = new_object(oom), *frames;

	if (!o)
		return NULL;
	tl_json_put(o, "abi", json_object_new_string(tl_abi_name((enum tl_abi)c->abi)), oom);
	tl_json_put(o, "syscall", json_object_new_string(c->syscall), oom);
	if (c->detail)
		tl_json_put(o, "detail", json_object_new_string(c->detail), oom);
	tl_json_put(o, "program", json_object_new_string(c->program ? c->program : ""), oom);
	frames = json_object_new_array();
	for (size_t i = 0; frames && i < c->nframes; i++)
		tl_json_append(frames, frame_to_json(&c->frames[i], oom), oom);
	tl_json_put(o, "frames", frames, oom);
	return o;
}

void tl_trace_ext_to_json(struct json_object *root, const struct tl_trace *t, bool *oom)
{
	struct json_object *a;

	if (t->nfiles) {
		a = json_object_new_array();
		for (size_t i = 0; a && i < t->nfiles; i++) {
			const struct tl_file *f = &t->files[i];
			struct json_object *o = new_object(oom);

			if (o) {
				tl_json_put(o, "path", json_object_new_string(f->path), oom);
				tl_json_put(o, "program", json_object_new_string(f->program), oom);
				tl_json_put(o, "access", access_to_json(f->access, oom), oom);
				tl_json_put(o, "count", json_object_new_uint64(f->count), oom);
			}
			tl_json_append(a, o, oom);
		}
		tl_json_put(root, "files", a, oom);
	}
	if (t->ncaps) {
		a = json_object_new_array();
		for (size_t i = 0; a && i < t->ncaps; i++) {
			const struct tl_cap *c = &t->caps[i];
			struct json_object *o = new_object(oom);

			if (o) {
				tl_json_put(o, "cap", name_or_int(tl_cap_name(c->cap), c->cap),
				            oom);
				tl_json_put(o, "program", json_object_new_string(c->program), oom);
				tl_json_put(o, "granted", json_object_new_uint64(c->granted), oom);
				tl_json_put(o, "denied", json_object_new_uint64(c->denied), oom);
			}
			tl_json_append(a, o, oom);
		}
		tl_json_put(root, "capabilities", a, oom);
	}
	if (t->nnet) {
		a = json_object_new_array();
		for (size_t i = 0; a && i < t->nnet; i++) {
			const struct tl_net *n = &t->net[i];
			struct json_object *o = new_object(oom);

			if (o) {
				tl_json_put(o, "family", family_to_json(n->family), oom);
				tl_json_put(o, "type",
				            name_or_int(tl_socktype_name(n->type), n->type), oom);
				tl_json_put(o, "protocol", json_object_new_int(n->protocol), oom);
				tl_json_put(o, "program", json_object_new_string(n->program), oom);
				tl_json_put(o, "count", json_object_new_uint64(n->count), oom);
			}
			tl_json_append(a, o, oom);
		}
		tl_json_put(root, "network", a, oom);
	}
	if (t->ncallsites) {
		a = json_object_new_array();
		for (size_t i = 0; a && i < t->ncallsites; i++)
			tl_json_append(a, callsite_to_json(&t->callsites[i], oom), oom);
		tl_json_put(root, "callsites", a, oom);
	}
}

/* ---- JSON reader ------------------------------------------------------------- */

/* The reader's place, for error messages: "FILE: files[2].access[0]: why". */
static void xrd_init(struct tl_json_rd *rd, const char *file, const char *path)
{
	rd->file = file ? file : "trace";
	snprintf(rd->path, sizeof(rd->path), "%s", path ? path : "");
}

static size_t push_idx(struct tl_json_rd *rd, size_t i)
{
	return tl_json_rd_push(rd, "[%zu]", i);
}

/* Required / optional fields of an object: the key is on the path while checking. */
static int field(struct tl_json_rd *rd, struct json_object *o, const char *key, bool required,
                 struct json_object **v)
{
	if (required)
		return tl_json_need(rd, o, key, v);
	if (!json_object_object_get_ex(o, key, v))
		*v = NULL;
	return 0;
}

static int want_i32(struct tl_json_rd *rd, struct json_object *v, const char *key, int32_t min,
                    int32_t *out)
{
	int64_t x;
	int r = tl_json_get_int(rd, v, key, min, INT32_MAX, &x);

	if (!r)
		*out = (int32_t)x;
	return r;
}

static int req_u64(struct tl_json_rd *rd, struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v;
	int r = field(rd, o, key, true, &v);

	return r ? r : tl_json_get_u64(rd, v, key, out);
}

static int opt_u64(struct tl_json_rd *rd, struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v;

	*out = 0;
	field(rd, o, key, false, &v);
	return v ? tl_json_get_u64(rd, v, key, out) : 0;
}

static int req_str(struct tl_json_rd *rd, struct json_object *o, const char *key, const char **out)
{
	struct json_object *v;
	int r = field(rd, o, key, true, &v);

	return r ? r : tl_json_get_str(rd, v, key, out);
}

/* Optional string; null reads as absent (*out NULL). */
static int opt_str(struct tl_json_rd *rd, struct json_object *o, const char *key, const char **out)
{
	struct json_object *v;

	*out = NULL;
	field(rd, o, key, false, &v);
	if (!v || json_object_is_type(v, json_type_null))
		return 0;
	return tl_json_get_str(rd, v, key, out);
}

int tl_syscall_args_from_json(const char *file, const char *path, struct json_object *o,
                              struct tl_syscall *s)
{
	struct json_object *args;
	struct tl_json_rd rd;
	size_t old;
	int r;

	if (!json_object_object_get_ex(o, "args", &args))
		return 0;
	xrd_init(&rd, file, path);
	old = tl_json_rd_key(&rd, "args");
	if ((r = tl_json_get_type(&rd, args, NULL, json_type_object, "an object")))
		return r;
	json_object_object_foreach(args, key, ao)
	{
		struct json_object *vals, *ov;
		size_t old2 = tl_json_rd_key(&rd, key), old3, n;
		struct tl_argvals *a;
		uint32_t index;

		if (key[0] < '0' || key[0] > '0' + TL_ARG_INDEX_MAX || key[1])
			return tl_json_rd_err(&rd, "not an argument index (0 to 5)");
		index = (uint32_t)(key[0] - '0');
		if ((r = tl_json_get_type(&rd, ao, NULL, json_type_object, "an object")) ||
		    (r = field(&rd, ao, "values", true, &vals)))
			return r;
		old3 = tl_json_rd_key(&rd, "values");
		if ((r = tl_json_get_type(&rd, vals, NULL, json_type_array, "an array")))
			return r;
		n = json_object_array_length(vals);
		if (n > TL_ARGVALS_MAX)
			return tl_json_rd_err(&rd, "%zu values, more than the %d kept per argument",
			                      n, TL_ARGVALS_MAX);
		if (!(a = argvals_get(s, index)))
			return tl_err(ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			size_t old4 = push_idx(&rd, i);
			uint64_t v = 0;

			if ((r = tl_json_get_u64(&rd, json_object_array_get_idx(vals, i), NULL,
			                         &v)))
				return r;
			for (size_t j = 0; j < a->n; j++)
				if (a->values[j] == v)
					return tl_json_rd_err(&rd, "value %" PRIu64 " listed twice",
					                      v);
			if ((r = tl_syscall_add_argval(s, index, v)))
				return r;
			tl_json_rd_pop(&rd, old4);
		}
		tl_json_rd_pop(&rd, old3);
		if (json_object_object_get_ex(ao, "overflow", &ov)) {
			if ((r = tl_json_get_type(&rd, ov, "overflow", json_type_boolean,
			                          "a boolean")))
				return r;
			if (json_object_get_boolean(ov) &&
			    (r = tl_syscall_set_arg_overflow(s, index)))
				return r;
		}
		tl_json_rd_pop(&rd, old2);
	}
	tl_json_rd_pop(&rd, old);
	return 0;
}

int tl_run_features_from_json(const char *file, const char *path, struct json_object *o,
                              struct tl_run *run)
{
	struct json_object *a;
	struct tl_json_rd rd;
	size_t n;
	int r;

	if (!json_object_object_get_ex(o, "features", &a) || json_object_is_type(a, json_type_null))
		return 0;
	xrd_init(&rd, file, path);
	tl_json_rd_key(&rd, "features");
	if ((r = tl_json_get_type(&rd, a, NULL, json_type_array, "an array of strings")))
		return r;
	n = json_object_array_length(a);
	if (!n)
		return 0;
	tl_strv_free(run->features);
	run->features = calloc(n + 1, sizeof(*run->features));
	if (!run->features)
		return tl_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t old = push_idx(&rd, i);
		const char *s;

		if ((r = tl_json_get_str(&rd, json_object_array_get_idx(a, i), NULL, &s)))
			return r;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(run->features[j], s))
				return tl_json_rd_err(&rd, "\"%s\" listed twice", s);
		if (!(run->features[i] = strdup(s)))
			return tl_err(ENOMEM, "out of memory");
		tl_json_rd_pop(&rd, old);
	}
	qsort(run->features, n, sizeof(*run->features), cmp_strp);
	return 0;
}

/* A top-level array: absent is empty; each element must be an object. */
static int read_list(struct tl_json_rd *rd, struct json_object *root, const char *key,
                     struct tl_trace *t,
                     int (*one)(struct tl_json_rd *, struct json_object *, struct tl_trace *))
{
	struct json_object *a;
	size_t old;
	int r;

	if (!json_object_object_get_ex(root, key, &a))
		return 0;
	old = tl_json_rd_key(rd, key);
	if ((r = tl_json_get_type(rd, a, NULL, json_type_array, "an array")))
		return r;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		size_t old2 = push_idx(rd, i);

		if ((r = tl_json_get_type(rd, o, NULL, json_type_object, "an object")) ||
		    (r = one(rd, o, t)))
			return r;
		tl_json_rd_pop(rd, old2);
	}
	tl_json_rd_pop(rd, old);
	return 0;
}

static int read_file_rec(struct tl_json_rd *rd, struct json_object *o, struct tl_trace *t)
{
	struct json_object *acc;
	const char *path, *program;
	uint32_t access = 0;
	uint64_t count;
	size_t old;
	int r;

	if ((r = req_str(rd, o, "path", &path)) || (r = opt_str(rd, o, "program", &program)) ||
	    (r = field(rd, o, "access", true, &acc)))
		return r;
	old = tl_json_rd_key(rd, "access");
	if ((r = tl_json_get_type(rd, acc, NULL, json_type_array, "an array of strings")))
		return r;
	for (size_t i = 0; i < json_object_array_length(acc); i++) {
		size_t old2 = push_idx(rd, i);
		const char *name;
		int bit;

		if ((r = tl_json_get_str(rd, json_object_array_get_idx(acc, i), NULL, &name)))
			return r;
		if ((bit = tl_access_from_name(name)) < 0)
			return tl_json_rd_err(rd, "unknown access \"%s\"", name);
		if (access & (uint32_t)bit)
			return tl_json_rd_err(rd, "access \"%s\" listed twice", name);
		access |= (uint32_t)bit;
		tl_json_rd_pop(rd, old2);
	}
	tl_json_rd_pop(rd, old);
	if ((r = req_u64(rd, o, "count", &count)))
		return r;
	return tl_trace_add_file(t, path, program, access, count);
}

/* A name (looked up with from_name) or an integer >= min; `what` names the kind. */
static int read_named(struct tl_json_rd *rd, struct json_object *o, const char *key,
                      const char *what, int (*from_name)(const char *), int32_t min, int32_t *out)
{
	struct json_object *v;
	const char *s;
	int r;

	if ((r = field(rd, o, key, true, &v)))
		return r;
	if (json_object_is_type(v, json_type_int))
		return want_i32(rd, v, key, min, out);
	if (!json_object_is_type(v, json_type_string)) {
		tl_json_rd_key(rd, key);
		return tl_json_rd_err(rd, "expected a name or an integer, got %s",
		                      tl_json_type_name(v));
	}
	if ((r = tl_json_get_str(rd, v, key, &s)))
		return r;
	if ((r = from_name(s)) < 0) {
		tl_json_rd_key(rd, key);
		return tl_json_rd_err(rd, "unknown %s \"%s\"", what, s);
	}
	*out = r;
	return 0;
}

static int read_cap_rec(struct tl_json_rd *rd, struct json_object *o, struct tl_trace *t)
{
	const char *program;
	uint64_t granted, denied;
	int32_t cap = 0; /* -O3 cannot see that read_named sets it on success */
	int r;

	if ((r = read_named(rd, o, "cap", "capability", tl_cap_from_name, 0, &cap)) ||
	    (r = opt_str(rd, o, "program", &program)) ||
	    (r = req_u64(rd, o, "granted", &granted)) || (r = req_u64(rd, o, "denied", &denied)))
		return r;
	return tl_trace_add_cap(t, cap, program, granted, denied);
}

static int read_net_rec(struct tl_json_rd *rd, struct json_object *o, struct tl_trace *t)
{
	struct json_object *v;
	const char *program;
	int32_t family = 0, type = 0, protocol; /* read_named: set on success (-O3 cannot tell) */
	uint64_t count;
	int r;

	if ((r = read_named(rd, o, "family", "address family", tl_family_from_name, 0, &family)) ||
	    (r = read_named(rd, o, "type", "socket type", tl_socktype_from_name, 0, &type)) ||
	    (r = field(rd, o, "protocol", true, &v)) ||
	    (r = want_i32(rd, v, "protocol", INT32_MIN, &protocol)) ||
	    (r = opt_str(rd, o, "program", &program)) || (r = req_u64(rd, o, "count", &count)))
		return r;
	return tl_trace_add_net(t, family, type, protocol, program, count);
}

static bool is_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static int read_frame(struct tl_json_rd *rd, struct json_object *o, struct tl_frame *f)
{
	const char *file, *build_id, *symbol;
	int r;

	if ((r = tl_json_get_type(rd, o, NULL, json_type_object, "an object")) ||
	    (r = opt_str(rd, o, "file", &file)) || (r = opt_str(rd, o, "build_id", &build_id)) ||
	    (r = req_u64(rd, o, "offset", &f->offset)) || (r = opt_str(rd, o, "symbol", &symbol)) ||
	    (r = opt_u64(rd, o, "symoff", &f->symoff)))
		return r;
	if (build_id && !is_hex(build_id)) {
		tl_json_rd_key(rd, "build_id");
		return tl_json_rd_err(rd, "expected hexadecimal digits");
	}
	if (dup_str(&f->file, file) || dup_str(&f->build_id, build_id) ||
	    dup_str(&f->symbol, symbol))
		return tl_err(ENOMEM, "out of memory");
	return 0;
}

static bool nr_name(const char *name)
{
	int32_t v;

	return !strncmp(name, "__nr_", 5) && name[5] >= '0' && name[5] <= '9' &&
	       parse_i32(name + 5, &v);
}

static int read_callsite_rec(struct tl_json_rd *rd, struct json_object *o, struct tl_trace *t)
{
	struct tl_callsite c = {0};
	struct json_object *frames;
	const char *abi_name, *sys, *detail, *program;
	size_t old;
	int abi, r;

	if ((r = req_str(rd, o, "abi", &abi_name)))
		return r;
	if ((abi = tl_abi_from_name(abi_name)) < 0) {
		tl_json_rd_key(rd, "abi");
		return tl_json_rd_err(rd, "unknown ABI \"%s\" (expected x86_64, x86 or x32)",
		                      abi_name);
	}
	if ((r = req_str(rd, o, "syscall", &sys)))
		return r;
	if (!nr_name(sys) && !tl_syscall_known((enum tl_abi)abi, sys)) {
		tl_json_rd_key(rd, "syscall");
		return tl_json_rd_err(rd, "unknown syscall \"%s\" for %s", sys, abi_name);
	}
	if ((r = opt_str(rd, o, "detail", &detail)) || (r = opt_str(rd, o, "program", &program)) ||
	    (r = field(rd, o, "frames", true, &frames)))
		return r;
	old = tl_json_rd_key(rd, "frames");
	if ((r = tl_json_get_type(rd, frames, NULL, json_type_array, "an array")))
		return r;
	c.abi = (uint32_t)abi;
	c.syscall = (char *)sys;
	c.detail = (char *)detail;
	c.program = (char *)program;
	c.nframes = json_object_array_length(frames);
	if (c.nframes && !(c.frames = calloc(c.nframes, sizeof(*c.frames))))
		return tl_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < c.nframes; i++) {
		size_t old2 = push_idx(rd, i);

		if ((r = read_frame(rd, json_object_array_get_idx(frames, i), &c.frames[i])))
			goto out;
		tl_json_rd_pop(rd, old2);
	}
	tl_json_rd_pop(rd, old);
	r = tl_trace_add_callsite(t, &c);
out:
	/* The strings of c belong to json-c; only the frames were allocated here. */
	c.syscall = c.detail = c.program = NULL;
	tl_callsite_free(&c);
	return r;
}

int tl_trace_ext_from_json(const char *file, struct json_object *root, struct tl_trace *t)
{
	struct tl_json_rd rd;
	int r;

	xrd_init(&rd, file, "");
	if ((r = read_list(&rd, root, "files", t, read_file_rec)) ||
	    (r = read_list(&rd, root, "capabilities", t, read_cap_rec)) ||
	    (r = read_list(&rd, root, "network", t, read_net_rec)) ||
	    (r = read_list(&rd, root, "callsites", t, read_callsite_rec)))
		return r;
	return 0;
}
