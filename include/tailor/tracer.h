/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorder's user side: load and attach the BPF recorder, mark targets,
 * drain exec events, and turn the kernel maps into a trace.
 *
 * Needs root (or CAP_BPF + CAP_PERFMON) and kernel BTF.
 */
#ifndef TAILOR_TRACER_H
#define TAILOR_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tailor/trace.h"

struct tl_tracer;

struct tl_tracer_opts {
	bool verbose;         /* let libbpf's messages through to stderr */
	uint32_t max_targets; /* counter blocks to allocate; 0 = 1 */
	bool no_stacks;       /* do not capture user stacks (callsites) */
	bool no_files;        /* do not record file accesses (bpf/files.bpf.c) */
	bool containers;      /* container keys are looked up at exec (tracer/container.c) */
	bool all_containers;  /* ... and new pid namespaces get a free slot */
	bool after_seccomp;   /* WAIT_FILTER marks: count from a seccomp filter to execve */
};

/* Check privileges and kernel BTF; -EPERM / -ENOENT with a message. */
int tl_tracer_check_env(void);

/* Open, load and attach the recorder.  Errors name the failing program. */
int tl_tracer_open(const struct tl_tracer_opts *o, struct tl_tracer **out);
void tl_tracer_close(struct tl_tracer *t);

/*
 * Mark one task (thread) given by a pidfd.  armed: the task is tailor's
 * spawned child, recorded from its next execve on; otherwise recorded now.
 */
int tl_tracer_mark_pidfd(struct tl_tracer *t, int pidfd, uint32_t target, bool armed);
/* Mark a running process and all its threads (recorded immediately). */
int tl_tracer_mark_process(struct tl_tracer *t, pid_t pid, uint32_t target);
/* The same for pid and every process descended from it that exists now. */
int tl_tracer_mark_tree(struct tl_tracer *t, pid_t pid, uint32_t target);

/* Name the program the first marked task runs before any exec ("" if unknown). */
int tl_tracer_set_initial_program(struct tl_tracer *t, const char *path);

/* Pollable fd that becomes readable when events are pending. */
int tl_tracer_event_fd(struct tl_tracer *t);
/* Drain pending events without blocking. */
int tl_tracer_consume(struct tl_tracer *t);

struct tl_tracer_stats {
	uint64_t calls;       /* syscalls counted so far */
	uint64_t distinct;    /* distinct (abi, syscall) seen */
	uint64_t events;      /* ring buffer records */
	uint64_t drops;       /* exec records lost (ring buffer full) */
	uint64_t arg_drops;   /* argument values lost (hash full) */
	uint64_t stack_drops; /* callsite records lost (ring buffer full) */
	uint64_t cap_drops;   /* capability counts lost (hash full) */
	uint64_t net_drops;   /* socket counts lost (hash full) */
	uint64_t err_drops;   /* errno counts lost (hash full) */
	uint64_t big_nr;      /* syscall numbers out of range, not counted */
	uint64_t forks;       /* descendants that inherited a mark */
	uint64_t exits;       /* marked tasks that exited */
	uint64_t mark_fails;  /* descendants whose mark could not be created: not recorded */
	uint64_t file_drops;  /* file accesses lost (ring buffer or hash full) */
};
int tl_tracer_stats(struct tl_tracer *t, uint32_t target, struct tl_tracer_stats *s);

/*
 * Add what target did to trace: syscalls per ABI with outcomes and argument
 * values, exec records, capability checks, sockets, callsites (symbolized
 * now).  Lost counters and the features recorded go to run (may be NULL).
 */
int tl_tracer_collect(struct tl_tracer *t, uint32_t target, struct tl_trace *trace,
                      struct tl_run *run);

/* ---- recording sessions (tracer/record.c) -------------------------------- */

struct tl_rec_opts {
	const char *output; /* trace path, "-" = stdout */
	char **argv;        /* command to spawn, or NULL */
	pid_t pid;          /* --pid target when argv is NULL */
	bool verbose;
	bool quiet;       /* no live status line */
	bool no_stacks;   /* no user stacks (no callsites in the trace) */
	bool no_files;    /* no file accesses (no "files" in the trace) */
	int grace_ms;     /* after SIGINT/SIGTERM: wait this long for the command to end */
	int linger_ms;    /* after the command: record what it left running this long at most */
	const char *user; /* run the command as this user (name or uid); NULL: as tailor */
	/* containers (tracer/container.c, docs/containers.md) */
	const char *container;   /* --container PID|ID */
	bool all_containers;     /* --all-containers: output is a directory */
	uint32_t max_containers; /* --all-containers: target slots (0: the default) */
	int duration_ms;         /* containers: stop after this long (0: no limit) */
	bool hook;               /* tailor hook: the container has not started yet */
	int ready_fd;            /* tailor hook: one byte once the container is marked (> 0) */
	const char *pid_file;    /* tailor hook: our pid, removed at exit */
	/* runtime baselines: count a task's syscalls from its seccomp filter to its execve */
	bool after_seccomp;
};

struct tl_rec_result {
	bool has_exit_status;
	int exit_status;    /* the command's status, 128+N when killed by signal N */
	bool interrupted;   /* stopped by SIGINT/SIGTERM: trace marked incomplete */
	int signal;         /* that signal */
	bool command_error; /* on failure: the command could not be executed
	                     * (-ENOENT: not found, else not executable) */
};

/*
 * Run a recording session and write the trace.  Returns 0 when the trace was
 * written; -ENOENT: command not found, -EACCES/-ENOEXEC...: not executable
 * (message set, no trace); other -errno: tailor failed (message set).
 */
int tl_rec_run(const struct tl_rec_opts *o, struct tl_rec_result *res);

/* ---- symbolization (tracer/symbolize.c) ------------------------------------------
 *
 * ELF files (executables, libraries) by build id or by file, with their
 * function symbols (.symtab, else the separate debug file's, else .dynsym),
 * loaded once and cached.  A module keeps its file open, so a binary deleted
 * or replaced after it was opened still symbolizes.  Never fails a caller:
 * an unknown file or symbol is NULL/false.
 */

#define TL_BUILD_ID_MAX 20 /* bytes; shorter ids are zero-padded, as the kernel does */

struct tl_symbolizer;
struct tl_sym_module;

int tl_sym_new(struct tl_symbolizer **out);
void tl_sym_free(struct tl_symbolizer *s);

/*
 * The module of an ELF file: open_path is opened (e.g. /proc/PID/map_files/
 * A-B, which works for deleted files), path is the name reported.  Known
 * files (same device and inode, or same build id) return the cached module.
 * NULL when it cannot be opened or is not ELF.
 */
struct tl_sym_module *tl_sym_open(struct tl_symbolizer *s, const char *open_path, const char *path);
/* A module already opened with this (zero-padded) build id, or NULL. */
struct tl_sym_module *tl_sym_by_build_id(struct tl_symbolizer *s,
                                         const uint8_t id[TL_BUILD_ID_MAX]);
/*
 * Find the file of a build id: an opened module, then hint (a path: used
 * only if its build id matches), then /usr/lib/debug/.build-id/xx/rest.debug.
 */
struct tl_sym_module *tl_sym_locate(struct tl_symbolizer *s, const uint8_t id[TL_BUILD_ID_MAX],
                                    const char *hint);

const char *tl_sym_path(const struct tl_sym_module *m);
/* Lowercase hex of the module's build id, "" when it has none. */
const char *tl_sym_build_id(const struct tl_sym_module *m);

/*
 * The function containing file offset off: its name and off's distance from
 * its start.  For return addresses pass off - 1 and add 1 to *symoff.
 */
bool tl_sym_lookup(struct tl_sym_module *m, uint64_t off, const char **name, uint64_t *symoff);
/* The code just before file offset off ends with a call instruction (x86). */
bool tl_sym_after_call(struct tl_sym_module *m, uint64_t off);
/* File offset off is in an executable segment (true when that cannot be told). */
bool tl_sym_in_code(const struct tl_sym_module *m, uint64_t off);
/* The function containing off starts with a frame-pointer prologue (push %rbp). */
bool tl_sym_has_frame(struct tl_sym_module *m, uint64_t off);

/*
 * The arguments the recorder records for syscall nr of abi (tracer/argtable.c):
 * their positions and masks in index[] and mask[] (TL_ARGS_PER_CALL each);
 * returns how many, 0 for none.  A tl_argsel_fn for complain mode.
 */
int tl_argtable_select(enum tl_abi abi, uint32_t nr, uint8_t *index, uint64_t *mask);

/* Hex (up to 40 digits) to a zero-padded build id; -EINVAL if not hex. */
int tl_build_id_parse(const char *hex, uint8_t id[TL_BUILD_ID_MAX]);

#endif
