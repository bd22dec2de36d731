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

# A name the format cannot take is a usage error found before any work
# (exit 2, no output); a format without a name says it ignores one.
for f in apparmor k8s; do
	set +e
	"$TAILOR_BIN" generate -f "$f" --name 'Not A Name' -o "$T/bad.$f" "$T/app.json" 2>"$T/bad.err"
	rc=$?
	set -e
	[ "$rc" = 2 ] && [ ! -e "$T/bad.$f" ] && grep -q "'Not A Name' is not" "$T/bad.err" ||
		fail "-f $f: an invalid --name gave exit $rc: $(cat "$T/bad.err")"
done
"$TAILOR_BIN" generate -f docker --name web -o "$T/named.json" "$T/app.json" 2>"$T/named.err" ||
	fail "-f docker --name failed: $(cat "$T/named.err")"
grep -q -- "-f docker has no name; --name is ignored" "$T/named.err" ||
	fail "-f docker --name says nothing: $(cat "$T/named.err")"
pass "an invalid --name is a usage error; a format without a name says so"

# Collapsing (docs/apparmor.md, "Collapsing"): a program that reads a tree
# file by file (a compiler's headers, rg, a static web server) gets
# DIR/** r instead of one rule per file; the parser accepts it, the rule
# count drops, every rule that is not read-only stays, and --collapse 0
# gives one rule per file again.
{
	printf '{"tailor_trace": 1, "runs": [{"kind": "command", "command": ["rg"], "pid": 7,'
	printf ' "complete": true, "exit_status": 0, "lost": {"events": 0},'
	printf ' "features": ["caps", "files", "net"]}],\n "abis": {}, "execs": [],\n "files": [\n'
	for d in sys linux asm-generic netinet; do
		for i in $(seq 1 60); do
			printf '  {"path": "/usr/include/%s/h%02d.h", "program": "/usr/bin/rg", "access": ["read"], "count": 1},\n' "$d" "$i"
		done
		printf '  {"path": "/usr/include/%s", "program": "/usr/bin/rg", "access": ["read", "dir"], "count": 1},\n' "$d"
	done
	for i in $(seq 1 40); do
		printf '  {"path": "/etc/ssl/private/k%02d.pem", "program": "/usr/bin/rg", "access": ["read"], "count": 1},\n' "$i"
		printf '  {"path": "/srv/out/o%02d", "program": "/usr/bin/rg", "access": ["read", "write"], "count": 1},\n' "$i"
	done
	printf '  {"path": "/usr/lib/x86_64-linux-gnu/libc.so.6", "program": "/usr/bin/rg", "access": ["read", "mmap_exec"], "count": 1},\n'
	printf '  {"path": "/usr/include", "program": "/usr/bin/rg", "access": ["read", "dir"], "count": 1}\n'
	printf ' ]\n}\n'
} >"$T/tree.json"
"$TAILOR_BIN" generate -f apparmor -o "$T/tree.aa" "$T/tree.json" || fail "generate a tree"
"$TAILOR_BIN" generate -f apparmor --collapse 0 -o "$T/tree0.aa" "$T/tree.json" ||
	fail "generate a tree with --collapse 0"
check "$T/tree.aa" "a collapsed profile"
check "$T/tree0.aa" "a profile with --collapse 0"
rules() { grep -cE '^ +[/"@].* [a-z]+,' "$1"; }
before=$(rules "$T/tree0.aa")
after=$(rules "$T/tree.aa")
[ "$before" = 326 ] && [ "$after" = 83 ] || fail "rules: $before without collapsing, $after with"
grep -qF '  /usr/include/** r,  # 240 files read below (collapsed), and 4 directories listed; by /usr/bin/rg' \
	"$T/tree.aa" || fail "no /usr/include/** rule saying what it stands for: $(cat "$T/tree.aa")"
grep -q '^# NOTE: 244 read-only rules were collapsed into 1 directory glob' "$T/tree.aa" ||
	fail "the header does not say that rules were collapsed"
grep -q '/etc/ssl/private/\*' "$T/tree.aa" && fail "collapsed in /etc/ssl/private"
grep -q '/srv/out/\*' "$T/tree.aa" && fail "collapsed written files"
grep -q 'collapsed' "$T/tree0.aa" && fail "--collapse 0 still collapsed"
# every rule that is not read-only is still there, unchanged
grep -E '^ +[/"@].* [a-z]+,' "$T/tree0.aa" | sed 's/  #.*//' | grep -v ' r,$' | sort >"$T/nr0"
grep -E '^ +[/"@].* [a-z]+,' "$T/tree.aa" | sed 's/  #.*//' | sort >"$T/all"
[ -s "$T/nr0" ] && [ -z "$(comm -23 "$T/nr0" "$T/all")" ] ||
	fail "rules lost by collapsing: $(comm -23 "$T/nr0" "$T/all")"
# 180 files below /usr/include outside its most-read subdirectory: the threshold is the option's
"$TAILOR_BIN" generate -f apparmor --collapse 180 "$T/tree.json" | grep -qF '/usr/include/** r,' ||
	fail "--collapse 180 did not collapse /usr/include"
"$TAILOR_BIN" generate -f apparmor --collapse 181 "$T/tree.json" | grep -q 'collapsed' &&
	fail "--collapse 181 collapsed"
for bad in "-f apparmor --collapse 1" "-f apparmor --collapse x" "-f apparmor --collapse -3" \
	"-f docker --collapse 8" "-f apparmor --args strict" "-f apparmor --runtime crun" \
	"-f apparmor --default-action kill" "-f apparmor --no-enosys-probes"; do
	set +e
	# shellcheck disable=SC2086 # bad is a word list
	"$TAILOR_BIN" generate $bad -o "$T/bad.out" "$T/tree.json" 2>"$T/bad.err"
	rc=$?
	set -e
	[ "$rc" = 2 ] && [ ! -e "$T/bad.out" ] || fail "generate $bad: exit $rc: $(cat "$T/bad.err")"
done
pass "collapsed profiles compile ($before rules -> $after), keep every other rule, --collapse and seccomp-only options checked"

# Random base-36 names (rustc's codegen units, QA's cargo test: 120 made and
# removed) are fixed-length '?' runs, one rule for all: with several [0-9]*
# in each the parser ran out of states or needed minutes.
{
	printf '{"tailor_trace": 1, "runs": [{"kind": "command", "command": ["cargo"], "pid": 7,'
	printf ' "complete": true, "exit_status": 0, "lost": {"events": 0},'
	printf ' "features": ["caps", "files", "net"]}],\n "abis": {}, "execs": [],\n "files": [\n'
	for i in $(seq 1 120); do
		h=$(printf '%s' "$i" | sha256sum | tr 'a-f' 'q-v' | head -c 25)
		printf '  {"path": "/srv/app/target/debug/deps/bsb-17eb751571e7872b.%s.0rk8oej.rcgu.o", "program": "/usr/bin/rustc", "access": ["read", "write", "create", "delete"], "count": 1},\n' "$h"
	done
	printf '  {"path": "/usr/lib/x86_64-linux-gnu/libc.so.6", "program": "/usr/bin/rustc", "access": ["read", "mmap_exec"], "count": 1}\n'
	printf ' ]\n}\n'
} >"$T/cgu.json"
"$TAILOR_BIN" generate -f apparmor -o "$T/cgu.aa" "$T/cgu.json" || fail "generate codegen units"
if [ "$(grep -c 'rcgu\.o ' "$T/cgu.aa")" != 1 ] ||
	! grep -qF '/srv/app/target/debug/deps/bsb-17eb751571e7872b.?????????????????????????.???????.rcgu.o rw,' \
		"$T/cgu.aa"; then
	fail "codegen units are not one rule: $(grep rcgu "$T/cgu.aa")"
fi
timeout 60 apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 --warn=all --Werror \
	"$T/cgu.aa" >"$T/parser.out" 2>&1 || fail "the parser refused or timed out on codegen units: $(cat "$T/parser.out")"
pass "120 codegen units: one rule, compiled"
