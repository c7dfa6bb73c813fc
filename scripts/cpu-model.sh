#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The cpu-model suite: build the freestanding test kernel of cpu-model/ and
# run it in the harness's QEMU: once for the architectural tests, then the
# cross-vCPU stress test (10^6 user IPIs) in xAPIC and in x2APIC mode, and
# with two senders posting to one UPID at once ("contend"), then
# on the CPU variants without XSAVEC, XSAVES, UINTR or UIRET_UIF, which
# check what the missing feature changes, and a named CPU model on an old
# and on the current machine type.  Each TAP line is one test.

. "$(dirname "$0")/lib.sh"

OUT=$BUILD/cpu-model
ELF=$OUT/cpu-model.elf

log "cpu-model: building ${ELF#"$HARNESS_ROOT"/}"
if ! make -s -C "$HARNESS_ROOT/cpu-model" O="$OUT" >"$BUILD/cpu-model.log" 2>&1; then
	tail -n 30 "$BUILD/cpu-model.log" >&2
	echo "  FAIL cpu-model: build (the log is ${BUILD#"$HARNESS_ROOT"/}/cpu-model.log)"
	echo "cpu-model: 0 passed, 1 failed"
	[ -z "${UINTR_RESULTS:-}" ] || echo "0 1 0" >>"$UINTR_RESULTS/cpu-model.counts"
	exit 1
fi

rc=0
# run NAME CPU [APPEND]: one boot of the test kernel on QEMU's "-cpu CPU".
run() {
	local name=$1 cpu=$2 status=0 t0
	shift 2
	t0=$(date +%s)
	CPU=$cpu MACHINE=${RUN_MACHINE:-q35} TIMEOUT=${UINTR_CPU_MODEL_TIMEOUT:-600} "$HARNESS_ROOT/cpu-model/run.sh" \
		"$QEMU_BIN" "$ELF" "$@" >"$OUT/$name.log" 2>&1 || status=$?
	log "cpu-model: $name ran $(since "$t0") s"
	# run.sh: 0 passed, 1 failed, 2 no verdict.
	[ $status -ne 2 ] || status=-1
	# The model has UINTR: a skipped test is a broken test.
	"$PYTHON" "$HARNESS_ROOT/scripts/parse-console.py" --tap cpu-model "$name" \
		--strict-skips cpu-model --qemu-status "$status" "$OUT/$name.log" \
		>"$OUT/$name.results" || rc=1
	# The suite line comes once, for both runs, below.
	grep -v '^cpu-model: ' "$OUT/$name.results" || true
}

CPU=max,vendor=GenuineIntel
run arch $CPU
run stress-xapic $CPU stress
run stress-x2apic $CPU stress x2apic
run stress-contend $CPU stress=200000 contend
run noxsavec $CPU,-xsavec cpu-variant=noxsavec
run noxsaves $CPU,-xsaves cpu-variant=noxsaves
run nouintr $CPU,-uintr cpu-variant=nouintr
run nouiretuif $CPU,-uiret-uif cpu-variant=nouiretuif
# Machine types from before TCG had XSAVEC and XSAVES keep a named
# model's old CPUID.
RUN_MACHINE=pc-q35-9.2 run named-old SapphireRapids cpu-variant=named-old
run named-new SapphireRapids cpu-variant=named-new
cat "$OUT"/arch.results "$OUT"/stress-*.results "$OUT"/no*.results "$OUT"/named-*.results | awk '
	/^cpu-model: / { p += $2; f += $4; s += $6 }
	END { printf "cpu-model: %d passed, %d failed", p, f; if (s) printf ", %d skipped", s; print "" }'
exit $rc
