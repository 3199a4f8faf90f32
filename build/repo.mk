# The package manager's build side (src/tools/pkg):
#
#   $(PROVIDED)  what the base image provides (libc6, busybox-static from
#                build/packages.lock, with the files the image has), shipped
#                as /etc/aios/pkg/provided: pkg's resolver never installs them.
#   make repo    out/repo.img, an ext4 disk (label aios-repo) holding an apt
#                repository of $(REPO_PACKAGES) and their dependency closure
#                as pinned in build/repo.lock; `make run REPO=1` attaches it
#                read-only and pkg mounts it at /mnt/repo.
#   make repo-lock  recompute build/repo.lock with pkg's resolver against the
#                host's apt lists (apt-cache dumpavail).
# The .debs are fetched with apt-get download (build/fetch-deb.sh, never
# installed), checked against the lock's sha256 and cached in out/cache/debs.

PROVIDED      := $(BUILD)/provided
REPO_LOCK     := build/repo.lock
REPO_DIR      := $(BUILD)/repo
REPO_IMG      := $(O)/repo.img
REPO_PACKAGES ?= nginx
REPO          ?= 0

$(PROVIDED): build/provided.ts src/tools/pkg/deb.ts $(PACKAGES_LOCK) $(DEB_libc) $(DEB_busybox) $(BUSYBOX_APPLETS) $(NPM_STAMP)
	$(call msg,GEN,$@)
	$(Q)$(BUN) build/provided.ts $@.tmp $(DEB_libc) $(DEB_busybox) $(BUSYBOX_APPLETS) $(LIBC_LIBS) && mv $@.tmp $@

# build/initramfs-list.sh ships it in the system image as /etc/aios/pkg/provided.
system_env += PROVIDED=$(PROVIDED)
$(SYSTEM_SQFS) update-image: $(PROVIDED)

# One pin per line: package version sha256 size. The rule for each .deb is
# debs.mk's, unless packages.lock pins the same file already.
REPO_PINS := $(shell [ -f $(REPO_LOCK) ] && awk '!/^[[:space:]]*(\#|$$)/ { print $$1 "|" $$2 "|" $$3 }' $(REPO_LOCK))
repo_deb   = $(CACHE)/debs/$(word 1,$(subst |, ,$(1)))_$(word 3,$(subst |, ,$(1))).deb
REPO_DEBS := $(foreach pin,$(REPO_PINS),$(call repo_deb,$(pin)))

define repo_fetch
$(2): build/fetch-deb.sh
	$$(call msg,FETCH,$(word 1,$(subst |, ,$(1)))=$(word 2,$(subst |, ,$(1))))
	$(Q)mkdir -p $$(@D)
	$(Q)build/fetch-deb.sh '$(word 1,$(subst |, ,$(1)))' '$(word 2,$(subst |, ,$(1)))' '$(word 3,$(subst |, ,$(1)))' $$@
endef
$(foreach pin,$(REPO_PINS),$(if $(filter $(call repo_deb,$(pin)),$(foreach id,$(DEB_IDS),$(DEB_$(id)))),,$(eval $(call repo_fetch,$(pin),$(call repo_deb,$(pin))))))

# Sized to the content plus room for ext4's metadata; files owned by root; no
# journal (the guest never writes it).
$(REPO_IMG): $(REPO_LOCK) $(REPO_DEBS) build/repo.ts src/tools/pkg/repowrite.ts $(NPM_STAMP) | $(HOST_STAMP)
	$(call msg,REPO,$(REPO_DIR) ($(words $(REPO_DEBS)) packages))
	$(Q)rm -rf $(REPO_DIR) && mkdir -p $(REPO_DIR)
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(BUN) build/repo.ts assemble $(REPO_DIR) $(REPO_LOCK) $(REPO_DEBS) >/dev/null
	$(call msg,MKFS,$@ (ext4, label aios-repo, read-only in the guest))
	$(Q)kib=$$(du -sk $(REPO_DIR) | cut -f1); size=$$(( kib * 5 / 4 + 8192 )); \
	  rm -f $@.tmp && truncate -s "$${size}k" $@.tmp && \
	  PATH="$$PATH:/usr/sbin:/sbin" mke2fs -q -t ext4 -O ^has_journal -L aios-repo -E root_owner=0:0 -d $(REPO_DIR) -F $@.tmp && mv $@.tmp $@

.PHONY: repo repo-lock provided
repo: $(REPO_IMG)
provided: $(PROVIDED)

repo-lock: $(PROVIDED) $(NPM_STAMP)
	$(Q)$(BUN) build/repo.ts lock $(REPO_LOCK) $(PROVIDED) amd64 $(REPO_PACKAGES)

# make run REPO=1: the repository disk after the data disk (/dev/vdb), read-only.
qemu_env += REPO_IMG=$(if $(filter 1,$(REPO)),$(REPO_IMG),none)
ifeq ($(REPO),1)
run: $(REPO_IMG)
endif
