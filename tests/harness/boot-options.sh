#!/usr/bin/env bash
# What boot.sh puts on the guest's command line: the tests that the lists
# of known outcomes exclude, per boot (a collection that a boot reports
# under another suite's name takes that suite's list; a collection name
# may have a hyphen), and UINTR_PROGRAM_TIMEOUT for every kselftest
# program only when it is set, and UINTR_STRESS_SECONDS only when it is
# set; and --qemu-arg adds arguments to QEMU's command line.
. "$(dirname "$0")/common.sh"

# A QEMU that records its command line and exits as if it could not start.
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/args"\nexit 1\n' "$T" >"$T/qemu"
chmod +x "$T/qemu"
: >"$T/bzImage"
: >"$T/initramfs"
mkdir -p "$T/known" "$UINTR_BUILD/selftests"
printf 'x86\ncpu-hotplug\n' >"$UINTR_BUILD/selftests/targets"
printf 'EXCLUDE | a | reason\n' >"$T/known/kselftest-x86.known"
printf 'EXCLUDE | b | reason\n' >"$T/known/kselftest-x86-debug.known"
printf 'EXCLUDE | t1 | reason\n' >"$T/known/kselftest-cpu-hotplug.known"
printf 'EXCLUDE | z | reason\n' >"$T/known/kselftest-notbuilt.known"
export UINTR_QEMU_BIN=$T/qemu UINTR_KERNEL_IMAGE=$T/bzImage UINTR_INITRAMFS=$T/initramfs
export UINTR_KNOWN_DIR=$T/known

# cmdline [ENV...] -- BOOT-OPTIONS...: the -append argument of a boot.
cmdline() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -f "$T/args"
	env "${envs[@]}" "$ROOT/scripts/boot.sh" --log "$T/log" --timeout 30 "$@" \
		>"$T/out" 2>&1 || true
	[ -f "$T/args" ] || { sed 's/^/# /' "$T/out"; fail "boot.sh did not start QEMU"; }
	sed -n '/^-append$/{n;p}' "$T/args"
}
param() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^harness\.$2=//p"
}

c=$(cmdline -u UINTR_PROGRAM_TIMEOUT -u UINTR_STRESS_SECONDS --)
[ "$(param "$c" exclude)" = "cpu-hotplug:t1,x86:a" ] ||
	fail "exclude list of a plain boot: '$(param "$c" exclude)'"
[ -z "$(param "$c" ktimeout)" ] || fail "a kselftest timeout without UINTR_PROGRAM_TIMEOUT"
[ "$(param "$c" timeout)" = 300 ] || fail "the command's default timeout is not 300 s"
[ -z "$(param "$c" stress)" ] || fail "a stress time limit without UINTR_STRESS_SECONDS"

c=$(cmdline UINTR_PROGRAM_TIMEOUT=900 UINTR_STRESS_SECONDS=7 -- --rename kselftest-x86=kselftest-x86-debug)
[ "$(param "$c" exclude)" = "cpu-hotplug:t1,x86:b" ] ||
	fail "exclude list of the renamed boot: '$(param "$c" exclude)'"
[ "$(param "$c" ktimeout)" = 900 ] || fail "UINTR_PROGRAM_TIMEOUT did not reach the kselftest runner"
[ "$(param "$c" timeout)" = 900 ] || fail "UINTR_PROGRAM_TIMEOUT did not reach the command"
[ "$(param "$c" stress)" = 7 ] || fail "UINTR_STRESS_SECONDS did not reach the guest"

# --qemu-arg: each one becomes one argument of QEMU, as given and in
# order (a plugin and its log, for ./harness bench-ipc).
cmdline -- --qemu-arg -plugin --qemu-arg "$T/p.so,ranges=$T/r a" --qemu-arg -d >/dev/null
grep -x -A2 -e -plugin "$T/args" >"$T/last" || true
printf '%s\n' -plugin "$T/p.so,ranges=$T/r a" -d | cmp -s - "$T/last" ||
	fail "--qemu-arg did not reach QEMU as given: $(tr '\n' ' ' <"$T/last")"
exit 0
