// SPDX-License-Identifier: Apache-2.0
/*
 * tracer/kbtf.c stands in for libbpf's btf__load_vmlinux_btf: what it
 * returns must be, type for type and id for id, what libbpf's own returns
 * (CO-RE relocations, attach targets and kfunc ids come from it), and each
 * one the caller's to free while the shared parse lives on.  Needs a
 * readable /sys/kernel/btf/vmlinux (no root); skips otherwise.
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
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "tracer_int.h"

typedef struct btf *(*load_fn)(void);

static load_fn libbpf_own(void)
{
	return (load_fn)dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");
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

static void test_same_types_same_ids(void **state)
{
	struct btf *ours, *theirs;
	__u32 n, id;

	(void)state;
	tl_kbtf_prepare();
	ours = btf__load_vmlinux_btf();
	theirs = libbpf_own()();
	assert_non_null(ours);
	assert_non_null(theirs);
	assert_ptr_not_equal(ours, theirs);
	if (kernel_maps_btf())
		assert_non_null(btf__base_btf(ours)); /* the shared parse, not libbpf's */
	n = btf__type_cnt(theirs);
	assert_int_equal(btf__type_cnt(ours), n);
	assert_true(n > 1000);
	for (id = 1; id < n; id++) {
		const struct btf_type *a = btf__type_by_id(ours, id),
		                      *b = btf__type_by_id(theirs, id);
		size_t len = type_bytes(theirs, id);

		assert_int_equal(type_bytes(ours, id), len);
		if (memcmp(a, b, len)) {
			fprintf(stderr, "type %u differs\n", id);
			fail();
		}
		assert_string_equal(btf__name_by_offset(ours, a->name_off),
		                    btf__name_by_offset(theirs, b->name_off));
	}
	/* what libbpf looks up by name: CO-RE roots, tp_btf targets */
	assert_true(btf__find_by_name_kind(ours, "task_struct", BTF_KIND_STRUCT) > 0);
	assert_int_equal(btf__find_by_name_kind(ours, "task_struct", BTF_KIND_STRUCT),
	                 btf__find_by_name_kind(theirs, "task_struct", BTF_KIND_STRUCT));
	assert_int_equal(btf__find_by_name_kind(ours, "btf_trace_sys_exit", BTF_KIND_TYPEDEF),
	                 btf__find_by_name_kind(theirs, "btf_trace_sys_exit", BTF_KIND_TYPEDEF));
	btf__free(theirs);
	btf__free(ours);
}

/* Each caller frees its own; the parse they share outlives them (ASan sees a use after free). */
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

/* Two loads at once, as the recorder and the file recorder do, while the parse may still run. */
static void test_two_threads(void **state)
{
	pthread_t th[2];
	int ids[2] = {0, 0};

	(void)state;
	tl_kbtf_prepare();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, load_in_thread, &ids[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_true(ids[0] > 0);
	assert_int_equal(ids[0], ids[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_threads),
	    cmocka_unit_test(test_same_types_same_ids),
	    cmocka_unit_test(test_each_caller_frees_its_own),
	};

	return cmocka_run_group_tests(tests, need_btf, NULL);
}
