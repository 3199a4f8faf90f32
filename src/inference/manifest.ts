/**
 * A model's manifest.json: what it does (task), how urgent its work is
 * (tier), which files it needs, its limits and roughly how much memory it
 * takes once loaded. One valibot schema validates manifests on disk, the
 * build's models/*.json and what `models import` writes.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { issuePath, issueReason } from "../config";
import { ManifestError } from "./errors";

export const TASKS = ["embed", "generate", "classify", "tensor"] as const;
export type Task = (typeof TASKS)[number];
export const TIERS = ["operational", "tactical"] as const;
export type Tier = (typeof TIERS)[number];
/** transformers.js dtypes and the file suffix each one loads (onnx/model{suffix}.onnx). */
export const DTYPE_SUFFIX = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", q4f16: "_q4f16", bnb4: "_bnb4" } as const;
export type Dtype = keyof typeof DTYPE_SUFFIX;
export const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const int = (min: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`));

export const ManifestSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(MODEL_NAME, "must be lower-case letters, digits, '.', '_' or '-', at most 64")),
  task: v.picklist(TASKS, `must be one of ${TASKS.join(", ")}`),
  tier: v.optional(v.picklist(TIERS, `must be one of ${TIERS.join(", ")}`), "tactical"),
  description: v.optional(v.string(), ""),
  /** Where the weights came from (a Hub id, a path, or "generated: ..."). */
  source: v.optional(v.string(), ""),
  /** Random weights: the outputs mean nothing. Set for the generated test models. */
  test: v.optional(v.boolean(), false),
  /** Files relative to the model folder; every one must exist. */
  files: v.pipe(v.array(v.string()), v.minLength(1, "must list at least one file")),
  /** For embed/generate/classify: which onnx/model*.onnx transformers.js loads. */
  dtype: v.optional(v.picklist(Object.keys(DTYPE_SUFFIX) as Dtype[], `must be one of ${Object.keys(DTYPE_SUFFIX).join(", ")}`), "fp32"),
  /** For task = tensor: the ONNX file run as is, inputs and outputs by name. */
  onnx: v.optional(v.string()),
  limits: v.optional(
    v.strictObject({
      /** Longest input in tokens (model_max_length / max positions). */
      context: v.optional(int(1)),
      /** Most new tokens one generate call may ask for. */
      max_tokens: v.optional(int(1)),
      /** Embedding width. */
      dims: v.optional(int(1)),
      /** Most inputs per call (embeddings, classification). */
      max_batch: v.optional(int(1), 64),
    }),
    {},
  ),
  /** Approximate resident memory once loaded, for the runtime's memory budget. */
  memory_mb: v.pipe(v.number(), v.minValue(0, "must not be negative")),
  /** embed: how token vectors become one vector. */
  pooling: v.optional(v.picklist(["mean", "cls", "last_token"], "must be mean, cls or last_token"), "mean"),
  normalize: v.optional(v.boolean(), true),
  /** sha256 of each file, written at import. */
  sha256: v.optional(v.record(v.string(), v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "must be a hex sha256")))),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;
export type ManifestInput = v.InferInput<typeof ManifestSchema>;

/** Validates `raw` as a manifest; the error names the field. */
export function parseManifest(raw: unknown, where: string): Manifest {
  const r = v.safeParse(ManifestSchema, raw);
  if (!r.success) {
    const issue = r.issues[0];
    const field = issuePath(issue) ?? "manifest";
    throw new ManifestError(where, `${field}: ${issueReason(issue)}`, field);
  }
  if (r.output.task === "tensor" && !r.output.onnx) throw new ManifestError(where, "onnx: required for task tensor", "onnx");
  return r.output;
}

export const MANIFEST_FILE = "manifest.json";

/** Reads and checks `<dir>/manifest.json`: valid, and every listed file present. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ManifestError(path, existsSync(path) ? `not valid JSON: ${(err as Error).message}` : "missing");
  }
  const m = parseManifest(raw, path);
  for (const f of m.files) {
    if (f.startsWith("/") || f.split("/").includes("..")) throw new ManifestError(path, `files: ${f} is not inside the model folder`, "files");
    if (!existsSync(join(dir, f))) throw new ManifestError(path, `files: ${f} is missing`, "files");
  }
  return m;
}

/** Total size of the manifest's files in bytes. */
export function filesSize(dir: string, files: string[]): number {
  return files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
