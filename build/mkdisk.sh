#!/bin/sh
# mkdisk.sh OUT.img IMAGE SLOT_MIB — the system disk: a GPT with two slots of
# SLOT_MIB MiB, partitions named aios-a and aios-b (initramfs/init finds them
# by name), IMAGE written into aios-a and aios-b left empty for the first
# update. The file is sparse: the empty slot costs nothing on the host.
set -eu
out=$1 image=$2 slot=$3
size=$(wc -c <"$image")
if [ "$size" -gt $((slot * 1024 * 1024)) ]; then
	echo "error: $image is $((size / 1048576)) MiB, more than a $slot MiB slot: make SLOT_SIZE=<MiB> (an existing system disk keeps its slots)" >&2
	exit 1
fi
rm -f "$out.tmp"
truncate -s $((2 * slot + 2))M "$out.tmp"
# Fixed GUIDs (the disk is rebuilt, never edited, so nothing needs them to differ), 1 MiB aligned.
PATH="$PATH:/usr/sbin:/sbin" sfdisk --quiet --no-reread --no-tell-kernel "$out.tmp" <<EOL
label: gpt
label-id: 6A1E5C2B-0000-4000-8000-A105A105A105
first-lba: 2048
start=2048, size=${slot}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6A1E5C2B-000A-4000-8000-A105A105A105, name=aios-a
size=${slot}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6A1E5C2B-000B-4000-8000-A105A105A105, name=aios-b
EOL
dd if="$image" of="$out.tmp" bs=1M seek=1 conv=notrunc,sparse status=none
mv "$out.tmp" "$out"
