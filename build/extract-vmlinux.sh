#!/bin/sh
# extract-vmlinux.sh VMLINUZ OUT
# Recover the uncompressed ELF vmlinux from a bzImage so QEMU can boot it
# directly through its PVH entry point and skip the in-guest decompressor.
#
# The bzImage carries the kernel as one compressed payload after the setup code.
# Find each offset where a known compressor's magic occurs, decompress from
# there (trailing bytes after the stream are ignored) and keep the first result
# that is an ELF file. Debian's cloud kernel uses LZ4 (legacy frame).
set -eu
in=$1 out=$2
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT INT TERM

# A truncated stream still starts with the ELF magic: insist that the section
# header table (e_shoff + e_shnum * e_shentsize, ELF64 little-endian) is inside.
le() { od -An -j "$1" -N "$2" -t u"$2" "$tmp" | tr -d ' '; }
complete() {
	[ "$(le 4 1)" = 2 ] || return 1           # ELFCLASS64
	end=$(( $(le 40 8) + $(le 60 2) * $(le 58 2) ))
	[ "$(wc -c <"$tmp")" -ge "$end" ] && [ "$end" -gt 64 ]
}

# magic (as grep -P bytes)   decompressor reading stdin
try() {
	magic=$1; shift
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$in" | "$@" >"$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && complete; then
			mv "$tmp" "$out"
			exit 0
		fi
	done
}

command -v lz4 >/dev/null 2>&1 && try '\x02\x21\x4c\x18' lz4 -dc
command -v zstd >/dev/null 2>&1 && try '\x28\xb5\x2f\xfd' zstd -dc
command -v xz >/dev/null 2>&1 && try '\xfd\x37\x7a\x58\x5a\x00' xz -dc
try '\x1f\x8b\x08' gzip -dc

echo "error: no ELF vmlinux found inside $in (is lz4 installed? make deps)" >&2
exit 1
