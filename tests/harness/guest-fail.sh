#!/usr/bin/env bash
# A deliberately failing guest test is caught; so is a CPU flag that the
# boot asks for and no CPU has (the PTI boot asks for "pti" and "uintr"),
# or forbids and every CPU has ("!pti" of the pti=off boot); and so are
# local APICs that do not run in the mode that the boot asks for: here an
# x2APIC boot (the default) whose kernel is told "nox2apic" (guest-bug.sh
# checks the other way).  One boot: each failure has its own line.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"
guest 120 'echo "1..2"; echo "ok 1 fine"; echo "not ok 2 deliberately failing"; exit 1' \
	--append 'nox2apic harness.cpuflags=nosuchflag,!fpu'
[ $rc -ne 0 ] || fail "a failing guest test passed"
expect "FAIL cmd: cmd: deliberately failing"
expect "^cmd: 1 passed, 1 failed$"
expect "FAIL boot-smoke: boot: every CPU has the flag nosuchflag (CPUs with it: 0 of $SMP)"
expect "FAIL boot-smoke: boot: no CPU has the flag fpu (CPUs with it: $SMP of $SMP)"
expect "FAIL boot-smoke: boot: the APICs run in x2apic mode (APIC routing: the default)"
expect "PASS boot-smoke: kernel log is clean"
# and nothing else failed: the three failures above are all there are
expect "^boot-smoke: 6 passed, 3 failed$"
