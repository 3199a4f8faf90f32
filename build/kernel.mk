# Kernel: Debian's cloud kernel, booted as an uncompressed ELF vmlinux (QEMU's
# PVH entry: no in-guest decompression), plus the few modules the image loads.

KVER    := $(patsubst linux-image-%,%,$(PKGNAME_kernel))
VMLINUZ := $(PKG_kernel)/boot/vmlinuz-$(KVER)
VMLINUX := $(O)/vmlinux

# Wanted modules; their dependencies are added and ordered by build/modules.sh.
MODULES      ?= virtio_pci virtio_net virtio_blk virtio_rng
# In the image but not loaded at boot: aios-init loads them on first use (firewall.*: nf_tables;
# virtio_console: no device of the QEMU command line needs it).
MODULES_ONDEMAND ?= nf_tables virtio_console
MODULES_DIR  := $(BUILD)/modules
MODULES_LIST := $(BUILD)/modules.list
# What initramfs/init loads to reach the system slot and switch to it: the disk,
# squashfs, the overlay root, the software watchdog. Only these (and the next ones) are in the initramfs.
INITRD_MODULES      ?= virtio_pci virtio_blk squashfs overlay softdog
# Loaded by initramfs/init in the background while it mounts the system (on the other CPU;
# switch_root waits for them): the drivers the system's hardware phase would otherwise load
# one by one in PID 1 on the way to ready. aios-init finds them loaded.
INITRD_MODULES_LATER ?= virtio_net virtio_rng
INITRD_MODULES_DIR  := $(BUILD)/initrd-modules
INITRD_MODULES_LIST := $(BUILD)/initrd-modules.list
INITRD_MODULES_LATER_LIST := $(BUILD)/initrd-modules.later

$(VMLINUX): $(BUILD)/pkg/kernel.stamp build/extract-vmlinux.sh | $(HOST_STAMP)
	$(call msg,EXTRACT,$@ ($(KVER)))
	$(Q)build/extract-vmlinux.sh $(VMLINUZ) $@

$(MODULES_LIST): $(BUILD)/pkg/kernel.stamp $(BUILD)/pkg/busybox.stamp build/modules.sh \
                 $(call track,$(BUILD)/modules.want,$(MODULES) -- $(MODULES_ONDEMAND))
	$(call msg,DEPMOD,$(MODULES_DIR) ($(MODULES); on demand: $(MODULES_ONDEMAND)))
	$(Q)build/modules.sh $(PKG_kernel) $(KVER) $(BUSYBOX) $(MODULES_DIR) $@.tmp $(MODULES) -- $(MODULES_ONDEMAND)
	$(Q)mv $@.tmp $@

$(INITRD_MODULES_LIST): $(BUILD)/pkg/kernel.stamp $(BUILD)/pkg/busybox.stamp build/modules.sh \
                        $(call track,$(BUILD)/initrd-modules.want,$(INITRD_MODULES) -- $(INITRD_MODULES_LATER))
	$(call msg,DEPMOD,$(INITRD_MODULES_DIR) ($(INITRD_MODULES); in the background: $(INITRD_MODULES_LATER)))
	$(Q)build/modules.sh $(PKG_kernel) $(KVER) $(BUSYBOX) $(INITRD_MODULES_DIR) $@.tmp $(INITRD_MODULES) -- $(INITRD_MODULES_LATER)
	$(Q)printf '%s\n' '# Loaded by /init in the background (modprobe -a); dependencies come from modules.dep.' $(INITRD_MODULES_LATER) >$(INITRD_MODULES_LATER_LIST)
	$(Q)mv $@.tmp $@
