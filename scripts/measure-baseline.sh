#!/usr/bin/env bash
# Measure a container runtime's seccomp baseline with tailor itself: the
# syscalls the runtime makes after it installed the container's seccomp
# filter and up to (including) the execve of the entrypoint.  A profile for a
# container must allow them, or the container never starts.
#
# usage: scripts/measure-baseline.sh RUNTIME [-n RUNS] [-l] [-o OUT.json]
#   RUNTIME  crun or runc (on PATH), or a path to one
#   -n RUNS  runs per variant (default 25); the result is the union
#   -l       also run every variant with all CPUs busy (preemption makes Go's
#            runtime do more: signals, sleeps); doubles the runs
#   -o OUT   write the baseline JSON there (default: stdout)
#
# Variants, because they take different paths after the filter:
#   noNewPrivileges true (filter just before execve) and false (filter before
#   the capability and uid changes: Docker's and Kubernetes' default), user
#   0 and 65534, `RUNTIME run`, `RUNTIME create` + `start` (the init waits
#   on the exec fifo under the filter) and `RUNTIME exec` into a running
#   container (its own path to the execve).  The bundle is a busybox-static
#   rootfs running /bin/true (sleep for exec), with a permissive filter
#   (default allow) so that the runtime installs one.
#
# Needs root, kernel BTF, busybox-static, and tailor ($TAILOR_BIN, default
# build/tailor).  Output: profilegen/baselines/RUNTIME-VERSION.json format
# (docs/containers.md, "Runtime baselines").
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
tailor=${TAILOR_BIN:-$src/build/tailor}
runs=25
load=
out=-
rt=${1:-}
[ -n "$rt" ] || { echo "usage: $0 crun|runc [-n RUNS] [-o OUT.json]" >&2; exit 2; }
shift
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-l) load=1; shift ;;
	-o) out=$2; shift 2 ;;
	*) echo "$0: unknown argument $1" >&2; exit 2 ;;
	esac
done
die() { echo "measure-baseline: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (BPF, and the runtime)"
[ -x "$tailor" ] || die "tailor not found at $tailor (set TAILOR_BIN)"
rtbin=$(command -v "$rt") || die "$rt is not installed"
name=$(basename "$rtbin")
case $name in crun*|runc*) ;; *) die "$rt: expected crun or runc" ;; esac
bb=$(command -v busybox) || die "busybox-static is not installed"
full_version=$("$rtbin" --version | sed -nE 's/^(crun|runc) version ([^ ]+).*/\2/p' | head -1)
version=${full_version%%[+~-]*} # Debian's 1.1.5+ds1 is runc 1.1.5
[ -n "$version" ] || die "cannot read $rt's version"

T=$(mktemp -d "${TMPDIR:-/tmp}/tailor-baseline.XXXXXX")
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
host=
trap 'stop_hogs; [ -z "$host" ] || "$rtbin" delete -f "$host" >/dev/null 2>&1; rm -rf "$T"' EXIT

# The rootfs: busybox-static with its applets.
mkdir -p "$T/rootfs/bin" "$T/rootfs/proc" "$T/rootfs/sys" "$T/rootfs/dev" "$T/rootfs/tmp"
cp "$bb" "$T/rootfs/bin/busybox"
for l in $("$T/rootfs/bin/busybox" --list); do
	[ "$l" = busybox ] || ln -sf busybox "$T/rootfs/bin/$l"
done

# crun refuses hybrid cgroup hosts unless the cgroup2 mount is hidden
# (/work/shared/MACHINE-NOTES.md); runc copes.
wrap=()
if [ "${name#crun}" != "$name" ] && mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
	wrap=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; exec "$@"' sh)
fi

bundle() { # DIR NNP UID ARGS...
	mkdir -p "$1"
	(cd "$1" && "$rtbin" spec >/dev/null 2>&1 || runc spec)
	python3 - "$T/rootfs" "$@" <<'PY'
import json, os, sys
rootfs, d, nnp, uid, args = sys.argv[1], sys.argv[2], sys.argv[3] == "true", int(sys.argv[4]), sys.argv[5:]
p = os.path.join(d, "config.json")
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["process"]["noNewPrivileges"] = nnp
c["process"]["user"] = {"uid": uid, "gid": uid}
c["root"] = {"path": os.path.realpath(rootfs), "readonly": True}
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
}
json.dump(c, open(p, "w"), indent=1)
PY
}

# Every variant once; appends to traces.
measure_pass() {
	for nnp in true false; do
		for uid in 0 65534; do
			b=$T/bundle-$nnp-$uid
			[ -f "$b/config.json" ] || bundle "$b" "$nnp" "$uid" /bin/true
			[ -f "$b-exec/config.json" ] || bundle "$b-exec" "$nnp" "$uid" /bin/sleep 3600
			for mode in run create exec; do
				if [ "$mode" = exec ]; then
					i=$((i + 1))
					host=tailor-baseline-$$-$i
					"${wrap[@]}" "$rtbin" run -d --bundle "$b-exec" "$host" </dev/null >/dev/null 2>&1 ||
						die "$rt run -d for the exec variant failed"
				fi
				for r in $(seq 1 "$runs"); do
					i=$((i + 1))
					id=tailor-baseline-$$-$i
					if [ "$mode" = run ]; then
						cmd=("${wrap[@]}" "$rtbin" run --bundle "$b" "$id")
					elif [ "$mode" = exec ]; then
						cmd=("$rtbin" exec "$host" /bin/true)
					else
						# the init waits on the exec fifo with the filter loaded
						cmd=("${wrap[@]}" sh -c '"$0" create --bundle "$1" "$2" && sleep 0.05 &&
							"$0" start "$2"; for n in $(seq 100); do
							"$0" state "$2" 2>/dev/null | grep -q running || break; sleep 0.02; done
							"$0" delete -f "$2" 2>/dev/null; true' "$rtbin" "$b" "$id")
					fi
					if ! "$tailor" record -q --after-seccomp -o "$T/t$i.json" -- "${cmd[@]}" \
						</dev/null >/dev/null 2>"$T/err"; then
						cat "$T/err" >&2
						die "run $i ($mode, noNewPrivileges=$nnp, uid $uid) failed"
					fi
					"$rtbin" delete -f "$id" >/dev/null 2>&1 || true
					traces+=("$T/t$i.json")
				done
				[ "$mode" != exec ] || "$rtbin" delete -f "$host" >/dev/null 2>&1 || true
			done
		done
	done
}

i=0
traces=()
measure_pass
if [ -n "$load" ]; then
	for _ in $(seq "$(nproc)"); do
		sh -c 'while :; do :; done' &
		hogs+=($!)
	done
	measure_pass
	stop_hogs
fi

python3 - "$name" "$version" "$runs" "${#traces[@]}" "$(uname -r)" "$(uname -m)" "$out" "$full_version" "${load:+, half of them with all CPUs busy}" "${traces[@]}" <<'PY'
import json, os, sys
rt, version, runs, total, kernel, machine, out, full, busy = sys.argv[1:10]
rt = "crun" if rt.startswith("crun") else "runc"
names = {}
for path in sys.argv[10:]:
    t = json.load(open(path))
    for abi, calls in t.get("abis", {}).items():
        names.setdefault(abi, set()).update(calls)
doc = {
    "runtime": rt,
    "version": version,
    "source": (
        "measured by scripts/measure-baseline.sh %s (tailor record --after-seccomp): the "
        "syscalls the runtime's processes make after installing the container's seccomp "
        "filter, up to and including the execve of the container's program, on every "
        "thread; union of %s runs "
        "(%s per variant: noNewPrivileges true/false, uid 0/65534, run, create+start and exec%s) "
        "of a busybox-static bundle with a permissive filter, %s %s on Linux %s %s"
        % (rt, total, runs, busy, rt, full, kernel, machine)
    ),
    "syscalls": {abi: sorted(v) for abi, v in sorted(names.items())},
}
text = json.dumps(doc, indent=2) + "\n"
if out == "-":
    sys.stdout.write(text)
else:
    open(out + ".tmp", "w").write(text)
    os.rename(out + ".tmp", out)
PY
