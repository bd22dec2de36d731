// SPDX-License-Identifier: Apache-2.0
/*
 * tailor diff: normalise two traces or profiles to one comparable form and
 * list what changed, with a risk class per change (docs/diff.md).
 *
 * The normal form of a profile, per architecture of the filter:
 *   default action (errno defaulted to EPERM, as the loader does), and for
 *   every syscall name that exists on that architecture either
 *   - an unconditional action (the first applicable rule without args wins,
 *     and then decides the syscall: conditional rules are shadowed), or
 *   - a sorted, unique set of conditional rules (action + AND of argument
 *     conditions, sorted; a rule naming one index twice is split into one
 *     rule per condition, runc's behaviour),
 *   rules whose action equals the default dropped (redundant).
 * Architectures: x86_64 (the native arch tailor is built for, fixed so the
 * output does not depend on the machine) plus `architectures`, or the
 * archMap entry of x86_64 and its subArchitectures.  includes/excludes are
 * resolved for amd64, no capabilities and a kernel new enough for every
 * minKernel.  Renderers are in diff_render.c, the YAML reader in diff_yaml.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <seccomp.h>

#include "tailor/apparmor.h"
#include "tailor/common.h"
#include "tailor/diff.h"
#include "tailor/generate.h"
#include "tailor/json_util.h"
#include "tailor/loader.h"
#include "diff_internal.h"

#define MAX_ARCHES 16
#define MAX_ARGS   6
#define NATIVE     SCMP_ARCH_X86_64

/* ---- small helpers ------------------------------------------------------------ */

const char *tl_diff_kind_name(enum tl_diff_kind k)
{
	static const char *const names[] = {"syscall", "arg",        "default", "arch",     "file",
	                                    "program", "capability", "network", "hardening"};

	return (unsigned)k < TL_ARRAY_SIZE(names) ? names[k] : "?";
}

const char *tl_diff_change_name(enum tl_diff_change c)
{
	static const char *const names[] = {"added", "widened", "changed", "narrowed", "removed"};

	return (unsigned)c < TL_ARRAY_SIZE(names) ? names[c] : "?";
}

int tl_diff_format_from_name(const char *name)
{
	if (!strcmp(name, "text"))
		return TL_DIFF_TEXT;
	if (!strcmp(name, "markdown"))
		return TL_DIFF_MARKDOWN;
	if (!strcmp(name, "json"))
		return TL_DIFF_JSON;
	return tl_err(EINVAL, "unknown diff format '%s' (expected text, markdown or json)", name);
}

int tl_diff_gate_from_name(const char *name)
{
	if (!strcmp(name, "none"))
		return TL_DIFF_GATE_NONE;
	if (!strcmp(name, "risky"))
		return TL_DIFF_GATE_RISKY;
	if (!strcmp(name, "any"))
		return TL_DIFF_GATE_ANY;
	return tl_err(EINVAL, "unknown --fail-on value '%s' (expected none, risky or any)", name);
}

bool tl_diff_is_risky(const struct tl_diff_item *it)
{
	return (it->change == TL_DIFF_ADDED || it->change == TL_DIFF_WIDENED) &&
	       it->risk >= TL_RISK_MEDIUM;
}

bool tl_diff_gate_fails(const struct tl_diff *d, enum tl_diff_gate g)
{
	switch (g) {
	case TL_DIFF_GATE_NONE:
		return false;
	case TL_DIFF_GATE_ANY:
		return d->n > 0;
	case TL_DIFF_GATE_RISKY:
		for (size_t i = 0; i < d->n; i++)
			if (tl_diff_is_risky(&d->items[i]))
				return true;
		return false;
	}
	return true;
}

void tl_sb_printf(struct tl_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 256;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

void tl_sb_puts(struct tl_sb *b, const char *s)
{
	tl_sb_printf(b, "%s", s);
}

/* Take the built string (NULL on OOM; "" when empty). */
char *tl_sb_take(struct tl_sb *b)
{
	char *s = b->s;

	if (b->oom) {
		free(s);
		s = NULL;
	} else if (!s) {
		s = strdup("");
	}
	memset(b, 0, sizeof(*b));
	return s;
}

static int oom(void)
{
	return tl_err(ENOMEM, "out of memory");
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- actions ------------------------------------------------------------------ */

/* An action as the filter sees it: errno/trace values defaulted like the loader. */
struct act {
	enum tl_action a;
	uint32_t ret;
};

static struct act norm_act(enum tl_action a, bool has_ret, uint32_t ret)
{
	struct act x = {a, 0};

	if (a == TL_ACT_ERRNO || a == TL_ACT_TRACE)
		x.ret = has_ret ? ret : EPERM;
	return x;
}

static bool act_eq(struct act x, struct act y)
{
	return x.a == y.a && x.ret == y.ret;
}

static int act_cmp(struct act x, struct act y)
{
	if (x.a != y.a)
		return x.a < y.a ? -1 : 1;
	return x.ret < y.ret ? -1 : x.ret > y.ret;
}

static bool permissive(struct act x)
{
	return x.a == TL_ACT_ALLOW || x.a == TL_ACT_LOG;
}

static void act_desc(struct tl_sb *b, struct act x)
{
	char buf[16];

	switch (x.a) {
	case TL_ACT_ALLOW:
		tl_sb_puts(b, "allowed");
		break;
	case TL_ACT_LOG:
		tl_sb_puts(b, "allowed and logged");
		break;
	case TL_ACT_ERRNO:
		tl_sb_printf(b, "errno %s", tl_errno_name((int)x.ret, buf));
		break;
	case TL_ACT_TRACE:
		tl_sb_printf(b, "trace %" PRIu32, x.ret);
		break;
	case TL_ACT_KILL_THREAD:
		tl_sb_puts(b, "kill thread");
		break;
	case TL_ACT_KILL_PROCESS:
		tl_sb_puts(b, "kill process");
		break;
	case TL_ACT_TRAP:
		tl_sb_puts(b, "trap");
		break;
	case TL_ACT_NOTIFY:
		tl_sb_puts(b, "notify");
		break;
	}
}

/* ---- the normal form ------------------------------------------------------------ */

struct ncond {
	struct act act;
	size_t nargs;
	struct tl_arg args[MAX_ARGS]; /* sorted by (index, op, value, value_two) */
};

struct nsys {
	const char *name; /* borrowed from the profile */
	bool has_uncond;
	struct act uncond;
	size_t nconds, cap;
	struct ncond *conds;
};

struct narch {
	uint32_t arch;
	const char *name; /* libseccomp's */
	size_t n, cap;
	struct nsys *sys; /* sorted by name */
};

struct npol {
	struct act def;
	size_t narch;
	struct narch arch[MAX_ARCHES]; /* sorted by name */
	char **flags;                  /* sorted copy */
	const char *listener;
};

static void npol_free(struct npol *p)
{
	for (size_t a = 0; a < p->narch; a++) {
		for (size_t i = 0; i < p->arch[a].n; i++)
			free(p->arch[a].sys[i].conds);
		free(p->arch[a].sys);
	}
	free(p->flags);
	memset(p, 0, sizeof(*p));
}

/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; 0 if libseccomp does not know it. */
static uint32_t arch_token(const char *tok)
{
	/* native: the arch tailor normalises for, not this machine's */
	return tl_loader_arch_token(tok, NATIVE);
}

static int add_arch(struct npol *p, const char *who, const char *where, const char *tok)
{
	uint32_t a = arch_token(tok);

	if (!a)
		return tl_err(EINVAL, "%s: %s: unknown architecture \"%s\"", who, where, tok);
	for (size_t i = 0; i < p->narch; i++)
		if (p->arch[i].arch == a)
			return 0;
	if (p->narch == MAX_ARCHES)
		return tl_err(E2BIG, "%s: %s: too many architectures", who, where);
	p->arch[p->narch].arch = a;
	p->arch[p->narch].name = tl_loader_arch_name(a);
	p->narch++;
	return 0;
}

static int cmp_arch(const void *a, const void *b)
{
	return strcmp(((const struct narch *)a)->name, ((const struct narch *)b)->name);
}

static enum tl_abi abi_of(uint32_t arch, bool *x86)
{
	*x86 = true;
	if (arch == SCMP_ARCH_X86_64)
		return TL_ABI_X86_64;
	if (arch == SCMP_ARCH_X86)
		return TL_ABI_X86;
	if (arch == SCMP_ARCH_X32)
		return TL_ABI_X32;
	*x86 = false;
	return TL_ABI_X86_64;
}

/* A syscall of that arch (tailor's table included for the x86 ABIs)? */
static bool known_on(uint32_t arch, const char *name)
{
	bool x86;
	enum tl_abi abi = abi_of(arch, &x86);
	int nr;

	if (x86)
		return tl_syscall_known(abi, name);
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	return nr != __NR_SCMP_ERROR && nr > -10000;
}

static bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* moby's includes/excludes for the diff's runtime: amd64, no caps, newest kernel. */
static bool rule_applies(const struct tl_rule *r)
{
	const struct tl_cond *ex = &r->excludes, *in = &r->includes;

	if (strv_has(ex->arches, "amd64"))
		return false;
	if (ex->min_kernel) /* a new enough kernel is excluded */
		return false;
	if (in->arches && in->arches[0] && !strv_has(in->arches, "amd64"))
		return false;
	if (in->caps && in->caps[0])
		return false;
	return true;
}

static int cmp_arg(const struct tl_arg *x, const struct tl_arg *y)
{
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->value_two != y->value_two)
		return x->value_two < y->value_two ? -1 : 1;
	return 0;
}

static int cmp_arg_q(const void *a, const void *b)
{
	return cmp_arg(a, b);
}

static int cmp_cond(const struct ncond *x, const struct ncond *y)
{
	size_t n = x->nargs < y->nargs ? x->nargs : y->nargs;
	int c;

	for (size_t i = 0; i < n; i++)
		if ((c = cmp_arg(&x->args[i], &y->args[i])))
			return c;
	if (x->nargs != y->nargs)
		return x->nargs < y->nargs ? -1 : 1;
	return act_cmp(x->act, y->act);
}

static int cmp_cond_q(const void *a, const void *b)
{
	return cmp_cond(a, b);
}

static struct nsys *arch_sys(struct narch *a, const char *name)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(a->sys[mid].name, name);

		if (!c)
			return &a->sys[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct nsys *v = realloc(a->sys, cap * sizeof(*v));

		if (!v)
			return NULL;
		a->sys = v;
		a->cap = cap;
	}
	memmove(&a->sys[lo + 1], &a->sys[lo], (a->n - lo) * sizeof(*a->sys));
	memset(&a->sys[lo], 0, sizeof(*a->sys));
	a->sys[lo].name = name;
	a->n++;
	return &a->sys[lo];
}

static int sys_add_cond(struct nsys *s, const struct ncond *c)
{
	if (s->nconds == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		struct ncond *v = realloc(s->conds, cap * sizeof(*v));

		if (!v)
			return oom();
		s->conds = v;
		s->cap = cap;
	}
	s->conds[s->nconds] = *c;
	qsort(s->conds[s->nconds].args, c->nargs, sizeof(c->args[0]), cmp_arg_q);
	s->nconds++;
	return 0;
}

/* Add one rule's effect on one syscall (runc's split when an index repeats). */
static int sys_add_rule(struct nsys *s, const struct tl_rule *r, struct act act)
{
	bool repeated = false;
	struct ncond c;
	int ret;

	if (!r->nargs) {
		if (!s->has_uncond) {
			s->has_uncond = true;
			s->uncond = act;
		}
		return 0;
	}
	for (size_t i = 0; i < r->nargs; i++)
		for (size_t j = i + 1; j < r->nargs; j++)
			repeated |= r->args[i].index == r->args[j].index;
	if (repeated || r->nargs > MAX_ARGS) {
		for (size_t i = 0; i < r->nargs; i++) {
			memset(&c, 0, sizeof(c));
			c.act = act;
			c.nargs = 1;
			c.args[0] = r->args[i];
			if ((ret = sys_add_cond(s, &c)))
				return ret;
		}
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.act = act;
	c.nargs = r->nargs;
	memcpy(c.args, r->args, r->nargs * sizeof(*r->args));
	return sys_add_cond(s, &c);
}

/* Sort and deduplicate the conditions; an unconditional rule shadows them all. */
static void sys_finish(struct nsys *s)
{
	size_t w = 0;

	if (s->has_uncond) {
		s->nconds = 0;
		return;
	}
	if (!s->nconds)
		return;
	qsort(s->conds, s->nconds, sizeof(*s->conds), cmp_cond_q);
	for (size_t i = 1; i < s->nconds; i++)
		if (cmp_cond(&s->conds[i], &s->conds[w]))
			s->conds[++w] = s->conds[i];
	s->nconds = w + 1;
}

static int normalise(const struct tl_profile *p, const char *who, struct npol *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->def = norm_act(p->default_action, p->has_default_errno, p->default_errno);
	out->listener = p->listener_path;

	if ((r = add_arch(out, who, "native architecture", "SCMP_ARCH_X86_64")))
		goto fail;
	for (size_t i = 0; p->architectures && p->architectures[i]; i++) {
		char where[48];

		snprintf(where, sizeof(where), "architectures[%zu]", i);
		if ((r = add_arch(out, who, where, p->architectures[i])))
			goto fail;
	}
	for (size_t i = 0; i < p->narchmap; i++) {
		if (arch_token(p->archmap[i].arch) != NATIVE)
			continue; /* other machines' entries: not this runtime's filter */
		for (size_t j = 0; p->archmap[i].subs && p->archmap[i].subs[j]; j++) {
			char where[80];

			snprintf(where, sizeof(where), "archMap[%zu].subArchitectures[%zu]", i, j);
			if ((r = add_arch(out, who, where, p->archmap[i].subs[j])))
				goto fail;
		}
	}
	qsort(out->arch, out->narch, sizeof(out->arch[0]), cmp_arch);

	if (p->flags) {
		size_t n = tl_strv_len(p->flags);

		out->flags = calloc(n + 1, sizeof(*out->flags));
		if (!out->flags) {
			r = oom();
			goto fail;
		}
		memcpy(out->flags, p->flags, n * sizeof(*out->flags));
		qsort(out->flags, n, sizeof(*out->flags), cmp_strp);
	}

	for (size_t i = 0; i < p->nrules; i++) {
		const struct tl_rule *rule = &p->rules[i];
		struct act act = norm_act(rule->action, rule->has_errno_ret, rule->errno_ret);

		if (!rule_applies(rule) || act_eq(act, out->def))
			continue;
		for (size_t j = 0; rule->names && rule->names[j]; j++) {
			const char *name = rule->names[j];
			bool anywhere = false;

			for (size_t a = 0; a < out->narch && !anywhere; a++)
				anywhere = known_on(out->arch[a].arch, name);
			for (size_t a = 0; a < out->narch; a++) {
				struct nsys *s;

				/* A name no arch knows stays visible under the native arch. */
				if (anywhere ? !known_on(out->arch[a].arch, name)
				             : out->arch[a].arch != NATIVE)
					continue;
				s = arch_sys(&out->arch[a], name);
				if (!s) {
					r = oom();
					goto fail;
				}
				if ((r = sys_add_rule(s, rule, act)))
					goto fail;
			}
		}
	}
	for (size_t a = 0; a < out->narch; a++)
		for (size_t i = 0; i < out->arch[a].n; i++)
			sys_finish(&out->arch[a].sys[i]);
	return 0;
fail:
	npol_free(out);
	return r;
}

/* ---- one syscall: its state and how it changed ------------------------------------ */

/* The effective treatment of one syscall on one arch. */
struct view {
	const char *name;
	bool listed;
	struct act fallback; /* the unconditional action, or the default */
	const struct ncond *conds;
	size_t nconds;
};

enum state { ST_DENIED, ST_ALLOWED, ST_COND };

static struct view make_view(const struct npol *p, const struct nsys *s, const char *name)
{
	struct view v = {.name = name, .fallback = p->def};

	if (s) {
		v.listed = true;
		if (s->has_uncond)
			v.fallback = s->uncond;
		v.conds = s->conds;
		v.nconds = s->nconds;
	}
	return v;
}

static enum state view_state(const struct view *v)
{
	bool perm = permissive(v->fallback);

	for (size_t i = 0; i < v->nconds; i++)
		if (permissive(v->conds[i].act) != perm)
			return ST_COND;
	return perm ? ST_ALLOWED : ST_DENIED;
}

static bool view_eq(const struct view *x, const struct view *y)
{
	if (!act_eq(x->fallback, y->fallback) || x->nconds != y->nconds)
		return false;
	for (size_t i = 0; i < x->nconds; i++)
		if (cmp_cond(&x->conds[i], &y->conds[i]))
			return false;
	return true;
}

static bool arg_matches(const struct tl_arg *a, uint64_t v)
{
	switch (a->op) {
	case TL_OP_NE:
		return v != a->value;
	case TL_OP_LT:
		return v < a->value;
	case TL_OP_LE:
		return v <= a->value;
	case TL_OP_EQ:
		return v == a->value;
	case TL_OP_GE:
		return v >= a->value;
	case TL_OP_GT:
		return v > a->value;
	case TL_OP_MASKED_EQ:
		return (v & a->value) == a->value_two;
	}
	return false;
}

/* Do the conditions on `index` accept v?  Conditions on other arguments are assumed satisfiable. */
static bool cond_accepts(const struct ncond *c, uint32_t index, uint64_t v, bool *only_index)
{
	*only_index = true;
	for (size_t i = 0; i < c->nargs; i++) {
		if (c->args[i].index != index) {
			*only_index = false;
			continue;
		}
		if (!arg_matches(&c->args[i], v))
			return false;
	}
	return true;
}

/* May the syscall run with argument `index` == v (for some value of the other arguments)? */
static bool view_allows_value(const struct view *vw, uint32_t index, uint64_t v)
{
	bool only;

	if (permissive(vw->fallback)) {
		/* Denied only by a rule that looks at nothing but this argument. */
		for (size_t i = 0; i < vw->nconds; i++)
			if (!permissive(vw->conds[i].act) &&
			    cond_accepts(&vw->conds[i], index, v, &only) && only &&
			    vw->conds[i].nargs)
				return false;
		return true;
	}
	for (size_t i = 0; i < vw->nconds; i++)
		if (permissive(vw->conds[i].act) && cond_accepts(&vw->conds[i], index, v, &only))
			return true;
	return false;
}

/*
 * A socket type entry (SOCK_RAW): allowed for an IP family, by a rule that
 * names the type (tailor's strict socket triples, a hand-written rule).  A
 * rule on the family alone leaves the type to the capability that guards
 * it (CAP_NET_RAW, its own diff item), as docs/diff.md says: socket for
 * AF_INET only is low.
 */
static bool view_allows_socket_type(const struct view *vw, const struct tl_risk_entry *e)
{
	static const uint64_t ip[] = {2, 10};
	bool only;

	/*
	 * Allowed whatever its arguments, or all but what deny rules name: no
	 * allow rule names the type, so it is CAP_NET_RAW's, as for a rule on
	 * the family alone (the same set spelt two ways rates the same).
	 */
	if (permissive(vw->fallback))
		return false;
	for (size_t i = 0; i < vw->nconds; i++) {
		const struct ncond *c = &vw->conds[i];
		bool names_type = false;

		if (!permissive(c->act) || !cond_accepts(c, e->index, e->value, &only))
			continue;
		for (size_t k = 0; k < c->nargs; k++)
			names_type |= c->args[k].index == e->index;
		if (names_type &&
		    (cond_accepts(c, 0, ip[0], &only) || cond_accepts(c, 0, ip[1], &only)))
			return true;
	}
	return false;
}

static bool view_allows_entry(const struct view *vw, const struct tl_risk_entry *e)
{
	if (!strcmp(e->name, "socket") && e->index == 1)
		return view_allows_socket_type(vw, e);
	if (e->match == TL_RISK_ANYBIT) {
		/* Any single flag of the mask, or all of them. */
		if (view_allows_value(vw, e->index, e->value))
			return true;
		for (unsigned b = 0; b < 64; b++)
			if ((e->value >> b) & 1 && view_allows_value(vw, e->index, 1ULL << b))
				return true;
		/*
		 * Or a combination a rule allows: unshare(CLONE_NEWUSER|CLONE_NEWNET)
		 * as one value, clone's namespace bits under a mask (bwrap).
		 */
		for (size_t i = 0; i < vw->nconds; i++) {
			const struct ncond *c = &vw->conds[i];
			uint64_t all = 0, masks = 0;

			for (size_t k = 0; k < c->nargs; k++) {
				const struct tl_arg *a = &c->args[k];
				uint64_t v = a->op == TL_OP_MASKED_EQ ? a->value_two : a->value;

				if (a->index != e->index)
					continue;
				if (a->op == TL_OP_MASKED_EQ)
					masks |= a->value;
				if (a->op == TL_OP_EQ || a->op == TL_OP_MASKED_EQ)
					all |= v;
				if ((v & e->value) && view_allows_value(vw, e->index, v))
					return true;
			}
			/* a mask leaves the flags outside it free */
			for (int free = 0; free < 2; free++) {
				uint64_t v = all | (free ? e->value & ~masks : 0);

				if ((v & e->value) && view_allows_value(vw, e->index, v))
					return true;
			}
		}
		return false;
	}
	return view_allows_value(vw, e->index, e->value);
}

struct risk_pick {
	enum tl_risk risk;
	const char *reason;
};

/* Keep the riskiest entry (the first of equal ones: the table's order). */
static void pick(struct risk_pick *p, const struct tl_risk_entry *e)
{
	if (e && (e->risk > p->risk || (!p->reason && e->risk == p->risk))) {
		p->risk = e->risk;
		p->reason = e->reason;
	}
}

/*
 * Risk of what `to` allows and `from` did not (a widening; swap for a
 * narrowing).  A syscall with argument entries in the risk table is as risky
 * as the risky values newly allowed; any other syscall has its own class.
 */
static struct risk_pick syscall_risk(const char *name, const struct view *from,
                                     const struct view *to)
{
	struct risk_pick p = {TL_RISK_LOW, NULL};
	const struct tl_risk_entry *e;
	size_t n;

	e = tl_risk_args(name, &n);
	if (!n) {
		pick(&p, tl_risk_syscall(name));
		return p;
	}
	for (size_t i = 0; i < n; i++)
		if (view_allows_entry(to, &e[i]) && !view_allows_entry(from, &e[i]))
			pick(&p, &e[i]);
	return p;
}

/* Names of a value from the risk table ("AF_PACKET"), for readable conditions. */
static void value_labels(struct tl_sb *b, const char *sys, uint32_t index, uint64_t v)
{
	const struct tl_risk_entry *e;
	bool first = true;
	size_t n;

	e = tl_risk_args(sys, &n);
	for (size_t i = 0; i < n; i++) {
		if (e[i].index != index || !tl_risk_arg_matches(&e[i], v))
			continue;
		tl_sb_printf(b, "%s%s", first ? " (" : ", ", e[i].label);
		first = false;
	}
	if (!first)
		tl_sb_puts(b, ")");
}

static void num(struct tl_sb *b, uint64_t v)
{
	if (v < 4096)
		tl_sb_printf(b, "%" PRIu64, v);
	else
		tl_sb_printf(b, "0x%" PRIx64, v);
}

static void cond_desc(struct tl_sb *b, const char *sys, const struct ncond *c)
{
	static const char *const ops[] = {
	    [TL_OP_NE] = "!=", [TL_OP_LT] = "<",  [TL_OP_LE] = "<=",
	    [TL_OP_EQ] = "==", [TL_OP_GE] = ">=", [TL_OP_GT] = ">",
	};

	for (size_t i = 0; i < c->nargs; i++) {
		const struct tl_arg *a = &c->args[i];

		tl_sb_printf(b, "%sarg%" PRIu32 " ", i ? " && " : "", a->index);
		if (a->op == TL_OP_MASKED_EQ) {
			tl_sb_puts(b, "& ");
			num(b, a->value);
			tl_sb_puts(b, " == ");
			num(b, a->value_two);
			continue;
		}
		tl_sb_printf(b, "%s ",
		             (unsigned)a->op < TL_ARRAY_SIZE(ops) && ops[a->op] ? ops[a->op] : "?");
		num(b, a->value);
		if (a->op == TL_OP_EQ || a->op == TL_OP_NE)
			value_labels(b, sys, a->index, a->value);
	}
}

/* Conditions whose action is (not) permissive, joined with " or ". */
static void conds_desc(struct tl_sb *b, const char *sys, const struct ncond *c, size_t n, bool perm)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (permissive(c[i].act) != perm)
			continue;
		tl_sb_puts(b, first ? "" : " or ");
		first = false;
		cond_desc(b, sys, &c[i]);
	}
}

/* "allowed", "errno EPERM", "allowed if arg0 == 1", "allowed unless arg0 == 16 (kill process)"...
 */
static void view_desc(struct tl_sb *b, const struct view *v)
{
	enum state st = view_state(v);

	if (st != ST_COND) {
		act_desc(b, v->fallback);
		for (size_t i = 0; i < v->nconds; i++) {
			/* Same side of allow/deny, other action: mention it. */
			tl_sb_puts(b, "; ");
			act_desc(b, v->conds[i].act);
			tl_sb_puts(b, " if ");
			cond_desc(b, v->name, &v->conds[i]);
		}
		return;
	}
	if (!permissive(v->fallback)) {
		tl_sb_puts(b, "allowed if ");
		conds_desc(b, v->name, v->conds, v->nconds, true);
		tl_sb_puts(b, ", else ");
		act_desc(b, v->fallback);
	} else {
		act_desc(b, v->fallback);
		tl_sb_puts(b, " unless ");
		conds_desc(b, v->name, v->conds, v->nconds, false);
	}
}

/* ---- the list of changes ------------------------------------------------------------ */

struct builder {
	struct tl_diff *d;
	size_t cap;
	const struct tl_trace *new_trace; /* for callsites, or NULL */
};

static int item_add(struct builder *bd, enum tl_diff_kind kind, enum tl_diff_change change,
                    const char *arch, const char *name, struct risk_pick rk, struct tl_sb *detail,
                    struct tl_diff_item **out)
{
	struct tl_diff *d = bd->d;
	struct tl_diff_item *it;
	char *det = tl_sb_take(detail);

	if (out)
		*out = NULL;
	if (!det)
		return oom();
	if (d->n == bd->cap) {
		size_t cap = bd->cap ? bd->cap * 2 : 32;
		struct tl_diff_item *v = realloc(d->items, cap * sizeof(*v));

		if (!v) {
			free(det);
			return oom();
		}
		d->items = v;
		bd->cap = cap;
	}
	it = &d->items[d->n];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->change = change;
	it->risk = rk.risk;
	it->reason = rk.reason;
	it->detail = det;
	it->arch = arch ? strdup(arch) : NULL;
	it->name = strdup(name);
	d->n++;
	if ((arch && !it->arch) || !it->name)
		return oom();
	if (out)
		*out = it;
	return 0;
}

static int note_add(struct tl_diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note_add(struct tl_diff *d, const char *fmt, ...)
{
	size_t n = tl_strv_len(d->notes);
	char **v, *s;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return oom();
	v = realloc(d->notes, (n + 2) * sizeof(*v));
	if (!v) {
		free(s);
		return oom();
	}
	v[n] = s;
	v[n + 1] = NULL;
	d->notes = v;
	return 0;
}

static int copy_callsite(struct tl_callsite *d, const struct tl_callsite *s)
{
	memset(d, 0, sizeof(*d));
	d->abi = s->abi;
	d->syscall = strdup(s->syscall ? s->syscall : "");
	d->detail = s->detail ? strdup(s->detail) : NULL;
	d->program = strdup(s->program ? s->program : "");
	if (!d->syscall || !d->program || (s->detail && !d->detail))
		goto fail;
	if (s->nframes) {
		d->frames = calloc(s->nframes, sizeof(*d->frames));
		if (!d->frames)
			goto fail;
		d->nframes = s->nframes;
		for (size_t i = 0; i < s->nframes; i++) {
			const struct tl_frame *f = &s->frames[i];
			struct tl_frame *g = &d->frames[i];

			*g = (struct tl_frame){.offset = f->offset, .symoff = f->symoff};
			if ((f->file && !(g->file = strdup(f->file))) ||
			    (f->build_id && !(g->build_id = strdup(f->build_id))) ||
			    (f->symbol && !(g->symbol = strdup(f->symbol))))
				goto fail;
		}
	}
	return 0;
fail:
	tl_callsite_free(d);
	return oom();
}

/*
 * Attach the NEW trace's callsites of (syscall, detail): those of the item's
 * ABI, else of any ABI (a trace's profile lists one set of names for all).
 */
static int attach_callsites(struct builder *bd, struct tl_diff_item *it, const char *syscall,
                            const char *detail)
{
	const struct tl_trace *t = bd->new_trace;
	int want = it->arch ? tl_abi_from_name(it->arch) : -1;
	size_t before = it->ncallsites;

	if (!t)
		return 0;
	for (int pass = 0; pass < 2 && it->ncallsites == before; pass++) {
		for (size_t i = 0; i < t->ncallsites; i++) {
			const struct tl_callsite *c = &t->callsites[i];
			struct tl_callsite *v;
			int r;

			if (!c->syscall || strcmp(c->syscall, syscall) ||
			    (detail ? !c->detail || strcmp(c->detail, detail)
			            : c->detail != NULL) ||
			    (pass == 0 && (int)c->abi != want))
				continue;
			v = realloc(it->callsites, (it->ncallsites + 1) * sizeof(*v));
			if (!v)
				return oom();
			it->callsites = v;
			if ((r = copy_callsite(&v[it->ncallsites], c)))
				return r;
			it->ncallsites++;
		}
	}
	return 0;
}

/* The values one condition accepts, as an interval when it is one ([lo, hi]). */
static bool arg_interval(const struct tl_arg *a, uint64_t *lo, uint64_t *hi)
{
	*lo = 0;
	*hi = UINT64_MAX;
	switch (a->op) {
	case TL_OP_EQ:
		*lo = *hi = a->value;
		return true;
	case TL_OP_LT:
		if (!a->value)
			return false;
		*hi = a->value - 1;
		return true;
	case TL_OP_LE:
		*hi = a->value;
		return true;
	case TL_OP_GE:
		*lo = a->value;
		return true;
	case TL_OP_GT:
		if (a->value == UINT64_MAX)
			return false;
		*lo = a->value + 1;
		return true;
	default:
		return false;
	}
}

/* Does every value condition x accepts also pass condition y (same index)? */
static bool arg_subset(const struct tl_arg *x, const struct tl_arg *y)
{
	uint64_t xl, xh, yl, yh;

	if (x->index != y->index)
		return false;
	if (!cmp_arg(x, y))
		return true;
	if (x->op == TL_OP_EQ)
		return arg_matches(y, x->value);
	if (x->op == TL_OP_MASKED_EQ && y->op == TL_OP_MASKED_EQ)
		return !(y->value & ~x->value) && (x->value_two & y->value) == y->value_two;
	if (arg_interval(x, &xl, &xh)) {
		if (y->op == TL_OP_NE)
			return y->value < xl || y->value > xh;
		return arg_interval(y, &yl, &yh) && xl >= yl && xh <= yh;
	}
	return false;
}

/* Is every call rule x matches also matched by rule y (a sufficient test)? */
static bool cond_subset(const struct ncond *x, const struct ncond *y)
{
	for (size_t j = 0; j < y->nargs; j++) {
		bool covered = false;

		for (size_t i = 0; i < x->nargs && !covered; i++)
			covered = arg_subset(&x->args[i], &y->args[j]);
		if (!covered)
			return false;
	}
	return true;
}

/* Are the rules whose action is (not) permissive the same on both sides? */
static bool conds_equal(const struct view *x, const struct view *y, bool perm)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < x->nconds && permissive(x->conds[i].act) != perm)
			i++;
		while (j < y->nconds && permissive(y->conds[j].act) != perm)
			j++;
		if (i == x->nconds || j == y->nconds)
			return i == x->nconds && j == y->nconds;
		if (cmp_cond(&x->conds[i++], &y->conds[j++]))
			return false;
	}
}

struct cond_list {
	struct ncond *v;
	size_t n;
	bool oom;
};

/*
 * Rules of `a` that allow (perm) or deny (!perm) calls no such rule of `b`
 * covers: what a adds over b on that side.
 */
static struct cond_list cond_only(const struct view *a, const struct view *b, bool perm)
{
	struct cond_list l = {calloc(a->nconds + 1, sizeof(*l.v)), 0, false};

	if (!l.v) {
		l.oom = true;
		return l;
	}
	for (size_t i = 0; i < a->nconds; i++) {
		bool covered = false;

		if (permissive(a->conds[i].act) != perm)
			continue;
		for (size_t j = 0; j < b->nconds && !covered; j++)
			covered = permissive(b->conds[j].act) == perm &&
			          cond_subset(&a->conds[i], &b->conds[j]);
		if (!covered)
			l.v[l.n++] = a->conds[i];
	}
	return l;
}

/* Compare one syscall on one arch. */
static int diff_syscall(struct builder *bd, const char *arch, const struct view *o,
                        const struct view *n)
{
	enum state so = view_state(o), sn = view_state(n);
	struct tl_sb b = {0};
	struct tl_diff_item *it;
	const char *name = n->name;
	int r;

	if (view_eq(o, n))
		return 0;
	if (so == ST_DENIED && sn == ST_DENIED) {
		struct risk_pick low = {TL_RISK_LOW, NULL};

		view_desc(&b, o);
		tl_sb_puts(&b, " → ");
		view_desc(&b, n);
		return item_add(bd, TL_DIFF_SYSCALL, TL_DIFF_CHANGED, arch, name, low, &b, NULL);
	}
	if (so == ST_DENIED) {
		view_desc(&b, n);
		if (o->listed) {
			tl_sb_puts(&b, " (was ");
			view_desc(&b, o);
			tl_sb_puts(&b, ")");
		}
		r = item_add(bd, TL_DIFF_SYSCALL, TL_DIFF_ADDED, arch, name,
		             syscall_risk(name, o, n), &b, &it);
		return r ? r : attach_callsites(bd, it, name, NULL);
	}
	if (sn == ST_DENIED) {
		tl_sb_puts(&b, "now ");
		view_desc(&b, n);
		return item_add(bd, TL_DIFF_SYSCALL, TL_DIFF_REMOVED, arch, name,
		                syscall_risk(name, n, o), &b, NULL);
	}
	if (so == ST_ALLOWED && sn == ST_ALLOWED) {
		struct risk_pick low = {TL_RISK_LOW, NULL};

		view_desc(&b, o);
		tl_sb_puts(&b, " → ");
		view_desc(&b, n);
		return item_add(bd, TL_DIFF_SYSCALL, TL_DIFF_CHANGED, arch, name, low, &b, NULL);
	}
	if (so == ST_ALLOWED) { /* -> conditional */
		tl_sb_puts(&b, "now ");
		view_desc(&b, n);
		return item_add(bd, TL_DIFF_ARG, TL_DIFF_NARROWED, arch, name,
		                syscall_risk(name, n, o), &b, NULL);
	}
	if (sn == ST_ALLOWED) { /* conditional -> any arguments */
		tl_sb_puts(&b, "now ");
		view_desc(&b, n);
		tl_sb_puts(&b, " for any arguments (was ");
		view_desc(&b, o);
		tl_sb_puts(&b, ")");
		return item_add(bd, TL_DIFF_ARG, TL_DIFF_WIDENED, arch, name,
		                syscall_risk(name, o, n), &b, NULL);
	}
	/* Conditional on both sides. */
	if (permissive(o->fallback) != permissive(n->fallback)) {
		view_desc(&b, o);
		tl_sb_puts(&b, " → ");
		view_desc(&b, n);
		return item_add(bd, TL_DIFF_ARG, TL_DIFF_CHANGED, arch, name,
		                syscall_risk(name, o, n), &b, NULL);
	}
	{
		/*
		 * Rules only in NEW widen (allow rules) or narrow (deny rules);
		 * rules only in OLD the reverse.  A rule whose values another rule
		 * of the other side already covers changes nothing and is left out.
		 */
		bool perm = permissive(n->fallback);
		struct cond_list wl, nl;
		struct tl_sb w = {0}, nw = {0};

		wl = perm ? cond_only(o, n, false) : cond_only(n, o, true);
		nl = perm ? cond_only(n, o, false) : cond_only(o, n, true);
		if (wl.oom || nl.oom) {
			free(wl.v);
			free(nl.v);
			return oom();
		}
		if (wl.n) {
			if (perm) {
				tl_sb_puts(&w, "no longer ");
				act_desc(&w, wl.v[0].act);
				tl_sb_puts(&w, " if ");
			} else {
				tl_sb_puts(&w, "allowed if ");
			}
			conds_desc(&w, name, wl.v, wl.n, !perm);
		}
		if (nl.n) {
			if (perm) {
				tl_sb_puts(&nw, "now ");
				act_desc(&nw, nl.v[0].act);
				tl_sb_puts(&nw, " if ");
			} else {
				/*
				 * OLD's conditions NEW does not cover: values in them may
				 * be refused now, not all (NEW may allow some again).
				 */
				tl_sb_puts(&nw, "before: allowed if ");
			}
			conds_desc(&nw, name, nl.v, nl.n, !perm);
		}
		r = 0;
		if (wl.n) {
			r = item_add(bd, TL_DIFF_ARG, TL_DIFF_WIDENED, arch, name,
			             syscall_risk(name, o, n), &w, &it);
			/* Who passed a newly allowed value (callsites "arg0=0x11"). */
			for (size_t k = 0; !r && !perm && k < wl.n; k++) {
				char det[48];

				if (wl.v[k].nargs != 1 || wl.v[k].args[0].op != TL_OP_EQ)
					continue;
				snprintf(det, sizeof(det), "arg%" PRIu32 "=0x%" PRIx64,
				         wl.v[k].args[0].index, wl.v[k].args[0].value);
				r = attach_callsites(bd, it, name, det);
			}
		} else {
			free(tl_sb_take(&w));
		}
		if (!r && nl.n)
			r = item_add(bd, TL_DIFF_ARG, TL_DIFF_NARROWED, arch, name,
			             syscall_risk(name, n, o), &nw, NULL);
		else
			free(tl_sb_take(&nw));
		free(wl.v);
		free(nl.v);
		if (!r && !wl.n && !nl.n && !conds_equal(o, n, perm)) {
			/* Rules on the fallback's side changed their action (kill vs errno). */
			struct risk_pick low = {TL_RISK_LOW, NULL};

			view_desc(&b, o);
			tl_sb_puts(&b, " → ");
			view_desc(&b, n);
			r = item_add(bd, TL_DIFF_ARG, TL_DIFF_CHANGED, arch, name, low, &b, NULL);
		}
		return r;
	}
}

/* "42 syscalls allowed, 3 conditionally" of one arch, for an arch change. */
static void arch_summary(struct tl_sb *b, const struct npol *p, const struct narch *a)
{
	size_t allowed = 0, cond = 0;

	for (size_t i = 0; i < a->n; i++) {
		struct view v = make_view(p, &a->sys[i], a->sys[i].name);
		enum state st = view_state(&v);

		allowed += st == ST_ALLOWED;
		cond += st == ST_COND;
	}
	tl_sb_printf(b, "%zu syscalls allowed, %zu conditionally; default ", allowed, cond);
	act_desc(b, p->def);
}

static const struct narch *pol_arch(const struct npol *p, uint32_t arch)
{
	for (size_t i = 0; i < p->narch; i++)
		if (p->arch[i].arch == arch)
			return &p->arch[i];
	return NULL;
}

static int diff_policies(struct builder *bd, const struct npol *o, const struct npol *n)
{
	struct risk_pick low = {TL_RISK_LOW, NULL};
	struct tl_sb b = {0};
	int r;

	if (!act_eq(o->def, n->def)) {
		enum tl_diff_change ch = TL_DIFF_CHANGED;
		struct risk_pick rk = low;

		if (!permissive(o->def) && permissive(n->def)) {
			ch = TL_DIFF_WIDENED;
			pick(&rk, tl_risk_policy("default-allow"));
		} else if (permissive(o->def) && !permissive(n->def)) {
			ch = TL_DIFF_NARROWED;
		}
		act_desc(&b, o->def);
		tl_sb_puts(&b, " → ");
		act_desc(&b, n->def);
		if ((r = item_add(bd, TL_DIFF_DEFAULT, ch, NULL, "defaultAction", rk, &b, NULL)))
			return r;
	}
	for (int side = 0; side < 2; side++) {
		char *const *mine = side ? n->flags : o->flags, *const *other =
		                                                    side ? o->flags : n->flags;

		for (size_t i = 0; mine && mine[i]; i++) {
			struct risk_pick rk = low;

			if (strv_has(other, mine[i]))
				continue;
			pick(&rk, tl_risk_policy(mine[i]));
			tl_sb_puts(&b, side ? "filter flag set" : "filter flag no longer set");
			if ((r = item_add(bd, TL_DIFF_DEFAULT,
			                  side ? TL_DIFF_ADDED : TL_DIFF_REMOVED, NULL, mine[i], rk,
			                  &b, NULL)))
				return r;
		}
	}
	if ((o->listener || n->listener) &&
	    (!o->listener || !n->listener || strcmp(o->listener, n->listener))) {
		tl_sb_printf(&b, "%s → %s", o->listener ? o->listener : "(none)",
		             n->listener ? n->listener : "(none)");
		if ((r = item_add(bd, TL_DIFF_DEFAULT, TL_DIFF_CHANGED, NULL, "listenerPath", low,
		                  &b, NULL)))
			return r;
	}

	for (int side = 0; side < 2; side++) {
		const struct npol *mine = side ? n : o, *other = side ? o : n;

		for (size_t a = 0; a < mine->narch; a++) {
			struct risk_pick rk = low;

			if (pol_arch(other, mine->arch[a].arch))
				continue;
			if (side)
				pick(&rk, tl_risk_policy("arch-added"));
			arch_summary(&b, mine, &mine->arch[a]);
			if ((r = item_add(bd, TL_DIFF_ARCH, side ? TL_DIFF_ADDED : TL_DIFF_REMOVED,
			                  mine->arch[a].name, mine->arch[a].name, rk, &b, NULL)))
				return r;
		}
	}

	/* Syscalls, on the arches of both sides: a merge of the sorted name lists. */
	for (size_t a = 0; a < o->narch; a++) {
		const struct narch *oa = &o->arch[a], *na = pol_arch(n, oa->arch);
		size_t i = 0, j = 0;

		if (!na)
			continue;
		while (i < oa->n || j < na->n) {
			int c = i == oa->n   ? 1
			        : j == na->n ? -1
			                     : strcmp(oa->sys[i].name, na->sys[j].name);
			const char *name = c <= 0 ? oa->sys[i].name : na->sys[j].name;
			struct view vo = make_view(o, c <= 0 ? &oa->sys[i] : NULL, name);
			struct view vn = make_view(n, c >= 0 ? &na->sys[j] : NULL, name);

			if ((r = diff_syscall(bd, oa->name, &vo, &vn)))
				return r;
			if (c <= 0)
				i++;
			if (c >= 0)
				j++;
		}
	}
	return 0;
}

/* ---- traces: programs, files, capabilities, network -------------------------------- */

static bool recorded(const struct tl_trace *t, const char *feature, size_t n)
{
	if (n)
		return true;
	for (size_t i = 0; i < t->nruns; i++)
		if (strv_has(t->runs[i].features, feature))
			return true;
	return false;
}

/* Up to three distinct programs of a sorted-by-key array, for details. */
struct progs {
	const char *v[3];
	size_t n, more;
};

static void progs_add(struct progs *p, const char *prog)
{
	if (!prog || !prog[0])
		return;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], prog))
			return;
	if (p->n < TL_ARRAY_SIZE(p->v))
		p->v[p->n++] = prog;
	else
		p->more++;
}

static void progs_desc(struct tl_sb *b, const struct progs *p, const char *verb)
{
	if (!p->n)
		return;
	tl_sb_printf(b, " %s ", verb);
	for (size_t i = 0; i < p->n; i++)
		tl_sb_printf(b, "%s%s", i ? ", " : "", p->v[i]);
	if (p->more)
		tl_sb_printf(b, " and %zu more", p->more);
}

/* Is path executed in t (execs are sorted by path)? */
static bool exec_has(const struct tl_trace *t, const char *path)
{
	size_t lo = 0, hi = t->nexecs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->execs[mid].path, path);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int diff_programs(struct builder *bd, const struct tl_trace *o, const struct tl_trace *n)
{
	for (int side = 0; side < 2; side++) {
		const struct tl_trace *mine = side ? n : o, *other = side ? o : n;

		for (size_t i = 0; i < mine->nexecs;) {
			const char *path = mine->execs[i].path;
			struct risk_pick rk = {TL_RISK_LOW, NULL};
			struct progs parents = {0};
			struct tl_sb b = {0};
			int r;

			for (; i < mine->nexecs && !strcmp(mine->execs[i].path, path); i++)
				progs_add(&parents, mine->execs[i].parent);
			if (exec_has(other, path))
				continue;
			pick(&rk, tl_risk_path(path));
			tl_sb_puts(&b, side ? "executed" : "no longer executed");
			progs_desc(&b, &parents, "by");
			if ((r = item_add(bd, TL_DIFF_PROGRAM,
			                  side ? TL_DIFF_ADDED : TL_DIFF_REMOVED, NULL, path, rk,
			                  &b, NULL)))
				return r;
		}
	}
	return 0;
}

static void access_desc(struct tl_sb *b, uint32_t bits, const char *sign)
{
	bool first = true;

	for (unsigned i = 0; i < TL_ACC_COUNT_BITS; i++) {
		const char *nm;

		if (!(bits & (1u << i)))
			continue;
		nm = tl_access_name(i);
		tl_sb_printf(b, "%s%s%s", first ? "" : ", ", sign, nm ? nm : "?");
		first = false;
	}
}

/*
 * A trace's files by the rule they make: the AppArmor export's pattern of
 * each path (a temp or pid name of one run and of the next are one entry),
 * then the program.  Sorted by (key, program).
 */
struct fent {
	char *key;
	const char *path; /* as recorded: its risk, and "recorded as" */
	const char *program;
	uint32_t access;
	bool generalised; /* key is a glob, not the path escaped */
};

static int fent_cmp(const void *a, const void *b)
{
	const struct fent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->program, y->program);
}

static void fents_free(struct fent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

static int fents_of(const struct tl_trace *t, const struct tl_aa_vars *vars, struct fent **out)
{
	struct fent *v = calloc(t->nfiles ? t->nfiles : 1, sizeof(*v));
	int r = 0;

	if (!v)
		return tl_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < t->nfiles && !r; i++) {
		const struct tl_file *f = &t->files[i];

		v[i].path = f->path;
		v[i].program = f->program ? f->program : "";
		v[i].access = f->access;
		if (f->path[0] == '/')
			r = tl_aa_path_pattern(vars, t, f->path, f->access, &v[i].key,
			                       &v[i].generalised);
		else if (!(v[i].key = strdup(f->path)))
			r = tl_err(ENOMEM, "out of memory");
	}
	if (r) {
		fents_free(v, t->nfiles);
		return r;
	}
	qsort(v, t->nfiles, sizeof(*v), fent_cmp);
	*out = v;
	return 0;
}

/* Index of the first entry of key in v (sorted), or n. */
static size_t fent_first(const struct fent *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Access bits of a key over all programs; *found tells whether it is there
 * at all.  p collects the programs that made any access in mask.
 */
static uint32_t fent_access(const struct fent *v, size_t n, const char *key, struct progs *p,
                            uint32_t mask, bool *found)
{
	uint32_t acc = 0;
	size_t i = fent_first(v, n, key);

	*found = i < n && !strcmp(v[i].key, key);
	for (; i < n && !strcmp(v[i].key, key); i++) {
		acc |= v[i].access;
		if (p && (v[i].access & mask))
			progs_add(p, v[i].program);
	}
	return acc;
}

static int diff_files(struct builder *bd, const struct tl_trace *o, const struct tl_trace *n)
{
	struct fent *fe[2] = {NULL, NULL};
	struct tl_aa_vars vars;
	int r;

	tl_aa_vars_init(&vars);
	r = tl_aa_vars_add_tunables(&vars);
	if (!r)
		r = fents_of(o, &vars, &fe[0]);
	if (!r)
		r = fents_of(n, &vars, &fe[1]);
	for (int side = 0; side < 2 && !r; side++) {
		const struct fent *mine = fe[side], *other = fe[!side];
		size_t nm = side ? n->nfiles : o->nfiles, no = side ? o->nfiles : n->nfiles;

		for (size_t i = 0; i < nm && !r;) {
			const char *key = mine[i].key;
			struct progs progs = {0};
			bool here, in_other;
			uint32_t acc = fent_access(mine, nm, key, NULL, 0, &here);
			uint32_t oth = fent_access(other, no, key, NULL, 0, &in_other);
			struct risk_pick rk = {TL_RISK_LOW, NULL};
			struct tl_sb b = {0};
			enum tl_diff_change ch;

			/* risk by the paths recorded (/proc/kcore), not by their pattern */
			for (; i < nm && !strcmp(mine[i].key, key); i++)
				pick(&rk, tl_risk_path(mine[i].path));
			/* by: the programs that made what is new (all of it for an added path) */
			if (side)
				fent_access(mine, nm, key, &progs, in_other ? acc & ~oth : acc,
				            &here);
			if (!in_other) {
				ch = side ? TL_DIFF_ADDED : TL_DIFF_REMOVED;
				access_desc(&b, acc, "");
				if (side)
					progs_desc(&b, &progs, "by");
			} else if (side && (acc & ~oth)) {
				/* Widened (and perhaps narrowed too): one line with both. */
				ch = TL_DIFF_WIDENED;
				access_desc(&b, acc & ~oth, "+");
				if (oth & ~acc) {
					tl_sb_puts(&b, ", ");
					access_desc(&b, oth & ~acc, "-");
				}
				progs_desc(&b, &progs, "by");
			} else if (side && (oth & ~acc)) {
				ch = TL_DIFF_NARROWED;
				access_desc(&b, oth & ~acc, "-");
			} else {
				continue;
			}
			if (mine[i - 1].generalised) {
				/* a file name is any bytes: control characters shown escaped */
				tl_sb_puts(&b, "; recorded as ");
				for (const char *c = mine[i - 1].path; *c; c++)
					if ((unsigned char)*c < 0x20 || *c == 0x7f)
						tl_sb_printf(&b, "\\x%02x", (unsigned char)*c);
					else
						tl_sb_printf(&b, "%c", *c);
			}
			r = item_add(bd, TL_DIFF_FILE, ch, NULL, key, rk, &b, NULL);
		}
	}
	fents_free(fe[0], o->nfiles);
	fents_free(fe[1], n->nfiles);
	tl_aa_vars_free(&vars);
	return r;
}

struct capsum {
	uint64_t granted, denied;
	bool present;            /* any entry for this capability, whatever its counts */
	struct progs progs;      /* every program with an entry */
	struct progs granted_by; /* the programs it was granted to */
};

/* Saturating: counts come from files, and a wrap would turn "used" into "absent". */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static void cap_sum(const struct tl_trace *t, int32_t cap, struct capsum *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < t->ncaps; i++)
		if (t->caps[i].cap == cap) {
			s->present = true;
			s->granted = sat_add(s->granted, t->caps[i].granted);
			s->denied = sat_add(s->denied, t->caps[i].denied);
			progs_add(&s->progs, t->caps[i].program);
			if (t->caps[i].granted)
				progs_add(&s->granted_by, t->caps[i].program);
		}
}

static int diff_caps(struct builder *bd, const struct tl_trace *o, const struct tl_trace *n)
{
	for (int side = 0; side < 2; side++) {
		const struct tl_trace *mine = side ? n : o, *other = side ? o : n;

		for (size_t i = 0; i < mine->ncaps; i++) {
			int32_t cap = mine->caps[i].cap;
			struct capsum m, x;
			struct risk_pick rk = {TL_RISK_LOW, NULL};
			const char *cname = tl_cap_name(cap);
			char nbuf[32];
			struct tl_sb b = {0};
			enum tl_diff_change ch;
			int r;

			if (i && mine->caps[i - 1].cap == cap)
				continue; /* sorted by cap: once per capability */
			cap_sum(mine, cap, &m);
			cap_sum(other, cap, &x);
			if (!cname) {
				snprintf(nbuf, sizeof(nbuf), "CAP_%" PRId32, cap);
				cname = nbuf;
			}
			/*
			 * Only a grant widens what the program may do: a capability
			 * only ever denied is not granted by the profiles made of the
			 * trace (the AppArmor export writes a comment), so its coming
			 * or going is low risk whatever the capability (docs/diff.md).
			 */
			if (m.granted || x.granted)
				pick(&rk, tl_risk_cap(cname));
			if (!x.present) {
				ch = side ? TL_DIFF_ADDED : TL_DIFF_REMOVED;
				if (!side)
					tl_sb_puts(&b, m.granted
					                   ? "no longer used (granted)"
					                   : "no longer checked (was only denied)");
				else if (m.granted)
					tl_sb_puts(&b, "used (granted)");
				else
					tl_sb_puts(&b, "denied");
			} else if (side && m.granted && !x.granted) {
				ch = TL_DIFF_WIDENED;
				tl_sb_puts(&b, "now granted (was only checked and denied)");
			} else if (side && !m.granted && x.granted) {
				ch = TL_DIFF_NARROWED;
				tl_sb_puts(&b, "now only checked and denied (was granted)");
			} else {
				continue;
			}
			if (side && !m.granted && !x.present) {
				progs_desc(&b, &m.progs, "to");
				tl_sb_puts(&b,
				           ", never granted: generated profiles do not grant it");
			} else if (side) {
				/* a grant names who got it, not the programs only denied it */
				progs_desc(&b, m.granted ? &m.granted_by : &m.progs, "by");
			}
			if ((r = item_add(bd, TL_DIFF_CAP, ch, NULL, cname, rk, &b, NULL)))
				return r;
		}
	}
	return 0;
}

/* Socket types of a family as a bit set (types >= 64 share the top bit), and programs. */
static uint64_t net_types(const struct tl_trace *t, int32_t family, struct progs *p)
{
	uint64_t types = 0;

	for (size_t i = 0; i < t->nnet; i++)
		if (t->net[i].family == family) {
			int32_t ty = t->net[i].type;

			types |= 1ULL << (ty >= 0 && ty < 63 ? ty : 63);
			if (p)
				progs_add(p, t->net[i].program);
		}
	return types;
}

static void types_desc(struct tl_sb *b, uint64_t types, const char *sign)
{
	bool first = true;

	for (int ty = 0; ty < 64; ty++) {
		const char *nm;

		if (!(types & (1ULL << ty)))
			continue;
		nm = ty < 63 ? tl_socktype_name(ty) : "other";
		tl_sb_printf(b, "%s%s", first ? "" : ", ", sign);
		if (nm)
			tl_sb_puts(b, nm);
		else
			tl_sb_printf(b, "type %d", ty);
		first = false;
	}
}

static void family_label(char *buf, size_t n, int32_t family)
{
	const char *nm = tl_family_name(family);
	size_t k;

	if (!nm) {
		snprintf(buf, n, "AF_%" PRId32, family);
		return;
	}
	k = (size_t)snprintf(buf, n, "AF_%s", nm);
	for (size_t i = 3; i < k && i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
}

/* Risk of socket families and types, from the socket argument entries. */
/*
 * The class of sockets of family with the given types: the family's own
 * entry when it is new (family_new), and the types' (raw IP sockets) in
 * that family either way.
 */
static void net_risk(struct risk_pick *rk, int32_t family, uint64_t types, bool family_new)
{
	const struct tl_risk_entry *e;
	size_t n;

	e = tl_risk_args("socket", &n);
	for (size_t i = 0; i < n; i++) {
		if (family_new && e[i].index == 0 &&
		    tl_risk_arg_matches(&e[i], (uint64_t)(uint32_t)family))
			pick(rk, &e[i]);
		for (int ty = 0; e[i].index == 1 && tl_risk_socket_type_family(family) && ty < 63;
		     ty++)
			if ((types >> ty) & 1 && tl_risk_arg_matches(&e[i], (uint64_t)ty))
				pick(rk, &e[i]);
	}
}

static int diff_net(struct builder *bd, const struct tl_trace *o, const struct tl_trace *n)
{
	for (int side = 0; side < 2; side++) {
		const struct tl_trace *mine = side ? n : o, *other = side ? o : n;

		for (size_t i = 0; i < mine->nnet; i++) {
			int32_t fam = mine->net[i].family;
			struct progs progs = {0};
			uint64_t m, x;
			struct risk_pick rk = {TL_RISK_LOW, NULL};
			struct tl_diff_item *it;
			char name[32], detail[32];
			struct tl_sb b = {0};
			enum tl_diff_change ch;
			int r;

			if (i && mine->net[i - 1].family == fam)
				continue; /* sorted by family */
			m = net_types(mine, fam, &progs);
			x = net_types(other, fam, NULL);
			family_label(name, sizeof(name), fam);
			if (!x) {
				ch = side ? TL_DIFF_ADDED : TL_DIFF_REMOVED;
				net_risk(&rk, fam, m, true);
				types_desc(&b, m, "");
			} else if (side && (m & ~x)) {
				ch = TL_DIFF_WIDENED;
				net_risk(&rk, fam, m & ~x, false);
				types_desc(&b, m & ~x, "+");
				if (x & ~m) {
					tl_sb_puts(&b, ", ");
					types_desc(&b, x & ~m, "-");
				}
			} else if (side && (x & ~m)) {
				ch = TL_DIFF_NARROWED;
				types_desc(&b, x & ~m, "-");
			} else {
				continue;
			}
			if (side)
				progs_desc(&b, &progs, "by");
			if ((r = item_add(bd, TL_DIFF_NET, ch, NULL, name, rk, &b, &it)))
				return r;
			/* The socket() call that first used the family, when recorded. */
			snprintf(detail, sizeof(detail), "arg0=0x%" PRIx32, (uint32_t)fam);
			if (ch == TL_DIFF_ADDED && (r = attach_callsites(bd, it, "socket", detail)))
				return r;
		}
	}
	return 0;
}

/* ---- traces: hardening the program applies to itself -------------------------------- */

/*
 * What a program does to confine itself: install a seccomp filter, set
 * no_new_privs, drop root (uids, gids, groups, capabilities), chroot.  A
 * family is "done" by a side when any of its mechanisms is; NEW no longer
 * doing what OLD did widens what the program may do (the risk table's
 * hardening-* entries), the reverse narrows it (low).
 */
struct hmech {
	const char *sys;
	bool by_value;    /* argument 0 must be value; else the call itself counts */
	bool presence_ok; /* without recorded values, the call itself is evidence */
	uint64_t value;
	const char *label;
};

#define HMECH_MAX 16

struct hfamily {
	const char *name;   /* the item's name; its loss is risk policy "hardening-<name>" */
	const char *lost;   /* detail of a widening */
	const char *gained; /* detail of a narrowing */
	size_t n;
	struct hmech m[HMECH_MAX];
};

#define HSYS(s)                                                                                    \
	{                                                                                          \
		s, false, true, 0, s                                                               \
	}

static const struct hfamily hfamilies[] = {
    {"seccomp-filter",
     "no longer installs its own seccomp filter",
     "now installs its own seccomp filter",
     3,
     {{"prctl", true, false, 22, "prctl(PR_SET_SECCOMP)"},
      {"seccomp", true, true, 0, "seccomp(SECCOMP_SET_MODE_STRICT)"},
      {"seccomp", true, true, 1, "seccomp(SECCOMP_SET_MODE_FILTER)"}}},
    {"no-new-privs",
     "no longer sets no_new_privs",
     "now sets no_new_privs",
     1,
     {{"prctl", true, false, 38, "prctl(PR_SET_NO_NEW_PRIVS)"}}},
    {"privilege-drop",
     "no longer drops privileges",
     "now drops privileges",
     15,
     {HSYS("capset"), HSYS("setgid"), HSYS("setgid32"), HSYS("setgroups"), HSYS("setgroups32"),
      HSYS("setregid"), HSYS("setregid32"), HSYS("setresgid"), HSYS("setresgid32"),
      HSYS("setresuid"), HSYS("setresuid32"), HSYS("setreuid"), HSYS("setreuid32"), HSYS("setuid"),
      HSYS("setuid32")}},
    {"chroot", "no longer chroots itself", "now chroots itself", 1, {HSYS("chroot")}},
};

enum hstate { H_NO, H_YES, H_UNKNOWN };

/* Every run recorded argument values: a value absent from the set was not passed. */
static bool args_complete(const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++)
		if (!strv_has(t->runs[i].features, "args"))
			return false;
	return true;
}

/* Called and succeeded at least once, on any ABI. */
static bool called(const struct tl_trace *t, const char *sys)
{
	for (int abi = 0; abi < TL_ABI_COUNT; abi++) {
		const struct tl_syscall *s = tl_trace_find(t, (enum tl_abi)abi, sys);

		if (s && s->ok)
			return true;
	}
	return false;
}

/* A complain run lists only the calls its profile would have denied. */
static bool has_complain_run(const struct tl_trace *t)
{
	for (size_t i = 0; i < t->nruns; i++)
		if (t->runs[i].kind && !strcmp(t->runs[i].kind, "complain"))
			return true;
	return false;
}

/*
 * Did t use the mechanism, on any ABI?  H_UNKNOWN when the syscall was made
 * but its values were not recorded (a run without `args`), or overflowed
 * above the value (the 64 smallest are kept, so below the largest kept one
 * an absent value was not seen).
 */
static enum hstate hmech_eval(const struct tl_trace *t, const struct hmech *m, bool complete)
{
	enum hstate st = H_NO;

	for (int abi = 0; abi < TL_ABI_COUNT; abi++) {
		const struct tl_syscall *s = tl_trace_find(t, (enum tl_abi)abi, m->sys);
		const struct tl_argvals *av;

		/* a probe that failed every time (EINVAL, EPERM as a user) confined nothing */
		if (!s || !s->ok)
			continue;
		if (!m->by_value)
			return H_YES;
		av = tl_syscall_argvals(s, 0);
		for (size_t i = 0; av && i < av->n; i++)
			if (av->values[i] == m->value)
				return H_YES;
		if (!av || !complete ||
		    (av->overflow && !(av->n && m->value < av->values[av->n - 1])))
			st = H_UNKNOWN;
	}
	return st;
}

struct hside {
	enum hstate st; /* H_YES when any mechanism was used */
	/* labels of the mechanisms used, unique */
	const char *yes[HMECH_MAX];
	size_t nyes;
	bool unknown; /* a mechanism could not be judged on this side */
};

static void hside_yes(struct hside *h, const char *label)
{
	for (size_t i = 0; i < h->nyes; i++)
		if (!strcmp(h->yes[i], label))
			return;
	h->yes[h->nyes++] = label;
}

static void labels_desc(struct tl_sb *b, const struct hside *h)
{
	for (size_t i = 0; i < h->nyes; i++)
		tl_sb_printf(b, "%s%s", i ? ", " : "", h->yes[i]);
}

/* "OLD", "NEW" or "OLD and NEW": the sides flagged in which[]. */
static void sides_desc(struct tl_sb *b, const bool which[2], const char *oname, const char *nname)
{
	if (which[0])
		tl_sb_puts(b, oname);
	if (which[0] && which[1])
		tl_sb_puts(b, " and ");
	if (which[1])
		tl_sb_puts(b, nname);
}

static int hnote(struct builder *bd, struct tl_sb *b)
{
	char *s = tl_sb_take(b);
	int r;

	if (!s)
		return oom();
	r = note_add(bd->d, "%s", s);
	free(s);
	return r;
}

static int diff_hardening(struct builder *bd, const struct tl_trace *o, const struct tl_trace *n,
                          const char *oname, const char *nname)
{
	const struct tl_trace *t[2] = {o, n};
	bool complete[2] = {args_complete(o), args_complete(n)};

	for (size_t f = 0; f < TL_ARRAY_SIZE(hfamilies); f++) {
		const struct hfamily *fam = &hfamilies[f];
		struct hside hs[2] = {{H_NO, {0}, 0, false}, {H_NO, {0}, 0, false}};
		const char *presence = NULL, *unjudged = NULL;
		bool pres_side[2] = {false, false};
		struct risk_pick rk = {TL_RISK_LOW, NULL};
		struct tl_sb b = {0};
		char key[64];
		int r;

		for (size_t i = 0; i < fam->n; i++) {
			const struct hmech *m = &fam->m[i];
			enum hstate e[2];
			bool by_presence = false;

			for (int s = 0; s < 2; s++)
				e[s] = hmech_eval(t[s], m, complete[s]);
			/* Values missing on a side: both sides are judged by the call alone. */
			if (m->presence_ok && (e[0] == H_UNKNOWN || e[1] == H_UNKNOWN)) {
				for (int s = 0; s < 2; s++) {
					pres_side[s] |= e[s] == H_UNKNOWN;
					e[s] = called(t[s], m->sys) ? H_YES : H_NO;
				}
				by_presence = true;
				presence = m->sys;
			}
			for (int s = 0; s < 2; s++) {
				if (e[s] == H_YES)
					hside_yes(&hs[s], by_presence ? m->sys : m->label);
				if (e[s] == H_UNKNOWN) {
					hs[s].unknown = true;
					unjudged = m->label;
				}
			}
		}
		for (int s = 0; s < 2; s++)
			hs[s].st = hs[s].nyes ? H_YES : hs[s].unknown ? H_UNKNOWN : H_NO;
		if (hs[0].st == hs[1].st && hs[0].st != H_UNKNOWN)
			continue;
		if (hs[0].st == H_UNKNOWN || hs[1].st == H_UNKNOWN) {
			/* Either way is possible: say what was not compared, and why. */
			bool which[2] = {hs[0].unknown, hs[1].unknown};

			tl_sb_printf(&b, "hardening %s not compared: telling %s needs argument ",
			             fam->name, unjudged);
			tl_sb_puts(&b, "values that ");
			sides_desc(&b, which, oname, nname);
			tl_sb_puts(&b,
			           " did not record in full (a run without the args feature, or "
			           "more values than kept)");
			if ((r = hnote(bd, &b)))
				return r;
			continue;
		}
		if (hs[0].st == H_YES) {
			snprintf(key, sizeof(key), "hardening-%s", fam->name);
			pick(&rk, tl_risk_policy(key));
			tl_sb_printf(&b, "%s: OLD called ", fam->lost);
			labels_desc(&b, &hs[0]);
			tl_sb_puts(&b, ", NEW does not");
		} else {
			tl_sb_printf(&b, "%s: NEW calls ", fam->gained);
			labels_desc(&b, &hs[1]);
		}
		if (presence)
			tl_sb_puts(
			    &b,
			    " (judged by the syscall's presence: argument values not recorded)");
		if ((r = item_add(bd, TL_DIFF_HARDENING,
		                  hs[0].st == H_YES ? TL_DIFF_WIDENED : TL_DIFF_NARROWED, NULL,
		                  fam->name, rk, &b, NULL)))
			return r;
		if (presence) {
			tl_sb_printf(
			    &b,
			    "hardening %s judged by the presence of %s alone: its argument "
			    "values were not recorded in ",
			    fam->name, presence);
			sides_desc(&b, pres_side, oname, nname);
			if ((r = hnote(bd, &b)))
				return r;
		}
	}
	return 0;
}

/* ---- ordering ----------------------------------------------------------------------- */

static int cmp_item(const void *a, const void *b)
{
	const struct tl_diff_item *x = a, *y = b;
	int c;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (!x->arch != !y->arch)
		return x->arch ? 1 : -1;
	if (x->arch && (c = strcmp(x->arch, y->arch)))
		return c;
	if ((c = strcmp(x->name, y->name)))
		return c;
	if (x->change != y->change)
		return x->change < y->change ? -1 : 1;
	return strcmp(x->detail, y->detail);
}

void tl_diff_free(struct tl_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct tl_diff_item *it = &d->items[i];

		free(it->arch);
		free(it->name);
		free(it->detail);
		for (size_t k = 0; k < it->ncallsites; k++)
			tl_callsite_free(&it->callsites[k]);
		free(it->callsites);
	}
	free(d->items);
	tl_strv_free(d->notes);
	memset(d, 0, sizeof(*d));
}

static int compute(const struct tl_profile *op, const char *oname, const struct tl_profile *np,
                   const char *nname, const struct tl_trace *ot, const struct tl_trace *nt,
                   struct tl_diff *out)
{
	struct builder bd = {.d = out, .new_trace = nt};
	struct npol o, n;
	int r;

	memset(out, 0, sizeof(*out));
	r = normalise(op, oname, &o);
	if (r)
		return r;
	r = normalise(np, nname, &n);
	if (r) {
		npol_free(&o);
		return r;
	}
	r = diff_policies(&bd, &o, &n);
	if (!r && ot && nt) {
		static const struct {
			const char *feature, *what;
		} feats[] = {
		    {"files", "files"}, {"caps", "capabilities"}, {"net", "network families"}};
		const size_t counts[][2] = {
		    {ot->nfiles, nt->nfiles}, {ot->ncaps, nt->ncaps}, {ot->nnet, nt->nnet}};
		int (*const fns[])(struct builder *, const struct tl_trace *,
		                   const struct tl_trace *) = {diff_files, diff_caps, diff_net};

		bool oc = has_complain_run(ot), nc = has_complain_run(nt);

		r = diff_programs(&bd, ot, nt);
		if (!r && (oc || nc))
			r = note_add(
			    out,
			    "%s holds a complain run (tailor run --complain): only the calls "
			    "its profile would have denied, not all it made; hardening not "
			    "compared (merge it with its recording first)",
			    oc ? oname : nname);
		else if (!r)
			r = diff_hardening(&bd, ot, nt, oname, nname);
		for (size_t f = 0; !r && f < TL_ARRAY_SIZE(feats); f++) {
			bool ro = recorded(ot, feats[f].feature, counts[f][0]);
			bool rn = recorded(nt, feats[f].feature, counts[f][1]);

			if (ro && rn)
				r = fns[f](&bd, ot, nt);
			else if (ro || rn)
				r = note_add(out, "%s not compared: %s did not record them",
				             feats[f].what, ro ? nname : oname);
		}
	} else if (!r && (ot || nt)) {
		r = note_add(
		    out,
		    "files, programs, capabilities, network and hardening are compared only "
		    "between two traces; %s is a profile",
		    ot ? nname : oname);
	}
	npol_free(&o);
	npol_free(&n);
	if (!r && out->n)
		qsort(out->items, out->n, sizeof(*out->items), cmp_item);
	if (r)
		tl_diff_free(out);
	return r;
}

int tl_diff_profiles(const struct tl_profile *old, const struct tl_profile *new,
                     struct tl_diff *out)
{
	return compute(old, "OLD", new, "NEW", NULL, NULL, out);
}

static int trace_notes(struct tl_diff *d, const struct tl_diff_side *s)
{
	char why[512] = "", one[256];
	size_t n = 0, bad = 0;

	if (!s->is_trace || tl_trace_complete(&s->trace))
		return 0;
	/* each run's reasons, in the words generate uses; a reason several runs share once */
	for (size_t i = 0; i < s->trace.nruns; i++) {
		if (!tl_run_why_incomplete(&s->trace.runs[i], one, sizeof(one)))
			continue;
		bad++;
		if (!strstr(why, one) && n < sizeof(why))
			n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s", n ? "; " : "", one);
	}
	if (s->trace.nruns > 1)
		return note_add(
		    d, "%s is incomplete (%zu of %zu runs: %s): its policy may miss syscalls",
		    s->file, bad, s->trace.nruns, why);
	return note_add(d, "%s is incomplete (%s): its policy may miss syscalls", s->file, why);
}

int tl_diff_compute(const struct tl_diff_side *old, const struct tl_diff_side *new,
                    struct tl_diff *out)
{
	int r;

	r = compute(&old->profile, old->file, &new->profile, new->file,
	            old->is_trace ? &old->trace : NULL, new->is_trace ? &new->trace : NULL, out);
	if (!r)
		r = trace_notes(out, old);
	if (!r)
		r = trace_notes(out, new);
	if (r)
		tl_diff_free(out);
	return r;
}

/* ---- reading a side ------------------------------------------------------------------ */

void tl_diff_side_free(struct tl_diff_side *s)
{
	free(s->file);
	tl_trace_free(&s->trace);
	tl_profile_free(&s->profile);
	memset(s, 0, sizeof(*s));
	tl_trace_init(&s->trace);
	tl_profile_init(&s->profile);
}

static void side_init(struct tl_diff_side *s)
{
	memset(s, 0, sizeof(*s));
	tl_trace_init(&s->trace);
	tl_profile_init(&s->profile);
}

/* Does the line p[0..n) start with the word w? */
static bool line_starts(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && !memcmp(p, w, k);
}

/*
 * What a text not starting with '{' plainly is when it is no JSON and no
 * SeccompProfile YAML, from its first lines; NULL when it may be YAML (the
 * YAML reader then says what is wrong).  Comments ('#') and `---` are legal
 * YAML, so only the first other line decides, or an AppArmor
 * `#include <...>` before it:
 *   AppArmor   `abi <`, `include <`, `profile `, `@{`, `alias `, `hat `, or
 *              a profile attached by path (`/usr/bin/app flags=(...) {`)
 *   systemd    a section header (`[Service]`), capitalised as systemd's are
 *   PFC        libseccomp's pseudo filter code (`if ($arch == ...)`)
 */
const char *tl_diff_foreign_text(const char *text, size_t len)
{
	static const char *const aa_words[] = {"abi <",      "abi \"",      "include <",
	                                       "include \"", "include if ", "profile ",
	                                       "@{",         "alias ",      "hat "};
	const char *p = text, *end = text + len;

	/* Binary: no text at all (a stray NUL later in a text is named with its place). */
	if (len >= 2 && (unsigned char)text[0] == 0x1f && (unsigned char)text[1] == 0x8b)
		return "gzip-compressed data";
	if (memchr(text, 0, len < 16 ? len : 16))
		return len % 8 ? "binary data"
		               : "binary data, a raw BPF program (tailor generate -f bpf) perhaps";
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *e = eol ? eol : end;
		size_t n;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n && *p == '#') {
			if (line_starts(p, n, "#include <") || line_starts(p, n, "#include \""))
				return "an AppArmor profile";
		} else if (n && !(n == 3 && line_starts(p, n, "---"))) { /* a YAML document start */
			for (size_t i = 0; i < TL_ARRAY_SIZE(aa_words); i++)
				if (line_starts(p, n, aa_words[i]))
					return "an AppArmor profile";
			if ((*p == '/' || line_starts(p, n, "\"/")) && p[n - 1] == '{')
				return "an AppArmor profile";
			if (n > 2 && *p == '[' && p[1] >= 'A' && p[1] <= 'Z' && p[n - 1] == ']' &&
			    strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") ==
			        n - 2)
				return "a systemd unit or drop-in";
			if (line_starts(p, n, "if ($"))
				return "libseccomp pseudo filter code (PFC)";
			return NULL;
		}
		p = e + (eol ? 1 : 0);
	}
	return NULL;
}

int tl_diff_side_from_text(const char *text, size_t len, const char *name, struct tl_diff_side *s)
{
	struct json_object *root = NULL, *v;
	const char *what;
	size_t i = 0;
	int r;

	side_init(s);
	s->file = strdup(name);
	if (!s->file)
		return oom();
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	if (i < len && text[i] != '{' && (what = tl_diff_foreign_text(text, len))) {
		r = tl_err(EINVAL,
		           "%s: %s; diff compares traces and seccomp profiles (JSON, or a "
		           "Kubernetes SeccompProfile YAML)",
		           name, what);
		goto out;
	}
	if (i < len && text[i] != '{' && text[i] != '[') {
		/* Not JSON: the Security Profiles Operator's SeccompProfile YAML. */
		s->format = "k8s";
		r = tl_diff_profile_from_yaml(text, len, name, &s->profile);
		goto out;
	}
	r = tl_json_parse(text, len, name, &root);
	if (r)
		goto out;
	if (json_object_get_type(root) == json_type_object &&
	    json_object_object_get_ex(root, "tailor_trace", &v)) {
		struct tl_trace tmp;

		json_object_put(root);
		root = NULL;
		s->is_trace = true;
		s->format = "trace";
		tl_trace_free(&s->trace);
		r = tl_trace_from_json(text, len, name, &tmp);
		s->trace = tmp;
		if (r)
			goto out;
		r = tl_generate(&s->trace, NULL, &s->profile);
		if (r)
			r = tl_err_ctx(r, "%s", name);
		goto out;
	}
	s->format = json_object_get_type(root) == json_type_object &&
	                    !json_object_object_get_ex(root, "defaultAction", NULL) &&
	                    (json_object_object_get_ex(root, "ociVersion", NULL) ||
	                     json_object_object_get_ex(root, "linux", NULL))
	                ? "oci-config"
	                : "seccomp-json";
	json_object_put(root);
	root = NULL;
	r = tl_profile_from_json(text, len, name, &s->profile);
out:
	json_object_put(root);
	if (r) {
		char *file = s->file;

		s->file = NULL;
		tl_diff_side_free(s);
		s->file = file; /* kept for messages; freed by tl_diff_side_free */
	}
	return r;
}

int tl_diff_side_load(const char *path, struct tl_diff_side *s)
{
	size_t len;
	char *buf;
	int r;

	side_init(s);
	r = tl_read_file(path, &buf, &len, 256u << 20);
	if (r)
		return r;
	r = tl_diff_side_from_text(buf, len, path, s);
	free(buf);
	return r;
}
