#!/usr/bin/env bash
# docs/cli.md must be what the binary's --help texts say (no root needed).
. "$TAILOR_SRC/tests/lib.sh"
scratch
"$TAILOR_SRC/scripts/gen-cli-doc.sh" "$TAILOR_BIN" "$T/cli.md"
if ! diff -u "$TAILOR_SRC/docs/cli.md" "$T/cli.md"; then
	fail "docs/cli.md is stale: run scripts/gen-cli-doc.sh build/tailor"
fi
pass "docs/cli.md matches tailor --help"
"$TAILOR_BIN" --version | grep -Eq '^tailor [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$TAILOR_BIN" nosuchcommand 2>"$T/err" && fail "unknown command accepted"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "unknown command: expected one line"
pass "--version and unknown commands"
