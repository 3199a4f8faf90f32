import type { Command } from "../command";
import { boot } from "./boot";
import { help } from "./help";
import { poweroff, reboot } from "./power";
import { shell } from "./shell";
import { status } from "./status";

/** The built-in commands, in the order `help` lists them. */
export const builtins: readonly Command[] = [help, status, boot, shell, poweroff, reboot];
