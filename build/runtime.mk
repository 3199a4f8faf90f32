# The runtime disk: a read-only ext4 image (out/runtime.img) that the guest
# mounts at /usr/lib/aios in the ai-runtime phase. It keeps onnxruntime (46 MB)
# and the models off the initramfs, so they cost nothing at boot:
#   lib/     libonnxruntime.so.1 (from onnxruntime-node), and the C++ runtime it
#            needs (libstdc++.so.6, libgcc_s.so.1: pinned Debian packages;
#            librt.so.1 from the pinned libc6); aios-init dlopens them in order
#   models/  one folder per model with its manifest.json: the models/*.json
#            specs (the tiny test models, generated here), and anything added
#            with `make models MODEL=DIR`
# build/qemu-cmd.sh attaches it read-only with the virtio serial aios-runtime.

RUNTIME_IMG   := $(O)/runtime.img
RUNTIME_STAGE := $(BUILD)/runtime
MODEL_SPECS   := $(wildcard models/*.json)
ORT_DIR       := node_modules/onnxruntime-node/bin/napi-v6/linux/x64
INFERENCE_SRC := $(shell find src/inference -type f -not -name '*.test.ts' 2>/dev/null)

RUNTIME_LIB_FILES := $(ORT_DIR)/libonnxruntime.so.1 \
                     $(PKG_libstdcxx)/usr/lib/x86_64-linux-gnu/libstdc++.so.6 \
                     $(PKG_libgcc)/lib/x86_64-linux-gnu/libgcc_s.so.1 \
                     $(LIBC_DIR)/librt.so.1

$(BUILD)/runtime-lib.stamp: $(NPM_STAMP) $(BUILD)/pkg/libstdcxx.stamp $(BUILD)/pkg/libgcc.stamp $(BUILD)/pkg/libc.stamp build/runtime.mk
	$(call msg,STAGE,$(RUNTIME_STAGE)/lib)
	$(Q)rm -rf $(RUNTIME_STAGE)/lib && mkdir -p $(RUNTIME_STAGE)/lib
	$(Q)for f in $(RUNTIME_LIB_FILES); do cp -L "$$f" $(RUNTIME_STAGE)/lib/ || exit 1; done
	$(Q)touch $@

# Only the spec'd models are (re)written; models added by `make models` stay.
$(BUILD)/runtime-models.stamp: $(MODEL_SPECS) build/models.ts $(INFERENCE_SRC) $(NPM_STAMP)
	$(call msg,MODELS,$(RUNTIME_STAGE)/models ($(words $(MODEL_SPECS)) specs))
	$(Q)mkdir -p $(RUNTIME_STAGE)/models
	$(Q)$(BUN) build/models.ts $(RUNTIME_STAGE)/models $(MODEL_SPECS) $(if $(filter 1,$(V)),,>/dev/null)
	$(Q)touch $@

# Sized to its content plus 10% and 4 MiB; no journal (never written).
$(RUNTIME_IMG): $(BUILD)/runtime-lib.stamp $(BUILD)/runtime-models.stamp | $(HOST_STAMP)
	$(call msg,MKFS,$@ (ext4, read-only runtime disk))
	$(Q)kb=$$(du -sk $(RUNTIME_STAGE) | cut -f1); \
	  rm -f $@.tmp && PATH="$$PATH:/usr/sbin:/sbin" mke2fs -q -t ext4 -b 4096 -O ^has_journal -L aios-runtime -E root_owner=0:0 \
	    -d $(RUNTIME_STAGE) -F $@.tmp $$((kb + kb / 10 + 4096))k >/dev/null
	$(Q)mv $@.tmp $@

# make models MODEL=DIR [NAME=name] [TASK=embed|generate|classify|tensor] [TIER=operational|tactical] [DTYPE=fp32|q8|...]
# Imports a Hugging Face ONNX folder into the runtime disk (checked by loading
# and running it once on this host), then rebuilds out/runtime.img.
.PHONY: models
models: $(NPM_STAMP) $(BUILD)/runtime-lib.stamp $(BUILD)/runtime-models.stamp
	$(if $(MODEL),,$(error usage: make models MODEL=DIR [NAME=name] [TASK=task] [TIER=tier] [DTYPE=dtype]))
	$(call msg,IMPORT,$(MODEL))
	$(Q)$(BUN) src/main.ts models import '$(MODEL)' --into $(RUNTIME_STAGE)/models --replace \
	  $(if $(NAME),--name '$(NAME)') $(if $(TASK),--task '$(TASK)') $(if $(TIER),--tier '$(TIER)') $(if $(DTYPE),--dtype '$(DTYPE)')
	$(Q)touch $(BUILD)/runtime-models.stamp
	$(Q)$(MAKE) $(RUNTIME_IMG)
