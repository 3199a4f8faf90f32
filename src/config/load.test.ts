import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, loadConfig, parseConfig } from "./index";
import { tomlErrorLine } from "./load";

const SRC = "/etc/aios/config.toml";

/** Parses `text` and expects the fallback to defaults with exactly one problem line. */
function oneProblem(text: string): string {
  const { config, problems } = parseConfig(text, SRC);
  expect(problems).toHaveLength(1);
  expect(config).toEqual(defaultConfig());
  return problems[0]!;
}

describe("parseConfig: a bad file gives one line and the defaults", () => {
  test("unknown key names the misspelt key", () => {
    expect(oneProblem('[system]\nhostnme = "node1"\n')).toBe(`config: ${SRC}: system.hostnme: unknown key; booting on defaults`);
  });

  test("unknown top-level key", () => {
    expect(oneProblem("colour = 1\n")).toBe(`config: ${SRC}: colour: unknown key; booting on defaults`);
  });

  test("unknown key in a nested table names the full path", () => {
    expect(oneProblem("[models.tactical]\nmax_tokenz = 5\n")).toBe(`config: ${SRC}: models.tactical.max_tokenz: unknown key; booting on defaults`);
  });

  test("wrong type names the key and what was expected", () => {
    const line = oneProblem("[system]\nhostname = 5\n");
    expect(line.startsWith(`config: ${SRC}: system.hostname: `)).toBe(true);
    expect(line).toContain("Expected string but received 5");
    expect(line.endsWith("; booting on defaults")).toBe(true);
  });

  test("port out of range", () => {
    expect(oneProblem("[network]\nmanagement_port = 70000\n")).toBe(`config: ${SRC}: network.management_port: must be 0..65535 (got 70000); booting on defaults`);
    expect(oneProblem("[network]\nmanagement_port = -1\n")).toBe(`config: ${SRC}: network.management_port: must be 0..65535 (got -1); booting on defaults`);
  });

  test("port boundaries 0 and 65535 are accepted", () => {
    expect(parseConfig("[network]\nmanagement_port = 0\n", SRC)).toMatchObject({ problems: [], config: { network: { management_port: 0 } } });
    expect(parseConfig("[network]\nmanagement_port = 65535\n", SRC)).toMatchObject({ problems: [], config: { network: { management_port: 65535 } } });
  });

  test("non-integer port", () => {
    expect(oneProblem("[network]\nmanagement_port = 80.5\n")).toBe(`config: ${SRC}: network.management_port: must be an integer (got 80.5); booting on defaults`);
  });

  test("bad picklist values list the choices", () => {
    expect(oneProblem('[system]\nlog_level = "loud"\n')).toBe(`config: ${SRC}: system.log_level: must be one of debug, info, warn, error (got "loud"); booting on defaults`);
    expect(oneProblem('[system]\nautonomy_level = "yolo"\n')).toBe(`config: ${SRC}: system.autonomy_level: must be one of full, supervised, manual (got "yolo"); booting on defaults`);
  });

  test("bad element in an array names its index", () => {
    expect(oneProblem('[network]\ndns_servers = ["1.1.1.1", "nope"]\n')).toBe(`config: ${SRC}: network.dns_servers.1: must be an IP address (got "nope"); booting on defaults`);
  });

  test("bad hostname and bad duration", () => {
    expect(oneProblem('[system]\nhostname = "-bad-"\n')).toContain("system.hostname: must be letters, digits and inner hyphens");
    expect(oneProblem('[models.tactical]\nunload_after_idle = "5 minutes"\n')).toContain("models.tactical.unload_after_idle: must be a duration");
  });

  test("several problems still give exactly one line", () => {
    // valibot checks the known keys before it looks for unknown ones.
    expect(oneProblem('[system]\nhostnme = "a"\nlog_level = "loud"\n')).toContain("system.log_level: must be one of");
  });

  // BUG (src/config/schema.ts:18 + load.ts:17): the strictObject message "unknown key" is
  // also used for the object's type issue, so a section of the wrong type is reported as
  // an unknown key. Remove `.failing` once fixed.
  test("a section of the wrong type is not reported as an unknown key", () => {
    const line = oneProblem("system = 5\n");
    expect(line.startsWith(`config: ${SRC}: system: `)).toBe(true);
    expect(line).not.toContain("unknown key");
  });

  // BUG (same place): an array is accepted where a table is expected, silently.
  test("an array where a table belongs is reported", () => {
    expect(parseConfig("network = []\n", SRC).problems).toHaveLength(1);
  });
});

describe("parseConfig: TOML syntax errors", () => {
  test("names the line of the error", () => {
    const line = oneProblem('[system]\nhostname = "a"\nlog_level = = "x"\n');
    expect(line.startsWith(`config: ${SRC}: line 3: not valid TOML: `)).toBe(true);
    expect(line.endsWith("; booting on defaults")).toBe(true);
    expect(line).not.toContain("TOML Parse error:");
  });

  test("error on the first line", () => {
    expect(oneProblem("[system\nhostname = \"a\"\n")).toStartWith(`config: ${SRC}: line 1: not valid TOML: `);
  });

  test("a multi-line array before the error does not shift the line number", () => {
    const text = ["[network]", "dns_servers = [", '  "1.1.1.1",', '  "8.8.8.8",', "]", "[system]", "hostname = ", 'log_level = "info"', ""].join("\n");
    expect(oneProblem(text)).toStartWith(`config: ${SRC}: line 7: not valid TOML: `);
  });

  test("a garbage line right after a multi-line array", () => {
    const text = ["[network]", "dns_servers = [", '  "1.1.1.1",', "]", "this is not toml", ""].join("\n");
    expect(oneProblem(text)).toStartWith(`config: ${SRC}: line 5: not valid TOML: `);
  });

  test("a table defined twice points at the second header", () => {
    expect(oneProblem('[system]\nhostname = "a"\n[system]\nlog_level = "info"\n')).toStartWith(`config: ${SRC}: line 3: not valid TOML: `);
  });

  test("tomlErrorLine on its own", () => {
    expect(tomlErrorLine("a = 1\nb = \nc = 3")).toBe(2);
    expect(tomlErrorLine("a = [\n1,\n2\n]\nb = = 2\n")).toBe(5);
  });
});

describe("loadConfig reads real files", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("a missing file means defaults and no problems", async () => {
    expect(await loadConfig(join(dir, "nope.toml"))).toEqual({ config: defaultConfig(), problems: [] });
  });

  test("a good file is applied", async () => {
    const path = join(dir, "good.toml");
    writeFileSync(path, '[system]\nhostname = "node1"\n[network]\nmanagement_port = 8081\ndns_servers = ["1.1.1.1", "9.9.9.9"]\n');
    const { config, problems } = await loadConfig(path);
    expect(problems).toEqual([]);
    expect(config.system.hostname).toBe("node1");
    expect(config.network.management_port).toBe(8081);
    expect(config.network.dns_servers).toEqual(["1.1.1.1", "9.9.9.9"]);
    expect(config.system.log_level).toBe("info");
  });

  test("a bad file names its path", async () => {
    const path = join(dir, "bad.toml");
    writeFileSync(path, "[system]\nhostname = 5\n");
    const { config, problems } = await loadConfig(path);
    expect(config).toEqual(defaultConfig());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`config: ${path}: system.hostname: `);
  });
});
