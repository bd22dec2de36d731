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

/* Name the program the first marked task runs before any exec ("" if unknown). */
int tl_tracer_set_initial_program(struct tl_tracer *t, const char *path);

/* Pollable fd that becomes readable when events are pending. */
int tl_tracer_event_fd(struct tl_tracer *t);
/* Drain pending events without blocking. */
int tl_tracer_consume(struct tl_tracer *t);

struct tl_tracer_stats {
	uint64_t calls;     /* syscalls counted so far */
	uint64_t distinct;  /* distinct (abi, syscall) seen */
	uint64_t events;    /* ring buffer records */
	uint64_t drops;     /* ring buffer reservations that failed */
	uint64_t err_drops; /* errno counts lost (hash full) */
	uint64_t big_nr;    /* syscall numbers out of range, not counted */
	uint64_t forks;     /* descendants that inherited a mark */
	uint64_t exits;     /* marked tasks that exited */
};
int tl_tracer_stats(struct tl_tracer *t, uint32_t target, struct tl_tracer_stats *s);

/*
 * Add what target did to trace: syscalls per ABI with outcomes, exec
 * records.  Lost counters go to run (may be NULL).
 */
int tl_tracer_collect(struct tl_tracer *t, uint32_t target, struct tl_trace *trace,
                      struct tl_run *run);

/* ---- recording sessions (tracer/record.c) -------------------------------- */

struct tl_rec_opts {
	const char *output; /* trace path, "-" = stdout */
	char **argv;        /* command to spawn, or NULL */
	pid_t pid;          /* --pid target when argv is NULL */
	bool verbose;
	bool quiet;   /* no live status line */
	int grace_ms; /* after SIGINT/SIGTERM: wait this long for the command to end */
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

#endif
