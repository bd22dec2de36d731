/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The risk table: every syscall, argument value, capability, path and policy
 * change that matters for a review, with its class and a one-line reason.
 * The data lives in one place (profilegen/risk.c, docs/diff.md explains the
 * classes); anything not in the table is TL_RISK_LOW.
 */
#ifndef TAILOR_RISK_H
#define TAILOR_RISK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Ordered: a higher value is riskier. */
enum tl_risk {
	TL_RISK_LOW,
	TL_RISK_MEDIUM,
	TL_RISK_HIGH,
	TL_RISK_CRITICAL,
};

/* "low", "medium", "high", "critical". */
const char *tl_risk_name(enum tl_risk r);
int tl_risk_from_name(const char *name); /* risk or -EINVAL */

/* The table is sorted by kind (this order), then name, then label. */
enum tl_risk_kind {
	TL_RISK_SYSCALL, /* name: a syscall; the syscall itself, whatever its arguments */
	TL_RISK_ARG,     /* name: a syscall; one argument value (label: "AF_PACKET") */
	TL_RISK_CAP,     /* name: "CAP_SYS_ADMIN" */
	TL_RISK_PATH,    /* name: an absolute path; a prefix when it ends with '/' */
	TL_RISK_POLICY,  /* name: a policy-level change ("default-allow", "arch-added", flags) */
};

enum tl_risk_match {
	TL_RISK_EQ,     /* the argument, masked with mask (0: all bits), equals value */
	TL_RISK_ANYBIT, /* the argument has any bit of value set (flag words) */
};

struct tl_risk_entry {
	enum tl_risk_kind kind;
	const char *name;
	const char *label; /* TL_RISK_ARG: the value's name; NULL otherwise */
	enum tl_risk risk;
	const char *reason; /* one line, never empty */
	/* TL_RISK_ARG only: */
	uint32_t index;
	enum tl_risk_match match;
	uint64_t value;
	uint64_t mask;
};

extern const struct tl_risk_entry tl_risk_table[];
extern const size_t tl_risk_table_len;

/* The entry of a syscall, capability, policy key; NULL when it is low risk. */
const struct tl_risk_entry *tl_risk_syscall(const char *name);
const struct tl_risk_entry *tl_risk_cap(const char *name);
const struct tl_risk_entry *tl_risk_policy(const char *name);
/* The entry of a path: exact, else the longest prefix entry; NULL when low risk. */
const struct tl_risk_entry *tl_risk_path(const char *path);
/*
 * The argument entries of a syscall: a pointer to the first and their count
 * (*n = 0 and NULL when the syscall has none).  A syscall with argument
 * entries has no TL_RISK_SYSCALL entry: its risk depends on the values.
 */
const struct tl_risk_entry *tl_risk_args(const char *syscall, size_t *n);
/* True when argument value v matches a TL_RISK_ARG entry. */
bool tl_risk_arg_matches(const struct tl_risk_entry *e, uint64_t v);
/*
 * A socket type entry (socket's argument 1, SOCK_RAW) is a risk for the IP
 * families only: raw is AF_UNIX's datagram and AF_NETLINK's normal type, and
 * AF_PACKET has an entry of its own.  True for AF_INET and AF_INET6.
 */
bool tl_risk_socket_type_family(int64_t family);

#endif
