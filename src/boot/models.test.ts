/** `aios-init models import|list` as a real process, as `make models` and the guest's shell run it. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTinyModel } from "../inference/onnx";

const root = mkdtempSync(join(tmpdir(), "aios-models-cli-"));
const MAIN = join(import.meta.dir, "../main.ts");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = Bun.spawnSync([process.execPath, MAIN, "models", ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("aios-init models", () => {
  test("import registers a checked model in the state directory; list shows it", () => {
    const src = join(root, "src", "gpt");
    writeTinyModel("gpt2", src);
    const r = cli("import", src, "--state", join(root, "state"), "--name", "my-gpt", "--tier", "operational");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^imported my-gpt \(generate, operational, ~9 MiB\) into .*\/state\/var\/lib\/aios\/models\/my-gpt: loaded and ran in \d+ ms, 2 tokens generated\n$/);
    const list = cli("list", "--state", join(root, "state"));
    expect(list.out).toBe("my-gpt                           generate  operational  9 MiB\n");
  }, 30_000);

  test("a broken folder exits 1 with one line and registers nothing", () => {
    const src = join(root, "src", "broken");
    writeTinyModel("bert", src);
    writeFileSync(join(src, "onnx/model.onnx"), "garbage");
    const into = join(root, "into");
    const r = cli("import", src, "--into", into);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^aios-init models: model broken: failed to load: .+\n$/);
    expect(readdirSync(into)).toEqual([]);
  }, 30_000);

  test("usage errors", () => {
    expect(cli("import").err).toBe("aios-init models: import: one folder is required\n");
    expect(cli("import", root, "--tier", "urgent", "--into", root).err).toBe('aios-init models: --tier: must be one of operational, tactical (got "urgent")\n');
    expect(cli("frob").code).toBe(1);
    expect(cli().code).toBe(2);
    expect(cli("--help").out).toContain("aios-init models import DIR");
  });
});
