/**
 * mkupdate.ts keygen DIR
 *   DIR/update.key (ed25519 private key, PKCS#8 PEM, mode 0600) and
 *   DIR/update.pub (SPKI PEM), unless the key is there already.
 * mkupdate.ts pack OUT SYSTEM.sqfs KEY OS-RELEASE
 *   OUT: the update image (src/update/image.ts): header lines naming the
 *   version and commit from OS-RELEASE (IMAGE_VERSION, BUILD_ID), the size
 *   and sha256 of SYSTEM.sqfs, signed with KEY; then SYSTEM.sqfs.
 */
import { createHash, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { encodeHead } from "../src/update/image";

function die(msg: string): never {
  console.error(`mkupdate: ${msg}`);
  process.exit(1);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "keygen") {
  const [dir] = args;
  if (!dir) die("usage: mkupdate.ts keygen DIR");
  const key = join(dir, "update.key"), pub = join(dir, "update.pub");
  if (existsSync(key)) {
    if (!existsSync(pub)) die(`${key} exists without ${pub}: restore it or move both away`);
    process.exit(0);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  writeFileSync(`${key}.tmp`, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  chmodSync(`${key}.tmp`, 0o600);
  writeFileSync(`${pub}.tmp`, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644 });
  renameSync(`${pub}.tmp`, pub);
  renameSync(`${key}.tmp`, key);
} else if (cmd === "pack") {
  const [out, sqfs, keyFile, osRelease] = args;
  if (!out || !sqfs || !keyFile || !osRelease) die("usage: mkupdate.ts pack OUT SYSTEM.sqfs KEY OS-RELEASE");
  const fields = Object.fromEntries(readFileSync(osRelease, "utf8").split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).replace(/^"|"$/g, "")]));
  const version = fields.IMAGE_VERSION ?? die(`${osRelease}: no IMAGE_VERSION`);
  const key = createPrivateKey(readFileSync(keyFile));
  const hash = createHash("sha256");
  const size = statSync(sqfs).size;
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  const read = (each: (b: Buffer) => void) => {
    const fd = openSync(sqfs, "r");
    try {
      for (let pos = 0; pos < size; ) {
        const n = readSync(fd, chunk, 0, chunk.length, pos);
        each(chunk.subarray(0, n));
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  };
  read((b) => hash.update(b));
  const commit = fields.BUILD_ID && fields.BUILD_ID !== "unknown" ? fields.BUILD_ID : null;
  const created = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString() : undefined;
  const head = encodeHead({ version, commit, created }, { size, sha256: hash.digest("hex") }, key);
  const fd = openSync(`${out}.tmp`, "w");
  try {
    writeSync(fd, head);
    read((b) => writeSync(fd, b));
  } finally {
    closeSync(fd);
  }
  renameSync(`${out}.tmp`, out);
  if (process.env.V === "1") console.log(`mkupdate: ${out}: version ${version}, ${(size / 1048576).toFixed(1)} MiB`);
} else {
  die("usage: mkupdate.ts keygen DIR | pack OUT SYSTEM.sqfs KEY OS-RELEASE");
}
