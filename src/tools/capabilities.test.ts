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
