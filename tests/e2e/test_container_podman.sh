#!/usr/bin/env bash
# tailor hook through podman's hooks.d (examples/oci-hooks/tailor-hook.json):
# a container run with the annotation io.tailor.record is recorded (named by
# podman's 64-hex id), io.tailor.profile writes a Docker profile with runc's
# baseline, and `podman run --security-opt seccomp=` enforces it.
# podman is optional (apt-get install podman); its configuration for these
# machines (cgroupfs, vfs, runc) is the one of /work/shared/MACHINE-NOTES.md.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd podman "optional: apt-get install podman"
need_cmd runc "podman runs containers with runc here"
need_cmd busybox "busybox-static provides the container's rootfs"
scratch

cat >"$T/containers.conf" <<'CONF'
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
cat >"$T/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$T/run"
graphroot = "$T/graph"
CONF
export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf
mkdir -p "$T/rootfs/bin" "$T/rootfs/tmp" "$T/rootfs/etc" "$T/rootfs/proc" "$T/rootfs/sys" "$T/rootfs/dev"
cp "$(command -v busybox)" "$T/rootfs/bin/busybox"
for l in $("$T/rootfs/bin/busybox" --list); do [ "$l" = busybox ] || ln -sf busybox "$T/rootfs/bin/$l"; done

# The shipped hooks.d file, pointed at this build.
mkdir "$T/hooks.d"
python3 - "$TAILOR_SRC/examples/oci-hooks/tailor-hook.json" "$T/hooks.d/tailor-hook.json" \
	"$TAILOR_BIN" "$T/state" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["hook"]["path"] = sys.argv[3]
h["hook"]["env"] = ["TAILOR_HOOK_DIR=" + sys.argv[4]]
json.dump(h, open(sys.argv[2], "w"), indent=1)
PY

pm() { podman --hooks-dir "$T/hooks.d" "$@"; }
out=$(pm run --rm --annotation "io.tailor.record=$T/trace.json" \
	--annotation "io.tailor.profile=$T/profile.json" \
	--rootfs "$T/rootfs" /bin/sh -c 'mkdir /tmp/x && echo made' 2>&1) ||
	{ echo "$out"; cat "$T"/state/*.log 2>/dev/null; fail "podman run with the hook failed"; }
echo "$out" | grep -q '^made$' || { echo "$out"; fail "the container did not run"; }
names=$(trace_syscalls "$T/trace.json")
for s in execve mkdir exit_group; do
	echo "$names" | grep -qx "$s" || fail "syscall $s missing from the podman container's trace"
done
python3 - "$T/trace.json" "$T/profile.json" <<'PY' || fail "trace or profile not as expected"
import json, re, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and re.fullmatch(r"[0-9a-f]{64}", r["target"]), r
assert r["complete"] is True, r
p = json.load(open(sys.argv[2]))
assert "runc" in p["syscalls"][0]["comment"], p["syscalls"][0]["comment"]
PY
pass "podman + hooks.d: the container is recorded under its id, with a runc-baseline profile"

pm run --rm --annotation "io.tailor.record=$T/unused.json" --rootfs "$T/rootfs" true >/dev/null 2>&1 ||
	fail "a second hooked container failed"
# without the annotation the hook does nothing
podman --hooks-dir "$T/hooks.d" run --rm --rootfs "$T/rootfs" true || fail "podman run without annotation"
rm -rf "$T/rootfs/tmp/x"
out=$(podman run --rm --security-opt "seccomp=$T/profile.json" --rootfs "$T/rootfs" \
	/bin/sh -c 'mkdir /tmp/x && echo made' 2>&1) ||
	{ echo "$out"; fail "podman refused the generated profile or the workload failed under it"; }
echo "$out" | grep -q '^made$' || { echo "$out"; fail "workload output missing under the profile"; }
pass "podman runs the container under the profile the hook wrote"
