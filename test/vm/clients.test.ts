/**
 * The image's two ways in for a person on the host, through QEMU's forward of
 * the API port: `aios-init ctl` (the compiled out/aios-init, run on the host)
 * and the web console in Debian's Chromium, served by PID 1 in the guest.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM, CONSOLE_PAGES, launchChromium, NO_CHROMIUM, settled, shot, showsText, signIn, visible } from "../../src/web/testing";
import { OUT, TOKEN, Vm } from "../harness/vm";

const READY = /aios: ready in (\d+) ms/;
const PROMPT = /aios> $/;
const BINARY = join(OUT, "aios-init");

describe("from the host: aios-init ctl and the web console", () => {
  let vm: Vm;
  const url = () => `http://127.0.0.1:${vm.port}`;
  const ctl = (...args: string[]) => {
    const t0 = performance.now();
    const r = Bun.spawnSync([BINARY, "ctl", ...args], { env: { PATH: process.env.PATH!, HOME: "/nonexistent", AIOS_URL: url(), AIOS_TOKEN: TOKEN } });
    return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString(), ms: performance.now() - t0 };
  };

  beforeAll(async () => {
    if (!existsSync(BINARY)) throw new Error("out/aios-init is missing: run make image");
    vm = Vm.boot();
    await vm.waitFor(READY, 180_000);
    await vm.waitFor(PROMPT);
  }, 240_000);
  afterAll(async () => {
    await vm?.dispose();
  });

  test("aios-init ctl status answers from the guest through the forwarded port", () => {
    const r = ctl("status");
    console.log(`aios-init ctl status from the host: ${r.ms.toFixed(0)} ms wall`);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
    expect(r.out).toMatch(new RegExp(`^aiOS.* at ${url()}: ready in \\d+ ms, up `));
    expect(r.out).toMatch(/^ {2}host +\S+ \(Linux \S+\), pid 1,/m);
    expect(r.out).toMatch(/^ {2}agents +8 of 8 running/m);
    expect(ctl("status", "--token", "wrong").code).toBe(4);
  });

  test("a goal followed live over SSE through the forward, its answer and exit status", () => {
    const r = ctl("goal", "show memory usage", "--wait");
    expect(r.err).toMatch(/goal \d+: heuristic planned/);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringMatching(/^goal \d+ done:\n {2}Memory: /) });
  }, 120_000);

  test.skipIf(!CHROMIUM)("the web console loads through the forward and signs in; every page renders; a goal from it is followed live to its answer", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await signIn(page, url(), TOKEN);
      await showsText(page.locator(".card", { hasText: "Health" }), "ok");
      await showsText(page.locator(".card", { hasText: "Memory" }), "aios-init uses");
      await showsText(page.getByRole("region", { name: "Boot phases" }), "ai-runtime");
      await shot(page, "vm-dashboard", "desktop");
      for (const [hash, heading] of CONSOLE_PAGES.slice(1)) {
        await page.goto(`${url()}/#/${hash}`);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await settled(page);
        await shot(page, `vm-${hash}`, "desktop");
      }
      await page.getByRole("link", { name: "Goals" }).click();
      await page.getByLabel("What do you want done?").fill("show memory usage");
      await page.getByRole("button", { name: "Submit goal" }).click();
      await page.getByRole("heading", { level: 1, name: /^Goal \d+/ }).waitFor();
      await visible(page.getByRole("heading", { name: "Answer" }));
      await showsText(page.locator(".answer"), "Memory:");
      await showsText(page.locator(".trace"), "outcome");
      await shot(page, "vm-goal-answered", "desktop");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
  if (!CHROMIUM) console.warn(`test/vm/clients.test.ts: ${NO_CHROMIUM}`);
});
