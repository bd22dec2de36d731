#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tailor diff, the real binary: exit codes per --fail-on (0 pass, 1 gate failed,
# 2 usage or input error), one-line errors naming the file, formats, no colour
# when stdout is not a terminal.  No root needed.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

D="$TAILOR_SRC/tests/data/diff"
scratch
cd "$D"

# expect CODE ARGS...: run `tailor diff ARGS`, check the exit status.
expect() {
	local want=$1 rc=0
	shift
	"$TAILOR_BIN" diff "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$T/err" >&2
		fail "tailor diff $* exited $rc, expected $want"
	}
}

# Risky changes (ptrace, AF_PACKET...): risky and any fail, none passes.
expect 0 old.trace.json new.trace.json
expect 0 old.trace.json new.trace.json --fail-on none
expect 1 old.trace.json new.trace.json --fail-on risky
expect 1 --fail-on any old.trace.json new.trace.json
expect 1 old.profile.json new.profile.json --fail-on risky --format json
pass "risky changes fail --fail-on risky and any"

# The reverse only removes and narrows: risky passes, any fails.
expect 0 new.trace.json old.trace.json --fail-on risky
expect 1 new.trace.json old.trace.json --fail-on any
pass "removals pass --fail-on risky"

# A release that stops sandboxing itself (vsftpd seccomp_sandbox=YES -> NO: prctl
# option 22 gone, same profiles): a high hardening change fails risky; the
# reverse (it starts sandboxing itself) is a low improvement.
expect 1 hardening/old.trace.json hardening/new.trace.json --fail-on risky
cmp -s "$T/out" golden/hardening.txt || fail "text output differs from golden/hardening.txt"
expect 0 hardening/new.trace.json hardening/old.trace.json --fail-on risky
expect 1 hardening/new.trace.json hardening/old.trace.json --fail-on any
grep -q '^low  *narrowed  hardening  *-  *seccomp-filter  now installs its own seccomp filter' \
	"$T/out" || fail "reverse vsftpd diff: no low narrowed hardening row"
pass "dropped self-sandboxing fails --fail-on risky, the reverse passes"

# Only a low-risk addition.
cat >"$T/a.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
EOF
cat >"$T/b.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "getpid"], "action": "SCMP_ACT_ALLOW"}]}
EOF
expect 0 "$T/a.json" "$T/b.json" --fail-on risky
expect 1 "$T/a.json" "$T/b.json" --fail-on any
pass "low-risk addition passes risky, fails any"

# Equivalent spellings: nothing to fail on.
expect 0 equiv/archmap.json equiv/architectures.json --fail-on any
expect 0 equiv/names.k8s.yaml equiv/legacy-name.json --fail-on any
grep -q '^no changes$' "$T/out" || fail "equivalent profiles: 'no changes' expected"
pass "equivalent profiles: no changes"

# The same output as the goldens of the unit test (paths are relative here too).
expect 0 old.trace.json new.trace.json --format json
cmp -s "$T/out" golden/traces.json || fail "json output differs from golden/traces.json"
expect 0 old.profile.json new.profile.json --format markdown
cmp -s "$T/out" golden/profiles.md || fail "markdown output differs from golden/profiles.md"
# stdout is a file, not a terminal: no colour even without NO_COLOR.
expect 0 old.trace.json new.trace.json
cmp -s "$T/out" golden/traces.txt || fail "text output differs from golden/traces.txt"
grep -q $'\033' "$T/out" && fail "colour written to a file"
pass "formats match the goldens, no colour off a terminal"

# Colour on a terminal (when script(1) can give us one), and NO_COLOR.
if command -v script >/dev/null 2>&1; then
	script -qec "$TAILOR_BIN diff old.trace.json new.trace.json" /dev/null >"$T/tty" 2>&1 || true
	grep -q $'\033\\[1;31mcritical' "$T/tty" || fail "no colour on a terminal"
	NO_COLOR=1 script -qec "$TAILOR_BIN diff old.trace.json new.trace.json" /dev/null \
		>"$T/tty" 2>&1 || true
	grep -q $'\033' "$T/tty" && fail "colour despite NO_COLOR"
	pass "colour on a terminal only, NO_COLOR honoured"
else
	echo "note: script(1) not installed: terminal colour not checked"
fi

# Usage and input errors: 2, one line on stderr naming the file.
expect 2 old.trace.json
expect 2 a b c
expect 2 old.trace.json new.trace.json --format html
expect 2 old.trace.json new.trace.json --fail-on sometimes
expect 2 old.trace.json "$T/missing.json"
grep -q "missing.json" "$T/err" || fail "missing file not named: $(cat "$T/err")"
printf '{"tailor_trace": 1, "runs": [' >"$T/trunc.json"
expect 2 "$T/trunc.json" new.trace.json --fail-on any
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "expected one error line, got: $(cat "$T/err")"
grep -q "trunc.json: not JSON" "$T/err" || fail "truncated trace: $(cat "$T/err")"
[ -s "$T/out" ] && fail "a report was written despite the input error"
printf 'kind: Pod\n' >"$T/pod.yaml"
expect 2 "$T/pod.yaml" new.profile.json
grep -q "pod.yaml: not a SeccompProfile" "$T/err" || fail "wrong kind: $(cat "$T/err")"
pass "usage and input errors exit 2 with one line naming the file"

expect 0 --help
grep -q -- "--fail-on" "$T/out" || fail "--help does not describe --fail-on"
grep -q "exit status" "$T/out" || fail "--help does not describe the exit status"
pass "--help"

# The CI recipe (examples/ci/github-actions.yml) is valid YAML and does what
# examples/ci/README.md says.
WF="$TAILOR_SRC/examples/ci/github-actions.yml"
py=$(yaml_python)
if [ -n "$py" ]; then
	"$py" - "$WF" <<'PY' || fail "examples/ci/github-actions.yml: see above"
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
# PyYAML reads the key `on` as the boolean True (YAML 1.1).
on = wf.get("on", wf.get(True))
assert on and "pull_request" in on, "not triggered by pull_request"
steps = wf["jobs"]["profile"]["steps"]
runs = "\n".join(s.get("run", "") for s in steps)
uses = [s.get("uses", "") for s in steps]
for want in ("sudo \"$(command -v tailor)\" record -o trace.json --", "tailor generate",
             "--format markdown --fail-on risky", "gh pr comment"):
    assert want in runs, "no step runs %r" % want
assert any(u.startswith("actions/upload-artifact@") for u in uses), "no artifact upload"
assert all("name" in s for s in steps), "a step has no name"
PY
	pass "CI recipe parses and records, generates, diffs, comments, uploads"
else
	echo "note: python3 has no PyYAML: the CI recipe's YAML was not parsed"
fi
