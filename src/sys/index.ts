export * from "./errors";
export * as libc from "./libc";
export * from "./proc";
export * from "./spawn";
export * from "./reaper";
export * from "./log";
export * from "./info";
