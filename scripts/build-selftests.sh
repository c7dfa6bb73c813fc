#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kselftests of SELFTEST_TARGETS (default: uintr) statically from
# the kernel tree, against the tree's own installed UAPI headers, and put
# them with busybox, the guest init and guest-exit into the initramfs.
#
# A target the tree does not have is left out, and said so.

. "$(dirname "$0")/lib.sh"

TARGETS=${SELFTEST_TARGETS:-uintr}
ROOT=$BUILD/initramfs-root

build_target() {
	local t=$1 src out
	src=$LINUX_TREE_DIR/tools/testing/selftests/$t
	out=$SELFTESTS_DIR/kselftest-$t
	log "selftests: building $t (static)"
	rm -rf "$out"
	mkdir -p "$out" "$BUILD/selftests-obj/$t"
	if ! LDFLAGS=-static make -C "$src" -j "$JOBS" \
			OUTPUT="$BUILD/selftests-obj/$t" \
			KHDR_INCLUDES="-isystem $LINUX_OBJ/usr/include" \
			INSTALL_PATH="$out" all install >"$BUILD/selftests-obj/$t.log" 2>&1; then
		tail -n 40 "$BUILD/selftests-obj/$t.log" >&2
		rm -rf "$out"
		die "building the $t selftests failed; the log is build/selftests-obj/$t.log"
	fi
	# The programs to run, in the order of the Makefile's TEST_GEN_PROGS.
	make -s -C "$src" OUTPUT="$BUILD/selftests-obj/$t" \
		-f Makefile -f - print-progs <<'EOF' | tr ' ' '\n' | sed '/^$/d' |
print-progs:
	@echo $(notdir $(TEST_GEN_PROGS) $(TEST_PROGS))
EOF
	while read -r p; do
		[ -x "$out/$p" ] && printf '%s\n' "$p"
	done >"$out/list"
	[ -s "$out/list" ] || die "the $t selftests installed no program"
}

main() {
	local t
	[ -d "$LINUX_OBJ/usr/include" ] || die "no installed headers; build the kernel first"
	mkdir -p "$BUILD/selftests-obj"
	rm -rf "$SELFTESTS_DIR"
	mkdir -p "$SELFTESTS_DIR"
	for t in $TARGETS; do
		if [ -d "$LINUX_TREE_DIR/tools/testing/selftests/$t" ]; then
			build_target "$t"
		else
			log "selftests: the kernel tree has no tools/testing/selftests/$t; the boot smoke test runs in its place"
		fi
	done

	log "initramfs: ${INITRAMFS#"$HARNESS_ROOT"/}"
	rm -rf "$ROOT"
	mkdir -p "$ROOT/bin" "$ROOT/selftests" "$ROOT/harness"
	cp /bin/busybox "$ROOT/bin/busybox"
	gcc -static -O2 -Wall -Wextra -Werror -o "$ROOT/bin/guest-exit" \
		"$HARNESS_ROOT/scripts/guest-exit.c" ||
		die "building scripts/guest-exit.c failed"
	install -m 0755 "$HARNESS_ROOT/scripts/guest-init" "$ROOT/init"
	cp -a "$SELFTESTS_DIR/." "$ROOT/selftests/"
	(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0 | gzip -1 -n) >"$INITRAMFS.tmp"
	mv "$INITRAMFS.tmp" "$INITRAMFS"
}

main "$@"
