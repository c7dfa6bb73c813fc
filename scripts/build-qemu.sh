#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build qemu-system-x86_64 from build/qemu into build/qemu-obj: TCG only,
# the x86_64-softmmu target only, and only the devices of
# qemu/uintr-test-devices.mak, through ccache.
#
#   build-qemu.sh [--plugins]
#
# --plugins: the same build with TCG plugins (--enable-plugins), in its own
# object folder, build/qemu-plugins-obj, for ./harness bench-ipc.  The
# tests' QEMU (build/qemu-obj) stays without them.

. "$(dirname "$0")/lib.sh"

PLUGINS=
case ${1:-} in
'') ;;
--plugins)
	PLUGINS=1
	QEMU_OBJ=$BUILD/qemu-plugins-obj
	QEMU_BIN=$QEMU_OBJ/qemu-system-x86_64 ;;
*) die "build-qemu.sh: unknown option $1" ;;
esac

DEVICES=$HARNESS_ROOT/qemu/uintr-test-devices

CONFIGURE_ARGS=(
	--target-list=x86_64-softmmu
	# configure takes the first python3 in PATH, which may be another
	# installation (/usr/local, a virtualenv) without the modules that
	# deps.sh installs for Debian's python3 (venv, ensurepip).
	--python=/usr/bin/python3
	--without-default-features
	--without-default-devices
	# QEMU looks the name up below configs/devices/x86_64-softmmu/ of
	# its source tree, so name our file relative to that folder.
	--with-devices-x86_64="$(realpath -m --relative-to="$QEMU_TREE_DIR/configs/devices/x86_64-softmmu" "$DEVICES")"
	--enable-tcg
	--disable-kvm
	--disable-docs
	--disable-download
	--disable-user
	--disable-tools
	--disable-guest-agent
	--disable-fdt
	--disable-werror
	# The +ds tarball has no firmware blobs; Debian's seabios and
	# qemu-system-data packages provide them.
	--disable-install-blobs
)
[ -z "$PLUGINS" ] || CONFIGURE_ARGS+=(--enable-plugins)

configure_stamp() {
	{
		printf '%s\n' "${CONFIGURE_ARGS[@]}"
		cat "$DEVICES.mak"
		git -C "$QEMU_TREE_DIR" rev-parse "$(sed -n 's/^basecommit=//p' "$QEMU_TREE_DIR/.git/uintr-harness")"
	} | sha256sum | cut -d' ' -f1
}

main() {
	local t0 stamp
	[ -d "$QEMU_TREE_DIR" ] || die "build/qemu does not exist; run ./harness prepare"
	t0=$(date +%s)
	stamp=$(configure_stamp)
	if [ ! -f "$QEMU_OBJ/build.ninja" ] || [ "$(cat "$QEMU_OBJ/.uintr-configure" 2>/dev/null)" != "$stamp" ]; then
		log "qemu: configuring in ${QEMU_OBJ#"$HARNESS_ROOT"/}"
		rm -rf "$QEMU_OBJ"
		mkdir -p "$QEMU_OBJ"
		if ! (cd "$QEMU_OBJ" && CC="ccache gcc" "$QEMU_TREE_DIR/configure" \
				"${CONFIGURE_ARGS[@]}" --cc="ccache gcc" >configure.log 2>&1); then
			tail -n 30 "$QEMU_OBJ/configure.log" >&2
			rm -f "$QEMU_OBJ/build.ninja"
			die "QEMU configure failed; the log is ${QEMU_OBJ#"$HARNESS_ROOT"/}/configure.log"
		fi
		echo "$stamp" >"$QEMU_OBJ/.uintr-configure"
	fi
	log "qemu: building qemu-system-x86_64"
	if ! ninja -C "$QEMU_OBJ" -j "$JOBS" qemu-system-x86_64 >"$QEMU_OBJ/build.log" 2>&1; then
		grep -E -B2 -A8 'error|Error' "$QEMU_OBJ/build.log" | head -n 60 >&2
		die "QEMU build failed; the log is ${QEMU_OBJ#"$HARNESS_ROOT"/}/build.log"
	fi
	log "qemu: ${QEMU_BIN#"$HARNESS_ROOT"/} is up to date ($(since "$t0") s)"
}

main "$@"
