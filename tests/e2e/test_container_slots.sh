#!/usr/bin/env bash
# tailor record --all-containers --max-containers 1: a container refused for
# want of a slot, which gets one once the other ends, is recorded from then
# on with the processes it already runs (its init), not only the one whose
# exec brought the slot.  Each refused container is warned about.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd runc "the container tests need it; scripts/install-deps.sh installs it"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch
a=tailor-slot-a-$$ b=tailor-slot-b-$$ q1=tailor-slot-q1-$$ q2=tailor-slot-q2-$$
r1=tailor-slot-r1-$$ r2=tailor-slot-r2-$$
cleanup() { for x in "$a" "$b" "$q1" "$q2" "$r1" "$r2"; do runc delete -f "$x" >/dev/null 2>&1; done; }
trap 'cleanup; [ -n "${tpid:-}" ] && kill "$tpid" 2>/dev/null; rm -rf "$T"' EXIT

make_busybox_bundle "$T/a" /bin/sh -c 'read x < /tmp/go'
# b's init: refused at its start; /bin/true's exec brings the slot; then the
# init itself (no exec of its own) waits and writes a file
make_busybox_bundle "$T/b" /bin/sh -c 'read x < /tmp/go; /bin/true; read y < /tmp/go2; echo x > /tmp/by-init'
mkfifo "$T/a/rootfs/tmp/go" "$T/b/rootfs/tmp/go" "$T/b/rootfs/tmp/go2"

"$TAILOR_BIN" record -o "$T/traces" --all-containers --max-containers 1 2>"$T/rec.err" &
tpid=$!
wait_for_line "$T/rec.err" "recording every container" 20 || { cat "$T/rec.err"; fail "tailor did not start"; }
runc run -d --bundle "$T/a" "$a" </dev/null >/dev/null 2>&1 || fail "runc run -d $a"
wait_for_line "$T/rec.err" "container $a \\(" 10 || { cat "$T/rec.err"; fail "$a not detected"; }
runc run -d --bundle "$T/b" "$b" </dev/null >/dev/null 2>&1 || fail "runc run -d $b"
wait_for_line "$T/rec.err" "is not recorded: all 1 slots are in use" 10 ||
	{ cat "$T/rec.err"; fail "$b was not refused"; }
# Short containers refused one after the other: the kernel may give each the pid
# namespace number of the one before (it ended); each is warned about.
make_busybox_bundle "$T/q" /bin/true
for q in "$q1" "$q2"; do
	runc run --bundle "$T/q" "$q" </dev/null >/dev/null 2>&1 || fail "runc run $q"
	runc delete -f "$q" >/dev/null 2>&1 || true
	wait_for_line "$T/rec.err" "cgroup $q) is not recorded: all 1 slots are in use" 10 ||
		{ cat "$T/rec.err"; fail "no warning for $q, refused after another"; }
done
echo go >"$T/a/rootfs/tmp/go"
wait_for_line "$T/rec.err" "container $a ended" 20 || { cat "$T/rec.err"; fail "$a did not end"; }
echo go >"$T/b/rootfs/tmp/go"
wait_for_line "$T/rec.err" "container $b .*already running, recorded from now on" 10 ||
	{ cat "$T/rec.err"; fail "$b did not get the freed slot"; }
sleep 1 # user space marks b's running processes after that line
echo go >"$T/b/rootfs/tmp/go2"
wait_for_line "$T/rec.err" "container $b ended" 20 || { cat "$T/rec.err"; fail "$b did not end"; }
kill -TERM "$tpid"
wait "$tpid" || { cat "$T/rec.err"; fail "tailor record --all-containers exited $?"; }
tpid=

python3 - "$T/traces/$b.json" <<'PY' || { cat "$T/rec.err"; fail "$b's trace lacks its init's calls"; }
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["lost"].get("start") == 1, r["lost"]  # recorded only from the slot on
files = {f["path"]: f["access"] for f in t.get("files", [])}
# opened and written by the init after the slot: it runs no program of its own
assert "read" in files.get("/tmp/go2", []), files
assert "create" in files.get("/tmp/by-init", []), files
PY
pass "a container refused for want of a slot is recorded with its init once it gets one"

# Two containers already running at the start, one slot: the one refused is
# named by its cgroup, as a container refused at its exec is (a short one
# can be found either way).
make_busybox_bundle "$T/r" /bin/sleep 30
runc run -d --bundle "$T/r" "$r1" </dev/null >/dev/null 2>&1 || fail "runc run -d $r1"
runc run -d --bundle "$T/r" "$r2" </dev/null >/dev/null 2>&1 || fail "runc run -d $r2"
"$TAILOR_BIN" record -o "$T/traces2" --all-containers --max-containers 1 2>"$T/rec2.err" &
tpid=$!
wait_for_line "$T/rec2.err" "recording every container" 20 || { cat "$T/rec2.err"; fail "tailor did not start"; }
grep -Eq "a running container \(pid [0-9]+, pid namespace [0-9]+, cgroup ($r1|$r2)\) is not recorded: all 1 slots are in use" "$T/rec2.err" ||
	{ cat "$T/rec2.err"; fail "no warning naming the running container refused"; }
kill -TERM "$tpid"
wait "$tpid" || { cat "$T/rec2.err"; fail "tailor record --all-containers exited $?"; }
tpid=
pass "a running container refused for want of a slot is named by its cgroup"
