# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Fetch and verify the pinned base tarballs.  Sourced by tree.sh.
#
# Files live in $CACHE/src.  A file is only ever moved there after its
# sha256 matched, so an interrupted or failed download never poisons the
# cache.  A cached file that no longer matches is removed and fetched again.

SRC_CACHE=$CACHE/src

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# verify FILE SHA256: exit status only.
verify() {
	[ -f "$1" ] && [ "$(sha256_of "$1")" = "$2" ]
}

# fetch_srcpkg PKG VERSION FILE SHA256 [FILE SHA256]...
# Make sure each FILE of Debian source package PKG=VERSION is in the cache
# with the given checksum.  Returns 1 when the download fails, and dies
# with a clear error when what was downloaded is not what is pinned.
fetch_srcpkg() {
	local pkg=$1 ver=$2 tmp f sum need=0 got i
	shift 2
	local -a pairs=("$@")
	mkdir -p "$SRC_CACHE"
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		f=${pairs[i]} sum=${pairs[i + 1]}
		if [ -e "$SRC_CACHE/$f" ] && ! verify "$SRC_CACHE/$f" "$sum"; then
			warn "$SRC_CACHE/$f is corrupted (sha256 $(sha256_of "$SRC_CACHE/$f"), want $sum); removing it"
			rm -f "$SRC_CACHE/$f"
		fi
		[ -e "$SRC_CACHE/$f" ] || need=1
	done
	[ $need = 1 ] || return 0

	if [ -n "${UINTR_OFFLINE:-}" ]; then
		die "$pkg $ver: base tarball missing from $SRC_CACHE and UINTR_OFFLINE is set"
	fi
	tmp=$(mktemp -d "$SRC_CACHE/.fetch.XXXXXX")
	if [ -n "${UINTR_FETCH_DIR:-}" ]; then
		# A local folder of source package files instead of apt: for
		# machines without the archive, and for the harness's tests.
		log "fetching $pkg $ver from $UINTR_FETCH_DIR"
		for ((i = 0; i < ${#pairs[@]}; i += 2)); do
			f=${pairs[i]}
			[ -e "$SRC_CACHE/$f" ] || cp "$UINTR_FETCH_DIR/$f" "$tmp/" 2>/dev/null || {
				warn "$UINTR_FETCH_DIR has no $f"
				rm -rf "$tmp"
				return 1
			}
		done
	else
		log "fetching Debian source package $pkg=$ver (download only)"
		if ! (cd "$tmp" && apt-get source --download-only -q "$pkg=$ver" >"$tmp/apt.log" 2>&1); then
			warn "apt-get source --download-only $pkg=$ver failed:"
			sed 's/^/    /' "$tmp/apt.log" >&2
			rm -rf "$tmp"
			return 1
		fi
	fi
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		f=${pairs[i]} sum=${pairs[i + 1]}
		[ -e "$SRC_CACHE/$f" ] && continue
		if [ ! -f "$tmp/$f" ]; then
			rm -rf "$tmp"
			die "$pkg $ver: the download has no $f"
		fi
		got=$(sha256_of "$tmp/$f")
		if [ "$got" != "$sum" ]; then
			rm -rf "$tmp"
			die "checksum mismatch for $f: sha256 is $got, $BASES pins $sum (nothing was kept)"
		fi
		mv "$tmp/$f" "$SRC_CACHE/$f"
	done
	rm -rf "$tmp"
}

# Fetch the Linux base tarball if needed.  Sets LINUX_BASE_PATH to it and
# LINUX_BASE_DESC to a description of what it is.
linux_tarball() {
	if fetch_srcpkg "$LINUX_SRCPKG" "$LINUX_SRCVER" \
			"$LINUX_TARBALL" "$LINUX_TARBALL_SHA256"; then
		LINUX_BASE_DESC="$LINUX_TOPDIR, orig tarball of Debian source package $LINUX_SRCPKG $LINUX_SRCVER, sha256 $LINUX_TARBALL_SHA256"
		LINUX_BASE_PATH=$SRC_CACHE/$LINUX_TARBALL
		return 0
	fi
	[ -n "${LINUX_FALLBACK_PKG:-}" ] && [ -z "${UINTR_OFFLINE:-}" ] ||
		die "cannot fetch $LINUX_SRCPKG $LINUX_SRCVER"
	shout "Cannot fetch Debian source package $LINUX_SRCPKG $LINUX_SRCVER." \
	      "FALLING BACK to the binary package $LINUX_FALLBACK_PKG." \
	      "That tree CARRIES DEBIAN'S PATCHES: it is not vanilla Linux," \
	      "and it is not the pinned, checksummed base."
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$LINUX_FALLBACK_PKG" >&2 ||
		die "cannot install $LINUX_FALLBACK_PKG either"
	local t
	t=$(ls /usr/src/"$LINUX_FALLBACK_PKG".tar.* 2>/dev/null | head -n 1)
	[ -n "$t" ] || die "$LINUX_FALLBACK_PKG installed no tarball in /usr/src"
	LINUX_BASE_DESC="FALLBACK $LINUX_FALLBACK_PKG, Debian-patched, not the pinned base"
	LINUX_BASE_PATH=$t
}

# Fetch the QEMU tarballs if needed.
qemu_tarballs() {
	fetch_srcpkg "$QEMU_SRCPKG" "$QEMU_SRCVER" \
		"$QEMU_TARBALL" "$QEMU_TARBALL_SHA256" \
		"$QEMU_DEBIAN_TARBALL" "$QEMU_DEBIAN_TARBALL_SHA256" ||
		die "cannot fetch $QEMU_SRCPKG $QEMU_SRCVER"
}
