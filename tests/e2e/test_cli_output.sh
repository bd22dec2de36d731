#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What tailor prints, the real binary, no root: names from a trace (program
# paths, frame files and symbols, file names: any bytes but NUL) never reach
# the terminal as control bytes nor break a markdown table; a failed write to
# stdout is one error line and a non-zero exit, never a silent 0; explain
# takes the __nr_<n> names a trace holds; a bad option or a missing value is
# one line naming it.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

D="$TAILOR_SRC/tests/data/diff"
scratch

# A hostile copy of the diff test's NEW trace: the program path, a frame's
# file and symbol, an executed program and a file name hold terminal escapes,
# newlines and markdown punctuation.  nr.json: also a syscall libseccomp has
# no name for.
python3 - "$D/new.trace.json" "$T/ctrl.json" "$T/nr.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
evil = "/usr/bin/app\x1b]0;pwned\x07\x1b[2J\nFAKE | `x` \x7f\u009b"
for c in t["callsites"]:
    c["program"] = evil
    for f in c["frames"]:
        if f["file"] == "/usr/bin/app":
            f["file"] = evil
            f["symbol"] = "sym\x1b[31m\n| `y`"
t["execs"].append({"path": "/x\x1b[31m\nnew|line`", "parent": "", "count": 1})
t["files"].append({"path": "/f\x1b[31m\nnl", "program": "/p\n|", "access": ["read"],
                   "count": 1})
json.dump(t, open(sys.argv[2], "w"))
# diff cannot compare it (no profile can name it), explain must show it
t["abis"]["x86_64"]["__nr_999"] = {"nr": 999, "calls": 1, "ok": 1}
t["callsites"].append({"abi": "x86_64", "syscall": "__nr_999", "program": "/usr/bin/app",
                       "frames": [{"offset": 16}]})
json.dump(t, open(sys.argv[3], "w"))
PY
cp "$T/ctrl.json" "$T/ctrl\$(touch).json"

# clean FILE WHAT: no control byte but the newline, no C1 control in either
# encoding, well-formed UTF-8; markdown (WHAT says so): tables keep their
# columns and code spans their ends.
clean() {
	python3 - "$1" "$2" <<'PY' || fail "$2: see above"
import re, sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in set(data) if (b < 0x20 and b != 0x0A) or b == 0x7F]
assert not bad, "%s: raw control bytes %r" % (sys.argv[2], sorted(bad))
assert b"\x9b" not in data, "%s: a raw 0x9b (CSI in 8-bit terminals)" % sys.argv[2]
text = data.decode("utf-8")  # well-formed UTF-8: invalid bytes are escaped
for line in text.splitlines() if "markdown" in sys.argv[2] else []:
    if line.startswith("| "):
        pipes = len(re.findall(r"(?<!\\)\|", line))
        assert pipes == 7, "%s: table row with %d cells: %r" % (sys.argv[2], pipes - 1, line)
    assert line.count("`") % 2 == 0, "%s: unbalanced code span: %r" % (sys.argv[2], line)
PY
}


cd "$D"
run 0 diff old.trace.json "$T/ctrl.json"
clean "$T/out" "diff text"
grep -qF 'app\x1b]0;pwned\x07\x1b[2J\x0aFAKE | `x` \x7f\xc2\x9b' "$T/out" ||
	fail "diff text: program not shown escaped: $(cat "$T/out")"
grep -qF '/x\x1b[31m\x0anew|line`' "$T/out" || fail "diff text: exec path not escaped"
run 0 diff old.trace.json "$T/ctrl.json" --format markdown
clean "$T/out" "diff markdown"
grep -qF "| \`/x\\x1b[31m\\x0anew\\|line'\` | executed |" "$T/out" ||
	fail "diff markdown: exec path not escaped: $(grep executed "$T/out")"
run 0 diff old.trace.json "$T/ctrl\$(touch).json"
clean "$T/out" "diff text, a file name with \$"
# JSON keeps the bytes (JSON-escaped): machines get the real name.
run 0 diff old.trace.json "$T/ctrl.json" --format json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(c["name"] == "/x\x1b[31m\nnew|line`" for c in d["changes"]), "exec path changed"
' "$T/out" || fail "diff json: names must stay as recorded"
pass "diff text and markdown escape names from traces; json keeps them"

run 0 explain "$T/ctrl.json"
clean "$T/out" "explain"
grep -qF 'first call in /usr/bin/app\x1b]0;pwned\x07\x1b[2J\x0aFAKE' "$T/out" ||
	fail "explain: program not escaped: $(cat "$T/out")"
grep -qF 'sym\x1b[31m\x0a| `y`+0x' "$T/out" || fail "explain: symbol not escaped"
run 0 explain "$T/ctrl.json" ptrace
clean "$T/out" "explain ptrace"
pass "explain escapes programs, files and symbols"

# __nr_<n>: a number libseccomp cannot name, as the trace spells it.
run 0 explain "$T/nr.json" __nr_999
grep -q '^x86_64 __nr_999$' "$T/out" || fail "explain __nr_999: $(cat "$T/out")"
run 2 explain "$T/nr.json" __nr_12345
grep -q "__nr_12345" "$T/err" || fail "explain __nr_12345: $(cat "$T/err")"
run 2 explain "$T/ctrl.json" no_such_call
pass "explain takes the __nr_<n> names of the trace, refuses others"

# Output errors: one line, exit 1 (record and run: 125), never a silent 0.
if [ -w /dev/full ]; then
	full() { # WANT CMD...
		local want=$1 rc=0
		shift
		"$TAILOR_BIN" "$@" >/dev/full 2>"$T/err" || rc=$?
		[ "$rc" -eq "$want" ] || fail "tailor $* >/dev/full exited $rc, expected $want"
		[ "$(errlines "$T/err")" -eq 1 ] || fail "tailor $* >/dev/full: $(cat "$T/err")"
		grep -q "writing to stdout: No space left on device" "$T/err" ||
			fail "tailor $* >/dev/full: $(cat "$T/err")"
	}
	full 1 explain "$T/ctrl.json"
	full 1 explain "$D/old.trace.json" ptrace
	full 1 check "$D/new.profile.json"
	full 1 --help
	full 1 --version
	full 1 explain --help
	full 1 check --help
	full 1 generate "$D/old.trace.json"
	full 1 merge -o - "$D/old.trace.json"
	full 2 diff old.trace.json "$T/ctrl.json"
	full 125 record --help
	grep -q "^tailor explain: writing to stdout" <("$TAILOR_BIN" explain "$T/ctrl.json" 2>&1 >/dev/full) ||
		fail "explain: the error line does not name the command"
	pass "a failed write to stdout is one line and a non-zero exit"
else
	echo "note: no writable /dev/full: output errors not checked"
fi

# A bad option or a missing value: one line naming it, the usage exit code
bad() { # RC EXPECT ARGS...: exactly one line on stderr, holding EXPECT
	local want=$1 expect=$2 rc
	shift 2
	set +e
	"$TAILOR_BIN" "$@" >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	set -e
	[ "$rc" = "$want" ] || fail "tailor $*: exit $rc, expected $want: $(cat "$T/bad.err")"
	[ "$(wc -l <"$T/bad.err")" = 1 ] && grep -qF -- "$expect" "$T/bad.err" ||
		fail "tailor $*: not one line with \"$expect\": $(cat "$T/bad.err")"
}
bad 2 "unknown option '--bogus'" generate --bogus "$D/old.trace.json"
bad 2 "a value is missing after '-f'" generate "$D/old.trace.json" -f
bad 2 "unknown option '-x'" diff -x a b
bad 2 "a value is missing after '-o'" merge -o
bad 2 "unknown option '--bogus'" hook --bogus
bad 2 "unknown option '-q'" explain -q "$D/old.trace.json"
bad 2 "give one PROFILE.json" check
bad 2 "then no more" check "$D/new.profile.json" --caps all
bad 125 "a value is missing after '--profile'" run --profile
bad 125 "unknown option '--nope'" record --nope -- true
bad 125 "a value is missing after '--grace'" record --grace  # long only: no short letter
bad 125 "'--quiet' takes no value" record --quiet=1 -- true
bad 2 "a value is missing after '--caps'" check --caps
pass "a bad option is one line naming it"
