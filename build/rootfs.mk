# Initramfs (uncompressed newc: unpacking is faster than any decompression
# here). The listing comes from build/initramfs-list.sh, the archive from
# build/mkcpio.ts: root-owned entries and /dev/console without root rights.

INITRAMFS    := $(O)/initramfs.cpio
FLOOR_CPIO   := $(O)/floor.cpio
ROOTFS_FILES := $(shell find rootfs 2>/dev/null)

# Reproducible archives: every mtime is the last commit's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

cpio_env = BUSYBOX=$(BUSYBOX) APPLETS=$(BUSYBOX_APPLETS) \
           LIBC_DIR=$(LIBC_DIR) LIBC_LIBS='$(LIBC_LIBS)' \
           MODULES_DIR=$(MODULES_DIR) MODULES_LIST=$(MODULES_LIST) \
           AIOS_INIT=$(AIOS_INIT) ROOTFS=rootfs FLOOR_INIT=build/floor-init.sh \
           NFT_STAGE=$(NFT_STAGE) ZONEINFO_STAGE=$(ZONEINFO_STAGE)

$(INITRAMFS): $(AIOS_INIT) $(LIBC_CHECK) $(BUSYBOX_APPLETS) $(MODULES_LIST) $(ROOTFS_FILES) $(NFT_STAMP) $(ZONEINFO_STAMP) \
              build/initramfs-list.sh build/mkcpio.ts $(NPM_STAMP)
	$(call msg,CPIO,$@)
	$(Q)$(cpio_env) build/initramfs-list.sh image >$(BUILD)/initramfs.list
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) V=$(V) $(BUN) build/mkcpio.ts $@ $(BUILD)/initramfs.list

$(FLOOR_CPIO): $(BUSYBOX_APPLETS) build/floor-init.sh build/initramfs-list.sh build/mkcpio.ts $(NPM_STAMP)
	$(call msg,CPIO,$@)
	$(Q)$(cpio_env) build/initramfs-list.sh floor >$(BUILD)/floor.list
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) V=$(V) $(BUN) build/mkcpio.ts $@ $(BUILD)/floor.list
