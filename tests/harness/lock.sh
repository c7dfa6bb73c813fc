#!/usr/bin/env bash
# Two runs on one build folder: the second fails at once and names the
# holder of build/.lock; a run nested in the holder, other build folders
# and "help" are not held up.
. "$(dirname "$0")/common.sh"
make_base
prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed"; }
# The first run is an export whose first git command waits until the test
# lets it go; before it waits, it starts a nested harness run.
mkdir -p "$T/bin"
cat >"$T/bin/git" <<EOT
#!/bin/sh
if [ ! -e "$T/started" ]; then
	"$ROOT/harness" reset qemu >"$T/nested" 2>&1
	touch "$T/started"
	i=0
	while [ ! -e "$T/release" ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
fi
exec $(command -v git) "\$@"
EOT
chmod +x "$T/bin/git"
PATH=$T/bin:$PATH "$ROOT/harness" export linux >"$T/first" 2>&1 &
first=$!
trap 'touch "$T/release"; wait; rm -rf "$T"' EXIT
i=0
while [ ! -e "$T/started" ]; do
	sleep 0.1
	i=$((i + 1))
	[ $i -lt 300 ] || { sed 's/^/# /' "$T/first"; fail "the first run did not start"; }
done
grep -q "nothing to remove" "$T/nested" ||
	{ sed 's/^/# /' "$T/nested"; fail "a nested run was held up by the lock of its parent"; }

t0=$(date +%s)
! "$ROOT/harness" reset linux >"$T/out" 2>&1 || fail "a second run went on while the first held the lock"
[ $(($(date +%s) - t0)) -lt 5 ] || fail "the second run waited instead of failing at once"
expect_error "another harness run holds .*/build/.lock (pid $first)"
[ -d "$UINTR_BUILD/linux/.git" ] || fail "the second run removed the tree"
! "$ROOT/harness" prepare >"$T/out" 2>&1 || fail "prepare went on while the lock was held"
expect_error "another harness run holds"
"$ROOT/harness" help >"$T/out" 2>&1 || fail "help is held up by the lock"
# Another build folder is not held up.
UINTR_BUILD=$T/other-build "$ROOT/harness" reset linux >"$T/out" 2>&1 ||
	{ sed 's/^/# /' "$T/out"; fail "a run on another build folder was held up"; }

touch "$T/release"
wait "$first" || { sed 's/^/# /' "$T/first"; fail "the first run failed"; }
"$ROOT/harness" reset linux >"$T/out" 2>&1 ||
	{ sed 's/^/# /' "$T/out"; fail "the lock was not released when the first run ended"; }
exit 0
