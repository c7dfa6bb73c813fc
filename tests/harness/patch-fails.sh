#!/usr/bin/env bash
# A patch that does not apply is named, stops the harness, and poisons
# nothing: not a fresh tree, and not an existing one.
. "$(dirname "$0")/common.sh"
make_base
S=$UINTR_SERIES_ROOT/linux
cat >"$S/0001-bad.patch" <<'EOT'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Some One <someone@example.org>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] lib: Change a line that is not there

---
 README | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/README b/README
--- a/README
+++ b/README
@@ -1,3 +1,3 @@
 first
-not in the file
+changed
 third
EOT
echo 0001-bad.patch >"$S/series"
! prepare || fail "prepare succeeded with a patch that does not apply"
expect_error "patch linux/0001-bad.patch does not apply"
expect_clean

# An existing tree stays as it was when the new series does not apply.
: >"$S/series"
prepare || fail "prepare of the empty series failed"
head=$(git -C "$UINTR_BUILD/linux" rev-parse HEAD)
echo 0001-bad.patch >"$S/series"
! prepare || fail "prepare succeeded with a patch that does not apply"
expect_error "patch linux/0001-bad.patch does not apply"
[ "$(git -C "$UINTR_BUILD/linux" rev-parse HEAD)" = "$head" ] || fail "the tree moved"
[ -z "$(git -C "$UINTR_BUILD/linux" status --porcelain)" ] || fail "the tree was left dirty"
[ ! -d "$UINTR_BUILD/linux/.git/rebase-apply" ] || fail "git am was left half-way"
: >"$S/series"
prepare || fail "the tree was poisoned: prepare fails after the series was fixed"
