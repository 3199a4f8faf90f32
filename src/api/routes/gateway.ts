import { Hono } from "hono";
import { doc } from "../openapi";
import type { ApiDeps } from "../types";
import { json } from "../json";

/**
 * GET /gateway: providers, models, budget spent and left this month, rate
 * limit state, cache settings. Keys are never part of it (the gateway's
 * status holds only where a key came from).
 */
export function gatewayRoutes(deps: ApiDeps) {
  return new Hono().get(
    "/gateway",
    doc({ summary: "The model gateway: providers, budget spent and left this month, rate limits, cache (never keys)" }, (c) => json(deps.gateway?.() ?? { enabled: false, reason: "no gateway in this build" })),
  );
}
