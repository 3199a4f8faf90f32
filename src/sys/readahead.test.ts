import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAGE_SIZE } from "./libc";
import { blockRuns, formatReadahead, parseReadahead, READAHEAD_UNIT, readaheadList, readaheadSize, recordReadahead, residentBlocks, residentFiles } from "./readahead";

const PPB = READAHEAD_UNIT / PAGE_SIZE;
/** A mincore vector of `blocks` blocks with the given ones resident (one page each, anywhere in the block). */
function pages(blocks: number, resident: number[], at = 7): Uint8Array {
  const v = new Uint8Array(blocks * PPB);
  for (const b of resident) v[b * PPB + at] = 1;
  return v;
}

describe("residentBlocks and blockRuns", () => {
  test("a block counts when any page of it is resident; only bit 0 means resident", () => {
    const v = pages(3, [1], PPB - 1);
    v[0] = 0b10; // mincore's other bits are reserved
    expect(residentBlocks(v, PPB)).toEqual([false, true, false]);
    expect(residentBlocks(new Uint8Array(PPB + 1).fill(1, PPB), PPB)).toEqual([false, true]); // a short last block
  });

  test("runs one block apart merge, two apart stay apart", () => {
    const b = residentBlocks(pages(12, [0, 1, 3, 6, 7, 8, 11]), PPB);
    expect(blockRuns(b)).toEqual([[0, 4], [6, 3], [11, 1]]);
    expect(blockRuns(b, 0)).toEqual([[0, 2], [3, 1], [6, 3], [11, 1]]);
    expect(blockRuns([false, false])).toEqual([]);
  });
});

describe("readaheadList", () => {
  test("what was resident at the start comes first, then the rest without it", () => {
    const now = new Map([["/usr/sbin/aios-init", pages(10, [0, 1, 4, 5, 8, 9])], ["/usr/lib/x.so", pages(2, [1])]]);
    const first = new Map([["/usr/sbin/aios-init", pages(10, [4, 5])]]);
    const list = readaheadList("0.1.0 abc", now, first);
    expect(list.ranges).toEqual([
      { path: "/usr/sbin/aios-init", start: 4, count: 2 },
      { path: "/usr/sbin/aios-init", start: 0, count: 2 },
      { path: "/usr/sbin/aios-init", start: 8, count: 2 },
      { path: "/usr/lib/x.so", start: 1, count: 1 },
    ]);
    expect(readaheadSize(list)).toEqual({ blocks: 7, bytes: 7 * READAHEAD_UNIT });
  });
});

describe("the list's text", () => {
  test("round-trips, and is what initramfs/init reads: an image line, a unit line, then path start count", () => {
    const list = { image: "0.1.0 19f9f7d2ee98-dirty", unit: READAHEAD_UNIT, ranges: [{ path: "/usr/sbin/aios-init", start: 96, count: 71 }] };
    const text = formatReadahead(list);
    expect(text).toBe("image 0.1.0 19f9f7d2ee98-dirty\nunit 524288\n/usr/sbin/aios-init 96 71\n");
    expect(parseReadahead(text)).toEqual(list);
  });

  test("a text without the header is no list; lines that are not ranges are skipped", () => {
    expect(parseReadahead("")).toBeNull();
    expect(parseReadahead("unit 4096\n")).toBeNull();
    expect(parseReadahead("image 1 x\nunit 0\n")).toBeNull();
    expect(parseReadahead("image 1 x\nunit 4096\nrelative 1 2\n/usr/a -1 2\n/usr/b 3 4\n")?.ranges).toEqual([{ path: "/usr/b", start: 3, count: 4 }]);
  });
});

describe("recordReadahead", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-readahead-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("a file just written is all in the page cache: one run covering it; a missing file is left out", () => {
    mkdirSync(join(dir, "root/usr/sbin"), { recursive: true });
    writeFileSync(join(dir, "root/usr/sbin/prog"), Buffer.alloc(2 * READAHEAD_UNIT + 100, 7)); // three blocks, the last short
    const listPath = join(dir, "readahead");
    const list = recordReadahead(listPath, "1.0 b", ["/usr/sbin/prog", "/usr/sbin/absent"], join(dir, "root"));
    expect(list.ranges).toEqual([{ path: "/usr/sbin/prog", start: 0, count: 3 }]);
    expect(parseReadahead(readFileSync(listPath, "utf8"))).toEqual(list);
    expect([...residentFiles(["/usr/sbin/prog"], join(dir, "root")).keys()]).toEqual(["/usr/sbin/prog"]);
  });

  test("an empty file has no pages and no runs", () => {
    writeFileSync(join(dir, "empty"), "");
    expect(residentFiles(["/empty"], dir).get("/empty")).toEqual(new Uint8Array(0));
    expect(readaheadList("1 b", residentFiles(["/empty"], dir)).ranges).toEqual([]);
  });
});
