#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The harness suite: every file in tests/harness/ but the helpers that
# the tests source is one test (and must be an executable with #!),
# then checkpatch on every patch of both series.  Prints each result and the
# suite line; with UINTR_RESULTS set, adds the counts to harness.counts.

. "$(dirname "$0")/lib.sh"

n=0 pass=0 fail=0
out=$(mktemp)

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

# The helpers that the tests source; every other file is a test.  The
# tests are independent (each works in its own temporary directory, and
# only reads the real build), so UINTR_HARNESS_JOBS of them may run at
# once (default 1: two 4-vCPU guests on 2 cores took twice the CPU time
# and longer); the results are
# reported in name order.
HELPERS="common.sh fake-world.sh guest-common.sh"
JOBS_MAX=${UINTR_HARNESS_JOBS:-1}
case $JOBS_MAX in ''|*[!0-9]*|0) die "UINTR_HARNESS_JOBS must be a number of at least 1" ;; esac
outs=$(mktemp -d)
trap 'rm -rf "$out" "$outs"' EXIT
# An interrupted suite stops its tests too: each runs in a session of its
# own (its pid in $outs/NAME.pid), which is killed as a whole.
stop_tests() {
	local f
	for f in "$outs"/*.pid; do
		[ -f "$f" ] && kill -TERM -- "-$(cat "$f")" 2>/dev/null || true
	done
	exit 130
}
trap stop_tests INT TERM
# A test with the line "# harness-test: full" needs what only test-full
# builds (the debug kernel); it runs with UINTR_HARNESS_FULL=1.
tests=()
for t in "$HARNESS_ROOT"/tests/harness/*; do
	[ -f "$t" ] || continue
	case " $HELPERS " in *" ${t##*/} "*) continue ;; esac
	if [ -z "${UINTR_HARNESS_FULL:-}" ] && grep -qx '# harness-test: full' "$t"; then
		echo "  (harness: ${t##*/} runs in test-full)"
		continue
	fi
	tests+=("$t")
done

# run_one TEST: run it, its output in $outs/NAME, "STATUS SECONDS" in
# $outs/NAME.rc.  A test gets UINTR_HARNESS_TEST_TIMEOUT seconds (default
# 900), and not the descriptor of the build lock.
run_one() {
	local t=$1 o=$outs/${1##*/} t0 rc=0
	t0=$(date +%s)
	# A test's own parses and boots never count in the real results.
	setsid timeout -k 10 "${UINTR_HARNESS_TEST_TIMEOUT:-900}" env -u UINTR_RESULTS "$t" \
		>"$o" 2>&1 </dev/null 9>&- &
	echo $! >"$o.pid"
	wait $! || rc=$?
	rm -f "$o.pid"
	[ $rc -ne 124 ] || echo "# timed out after ${UINTR_HARNESS_TEST_TIMEOUT:-900} s" >>"$o"
	echo "$rc $(since "$t0")" >"$o.rc"
}

running=0
for t in "${tests[@]}"; do
	if [ ! -x "$t" ] || [ "$(head -c 2 "$t")" != "#!" ]; then
		continue
	fi
	if [ "$running" -ge "$JOBS_MAX" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait || true

for t in "${tests[@]}"; do
	name=${t##*/}
	if [ ! -x "$t" ] || [ "$(head -c 2 "$t")" != "#!" ]; then
		echo "# ${t#"$HARNESS_ROOT"/} is not an executable program with #!" >"$out"
		result fail "$name"
		continue
	fi
	if [ ! -f "$outs/$name.rc" ]; then
		echo "# the test left no exit status" >"$out"
		result fail "$name"
		continue
	fi
	read -r rc secs <"$outs/$name.rc"
	cp "$outs/$name" "$out"
	if [ "$rc" -eq 0 ]; then
		result ok "$name ($secs s)"
	else
		sed -i 's/^/# /' "$out"
		result fail "$name ($secs s)"
	fi
done

# checkpatch prints TAP of its own.
cp_rc=0
t0=$(date +%s)
"$HARNESS_ROOT/scripts/checkpatch.sh" >"$out" 2>&1 || cp_rc=$?
log "harness: checkpatch of both series took $(since "$t0") s"
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
