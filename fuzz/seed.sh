#!/usr/bin/env bash
# Fill the seed corpora of the fuzz targets from the test data.
# Usage: fuzz/seed.sh OUT_DIR   -> OUT_DIR/seeds-<target>/ (emptied first)
# Seeds are read-only inputs for libFuzzer; the growing corpus lives in
# OUT_DIR/corpus-<target>/ (fuzz/run.sh).  Neither is committed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: fuzz/seed.sh OUT_DIR}
data=$src/tests/data
moby=$src/../shared/data/moby

seed() { # target files...
	local t=$1 dir=$out/seeds-$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		# Names stay readable: <folder>-<file>.
		cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"
	done
}

for t in trace profile generate diff apparmor aa_policy; do
	rm -rf "$out/seeds-$t"
	mkdir -p "$out/seeds-$t"
done
shopt -s nullglob
traces=("$data"/traces/*.json)
profiles=("$data"/profiles/*.json "$data"/golden/*.json "$data"/golden/*.docker
	"$data"/golden/*.oci "$data"/golden/*.k8s-json "$moby"/*.json)
seed trace "${traces[@]}"
seed generate "${traces[@]}"
seed apparmor "${traces[@]}"
seed profile "${profiles[@]}"
# diff: single inputs (compared with themselves) and OLD "%%" NEW pairs.
seed diff "${traces[@]}" "${profiles[@]}" "$data"/golden/*.k8s "$data"/diff/*.json \
	"$data"/diff/equiv/*
pair() { # name old new
	[ -f "$2" ] && [ -f "$3" ] || return 0
	{ cat "$2"; printf '\n%%%%\n'; cat "$3"; } >"$out/seeds-diff/pair-$1"
}
pair profiles "$data"/diff/old.profile.json "$data"/diff/new.profile.json
pair traces "$data"/diff/old.trace.json "$data"/diff/new.trace.json
pair trace-profile "$data"/diff/old.trace.json "$data"/diff/new.profile.json
pair moby "$moby"/default.json "$moby"/default-old-format.json
pair k8s-docker "$data"/golden/allow.k8s "$data"/golden/args.docker
e=("$data"/diff/equiv/*)
for ((i = 1; i < ${#e[@]}; i++)); do
	pair "equiv-$i" "${e[0]}" "${e[$i]}"
done
# aa_policy: profiles tailor writes, and "pattern\npath" pairs.
seed aa_policy "$data"/golden/*.apparmor
i=0
while IFS='|' read -r pat path; do
	i=$((i + 1))
	printf '%s\n%s\n' "$pat" "$path" >"$out/seeds-aa_policy/match-$i"
done <<'PAIRS'
/usr/lib/**|/usr/lib/x86_64-linux-gnu/libc.so.6
/{usr/,}bin/{ba,da,}sh|/usr/bin/bash
@{PROC}/@{pid}/fd/|/proc/4242/fd/
/tmp/[^.]*.[a-z0-9]?|/tmp/x.c1
/srv/\x41{a,b{c,d}}/**.log|/srv/A/bd/x/y.log
/**/*/**/*/**|/a/b/c/d/e/f
PAIRS
# Every input that ever failed is a seed of its target too.
for d in "$data"/fuzz-regressions/*/; do
	t=$(basename "$d")
	mkdir -p "$out/seeds-$t"
	for f in "$d"*; do
		case $(basename "$f") in README*) continue ;; esac
		seed "$t" "$f"
	done
done
for d in "$out"/seeds-*/; do
	echo "seed: $(basename "$d"): $(find "$d" -type f | wc -l) inputs"
done
