#!/usr/bin/env bash
# tailor hook through podman's hooks.d (examples/oci-hooks/tailor-hook.json),
# with runc and with crun (each when installed): a container run with the
# annotation io.tailor.record is recorded (named by podman's 64-hex id),
# io.tailor.profile writes a Docker profile with the baseline of the runtime
# that ran the hook, and `podman run --security-opt seccomp=` enforces it;
# `tailor record --container NAME` finds a running container by its podman name.
# podman is optional (apt-get install podman); its configuration for these
# machines (cgroupfs, vfs) is the one of /work/shared/MACHINE-NOTES.md.  crun
# refuses this machine's hybrid cgroup layout: its podman runs in a private
# mount namespace with the cgroup2 mount hidden, as crun_hidden_cgroup2 does.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd podman "optional: apt-get install podman"
need_cmd busybox "busybox-static provides the container's rootfs"
runtimes=()
for rt in runc crun; do command -v "$rt" >/dev/null && runtimes+=("$rt"); done
[ ${#runtimes[@]} -gt 0 ] || skip "neither runc nor crun is installed"
scratch

cat >"$T/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$T/run"
graphroot = "$T/graph"
CONF
export CONTAINERS_STORAGE_CONF=$T/storage.conf
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

# podman ARGS... with runtime $rt (crun: cgroup2 hidden in a private mount namespace)
podman_rt() {
	if [ "$rt" = crun ]; then
		unshare -m --propagation private sh -c \
			'umount /sys/fs/cgroup/unified 2>/dev/null; exec podman "$@"' sh "$@"
	else
		podman "$@"
	fi
}

for rt in "${runtimes[@]}"; do
	cat >"$T/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "$rt"
CONF
	export CONTAINERS_CONF=$T/containers.conf
	rm -rf "$T/rootfs/tmp/x" "$T/trace.json" "$T/profile.json"
	out=$(podman_rt --hooks-dir "$T/hooks.d" run --rm --annotation "io.tailor.record=$T/trace.json" \
		--annotation "io.tailor.profile=$T/profile.json" \
		--rootfs "$T/rootfs" /bin/sh -c 'mkdir /tmp/x && echo made' 2>&1) ||
		{ echo "$out"; cat "$T"/state/*.log 2>/dev/null; fail "$rt: podman run with the hook failed"; }
	echo "$out" | grep -q '^made$' || { echo "$out"; fail "$rt: the container did not run"; }
	names=$(trace_syscalls "$T/trace.json")
	for s in execve mkdir exit_group; do
		echo "$names" | grep -qx "$s" || fail "$rt: syscall $s missing from the podman container's trace"
	done
	python3 - "$T/trace.json" "$T/profile.json" "$rt" <<'PY' || fail "$rt: trace or profile not as expected"
import json, re, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and re.fullmatch(r"[0-9a-f]{64}", r["target"]), r
assert r["complete"] is True, r
p = json.load(open(sys.argv[2]))
assert f"the {sys.argv[3]} " in p["syscalls"][0]["comment"], p["syscalls"][0]["comment"]
PY
	pass "podman ($rt) + hooks.d: the container is recorded under its id, with a $rt-baseline profile"

	podman_rt --hooks-dir "$T/hooks.d" run --rm --annotation "io.tailor.record=$T/unused.json" \
		--rootfs "$T/rootfs" true >/dev/null 2>&1 || fail "$rt: a second hooked container failed"
	# without the annotation the hook does nothing
	podman_rt --hooks-dir "$T/hooks.d" run --rm --rootfs "$T/rootfs" true ||
		fail "$rt: podman run without annotation"
	rm -rf "$T/rootfs/tmp/x"
	out=$(podman_rt run --rm --security-opt "seccomp=$T/profile.json" --rootfs "$T/rootfs" \
		/bin/sh -c 'mkdir /tmp/x && echo made' 2>&1) ||
		{ echo "$out"; fail "$rt: podman refused the generated profile or the workload failed under it"; }
	echo "$out" | grep -q '^made$' || { echo "$out"; fail "$rt: workload output missing under the profile"; }
	pass "podman ($rt) runs the container under the profile the hook wrote"

	# a running container by the name podman gave it (podman inspect resolves it)
	name=tailor-t-$rt-$$
	cid=$(podman_rt run -d --name "$name" --rootfs "$T/rootfs" /bin/sh -c \
		'for i in $(seq 1 40); do echo x >/tmp/y; sleep 0.1; done') || fail "$rt: podman run -d"
	"$TAILOR_BIN" record -q -o "$T/byname.json" --container "$name" --duration 1 2>"$T/err" ||
		{ podman_rt rm -f "$name" >/dev/null 2>&1; fail "$rt: record --container $name: $(cat "$T/err")"; }
	podman_rt rm -f "$name" >/dev/null 2>&1
	python3 - "$T/byname.json" "$cid" <<'PY' || fail "$rt: the trace of the container named $name (above)"
import json, sys
t = json.load(open(sys.argv[1]))
r = t["runs"][0]
assert r["kind"] == "container" and r["target"] == sys.argv[2], r
assert "clock_nanosleep" in t["abis"]["x86_64"] or "nanosleep" in t["abis"]["x86_64"], t["abis"]
PY
	pass "podman ($rt): --container NAME records the running container podman named so"
done
