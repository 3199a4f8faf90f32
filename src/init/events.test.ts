import { describe, expect, test } from "bun:test";
import { Channel, type InitEvent } from "./events";
import { DEV_SIGNALS, PID1_SIGNALS } from "./signals";

describe("Channel", () => {
  test("items pushed before next() are delivered in order", async () => {
    const c = new Channel<number>();
    c.push(1);
    c.push(2);
    expect(await c.next()).toBe(1);
    expect(await c.next()).toBe(2);
  });

  test("a waiting reader gets the next push", async () => {
    const c = new Channel<InitEvent>();
    const pending = c.next();
    c.push({ type: "power", action: "reboot", origin: "SIGTERM" });
    c.push({ type: "power", action: "poweroff", origin: "api" });
    expect(await pending).toEqual({ type: "power", action: "reboot", origin: "SIGTERM" });
    expect(await c.next()).toEqual({ type: "power", action: "poweroff", origin: "api" });
  });
});

describe("signal tables", () => {
  test("PID 1 follows BusyBox: USR2 poweroff, TERM reboot, USR1 halt, INT (ctrl-alt-del) reboot", () => {
    expect(PID1_SIGNALS).toEqual({ SIGUSR2: "poweroff", SIGTERM: "reboot", SIGUSR1: "halt", SIGINT: "reboot" });
  });
  test("dev mode: every stop signal is a poweroff", () => {
    expect(Object.values(DEV_SIGNALS).every((a) => a === "poweroff")).toBe(true);
    expect(Object.keys(DEV_SIGNALS).sort()).toEqual(["SIGHUP", "SIGINT", "SIGTERM", "SIGUSR1", "SIGUSR2"]);
  });
});
