#!/usr/bin/env bash
# Positive control: a guest whose tests pass is reported as passing, with
# its skip counted as a skip; a CPU flag that every CPU has, and one that
# none has, pass harness.cpuflags's checks; and a #GP in user mode is the
# business of the test that caused it: the kernel's "traps: prog[pid]
# general protection fault" line does not fail the run.  (Every SENDUIPI
# test with a bad index causes one.)  One boot: guest-fail.sh checks that
# a failing test and the flags fail.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"
cat >"$T/gp.c" <<'EOT'
int main(void)
{
	/* HLT at CPL 3 raises #GP. */
	asm volatile("hlt");
	return 0;
}
EOT
gcc -static -O2 -o "$T/gp" "$T/gp.c" || fail "cannot build the test program"
guest 120 'echo "1..3"; echo "ok 1 first"; echo "ok 2 second # SKIP not here"; /harness/gp; s=$?; [ $s -eq 139 ] && echo "ok 3 SIGSEGV" || echo "not ok 3 status $s"' \
	--add "$T/gp" --append 'harness.cpuflags=fpu,!nosuchflag'
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "a passing guest was reported as failing ($rc)"; }
expect "PASS cmd: cmd: first"
expect "SKIP cmd: cmd: second"
expect "PASS cmd: cmd: SIGSEGV"
expect "PASS boot-smoke: boot: all $SMP CPUs online"
expect "PASS boot-smoke: boot: every CPU has the flag fpu"
expect "PASS boot-smoke: boot: no CPU has the flag nosuchflag"
expect "PASS boot-smoke: boot: the APICs run in x2apic mode"
expect "PASS boot-smoke: kernel log is clean"
expect "cmd: 2 passed, 0 failed, 1 skipped"
grep -q "traps: gp\[[0-9]*\] general protection fault ip:" "$T/console.log" ||
	fail "the guest printed no trap line: this test proves nothing"
