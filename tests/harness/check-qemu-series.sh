#!/usr/bin/env bash
# ./harness check-qemu-series on a fake QEMU whose configure writes a
# build.ninja of one step and whose checkpatch.pl reacts to marks in the
# patch: a patch that does not build fails in x86_64 with the compiler's
# error named under its own line, a checkpatch error fails and a warning
# passes, i386 and notcg are built at the end of the series only, each
# build folder is configured once with --enable-werror and its own
# arguments, passes are remembered (--no-cache forgets them), and a
# worktree left from a tree that was made anew is made again.
. "$(dirname "$0")/common.sh"
export UINTR_SKIP_DEPS=1 UINTR_HARNESS_NESTED=1
# What the fakes did, a line per configure, build step and checkpatch.
export FAKE_LOG=$T/fake.log

Q=$T/src/fakeqemu-1.0
mkdir -p "$Q/scripts" "$T/src/debian/patches"
cat >"$Q/configure" <<'EOT'
#!/bin/sh
src=$(cd "$(dirname "$0")" && pwd)
printf '%s\n' "$@" >configure.args
t=$(sed -n 's/^--target-list=\(.*\)-softmmu$/\1/p' configure.args)
echo "configure $t" >>"$FAKE_LOG"
printf 'rule b\n  command = sh %s/build.sh $out\nbuild qemu-system-%s: b %s/build.sh %s/target.c\n' \
	"$src" "$t" "$src" "$src" >build.ninja
EOT
cat >"$Q/build.sh" <<'EOT'
src=$(cd "$(dirname "$0")" && pwd)
echo "build $(basename "$(pwd -P)") $(head -n 1 "$src/target.c")" >>"$FAKE_LOG"
if grep -q BREAK "$src/target.c"; then
	echo "[1/1] Compiling C object libqemu-x86_64-softmmu.a.p/target_i386_error.c.o"
	echo "../qemu/target.c:1:1: error: this does not compile"
	exit 1
fi
touch "$1"
EOT
cat >"$Q/scripts/checkpatch.pl" <<'EOT'
open(my $log, '>>', $ENV{FAKE_LOG}) or die;
print $log "checkpatch\n";
my $bad = 0;
while (<STDIN>) {
	print "WARNING: a marked warning\n" if /^\+.*CHECKPATCH-WARNING/;
	if (/^\+.*CHECKPATCH-ERROR/) { print "ERROR: a marked error\n"; $bad = 1; }
}
exit $bad;
EOT
chmod +x "$Q/configure"
echo 'int base;' >"$Q/target.c"
echo notes >"$Q/notes.txt"

# The series: 1 builds and warns, 2 does not build, 3 repairs the build
# and has a checkpatch error.
G=$T/g
cp -a "$Q" "$G"
g() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null GIT_AUTHOR_NAME=a \
		GIT_AUTHOR_EMAIL=a@example.org GIT_COMMITTER_NAME=a \
		GIT_COMMITTER_EMAIL=a@example.org git -C "$G" "$@"
}
g init -q -b base
g add -A
g commit -q -m base
echo 'CHECKPATCH-WARNING' >>"$G/notes.txt"
g commit -q -a -m "target/i386: first, with a warning"
echo 'int BREAK' >"$G/target.c"
g commit -q -a -m "target/i386: break the build"
echo 'int repaired;' >"$G/target.c"
echo 'CHECKPATCH-ERROR' >>"$G/notes.txt"
g commit -q -a -m "target/i386: repair the build, with a checkpatch error"
g format-patch -q --zero-commit -o "$UINTR_SERIES_ROOT/qemu" HEAD~3..HEAD
for p in "$UINTR_SERIES_ROOT"/qemu/*.patch; do echo "${p##*/}"; done >"$UINTR_SERIES_ROOT/qemu/series"

tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fakeqemu_1.0.orig.tar.xz" fakeqemu-1.0
tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fakeqemu_1.0-1.debian.tar.xz" debian
cat >"$UINTR_BASES" <<EOT
QEMU_SRCPKG=fakeqemu
QEMU_SRCVER=1.0-1
QEMU_TARBALL=fakeqemu_1.0.orig.tar.xz
QEMU_TARBALL_SHA256=$(sha256sum <"$UINTR_FETCH_DIR/fakeqemu_1.0.orig.tar.xz" | cut -d' ' -f1)
QEMU_DEBIAN_TARBALL=fakeqemu_1.0-1.debian.tar.xz
QEMU_DEBIAN_TARBALL_SHA256=$(sha256sum <"$UINTR_FETCH_DIR/fakeqemu_1.0-1.debian.tar.xz" | cut -d' ' -f1)
QEMU_TOPDIR=fakeqemu-1.0
QEMU_DEBIAN_PATCHES=""
EOT

run() {
	rc=0
	: >"$FAKE_LOG"
	"$ROOT/harness" check-qemu-series "$@" >"$T/out" 2>&1 || rc=$?
}
show() { sed 's/^/# /' "$T/out"; sed 's/^/# fake: /' "$FAKE_LOG"; }
expect() { grep -q -- "$1" "$T/out" || { show; fail "no '$1' in the output"; }; }
expect_not() { ! grep -q -- "$1" "$T/out" || { show; fail "'$1' in the output"; }; }
# expect_after LINE NEXT: the line after the one that starts with LINE has NEXT.
expect_after() {
	grep -A1 -F -- "$1" "$T/out" | tail -n 1 | grep -q -F -- "$2" ||
		{ show; fail "no '$2' below '$1'"; }
}
fakes() { grep -c -x -- "$1" "$FAKE_LOG" || true; }
P="  PASS check-qemu-series:"
F="  FAIL check-qemu-series:"

run
[ $rc -ne 0 ] || { show; fail "a series with a patch that does not build passed"; }
expect "^$P 01/03 checkpatch: target/i386: first, with a warning (.*1 warning(s))"
expect_after "$P 01/03 checkpatch:" "WARNING: a marked warning"
expect "^$P 02/03 checkpatch: target/i386: break the build"
expect "^$F 03/03 checkpatch: target/i386: repair the build, with a checkpatch error$"
expect_after "$F 03/03 checkpatch:" "ERROR: a marked error"
expect "^$P 01/03 x86_64: target/i386: first, with a warning"
expect "^$F 02/03 x86_64: target/i386: break the build$"
expect_after "$F 02/03 x86_64:" "../qemu/target.c:1:1: error: this does not compile"
expect "^$P 03/03 x86_64: target/i386: repair the build"
expect "^$P 03/03 i386: target/i386: repair the build"
expect "^$P 03/03 notcg: target/i386: repair the build"
expect_not "0[12]/03 i386"
expect_not "0[12]/03 notcg"
expect "check-qemu-series: 3 patch(es), configurations checkpatch x86_64 i386 notcg, [0-9]* s"
[ "$(tail -n 1 "$T/out")" = "check-qemu-series: 6 passed, 2 failed" ] ||
	{ show; fail "the last line is not the count of 6 passes and 2 failures"; }
# Each build folder was configured once, and built the base first.
[ "$(fakes 'configure x86_64')" = 2 ] && [ "$(fakes 'configure i386')" = 1 ] ||
	{ show; fail "not one configure per build folder"; }
[ "$(fakes 'build qemu-obj-i386 int base;')" = 1 ] ||
	{ show; fail "the base was not built for i386"; }
C=$UINTR_BUILD/check
for cfg in x86_64 i386 notcg; do
	a=$C/qemu-obj-$cfg/configure.args
	grep -qx -- --enable-werror "$a" && ! grep -qx -- --disable-werror "$a" ||
		fail "$cfg was not configured with --enable-werror"
	t=x86_64
	[ $cfg != i386 ] || t=i386
	grep -qx -- "--target-list=$t-softmmu" "$a" || fail "$cfg was not configured for $t-softmmu"
	d=$(sed -n "s/^--with-devices-$t=//p" "$a")
	[ "$(realpath -m "$C/qemu/configs/devices/$t-softmmu/$d.mak")" = "$ROOT/qemu/uintr-test-devices.mak" ] ||
		fail "$cfg: --with-devices-$t does not name qemu/uintr-test-devices.mak: $d"
done
grep -qx -- --disable-tcg "$C/qemu-obj-notcg/configure.args" &&
	grep -qx -- --enable-kvm "$C/qemu-obj-notcg/configure.args" &&
	! grep -qx -- --enable-tcg "$C/qemu-obj-notcg/configure.args" ||
	fail "notcg was not configured with --disable-tcg --enable-kvm"
grep -qx -- --enable-tcg "$C/qemu-obj-x86_64/configure.args" || fail "x86_64 was not configured with TCG"

# Again: what passed is not built or checked again; what failed is.
run
[ $rc -ne 0 ] || { show; fail "the second run passed"; }
[ "$(grep -c "^$P .*(passed before with the same" "$T/out")" = 6 ] ||
	{ show; fail "not the 6 passes of the first run remembered"; }
expect_after "$P 01/03 checkpatch:" "WARNING: a marked warning"
expect_after "$F 02/03 x86_64:" "error: this does not compile"
[ "$(tail -n 1 "$T/out")" = "check-qemu-series: 6 passed, 2 failed" ] ||
	{ show; fail "the second run did not count 6 passes and 2 failures"; }
[ "$(fakes 'checkpatch')" = 1 ] || { show; fail "checkpatch ran again on a patch that passed"; }
! grep -q '^configure' "$FAKE_LOG" || { show; fail "a build folder was configured again"; }
[ "$(grep -c '^build' "$FAKE_LOG")" = 1 ] && [ "$(fakes 'build qemu-obj-x86_64 int BREAK')" = 1 ] ||
	{ show; fail "the second run built more than the patch that failed"; }

# --configs chooses, --no-cache builds the base and every patch again.
run --configs x86_64 --no-cache
[ $rc -ne 0 ] || { show; fail "--configs x86_64 passed"; }
expect_not "passed before"
expect_not "checkpatch:"
expect_not "/03 i386:"
[ "$(tail -n 1 "$T/out")" = "check-qemu-series: 2 passed, 1 failed" ] ||
	{ show; fail "--configs x86_64 did not count 2 passes and 1 failure"; }
[ "$(fakes 'build qemu-obj-x86_64 int base;')" = 1 ] || { show; fail "--no-cache did not build the base"; }
run --configs "x86_64 bogus"
[ $rc -ne 0 ] || fail "an unknown configuration passed"
expect "unknown configuration bogus"
[ ! -s "$FAKE_LOG" ] || { show; fail "something was built with an unknown configuration"; }

# A tree made anew (./harness reset qemu): the old worktree is made again.
"$ROOT/harness" reset qemu >"$T/out" 2>&1 || { show; fail "reset qemu failed"; }
run --configs checkpatch
expect "^$P 01/03 checkpatch:"
expect "^$F 03/03 checkpatch:"
[ "$(git -C "$C/qemu" rev-parse --path-format=absolute --git-common-dir)" = "$UINTR_BUILD/qemu/.git" ] ||
	{ show; fail "the worktree does not belong to the new tree"; }
exit 0
