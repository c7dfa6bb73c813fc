#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the cpu-model test kernel and exit with the guest's verdict.
#   run.sh QEMU_BIN ELF [extra -append args]
# Exit status: 0 all tests passed, 1 some failed, 2 QEMU died/timed out.
# TIMEOUT (seconds, default 300) bounds the run; CPU (default
# "max,vendor=GenuineIntel") is QEMU's -cpu, MACHINE (default q35) its
# -machine.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 QEMU_BIN ELF [append-args]" >&2
	exit 2
fi
QEMU=$1
ELF=$2
shift 2
set --  ${1+-append "$*"}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout --foreground "${TIMEOUT:-300}" "$QEMU" -nodefaults -no-user-config -nographic \
	-machine "${MACHINE:-q35}" -accel tcg,thread=multi -cpu "${CPU:-max,vendor=GenuineIntel}" -smp 2 -m 256M \
	-L /usr/share/seabios -L /usr/share/qemu -kernel "$ELF" -serial stdio -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot "$@" >"$out" 2>&1
rc=$?
cat "$out"
# QEMU also exits with 1 when it cannot start at all: a verdict counts
# only if the test kernel printed its plan, which it does last.
if [ $rc -eq 1 ] || [ $rc -eq 3 ]; then
	grep -q '^1\.\.[0-9]' "$out" || rc=no-plan
fi
case $rc in
1) exit 0 ;;	# guest wrote 0: all passed
3) exit 1 ;;	# guest wrote 1: failures
no-plan) echo "# QEMU exited without the test kernel's plan: it did not start, or the kernel died" >&2; exit 2 ;;
*) echo "# QEMU exited with status $rc (no verdict)" >&2; exit 2 ;;
esac
