#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel from build/linux into build/linux-obj (O=), from
# "make tinyconfig" plus linux/uintr-test.config plus the selftests' own
# config, through ccache.  Installs the UAPI headers for the selftests.
#
#   build-kernel.sh [VARIANT]
#
# With VARIANT (e.g. "debug"), builds into build/linux-obj-VARIANT, with
# linux/uintr-VARIANT.config merged last.

. "$(dirname "$0")/lib.sh"

VARIANT=${1:-}
FRAGMENT=$(series_dir linux)/uintr-test.config
VARIANT_FRAGMENT=
if [ -n "$VARIANT" ]; then
	LINUX_OBJ=$BUILD/linux-obj-$VARIANT
	KERNEL_IMAGE=$LINUX_OBJ/arch/x86/boot/bzImage
	VARIANT_FRAGMENT=$(series_dir linux)/uintr-$VARIANT.config
	[ -f "$VARIANT_FRAGMENT" ] || die "no config fragment $VARIANT_FRAGMENT for the $VARIANT kernel"
fi
SELFTEST_CONFIG=$LINUX_TREE_DIR/tools/testing/selftests/uintr/config

kmake() {
	make -C "$LINUX_TREE_DIR" O="$LINUX_OBJ" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" -j "$JOBS" "$@"
}

fragments() {
	printf '%s\n' "$FRAGMENT"
	[ ! -f "$SELFTEST_CONFIG" ] || printf '%s\n' "$SELFTEST_CONFIG"
	[ -z "$VARIANT_FRAGMENT" ] || printf '%s\n' "$VARIANT_FRAGMENT"
}

config_stamp() {
	{
		fragments | xargs cat
		git -C "$LINUX_TREE_DIR" rev-parse HEAD
	} | sha256sum | cut -d' ' -f1
}

# Options the fragments ask for that the final .config does not have.
# A later fragment overrides an earlier one, as in merge_config.sh.
unmet() {
	fragments | xargs cat | awk '
		/^CONFIG_[A-Za-z0-9_]*=/ { i = index($0, "="); v[substr($0, 1, i - 1)] = substr($0, i + 1); o[n++] = substr($0, 1, i - 1) }
		/^# CONFIG_[A-Za-z0-9_]* is not set/ { v[$2] = "n"; o[n++] = $2 }
		END { for (i = 0; i < n; i++) if (!(o[i] in done)) { done[o[i]] = 1; print o[i] "=" v[o[i]] } }' |
	while IFS= read -r line; do
		case $line in
		*=n) grep -qx "${line%=n}=[ym]" "$LINUX_OBJ/.config" && echo "$line" ;;
		*) grep -qxF "$line" "$LINUX_OBJ/.config" || echo "$line" ;;
		esac
	done || true
}

configure() {
	local stamp missing
	stamp=$(config_stamp)
	[ "$(cat "$LINUX_OBJ/.uintr-config" 2>/dev/null)" != "$stamp" ] || return 0
	log "linux: generating .config (tinyconfig + $(fragments | sed "s|$HARNESS_ROOT/||; s|$LINUX_TREE_DIR/||" | tr '\n' ' '))"
	mkdir -p "$LINUX_OBJ"
	rm -f "$LINUX_OBJ/.uintr-config"
	[ ! -f "$LINUX_OBJ/.config" ] || cp -p "$LINUX_OBJ/.config" "$LINUX_OBJ/.config.prev"
	kmake -s tinyconfig >"$LINUX_OBJ/config.log" 2>&1 ||
		die "make tinyconfig failed; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/config.log"
	# shellcheck disable=SC2046
	(cd "$LINUX_OBJ" && ARCH=x86_64 "$LINUX_TREE_DIR/scripts/kconfig/merge_config.sh" -m \
		-O "$LINUX_OBJ" "$LINUX_OBJ/.config" $(fragments)) >>"$LINUX_OBJ/config.log" 2>&1 ||
		die "merging the config fragments failed; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/config.log"
	kmake -s olddefconfig >>"$LINUX_OBJ/config.log" 2>&1 ||
		die "make olddefconfig failed; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/config.log"
	missing=$(unmet)
	if [ -n "$missing" ]; then
		rm -f "$LINUX_OBJ/.uintr-config"
		die "linux: the final .config lacks what the fragments ask for: $(echo $missing) (a dependency is missing, or the option does not exist; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/config.log)"
	fi
	# Keep the old file (and its time stamp) when nothing changed, so
	# that make rebuilds nothing.
	if [ -f "$LINUX_OBJ/.config.prev" ] && cmp -s "$LINUX_OBJ/.config" "$LINUX_OBJ/.config.prev"; then
		mv "$LINUX_OBJ/.config.prev" "$LINUX_OBJ/.config"
	fi
	rm -f "$LINUX_OBJ/.config.prev"
	echo "$stamp" >"$LINUX_OBJ/.uintr-config"
}

# The id of the image just built, as the guest's "uname -r" and
# "uname -v" will report it: the boot checks that the guest runs this
# kernel and not one that an earlier build left behind.
record_kernel_id() {
	local release version
	release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$LINUX_OBJ/include/generated/utsrelease.h")
	version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' "$LINUX_OBJ/include/generated/utsversion.h")
	[ -n "$release" ] && [ -n "$version" ] ||
		die "linux: cannot read the release and version of the kernel just built"
	printf '%s %s\n' "$release" "$version" >"$KERNEL_IMAGE.id"
}

# What the last successful build was made from: the tree's commit, its
# uncommitted changes and untracked files, the .config, this script and
# the compiler.  When none of it changed, the build is skipped: a make
# that has nothing to do still takes half a minute (a minute for the
# debug kernel) to find that out.  Files that git ignores are not part
# of it; nothing the build reads lives there.
build_stamp() {
	set -o errexit
	{
		echo "${VARIANT:-main}"
		fixed_git -C "$LINUX_TREE_DIR" rev-parse HEAD
		tree_changes "$LINUX_TREE_DIR"
		cat "$LINUX_OBJ/.config" "$0"
		gcc --version
	} | sha256sum | cut -d' ' -f1
}

main() {
	local t0 stamp
	[ -d "$LINUX_TREE_DIR" ] || die "build/linux does not exist; run ./harness prepare"
	t0=$(date +%s)
	configure
	stamp=$(build_stamp) || die "linux: cannot tell what the tree holds (git or sha256sum failed)"
	if [ -f "$KERNEL_IMAGE" ] && [ -f "$KERNEL_IMAGE.id" ] &&
		[ "$(cat "$LINUX_OBJ/.uintr-build" 2>/dev/null)" = "$stamp" ]; then
		log "linux: ${KERNEL_IMAGE#"$HARNESS_ROOT"/} is up to date: nothing changed since it was built"
		return 0
	fi
	log "linux: building bzImage${VARIANT:+ ($VARIANT)}"
	rm -f "$KERNEL_IMAGE.id" "$LINUX_OBJ/.uintr-build"
	if ! kmake bzImage >"$LINUX_OBJ/build.log" 2>&1; then
		grep -E -A5 'error|Error' "$LINUX_OBJ/build.log" | head -n 60 >&2
		die "kernel build failed; the log is ${LINUX_OBJ#"$HARNESS_ROOT"/}/build.log"
	fi
	# The debug kernel's modules: the samples that the harness's own
	# tests load.
	if grep -qx CONFIG_MODULES=y "$LINUX_OBJ/.config" &&
		! kmake modules >>"$LINUX_OBJ/build.log" 2>&1; then
		grep -E -A5 'error|Error' "$LINUX_OBJ/build.log" | head -n 60 >&2
		die "make modules failed; the log is ${LINUX_OBJ#"$HARNESS_ROOT"/}/build.log"
	fi
	if [ -z "$VARIANT" ]; then
		kmake -s headers_install >>"$LINUX_OBJ/build.log" 2>&1 ||
			die "make headers_install failed; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/build.log"
	fi
	record_kernel_id
	echo "$stamp" >"$LINUX_OBJ/.uintr-build"
	log "linux: ${KERNEL_IMAGE#"$HARNESS_ROOT"/} is up to date ($(since "$t0") s)"
}

main "$@"
