// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel facts the recorder needs at start (bpf/kinfo.bpf.c): the address
 * ranges of the functions that make NOAUDIT capability checks (events.h)
 * and whether the capability:cap_capable and sched_prepare_exec tracepoints exist.  One run of a
 * syscall program answers both in well under a millisecond.  Without it
 * (Linux < 5.16, or the program refused) the ranges come from
 * /proc/kallsyms, parsed by hand and read only up to the symbol after the
 * last name needed, and the caller looks for the tracepoint in the BTF.
 * Its object also creates the maps the two recorders share (tl_shared_maps).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tailor/common.h"
#include "kinfo.skel.h"
#include "tracer_int.h"

/* The kernel functions making NOAUDIT capability checks (see events.h). */
static const char *const noaudit_names[] = {
    "cap_vm_enough_memory",
    "security_vm_enough_memory_mm", /* 6.18 tail-calls cap_capable
                                       from the hook */
    "has_capability_noaudit",
    "has_ns_capability_noaudit",
    "ns_capable_noaudit",
    /* may /proc/kallsyms, /proc/modules show addresses? (CAP_SYSLOG, zeros if not) */
    "kallsyms_show_value",
};
_Static_assert(TL_ARRAY_SIZE(noaudit_names) <= TL_CAP_NOAUDIT_MAX, "too many NOAUDIT functions");

static void add_range(struct tl_kinfo *ki, uint64_t start, uint64_t end)
{
	if (ki->nnoaudit < TL_CAP_NOAUDIT_MAX && start && end > start)
		ki->noaudit[ki->nnoaudit++] = (struct tl_addr_range){.start = start, .end = end};
}

void tl_shared_maps_close(struct tl_shared_maps *shared)
{
	if (shared->marks >= 0)
		close(shared->marks);
	if (shared->handoff >= 0)
		close(shared->handoff);
	shared->marks = shared->handoff = -1;
}

void tl_kinfo_query(struct tl_kinfo *ki)
{
	struct kinfo_bpf *skel;
	LIBBPF_OPTS(bpf_test_run_opts, run);

	memset(ki, 0, sizeof(*ki));
	ki->cap_tracepoint = ki->prepare_tracepoint = -1;
	ki->shared.marks = ki->shared.handoff = -1;
	ki->prog = -1;
	skel = kinfo_bpf__open_and_load();
	if (!skel)
		return;
	/*
	 * A syscall program is sleepable: freeing it queues an RCU Tasks Trace
	 * grace period, and the command, started in that window, then took the
	 * kernel's slow unlock with a full barrier on every return from a
	 * syscall tracepoint (rcu_read_unlock_trace_special: ~20-30 ns per
	 * syscall here; docs/recorder.md).  Held until the recording ends.
	 */
	ki->prog = fcntl(bpf_program__fd(skel->progs.tl_kinfo), F_DUPFD_CLOEXEC, 3);
	/* Outlives the object: the recorders take it with bpf_map__reuse_fd. */
	ki->shared.marks = fcntl(bpf_map__fd(skel->maps.tl_marks), F_DUPFD_CLOEXEC, 3);
	ki->shared.handoff = fcntl(bpf_map__fd(skel->maps.tl_handoff), F_DUPFD_CLOEXEC, 3);
	if (ki->shared.marks < 0 || ki->shared.handoff < 0)
		tl_shared_maps_close(&ki->shared); /* the recorder makes its own */
	for (size_t i = 0; i < TL_ARRAY_SIZE(noaudit_names); i++) {
		size_t n = strlen(noaudit_names[i]) + 1;

		if (n > sizeof(skel->bss->tl_ki_name[i]) - 1)
			continue; /* the program masks the length with the size */
		memcpy(skel->bss->tl_ki_name[i], noaudit_names[i], n);
		skel->bss->tl_ki_len[i] = (uint32_t)n;
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.tl_kinfo), &run) || run.retval)
		goto out;
	ki->cap_tracepoint = skel->bss->tl_ki_cap_tp >= 0;
	ki->prepare_tracepoint = skel->bss->tl_ki_prepare_tp >= 0;
	for (size_t i = 0; i < TL_ARRAY_SIZE(noaudit_names); i++) {
		/* "name+0x0/0x30": the size follows the slash */
		const char *d = skel->bss->tl_ki_desc[i], *slash;
		uint64_t start = skel->bss->tl_ki_addr[i];

		if (!start)
			continue; /* not in this kernel (or inlined everywhere) */
		if (!memchr(d, 0, sizeof(skel->bss->tl_ki_desc[i])) || !(slash = strchr(d, '/')))
			goto out; /* cannot tell its size: ask kallsyms */
		add_range(ki, start, start + strtoull(slash + 1, NULL, 16));
	}
	ki->noaudit_known = true;
out:
	kinfo_bpf__destroy(skel);
}

/* ---- fallback: /proc/kallsyms --------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

struct ks_scan {
	struct tl_kinfo *ki;
	uint64_t want_end; /* start of the function whose end is the next address */
	size_t found, lines;
	bool nonzero, done;
};

/* One line "ADDR TYPE NAME[\t[MODULE]]"; sets done after the last range needed. */
static void ks_line(struct ks_scan *s, const char *p, const char *end)
{
	uint64_t addr = 0;
	const char *name;
	size_t len;
	char type;
	int v;

	while (p < end && (v = hexval(*p)) >= 0) {
		addr = addr << 4 | (uint64_t)v;
		p++;
	}
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return;
	if (!addr) {
		/* per-CPU symbols start at 0; with kptr_restrict every address does */
		if (!s->nonzero && ++s->lines > 64)
			s->done = true;
		return;
	}
	s->nonzero = true;
	type = p[1];
	name = p + 3;
	len = strcspn(name, "\t\n ");
	if (name + len > end)
		len = (size_t)(end - name);
	if (s->want_end && addr > s->want_end) {
		add_range(s->ki, s->want_end, addr);
		s->want_end = 0;
		if (s->found == TL_ARRAY_SIZE(noaudit_names)) {
			s->done = true;
			return;
		}
	}
	if (type != 'T' && type != 't')
		return;
	for (size_t i = 0; i < TL_ARRAY_SIZE(noaudit_names); i++)
		if (strlen(noaudit_names[i]) == len && !memcmp(name, noaudit_names[i], len)) {
			s->want_end = addr;
			s->found++;
		}
}

void tl_kinfo_noaudit_kallsyms(struct tl_kinfo *ki)
{
	/* Sorted by address within the core kernel: the functions come in any order. */
	struct ks_scan s = {.ki = ki};
	char buf[65536];
	size_t have = 0;
	int fd;

	ki->nnoaudit = 0;
	fd = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (!s.done) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		char *p = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		while (!s.done && (nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			ks_line(&s, p, nl);
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof(buf))
			have = 0; /* no line is this long: skip it */
	}
	close(fd);
	ki->noaudit_known = true;
}

struct tl_kbtf_obj tl_kinfo_object(void)
{
	struct tl_kbtf_obj o;

	o.elf = kinfo_bpf__elf_bytes(&o.size);
	return o;
}
