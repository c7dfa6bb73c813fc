#!/usr/bin/env bash
# A deliberately failing guest test is caught.
. "$(dirname "$0")/guest-common.sh"
guest 120 'echo "1..2"; echo "ok 1 fine"; echo "not ok 2 deliberately failing"; exit 1'
[ $rc -ne 0 ] || fail "a failing guest test passed"
expect "FAIL cmd: cmd: deliberately failing"
expect "cmd: 1 passed, 1 failed"
