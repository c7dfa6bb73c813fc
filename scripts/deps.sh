#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs from Debian's archive, non-interactively.
#
# The deb-src (trixie) and bookworm-backports lines are derived from the
# mirror the machine already uses, so no package host is named here.

. "$(dirname "$0")/lib.sh"

APT_LIST=/etc/apt/sources.list.d/uintr-harness.sources

# Packages from bookworm itself.
PKGS="build-essential flex bison bc libelf-dev libssl-dev ccache cpio
      busybox-static seabios qemu-system-data ninja-build pkg-config
      libglib2.0-dev python3-venv sparse xz-utils git perl dpkg-dev
      coreutils rsync"
# QEMU 10 needs meson >= 1.5; bookworm has 1.0.1, bookworm-backports 1.7.
BACKPORTS_PKGS="meson"

# The first Debian mirror named by the machine's apt sources.
debian_mirror() {
	local f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$APT_LIST" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" |
		      grep -v -- '-security' | grep '/debian/\?$' | head -n 1) || true
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' |
		      grep -v -- '-security' | grep '/debian/\?$' | head -n 1) || true
	fi
	[ -n "$uri" ] || die "cannot find a Debian mirror in the apt sources of this machine"
	printf '%s' "${uri%/}"
}

apt_sources() {
	local mirror want
	mirror=$(debian_mirror)
	want=$(cat <<EOF
# Written by the uintr harness (scripts/deps.sh).
Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
)
	if [ -f "$APT_LIST" ] && [ "$(cat "$APT_LIST")" = "$want" ] &&
	   [ -f "$CACHE/apt-updated" ] && [ "$APT_LIST" -ot "$CACHE/apt-updated" ]; then
		return 0
	fi
	log "apt: adding deb-src trixie and bookworm-backports from $mirror"
	printf '%s\n' "$want" | as_root tee "$APT_LIST.tmp" >/dev/null
	as_root mv "$APT_LIST.tmp" "$APT_LIST"
	log "apt: updating package lists"
	as_root apt-get update -q >&2 || die "apt-get update failed"
	mkdir -p "$CACHE"
	touch "$CACHE/apt-updated"
}

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || printf '%s\n' "$p"
	done
}

meson_ok() {
	local v
	v=$(meson --version 2>/dev/null) || return 1
	[ "$(printf '%s\n1.5.0\n' "$v" | sort -V | head -n 1)" = 1.5.0 ]
}

main() {
	local need
	# The deb-src lines are needed to fetch the bases, even when every
	# package is installed already.
	apt_sources
	# shellcheck disable=SC2086
	need=$(missing_pkgs $PKGS)
	if [ -z "$need" ] && meson_ok; then
		log "deps: everything is installed"
		return 0
	fi
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$need" ]; then
		log "apt: installing: $(echo $need)"
		# shellcheck disable=SC2086
		as_root apt-get install -y -q --no-install-recommends $need >&2 ||
			die "apt-get install failed"
	fi
	if ! meson_ok; then
		log "apt: installing from bookworm-backports: $BACKPORTS_PKGS"
		# shellcheck disable=SC2086
		as_root apt-get install -y -q --no-install-recommends \
			-t bookworm-backports $BACKPORTS_PKGS >&2 ||
			die "apt-get install -t bookworm-backports failed"
		meson_ok || die "meson >= 1.5 is needed; found $(meson --version 2>&1)"
	fi
}

if [ "${1:-}" = --sources-only ]; then
	apt_sources
else
	main
fi
