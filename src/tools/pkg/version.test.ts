import { describe, expect, test } from "bun:test";
import { compareVersions, parseOp, parseVersion, satisfies } from "./version";

const sign = (n: number) => Math.sign(n);

describe("compareVersions", () => {
  // [a, b, expected sign of compare(a, b)]: cases from dpkg's own test suite and Debian policy 5.6.12.
  const table: Array<[string, string, number]> = [
    ["1.0", "1.0", 0],
    ["1.0", "1.0-0", 0],
    ["0:1.0", "1.0", 0],
    ["1.0", "1.1", -1],
    ["1.10", "1.9", 1],
    ["1.0-1", "1.0-2", -1],
    ["1.0-10", "1.0-9", 1],
    ["1:0.1", "2.0", 1],
    ["2:1.0", "1:9.9", 1],
    ["1.0~rc1", "1.0", -1],
    ["1.0~rc1", "1.0~rc2", -1],
    ["1.0~~", "1.0~", -1],
    ["1.0~", "1.0", -1],
    ["1.0", "1.0+b1", -1],
    ["1.0a", "1.0", 1],
    ["1.0a", "1.0+", -1],
    ["1.0", "1.0.", -1],
    ["1.0-1", "1.0-1~bpo1", 1],
    ["1.22.1-9+deb12u11", "1.22.1-9+deb12u9", 1],
    ["1.22.1-9+deb12u11", "1.22.1-9+deb12u11.1~", -1],
    ["2.36-9+deb12u14", "2.34", 1],
    ["1:1.2.13.dfsg-1", "1:1.1.4", 1],
    ["1:4.4.33-2", "1:4.1.0", 1],
    ["3.0.22-1~deb12u2", "3.0.0", 1],
    ["001", "1", 0],
    ["1.001", "1.1", 0],
    ["a", "b", -1],
    ["1-1-1", "1-1", 1],
    ["10.42-1+deb12u2", "10.22", 1],
  ];
  for (const [a, b, want] of table) {
    test(`${a} vs ${b}`, () => {
      expect(sign(compareVersions(a, b))).toBe(want);
      expect(sign(compareVersions(b, a))).toBe(want === 0 ? 0 : -want);
    });
  }

  test("sorting a list puts ~ first and epochs last", () => {
    const list = ["1.0", "1:0.5", "1.0~beta", "1.0-1", "0.9", "1.0+git1"];
    expect(list.sort(compareVersions)).toEqual(["0.9", "1.0~beta", "1.0", "1.0-1", "1.0+git1", "1:0.5"]);
  });
});

describe("parseVersion", () => {
  test("splits epoch, upstream and revision at the last hyphen", () => {
    expect(parseVersion("1:2.3-4-5")).toEqual({ epoch: 1, upstream: "2.3-4", revision: "5" });
    expect(parseVersion("2.3")).toEqual({ epoch: 0, upstream: "2.3", revision: "" });
  });
  test("refuses a non-numeric epoch", () => {
    expect(() => parseVersion("a:1.0")).toThrow("epoch");
  });
});

describe("satisfies", () => {
  test("each operator", () => {
    expect(satisfies("1.0", "<<", "1.1")).toBe(true);
    expect(satisfies("1.1", "<<", "1.1")).toBe(false);
    expect(satisfies("1.1", "<=", "1.1")).toBe(true);
    expect(satisfies("1.1", "=", "1.1-0")).toBe(true);
    expect(satisfies("1.2", ">=", "1.1")).toBe(true);
    expect(satisfies("1.1", ">>", "1.1")).toBe(false);
    expect(satisfies("1.22.1-9+deb12u11", "<<", "1.22.1-9+deb12u11.1~")).toBe(true);
  });
  test("obsolete < and > mean <= and >=", () => {
    expect(parseOp("<")).toBe("<=");
    expect(parseOp(">")).toBe(">=");
    expect(parseOp("=>")).toBeNull();
  });
});
