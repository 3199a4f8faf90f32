/**
 * The model registry: every `<root>/<name>/manifest.json` under the model
 * roots, the system image's /usr/lib/aios/models first and the data disk's
 * imported models second. It rescans on a miss and on list(), so a model
 * imported by another process (`aios-init models import` from the shell)
 * shows up without a restart. A broken folder is reported, never fatal.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, log } from "../sys";
import { readManifest, type Manifest } from "./manifest";

export type ModelOrigin = "image" | "imported";

export interface ModelRoot {
  dir: string;
  origin: ModelOrigin;
}

export interface ModelEntry {
  manifest: Manifest;
  dir: string;
  origin: ModelOrigin;
}

export class ModelRegistry {
  private entries = new Map<string, ModelEntry>();
  private problems: string[] = [];
  private reported = new Set<string>();

  constructor(readonly roots: ModelRoot[]) {}

  /** Reads every root again; the first root to hold a name wins (the image's models cannot be shadowed). */
  scan(): void {
    const entries = new Map<string, ModelEntry>();
    const problems: string[] = [];
    for (const root of this.roots) {
      if (!existsSync(root.dir)) continue;
      for (const d of readdirSync(root.dir, { withFileTypes: true })) {
        // Dot-folders are imports in progress.
        if (!d.isDirectory() || d.name.startsWith(".")) continue;
        const dir = join(root.dir, d.name);
        try {
          const manifest = readManifest(dir);
          if (manifest.name !== d.name) throw new Error(`manifest name ${manifest.name} differs from its folder ${d.name}`);
          if (entries.has(manifest.name)) throw new Error(`${manifest.name} is already provided by ${entries.get(manifest.name)!.dir}`);
          entries.set(manifest.name, { manifest, dir, origin: root.origin });
        } catch (err) {
          problems.push(`${dir}: ${errorMessage(err)}`);
        }
      }
    }
    for (const p of problems) if (!this.reported.has(p)) log.warn(`models: skipping ${p}`);
    this.reported = new Set(problems);
    this.entries = entries;
    this.problems = problems;
  }

  list(): ModelEntry[] {
    this.scan();
    return [...this.entries.values()].sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  }

  get(name: string): ModelEntry | undefined {
    if (!this.entries.has(name)) this.scan();
    return this.entries.get(name);
  }

  /** Folders that were skipped at the last scan, with the reason. */
  skipped(): string[] {
    return [...this.problems];
  }
}
