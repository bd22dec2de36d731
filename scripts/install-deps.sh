#!/usr/bin/env bash
# Install what tailor needs to build, test and run, from Debian 12 packages.
# Idempotent; run as root (or through sudo).
set -euo pipefail

pkgs=(
	# build
	build-essential cmake pkg-config clang llvm
	libbpf-dev bpftool libseccomp-dev libelf-dev libjson-c-dev zlib1g-dev
	# tests
	libcmocka-dev gcc-multilib strace python3 python3-yaml procps
	# fuzz/: clang's libFuzzer and sanitizer runtimes (only recommended by clang-14)
	libclang-rt-14-dev
	# consumers that check our output, and container runtimes for e2e tests
	crun runc podman apparmor
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# busybox-static conflicts with busybox: only ask for it when neither is there.
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' &&
   ! dpkg-query -W -f='${Status}' busybox 2>/dev/null | grep -q 'install ok installed'; then
	missing+=(busybox-static)
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
