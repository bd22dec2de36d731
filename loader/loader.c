// SPDX-License-Identifier: Apache-2.0
/*
 * A profile compiled to a libseccomp filter, following what moby + runc do
 * with the same JSON, so that `tailor run` enforces what a container would:
 *
 * - arches: the native arch, plus the profile's `architectures`, or else the
 *   archMap entry of the native arch and its subArchitectures;
 * - includes/excludes are evaluated against the runtime: the native arch by
 *   its Go name ("amd64"), the capabilities the process will hold (all of
 *   includes.caps held; any of excludes.caps held), the running kernel;
 * - ERRNO/TRACE without errnoRet return EPERM; the default action uses
 *   defaultErrnoRet;
 * - several args on one rule are ANDed, except that when one argument index
 *   appears more than once every condition becomes a rule of its own (ORed),
 *   runc's long-standing behaviour;
 * - a rule whose action equals the default action is redundant and skipped.
 *
 * Unlike runc, a syscall name that libseccomp does not know on any arch of
 * the filter is an error (fail closed) unless opts.skip_unknown allows
 * dropping it from a rule more permissive than the default.
 *
 * Names newer than the installed libseccomp but listed in tailor's syscall
 * table (tl_syscall_table) are enforced by number, as a runtime linked with a
 * newer libseccomp would enforce them by name.  libseccomp 2.5 translates
 * every rule's number from the native arch to the filter's arches by name, so
 * a raw number can only be added to a context that holds just the native
 * arch: the filter is built as one single-arch context per arch and merged.
 * On the other arches such a name cannot be expressed; it is left to the
 * default action there when that is at least as strict as the rule (allow
 * rules: the usual case), and is an error otherwise (fail closed).
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/capability.h>

#include "tailor/common.h"
#include "tailor/loader.h"
#include "tailor/trace.h"

#define MAX_ARCHES 16

const char *const tl_loader_no_caps[] = {NULL};

static const struct {
	uint32_t arch;
	const char *name; /* libseccomp's */
	const char *go;   /* GOARCH, what moby compares includes.arches with */
} arch_table[] = {
    {SCMP_ARCH_X86_64, "x86_64", "amd64"},
    {SCMP_ARCH_X86, "x86", "386"},
    {SCMP_ARCH_X32, "x32", "amd64p32"},
    {SCMP_ARCH_AARCH64, "aarch64", "arm64"},
    {SCMP_ARCH_ARM, "arm", "arm"},
    {SCMP_ARCH_MIPS, "mips", "mips"},
    {SCMP_ARCH_MIPSEL, "mipsel", "mipsle"},
    {SCMP_ARCH_MIPS64, "mips64", "mips64"},
    {SCMP_ARCH_MIPSEL64, "mipsel64", "mips64le"},
    {SCMP_ARCH_MIPS64N32, "mips64n32", "mips64p32"},
    {SCMP_ARCH_MIPSEL64N32, "mipsel64n32", "mips64p32le"},
    {SCMP_ARCH_PPC, "ppc", "ppc"},
    {SCMP_ARCH_PPC64, "ppc64", "ppc64"},
    {SCMP_ARCH_PPC64LE, "ppc64le", "ppc64le"},
    {SCMP_ARCH_S390, "s390", "s390"},
    {SCMP_ARCH_S390X, "s390x", "s390x"},
    {SCMP_ARCH_PARISC, "parisc", "parisc"},
    {SCMP_ARCH_PARISC64, "parisc64", "parisc64"},
    {SCMP_ARCH_RISCV64, "riscv64", "riscv64"},
};

/* The runtime a profile's includes/excludes are evaluated against. */
struct runtime {
	uint32_t native;
	const char *go_arch;
	const char *const *caps;
	const char *cap_buf[TL_CAP_COUNT + 1];
	unsigned kmaj, kmin;
	uint32_t arches[MAX_ARCHES];
	size_t narches;
};

const char *tl_loader_arch_name(uint32_t arch)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].arch == arch)
			return arch_table[i].name;
	return "?";
}

static const char *go_arch(uint32_t arch)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].arch == arch)
			return arch_table[i].go;
	return "";
}

uint32_t tl_loader_arch_token(const char *tok, uint32_t native)
{
	char low[32];
	size_t i;

	if (strncmp(tok, "SCMP_ARCH_", 10) || strlen(tok + 10) >= sizeof(low))
		return 0;
	for (i = 0; tok[10 + i]; i++)
		low[i] = (char)(tok[10 + i] >= 'A' && tok[10 + i] <= 'Z' ? tok[10 + i] - 'A' + 'a'
		                                                         : tok[10 + i]);
	low[i] = '\0';
	if (!strcmp(low, "native"))
		return native;
	return seccomp_arch_resolve_name(low);
}

/* The runtime's view: SCMP_ARCH_NATIVE is this machine's arch. */
static uint32_t arch_token(const char *tok)
{
	return tl_loader_arch_token(tok, seccomp_arch_native());
}

static bool strv_has(const char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static int add_arch(struct runtime *rt, const char *where, const char *tok)
{
	uint32_t a = arch_token(tok);

	if (!a)
		return tl_err(EINVAL,
		              "%s: unknown architecture \"%s\" (libseccomp does not know it)",
		              where, tok);
	for (size_t i = 0; i < rt->narches; i++)
		if (rt->arches[i] == a)
			return 0;
	if (rt->narches == MAX_ARCHES)
		return tl_err(E2BIG, "%s: too many architectures", where);
	rt->arches[rt->narches++] = a;
	return 0;
}

static int current_caps(struct runtime *rt)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	size_t n = 0;

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return tl_err(errno, "reading the capabilities of this process: %s",
		              strerror(errno));
	for (int i = 0; i < TL_CAP_COUNT; i++)
		if (d[i / 32].effective & (1u << (i % 32)))
			rt->cap_buf[n++] = tl_cap_name(i);
	rt->cap_buf[n] = NULL;
	rt->caps = rt->cap_buf;
	return 0;
}

static int runtime_init(struct runtime *rt, const struct tl_profile *p,
                        const struct tl_loader_opts *o)
{
	static const struct tl_loader_opts none;
	const char *release;
	struct utsname u;
	int r;

	if (!o)
		o = &none;
	memset(rt, 0, sizeof(*rt));
	rt->native = o->native_arch ? o->native_arch : seccomp_arch_native();
	rt->go_arch = go_arch(rt->native);
	if (o->caps) {
		rt->caps = o->caps;
	} else {
		r = current_caps(rt);
		if (r)
			return r;
	}
	release = o->kernel;
	if (!release) {
		if (uname(&u) < 0)
			return tl_err(errno, "uname: %s", strerror(errno));
		release = u.release;
	}
	if (sscanf(release, "%u.%u", &rt->kmaj, &rt->kmin) != 2)
		return tl_err(EINVAL, "cannot parse kernel version \"%s\"", release);

	/* The native arch is always in the filter (seccomp_init puts it there). */
	rt->arches[rt->narches++] = seccomp_arch_native();
	if (rt->native != rt->arches[0])
		rt->arches[rt->narches++] = rt->native;
	for (size_t i = 0; p->architectures && p->architectures[i]; i++) {
		char where[64];

		snprintf(where, sizeof(where), "architectures[%zu]", i);
		r = add_arch(rt, where, p->architectures[i]);
		if (r)
			return r;
	}
	/* archMap: only the native arch's entry matters (others may be unknown here). */
	for (size_t i = 0; i < p->narchmap; i++) {
		char where[96];

		if (arch_token(p->archmap[i].arch) != rt->native)
			continue;
		for (size_t j = 0; p->archmap[i].subs && p->archmap[i].subs[j]; j++) {
			snprintf(where, sizeof(where), "archMap[%zu].subArchitectures[%zu]", i, j);
			r = add_arch(rt, where, p->archmap[i].subs[j]);
			if (r)
				return r;
		}
	}
	return 0;
}

static bool kernel_at_least(const struct runtime *rt, const char *v)
{
	unsigned maj = 0, min = 0;

	sscanf(v, "%u.%u", &maj, &min);
	return rt->kmaj > maj || (rt->kmaj == maj && rt->kmin >= min);
}

/* moby's includes/excludes, in its order. */
static bool rule_applies(const struct runtime *rt, const struct tl_rule *r)
{
	const struct tl_cond *ex = &r->excludes, *in = &r->includes;

	if (ex->arches && strv_has((const char *const *)ex->arches, rt->go_arch))
		return false;
	for (size_t i = 0; ex->caps && ex->caps[i]; i++)
		if (strv_has(rt->caps, ex->caps[i]))
			return false;
	if (ex->min_kernel && kernel_at_least(rt, ex->min_kernel))
		return false;
	if (in->arches && in->arches[0] && !strv_has((const char *const *)in->arches, rt->go_arch))
		return false;
	for (size_t i = 0; in->caps && in->caps[i]; i++)
		if (!strv_has(rt->caps, in->caps[i]))
			return false;
	if (in->min_kernel && !kernel_at_least(rt, in->min_kernel))
		return false;
	return true;
}

static bool permissive(enum tl_action a)
{
	return a == TL_ACT_ALLOW || a == TL_ACT_LOG;
}

static enum tl_action effective_action(enum tl_action a, const struct tl_loader_opts *o)
{
	if (o && o->complain && !permissive(a))
		return o->complain_log ? TL_ACT_LOG : TL_ACT_NOTIFY;
	return a;
}

static uint32_t scmp_action(enum tl_action a, bool has_ret, uint32_t ret)
{
	switch (a) {
	case TL_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case TL_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case TL_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case TL_ACT_ERRNO:
		return SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
	case TL_ACT_TRACE:
		return SCMP_ACT_TRACE(has_ret ? ret : EPERM);
	case TL_ACT_LOG:
		return SCMP_ACT_LOG;
	case TL_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case TL_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static uint32_t default_action(const struct tl_profile *p, const struct tl_loader_opts *o)
{
	enum tl_action a = effective_action(p->default_action, o);

	return scmp_action(a, a == p->default_action && p->has_default_errno, p->default_errno);
}

/*
 * A rule's action under opts.  Complain mode keeps a rule that answers
 * ENOSYS: it is a designed fallback (generate's clone3 -> clone, whose flags
 * the profile checks), not a denial to learn from, and letting the call
 * through would make the run differ from an enforced one.
 */
static enum tl_action rule_effective(const struct tl_rule *r, const struct tl_loader_opts *o)
{
	if (r->action == TL_ACT_ERRNO && r->has_errno_ret && r->errno_ret == ENOSYS)
		return r->action;
	return effective_action(r->action, o);
}

static uint32_t rule_action(const struct tl_rule *r, const struct tl_loader_opts *o)
{
	enum tl_action a = rule_effective(r, o);

	return scmp_action(a, a == r->action && r->has_errno_ret, r->errno_ret);
}

/* Known to libseccomp on at least one arch of the filter? */
static bool name_known_lib(const struct runtime *rt, const char *name)
{
	for (size_t i = 0; i < rt->narches; i++)
		if (seccomp_syscall_resolve_name_arch(rt->arches[i], name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

/* Only in tailor's table: enforced by number where it exists. */
static const struct tl_syscall_def *table_only(const struct runtime *rt, const char *name)
{
	return name_known_lib(rt, name) ? NULL : tl_syscall_table_find(name);
}

/* Known to libseccomp or to tailor's table (then possibly absent on every arch)? */
static bool name_known(const struct runtime *rt, const char *name)
{
	return name_known_lib(rt, name) || tl_syscall_table_find(name);
}

/* A table syscall's number on an arch of the filter; -1 if it has none there. */
static int table_arch_nr(const struct tl_syscall_def *d, uint32_t arch)
{
	for (int a = 0; a < TL_ABI_COUNT; a++)
		if (tl_abi_scmp_arch((enum tl_abi)a) == arch)
			return d->nr[a];
	return -1;
}

/*
 * Only the native arch takes raw numbers (see the top of this file).  The
 * native arch of the machine, not opts.native_arch: it is libseccomp's.
 */
static bool by_number(uint32_t arch)
{
	return arch == seccomp_arch_native();
}

static void arch_list(const struct runtime *rt, char *buf, size_t n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rt->narches && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "",
		                        tl_loader_arch_name(rt->arches[i]));
}

static int unknown_name(const struct runtime *rt, size_t i, size_t j, const struct tl_rule *r)
{
	const struct scmp_version *v = seccomp_version();
	char arches[128];

	arch_list(rt, arches, sizeof(arches));
	return tl_err(EINVAL,
	              "syscalls[%zu].names[%zu]: unknown syscall \"%s\" (libseccomp %u.%u.%u knows "
	              "it on none of %s)",
	              i, j, r->names[j], v->major, v->minor, v->micro, arches);
}

/* Kernel precedence of actions (seccomp(2)): lower is stricter. */
static int strictness(enum tl_action a)
{
	switch (a) {
	case TL_ACT_KILL_PROCESS:
		return 0;
	case TL_ACT_KILL_THREAD:
		return 1;
	case TL_ACT_TRAP:
		return 2;
	case TL_ACT_ERRNO:
		return 3;
	case TL_ACT_NOTIFY:
		return 4;
	case TL_ACT_TRACE:
		return 5;
	case TL_ACT_LOG:
		return 6;
	case TL_ACT_ALLOW:
		return 7;
	}
	return 0;
}

/* A table syscall that cannot be filtered on a non-native arch would get the default there. */
static int inexpressible(const struct runtime *rt, uint32_t arch, size_t i, size_t j,
                         const struct tl_rule *r)
{
	const struct scmp_version *v = seccomp_version();

	return tl_err(EOPNOTSUPP,
	              "syscalls[%zu].names[%zu]: \"%s\" is unknown to libseccomp %u.%u.%u, which "
	              "can filter it by number on %s only; on %s it would get the default action, "
	              "more permissive than the rule",
	              i, j, r->names[j], v->major, v->minor, v->micro,
	              tl_loader_arch_name(rt->arches[0]), tl_loader_arch_name(arch));
}

/* Dropping a name from this rule leaves the syscall to a stricter default. */
static bool may_skip(const struct tl_profile *p, const struct tl_rule *r,
                     const struct tl_loader_opts *o)
{
	return o && o->skip_unknown && permissive(r->action) && !permissive(p->default_action);
}

static int set_flags(scmp_filter_ctx ctx, const struct tl_profile *p,
                     const struct tl_loader_opts *o)
{
	for (size_t i = 0; p->flags && p->flags[i]; i++) {
		const char *f = p->flags[i];
		enum scmp_filter_attr attr;
		int r;

		if (!strcmp(f, "SECCOMP_FILTER_FLAG_LOG"))
			attr = SCMP_FLTATR_CTL_LOG;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			attr = SCMP_FLTATR_CTL_SSB;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC"))
			/* Kernel refuses TSYNC with a listener; one thread is loading anyway. */
			attr = o && o->complain && !o->complain_log ? 0 : SCMP_FLTATR_CTL_TSYNC;
		else
			return tl_err(EOPNOTSUPP, "flags[%zu]: flag \"%s\" is not supported", i, f);
		if (!attr)
			continue;
		r = seccomp_attr_set(ctx, attr, 1);
		if (r < 0)
			return tl_err(
			    -r, "flags[%zu]: %s is not supported by this kernel or libseccomp: %s",
			    i, f, strerror(-r));
	}
	return 0;
}

/*
 * nr: the native number or pseudo number (< 0) of a name libseccomp knows,
 * which it translates to the context's arch; exact: a raw number of the
 * context's arch (the native one), added as it is.
 */
static int add_rule(scmp_filter_ctx ctx, size_t i, const struct tl_rule *rule, uint32_t act,
                    const char *name, int nr, bool exact)
{
	int (*add)(scmp_filter_ctx, uint32_t, int, unsigned, const struct scmp_arg_cmp *) =
	    exact ? seccomp_rule_add_exact_array : seccomp_rule_add_array;
	struct scmp_arg_cmp conds[64];
	unsigned count[6] = {0};
	bool split = false;
	int r;

	if (rule->nargs > TL_ARRAY_SIZE(conds))
		return tl_err(E2BIG, "syscalls[%zu]: too many args (%zu)", i, rule->nargs);
	for (size_t k = 0; k < rule->nargs; k++) {
		const struct tl_arg *a = &rule->args[k];
		static const enum scmp_compare ops[] = {
		    [TL_OP_NE] = SCMP_CMP_NE,
		    [TL_OP_LT] = SCMP_CMP_LT,
		    [TL_OP_LE] = SCMP_CMP_LE,
		    [TL_OP_EQ] = SCMP_CMP_EQ,
		    [TL_OP_GE] = SCMP_CMP_GE,
		    [TL_OP_GT] = SCMP_CMP_GT,
		    [TL_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
		};

		if (a->index > 5 || (unsigned)a->op >= TL_ARRAY_SIZE(ops))
			return tl_err(EINVAL, "syscalls[%zu].args[%zu]: invalid argument", i, k);
		/* MASKED_EQ: Docker's value is the mask, valueTwo the datum, as libseccomp's a/b.
		 */
		conds[k] = (struct scmp_arg_cmp){.arg = a->index,
		                                 .op = ops[a->op],
		                                 .datum_a = a->value,
		                                 .datum_b = a->value_two};
		if (++count[a->index] > 1)
			split = true;
	}
	if (!split) {
		r = add(ctx, act, nr, (unsigned)rule->nargs, rule->nargs ? conds : NULL);
	} else {
		r = 0;
		for (size_t k = 0; k < rule->nargs && !r; k++)
			r = add(ctx, act, nr, 1, &conds[k]);
	}
	if (r < 0)
		return tl_err(-r, "syscalls[%zu]: libseccomp refused the rule for \"%s\": %s", i,
		              name, strerror(-r));
	return 0;
}

/* A context holding one arch, with the attributes every part of the filter shares. */
static int arch_ctx(const struct tl_profile *p, const struct tl_loader_opts *o, uint32_t def,
                    uint32_t arch, scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx;
	int r;

	*out = NULL;
	ctx = seccomp_init(def);
	if (!ctx)
		return tl_err(EINVAL, "libseccomp cannot create a filter with default action %s",
		              tl_action_name(p->default_action));
	if (arch != seccomp_arch_native()) {
		r = seccomp_arch_add(ctx, arch);
		if (!r)
			r = seccomp_arch_remove(ctx, seccomp_arch_native());
		if (r < 0) {
			r = tl_err(-r, "cannot add architecture %s to the filter: %s",
			           tl_loader_arch_name(arch), strerror(-r));
			goto fail;
		}
	}
	/* Real errnos from the kernel (EBUSY for a second listener), not ECANCELED. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0) {
		r = tl_err(-r, "cannot set libseccomp filter attributes: %s", strerror(-r));
		goto fail;
	}
	r = set_flags(ctx, p, o);
	if (r)
		goto fail;
	*out = ctx;
	return 0;
fail:
	seccomp_release(ctx);
	return r;
}

/* The profile's effective rules for one arch, into that arch's context. */
static int add_arch_rules(scmp_filter_ctx ctx, uint32_t arch, const struct runtime *rt,
                          const struct tl_profile *p, const struct tl_loader_opts *o, uint32_t def)
{
	int def_strictness = strictness(effective_action(p->default_action, o));

	for (size_t i = 0; i < p->nrules; i++) {
		const struct tl_rule *rule = &p->rules[i];
		uint32_t act;

		if (!rule_applies(rt, rule))
			continue;
		if (rule->action == TL_ACT_ERRNO && rule->errno_ret > 4095)
			return tl_err(EINVAL,
			              "syscalls[%zu].errnoRet: %u is not a valid errno (0-4095)", i,
			              rule->errno_ret);
		act = rule_action(rule, o);
		if (act == def)
			continue; /* redundant, and libseccomp refuses it */
		for (size_t j = 0; rule->names && rule->names[j]; j++) {
			const char *name = rule->names[j];
			const struct tl_syscall_def *d;
			int nr, r;

			if (!name_known(rt, name)) {
				if (may_skip(p, rule, o))
					continue;
				return unknown_name(rt, i, j, rule);
			}
			d = table_only(rt, name);
			if (!d) {
				nr = seccomp_syscall_resolve_name_arch(arch, name);
				/* Not a syscall of this arch: skipped, as in a multi-arch filter.
				 */
				if (nr == __NR_SCMP_ERROR || nr <= -10000)
					continue;
				r = add_rule(ctx, i, rule, act, name,
				             seccomp_syscall_resolve_name(name), false);
			} else {
				nr = table_arch_nr(d, arch);
				if (nr < 0)
					continue; /* absent on this arch (riscv_hwprobe on x86) */
				if (!by_number(arch)) {
					if (def_strictness <= strictness(rule_effective(rule, o)))
						continue;
					return inexpressible(rt, arch, i, j, rule);
				}
				r = add_rule(ctx, i, rule, act, name, nr, true);
			}
			if (r)
				return r;
		}
	}
	return 0;
}

int tl_loader_build(const struct tl_profile *p, const struct tl_loader_opts *o,
                    scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = NULL, part = NULL;
	struct runtime rt;
	uint32_t def;
	int r;

	*out = NULL;
	r = runtime_init(&rt, p, o);
	if (r)
		return r;
	if (p->default_action == TL_ACT_ERRNO && p->default_errno > 4095)
		return tl_err(EINVAL, "defaultErrnoRet: %u is not a valid errno (0-4095)",
		              p->default_errno);
	def = default_action(p, o);
	/* One context per arch (native first, the filter's arch order), merged into the first. */
	for (size_t a = 0; a < rt.narches; a++) {
		r = arch_ctx(p, o, def, rt.arches[a], &part);
		if (r)
			goto out;
		r = add_arch_rules(part, rt.arches[a], &rt, p, o, def);
		if (r)
			goto out;
		if (!ctx) {
			ctx = part;
		} else {
			r = seccomp_merge(ctx, part); /* releases part on success */
			if (r < 0) {
				r = tl_err(-r, "cannot merge the filter of architecture %s: %s",
				           tl_loader_arch_name(rt.arches[a]), strerror(-r));
				goto out;
			}
		}
		part = NULL;
	}
	*out = ctx;
	ctx = NULL;
	r = 0;
out:
	if (part)
		seccomp_release(part);
	if (ctx)
		seccomp_release(ctx);
	return r;
}

int tl_loader_arches(const struct tl_profile *p, const struct tl_loader_opts *o,
                     uint32_t arches[16], size_t *n)
{
	struct runtime rt;
	int r;

	r = runtime_init(&rt, p, o);
	if (r)
		return r;
	memcpy(arches, rt.arches, rt.narches * sizeof(*arches));
	*n = rt.narches;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the effective rules for which pick() is true (sorted, unique). */
static int collect_names(const struct tl_profile *p, const struct tl_loader_opts *o,
                         bool (*pick)(const struct runtime *, const char *), char ***out)
{
	struct runtime rt;
	char **v = NULL;
	size_t n = 0;
	int r;

	*out = NULL;
	r = runtime_init(&rt, p, o);
	if (r)
		return r;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct tl_rule *rule = &p->rules[i];

		if (!rule_applies(&rt, rule))
			continue;
		for (size_t j = 0; rule->names && rule->names[j]; j++) {
			char **tmp;

			if (!pick(&rt, rule->names[j]) ||
			    strv_has((const char *const *)v, rule->names[j]))
				continue;
			tmp = realloc(v, (n + 2) * sizeof(*v));
			if (!tmp || !(tmp[n] = strdup(rule->names[j]))) {
				if (tmp)
					v = tmp;
				tl_strv_free(v);
				return tl_err(ENOMEM, "out of memory");
			}
			v = tmp;
			v[++n] = NULL;
		}
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

static bool pick_unknown(const struct runtime *rt, const char *name)
{
	return !name_known(rt, name);
}

static bool pick_table(const struct runtime *rt, const char *name)
{
	return table_only(rt, name) != NULL;
}

int tl_loader_unknown_names(const struct tl_profile *p, const struct tl_loader_opts *o, char ***out)
{
	return collect_names(p, o, pick_unknown, out);
}

int tl_loader_table_names(const struct tl_profile *p, const struct tl_loader_opts *o, char ***out)
{
	return collect_names(p, o, pick_table, out);
}

/* Does the filter of this arch hold rules for the name (tl_loader_summarize)? */
static bool in_arch_filter(const struct runtime *rt, uint32_t arch, const char *name)
{
	const struct tl_syscall_def *d = table_only(rt, name);

	if (d)
		return by_number(arch) && table_arch_nr(d, arch) >= 0;
	return seccomp_syscall_resolve_name_arch(arch, name) >= 0;
}

enum name_class { CL_NONE, CL_OTHER, CL_ERRNO, CL_COND, CL_ALLOWED };

struct name_entry {
	const char *name;
	enum name_class cls;
};

int tl_loader_summarize(const struct tl_profile *p, const struct tl_loader_opts *o,
                        struct tl_loader_summary **out, size_t *nout)
{
	struct tl_loader_summary *s = NULL;
	struct name_entry *names = NULL;
	struct runtime rt;
	size_t cap = 0;
	uint32_t def;
	int r;

	*out = NULL;
	*nout = 0;
	r = runtime_init(&rt, p, o);
	if (r)
		return r;
	def = default_action(p, o);
	for (size_t i = 0; i < p->nrules; i++)
		cap += tl_strv_len(p->rules[i].names);
	s = calloc(rt.narches, sizeof(*s));
	names = calloc(cap + 1, sizeof(*names));
	if (!s || !names) {
		r = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	for (size_t a = 0; a < rt.narches; a++) {
		size_t n = 0;

		s[a].arch = rt.arches[a];
		for (size_t i = 0; i < p->nrules; i++) {
			const struct tl_rule *rule = &p->rules[i];
			uint32_t act = rule_action(rule, o);
			enum name_class cls;

			if (!rule_applies(&rt, rule) || act == def)
				continue;
			if (rule->nargs)
				cls = CL_COND;
			else if (act == SCMP_ACT_ALLOW)
				cls = CL_ALLOWED;
			else if ((act & 0xffff0000u) == SCMP_ACT_ERRNO(0))
				cls = CL_ERRNO;
			else
				cls = CL_OTHER;
			for (size_t j = 0; rule->names && rule->names[j]; j++) {
				const char *nm = rule->names[j];
				size_t k;

				if (!in_arch_filter(&rt, rt.arches[a], nm))
					continue; /* not a syscall of this arch */
				for (k = 0; k < n; k++)
					if (!strcmp(names[k].name, nm))
						break;
				if (k == n)
					names[n++] = (struct name_entry){nm, CL_NONE};
				if (cls > names[k].cls)
					names[k].cls = cls;
			}
		}
		for (size_t k = 0; k < n; k++) {
			switch (names[k].cls) {
			case CL_ALLOWED:
				s[a].allowed++;
				break;
			case CL_COND:
				s[a].conditional++;
				break;
			case CL_ERRNO:
				s[a].errno_rules++;
				break;
			case CL_OTHER:
			case CL_NONE:
				s[a].other++;
				break;
			}
		}
	}
	*out = s;
	*nout = rt.narches;
	s = NULL;
out:
	free(s);
	free(names);
	return r;
}

int tl_loader_parse_caps(const char *list, char ***out)
{
	char *dup = NULL, *save = NULL, *tok, **v;
	size_t n = 0;
	int r = 0;

	*out = NULL;
	v = calloc(TL_CAP_COUNT + 1, sizeof(*v));
	if (!v)
		return tl_err(ENOMEM, "out of memory");
	if (!strcasecmp(list, "all")) {
		for (n = 0; n < TL_CAP_COUNT; n++)
			if (!(v[n] = strdup(tl_cap_name((int)n))))
				goto oom;
		goto done;
	}
	if (!strcasecmp(list, "none"))
		goto done;
	dup = strdup(list);
	if (!dup)
		goto oom;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *c = !strncasecmp(tok, "CAP_", 4) ? tok + 4 : tok;
		int i;

		for (i = 0; i < TL_CAP_COUNT; i++)
			if (!strcasecmp(tl_cap_name(i) + 4, c))
				break;
		if (i == TL_CAP_COUNT) {
			r = tl_err(EINVAL, "unknown capability \"%s\"", tok);
			goto fail;
		}
		if (strv_has((const char *const *)v, tl_cap_name(i)))
			continue;
		if (!(v[n++] = strdup(tl_cap_name(i))))
			goto oom;
	}
done:
	free(dup);
	*out = v;
	return 0;
oom:
	r = tl_err(ENOMEM, "out of memory");
fail:
	free(dup);
	tl_strv_free(v);
	return r;
}

int tl_loader_find_command(const char *cmd, char **path)
{
	char buf[PATH_MAX], *dirs = NULL, *save = NULL, *d;
	const char *env = getenv("PATH");
	bool denied = false;
	struct stat st;
	int r = -ENOENT;

	*path = NULL;
	if (!cmd[0])
		return tl_err(ENOENT, "empty command name");
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return tl_err(errno, "%s: %s", cmd, strerror(errno));
		if (!S_ISREG(st.st_mode) || access(cmd, X_OK) < 0)
			return tl_err(EACCES, "%s: not an executable file", cmd);
		*path = strdup(cmd);
		return *path ? 0 : tl_err(ENOMEM, "out of memory");
	}
	if (!env) {
		size_t n = confstr(_CS_PATH, NULL, 0);

		dirs = n ? malloc(n) : NULL;
		if (dirs)
			confstr(_CS_PATH, dirs, n);
	} else {
		dirs = strdup(env);
	}
	if (!dirs)
		return tl_err(ENOMEM, "out of memory");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (snprintf(buf, sizeof(buf), "%s/%s", d[0] ? d : ".", cmd) >= (int)sizeof(buf))
			continue;
		if (stat(buf, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (!S_ISREG(st.st_mode) || access(buf, X_OK) < 0) {
			denied = true;
			continue;
		}
		*path = strdup(buf);
		r = *path ? 0 : -ENOMEM;
		break;
	}
	free(dirs);
	if (r == -ENOMEM)
		return tl_err(ENOMEM, "out of memory");
	if (r && denied)
		return tl_err(EACCES, "%s: found in PATH but not executable", cmd);
	if (r)
		return tl_err(ENOENT, "%s: command not found", cmd);
	return 0;
}

int tl_loader_load(scmp_filter_ctx ctx)
{
	int r;

	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (r < 0)
		return tl_err(-r, "cannot request no_new_privs: %s", strerror(-r));
	/* No heap trimming or mmap'd chunks: free() after the load makes no syscall. */
	mallopt(M_TRIM_THRESHOLD, -1);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* The kernel's own errno (EPERM, EINVAL...) says more than libseccomp's EFAULT. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	r = seccomp_load(ctx);
	if (r < 0)
		return tl_err(-r, "loading the seccomp filter failed: %s", strerror(-r));
	return 0;
}

int tl_loader_exec(scmp_filter_ctx ctx, const char *path, char *const argv[], char *const envp[],
                   bool *loaded)
{
	int r;

	*loaded = false;
	r = tl_loader_load(ctx);
	if (r)
		return r;
	*loaded = true;
	execve(path, argv, envp);
	return tl_err(errno, "%s: cannot execute: %s", path, strerror(errno));
}
