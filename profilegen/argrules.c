// SPDX-License-Identifier: Apache-2.0
/*
 * Argument rules: which arguments of which syscalls `tailor generate --args`
 * filters, how, and why -- the one table (tl_argrules[]) -- and the
 * function that turns the observed values of one syscall into rules.
 *
 * Principles (docs/generate.md, "Argument rules"):
 *  - Non-pointer arguments only: seccomp sees registers, never memory.
 *  - Allow exactly the values observed (masked for flag words), one rule per
 *    value, so that any other value gets the default action.  Docker ORs the
 *    rules of a name; within a rule the conditions on different arguments
 *    are ANDed.  Never two conditions on one argument in a rule (runc would
 *    split them into an OR).
 *  - When the values cannot be trusted or are too many, allow the name and
 *    say why in the rule comment: never a silent by-name rule.
 *  - safe: the high-value, low-false-denial entries; strict: all of them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/profile.h"
#include "argrules.h"

#define SAFE   TL_ARGS_SAFE
#define STRICT TL_ARGS_STRICT
#define ARG(i, m, w, ws, f)                                                                        \
	{                                                                                          \
		.index = (i), .mask = (m), .what = (w), .whats = (ws), .fmt = (f)                  \
	}

/*
 * The table, sorted by name.  Argument indices are the x86_64 (and ia32,
 * x32) ones; for flag words the mask names the bits that matter.
 */
/* clang-format off */
const struct tl_argrule tl_argrules[] = {
    {.name = "bpf", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "command", "commands", TL_AF_NUM)},
     .why = "eBPF program loads and map types the application never used stay out"},
    {.name = "clone", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, TL_CLONE_NS_MASK, "namespace flags", "namespace flags", TL_AF_NSFLAGS)},
     .why = "no new namespaces (user namespaces open most of the kernel to unprivileged "
            "code); moby's default does the same without CAP_SYS_ADMIN"},
    {.name = "fcntl", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "command", "commands", TL_AF_NUM)},
     .why = "only the fcntl commands observed (F_SETPIPE_SZ, F_SETLEASE... stay out)"},
    {.name = "fcntl64", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "command", "commands", TL_AF_NUM)},
     .why = "ia32's fcntl: only the commands observed"},
    {.name = "getsockopt", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 2, .nargs_safe = 0,
     .args = {ARG(1, 0, "level", "levels", TL_AF_NUM),
              ARG(2, 0, "optname", "optnames", TL_AF_NUM)},
     .why = "only the socket options observed"},
    {.name = "ioctl", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "request", "requests", TL_AF_HEX)},
     .why = "ioctl reaches every driver; its requests depend on the environment (a terminal "
            "adds TIOCGWINSZ), hence strict only"},
    {.name = "keyctl", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "operation", "operations", TL_AF_NUM)},
     .why = "the kernel keyring: only the operations observed"},
    {.name = "kill", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "signal", "signals", TL_AF_SIGNAL)},
     .why = "only the signals observed"},
    {.name = "mmap", .mode = SAFE, .kind = TL_AR_PROT, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(2, 0, "prot", "prot values", TL_AF_HEX)}, .native_only = true,
     .why = "executable memory the application never asked for is how injected code runs"},
    {.name = "mmap2", .mode = SAFE, .kind = TL_AR_PROT, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(2, 0, "prot", "prot values", TL_AF_HEX)},
     .why = "ia32's mmap: executable memory the application never asked for is how "
            "injected code runs"},
    {.name = "mount", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(3, 0, "flags", "flag words", TL_AF_HEX)},
     .why = "only the mount flag words observed (a remount or a bind mount only where one "
            "was made)"},
    {.name = "mprotect", .mode = SAFE, .kind = TL_AR_PROT, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(2, 0, "prot", "prot values", TL_AF_HEX)},
     .why = "making memory executable is how injected code runs"},
    {.name = "personality", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "persona", "personas", TL_AF_HEX)},
     .why = "no execution domain changes such as READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE; "
            "moby allows 0x0, 0x8, 0x20000, 0x20008, 0xffffffff"},
    {.name = "pkey_mprotect", .mode = SAFE, .kind = TL_AR_PROT, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(2, 0, "prot", "prot values", TL_AF_HEX)},
     .why = "making memory executable is how injected code runs"},
    {.name = "prctl", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "option", "options", TL_AF_NUM)},
     .why = "only the prctl options observed (moby allows all)"},
    {.name = "ptrace", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "request", "requests", TL_AF_NUM)},
     .why = "only the ptrace requests observed (no PTRACE_ATTACH/POKE* the application "
            "never made)"},
    {.name = "seccomp", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "operation", "operations", TL_AF_NUM)},
     .why = "only the seccomp operations observed"},
    {.name = "setns", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "namespace type", "namespace types", TL_AF_NSTYPE)},
     .why = "joining namespaces of other types stays out"},
    {.name = "setsockopt", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 2, .nargs_safe = 0,
     .args = {ARG(1, 0, "level", "levels", TL_AF_NUM),
              ARG(2, 0, "optname", "optnames", TL_AF_NUM)},
     .why = "only the socket options observed"},
    {.name = "socket", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 3, .nargs_safe = 1,
     .args = {ARG(0, 0, "domain", "families", TL_AF_FAMILY),
              ARG(1, TL_SOCK_TYPE_MASK, "type", "types", TL_AF_SOCKTYPE),
              ARG(2, 0, "protocol", "protocols", TL_AF_NUM)},
     .denied_examples = {17 /* AF_PACKET */, 38 /* AF_ALG */, 40 /* AF_VSOCK */,
                         16 /* AF_NETLINK */},
     .why = "families never used are kernel attack surface; moby denies only AF_ALG and "
            "AF_VSOCK"},
    {.name = "socketpair", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 3, .nargs_safe = 1,
     .args = {ARG(0, 0, "domain", "families", TL_AF_FAMILY),
              ARG(1, TL_SOCK_TYPE_MASK, "type", "types", TL_AF_SOCKTYPE),
              ARG(2, 0, "protocol", "protocols", TL_AF_NUM)},
     .why = "socketpair is AF_UNIX in practice: other families stay out"},
    {.name = "tgkill", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(2, 0, "signal", "signals", TL_AF_SIGNAL)},
     .why = "only the signals observed"},
    {.name = "tkill", .mode = STRICT, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(1, 0, "signal", "signals", TL_AF_SIGNAL)},
     .why = "only the signals observed"},
    {.name = "unshare", .mode = SAFE, .kind = TL_AR_VALUES, .nargs = 1, .nargs_safe = 1,
     .args = {ARG(0, 0, "flags", "flag words", TL_AF_NSFLAGS)},
     .why = "no namespace types the application never unshared"},
};
/* clang-format on */
const size_t tl_argrules_count = TL_ARRAY_SIZE(tl_argrules);

const struct tl_argrule *tl_argrule_find(const char *name)
{
	for (size_t i = 0; i < tl_argrules_count; i++)
		if (!strcmp(tl_argrules[i].name, name))
			return &tl_argrules[i];
	return NULL;
}

bool tl_argrule_enabled(const struct tl_argrule *ar, enum tl_args_mode mode)
{
	return mode != TL_ARGS_NONE && (mode == TL_ARGS_STRICT || ar->mode == TL_ARGS_SAFE);
}

/* ---- value names, for comments ---------------------------------------------- */

static const char *const families[] = {
    "AF_UNSPEC",     "AF_UNIX",      "AF_INET",     "AF_AX25",  "AF_IPX",     "AF_APPLETALK",
    "AF_NETROM",     "AF_BRIDGE",    "AF_ATMPVC",   "AF_X25",   "AF_INET6",   "AF_ROSE",
    "AF_DECnet",     "AF_NETBEUI",   "AF_SECURITY", "AF_KEY",   "AF_NETLINK", "AF_PACKET",
    "AF_ASH",        "AF_ECONET",    "AF_ATMSVC",   "AF_RDS",   "AF_SNA",     "AF_IRDA",
    "AF_PPPOX",      "AF_WANPIPE",   "AF_LLC",      "AF_IB",    "AF_MPLS",    "AF_CAN",
    "AF_TIPC",       "AF_BLUETOOTH", "AF_IUCV",     "AF_RXRPC", "AF_ISDN",    "AF_PHONET",
    "AF_IEEE802154", "AF_CAIF",      "AF_ALG",      "AF_NFC",   "AF_VSOCK",   "AF_KCM",
    "AF_QIPCRTR",    "AF_SMC",       "AF_XDP",      "AF_MCTP",
};

const char *tl_argrules_family_name(uint64_t family)
{
	return family < TL_ARRAY_SIZE(families) ? families[family] : NULL;
}

const struct tl_ns_name tl_ns_names[] = {
    {0x02000000, "cgroup"}, {0x08000000, "ipc"},  {0x40000000, "net"}, {0x00020000, "mnt"},
    {0x20000000, "pid"},    {0x10000000, "user"}, {0x04000000, "uts"},
};
const size_t tl_ns_names_count = TL_ARRAY_SIZE(tl_ns_names);

static const struct {
	uint64_t flag;
	const char *name;
} clone_flags[] = {
    {0x00000080, "CLONE_NEWTIME"}, {0x00000100, "CLONE_VM"},      {0x00000200, "CLONE_FS"},
    {0x00000400, "CLONE_FILES"},   {0x00000800, "CLONE_SIGHAND"}, {0x00010000, "CLONE_THREAD"},
    {0x00020000, "CLONE_NEWNS"},   {0x00040000, "CLONE_SYSVSEM"}, {0x02000000, "CLONE_NEWCGROUP"},
    {0x04000000, "CLONE_NEWUTS"},  {0x08000000, "CLONE_NEWIPC"},  {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},  {0x40000000, "CLONE_NEWNET"},
};

static const char *const socktypes[] = {
    [1] = "SOCK_STREAM",    [2] = "SOCK_DGRAM", [3] = "SOCK_RAW",     [4] = "SOCK_RDM",
    [5] = "SOCK_SEQPACKET", [6] = "SOCK_DCCP",  [10] = "SOCK_PACKET",
};

static void put_flags(FILE *f, uint64_t v)
{
	const char *sep = "";

	for (size_t i = 0; i < TL_ARRAY_SIZE(clone_flags); i++)
		if (v & clone_flags[i].flag) {
			fprintf(f, "%s%s", sep, clone_flags[i].name);
			v &= ~clone_flags[i].flag;
			sep = "|";
		}
	if (v)
		fprintf(f, "%s0x%" PRIx64, sep, v);
}

static void put_value(FILE *f, enum tl_argfmt fmt, uint64_t v)
{
	const char *s = NULL;

	switch (fmt) {
	case TL_AF_FAMILY:
		s = tl_argrules_family_name(v);
		break;
	case TL_AF_SOCKTYPE:
		s = v < TL_ARRAY_SIZE(socktypes) ? socktypes[v] : NULL;
		break;
	case TL_AF_NSFLAGS:
	case TL_AF_NSTYPE:
		if (v) {
			put_flags(f, v);
			return;
		}
		s = fmt == TL_AF_NSFLAGS ? "none" : "0 (any type)"; /* setns: 0 joins any type */
		break;
	case TL_AF_SIGNAL:
		if (v && v < 65 && sigabbrev_np((int)v)) {
			fprintf(f, "SIG%s", sigabbrev_np((int)v));
			return;
		}
		break;
	case TL_AF_HEX:
		fprintf(f, "0x%" PRIx64, v);
		return;
	case TL_AF_NUM:
		break;
	}
	if (s)
		fputs(s, f);
	else if (v < 4096)
		fprintf(f, "%" PRIu64, v);
	else
		fprintf(f, "0x%" PRIx64, v);
}

/* ---- from observed values to rules ------------------------------------------ */

/* Sorted unique (v & mask) of a value set (mask 0: the values themselves). */
static int masked_values(const struct tl_argset *s, uint64_t mask, uint64_t **out, size_t *n)
{
	uint64_t *v = malloc((s->n ? s->n : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t x = mask ? s->v[i] & mask : s->v[i];
		size_t j = k;

		/* insertion keeps it sorted and unique; sets are small (<= TL_ARGVALS_MAX) */
		while (j > 0 && v[j - 1] > x)
			j--;
		if (j > 0 && v[j - 1] == x)
			continue;
		memmove(&v[j + 1], &v[j], (k - j) * sizeof(*v));
		v[j] = x;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* Why one argument's values cannot give rules; NULL when they can. */
static const char *unusable(const struct tl_argset *s, size_t nmasked, char *buf, size_t size)
{
	if (!s->recorded)
		return "argument values were not recorded";
	if (s->overflow)
		return "more distinct values than the recorder keeps (overflow)";
	if (!nmasked)
		return "no values were recorded";
	if (nmasked > TL_ARGRULES_MAX_VALUES) {
		snprintf(buf, size, "%zu distinct values observed (more than %d)", nmasked,
		         TL_ARGRULES_MAX_VALUES);
		return buf;
	}
	return NULL;
}

static int add_allow(struct tl_profile *p, const char *name, const struct tl_arg *args,
                     size_t nargs, char *comment)
{
	char *names[2] = {(char *)name, NULL};
	struct tl_rule rule = {
	    .names = names,
	    .action = TL_ACT_ALLOW,
	    .nargs = nargs,
	    .args = (struct tl_arg *)args,
	    .comment = comment,
	};

	return tl_profile_add_rule(p, &rule); /* deep copy */
}

/* Close a memstream and take its text; NULL on failure. */
static char *take(FILE *f, char **buf)
{
	bool bad = ferror(f);

	if (fclose(f) || bad) {
		free(*buf);
		*buf = NULL;
	}
	return *buf;
}

int tl_argrules_emit_by_name(const struct tl_argrule *ar, const char *reason, const char *note,
                             struct tl_profile *p)
{
	const char *what = ar->args[0].what;
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);
	int r;

	if (!f)
		return -ENOMEM;
	fprintf(f, "%s: %s: allowed for any %s", ar->name, reason, what);
	if (note)
		fprintf(f, "; %s", note);
	if (!take(f, &buf))
		return -ENOMEM;
	r = add_allow(p, ar->name, NULL, 0, buf);
	free(buf);
	return r;
}

/* mmap/mprotect: which masked prot values to allow, from the recorded (prot & 7). */
static int emit_prot(const struct tl_argrule *ar, const struct tl_argset *s, const char *note,
                     struct tl_profile *p, bool *conditional)
{
	static const struct tl_arg no_exec = {.value = 4, .value_two = 0, .op = TL_OP_MASKED_EQ};
	bool exec = false, wx = false;
	struct tl_arg args[3];
	const char *reason;
	char *buf = NULL, tmp[80];
	size_t size, n;
	FILE *f;
	int r = 0;

	reason = unusable(s, s->n, tmp, sizeof(tmp));
	if (reason && s->recorded && !s->overflow && s->n > TL_ARGRULES_MAX_VALUES)
		reason = NULL; /* many raw values is fine: only bits 0-2 matter */
	for (size_t i = 0; !reason && i < s->n; i++) {
		exec |= (s->v[i] & 4) != 0;
		wx |= (s->v[i] & 6) == 6;
	}
	if (!reason && wx)
		reason = "PROT_WRITE|PROT_EXEC observed";
	if (reason) {
		*conditional = false;
		return tl_argrules_emit_by_name(ar, reason, note, p);
	}
	if (!exec) {
		args[0] = no_exec;
		n = 1;
	} else {
		/* (prot & (PROT_WRITE|PROT_EXEC)) in {0, W, X}: never both */
		for (n = 0; n < 3; n++)
			args[n] =
			    (struct tl_arg){.value = 6, .value_two = n * 2, .op = TL_OP_MASKED_EQ};
	}
	for (size_t i = 0; i < n; i++)
		args[i].index = ar->args[0].index;
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	if (!exec)
		fprintf(f, "%s: PROT_EXEC never observed: executable mappings are denied",
		        ar->name);
	else
		fprintf(f,
		        "%s: PROT_WRITE|PROT_EXEC never observed together: writable and executable "
		        "memory is denied",
		        ar->name);
	fprintf(f, "; %s", ar->why);
	if (note)
		fprintf(f, "; %s", note);
	if (!take(f, &buf))
		return -ENOMEM;
	for (size_t i = 0; i < n && !r; i++)
		r = add_allow(p, ar->name, &args[i], 1, i ? NULL : buf);
	free(buf);
	*conditional = true;
	return r;
}

/* The values of combination c (mixed radix over mn, last argument fastest). */
static void combo_values(size_t c, unsigned use, const size_t *mn, uint64_t *const *mv,
                         uint64_t *out)
{
	for (int k = (int)use - 1; k >= 0; k--) {
		out[k] = mv[k][c % mn[k]];
		c /= mn[k];
	}
}

/*
 * The combinations of the first `use` arguments to allow, into kept[]
 * (indices into their cross product): the filter's (seen together) when it
 * applies and keeps some, else the whole cross product.  *n is how many
 * there are (kept[] holds them when *n <= TL_ARGRULES_MAX_RULES);
 * *observed tells that they came from the filter.
 */
static void pick_combos(unsigned use, const size_t *mn, uint64_t *const *mv,
                        const struct tl_argfilter *filter, size_t *kept, size_t *n, bool *observed)
{
	uint64_t cv[TL_ARGRULES_MAX_ARGS];
	size_t combos = 1;

	for (unsigned k = 0; k < use; k++)
		combos *= mn[k]; /* at most TL_ARGRULES_MAX_VALUES ^ TL_ARGRULES_MAX_ARGS */
	*n = 0;
	*observed = false;
	for (size_t c = 0; filter && c < combos; c++) {
		combo_values(c, use, mn, mv, cv);
		if (!filter->keep(filter->ctx, cv, use))
			continue;
		if (*n < TL_ARGRULES_MAX_RULES)
			kept[*n] = c;
		(*n)++;
	}
	if (*n) {
		*observed = true;
		return;
	}
	/* no filter, or one that keeps none (its records disagree): every combination */
	*n = combos;
	for (size_t c = 0; c < combos && c < TL_ARGRULES_MAX_RULES; c++)
		kept[c] = c;
}

/* "type, protocol": the names of arguments from..to-1. */
static void put_whats(FILE *f, const struct tl_argrule *ar, unsigned from, unsigned to)
{
	for (unsigned k = from; k < to; k++)
		fprintf(f, "%s%s", k > from ? ", " : "", ar->args[k].what);
}

int tl_argrules_emit(const struct tl_argrule *ar, enum tl_args_mode mode,
                     const struct tl_argset *vals, const struct tl_argfilter *filter,
                     const char *note, struct tl_profile *p, bool *conditional)
{
	uint64_t *mv[TL_ARGRULES_MAX_ARGS] = {0}, cv[TL_ARGRULES_MAX_ARGS];
	size_t mn[TL_ARGRULES_MAX_ARGS] = {0}, kept[TL_ARGRULES_MAX_RULES], nkept = 0;
	size_t top_n = 0; /* combinations of all usable arguments, when too many */
	unsigned want = mode == TL_ARGS_STRICT ? ar->nargs : ar->nargs_safe, avail = 0, use;
	const char *reason = NULL, *unusable_why = NULL;
	char *buf = NULL, tmp[80], tmp2[80];
	bool observed = false, top_observed = false;
	size_t size;
	FILE *f = NULL;
	int r = 0;

	*conditional = false;
	if (ar->kind == TL_AR_PROT)
		return emit_prot(ar, &vals[0], note, p, conditional);
	if (!want)
		want = ar->nargs; /* strict-only pairs (setsockopt) */
	/* The filter knows tuples of all the arguments: only when all are wanted. */
	if (filter && filter->nargs != want)
		filter = NULL;

	/* The longest prefix of arguments with usable values. */
	for (unsigned k = 0; k < want; k++) {
		const char *why;

		r = masked_values(&vals[k], ar->args[k].mask, &mv[k], &mn[k]);
		if (r)
			goto out;
		why = unusable(&vals[k], mn[k], k ? tmp2 : tmp, sizeof(tmp));
		if (why) {
			if (!k)
				reason = why;
			else
				unusable_why = why;
			break;
		}
		avail = k + 1;
	}
	if (!avail) {
		r = tl_argrules_emit_by_name(ar, reason, note, p);
		goto out;
	}

	/*
	 * The most arguments whose combinations fit in TL_ARGRULES_MAX_RULES.
	 * With a filter, fewer arguments means the observed tuples cut short
	 * (a projection), never the cross product of their values: no pair is
	 * allowed that was not seen.
	 */
	for (use = avail; use > 0; use--) {
		pick_combos(use, mn, mv, filter, kept, &nkept, &observed);
		if (use == avail) {
			top_n = nkept;
			top_observed = observed;
		}
		if (nkept <= TL_ARGRULES_MAX_RULES)
			break;
	}
	/* use >= 1: one argument has at most TL_ARGRULES_MAX_VALUES <= MAX_RULES values */

	f = open_memstream(&buf, &size);
	if (!f) {
		r = -ENOMEM;
		goto out;
	}
	if (use == 1) {
		fprintf(f, "%s: only the %s observed: ", ar->name, ar->args[0].whats);
		for (size_t i = 0; i < nkept; i++) {
			fputs(i ? ", " : "", f);
			put_value(f, ar->args[0].fmt, mv[0][kept[i]]);
		}
	} else {
		fprintf(f, "%s: only the (", ar->name);
		put_whats(f, ar, 0, use);
		fputs(observed ? ") combinations observed: "
		               : ") combinations of the values observed (recorded per argument): ",
		      f);
		for (size_t i = 0; i < nkept; i++) {
			combo_values(kept[i], use, mn, mv, cv);
			fputs(i ? ", (" : "(", f);
			for (unsigned k = 0; k < use; k++) {
				fputs(k ? ", " : "", f);
				put_value(f, ar->args[k].fmt, cv[k]);
			}
			fputs(")", f);
		}
	}
	/* What is not compared, and so allowed with any value, and why. */
	if (use < avail) {
		fputs(" (", f);
		put_whats(f, ar, use, avail);
		fputs(" not compared: ", f);
		if (top_observed) {
			fprintf(f, "%zu (", top_n);
			put_whats(f, ar, 0, avail);
			fprintf(f, ") combinations observed, more than %d)", TL_ARGRULES_MAX_RULES);
		} else {
			fprintf(f, "more than %d combinations)", TL_ARGRULES_MAX_RULES);
		}
	}
	if (avail < want) {
		fputs(" (", f);
		put_whats(f, ar, avail, want);
		fputs(" not compared: ", f);
		if (want - avail > 1)
			fprintf(f, "%s: ", ar->args[avail].what);
		fprintf(f, "%s)", unusable_why);
	}
	/* Named examples of what is denied, never one that is allowed. */
	for (size_t e = 0, named = 0; e < TL_ARGRULES_MAX_EXAMPLES && ar->denied_examples[e]; e++) {
		bool allowed = false;

		for (size_t i = 0; i < nkept && !allowed; i++) {
			combo_values(kept[i], use, mn, mv, cv);
			allowed = cv[0] == ar->denied_examples[e];
		}
		if (allowed)
			continue;
		if (!named++)
			fprintf(f, "; other %s are denied, such as ", ar->args[0].whats);
		else
			fputs(", ", f);
		put_value(f, ar->args[0].fmt, ar->denied_examples[e]);
	}
	fprintf(f, "; %s", ar->why);
	if (note)
		fprintf(f, "; %s", note);
	if (!take(f, &buf)) {
		r = -ENOMEM;
		goto out;
	}

	/* One rule per combination, lexicographic in the argument order. */
	for (size_t i = 0; i < nkept && !r; i++) {
		struct tl_arg args[TL_ARGRULES_MAX_ARGS];

		combo_values(kept[i], use, mn, mv, cv);
		for (unsigned k = 0; k < use; k++) {
			const struct tl_argrule_arg *a = &ar->args[k];

			args[k] = (struct tl_arg){.index = a->index};
			if (a->mask) {
				args[k].op = TL_OP_MASKED_EQ;
				args[k].value = a->mask;
				args[k].value_two = cv[k];
			} else {
				args[k].op = TL_OP_EQ;
				args[k].value = cv[k];
			}
		}
		r = add_allow(p, ar->name, args, use, i ? NULL : buf);
	}
	*conditional = !r;
out:
	for (unsigned k = 0; k < TL_ARGRULES_MAX_ARGS; k++)
		free(mv[k]);
	free(buf);
	return r;
}
