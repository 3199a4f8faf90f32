/**
 * The web console in a real browser: Playwright (playwright-core) driving
 * Debian's Chromium headless against a dev-mode aiOS over loopback. Each page
 * is screenshotted at 1280×800 and at phone width (375 px) into
 * out/test-artifacts/console/. Skipped, saying why, only when Chromium is
 * not installed (build/deps.sh installs it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DevSystem } from "../../test/harness/dev";
import { NatsServer, natsServerBinary } from "../../test/harness/nats";
import { CHROMIUM, CONSOLE_PAGES as PAGES, launchChromium, NO_CHROMIUM, settled, shot, showsText, signIn, SIZES, type Size, visible } from "./testing";

const TOKEN = "console-test-token";
// What page.evaluate's functions see: the browser's globals (this file is typed without the DOM library).
declare const document: any, window: any, location: any, localStorage: any, sessionStorage: any, getComputedStyle: any;
if (!CHROMIUM) console.warn(`src/web/console.test.ts: ${NO_CHROMIUM}`);

describe.skipIf(!CHROMIUM)("web console", () => {
  let dev: DevSystem;
  let browser: Browser;
  const errors: string[] = [];
  let goalId = 0;

  const context = async (size: Size = "desktop"): Promise<{ ctx: BrowserContext; page: Page }> => {
    const ctx = await browser.newContext({ viewport: SIZES[size] });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
    return { ctx, page };
  };

  beforeAll(async () => {
    [dev, browser] = await Promise.all([DevSystem.start({ token: TOKEN }), launchChromium()]);
    // Something on every page: a finished goal, a held call, a document.
    goalId = (await dev.json<{ id: number }>("/api/v1/goals", { goal: "show disk usage" })).id;
    await dev.json("/api/v1/tools/fs.write", { args: { path: "/tmp/console-held.txt", content: "held\n" } });
    for (let i = 0; i < 100 && (await dev.json(`/api/v1/goals/${goalId}`)).state !== "done"; i++) await Bun.sleep(100);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
  });

  test("the assets are small: one script and one stylesheet, < 150 KB together", async () => {
    const html = await (await fetch(`${dev.url}/`)).text();
    const urls = [...html.matchAll(/(?:src|href)="(\/console\/app\.[0-9a-f]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(urls).toHaveLength(2);
    let raw = html.length;
    let gz = 0;
    for (const u of urls) {
      const res = await fetch(`${dev.url}${u}`, { headers: { "accept-encoding": "identity" } });
      expect(res.headers.get("cache-control")).toContain("immutable");
      const body = await res.arrayBuffer();
      raw += body.byteLength;
      gz += Bun.gzipSync(new Uint8Array(body)).length;
    }
    console.log(`web console: ${(raw / 1024).toFixed(1)} KB (html, js, css), ${(gz / 1024).toFixed(1)} KB gzipped`);
    expect(raw).toBeLessThan(150 * 1024);
    const page = await fetch(`${dev.url}/`);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
  });

  test("sign in: a wrong token is refused; the token is never in a URL or in storage", async () => {
    for (const size of ["desktop", "phone"] as const) {
      const { ctx, page } = await context(size);
      await page.goto(`${dev.url}/`);
      await page.getByLabel("API token").fill("wrong-token");
      await shot(page, "signin", size);
      await page.getByRole("button", { name: "Sign in" }).click();
      await showsText(page.getByRole("alert"), "not accepted");
      await signIn(page, dev.url, TOKEN);
      const kept = await page.evaluate(() => JSON.stringify({ url: location.href, local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
      expect(kept).not.toContain(TOKEN);
      const cookies = await ctx.cookies();
      for (const c of cookies) {
        expect(c.value).not.toBe(TOKEN);
        expect({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }).toEqual({ name: c.name, httpOnly: true, sameSite: "Strict" });
      }
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API token").waitFor();
      await ctx.close();
    }
  }, 60_000);

  for (const size of ["desktop", "phone"] as const) {
    test(`every page renders at ${SIZES[size].width} px, fits the width, and is screenshotted`, async () => {
      const { ctx, page } = await context(size);
      await signIn(page, dev.url, TOKEN);
      for (const [hash, heading] of [...PAGES, [`goals/${goalId}`, new RegExp(`^Goal ${goalId}`)] as [string, RegExp]]) {
        await page.goto(`${dev.url}/#/${hash}`);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await settled(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect({ hash, overflow }).toEqual({ hash, overflow: 0 });
        await shot(page, hash, size);
      }
      expect(errors).toEqual([]);
      await ctx.close();
    }, 120_000);
  }

  test("goals: submit, follow the trace live, approve from the trace, read the answer", async () => {
    const { ctx, page } = await context();
    const streams: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/events")) streams.push(r.resourceType());
    });
    await signIn(page, dev.url, TOKEN);
    await page.getByRole("link", { name: "Goals" }).click();
    await page.getByLabel("What do you want done?").fill("write 'from the console' to /tmp/console-goal.txt");
    await page.getByRole("button", { name: "Submit goal" }).click();
    await page.getByRole("heading", { level: 1, name: /^Goal \d+/ }).waitFor();
    await showsText(page.locator(".trace"), "waits for approval");
    await page.locator(".trace").getByRole("button", { name: /^Approve a\d+/ }).click();
    await visible(page.getByRole("heading", { name: "Answer" }));
    await showsText(page.locator(".answer"), "/tmp/console-goal.txt");
    const cookie = (await ctx.cookies()).length > 0;
    // With a session cookie the browser's own EventSource follows it; without sessions (older API), a fetch stream.
    expect(streams[0]).toBe(cookie ? "eventsource" : "fetch");
    await shot(page, "goal-answered", "desktop");
    await ctx.close();
  }, 60_000);

  test("tools: a form from the schema (required, enums, numbers, booleans, lists), the summary, rollback", async () => {
    const { ctx, page } = await context();
    await signIn(page, dev.url, TOKEN);
    await page.goto(`${dev.url}/#/tools/fs.write`);
    await visible(page.getByLabel("path (required)"));
    expect(await page.getByLabel("encoding").locator("option").allTextContents()).toEqual(["(default: utf8)", "utf8", "base64"]);
    expect(await page.getByLabel("createParents").getAttribute("type")).toBe("checkbox");
    await page.goto(`${dev.url}/#/tools/monitor.cpu`);
    const sample = page.getByLabel("sampleMs");
    expect(await sample.evaluate((e: any) => [e.type, e.min, e.max, e.step])).toEqual(["number", "10", "5000", "1"]);
    await page.goto(`${dev.url}/#/tools/pkg.install`);
    await visible(page.getByText("one per line"));

    await page.goto(`${dev.url}/#/tools/fs.mkdir`);
    await page.getByRole("button", { name: "Call fs.mkdir" }).click();
    await showsText(page.getByRole("alert"), "path: required");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("path");
    await page.getByLabel("path (required)").fill("/tmp/console-dir");
    await page.getByRole("button", { name: "Call fs.mkdir" }).click();
    await showsText(page.locator(".summary"), "/tmp/console-dir");
    await shot(page, "tool-result", "desktop");
    await page.getByRole("button", { name: /^Roll back c\d+/ }).click();
    await visible(page.getByText(/c\d+ rolled back\./));

    // A refused value comes back naming the field, which is marked and focused.
    await page.goto(`${dev.url}/#/tools/fs.stat`);
    await page.getByLabel("path (required)").fill("relative/path");
    await page.getByRole("button", { name: "Call fs.stat" }).click();
    await visible(page.getByRole("alert"));
    expect(await page.getByLabel("path (required)").getAttribute("aria-invalid")).toBe("true");
    await ctx.close();
  }, 60_000);

  test("approvals: the held call is listed and denied from the page", async () => {
    const held = await dev.json<{ approvalId: string }>("/api/v1/tools/fs.write", { args: { path: "/tmp/console-deny.txt", content: "x" } });
    const { ctx, page } = await context();
    await signIn(page, dev.url, TOKEN);
    await page.getByRole("link", { name: "Approvals" }).click();
    await page.getByRole("button", { name: `Deny ${held.approvalId}` }).click();
    await showsText(page.locator(".log"), `${held.approvalId} denied`);
    expect((await dev.json(`/api/v1/approvals/${held.approvalId}`)).status).toBe("denied");
    await ctx.close();
  }, 60_000);

  test("audit: browse and verify the chain; memory: add a document, then find it", async () => {
    const { ctx, page } = await context();
    await signIn(page, dev.url, TOKEN);
    await page.getByRole("link", { name: "Audit" }).click();
    await visible(page.getByRole("region", { name: "Audit rows, newest first" }));
    await page.getByRole("button", { name: "Verify the chain" }).click();
    await showsText(page.getByRole("status"), /Verified: \d+ rows/);
    await page.getByRole("link", { name: "Memory" }).click();
    await page.getByLabel("Title").fill("Console test note");
    await page.getByLabel("Text").fill("The zanzibar flag is kept in the console test.");
    await page.getByRole("button", { name: "Add document" }).click();
    await visible(page.getByText(/Stored as document \d+/));
    await page.getByLabel("Search").fill("zanzibar");
    await page.getByLabel("Search").press("Enter");
    await showsText(page.locator(".hits"), "Console test note");
    await shot(page, "memory-search", "desktop");
    await ctx.close();
  }, 60_000);

  test("keyboard: a skip link, every control labelled and reachable, focus visible; the phone menu opens by keyboard", async () => {
    const { ctx, page } = await context();
    await signIn(page, dev.url, TOKEN);
    await page.goto(`${dev.url}/#/tools/fs.write`);
    await page.getByRole("heading", { level: 1, name: "fs.write" }).waitFor();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea, button, a[href]")]
        .filter((e) => !((e as any).labels?.length || e.getAttribute("aria-label") || (e.textContent ?? "").trim()))
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await page.waitForLoadState("networkidle");
    // The skip link is the first stop, shows when focused and takes focus to the content.
    const skip = page.getByRole("link", { name: "Skip to content" });
    expect(await page.evaluate(() => document.querySelector("a[href], button, input, select, textarea")?.textContent)).toBe("Skip to content");
    await skip.focus();
    // Focused, it stays focused and comes on screen (read in the page, once its style has applied).
    await page.waitForFunction(() => document.activeElement?.textContent === "Skip to content" && document.activeElement.getBoundingClientRect().x >= 0, undefined, { timeout: 5000 });
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await skip.focus();
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(() => {
        const e = document.activeElement as any;
        const s = getComputedStyle(e);
        return { tag: e.tagName, text: (e.getAttribute("name") ?? e.textContent ?? "").trim().slice(0, 40), outline: e.matches(":focus-visible") && s.outlineStyle !== "none" && s.outlineWidth !== "0px", how: `${e.matches(":focus-visible")} ${s.outlineStyle} ${s.outlineWidth}` };
      });
      if (f.tag === "BODY") break; // past the last control
      expect({ at: f.text, visible: f.outline, how: f.how }).toEqual({ at: f.text, visible: true, how: f.how });
      seen.push(f.text);
    }
    for (const want of ["Sign out", "Dashboard", "Approvals", "All tools", "path", "content", "encoding", "createParents", "Call fs.write"]) expect(seen).toContain(want);
    await ctx.close();

    const phone = await context("phone");
    await signIn(phone.page, dev.url, TOKEN);
    const menu = phone.page.getByRole("button", { name: "Menu" });
    await menu.focus();
    await phone.page.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await shot(phone.page, "menu-open", "phone");
    await phone.page.getByRole("link", { name: "Agents" }).focus();
    await phone.page.keyboard.press("Enter");
    await phone.page.getByRole("heading", { level: 1, name: "Agents" }).waitFor();
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await phone.ctx.close();
  }, 60_000);

  test("API reference: rendered from the OpenAPI document (a fixture where this build serves none)", async () => {
    const { ctx, page } = await context();
    const served = (await dev.api("/api/v1/openapi.json")).status === 200;
    if (!served) {
      console.warn("src/web/console.test.ts: this build serves no /api/v1/openapi.json: the reference is rendered from src/web/openapi.fixture.json");
      await page.route("**/api/v1/openapi.json", (r) => r.fulfill({ path: join(import.meta.dir, "openapi.fixture.json"), contentType: "application/json" }));
    }
    await signIn(page, dev.url, TOKEN);
    await page.getByRole("link", { name: "API reference" }).click();
    // POST /api/v1/goals itself, not /api/v1/goals/{id}/cancel and the like.
    const postGoals = () => page.locator("details.op").filter({ has: page.locator("summary code", { hasText: /^\/api\/v1\/goals$/ }) }).filter({ has: page.locator("summary .method.post") });
    const post = postGoals();
    await post.locator("summary").focus();
    await page.keyboard.press("Enter"); // <details> opens by keyboard
    await showsText(post, "goal");
    expect(await post.evaluate((d: any) => d.open)).toBe(true);
    await page.getByLabel("Filter").fill("tools");
    await showsText(page.locator("main"), "/api/v1/tools/");
    expect(await page.locator("details.op", { hasText: "/api/v1/goals" }).count()).toBe(0);
    await page.getByLabel("Filter").fill("");
    await postGoals().locator("summary").click();
    await shot(page, "api-reference", "desktop");
    await ctx.close();
  }, 60_000);

  test("roles: a viewer sees no controls that change things", async () => {
    const res = await dev.api("/api/v1/tokens", { method: "POST", body: JSON.stringify({ role: "viewer", name: "console-viewer" }) });
    if (res.status === 404 || res.status === 401) {
      console.warn("src/web/console.test.ts: roles: this build has no POST /api/v1/tokens: the viewer check is skipped");
      return;
    }
    const viewer = ((await res.json()) as { token: string }).token;
    const { ctx, page } = await context();
    await signIn(page, dev.url, viewer);
    await visible(page.getByText("Signed in as viewer"));
    await page.getByRole("link", { name: "Goals" }).click();
    await visible(page.getByText("cannot submit them"));
    expect(await page.getByRole("button", { name: "Submit goal" }).count()).toBe(0);
    await page.getByRole("link", { name: "Approvals" }).click();
    await page.getByRole("heading", { level: 1, name: "Approvals" }).waitFor();
    expect(await page.getByRole("button", { name: /^Approve / }).count()).toBe(0);
    await page.goto(`${dev.url}/#/tools/fs.write`);
    await visible(page.getByText("cannot call them"));
    await shot(page, "viewer-tool", "desktop");
    await ctx.close();
  }, 60_000);
});

describe.skipIf(!CHROMIUM || !natsServerBinary())("web console: the fleet page (fleet mode on)", () => {
  test("lists the live nodes", async () => {
    const nats = await NatsServer.start();
    const cmdline = `aios.fleet.enabled=true aios.fleet.url=${nats.url} aios.fleet.node=web1 aios.fleet.labels=role=web aios.fleet.heartbeat=500ms`;
    const dev = await DevSystem.start({ token: TOKEN, args: ["--cmdline", cmdline] });
    const browser = await launchChromium();
    try {
      for (let i = 0; i < 200 && !dev.output.includes("fleet: web1 joined"); i++) await Bun.sleep(100);
      for (const size of ["desktop", "phone"] as const) {
        const ctx = await browser.newContext({ viewport: SIZES[size] });
        const page = await ctx.newPage();
        await signIn(page, dev.url, TOKEN);
        await page.goto(`${dev.url}/#/fleet`);
        await showsText(page.getByRole("region", { name: "Live nodes" }), "role=web");
        await shot(page, "fleet", size);
        await ctx.close();
      }
    } finally {
      await browser.close();
      await dev.stop();
      await nats.dispose();
    }
  }, 120_000);
});
