/**
 * API keys. A key lives in a Secret whose value only `reveal()` gives out,
 * so printing, logging or serialising one by mistake shows `[secret]`. Text
 * that came back from a provider (error messages may quote the key) passes
 * through `redact` before it reaches an error or a log line.
 */
import { readFileSync, statSync } from "node:fs";
import { errorCode } from "../sys";

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[secret]";
  }
}

export interface KeyRead {
  key: Secret | null;
  /** Why there is no key, or a warning about the one there is. */
  note?: string;
}

/**
 * Reads a key file: the first line, trimmed. A file that others can read is
 * used (refusing would only break the boot) with a warning to chmod it.
 */
export function readKeyFile(hostPath: string, shownPath: string): KeyRead {
  let text: string;
  let mode: number;
  try {
    mode = statSync(hostPath).mode;
    text = readFileSync(hostPath, "utf8");
  } catch (err) {
    const code = errorCode(err) ?? "EIO";
    return { key: null, note: code === "ENOENT" ? `no key file ${shownPath}` : `key file ${shownPath}: ${code}` };
  }
  const value = (text.split("\n")[0] ?? "").trim();
  if (!value) return { key: null, note: `key file ${shownPath} is empty` };
  const note = mode & 0o077 ? `key file ${shownPath} has mode ${(mode & 0o777).toString(8).padStart(4, "0")}; it should be 0600 (chmod 600 ${shownPath})` : undefined;
  return { key: new Secret(value), note };
}

/** Replaces every occurrence of the key, and of any 12-character run of it, with `[redacted]`. */
export function redact(text: string, key: Secret | null): string {
  if (!key) return text;
  const k = key.reveal();
  let out = text.split(k).join("[redacted]");
  // Providers quote keys partly ("sk-proj-abc...wxyz"); a long fragment is still a leak.
  const RUN = 12;
  if (k.length > RUN) {
    for (let i = 0; i + RUN <= k.length; i++) {
      const frag = k.slice(i, i + RUN);
      if (out.includes(frag)) out = out.split(frag).join("[redacted]");
    }
  }
  return out;
}
