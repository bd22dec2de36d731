#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# AppArmor profiles are accepted by the real parser: every golden
# (tests/data/golden/*.apparmor) and what `tailor generate -f apparmor`
# writes for traces on disk, with every option combination.  The kernel here
# has no AppArmor, so profiles are compiled without loading (-Q -K), against
# the AppArmor 3.0 feature ABI, with every warning an error.  No root needed.
. "$TAILOR_SRC/tests/lib.sh"
need_cmd apparmor_parser "apt-get install apparmor"
[ -r /etc/apparmor.d/tunables/global ] || skip "/etc/apparmor.d/tunables/global is missing"
[ -r /etc/apparmor.d/abi/3.0 ] || skip "/etc/apparmor.d/abi/3.0 is missing (AppArmor < 3.0)"
scratch

check() { # FILE WHAT
	if ! apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 \
		--warn=all --Werror "$1" >"$T/parser.out" 2>&1; then
		cat "$T/parser.out" >&2
		fail "apparmor_parser refused $2 ($1)"
	fi
}

# The check is real: the parser refuses what AppArmor refuses.
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile bad {\n  /etc/hosts rwa,\n}\n' >"$T/bad"
apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 "$T/bad" >/dev/null 2>&1 &&
	fail "the parser accepted conflicting w and a permissions"
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile bad {\n  /tmp/a\\@b r,\n}\n' >"$T/warn"
apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 --warn=all --Werror \
	"$T/warn" >/dev/null 2>&1 && fail "--Werror did not turn a parser warning into an error"
pass "apparmor_parser -Q -K refuses broken profiles"

n=0
for g in "$TAILOR_SRC"/tests/data/golden/*.apparmor; do
	check "$g" "golden $(basename "$g")"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "expected golden AppArmor profiles, found $n"
pass "$n golden profiles compile"

# A recorded-looking trace: a test script, its server, a temp dir, sockets, capabilities.
cat >"$T/app.json" <<'EOF'
{
  "tailor_trace": 1,
  "runs": [
    {"kind": "command", "command": ["./run-tests.sh"], "pid": 7, "complete": true,
     "exit_status": 0, "lost": {"events": 0}, "features": ["caps", "files", "net"]}
  ],
  "abis": {"x86_64": {"kill": {"nr": 62, "calls": 1, "ok": 1}}},
  "execs": [
    {"path": "/usr/bin/dash", "parent": "", "count": 1},
    {"path": "/opt/app/bin/server", "parent": "/usr/bin/dash", "count": 2},
    {"path": "/usr/bin/cat", "parent": "/usr/bin/dash", "count": 3}
  ],
  "files": [
    {"path": "/etc/ld.so.cache", "program": "/opt/app/bin/server", "access": ["read", "mmap_exec"], "count": 2},
    {"path": "/usr/lib/x86_64-linux-gnu/libc.so.6", "program": "/opt/app/bin/server", "access": ["read", "mmap_exec"], "count": 2},
    {"path": "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "program": "/opt/app/bin/server", "access": ["read", "mmap_exec"], "count": 2},
    {"path": "/etc/ld.so.cache", "program": "/usr/bin/cat", "access": ["read", "mmap_exec"], "count": 3},
    {"path": "/tmp/app-test.Qw3rTy", "program": "/usr/bin/dash", "access": ["create", "dir"], "count": 1},
    {"path": "/tmp/app-test.Qw3rTy/db", "program": "/opt/app/bin/server", "access": ["read", "write", "create", "lock"], "count": 5},
    {"path": "/tmp/app-test.Qw3rTy/log", "program": "/opt/app/bin/server", "access": ["append"], "count": 9},
    {"path": "/proc/self/status", "program": "/opt/app/bin/server", "access": ["read"], "count": 1},
    {"path": "/proc/4711/task/4712/stat", "program": "/opt/app/bin/server", "access": ["read"], "count": 1},
    {"path": "/dev/pts/0", "program": "/usr/bin/cat", "access": ["read", "write"], "count": 1},
    {"path": "/dev/null", "program": "/usr/bin/dash", "access": ["write"], "count": 1},
    {"path": "/srv/with space", "program": "/usr/bin/cat", "access": ["read"], "count": 1},
    {"path": "socket:[123]", "program": "/opt/app/bin/server", "access": ["read"], "count": 1}
  ],
  "capabilities": [
    {"cap": "CAP_NET_BIND_SERVICE", "program": "/opt/app/bin/server", "granted": 1, "denied": 0},
    {"cap": "CAP_SYS_ADMIN", "program": "/opt/app/bin/server", "granted": 0, "denied": 1}
  ],
  "network": [
    {"family": "inet", "type": "stream", "protocol": 6, "program": "/opt/app/bin/server", "count": 1},
    {"family": "unix", "type": "dgram", "protocol": 0, "program": "/usr/bin/dash", "count": 1}
  ]
}
EOF
sed 's/"kind": "command"/"kind": "container"/' "$T/app.json" >"$T/app-container.json"

n=0
for trace in "$T/app.json" "$T/app-container.json" "$TAILOR_SRC/tests/data/traces/valid-ext.json"; do
	for opts in "" "--container" "--children" "--abstractions" "--container --children --abstractions"; do
		# shellcheck disable=SC2086 # opts is a word list
		"$TAILOR_BIN" generate -f apparmor --name app $opts -o "$T/a.aa" "$trace" ||
			fail "generate -f apparmor $opts $trace"
		# shellcheck disable=SC2086
		"$TAILOR_BIN" generate -f apparmor --name app $opts "$trace" >"$T/b.aa"
		cmp -s "$T/a.aa" "$T/b.aa" || fail "output differs between two runs ($opts $trace)"
		check "$T/a.aa" "generate -f apparmor $opts $(basename "$trace")"
		if grep -Eq '^ *(file|network|capability),|/\*\* |^ *"?/tmp/\*\*' "$T/a.aa"; then
			fail "blanket rule in generate -f apparmor $opts $(basename "$trace")"
		fi
		n=$((n + 1))
	done
done
pass "$n generated profiles compile, deterministic, no blanket rules"

# The union of several traces is one profile.
"$TAILOR_BIN" generate -f apparmor -o "$T/u.aa" "$T/app.json" \
	"$TAILOR_SRC/tests/data/traces/valid-ext.json" || fail "generate from two traces"
check "$T/u.aa" "the union of two traces"
if ! grep -qF '  /usr/bin/id ix,' "$T/u.aa" || ! grep -qF '  /tmp/app-test.??????/db rwk,' "$T/u.aa"; then
	fail "the union lacks rules of one of its traces"
fi
grep -q '^profile app flags=(attach_disconnected,chroot_relative,mediate_deleted) {' <(
	"$TAILOR_BIN" generate -f apparmor --name app "$T/app-container.json") ||
	fail "a container run does not give attach_disconnected"
pass "union of traces; container runs"

# --name goes into comments and names of every format: a control character
# (a newline would start a systemd directive) is a usage error
for f in apparmor systemd k8s docker; do
	set +e
	"$TAILOR_BIN" generate -f "$f" --name "$(printf 'x\n[Service]\nExecStartPre=/bin/evil')" \
		-o "$T/evil.$f" "$T/app.json" 2>"$T/evil.err"
	rc=$?
	set -e
	[ "$rc" = 2 ] && [ ! -e "$T/evil.$f" ] && grep -q "control characters" "$T/evil.err" ||
		fail "-f $f: a --name with a newline gave exit $rc: $(cat "$T/evil.err")"
done
pass "--name with control characters refused for every format"
