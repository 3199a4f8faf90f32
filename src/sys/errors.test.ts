import { describe, expect, test } from "bun:test";
import { AiosError, errnoName, errorCode, errorMessage, SysError } from "./errors";

describe("errnoName", () => {
  test("known numbers", () => {
    expect(errnoName(1)).toBe("EPERM");
    expect(errnoName(2)).toBe("ENOENT");
    expect(errnoName(16)).toBe("EBUSY");
    expect(errnoName(17)).toBe("EEXIST");
    expect(errnoName(22)).toBe("EINVAL");
    expect(errnoName(10)).toBe("ECHILD");
  });
  test("unknown numbers are spelt out", () => {
    expect(errnoName(9999)).toBe("errno 9999");
    expect(errnoName(0)).toBe("errno 0");
  });
});

describe("SysError", () => {
  test("message names the object and the errno", () => {
    const e = new SysError(1, "mount tmpfs on /tmp");
    expect(e.message).toBe("mount tmpfs on /tmp: EPERM");
    expect(e.code).toBe("EPERM");
    expect(e.errno).toBe(1);
    expect(e.name).toBe("SysError");
    expect(e).toBeInstanceOf(AiosError);
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toBe("SysError: mount tmpfs on /tmp: EPERM");
  });
  test("unknown errno", () => {
    expect(new SysError(200, "reboot").message).toBe("reboot: errno 200");
    expect(new SysError(200, "reboot").code).toBe("errno 200");
  });
});

describe("AiosError", () => {
  test("code, name and cause", () => {
    const cause = new Error("inner");
    const e = new AiosError("bad_disk", "disk: bad", { cause });
    expect(e.code).toBe("bad_disk");
    expect(e.message).toBe("disk: bad");
    expect(e.name).toBe("AiosError");
    expect(e.cause).toBe(cause);
  });
});

describe("errorCode / errorMessage", () => {
  test("errorCode reads a string code from anything", () => {
    expect(errorCode(new SysError(16, "mount"))).toBe("EBUSY");
    expect(errorCode(Object.assign(new Error("x"), { code: "EEXIST" }))).toBe("EEXIST");
    expect(errorCode({ code: 5 })).toBeUndefined();
    expect(errorCode(new Error("x"))).toBeUndefined();
    expect(errorCode("EBUSY")).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });
  test("errorMessage", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
  });
});
