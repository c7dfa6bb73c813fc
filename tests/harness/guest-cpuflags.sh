#!/usr/bin/env bash
# harness.cpuflags: boot-smoke fails when a CPU lacks a flag that the boot
# asks for (the PTI boot asks for "pti" and "uintr"), or has one that it
# must not have ("!pti" of the pti=off boot), and passes for one that every
# CPU has.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"
guest 120 'echo "1..1"; echo "ok 1 only"' --append 'harness.cpuflags=fpu,nosuchflag,!fpu,!nosuchflag'
[ $rc -ne 0 ] || { sed 's/^/# /' "$T/out"; fail "a CPU flag that no CPU has was not reported"; }
expect "PASS boot-smoke: boot: every CPU has the flag fpu"
expect "FAIL boot-smoke: boot: every CPU has the flag nosuchflag (CPUs with it: 0 of $SMP)"
expect "PASS cmd: cmd: only"
expect "FAIL boot-smoke: boot: no CPU has the flag fpu (CPUs with it: $SMP of $SMP)"
expect "PASS boot-smoke: boot: no CPU has the flag nosuchflag"
