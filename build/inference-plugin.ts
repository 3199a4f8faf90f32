/**
 * Bun.build plugin that makes transformers.js and onnxruntime-node work
 * inside the compiled aios-init (see DEVELOPERS.md and measured-facts.md):
 *
 * 1. `sharp` (image decoding, imported statically by transformers.js) becomes
 *    a stub: aiOS runs text models, and sharp's own native library would not
 *    load from /$bunfs anyway. The stub is a function, because transformers.js
 *    throws at import when `sharp` is falsy.
 * 2. transformers.js loads onnxruntime-node through createRequire(import.meta.url),
 *    which cannot resolve inside /$bunfs: it becomes a static import, so the
 *    bundler follows it.
 * 3. onnxruntime-node requires its binding through a template string the
 *    bundler cannot follow: it becomes the literal linux-x64 path, so the
 *    .node file is embedded (Bun extracts it to $TMPDIR at load;
 *    libonnxruntime.so.1 is preloaded from the runtime disk, src/inference/native.ts).
 *
 * Each rewrite insists on finding the exact text it replaces: an upgraded
 * dependency fails the build here instead of failing at boot.
 */
import type { BunPlugin } from "bun";

function rewrite(text: string, from: string, to: string, file: string): string {
  if (!text.includes(from)) throw new Error(`inference plugin: ${file}: expected text not found (dependency changed?):\n${from}`);
  return text.replace(from, to);
}

const ONNX_NODE_LOADER = `import { createRequire } from "module";
var requireFromHere = createRequire(import.meta.url ?? __filename);
process.env.ORT_DISABLE_TELEMETRY = "1";
var onnx_node_default = requireFromHere("onnxruntime-node");`;

const BINDING_REQUIRE = "require(`../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`)";

export const inferencePlugin: BunPlugin = {
  name: "aios-inference",
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, () => ({ path: "sharp", namespace: "aios-stub" }));
    build.onLoad({ filter: /^sharp$/, namespace: "aios-stub" }, () => ({
      loader: "js",
      contents: "export default function sharp() { throw new Error('sharp: image decoding is not part of aios-init'); }",
    }));
    build.onLoad({ filter: /@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.mjs$/ }, async ({ path }) => ({
      loader: "js",
      contents: rewrite(await Bun.file(path).text(), ONNX_NODE_LOADER, 'import onnx_node_default from "onnxruntime-node";', path),
    }));
    build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async ({ path }) => ({
      loader: "js",
      contents: rewrite(await Bun.file(path).text(), BINDING_REQUIRE, 'require("../bin/napi-v6/linux/x64/onnxruntime_binding.node")', path),
    }));
  },
};
