# Updates: the signing key and `make update-image`.
#
#   $(UPDATE_PUB)   out/keys/update.{key,pub}: an ed25519 key pair, created
#                   once. aios-init embeds the public key (build/defines.ts)
#                   and installs only images signed with its private half, so
#                   `make clean` keeps out/keys (losing it means systems built
#                   before cannot take images built after).
#   update-image    make update-image VERSION=x [UPDATE_IMG=out/update.img]
#                   [UPDATE_OVERLAY=DIR]: the system image (build/system.mk)
#                   under VERSION, with DIR laid over it if given, packed with
#                   a signed header (src/update/image.ts) as UPDATE_IMG, for
#                   `PUT /api/v1/system/update` or `update apply FILE` in the REPL.

KEYS_DIR       := $(O)/keys
UPDATE_KEY     := $(KEYS_DIR)/update.key
UPDATE_PUB     := $(KEYS_DIR)/update.pub
UPDATE_IMG     ?= $(O)/update.img
UPDATE_OVERLAY ?=
UPDATE_STAGE   := $(BUILD)/update-stage

.PRECIOUS: $(UPDATE_PUB)
$(UPDATE_PUB): | $(NPM_STAMP)
	$(call msg,KEYGEN,$(KEYS_DIR) (ed25519, created once; make clean keeps it))
	$(Q)$(BUN) build/mkupdate.ts keygen $(KEYS_DIR)

# The key is compiled into aios-init, so it exists before aios-init does.
$(AIOS_INIT): $(UPDATE_PUB)

.PHONY: update-image
update-image: $(SYSTEM_INPUTS) $(UPDATE_PUB) build/mkupdate.ts | $(HOST_STAMP)
	$(if $(filter command line environment,$(origin VERSION)),,$(error usage: make update-image VERSION=x [UPDATE_IMG=FILE] [UPDATE_OVERLAY=DIR]))
	$(call msg,SQUASH,$(UPDATE_STAGE).sqfs ($(VERSION)$(if $(UPDATE_OVERLAY),; overlay $(UPDATE_OVERLAY)); $(SQUASHFS_OPTS)))
	$(Q)$(system_env) OVERLAY='$(UPDATE_OVERLAY)' build/mksystem.sh $(UPDATE_STAGE) $(UPDATE_STAGE).sqfs '$(VERSION)'
	$(call msg,SIGN,$(UPDATE_IMG) (ed25519, $(UPDATE_KEY)))
	$(Q)$(BUN) build/mkupdate.ts pack $(UPDATE_IMG) $(UPDATE_STAGE).sqfs $(UPDATE_KEY) $(UPDATE_STAGE).meta/os-release
	$(Q)rm -rf $(UPDATE_STAGE) $(UPDATE_STAGE).sqfs
