#!/bin/bash
# Live test of `tailor record`: the trace of a known workload against strace's
# ground truth, ABIs, errnos, exit statuses, signals, --pid.  Needs root + BTF.
. "$TAILOR_SRC/tests/lib.sh"
set +e +o pipefail # each step checks its own status (lib.sh sets -euo pipefail)
need_live
need_progs workload
need_cmd python3 "used to read traces"
need_cmd strace "ground truth"
TAILOR=$TAILOR_BIN
scratch
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT

# ---- 1. the workload versus strace ---------------------------------------------
"$TAILOR" record -q -o "$T/w.json" -- "$PROGS/workload" 2>"$T/err" || fail "record workload: $?: $(cat "$T/err")"
[ -s "$T/err" ] && fail "record wrote to stderr with -q: $(cat "$T/err")"
# (an ASan build's LeakSanitizer uses ptrace at exit, which fails under strace)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$T/strace" "$PROGS/workload" ||
	fail "workload under strace failed"
sed -E -n 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z_0-9]+) resumed>.*/\1/p' "$T/strace" |
	grep -v '^syscall_' | sort -u >"$T/truth"
[ "$(wc -l <"$T/truth")" -gt 20 ] || fail "strace ground truth looks empty"
q "$T/w.json" "'\n'.join(sorted(t['abis']['x86_64']))" >"$T/seen"
missing=$(comm -23 "$T/truth" "$T/seen")
[ -z "$missing" ] || fail "syscalls strace saw but the trace lacks: $(echo $missing)"
echo "ok: all $(wc -l <"$T/truth") strace syscalls are in the trace"

# both tests for tasks that are not targets (recorder.bpf.c: tl_sys_exit, tl_sys_exit_task)
for f in regs task; do
	TAILOR_HOT_FILTER=$f "$TAILOR" record -q -o "$T/w.$f.json" -- "$PROGS/workload" 2>"$T/err" ||
		fail "record workload, TAILOR_HOT_FILTER=$f: $?: $(cat "$T/err")"
	q "$T/w.$f.json" "'\n'.join(sorted(t['abis']['x86_64']))" >"$T/seen.$f"
	missing=$(comm -23 "$T/truth" "$T/seen.$f")
	[ -z "$missing" ] || fail "TAILOR_HOT_FILTER=$f: syscalls strace saw but the trace lacks: $(echo $missing)"
	check "$T/w.$f.json" "t['abis']['x86_64']['execve']['calls'] == 2 and t['abis']['x86_64']['exit_group']['calls'] >= 4" \
		"TAILOR_HOT_FILTER=$f: execve/exit_group counts"
done
TAILOR_HOT_FILTER=bogus "$TAILOR" record -q -o "$T/hf.json" -- true 2>"$T/err"
rc=$?
[ $rc = 125 ] && [ "$(wc -l <"$T/err")" = 1 ] && [ ! -e "$T/hf.json" ] ||
	fail "TAILOR_HOT_FILTER=bogus: exit $rc, want 125 and one line: $(cat "$T/err")"
echo "ok: both hot-path filters record the workload"

# libbpf relocates against the kernel's BTF reduced by tracer/kbtf.c exactly as
# against the whole (TAILOR_KBTF=full): the same CO-RE candidates, offsets, kfunc ids
for k in reduced full; do
	TAILOR_KBTF=$k "$TAILOR" record -v -q -o "$T/kb.$k.json" -- true 2>"$T/kb.$k.log" ||
		fail "record -v, TAILOR_KBTF=$k: $(tail -3 "$T/kb.$k.log")"
	grep -E 'relo|candidate|extern' "$T/kb.$k.log" | sort >"$T/kb.$k.relo"
done
[ "$(grep -c 'patched insn' "$T/kb.full.relo")" -gt 100 ] || fail "too few CO-RE relocations logged with -v"
cmp -s "$T/kb.reduced.relo" "$T/kb.full.relo" ||
	fail "relocations differ with the reduced BTF: $(diff "$T/kb.reduced.relo" "$T/kb.full.relo" | head -5)"
echo "ok: $(grep -c 'patched insn' "$T/kb.full.relo") relocations the same with the kernel's BTF reduced"

# descendants: thread, fork, exec, daemonized grandchild
for s in sysinfo getpriority getppid sched_yield times getpgid setsid getsid chdir exit exit_group; do
	check "$T/w.json" "'$s' in t['abis']['x86_64']" "descendant syscall $s missing"
done
# tailor's own syscalls (parent and pre-exec child) are absent
for s in bpf pidfd_open signalfd4 poll ppoll; do
	check "$T/w.json" "'$s' not in t['abis'].get('x86_64', {})" "tailor's own syscall $s recorded"
done
# errnos
check "$T/w.json" "t['abis']['x86_64']['openat']['errors'].get('ENOENT', 0) >= 1" "openat ENOENT missing"
check "$T/w.json" "any(s['nr'] == 999 and s['errors'].get('ENOSYS') == 1 for s in t['abis']['x86_64'].values())" \
	"syscall 999 with ENOSYS missing"
# execve counted although it began before the mark became active
check "$T/w.json" "t['abis']['x86_64']['execve']['calls'] == 2 and t['abis']['x86_64']['execve']['ok'] == 2" \
	"execve should be 2 calls, 2 ok"
check "$T/w.json" "t['abis']['x86_64']['exit_group']['calls'] >= 4" "exit_group of every process"
# exec records and run metadata
# (the child re-execs /proc/self/exe: recorded as the file the kernel executed)
WL=$(realpath "$PROGS/workload")
check "$T/w.json" "{(e['path'], e['parent']) for e in t['execs']} == {('$WL', ''), ('$WL', '$WL')}" \
	"exec records: $(q "$T/w.json" "t['execs']")"
check "$T/w.json" "t['runs'][0]['complete'] and t['runs'][0]['exit_status'] == 0 and t['runs'][0]['kind'] == 'command'" \
	"run metadata: $(q "$T/w.json" "t['runs']")"
echo "ok: descendants, errnos, execs, tailor's syscalls absent"

# ---- 2. 32-bit program: syscalls under the x86 ABI -------------------------------
if [ -x "$PROGS/workload_32" ] && ia32_runs; then
	"$TAILOR" record -q -o "$T/w32.json" -- "$PROGS/workload_32" || fail "record workload_32: $?"
	for s in getuid32 time nice mmap2; do
		check "$T/w32.json" "'$s' in t['abis'].get('x86', {})" "x86 syscall $s missing"
	done
	check "$T/w32.json" "t['abis']['x86']['open']['errors'] == {'ENOENT': 1}" "x86 open ENOENT missing"
	check "$T/w32.json" "'getuid32' not in t['abis'].get('x86_64', {})" "ia32 syscall counted as x86_64"
	# the exec into it was an x86_64 execve, although it returns as ia32's (sched_prepare_exec)
	check "$T/w32.json" "t['abis']['x86_64']['execve']['ok'] == 1 and 'execve' not in t['abis']['x86']" \
		"exec of a 32-bit program: $(q "$T/w32.json" "{a: t['abis'][a].get('execve') for a in t['abis']}")"
	echo "ok: 32-bit syscalls under x86, the exec into it under x86_64"
elif [ -x "$PROGS/workload_32" ]; then
	echo "note: $(ia32_why): ABI check skipped"
else
	echo "note: workload_32 not built (gcc-multilib?), ABI check skipped"
fi

# int 0x80 from a 64-bit program: ia32 calls, though the task's native calls take the fast path
if ia32_runs; then
	"$TAILOR" record -q -o "$T/i80.json" -- "$PROGS/int80" || fail "record int80: $?"
	check "$T/i80.json" "t['abis']['x86']['getpid']['ok'] == 5 and t['abis']['x86_64']['getppid']['ok'] >= 5 and 'writev' not in t['abis']['x86_64']" \
		"int 0x80 from 64-bit code: $(q "$T/i80.json" "t['abis']")"
	# (x86_64 getpid's own count varies: a sanitizer runtime calls it too)
	check "$T/i80.json" "t['abis']['x32']['getpid']['calls'] == 3 and 'ENOSYS' not in t['abis']['x86_64']['getpid']['errors']" \
		"x32 getpid (bit 30) apart from x86_64's: $(q "$T/i80.json" "{a: t['abis'][a].get('getpid') for a in t['abis']}")"
	echo "ok: int 0x80 from a 64-bit program counted under x86, x32 numbers under x32"
else
	echo "note: $(ia32_why): int 0x80 check skipped"
fi

# ---- 2b. counted at return: a call the program's own seccomp filter refused is a failure,
# a trapped one (SECCOMP_RET_TRAP) did not run ------------------------------------------------
"$TAILOR" record -q -o "$T/of.json" -- "$PROGS/ownfilter" || fail "record ownfilter: $?"
check "$T/of.json" "t['abis']['x86_64']['uname']['errors'] == {'EPERM': 1} and t['abis']['x86_64']['uname']['ok'] == 0" \
	"uname refused by the filter: $(q "$T/of.json" "t['abis']['x86_64'].get('uname')")"
check "$T/of.json" "'getpid' not in t['abis']['x86_64']" "a trapped getpid was recorded"
check "$T/of.json" "t['abis']['x86_64']['getppid']['ok'] == 1 and 'rt_sigreturn' in t['abis']['x86_64']" \
	"getppid, or the SIGSYS handler's rt_sigreturn, missing"
echo "ok: own seccomp filter: refused call recorded as EPERM, trapped call not recorded"

# ---- 3. exit statuses --------------------------------------------------------------------
"$TAILOR" record -q -o "$T/e.json" -- "$PROGS/workload" 3
[ $? = 3 ] || fail "exit status 3 not propagated"
check "$T/e.json" "t['runs'][0]['exit_status'] == 3" "exit_status 3 not in trace"
"$TAILOR" record -q -o "$T/k.json" -- sh -c 'kill -9 $$'
[ $? = 137 ] || fail "SIGKILL should give 137"
check "$T/k.json" "t['runs'][0]['exit_status'] == 137" "exit_status 137 not in trace"
echo "ok: exit statuses 3 and 137"

# -o to a device writes through it, never renames over it
"$TAILOR" record -q -o /dev/null -- true || fail "-o /dev/null: exit $?"
[ -c /dev/null ] || fail "-o /dev/null replaced the device node"

# ---- 4. command not found / not executable ------------------------------------------
"$TAILOR" record -q -o "$T/nf.json" -- tailor-no-such-command 2>"$T/err"
rc=$?
[ $rc = 127 ] || fail "command not found: exit $rc, want 127"
[ "$(wc -l <"$T/err")" = 1 ] || fail "command not found: want one line, got: $(cat "$T/err")"
[ -e "$T/nf.json" ] && fail "trace written for a command not found"
printf 'x' >"$T/noexec"
"$TAILOR" record -q -o "$T/ne.json" -- "$T/noexec" 2>"$T/err"
rc=$?
[ $rc = 126 ] || fail "not executable: exit $rc, want 126"
[ "$(wc -l <"$T/err")" = 1 ] || fail "not executable: want one line, got: $(cat "$T/err")"
echo "ok: 127 and 126 with one line: $(cat "$T/err")"

# not privileged: 125 and one line naming the capabilities
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TAILOR" record -q -o /dev/null -- true 2>"$T/err"
	rc=$?
	[ $rc = 125 ] || fail "unprivileged: exit $rc, want 125"
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q CAP_BPF "$T/err" || fail "unprivileged: $(cat "$T/err")"
	echo "ok: unprivileged -> 125: $(cat "$T/err")"
fi
# privileged, but under a seccomp filter that refuses bpf(2) (a container's default profile)
cat >"$T/nobpf.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["bpf"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
chmod 600 "$T/nobpf.json"
"$TAILOR" run --profile "$T/nobpf.json" -- "$TAILOR" record -q -o "$T/nobpf.trace.json" -- true 2>"$T/err"
rc=$?
[ $rc = 125 ] || fail "bpf refused by seccomp: exit $rc, want 125: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "seccomp" "$T/err" || fail "bpf refused by seccomp: $(cat "$T/err")"
[ -e "$T/nobpf.trace.json" ] && fail "bpf refused by seccomp: a trace was written"
echo "ok: bpf(2) refused by a seccomp filter -> 125: $(cat "$T/err")"

# ---- 5. SIGTERM to tailor: forwarded, trace written, marked incomplete -------------
"$TAILOR" record -q -o "$T/sig.json" -- sleep 30 2>"$T/err" &
tp=$!
sleep 1.5
kill -TERM $tp
wait $tp
rc=$?
[ $rc = 143 ] || fail "SIGTERM: exit $rc, want 143 (sleep killed by the forwarded SIGTERM)"
[ -s "$T/sig.json" ] || fail "SIGTERM: no trace written"
check "$T/sig.json" "not t['runs'][0]['complete']" "SIGTERM: trace not marked incomplete"
check "$T/sig.json" "'clock_nanosleep' in t['abis']['x86_64'] or 'nanosleep' in t['abis']['x86_64']" \
	"SIGTERM: sleep's syscalls missing"
echo "ok: SIGTERM -> trace written, incomplete, exit 143"

# ---- 6. --pid on a running loop --------------------------------------------------------------
bash -c 'while :; do /bin/sleep 0.1; done' &
lp=$!
sleep 0.3
"$TAILOR" record -q -o "$T/pid.json" --pid $lp 2>"$T/err" &
tp=$!
sleep 1.5
kill -TERM $lp
wait $tp
rc=$?
[ $rc = 0 ] || fail "--pid: exit $rc: $(cat "$T/err")"
check "$T/pid.json" "t['runs'][0]['kind'] == 'pid' and t['runs'][0]['pid'] == $lp" "--pid run metadata"
# its startup ran before it was marked: incomplete, as a running container's
check "$T/pid.json" "not t['runs'][0]['complete'] and t['runs'][0]['lost'].get('start') == 1" \
	"--pid: not marked as missing its start: $(q "$T/pid.json" "t['runs'][0]")"
out=$("$TAILOR" explain "$T/pid.json" 2>&1) || fail "explain --pid trace: $?"
case $out in *"first recorded call in"*) ;; *) fail "explain of a --pid trace: $out" ;; esac
for s in clone wait4 execve clock_nanosleep; do
	check "$T/pid.json" "'$s' in t['abis']['x86_64']" "--pid: $s missing"
done
check "$T/pid.json" "('$(readlink -f /bin/sleep)', '$(readlink -f "$(command -v bash)")') in {(e['path'], e['parent']) for e in t['execs']}" \
	"--pid: exec of /bin/sleep (resolved) by bash missing: $(q "$T/pid.json" "t['execs']")"
echo "ok: --pid records the loop, its children and their execs"

# --pid on a shell whose child (a subshell looping over /bin/true) predates tailor: the
# existing descendants are marked too, not only the processes started from now on
bash -c '(while :; do /bin/true; sleep 0.05; done) & wait' &
lp=$!
sleep 0.3
"$TAILOR" record -q -o "$T/tree.json" --pid $lp 2>"$T/err" &
tp=$!
sleep 1.2
kill -INT $tp
wait $tp || fail "--pid tree: exit $?: $(cat "$T/err")"
pkill -P $lp
kill $lp
check "$T/tree.json" "'$(readlink -f /bin/true)' in {e['path'] for e in t['execs']}" \
	"--pid: the exec of /bin/true by the existing subshell is missing: $(q "$T/tree.json" "sorted(t['abis']['x86_64'])")"
check "$T/tree.json" "'execve' in t['abis']['x86_64'] and 'clone' in t['abis']['x86_64']" \
	"--pid: the existing subshell's calls are missing"
echo "ok: --pid marks the descendants that existed before it"

# ... and names each by its own program: a shell's running python child reads
# a file and execs, and the file's program and the exec's parent are python's
# (they were the shell's: the target's program stood for every running process)
py=$(readlink -f /usr/bin/python3)
sh -c '/usr/bin/python3 -c "import os, time; time.sleep(1.2); open(\"/etc/hostname\").read(); os.system(\"/bin/true\")"; true' &
lp=$!
sleep 0.4
"$TAILOR" record -q -o "$T/prog.json" --pid $lp 2>"$T/err" ||
	fail "--pid on a shell running python: exit $?: $(cat "$T/err")"
check "$T/prog.json" "{f['program'] for f in t['files'] if f['path'] == '/etc/hostname'} == {'$py'}" \
	"--pid: /etc/hostname read by the running python is not python's: $(q "$T/prog.json" "[f for f in t['files'] if f['path'] == '/etc/hostname']")"
check "$T/prog.json" "'$py' in {e['parent'] for e in t['execs']} and '$py' not in {e['path'] for e in t['execs']}" \
	"--pid: the running python's exec is not python's, or python is listed as exec'ed: $(q "$T/prog.json" "t['execs']")"
echo "ok: --pid names a running descendant's records by its own program"

# --pid stopped by SIGINT: trace incomplete, target untouched
sleep 30 &
sp=$!
"$TAILOR" record -q -o "$T/pid2.json" --pid $sp &
tp=$!
sleep 1.5
kill -INT $tp
wait $tp || fail "--pid + SIGINT: exit $?"
kill -0 $sp || fail "--pid: target was signalled"
kill $sp
check "$T/pid2.json" "not t['runs'][0]['complete']" "--pid + SIGINT: trace should be incomplete"
# sleep was in clock_nanosleep from before the recording to after it: a call in flight
check "$T/pid2.json" "t['abis']['x86_64']['clock_nanosleep']['calls'] == 1 and t['abis']['x86_64']['clock_nanosleep']['ok'] == 0" \
	"--pid: the call in flight at the stop: $(q "$T/pid2.json" "t['abis'].get('x86_64')")"
echo "ok: --pid stopped by SIGINT, target left alone, its call in flight counted"

# --pid on a process whose threads predate tailor: each thread is marked
"$PROGS/spinner" 3 &
sp=$!
sleep 0.3
"$TAILOR" record -q -o "$T/pid3.json" --pid $sp || fail "--pid spinner: exit $?"
for s in getppid sysinfo getpriority exit_group; do
	check "$T/pid3.json" "'$s' in t['abis']['x86_64']" "--pid: thread syscall $s missing"
done
echo "ok: --pid marks existing threads"

# --pid of a thread (not its process), of a zombie: one line each, exit 125
"$PROGS/spinner" 3 &
sp=$!
sleep 0.3
tid=$(ls /proc/$sp/task | grep -vx "$sp" | head -1)
set +e
"$TAILOR" record -o "$T/tid.json" --pid "$tid" 2>"$T/tid.err"
rc=$?
set -e
wait $sp || true
[ $rc = 125 ] && [ "$(errlines "$T/tid.err")" = 1 ] && grep -q "a thread of process $sp; give --pid $sp" "$T/tid.err" ||
	fail "--pid THREAD: exit $rc: $(cat "$T/tid.err")"
(sleep 0.1 & exec sleep 2) &
zp=$!
sleep 0.5
z=$(pgrep -P $zp -x sleep || true)
if [ -n "$z" ] && grep -q '^State:.*Z' /proc/$z/status 2>/dev/null; then
	set +e
	"$TAILOR" record -o "$T/z.json" --pid "$z" 2>"$T/z.err"
	rc=$?
	set -e
	[ $rc = 125 ] && [ ! -e "$T/z.json" ] && grep -q "has exited (a zombie)" "$T/z.err" ||
		fail "--pid ZOMBIE: exit $rc: $(cat "$T/z.err")"
fi
wait $zp || true
echo "ok: --pid of a thread or a zombie: one clear line"

# ---- 7. exec records: the file the kernel executed, resolved ----------------------------------
# Relative (./x after cd), through a symlink, /bin/sh (a symlink, and /bin
# itself on a merged /usr), a script (its name relative to the cwd: the
# kernel's file is the interpreter), fexecve (/dev/fd/N) of a binary and of
# a script.  Parents are the resolved names too.
D=$(realpath "$T")/ex
mkdir -p "$D/bin"
cp "$(readlink -f /bin/true)" "$D/bin/x"
ln -s bin/x "$D/via-link"
printf '#!/bin/sh\n%s -c true\n' "$D/via-link" >"$D/script.sh"
chmod +x "$D/script.sh"
# a script through a symlink: AppArmor checks the file it leads to (which -> which.debianutils)
ln -s script.sh "$D/link-script"
SH=$(readlink -f /bin/sh)
TRUE=$(readlink -f /bin/true)
PYBIN=/usr/bin/python3 # not PATH's: it may be a wrapper script (pyenv)
[ -x "$PYBIN" ] || PYBIN=$(command -v python3)
PY=$(readlink -f "$PYBIN")
"$TAILOR" record -q -o "$T/ex.json" -- /bin/sh -c "cd '$D' && ./bin/x && ./via-link && ./script.sh &&
	./link-script && '$D/link-script' &&
	'$PYBIN' -c '
import os
fd = os.open(\"/bin/true\", os.O_RDONLY)
if os.fork() == 0:
    os.execve(fd, [\"true\"], {})
os.wait()
fd = os.open(\"script.sh\", os.O_RDONLY)
os.set_inheritable(fd, True)  # a script through /dev/fd/N needs its fd open
os.execve(fd, [\"script\"], {})
'" 2>"$T/err" || fail "record the exec cases: $?: $(cat "$T/err")"
python3 - "$T/ex.json" "$D" "$SH" "$TRUE" "$PY" <<'PY' || fail "exec records (above)"
import json, sys
t = json.load(open(sys.argv[1]))
D, SH, TRUE, PY = sys.argv[2:]
got = {}
for e in t["execs"]:
    got[(e["path"], e["parent"])] = got.get((e["path"], e["parent"]), 0) + e["count"]
S = D + "/script.sh"
want = {
    (SH, ""): 1,              # tailor ran /bin/sh
    (D + "/bin/x", SH): 2,    # ./bin/x and ./via-link
    (S, SH): 3,               # ./script.sh: the script, not its interpreter; twice by its link
    (PY, SH): 1,              # python3 (a symlink)
    (TRUE, PY): 1,            # fexecve of /bin/true
    (S, PY): 1,               # fexecve of the script (/dev/fd/N)
    (D + "/bin/x", S): 4,     # the four scripts' via-link: by the script
}
bad = False
for k in sorted(set(want) | set(got)):
    if want.get(k) != got.get(k):
        print(f"{k}: recorded {got.get(k)}, expected {want.get(k)}"); bad = True
for path, parent in got:
    for p in (path, parent):
        if p and (not p.startswith("/") or "/./" in p or "/../" in p or p in ("/bin/sh", "/bin/true") or "/dev/fd/" in p):
            print(f"not resolved: {p}"); bad = True
sys.exit(1 if bad else 0)
PY
echo "ok: exec records: relative, symlinked, /bin/sh, scripts and fexecve recorded as the resolved files"
# ".." after a symlink is the link target's parent, as the kernel resolves it, not the text's
mkdir -p "$D/deep/sub"
printf '#!/bin/sh\ntrue\n' >"$D/deep/x2.sh"
printf '#!/bin/sh\nexit 9\n' >"$D/x2.sh"
chmod +x "$D/deep/x2.sh" "$D/x2.sh"
ln -s deep/sub "$D/dl"
"$TAILOR" record -q -o "$T/dd.json" -- /bin/sh -c "'$D/dl/../x2.sh'" || fail "record dl/../x2.sh: $?"
check "$T/dd.json" "'$D/deep/x2.sh' in {e['path'] for e in t['execs']} and '$D/x2.sh' not in {e['path'] for e in t['execs']}" \
	"dl/../x2.sh: $(q "$T/dd.json" "t['execs']")"
echo "ok: a script named through a symlink and '..' is the file the kernel ran"
# fexecve is execveat: counted as execveat, though it returns rewritten as execve
check "$T/ex.json" "t['abis']['x86_64']['execveat']['ok'] == 2" \
	"execveat: $(q "$T/ex.json" "{k: v for k, v in t['abis']['x86_64'].items() if k.startswith('exec')}")"
echo "ok: execveat counted as such"

# ---- 8. --linger: what the command left running is recorded until it exits ----------------
# A daemon stopped by its test shuts down after the test's last command: strace -f sees it.
left='(sleep 0.3; mkdir "$0/lg"; rmdir "$0/lg") & exit 0'
"$TAILOR" record -q -o "$T/lg.json" -- sh -c "$left" "$T" || fail "record with a survivor: $?"
check "$T/lg.json" "{'mkdir', 'rmdir'} <= set(t['abis']['x86_64'])" \
	"the survivor's calls after the command exited are missing: $(q "$T/lg.json" "sorted(t['abis']['x86_64'])")"
check "$T/lg.json" "t['runs'][0]['complete'] and t['runs'][0]['exit_status'] == 0 and not t['runs'][0]['lost'].get('running')" "run: $(q "$T/lg.json" "t['runs'][0]")"
"$TAILOR" record -q --linger 0 -o "$T/lg0.json" -- sh -c "$left" "$T" || fail "record --linger 0: $?"
check "$T/lg0.json" "'mkdir' not in t['abis']['x86_64']" "--linger 0 still recorded the survivor's mkdir"
sleep 0.5
t0=$(date +%s%N)
"$TAILOR" record --linger 300 -o "$T/lg3.json" -- sh -c 'sleep 5 & exit 0' 2>"$T/lg3.err" || fail "record --linger 300: $?"
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt 3000 ] || fail "--linger 300 waited ${ms} ms for a 5 s survivor"
grep -q "1 task(s) started by the command still run 300 ms after it exited" "$T/lg3.err" ||
	fail "no note on the survivor: $(cat "$T/lg3.err")"
check "$T/lg3.json" "t['runs'][0]['lost'].get('running') == 1 and not t['runs'][0]['complete']" "survivor not counted: $(q "$T/lg3.json" "t['runs'][0]['lost']")"
"$TAILOR" generate -o "$T/lg3.prof" "$T/lg3.json" 2>"$T/lg3.gen" || fail "generate lg3: $?"
grep -q "1 task(s) it started still ran when the recording stopped" "$T/lg3.gen" ||
	fail "generate did not warn of the survivor: $(cat "$T/lg3.gen")"
# stopped by SIGTERM after the command exited (it trapped the signal): the survivor counted too,
# and the note does not claim a --linger wait that never happened
"$TAILOR" record -o "$T/lgi.json" -- sh -c 'trap "exit 7" TERM; sleep 5 & wait' 2>"$T/lgi.err" &
lgi=$!
sleep 0.5
kill -TERM "$lgi"
rc=0
wait "$lgi" || rc=$?
[ $rc = 7 ] || fail "SIGTERM with a survivor: exit $rc, want the command's 7: $(cat "$T/lgi.err")"
check "$T/lgi.json" "t['runs'][0]['lost'].get('running') == 1 and not t['runs'][0]['complete']" \
	"SIGTERM: survivor not counted: $(q "$T/lgi.json" "t['runs'][0]")"
grep -q "still run after it exited; what they do from now on is not recorded$" "$T/lgi.err" ||
	fail "SIGTERM: note about the survivor: $(cat "$T/lgi.err")"
"$TAILOR" record --linger x -o "$T/bad.json" -- true 2>"$T/bad.err" && fail "--linger x accepted"
[ "$(errlines "$T/bad.err")" = 1 ] || fail "--linger x: $(cat "$T/bad.err")"
echo "ok: --linger: a survivor recorded until it exits, not with --linger 0, bounded (${ms} ms), noted and counted (lost.running)"

# ---- 9. no -o, stdout redirected: a note that the command's output shares it -------------
"$TAILOR" record -- true >"$T/so.json" 2>"$T/so.err" || fail "record to stdout: $?"
grep -q "no -o: the trace goes to stdout" "$T/so.err" || fail "no note on a redirected stdout: $(cat "$T/so.err")"
check "$T/so.json" "t['runs'][0]['kind'] == 'command'" "the trace on stdout is not a trace"
"$TAILOR" record -q -- true >"$T/so.json" 2>"$T/so.err" || fail "record -q to stdout: $?"
[ ! -s "$T/so.err" ] || fail "-q still noted: $(cat "$T/so.err")"
echo "ok: no -o with stdout redirected: noted (not with -q)"

# ---- 10. a number with bits above 31: the kernel (and seccomp) take eax -------------------
# syscall(1 << 32 | 100) runs times(); it was counted nowhere (lost.syscall_nr_out_of_range)
"$TAILOR" record -q -o "$T/hi.json" -- /usr/bin/python3 -c \
	'import ctypes; l = ctypes.CDLL(None); l.syscall.restype = ctypes.c_long; l.syscall(ctypes.c_long(1 << 32 | 100), ctypes.c_long(0))' ||
	fail "record of syscall(1 << 32 | 100): $?"
check "$T/hi.json" "t['abis']['x86_64'].get('times', {}).get('ok') == 1 and t['runs'][0]['complete']" \
	"syscall(1 << 32 | 100) not counted as times: $(q "$T/hi.json" "(t['abis']['x86_64'].get('times'), t['runs'][0]['lost'])")"
echo "ok: a syscall number with high bits is counted as the call the kernel ran"

# ---- 11. a memfd whose name holds '/' keeps its name (was "unreachable:/") ------------------
"$TAILOR" record -q -o "$T/mfd.json" -- /usr/bin/python3 -c \
	"import os; fd = os.memfd_create('a/b', 0); os.write(fd, open('/bin/true', 'rb').read()); os.execve(fd, ['x'], {})" ||
	fail "record of a memfd exec: $?"
check "$T/mfd.json" "'unreachable:/memfd:a/b' in {e['path'] for e in t['execs']}" \
	"a memfd named a/b: $(q "$T/mfd.json" "t['execs']")"
echo "ok: a memfd named with a slash keeps its name"

# ---- 12. SIGTERM while tailor starts (loading BPF): one line, 143, never silent ------------
"$TAILOR" record -o "$T/early.json" -- sleep 5 2>"$T/early.err" &
ep=$!
# once tailor blocks SIGTERM (SigBlk bit 15), before or during the BPF load
for _ in $(seq 400); do
	blk=$(awk '/^SigBlk/ {print $2}' "/proc/$ep/status" 2>/dev/null || true)
	[ -n "$blk" ] && (((16#$blk >> 14) & 1)) && break
	sleep 0.005
done
kill -TERM "$ep"
rc=0
wait "$ep" || rc=$?
[ "$rc" = 143 ] || fail "SIGTERM while starting: exit $rc: $(cat "$T/early.err")"
if grep -q "stopped by signal 15 while starting: the command was not started, no trace written" "$T/early.err"; then
	[ ! -e "$T/early.json" ] || fail "SIGTERM while starting: a trace was written"
else
	# the load was done already: the recording stopped as usual
	grep -q "stopped by signal 15; trace marked incomplete" "$T/early.err" ||
		fail "SIGTERM while starting: $(cat "$T/early.err")"
fi
echo "ok: SIGTERM while tailor starts: one line, exit 143"

# ---- 13. the start-up query's program is held while the command runs ---------------------
# Freeing it (a sleepable syscall program) queues an RCU Tasks Trace grace period,
# which slowed every syscall of the command started in its window
# (docs/recorder.md): held to the end.
"$TAILOR" record -q -o "$T/hold.json" -- sh -c ": > '$T/hold.ready'; exec sleep 2" &
hp=$!
for _ in $(seq 500); do [ -e "$T/hold.ready" ] && break; sleep 0.01; done
[ -e "$T/hold.ready" ] || fail "the held-program check: the command did not start"
# BPF_PROG_TYPE_SYSCALL is 31 (uapi/linux/bpf.h)
grep -qx 'prog_type:[[:space:]]*31' /proc/"$hp"/fdinfo/* 2>/dev/null ||
	fail "no syscall program among tailor's fds while the command runs (freed at start?)"
wait "$hp" || fail "record of sleep 2: exit $?"
echo "ok: the start-up query's program is held while the command runs"

# ---- 14. the program's own first exec has its call site --------------------------------------
# The command's exec is counted without one (tailor's stack); on its CPU it used
# to hide the shell's exec of ls (a per-CPU count), in ~2 runs of 3.
SH=$(readlink -f "$(command -v sh)")
for i in 1 2 3 4; do
	"$TAILOR" record -q -o "$T/ex$i.json" -- sh -c 'ls / >/dev/null; true' || fail "record sh -c ls: $?"
	check "$T/ex$i.json" "any(c['syscall'] == 'execve' and c['program'] == '$SH' for c in t['callsites'])" \
		"run $i: no execve call site from the shell: $(q "$T/ex$i.json" "[(c['syscall'], c['program']) for c in t['callsites'] if 'exec' in c['syscall']]")"
done
echo "ok: the shell's exec of ls has its call site (4 runs)"
echo PASS
