#!/usr/bin/env bash
# A hanging guest is stopped by the wall-clock limit and caught, and the
# kernel warning it printed before it hung is caught too: warnings reach
# the console as they happen, not only in the final kernel log dump.
. "$(dirname "$0")/guest-common.sh"
guest 15 "$LKDTM"'; echo "1..1"; lkdtm WARNING; sleep 1000; echo "ok 1 never"'
[ $rc -ne 0 ] || fail "a hanging guest passed"
expect "guest hung: no verdict within the 15 s limit"
expect "FAIL cmd: cmd (did not finish"
expect "FAIL boot-smoke: kernel log is clean (first of [0-9]* bad lines: \[ *[0-9.]*\] WARNING: CPU: [0-9]* PID: [0-9]* at .*lkdtm"
! grep -q "@@harness dmesg-begin" "$T/console.log" || fail "the guest dumped its log: this test proves nothing"
