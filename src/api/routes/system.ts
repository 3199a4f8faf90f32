import { Hono } from "hono";
import { buildInfo } from "../../sys";
import { doc } from "../openapi";
import type { ApiDeps } from "../types";
import { json } from "../json";

export function systemRoutes(deps: ApiDeps) {
  const build = buildInfo();
  return new Hono().get(
    "/system",
    doc(
      { summary: "The system: version and commit, hostname, kernel, uptime, memory, boot phases and timings, event-loop stalls" },
      // The build's version and commit unless the boot layer knows better (the image's own, on an updated slot).
      (c) => json({ version: build.version, commit: build.commit, ...deps.system() }),
    ),
  );
}
