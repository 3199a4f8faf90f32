/**
 * `aios-init ctl [--url URL] [--token T] VERB …`: talk to a running system
 * over its HTTP API, as an ordinary process (from the host, or a shell in the
 * guest), never as PID 1. Only `update FILE` is here (issue 16); the other
 * verbs of issue 14 go beside it, with the same options.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { errorMessage } from "../sys";
import { sendUpdate, UpdateRefused } from "../update";
import { layout } from "./context";
import { UsageError } from "./options";
import { TOKEN_FILE } from "./token";

export const CTL_USAGE = `usage: aios-init ctl [--url URL] [--token T | --state DIR] [--json] update FILE

  update FILE  stream an image made by \`make update-image\` to PUT /api/v1/system/update:
               it is written into the inactive slot and tried once at the next boot
  --url        the system's API (default $AIOS_URL, else http://127.0.0.1:8080)
  --token      an admin token (default $AIOS_TOKEN, else STATE/var/lib/aios/secrets/api-token,
               else /var/lib/aios/secrets/api-token when run in the guest)
  --state      a dev-mode state directory, to read its token
  --json       print the API's answer as it is

exit status: 0 accepted, 1 refused or unreachable, 2 usage`;

export interface CtlIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const DEFAULT_IO: CtlIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
const DEFAULT_URL = "http://127.0.0.1:8080";

/** The token: the flag, the environment, then the token file the system wrote (a dev state, or this guest's). */
function findToken(values: { token?: string; state?: string }, env: CtlIo["env"]): string {
  if (values.token) return values.token;
  if (env.AIOS_TOKEN) return env.AIOS_TOKEN;
  const files = [...(values.state ? [join(layout(resolve(values.state)).secrets, TOKEN_FILE)] : []), join(layout("/").secrets, TOKEN_FILE)];
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      const token = readFileSync(file, "utf8").trim();
      if (token) return token;
    } catch {
      // unreadable (not root in the guest): try the next, then say what is missing
    }
  }
  throw new UsageError(`no token: pass --token, set AIOS_TOKEN or pass --state DIR (looked in ${files.join(", ")})`);
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url: not a URL (got ${JSON.stringify(raw.slice(0, 200))})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url: must be http or https (got ${url.protocol})`);
  return url.origin;
}

/** Runs the subcommand; returns the exit status. */
export async function ctlCommand(argv: string[], io: CtlIo = DEFAULT_IO): Promise<number> {
  let values: { url?: string; token?: string; state?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { url: { type: "string" }, token: { type: "string" }, state: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    io.err(`aios-init ctl: ${errorMessage(err)}\n${CTL_USAGE}`);
    return 2;
  }
  const [verb, file, ...rest] = positionals;
  if (values.help) {
    io.out(CTL_USAGE);
    return 0;
  }
  let url: string, token: string;
  try {
    if (verb !== "update") throw new UsageError(verb ? `${verb}: unknown verb (update)` : "a verb is required (update)");
    if (!file || rest.length) throw new UsageError("update: one FILE is required");
    url = parseUrl(values.url ?? io.env.AIOS_URL ?? DEFAULT_URL);
    token = findToken(values, io.env);
  } catch (err) {
    io.err(`aios-init ctl: ${errorMessage(err)}\n${CTL_USAGE}`);
    return 2;
  }
  try {
    const r = await sendUpdate(resolve(file), { url, token });
    io.out(values.json ? JSON.stringify(r) : `update: version ${r.version} written into slot ${r.slot} (${r.size} bytes, sha256 ${r.sha256.slice(0, 16)}…); ${r.next}`);
    return 0;
  } catch (err) {
    const why = err instanceof UpdateRefused ? `refused (HTTP ${err.status}, ${err.code}): ${err.message}` : errorMessage(err);
    io.err(values.json && err instanceof UpdateRefused ? JSON.stringify({ error: { code: err.code, message: err.message }, status: err.status }) : `aios-init ctl update: ${file}: ${why}`);
    return 1;
  }
}
