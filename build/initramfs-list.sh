#!/bin/sh
# initramfs-list.sh floor|initramfs|system — print an image listing
# (build/listing.ts) for build/mkcpio.ts (floor, initramfs) or build/mkstage.ts
# (system: the tree packed into the system image). Inputs come from the
# environment (build/rootfs.mk, build/system.mk):
#   BUSYBOX APPLETS                     static busybox, its `--list-full`
#   FLOOR_INIT                          /init of the floor image
#   INITRAMFS INITRD_MODULES_DIR INITRD_MODULES_LIST INITRD_MODULES_LATER_LIST  the initramfs: the
#                                       initramfs/ overlay (/init), the modules it loads (lib/modules/KVER),
#                                       their list, and the list it loads in the background
#   LIBC_DIR LIBC_LIBS                  unpacked libc6 dir, the libraries to take
#   MODULES_DIR MODULES_LIST            staged modules (lib/modules/KVER), load order
#   AIOS_INIT ROOTFS                    compiled init, the rootfs/ overlay (goes last)
#   NFT_STAGE ZONEINFO_STAGE            nft and its libraries (usr/...), /usr/share/zoneinfo
#   RUNTIME_STAGE                       /usr/lib/aios: onnxruntime (lib/) and the models (models/)
#   OS_RELEASE                          /usr/lib/os-release: which image this is
#   PROVIDED                            the base image's package list for pkg (build/repo.mk)
#   OVERLAY                             optional: a directory laid over the system last
# Layout: merged /usr (bin, sbin, lib, lib64 are links into /usr).
set -eu
kind=$1

cat <<EOL
# --- merged /usr skeleton ---
dir   /usr/bin   0755
dir   /usr/sbin  0755
dir   /usr/lib   0755
dir   /usr/lib64 0755
slink /bin   usr/bin
slink /sbin  usr/sbin
slink /lib   usr/lib
slink /lib64 usr/lib64
dir   /proc 0555
dir   /sys  0555
dir   /dev  0755
dir   /run  0755
dir   /tmp  1777
dir   /etc  0755
EOL
if [ "$kind" != system ]; then
	cat <<EOL
# PID 1 gets fds 0-2 from /dev/console before devtmpfs is mounted
nod   /dev/console 0600 0 0 c 5 1
nod   /dev/null    0666 0 0 c 1 3
EOL
fi
cat <<EOL
# --- BusyBox: every applet in /usr/bin (aios-init calls /bin/NAME); sbin ones in /usr/sbin too ---
file  /usr/bin/busybox $BUSYBOX 0755
EOL
while read -r path; do
	name=${path##*/}
	[ "$name" = busybox ] && continue
	echo "slink /usr/bin/$name busybox"
	case $path in *sbin/*) echo "slink /usr/sbin/$name ../bin/busybox" ;; esac
done <"$APPLETS"

case $kind in
floor)
	echo "file  /init $FLOOR_INIT 0755"
	exit 0
	;;
initramfs)
	cat <<EOL
# --- the boot loader: /init, the disk, filesystem and watchdog drivers ---
tree  /usr/lib/modules $INITRD_MODULES_DIR/lib/modules
file  /etc/modules $INITRD_MODULES_LIST 0644
file  /etc/modules.later $INITRD_MODULES_LATER_LIST 0644
dir   /data   0755
dir   /lower  0755
dir   /rw     0755
dir   /newroot 0755
tree  / $INITRAMFS
EOL
	exit 0
	;;
system) ;;
*) echo "initramfs-list.sh: kind must be floor, initramfs or system, not '$kind'" >&2; exit 2 ;;
esac

cat <<EOL
dir   /root 0700
dir   /mnt  0755
dir   /var/log      0755
dir   /var/lib/aios 0755
dir   /home/workspaces 0755
EOL
echo "# --- glibc from the pinned libc6 (default search path, no ld.so.cache needed) ---"
for lib in $LIBC_LIBS; do
	echo "file  /usr/lib/x86_64-linux-gnu/$lib $LIBC_DIR/$lib 0755"
done
echo "slink /usr/lib64/ld-linux-x86-64.so.2 ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
echo "# --- nft and its libraries (build/nft.mk), time zones (build/tzdata.mk) ---"
echo "tree  /usr $NFT_STAGE/usr"
echo "tree  /usr/share/zoneinfo $ZONEINFO_STAGE"
cat <<EOL
# --- kernel modules and the list aios-init loads ---
tree  /usr/lib/modules $MODULES_DIR/lib/modules
file  /etc/aios/modules $MODULES_LIST 0644
# --- aiOS: the program, the inference runtime and models (build/runtime.mk), the release ---
file  /usr/sbin/aios-init $AIOS_INIT 0755
tree  /usr/lib/aios $RUNTIME_STAGE
file  /usr/lib/os-release $OS_RELEASE 0644
slink /etc/os-release ../usr/lib/os-release
EOL
if [ -n "${PROVIDED-}" ]; then
	echo "dir   /etc/aios/pkg 0755"
	echo "file  /etc/aios/pkg/provided $PROVIDED 0644"
	echo "dir   /mnt/repo 0755"
fi
echo "tree  / $ROOTFS"
if [ -n "${OVERLAY-}" ]; then echo "tree  / $OVERLAY"; fi
