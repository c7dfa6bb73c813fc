#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot time of the test kernel under the patched QEMU and under QEMU
# without the series, side by side in one run.
#
#   bench-boot.sh [ROUNDS]     (default 7)
#
# The unpatched QEMU is built from the base commit of build/qemu in
# build/bench/qemu and build/bench/qemu-obj: the same relative layout as the
# real build, so that ccache serves every file the series does not change.
# The rounds alternate between the two binaries; the guest runs "true" and
# powers off.  Prints the median wall-clock time of each and the ratio, and
# fails if the patched QEMU is more than UINTR_MAX_SLOWDOWN percent (default 5)
# slower.

. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-7}
MAX_SLOWDOWN=${UINTR_MAX_SLOWDOWN:-5}
BENCH=$BUILD/bench
BASE_TREE=$BENCH/qemu
BASE_OBJ=$BENCH/qemu-obj

[ -x "$QEMU_BIN" ] || die "build the patched QEMU first (./harness build)"
basecommit=$(sed -n 's/^basecommit=//p' "$QEMU_TREE_DIR/.git/uintr-harness")
[ -n "$basecommit" ] || die "build/qemu has no harness stamp"

if [ "$(git -C "$BASE_TREE" rev-parse HEAD 2>/dev/null)" != "$basecommit" ]; then
	log "bench: checking out the QEMU base commit in ${BASE_TREE#"$HARNESS_ROOT"/}"
	rm -rf "$BASE_TREE"
	fixed_git clone -q --shared --no-checkout "$QEMU_TREE_DIR" "$BASE_TREE"
	fixed_git -C "$BASE_TREE" checkout -q "$basecommit"
	# The harness's stamp, so that build-qemu.sh takes this tree.
	printf 'basecommit=%s\n' "$basecommit" >"$BASE_TREE/.git/uintr-harness"
fi
# With UINTR_BUILD=$BENCH, build-qemu.sh takes $BASE_TREE and $BASE_OBJ.
UINTR_BUILD=$BENCH UINTR_QEMU_BIN=$BASE_OBJ/qemu-system-x86_64 \
	"$HARNESS_ROOT/scripts/build-qemu.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# boot_once BIN: seconds (with milliseconds) from start to exit.
boot_once() {
	local t0 t1
	t0=$(date +%s%N)
	UINTR_QEMU_BIN=$1 "$HARNESS_ROOT/scripts/boot.sh" --log "$tmp/console.log" \
		--timeout 300 -- true >"$tmp/out" 2>&1 ||
		{ grep -v "^    " "$tmp/out" >&2; cp "$tmp/console.log" "$BENCH/failed-console.log"; die "a benchmark boot with $1 failed; its console is in ${BENCH#"$HARNESS_ROOT"/}/failed-console.log"; }
	t1=$(date +%s%N)
	echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

log "bench: $ROUNDS rounds, alternating unpatched and patched QEMU"
for ((i = 0; i < ROUNDS; i++)); do
	boot_once "$BASE_OBJ/qemu-system-x86_64" >>"$tmp/base"
	boot_once "$QEMU_BIN" >>"$tmp/patched"
done
b=$(median <"$tmp/base")
p=$(median <"$tmp/patched")
pct=$(echo "scale=1; ($p - $b) * 100 / $b" | bc)
echo "unpatched QEMU: median $b s ($(tr '\n' ' ' <"$tmp/base"))"
echo "patched QEMU:   median $p s ($(tr '\n' ' ' <"$tmp/patched"))"
echo "patched vs unpatched: ${pct}% (limit +${MAX_SLOWDOWN}%)"
[ "$(echo "$pct <= $MAX_SLOWDOWN" | bc)" = 1 ] || die "the patched QEMU boots the test kernel more than ${MAX_SLOWDOWN}% slower"
