# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of the harness's own tests.  Each test runs in a scratch folder
# with its own build folder, cache, base pins and series, so it can never
# touch the real trees or the real cache.

set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export UINTR_BUILD=$T/build UINTR_CACHE=$T/cache UINTR_SERIES_ROOT=$T/series
export UINTR_FETCH_DIR=$T/archive UINTR_BASES=$T/bases.conf
# The counts of the real run must not see this test's parses and boots.
unset UINTR_RESULTS
mkdir -p "$UINTR_FETCH_DIR" "$UINTR_SERIES_ROOT/linux" "$UINTR_SERIES_ROOT/qemu"
: >"$UINTR_SERIES_ROOT/linux/series"

fail() { echo "# FAIL: $*"; exit 1; }

# make_base: a tiny "linux" base tarball in the archive, pinned in bases.conf.
make_base() {
	mkdir -p "$T/src/fake-1.0/lib"
	printf 'first\nsecond\nthird\n' >"$T/src/fake-1.0/README"
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$T/src/fake-1.0/lib/main.c"
	tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" fake-1.0
	pin "$(sha256sum <"$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" | cut -d' ' -f1)"
}

# pin SHA256: write bases.conf for the fake base with that checksum.
pin() {
	cat >"$UINTR_BASES" <<EOT
LINUX_SRCPKG=fake
LINUX_SRCVER=1.0-1
LINUX_TARBALL=fake_1.0.orig.tar.xz
LINUX_TARBALL_SHA256=$1
LINUX_TOPDIR=fake-1.0
LINUX_FALLBACK_PKG=
EOT
}

# archive_version PKG VERSION [DEBIAN_PATCH]: source package PKG=VERSION
# in the fake archive, as apt would serve it: PKG_UPSTREAM.orig.tar.xz,
# whose README names the version, and PKG_VERSION.dsc, which lists the
# version and its files (and, with a third argument, a debian tarball
# holding debian/patches/build.patch, which adds that line to the README).
# The .dsc files are how the fake archive lists its versions.
archive_version() {
	local pkg=$1 ver=$2 up=${2#*:} f sums=""
	up=${up%-*}
	rm -rf "$T/src/$pkg-$up"
	mkdir -p "$T/src/$pkg-$up/lib"
	printf 'first\nsecond\nthird\nversion %s\n' "$up" >"$T/src/$pkg-$up/README"
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$T/src/$pkg-$up/lib/main.c"
	tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/${pkg}_$up.orig.tar.xz" "$pkg-$up"
	local -a files=("${pkg}_$up.orig.tar.xz")
	if [ $# -gt 2 ]; then
		mkdir -p "$T/deb-$ver/debian/patches"
		printf -- '--- a/README\n+++ b/README\n@@ -1 +1,2 @@\n first\n+%s\n' "$3" \
			>"$T/deb-$ver/debian/patches/build.patch"
		tar -C "$T/deb-$ver" -cJf "$UINTR_FETCH_DIR/${pkg}_${ver#*:}.debian.tar.xz" debian
		files+=("${pkg}_${ver#*:}.debian.tar.xz")
	fi
	for f in "${files[@]}"; do
		sums="$sums $(sha256sum <"$UINTR_FETCH_DIR/$f" | cut -d' ' -f1) $(stat -c %s "$UINTR_FETCH_DIR/$f") $f
"
	done
	printf 'Format: 3.0 (quilt)\nSource: %s\nVersion: %s\nChecksums-Sha256:\n%s' \
		"$pkg" "$ver" "$sums" >"$UINTR_FETCH_DIR/${pkg}_${ver#*:}.dsc"
}

prepare() { "$ROOT/scripts/tree.sh" prepare linux >"$T/out" 2>&1; }

# expect_fail WORDS: the last command failed and said WORDS.
expect_error() {
	grep -q -- "$1" "$T/out" || { cat "$T/out" | sed 's/^/# /'; fail "no '$1' in the output"; }
}

# Nothing half-written: no tree, no temporary tree, no partial download.
expect_clean() {
	[ ! -e "$UINTR_BUILD/linux" ] || fail "a tree was left in $UINTR_BUILD/linux"
	! ls -d "$UINTR_BUILD"/.tmp-* >/dev/null 2>&1 || fail "a temporary tree was left"
	! ls -d "$UINTR_CACHE"/src/.fetch.* >/dev/null 2>&1 || fail "a partial download was left"
}

# series_of_readme_patch: the linux series is one patch that changes the
# second line of the fake base's README to "second, changed".
series_of_readme_patch() {
	cat >"$UINTR_SERIES_ROOT/linux/lib-Change-the-README.patch" <<'EOT'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Some One <someone@example.org>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] lib: Change the README

---
 README | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/README b/README
--- a/README
+++ b/README
@@ -1,3 +1,3 @@
 first
-second
+second, changed
 third
EOT
	echo lib-Change-the-README.patch >"$UINTR_SERIES_ROOT/linux/series"
}
