/**
 * A gateway wired the way boot wires it (config.toml text, key files under a
 * state directory, the usage store in a real working.db), pointed at the fake
 * model server, with every console line kept so tests can scan them.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config";
import { buildGateway, type Clock, type GatewayBuild, type ModelGateway, UsageStore } from "../../src/gateway";
import { type Db, openDatabase } from "../../src/memory";
import { setLevel, setSink } from "../../src/sys";

/** Time that moves only when something sleeps on it. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public t = Date.UTC(2026, 10, 15, 12)) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

export interface Kit {
  dir: string;
  db: Db;
  usage: UsageStore;
  build: GatewayBuild;
  gateway: ModelGateway;
  logs: string[];
  /** Whether close() ran (a closed kit's gateway can no longer read its usage). */
  readonly closed: boolean;
  /** Same state directory and database file, a new gateway: what a reboot does. */
  reopen(toml?: string): Kit;
  close(): void;
}

export interface KitOptions {
  /** provider name → key written to <dir>/var/lib/aios/secrets/<name>.key (mode 0600). */
  keys?: Record<string, string>;
  clock?: Clock;
  dir?: string;
  backoff?: { baseMs: number; maxMs: number };
}

export function gatewayKit(toml: string, opts: KitOptions = {}): Kit {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "aios-gw-"));
  const secrets = join(dir, "var/lib/aios/secrets");
  mkdirSync(secrets, { recursive: true });
  for (const [name, key] of Object.entries(opts.keys ?? {})) {
    writeFileSync(join(secrets, `${name}.key`), `${key}\n`);
    chmodSync(join(secrets, `${name}.key`), 0o600);
  }
  const { config, problems } = parseConfig(toml, "config.toml");
  if (problems.length) throw new Error(problems.join("\n"));
  const logs: string[] = [];
  const previous = setSink((l) => logs.push(l));
  setLevel("debug");
  const db = openDatabase(join(dir, config.memory.working_db));
  const usage = new UsageStore(db);
  const build = buildGateway(config, { root: dir, usage: () => usage, clock: opts.clock, backoff: opts.backoff ?? { baseMs: 5, maxMs: 20 } });
  if (!build.gateway) throw new Error(`no gateway: ${build.reason}`);
  for (const n of build.notes) logs.push(`note: ${n}`);
  let closed = false;
  const kit: Kit = {
    dir,
    db,
    usage,
    build,
    gateway: build.gateway,
    logs,
    get closed() {
      return closed;
    },
    reopen(next = toml) {
      kit.close();
      const again = gatewayKit(next, { ...opts, keys: {}, dir });
      again.logs.unshift(...logs);
      return again;
    },
    close() {
      if (closed) return;
      closed = true;
      setSink(previous);
      setLevel("info");
      db.close();
    },
  };
  return kit;
}

export function removeKit(kit: Kit): void {
  kit.close();
  rmSync(kit.dir, { recursive: true, force: true });
}
