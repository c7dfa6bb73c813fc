#!/usr/bin/env bash
# Positive control: a guest whose test passes is reported as passing.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"
guest 120 'echo "1..2"; echo "ok 1 first"; echo "ok 2 second # SKIP not here"'
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "a passing guest was reported as failing ($rc)"; }
expect "PASS cmd: cmd: first"
expect "SKIP cmd: cmd: second"
expect "PASS boot-smoke: boot: all $SMP CPUs online"
expect "cmd: 1 passed, 0 failed, 1 skipped"
