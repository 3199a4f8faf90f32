# Bun: node_modules (npm ci) and out/aios-init, compiled by build/compile.ts
# through the Bun.build API (bytecode, minified, source map embedded).

BUN       := node_modules/.bin/bun
NPM_STAMP := node_modules/.package-lock.json
AIOS_INIT := $(O)/aios-init

# npm ci rewrites node_modules from package-lock.json. onnxruntime-node's
# install script would try to download; the library ships in the package.
$(NPM_STAMP): package-lock.json package.json | $(HOST_STAMP)
	$(call msg,NPM,ci)
	$(Q)ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund $(if $(filter 1,$(V)),,--loglevel=error)
	$(Q)touch $@

SRC_TS := $(shell find src -type f -not -name '*.test.ts' 2>/dev/null)

# The documentation it ingests into its knowledge base is embedded too (src/boot/phases/docs.ts).
$(AIOS_INIT): $(SRC_TS) $(ENTRY) README.md models/README.md package.json tsconfig.json bunfig.toml build/compile.ts build/defines.ts \
              $(call track,$(BUILD)/entry,$(ENTRY)) $(NPM_STAMP)
	$(call msg,BUN,$@ ($(ENTRY)))
	$(Q)mkdir -p $(@D)
	$(Q)$(BUN) build/compile.ts $(ENTRY) $@
