# BusyBox (static, from the pinned busybox-static): the image's shell and tools.

BUSYBOX         := $(PKG_busybox)/bin/busybox
BUSYBOX_APPLETS := $(BUILD)/busybox.applets

# `busybox --list-full`: one applet a line with its usual dir (usr/bin/ip, sbin/modprobe, ...)
$(BUSYBOX_APPLETS): $(BUILD)/pkg/busybox.stamp
	$(call msg,GEN,$@)
	$(Q)$(BUSYBOX) --list-full >$@.tmp && mv $@.tmp $@
