#!/usr/bin/env bash
# checkpatch.known: a warning that the list names for its patch passes, one
# it does not name fails, and an error fails even when the list names it.
# A helper of checkpatch that crashes (a Python traceback, as spdxcheck.py
# prints without python3-ply) fails the patch, although checkpatch itself
# reported nothing and exited with 0.
. "$(dirname "$0")/common.sh"
for comp in linux qemu; do
	mkdir -p "$UINTR_BUILD/$comp/scripts"
	# A checkpatch that reports what the patch says, as --show-types does.
	cat >"$UINTR_BUILD/$comp/scripts/checkpatch.pl" <<'EOT'
my $f = $ARGV[-1];
open(my $in, '<', $f) or die;
my $bad = 0;
while (<$in>) { print; $bad = 1 if /^(ERROR|WARNING|CHECK):/; }
exit $bad;
EOT
done
S=$UINTR_SERIES_ROOT/linux
echo 'WARNING:FILE_PATH_CHANGES: added, moved or deleted file(s)' >"$S/listed.patch"
echo 'WARNING:LONG_LINE: line length of 101 exceeds 100 columns' >"$S/unlisted.patch"
printf '%s\n%s\n' 'WARNING:FILE_PATH_CHANGES: added file' 'CHECK:LINE_SPACING: blank line' >"$S/half.patch"
echo 'ERROR:CODE_INDENT: code indent should use tabs' >"$S/error.patch"
echo 'nothing to report' >"$S/clean.patch"
printf '%s\n' 'Traceback (most recent call last):' \
	"ModuleNotFoundError: No module named 'ply'" >"$S/crashed.patch"
printf '%s\n' listed.patch unlisted.patch half.patch error.patch clean.patch crashed.patch \
	>"$S/series"
cat >"$S/checkpatch.known" <<'EOT'
# PATCH TYPE REASON
listed.patch FILE_PATH_CHANGES the entry comes last
half.patch FILE_PATH_CHANGES the entry comes last
error.patch CODE_INDENT an error is never fine
EOT
rc=0
"$ROOT/scripts/checkpatch.sh" >"$T/out" 2>&1 || rc=$?
sed 's/^/# /' "$T/out"
[ $rc -ne 0 ] || fail "checkpatch.sh passed a series with unlisted warnings and an error"
grep -q '^ok 1 - checkpatch linux/listed.patch # only known warnings: WARNING:FILE_PATH_CHANGES' "$T/out" ||
	fail "a listed warning failed"
grep -q '^not ok 2 - checkpatch linux/unlisted.patch' "$T/out" || fail "an unlisted warning passed"
grep -q '^not ok 3 - checkpatch linux/half.patch' "$T/out" ||
	fail "a patch with one listed and one unlisted report passed"
grep -q '^not ok 4 - checkpatch linux/error.patch' "$T/out" || fail "a listed error passed"
grep -q '^ok 5 - checkpatch linux/clean.patch$' "$T/out" || fail "a clean patch did not pass"
grep -q '^not ok 6 - checkpatch linux/crashed.patch # a checkpatch helper failed' "$T/out" ||
	fail "a crashed checkpatch helper passed"
exit 0
