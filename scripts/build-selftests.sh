#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and install the kselftests of UINTR_SELFTEST_TARGETS (default: uintr and
# x86) the way kernel CI does, with
#
#   make -C tools/testing/selftests TARGETS="..." install
#
# against the tree's own installed UAPI headers, and put the installed
# tree (run_kselftest.sh, kselftest-list.txt, the collections), the shared
# libraries the programs need, busybox, the guest init and its helpers into
# the initramfs.
#
# The uintr target is built once the tree has it.  Every other target
# must exist.  A program that a collection lists but that did not build is
# not dropped here: run_kselftest.sh reports it as failed in the guest.

. "$(dirname "$0")/lib.sh"

TARGETS=${UINTR_SELFTEST_TARGETS:-uintr x86}
ROOT=$BUILD/initramfs-root
OBJ=$BUILD/selftests-obj
LOGFILE=$OBJ/build.log

# Copy the shared libraries that the ELF files below DIR need (and the
# dynamic loader) into the initramfs, at their host paths.
copy_libs() {
	local dir=$1 f lib
	find "$dir" -type f -perm -u+x | while read -r f; do
		readelf -l "$f" 2>/dev/null | grep -q "program interpreter" || continue
		ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'
	done | sort -u | while read -r lib; do
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}

# What the last initramfs was made from: the kernel tree's commit, its
# uncommitted and untracked files under tools/, the kernel build (whose
# headers the tests use), the targets, the files of the harness that go
# into the initramfs, and the tools.  When none of it changed, the
# build is skipped.
build_stamp() {
	set -o errexit
	{
		echo "$TARGETS"
		fixed_git -C "$LINUX_TREE_DIR" rev-parse HEAD
		tree_changes "$LINUX_TREE_DIR" tools
		cat "$LINUX_OBJ/.uintr-build" 2>/dev/null || echo "no kernel build stamp"
		cat "$0" "$HARNESS_ROOT/scripts/guest-exit.c" "$HARNESS_ROOT/scripts/guest-timeout.c" \
			"$HARNESS_ROOT/scripts/guest-init"
		sha256sum /bin/busybox
		gcc --version
	} | sha256sum | cut -d' ' -f1
}

main() {
	local t targets=() src=$LINUX_TREE_DIR/tools/testing/selftests stamp
	[ -d "$LINUX_OBJ/usr/include" ] || die "no installed headers; build the kernel first"
	stamp=$(build_stamp) || die "selftests: cannot tell what the tree holds (git or sha256sum failed)"
	if [ -f "$INITRAMFS" ] && [ -f "$SELFTESTS_DIR/targets" ] &&
		[ "$(cat "$INITRAMFS.stamp" 2>/dev/null)" = "$stamp" ]; then
		log "initramfs: ${INITRAMFS#"$HARNESS_ROOT"/} is up to date: nothing changed since it was built"
		return 0
	fi
	rm -f "$INITRAMFS.stamp"
	for t in $TARGETS; do
		if [ -d "$src/$t" ]; then
			targets+=("$t")
		elif [ "$t" = uintr ]; then
			log "selftests: the kernel tree has no tools/testing/selftests/uintr yet"
		else
			die "the kernel tree has no tools/testing/selftests/$t"
		fi
	done

	rm -rf "$SELFTESTS_DIR" "$OBJ"
	mkdir -p "$SELFTESTS_DIR" "$OBJ"
	if [ ${#targets[@]} -gt 0 ]; then
		log "selftests: building and installing ${targets[*]}"
		# CAN_BUILD_I386=0: the same x86 tests on every machine, whether
		# or not it has gcc-multilib; the test kernel has no IA32
		# emulation to run 32-bit tests.
		# LDFLAGS=-static: the uintr selftests are linked statically (the
		# x86 Makefile does not use LDFLAGS; the libraries of dynamic
		# programs are copied into the initramfs below).
		if ! LDFLAGS=-static make -C "$src" -j "$JOBS" O="$OBJ" TARGETS="${targets[*]}" CAN_BUILD_I386=0 \
				KHDR_INCLUDES="-isystem $LINUX_OBJ/usr/include" \
				INSTALL_PATH="$SELFTESTS_DIR" install >"$LOGFILE" 2>&1; then
			grep -E -B2 -A6 'error|Error' "$LOGFILE" | head -n 60 >&2
			die "building the selftests failed; the log is ${LOGFILE#"$HARNESS_ROOT"/}"
		fi
		[ -x "$SELFTESTS_DIR/run_kselftest.sh" ] ||
			die "make install wrote no run_kselftest.sh"
		for t in "${targets[@]}"; do
			grep -q "^$t:" "$SELFTESTS_DIR/kselftest-list.txt" ||
				die "the $t selftests list no program (kselftest-list.txt)"
		done
	fi
	printf '%s\n' "${targets[@]}" | sed '/^$/d' >"$SELFTESTS_DIR/collections"
	cp "$SELFTESTS_DIR/collections" "$SELFTESTS_DIR/targets"

	log "initramfs: ${INITRAMFS#"$HARNESS_ROOT"/}"
	rm -rf "$ROOT"
	mkdir -p "$ROOT/bin" "$ROOT/usr/bin" "$ROOT/selftests" "$ROOT/harness"
	cp /bin/busybox "$ROOT/bin/busybox"
	gcc -static -O2 -Wall -Wextra -Werror -o "$ROOT/bin/guest-exit" \
		"$HARNESS_ROOT/scripts/guest-exit.c" ||
		die "building scripts/guest-exit.c failed"
	# kselftest's runner needs "timeout --foreground", which busybox's
	# timeout lacks.
	gcc -static -O2 -Wall -Wextra -Werror -o "$ROOT/usr/bin/timeout" \
		"$HARNESS_ROOT/scripts/guest-timeout.c" ||
		die "building scripts/guest-timeout.c failed"
	install -m 0755 "$HARNESS_ROOT/scripts/guest-init" "$ROOT/init"
	cp -a "$SELFTESTS_DIR/." "$ROOT/selftests/"
	copy_libs "$ROOT/selftests"
	(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0 | gzip -1 -n) >"$INITRAMFS.tmp"
	mv "$INITRAMFS.tmp" "$INITRAMFS"
	echo "$stamp" >"$INITRAMFS.stamp"
}

main "$@"
