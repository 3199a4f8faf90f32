# The inference runtime, staged in out/build/runtime and shipped in the system
# image (build/system.mk) as /usr/lib/aios, read from disk only when first used:
#   lib/     libonnxruntime.so.1 (from onnxruntime-node), and the C++ runtime it
#            needs (libstdc++.so.6, libgcc_s.so.1: pinned Debian packages;
#            librt.so.1 from the pinned libc6); aios-init dlopens them in order
#   models/  one folder per model with its manifest.json: the models/*.json
#            specs (the tiny test models, generated here), and anything added
#            with `make models MODEL=DIR`

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

# make models MODEL=DIR [NAME=name] [TASK=embed|generate|classify|tensor] [TIER=operational|tactical] [DTYPE=fp32|q8|...]
# Imports a Hugging Face ONNX folder into the runtime's models (checked by
# loading and running it once on this host), then rebuilds the system image and
# disk (a model too big for a slot needs a larger SLOT_SIZE).
.PHONY: models
models: $(NPM_STAMP) $(BUILD)/runtime-lib.stamp $(BUILD)/runtime-models.stamp
	$(if $(MODEL),,$(error usage: make models MODEL=DIR [NAME=name] [TASK=task] [TIER=tier] [DTYPE=dtype]))
	$(call msg,IMPORT,$(MODEL))
	$(Q)$(BUN) src/main.ts models import '$(MODEL)' --into $(RUNTIME_STAGE)/models --replace \
	  $(if $(NAME),--name '$(NAME)') $(if $(TASK),--task '$(TASK)') $(if $(TIER),--tier '$(TIER)') $(if $(DTYPE),--dtype '$(DTYPE)')
	$(Q)touch $(BUILD)/runtime-models.stamp
	$(Q)$(MAKE) $(SYSTEM_IMG)
