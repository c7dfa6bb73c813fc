#!/usr/bin/env bash
# A hanging guest is stopped by the wall-clock limit and caught.
. "$(dirname "$0")/guest-common.sh"
guest 20 'echo "1..1"; sleep 1000; echo "ok 1 never"'
[ $rc -ne 0 ] || fail "a hanging guest passed"
expect "guest hung: no verdict within the 20 s limit"
expect "FAIL cmd: cmd (did not finish"
