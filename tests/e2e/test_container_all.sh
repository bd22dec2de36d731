#!/usr/bin/env bash
# tailor record -o DIR --all-containers: one trace per container, named by
# its id, written when it ends (and at SIGTERM, marked incomplete).
#  - two containers running at once (runc), each with its own syscalls;
#  - a container that lives less than a millisecond (crun, busybox true),
#    marked at its exec in the kernel: recorded from its first instruction;
#  - a container still running when tailor stops;
#  - a container created (`runc create`: its init is still `runc init`)
#    before tailor starts, and started later: recorded from its entrypoint's
#    exec, without runc's own calls, and its command is the entrypoint's.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd runc "the container tests need it; scripts/install-deps.sh installs it"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch
a=tailor-all-a-$$ b=tailor-all-b-$$ c=tailor-all-c-$$ d=tailor-all-d-$$ e=tailor-all-e-$$
f=tailor-all-f-$$
cleanup() { for x in "$a" "$b" "$d" "$e" "$f"; do runc delete -f "$x" >/dev/null 2>&1; done; crun delete -f "$c" >/dev/null 2>&1; }
trap 'cleanup; [ -n "${tpid:-}" ] && kill "$tpid" 2>/dev/null; rm -rf "$T"' EXIT

# a's last argument is longer than the kernel's argv record (TL_ARGV_MAX, 4 KiB)
long=$(printf 'x%.0s' $(seq 6000))
make_busybox_bundle "$T/a" /bin/sh -c 'read x < /tmp/go; mkdir /tmp/only-a; echo a-done' sh "$long"
make_busybox_bundle "$T/b" /bin/sh -c 'read x < /tmp/go; sync; echo b-done'
make_busybox_bundle "$T/d" /bin/sh -c 'read x < /tmp/go'
make_busybox_bundle "$T/e" /bin/sh -c 'echo e-done'
for x in a b d; do mkfifo "$T/$x/rootfs/tmp/go"; done

runc create --bundle "$T/e" "$e" </dev/null >/dev/null 2>&1 || fail "runc create $e"
# f is created and never started: an empty trace, no command, nothing missed
runc create --bundle "$T/e" "$f" </dev/null >/dev/null 2>&1 || fail "runc create $f"
# the output directory does not exist yet: tailor makes it, private
"$TAILOR_BIN" record -o "$T/traces" --all-containers 2>"$T/rec.err" &
tpid=$!
wait_for_line "$T/rec.err" "recording every container" 20 || { cat "$T/rec.err"; fail "tailor did not start"; }

runc run -d --bundle "$T/a" "$a" </dev/null >/dev/null 2>&1 || fail "runc run -d $a"
runc run -d --bundle "$T/b" "$b" </dev/null >/dev/null 2>&1 || fail "runc run -d $b"
runc run -d --bundle "$T/d" "$d" </dev/null >/dev/null 2>&1 || fail "runc run -d $d"
wait_for_line "$T/rec.err" "container $a \\(" 10 && wait_for_line "$T/rec.err" "container $b \\(" 10 ||
	{ cat "$T/rec.err"; fail "the containers were not detected by id"; }
# both run at once; b ends first
echo go >"$T/b/rootfs/tmp/go"
echo go >"$T/a/rootfs/tmp/go"
wait_for_line "$T/rec.err" "container $b ended" 20 && wait_for_line "$T/rec.err" "container $a ended" 20 ||
	{ cat "$T/rec.err"; fail "the ends of the containers were not seen"; }

# e was created before tailor started: found running `runc init`, it execs
# its entrypoint now
wait_for_line "$T/rec.err" "container $e .*created, not started" 10 || { cat "$T/rec.err"; fail "$e not found at start"; }
runc start "$e" || fail "runc start $e"
wait_for_line "$T/rec.err" "container $e ended" 20 || { cat "$T/rec.err"; fail "$e did not end"; }

if command -v crun >/dev/null; then
	make_busybox_bundle "$T/c" /bin/true
	(cd "$T/c" && crun_hidden_cgroup2 run "$c" </dev/null) || fail "crun run $c"
	wait_for_line "$T/rec.err" "container $c ended" 20 || { cat "$T/rec.err"; fail "$c not seen"; }
else
	echo "note: crun not installed: the sub-millisecond container part is skipped"
fi

kill -TERM "$tpid"
wait "$tpid" || { cat "$T/rec.err"; fail "tailor record --all-containers exited $? at SIGTERM"; }
tpid=
grep -q "container $f: never started while recorded" "$T/rec.err" ||
	{ cat "$T/rec.err"; fail "$f, never started, was not reported as such"; }
grep -q "container $d still running, written (incomplete)" "$T/rec.err" ||
	{ cat "$T/rec.err"; fail "$d, running at SIGTERM, was not reported as such"; }
ls "$T/traces"
[ "$(stat -c %a "$T/traces")" = 700 ] || fail "output directory mode $(stat -c %a "$T/traces"), expected 700"

python3 - "$T/traces" "$a" "$b" "$c" "$d" "$e" "$(command -v crun || true)" "$f" <<'PY' || { cat "$T/rec.err"; fail "traces not as expected"; }
import json, os, sys
d, a, b, c, dd, e, crun = sys.argv[1:8]
def load(i):
    t = json.load(open(os.path.join(d, i + ".json")))
    r = t["runs"][0]
    assert r["kind"] == "container" and r["target"] == i, r
    return t, r, set(t["abis"]["x86_64"])
ta, ra, na = load(a)
tb, rb, nb = load(b)
assert ra["complete"] and rb["complete"], (ra, rb)
assert "mkdir" in na and "sync" not in na, sorted(na)
assert "sync" in nb and "mkdir" not in nb, sorted(nb)
for n in (na, nb):
    assert {"execve", "read", "exit_group"} <= n, sorted(n)
if crun:
    tc, rc, nc = load(c)
    assert rc["complete"], rc
    assert rc.get("command") == ["/bin/true"], rc  # read in the kernel: gone at once
    assert {"execve", "exit_group"} <= nc, sorted(nc)
    # /bin/true is a link to busybox: exec records name the file executed
    assert any(e["path"] == "/bin/busybox" for e in tc["execs"]), tc["execs"]
te, re_, ne = load(e)
# from its entrypoint's exec: complete, and runc init's Go runtime is not in it
assert re_["complete"] and "start" not in re_["lost"], re_
assert re_.get("command") == ["/bin/sh", "-c", "echo e-done"], re_
assert not {"epoll_ctl", "epoll_pwait", "fstatfs", "futex"} & ne, sorted(ne)
assert any(x["path"] == "/bin/busybox" for x in te["execs"]), te["execs"]
assert ra.get("command") == ["/bin/sh", "-c", "read x < /tmp/go; mkdir /tmp/only-a; echo a-done",
                             "sh", "x" * 6000], ra.get("command", [])[:3]
tf = json.load(open(os.path.join(d, sys.argv[8] + ".json")))
rf = tf["runs"][0]
assert "command" not in rf and "start" not in rf["lost"] and not tf["abis"], rf
td, rd, nd = load(dd)
assert not rd["complete"], rd  # still running at SIGTERM
print("ok: traces", sorted(os.listdir(d)))
PY
pass "--all-containers: one trace per container, by id; short-lived and running ones too"
