/**
 * The `ar` archive a .deb is (deb(5)): "!<arch>\n", then members with a
 * 60-byte header each (name, mtime, uid, gid, mode, size in decimal, "`\n"),
 * data padded to an even offset. GNU (`name/`) and BSD (`#1/len`) long names
 * are both understood, though dpkg-deb writes neither.
 */

export interface ArMember {
  name: string;
  mode: number;
  data: Uint8Array;
}

const MAGIC = "!<arch>\n";
const HEADER = 60;
const latin1 = new TextDecoder("latin1");

export class ArFormatError extends Error {}

export function parseAr(buf: Uint8Array): ArMember[] {
  if (buf.length < MAGIC.length || latin1.decode(buf.subarray(0, MAGIC.length)) !== MAGIC) throw new ArFormatError("not an ar archive (bad magic)");
  const members: ArMember[] = [];
  let gnuNames: string | null = null;
  let off = MAGIC.length;
  while (off < buf.length) {
    if (off + HEADER > buf.length) throw new ArFormatError(`truncated member header at offset ${off}`);
    const h = latin1.decode(buf.subarray(off, off + HEADER));
    if (h.slice(58, 60) !== "`\n") throw new ArFormatError(`bad member header at offset ${off}`);
    let name = h.slice(0, 16).trimEnd();
    const size = Number.parseInt(h.slice(48, 58).trim(), 10);
    const mode = Number.parseInt(h.slice(40, 48).trim() || "0", 8);
    if (!Number.isFinite(size) || size < 0) throw new ArFormatError(`bad size in member header at offset ${off}`);
    let start = off + HEADER;
    const end = start + size;
    if (end > buf.length) throw new ArFormatError(`member ${name} is truncated (${size} bytes declared, ${buf.length - start} present)`);
    let data = buf.subarray(start, end);
    if (name === "//") {
      gnuNames = latin1.decode(data);
    } else if (name !== "/" && name !== "/SYM64/") {
      if (name.startsWith("#1/")) {
        const len = Number.parseInt(name.slice(3), 10);
        name = latin1.decode(data.subarray(0, len)).replace(/\0+$/, "");
        start += len;
        data = buf.subarray(start, end);
      } else if (/^\/\d+$/.test(name) && gnuNames !== null) {
        const at = Number.parseInt(name.slice(1), 10);
        const stop = gnuNames.indexOf("/\n", at);
        name = gnuNames.slice(at, stop < 0 ? undefined : stop);
      } else if (name.endsWith("/")) {
        name = name.slice(0, -1);
      }
      members.push({ name, mode, data });
    }
    off = end + (size % 2);
  }
  return members;
}
