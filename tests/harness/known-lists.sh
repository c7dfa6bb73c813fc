#!/usr/bin/env bash
# The debug boot's list of known x86 outcomes is the base's list: every
# entry of kselftest-x86.known is in kselftest-x86-debug.known, unchanged,
# and an entry that only the debug list has says that the debug kernel
# needs it.  So the two lists cannot drift apart unnoticed.
. "$(dirname "$0")/common.sh"
K=$ROOT/tests/known
entries() { grep -v -e '^#' -e '^[[:space:]]*$' "$1" | sort; }
entries "$K/kselftest-x86.known" >"$T/base"
entries "$K/kselftest-x86-debug.known" >"$T/debug"
[ -s "$T/base" ] || fail "kselftest-x86.known has no entries"
missing=$(comm -23 "$T/base" "$T/debug")
[ -z "$missing" ] || fail "kselftest-x86-debug.known lacks or changed: $missing"
comm -13 "$T/base" "$T/debug" | { grep -v -i 'debug kernel' || true; } | sed 's/^/# extra: /' >"$T/extra"
[ ! -s "$T/extra" ] || { cat "$T/extra"; fail "a debug-only entry does not say the debug kernel needs it"; }
exit 0
