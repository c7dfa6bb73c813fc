#!/usr/bin/env bash
# The apt sources the harness adds follow the machine's own bookworm entry,
# whatever its form: deb822 or one-line, https, http, mirror+file:, a
# caching proxy's URI; with none, a clear error names UINTR_DEBIAN_MIRROR.
. "$(dirname "$0")/common.sh"
export UINTR_APT_ETC=$T/apt
unset UINTR_DEBIAN_MIRROR

# canned: a fresh scratch apt folder; the sources come on stdin (FILE).
canned() {
	rm -rf "$UINTR_APT_ETC"
	mkdir -p "$UINTR_APT_ETC/sources.list.d" "$UINTR_APT_ETC/lists/partial"
	cat >"$UINTR_APT_ETC/$1"
}

# expect_sources URI [SIGNED-BY LINE...]: the stanzas of $STANZAS (default
# both) use URI and carry exactly the Signed-By lines given.
expect_sources() {
	local uri=$1 s n=0
	shift
	"$ROOT/scripts/deps.sh" --print-sources >"$T/out" 2>&1 ||
		{ sed 's/^/# /' "$T/out"; fail "no sources derived for $uri"; }
	grep -v '^#' "$T/out" >"$T/got" || true
	for s in ${STANZAS:-deb-src:trixie deb:bookworm-backports}; do
		[ $((n++)) -eq 0 ] || echo
		printf 'Types: %s\nURIs: %s\nSuites: %s\nComponents: main\n' "${s%:*}" "$uri" "${s#*:}"
		[ $# -eq 0 ] || printf '%s\n' "$@"
	done >"$T/want"
	diff -u "$T/want" "$T/got" >"$T/diff" || { sed 's/^/# /' "$T/diff"; fail "wrong sources for $uri"; }
}

# deb822, https, after a security stanza and a disabled one.
canned sources.list.d/debian.sources <<'EOT'
# The machine's sources.

Types: deb
URIs: https://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: https://old.example.org/debian
Suites: bookworm
Components: main
Enabled: no

# The main archive.
Types: deb deb-src
URIs: https://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main contrib non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
expect_sources https://mirror.example.org/debian \
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"

# One-line, http, with options and comments.
canned sources.list <<'EOT'
# deb http://commented.example.org/debian bookworm main
deb http://mirror.example.org/debian-security bookworm-security main
deb [ arch=amd64 signed-by=/etc/apt/keyrings/debian.gpg ] http://mirror.example.org/debian bookworm main contrib
deb-src [ signed-by=/etc/apt/keyrings/debian.gpg ] http://mirror.example.org/debian bookworm main
EOT
expect_sources http://mirror.example.org/debian "Signed-By: /etc/apt/keyrings/debian.gpg"

# One-line, without signed-by: none is added either.
canned sources.list <<'EOT'
deb http://mirror.example.org/debian bookworm main
EOT
expect_sources http://mirror.example.org/debian

# mirror+file:, kept as written; bookworm-backports is there already, so
# only trixie's deb-src is added.
canned sources.list.d/debian.sources <<'EOT'
Types: deb
URIs: mirror+file:///etc/apt/mirrors/debian.list
Suites: bookworm bookworm-updates bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
STANZAS=deb-src:trixie expect_sources mirror+file:///etc/apt/mirrors/debian.list \
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
expect_error "deb bookworm-backports main: already in .*/debian.sources:1"
# Both are there already: nothing is added.
cat >>"$UINTR_APT_ETC/sources.list.d/debian.sources" <<'EOT'

Types: deb-src
URIs: mirror+file:///etc/apt/mirrors/debian.list
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
STANZAS=" " expect_sources mirror+file:///etc/apt/mirrors/debian.list
expect_error "deb-src trixie main: already in .*/debian.sources:2"

# A caching proxy (apt-cacher style URI), and a key given inline.
canned sources.list.d/proxy.sources <<'EOT'
Types: deb
URIs: http://cache.example.org:3142/mirror.example.org/debian
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w
 -----END PGP PUBLIC KEY BLOCK-----
EOT
expect_sources http://cache.example.org:3142/mirror.example.org/debian \
	"Signed-By:" \
	" -----BEGIN PGP PUBLIC KEY BLOCK-----" \
	" ." \
	" mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w" \
	" -----END PGP PUBLIC KEY BLOCK-----"

# Another vendor's "bookworm main" comes first; the entry whose downloaded
# Release file says "Origin: Debian" is taken.
canned sources.list <<'EOT'
deb http://vendor.example.org/php bookworm main
deb http://mirror.example.org/debian bookworm main
EOT
L=$UINTR_APT_ETC/lists/mirror.example.org_debian_dists_bookworm
printf 'Origin: Debian\nLabel: Debian\nCodename: bookworm\nComponents: main\n' >"${L}_InRelease"
: >"${L}_main_binary-$(dpkg --print-architecture)_Packages"
expect_sources http://mirror.example.org/debian

# None: only security updates and another distribution's packages, and
# the harness's own file, which is never taken for the machine's entry.
canned sources.list <<'EOT'
deb http://mirror.example.org/debian-security bookworm-security main
deb http://vendor.example.org/apt stable main
EOT
cat >"$UINTR_APT_ETC/sources.list.d/uintr-harness.sources" <<'EOT'
Types: deb
URIs: http://stale.example.org/debian
Suites: bookworm
Components: main
EOT
! "$ROOT/scripts/deps.sh" --print-sources >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "sources were derived from nothing"; }
expect_error "cannot find the Debian mirror"
expect_error "UINTR_DEBIAN_MIRROR=<uri>"
# ... and the variable it names is taken.
UINTR_DEBIAN_MIRROR=http://mirror.example.org/debian/ expect_sources http://mirror.example.org/debian \
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
exit 0
