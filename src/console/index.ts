export { Repl, PROMPT, splitWords, type ReplOptions, type TerminalInput } from "./repl";
export { defineCommand, type Command, type CommandIO, type ConsoleDeps, type ConsoleTools, type PhaseView } from "./command";
export { builtins } from "./commands";
export { feed, initialState, type EditorEvent, type EditorState } from "./lineedit";
