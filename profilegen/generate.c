// SPDX-License-Identifier: Apache-2.0
/*
 * From a (merged) trace to a minimal seccomp profile: allow what was seen,
 * deny ENOSYS-only probes with ENOSYS, add the loader baseline, and with
 * --args safe|strict restrict the arguments of the syscalls in the table of
 * profilegen/argrules.c to the values observed.  The rules are documented
 * in docs/generate.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "tailor/common.h"
#include "tailor/generate.h"
#include "argrules.h"

/*
 * The loader baseline: the syscalls `tailor run` makes between seccomp_load()
 * and the application's first instruction (loader/loader.c,
 * tl_loader_exec).  The one place this list lives; the container runtimes'
 * baselines (crun, runc: --runtime) are measured files in
 * profilegen/baselines/, added on top of it.
 */
static const struct {
	const char *name;
	const char *why;
} loader_baseline[] = {
    {"execve", "the loader executes the application after loading the filter"},
    {"exit_group", "a failed exec must still be able to exit with its status"},
};

/*
 * Companions: calls a program makes or not depending on timing, never on
 * what it does, so a recording may lack them while the program needs them
 * the next time.  Each is allowed on an ABI when the trace shows, on that
 * ABI, a call that leads to it; none grants anything by itself.  The one
 * place this table lives (docs/generate.md lists it).
 */
static const char *const handler_calls[] = {"rt_sigaction", "sigaction", "signal", NULL};
static const char *const restartable_sleeps[] = {
    "nanosleep", "clock_nanosleep", "clock_nanosleep_time64", "poll", "futex", "futex_time64",
    NULL};
static const char *const child_waits[] = {"wait4", "waitid", "waitpid", NULL};
static const char *const thread_starts[] = {"clone", "clone3", NULL};
static const char *const socket_links[] = {"connect", "accept", "accept4", NULL};
static const char *const fd_flags[] = {"fcntl", "fcntl64", NULL};
static const char *const tracing[] = {"ptrace", NULL};

static const struct {
	const char *name;
	const char *const *after; /* any of these allowed on the ABI */
	const char *const *also;  /* and, if set, any of these too */
} companions[] = {
    /* a thread that ended while recording by the process's exit_group, not its own */
    {"exit", thread_starts, NULL},
    /* a lock or a join that found no other thread in the way while recording */
    {"futex", thread_starts, NULL},
    /* a thread's end hands its stack back (glibc's start_thread); exit_group does not */
    {"madvise", thread_starts, NULL},
    /* a tracer's test child waits in it when the tracer is slow to kill it (strace) */
    {"pause", tracing, NULL},
    /* a non-blocking socket read that found no data waiting (busybox wget) */
    {"poll", socket_links, fd_flags},
    /* after a stop and continue (SIGSTOP, a debugger, a cgroup freeze) */
    {"restart_syscall", restartable_sleeps, NULL},
    /* busybox ash blocks every signal before it sleeps in rt_sigsuspend */
    {"rt_sigprocmask", child_waits, NULL},
    /* a handler installed but never run while recording returns through it */
    {"rt_sigreturn", handler_calls, NULL},
    /* dash's `wait` sleeps in it only while a job still runs */
    {"rt_sigsuspend", child_waits, NULL},
    /* a spin lock that met no contention while recording (Go's runtime, glibc's) */
    {"sched_yield", thread_starts, NULL},
    {"sigreturn", handler_calls, NULL}, /* ia32 */
    /* a runtime preempting a thread that ran long (Go's SIGURG) */
    {"tgkill", thread_starts, handler_calls},
};

void tl_gen_opts_init(struct tl_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->default_action = TL_ACT_ERRNO;
	o->default_errno = EPERM;
	o->enosys_probes = true;
	o->args = TL_ARGS_SAFE;
	o->runtime = TL_RUNTIME_NONE;
}

/* Growable, later sorted and deduplicated, list of borrowed names. */
struct names {
	const char **v;
	size_t n, cap;
};

static int names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		const char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return tl_err(ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = name;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void names_sort_uniq(struct names *s)
{
	size_t w = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->v[i], s->v[w]))
			s->v[++w] = s->v[i];
	s->n = w + 1;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
}

/* Remove a name from a sorted list (no-op when absent). */
static void names_del(struct names *s, const char *name)
{
	const char **hit = s->n ? bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str) : NULL;

	if (!hit)
		return;
	memmove(hit, hit + 1, (size_t)(s->v + s->n - (hit + 1)) * sizeof(*s->v));
	s->n--;
}

/* Every recorded call failed, and always with ENOSYS: a feature probe. */
static bool is_enosys_probe(const struct tl_syscall *s)
{
	return s->calls > 0 && s->ok == 0 && s->nerrs == 1 && s->errs[0].err == ENOSYS;
}

static bool observed(const struct tl_syscall *s)
{
	return s->calls > 0 || s->ok > 0 || s->nerrs > 0;
}

/* A NULL-terminated copy of the names, for tl_rule.names (borrowed strings). */
static char **names_vec(const struct names *s)
{
	char **v = calloc(s->n + 1, sizeof(*v));

	if (v)
		memcpy(v, s->v, s->n * sizeof(*v));
	return v;
}

static int add_rule(struct tl_profile *p, const struct names *s, enum tl_action action,
                    bool has_errno, uint32_t err, const char *comment)
{
	struct tl_rule rule = {0};
	int r;

	rule.names = names_vec(s);
	if (!rule.names)
		return tl_err(ENOMEM, "out of memory");
	rule.action = action;
	rule.has_errno_ret = has_errno;
	rule.errno_ret = err;
	rule.comment = (char *)comment;
	r = tl_profile_add_rule(p, &rule); /* deep copy */
	free(rule.names);
	return r;
}

static int check_opts(const struct tl_gen_opts *o)
{
	static const char *const args[] = {"none", "safe", "strict"};
	static const char *const rts[] = {"none", "crun", "runc"};

	if ((unsigned)o->args >= TL_ARRAY_SIZE(args) || (unsigned)o->runtime >= TL_ARRAY_SIZE(rts))
		return tl_err(EINVAL, "invalid generation options");
	switch (o->default_action) {
	case TL_ACT_ERRNO:
	case TL_ACT_KILL_THREAD:
	case TL_ACT_KILL_PROCESS:
	case TL_ACT_TRAP:
	case TL_ACT_LOG:
		return 0;
	default:
		return tl_err(EINVAL, "default action %s is not supported for generated profiles",
		              tl_action_name(o->default_action));
	}
}

static const char *args_mode_name(enum tl_args_mode m)
{
	return m == TL_ARGS_STRICT ? "strict" : m == TL_ARGS_SAFE ? "safe" : "none";
}

static char *make_comment(const struct tl_trace *t, const struct tl_gen_opts *o)
{
	size_t len = 0;
	char *s, *p;

	for (size_t i = 0; o->sources && o->sources[i]; i++)
		len += strlen(o->sources[i]) + 2;
	s = malloc(len + 128);
	if (!s)
		return NULL;
	p = s + sprintf(s, "generated by tailor %s", TAILOR_VERSION);
	for (size_t i = 0; o->sources && o->sources[i]; i++)
		p += sprintf(p, "%s%s", i ? ", " : " from ", o->sources[i]);
	sprintf(p, " (%zu run%s, --args %s)", t->nruns, t->nruns == 1 ? "" : "s",
	        args_mode_name(o->args));
	return s;
}

/* ---- argument rules ---------------------------------------------------------- */

static bool run_has_feature(const struct tl_run *r, const char *f)
{
	for (size_t i = 0; r->features && r->features[i]; i++)
		if (!strcmp(r->features[i], f))
			return true;
	return false;
}

/*
 * Can the argument values of this trace be trusted to be complete?  NULL if
 * so, else why not (for the comment).  Values from a run that did not record
 * arguments, or lost events, would make rules deny what the app does.
 */
static const char *args_untrusted(const struct tl_trace *t, char *buf, size_t size)
{
	bool any = false;

	for (size_t i = 0; i < t->nruns; i++) {
		const struct tl_run *r = &t->runs[i];

		if (!run_has_feature(r, "args")) {
			snprintf(buf, size, "run %zu of the traces recorded no argument values",
			         i + 1);
			return buf;
		}
		/* the recorder's "args" counter: values it could not store */
		for (size_t k = 0; k < r->nlost; k++)
			if (!strcmp(r->lost[k].name, "args") && r->lost[k].value) {
				snprintf(buf, size,
				         "run %zu lost argument values while recording, the values "
				         "may be incomplete",
				         i + 1);
				return buf;
			}
	}
	for (int a = 0; a < TL_ABI_COUNT && !any; a++)
		for (size_t i = 0; i < t->abi[a].n && !any; i++)
			any = t->abi[a].sys[i].nargs > 0;
	if (!t->nruns && !any)
		return "the traces recorded no argument values";
	return NULL;
}

/* The syscall is allowed on this ABI (observed, not an ENOSYS probe). */
static const struct tl_syscall *allowed_on(const struct tl_trace *t, int abi, const char *name)
{
	const struct tl_syscall *s = tl_trace_find(t, (enum tl_abi)abi, name);

	return s && observed(s) && !is_enosys_probe(s) ? s : NULL;
}

/* On ABI a, one of the calls in lead is allowed, or is a companion added there. */
static bool any_lead(const struct tl_trace *t, bool added[][TL_ABI_COUNT], const char *const *lead,
                     int a)
{
	for (const char *const *w = lead; *w; w++) {
		if (allowed_on(t, a, *w))
			return true;
		for (size_t j = 0; j < TL_ARRAY_SIZE(companions); j++)
			if (added[j][a] && !strcmp(companions[j].name, *w))
				return true;
	}
	return false;
}

/* On ABI a, what leads to companion i is there. */
static bool companion_lead(const struct tl_trace *t, bool added[][TL_ABI_COUNT], size_t i, int a)
{
	return any_lead(t, added, companions[i].after, a) &&
	       (!companions[i].also || any_lead(t, added, companions[i].also, a));
}

static bool companion_added(bool added[][TL_ABI_COUNT], size_t i)
{
	for (int a = 0; a < TL_ABI_COUNT; a++)
		if (added[i][a])
			return true;
	return false;
}

/*
 * added[i][a]: companion i is allowed on ABI a for what leads to it there,
 * itself observed on no ABI.  Chained until nothing changes: a futex added
 * for threads is a restartable sleep too.  Returns how many are added.
 */
static size_t companions_find(const struct tl_trace *t, bool added[][TL_ABI_COUNT])
{
	size_t n = 0;
	bool more = true;

	while (more) {
		more = false;
		for (size_t i = 0; i < TL_ARRAY_SIZE(companions); i++) {
			bool observed_any = false;

			for (int a = 0; a < TL_ABI_COUNT; a++)
				observed_any |= allowed_on(t, a, companions[i].name) != NULL;
			if (observed_any)
				continue; /* allowed as such, not named a companion */
			for (int a = 0; a < TL_ABI_COUNT; a++) {
				if (added[i][a] ||
				    !tl_syscall_known((enum tl_abi)a, companions[i].name) ||
				    !companion_lead(t, added, i, a))
					continue;
				n += !companion_added(added, i);
				added[i][a] = more = true;
			}
		}
	}
	return n;
}

static int argset_add(struct tl_argset *set, uint64_t v)
{
	size_t j = set->n;
	uint64_t *nv;

	while (j > 0 && set->v[j - 1] > v)
		j--;
	if (j > 0 && set->v[j - 1] == v)
		return 0;
	nv = realloc(set->v, (set->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	set->v = nv;
	memmove(&nv[j + 1], &nv[j], (set->n - j) * sizeof(*nv));
	nv[j] = v;
	set->n++;
	return 0;
}

static void argsets_free(struct tl_argset *sets)
{
	for (size_t k = 0; k < TL_ARGRULES_MAX_ARGS; k++) {
		free(sets[k].v);
		sets[k] = (struct tl_argset){0};
	}
}

/* The values of the entry's arguments, united over the ABIs where the syscall is allowed. */
static int collect_args(const struct tl_trace *t, const struct tl_argrule *ar,
                        struct tl_argset *sets)
{
	for (unsigned k = 0; k < ar->nargs; k++)
		sets[k].recorded = true;
	for (int a = 0; a < TL_ABI_COUNT; a++) {
		const struct tl_syscall *s = allowed_on(t, a, ar->name);

		for (unsigned k = 0; s && k < ar->nargs; k++) {
			const struct tl_argvals *av = tl_syscall_argvals(s, ar->args[k].index);

			if (!av) {
				sets[k].recorded = false;
				continue;
			}
			sets[k].overflow |= av->overflow;
			for (size_t i = 0; i < av->n; i++)
				if (argset_add(&sets[k], av->values[i]))
					return -ENOMEM;
		}
	}
	return 0;
}

/* The trace saw a socket whose (family, type, protocol) starts with these n values. */
static bool net_keep(const void *ctx, const uint64_t *v, unsigned n)
{
	const struct tl_trace *t = ctx;

	for (size_t i = 0; n >= 1 && n <= 3 && i < t->nnet; i++)
		if ((uint32_t)v[0] == (uint32_t)t->net[i].family &&
		    (n < 2 || (uint32_t)v[1] == ((uint32_t)t->net[i].type & TL_SOCK_TYPE_MASK)) &&
		    (n < 3 || (uint32_t)v[2] == (uint32_t)t->net[i].protocol))
			return true;
	return false;
}

/*
 * socket/socketpair in strict mode compare (family, type, protocol): the
 * recorder keeps each argument's values apart, but its socket records
 * (feature "net") have the triples.  Used when every run recorded them and
 * none lost any.
 */
static const struct tl_argfilter *socket_filter(const struct tl_trace *t,
                                                const struct tl_argrule *ar, struct tl_argfilter *f)
{
	if (strcmp(ar->name, "socket") && strcmp(ar->name, "socketpair"))
		return NULL;
	for (size_t i = 0; i < t->nruns; i++) {
		if (!run_has_feature(&t->runs[i], "net"))
			return NULL;
		for (size_t k = 0; k < t->runs[i].nlost; k++)
			if (!strcmp(t->runs[i].lost[k].name, "net") && t->runs[i].lost[k].value)
				return NULL;
	}
	*f = (struct tl_argfilter){.nargs = 3, .keep = net_keep, .ctx = t};
	return f;
}

/* Move the rules of `from` to the end of `to` (from is left empty). */
static int move_rules(struct tl_profile *to, struct tl_profile *from)
{
	int r = 0;

	for (size_t i = 0; i < from->nrules && !r; i++)
		r = tl_profile_add_rule(to, &from->rules[i]);
	tl_profile_free(from);
	tl_profile_init(from);
	return r ? tl_err(-r, "out of memory") : 0;
}

/*
 * clone with argument rules, and clone3 (observed): clone3 passes its flags
 * in memory, which seccomp cannot read, so it would be a way around clone's
 * namespace rules.  Make clone3 fail with ENOSYS so that glibc falls back to
 * clone (as moby's default does); clone then also allows what clone3 did:
 * clone3's flags were not recorded, they are assumed to create no namespace.
 * Returns 0 with *clone3_enosys set when that applies.
 */
static int emit_clone(const struct tl_trace *t, const struct tl_gen_opts *o,
                      const struct tl_argrule *ar, struct tl_argset *sets, struct tl_profile *extra,
                      bool *clone3_enosys)
{
	static const char note[] =
	    "clone3 returns ENOSYS (its flags are in memory, which seccomp cannot filter) so "
	    "that glibc falls back to clone; clone3's calls were assumed to create no namespace";
	struct tl_profile tmp;
	bool clone3 = false, clone = false, cond = false;
	int r;

	*clone3_enosys = false;
	for (int a = 0; a < TL_ABI_COUNT; a++) {
		clone3 |= allowed_on(t, a, "clone3") != NULL;
		clone |= allowed_on(t, a, "clone") != NULL;
	}
	if (!clone3)
		return clone ? tl_argrules_emit(ar, o->args, sets, NULL, NULL, extra, &cond) : 0;
	if (!clone) /* clone3 only (glibc >= 2.34 threads): the fallback clone is new */
		sets[0] = (struct tl_argset){.recorded = true};
	r = argset_add(&sets[0], 0); /* the threads and processes clone3 made */
	if (r)
		return r;
	tl_profile_init(&tmp);
	r = tl_argrules_emit(ar, o->args, sets, NULL, note, &tmp, &cond);
	if (!r && !cond) {
		/* No rules for clone: clone3 stays allowed, the note does not apply. */
		tl_profile_free(&tmp);
		tl_profile_init(&tmp);
		if (clone)
			r = tl_argrules_emit(ar, o->args, sets, NULL, NULL, &tmp, &cond);
	}
	if (!r)
		r = move_rules(extra, &tmp);
	tl_profile_free(&tmp);
	*clone3_enosys = !r && cond;
	return r;
}

/*
 * A frame of glibc's clone wrappers: __clone_internal retries with clone
 * when clone3 fails with ENOSYS, and libc's clone3 is not exported, so only
 * that wrapper calls it (the unwinder often stops in clone3's assembly).
 */
static bool glibc_clone_frame(const struct tl_frame *fr)
{
	const char *base = fr->file ? strrchr(fr->file, '/') : NULL;

	if (!fr->symbol)
		return false;
	if (!strcmp(fr->symbol, "__clone_internal") || !strcmp(fr->symbol, "__clone3_internal"))
		return true;
	base = base ? base + 1 : fr->file;
	return (!strcmp(fr->symbol, "clone3") || !strcmp(fr->symbol, "__clone3")) && base &&
	       (!strncmp(base, "libc.so", 7) || !strncmp(base, "libc-", 5));
}

/*
 * clone3 gets ENOSYS: does the trace show that the program survives that?
 * Yes when it called clone too (a fallback ran, or it forks), when clone3
 * never succeeded, or when every recorded call site of clone3 is glibc's
 * wrapper, which falls back.  Returns NULL then; else what was seen (for
 * the warning and the rule comment), into buf.
 */
static const char *clone3_fallback_unseen(const struct tl_trace *t, char *buf, size_t size)
{
	const struct tl_callsite *direct = NULL;
	bool stacks = t->nruns > 0;
	size_t nsites = 0;
	uint64_t ok = 0;

	for (int a = 0; a < TL_ABI_COUNT; a++) {
		const struct tl_syscall *c = tl_trace_find(t, (enum tl_abi)a, "clone");
		const struct tl_syscall *c3 = allowed_on(t, a, "clone3");

		if (c && observed(c))
			return NULL;
		ok += c3 ? c3->ok : 0;
	}
	if (!ok)
		return NULL;
	for (size_t i = 0; i < t->nruns; i++)
		stacks &= run_has_feature(&t->runs[i], "stacks");
	for (size_t i = 0; i < t->ncallsites; i++) {
		const struct tl_callsite *cs = &t->callsites[i];
		bool glibc = false;

		if (strcmp(cs->syscall, "clone3"))
			continue;
		nsites++;
		for (size_t k = 0; k < cs->nframes && !glibc; k++)
			glibc = glibc_clone_frame(&cs->frames[k]);
		if (!glibc && !direct)
			direct = cs;
	}
	if (stacks && nsites && !direct)
		return NULL;
	if (direct) {
		const char *f0 =
		    direct->nframes && direct->frames[0].symbol ? direct->frames[0].symbol : "?";
		const char *f1 = direct->nframes > 1 && direct->frames[1].symbol
		                     ? direct->frames[1].symbol
		                     : "?";

		snprintf(buf, size,
		         "clone3 succeeded %" PRIu64 " time(s), clone was never called, and %s "
		         "called clone3 directly (call stack %s <- %s), not through glibc's "
		         "wrapper, which falls back to clone",
		         ok, direct->program ? direct->program : "the program", f0, f1);
	} else {
		snprintf(buf, size,
		         "clone3 succeeded %" PRIu64 " time(s), clone was never called, and no "
		         "recorded call stack shows glibc's fallback",
		         ok);
	}
	return buf;
}

/*
 * The rules of the argument table for the syscalls in `allow`; each name
 * that gets its own rules (conditional or by name with a reason) leaves
 * `allow`.  clone3 may move to *enosys_rule (see emit_clone).
 */
static int arg_rules(const struct tl_trace *t, const struct tl_gen_opts *o, struct names *allow,
                     struct tl_profile *extra, bool *clone3_enosys)
{
	struct tl_argset sets[TL_ARGRULES_MAX_ARGS] = {0};
	struct tl_argfilter net;
	int r = 0;

	*clone3_enosys = false;
	for (size_t i = 0; i < tl_argrules_count && !r; i++) {
		const struct tl_argrule *ar = &tl_argrules[i];
		bool cond;

		if (!tl_argrule_enabled(ar, o->args))
			continue;
		if (!names_has(allow, ar->name) && strcmp(ar->name, "clone"))
			continue;
		r = collect_args(t, ar, sets);
		if (r)
			break;
		if (ar->native_only && allowed_on(t, TL_ABI_X86, ar->name))
			r = tl_argrules_emit_by_name(
			    ar,
			    "observed on ia32, where this syscall takes its arguments in memory "
			    "(seccomp cannot see them)",
			    NULL, extra);
		else if (!strcmp(ar->name, "clone"))
			r = emit_clone(t, o, ar, sets, extra, clone3_enosys);
		else
			r = tl_argrules_emit(ar, o->args, sets, socket_filter(t, ar, &net), NULL,
			                     extra, &cond);
		names_del(allow, ar->name);
		argsets_free(sets);
	}
	argsets_free(sets);
	/*
	 * ia32's socketcall multiplexes socket() and the rest: it cannot be
	 * argument-filtered, which its own rule says (also when the program
	 * never made the direct socket syscall: 32-bit glibc does not).
	 */
	if (!r && names_has(allow, "socketcall")) {
		static const struct tl_argrule sc = {
		    .name = "socketcall",
		    .args = {{.index = 1, .what = "call (arguments are in memory)"}},
		};

		r = tl_argrules_emit_by_name(
		    &sc,
		    "the ia32 multiplexer of socket() and the other socket calls passes "
		    "their arguments in memory, so seccomp cannot filter them",
		    "socket families are only enforced on the direct socket syscall", extra);
		names_del(allow, "socketcall");
	}
	if (*clone3_enosys)
		names_del(allow, "clone3");
	return r;
}

int tl_generate(const struct tl_trace *t, const struct tl_gen_opts *o, struct tl_profile *out)
{
	struct names allow = {0}, enosys = {0}, tmp = {0};
	struct tl_gen_opts defaults;
	struct tl_profile extra;
	char **arches = NULL, **rt_names = NULL, *rt_label = NULL;
	size_t narch = 0;
	bool recorded[TL_ABI_COUNT] = {0}, clone3_enosys = false;
	bool added[TL_ARRAY_SIZE(companions)][TL_ABI_COUNT] = {{0}};
	size_t ncomp = 0;
	const char *no_args = NULL;
	char comment[512], why[96];
	int r;

	tl_profile_init(out);
	tl_profile_init(&extra);
	if (!o) {
		tl_gen_opts_init(&defaults);
		o = &defaults;
	}
	r = check_opts(o);
	if (r)
		return r;

	for (int a = 0; a < TL_ABI_COUNT; a++) {
		for (size_t i = 0; i < t->abi[a].n; i++) {
			const struct tl_syscall *s = &t->abi[a].sys[i];

			if (!observed(s))
				continue;
			recorded[a] = true;
			if (!is_enosys_probe(s))
				r = names_add(&allow, s->name);
			else if (o->enosys_probes)
				r = names_add(&enosys, s->name);
			/* else: a probe gets the default action, like any unseen syscall */
			if (r)
				goto out;
		}
	}
	if (!recorded[TL_ABI_X86_64] && !recorded[TL_ABI_X86] && !recorded[TL_ABI_X32]) {
		r = tl_err(EINVAL,
		           "the traces contain no syscalls: nothing to build a profile from");
		goto out;
	}
	recorded[TL_ABI_X86_64] = true; /* the native ABI is always listed */

	/* Names must be known for at least one listed arch: never drop one silently. */
	for (int a = 0; a < TL_ABI_COUNT; a++) {
		for (size_t i = 0; i < t->abi[a].n; i++) {
			const char *name = t->abi[a].sys[i].name;
			bool known = false;

			if (!observed(&t->abi[a].sys[i]))
				continue;
			for (int b = 0; b < TL_ABI_COUNT; b++)
				known |= recorded[b] && tl_syscall_known((enum tl_abi)b, name);
			/*
			 * A probe of a number nothing names (syscall(999)): no rule can
			 * hold it, so it gets the default action, like any unseen call,
			 * rather than failing the whole profile.
			 */
			if (!known && is_enosys_probe(&t->abi[a].sys[i])) {
				if (o->warn && names_has(&enosys, name))
					fprintf(
					    stderr,
					    "tailor generate: warning: %s (nr %d on %s) "
					    "failed with ENOSYS while recording and has no name "
					    "a profile can hold: it gets the default action, "
					    "not ENOSYS\n",
					    name, t->abi[a].sys[i].nr, tl_abi_name((enum tl_abi)a));
				names_del(&enosys, name);
				continue;
			}
			if (!known) {
				const struct scmp_version *v = seccomp_version();

				r = tl_err(
				    EINVAL,
				    "syscall %s (nr %d on %s) is unknown to libseccomp %u.%u.%u "
				    "and to tailor's syscall table: it cannot be written into a "
				    "profile",
				    name, t->abi[a].sys[i].nr, tl_abi_name((enum tl_abi)a),
				    v->major, v->minor, v->micro);
				goto out;
			}
		}
	}

	for (size_t i = 0; i < TL_ARRAY_SIZE(loader_baseline); i++)
		if ((r = names_add(&allow, loader_baseline[i].name)))
			goto out;
	ncomp = companions_find(t, added);
	for (size_t i = 0; i < TL_ARRAY_SIZE(companions); i++)
		if (companion_added(added, i) && (r = names_add(&allow, companions[i].name)))
			goto out;
	/* Measured on x86_64; Docker's names apply to every listed arch. */
	if (o->runtime != TL_RUNTIME_NONE &&
	    (r = tl_runtime_baseline(o->runtime, "x86_64", &rt_names, &rt_label)))
		goto out;
	names_sort_uniq(&allow);
	names_sort_uniq(&enosys);
	/* Docker's names apply to every listed arch: allowed on one ABI wins over a probe on
	 * another. */
	for (size_t i = 0; i < enosys.n; i++)
		if (!names_has(&allow, enosys.v[i]) && (r = names_add(&tmp, enosys.v[i])))
			goto out;

	if (o->args != TL_ARGS_NONE) {
		no_args = args_untrusted(t, why, sizeof(why));
		if (!no_args && arg_rules(t, o, &allow, &extra, &clone3_enosys)) {
			r = tl_err(ENOMEM, "out of memory");
			goto out;
		}
	}
	/*
	 * The runtime's syscalls after the argument rules, by name: its arguments
	 * are its own, and seccomp cannot tell its calls from the application's.
	 */
	for (size_t i = 0; rt_names && rt_names[i]; i++) {
		if ((r = names_add(&allow, rt_names[i])))
			goto out;
		names_del(&tmp, rt_names[i]);
		if (!strcmp(rt_names[i], "clone3"))
			clone3_enosys = false;
	}
	names_sort_uniq(&allow);

	arches = calloc(TL_ABI_COUNT + 1, sizeof(*arches));
	if (!arches) {
		r = tl_err(ENOMEM, "out of memory");
		goto out;
	}
	for (int a = 0; a < TL_ABI_COUNT; a++) {
		static const char *const scmp[TL_ABI_COUNT] = {
		    [TL_ABI_X86_64] = "SCMP_ARCH_X86_64",
		    [TL_ABI_X86] = "SCMP_ARCH_X86",
		    [TL_ABI_X32] = "SCMP_ARCH_X32",
		};

		if (recorded[a] && !(arches[narch++] = strdup(scmp[a]))) {
			r = tl_err(ENOMEM, "out of memory");
			goto out;
		}
	}
	out->architectures = arches;
	arches = NULL;

	out->default_action = o->default_action;
	if (o->default_action == TL_ACT_ERRNO) {
		out->has_default_errno = true;
		out->default_errno = o->default_errno;
	}
	out->comment = make_comment(t, o);
	if (!out->comment) {
		r = tl_err(ENOMEM, "out of memory");
		goto out;
	}

	{
		size_t n = (size_t)snprintf(comment, sizeof(comment),
		                            "observed syscalls (union over the recorded ABIs: one "
		                            "list applies to every architecture) and the loader "
		                            "baseline (");

		for (size_t i = 0; i < TL_ARRAY_SIZE(loader_baseline) && n < sizeof(comment); i++)
			n += (size_t)snprintf(comment + n, sizeof(comment) - n, "%s%s",
			                      i ? ", " : "", loader_baseline[i].name);
		if (n < sizeof(comment))
			n += (size_t)snprintf(comment + n, sizeof(comment) - n, ")");
		for (size_t i = 0, k = 0; i < TL_ARRAY_SIZE(companions); i++) {
			if (!companion_added(added, i) || n >= sizeof(comment))
				continue;
			n += (size_t)snprintf(comment + n, sizeof(comment) - n, "%s%s",
			                      k++ ? ", "
			                          : ", and the companions of observed calls, "
			                            "made or not depending on timing (",
			                      companions[i].name);
		}
		if (n < sizeof(comment) && ncomp)
			n += (size_t)snprintf(comment + n, sizeof(comment) - n, ")");
		if (n < sizeof(comment) && rt_label)
			n += (size_t)snprintf(comment + n, sizeof(comment) - n,
			                      ", and the %s baseline: what the runtime does after "
			                      "loading the filter (by name)",
			                      rt_label);
		if (n < sizeof(comment) && o->args != TL_ARGS_NONE)
			snprintf(comment + n, sizeof(comment) - n, "%s%s",
			         no_args ? "; no argument rules: "
			                 : "; the syscalls of the argument "
			                   "table follow with their own rules",
			         no_args ? no_args : "");
	}
	r = add_rule(out, &allow, TL_ACT_ALLOW, false, 0, comment);
	if (!r)
		r = move_rules(out, &extra);
	if (!r && clone3_enosys) {
		struct names c3 = {.v = (const char *[]){"clone3"}, .n = 1};
		char c3why[768], seen[320];
		const char *unseen = clone3_fallback_unseen(t, seen, sizeof(seen));

		snprintf(c3why, sizeof(c3why), "%s%s%s",
		         "clone3: ENOSYS, so that glibc falls back to clone, whose namespace "
		         "flags the clone rules filter (clone3's flags are in memory, which "
		         "seccomp cannot read); moby's default does the same",
		         unseen ? "; warning: " : "", unseen ? unseen : "");
		/*
		 * Fail closed, but never silently: allowing clone3 would allow every
		 * namespace (user namespaces included), which is for the user to choose.
		 */
		if (unseen && o->warn)
			fprintf(
			    stderr,
			    "tailor generate: warning: %s: the profile makes clone3 fail with "
			    "ENOSYS (seccomp cannot filter its flags), so a program with no "
			    "fallback to clone fails under it; if it needs clone3, generate with "
			    "--args none (clone3 is then allowed with any flags, new namespaces "
			    "included, and no argument is filtered)\n",
			    unseen);
		r = add_rule(out, &c3, TL_ACT_ERRNO, true, ENOSYS, c3why);
	}
	if (!r && tmp.n)
		r = add_rule(out, &tmp, TL_ACT_ERRNO, true, ENOSYS,
		             "probes: every recorded call failed with ENOSYS; deny with ENOSYS so "
		             "library fallbacks keep working");
out:
	tl_profile_free(&extra);
	tl_strv_free(arches);
	tl_strv_free(rt_names);
	free(rt_label);
	free(allow.v);
	free(enosys.v);
	free(tmp.v);
	if (r)
		tl_profile_free(out);
	return r;
}
