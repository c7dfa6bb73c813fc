#!/usr/bin/env bash
# LINUX_TREE: the series is applied to a developer's own git tree, which is
# cloned, never touched; the base follows that tree's commit.
. "$(dirname "$0")/common.sh"
make_base
U=$T/own
git init -q -b main "$U"
cp -a "$T/src/fake-1.0/." "$U/"
git -C "$U" add -A
git -C "$U" commit -q -m "upstream"
series_of_readme_patch
before=$(git -C "$U" rev-parse HEAD)
LINUX_TREE=$U prepare || { sed 's/^/# /' "$T/out"; fail "prepare on LINUX_TREE failed"; }
W=$UINTR_BUILD/linux
grep -qx 'second, changed' "$W/README" || fail "the series was not applied"
[ "$(git -C "$W" rev-parse HEAD~1)" = "$before" ] || fail "the series is not on the tree's HEAD"
[ "$(git -C "$U" rev-parse HEAD)" = "$before" ] && [ -z "$(git -C "$U" status --porcelain)" ] ||
	fail "the developer's tree was touched"
git -C "$U" branch | grep -q uintr && fail "a branch was left in the developer's tree"
# A new commit in the developer's tree is a new base: the tree is made anew.
echo more >>"$U/lib/main.c"
git -C "$U" commit -q -a -m "upstream moves on"
LINUX_TREE=$U prepare || { sed 's/^/# /' "$T/out"; fail "prepare after the tree moved failed"; }
[ "$(git -C "$W" rev-parse HEAD~1)" = "$(git -C "$U" rev-parse HEAD)" ] || fail "the base did not follow the tree"
exit 0
