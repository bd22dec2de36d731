// SPDX-License-Identifier: Apache-2.0
/*
 * The risk table (profilegen/risk.c): sorted by (kind, name, label), unique,
 * every entry complete, every name one that tailor knows; and the lookups.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tailor/common.h"
#include "tailor/risk.h"
#include "tailor/trace.h"

static int cmp_entry(const struct tl_risk_entry *a, const struct tl_risk_entry *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	return strcmp(a->label ? a->label : "", b->label ? b->label : "");
}

static void test_sorted_unique(void **state)
{
	(void)state;
	assert_true(tl_risk_table_len > 100);
	for (size_t i = 1; i < tl_risk_table_len; i++) {
		const struct tl_risk_entry *a = &tl_risk_table[i - 1], *b = &tl_risk_table[i];

		if (cmp_entry(a, b) >= 0)
			fail_msg("risk table: entry %zu (%s %s) must sort after entry %zu (%s %s)",
			         i, b->name, b->label ? b->label : "", i - 1, a->name,
			         a->label ? a->label : "");
	}
}

static bool known_anywhere(const char *name)
{
	for (int a = 0; a < TL_ABI_COUNT; a++)
		if (tl_syscall_known((enum tl_abi)a, name))
			return true;
	return false;
}

static void test_entries_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < tl_risk_table_len; i++) {
		const struct tl_risk_entry *e = &tl_risk_table[i];

		assert_non_null(e->name);
		if (!e->name[0])
			fail_msg("risk table: entry %zu has an empty name", i);
		if (!e->reason || !e->reason[0])
			fail_msg("risk table: %s has no reason", e->name);
		if (strchr(e->reason, '\n'))
			fail_msg("risk table: %s: the reason must be one line", e->name);
		/* A table entry that says "low" would be noise: low is the default. */
		if (e->risk < TL_RISK_MEDIUM || e->risk > TL_RISK_CRITICAL)
			fail_msg("risk table: %s has no class above low", e->name);
		switch (e->kind) {
		case TL_RISK_SYSCALL:
		case TL_RISK_ARG:
			if (!known_anywhere(e->name))
				fail_msg(
				    "risk table: syscall %s is unknown to libseccomp and tailor",
				    e->name);
			if (e->kind == TL_RISK_ARG) {
				if (!e->label || !e->label[0] || e->index > 5 || !e->value)
					fail_msg("risk table: %s argument entry is incomplete",
					         e->name);
				if (tl_risk_syscall(e->name))
					fail_msg("risk table: %s has both a syscall and argument "
					         "entries",
					         e->name);
			} else if (e->label) {
				fail_msg("risk table: syscall %s must not have a label", e->name);
			}
			break;
		case TL_RISK_CAP:
			if (tl_cap_from_name(e->name) < 0)
				fail_msg("risk table: unknown capability %s", e->name);
			break;
		case TL_RISK_PATH:
			if (e->name[0] != '/')
				fail_msg("risk table: path %s is not absolute", e->name);
			break;
		case TL_RISK_POLICY:
			break;
		default:
			fail_msg("risk table: entry %zu has an invalid kind", i);
		}
	}
}

static void test_lookups(void **state)
{
	const struct tl_risk_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(tl_risk_syscall("ptrace")->risk, TL_RISK_CRITICAL);
	assert_null(tl_risk_syscall("read"));
	assert_null(tl_risk_syscall("socket")); /* argument-level only */
	assert_int_equal(tl_risk_cap("CAP_SYS_ADMIN")->risk, TL_RISK_CRITICAL);
	assert_null(tl_risk_cap("CAP_NET_BIND_SERVICE"));
	assert_int_equal(tl_risk_path("/sys/kernel/debug/tracing/trace")->risk, TL_RISK_HIGH);
	assert_int_equal(tl_risk_path("/usr/bin/su")->risk, TL_RISK_HIGH);
	assert_null(tl_risk_path("/usr/bin/sum"));
	assert_null(tl_risk_path("/etc/passwd"));
	assert_int_equal(tl_risk_policy("default-allow")->risk, TL_RISK_CRITICAL);
	/* a program that stops confining itself (tailor diff's hardening changes) */
	assert_int_equal(tl_risk_policy("hardening-seccomp-filter")->risk, TL_RISK_HIGH);
	assert_int_equal(tl_risk_policy("hardening-no-new-privs")->risk, TL_RISK_MEDIUM);
	assert_int_equal(tl_risk_policy("hardening-privilege-drop")->risk, TL_RISK_MEDIUM);
	assert_int_equal(tl_risk_policy("hardening-chroot")->risk, TL_RISK_MEDIUM);

	e = tl_risk_args("socket", &n);
	assert_non_null(e);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(e[i].name, "socket");
	assert_null(tl_risk_args("read", &n));
	assert_int_equal(n, 0);

	e = tl_risk_args("clone", &n);
	assert_true(tl_risk_arg_matches(&e[0], 0x10000000 | 0x11)); /* CLONE_NEWUSER|SIGCHLD */
	assert_false(tl_risk_arg_matches(&e[0], 0x3d0f00));         /* pthread_create's flags */
	e = tl_risk_args("socket", &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].label, "SOCK_RAW")) {
			assert_true(tl_risk_arg_matches(&e[i], 3 | 0x80000)); /* | SOCK_CLOEXEC */
			assert_false(tl_risk_arg_matches(&e[i], 1));
		}
	/* personality(0xffffffff) is a query: no flag set; 0x0040000 sets ADDR_NO_RANDOMIZE */
	e = tl_risk_args("personality", &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_false(tl_risk_arg_matches(&e[i], 0xffffffff));
	assert_true(tl_risk_arg_matches(&e[0], 0x0040000));

	assert_string_equal(tl_risk_name(TL_RISK_HIGH), "high");
	assert_int_equal(tl_risk_from_name("critical"), TL_RISK_CRITICAL);
	assert_int_equal(tl_risk_from_name("severe"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sorted_unique),
	    cmocka_unit_test(test_entries_complete),
	    cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
