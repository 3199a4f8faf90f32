import { describe, expect, test } from "bun:test";
import { applyOverrides, defaultConfig, parseConfig, parseCmdline } from "./index";

describe("[fleet]", () => {
  test("off by default, with a heartbeat and ttl of at most 15 s", () => {
    const f = defaultConfig().fleet;
    expect(f.enabled).toBe(false);
    expect(f.url).toEqual(["nats://10.0.2.2:4222"]);
    expect(f.labels).toEqual({});
    expect(f.heartbeat).toBe("5s");
    expect(f.ttl).toBe("15s");
  });

  test("labels as a string or a table, urls as a comma list or an array", () => {
    const a = parseConfig('[fleet]\nenabled = true\nurl = "nats://a:4222, tls://b:4223"\nlabels = "role=web,zone=a"\n', "x");
    expect(a.problems).toEqual([]);
    expect(a.config.fleet.url).toEqual(["nats://a:4222", "tls://b:4223"]);
    expect(a.config.fleet.labels).toEqual({ role: "web", zone: "a" });
    const b = parseConfig('[fleet]\nurl = ["a:4222"]\n[fleet.labels]\nrole = "db"\n', "x");
    expect(b.problems).toEqual([]);
    expect(b.config.fleet.url).toEqual(["a:4222"]);
    expect(b.config.fleet.labels).toEqual({ role: "db" });
  });

  test("a bad label, url or node name is named and the rest boots on defaults", () => {
    expect(parseConfig('[fleet]\nlabels = "role=web server"\n', "x").problems[0]).toContain("fleet.labels");
    expect(parseConfig('[fleet]\nlabels = "ro.le=web"\n', "x").problems[0]).toContain("label");
    expect(parseConfig('[fleet]\nurl = "nats://a b:4222"\n', "x").problems[0]).toContain("fleet.url");
    expect(parseConfig('[fleet]\nnode = "web.1"\n', "x").problems[0]).toContain("fleet.node");
    expect(parseConfig('[fleet]\nheartbeat = "soon"\n', "x").problems[0]).toContain("fleet.heartbeat");
  });

  test("aios.fleet.* on the kernel command line", () => {
    const o = parseCmdline("quiet aios.fleet.enabled=true aios.fleet.url=nats://10.0.2.2:4222 aios.fleet.labels=role=web,zone=a aios.fleet.node=web1");
    const { config, problems } = applyOverrides(defaultConfig(), o.config);
    expect(problems).toEqual([]);
    expect(config.fleet).toMatchObject({ enabled: true, url: ["nats://10.0.2.2:4222"], node: "web1", labels: { role: "web", zone: "a" } });
  });
});
