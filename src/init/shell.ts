/**
 * An interactive shell on the console. As PID 1 the shell gets its own session
 * and the console as controlling terminal (BusyBox setsid + cttyhack), so job
 * control and ^C work inside it and never reach PID 1.
 */
import { spawn } from "../sys";

export async function consoleShell(shell: string, pid1: boolean): Promise<number> {
  const argv = pid1 ? ["/bin/setsid", "/bin/cttyhack", shell, "-l"] : [process.env.SHELL || shell];
  const child = spawn(argv, {
    stdio: ["inherit", "inherit", "inherit"],
    env: { ...process.env, PS1: "aios-sh# ", HOME: process.env.HOME ?? "/root", TERM: process.env.TERM ?? "vt100" },
  });
  return await child.exited;
}
