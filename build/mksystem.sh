#!/bin/sh
# mksystem.sh STAGE OUT.sqfs VERSION — the system image: the tree that
# build/initramfs-list.sh lists for "system", laid out in STAGE by
# build/mkstage.ts with /usr/lib/os-release naming VERSION and the commit, then
# packed by mksquashfs with $SQUASHFS_OPTS (compressor, level, block size).
# Everything else comes from the environment, as for initramfs-list.sh;
# $OVERLAY, if set, is a directory laid over the tree last. Files are owned by
# root; every time is $SOURCE_DATE_EPOCH (mksquashfs reads it from the
# environment), so the same inputs give the same image.
set -eu
stage=$1 out=$2 version=$3
: "${BUN:=node_modules/.bin/bun}"
: "${SOURCE_DATE_EPOCH:=0}"
case $version in
"" | *[!A-Za-z0-9._+~-]*) echo "error: VERSION '$version' must be letters, digits and . _ + ~ - only" >&2; exit 2 ;;
esac

pkgver=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit-dirty"
mkdir -p "$stage.meta"
cat >"$stage.meta/os-release" <<EOL
NAME="aiOS"
ID=aios
PRETTY_NAME="aiOS $version"
VERSION_ID=$pkgver
IMAGE_ID=aios-system
IMAGE_VERSION=$version
BUILD_ID=$commit
EOL

OS_RELEASE="$stage.meta/os-release" build/initramfs-list.sh system >"$stage.meta/list"
V=${V:-0} "$BUN" build/mkstage.ts "$stage" "$stage.meta/list"
rm -f "$out.tmp"
# shellcheck disable=SC2086
SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH mksquashfs "$stage" "$out.tmp" -noappend -all-root -no-xattrs -quiet -no-progress $SQUASHFS_OPTS >/dev/null
mv "$out.tmp" "$out"
