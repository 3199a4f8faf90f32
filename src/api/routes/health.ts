import { Hono } from "hono";
import { json } from "../json";
import { doc } from "../openapi";

/** Liveness for load balancers and the VM tests: no auth, no work; the request id and the count are added as for any route. */
export const health = new Hono().get("/health", doc({ summary: "Liveness: always {status: ok} while the API answers", responses: { 200: { description: "Up.", schema: { type: "object", properties: { status: { const: "ok" } } } } } }, () => json({ status: "ok" })));
