/**
 * The client side of an update, for `aios-init ctl update FILE` (the ctl CLI
 * wires this in): stream a file made by `make update-image` to a running
 * system's `PUT /api/v1/system/update` and return what it answered. The file
 * is read as it is sent, never whole into memory.
 */
import { AiosError } from "../sys";

export interface UpdateClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  token: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface UpdateAccepted {
  slot: string;
  version: string;
  commit: string | null;
  size: number;
  sha256: string;
  next: string;
}

/** The system refused the image or could not take it: `code` and `status` are the API's. */
export class UpdateRefused extends AiosError {
  constructor(code: string, message: string, readonly status: number) {
    super(code, message);
  }
}

export async function sendUpdate(file: string, opts: UpdateClientOptions): Promise<UpdateAccepted> {
  const body = Bun.file(file);
  if (!(await body.exists())) throw new AiosError("ENOENT", `${file}: no such file`);
  const res = await (opts.fetch ?? fetch)(new URL("/api/v1/system/update", opts.url), {
    method: "PUT",
    headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/octet-stream" },
    body,
    signal: opts.signal,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpdateRefused("bad_response", `${opts.url}: HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
  }
  if (!res.ok) throw new UpdateRefused(json?.error?.code ?? "error", json?.error?.message ?? `HTTP ${res.status}`, res.status);
  return json as UpdateAccepted;
}
