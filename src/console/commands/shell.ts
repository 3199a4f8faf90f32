import { defineCommand } from "../command";

export const shell = defineCommand({
  name: "shell",
  summary: "BusyBox sh on this console; exit returns to the REPL",
  run: async (_args, io) => {
    const code = await io.deps.shell();
    io.print(`shell exited (${code}); back in the aiOS REPL`);
  },
});
