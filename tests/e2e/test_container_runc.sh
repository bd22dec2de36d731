#!/usr/bin/env bash
# tailor record --container with runc, by id prefix, on a container that was
# created and is started while recorded.  runc (Go) keeps running after it
# loads the seccomp filter, so its baseline matters: the profile generated
# with --runtime runc starts the container; with --runtime none it does not.
# noNewPrivileges is false, as Docker and Kubernetes run containers: runc
# then loads the filter before changing capabilities and uid.
# Then --container with the pid of a worker, not the init: the recording
# follows the init, and goes on after that worker exits.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd runc "the container tests need it; scripts/install-deps.sh installs it"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch

work='[ -p /tmp/go ] && read x < /tmp/go; echo start; mkdir -p /tmp/w; echo payload > /tmp/w/f;
cat /tmp/w/f; rm -r /tmp/w; /bin/ls / >/dev/null; echo done'
make_busybox_bundle "$T/bundle" /bin/sh -c "$work"
python3 - "$T/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["noNewPrivileges"] = False
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
rootfs=$T/bundle/rootfs
id=tailor-ct-runc-$$-0123456789
trap 'for c in "$id" "$id-b" "$id-n" "$id-w" "$id-h" "$id-s" "$id-d"; do runc delete -f "$c" >/dev/null 2>&1; done; rm -rf "$T"' EXIT

mkfifo "$rootfs/tmp/go"
runc create --bundle "$T/bundle" "$id" </dev/null >"$T/out" 2>&1 || { cat "$T/out"; fail "runc create"; }
# a unique prefix of the id names it
"$TAILOR_BIN" record -o "$T/trace.json" --container "${id%-0123456789}-01" 2>"$T/rec.err" &
recpid=$!
wait_for_line "$T/rec.err" "marked before its start" 20 ||
	{ cat "$T/rec.err"; fail "tailor did not mark the created container"; }
grep -q "container $id:" "$T/rec.err" || { cat "$T/rec.err"; fail "the prefix did not resolve to $id"; }
runc start "$id" || fail "runc start"
echo go >"$rootfs/tmp/go"
wait "$recpid" || { cat "$T/rec.err"; fail "tailor record --container exited $?"; }
rm -f "$rootfs/tmp/go"
runc delete -f "$id" >/dev/null 2>&1 || true
grep -q '^payload$' "$T/out" || { cat "$T/out"; fail "the recorded workload did not run"; }
names=$(trace_syscalls "$T/trace.json")
for s in execve mkdir getdents64 exit_group; do
	echo "$names" | grep -qx "$s" || fail "syscall $s missing from the container's trace"
done
# runc's own syscalls before the entrypoint's exec are not the container's
for s in capset setgroups pivot_root; do
	echo "$names" | grep -qx "$s" && fail "runc's $s was recorded as the container's"
done
pass "runc container recorded from its entrypoint (id given by prefix), runc itself left out"

run_under() { # PROFILE ID -> container output in $T/run-ID
	bundle_set_seccomp "$T/bundle" "$1"
	runc run --bundle "$T/bundle" "$2" </dev/null >"$T/run-$2" 2>&1
}
"$TAILOR_BIN" generate -f oci --runtime runc -o "$T/with.json" "$T/trace.json" 2>/dev/null ||
	fail "generate -f oci --runtime runc"
run_under "$T/with.json" "$id-b" && grep -q '^done$' "$T/run-$id-b" ||
	{ cat "$T/run-$id-b"; fail "runc did not run the container under the profile with its baseline"; }
pass "runc runs the container under the generated profile with --runtime runc"

"$TAILOR_BIN" generate -f oci --runtime none -o "$T/without.json" "$T/trace.json" 2>/dev/null ||
	fail "generate -f oci --runtime none"
if run_under "$T/without.json" "$id-n" && grep -q '^done$' "$T/run-$id-n"; then
	cat "$T/run-$id-n"
	fail "runc started the container without its baseline: the baseline test proves nothing"
fi
pass "without runc's baseline (--runtime none) the container does not start: $(head -c 160 "$T/run-$id-n" | tr '\n' ' ')"

# --container WORKER_PID: the init (pid 1 in the container) ends the
# recording.  The worker exits at 2 s; the init makes its mkdir at 6 s, well
# after the 2 s tailor waits once the process it takes for the init is gone.
make_busybox_bundle "$T/wb" /bin/sh -c 'sleep 2 & sleep 6; mkdir /tmp/after-worker'
runc run -d --bundle "$T/wb" "$id-w" </dev/null >/dev/null 2>&1 || fail "runc run -d $id-w"
init=$(runc state "$id-w" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
worker=
for _ in $(seq 50); do
	worker=$(pgrep -P "$init" -x sleep | head -1 || true)
	[ -n "$worker" ] && [ "$(pgrep -P "$init" -x sleep | wc -l)" = 2 ] && break
	sleep 0.05
done
# the one that exits first: the older of the two sleeps is `sleep 2`
worker=$(pgrep -P "$init" -x sleep -o || true)
[ -n "$worker" ] || fail "the container's worker did not start"
"$TAILOR_BIN" record -o "$T/worker.json" --container "$worker" 2>"$T/rec-w.err" ||
	{ cat "$T/rec-w.err"; fail "tailor record --container $worker exited $?"; }
grep -q "init $init," "$T/rec-w.err" || { cat "$T/rec-w.err"; fail "--container $worker did not find the init $init"; }
python3 - "$T/worker.json" "$init" <<'PY' || { cat "$T/rec-w.err"; fail "the trace stopped with the worker, or its records name no program"; }
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["pid"] == int(sys.argv[2]), r
assert "mkdir" in t["abis"]["x86_64"], sorted(t["abis"]["x86_64"])
# the running init's records name its program as the container sees it
made = [f for f in t["files"] if f["path"] == "/tmp/after-worker"]
assert made and all(f["program"] == "/bin/busybox" for f in made), made
PY
pass "--container with a worker's pid records the container until its init ends, by program"

# A container in the host's pid namespace (no "pid" namespace in the bundle) whose
# entrypoint daemonizes: its init exits at once, the daemon it left is the container's
# and is recorded until the container is deleted (not 2 s after the init); the run's
# command is the entrypoint, though it is no pid 1.
make_busybox_bundle "$T/hp" /bin/sh -c '(sleep 3; mkdir /tmp/by-daemon; sleep 60) & exit 0'
python3 - "$T/hp/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
runc create --bundle "$T/hp" "$id-h" </dev/null >/dev/null 2>&1 || fail "runc create $id-h"
"$TAILOR_BIN" record -o "$T/hostpid.json" --container "$id-h" 2>"$T/rec-h.err" &
recpid=$!
wait_for_line "$T/rec-h.err" "the host's pid namespace" 20 || { cat "$T/rec-h.err"; fail "tailor did not mark $id-h"; }
runc start "$id-h" || fail "runc start $id-h"
for _ in $(seq 100); do [ -d "$T/hp/rootfs/tmp/by-daemon" ] && break; sleep 0.1; done
[ -d "$T/hp/rootfs/tmp/by-daemon" ] || fail "the container's daemon did not run"
kill -0 "$recpid" 2>/dev/null || { cat "$T/rec-h.err"; fail "the recording ended with the init, the daemon still runs"; }
runc delete -f "$id-h" >/dev/null 2>&1 || true
wait "$recpid" || { cat "$T/rec-h.err"; fail "tailor record --container $id-h exited $?"; }
python3 - "$T/hostpid.json" <<'PY' || { cat "$T/rec-h.err"; fail "host-pid-namespace container's trace"; }
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r.get("command") == ["/bin/sh", "-c", "(sleep 3; mkdir /tmp/by-daemon; sleep 60) & exit 0"], r
assert "mkdir" in t["abis"]["x86_64"], sorted(t["abis"]["x86_64"])
PY
pass "a daemonizing container in the host's pid namespace: its daemon recorded until deleted, its command named"

# A stopped container (its init gone, not deleted): one line saying so, exit 125.
make_busybox_bundle "$T/st" /bin/true
runc run -d --bundle "$T/st" "$id-s" </dev/null >/dev/null 2>&1 || fail "runc run -d $id-s"
for _ in $(seq 50); do runc state "$id-s" 2>/dev/null | grep -q '"stopped"' && break; sleep 0.1; done
rc=0
"$TAILOR_BIN" record -o "$T/stopped.json" --container "$id-s" 2>"$T/rec-s.err" || rc=$?
[ $rc = 125 ] && [ "$(wc -l <"$T/rec-s.err")" = 1 ] && grep -q "container $id-s is stopped" "$T/rec-s.err" ||
	{ cat "$T/rec-s.err"; fail "--container on a stopped container: exit $rc"; }
[ ! -e "$T/stopped.json" ] || fail "a trace was written for a stopped container"
pass "--container on a stopped container: one line, exit 125, no trace"

# --duration ends a recording while the container runs: its tasks are counted in lost.running
make_busybox_bundle "$T/du" /bin/sh -c 'sleep 30'
runc run -d --bundle "$T/du" "$id-d" </dev/null >/dev/null 2>&1 || fail "runc run -d $id-d"
"$TAILOR_BIN" record -q -o "$T/dur.json" --container "$id-d" --duration 1 ||
	fail "record --container --duration 1: exit $?"
runc delete -f "$id-d" >/dev/null 2>&1 || true
python3 - "$T/dur.json" <<'PY' || fail "--duration: tasks still running not counted"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert not r["complete"] and r["lost"].get("running", 0) >= 1, r
PY
pass "--duration on a running container: incomplete, its tasks in lost.running"
