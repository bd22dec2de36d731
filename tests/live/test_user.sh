#!/usr/bin/env bash
# Least privilege and escapes (docs/security.md): `record --user` and the sudo
# default, the capabilities tailor keeps while recording, BPF objects nobody
# else can reach, a target that cannot signal, ptrace or unmark tailor nor
# escape by unsharing namespaces or moving cgroups, and outputs that replace
# a planted symlink instead of following it.  Needs root + BTF; about 15 s.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd python3
need_cmd setpriv "util-linux"
need_progs forkstorm
getent passwd nobody >/dev/null || skip "no user 'nobody'"
TAILOR=$TAILOR_BIN
T=$(mktemp -d "${TMPDIR:-/tmp}/tailor-user.XXXXXX")
CG=
cleanup() {
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T" # the commands below run as nobody
unset SUDO_UID SUDO_GID SUDO_USER

nobody_uid=$(id -u nobody)
nobody_gid=$(id -g nobody)

# ---- 1. --user: uid, gid, groups, environment; the switch itself is not recorded -----
mkdir -m 777 "$T/w"
rc=0
HOME=/root USER=root "$TAILOR" record -q -o "$T/u.json" --user nobody -- sh -c \
	'echo "$(id -u) $(id -g) $(id -G) $HOME $USER $LOGNAME"; touch '"$T/w/f"'; exit 5' >"$T/out" || rc=$?
[ $rc = 5 ] || fail "--user: exit $rc, want the command's 5"
want="$nobody_uid $nobody_gid $(id -G nobody) $(getent passwd nobody | cut -d: -f6) nobody nobody"
[ "$(cat "$T/out")" = "$want" ] || fail "--user nobody: got '$(cat "$T/out")', want '$want'"
[ "$(stat -c %u "$T/w/f")" = "$nobody_uid" ] || fail "--user: file not created by nobody"
for s in setgroups setresuid setresgid; do
	check "$T/u.json" "'$s' not in t['abis']['x86_64']" "--user: tailor's $s recorded"
done
check "$T/u.json" "t['runs'][0]['complete'] and t['runs'][0]['exit_status'] == 5" "--user: run metadata"
pass "--user nobody: $want; setgroups/setresuid/setresgid not in the trace"

rc=0
"$TAILOR" record -q -o "$T/x.json" --user tailor-no-such-user -- touch "$T/m" 2>"$T/err" || rc=$?
[ $rc = 125 ] && [ ! -e "$T/m" ] && [ "$(errlines "$T/err")" = 1 ] || fail "unknown user: exit $rc: $(cat "$T/err")"
[ -e "$T/x.json" ] && fail "unknown user: trace written"
msg=$(cat "$T/err")
rc=0
"$TAILOR" record -q -o "$T/x.json" --user nobody --pid $$ 2>"$T/err" || rc=$?
[ $rc = 125 ] || fail "--user with --pid: exit $rc"
pass "--user unknown -> 125 before running: $msg; with --pid: $(cat "$T/err")"

# a uid without a passwd entry (a CI container's --user 4242): that uid, its number as the
# group unless UID:GID names one, no other groups, HOME=/
uid=4242
while getent passwd $uid >/dev/null; do uid=$((uid + 1)); done
"$TAILOR" record -q -o "$T/n.json" --user $uid -- sh -c 'echo "$(id -u) $(id -g) $(id -G) $HOME"' >"$T/n.out" ||
	fail "--user $uid (no passwd entry): exit $?"
[ "$(cat "$T/n.out")" = "$uid $uid $uid /" ] || fail "--user $uid: $(cat "$T/n.out")"
"$TAILOR" record -q -o "$T/n.json" --user $uid:$nobody_gid -- sh -c 'echo "$(id -u) $(id -g) $(id -G)"' >"$T/n.out" ||
	fail "--user $uid:$nobody_gid: exit $?"
[ "$(cat "$T/n.out")" = "$uid $nobody_gid $nobody_gid" ] || fail "--user $uid:$nobody_gid: $(cat "$T/n.out")"
"$TAILOR" record -q -o "$T/n.json" --user nobody:$uid -- sh -c 'echo "$(id -u) $(id -g)"' >"$T/n.out" ||
	fail "--user nobody:$uid: exit $?"
[ "$(cat "$T/n.out")" = "$nobody_uid $uid" ] || fail "--user nobody:$uid: $(cat "$T/n.out")"
pass "--user UID and UID:GID without a passwd entry, NAME:GID"

# ---- 2. under sudo: the invoking user by default, --user root opts out ----------------
out=$(SUDO_UID=$nobody_uid SUDO_GID=$nobody_gid SUDO_USER=nobody \
	"$TAILOR" record -o /dev/null -- id -u 2>"$T/err") || fail "sudo default: exit $?"
[ "$out" = "$nobody_uid" ] || fail "sudo default: ran as uid $out"
grep -q "runs it as root" "$T/err" || fail "sudo default: no note: $(cat "$T/err")"
out=$(SUDO_UID=$nobody_uid SUDO_USER=nobody "$TAILOR" record -q -o /dev/null --user root -- id -u 2>/dev/null)
[ "$out" = 0 ] || fail "--user root under sudo: ran as $out"
out=$(SUDO_UID=0 "$TAILOR" record -q -o /dev/null -- id -u 2>/dev/null)
[ "$out" = 0 ] || fail "SUDO_UID=0: ran as $out"
pass "sudo: command runs as SUDO_UID ($(cat "$T/err")); --user root keeps root"

# ---- 3. tailor while recording: capabilities, and what the target can do to it --------
# CAP_DAC_OVERRIDE 1, DAC_READ_SEARCH 2, KILL 5, SYS_PTRACE 19, PERFMON 38, BPF 39,
# CHECKPOINT_RESTORE 40
keep=$(printf '%016x' $(((1 << 1 | 1 << 2 | 1 << 5 | 1 << 19 | 1 << 38 | 1 << 39 | 1 << 40) & 0x$(sed -n 's/^CapBnd:\t//p' /proc/self/status))))
"$TAILOR" record -q -o "$T/p.json" --user nobody -- sh -c '
	sed -n "s/^CapEff:\t//p" /proc/$PPID/status
	kill -0 $PPID 2>/dev/null && echo signalled
	cat /proc/$PPID/environ >/dev/null 2>&1 && echo environ
	cat /proc/$PPID/mem >/dev/null 2>&1 && echo mem
	ls -l /proc/self/fd/ | grep -c "bpf" || true
	grep -c "bpf" /proc/self/maps || true
	if command -v strace >/dev/null; then strace -p $PPID -o /dev/null 2>/dev/null && echo ptraced; fi
	exit 0' >"$T/out" || fail "target probing tailor: exit $?"
[ "$(head -1 "$T/out")" = "$keep" ] || fail "tailor's effective capabilities: $(head -1 "$T/out"), want $keep"
[ "$(tail -n +2 "$T/out" | tr '\n' ' ')" = "0 0 " ] ||
	fail "target (nobody) could signal/read/ptrace tailor or sees BPF fds: $(tail -n +2 "$T/out" | tr '\n' ' ')"
pass "while recording tailor keeps CapEff=$keep; a nobody target cannot signal, ptrace or read it, holds no BPF fd"

# ---- 4. BPF objects: not pinned, not reachable by other users --------------------------
pins_before=$(find /sys/fs/bpf -mindepth 1 2>/dev/null | sort)
"$TAILOR" record -q -o /dev/null -- sh -c "
	find /sys/fs/bpf -mindepth 1 2>/dev/null | sort >$T/pins
	setpriv --reuid=$nobody_uid --regid=$nobody_gid --clear-groups --inh-caps=-all \
		bpftool map list >$T/bt.out 2>&1; echo \$? >$T/bt.rc" || fail "bpf probe: exit $?"
[ "$(cat "$T/pins")" = "$pins_before" ] || fail "tailor pinned something under /sys/fs/bpf"
if command -v bpftool >/dev/null; then
	[ "$(cat "$T/bt.rc")" != 0 ] || fail "nobody could list BPF maps: $(head -3 "$T/bt.out")"
	pass "nothing pinned; nobody cannot enumerate the maps ($(head -1 "$T/bt.out"))"
else
	pass "nothing pinned (bpftool missing: enumeration by other users not checked)"
fi

# ---- 5. escapes: the mark survives unshare, setns, a cgroup move ------------------------
escape() { # NAME COMMAND...: forkstorm 40 inside must be counted exactly
	local name=$1
	shift
	"$TAILOR" record -q -o "$T/esc.json" -- "$@" "$PROGS/forkstorm" 40 >"$T/esc.want" || fail "$name: exit $?"
	python3 - "$T/esc.json" "$T/esc.want" <<'PY' || fail "$name: counts differ"
import json, sys
a = json.load(open(sys.argv[1]))["abis"]["x86_64"]
for line in open(sys.argv[2]):
    n, c = line.split()
    if a.get(n, {}).get("calls", 0) < int(c):
        sys.exit(f"{n}: {a.get(n, {}).get('calls', 0)} < {c}")
PY
}
escape "unshare pid+mount+net+uts+ipc" unshare -p -f -m -n -u -i --mount-proc
check "$T/esc.json" "'unshare' in t['abis']['x86_64']" "unshare not recorded"
escape "setns" nsenter -t $$ -m -u -i -n
check "$T/esc.json" "'setns' in t['abis']['x86_64']" "setns not recorded"
if setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups unshare -U -r true 2>/dev/null; then
	escape "user namespace as nobody" setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups \
		unshare -U -r
fi
for d in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -w "$d/cgroup.procs" ] && mkdir "$d/tailor-test.$$" 2>/dev/null; then
		CG="$d/tailor-test.$$"
		break
	fi
done
if [ -n "$CG" ]; then
	escape "cgroup move" sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG"
	pass "the mark survives unshare (pid, mount, net, uts, ipc, user), setns and a move to $CG"
else
	pass "the mark survives unshare (pid, mount, net, uts, ipc, user) and setns (no cgroup to move to)"
fi

# ---- 6. outputs: a planted symlink is replaced, never followed; private in /tmp-like dirs --
mkdir -m 1777 "$T/pub"
echo 'root:x:0:0:root:/root:/bin/bash' >"$T/passwd"
cp "$T/passwd" "$T/passwd.orig"
setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups ln -s "$T/passwd" "$T/pub/trace.json"
setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups ln -s "$T/created-by-root" "$T/pub/t2.json"
"$TAILOR" record -q -o "$T/pub/trace.json" -- true || fail "record over a symlink: $?"
"$TAILOR" record -q -o "$T/pub/t2.json" -- true || fail "record over a dangling symlink: $?"
cmp -s "$T/passwd" "$T/passwd.orig" || fail "the symlink's target was written"
[ ! -L "$T/pub/trace.json" ] && [ -f "$T/pub/trace.json" ] || fail "the symlink was not replaced"
[ ! -e "$T/created-by-root" ] || fail "a dangling symlink made root create its target"
[ "$(stat -c %a "$T/pub/trace.json")" = 600 ] || fail "trace in a world-writable dir: mode $(stat -c %a "$T/pub/trace.json")"
"$TAILOR" generate -o "$T/pub/p.json" "$T/pub/trace.json" || fail "generate into pub: $?"
[ "$(stat -c %a "$T/pub/p.json")" = 600 ] || fail "profile in a world-writable dir: mode $(stat -c %a "$T/pub/p.json")"
"$TAILOR" record -q -o "$T/priv.json" -- true
[ "$(stat -c %a "$T/priv.json")" = 644 ] || fail "trace in a private dir: mode $(stat -c %a "$T/priv.json")"
[ -z "$(find "$T/pub" -name '*.tmp.*')" ] || fail "temp files left in pub"
pass "symlinks planted by nobody in a sticky dir are replaced, targets untouched; 0600 there, 0644 elsewhere"
echo PASS
