#!/usr/bin/env bash
# Faults around `tailor record` and `tailor run` (docs/security.md, "Faults"):
# tailor SIGKILLed mid-recording (and at random moments), a full disk, an
# unwritable output, a command that ignores SIGINT, a daemon that outlives the
# command, and `tailor run` with a tampered or unloadable profile (never runs
# the command unfiltered).  Needs root + BTF; about 30 s.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd python3
need_progs forkstorm
TAILOR=$TAILOR_BIN

T=$(mktemp -d "${TMPDIR:-/tmp}/tailor-faults.XXXXXX")
MOUNTS=()
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
	chattr -i "$T/imm.json" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# No file in DIR but those named (temp files included).
only_files() { # DIR NAME...
	local got want
	got=$(cd "$1" && ls -A | sort | tr '\n' ' ')
	shift
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "files left: '$got', want '$want'"
}
# The pid of the first child of process $1 (tailor's command).
child_of() {
	local i
	for i in $(seq 50); do
		c=$(cat /proc/"$1"/task/"$1"/children 2>/dev/null | awk '{print $1}')
		[ -n "$c" ] && { echo "$c"; return; }
		sleep 0.05
	done
}

# ---- 1. SIGKILL mid-recording: the previous trace is intact, nothing else left -----
mkdir "$T/k"
"$TAILOR" record -q -o "$T/k/trace.json" -- true || fail "first record: $?"
cp "$T/k/trace.json" "$T/prev.json"
"$TAILOR" record -q -o "$T/k/trace.json" -- sleep 30 &
tp=$!
cmd=$(child_of $tp)
[ -n "$cmd" ] || fail "no command under tailor"
PIDS+=("$cmd")
sleep 0.5
kill -9 $tp
wait $tp 2>/dev/null || true
cmp -s "$T/prev.json" "$T/k/trace.json" || fail "SIGKILL: previous trace changed"
only_files "$T/k" trace.json
# Documented: the command is not ours to kill; it goes on, unrecorded.
kill -0 "$cmd" 2>/dev/null || fail "SIGKILL of tailor killed the command"
kill -9 "$cmd"
pass "SIGKILL mid-recording: previous trace byte-identical, no temp file, command left running"

# At random moments, including while the trace is written: the path holds the
# old trace or a whole new one; a temp file may stay only when killed inside
# the write window (documented), and is never the trace's name.
for i in $(seq 25); do
	"$TAILOR" record -q -o "$T/k/trace.json" -- "$PROGS/forkstorm" 40 4 >/dev/null &
	tp=$!
	sleep "0.$(printf '%03d' $((RANDOM % 400)))"
	kill -9 $tp 2>/dev/null || true
	wait $tp 2>/dev/null || true
	python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/k/trace.json" ||
		fail "SIGKILL at a random moment left an unreadable trace (round $i)"
done
n_tmp=$(find "$T/k" -name 'trace.json.tmp.*' | wc -l)
extra=$(find "$T/k" -mindepth 1 ! -name trace.json ! -name 'trace.json.tmp.??????')
[ -z "$extra" ] || fail "SIGKILLs left other files: $extra"
pass "25 SIGKILLs at random moments: trace always whole ($n_tmp temp file(s) from kills inside the write window)"

# ---- 2. disk full: one line, 125, the command ran to its end, nothing half-written ----
mkdir "$T/full"
mount -t tmpfs -o size=64k tmpfs "$T/full"
MOUNTS+=("$T/full")
cp "$T/prev.json" "$T/full/trace.json" # an old trace to keep
# Fill it, then free 8 KiB: less than any trace (13 KiB even without stacks).
head -c 65536 /dev/zero >"$T/full/filler" 2>/dev/null || true
truncate -s -8192 "$T/full/filler"
rc=0
"$TAILOR" record -q -o "$T/full/trace.json" -- sh -c "touch $T/ran; $PROGS/forkstorm 200 10 >/dev/null; exit 3" \
	2>"$T/err" || rc=$?
[ $rc = 125 ] || fail "disk full: exit $rc, want 125: $(cat "$T/err")"
[ "$(errlines "$T/err")" = 1 ] || fail "disk full: want one line: $(cat "$T/err")"
grep -q "$T/full/trace.json" "$T/err" && grep -q 'No space left' "$T/err" && grep -q 'status 3' "$T/err" ||
	fail "disk full: message should name the file, ENOSPC and the command's status: $(cat "$T/err")"
[ -e "$T/ran" ] || fail "disk full: the command did not run"
cmp -s "$T/prev.json" "$T/full/trace.json" || fail "disk full: old trace changed"
only_files "$T/full" trace.json filler
pass "disk full -> 125: $(grep -v "^tailor: note:" "$T/err")"

# ---- 3. unwritable output: error before the command starts, nothing created -------
mkdir "$T/ro"
mount -t tmpfs -o ro,size=64k tmpfs "$T/ro"
MOUNTS+=("$T/ro")
echo old >"$T/imm.json"
chattr +i "$T/imm.json" 2>/dev/null && IMM="$T/imm.json" || IMM=
for out in "$T/ro/trace.json" "$T/nodir/trace.json" "$T/k" /proc/tailor-trace.json $IMM; do
	rm -f "$T/marker"
	rc=0
	"$TAILOR" record -q -o "$out" -- touch "$T/marker" 2>"$T/err" || rc=$?
	[ $rc = 125 ] || fail "-o $out: exit $rc, want 125"
	[ "$(errlines "$T/err")" = 1 ] && grep -q "$out" "$T/err" || fail "-o $out: $(cat "$T/err")"
	[ -e "$T/marker" ] && fail "-o $out: the command ran although the trace cannot be written"
	echo "  $(grep -v "^tailor: note:" "$T/err")"
done
only_files "$T/ro"
[ -e "$T/nodir" ] && fail "nonexistent dir was created"
[ -n "$IMM" ] && chattr -i "$IMM"
pass "read-only dir, missing dir, a directory, /proc${IMM:+, an immutable file} as output: 125 before the command runs"

# ---- 4. a command that ignores SIGINT: tailor waits --grace, then leaves it -----------
rc=0
start=$(date +%s%N)
"$TAILOR" record -q --grace 700 -o "$T/int.json" -- sh -c "trap '' INT; exec sleep 20" &
tp=$!
cmd=$(child_of $tp)
PIDS+=("$cmd")
sleep 0.5
kill -INT $tp
wait $tp || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc = 130 ] || fail "SIGINT ignored by the command: exit $rc, want 130"
[ $ms -lt 5000 ] || fail "tailor took ${ms} ms to give up on the command (--grace 700)"
check "$T/int.json" "not t['runs'][0]['complete'] and 'exit_status' not in t['runs'][0] and t['runs'][0]['lost'].get('running', 0) >= 1" \
	"SIGINT ignored: trace should be incomplete, without exit status, the command in lost.running"
check "$T/int.json" "'clock_nanosleep' in t['abis']['x86_64'] or 'nanosleep' in t['abis']['x86_64']" \
	"SIGINT ignored: sleep's syscalls missing"
kill -0 "$cmd" 2>/dev/null || fail "the command was killed; tailor should leave it"
kill -9 "$cmd"
pass "command ignoring SIGINT: trace incomplete after --grace, exit 130, command left running (${ms} ms)"

# ---- 5. a daemon that outlives the command: recorded for --linger after it, not longer ----
rc=0
start=$(date +%s%N)
"$TAILOR" record -o "$T/d.json" -- sh -c \
	"(setsid sh -c 'echo \$\$ >$T/daemon.pid; exec $PROGS/forkstorm 20 0 4000 >/dev/null' &); sleep 0.5; exit 4" \
	2>"$T/err" || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
dp=$(cat "$T/daemon.pid")
PIDS+=("$dp")
[ $rc = 4 ] || fail "daemon: exit $rc, want the command's 4: $(cat "$T/err")"
[ $ms -lt 5000 ] || fail "tailor waited for the daemon (${ms} ms) beyond --linger (2000 ms)"
kill -0 "$dp" 2>/dev/null || fail "the daemon is gone; tailor should not kill it"
grep -q 'still run 2000 ms after it exited' "$T/err" || fail "no note about the surviving daemon: $(cat "$T/err")"
# What the daemon did before the command exited is in the trace (its 20 children).
check "$T/d.json" "all(n in t['abis']['x86_64'] for n in ['sched_rr_get_interval', 'personality', 'getcpu'])" \
	"daemon's syscalls before the command exited are missing"
check "$T/d.json" "not t['runs'][0]['complete'] and t['runs'][0]['exit_status'] == 4 and t['runs'][0]['lost'].get('running', 0) >= 1" \
	"daemon: run metadata (incomplete, the command's status, the survivor in lost.running)"
kill -9 "$dp"
pass "daemon outliving the command: recorded until --linger ends, not waited for longer, not killed (${ms} ms)"

# ---- 6. tailor run: tampered or unloadable profiles never run the command ------------
cat >"$T/allow.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}
EOF
chmod 644 "$T/allow.json"
"$TAILOR" run --profile "$T/allow.json" -- touch "$T/m0" || fail "run with a good profile: $?"
[ -e "$T/m0" ] || fail "run with a good profile did not run the command"
for mode in 666 664 646; do
	chmod $mode "$T/allow.json"
	rm -f "$T/m1"
	rc=0
	"$TAILOR" run --profile "$T/allow.json" -- touch "$T/m1" 2>"$T/err" || rc=$?
	[ $rc = 125 ] && [ ! -e "$T/m1" ] || fail "profile mode $mode: exit $rc, command ran: $(cat "$T/err")"
	grep -q 'writable by' "$T/err" || fail "profile mode $mode: $(cat "$T/err")"
done
"$TAILOR" run --force --profile "$T/allow.json" -- touch "$T/m1" || fail "--force: $?"
[ -e "$T/m1" ] || fail "--force did not run the command"
chmod 644 "$T/allow.json"
pass "profile writable by group/others: refused (125) unless --force"

cat >"$T/unknown.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "tailor_no_such_syscall"], "action": "SCMP_ACT_ALLOW"}]}
EOF
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$T/trunc.json"
cat >"$T/badaction.json" <<'EOF'
{"defaultAction": "SCMP_ACT_SOMETIMES", "syscalls": []}
EOF
# An outer filter that denies seccomp(2) and prctl(2): the inner tailor's
# seccomp_load fails after the profile was parsed and the command resolved.
cat >"$T/noseccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["seccomp", "prctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
chmod 644 "$T"/*.json
for p in unknown trunc badaction loadfail; do
	rm -f "$T/m2"
	rc=0
	if [ $p = loadfail ]; then
		"$TAILOR" run --profile "$T/noseccomp.json" -- \
			"$TAILOR" run --profile "$T/allow.json" -- touch "$T/m2" 2>"$T/err" || rc=$?
	else
		"$TAILOR" run --profile "$T/$p.json" -- touch "$T/m2" 2>"$T/err" || rc=$?
	fi
	[ -e "$T/m2" ] && fail "profile $p: the command ran unfiltered"
	[ $rc = 125 ] || fail "profile $p: exit $rc, want 125: $(cat "$T/err")"
	grep -q . "$T/err" || fail "profile $p: no message"
	echo "  $p: $(tail -1 "$T/err")"
done
pass "unknown syscall, truncated JSON, bad action, seccomp_load failure: 125, command never ran"
echo PASS
