// SPDX-License-Identifier: Apache-2.0
/* Deterministic JSON writer (sorted keys) and a json-c parser with positions. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/json_util.h"

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void indent(struct buf *b, int level)
{
	for (int i = 0; i < level; i++)
		buf_add(b, "  ", 2);
}

/* Bytes >= 0x80 are copied as they are: tailor does not re-encode paths. */
static void put_string(struct buf *b, const char *s, size_t n)
{
	buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\b':
			buf_add(b, "\\b", 2);
			break;
		case '\f':
			buf_add(b, "\\f", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\u%04x", c);
			else
				buf_add(b, (const char *)&s[i], 1);
		}
	}
	buf_add(b, "\"", 1);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_value(struct buf *b, struct json_object *o, int level);

static void put_object(struct buf *b, struct json_object *o, int level)
{
	size_t n = (size_t)json_object_object_length(o), i = 0;
	const char **keys;

	if (!n) {
		buf_add(b, "{}", 2);
		return;
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys) {
		b->oom = true;
		return;
	}
	json_object_object_foreach(o, k, v)
	{
		(void)v;
		keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	buf_add(b, "{\n", 2);
	for (i = 0; i < n; i++) {
		indent(b, level + 1);
		put_string(b, keys[i], strlen(keys[i]));
		buf_add(b, ": ", 2);
		put_value(b, json_object_object_get(o, keys[i]), level + 1);
		buf_puts(b, i + 1 < n ? ",\n" : "\n");
	}
	indent(b, level);
	buf_add(b, "}", 1);
	free(keys);
}

static void put_value(struct buf *b, struct json_object *o, int level)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		buf_puts(b, "null");
		break;
	case json_type_boolean:
		buf_puts(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int: {
		int64_t v = json_object_get_int64(o);

		/* json-c keeps values above INT64_MAX as uint64. */
		if (v == INT64_MAX)
			buf_printf(b, "%" PRIu64, json_object_get_uint64(o));
		else
			buf_printf(b, "%" PRId64, v);
		break;
	}
	case json_type_double:
		buf_puts(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		put_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
		break;
	case json_type_object:
		put_object(b, o, level);
		break;
	case json_type_array: {
		size_t n = json_object_array_length(o);

		if (!n) {
			buf_add(b, "[]", 2);
			break;
		}
		buf_add(b, "[\n", 2);
		for (size_t i = 0; i < n; i++) {
			indent(b, level + 1);
			put_value(b, json_object_array_get_idx(o, i), level + 1);
			buf_puts(b, i + 1 < n ? ",\n" : "\n");
		}
		indent(b, level);
		buf_add(b, "]", 1);
		break;
	}
	}
}

int tl_json_dump(struct json_object *obj, char **out, size_t *len)
{
	struct buf b = {0};

	put_value(&b, obj, 0);
	buf_add(&b, "\n", 1);
	if (b.oom) {
		free(b.p);
		return tl_err(ENOMEM, "out of memory serialising JSON");
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/* JSON whitespace.  Not strchr(" \t\r\n", c): it finds the terminator, so NUL would pass. */
static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * What json-c accepts silently, found by walking the accepted text again:
 *  - duplicate object keys: json-c keeps the last of them, so a file could
 *    show a reviewer one "defaultAction" and give tailor another.  Each
 *    object's keys are collected decoded as json-c decodes them and compared
 *    sorted when the object closes (an object with many keys stays
 *    O(n log n));
 *  - \u0000 in a string or key: json-c keeps it, but every C string cuts
 *    there, so "getpid\u0000junk" would be read as getpid;
 *  - integers outside -2^63 .. 2^64-1: json-c saturates them silently.
 */
struct dup_key {
	size_t off, len; /* decoded bytes in the arena */
	size_t pos;      /* offset of its opening quote in the text */
};

struct dup_scan {
	const char *text;
	size_t len;
	struct buf arena; /* the keys, decoded */
	struct dup_key *keys;
	size_t nkeys, kcap;
	bool oom;
	size_t nul_at; /* offset of the first \u0000 of the last string, or SIZE_MAX */
};

static void dup_byte(struct dup_scan *d, char c)
{
	buf_add(&d->arena, &c, 1);
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v = v << 4 | (unsigned)(c >= 'a'   ? c - 'a' + 10
		                        : c >= 'A' ? c - 'A' + 10
		                                   : c - '0');
	}
	return v;
}

static void dup_utf8(struct dup_scan *d, unsigned cp)
{
	if (cp < 0x80) {
		dup_byte(d, (char)cp);
	} else if (cp < 0x800) {
		dup_byte(d, (char)(0xC0 | cp >> 6));
		dup_byte(d, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		dup_byte(d, (char)(0xE0 | cp >> 12));
		dup_byte(d, (char)(0x80 | (cp >> 6 & 0x3F)));
		dup_byte(d, (char)(0x80 | (cp & 0x3F)));
	} else {
		dup_byte(d, (char)(0xF0 | cp >> 18));
		dup_byte(d, (char)(0x80 | (cp >> 12 & 0x3F)));
		dup_byte(d, (char)(0x80 | (cp >> 6 & 0x3F)));
		dup_byte(d, (char)(0x80 | (cp & 0x3F)));
	}
}

/* The string whose opening quote is at *i; with decode, its bytes go to the arena.  *i: past it. */
static void dup_string(struct dup_scan *d, size_t *i, bool decode)
{
	size_t k = *i + 1;

	while (k < d->len && d->text[k] != '"') {
		char c = d->text[k];

		if (c != '\\') {
			if (decode)
				dup_byte(d, c);
			k++;
			continue;
		}
		if (k + 1 >= d->len)
			break;
		c = d->text[k + 1];
		if (c == 'u' && k + 5 < d->len) {
			unsigned cp = hex4(d->text + k + 2);

			if (!cp && d->nul_at == SIZE_MAX)
				d->nul_at = k;
			k += 6;
			/* a surrogate pair: one code point, as json-c decodes it */
			if (cp >= 0xD800 && cp < 0xDC00 && k + 5 < d->len && d->text[k] == '\\' &&
			    d->text[k + 1] == 'u') {
				unsigned lo = hex4(d->text + k + 2);

				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					k += 6;
				}
			}
			if (decode)
				dup_utf8(d, cp);
			continue;
		}
		if (decode)
			dup_byte(d, c == 'b'   ? '\b'
			            : c == 'f' ? '\f'
			            : c == 'n' ? '\n'
			            : c == 'r' ? '\r'
			            : c == 't' ? '\t'
			                       : c);
		k += 2;
	}
	*i = k + 1;
}

static const struct dup_scan *dup_sorting; /* qsort has no context argument */

static int dup_cmp(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n ? memcmp(dup_sorting->arena.p + x->off, dup_sorting->arena.p + y->off, n) : 0;

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The first duplicate among keys[from..]: the later one's key, or NULL. */
static const struct dup_key *dup_check(struct dup_scan *d, size_t from)
{
	const struct dup_key *found = NULL;

	if (d->nkeys - from < 2)
		return NULL;
	dup_sorting = d;
	qsort(d->keys + from, d->nkeys - from, sizeof(*d->keys), dup_cmp);
	for (size_t k = from + 1; k < d->nkeys; k++) {
		const struct dup_key *a = &d->keys[k - 1], *b = &d->keys[k];

		if (a->len == b->len &&
		    (!a->len || !memcmp(d->arena.p + a->off, d->arena.p + b->off, a->len)) &&
		    (!found || b->pos < found->pos))
			found = b;
	}
	return found;
}

#define DUP_DEPTH 64 /* json-c refuses more than 32 levels */

/* What text_check found: its kind, where (text offset) and what (the key or the number). */
enum text_problem { TP_DUP = 1, TP_NUL_KEY, TP_NUL_STR, TP_TOO_BIG, TP_TOO_SMALL };

struct text_found {
	size_t at;
	char what[72];
};

static bool is_num_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* The number at text[*i] (valid JSON already): TP_TOO_BIG/SMALL or 0.  *i: past it. */
static int num_check(const char *text, size_t len, size_t *i, struct text_found *f)
{
	static const char umax[] = "18446744073709551615", imin[] = "9223372036854775808";
	size_t s = *i, e, nd, lim;
	bool neg = text[s] == '-';
	const char *max = neg ? imin : umax;
	int r = 0;

	if (neg)
		s++;
	for (e = s; e < len && text[e] >= '0' && text[e] <= '9'; e++)
		;
	lim = neg ? sizeof(imin) - 1 : sizeof(umax) - 1;
	while (s + 1 < e && text[s] == '0')
		s++;
	nd = e - s;
	/* A fraction or exponent makes a double: json-c keeps those as they are. */
	if ((e >= len || (text[e] != '.' && text[e] != 'e' && text[e] != 'E')) &&
	    (nd > lim || (nd == lim && memcmp(text + s, max, nd) > 0))) {
		size_t n = e - *i;

		/* The number as written, cut if very long. */
		if (n > sizeof(f->what) - 4)
			snprintf(f->what, sizeof(f->what), "%.*s...", (int)sizeof(f->what) - 4,
			         text + *i);
		else
			snprintf(f->what, sizeof(f->what), "%.*s", (int)n, text + *i);
		f->at = *i;
		r = neg ? TP_TOO_SMALL : TP_TOO_BIG;
	}
	while (e < len && is_num_char(text[e]))
		e++;
	*i = e;
	return r;
}

/* 0, a problem (enum text_problem, described in *f) or a negative errno. */
static int text_check(const char *text, size_t len, struct text_found *f)
{
	struct dup_scan d = {.text = text, .len = len};
	size_t kstart[DUP_DEPTH], astart[DUP_DEPTH], i = 0;
	bool is_obj[DUP_DEPTH], want_key[DUP_DEPTH];
	int depth = -1, err = 0;

	while (i < len && !err) {
		char c = text[i];

		if (c == '"') {
			size_t pos = i;
			bool is_key = depth >= 0 && is_obj[depth] && want_key[depth];
			size_t off = d.arena.len;

			d.nul_at = SIZE_MAX;
			dup_string(&d, &i, is_key);
			if (d.nul_at != SIZE_MAX) {
				f->at = d.nul_at;
				err = is_key ? TP_NUL_KEY : TP_NUL_STR;
				break;
			}
			if (!is_key)
				continue;
			want_key[depth] = false;
			if (d.nkeys == d.kcap) {
				size_t cap = d.kcap ? d.kcap * 2 : 256;
				struct dup_key *k = realloc(d.keys, cap * sizeof(*k));

				if (!k) {
					d.oom = true;
					break;
				}
				d.keys = k;
				d.kcap = cap;
			}
			d.keys[d.nkeys++] =
			    (struct dup_key){.off = off, .len = d.arena.len - off, .pos = pos};
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			err = num_check(text, len, &i, f);
			continue;
		}
		if (c == '{' || c == '[') {
			if (++depth >= DUP_DEPTH) {
				err = -E2BIG;
				break;
			}
			is_obj[depth] = c == '{';
			want_key[depth] = c == '{';
			kstart[depth] = d.nkeys;
			astart[depth] = d.arena.len;
		} else if ((c == '}' || c == ']') && depth >= 0) {
			if (is_obj[depth] && !d.oom && !d.arena.oom) {
				const struct dup_key *dup = dup_check(&d, kstart[depth]);

				if (dup) {
					size_t n = dup->len < sizeof(f->what) - 1
					               ? dup->len
					               : sizeof(f->what) - 1;

					if (n)
						memcpy(f->what, d.arena.p + dup->off, n);
					f->what[n] = 0;
					f->at = dup->pos;
					err = TP_DUP;
					break;
				}
			}
			d.nkeys = kstart[depth];
			d.arena.len = astart[depth];
			depth--;
		} else if (c == ',' && depth >= 0 && is_obj[depth]) {
			want_key[depth] = true;
		}
		i++;
	}
	if ((d.oom || d.arena.oom) && !err)
		err = -ENOMEM;
	free(d.arena.p);
	free(d.keys);
	return err;
}

/* Line and column (1-based) of text offset end. */
static void line_col(const char *text, size_t len, size_t end, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < end && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* The error line for what text_check found (kind > 0) or could not do (kind < 0). */
static int text_check_err(const char *name, const char *text, size_t len, int kind,
                          const struct text_found *f)
{
	size_t line, col;

	if (kind < 0)
		return tl_err(-kind, "%s: checking the JSON text: %s", name, strerror(-kind));
	line_col(text, len, f->at, &line, &col);
	switch (kind) {
	case TP_DUP:
		return tl_err(EINVAL,
		              "%s: duplicate key \"%s\" (line %zu, column %zu): JSON readers "
		              "disagree on which one counts",
		              name, f->what, line, col);
	case TP_NUL_KEY:
	case TP_NUL_STR:
		return tl_err(EINVAL,
		              "%s: line %zu, column %zu: %s contains a NUL character (\\u0000)",
		              name, line, col, kind == TP_NUL_KEY ? "key" : "string");
	default:
		return tl_err(EINVAL, "%s: line %zu, column %zu: integer %s is out of range (%s)",
		              name, line, col, f->what,
		              kind == TP_TOO_BIG ? "more than 18446744073709551615"
		                                 : "less than -9223372036854775808");
	}
}

int tl_json_parse(const char *text, size_t len, const char *name, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;
	size_t i, end, line = 1, col = 1;
	const char *why, *nul;

	*out = NULL;
	/* json-c stops at a NUL byte, which would make the rest look missing or trailing. */
	nul = memchr(text, '\0', len);
	if (nul) {
		line_col(text, len, (size_t)(nul - text), &line, &col);
		return tl_err(EINVAL, "%s: line %zu, column %zu: NUL byte", name, line, col);
	}
	for (i = 0; i < len; i++)
		if (!is_ws(text[i]))
			break;
	if (i == len)
		return tl_err(EINVAL, "%s: empty file", name);
	if (len > INT32_MAX)
		return tl_err(EFBIG, "%s: too large to parse", name);
	tok = json_tokener_new();
	if (!tok)
		return tl_err(ENOMEM, "%s: out of memory", name);
	/* Trailing data is checked below, to name it as such. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	o = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o && e == json_tokener_success) {
		for (i = end; i < len; i++)
			if (!is_ws(text[i]))
				break;
		if (i == len) {
			struct text_found f = {0};
			int bad = text_check(text, end, &f);

			if (!bad) {
				*out = o;
				return 0;
			}
			json_object_put(o);
			return text_check_err(name, text, len, bad, &f);
		}
		json_object_put(o);
		end = i;
		why = "trailing data after the JSON document";
	} else if (e == json_tokener_continue || e == json_tokener_success) {
		why = "unexpected end of data";
		end = len;
	} else {
		why = json_tokener_error_desc(e);
		json_object_put(o);
	}
	line_col(text, len, end, &line, &col);
	return tl_err(EINVAL, "%s: not JSON (line %zu, column %zu: %s)", name, line, col, why);
}

/* ---- building ------------------------------------------------------------------- */

void tl_json_put(struct json_object *o, const char *key, struct json_object *v, bool *oom)
{
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		*oom = true;
	}
}

void tl_json_append(struct json_object *a, struct json_object *v, bool *oom)
{
	if (!a || !v || json_object_array_add(a, v)) {
		json_object_put(v);
		*oom = true;
	}
}

/* ---- reading with places -------------------------------------------------------- */

int tl_json_verr(const char *file, const char *place, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!place || !place[0])
		return tl_err(EINVAL, "%s: %s", file, msg);
	return tl_err(EINVAL, "%s: %s: %s", file, place, msg);
}

int tl_json_rd_err(const struct tl_json_rd *rd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tl_json_verr(rd->file, rd->path, fmt, ap);
	va_end(ap);
	return r;
}

size_t tl_json_rd_push(struct tl_json_rd *rd, const char *fmt, ...)
{
	size_t old = strlen(rd->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->path + old, sizeof(rd->path) - old, fmt, ap);
	va_end(ap);
	return old;
}

size_t tl_json_rd_key(struct tl_json_rd *rd, const char *key)
{
	return tl_json_rd_push(rd, "%s%s", rd->path[0] ? "." : "", key);
}

void tl_json_rd_pop(struct tl_json_rd *rd, size_t old)
{
	rd->path[old] = '\0';
}

const char *tl_json_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a number with a fraction or exponent";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "?";
}

/* Push key (if any) for the check's message; the caller's path is restored on return. */
static size_t key_push(struct tl_json_rd *rd, const char *key)
{
	return key ? tl_json_rd_key(rd, key) : strlen(rd->path);
}

int tl_json_get_type(struct tl_json_rd *rd, struct json_object *v, const char *key,
                     enum json_type type, const char *what)
{
	size_t old;
	int r;

	if (json_object_is_type(v, type))
		return 0;
	old = key_push(rd, key);
	r = tl_json_rd_err(rd, "expected %s, got %s", what, tl_json_type_name(v));
	tl_json_rd_pop(rd, old);
	return r;
}

int tl_json_get_u64(struct tl_json_rd *rd, struct json_object *v, const char *key, uint64_t *out)
{
	size_t old = key_push(rd, key);
	int r = 0;

	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		r = tl_json_rd_err(rd, "expected a non-negative integer");
	else
		*out = json_object_get_uint64(v);
	tl_json_rd_pop(rd, old);
	return r;
}

int tl_json_get_int(struct tl_json_rd *rd, struct json_object *v, const char *key, int64_t min,
                    int64_t max, int64_t *out)
{
	size_t old = key_push(rd, key);
	int64_t x;
	int r = 0;

	if (!json_object_is_type(v, json_type_int)) {
		r = tl_json_rd_err(rd, "expected an integer, got %s", tl_json_type_name(v));
	} else {
		x = json_object_get_int64(v);
		/* json-c keeps 2^63..2^64-1 as uint64 (INT64_MAX here); tl_json_parse refuses
		 * larger, so the text is the number as written. */
		if (x < min || x > max || x == INT64_MAX)
			r = tl_json_rd_err(rd, "%s is out of range", json_object_get_string(v));
		else
			*out = x;
	}
	tl_json_rd_pop(rd, old);
	return r;
}

int tl_json_get_str(struct tl_json_rd *rd, struct json_object *v, const char *key, const char **out)
{
	size_t old = key_push(rd, key);
	int r = 0;

	if (!json_object_is_type(v, json_type_string))
		r = tl_json_rd_err(rd, "expected a string, got %s", tl_json_type_name(v));
	else if ((size_t)json_object_get_string_len(v) != strlen(json_object_get_string(v)))
		r = tl_json_rd_err(rd, "contains a NUL character");
	else
		*out = json_object_get_string(v);
	tl_json_rd_pop(rd, old);
	return r;
}

int tl_json_need(struct tl_json_rd *rd, struct json_object *o, const char *key,
                 struct json_object **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return tl_json_rd_err(rd, "missing key \"%s\"", key);
	return 0;
}
