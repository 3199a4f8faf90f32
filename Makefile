# aiOS image build.  `make help` lists the verbs and variables.
#
# Kernel/buildroot manners: one .mk per component under build/, all outputs
# under out/, pinned downloads cached in out/cache/, quiet "  GEN  out/x" lines
# (V=1 shows the commands). A src/ change recompiles aios-init and re-packs the
# initramfs, nothing else.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-builtin-variables --no-print-directory
SHELL := /bin/sh

V ?= 0
ifeq ($(V),1)
  Q :=
  msg = @:
else
  Q := @
  msg = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif

O     := out
CACHE := $(O)/cache
BUILD := $(O)/build

# ---- user variables (make VAR=value ...) ----------------------------------
API_PORT      ?= 8080
MEM           ?= 1024
SMP           ?= 2
MACHINE       ?= q35
ACCEL         ?= tcg
FIRMWARE      ?= qboot
CMDLINE_EXTRA ?=
QEMU_EXTRA    ?=
ENTRY         ?= src/main.ts

# $(call track,FILE,VALUE): FILE holds VALUE and is rewritten (made newer) only
# when VALUE changes, so a target can depend on the value of a variable.
track = $(shell mkdir -p $(dir $(1)) && { [ "$$(cat $(1) 2>/dev/null)" = '$(2)' ] || printf '%s\n' '$(2)' >$(1); })$(1)

# ---- host tools (apt) -------------------------------------------------------
HOST_STAMP := $(BUILD)/host-tools.stamp
$(HOST_STAMP): build/deps.sh
	$(Q)build/deps.sh
	$(Q)mkdir -p $(@D) && touch $@

include build/debs.mk
include build/bun.mk
include build/busybox.mk
include build/libc.mk
include build/kernel.mk
include build/nft.mk
include build/tzdata.mk
include build/rootfs.mk
include build/image.mk
include build/runtime.mk
include build/system.mk
include build/repo.mk
include build/update.mk

# ---- verbs -----------------------------------------------------------------
.PHONY: all image deps run test test-unit test-vm typecheck bench bench-boot bench-inference bench-tools bench-actors bench-memory bench-goals bench-du eval-goals eval bench-fleet bench-decoding bench-api bench-durability floor dev \
        clean distclean help print-qemu-cmd

all: image

image: $(VMLINUX) $(INITRAMFS) $(DATA_IMG) $(SYSTEM_IMG)

deps: $(HOST_STAMP) $(NPM_STAMP)

# The image and the repository disk first: unit tests that need build outputs
# (the image's nft, the nginx repository) then run instead of skipping.
test:
	$(Q)$(MAKE) image $(REPO_IMG)
	$(Q)$(MAKE) test-unit
	$(Q)$(MAKE) test-vm

test-unit: typecheck
	$(Q)$(BUN) test src
	$(Q)$(BUN) test test/goals test/harness

typecheck: $(NPM_STAMP)
	$(call msg,TSC,--noEmit)
	$(Q)node_modules/.bin/tsc --noEmit -p .
	$(Q)node_modules/.bin/tsc --noEmit -p src/web/client

# The power-cut test last, on its own: the longest, and what it prints (its
# figures, or why it failed) then ends the log, which is what CI shows.
POWERCUT_TEST := test/vm/powercut.test.ts
VM_TESTS := $(filter-out $(POWERCUT_TEST),$(wildcard test/vm/*.test.ts))

# CI shows only the last lines of the log, and bun's closing summary names a
# failed test without its reason: after a failure each run prints, last, the
# failed tests' places and first lines (from a JUnit report; a VM wait's first
# line says where the guest was: test/harness/vm.ts).
# Boots that stalled and were started again (test/harness/vm.ts) are listed
# last too, after a passing run as well.
VM_REPORT := out/test-artifacts/vm-junit.xml
VM_STALLS := out/test-artifacts/vm-stalls.txt
vm-run = $(BUN) test $(1) --reporter=junit --reporter-outfile=$(VM_REPORT) || \
	{ status=$$?; $(BUN) test/harness/failures.ts $(VM_REPORT) --stalls $(VM_STALLS); exit $$status; }

test-vm: image $(REPO_IMG) $(NPM_STAMP)
	$(Q)rm -f $(VM_REPORT) $(VM_STALLS) && mkdir -p $(dir $(VM_REPORT))
	$(Q)$(call vm-run,$(addprefix ./,$(VM_TESTS)) --timeout 600000)
	$(Q)rm -f $(VM_REPORT)
	$(Q)$(call vm-run,./$(POWERCUT_TEST) --timeout 3600000)
	$(Q)$(BUN) test/harness/failures.ts --stalls $(VM_STALLS)

bench: bench-boot bench-inference bench-tools bench-actors bench-memory bench-goals bench-du eval-goals eval bench-fleet bench-decoding bench-api bench-durability

# Each benchmark prints markdown; record.ts files it in BENCHMARKS.md under its name.
record = $(BUN) test/bench/record.ts $(1) 'make $(2)'

bench-boot: image floor $(NPM_STAMP)
	$(Q)$(BUN) test/bench/boot.ts | $(call record,boot,bench-boot)

bench-inference: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/inference.ts | $(call record,inference,bench-inference)

bench-tools: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/tools.ts | $(call record,tools,bench-tools)

bench-actors: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/actors.ts | $(call record,actors,bench-actors)

bench-memory: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/memory.ts | $(call record,memory,bench-memory)

bench-goals: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/goals.ts | $(call record,goals,bench-goals)

bench-du: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/du.ts | $(call record,du,bench-du)

# The goal corpus (test/goals): planned correctly, refused, wrong, planning latency.
eval-goals: $(NPM_STAMP)
	$(Q)$(BUN) test/goals/eval.ts | $(call record,goals-corpus,eval-goals)

# The goal corpus through the planner chain: (a) the catalogue alone, (b) then the gateway
# against the scripted fake server, (c) then the configured local model when one is imported.
eval: $(NPM_STAMP)
	$(Q)$(BUN) test/goals/eval-chain.ts | $(call record,planner-chain,eval)

bench-fleet: $(NPM_STAMP) $(HOST_STAMP)
	$(Q)$(BUN) test/bench/fleet.ts | $(call record,fleet,bench-fleet)

bench-decoding: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/decoding.ts | $(call record,decoding,bench-decoding)

bench-api: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/api.ts | $(call record,api,bench-api)

bench-durability: $(NPM_STAMP)
	$(Q)$(BUN) test/bench/durability.ts | $(call record,durability,bench-durability)

floor: $(VMLINUX) $(FLOOR_CPIO)

# The image's test models (out/build/runtime/models) stand in for the runtime disk.
dev: $(NPM_STAMP) $(BUILD)/runtime-models.stamp
	$(Q)$(BUN) src/main.ts --dev --runtime $(RUNTIME_STAGE)

clean:
	$(call msg,CLEAN,$(O) (keeps $(DATA_IMG), $(CACHE) and $(KEYS_DIR)))
	$(Q)if [ -d $(O) ]; then find $(O) -mindepth 1 -maxdepth 1 ! -name data.img ! -name cache ! -name keys -exec rm -rf {} +; fi

distclean:
	@if [ -e $(DATA_IMG) ]; then \
	  echo "*** distclean: deleting $(DATA_IMG), the guest's persistent state (/var/lib/aios)."; \
	  echo "*** Everything stored in it is gone; the next 'make image' creates a blank one."; \
	fi
	@if [ -e $(UPDATE_KEY) ]; then \
	  echo "*** distclean: deleting $(KEYS_DIR), the update signing key: systems built with it take no image built after."; \
	fi
	$(call msg,CLEAN,$(O))
	$(Q)rm -rf $(O)

help:
	@echo 'aiOS build. Verbs:'
	@echo '  all, image     out/vmlinux, out/initramfs.cpio, out/system.img (system disk: slots a, b), out/data.img (default)'
	@echo '  models         make models MODEL=DIR [NAME=..] [TASK=..] [TIER=..]: add a Hugging Face ONNX model to the system image'
	@echo '  update-image   make update-image VERSION=x [UPDATE_IMG=out/update.img] [UPDATE_OVERLAY=DIR]: a signed update (PUT /api/v1/system/update)'
	@echo '  run            boot the image in QEMU on this terminal (poweroff ends it, status 0)'
	@echo '  test           test-unit, then test-vm'
	@echo '  test-unit      typecheck, then bun test src and the goal corpus (test/goals)'
	@echo '  typecheck      tsc --noEmit over src, test and build'
	@echo '  test-vm        bun test test/vm, the power-cut test last (boots QEMU; builds the image first)'
	@echo '  bench          all benchmarks (bench-boot, bench-inference, bench-tools, bench-actors, bench-memory, bench-goals, bench-du, bench-fleet, bench-decoding, bench-api, bench-durability)'
	@echo '  bench-boot     boot-time benchmark against the BusyBox-only floor'
	@echo '  bench-inference embedding throughput (tiny BERT); PP-OCRv4 through the runtime queue vs raw onnxruntime'
	@echo '  bench-tools    fs.stat through the full audited tool pipeline vs a bare statSync'
	@echo '  bench-actors   actor ask round trip vs a bare microtask loop; supervised restart time'
	@echo '  bench-goals    a 7-task goal submit -> done, orchestration overhead per task, vs the bare executor'
	@echo '  eval-goals     the goal corpus: planned correctly, refused, wrong, planning latency (also in bench)'
	@echo '  eval           the goal corpus through the planner chain: heuristic alone, then gateway (scripted fake server), then the local model'
	@echo '  bench-fleet    1,000 simulated nodes on a local nats-server: heartbeats, fleet-goal fan-out and gathering vs bare NATS'
	@echo '  bench-memory   inserts vs plain SQLite; top-10 vector search vs brute force (10k, 100k x 384); hybrid search'
	@echo '  bench-du       fs.du walking a 20k-entry tree vs coreutils du -sx'
	@echo '  bench-decoding per token: constrained vs unconstrained decoding, Qwen3 vocabulary; mask per step; registry grammar compile'
	@echo '  bench-api      req/s of GET /health and authenticated GET /api/v1/agents vs bare Bun.serve'
	@echo '  bench-durability durable audited fs.write vs a bare durable write and the unsynced path; 64 callers through group commit; nginx install durable vs unsynced'
	@echo '  floor          out/floor.cpio: same kernel, BusyBox /init that prints "floor: pid1" and powers off'
	@echo '  dev            run aios-init on the host (src/main.ts --dev)'
	@echo '  deps           install missing host tools (apt) and node_modules (npm ci)'
	@echo '  print-qemu-cmd the QEMU argv, one per line (same as build/qemu-cmd.sh)'
	@echo '  repo           out/repo.img: offline apt repository of REPO_PACKAGES (nginx) and its closure (build/repo.lock)'
	@echo '  repo-lock      recompute build/repo.lock with the pkg resolver against the host apt lists'
	@echo '  clean          remove out/ except out/data.img, out/cache and out/keys (the update signing key)'
	@echo '  distclean      remove all of out/, data.img included'
	@echo 'Variables:'
	@echo '  V=1            show commands                  ENTRY=$(ENTRY)  program compiled as aios-init'
	@echo '  API_PORT=$(API_PORT)   host port -> guest :9090        MEM=$(MEM)  guest MiB    SMP=$(SMP)'
	@echo '  ACCEL=$(ACCEL)      tcg (-cpu max,-erms,-fsrm) or kvm (-cpu host)   FIRMWARE=$(FIRMWARE)  qboot or seabios'
	@echo '  CMDLINE_EXTRA  appended to the kernel command line (CMDLINE replaces it; default in build/qemu-cmd.sh)'
	@echo '  QEMU_EXTRA     appended to the QEMU argv'
	@echo '  REPO=1         make run attaches out/repo.img read-only (pkg mounts it at /mnt/repo)'
	@echo '  VERSION=$(VERSION)  the image version (os-release IMAGE_VERSION)   SLOT_SIZE=$(SLOT_SIZE)  MiB per system slot'
	@echo '  SQUASHFS_OPTS  mksquashfs compression of the system image ($(SQUASHFS_OPTS))'
	@echo 'Pinned packages: build/packages.lock (KVER $(KVER)).'
