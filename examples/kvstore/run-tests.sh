#!/bin/sh
# The example app's test suite: what tailor records and then enforces.
# Usage: run-tests.sh [KVSTORE_BINARY]
set -eu
kv=${1:-${KVSTORE:-$(dirname "$0")/kvstore}}
store=$(mktemp -d "${TMPDIR:-/tmp}/kvstore-test.XXXXXX")
trap 'rm -rf "$store"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$kv" "$store" put alpha one
"$kv" "$store" put beta two
"$kv" "$store" put gamma three
[ "$("$kv" "$store" get beta)" = two ] || fail "get beta"
"$kv" "$store" put beta deux
[ "$("$kv" "$store" get beta)" = deux ] || fail "overwrite beta"
"$kv" "$store" del alpha
[ "$("$kv" "$store" list | tr '\n' ' ')" = "beta gamma " ] || fail "list"
"$kv" "$store" get alpha 2>/dev/null && fail "get of a deleted key succeeded"
"$kv" "$store" put 'Bad Key' x 2>/dev/null && fail "invalid key accepted"
i=0
while [ $i -lt 20 ]; do "$kv" "$store" put "k$i" "v$i"; i=$((i + 1)); done
"$kv" "$store" verify | grep -q 'verified 22 keys: ok' || fail "verify"
echo "kvstore: all tests passed"
