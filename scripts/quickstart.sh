#!/usr/bin/env bash
# Quick start, step by step: install, build, then the main job on the bundled
# example — record its test suite, generate a seccomp profile, enforce it.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"

"$src/scripts/install-deps.sh"
"$src/scripts/build.sh" "$src/build"

tailor=$src/build/tailor
kv=$src/build/examples/kvstore/kvstore
out=$src/out
mkdir -p "$out"
export KVSTORE=$kv

step() { printf '\n==> %s\n' "$*"; }

step "record: tailor record -o out/kvstore.trace.json -- examples/kvstore/run-tests.sh"
"$tailor" record -o "$out/kvstore.trace.json" -- "$src/examples/kvstore/run-tests.sh"

step "generate: tailor generate -o out/kvstore.seccomp.json out/kvstore.trace.json"
"$tailor" generate -o "$out/kvstore.seccomp.json" "$out/kvstore.trace.json"
"$tailor" check "$out/kvstore.seccomp.json"

step "enforce: tailor run --profile out/kvstore.seccomp.json -- examples/kvstore/run-tests.sh"
"$tailor" run --profile "$out/kvstore.seccomp.json" -- "$src/examples/kvstore/run-tests.sh"

step "and what the profile denies: an unshare(1) the tests never ran"
if "$tailor" run --profile "$out/kvstore.seccomp.json" -- unshare --user true 2>&1; then
	echo "unexpected: unshare ran under the profile" >&2
	exit 1
fi
echo "denied, as it should be."

step "explain: who made rename and fsync (kvstore's atomic writes)"
"$tailor" explain "$out/kvstore.trace.json" rename fsync

step "other formats"
for f in oci k8s systemd pfc apparmor; do
	name=() # the formats that name what they write
	case $f in k8s | systemd | apparmor) name=(--name kvstore) ;; esac
	"$tailor" generate -f "$f" "${name[@]}" -o "$out/kvstore.$f" "$out/kvstore.trace.json"
	echo "out/kvstore.$f"
done
echo
echo "quickstart: done — the example was recorded, profiled and ran confined."
