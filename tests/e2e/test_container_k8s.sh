#!/usr/bin/env bash
# examples/kubernetes: the manifests are valid YAML with the kinds and the
# privileges docs/kubernetes.md names (and nothing more); the Containerfile
# builds with the project's scripts and runs the node-wide recorder.
. "$TAILOR_SRC/tests/lib.sh"
py=$(yaml_python)
[ -n "$py" ] || skip "no python3 with the yaml module (scripts/install-deps.sh installs python3-yaml)"
k8s=$TAILOR_SRC/examples/kubernetes

"$py" - "$k8s/daemonset.yaml" "$k8s/profiles-cronjob.yaml" <<'PY' || fail "manifests not as documented"
import sys, yaml

def docs(p):
    return [d for d in yaml.safe_load_all(open(p)) if d]

ds = {d["kind"]: d for d in docs(sys.argv[1])}
assert set(ds) == {"Namespace", "ServiceAccount", "DaemonSet"}, set(ds)
spec = ds["DaemonSet"]["spec"]["template"]["spec"]
assert spec["hostPID"] is True
assert spec["automountServiceAccountToken"] is False
assert spec["serviceAccountName"] == ds["ServiceAccount"]["metadata"]["name"]
c = {x["name"]: x for x in spec["containers"]}
rec = c["recorder"]
assert rec["args"][:4] == ["record", "-o", "/var/lib/tailor/traces", "--all-containers"], rec["args"]
sc = rec["securityContext"]
assert sc["privileged"] is False and sc["allowPrivilegeEscalation"] is False
assert sc["capabilities"]["drop"] == ["ALL"]
assert sorted(sc["capabilities"]["add"]) == ["BPF", "PERFMON", "SYS_PTRACE"], sc["capabilities"]
mounts = {m["mountPath"]: m for m in rec["volumeMounts"]}
assert mounts["/sys/kernel/btf"]["readOnly"] and mounts["/sys/fs/cgroup"]["readOnly"]
assert "/var/lib/tailor/traces" in mounts
vols = {v["name"]: v for v in spec["volumes"]}
for m in rec["volumeMounts"]:
    assert "hostPath" in vols[m["name"]], m
prof = c["profiles"]
assert "add" not in prof["securityContext"]["capabilities"]
script = prof["args"][0]
assert "generate -f k8s-json --runtime" in script and "generate -f k8s --runtime" in script
cj = docs(sys.argv[2])
assert [d["kind"] for d in cj] == ["CronJob"]
job = cj[0]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
assert "--runtime runc" in job["containers"][0]["args"][0]
print("ok: manifests")
PY
pass "daemonset.yaml and profiles-cronjob.yaml: valid YAML, documented privileges only"

cf=$k8s/Containerfile
grep -q '^FROM debian:12' "$cf" || fail "Containerfile: not based on Debian 12"
grep -q 'scripts/install-deps.sh' "$cf" && grep -q 'scripts/build.sh' "$cf" ||
	fail "Containerfile: does not build with the install and build scripts"
grep -q '^ENTRYPOINT \["/usr/local/bin/tailor"\]$' "$cf" ||
	fail "Containerfile: the entrypoint is not tailor alone (a pod's args must name the command)"
grep -q '^CMD \["record", "-o", "/var/lib/tailor/traces", "--all-containers"\]$' "$cf" ||
	fail "Containerfile: the default command is not the node-wide recorder"
# the libraries it installs are the ones tailor links
if command -v ldd >/dev/null && [ -x "$TAILOR_BIN" ]; then
	for lib in libbpf libseccomp libelf libjson-c libz; do
		ldd "$TAILOR_BIN" | grep -q "$lib" || continue
		case $lib in
		libbpf) pkg=libbpf1 ;; libseccomp) pkg=libseccomp2 ;; libelf) pkg=libelf1 ;;
		libjson-c) pkg=libjson-c5 ;; libz) pkg=zlib1g ;;
		esac
		grep -q "$pkg" "$cf" || fail "Containerfile: $lib is linked but $pkg is not installed"
	done
fi
pass "Containerfile: Debian 12, built with the project's scripts, tailor entrypoint, --all-containers command"

# What the recorder container runs: the image's ENTRYPOINT, then the pod's
# args (which replace CMD), as a container runtime assembles them; run with
# this build's tailor for a second, into a scratch directory.
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
	scratch
	mapfile -t argv < <("$py" - "$cf" "$k8s/daemonset.yaml" "$TAILOR_BIN" "$T/traces" <<'PY'
import json, re, sys, yaml
cf, ds, binary, traces = sys.argv[1:]
text = open(cf).read()
entry = json.loads(re.search(r'^ENTRYPOINT (\[.*\])$', text, re.M).group(1))
spec = [d for d in yaml.safe_load_all(open(ds)) if d and d["kind"] == "DaemonSet"][0]
rec = {c["name"]: c for c in spec["spec"]["template"]["spec"]["containers"]}["recorder"]
assert "command" not in rec, "the recorder must not replace the image's entrypoint"
for a in entry + rec["args"] + ["--duration", "1"]:
    print(a.replace("/usr/local/bin/tailor", binary).replace("/var/lib/tailor/traces", traces))
PY
	)
	[ "${#argv[@]}" -gt 2 ] || fail "could not assemble the recorder's command line"
	"${argv[@]}" >"$T/rec.out" 2>&1 || { cat "$T/rec.out"; fail "the recorder's command line fails: ${argv[*]}"; }
	grep -q "recording every container" "$T/rec.out" || { cat "$T/rec.out"; fail "the recorder did not start"; }
	pass "the DaemonSet's recorder (entrypoint + args) runs: ${argv[*]:1}"
else
	echo "note: not root or no BTF: the recorder's command line is not run"
fi
