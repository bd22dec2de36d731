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

# The AppArmor profile of the same trace: exec records and file records name
# the resolved programs, so each executed program has one exec rule, none
# for a name through a symlink (/bin/sh), and the test script is named by
# its own absolute path.
"$TAILOR_BIN" generate -f apparmor --name kvstore -o "$T/kv.aa" "$T/trace.json" ||
	fail "generate -f apparmor"
python3 - "$T/kv.aa" "$(realpath "$kv")" "$(realpath "$tests")" <<'PY' || fail "AppArmor exec rules (above)"
import os, re, sys
text = open(sys.argv[1]).read(); KV, TESTS = sys.argv[2:4]
execs = [m.group(1) for m in re.finditer(r'^\s+"?(/[^" ]+)"? [a-z]*x[a-z]*,', text, re.M)]
bad = False
if len(execs) != len(set(execs)):
    print(f"duplicate exec rules: {sorted(execs)}"); bad = True
for need in (KV, TESTS):
    if need not in execs:
        print(f"no exec rule for {need}: {execs}"); bad = True
for p in execs:
    if os.path.realpath(p) != p:
        print(f"exec rule through a symlink: {p}"); bad = True
if not re.search(r'exec by ' + re.escape(TESTS), text):
    print("no exec by the test script (named by its path)"); bad = True
sys.exit(1 if bad else 0)
PY
if command -v apparmor_parser >/dev/null && [ -r /etc/apparmor.d/abi/3.0 ]; then
	apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 --warn=all --Werror \
		"$T/kv.aa" >"$T/parser.out" 2>&1 || { cat "$T/parser.out" >&2; fail "apparmor_parser refused the profile"; }
fi
pass "AppArmor profile: one exec rule per program, resolved names, accepted by apparmor_parser"
