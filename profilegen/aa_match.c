// SPDX-License-Identifier: Apache-2.0
/*
 * A small AppArmor path matcher, and a reader for the profile text tailor
 * writes (docs/apparmor.md).  It answers "does this rule allow this path?"
 * the way apparmor_parser compiles rules (parser_regex.cc: globs become a
 * regex; parser_variable.cc: variables become alternations), so that the
 * exporter can check its generalisations and the tests can check that a
 * generated profile allows every recorded access.
 *
 * Matching is a backtracking walk over the expanded pattern with
 * continuations for {a,b} groups, bounded by a step budget: patterns in
 * profiles are short, paths are short.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tailor/apparmor.h"
#include "tailor/common.h"

#define MATCH_BUDGET  200000 /* recursive steps before giving up with -E2BIG */
#define VAR_DEPTH     8      /* nesting of variables in variables */
#define INCLUDE_DEPTH 16
#define PROF_DEPTH    4 /* profile { profile { } } nesting */

/* ---- permissions ------------------------------------------------------------ */

int tl_aa_perms_parse(const char *s, uint32_t *perms)
{
	uint32_t p = 0;
	bool a = false, w = false;

	for (const char *c = s; *c; c++) {
		switch (*c) {
		case 'r':
			p |= TL_AA_READ;
			break;
		case 'w':
			w = true;
			p |= TL_AA_WRITE | TL_AA_APPEND; /* the parser gives w the append bit */
			break;
		case 'a':
			a = true;
			p |= TL_AA_APPEND;
			break;
		case 'l':
			p |= TL_AA_LINK;
			break;
		case 'k':
			p |= TL_AA_LOCK;
			break;
		case 'm':
			p |= TL_AA_MMAP;
			break;
		case 'i': /* ix: inherit, which implies m (parser_regex.cc) */
			if (c[1] != 'x')
				return tl_err(EINVAL,
				              "permissions '%s': '%c' must be followed by 'x'", s,
				              *c);
			p |= TL_AA_EXEC | TL_AA_MMAP;
			c++;
			break;
		case 'p':
		case 'P':
		case 'c':
		case 'C':
		case 'u':
		case 'U':
			if (c[1] != 'x')
				return tl_err(EINVAL,
				              "permissions '%s': '%c' must be followed by 'x'", s,
				              *c);
			p |= TL_AA_EXEC;
			c++;
			break;
		case 'x': /* bare x: only valid in deny rules, still the exec bit */
			p |= TL_AA_EXEC;
			break;
		default:
			return tl_err(EINVAL, "permissions '%s': unknown letter '%c'", s, *c);
		}
	}
	if (a && w)
		return tl_err(EINVAL, "permissions '%s': 'a' and 'w' are mutually exclusive", s);
	if (!*s)
		return tl_err(EINVAL, "empty permissions");
	*perms = p;
	return 0;
}

/* ---- variables ----------------------------------------------------------------- */

void tl_aa_vars_init(struct tl_aa_vars *v)
{
	memset(v, 0, sizeof(*v));
}

void tl_aa_vars_free(struct tl_aa_vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		tl_strv_free(v->v[i].values);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static struct tl_aa_var *var_find(const struct tl_aa_vars *v, const char *name, size_t len)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == len && !memcmp(v->v[i].name, name, len))
			return &v->v[i];
	return NULL;
}

char *const *tl_aa_vars_get(const struct tl_aa_vars *v, const char *name)
{
	struct tl_aa_var *var = var_find(v, name, strlen(name));

	return var ? var->values : NULL;
}

int tl_aa_vars_set(struct tl_aa_vars *v, const char *name, const char *value, bool append)
{
	struct tl_aa_var *var = var_find(v, name, strlen(name));
	size_t n;
	char **vals;

	if (!var) {
		struct tl_aa_var *tmp = realloc(v->v, (v->n + 1) * sizeof(*tmp));

		if (!tmp)
			return tl_err(ENOMEM, "apparmor variables: out of memory");
		v->v = tmp;
		var = &v->v[v->n];
		var->name = strdup(name);
		var->values = calloc(1, sizeof(char *));
		if (!var->name || !var->values) {
			free(var->name);
			free(var->values);
			return tl_err(ENOMEM, "apparmor variables: out of memory");
		}
		v->n++;
	} else if (!append) {
		tl_strv_free(var->values);
		var->values = calloc(1, sizeof(char *));
		if (!var->values)
			return tl_err(ENOMEM, "apparmor variables: out of memory");
	}
	n = tl_strv_len(var->values);
	vals = realloc(var->values, (n + 2) * sizeof(*vals));
	if (!vals)
		return tl_err(ENOMEM, "apparmor variables: out of memory");
	var->values = vals;
	vals[n] = strdup(value);
	vals[n + 1] = NULL;
	return vals[n] ? 0 : tl_err(ENOMEM, "apparmor variables: out of memory");
}

/*
 * AppArmor 3.0.8's tunables as shipped (tunables/{proc,kernelvars,sys,run,
 * etc,multiarch,home}); test_apparmor compares them with /etc/apparmor.d
 * when it is installed.
 */
#define AA_PID_PATTERN                                                                             \
	"{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],"        \
	"[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}"
static const struct {
	const char *name, *value;
} builtin_tunables[] = {
    {"PROC", "/proc/"},
    {"pid", AA_PID_PATTERN},
    {"tid", "@{pid}"},
    {"pids", "@{pid}"},
    {"sys", "/sys/"},
    {"run", "/run/"},
    {"run", "/var/run/"},
    {"etc_ro", "/etc/"},
    {"etc_ro", "/usr/etc/"},
    {"etc_rw", "/etc/"},
    {"multiarch", "*-linux-gnu*"},
    {"HOMEDIRS", "/home/"},
    {"HOME", "@{HOMEDIRS}/*/"},
    {"HOME", "/root/"},
};

int tl_aa_vars_add_tunables(struct tl_aa_vars *v)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(builtin_tunables); i++) {
		bool append =
		    i > 0 && !strcmp(builtin_tunables[i - 1].name, builtin_tunables[i].name);
		int r =
		    tl_aa_vars_set(v, builtin_tunables[i].name, builtin_tunables[i].value, append);

		if (r)
			return r;
	}
	return 0;
}

/* ---- expansion ------------------------------------------------------------------ */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *tmp;

		while (cap < b->len + n + 1)
			cap *= 2;
		tmp = realloc(b->s, cap);
		if (!tmp) {
			b->oom = true;
			return;
		}
		b->s = tmp;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* Length of the escape sequence at p (p[0] == '\\'): \xHH or \c. */
static size_t esc_len(const char *p)
{
	if (p[1] == 'x' && p[2] && p[3] && strchr("0123456789abcdefABCDEF", p[2]) &&
	    strchr("0123456789abcdefABCDEF", p[3]))
		return 4;
	return p[1] ? 2 : 1;
}

static unsigned char esc_char(const char *p)
{
	if (esc_len(p) == 4) {
		char hex[3] = {p[2], p[3], 0};

		return (unsigned char)strtoul(hex, NULL, 16);
	}
	return (unsigned char)p[1];
}

static int expand(const char *pat, const struct tl_aa_vars *vars, int depth, struct sbuf *out);

/*
 * One @{name}: a single value is inserted as is; several become {a,b} with
 * the slash next to the variable trimmed, as parser_variable.cc does, so
 * that @{etc_ro}/x matches /etc/x.
 */
static int expand_var(const char *name, size_t nlen, bool slash_before, bool slash_after,
                      const struct tl_aa_vars *vars, int depth, struct sbuf *out)
{
	struct tl_aa_var *var = vars ? var_find(vars, name, nlen) : NULL;
	size_t n;

	if (!var)
		return tl_err(EINVAL, "unknown variable @{%.*s}", (int)nlen, name);
	if (depth >= VAR_DEPTH)
		return tl_err(EINVAL, "variable @{%.*s} nests too deeply", (int)nlen, name);
	n = tl_strv_len(var->values);
	if (n > 1)
		sb_puts(out, "{");
	for (size_t i = 0; i < n; i++) {
		const char *v = var->values[i];
		struct sbuf tmp = {0};
		size_t a = 0, b;
		int r;

		r = expand(v, vars, depth + 1, &tmp);
		if (r) {
			free(tmp.s);
			return r;
		}
		b = tmp.len;
		if (n > 1 && slash_before)
			while (a < b && tmp.s[a] == '/')
				a++;
		if (n > 1 && slash_after)
			while (b > a && tmp.s[b - 1] == '/')
				b--;
		if (i)
			sb_puts(out, ",");
		if (tmp.s)
			sb_putn(out, tmp.s + a, b - a);
		free(tmp.s);
	}
	if (n > 1)
		sb_puts(out, "}");
	return 0;
}

static int expand(const char *pat, const struct tl_aa_vars *vars, int depth, struct sbuf *out)
{
	sb_puts(out, ""); /* an empty pattern still yields a string */
	for (const char *p = pat; *p;) {
		if (*p == '\\') {
			size_t n = esc_len(p);

			sb_putn(out, p, n);
			p += n;
		} else if (p[0] == '@' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			int r;

			if (!end)
				return tl_err(EINVAL, "pattern '%s': unterminated variable", pat);
			r = expand_var(p + 2, (size_t)(end - p - 2),
			               out->len && out->s[out->len - 1] == '/', end[1] == '/', vars,
			               depth, out);
			if (r)
				return r;
			p = end + 1;
		} else {
			sb_putn(out, p, 1);
			p++;
		}
	}
	return out->oom ? tl_err(ENOMEM, "pattern '%s': out of memory", pat) : 0;
}

/* Collapse runs of '/' (filter_slashes), leaving escapes alone. */
static void filter_slashes(char *s)
{
	char *d = s;

	for (const char *p = s; *p;) {
		if (*p == '\\') {
			size_t n = esc_len(p);

			memmove(d, p, n);
			d += n;
			p += n;
		} else if (*p == '/' && d > s && d[-1] == '/' && (d - s < 2 || d[-2] != '\\')) {
			p++;
		} else {
			*d++ = *p++;
		}
	}
	*d = '\0';
}

/* Balanced [] and {} (each {} with at least one ','), no trailing backslash. */
static int validate(const char *pat, const char *orig)
{
	int depth = 0, commas[64] = {0};
	bool in_class = false;

	for (const char *p = pat; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return tl_err(EINVAL, "pattern '%s': trailing backslash", orig);
			p += esc_len(p) - 1;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = false;
			continue;
		}
		switch (*p) {
		case '[':
			in_class = true;
			break;
		case ']':
			return tl_err(EINVAL, "pattern '%s': ']' without '['", orig);
		case '{':
			if (++depth >= (int)TL_ARRAY_SIZE(commas))
				return tl_err(EINVAL, "pattern '%s': {} nest too deeply", orig);
			commas[depth] = 0;
			break;
		case ',':
			if (depth)
				commas[depth]++;
			break;
		case '}':
			if (!depth)
				return tl_err(EINVAL, "pattern '%s': '}' without '{'", orig);
			if (!commas[depth])
				return tl_err(EINVAL,
				              "pattern '%s': {} without ',' (AppArmor refuses it)",
				              orig);
			depth--;
			break;
		}
	}
	if (in_class || depth)
		return tl_err(EINVAL, "pattern '%s': unclosed %s", orig, in_class ? "[" : "{");
	return 0;
}

/* ---- matching ------------------------------------------------------------------- */

struct mctx {
	const char *start; /* the whole expanded pattern */
	long budget;
};

struct cont {
	const char *p, *end;
	const struct cont *next;
};

/* Parse the class at p ('['); set *next past ']'; true if c is in it. */
static bool class_has(const char *p, const char **next, unsigned char c)
{
	bool neg = false, in = false;
	const char *q = p + 1;

	if (*q == '^') {
		neg = true;
		q++;
	}
	while (*q && *q != ']') {
		unsigned char lo, hi;

		if (*q == '\\') {
			lo = esc_char(q);
			q += esc_len(q);
		} else {
			lo = (unsigned char)*q++;
		}
		hi = lo;
		if (q[0] == '-' && q[1] && q[1] != ']') {
			q++;
			if (*q == '\\') {
				hi = esc_char(q);
				q += esc_len(q);
			} else {
				hi = (unsigned char)*q++;
			}
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	*next = *q ? q + 1 : q;
	return in != neg;
}

/*
 * Scan a group's body from p (just after its '{' or a ','): the '}' closing
 * the group, or with commas also the ',' ending this alternative; the end of
 * the string when there is none.
 */
static const char *group_scan(const char *p, bool commas)
{
	int depth = 0;
	bool in_class = false;

	for (; *p; p++) {
		if (*p == '\\') {
			p += esc_len(p) - 1;
			continue;
		}
		if (in_class) {
			in_class = *p != ']';
			continue;
		}
		if (*p == '[')
			in_class = true;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && depth-- == 0)
			return p;
		else if (commas && *p == ',' && !depth)
			return p;
	}
	return p;
}

/* The '}' closing the group at p ('{'). */
static const char *group_end(const char *p)
{
	const char *q = group_scan(p + 1, false);

	return *q ? q : NULL; /* validate() rules NULL out */
}

/* The ',' or '}' ending the alternative that starts at p, inside a group. */
static const char *alt_end(const char *p)
{
	return group_scan(p, true);
}

static int m(struct mctx *c, const char *p, const char *end, const unsigned char *s,
             const struct cont *k)
{
	if (--c->budget < 0)
		return -E2BIG;
	while (p < end) {
		if (*p == '*') {
			const char *after = p + 1, *run = p;
			bool dstar = false, min1;
			size_t i = 0;
			int r;

			if (after < end && *after == '*') {
				dstar = true;
				after++;
			}
			/* A glob filling a whole component matches at least one character. */
			while (*run == '*')
				run++;
			min1 = p > c->start && p[-1] == '/' && (*run == '/' || !*run);
			if (!min1) {
				r = m(c, after, end, s, k);
				if (r)
					return r;
			}
			while (s[i] && !(s[i] == '/' && (!dstar || (min1 && i == 0)))) {
				i++;
				r = m(c, after, end, s + i, k);
				if (r)
					return r;
			}
			return 0;
		}
		if (*p == '{') {
			const char *close = group_end(p);
			struct cont nk = {close + 1, end, k};

			for (const char *a = p + 1; a <= close;) {
				const char *b = alt_end(a);
				int r = m(c, a, b, s, &nk);

				if (r)
					return r;
				a = b + 1;
			}
			return 0;
		}
		if (!*s)
			return 0;
		if (*p == '?') {
			if (*s == '/')
				return 0;
			p++;
		} else if (*p == '[') {
			if (!class_has(p, &p, *s))
				return 0;
		} else if (*p == '\\') {
			if (esc_char(p) != *s)
				return 0;
			p += esc_len(p);
		} else {
			if ((unsigned char)*p != *s)
				return 0;
			p++;
		}
		s++;
	}
	if (k)
		return m(c, k->p, k->end, s, k->next);
	return !*s;
}

int tl_aa_match(const char *pattern, const char *path, const struct tl_aa_vars *vars)
{
	struct sbuf b = {0};
	struct mctx c;
	int r;

	r = expand(pattern, vars, 0, &b);
	if (r)
		goto out;
	filter_slashes(b.s);
	r = validate(b.s, pattern);
	if (r)
		goto out;
	c.start = b.s;
	c.budget = MATCH_BUDGET;
	r = m(&c, b.s, b.s + strlen(b.s), (const unsigned char *)path, NULL);
	if (r == -E2BIG)
		tl_err(E2BIG, "pattern '%s' against '%s': too complex to decide", pattern, path);
out:
	free(b.s);
	return r;
}

/* ---- built-in abstractions ------------------------------------------------------ */

/*
 * The file rules of AppArmor 3.0.8's abstractions/base, without its owner
 * rules and without what it includes (abstractions/crypto): a subset of
 * what `include <abstractions/base>` allows, so relying on it never grants
 * less than tailor assumes.  test_apparmor checks every line against the
 * installed file when there is one.
 */
static const struct tl_aa_abs_rule abs_base[] = {
    {"/dev/log", "w"},
    {"/dev/random", "r"},
    {"/dev/urandom", "r"},
    {"@{run}/uuidd/request", "r"},
    {"@{etc_ro}/locale/**", "r"},
    {"@{etc_ro}/locale.alias", "r"},
    {"@{etc_ro}/localtime", "r"},
    {"/etc/writable/localtime", "r"},
    {"/usr/share/locale-bundle/**", "r"},
    {"/usr/share/locale-langpack/**", "r"},
    {"/usr/share/locale/**", "r"},
    {"/usr/share/**/locale/**", "r"},
    {"/usr/share/zoneinfo/", "r"},
    {"/usr/share/zoneinfo/**", "r"},
    {"/usr/share/X11/locale/**", "r"},
    {"@{run}/systemd/journal/dev-log", "w"},
    {"@{run}/systemd/journal/socket", "w"},
    {"@{run}/systemd/journal/stdout", "rw"},
    {"/usr/lib{,32,64}/locale/**", "mr"},
    {"/usr/lib{,32,64}/gconv/*.so", "mr"},
    {"/usr/lib{,32,64}/gconv/gconv-modules*", "mr"},
    {"/usr/lib/@{multiarch}/gconv/*.so", "mr"},
    {"/usr/lib/@{multiarch}/gconv/gconv-modules*", "mr"},
    {"@{etc_ro}/bindresvport.blacklist", "r"},
    {"@{etc_ro}/ld.so.cache", "mr"},
    {"@{etc_ro}/ld.so.conf", "r"},
    {"@{etc_ro}/ld.so.conf.d/{,*.conf}", "r"},
    {"@{etc_ro}/ld.so.preload", "r"},
    {"/{usr/,}lib{,32,64}/ld{,32,64}-*.so", "mr"},
    {"/{usr/,}lib/@{multiarch}/ld{,32,64}-*.so", "mr"},
    {"/{usr/,}lib/tls/i686/{cmov,nosegneg}/ld-*.so", "mr"},
    {"/{usr/,}lib/i386-linux-gnu/tls/i686/{cmov,nosegneg}/ld-*.so", "mr"},
    {"/opt/*-linux-uclibc/lib/ld-uClibc*so*", "mr"},
    {"/{usr/,}lib{,32,64}/**", "r"},
    {"/{usr/,}lib{,32,64}/**.so*", "mr"},
    {"/{usr/,}lib/@{multiarch}/**", "r"},
    {"/{usr/,}lib/@{multiarch}/**.so*", "mr"},
    {"/{usr/,}lib/tls/i686/{cmov,nosegneg}/*.so*", "mr"},
    {"/{usr/,}lib/i386-linux-gnu/tls/i686/{cmov,nosegneg}/*.so*", "mr"},
    {"/{usr/,}lib{,32,64}/.lib*.so*.hmac", "r"},
    {"/{usr/,}lib/@{multiarch}/.lib*.so*.hmac", "r"},
    {"/dev/null", "rw"},
    {"/dev/zero", "rw"},
    {"/dev/full", "rw"},
    {"@{PROC}/sys/kernel/version", "r"},
    {"@{PROC}/sys/kernel/ngroups_max", "r"},
    {"@{PROC}/meminfo", "r"},
    {"@{PROC}/stat", "r"},
    {"@{PROC}/cpuinfo", "r"},
    {"@{sys}/devices/system/cpu/", "r"},
    {"@{sys}/devices/system/cpu/online", "r"},
    {"@{sys}/devices/system/cpu/possible", "r"},
    {"@{PROC}/@{pid}/{maps,auxv,status}", "r"},
    {"@{PROC}/sys/crypto/*", "r"},
    {"/usr/share/common-licenses/**", "r"},
    {"@{PROC}/filesystems", "r"},
    {"@{PROC}/sys/vm/overcommit_memory", "r"},
    {"@{PROC}/sys/kernel/cap_last_cap", "r"},
};

const struct tl_aa_abs_rule *tl_aa_abstraction(const char *name, size_t *n)
{
	if (name && !strcmp(name, "abstractions/base")) {
		*n = TL_ARRAY_SIZE(abs_base);
		return abs_base;
	}
	*n = 0;
	return NULL;
}

/* ---- profile text ----------------------------------------------------------------- */

struct rd {
	struct tl_aa_policy *p;
	const char *name; /* file name for messages */
	unsigned line;
	const char *base_dir;
	int depth;                /* include depth */
	size_t stack[PROF_DEPTH]; /* indices of the open profiles */
	int nstack;
};

static int rd_err(const struct rd *rd, int err, const char *what, const char *text)
{
	return tl_err(err, "%s:%u: %s: '%s'", rd->name, rd->line, what, text);
}

static int strv_push(char ***v, const char *s)
{
	size_t n = tl_strv_len(*v);
	char **tmp = realloc(*v, (n + 2) * sizeof(*tmp));

	if (!tmp)
		return -ENOMEM;
	*v = tmp;
	tmp[n] = strdup(s);
	tmp[n + 1] = NULL;
	return tmp[n] ? 0 : -ENOMEM;
}

/*
 * Split a statement into words: whitespace separates, "..." quotes (the
 * quotes are removed, \" becomes ", other escapes stay for the matcher).
 */
static char **split_words(const char *s)
{
	char **v = calloc(1, sizeof(*v));
	struct sbuf w = {0};
	bool q = false, have = false;

	if (!v)
		return NULL;
	for (const char *p = s;; p++) {
		if (!*p || (!q && (*p == ' ' || *p == '\t'))) {
			if (have && (w.oom || strv_push(&v, w.s ? w.s : ""))) {
				free(w.s);
				tl_strv_free(v);
				return NULL;
			}
			w.len = 0;
			if (w.s)
				w.s[0] = '\0';
			have = false;
			if (!*p)
				break;
			continue;
		}
		have = true;
		if (*p == '"') {
			q = !q;
			sb_puts(&w, "");
		} else if (*p == '\\' && p[1]) {
			if (q && p[1] == '"') {
				sb_putn(&w, "\"", 1);
				p++;
			} else {
				size_t n = esc_len(p);

				sb_putn(&w, p, n);
				p += n - 1;
			}
		} else {
			sb_putn(&w, p, 1);
		}
	}
	free(w.s);
	return v;
}

static struct tl_aa_prof *cur_prof(struct rd *rd)
{
	return rd->nstack ? &rd->p->profs[rd->stack[rd->nstack - 1]] : NULL;
}

static int add_file_rule(struct rd *rd, const char *pattern, const char *perms, bool deny,
                         bool owner, const char *target)
{
	struct tl_aa_prof *pr = cur_prof(rd);
	struct tl_aa_rule *tmp, *r;
	uint32_t bits;
	int e;

	if (!pr)
		return rd_err(rd, EINVAL, "file rule outside a profile", pattern);
	e = tl_aa_perms_parse(perms, &bits);
	if (e)
		return tl_err_ctx(e, "%s:%u: ", rd->name, rd->line);
	tmp = realloc(pr->rules, (pr->nrules + 1) * sizeof(*tmp));
	if (!tmp)
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	pr->rules = tmp;
	r = &pr->rules[pr->nrules];
	memset(r, 0, sizeof(*r));
	r->pattern = strdup(pattern);
	r->target = target ? strdup(target) : NULL;
	r->perms = bits;
	r->deny = deny;
	r->owner = owner;
	pr->nrules++;
	if (!r->pattern || (target && !r->target))
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	return 0;
}

static int parse_text(struct rd *rd, const char *text);

static int include_builtin(struct rd *rd, const char *inc)
{
	const struct tl_aa_abs_rule *abs;
	size_t n;

	if (!strcmp(inc, "tunables/global"))
		return tl_aa_vars_add_tunables(&rd->p->vars);
	abs = tl_aa_abstraction(inc, &n);
	for (size_t i = 0; abs && i < n; i++) {
		int r = add_file_rule(rd, abs[i].pattern, abs[i].perms, false, false, NULL);

		if (r)
			return r;
	}
	return 0;
}

static int include_file(struct rd *rd, const char *path, bool if_exists);

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory include reads its files in name order (dotfiles skipped). */
static int include_dir(struct rd *rd, const char *path)
{
	char **names = calloc(1, sizeof(*names));
	struct dirent *de;
	DIR *d = opendir(path);
	int r = 0;

	if (!d || !names) {
		free(names);
		if (d)
			closedir(d);
		return tl_err(errno ? errno : ENOMEM, "%s:%u: include %s: %s", rd->name, rd->line,
		              path, strerror(errno));
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strv_push(&names, de->d_name)) {
			r = tl_err(ENOMEM, "%s: out of memory", rd->name);
			goto out;
		}
	qsort(names, tl_strv_len(names), sizeof(*names), name_cmp);
	for (size_t i = 0; names[i] && !r; i++) {
		char *f;

		if (asprintf(&f, "%s/%s", path, names[i]) < 0) {
			r = tl_err(ENOMEM, "%s: out of memory", rd->name);
			break;
		}
		r = include_file(rd, f, true);
		free(f);
	}
out:
	closedir(d);
	tl_strv_free(names);
	return r;
}

static int include_file(struct rd *rd, const char *path, bool if_exists)
{
	struct rd sub = *rd;
	struct stat st;
	char *text = NULL;
	size_t len;
	int r;

	if (stat(path, &st)) {
		if (if_exists && errno == ENOENT)
			return 0;
		return tl_err(errno, "%s:%u: include %s: %s", rd->name, rd->line, path,
		              strerror(errno));
	}
	if (rd->depth >= INCLUDE_DEPTH)
		return tl_err(ELOOP, "%s:%u: include %s: includes nest too deeply", rd->name,
		              rd->line, path);
	if (S_ISDIR(st.st_mode)) {
		rd->depth++;
		r = include_dir(rd, path);
		rd->depth--;
		return r;
	}
	r = tl_read_file(path, &text, &len, 1 << 20);
	if (r)
		return r;
	sub.name = path;
	sub.line = 0;
	sub.depth = rd->depth + 1;
	r = parse_text(&sub, text);
	free(text);
	/* Includes do not open or close profiles: the state is the includer's. */
	if (!r && sub.nstack != rd->nstack)
		r = tl_err(EINVAL, "%s: unbalanced profile braces in an included file", path);
	return r;
}

static int do_include(struct rd *rd, char **w, size_t nw)
{
	struct tl_aa_prof *pr = cur_prof(rd);
	bool if_exists = false;
	size_t i = 1;
	char *inc, *path;
	size_t n;
	int r;

	if (nw > 3 && !strcmp(w[1], "if") && !strcmp(w[2], "exists")) {
		if_exists = true;
		i = 3;
	}
	if (i >= nw)
		return rd_err(rd, EINVAL, "include without a name", w[0]);
	inc = w[i];
	n = strlen(inc);
	if (n >= 2 &&
	    ((inc[0] == '<' && inc[n - 1] == '>') || (inc[0] == '"' && inc[n - 1] == '"'))) {
		inc[n - 1] = '\0';
		inc++;
	}
	if (pr && strv_push(&pr->includes, inc))
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	if (!rd->base_dir)
		return include_builtin(rd, inc);
	if (inc[0] == '/')
		return include_file(rd, inc, if_exists);
	if (asprintf(&path, "%s/%s", rd->base_dir, inc) < 0)
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	r = include_file(rd, path, if_exists);
	free(path);
	return r;
}

/* @{name}=v1 v2, @{name} += v, with or without spaces around the operator. */
static int do_variable(struct rd *rd, const char *stmt)
{
	const char *close = strchr(stmt, '}'), *p;
	bool append = false;
	char *name;
	char **vals;
	int r = 0;

	if (!close)
		return rd_err(rd, EINVAL, "bad variable definition", stmt);
	p = close + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '+' && p[1] == '=') {
		append = true;
		p += 2;
	} else if (*p == '=') {
		p++;
	} else {
		return rd_err(rd, EINVAL, "bad variable definition", stmt);
	}
	name = strndup(stmt + 2, (size_t)(close - stmt - 2));
	vals = split_words(p);
	if (!name || !vals) {
		r = tl_err(ENOMEM, "%s: out of memory", rd->name);
		goto out;
	}
	for (size_t i = 0; vals[i] && !r; i++) {
		r = tl_aa_vars_set(&rd->p->vars, name, vals[i], append || i > 0);
	}
out:
	free(name);
	tl_strv_free(vals);
	return r;
}

static int open_profile(struct rd *rd, char **w, size_t nw, const char *stmt)
{
	struct tl_aa_prof *tmp, *pr, *parent = cur_prof(rd);
	size_t i = 0;
	const char *name, *attach = NULL, *flags = NULL;
	char *full;

	if (!strcmp(w[0], "profile") || !strcmp(w[0], "hat"))
		i = 1;
	if (i >= nw - 1 || rd->nstack >= PROF_DEPTH)
		return rd_err(rd, EINVAL, "bad profile header", stmt);
	name = w[i++];
	for (; i < nw - 1; i++) {
		if (!strncmp(w[i], "flags=", 6))
			flags = w[i] + 6;
		else if (!attach)
			attach = w[i];
	}
	if (parent) {
		if (asprintf(&full, "%s//%s", parent->name, name) < 0)
			full = NULL;
	} else {
		full = strdup(name);
	}
	tmp = realloc(rd->p->profs, (rd->p->nprofs + 1) * sizeof(*tmp));
	if (!full || !tmp) {
		free(full);
		if (tmp)
			rd->p->profs = tmp;
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	}
	rd->p->profs = tmp;
	pr = &rd->p->profs[rd->p->nprofs];
	memset(pr, 0, sizeof(*pr));
	pr->name = full;
	pr->attach = attach ? strdup(attach) : NULL;
	if (flags) {
		size_t n = strlen(flags);

		pr->flags = (flags[0] == '(' && n >= 2) ? strndup(flags + 1, n - 2) : strdup(flags);
	}
	pr->other = calloc(1, sizeof(char *));
	pr->includes = calloc(1, sizeof(char *));
	rd->stack[rd->nstack++] = rd->p->nprofs++;
	if ((attach && !pr->attach) || (flags && !pr->flags) || !pr->other || !pr->includes)
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	return 0;
}

static bool is_path_word(const char *w)
{
	return w[0] == '/' || w[0] == '@';
}

static bool is_perm_word(const char *w)
{
	return *w && strspn(w, "rwalkmixpPcCuU") == strlen(w);
}

/* A rule: qualifiers, then a file rule or another kind (kept as text). */
static int do_rule(struct rd *rd, char **w, size_t nw, const char *stmt)
{
	struct tl_aa_prof *pr = cur_prof(rd);
	bool deny = false, owner = false;
	size_t i = 0;

	while (i < nw && (!strcmp(w[i], "audit") || !strcmp(w[i], "deny") ||
	                  !strcmp(w[i], "allow") || !strcmp(w[i], "owner"))) {
		deny |= !strcmp(w[i], "deny");
		owner |= !strcmp(w[i], "owner");
		i++;
	}
	if (i < nw && !strcmp(w[i], "file") && i + 1 < nw)
		i++;
	if (i < nw &&
	    (is_path_word(w[i]) || (is_perm_word(w[i]) && i + 1 < nw && is_path_word(w[i + 1])))) {
		const char *path = w[i], *perms, *target = NULL;

		if (!is_path_word(w[i])) { /* "r /path," */
			perms = w[i];
			path = w[i + 1];
		} else if (i + 1 < nw) {
			perms = w[i + 1];
		} else {
			return rd_err(rd, EINVAL, "file rule without permissions", stmt);
		}
		if (i + 3 < nw && !strcmp(w[i + 2], "->"))
			target = w[i + 3];
		return add_file_rule(rd, path, perms, deny, owner, target);
	}
	if (!pr)
		return rd_err(rd, EINVAL, "rule outside a profile", stmt);
	{
		struct sbuf t = {0};

		for (size_t k = 0; k < nw; k++) {
			if (k)
				sb_puts(&t, " ");
			sb_puts(&t, w[k]);
		}
		if (t.oom || strv_push(&pr->other, t.s ? t.s : "")) {
			free(t.s);
			return tl_err(ENOMEM, "%s: out of memory", rd->name);
		}
		free(t.s);
	}
	return 0;
}

/* Strip a comment: '#' outside quotes, except #include. */
static void strip_comment(char *s)
{
	bool q = false;
	char *t = s;

	while (*t == ' ' || *t == '\t')
		t++;
	if (!strncmp(t, "#include", 8))
		return;
	for (char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (*p == '#' && !q) {
			*p = '\0';
			return;
		}
	}
}

static int do_statement(struct rd *rd, char *s)
{
	size_t n = strlen(s), nw;
	char **w;
	int r = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++, n--;
	if (!n)
		return 0;
	if (!strcmp(s, "}")) {
		if (!rd->nstack)
			return rd_err(rd, EINVAL, "'}' without a profile", s);
		rd->nstack--;
		return 0;
	}
	if (s[0] == '@' && s[1] == '{' && strchr(s, '=') && s[n - 1] != ',')
		return do_variable(rd, s);
	w = split_words(s);
	if (!w)
		return tl_err(ENOMEM, "%s: out of memory", rd->name);
	nw = tl_strv_len(w);
	if (!strcmp(w[0], "include") || !strcmp(w[0], "#include")) {
		r = do_include(rd, w, nw);
	} else if (!strcmp(w[0], "abi") || !strcmp(w[0], "alias")) {
		r = 0;
	} else if (!strcmp(w[nw - 1], "{")) {
		r = open_profile(rd, w, nw, s);
	} else if (s[n - 1] == ',') {
		char *last = w[nw - 1];
		size_t ll = strlen(last);

		last[ll - 1] = '\0'; /* the rule's ',' */
		if (!last[0]) {
			free(w[nw - 1]);
			w[--nw] = NULL;
		}
		r = nw ? do_rule(rd, w, nw, s) : rd_err(rd, EINVAL, "empty rule", s);
	} else {
		r = rd_err(rd, EINVAL, "not a statement tailor understands", s);
	}
	tl_strv_free(w);
	return r;
}

static int parse_text(struct rd *rd, const char *text)
{
	const char *p = text;
	int r = 0;

	while (*p && !r) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		rd->line++;
		if (!line)
			return tl_err(ENOMEM, "%s: out of memory", rd->name);
		strip_comment(line);
		r = do_statement(rd, line);
		free(line);
		p += len + (nl ? 1 : 0);
	}
	return r;
}

static void prof_free(struct tl_aa_prof *pr)
{
	for (size_t i = 0; i < pr->nrules; i++) {
		free(pr->rules[i].pattern);
		free(pr->rules[i].target);
	}
	free(pr->rules);
	free(pr->name);
	free(pr->attach);
	free(pr->flags);
	tl_strv_free(pr->other);
	tl_strv_free(pr->includes);
}

void tl_aa_policy_free(struct tl_aa_policy *p)
{
	for (size_t i = 0; i < p->nprofs; i++)
		prof_free(&p->profs[i]);
	free(p->profs);
	tl_aa_vars_free(&p->vars);
	memset(p, 0, sizeof(*p));
}

int tl_aa_policy_parse(const char *text, const char *name, const char *base_dir,
                       struct tl_aa_policy *p)
{
	struct rd rd = {.p = p, .name = name ? name : "(profile)", .base_dir = base_dir};
	int r;

	memset(p, 0, sizeof(*p));
	r = parse_text(&rd, text);
	if (!r && rd.nstack)
		r = tl_err(EINVAL, "%s: profile '%s' is not closed", rd.name, cur_prof(&rd)->name);
	if (r)
		tl_aa_policy_free(p);
	return r;
}

const struct tl_aa_prof *tl_aa_policy_find(const struct tl_aa_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nprofs; i++)
		if (!strcmp(p->profs[i].name, name))
			return &p->profs[i];
	return NULL;
}

int tl_aa_prof_perms(const struct tl_aa_policy *p, const struct tl_aa_prof *prof, const char *path,
                     uint32_t *perms)
{
	uint32_t allow = 0, deny = 0;

	for (size_t i = 0; i < prof->nrules; i++) {
		const struct tl_aa_rule *r = &prof->rules[i];
		int m = tl_aa_match(r->pattern, path, &p->vars);

		if (m < 0)
			return m;
		if (m && r->deny)
			deny |= r->perms;
		else if (m)
			allow |= r->perms;
	}
	*perms = allow & ~deny;
	return 0;
}
