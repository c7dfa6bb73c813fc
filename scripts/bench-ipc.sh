#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ./harness bench-ipc: instructions and time per round trip of ten ways for
# a thread to wake another, UINTR's among them, under TCG (README, "The IPC
# benchmark").
#
#   bench-ipc.sh
#
# Builds QEMU with TCG plugins in build/qemu-plugins-obj (build-qemu.sh
# --plugins), the plugin bench/insn-count.c and the guest program
# bench/ipc.c (static, against the kernel's headers), the plugin's ranges
# (the idle loop and the timer interrupt's entry, from
# build/linux-obj/vmlinux), boots the test kernel with that QEMU and the
# plugin, runs every mechanism with N and 2N round trips, R times, in
# that one boot, and prints the table and its checks, ending with
# "bench-ipc: N passed, N failed".  The kernel, the initramfs and the
# tests' QEMU are the harness's usual builds (./harness bench-ipc builds
# them first, as ./harness run does).
#
#   UINTR_BENCH_N         round trips of the shorter run (default 2000)
#   UINTR_BENCH_REPEATS   repeats of every pair of runs (default 5)
#   UINTR_BENCH_MECHS     the mechanisms, comma-separated (default all)
#   UINTR_BENCH_CPUS      the guest CPUs of the two threads (default 1,2)
#   UINTR_BENCH_SETTLE_MS the pause before each timed loop (default 100)
#   UINTR_BOOT_TIMEOUT    the boot's wall-clock limit (default 2400 s)
#   UINTR_QEMU_BIN        a QEMU with plugins to boot instead of building
#                         build/qemu-plugins-obj
#
# Everything goes to build/bench-ipc/: console.log, plugin.log (the
# plugin's lines), boot.out (boot.sh's results), runs.txt (every run with
# its counts per vCPU), table.txt (what this prints), ranges, ipc and
# insn-count.so.

. "$(dirname "$0")/lib.sh"

N=${UINTR_BENCH_N:-2000}
REPEATS=${UINTR_BENCH_REPEATS:-5}
MECHS=${UINTR_BENCH_MECHS:-all}
CPUS=${UINTR_BENCH_CPUS:-1,2}
SETTLE_MS=${UINTR_BENCH_SETTLE_MS:-100}
BOOT_TIMEOUT=${UINTR_BOOT_TIMEOUT:-2400}
# A run of the guest program that takes longer than this is killed.
RUN_TIMEOUT=300
OUT=$BUILD/bench-ipc
PLUGIN_QEMU=${UINTR_QEMU_BIN:-$BUILD/qemu-plugins-obj/qemu-system-x86_64}
VMLINUX=$LINUX_OBJ/vmlinux
ALL_MECHS=spin,eventfd,eventfd-poll,futex,pipe,unix,signal,uipi,uipi-wait,uipi-poll

[ $# -eq 0 ] || die "bench-ipc takes no arguments; see the UINTR_BENCH_* settings in README.md"
# number NAME VALUE [0]: VALUE is a number above 0 (or 0 too, with a third
# argument), else die naming the setting NAME.
number() {
	case $2 in
	0) [ $# -gt 2 ] || die "$1 must be above 0" ;;
	'' | *[!0-9]* | 0*) die "$1 must be a number, not '$2'" ;;
	esac
}
number UINTR_BENCH_N "$N"
number UINTR_BENCH_REPEATS "$REPEATS"
number UINTR_BENCH_SETTLE_MS "$SETTLE_MS" 0
number UINTR_BOOT_TIMEOUT "$BOOT_TIMEOUT"
[ "$MECHS" != all ] || MECHS=$ALL_MECHS
MECHS=$(tr ',' '\n' <<<"$MECHS" | sed '/^$/d' | paste -sd, -)
for m in ${MECHS//,/ }; do
	case ,$ALL_MECHS, in *,"$m",*) ;; *) die "UINTR_BENCH_MECHS: unknown mechanism '$m' (of $ALL_MECHS)" ;; esac
done
[ -n "$MECHS" ] || die "UINTR_BENCH_MECHS names no mechanism"
[ -z "$(tr ',' '\n' <<<"$MECHS" | sort | uniq -d)" ] || die "UINTR_BENCH_MECHS names a mechanism twice: $MECHS"
if ! [[ $CPUS =~ ^([0-9]+),([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ||
	[ "${BASH_REMATCH[1]}" -ge "$SMP" ] || [ "${BASH_REMATCH[2]}" -ge "$SMP" ]; then
	die "UINTR_BENCH_CPUS must be two different CPUs below UINTR_SMP ($SMP), not '$CPUS'"
fi
# The plugin's addresses are those of the built kernel.
[ "$KERNEL_IMAGE" = "$LINUX_OBJ/arch/x86/boot/bzImage" ] ||
	die "bench-ipc takes the idle loop's addresses from ${VMLINUX#"$HARNESS_ROOT"/}: it boots that kernel only (unset UINTR_KERNEL_IMAGE)"
[ -f "$VMLINUX" ] || die "no ${VMLINUX#"$HARNESS_ROOT"/}; run ./harness build first"
[ -d "$LINUX_OBJ/usr/include" ] || die "no installed kernel headers in ${LINUX_OBJ#"$HARNESS_ROOT"/}/usr/include"
case $OUT in *,*) die "QEMU's -plugin option cannot take a path with a comma: $OUT" ;; esac

t0=$(date +%s)
if [ -z "${UINTR_QEMU_BIN:-}" ]; then
	"$HARNESS_ROOT/scripts/build-qemu.sh" --plugins
else
	log "bench-ipc: booting ${PLUGIN_QEMU#"$HARNESS_ROOT"/} (UINTR_QEMU_BIN), which must have TCG plugins"
fi
mkdir -p "$OUT"

log "bench-ipc: building the plugin and the guest program"
# shellcheck disable=SC2046 # pkg-config prints several words
gcc -O2 -g -Wall -Wextra -Werror -fPIC -shared $(pkg-config --cflags glib-2.0) \
	-I"$QEMU_TREE_DIR/include/qemu" -o "$OUT/insn-count.so" "$HARNESS_ROOT/bench/insn-count.c" ||
	die "building bench/insn-count.c failed"
gcc -O2 -Wall -Wextra -Werror -static -pthread -isystem "$LINUX_OBJ/usr/include" \
	-o "$OUT/ipc" "$HARNESS_ROOT/bench/ipc.c" ||
	die "building bench/ipc.c failed"

log "bench-ipc: the idle loop's and the timer interrupt's addresses, from ${VMLINUX#"$HARNESS_ROOT"/}"
nm -S "$VMLINUX" | "$PYTHON" "$HARNESS_ROOT/scripts/bench-ipc.py" ranges >"$OUT/ranges" ||
	die "the timer interrupt's entry or the idle loop is missing from ${VMLINUX#"$HARNESS_ROOT"/}"

runs=$(($(tr ',' '\n' <<<"$MECHS" | wc -l) * 2 * REPEATS))
log "bench-ipc: $runs runs ($MECHS with N=$N and 2N, $REPEATS times) in one boot, on guest CPUs $CPUS"
rm -f "$OUT/plugin.log" "$OUT/console.log"
rc=0
env -u UINTR_RESULTS UINTR_QEMU_BIN="$PLUGIN_QEMU" \
	UINTR_PROGRAM_TIMEOUT=$((BOOT_TIMEOUT > 600 ? BOOT_TIMEOUT - 300 : BOOT_TIMEOUT)) \
	"$HARNESS_ROOT/scripts/boot.sh" --log "$OUT/console.log" --timeout "$BOOT_TIMEOUT" \
	--qemu-arg -plugin --qemu-arg "$OUT/insn-count.so,ranges=$OUT/ranges" \
	--qemu-arg -d --qemu-arg plugin --qemu-arg -D --qemu-arg "$OUT/plugin.log" \
	--add "$OUT/ipc" -- /harness/ipc -c "$CPUS" -s "$SETTLE_MS" -t "$RUN_TIMEOUT" \
	-l "$MECHS" "$N" "$REPEATS" >"$OUT/boot.out" 2>&1 || rc=$?
# The guest program's exit status is boot.sh's "cmd" result; the table's
# checks say which mechanism failed.  Show what else went wrong.
if [ $rc -ne 0 ]; then
	grep -E '^  FAIL|^qemu: |^ERROR' "$OUT/boot.out" | grep -v '^  FAIL cmd: cmd ' | head -n 20 >&2 || true
fi

set +o errexit
"$PYTHON" "$HARNESS_ROOT/scripts/bench-ipc.py" table --console "$OUT/console.log" \
	--plugin "$OUT/plugin.log" --boot-out "$OUT/boot.out" --mechs "$MECHS" \
	--repeats "$REPEATS" --runs-out "$OUT/runs.txt" | tee "$OUT/table.txt"
rc=${PIPESTATUS[0]}
log "bench-ipc: $(since "$t0") s; N=$N, $REPEATS repeats; logs in ${OUT#"$HARNESS_ROOT"/}"
exit "$rc"
