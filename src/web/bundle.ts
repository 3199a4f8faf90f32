/**
 * The web console's assets, built when the program is built: a Bun macro
 * (assets.ts imports it `with { type: "macro" }`), so `bun build --compile`
 * embeds its result as plain strings and `bun src/main.ts` builds it on first
 * import. Bun.build cannot run inside a macro (the bundler would wait on
 * itself), so the macro runs the `bun build` CLI of the Bun that is building:
 * the client (client/main.tsx, hono/jsx/dom) minified for browsers into one
 * JS file and one CSS file.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ConsoleAssets {
  js: string;
  css: string;
  /** Of js and css together: the asset URLs carry it, so they can be cached for good. */
  hash: string;
}

export function bundleConsole(): ConsoleAssets {
  const out = mkdtempSync(join(tmpdir(), "aios-console-"));
  try {
    const r = Bun.spawnSync(
      [process.execPath, "build", join(import.meta.dir, "client/main.tsx"), "--outdir", out, "--target=browser", "--format=esm", "--minify"],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, NODE_ENV: "production" }, cwd: join(import.meta.dir, "client") },
    );
    if (r.exitCode !== 0) throw new Error(`web console: bun build failed:\n${r.stderr.toString()}${r.stdout.toString()}`);
    const js = readFileSync(join(out, "main.js"), "utf8");
    const css = readFileSync(join(out, "main.css"), "utf8");
    const hash = new Bun.CryptoHasher("sha256").update(js).update(css).digest("hex").slice(0, 12);
    return { js, css, hash };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
