#!/usr/bin/env bash
# Export, then apply, reproduces the same files byte for byte, and a second
# export reproduces the same series byte for byte.
. "$(dirname "$0")/common.sh"
make_base
S=$UINTR_SERIES_ROOT/linux
prepare || fail "prepare failed"
W=$UINTR_BUILD/linux
commit() {
	GIT_AUTHOR_NAME="Some One" GIT_AUTHOR_EMAIL=someone@example.org \
	GIT_AUTHOR_DATE="2026-01-0$1T10:00:00+0100" git -C "$W" commit -q -a -m "$2" -m "$3"
}
printf 'first\nsecond, changed\nthird\n\tindented\n' >"$W/README"
commit 1 "lib: Change the README" "Context.  Problem.  Solution, in a body
that spans lines."
printf '#!/bin/sh\necho hi\n' >"$W/lib/tool.sh"
chmod +x "$W/lib/tool.sh"
git -C "$W" add lib/tool.sh
commit 2 "lib: Add a tool" "With a mode of 755."
git -C "$W" rm -q lib/main.c
printf '\x00\x01binary\xff' >"$W/lib/blob.bin"
git -C "$W" add lib/blob.bin
commit 3 "lib: Add a tool" "Same subject as the previous one, and a binary file."
tree=$(git -C "$W" rev-parse HEAD^{tree})

"$ROOT/scripts/tree.sh" export linux >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "export failed"; }
[ "$(cat "$S/series")" = "$(printf 'lib-Change-the-README.patch\nlib-Add-a-tool.patch\nlib-Add-a-tool-2.patch')" ] ||
	fail "unexpected series file: $(cat "$S/series" | tr '\n' ' ')"
! grep -q '^-- $' "$S"/*.patch || fail "the export has a version signature"
grep -q '^From 0000000000000000000000000000000000000000 ' "$S/lib-Add-a-tool.patch" ||
	fail "the export names commit ids"
cp -a "$S" "$T/first"

# Apply from scratch.
"$ROOT/scripts/tree.sh" reset linux >/dev/null 2>&1
prepare || { sed 's/^/# /' "$T/out"; fail "prepare of the exported series failed"; }
[ "$(git -C "$W" rev-parse HEAD^{tree})" = "$tree" ] || fail "the applied tree differs from the exported one"
[ "$(git -C "$W" rev-list --count HEAD)" = 4 ] || fail "not one commit per patch"
"$ROOT/scripts/tree.sh" export linux "$T/second" >/dev/null 2>&1 || fail "second export failed"
diff -r "$T/first" "$T/second" >"$T/diff" || { sed 's/^/# /' "$T/diff"; fail "the second export differs"; }
