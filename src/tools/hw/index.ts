/** The hw.* tools: the machine's hardware, from /proc and /sys. */
import { hwInfo } from "./info";

export { hwInfo };

export const hwTools = [hwInfo];
