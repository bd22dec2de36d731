#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan+UBSan) and run each of them.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      default: 60 s each, every fuzz/fuzz_*.c
#
# Environment: FUZZ_BUILD (build dir, default build-fuzz), FUZZ_JOBS (targets
# run at the same time, default 1), FUZZ_ARGS (extra libFuzzer flags).
# The corpus of each target grows in $FUZZ_BUILD/fuzz/corpus-<target>/ across
# runs; crashes, leaks and timeouts land in $FUZZ_BUILD/fuzz/artifacts-<target>/.
# Exit status: 0 when every target ran clean, 1 otherwise (the reproducer path
# and the way to replay it are printed).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
build=${FUZZ_BUILD:-$src/build-fuzz}
jobs=${FUZZ_JOBS:-1}
out=$build/fuzz

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for f in "$src"/fuzz/fuzz_*.c; do
		t=$(basename "$f" .c)
		targets+=("${t#fuzz_}")
	done
fi

echo "==> fuzz: configure and build $build (clang, -fsanitize=fuzzer,address,undefined)"
CC=clang cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DTAILOR_FUZZ=ON \
	-DTAILOR_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzzers -j"$(nproc)"
"$src/fuzz/seed.sh" "$out"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() { # target -> 0 clean, 1 failed
	local t=$1 bin=$out/fuzz_$1 log=$out/fuzz-$1.log dict=()
	mkdir -p "$out/corpus-$t" "$out/artifacts-$t" "$out/seeds-$t"
	[ -f "$src/fuzz/$t.dict" ] && dict=(-dict="$src/fuzz/$t.dict")
	echo "==> fuzz $t: ${secs}s (log $log)"
	# shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts-$t/" "${dict[@]}" ${FUZZ_ARGS:-} \
		"$out/corpus-$t" "$out/seeds-$t" >"$log" 2>&1; then
		echo "fuzz $t: clean, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
			grep -o '[0-9]*$') executions, corpus $(find "$out/corpus-$t" -type f | wc -l)"
		return 0
	fi
	echo "fuzz $t: FAILED" >&2
	grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|^fuzz [a-z]+:|ALARM|out-of-memory' \
		"$log" | head -5 >&2 || true
	grep -o 'Test unit written to .*' "$log" | sed 's/^Test unit written to /reproducer: /' >&2 ||
		tail -n 5 "$log" >&2
	echo "replay:  $bin <reproducer>     (full log: $log)" >&2
	echo "then add it to tests/data/fuzz-regressions/$t/ (fuzz/README.md)" >&2
	return 1
}

status=0
pids=()
for t in "${targets[@]}"; do
	if [ ! -x "$out/fuzz_$t" ]; then
		echo "fuzz: no target '$t' (have: $(cd "$out" && ls fuzz_* | sed 's/fuzz_//' | tr '\n' ' '))" >&2
		exit 2
	fi
	run_one "$t" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || status=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || status=1
done
exit $status
