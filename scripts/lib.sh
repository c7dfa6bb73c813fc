# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Common settings and helpers of the harness.  Sourced, never run.

set -o errexit -o nounset -o pipefail

HARNESS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${UINTR_BUILD:-$HARNESS_ROOT/build}
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE=${UINTR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uintr-harness}
BASES=${UINTR_BASES:-$HARNESS_ROOT/bases.conf}
JOBS=${UINTR_JOBS:-$(nproc)}
PYTHON=/usr/bin/python3
# No __pycache__ in the work tree from the harness's Python scripts.
export PYTHONDONTWRITEBYTECODE=1

# Artifacts, at stable paths (documented in README.md).
LINUX_TREE_DIR=$BUILD/linux
LINUX_OBJ=$BUILD/linux-obj
QEMU_TREE_DIR=$BUILD/qemu
QEMU_OBJ=$BUILD/qemu-obj
KERNEL_IMAGE=${UINTR_KERNEL_IMAGE:-$LINUX_OBJ/arch/x86/boot/bzImage}
QEMU_BIN=${UINTR_QEMU_BIN:-$QEMU_OBJ/qemu-system-x86_64}
SELFTESTS_DIR=$BUILD/selftests
INITRAMFS=${UINTR_INITRAMFS:-$BUILD/initramfs.cpio.gz}
CONSOLE_LOG=$BUILD/console.log
RESULTS_DIR=$BUILD/results
# The number of vCPUs of the test kernel's boots (boot.sh, and the tests
# that check them).
SMP=${UINTR_SMP:-4}

# Identity used for the commits the harness makes, so that the base commit
# and the commits of the series are the same on every machine.
export GIT_AUTHOR_NAME="uintr harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="uintr harness" GIT_COMMITTER_EMAIL="harness@localhost"
BASE_DATE="2000-01-01T00:00:00+0000"

# The git of every command that makes or changes a tree of the harness:
# without the user's and the system's configuration (commit.gpgSign,
# apply.whitespace, core.autocrlf, hooks, templates...), so that neither
# changes the commits made or what an export writes.
fixed_git() {
	env -u GIT_CONFIG_PARAMETERS -u GIT_CONFIG_COUNT -u GIT_DIR -u GIT_WORK_TREE \
		GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null git "$@"
}

# tree_changes DIR [PATH...]: what the work tree DIR holds beyond its
# commit, under PATHs: the uncommitted changes and the untracked files
# (by content; files that .gitignore excludes are left out).  For the
# stamps that decide whether a build or a check must run again.
tree_changes() {
	local dir=$1
	shift
	fixed_git -C "$dir" diff --binary --no-ext-diff --no-textconv HEAD -- "$@"
	fixed_git -C "$dir" ls-files -z --others --exclude-per-directory=.gitignore -- "$@" |
		(cd "$dir" && xargs -0 -r sha256sum --)
}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$HARNESS_ROOT
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Every knob of the harness in the environment is called UINTR_*.  The old
# names are ignored; say so once per run.
if [ -z "${UINTR_KNOBS_CHECKED:-}" ]; then
	for _knob in SMP JOBS QEMU_BIN KERNEL_IMAGE INITRAMFS QEMU_CPU BOOT_TIMEOUT PROGRAM_TIMEOUT \
		SELFTEST_TARGETS CPU_MODEL_TIMEOUT MAX_SLOWDOWN; do
		! printenv "$_knob" >/dev/null ||
			warn "$_knob is set in the environment and ignored; the harness reads UINTR_$_knob"
	done
	unset _knob
	export UINTR_KNOBS_CHECKED=1
fi

# Print a very visible warning block.
shout() {
	printf '\n%s\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	printf '!!! %s\n' "$@" >&2
	printf '%s\n\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}

load_bases() {
	[ -r "$BASES" ] || die "cannot read the base pins in $BASES"
	# shellcheck source=../bases.conf
	. "$BASES"
}

# lock_build: take the lock of the build folder, $BUILD/.lock, for as long
# as this process (and what it starts) runs, so that two runs never work on
# the same trees and binaries.  Fails at once when another run holds it.
# A harness run started by the one that holds the lock of the same folder
# goes on; runs on other build folders (the harness's tests) never wait.
lock_build() {
	local lock=$BUILD/.lock holder
	mkdir -p "$BUILD"
	[ "${UINTR_LOCKED:-}" != "$(realpath "$BUILD")" ] || return 0
	exec 9>>"$lock"
	if ! flock -n 9; then
		holder=$(cat "$lock" 2>/dev/null) || true
		die "another harness run holds ${lock#"$HARNESS_ROOT"/} (pid ${holder:-unknown}); wait for it to end"
	fi
	printf '%s\n' "$$" >"$lock"
	UINTR_LOCKED=$(realpath "$BUILD")
	export UINTR_LOCKED
}

# Run as root, or through sudo when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

# The series directory and the tree of a component (linux or qemu).
# UINTR_SERIES_ROOT moves both series folders (for the harness's tests).
series_dir() { printf '%s/%s' "${UINTR_SERIES_ROOT:-$HARNESS_ROOT}" "$1"; }
tree_dir() {
	case $1 in
	linux) printf '%s' "$LINUX_TREE_DIR" ;;
	qemu) printf '%s' "$QEMU_TREE_DIR" ;;
	*) die "unknown component '$1' (linux or qemu)" ;;
	esac
}

# The patches of a series, in the order of its series file.  Blank lines
# and comments are ignored.
series_patches() {
	local dir=$1
	[ -f "$dir/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$dir/series"
}

# A digest of a series: its order and the bytes of every patch.
series_digest() {
	local dir=$1 p
	{
		series_patches "$dir"
		series_patches "$dir" | while read -r p; do
			[ -f "$dir/$p" ] || die "series of $dir names $p, which does not exist"
			sha256sum <"$dir/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# Elapsed seconds since the argument (from date +%s).
since() { echo $(($(date +%s) - $1)); }
