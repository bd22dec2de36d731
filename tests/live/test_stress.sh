#!/usr/bin/env bash
# Stress of the recorder (docs/security.md, "Stress"): a fork storm of
# thousands of processes that live microseconds (some exec /bin/true), a
# thread storm of hundreds of threads alive at once, each making syscalls
# nothing else makes.  Every call is counted exactly (per-syscall counts equal
# the program's), the syscall set equals strace's, no lost counter is set, and
# tailor's peak RSS and BPF map memory do not grow with the storm's size.
# An exec storm runs one program 6000 times.  Needs root + BTF; about 30 s.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd python3
need_progs forkstorm threadstorm
TAILOR=$TAILOR_BIN
scratch

# Every "name count" line the program printed matches the trace's calls, the
# run is complete and no lost counter is set.
exact() { # TRACE EXPECTED
	python3 - "$1" "$2" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
a = t["abis"]["x86_64"]
bad = []
for line in open(sys.argv[2]):
    name, want = line.split()
    got = a.get(name, {}).get("calls", 0)
    if got != int(want):
        bad.append(f"{name}: {got} calls, want {want}")
run = t["runs"][0]
lost = {k: v for k, v in run["lost"].items() if v}
if lost:
    bad.append(f"lost counters set: {lost}")
if not run["complete"] or run.get("exit_status") != 0:
    bad.append(f"run: complete={run['complete']} exit_status={run.get('exit_status')}")
if bad:
    sys.exit("; ".join(bad))
PY
}

# The sum of the memlock of the BPF maps process $1 holds (its fdinfo).
map_memlock() {
	local f sum=0 seen=" " id m
	for f in /proc/"$1"/fdinfo/*; do
		id=$(sed -n 's/^map_id:[[:space:]]*//p' "$f" 2>/dev/null || true)
		[ -n "$id" ] || continue
		case $seen in *" $id "*) continue ;; esac
		seen="$seen$id "
		m=$(sed -n 's/^memlock:[[:space:]]*//p' "$f" 2>/dev/null || true)
		sum=$((sum + ${m:-0}))
	done
	echo $sum
}

# storm N: record forkstorm N (every 10th child execs /bin/true, the parent
# holds 1 s at the end); sets RSS (KiB, tailor's largest resident size once the
# command runs), MEMLOCK (bytes), MS.  Not the peak: start-up parses the
# kernel's BTF in two threads at once, and whether those buffers overlap
# moves the peak by ~5 MB from run to run.
storm() {
	local n=$1 tp start r
	start=$(date +%s%N)
	"$TAILOR" record -q -o "$T/fs.$n.json" -- "$PROGS/forkstorm" "$n" 10 1000 >"$T/fs.$n.want" &
	tp=$!
	# the maps are all loaded once the command runs
	MEMLOCK=0
	for _ in $(seq 200); do
		if [ -n "$(cat /proc/$tp/task/$tp/children 2>/dev/null || true)" ]; then
			MEMLOCK=$(map_memlock $tp)
			break
		fi
		sleep 0.02
	done
	RSS=0
	while kill -0 $tp 2>/dev/null; do
		r=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$tp/status 2>/dev/null || true)
		[ -n "$r" ] && [ "$r" -gt "$RSS" ] && RSS=$r
		sleep 0.02
	done
	wait $tp || fail "forkstorm $n: exit $?"
	MS=$((($(date +%s%N) - start) / 1000000))
	exact "$T/fs.$n.json" "$T/fs.$n.want" || fail "forkstorm $n: counts differ (see above)"
	[ "$(q_execs "$T/fs.$n.json")" = $((n / 10)) ] || fail "forkstorm $n: exec records of /bin/true: $(q_execs "$T/fs.$n.json"), want $((n / 10))"
}
q_execs() {
	# exec records name the file executed: /bin/true resolved
	python3 -c "import json,sys; print(sum(e['count'] for e in json.load(open(sys.argv[1]))['execs'] if e['path'] == sys.argv[2]))" "$1" "$(readlink -f /bin/true)"
}

# ---- 1. fork storms: exact counts, memory flat in N ----------------------------------
storm 1000
rss1=$RSS ml1=$MEMLOCK ms1=$MS
storm 5000
rss5=$RSS ml5=$MEMLOCK ms5=$MS
echo "fork storm: N=1000: ${ms1} ms, tailor RSS ${rss1} KiB, BPF maps ${ml1} B memlock"
echo "fork storm: N=5000: ${ms5} ms, tailor RSS ${rss5} KiB, BPF maps ${ml5} B memlock"
[ "$ml1" -gt 0 ] || fail "could not read the memlock of tailor's maps"
[ "$ml1" = "$ml5" ] || fail "BPF map memory grew with N: $ml1 -> $ml5"
# user space keeps one exec record per exec (400 more here, ~100 B each)
[ $((rss5 - rss1)) -lt 4096 ] || fail "tailor's RSS grew by $((rss5 - rss1)) KiB from N=1000 to 5000"
pass "fork storms of 1000 and 5000 processes (10% exec /bin/true): every call counted, nothing lost, memory flat"

# ---- 2. the syscall set equals strace's (smaller N) -------------------------------------
if command -v strace >/dev/null; then
	"$TAILOR" record -q -o "$T/s.json" -- "$PROGS/forkstorm" 300 10 >/dev/null || fail "record forkstorm 300"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -o "$T/strace" "$PROGS/forkstorm" 300 10 >/dev/null || fail "forkstorm under strace"
	strace_syscalls "$T/strace" >"$T/truth"
	trace_syscalls "$T/s.json" >"$T/seen"
	[ "$(wc -l <"$T/truth")" -gt 25 ] || fail "strace ground truth looks empty"
	missing=$(comm -23 "$T/truth" "$T/seen")
	extra=$(comm -13 "$T/truth" "$T/seen")
	[ -z "$missing" ] || fail "strace saw, the trace lacks: $(echo $missing)"
	[ -z "$extra" ] || fail "the trace has, strace did not see: $(echo $extra)"
	pass "fork storm 300: the trace's syscall set equals strace -f's ($(wc -l <"$T/truth") syscalls)"
else
	echo "note: strace missing, set comparison skipped"
fi

# ---- 3. thread storm: 4 rounds of 500 threads alive at once ---------------------------------
start=$(date +%s%N)
"$TAILOR" record -q -o "$T/ts.json" -- "$PROGS/threadstorm" 500 4 >"$T/ts.want" || fail "threadstorm: exit $?"
ms=$((($(date +%s%N) - start) / 1000000))
exact "$T/ts.json" "$T/ts.want" || fail "threadstorm: counts differ (see above)"
pass "thread storm: 4 x 500 threads, every call counted exactly, nothing lost (${ms} ms)"
# ---- 4. exec storm: one program run 6000 times keeps one program's file records ------------
# Per-program records (files, capabilities, sockets) are keyed by the program,
# not by each exec: 6000 runs of cat once filled the file recorder's 65 536 keys.
start=$(date +%s%N)
seq 6000 | "$TAILOR" record -q -o "$T/es.json" -- xargs -P 2 -I{} cat /etc/hostname >/dev/null ||
	fail "exec storm: exit $?"
ms=$((($(date +%s%N) - start) / 1000000))
python3 - "$T/es.json" "$(readlink -f "$(command -v cat)")" <<'PY' || fail "exec storm: file records lost (see above)"
import json, sys
t = json.load(open(sys.argv[1]))
run = t["runs"][0]
lost = {k: v for k, v in run["lost"].items() if v}
if lost or not run["complete"]:
    sys.exit(f"lost {lost}, complete={run['complete']}")
n = sum(f["count"] for f in t["files"] if f["program"] == sys.argv[2] and f["path"] == "/etc/hostname")
if n != 6000:
    sys.exit(f"/etc/hostname read by cat {n} times in the trace, want 6000")
PY
pass "exec storm: 6000 runs of cat, every file access counted, nothing lost (${ms} ms)"
echo PASS
