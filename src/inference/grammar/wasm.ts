/**
 * XGrammar (`@mlc-ai/web-xgrammar`, its WASM build; the WASM is inlined in
 * the package's JavaScript, so `bun build --compile` embeds it with no extra
 * file), instantiated once per thread on first use. PID 1 loads it only in
 * the grammar worker (worker.ts); tests may load it in-process.
 */
export type XGrammar = typeof import("@mlc-ai/web-xgrammar").default;

let loading: Promise<XGrammar> | undefined;

export function xgrammar(): Promise<XGrammar> {
  loading ??= (async () => {
    const mod = await import("@mlc-ai/web-xgrammar");
    const xg = (mod.default ?? mod) as XGrammar;
    // Instantiates the WASM binding (every entry point awaits it).
    (await xg.Grammar.builtinJSONGrammar()).dispose();
    return xg;
  })().catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
