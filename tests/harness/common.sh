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
