#!/usr/bin/env bash
# A pinned base the archive no longer has: the newest version of the same
# stable line is used, announced on every run and recorded in the stamp;
# the pinned base is taken again once it is back.  The same for QEMU, whose
# Debian patches come from the fallback version's own debian tarball.
. "$(dirname "$0")/common.sh"
make_base
echo "LINUX_LINE=1.0" >>"$UINTR_BASES"
mv "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" "$T/pinned.tar.xz"
archive_version fake 1.0.2-1
archive_version fake 1.0.3-1
archive_version fake 1.1.0-1      # newer, but another stable line
series_of_readme_patch
W=$UINTR_BUILD/linux
sha() { sha256sum <"$1" | cut -d' ' -f1; }

prepare || { sed 's/^/# /' "$T/out"; fail "prepare did not fall back"; }
expect_error "the pinned fake 1.0-1 cannot be had"
expect_error "IS NOT MADE FROM THE PINNED BASE"
expect_error "fake 1.0-1 (fake_1.0.orig.tar.xz), which could not be had"
expect_error "source fake=1.0.3-1 fake_1.0.3.orig.tar.xz"
grep -qx 'version 1.0.3' "$W/README" || fail "not made from the newest version of the line"
grep -qx 'second, changed' "$W/README" || fail "the series was not applied to the fallback"
[ "$(sed -n 's/^base=//p' "$W/.git/uintr-harness")" = \
  "FALLBACK source fake=1.0.3-1 fake_1.0.3.orig.tar.xz sha256:$(sha "$UINTR_FETCH_DIR/fake_1.0.3.orig.tar.xz")" ] ||
	fail "the stamp does not record the fallback: $(grep base= "$W/.git/uintr-harness")"
git -C "$W" log --format=%s HEAD~1 | grep -q '^Base: FALLBACK fake_1.0.3.orig.tar.xz' ||
	fail "the base commit does not say it is a fallback"
head=$(git -C "$W" rev-parse HEAD)

# The next run rebuilds nothing, and says it again.
prepare || { sed 's/^/# /' "$T/out"; fail "the second prepare failed"; }
expect_error "IS NOT MADE FROM THE PINNED BASE"
! grep -q "unpacking" "$T/out" || fail "the tree was made anew although nothing changed"
[ "$(git -C "$W" rev-parse HEAD)" = "$head" ] || fail "the tree moved"

# A file that does not match its .dsc is refused; the next version is taken.
archive_version fake 1.0.4-1
echo garbage >>"$UINTR_FETCH_DIR/fake_1.0.4.orig.tar.xz"
prepare || { sed 's/^/# /' "$T/out"; fail "a damaged newest version stopped the fallback"; }
expect_error "fake_1.0.4.orig.tar.xz does not match its .dsc"
grep -qx 'version 1.0.3' "$W/README" || fail "the damaged version was used"
! compgen -G "$UINTR_CACHE/src/*1.0.4*" >/dev/null || fail "the damaged version was kept in the cache"

# A newer version of the line in the archive is the new base.
archive_version fake 1.0.5-1
prepare || { sed 's/^/# /' "$T/out"; fail "prepare did not move to the newer version"; }
grep -qx 'version 1.0.5' "$W/README" || fail "the newer version of the line was not taken"
expect_error "source fake=1.0.5-1"

# The pinned base is back: the tree is made from it again, and nothing is
# announced.
mv "$T/pinned.tar.xz" "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz"
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed with the pin back"; }
! grep -q 'FALLBACK\|NOT MADE FROM THE PINNED' "$T/out" || fail "the pinned base is announced as a fallback"
! grep -q 'version' "$W/README" || fail "the tree is not made from the pinned base"
grep -q '^base=tarball:' "$W/.git/uintr-harness" || fail "the stamp does not record the pinned base"

# Nothing of the line can be had, and no binary fallback: a clear error.
rm -rf "$UINTR_BUILD" "$UINTR_CACHE" "${UINTR_FETCH_DIR:?}"/*
archive_version fake 1.1.0-1
! prepare || fail "prepare succeeded without any base of the line"
expect_error "the archive serves no other version of fake 1.0.\* that can be had"
expect_error "cannot fetch fake 1.0-1"
expect_clean

# QEMU: the fallback version's own Debian patches are applied.
cat >>"$UINTR_BASES" <<'EOT'
QEMU_SRCPKG=fakeq
QEMU_SRCVER=1:2.0.1+ds-1
QEMU_TARBALL=fakeq_2.0.1+ds.orig.tar.xz
QEMU_TARBALL_SHA256=0000000000000000000000000000000000000000000000000000000000000000
QEMU_DEBIAN_TARBALL=fakeq_2.0.1+ds-1.debian.tar.xz
QEMU_DEBIAN_TARBALL_SHA256=0000000000000000000000000000000000000000000000000000000000000000
QEMU_LINE=2.0
QEMU_DEBIAN_PATCHES=build.patch
EOT
archive_version fakeq 1:2.0.2+ds-1 "patched by 2.0.2"
archive_version fakeq 1:2.0.3+ds-1 "patched by 2.0.3"
: >"$UINTR_SERIES_ROOT/qemu/series"
"$ROOT/scripts/tree.sh" prepare qemu >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "QEMU did not fall back"; }
Q=$UINTR_BUILD/qemu
expect_error "IS NOT MADE FROM THE PINNED BASE"
grep -qx 'version 2.0.3+ds' "$Q/README" || fail "QEMU is not made from the newest version of the line"
grep -qx 'patched by 2.0.3' "$Q/README" || fail "the Debian patch does not come from the fallback version"
grep -q '^base=FALLBACK source fakeq=1:2.0.3+ds-1 fakeq_2.0.3+ds.orig.tar.xz sha256:[0-9a-f]* fakeq_2.0.3+ds-1.debian.tar.xz sha256:[0-9a-f]* patches:build.patch$' \
	"$Q/.git/uintr-harness" || fail "the QEMU stamp does not record the fallback: $(grep base= "$Q/.git/uintr-harness")"
exit 0
