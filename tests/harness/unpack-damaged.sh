#!/usr/bin/env bash
# A tarball that matches its pin but cannot be unpacked is a clear error
# and leaves no half-made tree.
. "$(dirname "$0")/common.sh"
make_base
size=$(stat -c %s "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz")
head -c $((size / 2)) "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" >"$T/damaged"
mv "$T/damaged" "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz"
pin "$(sha256sum <"$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" | cut -d' ' -f1)"
! prepare || { sed "s/^/# /" "$T/out"; fail "prepare succeeded with a damaged tarball"; }
expect_error "cannot unpack"
expect_clean
