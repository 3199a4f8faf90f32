# Initramfs: BusyBox, the modules that reach the system disk and mount its
# slot, and initramfs/init, the boot loader that switches to the system image
# (build/system.mk). Uncompressed newc: unpacking is faster than any
# decompression here. The listing comes from build/initramfs-list.sh, the
# archive from build/mkcpio.ts: root-owned entries and /dev/console without
# root rights. The floor is the same kernel's BusyBox-only baseline for
# `make bench-boot`.

INITRAMFS      := $(O)/initramfs.cpio
FLOOR_CPIO     := $(O)/floor.cpio
INITRAMFS_DIR  := initramfs
INITRAMFS_FILES := $(shell find $(INITRAMFS_DIR) 2>/dev/null)

# Reproducible archives: every mtime is the last commit's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

cpio_env = BUSYBOX=$(BUSYBOX) APPLETS=$(BUSYBOX_APPLETS) FLOOR_INIT=build/floor-init.sh \
           INITRAMFS=$(INITRAMFS_DIR) INITRD_MODULES_DIR=$(INITRD_MODULES_DIR) INITRD_MODULES_LIST=$(INITRD_MODULES_LIST) \
           INITRD_MODULES_LATER_LIST=$(INITRD_MODULES_LATER_LIST)

$(INITRAMFS): $(BUSYBOX_APPLETS) $(INITRD_MODULES_LIST) $(INITRAMFS_FILES) build/initramfs-list.sh build/mkcpio.ts build/listing.ts $(NPM_STAMP)
	$(call msg,CPIO,$@)
	$(Q)$(cpio_env) build/initramfs-list.sh initramfs >$(BUILD)/initramfs.list
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) V=$(V) $(BUN) build/mkcpio.ts $@ $(BUILD)/initramfs.list

$(FLOOR_CPIO): $(BUSYBOX_APPLETS) build/floor-init.sh build/initramfs-list.sh build/mkcpio.ts build/listing.ts $(NPM_STAMP)
	$(call msg,CPIO,$@)
	$(Q)$(cpio_env) build/initramfs-list.sh floor >$(BUILD)/floor.list
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) V=$(V) $(BUN) build/mkcpio.ts $@ $(BUILD)/floor.list
