#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The git trees under build/: one base commit plus one commit per patch.
#
#   tree.sh prepare linux|qemu   create or update the tree from its series
#   tree.sh export linux|qemu [DIR]
#                                write the tree's commits back to the series
#                                (or only into DIR)
#   tree.sh reset linux|qemu     throw the tree away (it is made anew)
#
# Each tree keeps a stamp in .git/uintr-harness: the base it was made from,
# the base commit, the digest of the series it was made from and the HEAD
# that produced.  The tree is "pristine" while HEAD is that commit and the
# work tree is clean; only a pristine tree is ever rebuilt or reset behind
# the developer's back, and a tree is never made anew while it holds
# untracked files.  "reset" is explicit, and says what it throws away.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fetch.sh"

load_bases

# Every git command on the trees runs as fixed_git (lib.sh), without the
# user's and the system's git config; only the developer's own LINUX_TREE is
# read with them.  The abbreviation length of format-patch is fixed, so that
# the size of the repository does not change what an export writes either.
FORMAT_PATCH_CONFIG=(-c core.abbrev=12 -c diff.renames=true)

stamp_file() { printf '%s/.git/uintr-harness' "$1"; }

stamp_get() {
	local f
	f=$(stamp_file "$1")
	[ -f "$f" ] || return 0
	sed -n "s/^$2=//p" "$f"
}

stamp_write() {
	local dir=$1 base=$2 basecommit=$3 digest=$4
	printf 'base=%s\nbasecommit=%s\nseries=%s\nhead=%s\n' "$base" "$basecommit" \
		"$digest" "$(fixed_git -C "$dir" rev-parse HEAD)" >"$(stamp_file "$dir").tmp"
	mv "$(stamp_file "$dir").tmp" "$(stamp_file "$dir")"
}

# resolve_base COMPONENT STAMP_BASE: what the tree of a component is to be
# made from.  Sets BASE_ID, a single line, which the stamp keeps as base=:
# "tarball:..." for the pinned base, "tree:..." for LINUX_TREE, and
# "FALLBACK ..." with the package, version, file and sha256 when a pin
# could not be had (fetch.sh).  STAMP_BASE is the base of the existing tree.
resolve_base() {
	case $1 in
	linux)
		if [ -n "${LINUX_TREE:-}" ]; then
			BASE_ID="tree:$LINUX_TREE@$(git -C "$LINUX_TREE" rev-parse "${LINUX_REF:-HEAD}")"
		else
			resolve_linux "$2"
		fi
		;;
	qemu) resolve_qemu "$2" ;;
	esac
}

# Say loudly, on every run, that a tree is not made from its pinned base.
announce_base() {
	local comp=$1 dir base pinned
	dir=$(tree_dir "$comp")
	base=$(stamp_get "$dir" base)
	case $base in FALLBACK*) ;; *) return 0 ;; esac
	case $comp in
	linux) pinned="$LINUX_SRCPKG $LINUX_SRCVER ($LINUX_TARBALL)" ;;
	qemu) pinned="$QEMU_SRCPKG $QEMU_SRCVER ($QEMU_TARBALL)" ;;
	esac
	local -a lines=("${dir#"$HARNESS_ROOT"/} IS NOT MADE FROM THE PINNED BASE of bases.conf," \
		"$pinned, which could not be had.  It is made from:" \
		"  ${base#FALLBACK }")
	case $base in
	"FALLBACK binary "*) lines+=("That tree CARRIES DEBIAN'S PATCHES: it is not vanilla Linux.") ;;
	"FALLBACK source "*)
		[ -n "${UINTR_FETCH_DIR:-}" ] ||
			lines+=("apt fetched and verified it: signed Release file, Sources index, .dsc.")
		;;
	esac
	lines+=("The series is applied to it; results are not those of the pinned base." \
		"Pin the new version in bases.conf (README.md, \"The bases\") to make it the base.")
	shout "${lines[@]}"
}

commit_base() {
	local dir=$1 msg=$2
	fixed_git -C "$dir" add -A -f
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		fixed_git -C "$dir" commit -q --no-verify -m "$msg"
}

# Unpack TARBALL into DIR (which must not exist), dropping the top folder.
unpack() {
	local tarball=$1 dir=$2
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir" --strip-components=1 --no-same-owner ||
		die "cannot unpack $tarball: the file is damaged (remove it from $SRC_CACHE to fetch it again)"
}

# Build a base tree for COMPONENT in DIR.
make_base() {
	local comp=$1 dir=$2 p
	case $comp in
	linux)
		if [ -n "${LINUX_TREE:-}" ]; then
			[ -d "$LINUX_TREE/.git" ] || die "LINUX_TREE=$LINUX_TREE is not a git tree"
			log "linux: cloning $LINUX_TREE (shared objects) at ${LINUX_REF:-HEAD}"
			fixed_git clone -q --shared --no-checkout "$LINUX_TREE" "$dir"
			fixed_git -C "$dir" checkout -q -b uintr-harness "$(git -C "$LINUX_TREE" rev-parse "${LINUX_REF:-HEAD}")"
			return 0
		fi
		log "linux: unpacking $LINUX_BASE_DESC"
		unpack "$LINUX_BASE_PATH" "$dir"
		fixed_git -C "$dir" init -q -b base
		commit_base "$dir" "Base: $LINUX_BASE_DESC"
		;;
	qemu)
		log "qemu: unpacking ${QEMU_BASE_ORIG##*/}"
		unpack "$QEMU_BASE_ORIG" "$dir"
		for p in $QEMU_DEBIAN_PATCHES; do
			log "qemu: applying Debian's build patch $p"
			tar -xOf "$QEMU_BASE_DEBIAN" "debian/patches/$p" |
				patch -s -p1 -d "$dir" ||
				die "Debian's patch $p (from ${QEMU_BASE_DEBIAN##*/}) does not apply to ${QEMU_BASE_ORIG##*/}"
		done
		fixed_git -C "$dir" init -q -b base
		commit_base "$dir" "Base: $QEMU_BASE_DESC"
		;;
	esac
}

# Apply the series in SERIESDIR on top of DIR's HEAD, one commit per patch.
apply_series() {
	local dir=$1 sdir=$2 p out
	for p in $(series_patches "$sdir"); do
		[ -f "$sdir/$p" ] || die "$sdir/series names $p, which does not exist"
		if ! out=$(fixed_git -C "$dir" am -q --keep-cr --committer-date-is-author-date \
				--no-3way "$sdir/$p" 2>&1); then
			fixed_git -C "$dir" am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" | sed 's/^/    /' >&2
			printf 'ERROR: patch %s does not apply\n' "$(basename "$sdir")/$p" >&2
			return 1
		fi
	done
}

prepare() {
	prepare_tree "$1"
	announce_base "$1"
}

prepare_tree() {
	local comp=$1 dir sdir base digest head pristine n untracked
	dir=$(tree_dir "$comp")
	sdir=$(series_dir "$comp")
	resolve_base "$comp" "$(stamp_get "$dir" base)"
	base=$BASE_ID
	digest=$(series_digest "$sdir")

	if [ -d "$dir/.git" ]; then
		head=$(fixed_git -C "$dir" rev-parse HEAD)
		pristine=no
		if [ "$head" = "$(stamp_get "$dir" head)" ] &&
		   [ -z "$(fixed_git -C "$dir" status --porcelain --untracked-files=no)" ]; then
			pristine=yes
		fi
		if [ "$(stamp_get "$dir" base)" != "$base" ]; then
			[ $pristine = yes ] ||
				die "${dir#"$HARNESS_ROOT"/} was made from another base and has work that is not exported; export it (./harness export $comp) or discard it (./harness reset $comp)"
			untracked=$(untracked_files "$dir")
			[ -z "$untracked" ] ||
				die "${dir#"$HARNESS_ROOT"/} was made from another base and must be made anew, but it holds untracked files that would be lost: $(list_files "$untracked"); move them away, or commit and export them (./harness export $comp), or discard the tree (./harness reset $comp)"
			log "$comp: the base changed; making the tree anew"
			rm -rf "$dir"
		elif [ "$(stamp_get "$dir" series)" != "$digest" ]; then
			[ $pristine = yes ] ||
				die "${dir#"$HARNESS_ROOT"/} has commits or changes that are not in $comp/, and $comp/series changed too; export them (./harness export $comp) or discard them (./harness reset $comp)"
			log "$comp: the series changed; applying it again"
			fixed_git -C "$dir" reset -q --hard "$(stamp_get "$dir" basecommit)"
			if ! apply_series "$dir" "$sdir"; then
				fixed_git -C "$dir" reset -q --hard "$head"
				exit 1
			fi
			stamp_write "$dir" "$base" "$(stamp_get "$dir" basecommit)" "$digest"
			return 0
		else
			n=$(fixed_git -C "$dir" rev-list --count "$(stamp_get "$dir" head)..HEAD" 2>/dev/null || echo "?")
			[ "$head" = "$(stamp_get "$dir" head)" ] ||
				warn "${dir#"$HARNESS_ROOT"/}: testing $n commit(s) that are not exported to $comp/ yet"
			[ -z "$(fixed_git -C "$dir" status --porcelain --untracked-files=no)" ] ||
				warn "${dir#"$HARNESS_ROOT"/}: testing uncommitted changes"
			return 0
		fi
	fi

	mkdir -p "$BUILD"
	rm -rf "$BUILD"/.tmp-"$comp".*
	# Global, for the trap.
	tmp=$(mktemp -d "$BUILD/.tmp-$comp.XXXXXX")
	rmdir "$tmp"
	# Anything that fails below leaves only $tmp, which is removed.
	trap 'rm -rf "$tmp"' EXIT
	make_base "$comp" "$tmp"
	local basecommit
	basecommit=$(fixed_git -C "$tmp" rev-parse HEAD)
	n=$(series_patches "$sdir" | wc -l)
	log "$comp: applying $n patch(es) from $comp/series"
	apply_series "$tmp" "$sdir" || exit 1
	stamp_write "$tmp" "$base" "$basecommit" "$digest"
	mv "$tmp" "$dir"
	trap - EXIT
}

# Write the commits of DIR on top of its base commit into SERIESDIR.
export_series() {
	local comp=$1 outdir=${2:-} dir sdir basecommit f name out
	dir=$(tree_dir "$comp")
	sdir=$(series_dir "$comp")
	[ -d "$dir/.git" ] || die "${dir#"$HARNESS_ROOT"/} does not exist; run ./harness prepare first"
	basecommit=$(stamp_get "$dir" basecommit)
	[ -n "$basecommit" ] || die "${dir#"$HARNESS_ROOT"/} has no harness stamp"
	[ -z "$(fixed_git -C "$dir" status --porcelain --untracked-files=no)" ] ||
		warn "${dir#"$HARNESS_ROOT"/} has uncommitted changes; they are not exported"

	# Global, for the trap.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fixed_git "${FORMAT_PATCH_CONFIG[@]}" -C "$dir" format-patch -q -N \
		--no-signature --zero-commit --no-thread --no-cover-letter \
		-o "$tmp/raw" "$basecommit..HEAD"
	mkdir -p "$tmp/out"
	: >"$tmp/out/series"
	for f in $(ls "$tmp/raw" 2>/dev/null | sort); do
		# Drop format-patch's number: the order lives in the series file,
		# so inserting a patch does not rename all that follow it.
		name=${f#[0-9][0-9][0-9][0-9]-}
		out=$name
		local i=2
		while [ -e "$tmp/out/$out" ]; do
			out=${name%.patch}-$i.patch
			i=$((i + 1))
		done
		mv "$tmp/raw/$f" "$tmp/out/$out"
		printf '%s\n' "$out" >>"$tmp/out/series"
	done

	if [ -n "$outdir" ]; then
		# Export elsewhere: the series and the stamp stay as they are.
		mkdir -p "$outdir"
		cp "$tmp/out"/* "$outdir/"
		return 0
	fi
	mkdir -p "$sdir"
	# Remove the patches of the old series, then put the new ones in place.
	for f in $(series_patches "$sdir"); do
		rm -f "$sdir/$f"
	done
	for f in $(cat "$tmp/out/series"); do
		mv "$tmp/out/$f" "$sdir/$f"
	done
	mv "$tmp/out/series" "$sdir/series"
	stamp_write "$dir" "$(stamp_get "$dir" base)" "$basecommit" "$(series_digest "$sdir")"
	log "$comp: exported $(series_patches "$sdir" | wc -l) patch(es) to ${sdir#"$HARNESS_ROOT"/}/"
}

# The untracked files of the tree DIR (not the ignored ones), one a line.
untracked_files() {
	fixed_git -C "$1" status --porcelain --untracked-files=all 2>/dev/null |
		sed -n 's/^?? //p'
}

# The lines of $1 as a short list: the first ten, then how many more.
list_files() {
	printf '%s\n' "$1" | awk '
		NR <= 10 { printf "%s%s", (NR > 1 ? ", " : ""), $0 }
		END { if (NR > 10) printf " and %d more", NR - 10 }'
}

# Throw the tree away; say what is lost with it.
reset_tree() {
	local comp=$1 dir head n changed untracked
	dir=$(tree_dir "$comp")
	if [ ! -e "$dir" ]; then
		log "${dir#"$HARNESS_ROOT"/} does not exist; nothing to remove"
		return 0
	fi
	if [ -d "$dir/.git" ]; then
		head=$(stamp_get "$dir" head)
		if [ -n "$head" ] && fixed_git -C "$dir" cat-file -e "$head^{commit}" 2>/dev/null; then
			n=$(fixed_git -C "$dir" rev-list --count "$head..HEAD")
			[ "$n" -eq 0 ] || warn "removing $n commit(s) of ${dir#"$HARNESS_ROOT"/} that are not exported to $comp/"
		fi
		changed=$(fixed_git -C "$dir" status --porcelain --untracked-files=no | wc -l)
		[ "$changed" -eq 0 ] || warn "removing uncommitted changes to $changed file(s) of ${dir#"$HARNESS_ROOT"/}"
		untracked=$(untracked_files "$dir")
		[ -z "$untracked" ] || warn "removing $(printf '%s\n' "$untracked" | wc -l) untracked file(s) of ${dir#"$HARNESS_ROOT"/}: $(list_files "$untracked")"
	fi
	log "removing ${dir#"$HARNESS_ROOT"/}"
	rm -rf "$dir"
}

case ${1:-} in
prepare) prepare "${2:?component}" ;;
export) export_series "${2:?component}" "${3:-}" ;;
reset) reset_tree "${2:?component}" ;;
*) die "usage: tree.sh prepare|export|reset linux|qemu" ;;
esac
