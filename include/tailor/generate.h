/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From traces to a profile, and from a profile to every output format.
 */
#ifndef TAILOR_GENERATE_H
#define TAILOR_GENERATE_H

#include "tailor/trace.h"
#include "tailor/profile.h"

enum tl_args_mode { TL_ARGS_NONE, TL_ARGS_SAFE, TL_ARGS_STRICT };
enum tl_runtime { TL_RUNTIME_NONE, TL_RUNTIME_CRUN, TL_RUNTIME_RUNC };

struct tl_gen_opts {
	enum tl_action default_action; /* default TL_ACT_ERRNO */
	uint32_t default_errno;        /* default EPERM */
	bool enosys_probes;            /* default true: ENOSYS-only syscalls return ENOSYS */
	enum tl_args_mode args;
	enum tl_runtime runtime;
	const char *const *sources; /* trace file names, for the header comment */
	bool warn; /* say on stderr what the profile may break (tailor generate; not diff) */
};

void tl_gen_opts_init(struct tl_gen_opts *o);

/*
 * Runtime baselines (profilegen/baselines/RUNTIME-VERSION.json, compiled
 * in): the syscalls crun or runc makes after installing the container's
 * seccomp filter, up to the entrypoint's execve.  names: the newest shipped
 * version's list for arch ("x86_64"), sorted, NULL-terminated (tl_strv_free);
 * label: "runc 1.1.5 (profilegen/baselines/runc-1.1.5.json)" (free), may be NULL.
 */
int tl_runtime_baseline(enum tl_runtime rt, const char *arch, char ***names, char **label);
/* The i-th compiled-in baseline: its file name (NULL past the end) and JSON text. */
const char *tl_runtime_baseline_file(size_t i, const char **json);

/* Reduce a (merged) trace to a minimal profile. */
int tl_generate(const struct tl_trace *t, const struct tl_gen_opts *o, struct tl_profile *out);

enum tl_format {
	TL_FMT_DOCKER,
	TL_FMT_OCI,
	TL_FMT_K8S,      /* SPO SeccompProfile YAML */
	TL_FMT_K8S_JSON, /* kubelet's seccomp directory JSON */
	TL_FMT_SYSTEMD,
	TL_FMT_APPARMOR,
	TL_FMT_PFC,
	TL_FMT_BPF,
};
int tl_format_from_name(const char *name); /* format or -EINVAL */
const char *tl_format_name(enum tl_format f);
/* Whether a format writes --name anywhere (k8s, systemd, apparmor). */
bool tl_format_has_name(enum tl_format f);
/* 0 if NAME (may be NULL) is a valid name for format F, else -EINVAL with a message. */
int tl_export_name_check(enum tl_format f, const char *name);

struct tl_export_opts {
	const char *name; /* profile/resource name (k8s, apparmor), default "tailor" */
};

/*
 * Serialise a profile.  Output is deterministic; BPF output is binary (len
 * counts its bytes).  The caller frees *out.
 */
int tl_export(const struct tl_profile *p, enum tl_format f, const struct tl_export_opts *o,
              char **out, size_t *len);

#endif
