#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What diff and check say about inputs they do not take (QA on real programs):
# an AppArmor profile, a systemd drop-in or PFC given to diff, the k8s YAML,
# an AppArmor profile or a trace given to check: one line saying what the
# file is and what the command takes, the usual exit status (diff 2, check 1).
# And a capability the new trace only had denied: not a risky addition.
# No root needed.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

D="$TAILOR_SRC/tests/data/diff"
scratch
cd "$D"

# one_line TEXT: stderr is one line holding TEXT.
one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "expected one error line, got: $(cat "$T/err")"
	grep -qF -- "$1" "$T/err" || fail "expected \"$1\", got: $(cat "$T/err")"
}

for f in apparmor systemd pfc k8s docker bpf; do
	run 0 generate -f "$f" -o "$T/p.$f" new.trace.json
done

# diff: tailor's other outputs are named, exit 2, no report.
want="; diff compares traces and seccomp profiles (JSON, or a Kubernetes SeccompProfile YAML)"
run 2 diff "$T/p.apparmor" new.trace.json
one_line "tailor diff: $T/p.apparmor: an AppArmor profile$want"
[ -s "$T/out" ] && fail "a report was written despite the input error"
run 2 diff old.profile.json "$T/p.apparmor" --fail-on any
one_line "$T/p.apparmor: an AppArmor profile"
printf '# Last Modified: today\n#include <tunables/global>\n\n/usr/sbin/ntpd {\n}\n' >"$T/ntpd"
run 2 diff "$T/ntpd" old.profile.json
one_line "$T/ntpd: an AppArmor profile"
run 2 diff "$T/p.systemd" old.profile.json
one_line "$T/p.systemd: a systemd unit or drop-in$want"
run 2 diff "$T/p.pfc" old.profile.json
one_line "$T/p.pfc: libseccomp pseudo filter code (PFC)$want"
run 2 diff "$T/p.bpf" old.profile.json
one_line "$T/p.bpf: binary data, a raw BPF program (tailor generate -f bpf) perhaps$want"
gzip -c "$T/p.docker" >"$T/p.gz"
run 2 diff "$T/p.gz" old.profile.json
one_line "$T/p.gz: gzip-compressed data$want"
pass "diff names an AppArmor profile, a systemd drop-in, PFC, BPF and gzip, exits 2"

# The k8s export (YAML with leading comments) and the docker export still diff.
run 0 diff "$T/p.k8s" "$T/p.docker" --fail-on any
grep -q '^no changes$' "$T/out" || fail "k8s vs docker export: $(cat "$T/out")"
pass "the k8s YAML export still reads (its comments are YAML)"

# check: the k8s YAML, an AppArmor profile, a trace: what it is and what check takes.
run 1 check "$T/p.k8s"
one_line "tailor check: $T/p.k8s: a Kubernetes SeccompProfile (YAML); check takes the JSON seccomp profile: generate it with -f docker or -f oci"
run 1 check "$T/p.apparmor"
one_line "$T/p.apparmor: an AppArmor profile; check takes the JSON seccomp profile"
run 1 check new.trace.json
one_line "new.trace.json: a tailor trace; check takes the JSON seccomp profile: generate it with 'tailor generate -f docker TRACE'"
run 1 check "$T/p.systemd"
one_line "$T/p.systemd: a systemd unit or drop-in; check takes"
run 1 check "$T/p.bpf"
one_line "$T/p.bpf: binary data, a raw BPF program (tailor generate -f bpf) perhaps; check takes"
printf '{"syscalls": []}\n' >"$T/bad.json"
run 1 check "$T/bad.json"
one_line "bad.json: defaultAction missing"
run 0 check "$T/p.docker"
# run names them too, before anything runs (exit 125)
run 125 run --profile new.trace.json -- true
one_line "new.trace.json: a tailor trace; run takes the JSON seccomp profile"
run 125 run --profile "$T/p.k8s" -- true
one_line "$T/p.k8s: a Kubernetes SeccompProfile (YAML); run takes"
run 125 run --profile '' -- true
one_line "--profile names no file"
pass "check names the k8s YAML, an AppArmor profile and a trace, exits 1"

# A capability only denied in NEW (memcached's CAP_DAC_OVERRIDE): shown, low, not risky.
trace() { # FILE CAPS-JSON-ELEMENTS
	cat >"$1" <<EOF
{"tailor_trace": 1,
 "runs": [{"kind": "command", "command": ["t"], "pid": 1, "complete": true, "features": ["caps"]}],
 "abis": {"x86_64": {"read": {"nr": 0, "calls": 1, "ok": 1}}},
 "execs": [], "capabilities": [$2]}
EOF
}
cap='"cap": "CAP_DAC_OVERRIDE", "program": "/usr/bin/memcached"'
trace "$T/none.json" ""
trace "$T/denied.json" "{$cap, \"granted\": 0, \"denied\": 4}"
trace "$T/granted.json" "{$cap, \"granted\": 1, \"denied\": 0}"
run 0 diff "$T/none.json" "$T/denied.json" --fail-on risky
grep -q '^low  *added  *capability  *-  *CAP_DAC_OVERRIDE  *denied to /usr/bin/memcached, never granted' \
	"$T/out" || fail "denied-only capability: $(cat "$T/out")"
run 1 diff "$T/none.json" "$T/denied.json" --fail-on any
run 1 diff "$T/denied.json" "$T/granted.json" --fail-on risky
grep -q '^high  *widened  *capability .*CAP_DAC_OVERRIDE' "$T/out" ||
	fail "denied -> granted: $(cat "$T/out")"
run 0 diff "$T/granted.json" "$T/denied.json" --fail-on risky
grep -q 'narrowed  *capability .*CAP_DAC_OVERRIDE' "$T/out" ||
	fail "granted -> denied: $(cat "$T/out")"
run 1 diff "$T/none.json" "$T/granted.json" --fail-on risky
pass "a denied-only capability is low and passes --fail-on risky; a grant fails it"
