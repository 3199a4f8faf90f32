import { Hono } from "hono";

/** Liveness for load balancers and the VM tests: no auth, no work. */
export const health = new Hono().get("/health", (c) => c.json({ status: "ok" }));
