#!/usr/bin/env bash
# Argument-aware profiles end to end on the bundled example: record its test
# suite (argument values included), generate with --args safe and strict,
# enforce each with `tailor run` (no false denial), and report how many
# argument rules each profile has.  kvstore's verify runs threads, so passing
# also proves the clone3 -> ENOSYS -> clone fallback of glibc under the
# filtered clone.
. "$TAILOR_SRC/tests/lib.sh"
need_live
scratch
kv=$TAILOR_BUILD/examples/kvstore/kvstore
tests=$TAILOR_SRC/examples/kvstore/run-tests.sh
[ -x "$kv" ] || fail "example not built: $kv"

"$TAILOR_BIN" record -q -o "$T/trace.json" -- "$tests" "$kv" >"$T/record.out" ||
	fail "record: the example's tests failed while recorded"
grep -q 'all tests passed' "$T/record.out" || fail "record: tests did not run"
python3 - "$T/trace.json" <<'PY' || fail "the trace carries no argument values"
import json, sys
t = json.load(open(sys.argv[1]))
assert all("args" in r.get("features", []) for r in t["runs"]), "feature args missing"
assert "args" in t["abis"]["x86_64"]["mmap"], "mmap prot not recorded"
PY

# Count argument rules and the syscalls they cover; check what safe must contain.
summary() { # PROFILE MODE
	python3 - "$1" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
mode = sys.argv[2]
rules = [r for r in p["syscalls"] if r.get("args")]
names = sorted({n for r in rules for n in r["names"]})
print(f"{mode}: {len(rules)} argument rules on {len(names)} syscalls ({', '.join(names)})")
enosys = [r for r in p["syscalls"] if r.get("errnoRet") == 38]
assert any("clone3" in r["names"] for r in enosys), "clone3 is not ENOSYS"
for n in ("clone", "mmap", "mprotect"):
    assert n in names, f"{n} has no argument rules"
if mode == "strict":
    assert "ioctl" in names and "fcntl" in names, "strict: no ioctl/fcntl rules"
PY
}

for mode in safe strict; do
	"$TAILOR_BIN" generate --args "$mode" -o "$T/$mode.json" "$T/trace.json" ||
		fail "generate --args $mode"
	"$TAILOR_BIN" check "$T/$mode.json" >"$T/$mode.check" || fail "check ($mode)"
	awk '$1 == "x86_64" && $3 > 0 { ok = 1 } END { exit !ok }' "$T/$mode.check" ||
		{ cat "$T/$mode.check"; fail "check counts no conditional syscall ($mode)"; }
	summary "$T/$mode.json" "$mode" || fail "unexpected $mode profile"
	"$TAILOR_BIN" run --profile "$T/$mode.json" -- "$tests" "$kv" >"$T/run-$mode.out" 2>&1 ||
		{ cat "$T/run-$mode.out"; fail "the example fails under --args $mode (false denial)"; }
	grep -q 'all tests passed' "$T/run-$mode.out" || fail "run ($mode): tests did not run"
	pass "example passes under its --args $mode profile"
done

# The default is safe: byte-identical to --args safe.
"$TAILOR_BIN" generate -o "$T/default.json" "$T/trace.json" || fail "generate (default)"
cmp -s "$T/default.json" "$T/safe.json" || fail "the default is not --args safe"
pass "the default is --args safe"
