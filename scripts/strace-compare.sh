#!/usr/bin/env bash
# Does tailor's trace of a real program hold every syscall `strace -f` sees?
#
#   scripts/strace-compare.sh [-b TAILOR] [-k DIR] [--podman RUNTIME] -- 'SHELL COMMAND'
#
# Runs `sh -c 'SHELL COMMAND'` twice: once recorded by `tailor record`, once
# under `strace -f`, and prints the x86_64 syscall names strace saw that the
# trace lacks.  Exit 0: none missing; 1: some missing; 2: a run failed.
# --podman RUNTIME (runc or crun): both runs are in podman containers whose
# rootfs is an overlay of this machine's / (no image, no registry); tailor
# records through its OCI hook (io.tailor.record), strace runs inside the
# container, so both see the same environment.  Outside and inside a
# container a program can make different calls (PAM's session keyring, for
# one), which is why the two are not compared across.
# Needs root; -k DIR keeps the trace and strace's output there.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
tailor=$src/build/tailor runtime='' keep=''
usage() { echo "usage: $0 [-b TAILOR] [-k DIR] [--podman runc|crun] -- 'SHELL COMMAND'" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	-b | -k | --podman) [ $# -ge 2 ] || { echo "$0: $1 needs a value" >&2; exit 2; } ;;&
	-b) tailor=$(realpath -m "$2"); shift 2 ;;
	-k) keep=$2; shift 2 ;;
	--podman) runtime=$2; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
case $runtime in
'' | runc | crun) ;;
*) echo "$0: --podman $runtime: the runtime is runc or crun" >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { echo "$0: one shell command after --, quoted" >&2; exit 2; }
cmd=$1
[ -x "$tailor" ] || { echo "$0: $tailor: not built (scripts/build.sh)" >&2; exit 2; }
command -v strace >/dev/null || { echo "$0: strace is not installed" >&2; exit 2; }
w=$(mktemp -d /tmp/strace-compare.XXXXXX)
trap 'rm -rf "$w"' EXIT
mkdir "$w/out" "$w/cwd"

if [ -z "$runtime" ]; then
	(cd "$w/cwd" && "$tailor" record -q -o "$w/out/trace.json" -- sh -c "$cmd") \
		>"$w/out/tailor.log" 2>&1 || echo "$0: note: the recorded run exited $?" >&2
	(cd "$w/cwd" && strace -f -qq -o "$w/out/strace.txt" sh -c "$cmd") \
		>"$w/out/strace.log" 2>&1 || echo "$0: note: the run under strace exited $?" >&2
else
	command -v podman >/dev/null || { echo "$0: podman is not installed" >&2; exit 2; }
	# The podman set-up of ../shared/MACHINE-NOTES.md (cgroupfs, vfs, no network).
	printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$w" "$w" \
		>"$w/storage.conf"
	printf '[containers]\nnetns = "none"\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "%s"\n' \
		"$runtime" >"$w/containers.conf"
	export CONTAINERS_STORAGE_CONF=$w/storage.conf CONTAINERS_CONF=$w/containers.conf
	mkdir "$w/hooks.d"
	python3 - "$src/examples/oci-hooks/tailor-hook.json" "$w/hooks.d/tailor.json" "$tailor" \
		"$w/out/hook" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["hook"]["path"] = sys.argv[3]
h["hook"]["env"] = ["TAILOR_HOOK_DIR=" + sys.argv[4]]
json.dump(h, open(sys.argv[2], "w"))
PY
	pre=()
	# crun refuses a hybrid cgroup layout: hide the cgroup2 mount (MACHINE-NOTES.md)
	[ "$runtime" = crun ] && [ -d /sys/fs/cgroup/unified ] &&
		pre=(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh)
	"${pre[@]}" podman --hooks-dir "$w/hooks.d" run --rm \
		--annotation "io.tailor.record=$w/out/trace.json" --rootfs /:O sh -c "$cmd" \
		>"$w/out/tailor.log" 2>&1 || echo "$0: note: the recorded container exited $?" >&2
	"${pre[@]}" podman run --rm -v "$w/out:/o" --rootfs /:O \
		strace -f -qq -o /o/strace.txt sh -c "$cmd" \
		>"$w/out/strace.log" 2>&1 || echo "$0: note: the container under strace exited $?" >&2
fi
[ -n "$keep" ] && mkdir -p "$keep" && cp -r "$w/out/." "$keep/"
[ -s "$w/out/trace.json" ] || { echo "$0: no trace was written (see $w/out/tailor.log)" >&2; cat "$w/out/tailor.log" >&2; exit 2; }
[ -s "$w/out/strace.txt" ] || { echo "$0: strace wrote nothing" >&2; cat "$w/out/strace.log" >&2; exit 2; }
python3 - "$w/out/trace.json" "$w/out/strace.txt" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1]))
run = t["runs"][0]
have = set(t.get("abis", {}).get("x86_64", {}))
seen = set()
for line in open(sys.argv[2]):
    # "PID name(...", "PID <... name resumed>...", not "+++ exited" or "--- SIGCHLD"
    m = re.match(r"^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
    if m:
        seen.add(m.group(1))
missing = sorted(seen - have)
print(f"tailor: {len(have)} syscalls ({'complete' if run['complete'] else 'incomplete'}, "
      f"lost {run['lost']}); strace -f: {len(seen)}; missing from tailor: "
      f"{' '.join(missing) if missing else 'none'}")
sys.exit(1 if missing else 0)
PY
