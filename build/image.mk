# The data disk and the QEMU command line (build/qemu-cmd.sh, shared with the
# VM tests). The system disk is build/system.mk's.

DATA_IMG  := $(O)/data.img
DATA_SIZE := 512M

# The user's state (/var/lib/aios): created once, never rebuilt. Inode tables
# and journal are zeroed here, not by the guest's ext4lazyinit thread, which
# would compete with the first boot for the one emulated disk and CPU. No
# prerequisites, so nothing can make it out of date; `make clean` keeps it.
.PRECIOUS: $(DATA_IMG)
$(DATA_IMG): | $(HOST_STAMP)
	$(call msg,MKFS,$@ (ext4 $(DATA_SIZE), sparse))
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@.tmp && truncate -s $(DATA_SIZE) $@.tmp
	$(Q)PATH="$$PATH:/usr/sbin:/sbin" mke2fs -q -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 -L aios-data -F $@.tmp
	$(Q)mv $@.tmp $@

qemu_env = API_PORT='$(API_PORT)' MEM='$(MEM)' SMP='$(SMP)' MACHINE='$(MACHINE)' ACCEL='$(ACCEL)' FIRMWARE='$(FIRMWARE)' \
           $(if $(CMDLINE),CMDLINE='$(CMDLINE)') CMDLINE_EXTRA='$(CMDLINE_EXTRA)' QEMU_EXTRA='$(QEMU_EXTRA)' \
           KERNEL=$(VMLINUX) INITRD=$(INITRAMFS) DATA_IMG=$(DATA_IMG) SYSTEM_IMG=$(SYSTEM_IMG)

run: image | $(HOST_STAMP)
	@echo "  RUN     qemu ($(ACCEL), $(MEM) MiB, http://127.0.0.1:$(API_PORT) -> guest :9090; Ctrl-A x quits)"
	$(Q)$(qemu_env) build/qemu-cmd.sh --exec

print-qemu-cmd:
	@$(qemu_env) build/qemu-cmd.sh
