/**
 * `aios-init models import|list`: the model manager's command line, run as an
 * ordinary process (in the guest's shell, or on the build host by
 * `make models`), never as PID 1. Import copies a Hugging Face ONNX folder into
 * a models directory, checks that it loads and answers, and registers it; the
 * running system sees it at its next registry scan.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultConfig } from "../config";
import { DTYPE_SUFFIX } from "../inference/manifest";
import { importModel, ModelRegistry, RUNTIME_MOUNT, TASKS, TIERS, type Dtype, type Task, type Tier } from "../inference";
import { errorMessage } from "../sys";

/** A function, not a constant: the defaults come from parsing the config schema, which PID 1 need not pay for at every start. */
export const modelsUsage = (): string => `usage: aios-init models import DIR [--name NAME] [--task ${TASKS.join("|")}] [--tier ${TIERS.join("|")}]
                               [--dtype fp32|q8|...] [--description TEXT] [--replace] [--into MODELS_DIR | --state STATE]
       aios-init models list [--into MODELS_DIR | --state STATE]

  DIR         a Hugging Face ONNX folder: config.json, tokenizer.json, tokenizer_config.json,
              onnx/model.onnx (or onnx/model_quantized.onnx); or a folder with one .onnx file (task tensor)
  --into      models directory to add it to (default: models.model_dir, ${defaultConfig().models.model_dir})
  --state     a dev-mode state directory: same as --into STATE${defaultConfig().models.model_dir}
  --runtime   where lib/libonnxruntime.so.1 is, for the compiled binary (default ${RUNTIME_MOUNT})`;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new Error(`--${flag}: must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
  return value as T;
}

function modelsDir(values: { into?: string; state?: string }): string {
  if (values.into) return resolve(values.into);
  if (values.state) return join(resolve(values.state), defaultConfig().models.model_dir);
  const dir = defaultConfig().models.model_dir;
  if (!existsSync(dir)) throw new Error(`${dir}: not here (not an aiOS guest?); pass --into DIR or --state DIR`);
  return dir;
}

/** Runs the subcommand; returns the exit status. */
export async function modelsCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: "string" }, task: { type: "string" }, tier: { type: "string" }, dtype: { type: "string" },
        description: { type: "string" }, replace: { type: "boolean" }, into: { type: "string" }, state: { type: "string" },
        runtime: { type: "string" }, help: { type: "boolean", short: "h" },
      },
    });
    const [verb, src, ...rest] = positionals;
    if (values.help || !verb) {
      console.log(modelsUsage());
      return values.help ? 0 : 2;
    }
    if (verb === "list") {
      const dir = modelsDir(values);
      const registry = new ModelRegistry([{ dir, origin: "imported" }]);
      for (const e of registry.list()) console.log(`${e.manifest.name.padEnd(32)} ${e.manifest.task.padEnd(9)} ${e.manifest.tier.padEnd(12)} ${e.manifest.memory_mb} MiB${e.manifest.test ? "  (test model, random weights)" : ""}`);
      for (const p of registry.skipped()) console.error(`skipped ${p}`);
      return 0;
    }
    if (verb !== "import" || !src || rest.length) throw new Error(verb === "import" ? "import: one folder is required" : `${verb}: unknown command (import, list)`);
    const into = modelsDir(values);
    const r = await importModel(resolve(src), into, {
      name: values.name,
      task: pick<Task>(values.task, TASKS, "task"),
      tier: pick<Tier>(values.tier, TIERS, "tier"),
      dtype: pick<Dtype>(values.dtype, Object.keys(DTYPE_SUFFIX) as Dtype[], "dtype"),
      description: values.description,
      replace: values.replace,
      runtimeDir: values.runtime ?? RUNTIME_MOUNT,
    });
    console.log(`imported ${r.manifest.name} (${r.manifest.task}, ${r.manifest.tier}, ~${r.manifest.memory_mb} MiB) into ${r.dir}: loaded and ran in ${r.checkMs} ms, ${r.check}`);
    return 0;
  } catch (err) {
    console.error(`aios-init models: ${errorMessage(err)}`);
    return 1;
  }
}
