/**
 * The contract every tool keeps, and the fixture each family provides so the
 * suite (contract.test.ts) can hold it to it. A family puts its fixtures in
 * `src/tools/<namespace>/fixtures.testing.ts` as `export const fixtures = defineFixtures({...})`,
 * one entry per tool name; the suite finds the file by the namespace and
 * fails for any catalog tool without an entry.
 *
 * The suite runs each tool through the real executor (autonomy `full`, a real
 * on-disk ledger) in a sandbox whose fs roots are fresh empty directories, and
 * checks: bad input is refused naming the field; an agent without the
 * capability is refused, nothing runs and only the refusal is audited; the
 * valid call succeeds with request and result audited; a reversible tool's
 * undo restores the sandbox tree (content, mode, existence, symlink targets)
 * and `state()` exactly, and cannot be undone twice.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { ToolEnv } from "./define";
import type { Executor } from "./executor";

export interface ContractEnv {
  /** The sandbox: `env.root` is guest `/`, `env.fsRoots` exist and are empty before each tool. */
  env: ToolEnv;
  /** Host path of a guest path (`t.host("/srv/a")`). */
  host(guestPath: string): string;
  /** The executor the suite calls through. */
  executor: Executor;
  /** The agent the suite calls as (capability `*`). */
  agent: string;
}

export interface ContractFixture<I = any> {
  /** Arguments of a call that must succeed. A function sees the sandbox. */
  args: I | ((t: ContractEnv) => I);
  /**
   * At least one call with one field wrong, and the field as the error must name
   * it: `args.path`, `args.argv.0`, or `args` for the whole value.
   */
  invalid: ReadonlyArray<{ args: unknown; field: string }>;
  /** Prepares the sandbox before the valid call (the file to read, a service to stop...). */
  setup?(t: ContractEnv): void | Promise<void>;
  /** Checks the valid call's result and effect; throw (or `expect`) when wrong. */
  verify?(result: any, t: ContractEnv): void | Promise<void>;
  /**
   * State outside the sandbox tree that the call changes and undo must restore
   * (capabilities, the service table...); compared with Bun.deepEquals.
   */
  state?(t: ContractEnv): unknown;
  /** Stops what setup or the call started. Runs even when a check failed. */
  teardown?(t: ContractEnv): void | Promise<void>;
  /** Why the valid call cannot run here (needs root, the network...); the input and capability checks still run. */
  skip?: string;
  /** Reversible tools: false when the valid call legitimately changes nothing the suite can see. Default true. */
  changes?: boolean;
}

export type ContractFixtures = Readonly<Record<string, ContractFixture>>;

export function defineFixtures<F extends ContractFixtures>(fixtures: F): F {
  return fixtures;
}

export type TreeEntry =
  | { type: "file"; mode: number; content: string }
  | { type: "dir"; mode: number }
  | { type: "symlink"; target: string }
  | { type: "other"; mode: number };

/** Every entry under `dir` by relative path: what "the exact prior state" means for the suite. */
export function snapshotTree(dir: string): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = { type: "symlink", target: readlinkSync(p) };
      else if (st.isDirectory()) {
        out[r] = { type: "dir", mode: st.mode & 0o7777 };
        walk(p, r);
      } else if (st.isFile()) out[r] = { type: "file", mode: st.mode & 0o7777, content: readFileSync(p).toString("base64") };
      else out[r] = { type: "other", mode: st.mode & 0o7777 };
    }
  };
  walk(dir, "");
  return out;
}

/** The paths that differ between two snapshots, for a readable failure. */
export function treeDiff(a: Record<string, TreeEntry>, b: Record<string, TreeEntry>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !Bun.deepEquals(a[k], b[k], true)).sort();
}
