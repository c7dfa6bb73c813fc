#!/usr/bin/env bash
# A base tarball that cannot be had stops the harness with a clear error.
. "$(dirname "$0")/common.sh"
make_base
rm "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz"
! prepare || fail "prepare succeeded without a base tarball"
expect_error "has no fake_1.0.orig.tar.xz"
expect_error "cannot fetch fake"
expect_clean
# Through apt as well: a version the archive does not have.
unset UINTR_FETCH_DIR
sed -i 's/^LINUX_SRCVER=.*/LINUX_SRCVER=0.0.0-0/' "$UINTR_BASES"
! prepare || fail "prepare succeeded with a version the archive lacks"
expect_error "apt-get source --download-only fake=0.0.0-0 failed"
expect_clean
