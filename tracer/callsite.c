// SPDX-License-Identifier: Apache-2.0
/*
 * Callsites: the user stacks the kernel sends for a syscall's first call and
 * for new argument values.  Frames arrive as (build id, file offset), or as
 * raw addresses when the kernel could not read the build id.  At event time,
 * while the process still exists, /proc/PID/maps names the files (opened
 * through /proc/PID/map_files, so deleted binaries work too); at the end
 * every frame is symbolized from those files (tracer/symbolize.c).
 *
 * The kernel walks frame pointers.  A libc syscall wrapper has no frame, so
 * the walk skips its caller; the word at the stack pointer is that caller's
 * return address, and is put back as frame 1 when frame 0's function has no
 * frame-pointer prologue and the word points just after a call instruction
 * in an executable mapping.  Needs the process alive at event time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tailor/common.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"
#include "tracer_int.h"

struct cs_frame {
	struct tl_sym_module *mod; /* NULL: file unknown */
	uint8_t id[TL_BUILD_ID_MAX];
	bool has_id;
	bool is_addr;    /* offset is an absolute address (no file known) */
	bool is_return;  /* a return address (symbolize offset - 1) */
	uint64_t offset; /* file offset, or address */
};

struct cs_pending {
	uint32_t target, abi, nr;
	uint64_t image;
	bool first;
	uint8_t newmask;
	uint8_t index[TL_ARGS_PER_CALL];
	uint64_t value[TL_ARGS_PER_CALL];
	size_t nframes;
	struct cs_frame frames[TL_STACK_MAX + 1];
};

struct tl_callsites {
	struct tl_symbolizer *sym;
	size_t n, cap;
	struct cs_pending *v;
	size_t nhints;
	char **hints;
	bool self_scanned;
};

int tl_callsites_new(struct tl_callsites **out)
{
	struct tl_callsites *cs = calloc(1, sizeof(*cs));
	int err;

	*out = NULL;
	if (!cs)
		return tl_err(ENOMEM, "out of memory");
	err = tl_sym_new(&cs->sym);
	if (err) {
		free(cs);
		return err;
	}
	*out = cs;
	return 0;
}

void tl_callsites_free(struct tl_callsites *cs)
{
	if (!cs)
		return;
	tl_sym_free(cs->sym);
	free(cs->v);
	for (size_t i = 0; i < cs->nhints; i++)
		free(cs->hints[i]);
	free(cs->hints);
	free(cs);
}

int tl_callsites_hint(struct tl_callsites *cs, const char *path)
{
	char **h;

	if (!cs || !path || path[0] != '/')
		return 0;
	for (size_t i = 0; i < cs->nhints; i++)
		if (!strcmp(cs->hints[i], path))
			return 0;
	h = realloc(cs->hints, (cs->nhints + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	cs->hints = h;
	h[cs->nhints] = strdup(path);
	if (!h[cs->nhints])
		return -ENOMEM;
	cs->nhints++;
	return 0;
}

/* ---- /proc/PID/maps ------------------------------------------------------------ */

struct mapping {
	uint64_t start, end, pgoff;
	char *path; /* into the maps buffer, " (deleted)" removed; NULL: anonymous (JIT) */
};

struct maps {
	pid_t pid;
	char *buf;
	size_t n;
	struct mapping *v;
};

/* Executable mappings of pid; false when the process is gone. */
static bool maps_read(struct maps *mp, pid_t pid)
{
	char path[64], *line, *save = NULL;
	size_t len = 0, cap = 0;

	memset(mp, 0, sizeof(*mp));
	mp->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if (tl_read_file(path, &mp->buf, &len, 64 << 20))
		return false;
	for (line = strtok_r(mp->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end, pgoff, ino;
		char perms[8];
		int pos = 0;
		char *p, *del;

		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu %n", &start, &end, perms, &pgoff,
		           &ino, &pos) < 5 ||
		    !pos || !strchr(perms, 'x'))
			continue;
		p = line + pos;
		if (p[0] == '/') {
			del = strstr(p, " (deleted)");
			if (del && !del[10])
				*del = 0;
		} else {
			p = NULL; /* [vdso], anonymous JIT code: code, but no file */
		}
		if (mp->n == cap) {
			struct mapping *v = realloc(mp->v, (cap = cap ? 2 * cap : 32) * sizeof(*v));

			if (!v)
				break;
			mp->v = v;
		}
		mp->v[mp->n++] = (struct mapping){start, end, pgoff, p};
	}
	return true;
}

static void maps_free(struct maps *mp)
{
	free(mp->v);
	free(mp->buf);
	memset(mp, 0, sizeof(*mp));
}

static const struct mapping *maps_find(const struct maps *mp, uint64_t addr)
{
	for (size_t i = 0; i < mp->n; i++)
		if (addr >= mp->v[i].start && addr < mp->v[i].end)
			return &mp->v[i];
	return NULL;
}

/* The module of a mapping, opened through map_files (works when deleted). */
static struct tl_sym_module *maps_module(struct tl_callsites *cs, const struct maps *mp,
                                         const struct mapping *m)
{
	char mf[96];
	struct tl_sym_module *mod;

	if (!m->path)
		return NULL;
	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, mp->pid, m->start,
	         m->end);
	mod = tl_sym_open(cs->sym, mf, m->path);
	return mod ? mod : tl_sym_open(cs->sym, m->path, m->path);
}

/* Find the module of a build id among the process's mappings. */
static struct tl_sym_module *maps_module_by_id(struct tl_callsites *cs, const struct maps *mp,
                                               const uint8_t id[TL_BUILD_ID_MAX])
{
	for (size_t i = 0; i < mp->n; i++) {
		/* One mapping per file is enough: skip repeats of the previous path. */
		if (!mp->v[i].path ||
		    (i && mp->v[i - 1].path && !strcmp(mp->v[i].path, mp->v[i - 1].path)))
			continue;
		maps_module(cs, mp, &mp->v[i]);
	}
	return tl_sym_by_build_id(cs->sym, id);
}

/* ---- events ------------------------------------------------------------------- */

/* The frame the frame-pointer walk skipped (see the top of the file), if any. */
static void add_skipped_caller(struct tl_callsites *cs, const struct maps *mp, struct cs_pending *p,
                               uint64_t word)
{
	const struct mapping *m;
	struct tl_sym_module *mod;
	uint64_t off;

	if (!(m = maps_find(mp, word)))
		return;
	mod = maps_module(cs, mp, m);
	off = word - m->start + m->pgoff;
	if (!mod || !tl_sym_after_call(mod, off))
		return;
	if (p->nframes > 1 && p->frames[1].mod == mod && p->frames[1].offset == off)
		return; /* the walk has it */
	memmove(&p->frames[2], &p->frames[1], (p->nframes - 1) * sizeof(p->frames[0]));
	p->frames[1] = (struct cs_frame){.mod = mod, .offset = off, .is_return = true};
	p->nframes++;
}

int tl_callsites_on_event(struct tl_callsites *cs, const struct tl_ev_callsite *e)
{
	struct cs_pending *p;
	struct maps mp = {0};
	bool have_maps = false, tried = false;
	size_t nf;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? 2 * cs->cap : 64;
		struct cs_pending *v = realloc(cs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cs->v = v;
		cs->cap = cap;
	}
	p = &cs->v[cs->n];
	memset(p, 0, sizeof(*p));
	p->target = e->target;
	p->abi = e->abi;
	p->nr = e->nr;
	p->image = e->image;
	p->first = e->first;
	p->newmask = e->newmask;
	memcpy(p->index, e->index, sizeof(p->index));
	memcpy(p->value, e->value, sizeof(p->value));
	nf = e->stack_bytes > 0 ? (size_t)e->stack_bytes / sizeof(e->frames[0]) : 0;
	if (nf > TL_STACK_MAX)
		nf = TL_STACK_MAX;
	for (size_t i = 0; i < nf; i++) {
		const struct tl_stack_frame *k = &e->frames[i];
		struct cs_frame *f = &p->frames[p->nframes];

		if (k->status == TL_STACK_BID_EMPTY)
			break;
		f->is_return = p->nframes > 0;
		f->offset = k->offset;
		/*
		 * An address below every mapping: the kernel takes the next mapping
		 * (find_vma) and gives a negative offset in it.  Not code: the end.
		 */
		if (k->status == TL_STACK_BID_VALID && k->offset >= (1ULL << 47))
			break;
		if (k->status == TL_STACK_BID_VALID) {
			f->has_id = true;
			memcpy(f->id, k->build_id, TL_BUILD_ID_MAX);
			f->mod = tl_sym_by_build_id(cs->sym, f->id);
		} else {
			f->is_addr = true;
		}
		if (!f->mod && !tried) {
			have_maps = maps_read(&mp, (pid_t)e->pid);
			tried = true;
		}
		if (!f->mod && have_maps) {
			if (f->has_id) {
				f->mod = maps_module_by_id(cs, &mp, f->id);
			} else {
				const struct mapping *m = maps_find(&mp, f->offset);

				/* Not code: the frame-pointer walk went through a frame
				 * without one and read data; the rest is noise. */
				if (!m && p->nframes)
					break;
				if (m && (f->mod = maps_module(cs, &mp, m))) {
					f->offset = f->offset - m->start + m->pgoff;
					f->is_addr = false;
				}
			}
		} else if (f->is_addr && p->nframes &&
		           (f->offset < 4096 || f->offset > 0x7fffffffffffULL ||
		            f->offset - e->sp + (64ULL << 20) < (128ULL << 20))) {
			break; /* not code: null, kernel-space or a stack address */
		}
		p->nframes++;
	}
	/* Frame 0's function keeps no frame: its caller is missing (see the top). */
	if (e->sp_word && p->nframes && p->frames[0].mod && !p->frames[0].is_addr &&
	    !tl_sym_has_frame(p->frames[0].mod, p->frames[0].offset)) {
		if (!tried)
			have_maps = maps_read(&mp, (pid_t)e->pid);
		if (have_maps)
			add_skipped_caller(cs, &mp, p, e->sp_word);
	}
	maps_free(&mp);
	cs->n++;
	return 0;
}

/* ---- the trace ------------------------------------------------------------------ */

/* tailor's own libraries (libc, ld.so) are likely the target's: known build ids. */
static void scan_self(struct tl_callsites *cs)
{
	struct maps mp;

	if (cs->self_scanned)
		return;
	cs->self_scanned = true;
	if (!maps_read(&mp, getpid()))
		return;
	for (size_t i = 0; i < mp.n; i++)
		if (mp.v[i].path &&
		    (!i || !mp.v[i - 1].path || strcmp(mp.v[i].path, mp.v[i - 1].path)))
			tl_sym_open(cs->sym, mp.v[i].path, mp.v[i].path);
	maps_free(&mp);
}

/* A file for a build id the process's maps did not give (it had exited). */
static struct tl_sym_module *late_module(struct tl_callsites *cs, const uint8_t *id)
{
	struct tl_sym_module *m = tl_sym_by_build_id(cs->sym, id);

	/* The binaries themselves first, the debug directory last: it names no binary. */
	for (size_t i = 0; !m && i < cs->nhints; i++) {
		tl_sym_open(cs->sym, cs->hints[i], cs->hints[i]);
		m = tl_sym_by_build_id(cs->sym, id);
	}
	if (!m) {
		scan_self(cs);
		m = tl_sym_locate(cs->sym, id, NULL);
	}
	return m;
}

static void hex_id(const uint8_t *id, char *hex)
{
	size_t n = TL_BUILD_ID_MAX;

	/* Unknown length: the kernel zero-pads; trailing zero bytes are padding. */
	while (n > 1 && !id[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
}

static int make_frame(struct tl_callsites *cs, struct cs_frame *f, struct tl_frame *out)
{
	char hex[2 * TL_BUILD_ID_MAX + 1] = "";
	const char *name;
	uint64_t symoff;

	memset(out, 0, sizeof(*out));
	if (!f->mod && f->has_id)
		f->mod = late_module(cs, f->id);
	out->offset = f->offset;
	if (f->mod) {
		out->file = strdup(tl_sym_path(f->mod));
		if (!out->file)
			return -ENOMEM;
		if (tl_sym_build_id(f->mod)[0])
			snprintf(hex, sizeof(hex), "%s", tl_sym_build_id(f->mod));
		if (tl_sym_lookup(f->mod, f->offset - (f->is_return && f->offset), &name,
		                  &symoff)) {
			out->symbol = strdup(name);
			if (!out->symbol)
				return -ENOMEM;
			out->symoff = symoff + (f->is_return && f->offset);
		}
	} else if (f->has_id) {
		hex_id(f->id, hex);
	}
	if (hex[0] && !(out->build_id = strdup(hex)))
		return -ENOMEM;
	return 0;
}

static void frames_free(struct tl_frame *fr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(fr[i].file);
		free(fr[i].build_id);
		free(fr[i].symbol);
	}
}

static int add_one(struct tl_trace *trace, struct tl_callsite *c, const char *detail)
{
	int err;

	c->detail = (char *)detail;
	err = tl_trace_add_callsite(trace, c);
	c->detail = NULL;
	return err;
}

int tl_callsites_collect(struct tl_callsites *cs, uint32_t target, struct tl_trace *trace,
                         tl_image_path_fn image_path, void *ctx)
{
	struct tl_frame frames[TL_STACK_MAX + 1];
	int err = 0;

	for (size_t i = 0; i < cs->n && !err; i++) {
		struct cs_pending *p = &cs->v[i];
		struct tl_callsite c = {0};
		struct tl_syscall *s;
		size_t nf = 0;

		if (p->target != target || p->abi >= TL_ABI_COUNT)
			continue;
		s = tl_trace_syscall(trace, (enum tl_abi)p->abi, NULL, (int32_t)p->nr);
		if (!s)
			return tl_err(ENOMEM, "out of memory");
		for (; nf < p->nframes && !err; nf++) {
			struct cs_frame *f = &p->frames[nf];

			if (!f->mod && f->has_id)
				f->mod = late_module(cs, f->id);
			/* a return address outside code: data read as a frame, the end */
			if (nf && f->mod && !f->is_addr && !tl_sym_in_code(f->mod, f->offset - 1))
				break;
			err = make_frame(cs, f, &frames[nf]);
		}
		c.abi = p->abi;
		c.syscall = s->name;
		c.program = (char *)image_path(ctx, p->image);
		c.nframes = nf;
		c.frames = frames;
		if (!err && p->first)
			err = add_one(trace, &c, NULL);
		for (int k = 0; !err && k < TL_ARGS_PER_CALL; k++) {
			char detail[48];

			if (!(p->newmask & (1u << k)))
				continue;
			snprintf(detail, sizeof(detail), "arg%u=0x%" PRIx64, p->index[k],
			         p->value[k]);
			err = add_one(trace, &c, detail);
		}
		frames_free(frames, nf);
		if (err == -ENOMEM)
			err = tl_err(ENOMEM, "out of memory");
	}
	return err;
}

void tl_callsites_forget(struct tl_callsites *cs, uint32_t target)
{
	size_t w = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].target != target)
			cs->v[w++] = cs->v[i];
	cs->n = w;
}
