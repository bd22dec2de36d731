#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# generate's warnings for profiles that would break where they are enforced,
# the real binary, no root: a container trace without --runtime (runc and
# crun call more after loading the filter than the loader baseline holds),
# and syscalls the machine's libseccomp does not know (a runtime or systemd
# linked with it skips them; tailor run and -f pfc/bpf filter them by number).
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scratch

# trace KIND FILE [SYSCALL...]: a one-run trace of KIND with read and SYSCALLs
trace() {
	python3 - "$@" <<'PY'
import json, sys
kind, out, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
abis = {"x86_64": {s: {"calls": 1, "ok": 1} for s in ["read", "write"] + extra}}
json.dump({"tailor_trace": 1, "runs": [{"kind": kind, "pid": 1, "duration_ms": 1,
           "complete": True, "lost": {}}], "abis": abis, "execs": []}, open(out, "w"))
PY
}

trace container "$T/ct.json"
"$TAILOR_BIN" generate -f oci -o "$T/ct.oci" "$T/ct.json" 2>"$T/ct.err" || fail "generate: $(cat "$T/ct.err")"
grep -q "container runs, but no --runtime was given" "$T/ct.err" ||
	fail "a container trace without --runtime: no warning: $(cat "$T/ct.err")"
for opt in "--runtime runc" "--runtime none"; do
	# shellcheck disable=SC2086
	"$TAILOR_BIN" generate -f oci $opt -o "$T/ct2.oci" "$T/ct.json" 2>"$T/ct2.err" ||
		fail "generate $opt: $(cat "$T/ct2.err")"
	grep -q "no --runtime" "$T/ct2.err" && fail "$opt: still warns: $(cat "$T/ct2.err")"
done
trace command "$T/cmd.json"
"$TAILOR_BIN" generate -o "$T/cmd.docker" "$T/cmd.json" 2>"$T/cmd.err" || fail "generate: $(cat "$T/cmd.err")"
grep -q "no --runtime" "$T/cmd.err" && fail "a command trace: a --runtime warning: $(cat "$T/cmd.err")"
pass "a container trace without --runtime warns; --runtime or a command trace does not"

# mseal (Linux 6.10) is in tailor's syscall table; libseccomp 2.5 does not know it
trace command "$T/new.json" mseal
"$TAILOR_BIN" generate -o "$T/new.docker" "$T/new.json" 2>"$T/new.err" || fail "generate: $(cat "$T/new.err")"
chmod 600 "$T/new.docker"
"$TAILOR_BIN" check "$T/new.docker" >"$T/check.out" 2>&1 || fail "check: $(cat "$T/check.out")"
if grep -q "unknown to libseccomp" "$T/check.out"; then
	grep -q "1 allowed syscall is unknown to this machine's libseccomp .* (mseal)" "$T/new.err" ||
		fail "mseal unknown to libseccomp: no warning: $(cat "$T/new.err")"
	"$TAILOR_BIN" generate -f pfc -o "$T/new.pfc" "$T/new.json" 2>"$T/pfc.err" || fail "generate -f pfc"
	grep -q "unknown to this machine" "$T/pfc.err" && fail "-f pfc filters by number, yet warns"
	pass "a profile allowing a syscall libseccomp does not know warns (not -f pfc)"
else
	grep -q "unknown to this machine" "$T/new.err" && fail "libseccomp knows mseal, yet a warning"
	echo "note: this libseccomp knows mseal: only the absence of the warning was checked"
fi
