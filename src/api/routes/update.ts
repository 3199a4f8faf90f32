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
import { UPDATE_BODY_BYTES } from "../limits";
import type { ApiDeps } from "../types";

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
    .get("/system/update", (c) => c.json(updates(deps).status(50)))
    .put("/system/update", async (c) => {
      const u = updates(deps);
      const length = c.req.header("content-length");
      if (length !== undefined && Number(length) > UPDATE_BODY_BYTES) {
        throw new HttpError(413, "too_large", `body: ${length} bytes is more than an update image may be (${UPDATE_BODY_BYTES} bytes)`, { field: "body" });
      }
      const body = c.req.raw.body;
      if (!body) throw new HttpError(400, "bad_image", "body: send an update image (make update-image VERSION=x)", { field: "body" });
      const done = await u.install(body, "api").catch(asHttp);
      return c.json({ slot: done.slot, version: done.version, commit: done.commit, size: done.size, sha256: done.sha256, next: done.next });
    })
    .post("/system/rollback", (c) => {
      const r = (() => {
        try {
          return updates(deps).rollback("api");
        } catch (err) {
          return asHttp(err);
        }
      })();
      return c.json({ next: r.slot, version: r.version, detail: r.detail });
    });
}
