#!/bin/sh
# fetch-deb.sh PACKAGE VERSION SHA256 OUT.deb
# Download one pinned Debian package with apt-get, verify its SHA256 and move
# it to OUT.deb. Nothing is installed. Runs `apt-get update` once if apt has
# no lists for the pin yet.
set -eu
pkg=$1 ver=$2 sum=$3 out=$4

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT INT TERM
rm -rf "$tmp"
mkdir -p "$tmp"
chmod 0777 "$tmp"       # lets apt's _apt sandbox user write here when run as root

download() { (cd "$tmp" && apt-get download -q "$pkg=$ver") >"$tmp/log" 2>&1; }

if ! download; then
	if [ "$(id -u)" = 0 ]; then
		echo "  APT     update (no list has $pkg=$ver yet)"
		apt-get update -q >"$tmp/log.update" 2>&1 || { cat "$tmp/log.update" >&2; exit 1; }
	elif command -v sudo >/dev/null 2>&1; then
		echo "  APT     sudo apt-get update (no list has $pkg=$ver yet)"
		sudo apt-get update -q >"$tmp/log.update" 2>&1 || { cat "$tmp/log.update" >&2; exit 1; }
	fi
	if ! download; then
		cat "$tmp/log" >&2
		echo "error: apt-get download $pkg=$ver failed (is this a Debian 12 host with bookworm and bookworm-security in sources?)" >&2
		exit 1
	fi
fi

set -- "$tmp"/*.deb
[ "$#" = 1 ] && [ -f "$1" ] || { echo "error: apt-get download $pkg=$ver left no single .deb" >&2; exit 1; }

got=$(sha256sum "$1" | cut -d' ' -f1)
if [ "$got" != "$sum" ]; then
	echo "" >&2
	echo "error: CHECKSUM MISMATCH for $pkg=$ver" >&2
	echo "         file     $(basename "$1")" >&2
	echo "         expected $sum  (build/packages.lock)" >&2
	echo "         got      $got" >&2
	echo "       The download is not the pinned package; refusing to use it." >&2
	exit 1
fi
mv "$1" "$out"
