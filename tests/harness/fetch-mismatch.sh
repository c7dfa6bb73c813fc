#!/usr/bin/env bash
# A download whose sha256 is not the pinned one is refused and not kept.
. "$(dirname "$0")/common.sh"
make_base
pin 0000000000000000000000000000000000000000000000000000000000000000
! prepare || fail "prepare accepted a tarball with the wrong checksum"
expect_error "checksum mismatch for fake_1.0.orig.tar.xz"
[ ! -e "$UINTR_CACHE/src/fake_1.0.orig.tar.xz" ] || fail "the mismatching tarball was kept"
expect_clean
# With the right pin the next run works: nothing was poisoned.
make_base
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed after the pin was fixed"; }
