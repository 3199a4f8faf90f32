import { Hono } from "hono";
import * as v from "valibot";
import type { ApiDeps } from "../types";
import { doc } from "../openapi";
import { readJson } from "../validate";
import { json } from "../json";

export const PowerBody = v.strictObject({ action: v.picklist(["poweroff", "reboot"], 'must be "poweroff" or "reboot"') });

/** Grace period so the 202 reaches the client before the server stops. */
const POWER_DELAY_MS = 100;

export function powerRoutes(deps: ApiDeps) {
  return new Hono().post(
    "/power",
    doc({ summary: "Power off or reboot (orderly: services stop, disks sync)", body: PowerBody, responses: { 202: "Accepted; the system goes down a moment later." } }, async (c) => {
      const { action } = await readJson(c, PowerBody);
      setTimeout(() => deps.power(action), POWER_DELAY_MS);
      return json({ status: "accepted", action }, 202);
    }),
  );
}
