# Pinned Debian packages: build/packages.lock lists "id package version sha256".
# For each id this defines
#   PKGNAME_id PKGVER_id  the pin
#   DEB_id                out/cache/debs/PACKAGE_SHA256.deb (a new pin is a new file)
#   PKG_id                out/build/pkg/id, the package unpacked with dpkg -x
#   PKG_id.stamp          target: the unpacked tree is there and verified
# Downloads go through apt-get (build/fetch-deb.sh) and are checked against
# the pinned sha256 twice: after download and before every unpack.

PACKAGES_LOCK := build/packages.lock
DEB_IDS :=

define deb_pin
DEB_IDS       += $(1)
PKGNAME_$(1)  := $(2)
PKGVER_$(1)   := $(3)
PKGSHA_$(1)   := $(4)
DEB_$(1)      := $(CACHE)/debs/$(2)_$(4).deb
PKG_$(1)      := $(BUILD)/pkg/$(1)

$(CACHE)/debs/$(2)_$(4).deb: build/fetch-deb.sh
	$$(call msg,FETCH,$(2)=$(3))
	$(Q)mkdir -p $$(@D)
	$(Q)build/fetch-deb.sh '$(2)' '$(3)' '$(4)' $$@

$(BUILD)/pkg/$(1).stamp: $(CACHE)/debs/$(2)_$(4).deb
	$$(call msg,UNPACK,$(2))
	$(Q)echo '$(4)  $$<' | sha256sum -c --quiet - || { \
	  echo "error: CHECKSUM MISMATCH: $$< is not $(2)=$(3) (build/packages.lock); delete it and rebuild" >&2; exit 1; }
	$(Q)rm -rf $(BUILD)/pkg/$(1) && mkdir -p $(BUILD)/pkg/$(1)
	$(Q)dpkg -x $$< $(BUILD)/pkg/$(1)
	$(Q)touch $$@
endef

$(foreach pin,$(shell awk '!/^[[:space:]]*(\#|$$)/ { if (NF != 4) { print "BAD:" NR; exit } print $$1 "|" $$2 "|" $$3 "|" $$4 }' $(PACKAGES_LOCK)),\
  $(if $(filter BAD:%,$(pin)),$(error $(PACKAGES_LOCK):$(patsubst BAD:%,%,$(pin)): want "id package version sha256"))\
  $(eval $(call deb_pin,$(word 1,$(subst |, ,$(pin))),$(word 2,$(subst |, ,$(pin))),$(word 3,$(subst |, ,$(pin))),$(word 4,$(subst |, ,$(pin))))))

$(foreach id,kernel busybox libc,$(if $(filter $(id),$(DEB_IDS)),,$(error $(PACKAGES_LOCK) has no "$(id)" pin)))

.PHONY: debs
debs: $(foreach id,$(DEB_IDS),$(BUILD)/pkg/$(id).stamp)
