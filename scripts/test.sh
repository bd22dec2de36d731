#!/usr/bin/env bash
# The whole test suite: install, build (plain and ASan+UBSan), run ctest in
# both.  Live and end-to-end tests need root and BTF; elsewhere they skip with
# a reason.  Usage: scripts/test.sh [--no-sanitize]
# TAILOR_FUZZ_SECONDS=N (default 60 when CI=true) also runs every fuzz target N s.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
sanitize=1
[ "${1:-}" = --no-sanitize ] && sanitize=0

"$src/scripts/install-deps.sh"

status=0
run_suite() {
	local dir=$1
	shift
	echo "==> build $dir ($*)"
	"$src/scripts/build.sh" "$dir" "$@"
	echo "==> ctest in $dir"
	ctest --test-dir "$dir" --output-on-failure -j2 || status=1
}

run_suite "$src/build" -DTAILOR_SANITIZE=OFF
if [ $sanitize = 1 ]; then
	run_suite "$src/build-asan" -DTAILOR_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi
# Bounded fuzzing (fuzz/README.md): TAILOR_FUZZ_SECONDS per target, 60 on CI (CI=true).
fuzz_secs=${TAILOR_FUZZ_SECONDS:-}
[ -z "$fuzz_secs" ] && [ "${CI:-}" = true ] && fuzz_secs=60
if [ -n "$fuzz_secs" ] && [ "$fuzz_secs" != 0 ]; then
	echo "==> fuzz: ${fuzz_secs}s per target"
	FUZZ_JOBS=${FUZZ_JOBS:-2} "$src/fuzz/run.sh" "$fuzz_secs" || status=1
fi
exit $status
