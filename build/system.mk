# The system image and the system disk.
#
#   $(SYSTEM_SQFS)  out/system.sqfs: everything the system runs — aios-init,
#                   glibc, BusyBox, onnxruntime and the models (build/runtime.mk),
#                   nft, zoneinfo, the modules aios-init loads, rootfs/ — as one
#                   compressed read-only squashfs. initramfs/init mounts it
#                   under a RAM overlay and switches to it, so pages are read
#                   (and decompressed) when first touched instead of unpacked
#                   at boot. zstd: the only compressor here that keeps the
#                   image under 70 MiB (erofs-utils 1.5 has only lz4/lz4hc:
#                   ~88 MiB). Level 19 with 512 KiB blocks: 68.3 MiB; 256 KiB
#                   blocks gave 70.0 (8 KB under the limit, 2026-12-08) and
#                   boot as fast when /init reads ahead (src/sys/readahead.ts),
#                   ~0.14 s faster without (an image's first boot); 128 KiB
#                   and 1 MiB blocks come out larger; level 22 is level 19.
#   $(SYSTEM_IMG)   out/system.img: the system disk, a GPT with two slots of
#                   SLOT_SIZE MiB (aios-a holds $(SYSTEM_SQFS), aios-b is empty
#                   until the first update). Rebuilt from scratch by `make
#                   image`: an update installed in a `make run` is gone, and
#                   /init boots slot a again (and says so) when the data disk's
#                   boot state still names b. build/qemu-cmd.sh attaches it.
#
# VERSION names the image (IMAGE_VERSION in /usr/lib/os-release, `version`
# in GET /api/v1/system); `make update-image VERSION=x` (build/update.mk)
# builds the same tree under another version.

SYSTEM_STAGE  := $(BUILD)/system
SYSTEM_SQFS   := $(O)/system.sqfs
SYSTEM_IMG    := $(O)/system.img
SLOT_SIZE     ?= 256
VERSION       ?= $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' package.json)
SQUASHFS_OPTS ?= -comp zstd -Xcompression-level 19 -b 512K

system_env = BUN=$(BUN) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) V=$(V) SQUASHFS_OPTS='$(SQUASHFS_OPTS)' \
             BUSYBOX=$(BUSYBOX) APPLETS=$(BUSYBOX_APPLETS) LIBC_DIR=$(LIBC_DIR) LIBC_LIBS='$(LIBC_LIBS)' \
             MODULES_DIR=$(MODULES_DIR) MODULES_LIST=$(MODULES_LIST) AIOS_INIT=$(AIOS_INIT) ROOTFS=rootfs \
             NFT_STAGE=$(NFT_STAGE) ZONEINFO_STAGE=$(ZONEINFO_STAGE) RUNTIME_STAGE=$(RUNTIME_STAGE)
ROOTFS_FILES   := $(shell find rootfs 2>/dev/null)
SYSTEM_INPUTS  := $(AIOS_INIT) $(LIBC_CHECK) $(BUSYBOX_APPLETS) $(MODULES_LIST) $(ROOTFS_FILES) $(NFT_STAMP) $(ZONEINFO_STAMP) \
                  $(BUILD)/runtime-lib.stamp $(BUILD)/runtime-models.stamp build/initramfs-list.sh build/mkstage.ts build/listing.ts \
                  build/mksystem.sh package.json $(NPM_STAMP)

$(SYSTEM_SQFS): $(SYSTEM_INPUTS) $(call track,$(BUILD)/system.want,$(VERSION) $(SQUASHFS_OPTS)) | $(HOST_STAMP)
	$(call msg,SQUASH,$@ ($(VERSION); $(SQUASHFS_OPTS)))
	$(Q)$(system_env) build/mksystem.sh $(SYSTEM_STAGE) $@ '$(VERSION)'

$(SYSTEM_IMG): $(SYSTEM_SQFS) build/mkdisk.sh $(call track,$(BUILD)/slot.want,$(SLOT_SIZE)) | $(HOST_STAMP)
	$(call msg,DISK,$@ (GPT: aios-a, aios-b; $(SLOT_SIZE) MiB each, sparse))
	$(Q)build/mkdisk.sh $@ $(SYSTEM_SQFS) $(SLOT_SIZE)

.PHONY: system
system: $(SYSTEM_IMG)
