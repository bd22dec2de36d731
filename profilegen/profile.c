// SPDX-License-Identifier: Apache-2.0
/* The profile model: names of actions and operators, construction, freeing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/profile.h"

static const char *const action_names[] = {
	[TL_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[TL_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[TL_ACT_TRAP] = "SCMP_ACT_TRAP",
	[TL_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[TL_ACT_TRACE] = "SCMP_ACT_TRACE",
	[TL_ACT_LOG] = "SCMP_ACT_LOG",
	[TL_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[TL_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

const char *tl_action_name(enum tl_action a)
{
	return (unsigned)a < TL_ARRAY_SIZE(action_names) ? action_names[a] : "SCMP_ACT_?";
}

int tl_action_from_name(const char *name)
{
	if (!strcmp(name, "SCMP_ACT_KILL"))
		return TL_ACT_KILL_THREAD;
	for (size_t i = 0; i < TL_ARRAY_SIZE(action_names); i++)
		if (!strcmp(name, action_names[i]))
			return (int)i;
	return -EINVAL;
}

static const char *const op_names[] = {
	[TL_OP_NE] = "SCMP_CMP_NE", [TL_OP_LT] = "SCMP_CMP_LT",
	[TL_OP_LE] = "SCMP_CMP_LE", [TL_OP_EQ] = "SCMP_CMP_EQ",
	[TL_OP_GE] = "SCMP_CMP_GE", [TL_OP_GT] = "SCMP_CMP_GT",
	[TL_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *tl_op_name(enum tl_op op)
{
	return (unsigned)op < TL_ARRAY_SIZE(op_names) ? op_names[op] : "SCMP_CMP_?";
}

int tl_op_from_name(const char *name)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(op_names); i++)
		if (!strcmp(name, op_names[i]))
			return (int)i;
	return -EINVAL;
}

void tl_profile_init(struct tl_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->default_action = TL_ACT_ERRNO;
}

static void cond_free(struct tl_cond *c)
{
	tl_strv_free(c->arches);
	tl_strv_free(c->caps);
	free(c->min_kernel);
	memset(c, 0, sizeof(*c));
}

static int cond_copy(struct tl_cond *d, const struct tl_cond *s)
{
	memset(d, 0, sizeof(*d));
	if ((s->arches && !(d->arches = tl_strv_dup(s->arches))) ||
	    (s->caps && !(d->caps = tl_strv_dup(s->caps))) ||
	    (s->min_kernel && !(d->min_kernel = strdup(s->min_kernel)))) {
		cond_free(d);
		return -ENOMEM;
	}
	return 0;
}

void tl_rule_free(struct tl_rule *r)
{
	tl_strv_free(r->names);
	free(r->args);
	free(r->comment);
	cond_free(&r->includes);
	cond_free(&r->excludes);
	memset(r, 0, sizeof(*r));
}

int tl_profile_add_rule(struct tl_profile *p, const struct tl_rule *r)
{
	struct tl_rule *rules, *d;

	rules = realloc(p->rules, (p->nrules + 1) * sizeof(*rules));
	if (!rules)
		return tl_err(ENOMEM, "out of memory");
	p->rules = rules;
	d = &rules[p->nrules];
	memset(d, 0, sizeof(*d));
	d->action = r->action;
	d->has_errno_ret = r->has_errno_ret;
	d->errno_ret = r->errno_ret;
	if (r->names && !(d->names = tl_strv_dup(r->names)))
		goto oom;
	if (r->nargs) {
		d->args = malloc(r->nargs * sizeof(*d->args));
		if (!d->args)
			goto oom;
		memcpy(d->args, r->args, r->nargs * sizeof(*d->args));
		d->nargs = r->nargs;
	}
	if (r->comment && !(d->comment = strdup(r->comment)))
		goto oom;
	if (cond_copy(&d->includes, &r->includes) || cond_copy(&d->excludes, &r->excludes))
		goto oom;
	p->nrules++;
	return 0;
oom:
	tl_rule_free(d);
	return tl_err(ENOMEM, "out of memory");
}

void tl_profile_free(struct tl_profile *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		tl_rule_free(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->narchmap; i++) {
		free(p->archmap[i].arch);
		tl_strv_free(p->archmap[i].subs);
	}
	free(p->archmap);
	tl_strv_free(p->architectures);
	tl_strv_free(p->flags);
	free(p->listener_path);
	free(p->listener_metadata);
	free(p->comment);
	tl_profile_init(p);
}
