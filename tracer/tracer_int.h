/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to tracer/: shared between its files. */
#ifndef TAILOR_TRACER_INT_H
#define TAILOR_TRACER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "tailor/events.h"
#include "tailor/trace.h"
#include "tailor/tracer.h"

/* ---- argtable.c --------------------------------------------------------------- */

/* Names and numbers of the table agree with libseccomp (-EINVAL + message if not). */
int tl_argtable_check(void);
/* Load the table into the BPF array tl_argspec. */
int tl_argtable_fill(int map_fd);
/* Call fn for every (abi, nr, slot, argument index) the table records. */
int tl_argtable_each(int (*fn)(void *ctx, uint32_t abi, uint32_t nr, uint32_t slot, uint32_t index),
                     void *ctx);

/* ---- callsite.c ----------------------------------------------------------------- */

struct tl_callsites;

int tl_callsites_new(struct tl_callsites **out);
void tl_callsites_free(struct tl_callsites *cs);
/*
 * A callsite record from the ring buffer: resolve its frames to files now,
 * while the process (and its /proc/PID/maps) still exists.  Failures only
 * degrade the frames; -ENOMEM is the only error.
 */
int tl_callsites_on_event(struct tl_callsites *cs, const struct tl_ev_callsite *e);
/* Binaries worth trying for build ids never resolved (exec'ed programs). */
int tl_callsites_hint(struct tl_callsites *cs, const char *path);

/* The program path of an image id ("" if unknown). */
typedef const char *(*tl_image_path_fn)(void *ctx, uint64_t image);

/* Symbolize and add target's callsites to the trace. */
int tl_callsites_collect(struct tl_callsites *cs, uint32_t target, struct tl_trace *trace,
                         tl_image_path_fn image_path, void *ctx);
/* Drop target's callsites (a container slot is reused). */
void tl_callsites_forget(struct tl_callsites *cs, uint32_t target);

/* ---- kpath.c: paths the kernel resolved (bpf/path.bpf.h) ------------------------------- */

/* Does data (avail bytes after the record) hold p's string and components, each ending? */
bool tl_kpath_valid(const struct tl_ev_path *p, const char *data, size_t avail);
/* The path of p's data, joined and normalised; malloc'd, NULL: ENOMEM. */
char *tl_kpath_build(const struct tl_ev_path *p, const char *data);

/* ---- files.c: file accesses (bpf/files.bpf.c) ---------------------------------------- */

struct tl_files;
struct ring_buffer;

/* Maps the recorder and the file recorder share (bpf/common.bpf.h): fds, -1: none. */
struct tl_shared_maps {
	int marks;   /* tl_marks: the targets' task marks */
	int handoff; /* tl_handoff: who made the call the recorder hands to the file recorder */
};

/*
 * Load the file recorder sharing the recorder's maps (shared), put
 * its program in the recorder's tail-call slot (progs_fd, tl_file_progs),
 * flag the file syscalls in the recorder's argspec_fd (tl_argspec,
 * TL_ARGF_FILE: already filled) and add its records to rb.
 */
int tl_files_open(const struct tl_shared_maps *shared, int progs_fd, int argspec_fd,
                  struct ring_buffer *rb, struct tl_files **out);
/*
 * The same in two steps, so that the file recorder loads while the recorder
 * does (it is the slower one to verify): start loads it in a thread (the
 * shared maps must exist), finish waits for it, then fills the slots and adds
 * its records to rb.  On a failure of finish, f is freed.
 */
int tl_files_start(const struct tl_shared_maps *shared, struct tl_files **out);
int tl_files_finish(struct tl_files *f, int progs_fd, int argspec_fd, struct ring_buffer *rb);
void tl_files_free(struct tl_files *f);
/* Add target's file accesses; exec_caller names the program that exec'ed an image. */
int tl_files_collect(struct tl_files *f, uint32_t target, struct tl_trace *trace,
                     tl_image_path_fn image_path, tl_image_path_fn exec_caller, void *ctx);
/* File accesses lost: ring buffer full, kernel hash full, out of memory here. */
uint64_t tl_files_lost(const struct tl_files *f);
/* Records received. */
uint64_t tl_files_events(const struct tl_files *f);
/* Drop target's accesses (a container slot is reused). */
int tl_files_forget(struct tl_files *f, uint32_t target);

/* ---- kinfo.c: kernel facts asked at start (bpf/kinfo.bpf.c) -------------------------- */

struct tl_kinfo {
	int cap_tracepoint;     /* capability:cap_capable exists: 1, 0, -1 unknown */
	int prepare_tracepoint; /* sched:sched_prepare_exec (Linux 6.10) exists: 1, 0, -1 unknown */
	bool noaudit_known;     /* noaudit[] was asked for (false: ask tl_kinfo_noaudit_kallsyms) */
	size_t nnoaudit;
	struct tl_addr_range noaudit[TL_CAP_NOAUDIT_MAX]; /* functions making NOAUDIT checks */
	struct tl_shared_maps shared; /* new maps for both recorders (common.bpf.h); -1: none */
	int prog; /* the kinfo program, held until the recording ends (kinfo.c); -1: none */
};

/*
 * Ask the kernel (< 1 ms); what it cannot tell stays unknown.  Never fails.
 * The caller closes the shared maps' fds and, once nothing is recorded any
 * more, ki->prog.
 */
void tl_kinfo_query(struct tl_kinfo *ki);
/* Close the fds of shared (-1 after). */
void tl_shared_maps_close(struct tl_shared_maps *shared);
/* The NOAUDIT ranges from /proc/kallsyms (the fallback: ~30 ms). */
void tl_kinfo_noaudit_kallsyms(struct tl_kinfo *ki);

/* A BPF object tailor loads: its ELF bytes (the skeleton's). */
struct tl_kbtf_obj {
	const void *elf;
	size_t size;
};

/*
 * Starts reading the kernel's BTF in a thread (kbtf.c), for the
 * btf__load_vmlinux_btf that stands in for libbpf's: reduced to what OBJS
 * look up (n == 0: whole).  Before the loads begin; only the first call counts.
 */
void tl_kbtf_prepare(const struct tl_kbtf_obj *objs, size_t n);
/*
 * The BTF bytes P (SIZE of them) reduced as btf__load_vmlinux_btf reduces
 * the kernel's, for the objects of tl_kbtf_prepare; NULL where it takes the
 * whole BTF instead (malformed bytes among the reasons).  kbtf_parse
 * calls it on the mapped file; tests, on bytes of their own.
 */
struct btf *tl_kbtf_reduce(const void *p, size_t size);
/* The ELF bytes of the recorder's, the file recorder's and kinfo's objects. */
struct tl_kbtf_obj tl_recorder_object(void);
struct tl_kbtf_obj tl_files_object(void);
struct tl_kbtf_obj tl_kinfo_object(void);

/* ---- tracer.c, for container.c ------------------------------------------------------ */

struct recorder_bpf;

/* The loaded skeleton: its maps and global data. */
struct recorder_bpf *tl_tracer_skel(struct tl_tracer *t);
/* Called for ring buffer records tracer.c does not handle (TL_EV_CONTAINER, TL_EV_IDLE). */
typedef int (*tl_tracer_event_fn)(void *ctx, const void *data, size_t size);
void tl_tracer_set_event_cb(struct tl_tracer *t, tl_tracer_event_fn fn, void *ctx);
/*
 * Mark a task (pidfd) in state (TL_MARK_*) unless it is marked already, and
 * count it in tl_live.  1: marked, 0: it was marked already, -ESRCH: gone,
 * other -errno with a message.  Its syscalls are seen once
 * tl_tracer_index_marks ran: call it after a batch of marks.
 */
int tl_tracer_mark_new(struct tl_tracer *t, int pidfd, uint32_t target, uint32_t state,
                       uint64_t image);
/*
 * The image id to mark an already running process with (an exec record of
 * its program, read from /proc/PID/exe, that the trace does not list as an
 * exec): parent when it runs parent's program or its program is unknown.
 */
uint64_t tl_tracer_running_image(struct tl_tracer *t, pid_t pid, uint32_t target, uint64_t parent);
/* Index the tasks marked from user space (recorder.bpf.c tl_index): 0 or -errno. */
int tl_tracer_index_marks(struct tl_tracer *t);
/*
 * Forget everything recorded for target (counters, hashes, exec records,
 * callsites) so that its slot can serve another container; the lost
 * counters of tl_tracer_stats restart from here for it.
 */
int tl_tracer_reset_target(struct tl_tracer *t, uint32_t target);

/* ---- record.c, for container.c --------------------------------------------------------- */

/* The command line of a process (/proc/PID/cmdline), or NULL if unreadable or empty. */
char **tl_rec_cmdline(pid_t pid);
/*
 * Describe a recording in run: kind ("command", "pid", "container"), target
 * (a container id, or NULL), argv (copied; NULL: none), pid, the wall-clock
 * start and the duration, and this machine (uname -r, -m) and tailor's
 * version.  0 or -ENOMEM; run is freed by tl_run_free, also after a failure.
 */
int tl_rec_run_describe(struct tl_run *run, const char *kind, const char *target, char *const *argv,
                        int64_t pid, time_t start, uint64_t duration_ms);
/* The directory an output file goes to ("." for "x", "/" for "/x"); malloc'd, NULL: ENOMEM. */
/* A run is complete when it was not cut short (signal, timeout) and lost nothing. */
void tl_rec_run_complete(struct tl_run *run, bool cut_short);

/* ---- container.c ---------------------------------------------------------------------- */

/* record --container / --all-containers: the session (see tl_rec_run). */
int tl_rec_containers(const struct tl_rec_opts *o, struct tl_rec_result *res);

#endif
