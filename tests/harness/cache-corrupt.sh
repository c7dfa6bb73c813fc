#!/usr/bin/env bash
# A corrupted tarball in the cache is detected, removed and fetched again;
# one that cannot be fetched again is a clear error.
. "$(dirname "$0")/common.sh"
make_base
mkdir -p "$UINTR_CACHE/src"
head -c 50 "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" >"$UINTR_CACHE/src/fake_1.0.orig.tar.xz"
prepare || { sed 's/^/# /' "$T/out"; fail "prepare did not recover from a corrupted cache"; }
expect_error "is corrupted"
cmp -s "$UINTR_CACHE/src/fake_1.0.orig.tar.xz" "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" ||
	fail "the cache was not repaired"
rm -rf "$UINTR_BUILD"
head -c 50 "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" >"$UINTR_CACHE/src/fake_1.0.orig.tar.xz"
export UINTR_OFFLINE=1
! prepare || fail "prepare used a corrupted tarball"
expect_error "is corrupted"
expect_error "missing from"
[ ! -e "$UINTR_CACHE/src/fake_1.0.orig.tar.xz" ] || fail "the corrupted tarball was kept"
expect_clean
