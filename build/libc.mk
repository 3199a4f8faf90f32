# glibc for the Bun executable, from the pinned libc6 (never the host's).
# They go to /usr/lib/x86_64-linux-gnu, which is in ld.so's built-in search
# path, so no ld.so.cache is needed; /lib64/ld-linux-x86-64.so.2 (PT_INTERP)
# links there.

LIBC_DIR  := $(PKG_libc)/lib/x86_64-linux-gnu
LIBC_LIBS := ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2
LIBC_CHECK := $(BUILD)/aios-init.libs

# Every library aios-init needs must be one we ship: fail here, not at boot.
$(LIBC_CHECK): $(AIOS_INIT) $(BUILD)/pkg/libc.stamp build/libc.mk
	$(call msg,CHECK,$(AIOS_INIT) needs only $(LIBC_LIBS))
	$(Q)ldd $(AIOS_INIT) | awk '/=>/ { print $$1; next } /ld-linux/ { n = $$1; sub(".*/", "", n); print n }' >$@.tmp
	$(Q)for lib in $$(cat $@.tmp); do \
	  case " $(LIBC_LIBS) " in *" $$lib "*) ;; *) echo "error: $(AIOS_INIT) needs $$lib, which the image lacks (add it to LIBC_LIBS in build/libc.mk)" >&2; exit 1 ;; esac; \
	  [ -f $(LIBC_DIR)/$$lib ] || { echo "error: $$lib is not in the pinned libc6 ($(LIBC_DIR))" >&2; exit 1; }; \
	done
	$(Q)mv $@.tmp $@
