// Built at build time by a macro (bundle.ts says why and how); in the compiled binary these are string constants.
import { bundleConsole } from "./bundle" with { type: "macro" };

export const ASSETS = bundleConsole();
