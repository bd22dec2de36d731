#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Calls that depend on timing, not on the program (docs/generate.md,
# "Companions"): recorded without them, the generated profile must still
#   1. let a signal handler that never ran while recording return
#      (rt_sigreturn; without it the process dies of SIGSEGV),
#   2. let a sleep stopped and continued (SIGSTOP/SIGCONT, a debugger, a
#      cgroup freeze) resume (restart_syscall; without it nanosleep fails),
#   3. let dash's `wait` sleep while a job still runs (rt_sigsuspend;
#      without it the shell spins at 100 % CPU forever), and busybox ash's
#      (rt_sigprocmask too; without it ash sleeps forever, deaf to SIGTERM),
#   4. let a join wait for a thread still running (futex; without it glibc
#      crashes).
source "$(dirname "$0")/../lib.sh"
need_live
need_progs sigwaiter joiner
scratch
cd "$T"
W=$PROGS/sigwaiter

names() { python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))
print(" ".join(sorted({n for r in p["syscalls"] if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"]})))' "$1"; }

"$TAILOR_BIN" record -q -o w.json -- "$W" 50 >/dev/null
for s in rt_sigreturn restart_syscall; do
	check w.json "'$s' not in t['abis']['x86_64']" "premise: the recording already has $s"
done
"$TAILOR_BIN" generate -o w.prof.json w.json
allowed=" $(names w.prof.json) "
for s in rt_sigreturn restart_syscall; do
	[[ $allowed == *" $s "* ]] || fail "the profile does not allow $s: $allowed"
done
[[ $allowed != *" sigreturn "* ]] || fail "ia32's sigreturn allowed for a 64-bit trace"
pass "profile of a recording without signals allows rt_sigreturn and restart_syscall"

# 1 and 2: a signal to the handler, then a stop and a continue, mid-sleep.
"$TAILOR_BIN" run --profile w.prof.json -- "$W" 1500 >out.txt 2>err.txt &
pid=$!
for _ in $(seq 100); do grep -q ready out.txt 2>/dev/null && break; sleep 0.05; done
grep -q ready out.txt || fail "sigwaiter never got ready: $(cat err.txt)"
kill -USR1 "$pid"
sleep 0.2
kill -STOP "$pid"
sleep 0.2
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || fail "under the profile, sigwaiter exited $rc after a signal and a stop: $(cat err.txt)"
grep -qx "handled 1" out.txt || fail "handler output: $(cat out.txt)"
pass "the handler returned and the stopped sleep resumed under the profile"

# 3: a shell that waited for a finished job while recording, then for a running one.
sh=$(readlink -f /bin/sh)
"$TAILOR_BIN" record -q -o sh.json -- /bin/sh -c 'true & sleep 0.2; wait'
if [ "$(q sh.json "'rt_sigsuspend' in t['abis']['x86_64']")" = True ]; then
	# another shell (bash as /bin/sh) may sleep there even for a finished job
	echo "note: $sh made rt_sigsuspend while recording a wait for a finished job: part 3 tests nothing here"
else
	"$TAILOR_BIN" generate -o sh.prof.json sh.json
	rc=0
	timeout 20 "$TAILOR_BIN" run --profile sh.prof.json -- /bin/sh -c 'sleep 0.3 & wait' || rc=$?
	[ "$rc" = 0 ] || fail "$sh's wait for a running job under the profile exited $rc (124: spun until the timeout)"
	pass "$sh's wait for a running job works under the profile"
fi

# 3b: busybox ash blocks every signal before it sleeps in rt_sigsuspend: a
# profile without rt_sigprocmask left its mask full, and `wait` slept forever,
# deaf to SIGTERM (QA: busybox containers hung under their profile)
if B=$(command -v busybox); then
	"$TAILOR_BIN" record -q -o ash.json -- "$B" sh -c "$B sleep 0.1 & $B sleep 0.3; wait \$!; echo ok" >/dev/null
	"$TAILOR_BIN" generate -o ash.prof.json ash.json 2>/dev/null
	rc=0
	out=$(timeout -s KILL 20 "$TAILOR_BIN" run --profile ash.prof.json -- \
		"$B" sh -c "$B sleep 0.3 & $B sleep 0.1; wait \$!; echo ok" 2>&1) || rc=$?
	[ "$rc" = 0 ] && [ "$out" = ok ] || fail "busybox ash's wait for a running job under the profile: exit $rc (137: hung until killed), $out"
	pass "busybox ash's wait for a running job works under the profile"
else
	echo "note: no busybox: part 3b (ash's wait) not run"
fi

# 4: a join that found its thread done while recording, then one that waits.
"$TAILOR_BIN" record -q -o j.json -- "$PROGS/joiner" 300 0 >/dev/null
check j.json "'futex' not in t['abis']['x86_64']" "premise: the recording already has futex"
"$TAILOR_BIN" generate -o j.prof.json j.json
rc=0
out=$(timeout 20 "$TAILOR_BIN" run --profile j.prof.json -- "$PROGS/joiner" 0 300 2>&1) || rc=$?
[ "$rc" = 0 ] && [ "$out" = joined ] || fail "a join waiting for a running thread under the profile: exit $rc, $out"
pass "a join waits for a running thread under the profile"
