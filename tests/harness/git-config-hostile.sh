#!/usr/bin/env bash
# The user's git configuration changes nothing: with a hostile global config
# (signing, whitespace errors, CRLF conversion, hooks, 3-way am) prepare and
# export make the very same commits and the very same series.
. "$(dirname "$0")/common.sh"
S=$UINTR_SERIES_ROOT/linux
# The base also holds a file with CRLF line ends, which core.autocrlf would
# normalise.
make_base
printf 'dos\r\nline ends\r\n' >"$T/src/fake-1.0/dos.txt"
tar -C "$T/src" -cJf "$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" fake-1.0
pin "$(sha256sum <"$UINTR_FETCH_DIR/fake_1.0.orig.tar.xz" | cut -d' ' -f1)"

# A clean git for the reference and for the developer's own commits.
clean_git() {
	HOME=$T/nohome GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null \
	GIT_AUTHOR_NAME="Some One" GIT_AUTHOR_EMAIL=someone@example.org \
	GIT_COMMITTER_NAME="Some One" GIT_COMMITTER_EMAIL=someone@example.org git "$@"
}

# The reference: a series of two patches, one with a whitespace error,
# made and exported under a clean configuration.
HOME=$T/nohome prepare || { sed 's/^/# /' "$T/out"; fail "prepare failed"; }
W=$UINTR_BUILD/linux
printf 'first\nsecond \t\nthird\n' >"$W/README"
GIT_AUTHOR_DATE="2026-01-01T10:00:00+0100" clean_git -C "$W" commit -q -a -m "lib: Add trailing white space"
printf 'dos\r\nline ends\r\nmore\r\n' >"$W/dos.txt"
GIT_AUTHOR_DATE="2026-01-02T10:00:00+0100" clean_git -C "$W" commit -q -a -m "lib: Extend the CRLF file"
HOME=$T/nohome "$ROOT/scripts/tree.sh" export linux >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "export failed"; }
cp -a "$S" "$T/reference"
rm -rf "$W"
HOME=$T/nohome prepare || { sed 's/^/# /' "$T/out"; fail "prepare of the exported series failed"; }
ref=$(cat "$W/.git/uintr-harness")
reftree=$(clean_git -C "$W" rev-parse 'HEAD^{tree}')
rm -rf "$W"

# The hostile configuration.
H=$T/home
mkdir -p "$H/hooks" "$H/templates/hooks"
for h in applypatch-msg pre-applypatch post-applypatch pre-commit commit-msg post-commit post-checkout; do
	printf '#!/bin/sh\necho "hostile hook %s ran" >&2\nexit 1\n' "$h" >"$H/hooks/$h"
	cp "$H/hooks/$h" "$H/templates/hooks/$h"
done
chmod +x "$H"/hooks/* "$H"/templates/hooks/*
cat >"$H/.gitconfig" <<EOT
[user]
	name = Hostile User
	email = hostile@example.org
	signingKey = 0xDEADBEEFDEADBEEF
[commit]
	gpgSign = true
[tag]
	gpgSign = true
[gpg]
	program = $H/no-such-gpg
[apply]
	whitespace = error
[am]
	threeWay = true
	keepcr = true
	messageId = true
[core]
	autocrlf = true
	safecrlf = true
	hooksPath = $H/hooks
	abbrev = 5
	whitespace = trailing-space,space-before-tab,cr-at-eol
[init]
	defaultBranch = hostile
	templateDir = $H/templates
[format]
	signature = hostile signature
	signOff = true
	numbered = true
	thread = deep
	coverLetter = true
	suffix = .diff
[diff]
	noprefix = true
	mnemonicPrefix = true
	renames = false
[log]
	showSignature = true
[status]
	showUntrackedFiles = all
EOT

# check HOW: prepare and export under the hostile config reproduce the
# reference byte for byte.
check() {
	rm -rf "$W" "$T/export"
	"$@" "$ROOT/scripts/tree.sh" prepare linux >"$T/out" 2>&1 ||
		{ sed 's/^/# /' "$T/out"; fail "prepare failed under a hostile git config ($*)"; }
	[ "$(cat "$W/.git/uintr-harness")" = "$ref" ] ||
		fail "other commits than under a clean config ($*)"
	[ "$(clean_git -C "$W" rev-parse 'HEAD^{tree}')" = "$reftree" ] || fail "another tree ($*)"
	cmp -s "$W/dos.txt" <(printf 'dos\r\nline ends\r\nmore\r\n') || fail "the CRLF file was converted ($*)"
	"$@" "$ROOT/scripts/tree.sh" export linux "$T/export" >"$T/out" 2>&1 ||
		{ sed 's/^/# /' "$T/out"; fail "export failed under a hostile git config ($*)"; }
	diff -r "$T/reference" "$T/export" >"$T/diff" ||
		{ sed 's/^/# /' "$T/diff"; fail "the export differs under a hostile git config ($*)"; }
	# A series change is applied again on the existing tree, also with
	# git reset under the hostile config.
	head -n 1 "$T/reference/series" >"$S/series"
	"$@" "$ROOT/scripts/tree.sh" prepare linux >"$T/out" 2>&1 ||
		{ sed 's/^/# /' "$T/out"; fail "applying a changed series failed ($*)"; }
	[ -z "$(clean_git -C "$W" status --porcelain)" ] || fail "the tree is dirty after the series changed ($*)"
	cp "$T/reference/series" "$S/series"
	"$@" "$ROOT/scripts/tree.sh" prepare linux >"$T/out" 2>&1 ||
		{ sed 's/^/# /' "$T/out"; fail "applying the series again failed ($*)"; }
	[ "$(cat "$W/.git/uintr-harness")" = "$ref" ] ||
		fail "other commits after the series changed twice ($*)"
}
check env HOME="$H"
check env HOME="$T/nohome" GIT_CONFIG_GLOBAL="$H/.gitconfig"
check env HOME="$T/nohome" GIT_CONFIG_SYSTEM="$H/.gitconfig"
exit 0
