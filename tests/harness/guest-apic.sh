#!/usr/bin/env bash
# harness.apic: boot-smoke fails when the local APICs do not run in the
# mode that the boot asks for, both ways.  Every real boot checks the
# positive case.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"

# An x2APIC boot (the default) whose kernel is told "nox2apic"
guest 120 'echo "1..1"; echo "ok 1 only"' --append nox2apic
[ $rc -ne 0 ] || { sed 's/^/# /' "$T/out"; fail "an xAPIC boot passed as x2APIC"; }
expect "FAIL boot-smoke: boot: the APICs run in x2apic mode (APIC routing: the default)"
expect "PASS cmd: cmd: only"

# A boot that expects xAPIC mode, but has the IOMMU that enables x2APIC
guest 120 'echo "1..1"; echo "ok 1 only"' --append harness.apic=xapic
[ $rc -ne 0 ] || { sed 's/^/# /' "$T/out"; fail "an x2APIC boot passed as xAPIC"; }
expect "FAIL boot-smoke: boot: the APICs run in xapic mode (APIC routing: "
expect "PASS cmd: cmd: only"
