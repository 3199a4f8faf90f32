/**
 * The web console at `/`: one HTML page, one script and one stylesheet,
 * embedded in the binary (assets.ts) — no CDN, works offline. The asset URLs
 * carry their hash, so browsers keep them for good and a new build is
 * fetched at once. Every answer forbids framing and inline code (CSP); the
 * page talks only to this origin's API.
 *
 * Why a client-rendered app (hono/jsx/dom, ~16 KB) rather than server
 * rendering: most of what the console shows is live (the dashboard, a goal's
 * trace over SSE, approvals), so the browser renders anyway; the server stays
 * three static answers and the API it already has.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { ConsoleAssets } from "./bundle";

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function secure(c: Context): void {
  c.header("content-security-policy", CSP);
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "no-referrer");
  c.header("x-frame-options", "DENY");
}

export function page(hash: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>aiOS console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.${hash}.css">
<script type="module" src="/console/app.${hash}.js"></script>
</head>
<body>
<div id="app"><noscript>The aiOS console needs JavaScript; the CLI (aios-init ctl) and the API do not.</noscript></div>
</body>
</html>
`;
}

/** Gzipped once, on first ask: the JS shrinks to about a third. */
function compressed(text: string): () => Uint8Array {
  let gz: Uint8Array | undefined;
  return () => (gz ??= Bun.gzipSync(new TextEncoder().encode(text), { level: 9 }));
}

export function consoleRoutes(load: () => ConsoleAssets | Promise<ConsoleAssets>): Hono {
  let assets: Promise<{ a: ConsoleAssets; js: () => Uint8Array; css: () => Uint8Array; html: string }> | undefined;
  const get = () =>
    (assets ??= Promise.resolve(load()).then((a) => ({ a, js: compressed(a.js), css: compressed(a.css), html: page(a.hash) })));

  const TYPES = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" } as const;
  const asset = async (c: Context) => {
    const x = await get();
    const m = /^app\.([0-9a-f]+)\.(js|css)$/.exec(c.req.param("file") ?? "");
    if (!m) return c.notFound();
    if (m[1] !== x.a.hash) return c.text("not found: this console was built again; reload the page", 404);
    const kind = m[2] as "js" | "css";
    const type = TYPES[kind];
    secure(c);
    c.header("content-type", type);
    c.header("cache-control", "public, max-age=31536000, immutable");
    c.header("vary", "accept-encoding");
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("content-encoding", "gzip");
      return c.body(x[kind]() as Uint8Array<ArrayBuffer>);
    }
    return c.body(x.a[kind]);
  };

  return new Hono()
    .get("/", async (c) => {
      const x = await get();
      secure(c);
      c.header("cache-control", "no-cache");
      return c.html(x.html);
    })
    .get("/console/:file", asset);
}
