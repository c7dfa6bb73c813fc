#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the cpu-model test kernel and exit with the guest's verdict.
#   run.sh QEMU_BIN ELF [extra -append args]
# Exit status: 0 all tests passed, 1 some failed, 2 QEMU died/timed out.
# TIMEOUT (seconds, default 300) bounds the run.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 QEMU_BIN ELF [append-args]" >&2
	exit 2
fi
QEMU=$1
ELF=$2
shift 2
set --  ${1+-append "$*"}
timeout --foreground "${TIMEOUT:-300}" "$QEMU" -nodefaults -no-user-config -nographic \
	-machine q35 -accel tcg,thread=multi -cpu max,vendor=GenuineIntel -smp 2 -m 256M \
	-L /usr/share/seabios -L /usr/share/qemu -kernel "$ELF" -serial stdio -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot "$@"
rc=$?
case $rc in
1) exit 0 ;;	# guest wrote 0: all passed
3) exit 1 ;;	# guest wrote 1: failures
*) echo "# QEMU exited with status $rc (no verdict)" >&2; exit 2 ;;
esac
