#!/usr/bin/env bash
# A green run means the code just built passed: a patch that applies but
# does not build stops ./harness run and test at once, with the step
# named, on a tree that already holds good binaries; a config option that
# does not make it into .config stops the build; and a guest that does
# not run the kernel that was just built fails the boot.
REAL_BUILD=${UINTR_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/fake-world.sh"
make_fake_world

harness run
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "the good fake world did not pass"; }
expect "PASS boot-smoke: the guest runs the kernel that was just built"
[ -f "$UINTR_BUILD/linux-obj/arch/x86/boot/bzImage" ] || fail "no image was built"

# Nothing changed: the kernel is not built again.  An uncommitted edit
# of the tree that breaks the build is a change: it is built, and fails.
harness build
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "a second build of the good fake world failed"; }
expect "linux: .*bzImage is up to date: nothing changed since it was built"
expect_not "linux: building bzImage"
printf 'bzImage2:\n\t@echo "init/main.c:1:1: error: uncommitted" && false\n' >>"$UINTR_BUILD/linux/Makefile"
sed -i 's/^bzImage:$/bzImage: bzImage2/' "$UINTR_BUILD/linux/Makefile"
harness run
[ $rc -ne 0 ] || fail "./harness run passed with an uncommitted edit that breaks the build"
expect "error: uncommitted"
expect_not "booting:"
git -C "$UINTR_BUILD/linux" checkout -q -- Makefile

# A patch that applies but does not compile, on the tree with binaries.
break_the_build
harness run
[ $rc -ne 0 ] || fail "./harness run passed with a kernel that does not build"
expect "step 'build the kernel' failed"
expect "error: this does not compile"
expect_not "booting:"
harness test
[ $rc -ne 0 ] || fail "./harness test passed with a kernel that does not build"
expect "FAIL build: build the kernel"
expect "0 passed, 1 failed"
expect_not "== harness"
expect_not "booting:"

# An option that the fragment asks for and Kconfig drops.
: >"$UINTR_SERIES_ROOT/linux/series"
printf 'CONFIG_GOOD=y\nCONFIG_MISSING=y\n' >"$UINTR_SERIES_ROOT/linux/uintr-test.config"
harness run
[ $rc -ne 0 ] || fail "./harness run passed with a config option missing"
expect "lacks what the fragments ask for: CONFIG_MISSING=y"
expect_not "booting:"

# A kernel image that is not the one the build recorded.
echo CONFIG_GOOD=y >"$UINTR_SERIES_ROOT/linux/uintr-test.config"
harness run
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out"; fail "the repaired fake world did not pass"; }
echo "6.12.0 #1 SMP some other build" >"$UINTR_BUILD/linux-obj/arch/x86/boot/bzImage.id"
harness boot
[ $rc -ne 0 ] || fail "a guest running another kernel passed"
expect "FAIL boot-smoke: the guest runs the kernel that was just built (the guest runs"
exit 0
