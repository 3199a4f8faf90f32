import { defineCommand } from "../command";

export const poweroff = defineCommand({
  name: "poweroff",
  summary: "stop services, sync, unmount and power off",
  run: (_args, io) => io.deps.power("poweroff"),
});

export const reboot = defineCommand({
  name: "reboot",
  summary: "stop services, sync, unmount and reboot",
  run: (_args, io) => io.deps.power("reboot"),
});
