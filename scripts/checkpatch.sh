#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl --strict on every patch of linux/series and
# QEMU's checkpatch.pl on every patch of qemu/series, each from its own
# tree.  Prints TAP; a checkpatch error fails the patch.
#
# Both run with --no-signoff: the series carries no Signed-off-by until the
# person who posts it has reviewed it and adds their own (README.md).
#
# A warning passes only if the series directory's checkpatch.known lists
# its type for that patch, with the reason ("PATCH TYPE REASON...").  An
# error never passes.

. "$(dirname "$0")/lib.sh"

# checkpatch.pl runs scripts/spdxcheck.py through "env python3", which
# needs Debian's python3 and its python3-ply, not another python3 that
# comes first in PATH (pyenv, a virtualenv).
PATH=/usr/bin:/bin:$PATH

n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# checkpatch's verdicts are kept in build/checkpatch-cache, keyed by what
# they depend on: the patch, the options, and the checkpatch.pl and the
# rest of scripts/ (and LICENSES/, which the SPDX check reads) of the
# tree it runs from.  A patch that did not change is not checked again.
CACHE_DIR=$BUILD/checkpatch-cache
cache_key() {
	local comp=$1 p=$2 dir
	shift 2
	dir=$(tree_dir "$comp")
	{
		printf '%s\n' "$comp" "$*"
		cat "$(series_dir "$comp")/$p"
		sha256sum "$dir/scripts/checkpatch.pl" 2>/dev/null || true
		fixed_git -C "$dir" rev-parse HEAD:scripts 2>/dev/null || echo "no scripts tree"
		fixed_git -C "$dir" rev-parse HEAD:LICENSES 2>/dev/null || echo "no LICENSES tree"
		tree_changes "$dir" scripts LICENSES 2>/dev/null || true
	} | sha256sum | cut -d' ' -f1
}

check() {
	local comp=$1 p sdir tool rc key
	shift
	sdir=$(series_dir "$comp")
	tool=$(tree_dir "$comp")/scripts/checkpatch.pl
	for p in $(series_patches "$sdir"); do
		n=$((n + 1))
		if [ ! -x "$tool" ] && [ ! -f "$tool" ]; then
			echo "not ok $n - checkpatch $comp/$p # no $tool"
			failed=$((failed + 1))
			continue
		fi
		rc=0
		key=$(cache_key "$comp" "$p" "$@")
		if [ -f "$CACHE_DIR/$key.rc" ] && [ -f "$CACHE_DIR/$key.out" ]; then
			rc=$(cat "$CACHE_DIR/$key.rc")
			cp "$CACHE_DIR/$key.out" "$out"
		else
			(cd "$(tree_dir "$comp")" && perl "$tool" "$@" "$sdir/$p") >"$out" 2>&1 || rc=$?
			# Only a verdict is kept (0: clean, 1: reports), never a
			# crashed helper or a perl that died.
			if { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } &&
				! grep -q '^Traceback' "$out" && mkdir -p "$CACHE_DIR"; then
				cp "$out" "$CACHE_DIR/$key.out.tmp"
				mv "$CACHE_DIR/$key.out.tmp" "$CACHE_DIR/$key.out"
				echo "$rc" >"$CACHE_DIR/$key.rc.tmp"
				mv "$CACHE_DIR/$key.rc.tmp" "$CACHE_DIR/$key.rc"
			fi
		fi
		if grep -q '^Traceback' "$out"; then
			# A helper of checkpatch crashed: part of the check did not run.
			echo "not ok $n - checkpatch $comp/$p # a checkpatch helper failed"
			sed 's/^/# /' "$out"
			failed=$((failed + 1))
		elif [ $rc -eq 0 ]; then
			echo "ok $n - checkpatch $comp/$p"
		elif known "$sdir" "$p"; then
			echo "ok $n - checkpatch $comp/$p # only known warnings:" \
				"$(reported "$out" | paste -sd ' ')"
		else
			echo "not ok $n - checkpatch $comp/$p"
			sed 's/^/# /' "$out"
			failed=$((failed + 1))
		fi
	done
}

# The types of what checkpatch reported (--show-types), one per line.
reported() {
	sed -n -E 's/^(ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\1:\2/p' "$1" | sort -u
}

# Whether everything checkpatch reported for PATCH is a warning or check
# that SDIR/checkpatch.known lists for it.
known() {
	local sdir=$1 patch=$2 r
	[ -f "$sdir/checkpatch.known" ] || return 1
	r=$(reported "$out")
	[ -n "$r" ] || return 1
	while IFS= read -r r; do
		case $r in ERROR:*) return 1 ;; esac
		awk -v p="$patch" -v t="${r#*:}" '$1 == p && $2 == t { f = 1 } END { exit !f }' \
			"$sdir/checkpatch.known" || return 1
	done <<<"$r"
}

echo "TAP version 13"
check linux --strict --no-signoff --quiet --show-types
check qemu --no-signoff --quiet
echo "1..$n"
[ $failed -eq 0 ]
