# nftables for the firewall.* tools: Debian's nft and every library it links,
# from the pins in build/packages.lock, staged under $(NFT_STAGE)/usr for the
# initramfs. The libraries go to /usr/lib/x86_64-linux-gnu beside glibc (ld.so's
# built-in search path: no ld.so.cache). libedit, libtinfo, libbsd and libmd are
# there only because nft links them for its interactive mode (~0.5 MiB).
# The kernel side (nf_tables and what it needs) is MODULES_ONDEMAND in kernel.mk.

NFT_IDS   := nft libnftables libnftnl libmnl libjansson libgmp libxtables libedit libtinfo libbsd libmd
NFT_LIBS  := libnftables.so.1 libnftnl.so.11 libmnl.so.0 libjansson.so.4 libgmp.so.10 libxtables.so.12 \
             libedit.so.2 libtinfo.so.6 libbsd.so.0 libmd.so.0
NFT_STAGE := $(BUILD)/nft
NFT_STAMP := $(BUILD)/nft.stamp
NFT_LIBDIR := usr/lib/x86_64-linux-gnu

# Every library nft needs, directly or not, must be staged here or be one of
# glibc's LIBC_LIBS: fail here, not when the first firewall call runs.
$(NFT_STAMP): $(foreach id,$(NFT_IDS),$(BUILD)/pkg/$(id).stamp) $(BUILD)/pkg/libc.stamp build/nft.mk
	$(call msg,STAGE,$(NFT_STAGE) (nft $(PKGVER_nft)))
	$(Q)rm -rf $(NFT_STAGE) && mkdir -p $(NFT_STAGE)/usr/sbin $(NFT_STAGE)/$(NFT_LIBDIR)
	$(Q)cp $(PKG_nft)/usr/sbin/nft $(NFT_STAGE)/usr/sbin/nft
	$(Q)for lib in $(NFT_LIBS); do \
	  f=$$(for id in $(NFT_IDS); do ls $(BUILD)/pkg/$$id/usr/lib/x86_64-linux-gnu/$$lib $(BUILD)/pkg/$$id/lib/x86_64-linux-gnu/$$lib 2>/dev/null; done | head -n 1); \
	  [ -n "$$f" ] || { echo "error: $$lib is in none of the pinned packages $(NFT_IDS)" >&2; exit 1; }; \
	  cp -L "$$f" $(NFT_STAGE)/$(NFT_LIBDIR)/$$lib || exit 1; \
	done
	$(Q)LD_LIBRARY_PATH=$(NFT_STAGE)/$(NFT_LIBDIR):$(LIBC_DIR) ldd $(NFT_STAGE)/usr/sbin/nft | awk '/=>/ { print $$1, $$3 }' | \
	  while read -r lib path; do \
	    case $$path in $(NFT_STAGE)/*) continue ;; esac; \
	    case " $(LIBC_LIBS) " in *" $$lib "*) continue ;; esac; \
	    echo "error: nft needs $$lib ($$path), which the image lacks (add its package to build/packages.lock and NFT_IDS/NFT_LIBS in build/nft.mk)" >&2; exit 1; \
	  done
	$(Q)touch $@
