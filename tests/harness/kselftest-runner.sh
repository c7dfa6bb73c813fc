#!/usr/bin/env bash
# kselftest's own runner (run_kselftest.sh of the kernel tree), as the
# guest runs it, on a collection with a passing, a failing, a missing and
# a non-executable program: the parser counts the test cases of each
# program, and fails the missing and the non-executable ones.
. "$(dirname "$0")/common.sh"
BUILD_DIR=${REAL_BUILD:-$ROOT/build}
SRC=$BUILD_DIR/linux/tools/testing/selftests
[ -f "$SRC/run_kselftest.sh" ] || fail "no kernel tree at $BUILD_DIR/linux (./harness prepare)"
I=$T/install
mkdir -p "$I/kselftest" "$I/demo"
cp "$SRC/run_kselftest.sh" "$I/"
cp "$SRC"/kselftest/runner.sh "$SRC"/kselftest/prefix.pl "$I/kselftest/"
printf 'demo:good\ndemo:bad\ndemo:gone\ndemo:noexec\ndemo:shebang\n' >"$I/kselftest-list.txt"
printf '#!/bin/sh\necho "TAP version 13"; echo "1..2"; echo "ok 1 one"; echo "ok 2 two"\n' >"$I/demo/good"
printf '#!/bin/sh\necho "TAP version 13"; echo "1..1"; echo "not ok 1 broken"; exit 1\n' >"$I/demo/bad"
printf 'not a program\n' >"$I/demo/noexec"
# Not executable, but with #!: the runner runs it anyway, and says "ok".
printf '#!/bin/sh\necho "1..1"; echo "ok 1 fine"\n' >"$I/demo/shebang"
chmod +x "$I/demo/good" "$I/demo/bad"
{
	echo "@@harness init"
	echo "@@harness begin kselftest-demo run_kselftest"
	# A pipe, as in the guest: the runner reopens /dev/stdout for appending.
	sh "$I/run_kselftest.sh" -c demo </dev/null 2>&1 | cat
	echo "@@harness end kselftest-demo run_kselftest 0"
	echo "@@harness done 1"
} >"$T/log"
rc=0
/usr/bin/python3 "$ROOT/scripts/parse-console.py" --qemu-status 3 "$T/log" >"$T/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "a collection with failing and missing programs passed"
for want in "PASS kselftest-demo: good: one" "PASS kselftest-demo: good: two" \
	    "FAIL kselftest-demo: bad: broken" "FAIL kselftest-demo: gone (Warning: file" \
	    "FAIL kselftest-demo: noexec" \
	    "FAIL kselftest-demo: shebang (Warning: file shebang is not executable)"; do
	grep -qF -- "$want" "$T/out" || { sed 's/^/# /' "$T/out"; fail "no '$want' in the output"; }
done
exit 0
