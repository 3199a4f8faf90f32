/** fs.read: a file's content, as text or base64, up to a byte limit. */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as v from "valibot";
import { indented } from "../summary";
import { formatBytes } from "../units";
import { defineTool } from "../define";
import { attempt, FsError } from "./errors";
import { encoding, guestPath } from "./common";
import { resolvePath, pathsRisk } from "./paths";

const MAX_BYTES = 64 * 1024 * 1024;

export const fsRead = defineTool({
  name: "fs.read",
  description: "Read a file (utf8 or base64), at most maxBytes from offset.",
  input: v.strictObject({
    path: guestPath,
    encoding,
    maxBytes: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(MAX_BYTES, `must be at most ${MAX_BYTES}`)), 1024 * 1024),
    offset: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 0),
  }),
  output: v.object({ path: v.string(), encoding: v.string(), content: v.string(), size: v.number(), bytes: v.number(), truncated: v.boolean() }),
  risk: "low",
  riskOf: pathsRisk(false, "path"),
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const r = resolvePath(ctx.env, "fs.read", args.path);
    return attempt("fs.read", args.path, () => {
      const fd = openSync(r.host, "r");
      try {
        const st = fstatSync(fd);
        if (st.isDirectory()) throw new FsError("EISDIR", "fs.read", args.path, "EISDIR (is a directory; use fs.list)");
        const want = Math.max(0, Math.min(args.maxBytes, st.size - args.offset));
        const buf = Buffer.alloc(want);
        let got = 0;
        while (got < want) {
          const n = readSync(fd, buf, got, want - got, args.offset + got);
          if (n === 0) break;
          got += n;
        }
        const data = buf.subarray(0, got);
        return {
          path: r.guest,
          encoding: args.encoding,
          content: data.toString(args.encoding),
          size: st.size,
          bytes: got,
          truncated: args.offset + got < st.size,
        };
      } finally {
        closeSync(fd);
      }
    });
  },
  summarize: (o) => {
    const head = `${o.path}: ${formatBytes(o.bytes)}${o.truncated ? ` of ${formatBytes(o.size)} shown` : ""}`;
    if (o.encoding !== "utf8") return `${head} (base64)`;
    const lines = o.content.replace(/\n$/, "").split("\n");
    return o.bytes === 0 ? `${o.path} is empty` : [head, ...indented(lines, 20, "head")].join("\n");
  },
});
