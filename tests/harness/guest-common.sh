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

# guest LIMIT COMMAND: boot and run COMMAND in the guest; sets $rc.
guest() {
	rc=0
	"$ROOT/scripts/boot.sh" --log "$T/console.log" --timeout "$1" -- "$2" >"$T/out" 2>&1 || rc=$?
}

expect() {
	grep -q -- "$1" "$T/out" || { sed 's/^/# /' "$T/out"; fail "no '$1' in the output"; }
}
