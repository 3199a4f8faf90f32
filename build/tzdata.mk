# Time zones for sys.timezone and /etc/localtime: /usr/share/zoneinfo from the
# pinned tzdata, nothing else of the package, and not right/ (the leap-second
# variants, half its size), tzdata.zi (the source text) or the localtime link.

ZONEINFO_STAGE := $(BUILD)/zoneinfo
ZONEINFO_STAMP := $(BUILD)/zoneinfo.stamp

$(ZONEINFO_STAMP): $(BUILD)/pkg/tzdata.stamp build/tzdata.mk
	$(call msg,STAGE,$(ZONEINFO_STAGE) (tzdata $(PKGVER_tzdata)))
	$(Q)rm -rf $(ZONEINFO_STAGE) && cp -a $(PKG_tzdata)/usr/share/zoneinfo $(ZONEINFO_STAGE)
	$(Q)rm -rf $(ZONEINFO_STAGE)/right $(ZONEINFO_STAGE)/tzdata.zi $(ZONEINFO_STAGE)/localtime
	$(Q)[ -f $(ZONEINFO_STAGE)/Etc/UTC ] && [ -f $(ZONEINFO_STAGE)/zone1970.tab ] || { echo "error: $(PKG_tzdata) has no zoneinfo" >&2; exit 1; }
	$(Q)touch $@
