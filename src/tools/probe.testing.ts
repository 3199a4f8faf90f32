/**
 * Probe tools for the executor's own tests, the API and REPL tests and the
 * benchmark: small real tools whose effects can be observed (a file written
 * in the sandbox, a counter of runs, a signal seen). Never in the CATALOG.
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, mkdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import * as v from "valibot";
import { defineTool, type Tool, type ToolContext, type ToolEnv } from "./define";
import { type AutonomyLevel } from "./gate";
import { openToolSystem, type ToolSystem } from "./system";

const guestPath = v.pipe(v.string(), v.startsWith("/", "must be an absolute path"));
const hostPath = (ctx: ToolContext, guest: string) => join(ctx.env.root, posix.normalize(guest));

/** How many times each probe ran, and the signals it saw, by tool name. */
export const probeRuns = new Map<string, number>();
export const probeAborts: Array<{ tool: string; reason: string }> = [];
const ran = (name: string) => probeRuns.set(name, (probeRuns.get(name) ?? 0) + 1);

interface TouchUndo {
  path: string;
  previous: string | null;
}

/** Writes a file; undo puts back what was there (or removes it). Risk medium: supervised holds it. */
export const probeTouch = defineTool<{ path: string; content: string }, { path: string; bytes: number }, TouchUndo>({
  name: "probe.touch",
  description: "write a file in the sandbox (probe)",
  input: v.strictObject({ path: guestPath, content: v.string() }),
  output: v.object({ path: v.string(), bytes: v.number() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  /** Paths under /srv/secret are sensitive: the per-call risk the gate and rules see. */
  riskOf: ({ path }) => (path.startsWith("/srv/secret") ? "high" : undefined),
  execute: ({ path, content }, ctx) => {
    ran("probe.touch");
    const file = hostPath(ctx, path);
    ctx.saveUndo({ path, previous: existsSync(file) ? readFileSync(file, "utf8") : null });
    writeFileSync(file, content);
    return { path, bytes: Buffer.byteLength(content) };
  },
  undo: ({ path, previous }, ctx) => {
    const file = hostPath(ctx, path);
    if (previous === null) unlinkSync(file);
    else writeFileSync(file, previous);
  },
  summarize: (o) => `Wrote ${o.bytes} bytes to ${o.path}`,
});

/** Reads a file: read-only, low risk. */
export const probePeek = defineTool({
  name: "probe.peek",
  description: "read a file in the sandbox (probe)",
  input: v.strictObject({ path: guestPath }),
  output: v.object({ content: v.nullable(v.string()) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  riskOf: ({ path }) => (path.startsWith("/srv/secret") ? "high" : undefined),
  execute: ({ path }, ctx) => {
    ran("probe.peek");
    const file = hostPath(ctx, path);
    return { content: existsSync(file) ? readFileSync(file, "utf8") : null };
  },
  summarize: (o, args) => (o.content === null ? `${args.path} does not exist` : `${args.path} holds ${JSON.stringify(o.content)}`),
});

/** Removes a file; critical risk, not reversible: what a denied call must never do. */
export const probeWipe = defineTool({
  name: "probe.wipe",
  description: "delete a file in the sandbox, irreversibly (probe)",
  input: v.strictObject({ path: guestPath }),
  output: v.object({ removed: v.boolean() }),
  risk: "critical",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute: ({ path }, ctx) => {
    ran("probe.wipe");
    const file = hostPath(ctx, path);
    const removed = existsSync(file);
    rmSync(file, { force: true });
    return { removed };
  },
  summarize: (o, args) => (o.removed ? `Deleted ${args.path}` : `${args.path} was not there`),
});

/** Waits `ms`, or until its signal fires (recording the reason); `ignoreSignal` makes it finish late. */
export const probeSleep = defineTool({
  name: "probe.sleep",
  description: "wait, honouring or ignoring the abort signal (probe)",
  input: v.strictObject({ ms: v.pipe(v.number(), v.minValue(0)), ignoreSignal: v.optional(v.boolean(), false), path: v.optional(guestPath) }),
  output: v.object({ slept: v.number() }),
  risk: "low",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 100,
  execute: ({ ms, ignoreSignal, path }, ctx) => {
    ran("probe.sleep");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (path) {
          ctx.saveUndo({ path });
          writeFileSync(hostPath(ctx, path), "late");
        }
        resolve({ slept: ms });
      }, ms);
      if (!ignoreSignal) {
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          probeAborts.push({ tool: "probe.sleep", reason: (ctx.signal.reason as Error).name });
          reject(ctx.signal.reason);
        });
      }
    });
  },
  undo: ({ path }: { path: string }, ctx) => rmSync(hostPath(ctx, path), { force: true }),
  summarize: (o) => `Slept ${o.slept} ms`,
});

/** Throws an errno-style error, or returns a result its output schema rejects. */
export const probeFail = defineTool({
  name: "probe.fail",
  description: "fail in a chosen way (probe)",
  input: v.strictObject({ how: v.picklist(["throw", "bad_output"]) }),
  output: v.object({ ok: v.literal(true) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 1_000,
  execute: ({ how }) => {
    ran("probe.fail");
    if (how === "throw") throw Object.assign(new Error("probe.fail: /dev/probe: EIO"), { code: "EIO" });
    return { ok: "yes" } as unknown as { ok: true };
  },
  summarize: () => "probe.fail did not fail",
});

/** statSync of a guest path: the benchmark's stand-in for fs.stat when that is not in the catalog. */
export const probeStat = defineTool({
  name: "probe.stat",
  description: "stat a path in the sandbox (probe)",
  input: v.strictObject({ path: guestPath }),
  output: v.object({ size: v.number(), mode: v.number(), mtimeMs: v.number(), type: v.string() }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 1_000,
  execute: ({ path }, ctx) => {
    const st = statSync(hostPath(ctx, path));
    return { size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, type: st.isDirectory() ? "directory" : "file" };
  },
  summarize: (o, args) => `${args.path} is a ${o.type} of ${o.size} bytes`,
});

export const PROBE_TOOLS: readonly Tool[] = [probeTouch, probePeek, probeWipe, probeSleep, probeFail, probeStat];

export interface ProbeSystem extends ToolSystem {
  dir: string;
  env: ToolEnv;
  ledgerPath: string;
  /** Host path of a guest path in the sandbox. */
  host(guest: string): string;
  /** Closes and reopens everything on the same files: what a reboot does to the tool system. */
  reopen(level?: AutonomyLevel): Promise<ProbeSystem>;
  dispose(): Promise<void>;
}

/** A tool system over a fresh temp sandbox and ledger, with the probes (plus `tools`), agents declared. */
export async function openProbeSystem(opts: { level?: AutonomyLevel; tools?: readonly Tool[]; dir?: string } = {}): Promise<ProbeSystem> {
  const dir = opts.dir ?? realpathSync(mkdtempSync(join(tmpdir(), "aios-exec-")));
  const root = join(dir, "sandbox");
  mkdirSync(join(root, "srv"), { recursive: true });
  const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  const env: ToolEnv = { mode: "dev", root, fsRoots: ["/srv"], paths };
  const ledgerPath = join(dir, "ledger/audit.db");
  const sys = await openToolSystem({ ledgerPath, env, level: opts.level ?? "full", tools: [...PROBE_TOOLS, ...(opts.tools ?? [])], providers: [] });
  sys.capabilities.declare("ops", ["probe", "sec"]);
  sys.capabilities.declare("reader", ["probe.peek", "probe.stat"]);
  sys.capabilities.declare("nobody", []);
  sys.capabilities.declare("writer", ["probe.touch"]);
  const probe: ProbeSystem = {
    ...sys,
    dir,
    env,
    ledgerPath,
    host: (g) => join(root, g),
    reopen: async (level) => {
      await sys.close();
      return openProbeSystem({ level: level ?? sys.executor.policy.level, tools: opts.tools, dir });
    },
    dispose: async () => {
      await sys.close().catch(() => {});
      if (lstatSync(dir, { throwIfNoEntry: false })) rmSync(dir, { recursive: true, force: true });
    },
  };
  return probe;
}
