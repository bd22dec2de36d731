// SPDX-License-Identifier: Apache-2.0
/*
 * AppArmor export: an AppArmor 3 profile built from the trace (files,
 * execs, capabilities, sockets), not from the seccomp profile.
 *
 * Pipeline: every recorded access becomes an entry (pattern, program,
 * access bits, count) in the profile of its program; paths are generalised
 * by a fixed table of shapes (pids, temp names, numbered devices, library
 * versions), each generalisation checked with the matcher (aa_match.c);
 * entries with the same (profile, pattern) merge into one rule whose
 * permissions are the union; --abstractions drops the rules that
 * <abstractions/base> allows; read-only rules of a directory read file by
 * file collapse into DIR/\* or DIR/\*\* (--collapse).  docs/apparmor.md
 * documents every mapping.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tailor/apparmor.h"
#include "tailor/common.h"
#include "export.h"
#include "trace_ext.h"

#define PROBE_NAME    "tailor-probe"
#define COMMENT_PROGS 3 /* programs named in a rule's comment */
#define COMMENT_PATHS 2 /* recorded paths named under a generalised rule */

struct acc {
	char *pattern;    /* generalised, escaped, unquoted (owned) */
	char *witness;    /* a path the pattern must match: path with /proc/self resolved (owned) */
	bool quote;       /* the pattern needs "..." in the profile */
	bool generalised; /* pattern is not the literal path */
	const char *path; /* as recorded */
	const char *program; /* who did it; for an exec, the parent ("" unknown) */
	uint32_t access;     /* TL_ACC_* */
	uint64_t count;
	size_t prof;   /* index into ctx.profs */
	size_t target; /* exec: child profile index, 0 for ix */
	bool dropped;  /* covered by an included abstraction */
	/* covered by a collapsed directory rule (D/\* or D/\*\*) */
	bool collapsed;
	/* a collapsed rule's comment (owned); NULL for the others */
	char *note;
};

struct prof {
	char *name;   /* "NAME", or the child's short name */
	char *key;    /* child: the generalised program path (its attachment); main: NULL */
	bool quote;   /* key needs quotes */
	bool root;    /* child whose program was also started from outside (runs in main too) */
	bool base;    /* includes <abstractions/base> */
	size_t ndrop; /* rules the abstraction replaced */
	/*
	 * A child that runs more programs than a profile may name as exec
	 * targets: they run in it (ix), so it holds their rules too; absorbs[k]:
	 * child k is one of them (directly or further down).
	 */
	bool flat;
	bool *absorbs;
};

/* Named exec transitions a profile may hold: apparmor_parser 3 refuses a 13th target. */
#define NAMED_X_MAX 12

struct ctx {
	const struct tl_trace *t;
	const struct tl_aa_opts *o;
	bool container;
	bool signals; /* kill-family syscalls seen */
	struct tl_aa_vars vars;
	struct prof *profs;
	size_t nprofs;
	struct acc *accs;
	size_t naccs, cap;
	bool *sel;                /* profs_of's answer, one flag per profile */
	size_t nskipped, nnoperm; /* not a path; nothing AppArmor mediates */
	const char *skipped_ex, *noperm_ex;
	size_t ncollapsed, nglobs; /* rules collapsed, into how many directory globs */
};

void tl_aa_opts_init(struct tl_aa_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->collapse = TL_AA_COLLAPSE_DEFAULT;
}

/* ---- small string helpers ----------------------------------------------------- */

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static bool is_pid(const char *s)
{
	return all_digits(s) && s[0] != '0';
}

/* Append s escaped for a profile: glob characters with '\', control bytes as \xHH. */
static void esc_append(struct tl_export_buf *b, const char *s, size_t n, bool *quote)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (strchr("*?[]{}\\", c) && c) {
			tl_export_buf_printf(b, "\\%c", c);
		} else if (c < 0x20 || c == 0x7f) {
			tl_export_buf_printf(b, "\\x%02x", c);
		} else if (c == '"') {
			tl_export_buf_puts(b, "\\\"");
			*quote = true;
		} else {
			/* '@' needs nothing: a '{' after it is escaped, so it never starts a
			 * variable. */
			if (c < 0x80 &&
			    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			            "0123456789/._+~%:@-",
			            c))
				*quote = true;
			tl_export_buf_printf(b, "%c", c);
		}
	}
}

/*
 * Is s[b..e) hex letters then 8 or more decimal digits: a word that ends in
 * a hex letter + a number (Java's "jqa" + a 64-bit random in decimal, Go's
 * "abc" + a uint32), not a hash?  A hash's letters and digits mix: a random
 * hex word of 9 or more has this shape under 1% of the time (0.9% at most).
 */
static bool word_number(const char *s, size_t b, size_t e)
{
	size_t l = b, d;

	while (l < e && s[l] >= 'a' && s[l] <= 'f')
		l++;
	for (d = l; d < e && s[d] >= '0' && s[d] <= '9'; d++)
		;
	return l > b && d == e && e - l >= 8;
}

/*
 * Is the digit run s[i..d) inside a word (letters and digits) that is hex,
 * 8 or more long, with a letter, or inside more than 16 hex digits: a hash
 * (git's pack-58a046c4…), not a number of its own?  Not when that word or
 * run is a word_number.
 */
static bool in_hex_word(const char *s, size_t n, size_t i, size_t d)
{
	static const char hex[] = "0123456789abcdef";
	bool letter = false;
	size_t b = i, e = d;

	/* or in a run of more than 16 hex digits glued to a word: obj<sha1> */
	while (b > 0 && strchr(hex, s[b - 1]))
		b--;
	while (e < n && s[e] && strchr(hex, s[e]))
		e++;
	if (e - b > 16 && strpbrk(s + b, "abcdef") && (size_t)(strpbrk(s + b, "abcdef") - s) < e &&
	    !word_number(s, b, e))
		return true;
	while (i > 0 && isalnum((unsigned char)s[i - 1]))
		i--;
	while (d < n && isalnum((unsigned char)s[d]))
		d++;
	for (size_t k = i; k < d; k++) {
		if (!strchr("0123456789abcdef", s[k]))
			return false;
		letter |= s[k] >= 'a';
	}
	return letter && d - i >= 8 && !word_number(s, i, d);
}

#define UUID_LEN 36

/*
 * Length of a canonical UUID (8-4-4-4-12 hex digits, either case) at s[i..n),
 * not part of a longer word, or 0.
 */
static size_t uuid_at(const char *s, size_t n, size_t i)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	const size_t len = UUID_LEN;

	if (n - i < len || (i > 0 && isalnum((unsigned char)s[i - 1])) ||
	    (i + len < n && isalnum((unsigned char)s[i + len])))
		return 0;
	for (size_t k = 0; k < len; k++)
		if (shape[k] == '-' ? s[i + k] != '-' : !isxdigit((unsigned char)s[i + k]))
			return 0;
	return len;
}

static bool has_uuid(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (uuid_at(s, n, i))
			return true;
	return false;
}

/*
 * Length of a random hex number at s[i..n), or 0: 5 to 16 of [0-9a-f] (up to
 * 64 random bits; a longer word is a hash: git's pack-<sha1>) with a digit
 * and a letter (digits only are the digit rule's), running to the end of its
 * word, and anchored: after a separator (cmake's cmTC_547ef), after "0x"
 * (a pointer: gpg's .#lk0x0000555ad96124e0) or after a word's leading "tmp"
 * (cmake's Makefile2.tmpbe669).  After a separator, letters then digits
 * is a word + number ("fa12345", a pid whose length varies): the digit rule's.
 * Glued to a word with no anchor: exactly 16 or 32 digits, a 64- or 128-bit
 * token (systemd's ".#NAME" + 16, Python's "x" + uuid4().hex), taken from
 * the end when the word ends in a hex letter ("hostname3ddcdc06e6277455").
 */
static size_t hex_at(const char *s, size_t n, size_t i)
{
	size_t e = i, l = i;
	bool digit = false, letter = false, sep;

	if (i == 0)
		return 0;
	sep = !isalnum((unsigned char)s[i - 1]);
	for (; e < n && strchr("0123456789abcdef", s[e]); e++) {
		digit |= s[e] <= '9';
		letter |= s[e] >= 'a';
	}
	if (!digit || !letter || (e < n && isalnum((unsigned char)s[e])))
		return 0;
	if (!sep && !(i >= 2 && s[i - 2] == '0' && s[i - 1] == 'x') &&
	    !(i >= 3 && !strncmp(s + i - 3, "tmp", 3) &&
	      (i == 3 || !isalnum((unsigned char)s[i - 4])))) {
		size_t b = i; /* the whole hex run: a longer one is a hash */

		while (b > 0 && strchr("0123456789abcdef", s[b - 1]))
			b--;
		return (e - i == 16 || e - i == 32) && i - b <= 1 && !strchr("0123456789", s[i - 1])
		           ? e - i
		           : 0;
	}
	if (e - i < 5 || e - i > 16)
		return 0;
	while (l < e && s[l] >= 'a')
		l++;
	if (sep && l - i >= 2 && strspn(s + l, "0123456789") == e - l)
		return 0;
	return e - i;
}

/*
 * Length of a random token at s[i..n), or 0: a whole word (letters and
 * digits between separators) of 7 or more with letters and two or more runs
 * of digits between them, as base-36 and base-62 draws are (rustc's
 * codegen-unit names "025sl5bgdaacapi7wmqt4sdtu", its session ids
 * "hoj5qdwo8l"), not a word + number ("files2"), a number + word ("64bit")
 * or one number inside a word ("sha256sum").  Not a hex word or a word
 * holding a hash (in_hex_word), a UUID or hex_at's number: those keep
 * their own shapes.
 */
static size_t random_word_at(const char *s, size_t n, size_t i)
{
	size_t e = i, runs = 0;
	bool letter = false, hex = true;

	if (i > 0 && isalnum((unsigned char)s[i - 1]))
		return 0;
	for (; e < n && isalnum((unsigned char)s[e]); e++) {
		bool digit = s[e] >= '0' && s[e] <= '9';

		runs += digit && (e == i || !(s[e - 1] >= '0' && s[e - 1] <= '9'));
		letter |= !digit;
		hex &= digit || (s[e] >= 'a' && s[e] <= 'f');
	}
	if (e - i < 7 || runs < 2 || !letter || hex)
		return 0;
	for (size_t k = i; k < e; k++)
		if (uuid_at(s, n, k) || hex_at(s, n, k) ||
		    (s[k] >= '0' && s[k] <= '9' && in_hex_word(s, n, k, k + 1)))
			return 0;
	return e - i;
}

/*
 * A random token of len characters, one '?' each (the length is the
 * shape: rustc and the tempfile crates draw a fixed width), its first a
 * class when it starts the component: a wildcard needs an anchor.
 */
static void token_append(struct tl_export_buf *b, const char *s, size_t len, bool first)
{
	bool upper = false;

	for (size_t k = 0; k < len; k++)
		upper |= s[k] >= 'A' && s[k] <= 'Z';
	for (size_t k = 0; k < len; k++)
		tl_export_buf_puts(b, k || !first ? "?" : upper ? "[0-9A-Za-z]" : "[0-9a-z]");
}

/*
 * Append s[0..n) escaped, but with a scratch name's per-run parts as
 * patterns (docs/apparmor.md): a UUID as ????????-????-????-????-????????????
 * (its first character a hex class when it starts the component: a
 * wildcard needs an anchor), a random hex number (hex_at) one '?' per digit
 * (fixed-width formats: %05x, padded pointers), a random base-36/62 token
 * (random_word_at) one '?' per character, each run of at least min
 * digits (0: nothing is replaced) as [0-9]* (a pid, date or counter),
 * except a run at the start of the component (start): "/tmp/[0-9]*" would
 * admit every name that starts with a digit.  true if anything was
 * replaced (with b NULL: only tells).
 */
static bool numbered_append(struct tl_export_buf *b, const char *s, size_t n, size_t min,
                            bool start, bool *quote)
{
	size_t i = 0, lit = 0;
	bool any = false;

	while (min && i < n) {
		size_t len, d = i;

		if ((len = uuid_at(s, n, i)) || (len = hex_at(s, n, i))) {
			if (b) {
				esc_append(b, s + lit, i - lit, quote);
				for (size_t k = 0; k < len; k++)
					tl_export_buf_puts(b, s[i + k] == '-' ? "-"
					                      : !(i + k) && len == UUID_LEN
					                          ? "[0-9a-fA-F]"
					                          : "?");
			}
			any = true;
			i = lit = i + len;
			continue;
		}
		if ((len = random_word_at(s, n, i))) {
			/* several [0-9]* in one word mean nothing and blow up the parser's DFA */
			if (b) {
				esc_append(b, s + lit, i - lit, quote);
				token_append(b, s + i, len, start && !i);
			}
			any = true;
			i = lit = i + len;
			continue;
		}
		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d - i >= min && !(start && i == 0) && !in_hex_word(s, n, i, d)) {
			if (b) {
				esc_append(b, s + lit, i - lit, quote);
				tl_export_buf_puts(b, "[0-9]*");
			}
			any = true;
			lit = d;
		}
		i = d > i ? d : i + 1;
	}
	if (b)
		esc_append(b, s + lit, n - lit, quote);
	return any;
}

/* For comments: one line, control bytes shown as '?'. */
static void comment_append(struct tl_export_buf *b, const char *s)
{
	for (; *s; s++)
		tl_export_buf_printf(b, "%c", ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
}

static char **split_path(const char *path)
{
	char **v = calloc(strlen(path) / 2 + 2, sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	for (const char *p = path; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		v[n] = strndup(p, len);
		if (!v[n++]) {
			tl_strv_free(v);
			return NULL;
		}
		p += len;
	}
	return v;
}

/* ---- generalisation ------------------------------------------------------------- */

/*
 * Shapes of per-run names: each returns the component pattern (static
 * storage or into buf) or NULL; the temp-name shapes say where the random
 * part is instead, the rest being escaped as a literal.  Kept deliberately
 * small; docs/apparmor.md lists them.
 */

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
/* The alphabet of Python's tempfile names. */
#define PY_TEMP_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

/*
 * Could s[0..n) be the random part of a temp name (mkstemp draws from
 * [A-Za-z0-9])?  Letters/digits mixing at least two of lower, upper, digit,
 * and not a lower-case word + number ("files2", "ed2024"), as people name
 * files and only 0.3% of random draws are.
 */
/*
 * A short part with 4 digits in a row is a number with a letter or two
 * (gpg's "<pid>x" lock probe): the digit rule's, whose [0-9]* holds a pid
 * of any length.  mkstemp draws that 0.2 % of the time.
 */
static bool numberish(const char *s, size_t n)
{
	for (size_t i = 0, run = 0; n <= 8 && i < n; i++)
		if ((run = s[i] >= '0' && s[i] <= '9' ? run + 1 : 0) >= 4)
			return true;
	return false;
}

static bool random_part(const char *s, size_t n)
{
	bool lower = false, upper = false, digit = false;
	size_t w = 0, d;

	if (!n || strspn(s, ALNUM) < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		lower |= s[i] >= 'a' && s[i] <= 'z';
		upper |= s[i] >= 'A' && s[i] <= 'Z';
		digit |= s[i] >= '0' && s[i] <= '9';
	}
	if (lower + upper + digit < 2)
		return false;
	/* a capitalised word ("Storage", "Cookie", "Search"): 0.5 % of 6 random */
	if (s[0] >= 'A' && s[0] <= 'Z' && strspn(s + 1, "abcdefghijklmnopqrstuvwxyz") == n - 1)
		return false;
	while (w < n && s[w] >= 'a' && s[w] <= 'z')
		w++;
	for (d = w; d < n && s[d] >= '0' && s[d] <= '9'; d++)
		;
	return !(w >= 2 && d == n) && !numberish(s, n);
}

/* Any 6 of mkstemp's alphabet (a scratch name's), but not numberish. */
static bool any6(const char *s)
{
	return strspn(s, ALNUM) >= 6 && !numberish(s, 6);
}

/*
 * A content hash (git's loose object "83f870be…", 38 hex digits): more than
 * 16 hex digits with a letter and a digit, the whole component.  Named by
 * its content, never a template, so no template shape applies.
 */
static bool hash_name(const char *c)
{
	size_t n = strspn(c, "0123456789abcdef");

	return n > 16 && !c[n] && strpbrk(c, "abcdef") && strpbrk(c, "0123456789");
}

/*
 * Temp-file templates without a separator: PREFIX + 6 random + optional
 * ".SUFFIX" (mkstemps).  Only prefixes known to come from a template, so
 * that an ordinary name ("ccache.conf", "sorted.txt") is never split.
 */
static const char *const temp_prefixes[] = {
    "cc",   /* gcc, libiberty make_temp_file: ccXXXXXX.s, .o, .res, .cdtor.c, .ld, .le */
    "file", /* glibc tmpnam/tempnam */
    "sed",  /* GNU sed -i, when the edited file is in a temp dir */
    "sort", /* GNU sort */
    "php",  /* PHP's tempnam() and upload files */
    "tmp",  /* mkstemp("tmpXXXXXX"), the usual hand-written template */
    "tmpf", /* glibc tmpfile() without O_TMPFILE */
    ".tmp", /* Rust's tempfile crate: .tmpXXXXXX[.SUFFIX] (cargo, rustc's archives) */
};

/*
 * A temp name in a temp dir: the random part is c[*head .. *head + *len),
 * the rest stays literal.  Tried in order, most specific first.
 */
static bool temp_shape(const char *c, bool transient, size_t *head, size_t *len)
{
	size_t n = strlen(c), sep = n;

	if (hash_name(c))
		return false;
	for (size_t i = 0; i < TL_ARRAY_SIZE(temp_prefixes); i++) {
		size_t p = strlen(temp_prefixes[i]);

		/* any 6 of mkstemp's alphabet for a file the program removed: a scratch file */
		if (n >= p + 6 && !strncmp(c, temp_prefixes[i], p) &&
		    (random_part(c + p, 6) || (transient && any6(c + p))) &&
		    (n == p + 6 || (c[p + 6] == '.' && n > p + 7))) {
			*head = p;
			*len = 6;
			return true;
		}
	}
	/*
	 * Python's tempfile: "tmp" + 8 of [a-z0-9_] [+ ".SUFFIX"], with a digit
	 * or '_' unless the program removed it (6% of its names have neither).
	 */
	if (n >= 11 && !strncmp(c, "tmp", 3) && strspn(c + 3, PY_TEMP_CHARS) >= 8 &&
	    (transient || strcspn(c + 3, "0123456789_") < 8) &&
	    (n == 11 || (c[11] == '.' && n > 12))) {
		*head = 3;
		*len = 8;
		return true;
	}
	/*
	 * Python's tempfile with the program's prefix or suffix (prefix="job-",
	 * suffix=".json"; mkdtemp(prefix="build-")): PREFIX + 8 of [a-z0-9_]
	 * with a digit or '_' [+ ".SUFFIX"], PREFIX ending in a separator that
	 * is not in the alphabet.  Scratch names only: a kept name of that
	 * shape is as likely a name people chose.
	 */
	if (transient) {
		const char *dot = strrchr(c, '.');
		size_t end = dot && (size_t)(dot - c) >= 9 ? (size_t)(dot - c) : n;

		if (end >= 9 && !strchr(PY_TEMP_CHARS, c[end - 9]) && !strchr(ALNUM, c[end - 9]) &&
		    strspn(c + end - 8, PY_TEMP_CHARS) >= 8 &&
		    strcspn(c + end - 8, "0123456789_") < 8 &&
		    strspn(c + end - 8, "0123456789") < 8 /* a date: the digit rule's */) {
			*head = end - 8;
			*len = 8;
			return true;
		}
	}
	/* mktemp-style: PREFIX<sep>SUFFIX, sep in ".-_", SUFFIX 6..32 random. */
	for (size_t i = n; i > 0; i--)
		if (strchr(".-_", c[i - 1])) {
			sep = i - 1;
			break;
		}
	if (sep < n && sep > 0 && n - sep - 1 >= 6 && n - sep - 1 <= 32 &&
	    random_part(c + sep + 1, n - sep - 1)) {
		*head = sep + 1;
		*len = n - sep - 1;
		return true;
	}
	return false;
}

/* mkstemp's PREFIX + 6 random with any prefix (git's "tXXXXXX" probe): scratch names only. */
static bool mkstemp_shape(const char *c, size_t *head, size_t *len)
{
	size_t n = strlen(c);

	size_t h = n;

	/* ending in 12 or more hex digits: a hex token (hex_at's), not 6 of mkstemp's */
	while (h > 0 && strchr("0123456789abcdef", c[h - 1]))
		h--;
	if (n < 7 || strspn(c, ALNUM) != n || hash_name(c) || n - h >= 12 ||
	    !random_part(c + n - 6, 6))
		return false;
	*head = n - 6;
	*len = 6;
	return true;
}

/*
 * Perl's File::Temp with no template (tempfile(), tempdir()): 10 of
 * [A-Za-z0-9_] directly in the temp dir, mixing two of lower case, upper
 * case and digits.  Not when it starts with 4 lower-case letters, or 2
 * and '_': a word and a template's 6 ("sortAe7Isi", "testAbC123", Tcl's
 * "tcl_XXXXXX"), which keeps its prefix (File::Temp draws that 3 % of
 * the time).
 */
static bool perl_shape(const char *c)
{
	bool lower = false, upper = false, digit = false;
	size_t w = strspn(c, "abcdefghijklmnopqrstuvwxyz");

	if (strlen(c) != 10 || strspn(c, ALNUM "_") != 10 || w >= 4 || (w >= 2 && c[w] == '_'))
		return false;
	for (size_t i = 0; i < 10; i++) {
		lower |= c[i] >= 'a' && c[i] <= 'z';
		upper |= c[i] >= 'A' && c[i] <= 'Z';
		digit |= c[i] >= '0' && c[i] <= '9';
	}
	return lower + upper + digit >= 2;
}

/*
 * rsync's temp file, next to its destination in any directory:
 * ".NAME.XXXXXX".  NAME stays literal, so the rule is for that one file's
 * temp copies.
 */
static bool rsync_shape(const char *c, bool transient, size_t *head, size_t *len)
{
	size_t n = strlen(c);

	/* NAME may start with '.' (rsync of a dotfile), but is not "." or "..". */
	if (n < 9 || c[0] != '.' || c[n - 7] != '.' ||
	    !(random_part(c + n - 6, 6) || (transient && any6(c + n - 6))) ||
	    (n == 9 && c[1] == '.') || (n == 10 && c[1] == '.' && c[2] == '.'))
		return false;
	*head = n - 6;
	*len = 6;
	return true;
}

/*
 * Ruby's Dir::Tmpname (Dir.mktmpdir, Tempfile): PREFIX + YYYYMMDD + "-" +
 * pid + "-" + rand(2**32).to_s(36) (1 to 7 of [0-9a-z]) [+ ".SUFFIX"].  The
 * date must be one (1970-2099, month 01-12, day 01-31) and the pid 1 to 7
 * digits without a leading zero.  PREFIX is c[0 .. *head), possibly empty
 * (Tempfile.new's default); the suffix starts at *tail.
 */
static bool ruby_shape(const char *c, size_t *head, size_t *tail)
{
	size_t n = strlen(c);

	for (size_t q = 8; q < n; q++) {
		const char *d = c + q - 8, *p = c + q + 1, *r;
		size_t pl = strspn(p, "0123456789"), rl;
		int y, m, day;

		if (c[q] != '-' || strspn(d, "0123456789") < 8 || pl < 1 || pl > 7 || p[0] == '0' ||
		    p[pl] != '-')
			continue;
		y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
		m = (d[4] - '0') * 10 + (d[5] - '0');
		day = (d[6] - '0') * 10 + (d[7] - '0');
		r = p + pl + 1;
		rl = strspn(r, "0123456789abcdefghijklmnopqrstuvwxyz");
		if (y < 1970 || y > 2099 || m < 1 || m > 12 || day < 1 || day > 31 || rl < 1 ||
		    rl > 7 || (r[rl] && (r[rl] != '.' || !r[rl + 1])))
			continue;
		*head = q - 8;
		*tail = (size_t)(r + rl - c);
		return true;
	}
	return false;
}

/*
 * A name that is a random number in decimal, 8 to 20 digits without a
 * leading zero (Go's os.CreateTemp/MkdirTemp with no pattern: a uint32;
 * Java's Files.createTempFile with no prefix: an unsigned 64-bit, then
 * ".tmp" or the suffix) [+ ".SUFFIX"]: the digits are c[0 .. *len).
 */
static bool number_shape(const char *c, size_t *len)
{
	size_t d = strspn(c, "0123456789");

	if (d < 8 || d > 20 || c[0] == '0' || (c[d] && (c[d] != '.' || !c[d + 1])))
		return false;
	*len = d;
	return true;
}

/*
 * A file made next to another under the writer's pid, to be renamed over it
 * or kept as a backup: "NAME.<pid>.tmp" (haproxy's sockets), ".bak", ".new",
 * ".old".  The pid is c[*head .. *head + *len).
 */
static bool pid_shape(const char *c, size_t *head, size_t *len)
{
	static const char *const sfx[] = {".tmp", ".bak", ".new", ".old"};
	size_t n = strlen(c), d;

	for (size_t i = 0; i < TL_ARRAY_SIZE(sfx); i++) {
		size_t k = strlen(sfx[i]);

		if (n <= k + 3 || strcmp(c + n - k, sfx[i]))
			continue;
		for (d = n - k; d > 0 && c[d - 1] >= '0' && c[d - 1] <= '9'; d--)
			;
		if (n - k - d >= 2 && d >= 2 && c[d - 1] == '.') {
			*head = d;
			*len = n - k - d;
			return true;
		}
	}
	return false;
}

/* Numbered device names: tty12 -> tty[0-9]*, nvme0n1p2 -> nvme[0-9]*n[0-9]*p[0-9]*. */
static const char *device_shape(const char *c, char *buf, size_t size)
{
	size_t o = 0;
	bool digits = false;

	if (all_digits(c))
		return "[0-9]*";
	if (!((c[0] >= 'a' && c[0] <= 'z') || (c[0] >= 'A' && c[0] <= 'Z')) ||
	    strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	        strlen(c))
		return NULL;
	for (const char *p = c; *p;) {
		if (*p >= '0' && *p <= '9') {
			if (o + 7 >= size)
				return NULL;
			memcpy(buf + o, "[0-9]*", 6);
			o += 6;
			p += strspn(p, "0123456789");
			digits = true;
		} else {
			if (o + 2 >= size)
				return NULL;
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
	return digits ? buf : NULL;
}

/* libfoo.so.1.2.3 -> libfoo.so.1{,.[0-9]*}: the same major version, any minor. */
static bool version_shape(const char *c, struct tl_export_buf *b, bool *quote)
{
	const char *so = NULL, *major, *p;

	for (const char *q = strstr(c, ".so."); q; q = strstr(q + 1, ".so."))
		so = q;
	if (!so || so == c)
		return false;
	major = so + 4;
	p = major + strspn(major, "0123456789");
	if (p == major || *p != '.')
		return false;
	while (*p == '.' && p[1] >= '0' && p[1] <= '9')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p)
		return false;
	esc_append(b, c, (size_t)(major - c) + strspn(major, "0123456789"), quote);
	tl_export_buf_puts(b, "{,.[0-9]*}");
	return true;
}

/*
 * An O_TMPFILE file: the kernel names the unnamed inode "#<inode number>" in
 * the directory it was opened in (d_tmpfile), and AppArmor, with
 * mediate_deleted, checks that name (glibc's tmpfile(), Python's
 * TemporaryFile()).  '#' then digits only.
 */
static bool tmpfile_shape(const char *c)
{
	return c[0] == '#' && all_digits(c + 1);
}

/* Is s exactly one of the lengths (0-terminated list) of lower-case hex digits? */
static bool hex_len(const char *s, const size_t *lens)
{
	size_t n = strspn(s, "0123456789abcdef");

	for (; !s[n] && *lens; lens++)
		if (n == *lens)
			return true;
	return false;
}

/*
 * A hash of len hex digits between pre and post: a class (the anchor), then
 * one '?' per digit, as for a random hex number (the length is the shape).
 */
static const char *hex_pattern(char *buf, size_t size, const char *pre, size_t len,
                               const char *post)
{
	int o = snprintf(buf, size, "%s[0-9a-f]", pre);

	for (size_t k = 1; k < len && (size_t)o + 1 < size; k++)
		buf[o++] = '?';
	snprintf(buf + o, size - (size_t)o, "%s", post);
	return buf;
}

/*
 * git's object store: a fan-out directory objects/XX, a loose object
 * objects/XX/<38 hex> (62 with SHA-256), a pack objects/pack/pack-<40 hex>.EXT
 * (64).  *objects: the index of the "objects" component.  The caller decides
 * whether the repository is a scratch one.
 */
static const char *git_object_shape(char **c, size_t n, size_t i, bool dir, char *buf, size_t size,
                                    size_t *objects)
{
	static const size_t fan[] = {2, 0}, loose[] = {38, 62, 0}, pack[] = {40, 64, 0};
	static const char *const ext[] = {"pack",   "idx",    "rev",     "keep",
	                                  "bitmap", "mtimes", "promisor"};
	const char *dot;
	char h[65];

	if (i >= 1 && !strcmp(c[i - 1], "objects") && hex_len(c[i], fan) && (dir || i < n - 1)) {
		*objects = i - 1;
		return "[0-9a-f][0-9a-f]";
	}
	if (i < 2 || i != n - 1 || dir || strcmp(c[i - 2], "objects"))
		return NULL;
	*objects = i - 2;
	if (hex_len(c[i - 1], fan) && hex_len(c[i], loose))
		return hex_pattern(buf, size, "", strlen(c[i]), "");
	dot = strrchr(c[i], '.');
	if (strcmp(c[i - 1], "pack") || strncmp(c[i], "pack-", 5) || !dot ||
	    (size_t)(dot - c[i]) - 5 >= sizeof(h))
		return NULL;
	memcpy(h, c[i] + 5, (size_t)(dot - c[i]) - 5);
	h[dot - c[i] - 5] = '\0';
	for (size_t k = 0; k < TL_ARRAY_SIZE(ext); k++) {
		if (!strcmp(dot + 1, ext[k]) && hex_len(h, pack))
			return hex_pattern(buf, size, "pack-", strlen(h), dot);
	}
	return NULL;
}

/* pytest's basetemp: c[r] is "pytest-of-<user>", c[r + 1] "pytest-<n>". */
static bool pytest_base(char **c, size_t n, size_t r)
{
	return r + 1 < n && !strncmp(c[r], "pytest-of-", 10) && c[r][10] &&
	       !strncmp(c[r + 1], "pytest-", 7) && all_digits(c[r + 1] + 7);
}

/*
 * A directory pytest numbers in its basetemp (make_numbered_dir): tmp_path's
 * "<test name>N" (the name's non-word characters made '_', at most 30), a
 * mktemp("data")'s "dataN", xdist's "popen-gwN": the prefix is c[0 .. *len).
 */
static bool pytest_numbered(const char *c, size_t *len)
{
	size_t n = strlen(c), d = n;

	while (d > 0 && c[d - 1] >= '0' && c[d - 1] <= '9')
		d--;
	if (d == n || !d ||
	    strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < d)
		return false;
	*len = d;
	return true;
}

/*
 * A name starting with a full ISO-8601 date-time, as programs stamp the
 * files they write every run (npm's "2026-11-26T19_16_19_549Z-debug-0.log",
 * from toISOString() with ':' and '.' made '_'): YYYY-MM-DD (1970-2099, a
 * real month and day), 'T', HH<s>MM<s>SS with one separator s of ":_-" (a
 * real time), an optional fraction (one of ".,_" and 1 to 9 digits), an
 * optional 'Z', then the end or a character that is not a letter or digit.
 * Its length, or 0.
 */
static size_t iso_shape(const char *c)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(c), e = sizeof(shape) - 1;
	int y, mo, d, h, mi, sec;

	if (n < e || !strchr(":_-", c[13]) || c[16] != c[13])
		return 0;
	for (size_t i = 0; i < e; i++)
		if (shape[i] == 'd' ? !(c[i] >= '0' && c[i] <= '9')
		                    : shape[i] != ':' && c[i] != shape[i])
			return 0;
#define TWO(i) ((c[i] - '0') * 10 + (c[(i) + 1] - '0'))
	y = TWO(0) * 100 + TWO(2);
	mo = TWO(5);
	d = TWO(8);
	h = TWO(11);
	mi = TWO(14);
	sec = TWO(17);
#undef TWO
	if (y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return 0;
	if (strchr(".,_", c[e]) && c[e]) {
		size_t f = strspn(c + e + 1, "0123456789");

		if (f >= 1 && f <= 9)
			e += 1 + f;
	}
	if (c[e] == 'Z')
		e++;
	return c[e] && isalnum((unsigned char)c[e]) ? 0 : e;
}

/* Per-run tokens of a name: spans[k] = {offset, length}, the rest literal. */
struct spans {
	size_t k, at[3][2];
};

#define B36 "0123456789abcdefghijklmnopqrstuvwxyz"

/*
 * A base-36 token of lo..hi characters at s, followed by one of ends (ends
 * "": by the end of s): its length, or 0.
 */
static size_t b36_at(const char *s, size_t lo, size_t hi, const char *ends)
{
	size_t l = strspn(s, B36);

	return l >= lo && l <= hi && (s[l] ? strchr(ends, s[l]) != NULL : !*ends) ? l : 0;
}

static void span_add(struct spans *sp, size_t at, size_t len)
{
	sp->at[sp->k][0] = at;
	sp->at[sp->k++][1] = len;
}

/*
 * rustc's codegen-unit object: PREFIX.<cgu>.<run>.rcgu.EXT (rustc 1.95:
 * "app-9a75fa247956d090.025sl5bgdaacapi7wmqt4sdtu.0rk8oej.rcgu.o") or
 * PREFIX.<cgu>.rcgu.EXT: the codegen unit's name is a base-36 hash (16 to
 * 32 characters; it changes with the code), the run's id base 36 (1 to 8,
 * new every invocation).  PREFIX (the crate and its hash) stays literal.
 */
static bool rcgu_shape(const char *c, struct spans *sp)
{
	const char *r = strstr(c, ".rcgu.");
	size_t e, l2, l1;

	if (!r || r == c || !r[6])
		return false;
	e = (size_t)(r - c);
	for (l2 = 0; l2 < e && strchr(B36, c[e - l2 - 1]); l2++)
		;
	if (l2 == e || c[e - l2 - 1] != '.')
		return false;
	sp->k = 0;
	if (l2 >= 16 && l2 <= 32 && e - l2 - 1 > 0) {
		span_add(sp, e - l2, l2); /* PREFIX.<cgu>.rcgu.EXT */
		return true;
	}
	for (l1 = 0; l1 < e - l2 - 1 && strchr(B36, c[e - l2 - 2 - l1]); l1++)
		;
	if (l2 > 8 || l1 < 16 || l1 > 32 || e - l2 - l1 < 3 || c[e - l2 - l1 - 2] != '.')
		return false;
	span_add(sp, e - l2 - l1 - 1, l1);
	span_add(sp, e - l2, l2);
	return true;
}

/*
 * rustc's incremental session directory, below cargo's
 * incremental/<crate>-<id>/: "s-<time>-<random>-working" while it compiles,
 * renamed "s-<time>-<random>-<svh>" after, and its lock file
 * "s-<time>-<random>.lock", each part base 36, all new every invocation
 * (kept or not: rustc removes old sessions in a later run).
 */
static bool session_shape(char **c, size_t i, struct spans *sp)
{
	const char *s = c[i], *p;
	size_t t, r, v;

	if (i < 2 || strcmp(c[i - 2], "incremental") || strncmp(s, "s-", 2) ||
	    !(t = b36_at(s + 2, 6, 16, "-")) || !(r = b36_at(s + 3 + t, 1, 8, "-.")))
		return false;
	p = s + 3 + t + r;
	sp->k = 0;
	span_add(sp, 2, t);
	span_add(sp, 3 + t, r);
	if (!strcmp(p, "-working") || !strcmp(p, ".lock"))
		return true;
	if (*p != '-' || !(v = b36_at(p + 1, 10, 32, "")))
		return false;
	span_add(sp, (size_t)(p + 1 - s), v);
	return true;
}

/*
 * A file in a session directory named by its codegen unit's hash
 * (incremental/<crate>/s-…/<cgu>.o, hard links to the objects), 16 to 32
 * of [0-9a-z] with a digit, then an extension.
 */
static bool session_file(char **c, size_t i, struct spans *sp)
{
	struct spans dir;
	size_t l;

	if (i < 3 || strcmp(c[i - 3], "incremental") || !session_shape(c, i - 1, &dir) ||
	    !(l = b36_at(c[i], 16, 32, ".")) || !c[i][l] || !c[i][l + 1] ||
	    strcspn(c[i], "0123456789") >= l)
		return false;
	sp->k = 0;
	span_add(sp, 0, l);
	return true;
}

/*
 * Chromium's scoped temp directory (base::CreateNewTempDirectory: mkdtemp
 * "scoped_dirXXXXXX"), which a crashed or killed browser leaves behind, in
 * its cache directory as often as in /tmp: the prefix is Chromium's own.
 */
static bool scoped_dir_shape(const char *c, struct spans *sp)
{
	if (strncmp(c, "scoped_dir", 10) || strlen(c) != 16 || strspn(c + 10, ALNUM) != 6 ||
	    numberish(c + 10, 6))
		return false;
	sp->k = 0;
	span_add(sp, 10, 6);
	return true;
}

/* Append s escaped, its spans as tokens (token_append). */
static void spans_append(struct tl_export_buf *b, const char *s, const struct spans *sp,
                         bool *quote)
{
	size_t lit = 0;

	for (size_t k = 0; k < sp->k; k++) {
		esc_append(b, s + lit, sp->at[k][0] - lit, quote);
		token_append(b, s + sp->at[k][0], sp->at[k][1], !sp->at[k][0]);
		lit = sp->at[k][0] + sp->at[k][1];
	}
	esc_append(b, s + lit, strlen(s + lit), quote);
}

/* Append s escaped, each run of digits as [0-9]* (a timestamp, its file's counter). */
static void digits_append(struct tl_export_buf *b, const char *s, size_t n, bool *quote)
{
	size_t lit = 0;

	for (size_t i = 0; i < n; i++) {
		size_t d = i;

		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d > i) {
			esc_append(b, s + lit, i - lit, quote);
			tl_export_buf_puts(b, "[0-9]*");
			lit = d;
			i = d - 1;
		}
	}
	esc_append(b, s + lit, n - lit, quote);
}

struct gen {
	char *pattern, *witness;
	bool quote, generalised;
};

/* Is comps[i] the fd number in /proc/<pid>[/task/<tid>]/{fd,fdinfo}/<n>? */
static bool proc_fd(char **comps, size_t n, size_t i)
{
	if (!all_digits(comps[i]) || i < 3 ||
	    (strcmp(comps[i - 1], "fd") && strcmp(comps[i - 1], "fdinfo")))
		return false;
	if (i == 3)
		return true;
	return i == 5 && n > 3 && !strcmp(comps[2], "task") && all_digits(comps[3]);
}

/*
 * The pattern for one path: per component, the shape table (when allowed)
 * or the escaped literal; the witness is the path with /proc/self and
 * /proc/thread-self replaced by a pid ("1"), which the kernel does too.
 */
/*
 * access: the record's, with CREATE|DELETE when the path is a scratch name
 * (path_life).  scratch: bit i set when component i (from 0) names a
 * directory the programs created and removed: its name is a scratch name
 * too, for the files below it as for itself.
 */
static int gen_path(const char *path, uint32_t access, uint64_t scratch, bool allow, struct gen *g)
{
	bool dir = access & TL_ACC_DIR;
	/* created (or hard-linked) and deleted: a scratch file */
	bool transient = (access & (TL_ACC_CREATE | TL_ACC_LINK)) && (access & TL_ACC_DELETE);
	struct tl_export_buf pat = {0}, wit = {0};
	char **c = split_path(path);
	size_t n, i = 0, troot, named = SIZE_MAX;
	bool proc, dev, sysnum, temp;
	int r;

	memset(g, 0, sizeof(*g));
	if (!c)
		return tl_err(ENOMEM, "apparmor export: out of memory");
	n = tl_strv_len(c);
	proc = n && !strcmp(c[0], "proc") && (n > 1 || dir); /* @{PROC} ends in '/' */
	temp = (n && !strcmp(c[0], "tmp")) ||
	       (n > 1 && !strcmp(c[0], "var") && !strcmp(c[1], "tmp")) ||
	       (n > 1 && !strcmp(c[0], "dev") && !strcmp(c[1], "shm"));
	dev = n && !strcmp(c[0], "dev") && !temp;
	troot = !temp ? 0 : strcmp(c[0], "tmp") ? 2 : 1; /* the temp dir's children */
	sysnum = n > 3 && !strcmp(c[0], "sys") && !strcmp(c[1], "devices") &&
	         !strcmp(c[2], "system") && (!strcmp(c[3], "cpu") || !strcmp(c[3], "node"));
	if (proc) {
		tl_export_buf_puts(&pat, "@{PROC}");
		tl_export_buf_puts(&wit, "/proc");
		i = 1;
	}
	for (; i < n; i++) {
		const char *s = c[i], *shape = NULL, *w = s;
		size_t head = 0, len = 0, tail = 0, objects = 0, iso = 0;
		struct spans sp = {0};
		char buf[256];
		bool rnd, pid, scr, uuid, ruby = false, num = false, was = g->generalised;
		bool spn = false; /* a name of sp's spans */

		tl_export_buf_puts(&pat, "/");
		tl_export_buf_puts(&wit, "/");
		scr = (transient && i == n - 1) || (i < 64 && (scratch >> i & 1));
		if (allow && proc && i == 1) {
			if (is_pid(s)) {
				shape = "@{pid}";
			} else if (!strcmp(s, "self")) {
				shape = "@{pid}";
				w = "1";
			} else if (!strcmp(s, "thread-self")) {
				shape = "@{pid}/task/@{tid}";
				w = "1/task/1";
			}
		} else if (allow && proc && i == 3 && !strcmp(c[2], "task") && is_pid(s) &&
		           (is_pid(c[1]) || !strcmp(c[1], "self"))) {
			shape = "@{tid}";
		} else if (allow && proc &&
		           (is_pid(c[1]) || !strcmp(c[1], "self") ||
		            !strcmp(c[1], "thread-self")) &&
		           proc_fd(c, n, i)) {
			shape = "[0-9]*";
		} else if (allow && dev && i >= 1) {
			shape = device_shape(s, buf, sizeof(buf));
		} else if (allow && sysnum && i == 4 && !strncmp(s, c[3], strlen(c[3])) &&
		           all_digits(s + strlen(c[3]))) {
			snprintf(buf, sizeof(buf), "%s[0-9]*", c[3]);
			shape = buf;
		} else if (allow && !proc && !dev && !sysnum && i == n - 1 && !dir &&
		           tmpfile_shape(s)) {
			shape = "#[0-9]*";
			g->quote = true; /* '#' starts a comment */
		} else if (allow && !proc && !dev && !sysnum &&
		           (shape = git_object_shape(c, n, i, dir, buf, sizeof(buf), &objects)) &&
		           !(named < objects ||
		             (scratch & (objects >= 63 ? ~0ULL : (1ULL << (objects + 1)) - 1)))) {
			/* a scratch repository's objects only: a kept one's are real names */
			shape = NULL;
		} else if (allow && temp && !shape && i == troot + 1 && pytest_base(c, n, troot)) {
			shape = "pytest-[0-9]*";
		} else if (allow && temp && !shape && (i < n - 1 || dir) &&
		           ((i == troot + 2 && pytest_base(c, n, troot)) ||
		            (i == troot + 3 && pytest_base(c, n, troot) &&
		             !strncmp(c[troot + 2], "popen-gw", 8) &&
		             all_digits(c[troot + 2] + 8))) &&
		           strlen(s) < 200 && pytest_numbered(s, &len)) {
			snprintf(buf, sizeof(buf), "%.*s[0-9]*", (int)len, s);
			shape = buf;
			len = 0;
		} else if (allow && !proc && !dev && !sysnum &&
		           (((i == n - 1 && !dir) &&
		             (rcgu_shape(s, &sp) || session_file(c, i, &sp))) ||
		            session_shape(c, i, &sp) || scoped_dir_shape(s, &sp))) {
			spn = true; /* rustc's and Chromium's names, kept or not */
		} else if (allow && !proc && !dev && !sysnum) {
			iso = iso_shape(s);
		}
		/* a UUID spans separators the template shapes would split it at */
		uuid = allow && !shape && !iso && !spn && scr && has_uuid(s);
		if (!allow || shape || iso || spn) {
			rnd = false;
		} else if (uuid) {
			rnd = false;
		} else if (scr && (ruby = ruby_shape(s, &head, &tail))) {
			rnd = false; /* before the templates, which would split it at its '-' */
		} else if (scr && (temp || (i > 0 && i <= 64 && (scratch >> (i - 1) & 1))) &&
		           (num = number_shape(s, &len))) {
			/*
			 * a random number with no prefix, in a temp dir or a scratch
			 * directory only: its [0-9]* has no literal anchor
			 */
			rnd = false;
		} else if (scr && temp && i == troot && perl_shape(s)) {
			/*
			 * Perl's File::Temp with no template: 10 random of its alphabet
			 * directly in the temp dir; a class each (an anchor, as for
			 * Python's probe), no prefix to keep
			 */
			buf[0] = '\0';
			for (int k = 0; k < 10; k++)
				strcat(buf, "[A-Za-z0-9_]");
			shape = buf;
			rnd = false;
		} else if ((temp && i >= (strcmp(c[0], "tmp") ? 2u : 1u)) || scr) {
			/* a template's name: in a temp dir, or anywhere once removed */
			rnd = temp_shape(s, scr, &head, &len) ||
			      (i == n - 1 && !dir && rsync_shape(s, scr, &head, &len));
			/*
			 * Python's tempfile probes the temp dir with a file of 8
			 * characters from its alphabet, no prefix, created and
			 * removed: each character gets the alphabet's class (no
			 * "?": a class is an anchor), whatever the draw.
			 */
			if (!rnd && transient && !dir && i == n - 1 &&
			    i == (strcmp(c[0], "tmp") ? 2u : 1u) && strlen(s) == 8 &&
			    strspn(s, PY_TEMP_CHARS) == 8) {
				buf[0] = '\0';
				for (int k = 0; k < 8; k++)
					strcat(buf, "[a-z0-9_]");
				shape = buf;
			} else if (!rnd && scr) {
				/* a file's or a directory's: mkdtemp and Rust's tempdir too */
				rnd = mkstemp_shape(s, &head, &len);
			}
		} else {
			rnd = i == n - 1 && !dir && rsync_shape(s, false, &head, &len);
		}
		pid = !rnd && !uuid && !ruby && !num && !iso && !spn && allow && !shape &&
		      i == n - 1 && !dir && pid_shape(s, &head, &len);
		if (shape) {
			tl_export_buf_puts(&pat, shape);
			g->generalised = true;
		} else if (iso) {
			/* a timestamp's numbers, and the numbers after it (npm's -debug-N) */
			digits_append(&pat, s, strlen(s), &g->quote);
			g->generalised = true;
		} else if (spn) {
			spans_append(&pat, s, &sp, &g->quote);
			g->generalised = true;
		} else if (ruby) {
			/* the date, the pid and the base-36 random: the prefix is the anchor */
			esc_append(&pat, s, head, &g->quote);
			if (head) {
				tl_export_buf_puts(&pat, "[0-9]*");
			} else {
				for (int k = 0; k < 8; k++)
					tl_export_buf_puts(&pat, "[0-9]"); /* no prefix: classes */
			}
			tl_export_buf_puts(&pat, "-[0-9]*-*");
			esc_append(&pat, s + tail, strlen(s + tail), &g->quote);
			g->generalised = true;
		} else if (num) {
			tl_export_buf_puts(&pat, "[0-9]*");
			esc_append(&pat, s + len, strlen(s + len), &g->quote);
			g->generalised = true;
		} else if (rnd || pid) {
			/* The literal parts escaped: a recorded name may hold glob characters. */
			/* a template's own digits are the writer's choice unless long (a pid, a
			 * date) */
			numbered_append(&pat, s, head, scr ? 3 : 0, true, &g->quote);
			for (size_t k = 0; k < (pid ? 1 : len); k++)
				tl_export_buf_puts(&pat, pid ? "[0-9]*" : "?");
			numbered_append(&pat, s + head + len, strlen(s + head + len), scr ? 3 : 0,
			                false, &g->quote);
			g->generalised = true;
		} else if (allow && scr && is_pid(s) && strlen(s) >= 3 && strlen(s) <= 7) {
			tl_export_buf_puts(&pat, "@{pid}"); /* digits only: no more */
			g->generalised = true;
		} else if (allow && scr && numbered_append(NULL, s, strlen(s), 2, true, NULL)) {
			numbered_append(&pat, s, strlen(s), 2, true, &g->quote);
			g->generalised = true;
		} else if (allow && i == n - 1 && !dir && version_shape(s, &pat, &g->quote)) {
			g->generalised = true;
		} else {
			esc_append(&pat, s, strlen(s), &g->quote);
		}
		tl_export_buf_puts(&wit, w);
		if (!was && g->generalised && !proc && !dev && !sysnum)
			named = i; /* the first temp name: what is below it is per-run too */
	}
	if (!n || dir) {
		tl_export_buf_puts(&pat, "/");
		tl_export_buf_puts(&wit, "/");
	}
	tl_strv_free(c);
	r = tl_export_buf_finish(&pat, &g->pattern, &(size_t){0});
	if (!r)
		r = tl_export_buf_finish(&wit, &g->witness, &(size_t){0});
	if (r) {
		tl_export_buf_free(&wit);
		free(g->pattern);
		g->pattern = NULL;
	}
	return r;
}

/* The path w with component i replaced by repl (or, repl NULL, its first character changed). */
static char *probe_component(const char *w, size_t i, const char *repl)
{
	const char *p = w;
	size_t len;
	char *out;

	for (size_t k = 0;; k++) {
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			return NULL;
		if (k == i)
			break;
		p += len;
	}
	if (repl) {
		if (asprintf(&out, "%.*s%s%s", (int)(p - w), w, repl, p + len) < 0)
			return NULL;
		return out;
	}
	out = strdup(w);
	/* a character no class holds: a class is an anchor, '?' is not */
	if (out)
		out[p - w] = *p == '~' ? '!' : '~';
	return out;
}

/*
 * A generalisation is accepted only if (docs/apparmor.md, "the rule"):
 * the witness matches; for every component, the witness with that
 * component renamed (PROBE_NAME) or its first character changed does not
 * match; the witness's parent directory and a path below it do not match.
 * So every wildcard stays inside one component, keeps a literal or class
 * anchor, and never reaches a directory tree the program did not touch.
 */
static int check_gen(const struct tl_aa_vars *vars, const struct gen *g, bool *ok)
{
	const char *w = g->witness;
	size_t n = 0, wl = strlen(w);
	char *probe = NULL;
	int r;

	*ok = false;
	r = tl_aa_match(g->pattern, w, vars);
	if (r <= 0)
		return r;
	for (const char *p = w; *p; p++)
		if (*p != '/' && (p == w || p[-1] == '/'))
			n++;
	for (size_t i = 0; i < 2 * n + 2; i++) {
		if (i < 2 * n) {
			probe = probe_component(w, i / 2, i % 2 ? NULL : PROBE_NAME);
		} else if (i == 2 * n) {
			if (asprintf(&probe, "%s%s" PROBE_NAME, w, w[wl - 1] == '/' ? "" : "/") < 0)
				probe = NULL;
		} else {
			size_t end = wl - (w[wl - 1] == '/');

			while (end > 0 && w[end - 1] != '/')
				end--;
			probe = strndup(w, end ? end : 1);
		}
		if (!probe)
			return tl_err(ENOMEM, "apparmor export: out of memory");
		r = tl_aa_match(g->pattern, probe, vars);
		free(probe);
		if (r < 0)
			return r;
		if (r)
			return 0;
	}
	*ok = true;
	return 0;
}

/* access: TL_ACC_DIR for a directory; what else was done decides some shapes */
static int generalise_in(const struct tl_aa_vars *vars, const char *path, uint32_t access,
                         uint64_t scratch, struct gen *g)
{
	bool ok;
	int r = gen_path(path, access, scratch, true, g);

	if (r || !g->generalised)
		return r;
	r = check_gen(vars, g, &ok);
	if (r || ok)
		return r;
	free(g->pattern);
	free(g->witness);
	return gen_path(path, access, scratch, false,
	                g); /* the literal path: exact, always right */
}

static int generalise(const struct tl_aa_vars *vars, const char *path, uint32_t access,
                      struct gen *g)
{
	return generalise_in(vars, path, access, 0, g);
}

/* The first record of path in t->files (sorted by path), or where it would be. */
static size_t files_first(const struct tl_trace *t, const char *path)
{
	size_t lo = 0, hi = t->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * CREATE|DELETE if the trace's programs, together, created path and removed
 * it (a rename removes its source and creates its target), so that its name
 * is a scratch name whichever program made which step (gcc makes
 * /tmp/ccXXXXXX.s, as reads it, gcc removes it).  A hard link's new name
 * is recorded as "link" alone, not "create", yet it is a name made as
 * much as an open's (gpg's dotlock probe ".#lk0x….host.PID" links and
 * unlinks a fresh name every run).
 */
static uint32_t path_life(const struct tl_trace *t, const char *path)
{
	uint32_t all = 0;

	if (!t)
		return 0;
	for (size_t i = files_first(t, path); i < t->nfiles && !strcmp(t->files[i].path, path); i++)
		all |= t->files[i].access;
	if ((all & (TL_ACC_CREATE | TL_ACC_LINK)) && (all & TL_ACC_DELETE))
		return TL_ACC_CREATE | TL_ACC_DELETE;
	return 0;
}

/* Is dir a directory the trace's programs created and removed (path_life)? */
static bool scratch_dir(const struct tl_trace *t, const char *dir)
{
	size_t lo = files_first(t, dir);
	bool is_dir = false;

	for (; lo < t->nfiles && !strcmp(t->files[lo].path, dir) && !is_dir; lo++)
		is_dir = t->files[lo].access & TL_ACC_DIR;
	return is_dir && path_life(t, dir);
}

/* Bit i set: path's component i (from 0) is a scratch directory (the first 64). */
static uint64_t scratch_dirs(const struct tl_trace *t, const char *path)
{
	uint64_t mask = 0;
	size_t comps = 0;
	char *p, *copy;

	if (!t || !t->nfiles || !(copy = strdup(path)))
		return 0;
	for (p = copy + 1; *p && comps < 64; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (scratch_dir(t, copy))
			mask |= 1ULL << comps;
		comps++;
		*p = '/';
	}
	free(copy);
	return mask;
}

int tl_aa_path_pattern(const struct tl_aa_vars *vars, const struct tl_trace *t, const char *path,
                       uint32_t access, char **out, bool *generalised)
{
	struct gen g;
	int r = generalise_in(vars, path, access | path_life(t, path), scratch_dirs(t, path), &g);

	if (r)
		return r;
	free(g.witness);
	*out = g.pattern;
	*generalised = g.generalised;
	return 0;
}

/* ---- entries --------------------------------------------------------------------- */

static uint32_t needs_rule(uint32_t access)
{
	return access & ~(uint32_t)TL_ACC_DIR;
}

/* The child profile of program p (its generalised path is the child's key), or 0. */
static size_t child_of_program(const struct ctx *c, const char *program)
{
	struct gen g;
	size_t child = 0;

	if (c->nprofs > 1 && program[0] == '/' && !generalise(&c->vars, program, 0, &g)) {
		for (size_t i = 1; i < c->nprofs; i++)
			if (!strcmp(c->profs[i].key, g.pattern))
				child = i;
		free(g.pattern);
		free(g.witness);
	}
	return child;
}

/*
 * Which profiles run program p: main, its child, or both (started from
 * outside too), and every flat child it runs in.  Answer in c->sel; returns
 * how many.
 */
static size_t profs_of(struct ctx *c, const char *program)
{
	size_t n = 0, child = child_of_program(c, program);

	memset(c->sel, 0, c->nprofs * sizeof(*c->sel));
	if (!child || c->profs[child].root)
		c->sel[0] = true;
	if (child)
		c->sel[child] = true;
	for (size_t i = 1; child && i < c->nprofs; i++)
		if (c->profs[i].flat && c->profs[i].absorbs[child])
			c->sel[i] = true;
	for (size_t i = 0; i < c->nprofs; i++)
		n += c->sel[i];
	return n;
}

/* Does program run in profile pi? */
static bool runs_in(struct ctx *c, const char *program, size_t pi)
{
	profs_of(c, program);
	return c->sel[pi];
}

static size_t child_of(const struct ctx *c, const char *pattern)
{
	for (size_t i = 1; i < c->nprofs; i++)
		if (!strcmp(c->profs[i].key, pattern))
			return i;
	return 0;
}

/*
 * Does access tell a file (an open, an exec...)?  Not setattr and rename by
 * name, nor the delete and create a rename records on its two names.
 */
static bool tells_file(uint32_t access)
{
	uint32_t by_name = TL_ACC_SETATTR | TL_ACC_RENAME;

	if (access & TL_ACC_RENAME)
		by_name |= TL_ACC_CREATE | TL_ACC_DELETE;
	return access & ~by_name;
}

/*
 * What the trace's other records of path say it is: 1 a file (opened,
 * executed, created as one...), 2 a directory, 0 nothing but setattr and
 * rename by name.  t->files is sorted by path.
 */
static int path_kind(const struct tl_trace *t, const char *path)
{
	size_t lo = files_first(t, path);
	int kind = 0;

	for (; lo < t->nfiles && !strcmp(t->files[lo].path, path) && kind != 2; lo++) {
		uint32_t a = t->files[lo].access;

		if (a & TL_ACC_DIR)
			kind = 2;
		else if (tells_file(a))
			kind = 1;
	}
	return kind;
}

static int add_acc(struct ctx *c, const char *path, const char *program, uint32_t access,
                   uint64_t count)
{
	size_t np, done = 0;
	struct gen g;
	int r, kind;

	if (path[0] != '/') {
		if (!c->nskipped++)
			c->skipped_ex = path;
		return 0;
	}
	if (!needs_rule(access)) {
		if (!c->nnoperm++)
			c->noperm_ex = path;
		return 0;
	}
	/*
	 * chmod, chown, utimes or rename by path: a file or a directory, which
	 * this record cannot tell, and AppArmor names a directory with a
	 * trailing '/'.  Another record of the path may tell (an open); else
	 * both spellings (one path is never both, so nothing more is granted).
	 */
	kind = tells_file(access) ? 1 : path_kind(c->t, path);
	if (kind == 2)
		access |= TL_ACC_DIR;
	r = generalise_in(&c->vars, path, access | path_life(c->t, path), scratch_dirs(c->t, path),
	                  &g);
	if (r)
		return r;
	if (!kind) {
		char *both;

		if (asprintf(&both, "%s{,/}", g.pattern) < 0) {
			free(g.pattern);
			free(g.witness);
			return tl_err(ENOMEM, "apparmor export: out of memory");
		}
		free(g.pattern);
		g.pattern = both;
	}
	np = profs_of(c, program);
	for (size_t pi = 0; pi < c->nprofs && !r; pi++) {
		size_t i = done;
		struct acc *a;

		if (!c->sel[pi])
			continue;
		done++;
		if (c->naccs == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 64;
			struct acc *tmp = realloc(c->accs, cap * sizeof(*tmp));

			if (!tmp) {
				r = tl_err(ENOMEM, "apparmor export: out of memory");
				break;
			}
			c->accs = tmp;
			c->cap = cap;
		}
		a = &c->accs[c->naccs];
		memset(a, 0, sizeof(*a));
		/* copies for all but the last profile, which takes g's strings */
		a->pattern = i + 1 < np ? strdup(g.pattern) : g.pattern;
		a->witness = i + 1 < np ? strdup(g.witness) : g.witness;
		if (i + 1 == np)
			g.pattern = g.witness = NULL;
		if (!a->pattern || !a->witness) {
			free(a->pattern);
			free(a->witness);
			r = tl_err(ENOMEM, "apparmor export: out of memory");
			break;
		}
		a->quote = g.quote;
		a->generalised = g.generalised;
		a->path = path;
		a->program = program;
		a->access = access;
		a->count = count;
		a->prof = pi;
		/* in a flat child, programs it runs run in it: ix */
		a->target =
		    (access & TL_ACC_EXEC) && !c->profs[pi].flat ? child_of(c, a->pattern) : 0;
		c->naccs++;
	}
	free(g.pattern);
	free(g.witness);
	return r;
}

/* ---- child profiles ---------------------------------------------------------------- */

static int prof_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prof *)a)->key, ((const struct prof *)b)->key);
}

static int add_child(struct ctx *c, const char *path, bool root)
{
	struct prof *tmp;
	struct gen g;
	int r = generalise(&c->vars, path, 0, &g);

	if (r)
		return r;
	for (size_t i = 1; i < c->nprofs; i++)
		if (!strcmp(c->profs[i].key, g.pattern)) {
			c->profs[i].root |= root;
			free(g.pattern);
			free(g.witness);
			return 0;
		}
	tmp = realloc(c->profs, (c->nprofs + 1) * sizeof(*tmp));
	if (!tmp) {
		free(g.pattern);
		free(g.witness);
		return tl_err(ENOMEM, "apparmor export: out of memory");
	}
	c->profs = tmp;
	memset(&c->profs[c->nprofs], 0, sizeof(*tmp));
	c->profs[c->nprofs].key = g.pattern;
	c->profs[c->nprofs].quote = g.quote;
	c->profs[c->nprofs].root = root;
	c->profs[c->nprofs].name = strdup(path); /* the program's path; named below */
	c->nprofs++;
	free(g.witness);
	return c->profs[c->nprofs - 1].name ? 0 : tl_err(ENOMEM, "apparmor export: out of memory");
}

/* Short names: the program's base name in [A-Za-z0-9._-], "-2", "-3"... when taken. */
static int name_children(struct ctx *c)
{
	for (size_t i = 1; i < c->nprofs; i++) {
		const char *base = strrchr(c->profs[i].name, '/');
		char name[64], *out;
		size_t n = 0;

		for (base = base ? base + 1 : c->profs[i].name; *base && n < 48; base++)
			name[n++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                   "0123456789._-",
			                   *base)
			                ? *base
			                : '_';
		if (!n || name[0] == '.' || name[0] == '-')
			name[n++] = 'p';
		name[n] = '\0';
		for (unsigned k = 1;; k++) {
			bool taken = false;

			if (k > 1)
				snprintf(name + n, sizeof(name) - n, "-%u", k);
			for (size_t j = 1; j < i; j++)
				taken |= !strcmp(c->profs[j].name, name);
			if (!taken)
				break;
		}
		out = strdup(name);
		if (!out)
			return tl_err(ENOMEM, "apparmor export: out of memory");
		free(c->profs[i].name);
		c->profs[i].name = out;
	}
	return 0;
}

static int build_children(struct ctx *c)
{
	const struct tl_trace *t = c->t;
	int r = 0;

	for (size_t i = 0; i < t->nexecs && !r; i++)
		if (t->execs[i].parent[0] && t->execs[i].path[0] == '/')
			r = add_child(c, t->execs[i].path, false);
	for (size_t i = 0; i < t->nfiles && !r; i++)
		if ((t->files[i].access & TL_ACC_EXEC) && t->files[i].program[0] &&
		    t->files[i].path[0] == '/')
			r = add_child(c, t->files[i].path, false);
	/* A program also started from outside the trace (parent "") runs in main too. */
	for (size_t i = 0; i < t->nexecs && !r; i++) {
		struct gen g;

		if (t->execs[i].parent[0] || t->execs[i].path[0] != '/')
			continue;
		r = generalise(&c->vars, t->execs[i].path, 0, &g);
		if (r)
			break;
		for (size_t k = 1; k < c->nprofs; k++)
			if (!strcmp(c->profs[k].key, g.pattern))
				c->profs[k].root = true;
		free(g.pattern);
		free(g.witness);
	}
	if (r)
		return r;
	qsort(c->profs + 1, c->nprofs - 1, sizeof(*c->profs), prof_cmp);
	return name_children(c);
}

/* Execs between children: edge[x * n + y], child x runs program y. */
static void exec_edge(const struct ctx *c, bool *edge, const char *program, const char *path)
{
	size_t x = child_of_program(c, program), y = child_of_program(c, path);

	if (x && y)
		edge[x * c->nprofs + y] = true;
}

/*
 * The main profile reaches its children by attachment (cx), without a
 * limit; a child reaches another by name (px -> MAIN//CHILD), of which a
 * profile may hold NAMED_X_MAX.  A child over it is flat: what it runs runs
 * in it (ix), so it takes their rules, and theirs further down.
 */
static int mark_flat(struct ctx *c)
{
	const struct tl_trace *t = c->t;
	size_t n = c->nprofs, *queue = NULL;
	bool *edge = calloc(n * n, sizeof(*edge));
	int r = 0;

	if (!edge)
		return tl_err(ENOMEM, "apparmor export: out of memory");
	for (size_t i = 0; i < t->nexecs; i++)
		if (t->execs[i].parent[0])
			exec_edge(c, edge, t->execs[i].parent, t->execs[i].path);
	for (size_t i = 0; i < t->nfiles; i++)
		if (t->files[i].access & TL_ACC_EXEC)
			exec_edge(c, edge, t->files[i].program, t->files[i].path);
	for (size_t x = 1; x < n && !r; x++) {
		size_t targets = 0, head = 0, tail = 0;
		bool *seen;

		for (size_t y = 1; y < n; y++)
			targets += edge[x * n + y];
		if (targets <= NAMED_X_MAX)
			continue;
		seen = calloc(n, sizeof(*seen));
		if (!queue)
			queue = malloc(n * sizeof(*queue));
		if (!seen || !queue) {
			free(seen);
			r = tl_err(ENOMEM, "apparmor export: out of memory");
			break;
		}
		c->profs[x].flat = true;
		c->profs[x].absorbs = seen;
		queue[tail++] = x;
		while (head < tail) {
			size_t u = queue[head++];

			for (size_t y = 1; y < n; y++)
				if (edge[u * n + y] && !seen[y]) {
					seen[y] = true;
					queue[tail++] = y;
				}
		}
	}
	free(queue);
	free(edge);
	return r;
}

static int file_key_cmp(const void *e, const void *k)
{
	const struct tl_file *a = e, *b = k;
	int c = strcmp(a->path, b->path);

	return c ? c : strcmp(a->program, b->program);
}

/*
 * A file record of the exec (the same program by the same caller) counted
 * it already: exec records and file records name the file the kernel
 * resolved, so both describe the same execs.  Scripts differ: their exec
 * record is the script, the file record the interpreter.
 */
static bool exec_in_files(const struct tl_trace *t, const struct tl_exec *e)
{
	struct tl_file key = {.path = e->path, .program = e->parent};
	bool found;
	size_t i =
	    tl_sorted_find(t->files, t->nfiles, sizeof(*t->files), &key, file_key_cmp, &found);

	return found && (t->files[i].access & TL_ACC_EXEC);
}

/* ---- abstractions ------------------------------------------------------------------ */

/* The AppArmor permissions an access needs (docs/apparmor.md, "Permissions"). */
static uint32_t aa_needs(uint32_t a)
{
	uint32_t p = 0;

	if (a & (TL_ACC_READ | TL_ACC_RENAME))
		p |= TL_AA_READ;
	if (a & (TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_RENAME | TL_ACC_SETATTR))
		p |= TL_AA_WRITE;
	if (a & TL_ACC_APPEND)
		p |= TL_AA_APPEND;
	if (a & TL_ACC_LINK)
		p |= TL_AA_LINK;
	if (a & TL_ACC_LOCK)
		p |= TL_AA_LOCK;
	if (a & TL_ACC_MMAP_EXEC)
		p |= TL_AA_MMAP;
	if (a & TL_ACC_EXEC)
		p |= TL_AA_EXEC;
	return p;
}

/* Does the abstraction allow this access (the recorded path, with its permissions)? */
static int abs_allows(const struct ctx *c, const struct tl_aa_abs_rule *abs, size_t nabs,
                      const struct acc *a, bool *ok)
{
	uint32_t need = aa_needs(a->access), have = 0;

	for (size_t i = 0; i < nabs; i++) {
		uint32_t perms;
		int r = tl_aa_match(abs[i].pattern, a->witness, &c->vars);

		if (r < 0)
			return r;
		if (r && !tl_aa_perms_parse(abs[i].perms, &perms))
			have |= perms;
	}
	*ok = (need & ~have) == 0;
	return 0;
}

/* Drop the rules (all entries of one profile and pattern) that base allows entirely. */
static int apply_abstractions(struct ctx *c)
{
	size_t nabs;
	const struct tl_aa_abs_rule *abs = tl_aa_abstraction("abstractions/base", &nabs);

	for (size_t i = 0, j; i < c->naccs; i = j) {
		bool all = true;

		for (j = i; j < c->naccs && c->accs[j].prof == c->accs[i].prof &&
		            !strcmp(c->accs[j].pattern, c->accs[i].pattern);
		     j++) {
			bool ok = false;
			int r = all ? abs_allows(c, abs, nabs, &c->accs[j], &ok) : 0;

			if (r)
				return r;
			all &= ok;
		}
		if (!all)
			continue;
		for (size_t k = i; k < j; k++)
			c->accs[k].dropped = true;
		c->profs[c->accs[i].prof].base = true;
		c->profs[c->accs[i].prof].ndrop++;
	}
	return 0;
}

/* ---- collapsing read-only rules into directory globs ------------------------------- */

static int acc_cmp(const void *a, const void *b);
static const char *prog_label(const char *p);

/*
 * Where a collapsed glob never goes (docs/apparmor.md, "Collapsing"); a
 * component "*" stands for any one name.  self: no glob on that directory
 * itself (a subdirectory may have one).  Otherwise the whole subtree: no
 * glob on it or below it, and none above it that would reach it (DIR/\* on
 * its parent, DIR/\*\* on any ancestor).
 */
static const struct {
	const char *path;
	bool self;
} no_collapse[] = {
    {"/", true},       /* the root */
    {"/*", true},      /* top-level directories: /etc, /usr, /var, /home, /root, /srv... */
    {"/home/*", true}, /* home directories: .netrc, .pgpass, .git-credentials, history */
    {"/proc", false},  /* kernel interfaces */
    {"/sys", false},
    {"/dev", false},
    {"/tmp", false}, /* temp dirs: generalisation handles their per-run names */
    {"/var/tmp", false},
    {"/dev/shm", false},
    {"/run/secrets", false}, /* container secrets (Docker, Kubernetes service accounts) */
    {"/var/run/secrets", false},
    {"/run/credentials", false}, /* systemd credentials */
    {"/run/user", false},        /* per-user runtime: agent sockets, keyrings */
    {"/etc/shadow", false},      /* password hashes */
    {"/etc/shadow-", false},
    {"/etc/gshadow", false},
    {"/etc/gshadow-", false},
    {"/etc/security/opasswd", false},
    {"/etc/sudoers", false},
    {"/etc/sudoers.d", false},
    {"/etc/ssh", false},         /* host private keys */
    {"/etc/ssl/private", false}, /* TLS private keys */
    {"/etc/pki/tls/private", false},
    {"/etc/letsencrypt", false},
    {"/etc/kubernetes", false},                        /* cluster PKI, kubeconfigs */
    {"/var/lib/kubelet", false},                       /* pod secrets and tokens */
    {"/etc/NetworkManager/system-connections", false}, /* Wi-Fi and VPN secrets */
    {"/root/.ssh", false},                             /* users' keys and credentials */
    {"/home/*/.ssh", false},
    {"/root/.gnupg", false},
    {"/home/*/.gnupg", false},
    {"/root/.aws", false},
    {"/home/*/.aws", false},
    {"/root/.kube", false},
    {"/home/*/.kube", false},
    {"/root/.docker", false},
    {"/home/*/.docker", false},
    {"/root/.config", false}, /* gh, gcloud, rclone tokens... */
    {"/home/*/.config", false},
    {"/root/.local/share/keyrings", false},
    {"/home/*/.local/share/keyrings", false},
    {"/root/.password-store", false},
    {"/home/*/.password-store", false},
    {"/root/.mozilla", false}, /* saved passwords, cookies */
    {"/home/*/.mozilla", false},
};

static size_t ncomps(const char *s)
{
	size_t n = 0;

	for (const char *p = s; *p; p++)
		n += *p != '/' && (p == s || p[-1] == '/');
	return n;
}

/*
 * Is one of d and e (a no_collapse path) a prefix of the other, component
 * by component?  *diff: components of d minus components of e.
 */
static bool comps_prefix(const char *d, const char *e, long *diff)
{
	for (;;) {
		size_t dl, el;

		while (*d == '/')
			d++;
		while (*e == '/')
			e++;
		dl = strcspn(d, "/");
		el = strcspn(e, "/");
		if (!dl || !el) {
			*diff = (long)ncomps(d) - (long)ncomps(e);
			return true;
		}
		if (!(el == 1 && *e == '*') && (dl != el || memcmp(d, e, dl)))
			return false;
		d += dl;
		e += el;
	}
}

/* May directory d (no trailing '/'; "" is the root) get d/\* (deep false) or d/\*\*? */
static bool collapse_ok(const char *d, bool deep)
{
	for (size_t i = 0; i < TL_ARRAY_SIZE(no_collapse); i++) {
		long diff;

		if (!comps_prefix(d, no_collapse[i].path, &diff))
			continue;
		if (no_collapse[i].self) {
			if (!diff)
				return false;
			continue;
		}
		if (diff >= 0)
			return false; /* d is that directory or below it */
		if (deep || diff == -1)
			return false; /* the glob would reach it */
	}
	return true;
}

/* A read-only rule of one profile: the unit that collapsing counts and covers. */
struct cand {
	const char *w;     /* the witness of its first entry: the path as the kernel names it */
	size_t first, end; /* its entries in ctx.accs */
	size_t npaths;     /* distinct recorded paths behind it */
	bool dir, m;       /* a directory rule (w ends in '/'); m among its permissions */
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int r = strcmp(x->w, y->w);

	/* equal witnesses: two patterns of one path; in entry order, which is sorted */
	return r ? r : x->first < y->first ? -1 : x->first > y->first;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct acc *acc_new(struct ctx *c)
{
	if (c->naccs == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct acc *tmp = realloc(c->accs, cap * sizeof(*tmp));

		if (!tmp)
			return NULL;
		c->accs = tmp;
		c->cap = cap;
	}
	memset(&c->accs[c->naccs], 0, sizeof(*c->accs));
	return &c->accs[c->naccs];
}

/*
 * Replace the rules v[lo, hi) below directory d (length dlen, a prefix of
 * every v[].w) by d/\*\* (deep) or, only those directly in d, by d/\*.  Rules
 * with m stay unless every file rule counted has it (then the glob gets m).
 * Nothing is done (*done false) when d is not literal in some pattern (a
 * generalised component).
 */
static int absorb(struct ctx *c, const struct cand *v, size_t lo, size_t hi, size_t dlen, bool deep,
                  bool *done)
{
	struct tl_export_buf eb = {0}, nb = {0};
	char *esc = NULL, *pat = NULL, *wit = NULL, *note = NULL;
	const char **progs = NULL;
	size_t elen, nfiles = 0, ndirs = 0, nkept = 0, nrules = 0, nprogs = 0, uniq = 0;
	uint64_t count = 0;
	bool quote = false, m_all = true;
	struct acc *a;
	int r;

	*done = false;
	esc_append(&eb, v[lo].w, dlen, &quote);
	tl_export_buf_puts(&eb, "/");
	r = tl_export_buf_finish(&eb, &esc, &elen);
	if (r)
		goto out;
	for (size_t i = lo; i < hi; i++) {
		const char *rest = v[i].w + dlen + 1, *p = c->accs[v[i].first].pattern;

		if (!*rest || (!deep && strchr(rest, '/')))
			continue;
		/* d must be literal in the pattern; d/\* covers one component only */
		if (strncmp(p, esc, elen) || (!deep && strchr(p + elen, '/')))
			goto out;
		if (!v[i].dir)
			m_all &= v[i].m;
	}
	progs = calloc(c->naccs, sizeof(*progs));
	if (!progs) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = lo; i < hi; i++) {
		const char *rest = v[i].w + dlen + 1;

		if (!*rest || (!deep && strchr(rest, '/')))
			continue;
		if (v[i].m && !m_all) {
			nkept += v[i].npaths;
			continue;
		}
		if (v[i].dir)
			ndirs++;
		else
			nfiles += v[i].npaths;
		nrules++;
		for (size_t k = v[i].first; k < v[i].end; k++) {
			c->accs[k].collapsed = true;
			count += c->accs[k].count;
			progs[nprogs++] = c->accs[k].program;
		}
	}
	qsort(progs, nprogs, sizeof(*progs), str_cmp);
	for (size_t i = 0; i < nprogs; i++)
		uniq += !i || strcmp(progs[i], progs[i - 1]);
	tl_export_buf_printf(&nb, "%zu file%s read %s (collapsed)", nfiles, nfiles == 1 ? "" : "s",
	                     deep ? "below" : "in it");
	if (ndirs)
		tl_export_buf_printf(&nb, ", and %zu director%s listed", ndirs,
		                     ndirs == 1 ? "y" : "ies");
	if (nkept)
		tl_export_buf_printf(&nb, "; %zu mapped executable (m) kept as %s", nkept,
		                     nkept == 1 ? "its own rule" : "their own rules");
	tl_export_buf_puts(&nb, "; by ");
	for (size_t i = 0, shown = 0; i < nprogs; i++) {
		if (i && !strcmp(progs[i], progs[i - 1]))
			continue;
		if (shown == COMMENT_PROGS) {
			tl_export_buf_printf(&nb, ", +%zu more", uniq - shown);
			break;
		}
		tl_export_buf_puts(&nb, shown ? ", " : "");
		comment_append(&nb, prog_label(progs[i]));
		shown++;
	}
	r = tl_export_buf_finish(&nb, &note, &(size_t){0});
	if (r)
		goto out;
	if (asprintf(&pat, "%s%s", esc, deep ? "**" : "*") < 0 ||
	    asprintf(&wit, "%.*s/", (int)dlen, v[lo].w) < 0) {
		pat = wit = NULL;
		r = -ENOMEM;
		goto out;
	}
	a = acc_new(c);
	if (!a) {
		r = -ENOMEM;
		goto out;
	}
	a->pattern = pat;
	a->witness = wit;
	a->note = note;
	pat = wit = note = NULL;
	a->quote = quote;
	a->path = "";
	a->program = "";
	a->access = TL_ACC_READ | (m_all ? TL_ACC_MMAP_EXEC : 0);
	a->count = count;
	a->prof = c->accs[v[lo].first].prof;
	c->naccs++;
	c->ncollapsed += nrules;
	c->nglobs++;
	*done = true;
out:
	if (r == -ENOMEM)
		r = tl_err(ENOMEM, "apparmor export: out of memory");
	tl_export_buf_free(&eb);
	tl_export_buf_free(&nb);
	free(esc);
	free(pat);
	free(wit);
	free(note);
	free(progs);
	return r;
}

/*
 * Directory d = v[lo].w[0, dlen) ("" the root), v[lo, hi) the read-only
 * rules below it: d/\*\* when at least N files were read below d outside its
 * most-read subdirectory (a walk over the tree, not one branch) in two
 * subdirectories or more; else each subdirectory in turn, then d/\* when N
 * files or more were read directly in d.
 */
static int collapse_dir(struct ctx *c, const struct cand *v, size_t lo, size_t hi, size_t dlen)
{
	size_t n = c->o->collapse, total = 0, maxchild = 0, nchild = 0, direct = 0;
	char *d = strndup(v[lo].w, dlen);
	bool done = false;
	int r = 0;

	if (!d)
		return tl_err(ENOMEM, "apparmor export: out of memory");
	for (size_t i = lo, j; i < hi; i = j) {
		const char *rest = v[i].w + dlen + 1, *sl = strchr(rest, '/');
		size_t len, ct = 0;

		j = i + 1;
		if (!*rest)
			continue; /* d's own listing: d/ r, which no glob below d covers */
		if (!sl) {
			direct += v[i].npaths;
			continue;
		}
		len = (size_t)(sl - rest) + 1;
		for (j = i; j < hi && !strncmp(v[j].w + dlen + 1, rest, len); j++)
			ct += v[j].dir ? 0 : v[j].npaths;
		nchild += ct > 0;
		maxchild = ct > maxchild ? ct : maxchild;
		total += ct;
	}
	total += direct;
	if (nchild >= 2 && total - maxchild >= n && collapse_ok(d, true)) {
		r = absorb(c, v, lo, hi, dlen, true, &done);
		if (r || done)
			goto out;
	}
	for (size_t i = lo, j; i < hi && !r; i = j) {
		const char *rest = v[i].w + dlen + 1, *sl = strchr(rest, '/');
		size_t len;

		j = i + 1;
		if (!sl)
			continue;
		len = (size_t)(sl - rest) + 1;
		for (j = i; j < hi && !strncmp(v[j].w + dlen + 1, rest, len); j++)
			;
		r = collapse_dir(c, v, i, j, dlen + len);
	}
	if (!r && direct >= n && collapse_ok(d, false))
		r = absorb(c, v, lo, hi, dlen, false, &done);
out:
	free(d);
	return r;
}

/* Collapse each profile's read-only rules (after --abstractions dropped some). */
static int apply_collapse(struct ctx *c)
{
	struct cand *v = calloc(c->naccs + 1, sizeof(*v));
	size_t nv = 0, naccs = c->naccs;
	int r = 0;

	if (!v)
		return tl_err(ENOMEM, "apparmor export: out of memory");
	for (size_t i = 0, j; i < naccs; i = j) {
		uint32_t bits = 0;
		struct cand *x = &v[nv];

		for (j = i; j < naccs && c->accs[j].prof == c->accs[i].prof &&
		            !strcmp(c->accs[j].pattern, c->accs[i].pattern);
		     j++)
			bits |= c->accs[j].access;
		if (c->accs[i].dropped || !(bits & TL_ACC_READ) ||
		    (bits & ~(uint32_t)(TL_ACC_READ | TL_ACC_MMAP_EXEC | TL_ACC_DIR)))
			continue;
		x->w = c->accs[i].witness;
		x->first = i;
		x->end = j;
		x->dir = bits & TL_ACC_DIR;
		x->m = bits & TL_ACC_MMAP_EXEC;
		for (size_t k = i; k < j; k++) {
			bool dup = false;

			for (size_t l = i; l < k && !dup; l++)
				dup = !strcmp(c->accs[l].path, c->accs[k].path);
			x->npaths += !dup;
		}
		nv++;
	}
	/* per profile, by path: a directory's rules are one range, its subdirectories' within */
	for (size_t lo = 0, hi; lo < nv && !r; lo = hi) {
		for (hi = lo; hi < nv && c->accs[v[hi].first].prof == c->accs[v[lo].first].prof;
		     hi++)
			;
		qsort(v + lo, hi - lo, sizeof(*v), cand_cmp);
		r = collapse_dir(c, v, lo, hi, 0);
	}
	free(v);
	if (!r && c->naccs > naccs)
		qsort(c->accs, c->naccs, sizeof(*c->accs), acc_cmp);
	return r;
}

/* ---- output ---------------------------------------------------------------------- */

static int acc_cmp(const void *a, const void *b)
{
	const struct acc *x = a, *y = b;
	int r;

	if (x->prof != y->prof)
		return x->prof < y->prof ? -1 : 1;
	r = strcmp(x->pattern, y->pattern);
	if (!r)
		r = strcmp(x->program, y->program);
	if (!r)
		r = strcmp(x->path, y->path);
	if (!r && x->access != y->access)
		r = x->access < y->access ? -1 : 1;
	return r;
}

static void put_quoted(struct tl_export_buf *b, const char *s, bool quote)
{
	tl_export_buf_printf(b, quote ? "\"%s\"" : "%s", s);
}

static const char *prog_label(const char *p)
{
	return p[0] ? p : "an unknown program";
}

/*
 * "read by /usr/bin/x (3x), /bin/sh (1x); write by /usr/bin/y (1x)" for the
 * entries of one rule (sorted by program): programs in order, consecutive
 * ones with the same kinds of access share the verbs.
 */
static void rule_comment(struct tl_export_buf *b, const struct acc *a, size_t n)
{
	size_t shown = 0, nprogs = 0, paths = 0;
	uint32_t prev = 0;

	for (size_t i = 0; i < n; i++)
		nprogs += !i || strcmp(a[i].program, a[i - 1].program);
	tl_export_buf_puts(b, "  # ");
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t bits = 0;
		uint64_t count = 0;

		for (j = i; j < n && !strcmp(a[j].program, a[i].program); j++) {
			bits |= a[j].access;
			count += a[j].count;
		}
		bits &= ~(uint32_t)TL_ACC_DIR; /* the trailing '/' says it */
		if (shown == COMMENT_PROGS) {
			tl_export_buf_printf(b, ", +%zu more", nprogs - shown);
			break;
		}
		if (shown && bits == prev) {
			tl_export_buf_puts(b, ", ");
		} else {
			bool first = true;

			if (shown)
				tl_export_buf_puts(b, "; ");
			for (unsigned bit = 0; bit < TL_ACC_COUNT_BITS; bit++) {
				if (!(bits & (1u << bit)))
					continue;
				tl_export_buf_printf(b, "%s%s", first ? "" : "/",
				                     tl_access_name(bit));
				first = false;
			}
			tl_export_buf_puts(b, " by ");
		}
		comment_append(b, prog_label(a[i].program));
		tl_export_buf_printf(b, " (%" PRIu64 "x)", count);
		prev = bits;
		shown++;
	}
	/* A generalised rule names the recorded paths behind it. */
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(a[k].path, a[i].path);
		paths += a[i].generalised && !dup;
	}
	if (paths) {
		size_t shown = 0;

		tl_export_buf_printf(b, "; recorded as ");
		for (size_t i = 0; i < n && shown < COMMENT_PATHS; i++) {
			bool dup = false;

			for (size_t k = 0; k < i; k++)
				dup |= !strcmp(a[k].path, a[i].path);
			if (dup)
				continue;
			tl_export_buf_puts(b, shown ? ", " : "");
			comment_append(b, a[i].path);
			shown++;
		}
		if (paths > shown)
			tl_export_buf_printf(b, ", +%zu more", paths - shown);
	}
	tl_export_buf_puts(b, "\n");
}

static void emit_rule(struct tl_export_buf *b, const struct ctx *c, const char *ind, struct acc *a,
                      size_t n)
{
	uint32_t bits = 0;
	size_t target = 0;
	char perms[16];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bits |= a[i].access;
		if (a[i].target)
			target = a[i].target;
	}
	if (bits & (TL_ACC_READ | TL_ACC_RENAME))
		perms[k++] = 'r';
	if (bits & (TL_ACC_WRITE | TL_ACC_CREATE | TL_ACC_DELETE | TL_ACC_RENAME | TL_ACC_SETATTR))
		perms[k++] = 'w';
	else if (bits & TL_ACC_APPEND)
		perms[k++] = 'a'; /* w and a are exclusive; w covers append */
	if (bits & TL_ACC_LINK)
		perms[k++] = 'l';
	if (bits & TL_ACC_LOCK)
		perms[k++] = 'k';
	if (bits & TL_ACC_MMAP_EXEC)
		perms[k++] = 'm';
	/* from main: the child by its attachment (cx); from a child: by name (px) */
	if (bits & TL_ACC_EXEC) {
		perms[k++] = !target ? 'i' : a[0].prof ? 'p' : 'c';
		perms[k++] = 'x';
	}
	perms[k] = '\0';
	tl_export_buf_puts(b, ind);
	put_quoted(b, a[0].pattern, a[0].quote);
	tl_export_buf_printf(b, " %s", perms);
	if (target && a[0].prof)
		tl_export_buf_printf(b, " -> %s//%s", c->profs[0].name, c->profs[target].name);
	tl_export_buf_puts(b, ",");
	if (a[0].note) /* a collapsed rule: what it stands for */
		tl_export_buf_printf(b, "  # %s\n", a[0].note);
	else
		rule_comment(b, a, n); /* a is sorted by program, then path (acc_cmp) */
}

/* Capabilities of the programs of profile pi: granted -> rule, denied only -> comment. */
static bool emit_caps(struct tl_export_buf *b, struct ctx *c, size_t pi, const char *ind)
{
	const struct tl_trace *t = c->t;
	bool any = false;

	/* t->caps is sorted by (cap, program): one line per cap. */
	for (size_t i = 0, j; i < t->ncaps; i = j) {
		uint64_t granted = 0;
		const char *name = tl_cap_name(t->caps[i].cap);
		char lname[64];
		size_t progs = 0;

		for (j = i; j < t->ncaps && t->caps[j].cap == t->caps[i].cap; j++) {
			if (!runs_in(c, t->caps[j].program, pi))
				continue;
			granted += t->caps[j].granted;
			progs++;
		}
		if (!progs)
			continue;
		any = true;
		if (name && !strncmp(name, "CAP_", 4)) {
			size_t n = 0;

			for (const char *s = name + 4; *s && n < sizeof(lname) - 1; s++)
				lname[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
			lname[n] = '\0';
		} else {
			snprintf(lname, sizeof(lname), "%d", t->caps[i].cap);
		}
		tl_export_buf_puts(b, ind);
		if (!name)
			tl_export_buf_printf(b,
			                     "# capability %s (unknown to tailor) was %s; AppArmor "
			                     "cannot name it, so it is not allowed:",
			                     lname, granted ? "granted" : "denied");
		else if (granted)
			tl_export_buf_printf(b, "capability %s,  #", lname);
		else
			tl_export_buf_printf(b,
			                     "# denied during recording: capability %s (the "
			                     "program coped without it):",
			                     lname);
		for (size_t k = i, first = 1; k < j; k++) {
			if (!runs_in(c, t->caps[k].program, pi))
				continue;
			tl_export_buf_puts(b, first ? " " : "; ");
			first = 0;
			if (t->caps[k].granted)
				tl_export_buf_printf(b, "granted %" PRIu64 "x", t->caps[k].granted);
			if (t->caps[k].granted && t->caps[k].denied)
				tl_export_buf_puts(b, ", ");
			if (t->caps[k].denied)
				tl_export_buf_printf(b, "denied %" PRIu64 "x", t->caps[k].denied);
			tl_export_buf_puts(b, " to ");
			comment_append(b, prog_label(t->caps[k].program));
		}
		tl_export_buf_puts(b, "\n");
	}
	return any;
}

/* AppArmor 3.0's families (abi/3.0 network af_mask) and socket types. */
static bool aa_family_ok(const char *f)
{
	static const char *const known[] = {
	    "unspec",     "unix",    "inet",      "ax25",    "ipx",    "appletalk", "netrom",
	    "bridge",     "atmpvc",  "x25",       "inet6",   "rose",   "netbeui",   "security",
	    "key",        "netlink", "packet",    "ash",     "econet", "atmsvc",    "rds",
	    "sna",        "irda",    "pppox",     "wanpipe", "llc",    "ib",        "mpls",
	    "can",        "tipc",    "bluetooth", "iucv",    "rxrpc",  "isdn",      "phonet",
	    "ieee802154", "caif",    "alg",       "nfc",     "vsock",  "kcm",       "qipcrtr",
	    "smc",        "xdp",
	};

	for (size_t i = 0; f && i < TL_ARRAY_SIZE(known); i++)
		if (!strcmp(f, known[i]))
			return true;
	return false;
}

static bool aa_type_ok(const char *s)
{
	return s && (!strcmp(s, "stream") || !strcmp(s, "dgram") || !strcmp(s, "seqpacket") ||
	             !strcmp(s, "rdm") || !strcmp(s, "raw") || !strcmp(s, "packet"));
}

static bool emit_net(struct tl_export_buf *b, struct ctx *c, size_t pi, const char *ind)
{
	const struct tl_trace *t = c->t;
	bool any = false;

	/* t->net is sorted by (family, type, protocol, program): one line per (family, type). */
	for (size_t i = 0, j; i < t->nnet; i = j) {
		const char *fam = tl_family_name(t->net[i].family);
		const char *type = tl_socktype_name(t->net[i].type);
		bool first = true;

		for (j = i; j < t->nnet && t->net[j].family == t->net[i].family &&
		            t->net[j].type == t->net[i].type;
		     j++)
			;
		for (size_t k = i; k < j; k++) {
			if (!runs_in(c, t->net[k].program, pi))
				continue;
			if (first) {
				tl_export_buf_puts(b, ind);
				if (!aa_family_ok(fam))
					tl_export_buf_printf(
					    b,
					    "# socket family %d (%s) has no AppArmor "
					    "3.0 name; not allowed:",
					    t->net[i].family, fam ? fam : "unknown");
				else if (aa_type_ok(type))
					tl_export_buf_printf(b, "network %s %s,  #", fam, type);
				else
					tl_export_buf_printf(
					    b,
					    "network %s,  # type %d has no AppArmor "
					    "name, so any type of %s:",
					    fam, t->net[i].type, fam);
				any = true;
			}
			tl_export_buf_puts(b, first ? " socket(" : "; socket(");
			if (fam)
				tl_export_buf_puts(b, fam);
			else
				tl_export_buf_printf(b, "%d", t->net[k].family);
			if (type)
				tl_export_buf_printf(b, ", %s", type);
			else
				tl_export_buf_printf(b, ", %d", t->net[k].type);
			tl_export_buf_printf(b, ", %d) by ", t->net[k].protocol);
			comment_append(b, prog_label(t->net[k].program));
			tl_export_buf_printf(b, " (%" PRIu64 "x)", t->net[k].count);
			first = false;
		}
		if (!first)
			tl_export_buf_puts(b, "\n");
	}
	return any;
}

static void emit_signals(struct tl_export_buf *b, const struct ctx *c, const char *ind)
{
	const char *name = c->profs[0].name, *peer_sfx = c->nprofs > 1 ? "{,//*}" : "";

	if (c->container) {
		tl_export_buf_printf(
		    b,
		    "%s# container: signals and ptrace as in moby's default profile\n"
		    "%ssignal (receive) peer=unconfined,  # the host may signal "
		    "the container (docker kill)\n"
		    "%ssignal (receive) peer=runc,  # runc stops it (docker stop)\n"
		    "%ssignal (receive) peer=crun,  # crun stops it\n"
		    "%ssignal (send,receive) peer=%s%s,  # its processes signal "
		    "each other\n"
		    "%sptrace (trace,tracedby,read,readby) peer=%s%s,  # and may "
		    "trace each other (if Yama allows)\n",
		    ind, ind, ind, ind, ind, name, peer_sfx, ind, name, peer_sfx);
		return;
	}
	tl_export_buf_printf(b,
	                     "%ssignal (receive) peer=unconfined,  # the user, the shell or "
	                     "systemd may stop it\n",
	                     ind);
	if (c->signals)
		tl_export_buf_printf(b,
		                     "%ssignal (send,receive) peer=%s%s,  # kill/tgkill seen: its "
		                     "processes signal each other\n",
		                     ind, name, peer_sfx);
}

static void emit_profile(struct tl_export_buf *b, struct ctx *c, size_t pi, const char *ind)
{
	const struct prof *p = &c->profs[pi];
	/*
	 * chroot_relative: paths as tailor recorded them, from the process's
	 * root at the time (a chroot's own), where AppArmor's default is the
	 * mount namespace's root; the same paths when the process has no chroot.
	 */
	const char *flags = c->container ? "attach_disconnected,chroot_relative,mediate_deleted"
	                                 : "chroot_relative,mediate_deleted";
	bool sep;
	size_t i = 0;
	char inner[16];

	snprintf(inner, sizeof(inner), "%s  ", ind);
	tl_export_buf_printf(b, "%sprofile %s ", ind, p->name);
	if (p->key) {
		put_quoted(b, p->key, p->quote);
		tl_export_buf_puts(b, " ");
	}
	tl_export_buf_printf(b, "flags=(%s) {\n", flags);
	if (p->flat)
		tl_export_buf_printf(b,
		                     "%s# runs what it starts in itself (ix), with their rules: it "
		                     "starts more than %d programs, the most a profile may name\n",
		                     inner, NAMED_X_MAX);
	if (p->base)
		tl_export_buf_printf(b,
		                     "%sinclude <abstractions/base>  # replaces %zu rule%s (libc, "
		                     "ld.so, locale... files it allows)\n\n",
		                     inner, p->ndrop, p->ndrop == 1 ? "" : "s");
	sep = emit_caps(b, c, pi, inner);
	if (sep)
		tl_export_buf_puts(b, "\n");
	sep = emit_net(b, c, pi, inner);
	if (sep)
		tl_export_buf_puts(b, "\n");
	emit_signals(b, c, inner);

	while (i < c->naccs && c->accs[i].prof < pi)
		i++;
	sep = false;
	for (size_t j; i < c->naccs && c->accs[i].prof == pi; i = j) {
		for (j = i; j < c->naccs && c->accs[j].prof == pi &&
		            !strcmp(c->accs[j].pattern, c->accs[i].pattern);
		     j++)
			;
		if (c->accs[i].dropped || c->accs[i].collapsed)
			continue;
		if (!sep)
			tl_export_buf_puts(b, "\n");
		sep = true;
		emit_rule(b, c, inner, &c->accs[i], j - i);
	}
	if (pi == 0)
		for (size_t k = 1; k < c->nprofs; k++) {
			tl_export_buf_puts(b, "\n");
			emit_profile(b, c, k, inner);
		}
	tl_export_buf_printf(b, "%s}\n", ind);
}

static bool run_has(const struct tl_run *r, const char *feature)
{
	for (char **f = r->features; f && *f; f++)
		if (!strcmp(*f, feature))
			return true;
	return false;
}

static void emit_feature_note(struct tl_export_buf *b, const struct tl_trace *t, const char *f,
                              const char *what, const char *none)
{
	size_t have = 0;

	for (size_t i = 0; i < t->nruns; i++)
		have += run_has(&t->runs[i], f);
	if (!t->nruns || have == t->nruns)
		return;
	if (!have)
		tl_export_buf_printf(b,
		                     "# NOTE: %s were not recorded (no run has the \"%s\" "
		                     "feature): %s\n",
		                     what, f, none);
	else
		tl_export_buf_printf(b,
		                     "# NOTE: %zu of %zu runs did not record %s (feature \"%s\"): "
		                     "rules for them may be missing\n",
		                     t->nruns - have, t->nruns, what, f);
}

/*
 * The first io_uring syscall in the trace (any run, any ABI), or NULL: the
 * recorder sees syscalls, and io_uring's file operations are not syscalls.
 */
static const char *saw_io_uring(const struct tl_trace *t)
{
	static const char *const uring[] = {"io_uring_setup", "io_uring_enter",
	                                    "io_uring_register"};

	for (size_t i = 0; i < TL_ARRAY_SIZE(uring); i++)
		for (int abi = 0; abi < TL_ABI_COUNT; abi++) {
			const struct tl_syscall *s = tl_trace_find(t, (enum tl_abi)abi, uring[i]);

			/* a ring refused (io_uring_disabled, seccomp) made no access */
			if (s && s->ok)
				return uring[i];
		}
	return NULL;
}

/*
 * The calls AppArmor mediates by rules tailor does not write (mount,
 * pivot_root, ptrace) that succeeded in the trace, as "mount, ptrace" into
 * buf; false if none.
 */
static bool saw_unruled(const struct tl_trace *t, char *buf, size_t size)
{
	static const char *const calls[] = {
	    "fsmount",           "fsopen",    "mount",      "mount_setattr",
	    "move_mount",        "open_tree", "pivot_root", "process_vm_readv",
	    "process_vm_writev", "ptrace",    "umount2",
	};
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < TL_ARRAY_SIZE(calls); i++)
		for (int abi = 0; abi < TL_ABI_COUNT; abi++) {
			const struct tl_syscall *s = tl_trace_find(t, (enum tl_abi)abi, calls[i]);

			if (s && s->ok && n < size) {
				n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				                      calls[i]);
				break;
			}
		}
	return n > 0;
}

static void emit_header(struct tl_export_buf *b, const struct ctx *c)
{
	const struct tl_trace *t = c->t;
	const char *name = c->profs[0].name, *uring;
	char unruled[160];

	tl_export_buf_printf(b, "# AppArmor profile %s, generated by tailor %s", name,
	                     TAILOR_VERSION);
	for (size_t i = 0; c->o->sources && c->o->sources[i]; i++) {
		tl_export_buf_puts(b, i ? ", " : " from ");
		comment_append(b, c->o->sources[i]);
	}
	tl_export_buf_printf(b, " (%zu run%s).\n", t->nruns, t->nruns == 1 ? "" : "s");
	tl_export_buf_printf(
	    b,
	    "# It allows what the recorded programs did; each rule says what was done, by which\n"
	    "# program and how often.  Generalised names (pids, temp names, numbered devices,\n"
	    "# library versions) are explained in docs/apparmor.md.\n"
	    "#   check: apparmor_parser -Q -K FILE\n"
	    "#   load:  apparmor_parser -r FILE\n"
	    "#   use:   aa-exec -p %s -- COMMAND, or docker run --security-opt apparmor=%s\n",
	    name, name);
	if (c->nprofs > 1)
		tl_export_buf_printf(
		    b,
		    "# Executed programs run in child profiles %s//NAME: entered by "
		    "their path from %s (cx),\n# by name from another child (px).\n",
		    name, name);
	if (!tl_trace_complete(t)) {
		bool late = false;

		for (size_t i = 0; i < t->nruns; i++)
			for (size_t k = 0; k < t->runs[i].nlost; k++)
				late |= !strcmp(t->runs[i].lost[k].name, "start") &&
				        t->runs[i].lost[k].value;
		tl_export_buf_puts(
		    b, late ? "# WARNING: the trace is incomplete (recorded only after "
		              "the program had started: its startup is missing):\n#   "
		              "rules may be missing.\n"
		            : "# WARNING: the trace is incomplete (a run was interrupted "
		              "or events were lost): rules may be missing.\n");
	}
	emit_feature_note(b, t, "files", "file accesses",
	                  "the profile allows no file access; record with file tracing");
	emit_feature_note(b, t, "caps", "capabilities",
	                  "no capability rules (the kernel may lack the capability/cap_capable "
	                  "tracepoint)");
	emit_feature_note(b, t, "net", "sockets", "no network rules");
	if ((uring = saw_io_uring(t)))
		tl_export_buf_printf(
		    b,
		    "# NOTE: the programs used io_uring (%s): file accesses made through it\n"
		    "#   (IORING_OP_OPENAT, ...) are not recorded, so rules for them may be "
		    "missing.\n",
		    uring);
	if (saw_unruled(t, unruled, sizeof(unruled)))
		tl_export_buf_printf(b,
		                     "# NOTE: AppArmor mediates these calls, which succeeded, by "
		                     "rules this profile\n"
		                     "#   does not write: %s.\n"
		                     "#   Enforced, they may be denied: add mount, pivot_root or "
		                     "ptrace rules by hand\n"
		                     "#   (docs/apparmor.md, Limitations).\n",
		                     unruled);
	if (c->nskipped) {
		tl_export_buf_printf(b, "# %zu recorded access%s had no absolute path (e.g. ",
		                     c->nskipped, c->nskipped == 1 ? "" : "es");
		/* an empty path is one of them: say so rather than "(e.g. )" */
		comment_append(b,
		               c->skipped_ex && c->skipped_ex[0] ? c->skipped_ex : "an empty path");
		tl_export_buf_puts(b, "): no file rule is written for them.\n");
	}
	if (c->nnoperm) {
		tl_export_buf_printf(b,
		                     "# %zu recorded access%s needed no permission that AppArmor "
		                     "mediates (e.g. ",
		                     c->nnoperm, c->nnoperm == 1 ? "" : "es");
		comment_append(b, c->noperm_ex);
		tl_export_buf_puts(b, ", a directory only looked up): no rule.\n");
	}
	if (c->nglobs)
		tl_export_buf_printf(
		    b,
		    "# NOTE: %zu read-only rule%s collapsed into %zu directory glob%s (DIR/* r, "
		    "DIR/** r: %u or\n#   more files read in or below DIR; docs/apparmor.md, "
		    "\"Collapsing\"), each saying how many\n#   files it stands for; "
		    "--collapse 0 keeps one rule per file.\n",
		    c->ncollapsed, c->ncollapsed == 1 ? " was" : "s were", c->nglobs,
		    c->nglobs == 1 ? "" : "s", c->o->collapse);
	tl_export_buf_puts(b, "\nabi <abi/3.0>,\n\ninclude <tunables/global>\n\n");
}

/* ---- entry point -------------------------------------------------------------------- */

static bool saw_signals(const struct tl_trace *t)
{
	static const char *const kills[] = {
	    "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal"};

	for (int abi = 0; abi < TL_ABI_COUNT; abi++)
		for (size_t i = 0; i < TL_ARRAY_SIZE(kills); i++)
			if (tl_trace_find(t, (enum tl_abi)abi, kills[i]))
				return true;
	return false;
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->naccs; i++) {
		free(c->accs[i].pattern);
		free(c->accs[i].witness);
		free(c->accs[i].note);
	}
	free(c->accs);
	for (size_t i = 0; i < c->nprofs; i++) {
		free(c->profs[i].name);
		free(c->profs[i].key);
		free(c->profs[i].absorbs);
	}
	free(c->profs);
	free(c->sel);
	tl_aa_vars_free(&c->vars);
}

int tl_export_apparmor(const struct tl_trace *t, const struct tl_aa_opts *o, char **out,
                       size_t *len)
{
	struct tl_aa_opts defaults;
	struct tl_export_buf b = {0};
	struct ctx c = {.t = t};
	const char *name;
	int r;

	if (!t || !out || !len)
		return tl_err(EINVAL, "apparmor export: missing trace or output pointer");
	*out = NULL;
	*len = 0;
	if (!o) {
		tl_aa_opts_init(&defaults);
		o = &defaults;
	}
	name = o->name ? o->name : "tailor";
	r = tl_export_name_check(TL_FMT_APPARMOR, name);
	if (r)
		return r;
	if (o->collapse == 1)
		return tl_err(EINVAL,
		              "apparmor export: --collapse 1 would make a glob of every file read "
		              "(0 turns collapsing off, 2 or more sets the threshold)");
	c.o = o;
	c.container = o->container;
	for (size_t i = 0; i < t->nruns; i++)
		c.container |= t->runs[i].kind && !strcmp(t->runs[i].kind, "container");
	c.signals = saw_signals(t);
	tl_aa_vars_init(&c.vars);
	r = tl_aa_vars_add_tunables(&c.vars);
	if (r)
		goto out;
	c.profs = calloc(1, sizeof(*c.profs));
	if (!c.profs || !(c.profs[0].name = strdup(name))) {
		r = tl_err(ENOMEM, "apparmor export: out of memory");
		goto out;
	}
	c.nprofs = 1;
	if (o->children) {
		r = build_children(&c);
		if (!r)
			r = mark_flat(&c);
		if (r)
			goto out;
	}
	c.sel = calloc(c.nprofs, sizeof(*c.sel));
	if (!c.sel) {
		r = tl_err(ENOMEM, "apparmor export: out of memory");
		goto out;
	}
	for (size_t i = 0; i < t->nfiles && !r; i++)
		r = add_acc(&c, t->files[i].path, t->files[i].program, t->files[i].access,
		            t->files[i].count);
	for (size_t i = 0; i < t->nexecs && !r; i++)
		if (!exec_in_files(t, &t->execs[i]))
			r = add_acc(&c, t->execs[i].path, t->execs[i].parent, TL_ACC_EXEC,
			            t->execs[i].count);
	if (r)
		goto out;
	if (c.naccs)
		qsort(c.accs, c.naccs, sizeof(*c.accs), acc_cmp);
	if (o->abstractions) {
		r = apply_abstractions(&c);
		if (r)
			goto out;
	}
	if (o->collapse) {
		r = apply_collapse(&c);
		if (r)
			goto out;
	}
	emit_header(&b, &c);
	emit_profile(&b, &c, 0, "");
	r = tl_export_buf_finish(&b, out, len);
out:
	tl_export_buf_free(&b);
	ctx_free(&c);
	return r;
}
