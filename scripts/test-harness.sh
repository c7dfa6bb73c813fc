#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The harness suite: every file in tests/harness/ but the helpers that
# the tests source is one test (and must be an executable with #!),
# then checkpatch on every patch of both series.  Prints each result and the
# suite line; with UINTR_RESULTS set, adds the counts to harness.counts.

. "$(dirname "$0")/lib.sh"

n=0 pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "  PASS harness: $2"
	else
		fail=$((fail + 1))
		echo "  FAIL harness: $2"
		sed -n 's/^# \{0,1\}/      /p' "$out"
	fi
}

# A test that runs the harness must never run this suite again.
if [ -n "${UINTR_HARNESS_NESTED:-}" ]; then
	echo "  FAIL harness: the harness suite was started from within one of its own tests"
	echo "harness: 0 passed, 1 failed"
	exit 1
fi

# The helpers that the tests source; every other file is a test.
HELPERS="common.sh fake-world.sh guest-common.sh"
for t in "$HARNESS_ROOT"/tests/harness/*; do
	[ -f "$t" ] || continue
	case " $HELPERS " in *" ${t##*/} "*) continue ;; esac
	if [ ! -x "$t" ] || [ "$(head -c 2 "$t")" != "#!" ]; then
		echo "# ${t#"$HARNESS_ROOT"/} is not an executable program with #!" >"$out"
		result fail "${t##*/}"
		continue
	fi
	# A test's own parses and boots never count in the real results.
	if env -u UINTR_RESULTS "$t" >"$out" 2>&1; then
		result ok "${t##*/}"
	else
		sed -i 's/^/# /' "$out"
		result fail "${t##*/}"
	fi
done

# checkpatch prints TAP of its own.
cp_rc=0
"$HARNESS_ROOT/scripts/checkpatch.sh" >"$out" 2>&1 || cp_rc=$?
cp_failed=$fail
while IFS= read -r line; do
	case $line in
	"ok "*) n=$((n + 1)); pass=$((pass + 1)); echo "  PASS harness: ${line#ok * - }" ;;
	"not ok "*) n=$((n + 1)); fail=$((fail + 1)); echo "  FAIL harness: ${line#not ok * - }" ;;
	"# "*) echo "      ${line#\# }" ;;
	esac
done <"$out"
# checkpatch.sh failed, but no patch did: the checker itself broke.
if [ $cp_rc -ne 0 ] && [ $fail -eq $cp_failed ]; then
	sed -i 's/^/# /' "$out"
	result fail "checkpatch.sh (exit status $cp_rc)"
fi

echo "harness: $pass passed, $fail failed"
if [ -n "${UINTR_RESULTS:-}" ]; then
	mkdir -p "$UINTR_RESULTS"
	echo "$pass $fail 0" >>"$UINTR_RESULTS/harness.counts"
fi
[ $fail -eq 0 ]
