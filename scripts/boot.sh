#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel in the harness's QEMU.
#
#   boot.sh [options] [-- COMMAND...]
#     --log FILE        console log (default build/console.log)
#     --timeout S       hard wall-clock limit (default $UINTR_BOOT_TIMEOUT or 600)
#     --shell           interactive shell on the console (no log, no limit)
#     --append ARGS     extra kernel command line
#     --mitigations     keep the kernel's CPU mitigations (default:
#                       "mitigations=off", which also keeps PTI off)
#     --apic MODE       x2apic (default) or xapic: the mode of the local
#                       APICs, which boot-smoke checks
#     --add FILE        put FILE into the guest's /harness/ (may repeat)
#     --qemu-arg ARG    one more argument for QEMU's command line (may
#                       repeat), e.g. --qemu-arg -plugin --qemu-arg
#                       file.so,arg=x (./harness bench-ipc uses it)
#     --collections A,B run only these kselftest collections
#     --rename OLD=NEW  report suite OLD as NEW (e.g. a boot with nouintr)
#     --strict-skips S  suites in which a skip fails (default kselftest-uintr)
#     -- COMMAND...     run COMMAND in the guest instead of the tests
#
# Without --shell the console goes to the log and the exit status is the
# parser's: 0 only if every test passed and the kernel log is clean.
# UINTR_QEMU_CPU (default "max,vendor=GenuineIntel") and UINTR_SMP (default
# 4) choose the virtual CPU.  UINTR_PROGRAM_TIMEOUT limits one selftest
# program in the guest: the command of "-- COMMAND" (default 300 s) and, if
# set, every kselftest program in place of its collection's settings
# timeout (run_kselftest.sh --override-timeout).  UINTR_STRESS_SECONDS, if
# set, becomes the guest's UINTR_STRESS_SECONDS: the time limit of each
# test of the uintr stress program.

. "$(dirname "$0")/lib.sh"

LOG=$CONSOLE_LOG
TIMEOUT=${UINTR_BOOT_TIMEOUT:-600}
APPEND=""
MODE=tests
PROGRAM_TIMEOUT=${UINTR_PROGRAM_TIMEOUT:-300}
KSELFTEST_TIMEOUT=${UINTR_PROGRAM_TIMEOUT:-}
STRESS_SECONDS=${UINTR_STRESS_SECONDS:-}
# The lists of known outcomes (the harness's own tests use others).
KNOWN_DIR=${UINTR_KNOWN_DIR:-$HARNESS_ROOT/tests/known}
# UINTR is an Intel feature, and kernels key behaviour on the vendor; under
# TCG, -cpu max reports AMD.
QEMU_CPU=${UINTR_QEMU_CPU:-max,vendor=GenuineIntel}
# The test kernel has the CPU mitigations built in for the boot with PTI.
# Under TCG they only cost time, and the vendor makes Linux assume Meltdown,
# so every other boot turns them off.
MITIGATIONS=" mitigations=off"
APIC=x2apic
CMD=()
ADD=()
QEMU_ARGS=()
RENAME=()
STRICT=kselftest-uintr

while [ $# -gt 0 ]; do
	case $1 in
	--log) LOG=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--append) APPEND="$APPEND $2"; shift 2 ;;
	--add) ADD+=("$2"); shift 2 ;;
	--qemu-arg) QEMU_ARGS+=("$2"); shift 2 ;;
	--collections) APPEND="$APPEND harness.collections=$2"; shift 2 ;;
	--rename) RENAME+=(--rename "$2"); shift 2 ;;
	--strict-skips) STRICT=$2; shift 2 ;;
	--mitigations) MITIGATIONS=""; shift ;;
	--apic) APIC=${2:-}; shift $(($# > 1 ? 2 : 1)) ;;
	--shell) MODE=shell; shift ;;
	--) shift; CMD=("$@"); MODE=cmd; break ;;
	*) die "boot.sh: unknown option $1" ;;
	esac
done

[ -x "$QEMU_BIN" ] || die "no QEMU binary at ${QEMU_BIN#"$HARNESS_ROOT"/}; run ./harness run first"
[ -f "$KERNEL_IMAGE" ] || die "no kernel at ${KERNEL_IMAGE#"$HARNESS_ROOT"/}; run ./harness run first"
[ -f "$INITRAMFS" ] || die "no initramfs at ${INITRAMFS#"$HARNESS_ROOT"/}; run ./harness run first"

initrd=$INITRAMFS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $MODE = cmd ] || [ ${#ADD[@]} -gt 0 ]; then
	# Linux unpacks concatenated archives in order: append /harness/cmd
	# and the added files.
	mkdir -p "$tmp/root/harness"
	[ $MODE != cmd ] || printf '%s\n' "${CMD[*]}" >"$tmp/root/harness/cmd"
	for f in "${ADD[@]}"; do
		cp "$f" "$tmp/root/harness/" || die "cannot add $f to the guest"
	done
	(cd "$tmp/root" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >"$tmp/cmd.cpio.gz"
	cat "$INITRAMFS" "$tmp/cmd.cpio.gz" >"$tmp/initramfs.cpio.gz"
	initrd=$tmp/initramfs.cpio.gz
fi

# The tests that tests/known/kselftest-NAME.known excludes from the run, as
# COLLECTION:TEST for run_kselftest.sh.  NAME is the suite's name in this
# boot: a collection that --rename reports as another suite (the debug
# boot's kselftest-x86-debug) takes that suite's list instead of its own.
known_collection() {
	local name=$1 r
	for r in "${RENAME[@]}"; do
		[ "$r" != --rename ] || continue
		# OLD=NEW: the list of NEW is OLD's; OLD's own list is not used.
		[ "${r#*=}" != "kselftest-$name" ] || { echo "${r%%=*}" | sed 's/^kselftest-//'; return; }
		[ "${r%%=*}" != "kselftest-$name" ] || return 0
	done
	echo "$name"
}
exclude=$(for f in "$KNOWN_DIR"/kselftest-*.known; do
	[ -f "$f" ] || continue
	c=${f##*/kselftest-}
	c=$(known_collection "${c%.known}")
	# Only the collections that were built.
	[ -n "$c" ] && grep -qx -F -- "$c" "$SELFTESTS_DIR/targets" 2>/dev/null || continue
	sed -n "s/^EXCLUDE *| *\([^ |]*\) *|.*/$c:\1/p" "$f"
done | sort -u | paste -sd, -)
[ -z "$exclude" ] || APPEND="$APPEND harness.exclude=$exclude"

# Linux runs the local APICs in x2APIC mode only with interrupt remapping
# (or a hypervisor that vouches for x2APIC, which TCG is not): the x2APIC
# boots get QEMU's IOMMU with interrupt remapping and extended interrupt
# mode.  The NDST field of a UPID holds the APIC ID in a different place
# in each mode.
# harness.apic goes first, so that --append can override it (the
# harness's own tests do).
case $APIC in
x2apic) APIC_DEVICE=(-device intel-iommu,intremap=on,eim=on) ;;
xapic) APIC_DEVICE=(); APPEND=" nox2apic$APPEND" ;;
*) die "boot.sh: --apic takes x2apic or xapic${APIC:+, not $APIC}" ;;
esac
APPEND=" harness.apic=$APIC$APPEND"

# loglevel=5: warnings and worse reach the console as they happen, so a
# WARN or a lockdep report is seen even if the guest hangs right after it.
CMDLINE="console=ttyS0 earlyprintk=serial,ttyS0 loglevel=5 panic=-1 harness.mode=$MODE harness.cpus=$SMP harness.timeout=${PROGRAM_TIMEOUT:-300}${KSELFTEST_TIMEOUT:+ harness.ktimeout=$KSELFTEST_TIMEOUT}${STRESS_SECONDS:+ harness.stress=$STRESS_SECONDS}$MITIGATIONS$APPEND"

QEMU=("$QEMU_BIN" -nodefaults -no-user-config -nographic
	-L /usr/share/seabios -L /usr/share/qemu
	-machine q35 -accel tcg,thread=multi -cpu "$QEMU_CPU" -smp "$SMP" -m 1G
	-kernel "$KERNEL_IMAGE" -initrd "$initrd" -append "$CMDLINE"
	"${APIC_DEVICE[@]}"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-no-reboot "${QEMU_ARGS[@]}")

if [ $MODE = shell ]; then
	exec "${QEMU[@]}" -serial mon:stdio
fi

mkdir -p "$(dirname "$LOG")"
rm -f "$LOG"
log "booting: -cpu $QEMU_CPU -smp $SMP, $APIC, limit ${TIMEOUT}s, console in ${LOG#"$HARNESS_ROOT"/}"
t0=$(date +%s)
rc=0
timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -serial "file:$LOG" -monitor none \
	</dev/null >"$tmp/qemu.out" 2>&1 || rc=$?
log "guest ended after $(since "$t0") s (QEMU exit status $rc)"
if [ -s "$tmp/qemu.out" ]; then
	sed 's/^/qemu: /' "$tmp/qemu.out" >&2
fi
touch "$LOG"
# Under the project's QEMU, which has UINTR, a skipped UINTR test is a
# broken test (--strict-skips '' relaxes it, e.g. for -cpu without uintr).
# tests/known/SUITE.known: the outcomes of the unpatched base under TCG.
known=()
for f in "$KNOWN_DIR"/*.known; do
	[ ! -f "$f" ] || known+=(--known "$f")
done
exec "$PYTHON" "$HARNESS_ROOT/scripts/parse-console.py" --qemu-status "$rc" "${known[@]}" \
	--timeout "$TIMEOUT" --expect-kernel "$(cat "$KERNEL_IMAGE.id" 2>/dev/null || true)" \
	--strict-skips "$STRICT" "${RENAME[@]}" "$LOG"
