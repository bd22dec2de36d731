#!/usr/bin/env bash
# The shipped runtime baselines (profilegen/baselines/RUNTIME-VERSION.json)
# against a fresh measurement on this machine (scripts/measure-baseline.sh):
# a syscall the runtime makes now that the shipped file lacks fails the test
# (profiles generated with --runtime would stop containers from starting);
# shipped syscalls not seen now are only reported (rare paths, other runs).
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd busybox "busybox-static provides the container's rootfs"
scratch
runs=${TAILOR_BASELINE_RUNS:-2}
checked=0

for rt in crun runc; do
	command -v "$rt" >/dev/null || { echo "note: $rt is not installed: not compared"; continue; }
	ver=$("$rt" --version | sed -nE 's/^(crun|runc) version ([^ ]+).*/\2/p' | head -1)
	ver=${ver%%[+~-]*}
	shipped=$TAILOR_SRC/profilegen/baselines/$rt-$ver.json
	if [ ! -f "$shipped" ]; then
		echo "note: no shipped baseline for $rt $ver (profilegen/baselines/): not compared"
		continue
	fi
	TAILOR_BIN=$TAILOR_BIN "$TAILOR_SRC/scripts/measure-baseline.sh" "$rt" -n "$runs" \
		-o "$T/$rt.json" || fail "measuring $rt's baseline failed"
	python3 - "$shipped" "$T/$rt.json" "$rt $ver" <<'PY' || fail "$rt $ver: the shipped baseline misses syscalls the runtime makes"
import json, sys
shipped = json.load(open(sys.argv[1]))["syscalls"]
now = json.load(open(sys.argv[2]))["syscalls"]
bad = False
for arch in sorted(set(shipped) | set(now)):
    s, n = set(shipped.get(arch, [])), set(now.get(arch, []))
    if n - s:
        print("%s %s: MISSING from the shipped file: %s" % (sys.argv[3], arch, " ".join(sorted(n - s))))
        bad = True
    if s - n:
        print("%s %s: shipped, not seen in this measurement (superset): %s"
              % (sys.argv[3], arch, " ".join(sorted(s - n))))
    if n == s:
        print("%s %s: same %d syscalls" % (sys.argv[3], arch, len(s)))
sys.exit(1 if bad else 0)
PY
	checked=$((checked + 1))
	pass "$rt $ver: the shipped baseline covers a fresh measurement"
done
[ "$checked" -gt 0 ] || skip "neither crun nor runc with a shipped baseline is installed"
