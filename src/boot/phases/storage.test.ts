import { describe, expect, test } from "bun:test";
import { classifyDisk, storage } from "./storage";

function head(size = 128 * 1024): Uint8Array {
  return new Uint8Array(size);
}

describe("classifyDisk", () => {
  test("all zeros is blank", () => {
    expect(classifyDisk(head())).toBe("blank");
  });

  test("the ext magic 0xEF53 (little-endian) at byte 1080 is ext", () => {
    const h = head();
    h[1080] = 0x53;
    h[1081] = 0xef;
    expect(classifyDisk(h)).toBe("ext");
    h[0] = 0xff; // anything else on the disk does not matter
    h[5000] = 1;
    expect(classifyDisk(h)).toBe("ext");
  });

  test("the magic in the wrong byte order or place is not ext", () => {
    const swapped = head();
    swapped[1080] = 0xef;
    swapped[1081] = 0x53;
    expect(classifyDisk(swapped)).toBe("other");
    const shifted = head();
    shifted[1079] = 0x53;
    shifted[1080] = 0xef;
    expect(classifyDisk(shifted)).toBe("other");
    const half = head();
    half[1080] = 0x53;
    expect(classifyDisk(half)).toBe("other");
  });

  test("any non-zero byte anywhere makes it other (never formatted)", () => {
    for (const at of [0, 510, 1081, 128 * 1024 - 1]) {
      const h = head();
      h[at] = 0x01;
      expect(classifyDisk(h)).toBe("other");
    }
  });

  test("an MBR signature is other", () => {
    const h = head();
    h[510] = 0x55;
    h[511] = 0xaa;
    expect(classifyDisk(h)).toBe("other");
  });
});

describe("storage phase", () => {
  test("required, with the disk steps pid1Only and layout always run", () => {
    expect(storage.required).toBe(true);
    expect(storage.steps.map((s) => [s.name, s.pid1Only === true])).toEqual([["data disk", true], ["mount data", true], ["layout", false], ["last good config", false], ["hostname and time zone", true], ["system slot", false], ["readahead", true]]);
  });
});
