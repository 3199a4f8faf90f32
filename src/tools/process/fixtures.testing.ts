/**
 * Contract fixtures for the process.* tools (see src/tools/contract.ts). The
 * suite runs in dev mode, so kill and signal target a child this process
 * started itself.
 */
import { expect } from "bun:test";
import { spawn } from "../../sys";
import { defineFixtures } from "../contract.testing";
import { pids, readCmdline, readStat } from "./procfs";

/** A sleep with an unusual duration, so the suite can find it in /proc. */
const MARK = ["sleep", "29.125"];
let child: ReturnType<typeof spawn> | undefined;

function marked(): number[] {
  return pids().filter((pid) => readStat(pid)?.state !== "Z" && readCmdline(pid).join(" ") === MARK.join(" "));
}

function startChild(): void {
  child = spawn(["sleep", "30"]);
}

function endChild(): void {
  child?.kill("SIGKILL");
  child = undefined;
}

export const fixtures = defineFixtures({
  "process.list": {
    args: { filter: "bun" },
    invalid: [{ args: { limit: 0 }, field: "args.limit" }],
    verify: (r) => expect(r.processes.map((p: { pid: number }) => p.pid)).toContain(process.pid),
  },
  "process.info": {
    args: { pid: process.pid },
    invalid: [{ args: { pid: 0 }, field: "args.pid" }, { args: { pid: "1" }, field: "args.pid" }],
    verify: (r) => expect(r).toMatchObject({ pid: process.pid, exe: process.execPath }),
  },
  "process.spawn": {
    args: { argv: MARK, detach: true },
    invalid: [
      { args: { argv: "sleep 1" }, field: "args.argv" },
      { args: { argv: ["sleep", 1] }, field: "args.argv.1" },
      { args: { argv: ["true"], timeoutMs: 0 }, field: "args.timeoutMs" },
    ],
    state: () => marked().length,
    verify: async (r) => {
      for (let i = 0; i < 200 && marked().length === 0; i++) await Bun.sleep(5); // until it has exec'd
      expect(marked()).toEqual([r.pid]);
    },
    teardown: () => {
      for (const pid of marked()) process.kill(pid, "SIGKILL");
    },
  },
  "process.kill": {
    args: () => ({ pid: child?.pid }),
    invalid: [{ args: { pid: -1 }, field: "args.pid" }, { args: { pid: 1, signal: "TERM" }, field: "args.signal" }],
    setup: startChild,
    verify: (r) => expect(r).toMatchObject({ exited: true, escalated: false }),
    teardown: endChild,
  },
  "process.signal": {
    args: () => ({ pid: child?.pid, signal: "SIGCONT" }),
    invalid: [{ args: { pid: 2 }, field: "args.signal" }],
    setup: startChild,
    verify: (r) => {
      expect(r).toEqual({ pid: child?.pid, signal: "SIGCONT" });
      expect(["R", "S"]).toContain(readStat(child?.pid ?? 0)?.state ?? "gone");
    },
    teardown: endChild,
  },
  "process.top": {
    args: { by: "memory", limit: 100 },
    invalid: [
      { args: { by: "disk" }, field: "args.by" },
      { args: { limit: 101 }, field: "args.limit" },
      { args: { by: "cpu", sampleMs: 10 }, field: "args.sampleMs" },
    ],
    verify: (r) => {
      const rss = r.processes.map((p: { rssBytes: number }) => p.rssBytes);
      expect(rss).toEqual([...rss].sort((a, b) => b - a));
      expect(r.processes.find((p: { pid: number }) => p.pid === process.pid)).toMatchObject({ comm: "bun", cpuPercent: null });
    },
  },
});
