#!/usr/bin/env bash
# A KASAN report and a memory leak are caught, in one boot of the debug
# kernel: it loads the kmemleak sample module, which leaks objects on
# purpose, then reads freed memory through LKDTM.  The KASAN report must
# fail boot-smoke, and the kmemleak suite, whose scans end every boot of
# the debug kernel, must fail and show the leak.  The boot takes about
# 90 s, and only test-full builds the debug kernel:
# harness-test: full
. "$(dirname "$0")/guest-common.sh"
BUILD_DIR=${UINTR_BUILD:-$ROOT/build}
obj=$BUILD_DIR/linux-obj-debug
image=$obj/arch/x86/boot/bzImage
module=$obj/samples/kmemleak/kmemleak-test.ko
[ -f "$image" ] || fail "no debug kernel at $image (./harness test-full builds it)"
[ -f "$module" ] || fail "no kmemleak sample module at $module (./harness test-full builds it)"
export UINTR_KERNEL_IMAGE=$image
guest 300 "$LKDTM"'; echo "1..2"
insmod /harness/kmemleak-test.ko && echo "ok 1 loaded"
(lkdtm READ_AFTER_FREE); echo "ok 2 survived"' --add "$module"
[ $rc -ne 0 ] || fail "a guest with a KASAN report and a leak passed"
expect "PASS boot-smoke: the guest runs the kernel that was just built"
expect "PASS cmd: cmd: loaded"
expect "FAIL boot-smoke: kernel log is clean (first of [0-9]* bad lines: \[ *[0-9.]*\] BUG: KASAN: slab-use-after-free in lkdtm_READ_AFTER_FREE"
expect "FAIL kmemleak: scan: kmemleak finds no unreferenced object"
grep -q 'unreferenced object' "$T/console.log" ||
	fail "the console does not show kmemleak's report"
exit 0
