#!/bin/bash
# Live test of what `tailor record` keeps beyond syscall names: argument
# values (against strace's raw arguments), their overflow, capability checks,
# sockets, run features, and callsites of new values.  Needs root + BTF.
. "$TAILOR_SRC/tests/lib.sh"
set +e +o pipefail # each step checks its own status (lib.sh sets -euo pipefail)
need_live
need_progs argprobe
need_cmd python3 "used to read traces"
need_cmd strace "ground truth"
TAILOR=$TAILOR_BIN
scratch

# An ASan build's programs run LeakSanitizer at exit, which uses ptrace and
# fails under strace: run both the recording and strace without it.
RUN=("$PROGS/argprobe")
ldd "$PROGS/argprobe" 2>/dev/null | grep -q libasan && RUN=(env ASAN_OPTIONS=detect_leaks=0 "$PROGS/argprobe")

# ---- 1. argument values == strace's raw arguments, masked as recorded --------------
"$TAILOR" record -q -o "$T/a.json" -- "${RUN[@]}" 2>"$T/err" || fail "record argprobe: $?: $(cat "$T/err")"
grep -v 'cap_capable tracepoint' "$T/err" | grep -q . && fail "record wrote to stderr: $(cat "$T/err")"
strace -f -qq -X raw -o "$T/strace" \
	-e trace=socket,socketpair,prctl,mprotect,mmap,clone,unshare "${RUN[@]}" ||
	fail "argprobe under strace failed"

python3 - "$T/a.json" "$T/strace" <<'PY' || fail "argument values differ from strace (above)"
import json, re, sys
t = json.load(open(sys.argv[1]))
# syscall -> {arg index: mask}; the masks are tracer/argtable.c's
spec = {"socket": {0: ~0, 1: 0xFFF7F7FF, 2: ~0}, "socketpair": {0: ~0, 1: 0xFFF7F7FF, 2: ~0},
        "prctl": {0: ~0}, "mprotect": {2: 7}, "mmap": {2: 7}, "clone": {0: 0x7E03EF00},
        "unshare": {0: ~0}}
M = (1 << 64) - 1

def split_args(s):
    out, depth, cur, q = [], 0, "", False
    for ch in s:
        if q:
            cur += ch
            q = ch != '"' or cur.endswith('\\"')
            continue
        if ch == '"':
            q = True
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip()); cur = ""; continue
        cur += ch
    out.append(cur.strip())
    return out

def num(s):
    s = s.split("=", 1)[1] if re.match(r"^[a-z_]+=", s) else s
    v = 0
    for part in s.split("|"):
        v |= int(part, 0) & M
    return v

truth = {}
for line in open(sys.argv[2]):
    m = re.match(r"^\d+ +(\w+)\((.*)\) += ", line)
    if not m or m.group(1) not in spec:
        continue
    name, args = m.group(1), split_args(m.group(2))
    if name == "clone":  # strace prints clone's flags by name, wherever they are
        args = [a for a in args if a.startswith("flags=")]
    for idx, mask in spec[name].items():
        a = args[0] if name == "clone" else args[idx]
        truth.setdefault(name, {}).setdefault(str(idx), set()).add(num(a) & mask & M)

bad = False
x = t["abis"]["x86_64"]
for name, per in sorted(truth.items()):
    for idx, want in sorted(per.items()):
        rec = x.get(name, {}).get("args", {}).get(idx)
        got = rec["values"] if rec else None
        if got is None or set(got) != want or rec["overflow"]:
            print(f"{name} arg{idx}: recorded {got}, strace {sorted(want)}"); bad = True
        elif got != sorted(set(got)):
            print(f"{name} arg{idx}: values not sorted/unique: {got}"); bad = True
# every recorded value list anywhere is sorted and unique
for abi, sysc in t["abis"].items():
    for name, s in sysc.items():
        for idx, a in s.get("args", {}).items():
            if a["values"] != sorted(set(a["values"])):
                print(f"{abi} {name} arg{idx}: duplicates: {a['values']}"); bad = True
sys.exit(1 if bad else 0)
PY
# the values the program makes on purpose
X="t['abis']['x86_64']"
check "$T/a.json" "$X['socket']['args']['0']['values'] == [1, 2]" "socket domains: $(q "$T/a.json" "$X['socket']['args']")"
check "$T/a.json" "$X['socket']['args']['1']['values'] == [1, 2]" "socket types (SOCK_CLOEXEC masked)"
check "$T/a.json" "$X['socketpair']['args'] == {'0': {'overflow': False, 'values': [1]}, '1': {'overflow': False, 'values': [1]}, '2': {'overflow': False, 'values': [0]}}" \
	"socketpair: $(q "$T/a.json" "$X['socketpair']['args']")"
check "$T/a.json" "{15, 16} <= set($X['prctl']['args']['0']['values'])" "prctl options 15, 16"
check "$T/a.json" "{1, 5} <= set($X['mprotect']['args']['2']['values'])" "mprotect PROT_READ, PROT_READ|PROT_EXEC"
check "$T/a.json" "$X['clone']['args']['0']['values'] == [0, 0x700]" \
	"clone flags masked: $(q "$T/a.json" "$X['clone']['args']")"
check "$T/a.json" "$X['unshare']['args']['0']['values'] == [0x4000000]" "unshare CLONE_NEWUTS"
check "$T/a.json" "'args' not in $X['getpid'] if 'getpid' in $X else True" "args on a syscall outside the table"
echo "ok: argument values equal strace's (socket, socketpair, prctl, mprotect, mmap, clone, unshare), no duplicates"

# ---- 2. sockets, capabilities, features ------------------------------------------------
P="$PROGS/argprobe"
check "$T/a.json" "sorted((n['family'], n['type'], n['protocol'], n['count']) for n in t['network'] if n['program'] == '$P') == [('inet', 'stream', 0, 3), ('unix', 'dgram', 0, 1), ('unix', 'stream', 0, 1)]" \
	"network: $(q "$T/a.json" "t.get('network')")"
echo "ok: network entries (inet stream x3, unix dgram, unix stream)"
if [ "$(q "$T/a.json" "'caps' in t['runs'][0]['features']")" = True ]; then
	check "$T/a.json" "any(c['cap'] == 'CAP_NET_BIND_SERVICE' and c['program'] == '$P' and c['granted'] >= 1 and c['denied'] >= 1 for c in t['capabilities'])" \
		"CAP_NET_BIND_SERVICE granted and denied: $(q "$T/a.json" "t.get('capabilities')")"
	check "$T/a.json" "not any(c['cap'] == 'CAP_SYS_ADMIN' and c['granted'] > 1 for c in t['capabilities'])" \
		"NOAUDIT probes (vm_enough_memory's CAP_SYS_ADMIN at each mmap) were recorded: $(q "$T/a.json" "t.get('capabilities')")"
	echo "ok: CAP_NET_BIND_SERVICE granted (bind :80 as root) and denied (after capset); no NOAUDIT noise"
	# Reading /proc/kallsyms asks for CAP_SYSLOG with CAP_OPT_NOAUDIT (kallsyms_show_value)
	# when kptr_restrict is 1, or 0 with perf_event_paranoid above 1.
	kr=$(cat /proc/sys/kernel/kptr_restrict 2>/dev/null || echo 2)
	pp=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)
	if [ "$kr" = 1 ] || { [ "$kr" = 0 ] && [ "$pp" -gt 1 ]; }; then
		"$TAILOR" record -q -o "$T/ks.json" -- sh -c 'head -c 4096 /proc/kallsyms > /dev/null' ||
			fail "record head /proc/kallsyms: $?"
		check "$T/ks.json" "not any(c['cap'] == 'CAP_SYSLOG' for c in t.get('capabilities', []))" \
			"kallsyms' NOAUDIT CAP_SYSLOG probe recorded: $(q "$T/ks.json" "t.get('capabilities')")"
		echo "ok: reading /proc/kallsyms records no CAP_SYSLOG (a NOAUDIT probe)"
	else
		echo "note: kptr_restrict=$kr perf_event_paranoid=$pp: /proc/kallsyms makes no CAP_SYSLOG check here, skipped"
	fi
else
	grep -q 'cap_capable tracepoint' "$T/err" || fail "no caps feature and no note saying why"
	echo "note: this kernel has no capability:cap_capable tracepoint; capability checks skipped"
fi
check "$T/a.json" "{'args', 'net', 'stacks'} <= set(t['runs'][0]['features'])" "features: $(q "$T/a.json" "t['runs'][0]['features']")"
check "$T/a.json" "t['runs'][0]['complete'] and all(v == 0 for v in t['runs'][0]['lost'].values())" \
	"lost: $(q "$T/a.json" "t['runs'][0]['lost']")"

# ---- 3. callsites: first calls and new values, symbolized --------------------------------
check "$T/a.json" "any(c['syscall'] == 'mprotect' and c.get('detail') == 'arg2=0x5' and any(f.get('symbol') == 'main' and f.get('file') == '$P' for f in c['frames']) for c in t['callsites'])" \
	"no callsite for mprotect arg2=0x5 from argprobe's main: $(q "$T/a.json" "[c for c in t['callsites'] if c['syscall'] == 'mprotect']")"
check "$T/a.json" "any(c['syscall'] == 'socket' and 'detail' not in c for c in t['callsites'])" "no first-call callsite for socket"
check "$T/a.json" "len({(c['abi'], c['syscall'], c.get('detail'), c['program']) for c in t['callsites']}) == len(t['callsites'])" \
	"duplicate callsites"
echo "ok: callsites for first calls and new values ($(q "$T/a.json" "len(t['callsites'])") callsites)"

# ---- 4. overflow: more distinct values than kept ---------------------------------------------
"$TAILOR" record -q -o "$T/o.json" -- "$PROGS/argprobe" --overflow 70 || fail "record --overflow: $?"
check "$T/o.json" "t['abis']['x86_64']['ioctl']['args']['1']['overflow'] and len(t['abis']['x86_64']['ioctl']['args']['1']['values']) == 64" \
	"ioctl overflow: $(q "$T/o.json" "t['abis']['x86_64']['ioctl']['args']")"
"$TAILOR" record -q -o "$T/o2.json" -- "$PROGS/argprobe" --overflow 64 || fail "record --overflow 64: $?"
check "$T/o2.json" "not t['abis']['x86_64']['ioctl']['args']['1']['overflow'] and len(t['abis']['x86_64']['ioctl']['args']['1']['values']) == 64" \
	"64 values must fit: $(q "$T/o2.json" "t['abis']['x86_64']['ioctl']['args']")"
echo "ok: 70 distinct ioctl requests -> 64 kept + overflow; 64 -> no overflow"

# ---- 5. --no-stacks ------------------------------------------------------------------------------
"$TAILOR" record -q --no-stacks -o "$T/n.json" -- "$PROGS/argprobe" || fail "record --no-stacks: $?"
check "$T/n.json" "not t.get('callsites') and 'stacks' not in t['runs'][0]['features'] and 'args' in t['runs'][0]['features']" \
	"--no-stacks: $(q "$T/n.json" "(t['runs'][0]['features'], len(t.get('callsites', [])))")"
echo "ok: --no-stacks records values without callsites"

# ---- 5b. a new value after many calls on the fast path (values seen: no helper call) -------------
cat >"$T/fc.py" <<'PY'
import fcntl, os
fd = os.open('/dev/null', os.O_RDONLY)
for _ in range(3):
    for i in range(5000):
        fcntl.fcntl(fd, fcntl.F_GETFD)
    fcntl.fcntl(fd, [fcntl.F_GETFL, fcntl.F_GETSIG, fcntl.F_GETLEASE][_])
PY
"$TAILOR" record -q -o "$T/fc.json" -- python3 "$T/fc.py" || fail "record of an fcntl loop: $?"
strace -f -qq -c -U calls -e trace=fcntl -o "$T/fc.strace" python3 "$T/fc.py" || fail "fcntl loop under strace"
n=$(awk '$NF == "fcntl" {print $1}' "$T/fc.strace")
check "$T/fc.json" "t['abis']['x86_64']['fcntl']['calls'] == $n" \
	"fcntl calls: $(q "$T/fc.json" "t['abis']['x86_64']['fcntl']['calls']") recorded, $n by strace"
check "$T/fc.json" "{1, 3, 11, 1025} <= set(t['abis']['x86_64']['fcntl']['args']['1']['values'])" \
	"fcntl cmd values: $(q "$T/fc.json" "t['abis']['x86_64']['fcntl']['args']")"
check "$T/fc.json" "{'arg1=0x3', 'arg1=0xb', 'arg1=0x401'} <= {c.get('detail') for c in t['callsites'] if c['syscall'] == 'fcntl'}" \
	"callsites of the new fcntl values: $(q "$T/fc.json" "[c.get('detail') for c in t['callsites'] if c['syscall'] == 'fcntl']")"
echo "ok: new argument values after 5000 fast-path calls: recorded, with their callsites"

# ---- 6. ia32: mmap2/mprotect prot values under the x86 ABI ----------------------------------------
ia32_runs || echo "note: $(ia32_why): ia32 checks skipped"
if [ -x "$PROGS/workload_32" ] && ia32_runs; then
	"$TAILOR" record -q -o "$T/w32.json" -- "$PROGS/workload_32" || fail "record workload_32: $?"
	check "$T/w32.json" "5 in t['abis']['x86']['mmap2']['args']['2']['values']" \
		"x86 mmap2 prot: $(q "$T/w32.json" "t['abis']['x86'].get('mmap2')")"
	check "$T/w32.json" "'args' not in t['abis']['x86'].get('mmap', {})" "ia32 old mmap (a struct in memory) has no args"
	echo "ok: ia32 mmap2 prot values"
fi
if [ -x "$PROGS/sock_32" ] && ia32_runs; then
	"$TAILOR" record -q -o "$T/s32.json" -- "$PROGS/sock_32" || fail "record sock_32: $?"
	X="t['abis']['x86']"
	check "$T/s32.json" "$X['socketcall']['args']['0']['values'] == [1] and $X['socket']['args']['0']['values'] == [2]" \
		"ia32 socketcall call number / socket domain: $(q "$T/s32.json" "($X.get('socketcall'), $X.get('socket'))")"
	check "$T/s32.json" "sorted((n['family'], n['type']) for n in t['network']) == [('inet', 'stream'), ('unix', 'dgram')]" \
		"ia32 network (socketcall's arguments read from memory): $(q "$T/s32.json" "t.get('network')")"
	echo "ok: ia32 socketcall (call number; family/type for network) and direct socket"
fi
echo PASS
