#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The last check before the Linux series is posted (./harness post-check).
#
#   post-check.sh [--skip GROUPS] [--only GROUPS] [--cover-mail FILE]
#
# GROUPS is a list of these, separated by commas or blanks:
#
#   checkpatch  checkpatch.pl --strict of build/linux on every patch of
#               linux/, with its sign-off check on: an error or a warning
#               that linux/checkpatch.known does not list fails; then the
#               sign-off step: every patch of linux/ and of man-pages/
#               carries the Signed-off-by: of the poster (UINTR_POSTER,
#               "Name <address>", or git's user.name and user.email), and
#               checkpatch reported no sign-off problem
#   docs        check-series.sh --configs docs: "make SPHINXDIRS=arch/x86
#               htmldocs" and "scripts/kernel-doc -none -Wall" at the end of
#               the series, against the base (the heavy step)
#   man-pages   Debian's manpages orig tarball (pinned in bases.conf,
#               verified by sha256) unpacked in build/post-check/man-pages,
#               man-pages/series applied with git am, and every page the
#               series adds linted: mandoc -Tlint and groff -ww -z with no
#               diagnostic, and the link pages (.so) resolve
#   b4          the mails that "b4 send" would send, written by
#               "b4 send -o build/post-check/outgoing" in a clone of
#               build/linux (build/post-check/linux; build/linux is not
#               touched): the cover letter and one mail per patch, To and
#               Cc from the tree's scripts/get_maintainer.pl.  Nothing is
#               sent: the clone's sendemail.smtpserver is /bin/false
#   cover       the cover letter mail that b4 wrote (or --cover-mail FILE):
#               its base-commit: line is the upstream commit of v6.12.107
#               (LINUX_UPSTREAM_COMMIT), it carries the series' diffstat,
#               its "Patches" section names every patch, and its section
#               "Benchmark" holds a table
#
# One line per step, "  PASS post-check: ..." or "  FAIL post-check: ...",
# with the reasons of a failure below it, then "post-check: N passed, N
# failed".  The exit status is non-zero on any failure.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fetch.sh"

load_bases

HERE=$(cd "$(dirname "$0")" && pwd)
MAILTOOL=$HERE/post-check-mail.py
POST=$BUILD/post-check
SERIES=$(series_dir linux)
MAN_SERIES=$(series_dir man-pages)
MAN_TREE=$POST/man-pages
B4_TREE=$POST/linux
B4_NAME=uintr
OUTGOING=$POST/outgoing
# The heading of the cover letter's section with the benchmark table.
BENCH_HEADING=Benchmark
ALL_GROUPS="checkpatch docs man-pages b4 cover"

GROUPS_RUN=$ALL_GROUPS
COVER_MAIL=
while [ $# -gt 0 ]; do
	case $1 in
	--skip)
		for g in ${2//,/ }; do
			case " $ALL_GROUPS " in *" $g "*) ;; *) die "post-check: unknown group '$g' ($ALL_GROUPS)" ;; esac
			# shellcheck disable=SC2086
			GROUPS_RUN=$(printf '%s\n' $GROUPS_RUN | grep -vx -- "$g" | paste -sd ' ' || true)
		done
		shift 2
		;;
	--only)
		GROUPS_RUN=
		for g in ${2//,/ }; do
			case " $ALL_GROUPS " in *" $g "*) ;; *) die "post-check: unknown group '$g' ($ALL_GROUPS)" ;; esac
			GROUPS_RUN="$GROUPS_RUN $g"
		done
		shift 2
		;;
	--cover-mail) COVER_MAIL=$(realpath "$2"); shift 2 ;;
	*) die "post-check: unknown option $1 (--skip GROUPS, --only GROUPS, --cover-mail FILE)" ;;
	esac
done
runs() { case " $GROUPS_RUN " in *" $1 "*) return 0 ;; esac; return 1; }

passed=0
failed=0
result() {	# PASS|FAIL NAME [DETAIL...]
	local verdict=$1 name=$2
	shift 2
	if [ "$verdict" = PASS ]; then
		passed=$((passed + 1))
		printf '  PASS post-check: %s\n' "$name"
	else
		failed=$((failed + 1))
		printf '  FAIL post-check: %s\n' "$name"
	fi
	local d
	for d in "$@"; do printf '       %s\n' "$d"; done
}

rel() { printf '%s' "${1#"$HARNESS_ROOT"/}"; }

mkdir -p "$POST"
[ -d "$LINUX_TREE_DIR/.git" ] || die "build/linux does not exist; run ./harness prepare"
STAMP=$LINUX_TREE_DIR/.git/uintr-harness
BASE_ID=$(sed -n 's/^base=//p' "$STAMP" 2>/dev/null || true)
BASECOMMIT=$(sed -n 's/^basecommit=//p' "$STAMP" 2>/dev/null || true)
[ -n "$BASECOMMIT" ] || die "build/linux has no harness stamp; run ./harness prepare"
mapfile -t PATCHES < <(series_patches "$SERIES")
NPATCHES=${#PATCHES[@]}
[ "$NPATCHES" -gt 0 ] || die "linux/series names no patch"

# ---- Who posts ---------------------------------------------------------

# "Name <address>" of whoever posts the series: UINTR_POSTER, or git's
# user.name and user.email (the user's, not the harness's fixed identity).
poster() {
	local n e
	if [ -n "${UINTR_POSTER:-}" ]; then
		printf '%s' "$UINTR_POSTER"
		return 0
	fi
	n=$(git -C "$HARNESS_ROOT" config user.name 2>/dev/null) || true
	e=$(git -C "$HARNESS_ROOT" config user.email 2>/dev/null) || true
	[ -n "$n" ] && [ -n "$e" ] || return 0
	printf '%s <%s>' "$n" "$e"
}
POSTER=$(poster)
POSTER_RE='^[^<>]+ <[^<> ]+@[^<> ]+>$'
if [ -n "$POSTER" ] && ! [[ $POSTER =~ $POSTER_RE ]]; then
	die "post-check: the poster '$POSTER' is not of the form 'Name <address>'"
fi
POSTER_NAME=${POSTER% <*}
POSTER_EMAIL=${POSTER##*<}
POSTER_EMAIL=${POSTER_EMAIL%>}
NO_POSTER="who posts the series is unknown: set git's user.name and user.email, or UINTR_POSTER='Name <address>'"

# ---- checkpatch and the sign-off -----------------------------------------

# The commit message of a patch file: from the first blank line (the end
# of the mail header) to the "---" line.
message_of() {
	awk 'body && /^---$/ { exit } body { print } /^$/ { body = 1 }' "$1"
}

# has_signoff PATCH: the patch carries the poster's Signed-off-by:.
has_signoff() {
	message_of "$1" | grep -qxF "Signed-off-by: $POSTER"
}

check_checkpatch() {
	local name p out rc t line nwarn=0
	local -a problems=() signoff=() known_seen=()
	name="checkpatch --strict, sign-off check on, on the $NPATCHES patches of linux/: no error, no warning that linux/checkpatch.known does not list"
	SIGNOFF_REPORTS=()
	if [ ! -f "$LINUX_TREE_DIR/scripts/checkpatch.pl" ]; then
		result FAIL "$name" "build/linux has no scripts/checkpatch.pl; run ./harness prepare"
		return 0
	fi
	for p in "${PATCHES[@]}"; do
		rc=0
		# Debian's python3 for scripts/spdxcheck.py, as in checkpatch.sh.
		out=$(cd "$LINUX_TREE_DIR" && PATH=/usr/bin:/bin:$PATH \
			perl scripts/checkpatch.pl --strict --quiet --show-types "$SERIES/$p" 2>&1) || rc=$?
		if grep -q '^Traceback' <<<"$out"; then
			problems+=("$p: a helper of checkpatch crashed: $(grep -m1 -E '^[A-Za-z]*Error' <<<"$out" || echo Traceback)")
			continue
		fi
		while IFS= read -r t; do
			[ -n "$t" ] || continue
			line=$(grep -m1 "^$t:" <<<"$out" | cut -d: -f3- | sed 's/^ *//')
			case ${t#*:} in
			*SIGN_OFF*) signoff+=("$p: $t: $line") ;;
			*)
				if [ "${t%%:*}" != ERROR ] && [ -f "$SERIES/checkpatch.known" ] &&
					awk -v p="$p" -v t="${t#*:}" '$1 == p && $2 == t { f = 1 } END { exit !f }' \
						"$SERIES/checkpatch.known"; then
					nwarn=$((nwarn + 1))
					known_seen+=("$p ${t#*:}")
				else
					problems+=("$p: $t: $line")
				fi
				;;
			esac
		done < <(sed -n -E 's/^(ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\1:\2/p' <<<"$out" | sort -u)
		if [ "$rc" -gt 1 ]; then
			problems+=("$p: checkpatch.pl exited with status $rc")
		elif [ "$rc" -ne 0 ] && ! grep -qE '^(ERROR|WARNING|CHECK):' <<<"$out"; then
			problems+=("$p: checkpatch.pl failed without a report: $(head -n 1 <<<"$out")")
		fi
	done
	SIGNOFF_REPORTS=(${signoff[@]+"${signoff[@]}"})
	if [ ${#problems[@]} -eq 0 ]; then
		CHECKPATCH_OK=1
		result PASS "$name ($nwarn known warning(s); sign-off reports: see the sign-off step)"
	else
		result FAIL "$name" "${problems[@]}"
	fi
}

check_signoff() {
	local name p n_linux=0 n_man=0 man_total=0 t
	local -a details=()
	name="sign-off: every patch of linux/ and man-pages/ carries the Signed-off-by: of the poster${POSTER:+, $POSTER}"
	if [ -z "$POSTER" ]; then
		result FAIL "$name" "$NO_POSTER"
		return 0
	fi
	for p in "${PATCHES[@]}"; do has_signoff "$SERIES/$p" || n_linux=$((n_linux + 1)); done
	for p in $(series_patches "$MAN_SERIES"); do
		man_total=$((man_total + 1))
		has_signoff "$MAN_SERIES/$p" || n_man=$((n_man + 1))
	done
	if [ $n_linux -eq 0 ] && [ $n_man -eq 0 ] && [ ${#SIGNOFF_REPORTS[@]} -eq 0 ]; then
		result PASS "$name"
		return 0
	fi
	[ $n_linux -eq 0 ] && [ $n_man -eq 0 ] ||
		details+=("$n_linux of the $NPATCHES patches of linux/ and $n_man of the $man_total of man-pages/ lack \"Signed-off-by: $POSTER\"")
	if [ ${#SIGNOFF_REPORTS[@]} -gt 0 ]; then
		details+=("checkpatch's sign-off check: $(printf '%s\n' "${SIGNOFF_REPORTS[@]}" |
			sed -E 's/^[^:]*: ([A-Z]+:[A-Z_]+):.*/\1/' | sort | uniq -c |
			awk '{ printf "%s%s on %d patch(es)", (NR > 1 ? ", " : ""), $2, $1 }')")
		details+=("  first: ${SIGNOFF_REPORTS[0]}")
	fi
	[ "$CHECKPATCH_OK" != 1 ] ||
		details+=("checkpatch passed otherwise: the sign-off is all that is missing.")
	details+=("Whoever posts reviews the patches, adds their own Signed-off-by: (Developer's Certificate of Origin) and exports them (README.md, \"Before posting the series\").")
	result FAIL "$name" "${details[@]}"
}

# ---- docs ----------------------------------------------------------------

check_docs() {
	local name="docs: make SPHINXDIRS=arch/x86 htmldocs and scripts/kernel-doc -none -Wall at the end of the series, no warning the base does not have (check-series.sh --configs docs)"
	local logf=$POST/docs.log rc=0 t0
	t0=$(date +%s)
	log "post-check: docs (check-series.sh --configs docs; its log: $(rel "$logf"))"
	"$HERE/check-series.sh" --configs docs >"$logf" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		result PASS "$name ($(since "$t0") s)"
	else
		local -a d=()
		mapfile -t d < <(grep -A1 -E '^  FAIL check-series|^ERROR' "$logf" | grep -v '^--$' | sed 's/^ *//' | head -n 6)
		result FAIL "$name" ${d[@]+"${d[@]}"} "exit status $rc; the whole log: $(rel "$logf")"
	fi
}

# ---- the man pages -------------------------------------------------------

# make_man_tree: the pinned manpages tarball, fetched and verified into the
# cache, unpacked into $MAN_TREE (made anew) as a git tree, and
# man-pages/series applied with git am.  Prints why it failed.
make_man_tree() {
	local p out tarball=$SRC_CACHE/$MANPAGES_TARBALL
	# Only the orig tarball is used; the .dsc and the debian tarball need
	# not be there (README of man-pages/).
	# shellcheck disable=SC2034  # read by fetch.sh's apt_download
	FETCH_APT_OPTS=(--tar-only)
	if ! out=$( (fetch_srcpkg "$MANPAGES_SRCPKG" "$MANPAGES_SRCVER" \
			"$MANPAGES_TARBALL" "$MANPAGES_TARBALL_SHA256") 2>&1); then
		printf '%s\n' "$out" | grep -E 'ERROR|WARNING|E:' | head -n 4
		echo "cannot fetch $MANPAGES_SRCPKG $MANPAGES_SRCVER ($MANPAGES_TARBALL)"
		return 1
	fi
	verify "$tarball" "$MANPAGES_TARBALL_SHA256" || {
		echo "$tarball does not match the sha256 of bases.conf"
		return 1
	}
	rm -rf "$MAN_TREE"
	mkdir -p "$MAN_TREE"
	tar -xf "$tarball" -C "$MAN_TREE" --strip-components=1 --no-same-owner || {
		echo "cannot unpack $tarball"
		return 1
	}
	fixed_git -C "$MAN_TREE" init -q -b base
	fixed_git -C "$MAN_TREE" add -A -f
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE fixed_git -C "$MAN_TREE" \
		commit -q --no-verify -m "Base: $MANPAGES_TOPDIR, orig tarball of Debian source package $MANPAGES_SRCPKG $MANPAGES_SRCVER, sha256 $MANPAGES_TARBALL_SHA256"
	for p in $(series_patches "$MAN_SERIES"); do
		if ! out=$(fixed_git -C "$MAN_TREE" am -q --keep-cr --committer-date-is-author-date \
				--no-3way "$MAN_SERIES/$p" 2>&1); then
			fixed_git -C "$MAN_TREE" am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" | head -n 3
			echo "patch man-pages/$p does not apply"
			return 1
		fi
	done
}

# is_link_page FILE: the page is a link page, a single ".so" request (and
# comments).
is_link_page() {
	[ "$(grep -v '^\.\\"' "$1" | grep -c .)" -eq 1 ] && grep -q '^\.so ' "$1"
}

check_man_pages() {
	local out n pages page rel_page target d mout gout
	local name_base="man-pages: $MANPAGES_SRCPKG $MANPAGES_SRCVER orig tarball fetched and verified (sha256 ${MANPAGES_TARBALL_SHA256:0:12}...), man-pages/series applied with git am"
	local name_mandoc="man-pages: mandoc -Tlint (-W warning, and all levels less the project's own mandoc.ignore.grep) prints nothing for the pages the series adds"
	local name_groff="man-pages: groff -t -man -ww -z -rCHECKSTYLE=3 prints nothing for the pages the series adds"
	local name_so="man-pages: the link pages (.so) the series adds resolve to pages of the tree"
	local -a plain=() links=() bad=()
	if [ -z "${MANPAGES_TARBALL:-}" ]; then
		for n in "$name_base" "$name_mandoc" "$name_groff" "$name_so"; do
			result FAIL "$n" "bases.conf pins no man-pages base (MANPAGES_*)"
		done
		return 0
	fi
	log "post-check: man-pages: fetching and applying ($(rel "$MAN_TREE"))"
	if ! out=$(make_man_tree 2>&1); then
		mapfile -t bad <<<"$out"
		result FAIL "$name_base" "${bad[@]}"
		for n in "$name_mandoc" "$name_groff" "$name_so"; do
			result FAIL "$n" "not run: the man-pages tree could not be made"
		done
		return 0
	fi
	mapfile -t pages < <(fixed_git -C "$MAN_TREE" diff --name-only --diff-filter=A \
		"$(fixed_git -C "$MAN_TREE" rev-list --max-parents=0 HEAD)" HEAD -- man)
	result PASS "$name_base ($(series_patches "$MAN_SERIES" | wc -l) patch(es), ${#pages[@]} new page(s) in $(rel "$MAN_TREE"))"
	for page in "${pages[@]}"; do
		if is_link_page "$MAN_TREE/$page"; then links+=("$page"); else plain+=("$page"); fi
	done

	# mandoc, as the project's lint-man-mandoc does it (link pages are
	# left to the .so check, as there), and with -W warning unfiltered.
	bad=()
	for page in "${plain[@]}"; do
		mout=$(cd "$MAN_TREE" && {
			mandoc -Tlint -W warning "$page" 2>&1 || echo "$page: mandoc -Tlint -W warning: exit status $?"
			{ mandoc -Tlint "$page" 2>&1 || true; } | grep -v -f share/mk/lint/man/mandoc.ignore.grep || true
		})
		[ -z "$mout" ] || mapfile -t -O ${#bad[@]} bad < <(printf '%s\n' "$mout" | sort -u)
	done
	if [ ${#plain[@]} -eq 0 ]; then
		result FAIL "$name_mandoc" "the series adds no page"
	elif [ ${#bad[@]} -eq 0 ]; then
		result PASS "$name_mandoc (${#plain[@]} page(s): $(printf '%s\n' "${plain[@]}" | sed 's|.*/||' | paste -sd ' '))"
	else
		result FAIL "$name_mandoc" "${bad[@]}"
	fi

	# groff, from man/, where the .so requests are relative to.  groff
	# exits with 0 even when it cannot open a file: any output fails.
	bad=()
	for page in "${plain[@]}" "${links[@]}"; do
		rel_page=${page#man/}
		gout=$(cd "$MAN_TREE/man" && { groff -t -man -ww -z -rCHECKSTYLE=3 "$rel_page" 2>&1 ||
			echo "groff: exit status $?"; })
		[ -z "$gout" ] || mapfile -t -O ${#bad[@]} bad < <(printf '%s\n' "$gout" | sed "s|^|$rel_page: |")
	done
	if [ ${#plain[@]} -eq 0 ]; then
		result FAIL "$name_groff" "the series adds no page"
	elif [ ${#bad[@]} -eq 0 ]; then
		result PASS "$name_groff (${#plain[@]} page(s) and ${#links[@]} link page(s))"
	else
		result FAIL "$name_groff" "${bad[@]}"
	fi

	# Every link page names an existing page that is not a link itself.
	bad=()
	d=
	for page in "${links[@]}"; do
		target=$(sed -n 's/^\.so  *//p' "$MAN_TREE/$page" | head -n 1)
		if [ ! -f "$MAN_TREE/man/$target" ]; then
			bad+=("${page#man/}: .so $target: no such page in the tree")
		elif is_link_page "$MAN_TREE/man/$target"; then
			bad+=("${page#man/}: .so $target: a link page itself")
		else
			d+="${d:+, }${page#man/} -> $target"
		fi
	done
	if [ ${#bad[@]} -gt 0 ]; then
		result FAIL "$name_so" "${bad[@]}"
	else
		result PASS "$name_so (${#links[@]}: ${d:-none})"
	fi
}

# ---- b4 ------------------------------------------------------------------

# b4 and the git it runs in the clone, without the user's and the system's
# git configuration: only the clone's own (identity, template, no SMTP).
b4_git() {
	(cd "$B4_TREE" && env -u GIT_CONFIG_PARAMETERS -u GIT_CONFIG_COUNT -u GIT_DIR -u GIT_WORK_TREE \
		GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null "$@")
}

# The base-commit: line of the cover letter: the upstream commit of the
# release for a tree made from the pinned tarball (whose own base commit
# exists only here), the real base for a tree made from LINUX_TREE, and b4's
# (the local base commit) otherwise, which the cover step refuses.
cover_base_commit() {
	case $BASE_ID in
	tarball:*) printf '%s' "${LINUX_UPSTREAM_COMMIT:-\${base_commit\}}" ;;
	*) printf '%s' "\${base_commit}" ;;
	esac
}

# The cover letter of linux/ as b4 wants it: its first line is the subject
# without "Subject:" and without the [PATCH ...] prefix, which b4 writes.
b4_cover_text() {
	sed '1s/^Subject: *//; 1s/^\(\[[^]]*\] *\)*//' "$SERIES/cover-letter.txt"
}

check_b4() {
	local name version logf=$POST/b4.log out n f missing
	local -a bad=() want=()
	version=$(b4 --version 2>/dev/null) || version=
	name="b4${version:+ $version}: b4 send -o $(rel "$OUTGOING") writes the cover letter and $NPATCHES patch mails, To and Cc from scripts/get_maintainer.pl; nothing is sent"
	B4_COVER=
	rm -rf "$OUTGOING"
	if [ -z "$version" ]; then
		result FAIL "$name" "b4 is not installed (./harness post-check installs Debian's b4)"
		return 0
	fi
	if [ -z "$POSTER" ]; then
		result FAIL "$name" "$NO_POSTER"
		return 0
	fi
	if [ ! -f "$SERIES/cover-letter.txt" ]; then
		result FAIL "$name" "linux/cover-letter.txt does not exist"
		return 0
	fi
	if grep -qn '^#' "$SERIES/cover-letter.txt"; then
		result FAIL "$name" "linux/cover-letter.txt has lines that start with \"#\", which b4 drops as comments:" \
			"$(grep -n -m3 '^#' "$SERIES/cover-letter.txt" | paste -sd ' ')"
		return 0
	fi
	: >"$logf"
	log "post-check: b4: the mails, in $(rel "$B4_TREE") (log: $(rel "$logf"))"
	# A clone that shares build/linux's objects; made once, then reset.
	if [ ! -d "$B4_TREE/.git" ] || ! fixed_git -C "$B4_TREE" cat-file -e "$BASECOMMIT^{commit}" 2>/dev/null; then
		rm -rf "$B4_TREE"
		fixed_git clone -q --shared --no-checkout "$LINUX_TREE_DIR" "$B4_TREE" >>"$logf" 2>&1 || {
			result FAIL "$name" "cannot clone build/linux into $(rel "$B4_TREE")"
			return 0
		}
	fi
	# shellcheck disable=SC2016  # b4's template variables
	{
		printf '%s\n\n---\n%s\n\n%s\n---\nbase-commit: %s\nchange-id: %s\n\nBest regards,\n-- \n%s\n' \
			'${cover}' '${shortlog}' '${diffstat}' "$(cover_base_commit)" '${change_id}' '${signature}'
	} >"$POST/cover-template.txt"
	b4_cover_text >"$POST/cover.txt"
	if ! {
		b4_git git config user.name "$POSTER_NAME" &&
		b4_git git config user.email "$POSTER_EMAIL" &&
		b4_git git config sendemail.smtpserver /bin/false &&
		b4_git git config b4.prep-cover-template "$POST/cover-template.txt" &&
		{ b4_git git am --quit 2>/dev/null || true; } &&
		b4_git git checkout -q -f -B post-check-base "$BASECOMMIT" &&
		b4_git git clean -q -f -d -x &&
		{ ! b4_git git rev-parse -q --verify "refs/heads/b4/$B4_NAME" >/dev/null ||
			b4_git git branch -q -D "b4/$B4_NAME"; } &&
		b4_git git tag -l 'sent/*' | while read -r t; do b4_git git tag -d "$t" || exit 1; done
	} >>"$logf" 2>&1; then
		result FAIL "$name" "cannot reset $(rel "$B4_TREE"); see $(rel "$logf")"
		return 0
	fi
	for f in "${PATCHES[@]}"; do want+=("$SERIES/$f"); done
	local step=
	if ! b4_git b4 prep -n "$B4_NAME" -f "$BASECOMMIT" >>"$logf" 2>&1; then
		step="b4 prep -n $B4_NAME -f ${BASECOMMIT:0:12}"
	elif ! b4_git git am -q --keep-cr "${want[@]}" >>"$logf" 2>&1; then
		step="git am of linux/series"
	elif ! EDITOR="cp $POST/cover.txt" b4_git b4 prep --edit-cover >>"$logf" 2>&1; then
		step="b4 prep --edit-cover (linux/cover-letter.txt)"
	elif ! b4_git b4 prep --auto-to-cc >>"$logf" 2>&1; then
		step="b4 prep --auto-to-cc"
	elif ! b4_git b4 send --no-sign -o "$OUTGOING" >>"$logf" 2>&1; then
		step="b4 send --no-sign -o $(rel "$OUTGOING")"
	fi
	if [ -n "$step" ]; then
		result FAIL "$name" "$step failed:" "$(grep -m2 -E 'CRITICAL|ERROR|error|fatal' "$logf" | paste -sd ' ' || true)" \
			"the whole log: $(rel "$logf")"
		return 0
	fi

	# What b4 wrote: the cover letter and one mail per patch, from the
	# poster, each with its recipients.
	shopt -s nullglob
	local -a mails=("$OUTGOING"/*.eml)
	shopt -u nullglob
	[ ${#mails[@]} -eq $((NPATCHES + 1)) ] ||
		bad+=("${#mails[@]} mail(s) in $(rel "$OUTGOING"), not the cover letter and $NPATCHES patches")
	for f in "${mails[@]}"; do
		[ -n "$("$MAILTOOL" addrs "$f" To)" ] || bad+=("${f##*/}: no To:")
		[ "$("$MAILTOOL" addrs "$f" From)" = "$(tr '[:upper:]' '[:lower:]' <<<"$POSTER_EMAIL")" ] ||
			bad+=("${f##*/}: From: $("$MAILTOOL" header "$f" From), not the poster")
	done
	B4_COVER=$(ls "$OUTGOING"/0000-*.eml 2>/dev/null | head -n 1)
	if [ -z "$B4_COVER" ]; then
		bad+=("no cover letter (0000-*.eml)")
	else
		n=$("$MAILTOOL" header "$B4_COVER" Subject)
		[[ $n == "[PATCH 00/$NPATCHES] "* ]] || bad+=("the cover letter's subject is \"$n\"")
		# Every address that get_maintainer.pl gives for the series is
		# among the cover letter's recipients, which b4 gives every mail.
		out=$(b4_git perl scripts/get_maintainer.pl --nogit --nogit-fallback --nogit-chief-penguins \
			--norolestats "${want[@]}" 2>>"$logf" | sed -E 's/.*<([^>]*)>.*/\1/' | tr '[:upper:]' '[:lower:]' | sort -u)
		missing=$(comm -23 <(printf '%s\n' "$out") <("$MAILTOOL" addrs "$B4_COVER" To Cc | sort -u) | paste -sd ' ')
		[ -n "$out" ] || bad+=("scripts/get_maintainer.pl gave no address")
		[ -z "$missing" ] || bad+=("get_maintainer.pl names what the mails do not: $missing")
	fi
	if [ ${#bad[@]} -eq 0 ]; then
		result PASS "$name (To: $("$MAILTOOL" addrs "$B4_COVER" To | wc -l) addresses, Cc: $("$MAILTOOL" addrs "$B4_COVER" Cc | wc -l))"
	else
		result FAIL "$name" "${bad[@]}"
	fi
}

# ---- the cover letter ----------------------------------------------------

# The paths that the series touches, from its patches.
series_paths() {
	local p
	for p in "${PATCHES[@]}"; do
		sed -n -E 's|^diff --git a/([^ ]*) b/([^ ]*)$|\1\n\2|p' "$SERIES/$p"
	done | sort -u
}

check_cover() {
	local mail=$1 n got base_tip want stat line x
	local -a bad=() missing=()
	local n_base="cover letter: base-commit: is the upstream commit of v6.12.107${LINUX_UPSTREAM_COMMIT:+ (${LINUX_UPSTREAM_COMMIT:0:12})}"
	local n_stat="cover letter: the diffstat of the series"
	local n_list="cover letter: its \"Patches\" section names every patch of linux/series"
	local n_bench="cover letter: a section \"$BENCH_HEADING\" with the benchmark table"
	if [ -z "$mail" ] || [ ! -f "$mail" ]; then
		for n in "$n_base" "$n_stat" "$n_list" "$n_bench"; do
			result FAIL "$n" "no cover letter mail: the b4 step wrote none (or give --cover-mail FILE)"
		done
		return 0
	fi
	log "post-check: cover letter: $(rel "$mail")"

	# base-commit:
	got=$("$MAILTOOL" body "$mail" | sed -n 's/^base-commit: *//p' | head -n 1)
	if [ -z "${LINUX_UPSTREAM_COMMIT:-}" ]; then
		bad+=("bases.conf does not pin the upstream commit of v6.12.107 (LINUX_UPSTREAM_COMMIT), so the cover letter cannot name it")
	elif [ -z "$got" ]; then
		bad+=("the cover letter has no base-commit: line")
	elif [ "$got" != "$LINUX_UPSTREAM_COMMIT" ]; then
		x="base-commit: $got, not $LINUX_UPSTREAM_COMMIT (the commit of tag v6.12.107)"
		[ "$got" != "$BASECOMMIT" ] || x="$x; $got is the harness's own base commit of build/linux, which exists nowhere upstream"
		bad+=("$x")
	fi
	case $BASE_ID in
	tarball:"${LINUX_TARBALL_SHA256:-}") ;;
	tree:*) ;;
	*) bad+=("build/linux is not made from the pinned base ($BASE_ID): the series was not applied to v6.12.107") ;;
	esac
	if [ -n "${LINUX_UPSTREAM_EXCLUDED:-}" ]; then
		for x in $LINUX_UPSTREAM_EXCLUDED; do
			line=$(series_paths | grep -E "^$x(/|$)" | head -n 1) || true
			[ -z "$line" ] || bad+=("the series touches $line, which Debian's tarball lacks (LINUX_UPSTREAM_EXCLUDED): upstream v6.12.107 is not what it was applied to")
		done
	fi
	if [ ${#bad[@]} -eq 0 ]; then
		result PASS "$n_base"
	else
		result FAIL "$n_base" "${bad[@]}"
	fi

	# The diffstat, and that it is this series': its last line as git
	# prints it for the base..tip of the series as applied.
	bad=()
	base_tip=
	if fixed_git -C "$B4_TREE" rev-parse -q --verify "refs/heads/b4/$B4_NAME" >/dev/null 2>&1; then
		want=$(fixed_git -C "$B4_TREE" diff --shortstat "$BASECOMMIT" "b4/$B4_NAME" | sed 's/^ *//')
		base_tip="the series as applied in $(rel "$B4_TREE")"
	else
		want=$(fixed_git -C "$LINUX_TREE_DIR" diff --shortstat "$BASECOMMIT" HEAD | sed 's/^ *//')
		base_tip="build/linux"
	fi
	stat=$("$MAILTOOL" body "$mail" | grep -E '^ *[0-9]+ files? changed' | head -n 1 | sed 's/^ *//')
	if [ -z "$stat" ] || ! "$MAILTOOL" body "$mail" | grep -qE '^ +[^ ].* +\| +[0-9]+ ?[-+]*$'; then
		bad+=("the cover letter has no diffstat (a line per file and \"N files changed, ...\")")
	elif [ "$stat" != "$want" ]; then
		bad+=("the diffstat says \"$stat\"; $base_tip: \"$want\"")
	fi
	if [ ${#bad[@]} -eq 0 ]; then
		result PASS "$n_stat ($stat)"
	else
		result FAIL "$n_stat" "${bad[@]}"
	fi

	# The Patches section, where there is one.
	local rc=0 f
	local -a files=()
	for f in "${PATCHES[@]}"; do files+=("$SERIES/$f"); done
	x=$("$MAILTOOL" missing "$mail" Patches "${files[@]}") || rc=$?
	[ -z "$x" ] || mapfile -t missing <<<"$x"
	if [ $rc -eq 3 ]; then
		result PASS "$n_list (there is no such section; b4's shortlog lists the patches)"
	elif [ ${#missing[@]} -eq 0 ]; then
		result PASS "$n_list ($NPATCHES)"
	else
		result FAIL "$n_list" "not named there: $(printf '"%s" ' "${missing[@]}")(linux/cover-letter.txt)"
	fi

	# The benchmark's table.
	rc=0
	x=$("$MAILTOOL" table "$mail" "$BENCH_HEADING") || rc=$?
	if [ $rc -eq 0 ]; then
		result PASS "$n_bench ($x)"
	else
		result FAIL "$n_bench" "$x" \
			"The benchmark (review demand 23) has not been run: its table goes into linux/cover-letter.txt under the line \"$BENCH_HEADING\", underlined with \"=\" (README.md)."
	fi
}

# ---- main ----------------------------------------------------------------

main() {
	local t0
	t0=$(date +%s)
	SIGNOFF_REPORTS=()
	CHECKPATCH_OK=0
	B4_COVER=
	if runs checkpatch; then
		check_checkpatch
		check_signoff
	fi
	runs docs && check_docs
	runs man-pages && check_man_pages
	runs b4 && check_b4
	runs cover && check_cover "${COVER_MAIL:-$B4_COVER}"
	log "post-check: groups ${GROUPS_RUN# }, $(since "$t0") s"
	echo "post-check: $passed passed, $failed failed"
	[ $failed -eq 0 ]
}

main
