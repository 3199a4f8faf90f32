/**
 * compile.ts [ENTRY] [OUTFILE] — compile aios-init into one executable.
 *
 * Uses the Bun.build JS API rather than `bun build --compile` because the CLI
 * takes no plugins, and later steps (stubbing `sharp`, rewriting onnxruntime's
 * loader) need one: add them to `plugins` below.
 *
 * The result is ~125 MB: the Bun runtime (107 MB) plus our source and its
 * bytecode (~15 MB; JSC loads the bytecode instead of parsing the bundle:
 * under TCG ~1.9 s less guest CPU to ready, for ~5 MiB of the system image).
 * Never strip it (strip drops the embedded program). It runs as PID 1 with / as cwd, so it
 * must not pick up a stray .env or bunfig.toml at run time.
 */
import { buildDefines } from "./defines";
import { inferencePlugin } from "./inference-plugin";

const entry = process.argv[2] ?? process.env.ENTRY ?? "src/main.ts";
const outfile = process.argv[3] ?? "out/aios-init";

const result = await Bun.build({
  // The workers are entry points too, embedded beside the program (xgrammar.ts, syncfs.ts and engine-client.ts find them under root).
  entrypoints: [entry, "src/inference/grammar/worker.ts", "src/sys/durable/syncfs-worker.ts", "src/inference/engine-thread.ts"],
  root: "src",
  target: "bun",
  format: "esm", // bytecode defaults to CommonJS, which has no top-level await
  compile: {
    target: "bun-linux-x64",
    outfile,
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
  minify: true,
  bytecode: true,
  // No sourcemap: with compile, Bun embeds it (zstd, sources included: 3.8 MB that no squashfs
  // compressor shrinks, 2.9 MiB of the 70 MiB system image) and it bought nothing at boot.
  // Stack traces name minified /$bunfs/root/main.js positions; for src/ ones, build with "linked".
  sourcemap: "none",
  define: buildDefines(), // AIOS_VERSION, AIOS_COMMIT (src/sys/build.ts)
  plugins: [inferencePlugin], // sharp stub, static onnxruntime-node and binding (build/inference-plugin.ts)
  throw: false,
});

for (const log of result.logs) console.error(log);
if (!result.success) {
  console.error(`compile: building ${entry} failed`);
  process.exit(1);
}
