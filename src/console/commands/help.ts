import { defineCommand } from "../command";
import { table } from "../../sys/text";

export const help = defineCommand({
  name: "help",
  summary: "list commands, or show one: help <command>",
  usage: "help [command]",
  run: ([name], io) => {
    if (name) {
      const c = io.commands.find((x) => x.name === name);
      io.print(c ? `${c.usage ?? c.name}\n  ${c.summary}` : `help: no command "${name}"; type help for the list`);
      return;
    }
    io.print(table(io.commands.map((c) => [c.usage ?? c.name, c.summary])));
  },
});
