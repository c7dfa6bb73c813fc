#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bisection check of the QEMU series: build every patch on its own.
#
#   check-qemu-series.sh [--configs "checkpatch x86_64 i386 notcg"] [--no-cache]
#
# For each commit of build/qemu after the base (its root commit), in a
# worktree of its own (build/check/qemu), and for each configuration:
#
#   checkpatch  QEMU's scripts/checkpatch.pl --no-signoff, from the tree at
#               that commit, on the commit's patch (git format-patch -1):
#               an error fails the patch; warnings are printed and pass
#               (checkpatch.pl exits with 0 on warnings).  As in
#               checkpatch.sh, qemu/checkpatch.known cannot let an error
#               pass, and there is no warning for it to excuse.
#   x86_64      qemu-system-x86_64, TCG, with the configure arguments of
#               build-qemu.sh but --enable-werror, in
#               build/check/qemu-obj-x86_64
#   i386        the end of the series only: qemu-system-i386, TCG, the same
#               arguments with --target-list=i386-softmmu and the same
#               device list (--with-devices-i386), in
#               build/check/qemu-obj-i386
#   notcg       the end of the series only: qemu-system-x86_64 with
#               --disable-tcg --enable-kvm, to show that a build without
#               TCG still works, in build/check/qemu-obj-notcg
#
# Each build directory is configured once (again only when the configure
# arguments, the device list or the base change); every later commit is
# built incrementally by ninja, through ccache.  Before the first patch
# that is built, the base is built in the same directory, so that a base
# that does not build with --enable-werror (a newer compiler, say) is
# named as such instead of being blamed on the first patch.
#
# One result line per patch and configuration, with the compiler's first
# error (or checkpatch's) below a failure, then "N passed, N failed".
#
# A pass is remembered (build/check/qemu-passed/) under a key made of
# everything that decides it: the configuration, the tree of the commit,
# the configure arguments and the device list, the compiler and this
# script (for checkpatch: the patch, the commit's scripts/ and this
# script).  A later run reports such a patch as passed without building
# it again, and says so; --no-cache builds everything.

. "$(dirname "$0")/lib.sh"

CONFIGS="checkpatch x86_64 i386 notcg"
USE_CACHE=1
while [ $# -gt 0 ]; do
	case $1 in
	--configs) [ $# -ge 2 ] || die "check-qemu-series: --configs needs a list"; CONFIGS=$2; shift 2 ;;
	--no-cache) USE_CACHE=0; shift ;;
	*) die "check-qemu-series: unknown option $1" ;;
	esac
done
for cfg in $CONFIGS; do
	case $cfg in
	checkpatch | x86_64 | i386 | notcg) ;;
	*) die "check-qemu-series: unknown configuration $cfg (checkpatch x86_64 i386 notcg)" ;;
	esac
done

CHECK=$BUILD/check
WT=$CHECK/qemu
PASSED=$CHECK/qemu-passed
DEVICES=$HARNESS_ROOT/qemu/uintr-test-devices
passed=0
failed=0

[ -d "$QEMU_TREE_DIR/.git" ] || die "build/qemu does not exist; run ./harness prepare"
mapfile -t roots < <(fixed_git -C "$QEMU_TREE_DIR" rev-list --max-parents=0 HEAD)
[ ${#roots[@]} -eq 1 ] || die "build/qemu has ${#roots[@]} root commits; want one, the base"
BASE=${roots[0]}
mapfile -t COMMITS < <(fixed_git -C "$QEMU_TREE_DIR" rev-list --reverse "$BASE..HEAD")
[ ${#COMMITS[@]} -gt 0 ] || die "build/qemu has no patches on its base"
[ -z "$(fixed_git -C "$QEMU_TREE_DIR" status --porcelain --untracked-files=no)" ] ||
	warn "build/qemu has uncommitted changes; only its commits are checked"

result() {	# PASS|FAIL NAME [DETAIL...]
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	printf '  %s check-qemu-series: %s\n' "$1" "$2"
	shift 2
	[ $# -eq 0 ] || printf '       %s\n' "$@"
}

checkout() {
	fixed_git -C "$WT" checkout -q -f --detach "$1"
}

subject_of() {
	fixed_git -C "$QEMU_TREE_DIR" log -1 --format=%s "$1"
}

# The configure arguments of CFG, in ARGS: those of build-qemu.sh (keep
# them in step), with --enable-werror instead of --disable-werror.
configure_args() {	# CFG
	local target=x86_64
	[ "$1" != i386 ] || target=i386
	ARGS=(
		--target-list="$target-softmmu"
		--python=/usr/bin/python3
		--without-default-features
		--without-default-devices
		# Relative to configs/devices/TARGET-softmmu/ of the source tree,
		# as build-qemu.sh names it.  i386 takes the same list: the
		# devices' Kconfig symbols (Q35, VTD, ...) exist for both targets.
		"--with-devices-$target=$(realpath -m --relative-to="$WT/configs/devices/$target-softmmu" "$DEVICES")"
	)
	if [ "$1" = notcg ]; then
		ARGS+=(--disable-tcg --enable-kvm)
	else
		ARGS+=(--enable-tcg --disable-kvm)
	fi
	ARGS+=(
		--disable-docs
		--disable-download
		--disable-user
		--disable-tools
		--disable-guest-agent
		--disable-fdt
		--enable-werror
		--disable-install-blobs
	)
}

# The key under which a pass of COMMIT (or of the base) in CFG is
# remembered.  configure_args must have run for CFG.
pass_key() {	# CFG COMMIT
	{
		echo "$1"
		fixed_git -C "$QEMU_TREE_DIR" rev-parse "$2^{tree}"
		printf '%s\n' "${ARGS[@]}"
		cat "$DEVICES.mak"
		cat "$0"
		gcc --version | head -n 1
	} | sha256sum | cut -d' ' -f1
}

remember() {	# KEY [DETAIL...]
	local key=$1
	shift
	mkdir -p "$PASSED"
	{
		date -u '+%Y-%m-%d %H:%M UTC'
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$PASSED/$key.tmp"
	mv "$PASSED/$key.tmp" "$PASSED/$key"
}

# Whether KEY passed before (and --no-cache is not given).
passed_before() {	# KEY
	[ "$USE_CACHE" = 1 ] && [ -f "$PASSED/$1" ]
}

# The first error of a build log: the compiler's or the linker's, not a
# file name that has "error" in it (error_report-traces.o); else ninja's
# failed step or meson's error.
first_error() {	# LOG
	grep -m1 -E '(^|[[:space:]:])(fatal )?error:' "$1" ||
		grep -m1 -E '^(FAILED: |ERROR: )' "$1" ||
		echo "build failed; see ${1#"$HARNESS_ROOT"/}"
}

# Configure OBJ for the current ARGS, unless it is configured for them
# already.  configure runs from the worktree, whatever it holds now.
configure() {	# OBJ
	local obj=$1 stamp
	stamp=$({
		printf '%s\n' "${ARGS[@]}"
		cat "$DEVICES.mak"
		echo "$BASE"
	} | sha256sum | cut -d' ' -f1)
	if [ -f "$obj/build.ninja" ] && [ "$(cat "$obj/.uintr-configure" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	log "check-qemu-series: configuring ${obj#"$HARNESS_ROOT"/}"
	rm -rf "$obj"
	mkdir -p "$obj"
	if ! (cd "$obj" && CC="ccache gcc" "$WT/configure" "${ARGS[@]}" --cc="ccache gcc" \
			>configure.log 2>&1) || [ ! -f "$obj/build.ninja" ]; then
		rm -f "$obj/build.ninja"
		return 1
	fi
	echo "$stamp" >"$obj/.uintr-configure"
}

build() {	# OBJ TARGET LOG
	ninja -C "$1" -j "$JOBS" "$2" >"$3" 2>&1
}

check_build() {	# CFG
	local cfg=$1 obj=$CHECK/qemu-obj-$1 target=qemu-system-x86_64 n i first=0 ready=0
	local t0 subject name key log
	[ "$cfg" != i386 ] || target=qemu-system-i386
	n=${#COMMITS[@]}
	[ "$cfg" = x86_64 ] || first=$((n - 1))
	configure_args "$cfg"
	for ((i = first; i < n; i++)); do
		t0=$(date +%s)
		subject=$(subject_of "${COMMITS[$i]}")
		name=$(printf '%02d/%02d %s: %s' $((i + 1)) "$n" "$cfg" "$subject")
		key=$(pass_key "$cfg" "${COMMITS[$i]}")
		if passed_before "$key"; then
			result PASS "$name (passed before with the same tree and tools: $(head -n 1 "$PASSED/$key"))"
			continue
		fi
		if [ $ready = 0 ]; then
			# Configure on the base, and build it, before the first
			# patch that is built.
			checkout "$BASE"
			if ! configure "$obj"; then
				result FAIL "$(printf '00/%02d %s: the base' "$n" "$cfg")" \
					"configure failed: $(grep -m1 -E '^ERROR|error:' "$obj/configure.log" ||
						echo "see ${obj#"$HARNESS_ROOT"/}/configure.log")" \
					"the patches were not built in this configuration"
				return 0
			fi
			key=$(pass_key "$cfg" "$BASE")
			if passed_before "$key"; then
				log "check-qemu-series: $cfg: the base built before ($(head -n 1 "$PASSED/$key"))"
			else
				log "check-qemu-series: $cfg: building the base"
				log=$obj/build-base.log
				if ! build "$obj" "$target" "$log"; then
					result FAIL "$(printf '00/%02d %s: the base' "$n" "$cfg")" \
						"$(first_error "$log")" \
						"the base does not build so configured; the patches were not built in this configuration"
					return 0
				fi
				remember "$key"
			fi
			ready=1
			key=$(pass_key "$cfg" "${COMMITS[$i]}")
			t0=$(date +%s)
		fi
		checkout "${COMMITS[$i]}"
		log=$obj/build-$((i + 1)).log
		if ! build "$obj" "$target" "$log"; then
			result FAIL "$name" "$(first_error "$log")"
			continue
		fi
		result PASS "$name ($(since "$t0") s)"
		remember "$key"
	done
}

# checkpatch.pl of the tree at each commit, on the commit's patch.
check_checkpatch() {
	local dir=$CHECK/qemu-checkpatch n i t0 subject name key patch out rc nw
	local -a warnings details
	mkdir -p "$dir"
	n=${#COMMITS[@]}
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s)
		subject=$(subject_of "${COMMITS[$i]}")
		name=$(printf '%02d/%02d checkpatch: %s' $((i + 1)) "$n" "$subject")
		patch=$dir/$(printf '%02d' $((i + 1))).patch
		out=$dir/$(printf '%02d' $((i + 1))).out
		fixed_git -C "$QEMU_TREE_DIR" -c core.abbrev=12 -c diff.renames=true format-patch \
			-1 --stdout --no-signature --zero-commit "${COMMITS[$i]}" >"$patch"
		key=$({
			echo checkpatch --no-signoff
			cat "$patch"
			fixed_git -C "$QEMU_TREE_DIR" rev-parse "${COMMITS[$i]}:scripts" 2>/dev/null ||
				echo "no scripts tree"
			cat "$0"
		} | sha256sum | cut -d' ' -f1)
		if passed_before "$key"; then
			mapfile -t details < <(tail -n +2 "$PASSED/$key")
			result PASS "$name (passed before with the same patch and checkpatch: $(head -n 1 "$PASSED/$key"))" \
				${details[@]+"${details[@]}"}
			continue
		fi
		checkout "${COMMITS[$i]}"
		if [ ! -f "$WT/scripts/checkpatch.pl" ]; then
			result FAIL "$name" "the tree has no scripts/checkpatch.pl"
			continue
		fi
		rc=0
		# As in checkpatch.sh: Debian's perl and python3 first in PATH.
		(cd "$WT" && PATH=/usr/bin:/bin:$PATH perl scripts/checkpatch.pl --no-signoff --quiet - \
			<"$patch") >"$out" 2>&1 || rc=$?
		mapfile -t warnings < <(grep '^WARNING:' "$out" || true)
		if grep -q '^Traceback' "$out"; then
			# A helper of checkpatch crashed: part of the check did not run.
			result FAIL "$name" "a checkpatch helper failed; see ${out#"$HARNESS_ROOT"/}"
		elif [ $rc -eq 1 ]; then
			result FAIL "$name" "$(grep -m1 '^ERROR:' "$out" ||
				echo "checkpatch failed; see ${out#"$HARNESS_ROOT"/}")"
		elif [ $rc -ne 0 ]; then
			result FAIL "$name" "checkpatch.pl exited with $rc: $(head -n 1 "$out")"
		else
			nw=${#warnings[@]}
			if [ "$nw" -eq 0 ]; then
				result PASS "$name ($(since "$t0") s)"
			else
				result PASS "$name ($(since "$t0") s, $nw warning(s))" "${warnings[@]}"
			fi
			remember "$key" ${warnings[@]+"${warnings[@]}"}
		fi
	done
}

main() {
	local t0 cfg
	t0=$(date +%s)
	mkdir -p "$CHECK"
	# The worktree must be one of build/qemu: git -C on a folder that is
	# not one finds the repository of a folder above it.  A worktree left
	# from a build/qemu that was made anew is broken; it is made again.
	local common
	common=$(fixed_git -C "$WT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || common=
	if [ -z "$common" ] || [ ! -e "$WT/.git" ] ||
		[ "$(realpath "$common")" != "$(realpath "$QEMU_TREE_DIR/.git")" ]; then
		rm -rf "$WT"
		fixed_git -C "$QEMU_TREE_DIR" worktree prune
		fixed_git -C "$QEMU_TREE_DIR" worktree add -q --detach "$WT" "$BASE"
	fi
	for cfg in $CONFIGS; do
		case $cfg in
		checkpatch) check_checkpatch ;;
		*) check_build "$cfg" ;;
		esac
	done
	log "check-qemu-series: ${#COMMITS[@]} patch(es), configurations $CONFIGS, $(since "$t0") s"
	echo "check-qemu-series: $passed passed, $failed failed"
	[ $failed -eq 0 ]
}

main
