/**
 * The import graph: no cycles between files (type-only imports included),
 * and no folder of src/ imports from a layer above its own. The layers are
 * the README's (its Layout table: "layers from the bottom: ..."), read from
 * the README itself, so the document and the code cannot drift apart.
 * And only memory/db.ts imports bun:sqlite: stores live beside their
 * subsystems but open and migrate their tables through it.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

const SRC = import.meta.dir;
const README = join(SRC, "..", "README.md");

/** The layers, bottom first; each is the folders written together ("`api` and `console`"). */
function readmeLayers(readme: string): string[][] {
  const row = readme.split("\n").find((l) => l.startsWith("| `src/` |"));
  if (!row) throw new Error("README.md: no `src/` row in the Layout table");
  const start = row.indexOf("layers from the bottom:");
  if (start < 0) throw new Error("README.md: the `src/` row does not list its layers ('layers from the bottom: ...')");
  const sentence = row.slice(start + "layers from the bottom:".length).split(/\.\s/)[0]!;
  // Parentheses describe a layer; drop them before splitting at commas (they may hold commas).
  let flat = sentence;
  for (let prev = ""; prev !== flat; ) (prev = flat), (flat = flat.replace(/\([^()]*\)/g, ""));
  return flat
    .split(",")
    .map((part) => [...part.matchAll(/`([^`]+)`/g)].map((m) => m[1]!))
    .filter((names) => names.length > 0);
}

// import/export ... from "x", import "x", import("x") (also the type-position form).
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(SRC, dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (/\.tsx?$/.test(c) && existsSync(c)) return relative(SRC, c);
  }
  return undefined;
}

/** File → the src/ files it imports (relative to src/). Tests are left out: they may reach for harnesses. */
function importGraph(): Map<string, string[]> {
  const files = [...new Glob("**/*.{ts,tsx}").scanSync(SRC)].filter((f) => !/\.test\.tsx?$/.test(f) && !f.endsWith(".d.ts"));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(SRC, f), "utf8");
    const out = new Set<string>();
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(f, m[1] ?? m[2] ?? m[3]!);
      if (target && !target.startsWith("..")) out.add(target);
    }
    graph.set(f, [...out]);
  }
  return graph;
}

/** Files (of those given, relative to src/) that import bun:sqlite, statically, for types or dynamically. */
function sqliteImporters(files: Iterable<string>, read = (f: string) => readFileSync(join(SRC, f), "utf8")): string[] {
  return [...files].filter((f) => [...read(f).matchAll(IMPORT)].some((m) => (m[1] ?? m[2] ?? m[3]) === "bun:sqlite")).sort();
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do (w = stack.pop()!), onStack.delete(w), scc.push(w);
      while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const folderOf = (file: string): string | undefined => (file.includes("/") ? file.split("/")[0] : undefined);

describe("import graph", () => {
  const layers = readmeLayers(readFileSync(README, "utf8"));
  const rank = new Map(layers.flatMap((names, i) => names.map((n) => [n, i] as const)));
  const graph = importGraph();

  test("the README names the layers, bottom first", () => {
    expect(layers[0]).toEqual(["sys"]);
    expect(layers.at(-1)).toEqual(["boot"]);
    expect(layers.flat().length).toBe(new Set(layers.flat()).size);
  });

  test("every folder of src/ is in one of the README's layers", () => {
    const folders = new Set([...graph.keys()].map(folderOf).filter((f): f is string => f !== undefined));
    expect([...folders].filter((f) => !rank.has(f)).sort()).toEqual([]);
  });

  test("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("no folder imports from its own layer's siblings or a layer above", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      const a = folderOf(from);
      if (a === undefined) continue; // main.ts is the top
      for (const to of targets) {
        const b = folderOf(to);
        if (b === undefined) upward.push(`${from} → ${to}`);
        else if (b !== a && (rank.get(b) ?? Infinity) >= (rank.get(a) ?? -1)) upward.push(`${from} → ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  test("only the engine's thread imports the engine, and only the engine imports transformers.js and onnxruntime: no tokenizer or session runs on PID 1's event loop", () => {
    const engine = [...graph].filter(([, targets]) => targets.includes("inference/engine.ts")).map(([f]) => f);
    expect(engine).toEqual(["inference/engine-thread.ts"]);
    const libs = /^(onnxruntime-node|@huggingface\/transformers)$/;
    const importers = [...graph.keys()].filter((f) => [...readFileSync(join(SRC, f), "utf8").matchAll(IMPORT)].some((m) => libs.test(m[1] ?? m[2] ?? m[3]!)));
    expect(importers).toEqual(["inference/engine.ts"]);
  });

  test("code that ships never imports test-only code (*.testing.ts, testing.ts, test/)", () => {
    const testOnly = (f: string) => /(^|\/|\.)testing\.tsx?$/.test(f);
    const shipped = [...graph.keys()].filter((f) => !testOnly(f));
    const bad = shipped.flatMap((f) => graph.get(f)!.filter(testOnly).map((t) => `${f} → ${t}`));
    for (const f of shipped) if (/from\s+["'](\.\.\/)+test\//.test(readFileSync(join(SRC, f), "utf8"))) bad.push(`${f} → test/`);
    expect(bad).toEqual([]);
  });

  // Tests are left out: they open a database file raw to inspect or damage it, as an outside reader would.
  test("only memory/db.ts imports bun:sqlite (each store takes its types from there)", () => {
    expect(sqliteImporters(graph.keys())).toEqual(["memory/db.ts"]);
  });

  test("the checks catch what they look for", () => {
    expect(cycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["a.ts"]], ["c.ts", ["a.ts"]]]))).toEqual([["a.ts", "b.ts"]]);
    expect(cycles(new Map([["a.ts", ["a.ts"]]]))).toEqual([["a.ts"]]);
    const sources: Record<string, string> = { "a.ts": 'import type { Statement } from "bun:sqlite";', "b.ts": 'const m = await import("bun:sqlite");', "c.ts": 'import { x } from "./bun:sqlite-like";' };
    expect(sqliteImporters(Object.keys(sources), (f) => sources[f]!)).toEqual(["a.ts", "b.ts"]);
    expect(readmeLayers("| `src/` | x; layers from the bottom: `a` (one, two), `b` and `c`, `d`. See it. |")).toEqual([["a"], ["b", "c"], ["d"]]);
  });
});
