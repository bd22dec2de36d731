/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic JSON output and position-aware parsing on top of json-c,
 * shared by the trace reader/writer and anyone else who writes JSON.
 */
#ifndef TAILOR_JSON_UTIL_H
#define TAILOR_JSON_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json_types.h>

/*
 * Serialise obj deterministically: object keys sorted bytewise at every
 * level, 2-space indentation, `"key": value`, empty containers as {} and [],
 * '/' not escaped, a trailing newline.  *out is malloc'd and NUL-terminated;
 * *len excludes the NUL.  Returns 0 or -ENOMEM.
 */
int tl_json_dump(struct json_object *obj, char **out, size_t *len);

/*
 * Parse exactly one JSON document (strict json-c mode; trailing data is an
 * error).  `name` names the input in errors: "NAME: empty file",
 * "NAME: not JSON (line L, column C: unexpected end of data)", and at line L,
 * column C: "NUL byte", "duplicate key", "key (string) contains a NUL
 * character (\u0000)", "integer N is out of range" (json-c would clamp it).
 * Returns 0 or -EINVAL; *out owns a reference.
 */
int tl_json_parse(const char *text, size_t len, const char *name, struct json_object **out);

/*
 * Building JSON: json_object_object_add / json_object_array_add with the
 * NULL-value check folded in.  A NULL v (a failed json_object_new_*) or a
 * failed add sets *oom, and v is released; a NULL array (a) counts as failed.
 */
void tl_json_put(struct json_object *o, const char *key, struct json_object *v, bool *oom);
void tl_json_append(struct json_object *a, struct json_object *v, bool *oom);

/*
 * Reading JSON with the place of every problem in the message:
 * "FILE: PLACE: why", or "FILE: why" while PLACE is empty.
 * tl_json_verr formats one such line (PLACE may be NULL) and returns -EINVAL.
 */
int tl_json_verr(const char *file, const char *place, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Where a reader is: file names the input, path the place ("runs[0].command[1]"). */
struct tl_json_rd {
	const char *file;
	char path[512];
};

int tl_json_rd_err(const struct tl_json_rd *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Append to the path (printf format, pushed as written: "runs[%zu]", ".%s");
 * tl_json_rd_key pushes "KEY", after a '.' unless the path is empty.  Both
 * return the old length for tl_json_rd_pop.  A long path is cut, never overflows.
 */
size_t tl_json_rd_push(struct tl_json_rd *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
size_t tl_json_rd_key(struct tl_json_rd *rd, const char *key);
void tl_json_rd_pop(struct tl_json_rd *rd, size_t old);

/* "null", "a boolean", "an integer", "a number with a fraction or exponent", ... */
const char *tl_json_type_name(struct json_object *v);

/*
 * Value checks.  key NULL: report at the current path; otherwise KEY is
 * pushed for the message only (the path is as before on return).
 *  - type: "expected WHAT, got TYPE"
 *  - u64:  "expected a non-negative integer"
 *  - int:  "expected an integer, got TYPE", "VALUE is out of range" (min..max;
 *          VALUE as written: integers json-c would clamp never get here)
 *  - str:  "expected a string, got TYPE", "contains a NUL character"; *out
 *          points into v
 *  - need: "missing key \"KEY\"" at the current path (the object's place)
 */
int tl_json_get_type(struct tl_json_rd *rd, struct json_object *v, const char *key,
                     enum json_type type, const char *what);
int tl_json_get_u64(struct tl_json_rd *rd, struct json_object *v, const char *key, uint64_t *out);
int tl_json_get_int(struct tl_json_rd *rd, struct json_object *v, const char *key, int64_t min,
                    int64_t max, int64_t *out);
int tl_json_get_str(struct tl_json_rd *rd, struct json_object *v, const char *key,
                    const char **out);
int tl_json_need(struct tl_json_rd *rd, struct json_object *o, const char *key,
                 struct json_object **v);

#endif
