/** What the API needs from the rest of the system, injected so the app runs without a socket in tests. */
import type { SystemInfo } from "../sys";

export type PowerAction = "poweroff" | "reboot";
export type { SystemInfo };

export interface ApiDeps {
  token(): string;
  system(): SystemInfo;
  power(action: PowerAction): void;
}
