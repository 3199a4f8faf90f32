import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDefines } from "../../build/defines";
import { buildInfo } from "./build";

const dir = mkdtempSync(join(tmpdir(), "aios-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")) as { version: string };

test("from source: package.json's version, no commit", () => {
  expect(buildInfo()).toEqual({ version: pkg.version, commit: null, compiled: false, updateKey: null });
});

test("bundled with the build's defines: the version and this checkout's commit are compiled in", async () => {
  const entry = join(dir, "entry.ts");
  writeFileSync(entry, `import { buildInfo } from ${JSON.stringify(join(import.meta.dir, "build.ts"))};\nconsole.log(JSON.stringify(buildInfo()));\n`);
  const pub = join(dir, "update.pub");
  writeFileSync(pub, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAtest\n-----END PUBLIC KEY-----\n");
  process.env.AIOS_UPDATE_PUB = pub;
  const defines = buildDefines();
  delete process.env.AIOS_UPDATE_PUB;
  const out = await Bun.build({ entrypoints: [entry], target: "bun", outdir: join(dir, "out"), define: defines, minify: true });
  expect(out.success).toBe(true);
  const r = Bun.spawnSync([process.execPath, out.outputs[0]!.path], { cwd: dir });
  const info = JSON.parse(r.stdout.toString());
  const head = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: import.meta.dir }).stdout.toString().trim();
  expect(info).toEqual({ version: pkg.version, commit: expect.stringMatching(new RegExp(`^${head}(-dirty)?$`)), compiled: true, updateKey: readFileSync(pub, "utf8") });
});
