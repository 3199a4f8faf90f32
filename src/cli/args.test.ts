import { describe, expect, test } from "bun:test";
import { type JsonSchema, typed, typedArgs } from "./args";
import { CtlError, EXIT } from "./errors";
import { normalizeUrl, readConfigFile, resolveSettings } from "./settings";
import { SseParser, type SseEvent } from "../gateway/sse";
import { newLines, wrap } from "./verbs/system";
import { parseLabels } from "./verbs/fleet";
import { bashScript } from "./verbs/completion";
import { VERBS } from "./ctl";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// fs.write's and pkg.install's shapes, as the registry describes them.
const FS_WRITE: JsonSchema = {
  type: "object",
  properties: {
    path: { type: "string" },
    content: { type: "string" },
    encoding: { enum: ["utf8", "base64"], type: "string", default: "utf8" },
    mode: { type: "string" },
    createParents: { type: "boolean", default: false },
    sizes: { type: "array", items: { type: "integer" } },
    names: { type: "array", items: { type: "string" } },
    definition: { type: "object", properties: { argv: { type: "array", items: { type: "string" } } } },
    delaySeconds: { type: "integer", minimum: 0 },
    ratio: { type: "number" },
  },
  required: ["path", "content"],
  additionalProperties: false,
};

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CtlError);
    expect((err as CtlError).exit).toBe(EXIT.usage);
    return (err as Error).message;
  }
  throw new Error("no error");
};

describe("call TOOL key=value: typed by the tool's JSON Schema", () => {
  test("strings stay as typed, numbers, booleans, enums, lists and objects are typed", () => {
    expect(
      typedArgs("fs.write", FS_WRITE, [
        "path=/etc/motd", "content=123", "encoding=base64", "createParents=yes", "sizes=1,2,3", "names=[\"a b\",\"c\"]",
        'definition={"argv":["/bin/httpd","-f"]}', "delaySeconds=5", "ratio=0.5",
      ]),
    ).toEqual({ path: "/etc/motd", content: "123", encoding: "base64", createParents: true, sizes: [1, 2, 3], names: ["a b", "c"], definition: { argv: ["/bin/httpd", "-f"] }, delaySeconds: 5, ratio: 0.5 });
  });

  test("a value keeps its = signs and spaces; a repeated list key adds up", () => {
    expect(typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x=1 y=2", "names=a", "names=b,c"])).toEqual({ path: "/a", content: "x=1 y=2", names: ["a", "b", "c"] });
  });

  test("one JSON object is taken whole", () => {
    expect(typedArgs("fs.write", FS_WRITE, ['{"path":"/a","content":"hi"}'])).toEqual({ path: "/a", content: "hi" });
  });

  test("what the schema refuses is named before any request", () => {
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a"]))).toBe("fs.write: content: required (e.g. content=…)");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "pth=/b"]))).toStartWith("fs.write: pth: unknown argument (it takes path, content, encoding");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "delaySeconds=1.5"]))).toBe('fs.write: delaySeconds: must be an integer (got "1.5")');
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "ratio=fast"]))).toBe('fs.write: ratio: must be a number (got "fast")');
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "encoding=utf16"]))).toBe('fs.write: encoding: must be one of utf8, base64 (got "utf16")');
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "createParents=maybe"]))).toBe('fs.write: createParents: must be true or false (got "maybe")');
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "definition=[1]"]))).toContain("definition: must be a JSON object");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "content=x", "sizes=1,x"]))).toContain("sizes: must be an integer");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["/etc/motd"]))).toContain("arguments are key=value");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["{nope"]))).toContain("malformed JSON");
    expect(usage(() => typedArgs("fs.write", FS_WRITE, ["path=/a", "path=/b", "content=x"]))).toBe("fs.write: path: given twice");
  });

  test("unions try each branch; untyped values are JSON when they parse", () => {
    const s: JsonSchema = { anyOf: [{ type: "integer" }, { type: "string", enum: ["all"] }] };
    expect(typed("5", s)).toBe(5);
    expect(typed("all", s)).toBe("all");
    expect(() => typed("some", s)).toThrow("must be an integer, or must be one of all");
    expect(typed("[1,2]", {})).toEqual([1, 2]);
    expect(typed("plain", {})).toBe("plain");
    expect(typed("null", { type: ["string", "null"] })).toBeNull();
  });
});

describe("settings: flags, then the environment, then ~/.config/aios/config.toml", () => {
  const home = mkdtempSync(join(tmpdir(), "aios-ctl-home-"));
  const file = join(home, ".config/aios/config.toml");
  mkdirSync(join(home, ".config/aios"), { recursive: true });

  test("in order; the default URL is make run's forward", () => {
    writeFileSync(file, 'url = "http://file:1"\ntoken = "from-file"\n');
    chmodSync(file, 0o600);
    expect(resolveSettings({}, {}, home)).toMatchObject({ url: "http://file:1", token: "from-file", warnings: [] });
    expect(resolveSettings({}, { AIOS_URL: "env:2", AIOS_TOKEN: "from-env" }, home)).toMatchObject({ url: "http://env:2", token: "from-env", from: { url: "AIOS_URL", token: "AIOS_TOKEN" } });
    expect(resolveSettings({ url: "https://flag:3/", token: "from-flag" }, { AIOS_URL: "env:2" }, home)).toMatchObject({ url: "https://flag:3", token: "from-flag", from: { token: "--token" } });
    rmSync(file);
    expect(resolveSettings({}, {}, home)).toMatchObject({ url: "http://127.0.0.1:8080", from: { url: "default" } });
    expect(resolveSettings({}, { XDG_CONFIG_HOME: join(home, "nowhere") }, home).token).toBeUndefined();
  });

  test("a token others can read is warned about; a bad file names the key", () => {
    writeFileSync(file, 'token = "t"\n');
    chmodSync(file, 0o644);
    expect(readConfigFile(file).warnings[0]).toContain("chmod 600");
    writeFileSync(file, 'tokn = "t"\n');
    expect(usage(() => readConfigFile(file))).toContain("tokn: unknown key (known: url, token, nats)");
    writeFileSync(file, "url = 5\n");
    expect(usage(() => readConfigFile(file))).toContain("url: must be a non-empty string");
    writeFileSync(file, "url = [\n");
    expect(usage(() => readConfigFile(file))).toContain("not valid TOML");
    rmSync(file);
  });

  test("URLs: a bare host:port is http; other schemes are refused, naming the source", () => {
    expect(normalizeUrl("127.0.0.1:8080", "--url")).toBe("http://127.0.0.1:8080");
    expect(normalizeUrl("http://h/base/", "--url")).toBe("http://h/base");
    expect(usage(() => normalizeUrl("ftp://h", "AIOS_URL"))).toBe("AIOS_URL: must be an http:// or https:// URL (got ftp:)");
  });
});

describe("helpers", () => {
  test("SSE: events, multi-line data, ids, comments (heartbeats), split chunks, CRLF", () => {
    const got: SseEvent[] = [];
    const p = new SseParser((e) => got.push(e));
    p.push(": heartbeat\n\nevent: plan\ndata: {\"a\":1}\nid: 7\n\nda");
    p.push("ta: one\r\ndata: two\r\n\r\nevent: end\ndata: {}\n\n");
    expect(got).toEqual([{ event: "plan", data: '{"a":1}', id: "7" }, { event: "message", data: "one\ntwo", id: "7" }, { event: "end", data: "{}", id: "7" }]);
    expect(p.lastId).toBe("7");
  });

  test("logs -f prints only the lines after the last ones printed", () => {
    expect(newLines(["a", "b"], ["a", "b", "c", "d"])).toEqual(["c", "d"]);
    expect(newLines(["t1 a", "t2 b"], ["t0 z", "t1 a", "t2 b", "t3 b"])).toEqual(["t3 b"]);
    expect(newLines(["t1 a", "t2 b"], ["t2 b", "t3 c"])).toEqual(["t3 c"]);
    expect(newLines(["gone"], ["new"])).toEqual(["new"]);
    expect(newLines(["a", "b"], ["a", "b"])).toEqual([]);
  });

  test("wrap keeps lines within 80 columns", () => {
    const text = wrap(Array.from({ length: 12 }, (_, i) => `phase${i} ok ${i * 10} ms`), 14);
    const lines = text.split("\n");
    expect(lines.length).toBeGreaterThan(1);
    lines.forEach((line, i) => expect(line.length + (i === 0 ? 14 : 0)).toBeLessThanOrEqual(81));
    expect(text.replace(/\s+/g, " ")).toContain("phase11 ok 110 ms");
  });

  test("labels", () => {
    expect(parseLabels("role=web,zone=a")).toEqual({ role: "web", zone: "a" });
    expect(usage(() => parseLabels("role"))).toContain('"role": want key=value');
    expect(usage(() => parseLabels("ro le=web"))).toContain("want key=value");
  });

  test("the bash completion names every verb and passes bash -n", () => {
    const script = bashScript(VERBS);
    for (const v of VERBS) expect(script).toContain(`    ${v.name})`);
    const r = Bun.spawnSync(["bash", "-n"], { stdin: new TextEncoder().encode(script) });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
