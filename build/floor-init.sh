#!/bin/busybox sh
# /init of out/floor.cpio: the same kernel with BusyBox only. The boot
# benchmark measures this as the floor that aios-init is compared against.
echo "floor: pid1"
exec /bin/busybox poweroff -f
