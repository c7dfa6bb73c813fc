# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of the tests that boot the real test kernel in the real QEMU
# (both built by "./harness run" before these tests run).

set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset UINTR_RESULTS

fail() { echo "# FAIL: $*"; exit 1; }

# guest LIMIT COMMAND [BOOT-OPTIONS...]: boot and run COMMAND in the
# guest; sets $rc.
guest() {
	local limit=$1 cmd=$2
	shift 2
	rc=0
	"$ROOT/scripts/boot.sh" --log "$T/console.log" --timeout "$limit" "$@" -- "$cmd" \
		>"$T/out" 2>&1 || rc=$?
}

# LKDTM's trigger: "lkdtm WARNING" makes the kernel WARN, and so on.
LKDTM='mount -t debugfs none /sys/kernel/debug; lkdtm() { echo "$1" >/sys/kernel/debug/provoke-crash/DIRECT; }'


expect() {
	grep -q -- "$1" "$T/out" || { sed 's/^/# /' "$T/out"; fail "no '$1' in the output"; }
}
