// SPDX-License-Identifier: Apache-2.0
/*
 * tracer/kbtf.c stands in for libbpf's btf__load_vmlinux_btf, with the
 * kernel's BTF reduced to what tailor's objects look up.  What libbpf finds
 * there must be what it finds in the whole BTF: for every named type of the
 * objects, the same candidates under the same ids, each the same all the way
 * down its members (a pointer's target: the same kind and name); attach
 * targets and kfuncs under the same ids.  With TAILOR_KBTF=full, or when
 * something libbpf will look for is not there (it then searches the
 * modules' BTF, split on the kernel's), it is the whole BTF, type for
 * type.  Each caller frees its own while the shared base lives on.  Malformed
 * bytes get the whole BTF, never a crash.  Needs a readable
 * /sys/kernel/btf/vmlinux (no root); skips otherwise.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#include "tracer_int.h"

typedef struct btf *(*load_fn)(void);

static load_fn libbpf_own(void)
{
	return (load_fn)dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");
}

static void prepare(void)
{
	struct tl_kbtf_obj objs[] = {tl_recorder_object(), tl_files_object(), tl_kinfo_object()};

	tl_kbtf_prepare(objs, 3);
}

/* Can this kernel map the file (Linux 6.16+)?  Then kbtf must have used it. */
static bool kernel_maps_btf(void)
{
	struct stat st;
	bool ok = false;
	void *p;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		ok = p != MAP_FAILED;
		if (ok)
			munmap(p, (size_t)st.st_size);
	}
	close(fd);
	return ok;
}

/* The bytes of type id's record: its struct btf_type and what follows it. */
static size_t type_bytes(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u16 vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(*t) + 4;
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
	case BTF_KIND_VAR:
		return sizeof(*t) + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + sizeof(struct btf_decl_tag);
	default:
		return sizeof(*t);
	}
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

/*
 * Does type a of ours (ba) stand for type b of the whole BTF (bb)?  deep:
 * a struct's members too (what CO-RE walks); behind a pointer its kind and
 * name are enough.
 */
static bool same_type(const struct btf *ba, __u32 a, const struct btf *bb, __u32 b, bool deep,
                      int depth)
{
	const struct btf_type *ta, *tb;
	__u16 i, vlen;

	if (!a || !b)
		return a == b;
	if (depth > 64)
		return false;
	ta = btf__type_by_id(ba, a);
	tb = btf__type_by_id(bb, b);
	if (!ta || !tb || btf_kind(ta) != btf_kind(tb) || btf_kflag(ta) != btf_kflag(tb) ||
	    strcmp(name_of(ba, ta), name_of(bb, tb)))
		return false;
	vlen = btf_vlen(tb);
	switch (btf_kind(tb)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (ta->size != tb->size)
			return false;
		if (!deep)
			return true;
		if (btf_vlen(ta) != vlen)
			return false;
		for (i = 0; i < vlen; i++)
			if (btf_members(ta)[i].offset != btf_members(tb)[i].offset ||
			    strcmp(btf__name_by_offset(ba, btf_members(ta)[i].name_off),
			           btf__name_by_offset(bb, btf_members(tb)[i].name_off)) ||
			    !same_type(ba, btf_members(ta)[i].type, bb, btf_members(tb)[i].type,
			               true, depth + 1))
				return false;
		return true;
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		/* the same bytes, but for the names' offsets (compared above for the type) */
		if (btf_vlen(ta) != vlen || ta->size != tb->size)
			return false;
		if (btf_kind(tb) == BTF_KIND_INT)
			return *(const __u32 *)(ta + 1) == *(const __u32 *)(tb + 1);
		for (i = 0; i < vlen; i++)
			if (btf_kind(tb) == BTF_KIND_ENUM
			        ? btf_enum(ta)[i].val != btf_enum(tb)[i].val ||
			              strcmp(btf__name_by_offset(ba, btf_enum(ta)[i].name_off),
			                     btf__name_by_offset(bb, btf_enum(tb)[i].name_off))
			        : btf_enum64(ta)[i].val_lo32 != btf_enum64(tb)[i].val_lo32 ||
			              btf_enum64(ta)[i].val_hi32 != btf_enum64(tb)[i].val_hi32 ||
			              strcmp(btf__name_by_offset(ba, btf_enum64(ta)[i].name_off),
			                     btf__name_by_offset(bb, btf_enum64(tb)[i].name_off)))
				return false;
		return true;
	case BTF_KIND_PTR:
		return same_type(ba, ta->type, bb, tb->type, false, depth + 1);
	case BTF_KIND_ARRAY:
		return btf_array(ta)->nelems == btf_array(tb)->nelems &&
		       same_type(ba, btf_array(ta)->type, bb, btf_array(tb)->type, deep,
		                 depth + 1) &&
		       same_type(ba, btf_array(ta)->index_type, bb, btf_array(tb)->index_type, deep,
		                 depth + 1);
	case BTF_KIND_FUNC_PROTO:
		if (btf_vlen(ta) != vlen || !same_type(ba, ta->type, bb, tb->type, deep, depth + 1))
			return false;
		for (i = 0; i < vlen; i++)
			if (!same_type(ba, btf_params(ta)[i].type, bb, btf_params(tb)[i].type, deep,
			               depth + 1))
				return false;
		return true;
	case BTF_KIND_VAR:
		if (btf_var(ta)->linkage != btf_var(tb)->linkage)
			return false;
		/* fall through */
	default: /* typedef, modifiers, type tag, func */
		return btf_vlen(ta) == vlen &&
		       same_type(ba, ta->type, bb, tb->type, deep, depth + 1);
	}
}

/* The name without its ___flavour (simple: tailor's names have one at most). */
static size_t essential(const char *name)
{
	const char *p = strstr(name, "___");

	return p && p > name && p[3] && p[3] != '_' ? (size_t)(p - name) : strlen(name);
}

static int kind_class(int kind)
{
	return kind == BTF_KIND_ENUM64 ? BTF_KIND_ENUM : kind;
}

/* The ids of BTF's types libbpf would take as candidates for a local type (kind, name). */
static size_t candidates(const struct btf *btf, int kind, const char *name, __u32 *ids, size_t max)
{
	size_t n = 0, len = essential(name);
	__u32 id, cnt = btf__type_cnt(btf);

	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *s = name_of(btf, t);

		if (kind_class(btf_kind(t)) == kind_class(kind) && essential(s) == len &&
		    !strncmp(s, name, len) && n < max)
			ids[n++] = id;
	}
	return n;
}

/* Every lookup libbpf makes in the kernel's BTF for OBJ gives the same in ours. */
static void check_object(struct tl_kbtf_obj o, const struct btf *ours, const struct btf *whole,
                         unsigned *roots)
{
	struct bpf_object *obj = bpf_object__open_mem(o.elf, o.size, NULL);
	const struct btf *local;
	struct bpf_program *prog;
	__u32 id, n, a[16], b[16];

	assert_non_null(obj);
	local = bpf_object__btf(obj);
	assert_non_null(local);
	n = btf__type_cnt(local);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(local, id);
		const char *name = name_of(local, t);
		size_t na, nb, i;

		if (!*name)
			continue;
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_INT:
			na = candidates(ours, btf_kind(t), name, a, 16);
			nb = candidates(whole, btf_kind(t), name, b, 16);
			if (na != nb || memcmp(a, b, na * sizeof(a[0]))) {
				fprintf(stderr, "%s: %zu candidates, not %zu\n", name, na, nb);
				fail();
			}
			for (i = 0; i < na; i++) {
				if (!same_type(ours, a[i], whole, b[i], true, 0)) {
					fprintf(stderr, "%s: type %u differs\n", name, a[i]);
					fail();
				}
				(*roots)++;
			}
			break;
		case BTF_KIND_FUNC: /* kfuncs */
			if (btf_vlen(t) != BTF_FUNC_EXTERN)
				break;
			assert_true(btf__find_by_name_kind(whole, name, BTF_KIND_FUNC) > 0);
			assert_int_equal(btf__find_by_name_kind(ours, name, BTF_KIND_FUNC),
			                 btf__find_by_name_kind(whole, name, BTF_KIND_FUNC));
			assert_true(same_type(
			    ours, btf__find_by_name_kind(ours, name, BTF_KIND_FUNC), whole,
			    btf__find_by_name_kind(whole, name, BTF_KIND_FUNC), true, 0));
			(*roots)++;
			break;
		default:
			break;
		}
	}
	/* attach targets: tp_btf/X -> typedef btf_trace_X, iter/X -> func bpf_iter_X */
	bpf_object__for_each_program(prog, obj)
	{
		const char *sec = bpf_program__section_name(prog);
		char target[256];
		int kind;

		if (!strncmp(sec, "tp_btf/", 7)) {
			snprintf(target, sizeof(target), "btf_trace_%s", sec + 7);
			kind = BTF_KIND_TYPEDEF;
		} else if (!strncmp(sec, "iter/", 5)) {
			snprintf(target, sizeof(target), "bpf_iter_%s", sec + 5);
			kind = BTF_KIND_FUNC;
		} else {
			continue;
		}
		if (btf__find_by_name_kind(whole, target, kind) < 0)
			continue; /* an optional program this kernel lacks */
		assert_int_equal(btf__find_by_name_kind(ours, target, kind),
		                 btf__find_by_name_kind(whole, target, kind));
		(*roots)++;
	}
	bpf_object__close(obj);
}

static int need_btf(void **state)
{
	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "skip: no readable /sys/kernel/btf/vmlinux (kernel without BTF)\n");
		exit(77);
	}
	if (!libbpf_own()) {
		fprintf(stderr, "skip: libbpf's btf__load_vmlinux_btf not found\n");
		exit(77);
	}
	return 0;
}

static void test_reduced_answers_the_same(void **state)
{
	struct btf *ours, *whole;
	unsigned roots = 0;

	(void)state;
	prepare();
	ours = btf__load_vmlinux_btf();
	whole = libbpf_own()();
	assert_non_null(ours);
	assert_non_null(whole);
	if (kernel_maps_btf()) {
		__u32 size;

		assert_non_null(btf__base_btf(ours)); /* the shared base, not libbpf's */
		assert_true(btf__type_cnt(ours) < btf__type_cnt(whole));
		btf__raw_data(btf__base_btf(ours), &size);
		fprintf(stderr, "reduced: %u of %u types, %u bytes\n", btf__type_cnt(ours) - 1,
		        btf__type_cnt(whole) - 1, size);
	}
	check_object(tl_recorder_object(), ours, whole, &roots);
	check_object(tl_files_object(), ours, whole, &roots);
	check_object(tl_kinfo_object(), ours, whole, &roots);
	fprintf(stderr, "%u lookups the same\n", roots);
	assert_true(roots > 20); /* task_struct, file, dentry, btf_trace_sys_exit... */
	btf__free(whole);
	btf__free(ours);
}

/* ---- malformed BTF: kbtf reads it as bytes; anything off sends libbpf the whole parse ------ */

struct raw {
	char *good, *c; /* the kernel's bytes, and a copy to break */
	size_t size;
	struct btf_header h;
	struct btf *btf; /* libbpf's reading of good */
	size_t *off;     /* id -> offset of its record in the type section */
	__u32 n;
};

static void raw_load(struct raw *r)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);
	struct stat st;
	ssize_t got;
	size_t at = 0;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	r->size = (size_t)st.st_size;
	r->good = malloc(r->size + 4);
	r->c = malloc(r->size + 4);
	assert_non_null(r->good);
	assert_non_null(r->c);
	while (at < r->size && (got = read(fd, r->good + at, r->size - at)) > 0)
		at += (size_t)got;
	close(fd);
	assert_int_equal(at, r->size);
	memcpy(&r->h, r->good, sizeof(r->h));
	r->btf = btf__new(r->good, (__u32)r->size);
	assert_non_null(r->btf);
	r->n = btf__type_cnt(r->btf);
	r->off = calloc(r->n, sizeof(*r->off));
	assert_non_null(r->off);
	for (__u32 id = 2; id < r->n; id++) /* our own sizes: see type_bytes */
		r->off[id] = r->off[id - 1] + type_bytes(r->btf, id - 1);
}

static void raw_free(struct raw *r)
{
	btf__free(r->btf);
	free(r->off);
	free(r->good);
	free(r->c);
}

/* The copy's record of id, after a fresh copy of the good bytes. */
static struct btf_type *fresh(struct raw *r, __u32 id)
{
	memcpy(r->c, r->good, r->size);
	return (struct btf_type *)(r->c + r->h.hdr_len + r->h.type_off + r->off[id]);
}

static void expect_whole(struct raw *r, size_t size, const char *what)
{
	struct btf *b = tl_kbtf_reduce(r->c, size);

	if (b)
		fail_msg("%s: reduced anyway", what);
}

static void test_malformed_gets_whole(void **state)
{
	struct btf_header *h;
	struct btf_type *t;
	struct raw r = {0};
	struct btf *b;
	__u32 last;
	__s32 task;
	unsigned seed = 1;

	(void)state;
	prepare();
	raw_load(&r);
	task = btf__find_by_name_kind(r.btf, "task_struct", BTF_KIND_STRUCT);
	assert_true(task > 0);
	h = (struct btf_header *)r.c;

	fresh(&r, 1); /* the bytes as they are: reduced (the premise of the rest) */
	b = tl_kbtf_reduce(r.c, r.size);
	assert_non_null(b);
	btf__free(b);

	fresh(&r, 1);
	h->magic ^= 1;
	expect_whole(&r, r.size, "magic");
	fresh(&r, 1);
	h->type_len += 4;
	expect_whole(&r, r.size, "type section past the end");
	fresh(&r, 1);
	r.c[r.size - 1] = 'x';
	expect_whole(&r, r.size, "strings not NUL-terminated");
	/* the sections one byte further: every record misaligned */
	memcpy(r.c, r.good, r.h.hdr_len);
	r.c[r.h.hdr_len] = 0;
	memcpy(r.c + r.h.hdr_len + 1, r.good + r.h.hdr_len, r.size - r.h.hdr_len);
	h->hdr_len += 1;
	expect_whole(&r, r.size + 1, "misaligned sections");
	/* the last record with members, cut after its first 4 bytes of them */
	for (last = r.n - 1; last > 1 && btf_vlen(btf__type_by_id(r.btf, last)) < 2; last--)
		;
	fresh(&r, 1);
	h->type_len = (__u32)(r.off[last] + sizeof(*t) + 4);
	expect_whole(&r, r.size, "a record running past its section");

	t = fresh(&r, (__u32)task / 2);
	t->info = (t->info & ~(0x1fu << 24)) | 31u << 24;
	expect_whole(&r, r.size, "an unknown kind");
	t = fresh(&r, (__u32)task);
	t->name_off = r.h.str_len;
	expect_whole(&r, r.size, "a name past the strings");
	t = fresh(&r, (__u32)task);
	btf_members(t)[0].name_off = r.h.str_len + 7;
	expect_whole(&r, r.size, "a member's name past the strings");
	t = fresh(&r, (__u32)task);
	btf_members(t)[0].type = r.n + 5;
	expect_whole(&r, r.size, "a member's type past the last id");

	/* bytes flipped at random in the types: never a crash (ASan, UBSan), reduced or not */
	for (int i = 0; i < 24; i++) {
		size_t span = r.h.type_len;
		char *types = r.c + r.h.hdr_len + r.h.type_off;

		fresh(&r, 1);
		for (int k = 1 + rand_r(&seed) % 16; k > 0; k--)
			types[(size_t)rand_r(&seed) * 4099 % span] ^=
			    (char)(1 + rand_r(&seed) % 255);
		b = tl_kbtf_reduce(r.c, r.size);
		if (b)
			assert_true(btf__type_cnt(b) > 1);
		btf__free(b);
	}
	raw_free(&r);
}

/* TAILOR_KBTF=full (in a child: the base is made once per process): the whole BTF. */
static int whole_child(void)
{
	struct btf *ours, *whole;
	__u32 n, id;

	prepare();
	ours = btf__load_vmlinux_btf();
	whole = libbpf_own()();
	if (!ours || !whole || btf__type_cnt(ours) != btf__type_cnt(whole))
		return 1;
	n = btf__type_cnt(whole);
	for (id = 1; id < n; id++) {
		const struct btf_type *a = btf__type_by_id(ours, id),
		                      *b = btf__type_by_id(whole, id);
		size_t len = type_bytes(whole, id);

		if (type_bytes(ours, id) != len || memcmp(a, b, len) ||
		    strcmp(name_of(ours, a), name_of(whole, b))) {
			fprintf(stderr, "type %u differs\n", id);
			return 1;
		}
	}
	btf__free(whole);
	btf__free(ours);
	return 0;
}

/*
 * An object whose one program attaches to a tracepoint this kernel lacks:
 * libbpf would look for it in the modules' BTF, split on the kernel's, so
 * kbtf must give the whole BTF.  A relocatable ELF made with libelf: NULL
 * if it cannot be.
 */
static void *missing_target_object(size_t *size)
{
	static char strtab[] = "\0.shstrtab\0tp_btf/tl_no_such_tracepoint\0";
	static uint64_t insns[2] = {0xb7 /* r0 = 0 */, 0x95 /* exit */};
	Elf64_Shdr *sh;
	Elf_Scn *strs, *prog;
	Elf_Data *d;
	Elf64_Ehdr *eh;
	void *buf = NULL;
	off_t end;
	Elf *e;
	int fd = memfd_create("tl_fake_object", 0);

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE || !(e = elf_begin(fd, ELF_C_WRITE, NULL)))
		goto out;
	eh = elf64_newehdr(e);
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_REL;
	eh->e_machine = EM_BPF;
	eh->e_version = EV_CURRENT;
	strs = elf_newscn(e);
	d = elf_newdata(strs);
	d->d_buf = strtab, d->d_size = sizeof(strtab), d->d_type = ELF_T_BYTE, d->d_align = 1;
	sh = elf64_getshdr(strs);
	sh->sh_name = 1, sh->sh_type = SHT_STRTAB;
	prog = elf_newscn(e);
	d = elf_newdata(prog);
	d->d_buf = insns, d->d_size = sizeof(insns), d->d_type = ELF_T_BYTE, d->d_align = 8;
	sh = elf64_getshdr(prog);
	sh->sh_name = 11, sh->sh_type = SHT_PROGBITS, sh->sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	eh->e_shstrndx = (Elf64_Half)elf_ndxscn(strs);
	if (elf_update(e, ELF_C_WRITE) < 0) {
		elf_end(e);
		goto out;
	}
	elf_end(e);
	end = lseek(fd, 0, SEEK_END);
	buf = end > 0 ? malloc((size_t)end) : NULL;
	if (buf && pread(fd, buf, (size_t)end, 0) != end) {
		free(buf);
		buf = NULL;
	}
	*size = buf ? (size_t)end : 0;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static int missing_child(void)
{
	struct tl_kbtf_obj objs[4] = {tl_recorder_object(), tl_files_object(), tl_kinfo_object()};
	struct btf *ours, *whole;
	int same;

	objs[3].elf = missing_target_object(&objs[3].size);
	if (!objs[3].elf)
		return 2;
	tl_kbtf_prepare(objs, 4);
	ours = btf__load_vmlinux_btf();
	whole = libbpf_own()();
	same = ours && whole && btf__type_cnt(ours) == btf__type_cnt(whole);
	btf__free(ours);
	btf__free(whole);
	free((void *)objs[3].elf);
	return same ? 0 : 1;
}

/* Runs this test binary again with ARG (and TAILOR_KBTF=ENV): its exit status. */
static int run_child(const char *arg, const char *env)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		if (env)
			setenv("TAILOR_KBTF", env, 1);
		execl("/proc/self/exe", "test_kbtf", arg, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_full_is_whole(void **state)
{
	(void)state;
	assert_int_equal(run_child("--whole-child", "full"), 0);
}

/* A target the kernel's BTF lacks: the whole BTF, for libbpf's search of the modules'. */
static void test_missing_target_gets_whole(void **state)
{
	(void)state;
	assert_int_equal(run_child("--missing-child", NULL), 0);
}

/* Each caller frees its own; the base they share outlives them (ASan sees a use after free). */
static void test_each_caller_frees_its_own(void **state)
{
	struct btf *a, *b;
	int id;

	(void)state;
	a = btf__load_vmlinux_btf();
	b = btf__load_vmlinux_btf();
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	id = btf__find_by_name_kind(a, "task_struct", BTF_KIND_STRUCT);
	btf__free(a);
	assert_int_equal(btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT), id);
	btf__free(b);
	a = btf__load_vmlinux_btf();
	assert_non_null(a);
	assert_int_equal(btf__find_by_name_kind(a, "task_struct", BTF_KIND_STRUCT), id);
	btf__free(a);
}

static void *load_in_thread(void *arg)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id = btf ? btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) : -1;

	btf__free(btf);
	*(int *)arg = id;
	return NULL;
}

/* Two loads at once, as the recorder and the file recorder do, while the base may still be made. */
static void test_two_threads(void **state)
{
	pthread_t th[2];
	int ids[2] = {0, 0};

	(void)state;
	prepare();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, load_in_thread, &ids[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_true(ids[0] > 0);
	assert_int_equal(ids[0], ids[1]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_threads),
	    cmocka_unit_test(test_reduced_answers_the_same),
	    cmocka_unit_test(test_full_is_whole),
	    cmocka_unit_test(test_missing_target_gets_whole),
	    cmocka_unit_test(test_each_caller_frees_its_own),
	    cmocka_unit_test(test_malformed_gets_whole),
	};

	if (argc > 1 && !strcmp(argv[1], "--whole-child"))
		return whole_child();
	if (argc > 1 && !strcmp(argv[1], "--missing-child"))
		return missing_child();
	return cmocka_run_group_tests(tests, need_btf, NULL);
}
