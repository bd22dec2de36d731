// SPDX-License-Identifier: Apache-2.0
/*
 * Paths the kernel resolved (bpf/path.bpf.h), in file and exec records: the
 * components of a file, innermost first, or a string and the components of
 * the directory it is relative to.  Here they are joined and "." and ".."
 * removed lexically: a symlink inside such a string is not resolved (the
 * directory part is).  A walk that never met the process's root is written
 * "unreachable:/..." and one cut at TL_FILE_DEPTH components
 * "truncated:/...": not absolute, so exporters skip them.
 */
#include <stdlib.h>
#include <string.h>

#include "tracer_int.h"

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

/* Append component (c, n) to an absolute path in b, lexically: "" and "." vanish, ".." pops. */
static void sb_component(struct strbuf *b, size_t root, const char *c, size_t n)
{
	if (!n || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (b->len > root && b->s[b->len - 1] != '/')
			b->len--;
		if (b->len > root)
			b->len--; /* the slash */
		if (b->s)
			b->s[b->len] = 0;
		return;
	}
	sb_add(b, "/", 1);
	sb_add(b, c, n);
}

bool tl_kpath_valid(const struct tl_ev_path *p, const char *data, size_t avail)
{
	if (avail < (size_t)p->name_len + p->dir_len)
		return false;
	/* Every string must end inside its part. */
	return !(p->name_len && data[p->name_len - 1]) &&
	       !(p->dir_len && data[p->name_len + p->dir_len - 1]);
}

char *tl_kpath_build(const struct tl_ev_path *p, const char *data)
{
	const char *comp[TL_FILE_DEPTH], *name = data;
	size_t ncomp = 0, root;
	struct strbuf b = {0};

	for (size_t i = p->name_len; i < (size_t)p->name_len + p->dir_len && ncomp < TL_FILE_DEPTH;
	     i += strlen(data + i) + 1)
		comp[ncomp++] = data + i;
	if (p->flags & TL_PATHF_UNREACHABLE)
		sb_add(&b, "unreachable:", 12);
	else if (p->flags & TL_PATHF_TRUNCATED)
		sb_add(&b, "truncated:", 10);
	else
		sb_add(&b, "", 0);
	root = b.len;
	if (!(p->name_len && name[0] == '/'))
		for (size_t i = ncomp; i > 0; i--)
			/* a detached dentry's name is "/": no component ("memfd:a/b" is one) */
			if (strcmp(comp[i - 1], "/"))
				sb_component(&b, root, comp[i - 1], strlen(comp[i - 1]));
	if (p->name_len) {
		for (const char *s = name; *s;) {
			size_t n = strcspn(s, "/");

			sb_component(&b, root, s, n);
			s += n;
			s += *s == '/';
		}
	}
	if (b.len == root)
		sb_add(&b, "/", 1);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
