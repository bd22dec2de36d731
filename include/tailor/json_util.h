/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic JSON output and position-aware parsing on top of json-c,
 * shared by the trace reader/writer and anyone else who writes JSON.
 */
#ifndef TAILOR_JSON_UTIL_H
#define TAILOR_JSON_UTIL_H

#include <stddef.h>

struct json_object;

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
 * "NAME: not JSON (line L, column C: unexpected end of data)".
 * Returns 0 or -EINVAL; *out owns a reference.
 */
int tl_json_parse(const char *text, size_t len, const char *name, struct json_object **out);

#endif
