#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel from build/linux into build/linux-obj (O=), from
# "make tinyconfig" plus linux/uintr-test.config plus the selftests' own
# config, through ccache.  Installs the UAPI headers for the selftests.

. "$(dirname "$0")/lib.sh"

FRAGMENT=$HARNESS_ROOT/linux/uintr-test.config
SELFTEST_CONFIG=$LINUX_TREE_DIR/tools/testing/selftests/uintr/config

kmake() {
	make -C "$LINUX_TREE_DIR" O="$LINUX_OBJ" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" -j "$JOBS" "$@"
}

fragments() {
	printf '%s\n' "$FRAGMENT"
	[ ! -f "$SELFTEST_CONFIG" ] || printf '%s\n' "$SELFTEST_CONFIG"
}

config_stamp() {
	{
		fragments | xargs cat
		git -C "$LINUX_TREE_DIR" rev-parse HEAD
	} | sha256sum | cut -d' ' -f1
}

# Options the fragments ask for that the final .config does not have.
unmet() {
	fragments | xargs cat | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p' |
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
	[ -z "$missing" ] ||
		warn "linux: the final .config lacks what the fragments ask for: $(echo $missing)"
	# Keep the old file (and its time stamp) when nothing changed, so
	# that make rebuilds nothing.
	if [ -f "$LINUX_OBJ/.config.prev" ] && cmp -s "$LINUX_OBJ/.config" "$LINUX_OBJ/.config.prev"; then
		mv "$LINUX_OBJ/.config.prev" "$LINUX_OBJ/.config"
	fi
	rm -f "$LINUX_OBJ/.config.prev"
	echo "$stamp" >"$LINUX_OBJ/.uintr-config"
}

main() {
	local t0
	[ -d "$LINUX_TREE_DIR" ] || die "build/linux does not exist; run ./harness prepare"
	t0=$(date +%s)
	configure
	log "linux: building bzImage"
	if ! kmake bzImage >"$LINUX_OBJ/build.log" 2>&1; then
		grep -E -A5 'error|Error' "$LINUX_OBJ/build.log" | head -n 60 >&2
		die "kernel build failed; the log is ${LINUX_OBJ#"$HARNESS_ROOT"/}/build.log"
	fi
	kmake -s headers_install >>"$LINUX_OBJ/build.log" 2>&1 ||
		die "make headers_install failed; see ${LINUX_OBJ#"$HARNESS_ROOT"/}/build.log"
	log "linux: ${KERNEL_IMAGE#"$HARNESS_ROOT"/} is up to date ($(since "$t0") s)"
}

main "$@"
