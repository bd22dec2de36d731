#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tailor run --complain: the command completes, and the trace lists exactly
# the syscalls the profile would have denied.  Designed as a set difference:
#   1. deny-all profile in complain mode -> S, every syscall /bin/true makes;
#   2. profile allowing S minus one syscall X -> the trace must be exactly {X};
#   3. the profile allowing all of S enforces cleanly (exit 0);
#   4. a profile that denies nothing runs the command (an empty trace), stdin
#      closed still records (the listener is fd 0), and SIGTERM to tailor is
#      passed on to the command: its status, the trace marked incomplete;
#   5. a rule answering ENOSYS stays; 6. argument values recorded, a summary line.
set -euo pipefail
: "${TAILOR_BIN:?}"
command -v python3 >/dev/null || { echo "skip: python3 needed to read traces"; exit 77; }
[ -x /bin/true ] || { echo "skip: /bin/true missing"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

names() { # trace -> sorted "abi:name" lines
	python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))
for abi,s in sorted(t["abis"].items()):
    for n in sorted(s): print(abi+":"+n)' "$1"
}
profile() { # NAME... -> allow-list profile on stdout
	python3 -c 'import json,sys
print(json.dumps({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":sorted(sys.argv[1:]),"action":"SCMP_ACT_ALLOW"}]}))' "$@"
}

profile > none.json
out=$("$TAILOR_BIN" run --complain -o all.json --profile none.json -- /bin/true 2>&1) || {
	rc=$?
	echo "$out"
	echo "FAIL: complain run of /bin/true exited $rc"
	exit 1
}
if grep -q "falls back to SCMP_ACT_LOG" <<<"$out"; then
	echo "skip: seccomp user notification unavailable here: $out"
	exit 77
fi
mapfile -t all < <(names all.json)
echo "syscalls of /bin/true: ${all[*]}"
[ "${#all[@]}" -ge 5 ] || { echo "FAIL: too few syscalls recorded"; exit 1; }
for abi_name in "${all[@]}"; do
	[ "${abi_name%%:*}" = x86_64 ] || { echo "FAIL: unexpected ABI in $abi_name"; exit 1; }
done
printf '%s\n' "${all[@]}" | grep -qx 'x86_64:execve' || { echo "FAIL: execve missing"; exit 1; }

# The full set enforces cleanly.
profile "${all[@]#x86_64:}" > full.json
"$TAILOR_BIN" run --profile full.json -- /bin/true || { echo "FAIL: full profile denied /bin/true"; exit 1; }

# Drop one syscall that returns (exit_group never does), check it comes back, alone.
for drop in close brk mmap; do
	printf '%s\n' "${all[@]}" | grep -qx "x86_64:$drop" && break
done
mapfile -t keep < <(printf '%s\n' "${all[@]#x86_64:}" | grep -vx "$drop")
profile "${keep[@]}" > minus.json
"$TAILOR_BIN" run --complain -o minus-trace.json --profile minus.json -- /bin/true
got=$(names minus-trace.json)
[ "$got" = "x86_64:$drop" ] || { echo "FAIL: expected exactly x86_64:$drop, got: $got"; exit 1; }
python3 -c 'import json,sys
t=json.load(open(sys.argv[1])); r=t["runs"][0]
assert r["kind"]=="complain" and r["exit_status"]==0, r' minus-trace.json

# Exit status is the command's.
set +e
"$TAILOR_BIN" run --complain -o f.json --profile minus.json -- /bin/false
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAIL: /bin/false under complain exited $rc"; exit 1; }
echo "ok: complain mode reported exactly $drop"

# 4a. Nothing to deny: no listener at all; the command runs, the trace is empty.
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' > allow.json
"$TAILOR_BIN" run --complain -o allow-trace.json --profile allow.json -- /bin/true ||
	{ echo "FAIL: an allow-all profile in complain mode did not run /bin/true"; exit 1; }
[ -z "$(names allow-trace.json)" ] || { echo "FAIL: allow-all complain trace not empty"; exit 1; }
# 4b. stdin closed: the child's listener is fd 0
"$TAILOR_BIN" run --complain -o closed.json --profile minus.json -- /bin/true <&- ||
	{ echo "FAIL: complain mode with stdin closed"; exit 1; }
[ "$(names closed.json)" = "x86_64:$drop" ] || { echo "FAIL: stdin closed: got $(names closed.json)"; exit 1; }
# 4c. SIGTERM: passed on; the trace is written, incomplete, with the command's status
"$TAILOR_BIN" run --complain -o term.json --profile minus.json -- /bin/sleep "30.$$" &
tp=$!
sleep 1
kill -TERM "$tp"
set +e
wait "$tp"
rc=$?
set -e
[ "$rc" = 143 ] || { echo "FAIL: SIGTERM: exit $rc, expected 143"; exit 1; }
python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["runs"][0]
assert r["complete"] is False and r["exit_status"]==143, r' term.json ||
	{ echo "FAIL: SIGTERM: trace not marked incomplete"; exit 1; }
pgrep -x -f "/bin/sleep 30.$$" >/dev/null && { echo "FAIL: the command outlived the signal"; exit 1; }
echo "ok: complain mode without a listener, with stdin closed, and at SIGTERM"

# 5. A rule answering ENOSYS is a fallback (generate's clone3 -> clone), kept in complain
# mode: the run behaves as an enforced one and the trace does not list clone3.
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}' >enosys.json
"$TAILOR_BIN" run --complain -o enosys-trace.json --profile enosys.json -- \
	python3 -c 'import threading, os; t = threading.Thread(target=os.getpid); t.start(); t.join(); os.mkdir("d")' ||
	{ echo "FAIL: complain mode with an ENOSYS rule"; exit 1; }
[ "$(names enosys-trace.json)" = "x86_64:mkdir" ] ||
	{ echo "FAIL: ENOSYS rule in complain mode: got $(names enosys-trace.json)"; exit 1; }
echo "ok: complain mode keeps a rule answering ENOSYS (a fallback), reports the rest"

# 6. The trace records the argument values the recorder records (mmap's prot here), so a
# merged complain trace widens argument rules instead of dropping them; the run is
# described (pid, lost counter, features) and a line on stderr says what was found.
profile "${all[@]#x86_64:}" | python3 -c 'import json,sys
p=json.load(sys.stdin); p["syscalls"][0]["names"].remove("mmap"); print(json.dumps(p))' >nommap.json
"$TAILOR_BIN" run --complain -o nommap-trace.json --profile nommap.json -- /bin/true 2>nommap.err ||
	{ echo "FAIL: complain run without mmap: $(cat nommap.err)"; exit 1; }
python3 -c 'import json,sys
t=json.load(open(sys.argv[1])); r=t["runs"][0]; m=t["abis"]["x86_64"]["mmap"]
assert r["features"]==["args"] and r["lost"]=={"events":0} and r["pid"]>0 and r["complete"], r
prot=m["args"]["2"]["values"]
assert 5 in prot and all(v < 8 for v in prot), m  # ld.so maps code PROT_READ|PROT_EXEC' nommap-trace.json ||
	{ echo "FAIL: complain trace without mmap's arguments or run details"; exit 1; }
grep -qE '^tailor run: complain: the profile would have denied 1 syscall\(s\): mmap \([0-9]+\); trace: nommap-trace.json' nommap.err ||
	{ echo "FAIL: no summary line: $(cat nommap.err)"; exit 1; }
"$TAILOR_BIN" generate -o nommap-prof.json nommap-trace.json 2>gen.err || { echo "FAIL: generate: $(cat gen.err)"; exit 1; }
! grep -q 'no argument values' gen.err || { echo "FAIL: generate dropped argument rules: $(cat gen.err)"; exit 1; }
python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))
assert any("mmap" in s["names"] and s.get("args") for s in p["syscalls"]), p' nommap-prof.json ||
	{ echo "FAIL: no mmap argument rule from the complain trace"; exit 1; }
"$TAILOR_BIN" run -q --complain -o q.json --profile nommap.json -- /bin/true 2>q.err && [ ! -s q.err ] ||
	{ echo "FAIL: -q still printed: $(cat q.err)"; exit 1; }
"$TAILOR_BIN" generate -f apparmor -o nommap.aa nommap-trace.json 2>aa.err || { echo "FAIL: generate -f apparmor: $(cat aa.err)"; exit 1; }
grep -q 'run 1 (complain) recorded no file accesses, capabilities or sockets' aa.err ||
	{ echo "FAIL: no warning that a complain run gives AppArmor nothing: $(cat aa.err)"; exit 1; }
echo "ok: complain trace records argument values, run details, and says what it found"

# 7. An output that cannot be written is refused before the command runs (a test suite's
# run is not for nothing), in one line, exit 125.
rc=0
"$TAILOR_BIN" run --complain -o nodir/c.json --profile nommap.json -- sh -c 'touch ran' 2>nodir.err || rc=$?
[ $rc = 125 ] && [ ! -e ran ] && [ "$(wc -l <nodir.err)" = 1 ] &&
	grep -q 'cannot write the complain trace to nodir/c.json' nodir.err ||
	{ echo "FAIL: unwritable complain trace: exit $rc, ran: $([ -e ran ] && echo yes || echo no): $(cat nodir.err)"; exit 1; }
echo "ok: an unwritable complain trace is refused before the command runs"

# 8. What the command left running (a `&` job) is answered until it exits: its calls are
# recorded and proceed (unanswered they would fail with ENOSYS); one still running after
# --linger is counted in lost.running and the run is incomplete.
"$TAILOR_BIN" run -q --complain -o bg.json --profile nommap.json -- sh -c '(sleep 0.3; mkdir d1) & exit 0' ||
	{ echo "FAIL: complain run with a background job"; exit 1; }
[ -d d1 ] || { echo "FAIL: the background job's mkdir failed after the command exited"; exit 1; }
python3 -c 'import json,sys
t=json.load(open(sys.argv[1])); r=t["runs"][0]
assert "mkdir" in t["abis"]["x86_64"] and r["complete"] and "running" not in r["lost"], (r, sorted(t["abis"]["x86_64"]))' bg.json ||
	{ echo "FAIL: the background job's calls are not in the complain trace"; exit 1; }
"$TAILOR_BIN" run --complain --linger 100 -o bg2.json --profile nommap.json -- sh -c '(sleep 2; mkdir d2) & exit 0' 2>bg2.err ||
	{ echo "FAIL: complain run with --linger 100"; exit 1; }
grep -q 'still run 100 ms after it exited' bg2.err || { echo "FAIL: no note on the survivor: $(cat bg2.err)"; exit 1; }
grep -q 'until --linger ran out' bg2.err || { echo "FAIL: the summary does not say it ends with --linger: $(cat bg2.err)"; exit 1; }
python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["runs"][0]
assert r["lost"].get("running")==1 and not r["complete"], r' bg2.json || { echo "FAIL: survivor not counted"; exit 1; }
# --linger 0 with nothing left running: complete (the hang-up may trail the reaping)
for i in 1 2 3; do
	"$TAILOR_BIN" run -q --complain --linger 0 -o l0.json --profile nommap.json -- /bin/true ||
		{ echo "FAIL: --linger 0"; exit 1; }
	python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["runs"][0]
assert r["complete"] and "running" not in r["lost"], r' l0.json || { echo "FAIL: --linger 0 counted a survivor"; exit 1; }
done
echo "ok: complain mode answers what the command left running, for --linger, and counts a survivor"

# 9. complain mode's options without --complain: a usage error, not ignored
for opt in "-o x.json" "-q" "--linger 100"; do
	rc=0
	# shellcheck disable=SC2086 # opt is a word list
	"$TAILOR_BIN" run $opt --profile nommap.json -- /bin/true 2>opt.err || rc=$?
	[ $rc = 125 ] && grep -q 'are options of --complain' opt.err ||
		{ echo "FAIL: run $opt without --complain: exit $rc: $(cat opt.err)"; exit 1; }
done
echo "ok: -o, -q, --linger without --complain are refused"
