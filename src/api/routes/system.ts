import { Hono } from "hono";
import type { ApiDeps } from "../types";

export function systemRoutes(deps: ApiDeps) {
  return new Hono().get("/system", (c) => c.json(deps.system()));
}
