/**
 * System updates (src/update): `PUT /system/update` streams an update image
 * (make update-image) into the inactive slot — the body goes to disk as it
 * arrives, never whole into memory — and schedules its trial boot;
 * `POST /system/rollback` makes the next boot run the other slot. Refusals
 * are 4xx with the update's own code and a reason that names the image
 * (`unsigned`, `bad_signature`, `bad_checksum`, `too_large`, ...).
 */
import { Hono } from "hono";
import { UpdateError } from "../../update";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { UPDATE_BODY_BYTES } from "../limits";
import type { ApiDeps } from "../types";
import { json } from "../json";

function updates(deps: ApiDeps) {
  const u = deps.update?.();
  if (!u) throw new HttpError(503, "unavailable", "system updates are not available (the boot did not set them up)");
  return u;
}

function asHttp(err: unknown): never {
  if (err instanceof UpdateError) throw new HttpError(err.status, err.code, err.message, { cause: err });
  throw err;
}

export function updateRoutes(deps: ApiDeps) {
  return new Hono()
    .get(
      "/system/update",
      doc({ summary: "A/B system updates: the running slot, both slots, what boots next, the history" }, (c) => json(updates(deps).status(50))),
    )
    .put(
      "/system/update",
      doc({
        summary: "Install an update image (make update-image) into the inactive slot, tried once at the next boot",
        description: "The body is the image, streamed to disk. Refused with 400 (unsigned, bad_signature, bad_checksum, bad_image, truncated), 413 (too_large) or 409 (busy, on_trial, no_slots); the slot keeps what it held.",
        rawBody: "application/octet-stream",
        responses: { 200: "Written and checked; the next boot tries it." },
      }, async (c) => {
      const u = updates(deps);
      const length = c.req.header("content-length");
      if (length !== undefined && Number(length) > UPDATE_BODY_BYTES) {
        throw new HttpError(413, "too_large", `body: ${length} bytes is more than an update image may be (${UPDATE_BODY_BYTES} bytes)`, { field: "body" });
      }
      const body = c.req.raw.body;
      if (!body) throw new HttpError(400, "bad_image", "body: send an update image (make update-image VERSION=x)", { field: "body" });
      const done = await u.install(body, "api").catch(asHttp);
      return json({ slot: done.slot, version: done.version, commit: done.commit, size: done.size, sha256: done.sha256, next: done.next });
    }))
    .post(
      "/system/rollback",
      doc({ summary: "Make the next boot run the other slot (or cancel an update not yet tried); nothing reboots", responses: { 200: "What boots next.", 409: "Nothing to roll back to (no_rollback)." } }, (c) => {
      const r = (() => {
        try {
          return updates(deps).rollback("api");
        } catch (err) {
          return asHttp(err);
        }
      })();
      return json({ next: r.slot, version: r.version, detail: r.detail });
    }));
}
