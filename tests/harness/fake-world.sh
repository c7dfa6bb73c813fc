# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A scratch world for running the whole harness (./harness run and test)
# without building anything real: a fake "linux" whose make targets copy
# the real kernel image that ./harness built, and a fake "qemu" whose
# configure and ninja copy the real QEMU binary.  The guest that boots is
# the real one, with the scratch initramfs.  Sourced after common.sh.

REAL_BUILD=${REAL_BUILD:?}
REAL_OBJ=$REAL_BUILD/linux-obj
REAL_QEMU=$REAL_BUILD/qemu-obj/qemu-system-x86_64
[ -f "$REAL_OBJ/arch/x86/boot/bzImage" ] && [ -x "$REAL_QEMU" ] ||
	fail "needs the real kernel and QEMU (./harness build first)"

export UINTR_SKIP_DEPS=1 UINTR_SELFTEST_TARGETS=uintr UINTR_HARNESS_NESTED=1

make_fake_world() {
	local L=$T/src/fakelinux-1.0 Q=$T/src/fakeqemu-1.0
	mkdir -p "$L/scripts/kconfig" "$Q" "$T/src/debian/patches"
	# Kconfig knows these options; olddefconfig drops every other one.
	printf 'CONFIG_64BIT\nCONFIG_GOOD\n' >"$L/Kconfig.options"
	cat >"$L/Makefile" <<EOT
O ?= .
tinyconfig:
	echo CONFIG_64BIT=y >\$(O)/.config
olddefconfig:
	grep -F -f \$(CURDIR)/Kconfig.options \$(O)/.config >\$(O)/.config.new || true
	mv \$(O)/.config.new \$(O)/.config
bzImage:
	mkdir -p \$(O)/arch/x86/boot \$(O)/include/generated
	cp $REAL_OBJ/arch/x86/boot/bzImage \$(O)/arch/x86/boot/bzImage
	cp $REAL_OBJ/include/generated/utsrelease.h $REAL_OBJ/include/generated/utsversion.h \$(O)/include/generated/
headers_install:
	mkdir -p \$(O)/usr/include
EOT
	cat >"$L/scripts/kconfig/merge_config.sh" <<'EOT'
#!/bin/sh
# merge_config.sh -m -O DIR BASE FRAGMENT...: append the fragments.
while [ $# -gt 0 ]; do
	case $1 in
	-m) shift ;;
	-O) out=$2; shift 2 ;;
	*) base=$1; shift; break ;;
	esac
done
cat "$@" >>"$base"
EOT
	chmod +x "$L/scripts/kconfig/merge_config.sh"
	cat >"$Q/configure" <<EOT
#!/bin/sh
printf 'rule cp\n  command = cp $REAL_QEMU \$out\nbuild qemu-system-x86_64: cp\n' >build.ninja
EOT
	chmod +x "$Q/configure"
	tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fakelinux_1.0.orig.tar.xz" fakelinux-1.0
	tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fakeqemu_1.0.orig.tar.xz" fakeqemu-1.0
	tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fakeqemu_1.0-1.debian.tar.xz" debian
	cat >"$UINTR_BASES" <<EOT
LINUX_SRCPKG=fakelinux
LINUX_SRCVER=1.0-1
LINUX_TARBALL=fakelinux_1.0.orig.tar.xz
LINUX_TARBALL_SHA256=$(sha256sum <"$UINTR_FETCH_DIR/fakelinux_1.0.orig.tar.xz" | cut -d' ' -f1)
LINUX_TOPDIR=fakelinux-1.0
LINUX_FALLBACK_PKG=
QEMU_SRCPKG=fakeqemu
QEMU_SRCVER=1.0-1
QEMU_TARBALL=fakeqemu_1.0.orig.tar.xz
QEMU_TARBALL_SHA256=$(sha256sum <"$UINTR_FETCH_DIR/fakeqemu_1.0.orig.tar.xz" | cut -d' ' -f1)
QEMU_DEBIAN_TARBALL=fakeqemu_1.0-1.debian.tar.xz
QEMU_DEBIAN_TARBALL_SHA256=$(sha256sum <"$UINTR_FETCH_DIR/fakeqemu_1.0-1.debian.tar.xz" | cut -d' ' -f1)
QEMU_TOPDIR=fakeqemu-1.0
QEMU_DEBIAN_PATCHES=""
EOT
	: >"$UINTR_SERIES_ROOT/qemu/series"
	echo CONFIG_GOOD=y >"$UINTR_SERIES_ROOT/linux/uintr-test.config"
}

# A patch of the fake linux that applies, but does not build.
break_the_build() {
	cat >"$UINTR_SERIES_ROOT/linux/build-Break-it.patch" <<'EOT'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Some One <someone@example.org>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] build: Break it

---
 Makefile | 1 +
 1 file changed, 1 insertion(+)

diff --git a/Makefile b/Makefile
--- a/Makefile
+++ b/Makefile
@@ -7,2 +7,3 @@ olddefconfig:
 bzImage:
+	@echo "init/main.c:1:1: error: this does not compile" && false
 	mkdir -p $(O)/arch/x86/boot $(O)/include/generated
EOT
	echo build-Break-it.patch >"$UINTR_SERIES_ROOT/linux/series"
}

# harness ARGS...: run the real harness in the scratch world; sets $rc.
harness() {
	rc=0
	"$ROOT/harness" "$@" >"$T/out" 2>&1 || rc=$?
}

expect() {
	grep -q -- "$1" "$T/out" || { sed 's/^/# /' "$T/out"; fail "no '$1' in the output"; }
}

expect_not() {
	! grep -q -- "$1" "$T/out" || { sed 's/^/# /' "$T/out"; fail "'$1' in the output"; }
}
