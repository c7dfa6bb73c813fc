#!/usr/bin/env bash
# A kernel BUG is caught, even though the guest goes on and reaches its
# verdict (the BUG kills only the process that hit it).  The same boot
# expects the local APICs in xAPIC mode but has the IOMMU that enables
# x2APIC: that is caught too (guest-fail.sh checks the other way).
. "$(dirname "$0")/guest-common.sh"
guest 120 "$LKDTM"'; echo "1..1"; (lkdtm BUG); echo "ok 1 survived"' --append harness.apic=xapic
[ $rc -ne 0 ] || fail "a guest whose kernel hit BUG() passed"
expect "PASS boot-smoke: guest reached its verdict"
expect "PASS cmd: cmd: survived"
expect "FAIL boot-smoke: kernel log is clean (first of [0-9]* bad lines: \[ *[0-9.]*\] .*BUG"
expect "kernel BUG at .*drivers/misc/lkdtm/bugs.c"
expect "FAIL boot-smoke: boot: the APICs run in xapic mode (APIC routing: "
# and nothing else failed
expect "^boot-smoke: 5 passed, 2 failed$"
expect "^cmd: 1 passed, 0 failed$"
