// SPDX-License-Identifier: Apache-2.0
/*
 * tailor diff output: text for terminals, markdown for a pull-request
 * comment, JSON for machines (schema in docs/diff.md).  All three are
 * deterministic: the changes come sorted from tl_diff_compute, and text and
 * markdown merge a change that is identical on several architectures into
 * one row ("x86,x86_64") so a reviewer reads it once.  JSON keeps one
 * change per architecture.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tailor/common.h"
#include "tailor/diff.h"
#include "tailor/json_util.h"
#include "diff_internal.h"

#define MAX_FRAMES 4 /* frames shown per callsite: who made the call, not the whole stack */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

enum esc {
	ESC_TEXT,    /* terminal: only what printable_len refuses */
	ESC_MD_TEXT, /* markdown text in a table cell or list: punctuation too */
	ESC_MD_CODE, /* markdown code span in a table: backticks and pipes */
};

/*
 * Append s with what printable_len refuses as \xHH, the convention of the
 * paths in file changes (an AppArmor pattern's escapes) and of `recorded as`.
 */
static void put_esc(struct tl_sb *b, const char *s, enum esc mode)
{
	while (*s) {
		size_t n = tl_printable_len(s);

		if (!n) {
			tl_sb_printf(b, "\\x%02x", (unsigned char)*s++);
			continue;
		}
		if (mode == ESC_MD_TEXT && strchr("\\`*_[]<>|#", *s))
			tl_sb_printf(b, "\\%c", *s);
		else if (mode == ESC_MD_CODE && *s == '`')
			tl_sb_puts(b, "'"); /* a code span cannot hold its own delimiter */
		else if (mode == ESC_MD_CODE && *s == '|')
			tl_sb_puts(b, "\\|"); /* GFM splits cells before code spans */
		else
			tl_sb_printf(b, "%.*s", (int)n, s);
		s += n;
	}
}

/* Columns put_esc(ESC_TEXT) takes for s, to pad the text table. */
static size_t esc_width(const char *s)
{
	size_t w = 0;

	while (*s) {
		size_t n = tl_printable_len(s);

		w += n ? 1 : 4;
		s += n ? n : 1;
	}
	return w;
}

static void put_text_padded(struct tl_sb *b, const char *s, size_t width)
{
	put_esc(b, s, ESC_TEXT);
	for (size_t w = esc_width(s); w < width; w++)
		tl_sb_puts(b, " ");
}

/* "ptrace ← libc.so.6 ptrace+0x2a ← /usr/bin/app check_debugger+0x1c" */
static void callsite_text(struct tl_sb *b, const struct tl_callsite *c)
{
	bool prog_shown = false;
	size_t n = c->nframes < MAX_FRAMES ? c->nframes : MAX_FRAMES;

	tl_sb_puts(b, c->syscall);
	for (size_t i = 0; i < n; i++) {
		const struct tl_frame *f = &c->frames[i];
		bool is_prog = f->file && c->program && !strcmp(f->file, c->program);

		tl_sb_puts(b, " ← ");
		prog_shown |= is_prog;
		if (f->file && f->symbol)
			tl_sb_printf(b, "%s %s+0x%" PRIx64, is_prog ? f->file : base_name(f->file),
			             f->symbol, f->symoff);
		else if (f->file)
			tl_sb_printf(b, "%s+0x%" PRIx64, is_prog ? f->file : base_name(f->file),
			             f->offset);
		else
			tl_sb_printf(b, "0x%" PRIx64, f->offset);
	}
	if (c->nframes > n)
		tl_sb_puts(b, " ← …");
	if (!prog_shown && c->program && c->program[0])
		tl_sb_printf(b, "%s(in %s)", c->nframes ? " " : " ← ", c->program);
}

/* ---- rows: one per change, identical changes on several arches merged ---------------- */

struct row {
	const struct tl_diff_item *it;
	char arches[64];
};

static bool same_callsites(const struct tl_diff_item *a, const struct tl_diff_item *b)
{
	if (a->ncallsites != b->ncallsites)
		return false;
	for (size_t i = 0; i < a->ncallsites; i++) {
		struct tl_sb x = {0}, y = {0};
		char *xs, *ys;
		bool eq;

		callsite_text(&x, &a->callsites[i]);
		callsite_text(&y, &b->callsites[i]);
		xs = tl_sb_take(&x);
		ys = tl_sb_take(&y);
		eq = xs && ys && !strcmp(xs, ys);
		free(xs);
		free(ys);
		if (!eq)
			return false;
	}
	return true;
}

static int make_rows(const struct tl_diff *d, struct row **out, size_t *n)
{
	struct row *rows = calloc(d->n + 1, sizeof(*rows));

	*n = 0;
	if (!rows)
		return tl_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < d->n; i++) {
		const struct tl_diff_item *it = &d->items[i];
		size_t k;

		for (k = 0; k < *n; k++) {
			const struct tl_diff_item *r = rows[k].it;

			if (r->arch && it->arch && r->kind == it->kind && r->change == it->change &&
			    r->risk == it->risk && !strcmp(r->name, it->name) &&
			    !strcmp(r->detail, it->detail) && same_callsites(r, it) &&
			    strlen(rows[k].arches) + strlen(it->arch) + 2 < sizeof(rows[k].arches))
				break;
		}
		if (k < *n) {
			strcat(rows[k].arches, ",");
			strcat(rows[k].arches, it->arch);
			continue;
		}
		rows[*n].it = it;
		snprintf(rows[*n].arches, sizeof(rows[*n].arches), "%s", it->arch ? it->arch : "");
		(*n)++;
	}
	*out = rows;
	return 0;
}

struct counts {
	size_t risk[TL_RISK_CRITICAL + 1];
	size_t change[TL_DIFF_REMOVED + 1];
	size_t risky;
};

static void count_one(struct counts *c, const struct tl_diff_item *it)
{
	c->risk[it->risk]++;
	c->change[it->change]++;
	c->risky += tl_diff_is_risky(it);
}

/* JSON counts its items (one per arch); text and markdown the rows they show. */
static void count_items(const struct tl_diff *d, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < d->n; i++)
		count_one(c, &d->items[i]);
}

static void count_rows(const struct row *rows, size_t n, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		count_one(c, rows[i].it);
}

/* "old.json (trace)": the file name as given, escaped like any name. */
static void side_desc(struct tl_sb *b, const struct tl_diff_side *s, const char *dflt)
{
	if (!s) {
		tl_sb_puts(b, dflt);
		return;
	}
	put_esc(b, s->file, ESC_TEXT);
	tl_sb_printf(b, " (%s)", s->is_trace ? "trace" : "profile");
}

static void summary_line(struct tl_sb *b, const struct counts *c, size_t total, bool md)
{
	const char *bold = md ? "**" : "";

	tl_sb_printf(b, "%s%zu change%s%s: ", bold, total, total == 1 ? "" : "s", bold);
	for (int r = TL_RISK_CRITICAL; r >= TL_RISK_LOW; r--)
		tl_sb_printf(b, "%zu %s%s", c->risk[r], tl_risk_name((enum tl_risk)r),
		             r > TL_RISK_LOW ? ", " : "");
	tl_sb_printf(b, "; %s%zu risky%s (added or widened, medium or above)", bold, c->risky,
	             bold);
}

/* ---- text ------------------------------------------------------------------------- */

static const char *risk_color(enum tl_risk r)
{
	switch (r) {
	case TL_RISK_CRITICAL:
		return "\033[1;31m";
	case TL_RISK_HIGH:
		return "\033[31m";
	case TL_RISK_MEDIUM:
		return "\033[33m";
	case TL_RISK_LOW:
		break;
	}
	return "\033[2m";
}

static void render_text(struct tl_sb *b, const struct tl_diff *d, const struct row *rows,
                        size_t nrows, const struct tl_diff_side *os, const struct tl_diff_side *ns,
                        bool color)
{
	const char *reset = color ? "\033[0m" : "";
	size_t warch = 4, wname = 4;
	struct counts c;

	count_rows(rows, nrows, &c);
	tl_sb_printf(b, "%stailor diff%s: ", color ? "\033[1m" : "", reset);
	side_desc(b, os, "OLD");
	tl_sb_puts(b, " → ");
	side_desc(b, ns, "NEW");
	tl_sb_puts(b, "\n");
	if (!d->n) {
		tl_sb_puts(b, "no changes\n");
	} else {
		summary_line(b, &c, nrows, false);
		tl_sb_puts(b, "\n\n");
		for (size_t i = 0; i < nrows; i++) {
			size_t la = strlen(rows[i].arches), ln = esc_width(rows[i].it->name);

			warch = la > warch ? la : warch;
			wname = ln > wname && ln <= 40 ? ln : wname;
		}
		tl_sb_printf(b, "%-8s  %-8s  %-10s  %-*s  %-*s  %s\n", "RISK", "CHANGE", "KIND",
		             (int)warch, "ARCH", (int)wname, "NAME", "DETAIL");
		for (size_t i = 0; i < nrows; i++) {
			const struct tl_diff_item *it = rows[i].it;

			tl_sb_printf(b, "%s%-8s%s  %-8s  %-10s  %-*s  ",
			             color ? risk_color(it->risk) : "", tl_risk_name(it->risk),
			             reset, tl_diff_change_name(it->change),
			             tl_diff_kind_name(it->kind), (int)warch,
			             rows[i].arches[0] ? rows[i].arches : "-");
			put_text_padded(b, it->name, wname);
			tl_sb_puts(b, "  ");
			put_esc(b, it->detail, ESC_TEXT);
			tl_sb_puts(b, "\n");
			if (it->reason) {
				tl_sb_printf(b, "%10swhy: ", "");
				put_esc(b, it->reason, ESC_TEXT);
				tl_sb_puts(b, "\n");
			}
			for (size_t k = 0; k < it->ncallsites; k++) {
				struct tl_sb cs = {0};
				char *s;

				/* built raw (JSON's "text" is the same string), escaped here */
				callsite_text(&cs, &it->callsites[k]);
				s = tl_sb_take(&cs);
				tl_sb_printf(b, "%10sby:  ", "");
				if (s)
					put_esc(b, s, ESC_TEXT);
				else
					b->oom = true;
				tl_sb_puts(b, "\n");
				free(s);
			}
		}
	}
	for (size_t i = 0; d->notes && d->notes[i]; i++) {
		tl_sb_puts(b, "note: ");
		put_esc(b, d->notes[i], ESC_TEXT);
		tl_sb_puts(b, "\n");
	}
}

/* ---- markdown --------------------------------------------------------------------- */

/* Text in a table cell or list: a newline would end the table, punctuation format it. */
static void md_text(struct tl_sb *b, const char *s)
{
	put_esc(b, s, ESC_MD_TEXT);
}

/* A code span: control bytes escaped, backticks become quotes, the pipe escaped for tables. */
static void md_code(struct tl_sb *b, const char *s)
{
	tl_sb_puts(b, "`");
	put_esc(b, s, ESC_MD_CODE);
	tl_sb_puts(b, "`");
}

static void md_risk(struct tl_sb *b, enum tl_risk r)
{
	if (r >= TL_RISK_HIGH)
		tl_sb_printf(b, "**%s**", tl_risk_name(r));
	else if (r == TL_RISK_MEDIUM)
		tl_sb_printf(b, "*%s*", tl_risk_name(r));
	else
		tl_sb_puts(b, tl_risk_name(r));
}

static void render_markdown(struct tl_sb *b, const struct tl_diff *d, const struct row *rows,
                            size_t nrows, const struct tl_diff_side *os,
                            const struct tl_diff_side *ns)
{
	bool details = false;
	struct counts c;

	count_rows(rows, nrows, &c);
	tl_sb_puts(b, "### tailor diff\n\n");
	md_code(b, os ? os->file : "OLD");
	tl_sb_printf(b, " (%s) → ", os && os->is_trace ? "trace" : "profile");
	md_code(b, ns ? ns->file : "NEW");
	tl_sb_printf(b, " (%s): ", ns && ns->is_trace ? "trace" : "profile");
	if (!d->n) {
		tl_sb_puts(b, "**no changes**.\n");
	} else {
		summary_line(b, &c, nrows, true);
		tl_sb_puts(b, ".\n\n| risk | change | kind | arch | name | detail |\n"
		              "| --- | --- | --- | --- | --- | --- |\n");
		for (size_t i = 0; i < nrows; i++) {
			const struct tl_diff_item *it = rows[i].it;

			tl_sb_puts(b, "| ");
			md_risk(b, it->risk);
			tl_sb_printf(b, " | %s | %s | %s | ", tl_diff_change_name(it->change),
			             tl_diff_kind_name(it->kind),
			             rows[i].arches[0] ? rows[i].arches : "");
			md_code(b, it->name);
			tl_sb_puts(b, " | ");
			md_text(b, it->detail);
			tl_sb_puts(b, " |\n");
			details |= it->reason || it->ncallsites;
		}
	}
	if (details) {
		tl_sb_puts(b,
		           "\n<details>\n<summary>Why these changes matter, and who made the new "
		           "calls</summary>\n\n");
		for (size_t i = 0; i < nrows; i++) {
			const struct tl_diff_item *it = rows[i].it;

			if (!it->reason && !it->ncallsites)
				continue;
			tl_sb_puts(b, "- ");
			md_risk(b, it->risk);
			tl_sb_printf(b, " %s %s ", tl_diff_kind_name(it->kind),
			             tl_diff_change_name(it->change));
			md_code(b, it->name);
			if (rows[i].arches[0])
				tl_sb_printf(b, " (%s)", rows[i].arches);
			if (it->reason) {
				tl_sb_puts(b, ": ");
				md_text(b, it->reason);
			}
			tl_sb_puts(b, "\n");
			for (size_t k = 0; k < it->ncallsites; k++) {
				struct tl_sb cs = {0};
				char *s;

				callsite_text(&cs, &it->callsites[k]);
				s = tl_sb_take(&cs);
				tl_sb_puts(b, "  - ");
				if (s)
					md_code(b, s);
				else
					b->oom = true;
				tl_sb_puts(b, "\n");
				free(s);
			}
		}
		tl_sb_puts(b, "\n</details>\n");
	}
	for (size_t i = 0; d->notes && d->notes[i]; i++) {
		tl_sb_puts(b, i ? "> " : "\n> ");
		tl_sb_puts(b, "note: ");
		md_text(b, d->notes[i]);
		tl_sb_puts(b, "\n");
	}
}

/* ---- JSON --------------------------------------------------------------------------- */

static void put(json_object *o, const char *key, json_object *v, bool *oom)
{
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		*oom = true;
	}
}

static void push(json_object *a, json_object *v, bool *oom)
{
	if (!v || json_object_array_add(a, v) < 0) {
		json_object_put(v);
		*oom = true;
	}
}

static json_object *str_or_null(const char *s, bool *oom)
{
	json_object *v;

	if (!s)
		return NULL;
	v = json_object_new_string(s);
	if (!v)
		*oom = true;
	return v;
}

static json_object *side_json(const struct tl_diff_side *s, bool *oom)
{
	json_object *o;

	if (!s)
		return NULL;
	o = json_object_new_object();
	if (!o) {
		*oom = true;
		return NULL;
	}
	put(o, "file", str_or_null(s->file, oom), oom);
	put(o, "kind", json_object_new_string(s->is_trace ? "trace" : "profile"), oom);
	put(o, "format", json_object_new_string(s->format ? s->format : "?"), oom);
	if (s->is_trace) {
		put(o, "runs", json_object_new_uint64(s->trace.nruns), oom);
		put(o, "complete", json_object_new_boolean(tl_trace_complete(&s->trace)), oom);
	}
	return o;
}

static json_object *callsite_json(const struct tl_callsite *c, bool *oom)
{
	json_object *o = json_object_new_object(), *frames = json_object_new_array();
	struct tl_sb t = {0};

	if (!o || !frames) {
		json_object_put(o);
		json_object_put(frames);
		*oom = true;
		return NULL;
	}
	put(o, "abi", json_object_new_string(tl_abi_name((enum tl_abi)c->abi)), oom);
	put(o, "program", json_object_new_string(c->program ? c->program : ""), oom);
	if (c->detail)
		put(o, "detail", json_object_new_string(c->detail), oom);
	for (size_t i = 0; i < c->nframes; i++) {
		const struct tl_frame *f = &c->frames[i];
		json_object *fo = json_object_new_object();

		if (fo) {
			put(fo, "file", str_or_null(f->file, oom), oom);
			put(fo, "symbol", str_or_null(f->symbol, oom), oom);
			put(fo, "symoff", json_object_new_uint64(f->symoff), oom);
			put(fo, "offset", json_object_new_uint64(f->offset), oom);
			if (f->build_id)
				put(fo, "build_id", json_object_new_string(f->build_id), oom);
		}
		push(frames, fo, oom);
	}
	put(o, "frames", frames, oom);
	callsite_text(&t, c);
	{
		char *s = tl_sb_take(&t);

		put(o, "text", s ? json_object_new_string(s) : NULL, oom);
		*oom |= !s;
		free(s);
	}
	return o;
}

static int render_json(struct tl_sb *b, const struct tl_diff *d, const struct tl_diff_side *os,
                       const struct tl_diff_side *ns)
{
	json_object *root = json_object_new_object(), *changes = json_object_new_array();
	json_object *notes = json_object_new_array(), *sum = json_object_new_object();
	json_object *by_risk = json_object_new_object(), *by_change = json_object_new_object();
	bool oom = !root || !changes || !notes || !sum || !by_risk || !by_change;
	struct counts c;
	char *text = NULL;
	size_t len;
	int r;

	if (oom) {
		json_object_put(root);
		json_object_put(changes);
		json_object_put(notes);
		json_object_put(sum);
		json_object_put(by_risk);
		json_object_put(by_change);
		return tl_err(ENOMEM, "out of memory");
	}
	count_items(d, &c);
	put(root, "tailor_diff", json_object_new_int(1), &oom);
	put(root, "old", side_json(os, &oom), &oom);
	put(root, "new", side_json(ns, &oom), &oom);
	for (size_t i = 0; i < d->n; i++) {
		const struct tl_diff_item *it = &d->items[i];
		json_object *o = json_object_new_object(), *cs = json_object_new_array();

		if (!o || !cs) {
			json_object_put(o);
			json_object_put(cs);
			oom = true;
			break;
		}
		put(o, "kind", json_object_new_string(tl_diff_kind_name(it->kind)), &oom);
		put(o, "change", json_object_new_string(tl_diff_change_name(it->change)), &oom);
		put(o, "arch", str_or_null(it->arch, &oom), &oom);
		put(o, "name", json_object_new_string(it->name), &oom);
		put(o, "risk", json_object_new_string(tl_risk_name(it->risk)), &oom);
		put(o, "reason", str_or_null(it->reason, &oom), &oom);
		put(o, "detail", json_object_new_string(it->detail), &oom);
		for (size_t k = 0; k < it->ncallsites; k++)
			push(cs, callsite_json(&it->callsites[k], &oom), &oom);
		put(o, "callsites", cs, &oom);
		push(changes, o, &oom);
	}
	put(root, "changes", changes, &oom);
	for (size_t i = 0; d->notes && d->notes[i]; i++)
		push(notes, json_object_new_string(d->notes[i]), &oom);
	put(root, "notes", notes, &oom);
	for (int k = TL_RISK_LOW; k <= TL_RISK_CRITICAL; k++)
		put(by_risk, tl_risk_name((enum tl_risk)k), json_object_new_uint64(c.risk[k]),
		    &oom);
	for (int k = TL_DIFF_ADDED; k <= TL_DIFF_REMOVED; k++)
		put(by_change, tl_diff_change_name((enum tl_diff_change)k),
		    json_object_new_uint64(c.change[k]), &oom);
	put(sum, "total", json_object_new_uint64(d->n), &oom);
	put(sum, "risky", json_object_new_uint64(c.risky), &oom);
	put(sum, "risk", by_risk, &oom);
	put(sum, "change", by_change, &oom);
	put(root, "summary", sum, &oom);
	r = oom ? tl_err(ENOMEM, "out of memory") : tl_json_dump(root, &text, &len);
	json_object_put(root);
	if (!r)
		tl_sb_puts(b, text);
	free(text);
	return r;
}

int tl_diff_render(const struct tl_diff *d, const struct tl_diff_side *old,
                   const struct tl_diff_side *new, enum tl_diff_format f, bool color, char **out,
                   size_t *len)
{
	struct tl_sb b = {0};
	struct row *rows = NULL;
	size_t nrows = 0;
	int r = 0;

	*out = NULL;
	*len = 0;
	if (f != TL_DIFF_JSON && (r = make_rows(d, &rows, &nrows)))
		return r;
	switch (f) {
	case TL_DIFF_TEXT:
		render_text(&b, d, rows, nrows, old, new, color);
		break;
	case TL_DIFF_MARKDOWN:
		render_markdown(&b, d, rows, nrows, old, new);
		break;
	case TL_DIFF_JSON:
		r = render_json(&b, d, old, new);
		break;
	default:
		r = tl_err(EINVAL, "invalid diff format %d", (int)f);
	}
	free(rows);
	if (r) {
		free(tl_sb_take(&b));
		return r;
	}
	*len = b.len;
	*out = tl_sb_take(&b);
	return *out ? 0 : tl_err(ENOMEM, "out of memory");
}
