/**
 * Test support for the fs, process and service tools: a throwaway dev-mode
 * environment in a temp directory, a context that keeps what saveUndo got,
 * and a tree snapshot to compare states before and after (content, mode,
 * existence, symlink targets). Used by tests only; nothing here is mocked.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import type { Tool, ToolContext, ToolEnv, ToolHost } from "../define";

export interface TestEnv {
  /** The temp directory holding everything. */
  dir: string;
  /** The sandbox: host path of guest `/`. */
  root: string;
  env: ToolEnv;
  cleanup(): void;
}

export const TEST_ROOTS = ["/etc", "/srv", "/var/www"];

export function makeEnv(fsRoots: readonly string[] = TEST_ROOTS): TestEnv {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-tools-")));
  const root = join(dir, "sandbox");
  for (const r of fsRoots) mkdirSync(join(root, r), { recursive: true });
  const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  const env: ToolEnv = { mode: "dev", root, fsRoots, paths };
  return { dir, root, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let seq = 0;

export interface TestContext extends ToolContext {
  /** What the tool passed to saveUndo last (undefined if it did not). */
  record: unknown;
  controller: AbortController;
}

export function makeCtx(env: ToolEnv, host: Partial<ToolHost> = {}, callId = `call-${++seq}`): TestContext {
  const controller = new AbortController();
  const ctx: TestContext = {
    callId,
    agent: "test",
    signal: controller.signal,
    env,
    host: host as ToolHost,
    record: undefined,
    controller,
    saveUndo(record) {
      // Undo records are stored as JSON by the executor; make sure they survive that.
      ctx.record = JSON.parse(JSON.stringify(record));
    },
  };
  return ctx;
}

/** Validates args with the tool's schema (as the executor does) and runs it. */
export async function call<O>(tool: Tool<any, O>, args: unknown, ctx: ToolContext): Promise<O> {
  return tool.execute(v.parse(tool.input, args), ctx);
}

/** Runs the tool's undo with the record its call saved, under a fresh call id. */
export async function undo(tool: Tool, ctx: TestContext): Promise<void> {
  if (!tool.undo) throw new Error(`${tool.name} has no undo`);
  await tool.undo(ctx.record, makeCtx(ctx.env, ctx.host));
}

export type TreeNode = { type: "file"; mode: number; content: string } | { type: "dir"; mode: number } | { type: "symlink"; target: string };

/** Every node under `host`, keyed by relative path: what "exact prior state" means in these tests. */
export function tree(host: string): Record<string, TreeNode> {
  const out: Record<string, TreeNode> = {};
  const visit = (path: string, rel: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) out[rel] = { type: "symlink", target: readlinkSync(path) };
    else if (st.isFile()) out[rel] = { type: "file", mode: st.mode & 0o7777, content: readFileSync(path).toString("base64") };
    else if (st.isDirectory()) {
      out[rel] = { type: "dir", mode: st.mode & 0o7777 };
      for (const name of readdirSync(path).sort()) visit(join(path, name), rel === "." ? name : `${rel}/${name}`);
    }
  };
  visit(host, ".");
  return out;
}
