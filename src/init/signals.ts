/**
 * PID-1 signal duties, as tini keeps them: each signal becomes an event and
 * nothing else happens in the handler. BusyBox's `poweroff` sends SIGUSR2,
 * `reboot` SIGTERM, `halt` SIGUSR1; with ctrl-alt-del disabled the kernel sends
 * SIGINT. These must be installed first thing: Bun exits on SIGTERM/SIGINT
 * when no JS handler exists, which for PID 1 means a kernel panic.
 */
import type { Channel, InitEvent, PowerAction } from "./events";

export const PID1_SIGNALS: Record<string, PowerAction> = {
  SIGUSR2: "poweroff",
  SIGTERM: "reboot",
  SIGUSR1: "halt",
  SIGINT: "reboot",
};

/** On a host, every stop signal just ends the dev process, cleanly. */
export const DEV_SIGNALS: Record<string, PowerAction> = {
  SIGUSR2: "poweroff",
  SIGTERM: "poweroff",
  SIGUSR1: "poweroff",
  SIGINT: "poweroff",
  SIGHUP: "poweroff",
};

export function trapSignals(events: Channel<InitEvent>, table: Record<string, PowerAction>): void {
  for (const [signal, action] of Object.entries(table)) {
    process.on(signal as NodeJS.Signals, () => events.push({ type: "power", action, origin: signal }));
  }
}
