// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's BTF for libbpf: parsed once, from a mapping of
 * /sys/kernel/btf/vmlinux, reduced to what tailor's BPF objects look up,
 * and shared.
 *
 * libbpf parses the kernel's BTF once per BPF object it loads (tailor loads
 * two, in two threads: tracer.c, files.c), by btf__load_vmlinux_btf(), and
 * frees it when the load is done.  Up to libbpf 1.5 that reads the 5-6 MB
 * file, which sysfs hands out 4 KiB per read(2), then copies it; then each
 * CO-RE relocation's type is looked for by name among all ~127 000 types
 * (~1 ms each, ~40 of them).  On a PVM guest, where every kernel entry
 * flushes the TLB and the first touch of a page costs ~10 us, that was
 * ~60 ms of the ~100 ms start-up (measured).
 *
 * libbpf calls the function through its PLT, so this definition in the
 * executable takes its place, with the same contract: a new struct btf the
 * caller frees.  It is an empty split BTF on top of one shared base, kept
 * for the process's life.  The base is built in a thread started when the
 * tracer opens (tl_kbtf_prepare), while the skeletons are opened:
 *
 *  - the objects registered there name what libbpf will look up: every
 *    named struct, union, enum, typedef, int or float of their BTF (among
 *    them the types their CO-RE relocations start from, in .BTF.ext; by the
 *    name without its ___flavour), their extern functions and variables
 *    (kfuncs, ksyms), and their programs' attach targets
 *    (tp_btf/X: btf_trace_X; iter/X: bpf_iter_X; fentry/X: X; lsm/X:
 *    bpf_lsm_X);
 *  - every kernel type so named keeps its id (the kernel sees attach, kfunc
 *    and target type ids), as does every type below the highest of those;
 *    what they need follows, renumbered: the types they embed, whole, and
 *    those they point to, a struct or union there without its members (a
 *    CO-RE relocation matches a pointer's target by its kind only);
 *  - the other ids below the highest become anonymous `void *`.
 *
 * libbpf then copies ~1 MB instead of 5.5, and its candidate searches pass
 * anonymous pointers.  The relocations come out the same: the same
 * candidates, under the same ids, with the same members (tests/unit/
 * test_kbtf.c; tests/live/test_record.sh compares libbpf's relocation log
 * with and without).  What libbpf will look for and the kernel's BTF lacks
 * (a relocation's type, a kfunc, an attach target), it looks for in the
 * modules' BTF, which is split on the kernel's: then the BTF stays whole.
 * TAILOR_KBTF=full keeps it whole too, as does anything this code does
 * not know (a new BTF kind, struct_ops).  A file that cannot be mapped
 * (Linux < 6.16, BTF only in /boot/vmlinux-*) leaves it to libbpf's own
 * function, once per object as before.
 */
#include <bpf/btf.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer_int.h"

#define KBTF_PATH                    "/sys/kernel/btf/vmlinux"
#define KBTF_MAX_OBJS                8
#define KBTF_STRIDE                  16
#define KBTF_PRE_BITS                16
#define KBTF_INFO(kind, kflag, vlen) ((uint32_t)(kflag) << 31 | (uint32_t)(kind) << 24 | (vlen))

static struct tl_kbtf_obj kbtf_objs[KBTF_MAX_OBJS];
static size_t kbtf_nobjs;
static pthread_once_t kbtf_once = PTHREAD_ONCE_INIT;
static struct btf *kbtf_base; /* NULL: not mapped or not parsed, libbpf's way */

/* ---- what the objects look up ------------------------------------------------------- */

/* A name libbpf will look for, and the kinds it accepts (BTF_KIND_ENUM: either enum). */
struct kbtf_want {
	char *name;
	uint32_t len;
	uint8_t kind;
	bool required; /* libbpf will look for it: a CO-RE root, an extern, an attach target */
	bool found;    /* in the kernel's BTF */
};

struct kbtf_wants {
	struct kbtf_want *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1, open addressing */
	uint32_t mask;
	uint64_t pre[(1 << KBTF_PRE_BITS) / 64]; /* prefix_bit() of each */
};

static uint8_t kind_class(uint8_t kind)
{
	return kind == BTF_KIND_ENUM64 ? BTF_KIND_ENUM : kind;
}

/* Kinds a CO-RE relocation may start from: looked for by the name without its ___flavour. */
static bool core_kind(uint8_t kind)
{
	switch (kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return true;
	default:
		return false;
	}
}

/* libbpf's bpf_core_essential_name_len(): the name without its last ___flavour. */
static uint32_t essential_len(const char *name, size_t n)
{
	size_t i;

	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return (uint32_t)i + 1;
	return (uint32_t)n;
}

static uint32_t want_hash(const char *name, uint32_t len, uint8_t kind)
{
	uint32_t h = 2166136261u ^ kind;

	while (len--)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

static int want_add(struct kbtf_wants *w, const char *name, size_t len, uint8_t kind, bool required)
{
	struct kbtf_want *v;

	if (!len)
		return 0;
	if (w->n == w->cap) {
		v = realloc(w->v, (w->cap ? w->cap * 2 : 256) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = w->cap ? w->cap * 2 : 256;
	}
	v = &w->v[w->n];
	v->name = strndup(name, len);
	if (!v->name)
		return -ENOMEM;
	v->len = (uint32_t)len;
	v->kind = kind_class(kind);
	v->required = required;
	v->found = false;
	w->n++;
	return 0;
}

/* A name's first four bytes (fewer if shorter) and kind: a bit of wants->pre. */
static uint32_t prefix_bit(const char *name, uint8_t kind)
{
	uint32_t h = kind;
	int i;

	for (i = 0; i < 4 && name[i]; i++)
		h = h << 8 | (unsigned char)name[i];
	return (h * 0x9E3779B1u) >> (32 - KBTF_PRE_BITS);
}

static struct kbtf_want *wants_find(const struct kbtf_wants *w, const char *name, uint32_t len,
                                    uint8_t kind);

/* Hash the names, one entry per name and kind (required if any copy is). */
static int wants_index(struct kbtf_wants *w)
{
	struct kbtf_want *dup;
	uint32_t size = 64, i, h;

	while (size < w->n * 4)
		size *= 2;
	w->slot = calloc(size, sizeof(*w->slot));
	if (!w->slot)
		return -ENOMEM;
	w->mask = size - 1;
	for (i = 0; i < w->n; i++) {
		dup = wants_find(w, w->v[i].name, w->v[i].len, w->v[i].kind);
		if (dup) {
			dup->required |= w->v[i].required;
			continue;
		}
		h = want_hash(w->v[i].name, w->v[i].len, w->v[i].kind) & w->mask;
		while (w->slot[h])
			h = (h + 1) & w->mask;
		w->slot[h] = i + 1;
		h = prefix_bit(w->v[i].name, w->v[i].kind);
		w->pre[h / 64] |= 1ull << h % 64;
	}
	return 0;
}

static struct kbtf_want *wants_find(const struct kbtf_wants *w, const char *name, uint32_t len,
                                    uint8_t kind)
{
	uint32_t h = want_hash(name, len, kind) & w->mask;
	struct kbtf_want *v;

	for (; w->slot[h]; h = (h + 1) & w->mask) {
		v = &w->v[w->slot[h] - 1];
		if (v->kind == kind && v->len == len && !memcmp(v->name, name, len))
			return v;
	}
	return NULL;
}

/*
 * Did the kernel's BTF have all libbpf will look for?  Else libbpf goes on to
 * the modules' BTF, which is split on the kernel's: it needs the whole one.
 */
static bool wants_found(const struct kbtf_wants *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].required && !w->v[i].found &&
		    wants_find(w, w->v[i].name, w->v[i].len, w->v[i].kind) == &w->v[i])
			return false;
	return true;
}

static void wants_free(struct kbtf_wants *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].name);
	free(w->v);
	free(w->slot);
}

/* Types of an object's BTF that libbpf may look for in the kernel's. */
static int wants_from_btf(struct kbtf_wants *w, const struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	const struct btf_type *t;
	const char *name;
	int err = 0;

	for (id = 1; id < n && !err; id++) {
		t = btf__type_by_id(btf, id);
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		if (core_kind(btf_kind(t))) {
			err = want_add(w, name, essential_len(name, strlen(name)), btf_kind(t),
			               false);
			continue;
		}
		switch (btf_kind(t)) {
		case BTF_KIND_FUNC: /* kfuncs */
			if (btf_vlen(t) == BTF_FUNC_EXTERN)
				err = want_add(w, name, strlen(name), BTF_KIND_FUNC, true);
			break;
		case BTF_KIND_VAR: /* typed ksyms */
			if (btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN)
				err = want_add(w, name, strlen(name), BTF_KIND_VAR, true);
			break;
		default:
			break;
		}
	}
	return err;
}

/* The attach target of a program in section SEC, as libbpf looks it up. */
static int wants_from_section(struct kbtf_wants *w, const char *sec)
{
	static const struct {
		const char *sec, *prefix;
		uint8_t kind;
	} tab[] = {
	    {"tp_btf/", "btf_trace_", BTF_KIND_TYPEDEF},
	    {"iter/", "bpf_iter_", BTF_KIND_FUNC},
	    {"iter.s/", "bpf_iter_", BTF_KIND_FUNC},
	    {"fentry/", "", BTF_KIND_FUNC},
	    {"fentry.s/", "", BTF_KIND_FUNC},
	    {"fexit/", "", BTF_KIND_FUNC},
	    {"fexit.s/", "", BTF_KIND_FUNC},
	    {"fmod_ret/", "", BTF_KIND_FUNC},
	    {"fmod_ret.s/", "", BTF_KIND_FUNC},
	    {"lsm/", "bpf_lsm_", BTF_KIND_FUNC},
	    {"lsm.s/", "bpf_lsm_", BTF_KIND_FUNC},
	    {"lsm_cgroup/", "bpf_lsm_", BTF_KIND_FUNC},
	};
	char name[256];
	size_t i, n;

	if (!strncmp(sec, "struct_ops", 10) || !strcmp(sec, ".struct_ops"))
		return -EOPNOTSUPP; /* needs the kernel's struct_ops types: the whole BTF */
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		n = strlen(tab[i].sec);
		if (strncmp(sec, tab[i].sec, n))
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s%s", tab[i].prefix, sec + n) >=
		    sizeof(name))
			return -ENAMETOOLONG;
		return want_add(w, name, strlen(name), tab[i].kind, true);
	}
	return 0;
}

/* The .BTF.ext header, up to the CO-RE relocations (libbpf's struct btf_ext_header). */
struct kbtf_ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len, line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

/* A CO-RE relocation record (struct bpf_core_relo, linux/bpf.h). */
struct kbtf_relo {
	uint32_t insn_off, type_id, access_str_off, kind;
};

#define KBTF_RELO_TYPE_ID_LOCAL 6 /* BPF_CORE_TYPE_ID_LOCAL: the object's own id */

/* The types an object's CO-RE relocations start from: libbpf looks each up by name. */
static int wants_from_relos(struct kbtf_wants *w, const struct btf *btf, const Elf_Data *ext)
{
	struct kbtf_ext_hdr h = {0};
	const char *p, *end;
	const struct btf_type *t;
	const char *name;
	uint32_t rec_size, n, i;
	struct kbtf_relo r;
	int err;

	memcpy(&h, ext->d_buf, ext->d_size < sizeof(h) ? ext->d_size : sizeof(h));
	if (ext->d_size < offsetof(struct kbtf_ext_hdr, core_relo_off) || h.magic != BTF_MAGIC ||
	    h.hdr_len > ext->d_size)
		return -EINVAL;
	if (h.hdr_len < sizeof(h) || !h.core_relo_len)
		return 0; /* no CO-RE relocations */
	if (h.core_relo_off > ext->d_size - h.hdr_len ||
	    h.core_relo_len > ext->d_size - h.hdr_len - h.core_relo_off || h.core_relo_len < 4)
		return -EINVAL;
	p = (const char *)ext->d_buf + h.hdr_len + h.core_relo_off;
	end = p + h.core_relo_len;
	memcpy(&rec_size, p, 4);
	p += 4;
	if (rec_size < sizeof(r))
		return -EINVAL;
	while (p < end) { /* per section: its name, a count, the records */
		if (end - p < 8)
			return -EINVAL;
		memcpy(&n, p + 4, 4);
		p += 8;
		if ((uint64_t)n * rec_size > (uint64_t)(end - p))
			return -EINVAL;
		for (i = 0; i < n; i++, p += rec_size) {
			memcpy(&r, p, sizeof(r));
			if (r.kind == KBTF_RELO_TYPE_ID_LOCAL)
				continue;
			t = btf__type_by_id(btf, r.type_id);
			name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
			if (!name || !*name)
				return -EINVAL; /* libbpf refuses these too */
			err =
			    want_add(w, name, essential_len(name, strlen(name)), btf_kind(t), true);
			if (err)
				return err;
		}
	}
	return 0;
}

static int wants_from_object(struct kbtf_wants *w, const struct tl_kbtf_obj *obj)
{
	Elf_Data *data, *ext = NULL;
	struct btf *btf = NULL;
	Elf_Scn *scn = NULL;
	const char *name;
	size_t shstrndx;
	GElf_Shdr sh;
	int err = 0;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory((char *)obj->elf, obj->size); /* read only, as libbpf does */
	if (!e)
		return -EINVAL;
	if (elf_getshdrstrndx(e, &shstrndx)) {
		err = -EINVAL;
		goto out;
	}
	while (!err && (scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name))) {
			err = -EINVAL;
			break;
		}
		if (!strcmp(name, ".BTF") && !btf) {
			data = elf_getdata(scn, NULL);
			btf = data ? btf__new(data->d_buf, data->d_size) : NULL;
			if (!btf) {
				err = -EINVAL;
				break;
			}
			err = wants_from_btf(w, btf);
		} else if (!strcmp(name, ".BTF.ext")) {
			ext = elf_getdata(scn, NULL);
		} else if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR)) {
			err = wants_from_section(w, name);
		} else if (!strcmp(name, ".struct_ops") || !strcmp(name, ".struct_ops.link")) {
			err = -EOPNOTSUPP;
		}
	}
	if (!err && ext)
		err = btf ? wants_from_relos(w, btf, ext) : -EINVAL;
out:
	btf__free(btf);
	elf_end(e);
	return err;
}

/* ---- the kernel's BTF, reduced -------------------------------------------------------- */

enum { M_NONE, M_SHALLOW, M_FULL }; /* what of a type is kept */

struct kbtf_red {
	const char *types, *strs; /* the kernel's sections, in the mapping */
	uint32_t types_len, strs_len;
	uint32_t n;    /* types, with void */
	uint32_t *off; /* id / KBTF_STRIDE -> offset of that id's record (id 0: of id 1) */
	uint8_t *mode; /* id -> M_* */
	uint32_t *stack, nstack;
	uint32_t top;    /* the highest id kept as it is */
	uint32_t *newid; /* id - top - 1 -> its id in the reduced BTF */
	bool bad;
};

static size_t record_size(const struct btf_type *t);

/*
 * Type id's record: from the offset kept for every KBTF_STRIDE-th id, record
 * by record (an offset per id would be 0.5 MB of fresh memory: ~2 ms here).
 */
static const struct btf_type *ktype(const struct kbtf_red *r, uint32_t id)
{
	uint32_t i = id & ~(uint32_t)(KBTF_STRIDE - 1), pos = r->off[id / KBTF_STRIDE];

	for (i = i ? i : 1; i < id; i++)
		pos += (uint32_t)record_size((const struct btf_type *)(r->types + pos));
	return (const struct btf_type *)(r->types + pos);
}

/* Bytes of a type's record; 0: a kind this code does not know. */
static size_t record_size(const struct btf_type *t)
{
	uint16_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return sizeof(*t);
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + vlen * sizeof(struct btf_var_secinfo);
	default:
		return 0;
	}
}

static void keep(struct kbtf_red *r, uint32_t id, uint8_t mode)
{
	if (id >= r->n) {
		r->bad = true;
		return;
	}
	if (!id || r->mode[id] >= mode)
		return;
	r->mode[id] = mode;
	r->stack[r->nstack++] = id; /* at most twice per id: 2n slots */
}

/*
 * The field of T holding the K-th type id it refers to; NULL past the last.
 * A struct's or union's: its first VLEN members'.
 */
static const uint32_t *type_ref(const struct btf_type *t, uint32_t k, uint16_t vlen)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		return k == 0 ? &t->type : NULL;
	case BTF_KIND_ARRAY:
		return k == 0 ? &btf_array(t)->type : k == 1 ? &btf_array(t)->index_type : NULL;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return k < vlen ? &btf_members(t)[k].type : NULL;
	case BTF_KIND_FUNC_PROTO:
		return k == 0 ? &t->type : k <= vlen ? &btf_params(t)[k - 1].type : NULL;
	default:
		return NULL;
	}
}

/* Keep what type ID needs, as it is kept (mode). */
static void keep_refs(struct kbtf_red *r, uint32_t id)
{
	const struct btf_type *t = ktype(r, id);
	uint8_t mode = r->mode[id];
	const uint32_t *ref;
	uint16_t vlen = btf_vlen(t);
	uint32_t k;

	if (btf_is_datasec(t) || btf_is_decl_tag(t)) {
		r->bad = true; /* nothing refers to these */
		return;
	}
	if ((btf_is_struct(t) || btf_is_union(t)) && mode != M_FULL)
		vlen = 0; /* its members are not kept */
	/* CO-RE matches a pointer's target by kind only */
	if (btf_is_ptr(t))
		mode = M_SHALLOW;
	for (k = 0; (ref = type_ref(t, k, vlen)); k++)
		keep(r, *ref, mode);
}

/* Could a ___flavour end the name within its first four bytes?  (Then no prefix_bit.) */
static bool short_essential(const char *s)
{
	int i;

	for (i = 1; i <= 3 && s[i - 1] && s[i]; i++)
		if (s[i] == '_' && s[i + 1] == '_' && s[i + 2] == '_')
			return true;
	return false;
}

/* Is the kernel's type T one of those the objects name? */
static bool wanted(const struct kbtf_red *r, struct kbtf_wants *w, const struct btf_type *t)
{
	uint8_t kind = kind_class(btf_kind(t));
	struct kbtf_want *v;
	const char *name;
	uint32_t len;
	bool exact;

	exact = kind == BTF_KIND_FUNC || kind == BTF_KIND_VAR;
	if (!exact && !core_kind(kind))
		return false;
	if (!t->name_off)
		return false;
	name = r->strs + t->name_off;
	/* most names stop here: ~60k function names among them */
	if ((exact || !short_essential(name)) &&
	    !(w->pre[prefix_bit(name, kind) / 64] & 1ull << prefix_bit(name, kind) % 64))
		return false;
	len = (uint32_t)strlen(name);
	if (!exact)
		len = essential_len(name, len);
	v = wants_find(w, name, len, kind);
	if (v)
		v->found = true;
	return v != NULL;
}

/* Index the kernel's types and keep those the objects name, and what they need. */
static int reduce_scan(struct kbtf_red *r, struct kbtf_wants *w)
{
	const struct btf_type *t;
	uint32_t pos = 0, id;
	size_t size, cap = (1 << 17) / KBTF_STRIDE;
	void *p;

	r->off = malloc(cap * sizeof(*r->off));
	r->mode = calloc(cap * KBTF_STRIDE, 1);
	if (!r->off || !r->mode)
		return -ENOMEM;
	r->off[0] = 0;
	for (id = 1; pos < r->types_len; id++) {
		if (r->types_len - pos < sizeof(*t))
			return -EINVAL;
		t = (const struct btf_type *)(r->types + pos);
		size = record_size(t);
		if (!size || size > r->types_len - pos || t->name_off >= r->strs_len)
			return -EINVAL;
		if (id / KBTF_STRIDE == cap) {
			p = realloc(r->off, cap * 2 * sizeof(*r->off));
			if (!p)
				return -ENOMEM;
			r->off = p;
			p = realloc(r->mode, cap * 2 * KBTF_STRIDE);
			if (!p)
				return -ENOMEM;
			r->mode = p;
			memset(r->mode + cap * KBTF_STRIDE, 0, cap * KBTF_STRIDE);
			cap *= 2;
		}
		if (id % KBTF_STRIDE == 0)
			r->off[id / KBTF_STRIDE] = pos;
		if (wanted(r, w, t)) {
			r->mode[id] = M_FULL;
			r->top = id;
		}
		pos += (uint32_t)size;
	}
	r->n = id;
	if (!wants_found(w))
		return -ENOENT;
	r->stack = malloc(2 * (size_t)r->n * sizeof(*r->stack));
	if (!r->stack)
		return -ENOMEM;
	for (id = 1; id <= r->top; id++) /* the roots' needs, then theirs */
		if (r->mode[id])
			r->stack[r->nstack++] = id;
	while (r->nstack && !r->bad)
		keep_refs(r, r->stack[--r->nstack]);
	return r->bad || !r->top ? -EINVAL : 0;
}

static const struct btf_type *next_type(const struct btf_type *t)
{
	return (const struct btf_type *)((const char *)t + record_size(t));
}

static uint32_t new_id(const struct kbtf_red *r, uint32_t id)
{
	return id <= r->top ? id : r->newid[id - r->top - 1];
}

/* The reduced BTF's strings: counted (strs NULL), then written. */
struct kbtf_out {
	char *strs;
	uint64_t slen; /* 64 bits: what a malformed BTF makes of it is checked before use */
};

static uint32_t str_put(const struct kbtf_red *r, struct kbtf_out *w, uint32_t old)
{
	const char *s = r->strs + old;
	uint32_t at = (uint32_t)w->slen, len;

	if (!old)
		return 0;
	len = (uint32_t)strlen(s) + 1;
	if (w->strs)
		memcpy(w->strs + at, s, len);
	w->slen += len;
	return at;
}

/* The name of entry I of T's members, enumerators or parameters; NULL: T has none. */
static const uint32_t *entry_name(const struct btf_type *t, uint32_t i)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return &btf_members(t)[i].name_off;
	case BTF_KIND_ENUM:
		return &btf_enum(t)[i].name_off;
	case BTF_KIND_ENUM64:
		return &btf_enum64(t)[i].name_off;
	case BTF_KIND_FUNC_PROTO:
		return &btf_params(t)[i].name_off;
	default:
		return NULL;
	}
}

/* Write (o: NULL counts only) the record type ID becomes; returns its size. */
static size_t reduce_type(const struct kbtf_red *r, uint32_t id, const struct btf_type *t,
                          struct btf_type *o, struct kbtf_out *w)
{
	uint16_t vlen = btf_vlen(t);
	size_t size = record_size(t);
	const uint32_t *name, *ref;
	uint32_t i, s; /* i: up to vlen + 1 */

	if (r->mode[id] == M_NONE) { /* an anonymous void * */
		if (o) {
			o->name_off = 0;
			o->info = KBTF_INFO(BTF_KIND_PTR, 0, 0);
			o->type = 0;
		}
		return sizeof(*t);
	}
	if ((btf_is_struct(t) || btf_is_union(t)) && r->mode[id] == M_SHALLOW)
		size = sizeof(*t), vlen = 0; /* what it is, not what it holds */
	if (o) {
		memcpy(o, t, size);
		o->info = KBTF_INFO(btf_kind(t), btf_kflag(t), vlen);
	}
	s = str_put(r, w, t->name_off);
	if (o)
		o->name_off = s;
	for (i = 0; i < vlen && (name = entry_name(t, i)); i++) {
		s = str_put(r, w, *name);
		if (o)
			*(uint32_t *)entry_name(o, i) = s;
	}
	for (i = 0; o && (ref = type_ref(t, i, vlen)); i++)
		*(uint32_t *)type_ref(o, i, vlen) = new_id(r, *ref);
	return size;
}

/* Member names and the like of a kept type: all inside the string section? */
static bool names_ok(const struct kbtf_red *r, const struct btf_type *t)
{
	const uint32_t *name;
	uint16_t i;

	for (i = 0; i < btf_vlen(t) && (name = entry_name(t, i)); i++)
		if (*name >= r->strs_len)
			return false;
	return true;
}

/* The reduced BTF of the mapping P (SIZE bytes), for what W names; NULL: cannot. */
static struct btf *reduce(const void *p, size_t size, struct kbtf_wants *w)
{
	const struct btf_header *h = p;
	struct kbtf_red r = {0};
	struct kbtf_out out = {NULL, 1};
	struct btf_header *oh;
	size_t types_len = 0, total;
	const struct btf_type *t;
	struct btf *btf = NULL;
	uint32_t id, next;
	char *buf = NULL;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size || h->hdr_len % 4 || h->type_off % 4 ||
	    (uint64_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (uint64_t)h->str_off + h->str_len > size - h->hdr_len || !h->str_len)
		return NULL;
	r.types = (const char *)p + h->hdr_len + h->type_off;
	r.types_len = h->type_len;
	r.strs = (const char *)p + h->hdr_len + h->str_off;
	r.strs_len = h->str_len;
	if (r.strs[r.strs_len - 1] || reduce_scan(&r, w))
		goto out;
	r.newid = calloc(r.n - r.top, sizeof(*r.newid));
	if (!r.newid)
		goto out;
	for (id = r.top + 1, next = r.top + 1; id < r.n; id++)
		if (r.mode[id])
			r.newid[id - r.top - 1] = next++;
	for (id = 1, t = (const struct btf_type *)r.types; id < r.n; id++, t = next_type(t)) {
		if (id > r.top && !r.mode[id])
			continue;
		if (r.mode[id] && !names_ok(&r, t))
			goto out;
		types_len += reduce_type(&r, id, t, NULL, &out);
	}
	/* a header's 32-bit offsets: the kernel's own BTF is far below */
	if (types_len + out.slen > UINT32_MAX)
		goto out;
	total = sizeof(*oh) + types_len + out.slen;
	buf = malloc(total);
	if (!buf)
		goto out;
	oh = (struct btf_header *)buf;
	*oh = (struct btf_header){.magic = BTF_MAGIC,
	                          .version = BTF_VERSION,
	                          .hdr_len = sizeof(*oh),
	                          .type_off = 0,
	                          .type_len = (uint32_t)types_len,
	                          .str_off = (uint32_t)types_len,
	                          .str_len = (uint32_t)out.slen};
	out.strs = buf + sizeof(*oh) + types_len;
	out.strs[0] = 0;
	out.slen = 1;
	types_len = 0;
	for (id = 1, t = (const struct btf_type *)r.types; id < r.n; id++, t = next_type(t)) {
		if (id > r.top && !r.mode[id])
			continue;
		types_len += reduce_type(&r, id, t,
		                         (struct btf_type *)(buf + sizeof(*oh) + types_len), &out);
	}
	btf = btf__new(buf, total); /* libbpf's own copy */
out:
	free(buf);
	free(r.off);
	free(r.mode);
	free(r.stack);
	free(r.newid);
	return btf;
}

/* ---- the shared base, and libbpf's entry point ------------------------------------------ */

struct btf *tl_kbtf_reduce(const void *p, size_t size)
{
	struct kbtf_wants w = {0};
	struct btf *btf = NULL;
	const char *env = getenv("TAILOR_KBTF");
	size_t i;
	int err = 0;

	if (!kbtf_nobjs || (env && !strcmp(env, "full")))
		return NULL;
	for (i = 0; i < kbtf_nobjs && !err; i++)
		err = wants_from_object(&w, &kbtf_objs[i]);
	if (!err)
		err = wants_index(&w);
	if (!err)
		btf = reduce(p, size, &w);
	wants_free(&w);
	return btf;
}

static void kbtf_parse(void)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(KBTF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* read-only and private: the kernel refuses writable or shared mappings */
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			kbtf_base = tl_kbtf_reduce(p, (size_t)st.st_size);
			if (!kbtf_base) /* whole: a copy */
				kbtf_base = btf__new(p, (size_t)st.st_size);
			munmap(p, (size_t)st.st_size);
		}
	}
	close(fd);
}

static void *kbtf_thread(void *arg)
{
	(void)arg;
	pthread_once(&kbtf_once, kbtf_parse);
	return NULL;
}

static void kbtf_start(void)
{
	pthread_attr_t attr;
	pthread_t th;

	/* without a thread, the first btf__load_vmlinux_btf parses */
	if (pthread_attr_init(&attr))
		return;
	if (!pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED))
		pthread_create(&th, &attr, kbtf_thread, NULL);
	pthread_attr_destroy(&attr);
}

void tl_kbtf_prepare(const struct tl_kbtf_obj *objs, size_t n)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static bool started;

	pthread_mutex_lock(&lock);
	if (!started) {
		started = true;
		if (n > KBTF_MAX_OBJS)
			n = 0; /* the whole BTF */
		memcpy(kbtf_objs, objs, n * sizeof(*objs));
		kbtf_nobjs = n;
		kbtf_start();
	}
	pthread_mutex_unlock(&lock);
}

struct btf *btf__load_vmlinux_btf(void)
{
	struct btf *(*libbpf_own)(void);
	struct btf *btf;

	pthread_once(&kbtf_once, kbtf_parse); /* waits for the thread's parse */
	if (kbtf_base) {
		btf = btf__new_empty_split(kbtf_base);
		if (btf)
			return btf;
	}
	/* libbpf's definition: the next one after this executable's */
	libbpf_own = (struct btf * (*)(void)) dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");
	if (!libbpf_own) {
		errno = ENOSYS;
		return NULL;
	}
	return libbpf_own();
}
