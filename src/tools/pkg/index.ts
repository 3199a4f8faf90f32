/**
 * The pkg tools: a Debian package manager over apt repositories (file:// or
 * http://) that never runs maintainer scripts and records every file it puts
 * down, so removal and rollback are exact.
 */
export { pkgInfo, pkgInstall, pkgList, pkgRemove, pkgSearch, pkgTools, pkgUpdate } from "./tools";
export { PkgManager, readProvided, SCRIPTS_NOTE, type InstallResult, type InstallUndo, type PkgSettings, type RemoveResult, type RemoveUndo, type Target } from "./manager";
export { guestToHost, pkgProvider, pkgSettings, workingDb } from "./host";

import { pkgProvider } from "./host";
/** ToolHost.pkg with the default [pkg] settings; boot applies config.toml's with `host.pkg.configure(pkgSettings(env, config.pkg))`. */
export const pkgHost = pkgProvider();
export { RepoClient, type IndexInfo, type RepoSpec } from "./repo";
export { compareVersions, satisfies } from "./version";
export * from "./errors";
