#!/usr/bin/env bash
# tailor hook end to end: config.json hooks (createRuntime, poststop) point at
# `$TAILOR_BIN hook`; the annotation io.tailor.record asks for a trace.
#  - a container that lives less than a millisecond (busybox true) is
#    recorded completely: its execve and its exit_group (no start race: the
#    init is marked at createRuntime, before the entrypoint's exec);
#  - a container into which a second process is exec'ed after its start;
#  - io.tailor.profile: the hook writes an OCI profile at poststop, which
#    runs the container;
#  - a poststop for a container no start hook recorded fails, even when a
#    trace (an older run's) is at the path;
# with runc and with crun; with podman when installed (hooks.d).
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd busybox "busybox-static provides the container's rootfs"
command -v runc >/dev/null || command -v crun >/dev/null || skip "neither runc nor crun is installed"
scratch
export TAILOR_HOOK_DIR=$T/hooks

# config.json: hooks calling tailor, and the annotations.
hooked_bundle() { # DIR TRACE PROFILE ARGS...
	local dir=$1 trace=$2 profile=$3
	shift 3
	make_busybox_bundle "$dir" "$@"
	python3 - "$dir/config.json" "$TAILOR_BIN" "$TAILOR_HOOK_DIR" "$trace" "$profile" <<'PY'
import json, sys
p, tailor, state, trace, profile = sys.argv[1:]
c = json.load(open(p))
hook = {"path": tailor, "args": ["tailor", "hook"], "env": ["TAILOR_HOOK_DIR=" + state],
        "timeout": 60}
c["hooks"] = {"createRuntime": [hook], "poststop": [hook]}
c["annotations"] = {"io.tailor.record": trace}
if profile:
    c["annotations"]["io.tailor.profile"] = profile
    c["annotations"]["io.tailor.profile-format"] = "oci"
json.dump(c, open(p, "w"), indent=1)
PY
}

check_trace() { # TRACE ID SYSCALL... (execs: /bin/true at least)
	local trace=$1 id=$2
	shift 2
	[ -s "$trace" ] || fail "$id: the hook wrote no trace"
	names=$(trace_syscalls "$trace")
	for s in "$@"; do
		echo "$names" | grep -qx "$s" || { echo "$names" | tr "\n" " "; cat "$TAILOR_HOOK_DIR/$id.log"; fail "$id: syscall $s missing from the trace"; }
	done
	python3 - "$trace" "$id" <<'PY' || fail "$id: trace run not as expected"
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and r["target"] == sys.argv[2], r
assert r["complete"] is True, r
PY
}

for rt in runc crun; do
	command -v "$rt" >/dev/null || { echo "note: $rt not installed, its part is skipped"; continue; }
	if [ "$rt" = crun ]; then run() { crun_hidden_cgroup2 "$@"; }; else run() { runc "$@"; }; fi

	# 1. busybox true: lives well under a millisecond.
	id=tailor-hook-$rt-$$
	hooked_bundle "$T/$rt-true" "$T/$rt-true.json" "$T/$rt-true.profile.json" /bin/true
	(cd "$T/$rt-true" && run run "$id" </dev/null >"$T/$rt-true.out" 2>&1) ||
		{ cat "$T/$rt-true.out" "$TAILOR_HOOK_DIR/$id.log" 2>/dev/null; fail "$rt run with the hook failed"; }
	check_trace "$T/$rt-true.json" "$id" execve exit_group
	python3 - "$T/$rt-true.json" <<'PY' || fail "$rt: /bin/true's exec is not in the trace"
import json, sys
# /bin/true is a link to busybox: exec records name the file executed
t = json.load(open(sys.argv[1]))
assert any(e["path"] == "/bin/busybox" for e in t.get("execs", [])), t.get("execs")
# read in the kernel at its exec: the init is gone before user space could read it
assert t["runs"][0].get("command") == ["/bin/true"], t["runs"][0]
PY
	[ ! -e "$TAILOR_HOOK_DIR/$id.pid" ] || fail "$rt: the recorder's pid file was left behind"
	pass "$rt: a sub-millisecond container is recorded from its execve to its exit_group"

	# ... and the profile the hook wrote runs it (no hooks this time).
	[ -s "$T/$rt-true.profile.json" ] || fail "$rt: the hook wrote no profile"
	make_busybox_bundle "$T/$rt-plain" /bin/sh -c 'echo under-profile'
	bundle_set_seccomp "$T/$rt-plain" "$T/$rt-true.profile.json"
	python3 - "$T/$rt-plain/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
	(cd "$T/$rt-plain" && run run "$id-p" </dev/null >"$T/$rt-plain.out" 2>&1) ||
		{ cat "$T/$rt-plain.out"; fail "$rt: the hook's profile does not run the container"; }
	pass "$rt: the profile written at poststop runs the container"

	# 1b. The host's pid namespace, an entrypoint that daemonizes: recorded until the
	# container is deleted (crun here has no cgroup2 cgroup of its own: nothing to key it
	# by, its init's process tree is followed).
	idh=tailor-hook-hostpid-$rt-$$
	hooked_bundle "$T/$rt-hp" "$T/$rt-hp.json" "" /bin/sh -c '(sleep 0.5; mkdir /tmp/d; sleep 30) & exit 0'
	python3 - "$T/$rt-hp/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
	(cd "$T/$rt-hp" && run run -d "$idh" </dev/null >"$T/$rt-hp.out" 2>&1) ||
		{ cat "$T/$rt-hp.out" "$TAILOR_HOOK_DIR/$idh.log" 2>/dev/null; fail "$rt: host pid namespace container with the hook failed"; }
	for _ in $(seq 50); do [ -d "$T/$rt-hp/rootfs/tmp/d" ] && break; sleep 0.1; done
	run delete -f "$idh" >/dev/null 2>&1 || true
	check_trace "$T/$rt-hp.json" "$idh" mkdir
	python3 - "$T/$rt-hp.json" <<'PY' || fail "$rt: host pid namespace container: command"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r.get("command") == ["/bin/sh", "-c", "(sleep 0.5; mkdir /tmp/d; sleep 30) & exit 0"], r
PY
	pass "$rt: a daemonizing container in the host's pid namespace, recorded until deleted"

	# 2. A process exec'ed into the container after its start.
	id2=tailor-hook-exec-$rt-$$
	hooked_bundle "$T/$rt-exec" "$T/$rt-exec.json" "" /bin/sh -c \
		'read x < /tmp/go; echo released'
	mkfifo "$T/$rt-exec/rootfs/tmp/go"
	(cd "$T/$rt-exec" && run run -d "$id2" </dev/null >"$T/$rt-exec.out" 2>&1) ||
		{ cat "$T/$rt-exec.out"; fail "$rt run -d with the hook failed"; }
	"$rt" exec "$id2" /bin/uname -a >"$T/$rt-exec.uname" 2>&1 ||
		{ cat "$T/$rt-exec.uname"; fail "$rt exec failed"; }
	echo go >"$T/$rt-exec/rootfs/tmp/go"
	for _ in $(seq 200); do
		"$rt" state "$id2" 2>/dev/null | grep -q '"running"' || break
		sleep 0.05
	done
	"$rt" delete -f "$id2" >/dev/null 2>&1 || true # runs poststop
	for _ in $(seq 100); do [ -s "$T/$rt-exec.json" ] && break; sleep 0.05; done
	check_trace "$T/$rt-exec.json" "$id2" execve read uname exit_group
	pass "$rt: the process exec'ed into the running container is in its trace"
done

# poststop with no recorder started for the container: a stale trace is not its
echo '{}' >"$T/stale.json"
printf '{"ociVersion":"1.0.2","id":"stale-%s","status":"stopped","pid":0,"bundle":"%s","annotations":{"io.tailor.record":"stale.json"}}' \
	"$$" "$T" | "$TAILOR_BIN" hook 2>"$T/stale.err" && fail "poststop took a stale trace as written"
grep -q "no recorder was started for it" "$T/stale.err" || fail "poststop without a start: $(cat "$T/stale.err")"
pass "a poststop for a container no start hook recorded fails, a stale trace notwithstanding"

# a profile format the hook cannot write fails createRuntime, before anything is
# recorded, not poststop after the whole run (QA: k8s recorded, then refused)
sleep 30 &
sp=$!
mkdir -p "$T/badfmt-state"
set +e
printf '{"ociVersion":"1.0.2","id":"badfmt-%s","status":"created","pid":%d,"bundle":"%s","annotations":{"io.tailor.record":"b.json","io.tailor.profile":"b.k8s","io.tailor.profile-format":"k8s"}}' \
	"$$" "$sp" "$T" | "$TAILOR_BIN" hook --state-dir "$T/badfmt-state" createRuntime 2>"$T/badfmt.err"
rc=$?
set -e
kill "$sp"
[ "$rc" != 0 ] || fail "createRuntime accepted io.tailor.profile-format k8s"
grep -q "io.tailor.profile-format 'k8s': expected docker or oci" "$T/badfmt.err" ||
	fail "createRuntime with format k8s: $(cat "$T/badfmt.err")"
[ -z "$(ls -A "$T/badfmt-state")" ] || fail "createRuntime with format k8s left $(ls "$T/badfmt-state")"
pass "a profile format the hook cannot write fails createRuntime, recording nothing"

# podman reads hooks.d JSON (examples/oci-hooks/tailor-hook.json).
if command -v podman >/dev/null && [ -n "${TAILOR_PODMAN_CONF:-}" ]; then
	echo "note: podman: see tests/e2e/test_container_podman.sh"
else
	echo "note: podman part: tests/e2e/test_container_podman.sh (skips without podman)"
fi
