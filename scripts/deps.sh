#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs from Debian's archive, non-interactively.
#
# The deb-src (trixie) and bookworm-backports lines are derived from the
# mirror the machine already uses, so no package host is named here.
#
#   deps.sh                  install what is missing
#   deps.sh --post-check     the same, and what "./harness post-check" needs
#   deps.sh --sources-only   only write the apt sources (and update)
#   deps.sh --print-sources  print the apt sources it would write

. "$(dirname "$0")/lib.sh"

# The machine's apt configuration; UINTR_APT_ETC points the mirror detection
# at another folder of the same shape (for the harness's tests).
APT_ETC=${UINTR_APT_ETC:-/etc/apt}
APT_LIST=$APT_ETC/sources.list.d/uintr-harness.sources
APT_OPTS=()
if [ -n "${UINTR_APT_ETC:-}" ]; then
	APT_OPTS=(-o "Dir::Etc=$APT_ETC")
	[ ! -d "$APT_ETC/lists" ] || APT_OPTS+=(-o "Dir::State::Lists=$APT_ETC/lists")
fi

# Packages from bookworm itself.  python3-ply and python3-git are what
# checkpatch.pl's scripts/spdxcheck.py imports; python3-sphinx builds the
# documentation in check-series.
PKGS="build-essential flex bison bc libelf-dev libssl-dev ccache cpio
      busybox-static seabios qemu-system-data ninja-build pkg-config
      libglib2.0-dev python3-venv sparse xz-utils git perl dpkg-dev
      coreutils rsync python3-ply python3-git
      python3-sphinx python3-sphinx-rtd-theme"
# What only "./harness post-check" needs: the man-page linters (groff-base
# has groff and its man macros) and b4, which writes the mails.
POST_CHECK_PKGS="mandoc groff-base b4"
# QEMU 10 needs meson >= 1.5; bookworm has 1.0.1, bookworm-backports 1.7.
BACKPORTS_PKGS="meson"

# The entry of the apt sources that apt itself uses for bookworm's main
# packages, as "SITE|FILE:N" (FILE:N is apt's own "Sourcesentry": a line of
# a one-line file, a stanza of a deb822 file).  An entry whose Release file
# says "Origin: Debian" comes first; without downloaded lists, the first
# entry in apt's order.  Prints nothing when there is none.
bookworm_entry() {
	local fmt all rel
	# shellcheck disable=SC2016
	fmt='$(TARGET_OF)|$(RELEASE)|$(COMPONENT)|$(SITE)|$(SOURCESENTRY)'
	if ! all=$(apt-get "${APT_OPTS[@]}" indextargets --no-release-info --format "$fmt" 2>&1); then
		warn "apt cannot read the sources of this machine:"
		printf '%s\n' "$all" | sort -u | sed 's/^/    /' >&2
		return 0
	fi
	# shellcheck disable=SC2016
	rel=$(apt-get "${APT_OPTS[@]}" indextargets --format '$(SITE)|$(RELEASE)|$(ORIGIN)|$(CODENAME)' 2>/dev/null) || true
	awk -F'|' -v own="$APT_LIST:" '
		NR == FNR { origin[$1 "|" $2] = $3; codename[$1 "|" $2] = $4; next }
		$1 == "deb" && $3 == "main" && index($5, own) != 1 &&
		($2 == "bookworm" || codename[$4 "|" $2] == "bookworm") && !seen[$4 "|" $5]++ {
			n++; entry[n] = $4 "|" $5; debian[n] = origin[$4 "|" $2] == "Debian"
		}
		END {
			for (i = 1; i <= n; i++)
				if (debian[i]) { print entry[i]; exit }
			if (n) print entry[1]
		}' <(printf '%s\n' "$rel") <(printf '%s\n' "$all")
}

# apt_has TYPE SUITE: the entry (FILE:N) of the machine's own sources that
# already gives apt "TYPE SUITE main", if there is one.
apt_has() {
	# shellcheck disable=SC2016
	apt-get "${APT_OPTS[@]}" indextargets --no-release-info \
		--format '$(TARGET_OF)|$(RELEASE)|$(COMPONENT)|$(SOURCESENTRY)' 2>/dev/null |
		awk -F'|' -v t="$1" -v s="$2" -v own="$APT_LIST:" '
			$1 == t && $2 == s && $3 == "main" && index($4, own) != 1 { print $4; exit }'
}

# entry_field FILE:N: the lines of the URIs and Signed-By fields of that
# entry, in deb822 form, as written there (a one-line entry is converted).
entry_fields() {
	local file=${1%:*} n=${1##*:}
	case $file in
	*.sources)
		awk -v want="$n" '
			/^[ \t]*$/ { inpara = 0; infield = 0; next }
			/^#/ { next }
			!inpara { inpara = 1; para++ }
			para != want { next }
			/^[ \t]/ { if (infield) print; next }
			{
				name = tolower($0); sub(/:.*/, "", name)
				infield = name == "uris" || name == "signed-by"
				if (infield) print
			}' "$file"
		;;
	*)
		sed -n "${n}p" "$file" | awk '{
			sub(/#.*/, "")
			opts = ""
			if (match($0, /\[[^]]*\]/)) {
				opts = substr($0, RSTART + 1, RLENGTH - 2)
				$0 = substr($0, 1, RSTART - 1) " " substr($0, RSTART + RLENGTH)
			}
			print "URIs: " $2
			n = split(opts, o, /[ \t]+/)
			for (i = 1; i <= n; i++)
				if (tolower(o[i]) ~ /^signed-by=/) print "Signed-By: " substr(o[i], 11)
		}'
		;;
	esac
}

# The deb-src (trixie) and deb (bookworm-backports) stanzas the harness
# needs, on the same mirror, through the same URI form (http, https,
# mirror+file:, a caching proxy's URI...) and with the same Signed-By as the
# machine's own bookworm entry.  UINTR_DEBIAN_MIRROR overrides the URI.
sources_text() {
	local entry site fields uri signed nuris
	if [ -n "${UINTR_DEBIAN_MIRROR:-}" ]; then
		uri=${UINTR_DEBIAN_MIRROR%/}
		signed="Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
		entry="UINTR_DEBIAN_MIRROR"
	else
		entry=$(bookworm_entry)
		[ -n "$entry" ] || die "cannot find the Debian mirror of this machine: apt has no entry for bookworm main (Types: deb) in $APT_ETC/sources.list or $APT_ETC/sources.list.d/.  Set UINTR_DEBIAN_MIRROR=<uri> to the URI of a Debian mirror (the one apt uses for bookworm) and run again"
		site=${entry%%|*}
		entry=${entry#*|}
		fields=$(entry_fields "$entry")
		# The URI as it is written there; apt's normalised form when
		# the entry names several.
		nuris=$(printf '%s\n' "$fields" | sed -n 's/^[Uu][Rr][Ii][Ss]:[ \t]*//p' | wc -w)
		if [ "$nuris" -eq 1 ]; then
			uri=$(printf '%s\n' "$fields" | sed -n 's/^[Uu][Rr][Ii][Ss]:[ \t]*//p' | tr -d ' \t')
		else
			uri=$site
		fi
		uri=${uri%/}
		signed=$(printf '%s\n' "$fields" | awk '
			/^[ \t]/ { if (infield) print; next }
			{ infield = tolower($0) ~ /^signed-by:/; if (infield) print }')
	fi
	# What the machine's sources give apt already is not added again: a
	# second entry for the same suite only warns, or conflicts when its
	# Signed-By differs.
	local stanza have n=0
	printf '# Written by the uintr harness (scripts/deps.sh), from %s.\n' "$entry"
	for stanza in "deb-src|trixie" "deb|bookworm-backports"; do
		have=$(apt_has "${stanza%|*}" "${stanza#*|}")
		[ -z "$have" ] || printf '# %s %s main: already in %s\n' "${stanza%|*}" "${stanza#*|}" "$have"
	done
	for stanza in "deb-src|trixie" "deb|bookworm-backports"; do
		[ -z "$(apt_has "${stanza%|*}" "${stanza#*|}")" ] || continue
		[ $((n++)) -eq 0 ] || echo
		printf 'Types: %s\nURIs: %s\nSuites: %s\nComponents: main\n' \
			"${stanza%|*}" "$uri" "${stanza#*|}"
		[ -z "$signed" ] || printf '%s\n' "$signed"
	done
}

apt_sources() {
	local want
	want=$(sources_text)
	if [ -f "$APT_LIST" ] && [ "$(cat "$APT_LIST")" = "$want" ] &&
	   [ -f "$CACHE/apt-updated" ] && [ "$APT_LIST" -ot "$CACHE/apt-updated" ]; then
		return 0
	fi
	log "apt: writing $APT_LIST: $(printf '%s\n' "$want" | awk '/^Types: / { t = $2 } /^Suites: / { printf "%s%s %s", (n++ ? ", " : ""), t, $2 } END { if (!n) printf "nothing to add" }') from $(printf '%s\n' "$want" | sed -n 's/^URIs: //p' | head -n 1)"
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
	local need pkgs=$PKGS
	[ "${1:-}" != --post-check ] || pkgs="$PKGS $POST_CHECK_PKGS"
	# The deb-src lines are needed to fetch the bases, even when every
	# package is installed already.
	apt_sources
	# shellcheck disable=SC2086
	need=$(missing_pkgs $pkgs)
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

case ${1:-} in
--sources-only) apt_sources ;;
--print-sources) sources_text ;;
--post-check) main --post-check ;;
*) main ;;
esac
