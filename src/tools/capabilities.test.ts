import { describe, expect, test } from "bun:test";
import { Capabilities, capabilityCovers } from "./capabilities";

describe("capabilityCovers", () => {
  test("exact names, namespaces with or without .*, and *", () => {
    expect(capabilityCovers("fs.read", "fs.read")).toBe(true);
    expect(capabilityCovers("fs.read", "fs.write")).toBe(false);
    expect(capabilityCovers("fs", "fs.write")).toBe(true);
    expect(capabilityCovers("fs.*", "fs.write")).toBe(true);
    expect(capabilityCovers("fs", "fsx.write")).toBe(false);
    expect(capabilityCovers("*", "net.ping")).toBe(true);
  });
});

describe("Capabilities", () => {
  test("declared, granted and revoked combine; a revoked name beats a declared namespace", () => {
    const caps = new Capabilities();
    caps.declare("storage", ["fs", "monitor.disk"]);
    expect(caps.allows("storage", "fs.write")).toBe(true);
    expect(caps.allows("storage", "process.kill")).toBe(false);
    caps.revoke("storage", "fs.delete");
    expect(caps.allows("storage", "fs.delete")).toBe(false);
    expect(caps.allows("storage", "fs.write")).toBe(true);
    caps.grant("storage", "fs.delete");
    expect(caps.allows("storage", "fs.delete")).toBe(true);
    expect(caps.list("storage")).toEqual(["fs", "fs.delete", "monitor.disk"]);
  });

  test("revoking * or a namespace takes the capabilities it covers off the list, not only the same string (issue 11)", () => {
    const caps = new Capabilities();
    caps.declare("dev", ["fs", "process", "net.ping"]);
    caps.revoke("dev", "*");
    expect(caps.list("dev")).toEqual([]);
    expect(caps.revokedList("dev")).toEqual(["*"]);
    expect(caps.allows("dev", "fs.read")).toBe(false);
    caps.grant("dev", "*"); // sec.grant takes the revoke back; the declared set is in force again
    caps.reset("dev", "*");
    expect(caps.list("dev")).toEqual(["fs", "net.ping", "process"]);
    caps.revoke("dev", "fs.*");
    expect(caps.list("dev")).toEqual(["net.ping", "process"]);
    caps.revoke("dev", "process.kill"); // narrower than process: listed apart
    expect(caps.list("dev")).toEqual(["net.ping", "process"]);
    expect(caps.revokedList("dev")).toEqual(["fs.*", "process.kill"]);
  });

  test("restore replays changes in order", () => {
    const caps = new Capabilities();
    caps.declare("dev", ["process"]);
    caps.restore([
      { agent: "dev", capability: "net", change: "grant" },
      { agent: "dev", capability: "process", change: "revoke" },
    ]);
    expect(caps.list("dev")).toEqual(["net"]);
    expect(caps.allows("dev", "process.spawn")).toBe(false);
  });
});

describe("Capabilities entries (what undoing a grant or revoke restores)", () => {
  test("entry, reset and changeFor bring a capability back to exactly where it was", () => {
    const caps = new Capabilities();
    caps.declare("dev", ["process"]);
    const before = caps.entry("dev", "process");
    expect(before).toEqual({ granted: false, revoked: false });
    caps.revoke("dev", "process");
    expect(caps.entry("dev", "process")).toEqual({ granted: false, revoked: true });
    caps.apply(Capabilities.changeFor("dev", "process", before));
    expect(caps.entry("dev", "process")).toEqual(before);
    expect(caps.allows("dev", "process.spawn")).toBe(true);
    caps.restore([{ agent: "dev", capability: "net", change: "grant" }, { agent: "dev", capability: "net", change: "reset" }]);
    expect(caps.list("dev")).toEqual(["process"]);
  });
});
