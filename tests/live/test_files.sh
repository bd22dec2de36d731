#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live test of file recording (bpf/files.bpf.c, tracer/files.c): every
# access of tests/progs/fileprobe is recorded with the access it needed, as
# an absolute path with symlinks resolved, deduplicated with counts, nothing
# from tailor itself; paths inside a chroot are the chroot's own; mounts are
# crossed (a tmpfs and a bind mount in a private mount namespace); --no-files;
# unix sockets bound and connected to at a path; files a program inherits
# open (a shell's redirection), as that program's accesses;
# and `tailor generate -f apparmor` on the trace is accepted by
# apparmor_parser with the right permissions.  Needs root + BTF.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd python3
need_progs fileprobe
scratch

EXEC=/bin/true
EXEC_REAL=$(realpath "$EXEC")

# ---- 1. fileprobe: each (path, access) as expected -----------------------------------------
probe() { # PROG NAME: record PROG in a fresh directory, compare with the expectations
	local P=$1 W
	W=$(realpath "$T")/$2
	mkdir -p "$W/sub" "$W/dots"
	for f in r.txt w.txt a.txt rw.txt exist.txt opath.txt del.txt ren-a xch-a xch-b target.txt attr-chmod \
		attr-trunc attr-utime attr-fchmod lock-flock lock-fcntl nolock sub/at-read sub/at-del \
		sub/at-ren dots/up.txt; do
		echo x >"$W/$f"
	done
	for f in map.bin prot.bin data.bin rie.bin; do cp "$EXEC_REAL" "$W/$f"; done
	"$TAILOR_BIN" record -q -o "$T/$2.json" -- "$P" "$W" "$EXEC" 2>"$T/err" ||
		fail "record $P: exit $?: $(cat "$T/err")"
	grep -v 'cap_capable tracepoint' "$T/err" | grep -q . && fail "record wrote to stderr: $(cat "$T/err")"
	python3 - "$T/$2.json" "$W" "$P" "$EXEC" "$EXEC_REAL" <<'PY' || fail "file accesses of $P differ (above)"
import json, sys
t = json.load(open(sys.argv[1]))
W, P, EXEC, EXEC_REAL = sys.argv[2:6]
files = t.get("files", [])
want = {
    "": ["read", "dir"],                    # open(".", O_DIRECTORY)
    "r.txt": ["read"], "w.txt": ["write"], "a.txt": ["append"], "rw.txt": ["read", "write"],
    "new.txt": ["write", "create"], "creat.txt": ["write", "create"],
    "exist.txt": ["write"],                 # O_CREAT on an existing file: not created
    # a rename removes its source and makes its target; an exchange neither
    "del.txt": ["delete"], "ren-a": ["delete", "rename"], "ren-b": ["create", "rename"],
    "xch-a": ["rename"], "xch-b": ["rename"], "hard": ["link"],
    "sym": ["create"], "target.txt": ["read"],  # the symlink opened: its target read
    "mk": ["create", "delete", "dir"], "fifo": ["create"],
    "attr-chmod": ["setattr"], "attr-trunc": ["setattr"], "attr-utime": ["setattr"],
    "attr-fchmod": ["read", "setattr"],
    "lock-flock": ["read", "write", "lock"], "lock-fcntl": ["read", "write", "lock"],
    "nolock": ["read", "write"],            # F_UNLCK needs no lock permission
    "sub": ["read", "dir"], "sub/at-read": ["read"], "sub/at-del": ["delete"],
    "sub/at-dir": ["create", "delete", "dir"], "sub/at-ren": ["delete", "rename"],
    "from-sub": ["create", "rename"],
    "dots/up.txt": ["read"], "dots/made": ["create", "dir"],  # "../dots/up.txt" from sub
    "map.bin": ["read", "mmap_exec"], "prot.bin": ["read", "mmap_exec"], "data.bin": ["read"],
    "rie.bin": ["read", "mmap_exec"],       # PROT_READ under READ_IMPLIES_EXEC
}
want = {(W + "/" + k).rstrip("/"): v for k, v in want.items()}
got = {f["path"]: f["access"] for f in files if f["program"] == P and (f["path"] + "/").startswith(W + "/")}
bad = False
for path in sorted(set(want) | set(got)):
    if want.get(path) != got.get(path):
        print(f"{path}: recorded {got.get(path)}, expected {want.get(path)}"); bad = True
r = [f for f in files if f["path"] == W + "/r.txt"]
if not r or r[0]["count"] != 3:
    print(f"r.txt opened 3 times: {r}"); bad = True
# exec records name the same resolved programs
ex = {(e["path"], e["parent"]) for e in t["execs"]}
if ex != {(P, ""), (EXEC_REAL, P)}:
    print(f"exec records {ex}, expected {(P, ''), (EXEC_REAL, P)}"); bad = True
# the execs: the resolved programs, by their callers; each program's ld.so
if not any(f["path"] == EXEC_REAL and f["program"] == P and f["access"] == ["exec"] for f in files):
    print(f"no exec of {EXEC_REAL} by {P}"); bad = True
for prog in (P, EXEC_REAL):  # programs are named resolved, like the files
    if not any(f["program"] == prog and "mmap_exec" in f["access"] and "/ld-linux" in f["path"] for f in files):
        print(f"no ld.so mapping for {prog}"); bad = True
# nothing from tailor: the only access of "" (before the first exec) is that exec
others = [f for f in files if f["program"] not in (P, EXEC_REAL)]
if [(f["path"], f["program"], f["access"]) for f in others] != [(P, "", ["exec"])]:
    print(f"accesses by other programs (tailor?): {others}"); bad = True
keys = [(f["path"], f["program"]) for f in files]
if len(keys) != len(set(keys)) or keys != sorted(keys):
    print("duplicate or unsorted (path, program)"); bad = True
for f in files:
    p = f["path"]
    if not p.startswith("/") or "//" in p or "/./" in p or "/../" in p or (p != "/" and p.endswith("/")):
        print(f"not a normalised absolute path: {p}"); bad = True
run = t["runs"][0]
if "files" not in run.get("features", []) or any(run["lost"].values()) or not run["complete"]:
    print(f"run: features {run.get('features')}, lost {run['lost']}"); bad = True
sys.exit(1 if bad else 0)
PY
	pass "$(basename "$P"): $(q "$T/$2.json" "len(t['files'])") files, each with the expected access; symlink resolved; counts; nothing from tailor"
}
probe "$TAILOR_PROGS/fileprobe" w
W=$(realpath "$T")/w
if [ -x "$TAILOR_PROGS/fileprobe_32" ] && ia32_runs; then
	probe "$TAILOR_PROGS/fileprobe_32" w32 # ia32 syscalls: open, fcntl64, mmap2, chown32...
elif [ -x "$TAILOR_PROGS/fileprobe_32" ]; then
	echo "note: $(ia32_why): ia32 cases skipped"
else
	echo "note: fileprobe_32 not built (gcc -m32 needs gcc-multilib): ia32 case skipped"
fi

# ---- 2. --no-files ------------------------------------------------------------------------------
"$TAILOR_BIN" record -q --no-files -o "$T/n.json" -- /bin/cat /etc/hostname >/dev/null ||
	fail "record --no-files"
[ "$(q "$T/n.json" "not t.get('files') and 'files' not in t['runs'][0]['features']")" = True ] ||
	fail "--no-files: $(q "$T/n.json" "(t['runs'][0]['features'], len(t.get('files', [])))")"
# Whole output first: grep -q quits at the first match, and a help longer than the pipe
# write would then die of SIGPIPE (pipefail).
"$TAILOR_BIN" record --help >"$T/help.txt"
grep -q -- '--no-files' "$T/help.txt" || fail "--no-files not in record --help"
pass "--no-files: no files, no \"files\" feature"

# ---- 3. chroot: paths are the process's own ----------------------------------------------------------
BB=$(command -v busybox || true)
if [ -n "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked'; then
	R=$(realpath "$T")/root
	mkdir -p "$R/bin" "$R/etc"
	cp "$BB" "$R/bin/busybox"
	echo tailor-test >"$R/etc/hostname"
	ln -s hostname "$R/etc/hn-link"
	ln -s busybox "$R/bin/sh"
	CHROOT=$(readlink -f "$(command -v chroot)")
	# exec'ed inside: /bin/sh (a symlink), /bin/busybox, ./busybox (relative)
	"$TAILOR_BIN" record -q -o "$T/c.json" -- chroot "$R" /bin/sh -c \
		'/bin/busybox cat /etc/hn-link; cd /etc && /bin/busybox cat ./hostname && /bin/busybox rm hn-link && cd /bin && ./busybox true' \
		>"$T/c.out" || fail "record chroot: $?"
	[ "$(cat "$T/c.out")" = "tailor-test
tailor-test" ] || fail "chroot output: $(cat "$T/c.out")"
	python3 - "$T/c.json" "$R" "$CHROOT" <<'PY' || fail "chroot paths (above)"
import json, sys
t = json.load(open(sys.argv[1])); R, CHROOT = sys.argv[2:4]
f = {(x["path"], x["program"]): x for x in t["files"]}
bad = False
for key, acc, count in [(("/etc/hostname", "/bin/busybox"), ["read"], 2),
                        (("/etc/hn-link", "/bin/busybox"), ["delete"], 1)]:
    if key not in f or f[key]["access"] != acc or f[key]["count"] != count:
        print(f"{key}: {f.get(key)}, expected {acc} x{count}"); bad = True
if ("/bin/busybox", CHROOT) not in f or "exec" not in f[("/bin/busybox", CHROOT)]["access"]:
    print("no exec of /bin/busybox (inside the chroot) by chroot"); bad = True
# exec records: the chroot's own paths, symlinks resolved, parents too
ex = {(e["path"], e["parent"]): e["count"] for e in t["execs"]}
want = {(CHROOT, ""): 1, ("/bin/busybox", CHROOT): 1, ("/bin/busybox", "/bin/busybox"): 4}
if ex != want:
    print(f"exec records {ex}, expected {want}"); bad = True
leaked = [x["path"] for x in t["files"] if x["path"].startswith(R)]
if leaked:
    print(f"host paths of the chroot recorded: {leaked}"); bad = True
sys.exit(1 if bad else 0)
PY
	"$TAILOR_BIN" generate -f apparmor --name chrooted -o "$T/c.aa" "$T/c.json" ||
		fail "generate -f apparmor (chroot)"
	grep -q '^  /etc/hostname r,' "$T/c.aa" || fail "no '/etc/hostname r,' rule: $(grep etc "$T/c.aa")"
	# AppArmor checks paths from the namespace's root unless told to use the chroot's
	grep -q '^profile chrooted flags=(chroot_relative,mediate_deleted) {' "$T/c.aa" ||
		fail "the profile of chroot paths is not chroot_relative: $(grep '^profile' "$T/c.aa")"
	if command -v apparmor_parser >/dev/null && [ -r /etc/apparmor.d/abi/3.0 ]; then
		apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 --warn=all --Werror \
			"$T/c.aa" >"$T/parser.out" 2>&1 ||
			{ cat "$T/parser.out" >&2; fail "apparmor_parser refused the chroot profile"; }
	fi
	pass "chroot: /etc/hostname (read via a symlink, then relative), /bin/busybox (exec'ed as /bin/sh and ./busybox too), nothing under $R; its profile says /etc/hostname r, chroot_relative"
	# A script reached through a symlink inside the chroot: resolved in the chroot, never in
	# tailor's root, where the same name leads elsewhere (a short script may keep its name).
	mkdir -p "$R/s" "$T/decoy"
	printf '#!/bin/sh\necho in-chroot\n' >"$R/etc/target.sh"
	printf '#!/bin/sh\necho decoy\n' >"$T/decoy/target.sh"
	chmod +x "$R/etc/target.sh" "$T/decoy/target.sh"
	mkdir -p "$R$T"
	ln -s /etc/target.sh "$R$T/link.sh"
	ln -s "$T/decoy/target.sh" "$T/link.sh"
	for i in 1 2 3; do
		"$TAILOR_BIN" record -q -o "$T/cs.json" -- chroot "$R" "$T/link.sh" >"$T/cs.out" ||
			fail "record a chroot's script: $?"
		[ "$(cat "$T/cs.out")" = in-chroot ] || fail "chroot script output: $(cat "$T/cs.out")"
		check "$T/cs.json" "{e['path'] for e in t['execs'] if e['parent'] == '$CHROOT'} <= {'/etc/target.sh', '$T/link.sh'}" \
			"a chroot's script resolved outside it: $(q "$T/cs.json" "t['execs']")"
	done
	pass "a chroot's script through a symlink: resolved in the chroot (or kept), never in tailor's root"
else
	echo "note: no static busybox: chroot case skipped"
fi

# ---- 4. mounts crossed: a tmpfs and a bind mount in a private mount namespace ---------------------------
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	M=$(realpath "$T")/m
	mkdir -p "$M/mnt" "$M/src/deep"
	echo b >"$M/src/deep/f"
	"$TAILOR_BIN" record -q -o "$T/u.json" -- unshare -m --propagation private sh -c \
		"mount -t tmpfs none $M/mnt && echo x >$M/mnt/f && mkdir $M/mnt/b &&
		 mount --bind $M/src $M/mnt/b && cat $M/mnt/b/deep/f $M/mnt/f" >/dev/null ||
		fail "record unshare -m: $?"
	python3 - "$T/u.json" "$M" <<'PY' || fail "paths across mounts (above)"
import json, sys
t = json.load(open(sys.argv[1])); M = sys.argv[2]
got = {(x["path"], tuple(x["access"])) for x in t["files"] if x["path"].startswith(M)}
want = {(M + "/mnt/f", ("write", "create")), (M + "/mnt/f", ("read",)),
        (M + "/mnt/b", ("create", "dir")), (M + "/mnt/b/deep/f", ("read",))}
if got != want:
    print(f"recorded {sorted(got)}\nexpected {sorted(want)}"); sys.exit(1)
PY
	pass "mounts: a file on a tmpfs and one through a bind mount keep the paths the process used"
else
	echo "note: unshare -m unavailable: mount case skipped"
fi

# ---- 4b. the kernel's "seen" shortcut (tl_file_seen): one process reads the same file through a
# directory it renamed, a hard link, and a path deeper than the inline walk (TL_PATH_INLINE) ------------
S=$(realpath "$T")/seen
mkdir -p "$S/a" "$S/d/1/2/3/4/5/6/7/8/9"
echo x >"$S/a/f"
ln "$S/a/f" "$S/hl"
echo y >"$S/d/1/2/3/4/5/6/7/8/9/f"
"$TAILOR_BIN" record -q -o "$T/s.json" -- bash -c \
	"read x <$S/a/f; read x <$S/a/f; mv $S/a $S/b; read x <$S/b/f; read x <$S/hl; read x <$S/b/f
	 read x <$S/d/1/2/3/4/5/6/7/8/9/f; read x <$S/d/1/2/3/4/5/6/7/8/9/f" ||
	fail "record (seen): $?"
python3 - "$T/s.json" "$S" <<'PY' || fail "files read again after a rename, through a link, deep (above)"
import json, sys
t = json.load(open(sys.argv[1])); S = sys.argv[2]
got = {x["path"]: x["count"] for x in t["files"]
       if x["path"].startswith(S) and x["access"] == ["read"] and x["program"].endswith("/bash")}
want = {S + "/a/f": 2, S + "/b/f": 2, S + "/hl": 1, S + "/d/1/2/3/4/5/6/7/8/9/f": 2}
if got != want:
    print(f"recorded {got}\nexpected {want}"); sys.exit(1)
PY
pass "seen shortcut: a renamed directory, a hard link and a 12-level path keep their own paths and counts"

# ---- 4c. counts of repeated accesses: kept per CPU in the cache, moved to tl_files when another
# file takes the slot (600 files > 256 slots per CPU), the rest added at the end ---------------------------
C=$(realpath "$T")/counts
mkdir -p "$C"
for i in $(seq 1 600); do echo x >"$C/f$i"; done
echo h >"$C/hot"
"$TAILOR_BIN" record -q -o "$T/n.json" -- python3 -c '
import os, sys
d = sys.argv[1]
for r in range(3):
    for i in range(1, 601):
        os.close(os.open(f"{d}/f{i}", os.O_RDONLY))
for i in range(5000):
    os.close(os.open(f"{d}/hot", os.O_RDONLY))
' "$C" || fail "record (counts): $?"
python3 - "$T/n.json" "$C" <<'PY' || fail "access counts (above)"
import json, sys
t = json.load(open(sys.argv[1])); C = sys.argv[2]
got = {x["path"]: x["count"] for x in t["files"] if x["path"].startswith(C + "/") and x["access"] == ["read"]}
want = {f"{C}/f{i}": 3 for i in range(1, 601)}
want[C + "/hot"] = 5000
bad = [(p, got.get(p), n) for p, n in sorted(want.items()) if got.get(p) != n]
extra = sorted(set(got) - set(want))
if bad or extra:
    print(f"wrong counts (path, recorded, expected): {bad[:10]} ({len(bad)} in all); extra: {extra[:5]}")
    sys.exit(1)
PY
pass "counts: 600 files opened 3 times each and one 5000 times are counted exactly"

# ---- 5. AppArmor: the profile of the trace compiles and grants what was recorded ------------------------------
"$TAILOR_BIN" generate -f apparmor --name fileprobe -o "$T/p.aa" "$T/w.json" || fail "generate -f apparmor"
if command -v apparmor_parser >/dev/null && [ -r /etc/apparmor.d/abi/3.0 ]; then
	apparmor_parser -Q -K --kernel-features /etc/apparmor.d/abi/3.0 --warn=all --Werror "$T/p.aa" \
		>"$T/parser.out" 2>&1 || { cat "$T/parser.out" >&2; fail "apparmor_parser refused the profile"; }
	pass "apparmor_parser -Q -K accepts the profile"
else
	echo "note: apparmor_parser or /etc/apparmor.d/abi/3.0 missing: parser check skipped"
fi
python3 - "$T/p.aa" "$W" "$EXEC_REAL" "$EXEC" <<'PY' || fail "profile rules (above)"
import re, sys
text = open(sys.argv[1]).read(); W = sys.argv[2]; EXEC_REAL, EXEC = sys.argv[3:5]
rules = {}
for line in text.splitlines():
    m = re.match(r'^\s+"?([^"#]+?)"?\s+([a-z]+(?: -> \S+)?),\s*(#.*)?$', line)
    if m:
        # a path renamed or chmod'ed may be a directory: "PATH{,/}" names both spellings
        rules[m.group(1).removesuffix("{,/}")] = m.group(2)
# the temp dir may be generalised (tailor-test.?????? ): compare by what follows it
def rule(suffix):
    hits = [v for k, v in rules.items() if k.endswith("/w/" + suffix) or k.endswith("/w" + suffix)]
    return hits[0] if len(hits) == 1 else hits
want = {"r.txt": "r", "w.txt": "w", "a.txt": "a", "rw.txt": "rw", "new.txt": "w", "del.txt": "w",
        "ren-a": "rw", "hard": "l", "lock-flock": "rwk", "map.bin": "rm", "prot.bin": "rm",
        "data.bin": "r", "target.txt": "r", "sub/": "r", "mk/": "w"}
bad = False
for suffix, perms in want.items():
    if rule(suffix) != perms:
        print(f"{suffix}: rule {rule(suffix)}, expected {perms}"); bad = True
if rules.get(EXEC_REAL) != "ix":
    print(f"{EXEC_REAL}: {rules.get(EXEC_REAL)}, expected ix"); bad = True
if EXEC != EXEC_REAL and EXEC in rules:
    print(f"a rule for {EXEC} next to {EXEC_REAL}: exec records not resolved"); bad = True
if len(re.findall(r'^\s+' + re.escape(EXEC_REAL) + r' ', text, re.M)) != 1:
    print(f"not exactly one rule for {EXEC_REAL}"); bad = True
if any(k.endswith("/opath.txt") or k.endswith("/missing.txt") for k in rules):
    print("a rule for an O_PATH or failed open"); bad = True
sys.exit(1 if bad else 0)
PY
pass "AppArmor rules: r, w, a, rw, l, rwk, rm, ix and directory rules as recorded"

# ---- 6. unix sockets at a path: bind creates the file, connect writes to it; abstract: none ------------
mkdir "$T/us"
"$TAILOR_BIN" record -q -o "$T/us.json" -- python3 -c '
import socket, sys
p = sys.argv[1] + "/srv.sock"
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(p); srv.listen(1)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(p)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind("\0tailor-test-abstract")
e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.connect("\0tailor-test-abstract")
' "$T/us" || fail "record (unix sockets): $?"
check "$T/us.json" "sorted({a for f in t['files'] if f['path'] == '$T/us/srv.sock' for a in f['access']}) == ['create', 'read', 'write']" \
	"srv.sock: not create (bind) + read/write (connect): $(q "$T/us.json" "[f for f in t['files'] if 'us/' in f['path']]")"
check "$T/us.json" "not any('abstract' in f['path'] for f in t['files'])" "an abstract socket recorded as a file"
"$TAILOR_BIN" generate -f apparmor -o "$T/us.aa" "$T/us.json" || fail "generate -f apparmor (unix sockets)"
# literal, or generalised where mktemp's name for $T looks random (0.2 % of them,
# a run of 4 digits, do not: the rule is then the literal path)
case $(grep "/us/srv\.sock rw," "$T/us.aa" || true) in
"  $T/us/srv.sock rw,"* | "  /"*"/us/srv.sock rw,"*"recorded as $T/us/srv.sock"*) ;;
*) fail "no rw rule for the socket: $(grep srv "$T/us.aa")" ;;
esac
pass "unix socket at a path: bind = create, connect = read/write, its rule rw; abstract ones are no files"
if [ -x "$PROGS/usock_32" ] && ia32_runs; then
	mkdir "$T/us32"
	"$TAILOR_BIN" record -q -o "$T/us32.json" -- "$PROGS/usock_32" "$T/us32" || fail "record usock_32: $?"
	for s in sc direct; do
		check "$T/us32.json" "sorted({a for f in t['files'] if f['path'] == '$T/us32/$s.sock' for a in f['access']}) == ['create', 'read', 'write']" \
			"ia32 $s.sock: $(q "$T/us32.json" "[f for f in t['files'] if 'us32/' in f['path']]")"
	done
	pass "ia32 unix sockets: bind/connect through socketcall and directly"
fi

# ---- 7. inherited files: `cmd > out` opens out in the shell, cmd writes it through fd 1 ------------
mkdir "$T/inh"
"$TAILOR_BIN" record -q -o "$T/inh.json" -- sh -c "cat /etc/hostname > $T/inh/out; date >> $T/inh/out" </dev/null ||
	fail "record (inherited files): $?"
acc() { echo "sorted({a for f in t['files'] if f['path'] == '$T/inh/out' and f['program'] == '$1' for a in f['access']})"; }
check "$T/inh.json" "$(acc "$(readlink -f "$(command -v cat)")") == ['write']" \
	"cat's inherited stdout: $(q "$T/inh.json" "[f for f in t['files'] if 'inh/' in f['path']]")"
check "$T/inh.json" "$(acc "$(readlink -f "$(command -v date)")") == ['append']" \
	"date's inherited stdout (>>): $(q "$T/inh.json" "[f for f in t['files'] if 'inh/' in f['path']]")"
"$TAILOR_BIN" generate -f apparmor --children -o "$T/inh.aa" "$T/inh.json" || fail "generate -f apparmor --children (inherited)"
# each child profile allows what it got open: AppArmor checks inherited files at exec
awk '/^  profile cat /,/^  }/' "$T/inh.aa" | grep -q "^    /.*/inh/out w," ||
	fail "the cat profile lacks its inherited out: $(cat "$T/inh.aa")"
awk '/^  profile date /,/^  }/' "$T/inh.aa" | grep -q "^    /.*/inh/out a," ||
	fail "the date profile lacks its inherited out: $(cat "$T/inh.aa")"
pass "inherited files: a redirection's file is the exec'ed program's access, in its own --children profile"
echo PASS
