// SPDX-License-Identifier: Apache-2.0
/*
 * tailor's table of syscalls newer than libseccomp (profilegen/syscall_table.c):
 * its shape, its agreement with libseccomp, and the tl_syscall_* fallbacks
 * that let traces and generated profiles use those names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <seccomp.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "tailor/profile.h"
#include "tailor/trace.h"

#define X32_BIT 0x40000000

static void test_sorted_unique(void **state)
{
	(void)state;
	assert_true(tl_syscall_table_len >= 37);
	for (size_t i = 1; i < tl_syscall_table_len; i++)
		if (strcmp(tl_syscall_table[i - 1].name, tl_syscall_table[i].name) >= 0)
			fail_msg("not sorted/unique: %s before %s", tl_syscall_table[i - 1].name,
			         tl_syscall_table[i].name);
	for (size_t i = 0; i < tl_syscall_table_len; i++) {
		const struct tl_syscall_def *d = &tl_syscall_table[i];
		unsigned maj, min;
		char end;

		assert_ptr_equal(tl_syscall_table_find(d->name), d);
		assert_int_equal(sscanf(d->since, "%u.%u%c", &maj, &min, &end), 2);
		assert_true(maj >= 5 && maj <= 6);
		/* x32 is x86_64's "common" number with __X32_SYSCALL_BIT. */
		if (d->nr[TL_ABI_X32] >= 0)
			assert_int_equal(d->nr[TL_ABI_X32], X32_BIT | d->nr[TL_ABI_X86_64]);
		/* Generic syscalls since 4.20 share their number on i386 and x86_64. */
		if (d->nr[TL_ABI_X86] >= 0)
			assert_int_equal(d->nr[TL_ABI_X86], d->nr[TL_ABI_X86_64]);
	}
	assert_null(tl_syscall_table_find("opne"));
	assert_null(tl_syscall_table_find(NULL));
}

/* Every syscall numbered 435..469 on x86_64 is in the table. */
static void test_covers_range(void **state)
{
	(void)state;
	for (int nr = 435; nr <= 469; nr++) {
		const struct tl_syscall_def *d = tl_syscall_table_find_nr(TL_ABI_X86_64, nr);

		if (!d)
			fail_msg("x86_64 syscall %d missing from the table", nr);
	}
	assert_string_equal(tl_syscall_table_find_nr(TL_ABI_X86_64, 462)->name, "mseal");
	assert_string_equal(tl_syscall_table_find_nr(TL_ABI_X86_64, 335)->name, "uretprobe");
	assert_null(tl_syscall_table_find_nr(TL_ABI_X86, 335)); /* i386 335: rt_tgsigqueueinfo */
	/* x32: with or without the bit. */
	assert_string_equal(tl_syscall_table_find_nr(TL_ABI_X32, 462)->name, "mseal");
	assert_string_equal(tl_syscall_table_find_nr(TL_ABI_X32, X32_BIT | 462)->name, "mseal");
	assert_null(tl_syscall_table_find_nr(TL_ABI_X32, 453)); /* map_shadow_stack: 64-bit */
	assert_null(tl_syscall_table_find_nr(TL_ABI_X86_64, 470));
	assert_null(tl_syscall_table_find_nr(TL_ABI_X86_64, -1));
}

/* Where libseccomp knows a name, the table says the same (or stays out of its way). */
static void test_agrees_with_libseccomp(void **state)
{
	size_t known = 0;

	(void)state;
	for (size_t i = 0; i < tl_syscall_table_len; i++) {
		const struct tl_syscall_def *d = &tl_syscall_table[i];

		for (int a = 0; a < TL_ABI_COUNT; a++) {
			int lib = seccomp_syscall_resolve_name_arch(tl_abi_scmp_arch(a), d->name);

			if (lib == __NR_SCMP_ERROR)
				continue;
			known++;
			if (lib >= 0 && lib != d->nr[a])
				fail_msg("%s on %s: libseccomp %d, table %d", d->name,
				         tl_abi_name(a), lib, d->nr[a]);
			if (lib < 0 && d->nr[a] >= 0)
				fail_msg("%s on %s: libseccomp says absent, table %d", d->name,
				         tl_abi_name(a), d->nr[a]);
		}
	}
	print_message("libseccomp %u.%u.%u knows %zu of the table's name/ABI pairs\n",
	              seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
	              known);
}

/* tl_syscall_name/nr/known: name <-> number on every ABI, table or libseccomp. */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < tl_syscall_table_len; i++) {
		const struct tl_syscall_def *d = &tl_syscall_table[i];

		for (int a = 0; a < TL_ABI_COUNT; a++) {
			char *name;

			if (d->nr[a] < 0) {
				assert_int_equal(tl_syscall_nr(a, d->name), -ENOENT);
				assert_false(tl_syscall_known(a, d->name));
				continue;
			}
			assert_int_equal(tl_syscall_nr(a, d->name), d->nr[a]);
			assert_true(tl_syscall_known(a, d->name));
			name = tl_syscall_name(a, d->nr[a]);
			if (!name || strcmp(name, d->name))
				fail_msg("%s: nr %d on %s names %s", d->name, d->nr[a],
				         tl_abi_name(a), name ? name : "nothing");
			free(name);
		}
	}
	/* A typo is still nothing. */
	assert_int_equal(tl_syscall_nr(TL_ABI_X86_64, "opne"), -ENOENT);
	assert_false(tl_syscall_known(TL_ABI_X86_64, "opne"));
	assert_null(tl_syscall_name(TL_ABI_X86_64, 470));
}

/* A recorded number gets its name, and generate accepts it. */
static void test_trace_and_generate(void **state)
{
	struct tl_run run = {.kind = "command", .complete = true};
	struct tl_trace t, back;
	struct tl_profile p;
	struct tl_syscall *s;
	char *json;
	size_t len;
	bool found = false;

	(void)state;
	tl_trace_init(&t);
	assert_int_equal(tl_trace_add_run(&t, &run), 0);
	s = tl_trace_syscall(&t, TL_ABI_X86_64, NULL, 462);
	assert_non_null(s);
	assert_string_equal(s->name, "mseal");
	s->calls = s->ok = 1;
	s = tl_trace_syscall(&t, TL_ABI_X86_64, "statmount", -1);
	assert_non_null(s);
	assert_int_equal(s->nr, 457);
	s->calls = s->ok = 1;
	s = tl_trace_syscall(&t, TL_ABI_X32, NULL, 464); /* the bit is added */
	assert_non_null(s);
	assert_string_equal(s->name, "getxattrat");
	assert_int_equal(s->nr, X32_BIT | 464);
	s->calls = s->ok = 1;

	assert_int_equal(tl_trace_to_json(&t, &json, &len), 0);
	assert_int_equal(tl_trace_from_json(json, len, "t.json", &back), 0);
	assert_non_null(tl_trace_find(&back, TL_ABI_X86_64, "mseal"));
	assert_int_equal(tl_trace_find(&back, TL_ABI_X86_64, "mseal")->nr, 462);
	free(json);

	assert_int_equal(tl_generate(&back, NULL, &p), 0);
	for (size_t i = 0; i < p.nrules; i++)
		for (size_t j = 0; p.rules[i].names && p.rules[i].names[j]; j++)
			found |= p.rules[i].action == TL_ACT_ALLOW &&
			         !strcmp(p.rules[i].names[j], "mseal");
	assert_true(found);
	tl_profile_free(&p);
	tl_trace_free(&back);
	tl_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sorted_unique),          cmocka_unit_test(test_covers_range),
	    cmocka_unit_test(test_agrees_with_libseccomp), cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_trace_and_generate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
