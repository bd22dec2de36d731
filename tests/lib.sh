#!/usr/bin/env bash
# Shared helpers of the live and end-to-end shell tests.  Source it.
# Exit code 77 = skipped (ctest SKIP_RETURN_CODE), with the reason on stderr.
set -euo pipefail

: "${TAILOR_BIN:?TAILOR_BIN not set (run through ctest)}"
: "${TAILOR_SRC:?TAILOR_SRC not set (run through ctest)}"

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root (BPF and seccomp setup)"; }
need_btf() { [ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF (/sys/kernel/btf/vmlinux)"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed${2:+ ($2)}"; }
need_live() { need_root; need_btf; }
# The helper programs of tests/progs: sets PROGS (TAILOR_PROGS); each NAME built.
need_progs() { # NAME...
	PROGS=${TAILOR_PROGS:?TAILOR_PROGS not set (run through ctest)}
	local p
	for p in "$@"; do
		[ -x "$PROGS/$p" ] || skip "TAILOR_PROGS/$p not built"
	done
}

# Does this kernel run 32-bit x86 code?  A PVM guest, or ia32_emulation=0,
# refuses the exec (ENOEXEC), and int 0x80 from 64-bit code faults there.
ia32_runs() {
	local p=${TAILOR_PROGS:?TAILOR_PROGS not set (run through ctest)}/ia32_probe_32
	[ -x "$p" ] && "$p" >/dev/null 2>&1
}
# Why ia32_runs said no.
ia32_why() {
	if [ -x "${TAILOR_PROGS:-}/ia32_probe_32" ]; then
		echo "this kernel does not run 32-bit x86 programs (exec: Exec format error; a PVM guest, or ia32_emulation=0)"
	else
		echo "the 32-bit test programs are not built (gcc -m32 needs gcc-multilib)"
	fi
}

# A python3 with the yaml module (PATH's may be a private one, e.g. pyenv,
# without Debian's python3-yaml); prints its name, or nothing.
yaml_python() {
	local c
	for c in python3 /usr/bin/python3; do
		if "$c" -c 'import yaml' 2>/dev/null; then
			echo "$c"
			return
		fi
	done
}

# A private scratch directory removed at exit.
scratch() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/tailor-test.XXXXXX")
	trap 'rm -rf "$T"' EXIT
}

# q TRACE PYTHON-EXPR: evaluate an expression over the trace t; print it.
q() { python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print($2)" "$1"; }
# check TRACE PYTHON-BOOL MESSAGE: fail with MESSAGE unless the expression holds.
check() { [ "$(q "$1" "bool($2)")" = True ] || fail "$3"; }
# Lines of an error output, not counting notes about features (one line expected).
# run WANT CMD ARGS...: tailor CMD ARGS >$T/out 2>$T/err, with the exit status WANT.
run() {
	local want=$1 rc=0
	shift
	"$TAILOR_BIN" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$T/err" >&2
		fail "tailor $* exited $rc, expected $want"
	}
}

errlines() { grep -vc '^tailor: note:' "$1" || true; }

# Names of the syscalls of one ABI in a trace, one per line, sorted.
trace_syscalls() { # TRACE [ABI]
	python3 - "$1" "${2:-x86_64}" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for name in sorted(t.get("abis", {}).get(sys.argv[2], {})):
    print(name)
PY
}

# Syscall names strace saw (strace -f -qq -o FILE output), sorted, unique.
strace_syscalls() { # STRACE_OUTPUT
	sed -nE 's/^([0-9]+ +)?([a-z0-9_]+)\(.*/\2/p; s/^([0-9]+ +)?<\.\.\. ([a-z0-9_]+) resumed>.*/\2/p' "$1" |
		sort -u
}

# A busybox-static OCI bundle in DIR running ARGS (relative applet symlinks,
# absolute rootfs path: runc and crun need both).
make_busybox_bundle() { # DIR ARGS...
	local dir=$1 bb
	shift
	bb=$(command -v busybox) || skip "busybox-static is not installed"
	file -L "$bb" 2>/dev/null | grep -q 'statically linked' || true
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" \
		"$dir/rootfs/tmp" "$dir/rootfs/etc"
	cp "$bb" "$dir/rootfs/bin/busybox"
	for l in $("$dir/rootfs/bin/busybox" --list); do
		[ "$l" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$l"
	done
	(cd "$dir" && crun spec 2>/dev/null || runc spec)
	python3 - "$dir" "$@" <<'PY'
import json, os, sys
d = sys.argv[1]
c = json.load(open(os.path.join(d, "config.json")))
c["process"]["terminal"] = False
c["process"]["args"] = sys.argv[2:]
c["root"] = {"path": os.path.realpath(os.path.join(d, "rootfs")), "readonly": False}
json.dump(c, open(os.path.join(d, "config.json"), "w"), indent=1)
PY
}

# Put a seccomp object (OCI linux.seccomp JSON file) into a bundle's config.
bundle_set_seccomp() { # DIR SECCOMP_JSON
	python3 - "$1" "$2" <<'PY'
import json, os, sys
p = os.path.join(sys.argv[1], "config.json")
c = json.load(open(p))
c["linux"]["seccomp"] = json.load(open(sys.argv[2]))
json.dump(c, open(p, "w"), indent=1)
PY
}

# Run a bundle with crun; crun refuses this machine's hybrid cgroup layout
# unless the cgroup2 mount is hidden in a private mount namespace.
crun_run() { # DIR ID
	need_cmd crun
	(cd "$1" && unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run "$0"' "$2")
}

# crun with any subcommand (create, run -d, ...) under the same workaround as
# crun_run: crun refuses the hybrid cgroup layout unless cgroup2 is hidden.
crun_hidden_cgroup2() { # CRUN-ARGS...
	need_cmd crun
	unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' sh "$@"
}

# Wait up to SECONDS for FILE to contain a line matching REGEX.
wait_for_line() { # FILE REGEX [SECONDS]
	local i
	for i in $(seq 1 $((${3:-10} * 20))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
