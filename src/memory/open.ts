/**
 * Seed 003's Memory System in one object: operational (RAM rings), working
 * (working.db) and long-term (longterm.db) tiers, opened together from the
 * [memory] configuration, with the stats the API and REPL show and the
 * maintenance the autonomy loop runs when `maintenanceDue()` says so.
 */
import { statSync } from "node:fs";
import { type Config, durationMs } from "../config";
import type { Db } from "./db";
import type { Embedder } from "./embedder";
import { type LongTermStats, LongTermMemory } from "./knowledge/longterm";
import { type OperationalStats, OperationalMemory } from "./operational";
import type { MemoryPart, PartReport, PartStats } from "./parts";
import { type WorkingStats, WorkingMemory } from "./working";

export type MemoryConfig = Config["memory"];

/** Resolved file paths (in dev mode the config's guest paths sit under the state directory). */
export interface MemoryPaths {
  working: string;
  longterm: string;
}

export interface FileSize {
  path: string;
  /** The database file plus its write-ahead log. */
  bytes: number;
  walBytes: number;
}

export interface MemoryStats extends LongTermStats {
  /** The model whose vectors search uses; null: none installed, full-text search only. */
  embeddingModel: string | null;
  /** Memory's own keys, and the figures of each registered part (goals by state, tasks). */
  working: WorkingStats & Partial<PartStats>;
  operational: OperationalStats;
  files: { working: FileSize; longterm: FileSize };
  lastMaintenance: number | null;
}

export type MaintenanceReport = {
  decisionsDeleted: number;
} & Partial<PartReport> & {
  /** Files that were VACUUMed (a quarter or more of their pages free, or asked for). */
  vacuumed: string[];
  ms: number;
};

const LAST_MAINTENANCE = "memory.maintenance.last";

function fileSize(db: Db): FileSize {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  const path = db.filename;
  const walBytes = size(`${path}-wal`);
  return { path, bytes: size(path) + walBytes, walBytes };
}

/** Runs PRAGMA optimize, checkpoints the WAL, and VACUUMs when a quarter of the file is free pages. */
function compact(db: Db, force: boolean): boolean {
  db.exec("PRAGMA optimize");
  const pages = (db.query("PRAGMA page_count").get() as { page_count: number }).page_count;
  const free = (db.query("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count;
  const vacuum = force || (pages > 0 && free / pages >= 0.25);
  if (vacuum) db.exec("VACUUM");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return vacuum;
}

export class Memory {
  readonly operational: OperationalMemory;
  readonly working: WorkingMemory;
  readonly longterm: LongTermMemory;
  private readonly parts = new Map<string, MemoryPart>();
  private closed = false;

  constructor(
    paths: MemoryPaths,
    private readonly config: MemoryConfig,
    embedder?: Embedder,
  ) {
    this.operational = new OperationalMemory(config.operational_max_entries);
    this.working = WorkingMemory.open(paths.working);
    try {
      this.longterm = LongTermMemory.open(paths.longterm, {
        chunkSize: config.chunk_size,
        chunkOverlap: config.chunk_overlap,
        nprobe: config.vector_nprobe > 0 ? config.vector_nprobe : null,
      });
    } catch (err) {
      this.working.close();
      throw err;
    }
    if (embedder) this.longterm.setEmbedder(embedder);
  }

  /** Installs the inference runtime's embedder (null: none); see LongTermMemory.setEmbedder. */
  setEmbedder(embedder: Embedder | null): void {
    this.longterm.setEmbedder(embedder);
  }

  /** Adds a subsystem's figures to stats() and its retention to maintain() (see parts.ts). */
  register(part: MemoryPart): void {
    this.parts.set(part.name, part);
  }

  stats(): MemoryStats {
    const lt = this.longterm.stats();
    const parts = [...this.parts.values()].map((p) => p.stats?.() ?? {});
    return {
      ...lt,
      embeddingModel: lt.vectors.model,
      working: Object.assign({}, ...parts, this.working.stats()),
      operational: this.operational.stats(),
      files: { working: fileSize(this.working.db), longterm: fileSize(this.longterm.db) },
      lastMaintenance: this.working.kv.get<number>(LAST_MAINTENANCE) ?? null,
    };
  }

  /** Whether `compact_interval` has passed since the last maintenance (or there was none). */
  maintenanceDue(now = Date.now()): boolean {
    const last = this.working.kv.get<number>(LAST_MAINTENANCE);
    return last === undefined || now - last >= durationMs(this.config.compact_interval);
  }

  /**
   * Retention (decisions by age and count, and each registered part's: the
   * goal engine's finished goals by age) and compaction of both files.
   * Synchronous: VACUUM of a large file blocks for as long as it copies,
   * which is why it runs only when a quarter is free.
   */
  maintain(opts: { now?: number; vacuum?: boolean } = {}): MaintenanceReport {
    const started = performance.now();
    const now = opts.now ?? Date.now();
    const c = this.config;
    const { decisions } = this.longterm.applyRetention({ decisionMaxAgeDays: c.decision_max_age_days, decisionMaxCount: c.decision_max_count }, now);
    const retained = [...this.parts.values()].map((p) => p.retain?.(now, c) ?? {});
    this.longterm.db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')");
    const vacuumed: string[] = [];
    for (const db of [this.working.db, this.longterm.db]) if (compact(db, opts.vacuum ?? false)) vacuumed.push(db.filename);
    this.working.kv.set(LAST_MAINTENANCE, now);
    return { decisionsDeleted: decisions, ...Object.assign({}, ...retained), vacuumed, ms: Math.round(performance.now() - started) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.longterm.close();
    this.working.close();
  }
}

/** Opens working.db and longterm.db (creating and migrating them) and the operational rings. */
export function openMemory(paths: MemoryPaths, config: MemoryConfig, embedder?: Embedder): Memory {
  return new Memory(paths, config, embedder);
}
