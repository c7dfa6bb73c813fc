#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The harness suite: every executable in tests/harness/ is one test, then
# checkpatch on every patch of both series.  Prints each result and the
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

for t in "$HARNESS_ROOT"/tests/harness/*; do
	[ -x "$t" ] || continue
	if "$t" >"$out" 2>&1; then
		result ok "${t##*/}"
	else
		sed -i 's/^/# /' "$out"
		result fail "${t##*/}"
	fi
done

# checkpatch prints TAP of its own.
"$HARNESS_ROOT/scripts/checkpatch.sh" >"$out" 2>&1 || true
while IFS= read -r line; do
	case $line in
	"ok "*) n=$((n + 1)); pass=$((pass + 1)); echo "  PASS harness: ${line#ok * - }" ;;
	"not ok "*) n=$((n + 1)); fail=$((fail + 1)); echo "  FAIL harness: ${line#not ok * - }" ;;
	"# "*) echo "      ${line#\# }" ;;
	esac
done <"$out"

echo "harness: $pass passed, $fail failed"
if [ -n "${UINTR_RESULTS:-}" ]; then
	mkdir -p "$UINTR_RESULTS"
	echo "$pass $fail 0" >>"$UINTR_RESULTS/harness.counts"
fi
[ $fail -eq 0 ]
