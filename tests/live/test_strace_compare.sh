#!/usr/bin/env bash
# scripts/strace-compare.sh on real programs of the machine (python3 with
# threads and a subprocess, a shell pipeline of coreutils and tar): the trace
# holds every syscall `strace -f` sees, on the host and, with podman, in a
# container of each runtime; and the script does fail when a syscall is
# missing (a tailor wrapper that drops execve from its trace).
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd strace "ground truth"
scratch
cmp=$TAILOR_SRC/scripts/strace-compare.sh
py='/usr/bin/python3 -c "import json, threading, subprocess, hashlib
t = threading.Thread(target=lambda: subprocess.run([\"true\"])); t.start(); t.join()
print(json.dumps({\"h\": hashlib.sha256(b\"x\").hexdigest()[:8]}))"'
# Every reader reads to the end: with `head`, sort could meet a closed pipe
# in one run and not the other (its SIGPIPE handler re-raises: gettid, tgkill).
sh_pipeline='ls -la /etc | sort | wc -l >/dev/null; tar -cf - /etc/hostname 2>/dev/null | wc -c'

for c in "$py" "$sh_pipeline"; do
	out=$(bash "$cmp" -b "$TAILOR_BIN" -- "$c") || fail "on the host: $out (command: $c)"
	echo "$out" | grep -q 'missing from tailor: none$' || fail "unexpected: $out"
	pass "host: $out"
done

# The check can fail: a tailor whose trace lacks execve.
cat >"$T/dropping" <<EOF
#!/usr/bin/env bash
"$TAILOR_BIN" "\$@"; rc=\$?
python3 - "\$4" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); t["abis"]["x86_64"].pop("execve", None)
json.dump(t, open(sys.argv[1], "w"))
PY
exit \$rc
EOF
chmod +x "$T/dropping"
rc=0
out=$(bash "$cmp" -b "$T/dropping" -- true) || rc=$?
if [ $rc -ne 1 ] || ! echo "$out" | grep -q 'missing from tailor: execve$'; then
	fail "a trace without execve was not reported (exit $rc): $out"
fi
pass "a missing syscall is reported: $out"

# Bad options: one line and exit 2, nothing run.
for args in "--podman" "--podman docker -- true" "-x -- true" "--"; do
	rc=0
	# shellcheck disable=SC2086 # the words of each case
	err=$(bash "$cmp" $args 2>&1 >/dev/null) || rc=$?
	if [ $rc -ne 2 ] || [ "$(echo "$err" | wc -l)" -ne 1 ]; then
		fail "strace-compare.sh $args: exit $rc, '$err'"
	fi
done
pass "bad options refused"

command -v podman >/dev/null || { echo "note: podman is not installed: the container checks are not run"; exit 0; }
for rt in runc crun; do
	command -v "$rt" >/dev/null || { echo "note: $rt is not installed, not checked"; continue; }
	out=$(bash "$cmp" -b "$TAILOR_BIN" --podman "$rt" -- "$py") || fail "$rt: $out"
	echo "$out" | grep -q 'missing from tailor: none$' || fail "$rt: unexpected: $out"
	pass "$rt container: $out"
done
