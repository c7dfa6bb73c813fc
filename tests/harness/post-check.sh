#!/usr/bin/env bash
# post-check, the steps that need neither the network nor b4: checkpatch
# with its sign-off check on refuses a series without the poster's
# Signed-off-by: (and says that the sign-off is all that is missing) and
# passes it with one, and an unlisted warning still fails; the cover
# letter passes with the pinned upstream base-commit:, the diffstat of the
# series, a Patches section that names every patch and a "Benchmark"
# table, and fails with the harness's own base commit, another diffstat, a
# patch left out, a placeholder instead of the table, or no such section.
. "$(dirname "$0")/common.sh"
make_base
series_of_readme_patch
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed"; }
UPSTREAM=0123456789abcdef0123456789abcdef01234567
echo "LINUX_UPSTREAM_COMMIT=$UPSTREAM" >>"$UINTR_BASES"
mkdir -p "$UINTR_SERIES_ROOT/man-pages"
: >"$UINTR_SERIES_ROOT/man-pages/series"
export UINTR_POSTER="Pat Poster <pat@example.org>"
P=$UINTR_SERIES_ROOT/linux/lib-Change-the-README.patch

# A checkpatch that reports a missing sign-off as the real one does, and
# the "report:" lines of the patch.
mkdir -p "$UINTR_BUILD/linux/scripts"
cat >"$UINTR_BUILD/linux/scripts/checkpatch.pl" <<'EOT'
my $f = $ARGV[-1];
open(my $in, '<', $f) or die;
my ($so, $bad) = (0, 0);
while (<$in>) {
	$so = 1 if /^Signed-off-by: /;
	if (/^report: (.*)$/) { print "$1\n"; $bad = 1; }
}
if (!$so) { print "ERROR:MISSING_SIGN_OFF: Missing Signed-off-by: line(s)\n"; $bad = 1; }
exit $bad;
EOT

run() {	# ARGS...: post-check.sh, its output in $T/out; its status
	local rc=0
	"$ROOT/scripts/post-check.sh" "$@" >"$T/out" 2>&1 || rc=$?
	return $rc
}
show() { sed 's/^/# /' "$T/out"; }

# No sign-off: only the sign-off step fails, and says why.
run --only checkpatch && { show; fail "a series without Signed-off-by: passed"; }
grep -q '^  PASS post-check: checkpatch --strict' "$T/out" || { show; fail "checkpatch failed on a clean patch"; }
grep -q '^  FAIL post-check: sign-off: .*Pat Poster <pat@example.org>' "$T/out" || { show; fail "no sign-off failure"; }
grep -q '1 of the 1 patches of linux/ .* lack "Signed-off-by: Pat Poster <pat@example.org>"' "$T/out" ||
	{ show; fail "the sign-off failure does not say what is missing"; }
grep -q "MISSING_SIGN_OFF on 1 patch" "$T/out" || { show; fail "checkpatch's sign-off report is not shown"; }
grep -q 'the sign-off is all that is missing' "$T/out" || { show; fail "does not say that only the sign-off is missing"; }
grep -qx 'post-check: 1 passed, 1 failed' "$T/out" || { show; fail "wrong total"; }

# Someone else's sign-off is not the poster's.
sed -i 's/^---$/Signed-off-by: Other One <other@example.org>\n---/' "$P"
run --only checkpatch && { show; fail "a sign-off of someone else passed"; }
sed -i 's/^Signed-off-by: Other One.*/Signed-off-by: Pat Poster <pat@example.org>/' "$P"
run --only checkpatch || { show; fail "a signed-off series failed"; }
grep -qx 'post-check: 2 passed, 0 failed' "$T/out" || { show; fail "wrong total of a signed-off series"; }

# An unlisted warning fails checkpatch, not the sign-off.
sed -i 's/^Signed-off-by: Pat/report: WARNING:LONG_LINE: line too long\nSigned-off-by: Pat/' "$P"
run --only checkpatch && { show; fail "an unlisted warning passed"; }
if ! grep -q '^  FAIL post-check: checkpatch' "$T/out" || ! grep -q '^  PASS post-check: sign-off' "$T/out" ||
	! grep -q 'WARNING:LONG_LINE: line too long' "$T/out"; then
	show
	fail "the unlisted warning is not reported as such"
fi

# The cover letter.
mail() {	# BASE-COMMIT STAT PATCHES BENCHMARK: a cover letter mail
	cat <<EOT
From: Pat Poster <pat@example.org>
Subject: [PATCH 0/1] lib: The README
To: someone@example.org
Content-Type: text/plain; charset="utf-8"

The README, changed.

Patches
=======

  $3

Benchmark
=========

$4

---
Some One (1):
      lib: Change the README

 README | 2 +-
 $2
---
base-commit: $1
change-id: 20000101-readme-0123456789ab

Best regards,
-- 
Pat Poster <pat@example.org>
EOT
}
STAT="1 file changed, 1 insertion(+), 1 deletion(-)"
TABLE=$(printf '  test   before   after\n  -----  -------  -----\n  read   1        2\n')
base=$(sed -n 's/^basecommit=//p' "$UINTR_BUILD/linux/.git/uintr-harness")

mail "$UPSTREAM" "$STAT" "lib: Change the README" "$TABLE" >"$T/good.eml"
run --only cover --cover-mail "$T/good.eml" || { show; fail "a good cover letter failed"; }
grep -qx 'post-check: 4 passed, 0 failed' "$T/out" || { show; fail "wrong total of a good cover letter"; }

cover_fails() {	# WHAT WORDS MAIL-ARGS...: the cover letter fails, saying WORDS
	local what=$1 words=$2
	shift 2
	mail "$@" >"$T/bad.eml"
	run --only cover --cover-mail "$T/bad.eml" && { show; fail "a cover letter with $what passed"; }
	grep -q -- "$words" "$T/out" || { show; fail "a cover letter with $what: no '$words'"; }
	grep -qx 'post-check: 3 passed, 1 failed' "$T/out" || { show; fail "a cover letter with $what: not one failure"; }
}
cover_fails "the local base commit" "the harness's own base commit" "$base" "$STAT" "lib: Change the README" "$TABLE"
cover_fails "another diffstat" 'the diffstat says "2 files changed' "$UPSTREAM" \
	"2 files changed, 1 insertion(+), 1 deletion(-)" "lib: Change the README" "$TABLE"
cover_fails "a patch left out" 'not named there: "lib: Change the README"' "$UPSTREAM" "$STAT" \
	"lib: Something else" "$TABLE"
cover_fails "a placeholder" "says TBD" "$UPSTREAM" "$STAT" "lib: Change the README" "  TBD: run it"
cover_fails "prose instead of a table" "has no table" "$UPSTREAM" "$STAT" "lib: Change the README" \
	"  It was fast."
mail "$UPSTREAM" "$STAT" "lib: Change the README" "$TABLE" | sed 's/^Patches$/Contents/' >"$T/good.eml"
run --only cover --cover-mail "$T/good.eml" || { show; fail "a cover letter without a Patches section failed"; }
grep -q 'there is no such section' "$T/out" || { show; fail "no Patches section: not said"; }
mail "$UPSTREAM" "$STAT" "lib: Change the README" "$TABLE" | sed 's/^Benchmark$/Results/' >"$T/bad.eml"
run --only cover --cover-mail "$T/bad.eml" && { show; fail "a cover letter without a Benchmark section passed"; }
grep -q 'no section "Benchmark"' "$T/out" || { show; fail "no section: not said"; }
exit 0
