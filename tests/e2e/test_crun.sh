#!/usr/bin/env bash
# End to end with a real container runtime: record a busybox workload, generate
# the OCI seccomp object, and let crun enforce it on a busybox-static rootfs.
# The profile must start the container (no false denial); the same profile
# minus a syscall the workload needs must make it fail.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd crun "the e2e container tests need it; scripts/install-deps.sh installs it"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch

work='echo start; mkdir -p /tmp/w; echo payload > /tmp/w/f; cat /tmp/w/f; ls /bin | wc -l; rm -r /tmp/w; echo done'
make_busybox_bundle "$T/bundle" /bin/sh -c "$work"
bb=$T/bundle/rootfs/bin/busybox

# The same static binary and workload, recorded on the host.  crun loads the
# filter just before its final execve, so tailor's loader baseline (execve)
# is also what crun needs; runc needs more (see docs, runtime baselines).
"$TAILOR_BIN" record -q -o "$T/trace.json" -- "$bb" sh -c "$work" >/dev/null ||
	fail "record of the busybox workload failed"
"$TAILOR_BIN" generate -f oci -o "$T/seccomp.json" "$T/trace.json" || fail "generate -f oci"

bundle_set_seccomp "$T/bundle" "$T/seccomp.json"
out=$(crun_run "$T/bundle" "tailor-e2e-$$" 2>&1) || { echo "$out"; fail "crun refused or the workload failed under the profile"; }
echo "$out" | grep -q '^payload$' || { echo "$out"; fail "workload output missing"; }
echo "$out" | grep -q '^done$' || { echo "$out"; fail "workload did not finish"; }
pass "crun ran the container under the generated profile"

# Without mkdir the workload cannot create its directory.
python3 - "$T/seccomp.json" "$T/minus.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
hit = False
for r in p["syscalls"]:
    for n in ("mkdir", "mkdirat"):
        if n in r["names"]:
            r["names"].remove(n); hit = True
assert hit, "mkdir/mkdirat not in the generated profile"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
bundle_set_seccomp "$T/bundle" "$T/minus.json"
out=$(crun_run "$T/bundle" "tailor-e2e-minus-$$" 2>&1) && true
echo "$out" | grep -q 'Operation not permitted' ||
	{ echo "$out"; fail "expected EPERM from mkdir under the reduced profile"; }
echo "$out" | grep -q '^payload$' && fail "the workload wrote its file without mkdir"
pass "removing mkdir from the profile makes the container's workload fail with EPERM"
