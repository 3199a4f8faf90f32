import { describe, expect, test } from "bun:test";
import { absolutePaths, hostPorts, hosts, maskQuotes, nameList, olderThanDays, parseSchedule, ports, quotedStrings, slug, urls } from "./extract";

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

describe("URLs, paths, hosts and ports", () => {
  test("URLs: http(s) only, trailing punctuation dropped, quoted ones too", () => {
    expect(urls("check http://127.0.0.1:8080/health, then https://example.com.")).toEqual(["http://127.0.0.1:8080/health", "https://example.com"]);
    expect(urls("check 'http://a.example/x'")).toEqual(["http://a.example/x"]);
    expect(urls("fetch ftp://x/y or file:///etc/passwd")).toEqual([]);
  });

  test("absolute paths outside URLs and quoted content; quoted paths count", () => {
    expect(absolutePaths("write 'x' to /etc/motd.")).toEqual(["/etc/motd"]);
    expect(absolutePaths("set a to b in /etc/nginx/nginx.conf")).toEqual(["/etc/nginx/nginx.conf"]);
    expect(absolutePaths("check http://h/etc/x")).toEqual([]);
    expect(absolutePaths("write '/not/a/target' to \"/srv/a b\"")).toEqual(["/not/a/target"]);
    expect(absolutePaths("cd /etc/../root")).toEqual([]);
    expect(absolutePaths("and/or / alone")).toEqual([]);
  });

  test("host:port, named ports and hosts", () => {
    expect(hostPorts("check localhost:8080 and 10.0.2.2:11434 and example.com:443")).toEqual([
      { host: "localhost", port: 8080 }, { host: "10.0.2.2", port: 11434 }, { host: "example.com", port: 443 },
    ]);
    expect(hostPorts("check http://localhost:8080/ and a:b and x:99999")).toEqual([]);
    expect(ports("check ports 80 and 443, port 22")).toEqual([80, 443, 22]);
    expect(ports("check port 70000")).toEqual([]);
    expect(hosts("is port 22 open on 10.0.2.2 or example.org?")).toEqual(["10.0.2.2", "example.org"]);
    expect(hosts("check port 80 on the box")).toEqual([]);
  });
});

describe("names, days, slugs", () => {
  test("a list of names with filler dropped", () => {
    expect(nameList("the nginx and curl, git & htop packages", new Set(["the", "packages"]))).toEqual(["nginx", "curl", "git", "htop"]);
  });

  test("older than N days, weeks or months", () => {
    expect([olderThanDays("files older than 3 days"), olderThanDays("older than 2 weeks"), olderThanDays("older than 1 month"), olderThanDays("old files")]).toEqual([3, 14, 30, undefined]);
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
    ["every 90 minutes", null],
    ["every day at 25:00", null],
    ["daily at 13pm", null],
    ["run 'every day' now", null],
  ];
  for (const [text, cron] of cases) {
    test(`${text} → ${cron}`, () => expect(parseSchedule(text)?.cron ?? null).toBe(cron));
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
