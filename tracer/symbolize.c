// SPDX-License-Identifier: Apache-2.0
/*
 * Symbolization of user stack frames: ELF modules (by build id or file),
 * file offset -> virtual address through PT_LOAD headers, function symbols
 * from .symtab, else from the separate debug file
 * (/usr/lib/debug/.build-id/xx/rest.debug), else from .dynsym.  A module
 * keeps its file descriptor (up to a limit) so that a binary deleted or
 * replaced after it was seen still symbolizes; symbols load on first use.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tailor/common.h"
#include "tailor/tracer.h"

#define MAX_OPEN_FDS 256 /* modules past this close their file: reopened by name if needed */
#define DEBUG_DIR    "/usr/lib/debug/.build-id"

struct load_seg {
	uint64_t off, filesz, vaddr, memsz;
	bool exec;
};

struct sym {
	uint64_t addr, size;
	char *name;
	int rank; /* among aliases the lowest rank wins (see sym_rank) */
};

struct tl_sym_module {
	char *path;
	uint8_t id[TL_BUILD_ID_MAX];
	size_t id_len; /* 0: no build id */
	char id_hex[2 * TL_BUILD_ID_MAX + 1];
	dev_t dev;
	ino_t ino;
	int fd; /* -1 once closed */
	size_t nsegs;
	struct load_seg *segs;
	bool debug_only; /* a separate debug file: PT_LOAD offsets are not the binary's */
	bool syms_loaded;
	size_t nsyms;
	struct sym *syms; /* sorted by addr, then rank */
};

struct tl_symbolizer {
	size_t n, cap;
	struct tl_sym_module **mods;
	int open_fds;
};

/* ---- ELF helpers -------------------------------------------------------------- */

static bool elf_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

/* The GNU build id in the notes of d (copied to id, zero-padded): its length, 0 if none. */
static size_t note_build_id(Elf_Data *d, uint8_t id[TL_BUILD_ID_MAX])
{
	GElf_Nhdr nh;
	size_t off = 0, noff, doff;

	while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)d->d_buf + noff, "GNU", 4) && nh.n_descsz > 0) {
			size_t n = nh.n_descsz < TL_BUILD_ID_MAX ? nh.n_descsz : TL_BUILD_ID_MAX;

			memset(id, 0, TL_BUILD_ID_MAX);
			memcpy(id, (char *)d->d_buf + doff, n);
			return n;
		}
	}
	return 0;
}

/* The GNU build id note, from note sections or, without sections, PT_NOTE. */
static size_t read_build_id(Elf *elf, uint8_t id[TL_BUILD_ID_MAX])
{
	Elf_Scn *scn = NULL;
	size_t nph = 0, n;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if ((n = note_build_id(elf_getdata(scn, NULL), id)))
			return n;
	}
	if (elf_getphdrnum(elf, &nph))
		return 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		n = note_build_id(elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR),
		                  id);
		if (n)
			return n;
	}
	return 0;
}

static int read_segs(Elf *elf, struct tl_sym_module *m)
{
	size_t nph = 0;

	if (elf_getphdrnum(elf, &nph) || !nph)
		return 0;
	m->segs = calloc(nph, sizeof(*m->segs));
	if (!m->segs)
		return -ENOMEM;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		m->segs[m->nsegs++] = (struct load_seg){ph.p_offset, ph.p_filesz, ph.p_vaddr,
		                                        ph.p_memsz, (ph.p_flags & PF_X) != 0};
		/* objcopy --only-keep-debug: code segments keep their size, not their bytes */
		if ((ph.p_flags & PF_X) && !ph.p_filesz && ph.p_memsz)
			m->debug_only = true;
	}
	return 0;
}

static bool off_to_vaddr(const struct tl_sym_module *m, uint64_t off, uint64_t *vaddr)
{
	if (m->debug_only) {
		/*
		 * The binary's file offsets are lost: assume the usual GNU ld
		 * layout, where code is mapped at its file offset (libc, PIEs).
		 */
		for (size_t i = 0; i < m->nsegs; i++)
			if (m->segs[i].exec && off >= m->segs[i].vaddr &&
			    off < m->segs[i].vaddr + m->segs[i].memsz) {
				*vaddr = off;
				return true;
			}
		return false;
	}
	for (size_t i = 0; i < m->nsegs; i++)
		if (off >= m->segs[i].off && off < m->segs[i].off + m->segs[i].filesz) {
			*vaddr = off - m->segs[i].off + m->segs[i].vaddr;
			return true;
		}
	return false;
}

static bool vaddr_to_off(const struct tl_sym_module *m, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < m->nsegs; i++)
		if (vaddr >= m->segs[i].vaddr && vaddr < m->segs[i].vaddr + m->segs[i].filesz) {
			*off = vaddr - m->segs[i].vaddr + m->segs[i].off;
			return true;
		}
	return false;
}

/*
 * Among aliases at one address (getpriority / __getpriority, weak and
 * strong), prefer a global name without leading underscores, then the
 * shortest, then the first in byte order: deterministic output.
 */
static int sym_rank(const char *name, unsigned bind)
{
	int r = 0;

	if (name[0] == '_')
		r += 4;
	if (bind != STB_GLOBAL)
		r += 2;
	return r;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	size_t lx, ly;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	lx = strlen(x->name);
	ly = strlen(y->name);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Function symbols of one symbol table section type; 0 or -ENOMEM. */
static int read_syms(Elf *elf, Elf64_Word type, struct tl_sym_module *m)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t count;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym s;
			const char *name;
			struct sym *n;
			unsigned t;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			t = GELF_ST_TYPE(s.st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF ||
			    !s.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !strcspn(name, "@"))
				continue;
			if (m->nsyms % 1024 == 0) {
				n = realloc(m->syms, (m->nsyms + 1024) * sizeof(*n));
				if (!n)
					return -ENOMEM;
				m->syms = n;
			}
			n = &m->syms[m->nsyms];
			/* "clock_nanosleep@@GLIBC_2.17" in .symtab: the version is noise here */
			n->name = strndup(name, strcspn(name, "@"));
			if (!n->name)
				return -ENOMEM;
			n->addr = s.st_value;
			n->size = s.st_size;
			n->rank = sym_rank(name, GELF_ST_BIND(s.st_info));
			m->nsyms++;
		}
		return 0;
	}
	return 0;
}

static bool has_section(Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			return true;
	return false;
}

/* Symbols from the fd (or the debug file by build id); failures leave none. */
static void load_syms(struct tl_sym_module *m)
{
	Elf *elf = NULL, *dbg = NULL;
	int dfd = -1;

	if (m->syms_loaded)
		return;
	m->syms_loaded = true;
	if (!elf_ready())
		return;
	if (m->fd < 0) {
		/* Past MAX_OPEN_FDS: the file by its name, if it is still the same. */
		struct stat st;

		m->fd = open(m->path, O_RDONLY | O_CLOEXEC);
		if (m->fd < 0)
			return;
		if (fstat(m->fd, &st) || st.st_dev != m->dev || st.st_ino != m->ino) {
			close(m->fd);
			m->fd = -1;
			return;
		}
	}
	elf = elf_begin(m->fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return;
	if (has_section(elf, SHT_SYMTAB)) {
		read_syms(elf, SHT_SYMTAB, m);
	} else {
		if (m->id_len) {
			char path[sizeof(DEBUG_DIR) + 2 * TL_BUILD_ID_MAX + 16];

			snprintf(path, sizeof(path), DEBUG_DIR "/%.2s/%s.debug", m->id_hex,
			         m->id_hex + 2);
			dfd = open(path, O_RDONLY | O_CLOEXEC);
			if (dfd >= 0)
				dbg = elf_begin(dfd, ELF_C_READ_MMAP, NULL);
		}
		if (dbg && has_section(dbg, SHT_SYMTAB))
			read_syms(dbg, SHT_SYMTAB, m);
		else
			read_syms(elf, SHT_DYNSYM, m);
	}
	if (m->nsyms)
		qsort(m->syms, m->nsyms, sizeof(*m->syms), cmp_sym);
	if (dbg)
		elf_end(dbg);
	if (dfd >= 0)
		close(dfd);
	elf_end(elf);
}

/* ---- the cache ----------------------------------------------------------------- */

int tl_sym_new(struct tl_symbolizer **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : tl_err(ENOMEM, "out of memory");
}

static void module_free(struct tl_sym_module *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	for (size_t i = 0; i < m->nsyms; i++)
		free(m->syms[i].name);
	free(m->syms);
	free(m->segs);
	free(m->path);
	free(m);
}

void tl_sym_free(struct tl_symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		module_free(s->mods[i]);
	free(s->mods);
	free(s);
}

struct tl_sym_module *tl_sym_by_build_id(struct tl_symbolizer *s, const uint8_t id[TL_BUILD_ID_MAX])
{
	for (size_t i = 0; i < s->n; i++)
		if (s->mods[i]->id_len && !memcmp(s->mods[i]->id, id, TL_BUILD_ID_MAX))
			return s->mods[i];
	return NULL;
}

struct tl_sym_module *tl_sym_open(struct tl_symbolizer *s, const char *open_path, const char *path)
{
	struct tl_sym_module *m = NULL, *known, **mods;
	struct stat st;
	Elf *elf = NULL;
	int fd;

	if (!elf_ready())
		return NULL;
	fd = open(open_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto fail;
	for (size_t i = 0; i < s->n; i++)
		if (s->mods[i]->dev == st.st_dev && s->mods[i]->ino == st.st_ino) {
			close(fd);
			return s->mods[i];
		}
	m = calloc(1, sizeof(*m));
	if (!m)
		goto fail;
	m->fd = fd;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		goto fail;
	m->id_len = read_build_id(elf, m->id);
	for (size_t i = 0; i < m->id_len; i++)
		sprintf(m->id_hex + 2 * i, "%02x", m->id[i]);
	if (read_segs(elf, m))
		goto fail;
	elf_end(elf);
	elf = NULL;
	/* Another file with the same build id (a copy): the first one is as good. */
	if (m->id_len && (known = tl_sym_by_build_id(s, m->id))) {
		module_free(m);
		return known;
	}
	m->path = strdup(path);
	if (!m->path)
		goto fail;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;

		mods = realloc(s->mods, cap * sizeof(*mods));
		if (!mods)
			goto fail;
		s->mods = mods;
		s->cap = cap;
	}
	if (s->open_fds >= MAX_OPEN_FDS) {
		close(m->fd); /* reopened by name when its symbols are needed */
		m->fd = -1;
	} else {
		s->open_fds++;
	}
	s->mods[s->n++] = m;
	return m;
fail:
	if (elf)
		elf_end(elf);
	if (m)
		module_free(m); /* closes fd */
	else
		close(fd);
	return NULL;
}

struct tl_sym_module *tl_sym_locate(struct tl_symbolizer *s, const uint8_t id[TL_BUILD_ID_MAX],
                                    const char *hint)
{
	struct tl_sym_module *m = tl_sym_by_build_id(s, id);
	char hex[2 * TL_BUILD_ID_MAX + 1], path[sizeof(DEBUG_DIR) + 2 * TL_BUILD_ID_MAX + 16];
	size_t n = TL_BUILD_ID_MAX;

	if (m)
		return m;
	if (hint && hint[0]) {
		m = tl_sym_open(s, hint, hint);
		if (m && m->id_len && !memcmp(m->id, id, TL_BUILD_ID_MAX))
			return m;
	}
	while (n > 1 && !id[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	snprintf(path, sizeof(path), DEBUG_DIR "/%.2s/%s.debug", hex, hex + 2);
	m = tl_sym_open(s, path, path);
	if (m && m->id_len && !memcmp(m->id, id, TL_BUILD_ID_MAX))
		return m;
	return NULL;
}

const char *tl_sym_path(const struct tl_sym_module *m)
{
	return m->path;
}

const char *tl_sym_build_id(const struct tl_sym_module *m)
{
	return m->id_hex;
}

/* The best symbol containing vaddr: the last with addr <= vaddr, within its size. */
static const struct sym *find_sym(struct tl_sym_module *m, uint64_t vaddr)
{
	size_t lo = 0, hi;
	const struct sym *best;

	load_syms(m);
	hi = m->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* lo - 1 is the last alias at that address: go to the best-ranked one. */
	best = &m->syms[lo - 1];
	while (best > m->syms && best[-1].addr == best->addr)
		best--;
	/* A symbol without size (hand-written assembly) covers a few KiB at most. */
	if (!best->size && vaddr - best->addr >= 4096)
		return NULL;
	if (best->size && vaddr >= best->addr + best->size) {
		/* A nested or overlapping symbol may still contain it (rare). */
		for (const struct sym *p = best; p >= m->syms && vaddr - p->addr < (1u << 20); p--)
			if (p->size && vaddr < p->addr + p->size)
				return p;
		return NULL;
	}
	return best;
}

bool tl_sym_lookup(struct tl_sym_module *m, uint64_t off, const char **name, uint64_t *symoff)
{
	const struct sym *sy;
	uint64_t vaddr;

	if (!m || !off_to_vaddr(m, off, &vaddr))
		return false;
	sy = find_sym(m, vaddr);
	if (!sy)
		return false;
	*name = sy->name;
	*symoff = vaddr - sy->addr;
	return true;
}

static bool read_code(struct tl_sym_module *m, uint64_t off, uint8_t *buf, size_t n)
{
	return m->fd >= 0 && pread(m->fd, buf, n, (off_t)off) == (ssize_t)n;
}

bool tl_sym_after_call(struct tl_sym_module *m, uint64_t off)
{
	uint8_t b[7];

	if (!m || off < sizeof(b) || !read_code(m, off - sizeof(b), b, sizeof(b)))
		return false;
	/* b[6] is the byte before off. */
	if (b[2] == 0xe8) /* call rel32 */
		return true;
	if (b[5] == 0xff && ((b[6] & 0xf8) == 0xd0 || (b[6] & 0xf8) == 0x10)) /* *%reg, *(%reg) */
		return true;
	if (b[4] == 0xff && (b[5] & 0xf8) == 0x50) /* call *disp8(%reg) */
		return true;
	if (b[3] == 0xff && b[4] == 0x54) /* call *disp8(%reg,%reg,s) */
		return true;
	if (b[1] == 0xff && ((b[2] & 0xf8) == 0x90 || b[2] == 0x15)) /* disp32, *disp(%rip) */
		return true;
	return false;
}

bool tl_sym_in_code(const struct tl_sym_module *m, uint64_t off)
{
	if (!m || !m->nsegs || m->debug_only)
		return true; /* cannot tell */
	for (size_t i = 0; i < m->nsegs; i++)
		if (off >= m->segs[i].off && off < m->segs[i].off + m->segs[i].filesz)
			return m->segs[i].exec;
	return false;
}

bool tl_sym_has_frame(struct tl_sym_module *m, uint64_t off)
{
	static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};
	const struct sym *sy;
	uint64_t vaddr, start;
	uint8_t b[8];
	size_t i = 0;

	if (!m || !off_to_vaddr(m, off, &vaddr) || !(sy = find_sym(m, vaddr)) ||
	    !vaddr_to_off(m, sy->addr, &start) || !read_code(m, start, b, sizeof(b)))
		return false;
	if (!memcmp(b, endbr64, 4))
		i = 4;
	if (b[i] != 0x55) /* push %rbp */
		return false;
	i++;
	if (b[i] == 0x48) /* REX.W: x86_64 */
		i++;
	/* mov %rsp,%rbp: 89 e5 or 8b ec */
	return (b[i] == 0x89 && b[i + 1] == 0xe5) || (b[i] == 0x8b && b[i + 1] == 0xec);
}

int tl_build_id_parse(const char *hex, uint8_t id[TL_BUILD_ID_MAX])
{
	size_t n = strlen(hex);

	memset(id, 0, TL_BUILD_ID_MAX);
	if (!n || n % 2 || n > 2 * TL_BUILD_ID_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		unsigned v;

		if (sscanf(hex + i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[i + 1]))
			return -EINVAL;
		id[i / 2] = (uint8_t)v;
	}
	return 0;
}
