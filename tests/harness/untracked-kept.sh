#!/usr/bin/env bash
# A base change never deletes untracked files of the tree: prepare stops and
# names them.  reset, which is explicit, deletes them and says so.
. "$(dirname "$0")/common.sh"
make_base
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed"; }
W=$UINTR_BUILD/linux
# What the README's edit loop leaves: a new file not added yet.
mkdir -p "$W/arch/x86/kernel"
echo 'new work' >"$W/arch/x86/kernel/uintr.c"
echo 'notes' >"$W/my-notes.txt"
# A new base.
echo 'fourth' >>"$T/src/fake-1.0/README"
tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" fake-1.0
pin "$(sha256sum <"$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" | cut -d' ' -f1)"
! prepare || fail "prepare made the tree anew over untracked files"
expect_error "untracked files"
expect_error "arch/x86/kernel/uintr.c"
expect_error "my-notes.txt"
expect_error "./harness reset linux"
[ "$(cat "$W/arch/x86/kernel/uintr.c")" = 'new work' ] && [ -f "$W/my-notes.txt" ] ||
	fail "an untracked file was lost"
! grep -qx fourth "$W/README" || fail "the tree was made anew"
# Once the files are moved away, the tree is made anew from the new base.
mv "$W/my-notes.txt" "$T/"
rm -r "$W/arch"
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed once the untracked files were gone"; }
grep -qx fourth "$W/README" || fail "the tree was not made anew from the new base"
# reset deletes them, and names them.
echo 'more' >"$W/scratch.txt"
echo 'changed' >>"$W/README"
"$ROOT/scripts/tree.sh" reset linux >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "reset failed"; }
expect_error "removing 1 untracked file(s) of .*: scratch.txt"
expect_error "removing uncommitted changes to 1 file(s)"
[ ! -e "$W" ] || fail "reset left the tree"
"$ROOT/scripts/tree.sh" reset linux >"$T/out" 2>&1 || fail "reset of a missing tree failed"
expect_error "nothing to remove"
exit 0
