#!/usr/bin/env bash
# The real series: the trees made from linux/ and qemu/ export back to the
# very same bytes.  Needs the trees of "./harness run"; a tree that carries
# work not exported yet is reported, not compared.
. "$(dirname "$0")/guest-common.sh"
. "$ROOT/scripts/lib.sh"
for comp in linux qemu; do
	dir=$(tree_dir "$comp")
	[ -d "$dir/.git" ] || fail "$dir does not exist; run ./harness run first"
	head=$(sed -n 's/^head=//p' "$dir/.git/uintr-harness")
	if [ "$(git -C "$dir" rev-parse HEAD)" != "$head" ]; then
		echo "# $comp: the tree has commits that are not exported; not compared"
		continue
	fi
	"$ROOT/scripts/tree.sh" export "$comp" "$T/$comp" >/dev/null 2>&1 || fail "export of $comp failed"
	# The config fragments, the device list, the cover letter and the
	# known checkpatch warnings are not part of what an export writes.
	diff -r "$ROOT/$comp" "$T/$comp" -x '*.config' -x '*.mak' -x cover-letter.txt \
		-x checkpatch.known >"$T/diff" 2>&1 ||
		{ sed 's/^/# /' "$T/diff"; fail "$comp/ does not round-trip"; }
done
