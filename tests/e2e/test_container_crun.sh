#!/usr/bin/env bash
# tailor record --container with crun: a created container is recorded from
# its entrypoint's first instruction, with a second process `crun exec`ed
# into it (not a descendant of its init: caught by its pid namespace at
# exec).  The OCI profile generated with --runtime crun runs the same
# container (main process and exec); minus mkdir the workload fails.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd crun "the container tests need it; scripts/install-deps.sh installs it"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch

# The workload waits on two fifos (in the rootfs, written from the host):
# after the first it works, after the second it ends.  Between the two the
# test execs `uname -a` into it: uname(2) is the exec's alone.
work='[ -p /tmp/go ] && read x < /tmp/go; echo start; mkdir -p /tmp/w; echo payload > /tmp/w/f;
cat /tmp/w/f; rm -r /tmp/w; [ -p /tmp/go2 ] && read y < /tmp/go2; echo done'
make_busybox_bundle "$T/bundle" /bin/sh -c "$work"
rootfs=$T/bundle/rootfs
id=tailor-ct-crun-$$
cleanup() { crun delete -f "$id" >/dev/null 2>&1 || true; crun delete -f "$id-e" >/dev/null 2>&1 || true; }
trap 'cleanup; rm -rf "$T"' EXIT

# Create (init waits to exec the entrypoint), record it, start it.
run_workload() { # ID RECORD?   (stdout of the container in $T/out-ID)
	local cid=$1 rec=${2:-}
	mkfifo "$rootfs/tmp/go" "$rootfs/tmp/go2"
	(cd "$T/bundle" && crun_hidden_cgroup2 create "$cid" </dev/null >"$T/out-$cid" 2>&1) ||
		{ cat "$T/out-$cid"; fail "crun create $cid"; }
	if [ -n "$rec" ]; then
		"$TAILOR_BIN" record -o "$T/trace.json" --container "$cid" 2>"$T/rec.err" &
		recpid=$!
		wait_for_line "$T/rec.err" "marked before its start" 20 ||
			{ cat "$T/rec.err"; fail "tailor did not mark the created container"; }
	fi
	crun start "$cid" || fail "crun start $cid"
	echo go >"$rootfs/tmp/go"
	sleep 0.2
	crun exec "$cid" /bin/uname -a >"$T/exec-$cid" 2>&1 || { cat "$T/exec-$cid"; return 1; }
	echo go >"$rootfs/tmp/go2"
	for _ in $(seq 200); do
		crun state "$cid" 2>/dev/null | grep -q '"running"' || break
		sleep 0.05
	done
	rm -f "$rootfs/tmp/go" "$rootfs/tmp/go2"
}

run_workload "$id" record || fail "crun exec into the recorded container failed"
wait "$recpid" || { cat "$T/rec.err"; fail "tailor record --container exited $?"; }
crun delete -f "$id" >/dev/null 2>&1 || true
grep -q '^Linux' "$T/exec-$id" || fail "the exec'ed uname printed nothing"

names=$(trace_syscalls "$T/trace.json")
for s in execve mkdir uname exit_group; do
	echo "$names" | grep -qx "$s" || fail "syscall $s missing from the container's trace"
done
python3 - "$T/trace.json" "$id" <<'PY' || fail "trace run/execs not as expected"
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and r["target"] == sys.argv[2], r
assert r["complete"] is True, r  # created, then recorded from its entrypoint on
# /bin/sh and /bin/uname are links to busybox: exec records name the file
# executed, in the container's root; the entrypoint's and the exec'ed one's
assert {e["path"] for e in t.get("execs", [])} == {"/bin/busybox"}, t["execs"]
assert sum(e["count"] for e in t["execs"] if e["parent"] == "") >= 2, t["execs"]
PY
pass "crun container recorded from its entrypoint, with the process exec'ed into it"

# The profile, with crun's baseline, runs the same container and exec.
"$TAILOR_BIN" generate -f oci --runtime crun -o "$T/seccomp.json" "$T/trace.json" 2>/dev/null ||
	fail "generate -f oci --runtime crun"
bundle_set_seccomp "$T/bundle" "$T/seccomp.json"
run_workload "$id-e" || { cat "$T/exec-$id-e"; fail "crun exec failed under the profile"; }
grep -q '^payload$' "$T/out-$id-e" && grep -q '^done$' "$T/out-$id-e" ||
	{ cat "$T/out-$id-e"; fail "the workload failed under the generated profile"; }
grep -q '^Linux' "$T/exec-$id-e" || fail "the exec'ed uname failed under the profile"
crun delete -f "$id-e" >/dev/null 2>&1 || true
pass "crun runs the container and its exec under the generated profile (--runtime crun)"

# crun's baseline is small (execve, close: crun loads the filter just before
# its execve), so --runtime none may pass too; say which.
"$TAILOR_BIN" generate -f oci --runtime none -o "$T/none.json" "$T/trace.json" 2>/dev/null
bundle_set_seccomp "$T/bundle" "$T/none.json"
if (cd "$T/bundle" && crun_hidden_cgroup2 run "$id-n" </dev/null >"$T/out-none" 2>&1) &&
	grep -q '^done$' "$T/out-none"; then
	echo "note: crun also starts with --runtime none (the workload itself makes crun's calls)"
else
	echo "note: crun needs its baseline: --runtime none fails"
fi

# Without mkdir the workload cannot create its directory.
python3 - "$T/seccomp.json" "$T/minus.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
hit = False
for r in p["syscalls"]:
    for n in ("mkdir", "mkdirat"):
        if n in r["names"]:
            r["names"].remove(n); hit = True
assert hit
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
bundle_set_seccomp "$T/bundle" "$T/minus.json"
out=$(cd "$T/bundle" && crun_hidden_cgroup2 run "$id-m" </dev/null 2>&1) && true
echo "$out" | grep -q 'Operation not permitted' || { echo "$out"; fail "expected EPERM without mkdir"; }
pass "without mkdir the container's workload fails with EPERM"
