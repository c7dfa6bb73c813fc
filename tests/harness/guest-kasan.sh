#!/usr/bin/env bash
# A KASAN report is caught: the debug kernel (KASAN) reads freed memory
# through LKDTM.
. "$(dirname "$0")/guest-common.sh"
BUILD_DIR=${UINTR_BUILD:-$ROOT/build}
image=$BUILD_DIR/linux-obj-debug/arch/x86/boot/bzImage
[ -f "$image" ] || fail "no debug kernel at $image (./harness test builds it)"
export UINTR_KERNEL_IMAGE=$image
guest 300 "$LKDTM"'; echo "1..1"; (lkdtm READ_AFTER_FREE); echo "ok 1 survived"'
[ $rc -ne 0 ] || fail "a guest with a KASAN report passed"
expect "PASS boot-smoke: the guest runs the kernel that was just built"
expect "FAIL boot-smoke: kernel log is clean (first of [0-9]* bad lines: \[ *[0-9.]*\] BUG: KASAN: slab-use-after-free in lkdtm_READ_AFTER_FREE"
