#!/bin/sh
# deps.sh — install the host tools the build and `make run` need, only those
# missing (Debian 12). Idempotent; prints nothing when all are present.
set -eu
# tool:package
need="qemu-system-x86_64:qemu-system-x86 mke2fs:e2fsprogs lz4:lz4 cpio:cpio npm:npm dpkg:dpkg sha256sum:coreutils nats-server:nats-server promtool:prometheus chromium:chromium mksquashfs:squashfs-tools sfdisk:fdisk"
missing=""
for pair in $need; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0

echo "  APT    $missing"
if [ "$(id -u)" = 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else echo "error: missing host packages:$missing (run as root or install them)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
