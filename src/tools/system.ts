/**
 * The tool system as boot (and the tests) put it together: the ledger and the
 * stores beside it, the registry of the catalog, capabilities with their
 * run-time changes replayed, the host services, and the executor.
 */
import { join } from "node:path";
import { AuditLedger, type Db, openDatabase } from "../memory";
import { Capabilities } from "./capabilities";
import { CATALOG, HOST_PROVIDERS, type HostPart, type HostProvider } from "./catalog";
import type { Tool, ToolEnv, ToolHost } from "./define";
import { Executor } from "./executor";
import type { AutonomyLevel } from "./gate";
import { ToolRegistry } from "./registry";
import { collectUndoCopies } from "./undo-cache";

export interface ToolSystemOptions {
  /** Host path of the ledger database (/var/lib/aios/ledger/audit.db in the VM). */
  ledgerPath: string;
  env: ToolEnv;
  level: AutonomyLevel;
  defaultTimeoutMs?: number;
  /** Default: the whole CATALOG. */
  tools?: readonly Tool[];
  /** Default: HOST_PROVIDERS. */
  providers?: readonly HostProvider[];
  /** Host members the boot layer provides itself, not a family's provider (long-term memory for memory.search). */
  host?: Partial<ToolHost>;
  /** The working database the families' stores share (boot passes memory's); absent: opened at <data>/memory/working.db and closed with the system. */
  workingDb?: Db;
}

export interface ToolSystem {
  registry: ToolRegistry;
  executor: Executor;
  capabilities: Capabilities;
  ledger: AuditLedger;
  close(): Promise<void>;
}

export async function openToolSystem(opts: ToolSystemOptions): Promise<ToolSystem> {
  const ledger = AuditLedger.open(opts.ledgerPath);
  // PID 1 is the ledger's only writer: holding the lock for good saves the
  // shared-memory lock calls of every commit (half the cost of an audited
  // call), and no other process can write or read it behind the executor's back.
  // Read it through the API, the REPL or sec.audit_query instead of sqlite3.
  ledger.database.exec("PRAGMA locking_mode = EXCLUSIVE");
  // Each call appends ~10 WAL pages that land on a few hot pages; checkpointing
  // every 4000 frames instead of 1000 takes the checkpoint's fsyncs out of the
  // p99 (measured: p99 510 → 126 µs). The WAL file is cut back to 32 MiB after.
  ledger.database.exec("PRAGMA wal_autocheckpoint = 4000");
  ledger.database.exec(`PRAGMA journal_size_limit = ${32 * 1024 * 1024}`);
  const parts: HostPart[] = [];
  const ownWorking = opts.workingDb ? undefined : openDatabase(join(opts.env.paths.data, "memory/working.db"));
  const working = (opts.workingDb ?? ownWorking)!;
  try {
    const provided: Partial<ToolHost> = {};
    for (const provide of opts.providers ?? HOST_PROVIDERS) {
      const part = await provide({ env: opts.env, working, host: provided });
      parts.push(part);
      Object.assign(provided, part.host);
    }
    const registry = new ToolRegistry(opts.tools ?? CATALOG);
    const capabilities = new Capabilities();
    const host = Object.assign({}, opts.host, ...parts.map((p) => p.host)) as Partial<ToolHost>;
    const executor = new Executor({ registry, ledger, capabilities, env: opts.env, level: opts.level, host, defaultTimeoutMs: opts.defaultTimeoutMs });
    capabilities.restore(executor.grants.all());
    await executor.recover(); // before the sweep: a call it rolls back no longer needs its copies
    collectUndoCopies(opts.env, (seq) => executor.calls.get(seq), (tool) => Boolean(registry.get(tool)?.undo));
    return {
      registry,
      executor,
      capabilities,
      ledger,
      close: async () => {
        executor.close();
        for (const p of parts.reverse()) await p.stop?.();
        ownWorking?.close();
        ledger.close();
      },
    };
  } catch (err) {
    for (const p of parts.reverse()) await p.stop?.();
    ownWorking?.close();
    ledger.close();
    throw err;
  }
}
