import { describe, expect, test } from "bun:test";
import { isHostName, maskQuotes, parseSchedule, quotedStrings, slug } from "./extract";

describe("quoted strings", () => {
  test("single, double, back and typographic quotes; apostrophes inside words are not quotes", () => {
    expect(quotedStrings(`write 'a b' to "x y" and \`sync\``).map((q) => [q.quote, q.text])).toEqual([["'", "a b"], ['"', "x y"], ["`", "sync"]]);
    expect(quotedStrings("remove nginx's config, don't ask")).toEqual([]);
    expect(quotedStrings("write \u2018hello\u2019 to /etc/motd").map((q) => q.text)).toEqual(["hello"]);
    expect(quotedStrings("write 'it's fine' to /x").map((q) => q.text)).toEqual(["it's fine"]);
    const text = "write 'a /etc/x' to /etc/motd";
    expect(maskQuotes(text).includes("/etc/x")).toBe(false);
    expect(maskQuotes(text)).toHaveLength(text.length);
  });
});

describe("host names and slugs", () => {
  test("a host name needs a dot and a top-level name, or is an address or localhost", () => {
    expect(["example.com", "deb.debian.org", "10.0.2.2", "::1", "localhost"].every(isHostName)).toBe(true);
    expect(["nginx", "a..b", "-x.com", "example.c"].some(isHostName)).toBe(false);
  });

  test("slugs are safe names", () => {
    expect([slug("free disk space"), slug("  Check Port 80!  "), slug("!!!")]).toEqual(["free-disk-space", "check-port-80", "job"]);
  });
});

describe("schedules in words", () => {
  const cases: Array<[string, string | null]> = [
    ["every 5 minutes", "*/5 * * * *"],
    ["every minute", "* * * * *"],
    ["every 1 minutes", "* * * * *"],
    ["hourly", "0 * * * *"],
    ["every 2 hours", "0 */2 * * *"],
    ["every day at 3am", "0 3 * * *"],
    ["daily at 02:30", "30 2 * * *"],
    ["at 3:15 pm every day", "15 15 * * *"],
    ["every night at midnight", "0 0 * * *"],
    ["every day at noon", "0 12 * * *"],
    ["daily", "0 0 * * *"],
    ["every weekday at 6pm", "0 18 * * 1-5"],
    ["on weekends at 10am", "0 10 * * 0,6"],
    ["every monday at 9", "0 9 * * 1"],
    ["on fridays at 17:00", "0 17 * * 5"],
    ["weekly", "0 0 * * 0"],
    ["monthly at 4am", "0 4 1 * *"],
    ["with cron '0 4 * * *'", "0 4 * * *"],
    ["'*/10 * * * *'", "*/10 * * * *"],
    ["at 3am", null],
    ["every 120 minutes", "0 */2 * * *"],
    ["every evening at 8", "0 20 * * *"],
    ["every night at 11", "0 23 * * *"],
    ["every night at 2am", "0 2 * * *"],
    ["every morning at 7", "0 7 * * *"],
    ["every morning at 9pm", null],
    ["every day at 25:00", null],
    ["daily at 13pm", null],
    ["run 'every day' now", null],
  ];
  for (const [text, cron] of cases) {
    test(`${text} → ${cron}`, () => expect(parseSchedule(text)?.cron ?? null).toBe(cron));
  }

  // Said plainly but not cron: read, with why, so the refusal names it (never a nearby schedule).
  for (const text of ["every 90 minutes", "every 48 hours", "every other tuesday", "fortnightly", "every morning"]) {
    test(`${text} → refused with a reason`, () => {
      const s = parseSchedule(text);
      expect(s?.cron).toBe("");
      expect(s?.problem).toContain(text);
    });
  }

  test("the spans cover the schedule words, so the rest is what to run", () => {
    const text = "run 'free disk space' every day at 3am";
    const s = parseSchedule(text)!;
    let rest = text;
    for (const [a, b] of [...s.spans].sort((x, y) => y[0] - x[0])) rest = rest.slice(0, a) + rest.slice(b);
    expect(rest.trim()).toBe("run 'free disk space'");
    expect(s.words).toBe("every day at 03:00");
  });
});
