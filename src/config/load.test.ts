import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, loadConfig, parseConfig } from "./index";
import { tomlErrorLine } from "./load";

const SRC = "/etc/aios/config.toml";

/** Parses `text` and expects exactly one problem line; the rest of the file is kept. */
function oneProblem(text: string): string {
  const { problems } = parseConfig(text, SRC);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe("parseConfig: a bad key falls back to its own default alone (issue 11)", () => {
  test("unknown key names the misspelt key and its line; the other keys are kept", () => {
    const r = parseConfig('[system]\nhostnme = "node1"\nautonomy_level = "manual"\n', SRC);
    expect(r.problems).toEqual([`config: ${SRC}: line 2: system.hostnme: unknown key; ignored`]);
    expect(r.config.system.autonomy_level).toBe("manual");
  });

  test("unknown top-level key", () => {
    expect(oneProblem("colour = 1\n")).toBe(`config: ${SRC}: line 1: colour: unknown key; ignored`);
  });

  test("unknown key in a nested table names the full path", () => {
    expect(oneProblem("[models.tactical]\nmax_tokenz = 5\n")).toBe(`config: ${SRC}: line 2: models.tactical.max_tokenz: unknown key; ignored`);
  });

  test("wrong type names the key and what was expected", () => {
    const line = oneProblem("[system]\nhostname = 5\n");
    expect(line.startsWith(`config: ${SRC}: line 2: system.hostname: `)).toBe(true);
    expect(line).toContain("Expected string but received 5");
    expect(line.endsWith('; using the default ("aios")')).toBe(true);
  });

  test("port out of range, non-integer; boundaries accepted", () => {
    expect(oneProblem("[network]\nmanagement_port = 70000\n")).toBe(`config: ${SRC}: line 2: network.management_port: must be 0..65535 (got 70000); using the default (9090)`);
    expect(oneProblem("[network]\nmanagement_port = -1\n")).toContain("must be 0..65535 (got -1)");
    expect(oneProblem("[network]\nmanagement_port = 80.5\n")).toContain("network.management_port: must be an integer (got 80.5)");
    expect(parseConfig("[network]\nmanagement_port = 0\n", SRC)).toMatchObject({ problems: [], config: { network: { management_port: 0 } } });
    expect(parseConfig("[network]\nmanagement_port = 65535\n", SRC)).toMatchObject({ problems: [], config: { network: { management_port: 65535 } } });
  });

  test("bad picklist values list the choices", () => {
    expect(oneProblem('[system]\nlog_level = "loud"\n')).toBe(`config: ${SRC}: line 2: system.log_level: must be one of debug, info, warn, error (got "loud"); using the default ("info")`);
  });

  test("a bad element sends the whole array back to its default, never to a subset", () => {
    const r = parseConfig('[network]\ndns_servers = ["1.1.1.1", "nope"]\n', SRC);
    expect(r.problems).toEqual([`config: ${SRC}: line 2: network.dns_servers.1: must be an IP address (got "nope"); using the default (["10.0.2.3"])`]);
    expect(r.config.network.dns_servers).toEqual(["10.0.2.3"]);
  });

  test("a bad entry of an array of tables is left out alone", () => {
    const text = '[[autonomy.jobs]]\nname = "ok"\ncron = "0 3 * * *"\ngoal = "g"\n[[autonomy.jobs]]\nname = "B B"\ncron = "0 3 * * *"\ngoal = "g"\n';
    const r = parseConfig(text, SRC);
    expect(r.problems).toEqual([expect.stringContaining(`config: ${SRC}: line 6: autonomy.jobs.1.name: must be 1-64`)]);
    expect(r.config.autonomy.jobs.map((j) => j.name)).toEqual(["ok"]);
  });

  test("every problem is reported, each with its line; autonomy manual survives 19 bad keys", () => {
    const bad = Array.from({ length: 19 }, (_, i) => `bogus_${i} = ${i}`).join("\n");
    const r = parseConfig(`[system]\nautonomy_level = "manual"\n${bad}\nlog_level = "loud"\n`, SRC);
    expect(r.problems).toHaveLength(20);
    expect(r.problems[0]).toBe(`config: ${SRC}: line 22: system.log_level: must be one of debug, info, warn, error (got "loud"); using the default ("info")`);
    expect(r.problems[1]).toBe(`config: ${SRC}: line 3: system.bogus_0: unknown key; ignored`);
    expect(r.config.system.autonomy_level).toBe("manual");
  });

  test("a section of the wrong type, or an array where a table belongs, is named and gets its defaults", () => {
    expect(oneProblem("system = 5\n")).toBe(`config: ${SRC}: line 1: system: must be a table (got 5); using its defaults`);
    expect(oneProblem("network = []\n")).toContain("network: must be a table");
  });

  test("8,000 bad lines: every one named, in linear time (the old reporting took 3.7 s)", () => {
    const lines = Array.from({ length: 8000 }, (_, i) => `bogus_${i} = ${i}`);
    const r = parseConfig(`[system]\nautonomy_level = "manual"\n${lines.join("\n")}\n`, SRC);
    expect(r.problems).toHaveLength(8000);
    expect(r.problems[7999]).toBe(`config: ${SRC}: line 8002: system.bogus_7999: unknown key; ignored`);
    expect(r.config.system.autonomy_level).toBe("manual");
    const syntax = parseConfig(`${lines.join("\n")}\nx = = 1\n`, SRC);
    expect(syntax.unusable).toStartWith("line 8001: not valid TOML");
  }, 2_000);
});

describe("parseConfig: values that would make the system misbehave (issue 11)", () => {
  test("tick 0s, a job cron with seconds or that never fires are refused by name", () => {
    expect(oneProblem('[autonomy]\ntick = "0s"\n')).toBe(`config: ${SRC}: line 2: autonomy.tick: must be at least 1s (got "0s"); using the default ("30s")`);
    expect(oneProblem('[autonomy]\ntick = "999ms"\n')).toContain("must be at least 1s");
    const job = (cron: string) => oneProblem(`[[autonomy.jobs]]\nname = "j"\ncron = "${cron}"\ngoal = "g"\n`);
    expect(job("* * * * * *")).toContain("line 3: autonomy.jobs.0.cron: not a cron expression: needs 5 fields");
    expect(job("0 0 31 2 *")).toContain("autonomy.jobs.0.cron: not a cron expression: never fires");
    expect(parseConfig('[autonomy]\ntick = "1s"\n', SRC).problems).toEqual([]);
    expect(oneProblem('[autonomy]\ntick = "x"\n')).toContain("autonomy.tick: must be a duration"); // found by the fuzz test: it threw
  });
});

describe("parseConfig: TOML syntax errors make the file unusable, named with the line", () => {
  function unusable(text: string): string {
    const r = parseConfig(text, SRC);
    expect(r.config).toEqual(defaultConfig());
    expect(r.problems).toEqual([`config: ${SRC}: ${r.unusable}`]);
    return r.unusable!;
  }

  test("names the line of the error", () => {
    const u = unusable('[system]\nhostname = "a"\nlog_level = = "x"\n');
    expect(u).toStartWith("line 3: not valid TOML: ");
    expect(u).not.toContain("TOML Parse error:");
  });

  test("error on the first line", () => {
    expect(unusable("[system\nhostname = \"a\"\n")).toStartWith("line 1: not valid TOML: ");
  });

  test("a multi-line array or string before the error does not shift the line number", () => {
    const text = ["[network]", "dns_servers = [", '  "1.1.1.1",', '  "8.8.8.8",', "]", '[system]', 'hostname = """a', 'b"""', "log_level = ", ""].join("\n");
    expect(unusable(text)).toStartWith("line 9: not valid TOML: ");
  });

  test("a garbage line right after a multi-line array", () => {
    const text = ["[network]", "dns_servers = [", '  "1.1.1.1",', "]", "this is not toml", ""].join("\n");
    expect(unusable(text)).toStartWith("line 5: not valid TOML: ");
  });

  test("a table or key defined twice points at the second one", () => {
    expect(unusable('[system]\nhostname = "a"\n[system]\nlog_level = "info"\n')).toStartWith("line 3: not valid TOML: ");
    expect(unusable('[system]\nhostname = "a"\nhostname = "b"\n')).toStartWith("line 3: not valid TOML: ");
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

  test("a bad key names its path and line", async () => {
    const path = join(dir, "bad.toml");
    writeFileSync(path, "[system]\nhostname = 5\n");
    const { config, problems } = await loadConfig(path);
    expect(config).toEqual(defaultConfig());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`config: ${path}: line 2: system.hostname: `);
  });

  test("a directory or an unreadable file in place of config.toml is named, never booted on quietly (issue 11)", async () => {
    const d = join(dir, "config.toml");
    mkdirSync(d);
    expect(await loadConfig(d)).toEqual({ config: defaultConfig(), problems: [`config: ${d}: is a directory, not a file`], unusable: "is a directory, not a file" });
    const fifo = join(dir, "odd.toml");
    Bun.spawnSync(["mkfifo", fifo]);
    expect((await loadConfig(fifo)).unusable).toBe("is not a regular file");
  });
});
