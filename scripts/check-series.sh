#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bisection check of the Linux series: build every patch on its own.
#
#   check-series.sh [--configs "y n i386 docs"] [--no-cache]
#
# For each commit of build/linux after the base, in a worktree of its own
# (build/check/linux), and for each configuration:
#
#   y     x86_64: tinyconfig + linux/uintr-test.config + the selftests'
#         config + linux/uintr-check.config, CONFIG_X86_USER_INTERRUPTS=y
#   n     the same with CONFIG_X86_USER_INTERRUPTS off
#   i386  the end of the series only: tinyconfig for i386 (where the option
#         does not exist), to show that the 64-bit-only code stays out
#   docs  the end of the series only: "make SPHINXDIRS=arch/x86 htmldocs"
#         and "scripts/kernel-doc -none -Wall" on the files the series
#         adds or changes; the check fails on a warning that the base's
#         documentation build does not print
#
# the check fails if
#
#   - vmlinux does not build, or its build prints a warning that the
#     base's build of the same configuration did not (compiler, objtool,
#     also the noinstr checks of the entry code, modpost, ld);
#   - the C files that the patch touches, compiled with W=1 and checked by
#     sparse (C=2), show a warning that the same files did not show right
#     before the patch.  Warnings are compared without line numbers.
#
# One result line per patch and configuration, with the first new warning,
# then "N passed, N failed".  Objects stay in build/check/obj-*, so a second
# run only rebuilds what changed, and ccache shares the compilations with
# the other builds of the harness.
#
# A pass is remembered (build/check/passed/) under a key made of everything
# that decides it: the configuration, the trees of the base, of the patch
# and of its parent, the config fragments, the compiler, sparse and this
# script.  A later run reports such a patch as passed without building it
# again, and says so; --no-cache builds everything.

. "$(dirname "$0")/lib.sh"

CONFIGS="y n i386 docs"
USE_CACHE=1
while [ $# -gt 0 ]; do
	case $1 in
	--configs) CONFIGS=$2; shift 2 ;;
	--no-cache) USE_CACHE=0; shift ;;
	*) die "check-series: unknown option $1" ;;
	esac
done

CHECK=$BUILD/check
WT=$CHECK/linux
SERIES=$(series_dir linux)
passed=0
failed=0

[ -d "$LINUX_TREE_DIR/.git" ] || die "build/linux does not exist; run ./harness prepare"
command -v sparse >/dev/null || die "sparse is not installed; run ./harness prepare"
BASE=$(fixed_git -C "$LINUX_TREE_DIR" rev-list --max-parents=0 HEAD)
mapfile -t COMMITS < <(fixed_git -C "$LINUX_TREE_DIR" rev-list --reverse "$BASE..HEAD")
[ ${#COMMITS[@]} -gt 0 ] || die "build/linux has no patches on its base"

result() {	# PASS|FAIL NAME [DETAIL]
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
		printf '  PASS check-series: %s\n' "$2"
	else
		failed=$((failed + 1))
		printf '  FAIL check-series: %s\n' "$2"
		[ -z "${3:-}" ] || printf '       %s\n' "$3"
	fi
}

# The warnings of a log, without line and column numbers and without the
# object directory, sorted and unique: what is compared.
warnings() {
	grep -E '(warning|Warning|error):' "$1" |
		sed -E -e "s|$WT/||g" -e "s|$CHECK/obj-[a-z0-9]*/||g" \
			-e 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' |
		sort -u || true
}

kmake() {	# ARCH OBJ ARGS...
	local arch=$1 obj=$2
	shift 2
	make -C "$WT" O="$obj" ARCH="$arch" CC="ccache gcc" HOSTCC="ccache gcc" \
		-j "$JOBS" "$@"
}

checkout() {
	fixed_git -C "$WT" checkout -q --detach "$1"
}

# The key under which a pass of COMMIT in CFG is remembered.
pass_key() {	# CFG COMMIT
	{
		echo "$1"
		fixed_git -C "$LINUX_TREE_DIR" rev-parse "$BASE^{tree}" "$2^{tree}" "$2^^{tree}"
		cat "$SERIES/uintr-test.config" "$SERIES/uintr-check.config" "$0"
		gcc --version | head -n 1
		sparse --version 2>&1 | head -n 1
	} | sha256sum | cut -d' ' -f1
}

configure() {	# CFG OBJ
	local cfg=$1 obj=$2 arch=x86_64 frag
	frag=$obj/check.config
	mkdir -p "$obj"
	if [ "$cfg" = i386 ]; then
		arch=i386
		: >"$frag"
	else
		{
			cat "$SERIES/uintr-test.config"
			[ ! -f "$WT/tools/testing/selftests/uintr/config" ] ||
				cat "$WT/tools/testing/selftests/uintr/config"
			cat "$SERIES/uintr-check.config"
			if [ "$cfg" = y ]; then
				echo CONFIG_X86_USER_INTERRUPTS=y
			else
				echo "# CONFIG_X86_USER_INTERRUPTS is not set"
			fi
		} >"$frag"
	fi
	[ ! -f "$obj/.config" ] || cp -p "$obj/.config" "$obj/.config.prev"
	{
		kmake "$arch" "$obj" -s tinyconfig &&
		(cd "$obj" && ARCH=$arch "$WT/scripts/kconfig/merge_config.sh" -m -O "$obj" \
			"$obj/.config" "$frag") &&
		kmake "$arch" "$obj" -s olddefconfig
	} >"$obj/config.log" 2>&1 || return 1
	# Unchanged: keep the old time stamp, so that make rebuilds nothing.
	if [ -f "$obj/.config.prev" ] && cmp -s "$obj/.config" "$obj/.config.prev"; then
		mv "$obj/.config.prev" "$obj/.config"
	fi
	rm -f "$obj/.config.prev"
}

# The objects of the C files that COMMIT touches and this configuration
# builds, relative to the tree.
touched_objects() {	# COMMIT OBJ
	local f
	fixed_git -C "$WT" diff --name-only --diff-filter=AM "$1^" "$1" -- '*.c' |
	while IFS= read -r f; do
		[ ! -f "$2/${f%.c}.o" ] || echo "${f%.c}.o"
	done
}

# W=1 and sparse on OBJECTS, recompiled from the current tree; the
# warnings go to OUT.  The next normal build recompiles them, as their
# command line changed.
extra_checks() {	# ARCH OBJ OUT OBJECTS...
	local arch=$1 obj=$2 out=$3
	shift 3
	: >"$out"
	[ $# -gt 0 ] || return 0
	(cd "$obj" && rm -f "$@")
	kmake "$arch" "$obj" W=1 C=2 "$@" >"$out" 2>&1 || true
}

check_config() {	# CFG
	local cfg=$1 obj=$CHECK/obj-$1 arch=x86_64 i n subject t0 new log key parent built name
	local -a objs
	[ "$cfg" != i386 ] || arch=i386
	log "check-series: $cfg: the base"
	checkout "$BASE"
	configure "$cfg" "$obj" || die "check-series: configuring the base ($cfg) failed; see ${obj#"$HARNESS_ROOT"/}/config.log"
	kmake "$arch" "$obj" vmlinux >"$obj/build-base.log" 2>&1 ||
		die "check-series: the base does not build ($cfg); see ${obj#"$HARNESS_ROOT"/}/build-base.log"
	warnings "$obj/build-base.log" >"$obj/base.warnings"

	n=${#COMMITS[@]}
	built=$BASE
	for ((i = 0; i < n; i++)); do
		[ "$cfg" != i386 ] || [ $i -eq $((n - 1)) ] || continue
		t0=$(date +%s)
		subject=$(fixed_git -C "$WT" log -1 --format=%s "${COMMITS[$i]}")
		name=$(printf '%02d/%02d %s: %s' $((i + 1)) "$n" "$cfg" "$subject")
		key=$(pass_key "$cfg" "${COMMITS[$i]}")
		if [ "$USE_CACHE" = 1 ] && [ -f "$CHECK/passed/$key" ]; then
			result PASS "$name (passed before with the same trees and tools: $(cat "$CHECK/passed/$key"))"
			continue
		fi
		# The warnings before the patch are those of its parent.
		parent=$(fixed_git -C "$WT" rev-parse "${COMMITS[$i]}^")
		if [ "$built" != "$parent" ]; then
			checkout "$parent"
			configure "$cfg" "$obj" || die "check-series: configuring ${parent:0:12} ($cfg) failed; see ${obj#"$HARNESS_ROOT"/}/config.log"
		fi
		built=${COMMITS[$i]}
		if [ "$cfg" = i386 ]; then
			checkout "${COMMITS[$i]}"
			objs=()
		else
			mapfile -t objs < <(touched_objects "${COMMITS[$i]}" "$obj")
			# Before the patch, on the tree that the last step built.
			extra_checks "$arch" "$obj" "$obj/before.log" "${objs[@]}"
			warnings "$obj/before.log" >"$obj/before.warnings"
			checkout "${COMMITS[$i]}"
		fi
		log=$obj/build-$((i + 1)).log
		if ! configure "$cfg" "$obj"; then
			result FAIL "$name" "configuration failed; see ${obj#"$HARNESS_ROOT"/}/config.log"
			continue
		fi
		# Once the option exists, the configuration must have it as asked.
		if [ "$cfg" != i386 ] && grep -qx 'config X86_USER_INTERRUPTS' "$WT/arch/x86/Kconfig"; then
			want="# CONFIG_X86_USER_INTERRUPTS is not set"
			[ "$cfg" = n ] || want=CONFIG_X86_USER_INTERRUPTS=y
			if ! grep -qxF "$want" "$obj/.config"; then
				result FAIL "$name" "the configuration lacks $want"
				continue
			fi
		fi
		if ! kmake "$arch" "$obj" vmlinux >"$log" 2>&1; then
			# The compiler's or linker's first error, else make's; not
			# a file name that has "error" in it (error_report-traces.o).
			result FAIL "$name" "$(grep -m1 -E '(^|[[:space:]:])(fatal )?error:' "$log" ||
				grep -m1 -E '\*\*\* .*Error [0-9]+' "$log" ||
				echo "build failed; see ${log#"$HARNESS_ROOT"/}")"
			continue
		fi
		new=$(warnings "$log" | comm -23 - "$obj/base.warnings" | head -n 1)
		if [ -n "$new" ]; then
			result FAIL "$name" "build: $new"
			continue
		fi
		if [ "$cfg" != i386 ]; then
			# The files as the patch left them (those it added, too).
			mapfile -t objs < <(touched_objects "${COMMITS[$i]}" "$obj")
			extra_checks "$arch" "$obj" "$obj/after-$((i + 1)).log" "${objs[@]}"
			new=$(warnings "$obj/after-$((i + 1)).log" | comm -23 - "$obj/before.warnings" | head -n 1)
			if [ -n "$new" ]; then
				result FAIL "$name" "W=1/sparse: $new"
				continue
			fi
		fi
		result PASS "$name ($(since "$t0") s${objs:+, W=1 and sparse on ${#objs[@]} file(s)})"
		mkdir -p "$CHECK/passed"
		date -u '+%Y-%m-%d %H:%M UTC' >"$CHECK/passed/$key"
	done
}

# The documentation at the end of the series, against the base's.  Sphinx
# runs with Debian's python3 (python3-sphinx), whatever comes first in PATH.
docs_warnings() {	# OUT
	local obj=$CHECK/obj-docs
	PATH=/usr/bin:/bin:$PATH make -C "$WT" O="$obj" SPHINXDIRS=arch/x86 htmldocs >"$1.log" 2>&1 ||
		echo "ERROR: make htmldocs failed, see ${1#"$HARNESS_ROOT"/}.log" >>"$1.log"
	grep -E '(WARNING|ERROR|[Ww]arning|[Ee]rror):' "$1.log" |
		grep -v -F 'dot(1) not found' |
		sed -E -e "s|$WT/||g" -e "s|$obj/||g" -e 's/:[0-9]+:/:/' | sort -u || true
}

# kernel-doc -Wall on those of FILES that exist in the worktree, without
# line numbers.
kdoc_warnings() {	# FILES...
	local f
	local -a have=()
	for f in "$@"; do [ ! -f "$WT/$f" ] || have+=("$f"); done
	[ ${#have[@]} -gt 0 ] || return 0
	(cd "$WT" && PATH=/usr/bin:/bin:$PATH scripts/kernel-doc -none -Wall "${have[@]}") 2>&1 |
		sed -E 's/:[0-9]+:/:/' | sort -u || true
}

check_docs() {
	local t0 new obj=$CHECK/obj-docs n=${#COMMITS[@]}
	local name="$n/$n docs: make SPHINXDIRS=arch/x86 htmldocs, kernel-doc -Wall"
	local -a files
	t0=$(date +%s)
	mkdir -p "$obj"
	mapfile -t files < <(fixed_git -C "$WT" diff --name-only --diff-filter=AM "$BASE" \
		"${COMMITS[$((n - 1))]}" -- '*.c' '*.h' | grep -v '^tools/' || true)
	log "check-series: docs: the base"
	checkout "$BASE"
	docs_warnings "$obj/base" >"$obj/base.warnings"
	kdoc_warnings "${files[@]}" >>"$obj/base.warnings"
	sort -u -o "$obj/base.warnings" "$obj/base.warnings"
	log "check-series: docs: the series"
	checkout "${COMMITS[$((n - 1))]}"
	docs_warnings "$obj/series" >"$obj/series.warnings"
	kdoc_warnings "${files[@]}" >>"$obj/series.warnings"
	sort -u -o "$obj/series.warnings" "$obj/series.warnings"
	new=$(comm -23 "$obj/series.warnings" "$obj/base.warnings" | head -n 1)
	if [ -n "$new" ]; then
		result FAIL "$name" "$new"
	else
		result PASS "$name ($(since "$t0") s, kernel-doc on ${#files[@]} file(s))"
	fi
}

main() {
	local t0 cfg
	t0=$(date +%s)
	mkdir -p "$CHECK"
	if [ ! -e "$WT/.git" ]; then
		rm -rf "$WT"
		fixed_git -C "$LINUX_TREE_DIR" worktree prune
		fixed_git -C "$LINUX_TREE_DIR" worktree add -q --detach "$WT" "$BASE"
	fi
	for cfg in $CONFIGS; do
		case $cfg in
		y | n | i386) check_config "$cfg" ;;
		docs) check_docs ;;
		*) die "check-series: unknown configuration $cfg" ;;
		esac
	done
	log "check-series: ${#COMMITS[@]} patch(es), configurations $CONFIGS, $(since "$t0") s"
	echo "check-series: $passed passed, $failed failed"
	[ $failed -eq 0 ]
}

main
