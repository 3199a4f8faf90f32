/**
 * Driving the web console in a real browser, for its tests and the VM test:
 * Debian's Chromium through playwright-core (never a downloaded browser).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

const ROOT = resolve(import.meta.dir, "../..");
export const ART = join(ROOT, "out/test-artifacts/console");
export const CHROMIUM = Bun.which("chromium") ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
export const NO_CHROMIUM = "chromium is not installed (build/deps.sh installs Debian's package): web console tests skipped";

// What page.evaluate's functions see: the browser's globals (this file is typed without the DOM library).
declare const document: any;

/** Waits (15 s at most) until the first match shows `want`. */
export async function showsText(l: Locator, want: string | RegExp): Promise<void> {
  const first = l.first();
  await first.waitFor({ timeout: 15_000 });
  const end = Date.now() + 15_000;
  for (;;) {
    const text = await first.innerText();
    if (typeof want === "string" ? text.includes(want) : want.test(text)) return;
    if (Date.now() > end) throw new Error(`expected ${first} to show ${want}; it shows ${JSON.stringify(text.slice(0, 500))}`);
    await Bun.sleep(100);
  }
}

/** Every page of the console: its hash route and its heading. */
export const CONSOLE_PAGES: Array<[string, string | RegExp]> = [
  ["", "Dashboard"],
  ["goals", "Goals"],
  ["approvals", "Approvals"],
  ["agents", "Agents"],
  ["tools", "Tools"],
  ["tools/fs.write", "fs.write"],
  ["audit", "Audit"],
  ["memory", "Memory"],
  ["models", "Models"],
  ["gateway", "Gateway"],
  ["api", "API reference"],
];

export const visible = (l: Locator) => l.first().waitFor({ state: "visible", timeout: 15_000 });

export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } } as const;
export type Size = keyof typeof SIZES;

export function launchChromium(): Promise<Browser> {
  // As root Chromium needs --no-sandbox; the pages are our own, on loopback.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
}

/** Signs in by keyboard only: the token field, then Enter. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("API token").focus();
  await page.keyboard.type(token);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
}

/** Waits until no "Loading…" is left on the page, so a screenshot shows data. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.innerText.includes("Loading…"), undefined, { timeout: 15_000 }).catch(() => {});
}

export async function shot(page: Page, name: string, size: Size): Promise<void> {
  mkdirSync(ART, { recursive: true });
  await page.screenshot({ path: join(ART, `${name || "dashboard"}-${size}.png`.replaceAll("/", "-")), fullPage: true });
}

