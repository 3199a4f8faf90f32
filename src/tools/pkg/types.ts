/** The manager's settings, what a call acts on, and what install and remove return and save for undo. */
import type { PackageRecord } from "./control";
import type { RepoSpec } from "./repo";
import type { SavedConffile } from "./remover";

export interface PkgSettings {
  repositories: RepoSpec[];
  architecture: string;
  /** Host directory: lists/, debs/, replaced/. */
  cacheDir: string;
  timeoutMs: number;
  /** The base image's packages: records, or the host path of the deb822 list (/etc/aios/pkg/provided). */
  provided: PackageRecord[] | string | null;
  /** Host path of a file:// repository's path. */
  hostPath?(guestPath: string): string;
  /** Runs before a file:// repository is read (mounts the repository disk in the VM). */
  prepare?(repo: RepoSpec, hostDir: string): void | Promise<void>;
}

/** Where a call acts: the target root and how strict owners are. */
export interface Target {
  /** Host directory of the guest's "/" (ToolEnv.root). */
  root: string;
  callId: string | null;
  signal?: AbortSignal;
  /** Dev mode without root: owners that cannot be set are ignored. */
  lenientOwners: boolean;
}

export const SCRIPTS_NOTE =
  "maintainer scripts were not run (aiOS never runs them); system users/groups and state directories they would have made were created from what the scripts name";

export interface InstallUndo {
  packages: Array<{ name: string; version: string; sha256: string }>;
}

export interface RemoveUndo {
  /** In the order they were removed. */
  packages: Array<{ name: string; version: string; sha256: string; repository: string; auto: boolean }>;
  /** Changed conffiles purge deleted: written back after reinstalling. */
  conffiles: SavedConffile[];
}

export interface PlannedPackage {
  name: string;
  version: string;
  auto: boolean;
  reason: string;
  size: number;
}

export interface InstallResult {
  dryRun: boolean;
  installed: Array<PlannedPackage & { files?: number; bytes?: number; scriptsSkipped?: string[] }>;
  alreadyInstalled: Array<{ name: string; version: string; origin: "base" | "installed" }>;
  downloadedBytes: number;
  scriptsSkipped: Array<{ package: string; scripts: string[] }>;
  note: string;
  usersCreated: string[];
  groupsCreated: string[];
  stateDirectories: string[];
  replaced: string[];
  conffilesKept: string[];
  serviceFiles: string[];
  entriesSkipped: string[];
}

export interface RemoveResult {
  dryRun: boolean;
  removed: Array<{ name: string; version: string; reason: string; files?: number }>;
  conffilesKept: string[];
  conffilesPurged: string[];
  leftBehind: string[];
  restored: string[];
  directoriesRemoved: number;
  usersRemoved: string[];
  groupsRemoved: string[];
  runtimeRemoved: string[];
}
