import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../memory";
import { WatchStore } from "./store";
import type { HostPart } from "../catalog";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { checkOutput, parseArgs } from "../schema";
import { monitorHost } from "./index";
import { monitorUnwatch, monitorWatch, monitorWatchlist } from "./watch";

let t: TestEnv;
let watches: WatchStore;
const ctx = () => makeCtx(t.env, { watches });

beforeEach(() => {
  t = makeEnv();
  watches = WatchStore.open(join(t.env.paths.data, "memory/working.db"));
});
afterEach(() => {
  watches.close();
  t.cleanup();
});

describe("the watchlist tools over a real SQLite store", () => {
  test("watch adds an entry; watching again changes it; each undo puts back what was there", async () => {
    const first = ctx();
    const r = await call(monitorWatch, { name: "nginx", service: "nginx", port: { host: "127.0.0.1", port: 80 } }, first);
    expect(r).toMatchObject({ replaced: false, watch: { name: "nginx", service: "nginx", url: null, port: { host: "127.0.0.1", port: 80 }, everyS: 60 } });
    expect(() => checkOutput(monitorWatch, r)).not.toThrow();
    watches.recordCheck("nginx", true, null);
    const checked = watches.list();
    const second = ctx();
    expect((await call(monitorWatch, { name: "nginx", url: "http://127.0.0.1/health", everyS: 15 }, second)).replaced).toBe(true);
    expect(watches.get("nginx")).toMatchObject({ service: null, url: "http://127.0.0.1/health", port: null, everyS: 15, lastOk: null });
    await undo(monitorWatch, second);
    expect(watches.list()).toEqual(checked);
    await undo(monitorWatch, first);
    expect(watches.list()).toEqual([]);
  });

  test("unwatch takes an entry away (undo puts it back); unwatching nothing is a no-op with nothing to undo", async () => {
    watches.set({ name: "api", service: null, url: "http://127.0.0.1:8080/health", port: null, everyS: 30 });
    const before = watches.list();
    const c = ctx();
    expect(await call(monitorUnwatch, { name: "api" }, c)).toMatchObject({ removed: true, watch: { name: "api" } });
    expect((await call(monitorWatchlist, {}, ctx())).watches).toEqual([]);
    await undo(monitorUnwatch, c);
    expect(watches.list()).toEqual(before);
    const none = ctx();
    expect(await call(monitorUnwatch, { name: "ghost" }, none)).toEqual({ removed: false, watch: null });
    expect(none.record).toBeUndefined();
  });

  test("an entry needs something to check; names and URLs are checked", () => {
    expect(() => parseArgs(monitorWatch, { name: "x" })).toThrow("give at least one of service, url and port");
    expect(() => parseArgs(monitorWatch, { name: "x", url: "ftp://h/" })).toThrow("args.url");
    expect(() => parseArgs(monitorWatch, { name: "x", service: "x", everyS: 1 })).toThrow("args.everyS");
  });

  test("the host provider keeps the watchlist in the working database it is given", async () => {
    const working = openDatabase(join(t.env.paths.data, "memory/working.db"));
    const part = monitorHost({ env: t.env, working, host: {} }) as HostPart;
    expect(part.host.watches!.list()).toEqual([]);
    watches.set({ name: "a", service: "a", url: null, port: null, everyS: 60 });
    expect(part.host.watches!.list().map((w) => w.name)).toEqual(["a"]);
    working.close();
  });
});
