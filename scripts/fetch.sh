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

# apt_download PKG VERSION DIR: the files of source package PKG=VERSION
# into DIR, with apt.  On failure, shows apt's output and removes DIR.
# FETCH_APT_OPTS (an array, empty by default) adds options to apt-get
# source: --tar-only for a base of which only the orig tarball is used.
FETCH_APT_OPTS=()
apt_download() {
	local pkg=$1 ver=$2 dir=$3
	(cd "$dir" && apt-get source --download-only -q ${FETCH_APT_OPTS[@]+"${FETCH_APT_OPTS[@]}"} \
		"$pkg=$ver" >"$dir/apt.log" 2>&1) && return 0
	warn "apt-get source --download-only $pkg=$ver failed:"
	sed 's/^/    /' "$dir/apt.log" >&2
	rm -rf "$dir"
	return 1
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
		warn "$pkg $ver: base tarball missing from $SRC_CACHE and UINTR_OFFLINE is set"
		return 1
	fi
	tmp=$(mktemp -d "$SRC_CACHE/.fetch.XXXXXX") || die "cannot make a folder in $SRC_CACHE"
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
		apt_download "$pkg" "$ver" "$tmp" || return 1
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
		mv "$tmp/$f" "$SRC_CACHE/$f" || die "cannot move $f into $SRC_CACHE"
	done
	rm -rf "$tmp"
}

# ---- When a pin cannot be had ----------------------------------------
#
# Debian keeps only the current version of a source package in a suite, so
# a pinned version leaves the archive at the next point release.  The
# harness then takes, in this order:
#   (a) the newest version of the same stable line (LINUX_LINE, QEMU_LINE:
#       upstream versions LINE.*) that the archive serves, fetched with
#       "apt-get source --download-only PKG=VERSION".  apt verifies it
#       through its signed chain: the Release file's signature covers the
#       Sources index, the index the .dsc, the .dsc every file.  The .dsc
#       is kept in the cache with the files, and a cached file is used only
#       while it matches the .dsc;
#   (b) for Linux only, Debian's binary package LINUX_FALLBACK_PKG.
# With UINTR_FETCH_DIR, the "archive" is that folder: its PKG_VERSION.dsc
# files list the versions it serves and the files of each.

# The versions of source package PKG that the archive serves, one a line.
srcpkg_versions() {
	local pkg=$1 dsc
	if [ -n "${UINTR_FETCH_DIR:-}" ]; then
		for dsc in "$UINTR_FETCH_DIR"/*.dsc; do
			[ -f "$dsc" ] || continue
			awk -v pkg="$pkg" '/^Source: / { s = $2 } /^Version: / { v = $2 }
				END { if (s == pkg && v != "") print v }' "$dsc"
		done
	else
		apt-cache showsrc "$pkg" 2>/dev/null |
			awk -v pkg="$pkg" '/^Package: / { p = $2 } /^Version: / && p == pkg { print $2 }'
	fi | sort -u
}

# line_versions PKG LINE [EXCEPT]: the versions of PKG whose upstream
# version is LINE.something, EXCEPT left out, newest first.
line_versions() {
	local pkg=$1 line=$2 except=${3:-} v u
	local -a vs=()
	while read -r v; do
		u=${v#*:}
		u=${u%-*}
		case $u in "$line".*) [ "$v" = "$except" ] || vs+=("$v") ;; esac
	done < <(srcpkg_versions "$pkg")
	# Newest first, by Debian's own ordering.
	local i j t
	for ((i = 1; i < ${#vs[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			dpkg --compare-versions "${vs[j]}" gt "${vs[j - 1]}" || break
			t=${vs[j]} vs[j]=${vs[j - 1]} vs[j - 1]=$t
		done
	done
	[ ${#vs[@]} -eq 0 ] || printf '%s\n' "${vs[@]}"
}

# The file name of the .dsc of PKG=VERSION (no epoch in file names).
dsc_name() { printf '%s_%s.dsc' "$1" "${2#*:}"; }

# dsc_files DSC: "SHA256 NAME" of every file the .dsc lists.
dsc_files() {
	awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ \t]/ { on = 0 }
	     on && NF == 3 { print $1, $3 }' "$1"
}

# The files of a .dsc that a base is made from: the orig and debian tarballs.
dsc_wanted() { dsc_files "$1" | awk '$2 ~ /\.(orig|debian)\.tar\.[a-z0-9]+$/'; }

# cached_version PKG VERSION: the .dsc and the tarballs of PKG=VERSION are
# all in the cache, and match.
cached_version() {
	local dsc sum f
	dsc=$SRC_CACHE/$(dsc_name "$1" "$2")
	[ -f "$dsc" ] && [ -n "$(dsc_wanted "$dsc")" ] || return 1
	while read -r sum f; do
		verify "$SRC_CACHE/$f" "$sum" || return 1
	done < <(dsc_wanted "$dsc")
}

# fetch_version PKG VERSION: bring the .dsc and the tarballs of PKG=VERSION
# into the cache, verified; returns 1 when they cannot be had.
fetch_version() {
	local pkg=$1 ver=$2 tmp dsc sum f
	cached_version "$pkg" "$ver" && return 0
	[ -z "${UINTR_OFFLINE:-}" ] || return 1
	mkdir -p "$SRC_CACHE"
	tmp=$(mktemp -d "$SRC_CACHE/.fetch.XXXXXX") || die "cannot make a folder in $SRC_CACHE"
	dsc=$(dsc_name "$pkg" "$ver")
	if [ -n "${UINTR_FETCH_DIR:-}" ]; then
		log "fetching $pkg $ver from $UINTR_FETCH_DIR"
		if ! cp "$UINTR_FETCH_DIR/$dsc" "$tmp/" 2>/dev/null ||
		   ! dsc_files "$tmp/$dsc" | while read -r sum f; do
				cp "$UINTR_FETCH_DIR/$f" "$tmp/" || exit 1
			done; then
			warn "$UINTR_FETCH_DIR does not have all of $pkg $ver"
			rm -rf "$tmp"
			return 1
		fi
	else
		log "fetching Debian source package $pkg=$ver (download only; apt verifies it through the signed Release file, the Sources index and the .dsc)"
		apt_download "$pkg" "$ver" "$tmp" || return 1
	fi
	# apt has checked every file against the .dsc; check again what is
	# kept (and what a fake archive gave), then keep the .dsc last.
	if [ ! -f "$tmp/$dsc" ] || [ -z "$(dsc_wanted "$tmp/$dsc")" ]; then
		warn "$pkg $ver: no $dsc with an orig tarball in the download"
		rm -rf "$tmp"
		return 1
	fi
	while read -r sum f; do
		if ! verify "$tmp/$f" "$sum"; then
			warn "$pkg $ver: $f does not match its .dsc"
			rm -rf "$tmp"
			return 1
		fi
	done < <(dsc_wanted "$tmp/$dsc")
	dsc_wanted "$tmp/$dsc" | while read -r sum f; do mv "$tmp/$f" "$SRC_CACHE/$f" || exit 1; done ||
		die "cannot move the files of $dsc into $SRC_CACHE"
	mv "$tmp/$dsc" "$SRC_CACHE/$dsc" || die "cannot move $dsc into $SRC_CACHE"
	rm -rf "$tmp"
}

# fallback_source PKG LINE PINNED: fetch the newest version of the stable
# line that can be had; sets FALLBACK_VER and FALLBACK_DSC (in the cache).
fallback_source() {
	local pkg=$1 line=$2 pinned=$3 v
	[ -n "$line" ] || return 1
	for v in $(line_versions "$pkg" "$line" "$pinned"); do
		if fetch_version "$pkg" "$v"; then
			FALLBACK_VER=$v
			FALLBACK_DSC=$SRC_CACHE/$(dsc_name "$pkg" "$v")
			return 0
		fi
	done
	warn "the archive serves no other version of $pkg $line.* that can be had"
	return 1
}

# dsc_file DSC KIND: the cached file of that kind (orig, debian) and its
# sha256, as "NAME SHA256".
dsc_file() {
	dsc_wanted "$1" | awk -v kind="$2" '$2 ~ "\\." kind "\\.tar\\." { print $2, $1; exit }'
}

# resolve_linux STAMP_BASE: what the Linux tree is made from.  Sets
# BASE_ID (the stamp's base= line), LINUX_BASE_PATH and LINUX_BASE_DESC.
# STAMP_BASE is the base of the existing tree: while it is the pinned base,
# nothing is fetched.
resolve_linux() {
	local pinned="tarball:$LINUX_TARBALL_SHA256" f sum t ver
	LINUX_BASE_DESC="$LINUX_TOPDIR, orig tarball of Debian source package $LINUX_SRCPKG $LINUX_SRCVER, sha256 $LINUX_TARBALL_SHA256"
	LINUX_BASE_PATH=$SRC_CACHE/$LINUX_TARBALL
	BASE_ID=$pinned
	[ "$1" != "$pinned" ] || return 0
	fetch_srcpkg "$LINUX_SRCPKG" "$LINUX_SRCVER" \
		"$LINUX_TARBALL" "$LINUX_TARBALL_SHA256" && return 0

	log "linux: the pinned $LINUX_SRCPKG $LINUX_SRCVER cannot be had; looking for the newest $LINUX_SRCPKG ${LINUX_LINE:-?}.* in the archive"
	if fallback_source "$LINUX_SRCPKG" "${LINUX_LINE:-}" "$LINUX_SRCVER"; then
		read -r f sum < <(dsc_file "$FALLBACK_DSC" orig)
		BASE_ID="FALLBACK source $LINUX_SRCPKG=$FALLBACK_VER $f sha256:$sum"
		LINUX_BASE_DESC="FALLBACK $f, orig tarball of Debian source package $LINUX_SRCPKG $FALLBACK_VER, sha256 $sum; not the pinned $LINUX_SRCPKG $LINUX_SRCVER"
		LINUX_BASE_PATH=$SRC_CACHE/$f
		return 0
	fi

	[ -n "${LINUX_FALLBACK_PKG:-}" ] || die "cannot fetch $LINUX_SRCPKG $LINUX_SRCVER"
	if [ -z "$(ls /usr/src/"$LINUX_FALLBACK_PKG".tar.* 2>/dev/null)" ]; then
		[ -z "${UINTR_OFFLINE:-}" ] ||
			die "cannot fetch $LINUX_SRCPKG $LINUX_SRCVER, and $LINUX_FALLBACK_PKG is not installed (UINTR_OFFLINE is set)"
		log "linux: installing $LINUX_FALLBACK_PKG, the last fallback"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "$LINUX_FALLBACK_PKG" >&2 ||
			die "cannot fetch $LINUX_SRCPKG $LINUX_SRCVER, nor install $LINUX_FALLBACK_PKG"
	fi
	t=$(ls /usr/src/"$LINUX_FALLBACK_PKG".tar.* 2>/dev/null | head -n 1)
	[ -n "$t" ] || die "$LINUX_FALLBACK_PKG installed no tarball in /usr/src"
	ver=$(dpkg-query -W -f='${Version}' "$LINUX_FALLBACK_PKG" 2>/dev/null) || ver=unknown
	sum=$(sha256_of "$t")
	BASE_ID="FALLBACK binary $LINUX_FALLBACK_PKG=$ver $t sha256:$sum (Debian-patched)"
	LINUX_BASE_DESC="FALLBACK $LINUX_FALLBACK_PKG $ver ($t, sha256 $sum): CARRIES DEBIAN'S PATCHES; not the pinned $LINUX_SRCPKG $LINUX_SRCVER"
	LINUX_BASE_PATH=$t
}

# resolve_qemu STAMP_BASE: what the QEMU tree is made from.  Sets BASE_ID,
# QEMU_BASE_ORIG, QEMU_BASE_DEBIAN (paths) and QEMU_BASE_DESC.
resolve_qemu() {
	local patches pinned of os df ds
	patches=$(echo $QEMU_DEBIAN_PATCHES | tr ' ' ,)
	pinned="tarball:$QEMU_TARBALL_SHA256+$QEMU_DEBIAN_TARBALL_SHA256+$patches"
	QEMU_BASE_ORIG=$SRC_CACHE/$QEMU_TARBALL
	QEMU_BASE_DEBIAN=$SRC_CACHE/$QEMU_DEBIAN_TARBALL
	QEMU_BASE_DESC="QEMU $QEMU_SRCVER with Debian's $QEMU_DEBIAN_PATCHES"
	BASE_ID=$pinned
	[ "$1" != "$pinned" ] || return 0
	fetch_srcpkg "$QEMU_SRCPKG" "$QEMU_SRCVER" \
		"$QEMU_TARBALL" "$QEMU_TARBALL_SHA256" \
		"$QEMU_DEBIAN_TARBALL" "$QEMU_DEBIAN_TARBALL_SHA256" && return 0

	log "qemu: the pinned $QEMU_SRCPKG $QEMU_SRCVER cannot be had; looking for the newest $QEMU_SRCPKG ${QEMU_LINE:-?}.* in the archive"
	fallback_source "$QEMU_SRCPKG" "${QEMU_LINE:-}" "$QEMU_SRCVER" ||
		die "cannot fetch $QEMU_SRCPKG $QEMU_SRCVER"
	read -r of os < <(dsc_file "$FALLBACK_DSC" orig)
	read -r df ds < <(dsc_file "$FALLBACK_DSC" debian)
	[ -n "${df:-}" ] || die "$QEMU_SRCPKG $FALLBACK_VER has no debian tarball, which the patches $QEMU_DEBIAN_PATCHES come from"
	BASE_ID="FALLBACK source $QEMU_SRCPKG=$FALLBACK_VER $of sha256:$os $df sha256:$ds patches:$patches"
	QEMU_BASE_ORIG=$SRC_CACHE/$of
	QEMU_BASE_DEBIAN=$SRC_CACHE/$df
	QEMU_BASE_DESC="FALLBACK QEMU $FALLBACK_VER ($of, sha256 $os) with Debian's $QEMU_DEBIAN_PATCHES from $df; not the pinned $QEMU_SRCPKG $QEMU_SRCVER"
}
