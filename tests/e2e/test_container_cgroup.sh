#!/usr/bin/env bash
# --container ID found by its cgroup when no runtime state names it: the
# cgroup directory patterns of Docker (docker-ID.scope) and Kubernetes'
# cgroupfs driver (/kubepods/.../ID), by unique id prefix.  The "container"
# here shares the host's pid namespace (like --pid=host), so the cgroup is
# its only key: a process that joins the cgroup and then execs is recorded
# (at its exec), one that only lives next to it is not.
. "$TAILOR_SRC/tests/lib.sh"
need_live
scratch
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg2" ] || skip "no cgroup2 mount"
base=$cg2/tailor-test-$$
mkdir "$base" 2>/dev/null || skip "cannot create a cgroup under $cg2"
hex=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
hex2=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# an id whose 8-character prefix is all decimal digits (2 % of random ids):
# not a pid (above pid_max), so it must resolve as an id prefix.  Drawn per
# run: a cgroup another run left behind must not make it ambiguous.
hex2=3$(date +%N | cut -c1-7)${hex2:8}
ct=$base/docker-$hex.scope
kp=$base/kubepods/burstable/pod-1234/$hex2
mkdir -p "$ct" "$kp"
# Wait (bounded) until a process has joined cgroup DIR: a fixed sleep races on a loaded machine.
wait_joined() { # DIR
	local i
	for i in $(seq 100); do
		grep -q . "$1/cgroup.procs" && return 0 # cgroupfs files report size 0
		sleep 0.05
	done
	fail "no process joined $1"
}
# Never fails (set -e would end it early and leave the cgroups behind): a
# cgroup can be removed once its processes are gone, which takes a moment.
cleanup() {
	local d i
	set +e
	for p in ${pids:-}; do kill "$p" 2>/dev/null; done
	for d in "$kp" "$ct"; do
		for i in $(seq 50); do
			grep -q . "$d/cgroup.procs" 2>/dev/null || break
			sleep 0.1
		done
	done
	rmdir "$kp" "$base/kubepods/burstable/pod-1234" "$base/kubepods/burstable" "$base/kubepods" "$ct" "$base" 2>/dev/null
	rm -rf "$T"
	return 0
}
trap cleanup EXIT

# The "container": a shell in the cgroup that waits, then runs its workload.
mkfifo "$T/go" "$T/end"
sh -c 'echo $$ > "$1/cgroup.procs"; read x < "$2"; mkdir "$3/made-inside"; read y < "$4"' \
	sh "$ct" "$T/go" "$T" "$T/end" &
pids=$!
wait_joined "$ct"
"$TAILOR_BIN" record -o "$T/trace.json" --container "${hex:0:10}" 2>"$T/rec.err" &
rec=$!
pids="$pids $rec"
wait_for_line "$T/rec.err" "marked" 20 || { cat "$T/rec.err"; fail "tailor did not attach"; }
grep -q "container $hex:" "$T/rec.err" || { cat "$T/rec.err"; fail "docker-ID.scope not resolved to $hex"; }
grep -q "cgroup /tailor-test-$$/docker-$hex.scope" "$T/rec.err" ||
	{ cat "$T/rec.err"; fail "the container's own cgroup was not its key"; }

# Joins later, then execs: recorded.  Next to it, outside the cgroup: not.
sh -c 'echo $$ > "$1/cgroup.procs"; exec cat /proc/self/stat' sh "$ct" >/dev/null
uname -a >/dev/null
echo go >"$T/go"
sleep 0.3
echo end >"$T/end"
wait "$rec" || { cat "$T/rec.err"; fail "tailor record --container exited $?"; }
pids=
[ -d "$T/made-inside" ] || fail "the workload did not run"
python3 - "$T/trace.json" "$hex" <<'PY' || { cat "$T/rec.err"; fail "trace not as expected"; }
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and r["target"] == sys.argv[2], r
n = set(t["abis"]["x86_64"])
assert "mkdir" in n or "mkdirat" in n, sorted(n)
paths = {e["path"] for e in t.get("execs", [])}
assert any(p.endswith("/cat") for p in paths), paths  # joined, then exec'ed
assert not any(p.endswith("/uname") for p in paths), paths  # never in the cgroup
PY
pass "docker-ID.scope by prefix: the cgroup is the key; a process joining it is recorded at its exec"

# /kubepods/.../ID (cgroupfs driver): resolution only.
sh -c 'echo $$ > "$1/cgroup.procs"; exec sleep 5' sh "$kp" &
pids=$!
wait_joined "$kp"
"$TAILOR_BIN" record -q -o "$T/kp.json" --duration 1 --container "${hex2:0:8}" 2>"$T/kp.err" ||
	{ cat "$T/kp.err"; fail "--container by a /kubepods/.../ID prefix"; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; assert r["target"]==sys.argv[2] and not r["complete"], r' \
	"$T/kp.json" "$hex2" || fail "kubepods container trace not named by its id"
pass "/kubepods/.../ID by prefix; --duration ends the recording (incomplete)"

# An ambiguous prefix and an unknown id are errors that say so.
"$TAILOR_BIN" record -q -o "$T/x.json" --container "no-such-container-$$" 2>"$T/err" &&
	fail "an unknown id was accepted"
grep -q "no container 'no-such-container-$$'" "$T/err" || { cat "$T/err"; fail "unknown id message"; }
# an id that looks like an option is never handed to podman/docker inspect as one
"$TAILOR_BIN" record -q -o "$T/x.json" --container "--help" 2>"$T/err" && fail "--container --help was accepted"
grep -q "no container '--help'" "$T/err" || { cat "$T/err"; fail "option-like id message"; }
pass "unknown ids are refused with a reason"
