#!/usr/bin/env bash
# A panicking guest is caught, and so is the oops that precedes the panic.
. "$(dirname "$0")/guest-common.sh"
guest 120 'echo c >/proc/sysrq-trigger'
[ $rc -ne 0 ] || fail "a panicking guest passed"
expect "guest panicked: Kernel panic"
expect "FAIL boot-smoke: kernel log is clean"
