#!/usr/bin/env bash
# Nothing passes silently: an emulator that cannot start, a program that
# prints nothing, a suite that only skips, and a skip in a suite that must
# not skip are failures.
. "$(dirname "$0")/common.sh"
P=$ROOT/scripts/parse-console.py

# parse ARGS...: the console parser on $T/log; sets $rc.
parse() {
	rc=0
	/usr/bin/python3 "$P" "$@" "$T/log" >"$T/out" 2>&1 || rc=$?
}
expect() {
	grep -q -- "$1" "$T/out" || { sed 's/^/# /' "$T/out"; fail "no '$1' in the output"; }
}

# An emulator that cannot start exits with 1, as QEMU does after a guest
# wrote 0: the cpu-model runner must not take that for "all passed".
printf '#!/bin/sh\necho "qemu-system-x86_64: -machine q35: unsupported machine type" >&2\nexit 1\n' >"$T/qemu"
chmod +x "$T/qemu"
rc=0
"$ROOT/cpu-model/run.sh" "$T/qemu" /nonexistent.elf >"$T/log" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "cpu-model/run.sh took an emulator that did not start for a verdict ($rc)"
parse --tap cpu-model arch --qemu-status -1
[ $rc -ne 0 ] || fail "an emulator that did not start passed"
# Even if the exit status were taken at face value, no TAP is no pass.
parse --tap cpu-model arch --qemu-status 0
[ $rc -ne 0 ] || fail "a program with no output passed"
expect "no test results"
expect "no TAP plan"

# The same emulator for the kernel guest, with the real kernel and
# initramfs (boot.sh checks that they exist before it starts QEMU).
REAL=$ROOT/build
[ -f "$REAL/linux-obj/arch/x86/boot/bzImage" ] && [ -f "$REAL/initramfs.cpio.gz" ] ||
	fail "needs the real kernel and initramfs (./harness build first)"
rc=0
UINTR_QEMU_BIN=$T/qemu UINTR_KERNEL_IMAGE=$REAL/linux-obj/arch/x86/boot/bzImage \
	UINTR_INITRAMFS=$REAL/initramfs.cpio.gz "$ROOT/scripts/boot.sh" --log "$T/console.log" \
	--timeout 60 >"$T/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "a guest whose emulator did not start passed"
expect "unsupported machine type"
expect "died without a verdict (QEMU exit status 1, init never ran)"

# A run that only skips.
printf 'TAP version 13\n1..2\nok 1 a # SKIP no way\nok 2 b # SKIP no way\n' >"$T/log"
parse --tap kselftest-x86 prog --qemu-status 0
[ $rc -ne 0 ] || fail "a suite that only skipped passed"
expect "no test passed: it only skipped"

# A skip in a suite where skipping means breakage.
printf 'TAP version 13\n1..2\nok 1 a\nok 2 b # SKIP UINTR not supported\n' >"$T/log"
parse --tap cpu-model arch --qemu-status 0 --strict-skips cpu-model
[ $rc -ne 0 ] || fail "a skip in a strict suite passed"
expect "skipped under a CPU model that has UINTR"
parse --tap kselftest-x86 prog --qemu-status 0 --strict-skips cpu-model
[ $rc -eq 0 ] || fail "a skip in another suite failed"
exit 0
