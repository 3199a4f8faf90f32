/**
 * Test helpers: tiny real .deb files built with the host's dpkg-deb (never
 * hand-rolled archives), so the readers are tested on what Debian's own tools
 * write. Used by the tests beside the code and the contract fixtures.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type FileSpec = string | { content: string; mode?: number } | { symlink: string } | { dir: true; mode?: number };

export interface DebSpec {
  name: string;
  version: string;
  architecture?: string;
  depends?: string;
  preDepends?: string;
  provides?: string;
  conflicts?: string;
  breaks?: string;
  replaces?: string;
  description?: string;
  /** Guest path -> content. Parent directories are created as 0755 entries. */
  files?: Record<string, FileSpec>;
  conffiles?: string[];
  /** Maintainer scripts by name (postinst, ...). */
  scripts?: Record<string, string>;
  compression?: "xz" | "gzip" | "zstd" | "none";
  extraControl?: Record<string, string>;
}

export function hasDpkgDeb(): boolean {
  return Bun.which("dpkg-deb") !== null;
}

/** Builds SPEC with dpkg-deb into OUTDIR and returns the .deb's path. */
export function buildDeb(outDir: string, spec: DebSpec): string {
  const work = mkdtempSync(join(tmpdir(), "aios-deb-"));
  try {
    const ctl = join(work, "DEBIAN");
    mkdirSync(ctl, { recursive: true });
    const fields: Array<[string, string | undefined]> = [
      ["Package", spec.name],
      ["Version", spec.version],
      ["Architecture", spec.architecture ?? "amd64"],
      ["Maintainer", "aiOS tests <tests@aios.invalid>"],
      ["Installed-Size", "1"],
      ["Pre-Depends", spec.preDepends],
      ["Depends", spec.depends],
      ["Provides", spec.provides],
      ["Conflicts", spec.conflicts],
      ["Breaks", spec.breaks],
      ["Replaces", spec.replaces],
      ...Object.entries(spec.extraControl ?? {}),
      ["Description", spec.description ?? `test package ${spec.name}\n built by src/tools/pkg/testing.ts`],
    ];
    writeFileSync(join(ctl, "control"), `${fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v!.replace(/\n/g, "\n ")}`).join("\n")}\n`);
    if (spec.conffiles?.length) writeFileSync(join(ctl, "conffiles"), `${spec.conffiles.join("\n")}\n`);
    for (const [name, body] of Object.entries(spec.scripts ?? {})) {
      writeFileSync(join(ctl, name), body);
      chmodSync(join(ctl, name), 0o755);
    }
    for (const [path, f] of Object.entries(spec.files ?? {})) {
      const p = join(work, path);
      mkdirSync(dirname(p), { recursive: true });
      if (typeof f === "string") writeFileSync(p, f);
      else if ("symlink" in f) symlinkSync(f.symlink, p);
      else if ("dir" in f) {
        mkdirSync(p, { recursive: true });
        chmodSync(p, f.mode ?? 0o755);
      } else {
        writeFileSync(p, f.content);
        chmodSync(p, f.mode ?? 0o644);
      }
    }
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `${spec.name}_${spec.version.replace(/^\d+:/, "")}_${spec.architecture ?? "amd64"}.deb`);
    const r = Bun.spawnSync(["dpkg-deb", "--root-owner-group", `-Z${spec.compression ?? "xz"}`, "--build", work, out], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`dpkg-deb --build ${spec.name}: ${r.stderr.toString()}`);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
