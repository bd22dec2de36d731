#!/usr/bin/env bash
# End to end on the bundled example: record its test suite, generate a
# profile, enforce it with `tailor run` (passes); remove one syscall the app
# needs (fails, with the denial visible).
. "$TAILOR_SRC/tests/lib.sh"
need_live
scratch
kv=$TAILOR_BUILD/examples/kvstore/kvstore
tests=$TAILOR_SRC/examples/kvstore/run-tests.sh
[ -x "$kv" ] || fail "example not built: $kv"

"$TAILOR_BIN" record -q -o "$T/trace.json" -- "$tests" "$kv" >"$T/record.out" ||
	fail "record: the example's tests failed while recorded"
grep -q 'all tests passed' "$T/record.out" || fail "record: tests did not run"

"$TAILOR_BIN" generate -o "$T/profile.json" "$T/trace.json" || fail "generate"
"$TAILOR_BIN" check "$T/profile.json" >/dev/null || fail "check"

"$TAILOR_BIN" run --profile "$T/profile.json" -- "$tests" "$kv" >"$T/run.out" 2>&1 ||
	{ cat "$T/run.out"; fail "the example fails under its own profile (false denial)"; }
pass "example passes under its generated profile"

# rename is what makes kvstore's writes atomic: without it, put must fail.
python3 - "$T/profile.json" "$T/minus.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
n = 0
for r in p["syscalls"]:
    names = r.get("names", [])
    if "rename" in names:
        names.remove("rename"); n += 1
assert n, "rename not in the generated profile"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
if "$TAILOR_BIN" run --profile "$T/minus.json" -- "$tests" "$kv" >"$T/minus.out" 2>&1; then
	fail "the example passed without rename: the profile is not what is enforced"
fi
grep -q 'put alpha: Operation not permitted' "$T/minus.out" ||
	{ cat "$T/minus.out"; fail "expected EPERM on rename"; }
pass "removing rename from the profile makes the example fail with EPERM"
