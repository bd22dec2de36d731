#!/bin/bash
# Live test of callsites and `tailor explain`: a known function making a known
# syscall is named, also after its binary was renamed or deleted (symbols are
# resolved while recording), and frames left unresolved in a trace are found
# again by build id.  Needs root + BTF.
. "$TAILOR_SRC/tests/lib.sh"
set +e +o pipefail # each step checks its own status (lib.sh sets -euo pipefail)
need_live
need_progs explainme
need_cmd python3 "used to edit traces"
TAILOR=$TAILOR_BIN
scratch

# ---- 1. the function that made the syscall is named -------------------------------------
"$TAILOR" record -q -o "$T/e.json" -- "$PROGS/explainme" || fail "record explainme: $?"
"$TAILOR" explain "$T/e.json" getpriority >"$T/out" 2>"$T/err" || fail "explain: $?: $(cat "$T/err")"
cat "$T/out"
grep -q "^x86_64 getpriority$" "$T/out" || fail "no 'x86_64 getpriority' header"
grep -q "first call in $PROGS/explainme:" "$T/out" || fail "program not named"
grep -q "getpriority ← explainme tl_probe_getpriority+0x[0-9a-f]* ← explainme main+0x" "$T/out" ||
	fail "tl_probe_getpriority ← main not found"
[ "$(grep -c '^x86_64' "$T/out")" = 1 ] || fail "filter: other syscalls shown"
# through libc's wrapper (no frame pointer): the skipped caller is recovered
"$TAILOR" explain "$T/e.json" getppid >"$T/out2" || fail "explain getppid: $?"
grep -q "getppid ← libc.so.6 syscall+0x[0-9a-f]* ← explainme tl_probe_getppid+0x[0-9a-f]* ← explainme main+" "$T/out2" ||
	fail "libc syscall ← tl_probe_getppid ← main: $(cat "$T/out2")"
"$TAILOR" explain --ascii "$T/e.json" getpriority >"$T/ascii.txt"
grep -q "getpriority <- explainme tl_probe_getpriority" "$T/ascii.txt" || fail "--ascii: $(cat "$T/ascii.txt")"
echo "ok: explain names tl_probe_getpriority (inline syscall) and tl_probe_getppid (via libc)"

# ---- 2. a copy, recorded, then deleted: symbols were resolved at record time ----------------
mkdir "$T/copy"
cp "$PROGS/explainme" "$T/copy/em-copy"
"$TAILOR" record -q -o "$T/c.json" -- "$T/copy/em-copy" || fail "record the copy: $?"
rm "$T/copy/em-copy"
"$TAILOR" explain "$T/c.json" getpriority >"$T/out" || fail "explain after delete: $?"
grep -q "em-copy tl_probe_getpriority+0x" "$T/out" || fail "deleted copy: $(cat "$T/out")"
echo "ok: recorded copy deleted afterwards: still named"

# deleted *during* the recording (renaming is the same case: the path is gone)
cp "$PROGS/explainme" "$T/copy/em-self"
"$TAILOR" record -q -o "$T/d.json" -- "$T/copy/em-self" --unlink-self || fail "record --unlink-self: $?"
[ -e "$T/copy/em-self" ] && fail "explainme --unlink-self did not delete itself"
"$TAILOR" explain "$T/d.json" getpriority getppid >"$T/out" || fail "explain --unlink-self: $?"
grep -q "em-self tl_probe_getpriority+0x" "$T/out" && grep -q "em-self tl_probe_getppid+0x" "$T/out" ||
	fail "binary deleted while running: $(cat "$T/out")"
echo "ok: binary deleted while it ran: named (opened through /proc/PID/map_files)"

# ---- 3. unresolved frames are looked up by build id at explain time ------------------------
# Drop the symbols from the trace, as if the recorder could not read the file.
python3 - "$T/e.json" "$T/nosym.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for c in t["callsites"]:
    for f in c["frames"]:
        f.pop("symbol", None); f.pop("symoff", None)
json.dump(t, open(sys.argv[2], "w"))
PY
"$TAILOR" explain "$T/nosym.json" getpriority >"$T/out" || fail "explain nosym: $?"
grep -q "getpriority ← explainme tl_probe_getpriority+0x[0-9a-f]* ← explainme main+0x" "$T/out" ||
	fail "not resolved again from the recorded path (build id matches): $(cat "$T/out")"
exp_first=$(grep -o 'tl_probe_getpriority+0x[0-9a-f]*' "$T/out")
grep -q "$exp_first" <("$TAILOR" explain "$T/e.json" getpriority) ||
	fail "late resolution gives another offset than record time ($exp_first)"
# the recorded path now holds another binary: its build id differs, it is not used
cp "$PROGS/argprobe" "$T/other"
sed "s#$PROGS/explainme#$T/other#g" "$T/nosym.json" >"$T/moved.json"
"$TAILOR" explain "$T/moved.json" getpriority >"$T/out" || fail "explain moved: $?"
grep -q "tl_probe_getpriority" "$T/out" && fail "symbolized from a file with another build id"
grep -q "getpriority ← other+0x[0-9a-f]*" "$T/out" || fail "degraded frame: $(cat "$T/out")"
echo "ok: unresolved frames: found by build id at the recorded path; a different file is refused"

# the binary is gone but its separate debug file is installed by build id
BID=$(readelf -n "$PROGS/explainme" 2>/dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
DBG=/usr/lib/debug/.build-id/${BID:0:2}/${BID:2}.debug
if [ -n "$BID" ] && command -v objcopy >/dev/null && [ ! -e "$DBG" ]; then
	mkdir -p "${DBG%/*}" || fail "mkdir ${DBG%/*}"
	trap 'rm -f "$DBG"; rmdir "${DBG%/*}" 2>/dev/null; rm -rf "$T"' EXIT
	objcopy --only-keep-debug "$PROGS/explainme" "$DBG" || fail "objcopy --only-keep-debug"
	sed "s#$PROGS/explainme#$T/gone/explainme#g" "$T/nosym.json" >"$T/gone.json"
	"$TAILOR" explain "$T/gone.json" getpriority >"$T/out" || fail "explain gone: $?"
	rm -f "$DBG"
	grep -q "getpriority ← explainme tl_probe_getpriority+0x[0-9a-f]* ← explainme main+0x" "$T/out" ||
		fail "not resolved from $DBG: $(cat "$T/out")"
	echo "ok: binary gone: resolved from /usr/lib/debug/.build-id/"
else
	echo "note: debug-file lookup not tested (no build id, no objcopy, or $DBG exists)"
fi

# ---- 3b. a non-PIE program that exits at once: no frame below its mappings, libc named as such --
# A return address below every mapping (the end of the frame chain) came back from the kernel
# as a huge negative offset into the lowest mapping: a non-PIE binary's.  And a process gone
# before its stack was read had libc's frames named by libc's separate debug file.
if command -v gcc >/dev/null && command -v objcopy >/dev/null; then
	printf '%s\n' '#include <unistd.h>' \
		'__attribute__((noinline)) static int f(void) { return getppid(); }' \
		'int main(void) { return f() < 0; }' >"$T/np.c"
	gcc -O1 -no-pie -fno-omit-frame-pointer -o "$T/npfp" "$T/np.c" || fail "gcc -no-pie"
	LIBC=$(ldd "$T/npfp" | sed -n 's/.*libc\.so\.6 => \([^ ]*\).*/\1/p')
	LBID=$(readelf -n "$LIBC" 2>/dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
	LDBG=/usr/lib/debug/.build-id/${LBID:0:2}/${LBID:2}.debug
	made=
	if [ -n "$LBID" ] && [ ! -e "$LDBG" ]; then
		mkdir -p "${LDBG%/*}" && objcopy --only-keep-debug "$LIBC" "$LDBG" && made=1
		trap 'rm -f "$DBG"; [ -n "$made" ] && rm -f "$LDBG"; rm -rf "$T"' EXIT
	fi
	"$TAILOR" record -q -o "$T/np.json" -- "$T/npfp" || fail "record npfp: $?"
	[ -n "$made" ] && rm -f "$LDBG"
	python3 - "$T/np.json" <<'PY' || fail "npfp frames (above)"
import json, sys
t = json.load(open(sys.argv[1]))
fr = [f for c in t.get("callsites", []) for f in c["frames"]]
bad = [f for f in fr if f.get("offset", 0) >= 1 << 47]
if bad: print("frames below every mapping kept:", bad[:3]); sys.exit(1)
dbg = [f["file"] for f in fr if f.get("file", "").endswith(".debug")]
if dbg: print("frames named by a debug file:", dbg[:3]); sys.exit(1)
if not any(f.get("file", "").endswith("/npfp") and f.get("symbol") == "main" for f in fr):
    print("npfp main not in the frames:", fr[:6]); sys.exit(1)
PY
	echo "ok: non-PIE, short-lived: no frame below the mappings; libc named by its file, not its debug file"
	# every return address kept points into code: ps's prctl ended in libc's read-only data
	if command -v ps >/dev/null && command -v readelf >/dev/null; then
		"$TAILOR" record -q -o "$T/ps.json" -- ps -e >/dev/null || fail "record ps: $?"
		python3 - "$T/ps.json" <<'PY' || fail "frames outside code (above)"
import json, re, subprocess, sys
t = json.load(open(sys.argv[1]))
segs = {}
def code(path, off):
    if path not in segs:
        out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout
        segs[path] = [(int(m[0], 16), int(m[1], 16), "E" in m[2])
                      for m in re.findall(r"LOAD\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+(0x[0-9a-f]+)\s+\S+\s+([RWE ]+?)\s+0x", out)]
    return any(o <= off < o + n and x for o, n, x in segs[path]) if segs[path] else True
bad = [(c["syscall"], f) for c in t.get("callsites", []) for f in c["frames"][1:]
       if f.get("file", "").startswith("/") and not code(f["file"], f["offset"] - 1)]
if bad: print("return addresses outside code:", bad[:3]); sys.exit(1)
PY
		echo "ok: ps: every return address kept is in an executable segment"
	fi
else
	echo "note: non-PIE frames not tested (no gcc or objcopy)"
fi

# ---- 4. no stacks, errors, usage -----------------------------------------------------------
"$TAILOR" record -q --no-stacks -o "$T/n.json" -- "$PROGS/explainme" || fail "record --no-stacks: $?"
out=$("$TAILOR" explain "$T/n.json" getpriority) || fail "explain without stacks: exit $?"
echo "$out" | grep -q "recorded without stacks" || fail "no-stacks message: $out"
printf '{"tailor_trace": 1, "runs": [' >"$T/bad.json"
"$TAILOR" explain "$T/bad.json" 2>"$T/err"
[ $? = 1 ] || fail "bad trace: want exit 1"
[ "$(wc -l <"$T/err")" = 1 ] || fail "bad trace: want one line: $(cat "$T/err")"
"$TAILOR" explain "$T/e.json" no_such_syscall 2>/dev/null
[ $? = 2 ] || fail "unknown syscall: want exit 2"
"$TAILOR" explain 2>/dev/null
[ $? = 2 ] || fail "no trace: want exit 2"
"$TAILOR" explain --help >"$T/help.txt" # whole: grep -q quits early (SIGPIPE under pipefail)
grep -q "usage: tailor explain" "$T/help.txt" || fail "--help"
out=$("$TAILOR" explain "$T/e.json" kexec_load) || fail "explain kexec_load: $?"
[ "$out" = "kexec_load: not in the trace" ] || fail "syscall not in the trace: $out"
echo "ok: no stacks -> says so (0); bad trace -> 1 line (1); unknown syscall (2); --help"
echo PASS
