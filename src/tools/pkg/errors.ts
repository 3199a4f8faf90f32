/**
 * Why a package operation was refused or failed. Refusals (resolution,
 * checksum, file conflicts, a package still needed) are raised before
 * anything is written; messages name the package and what is wrong with it.
 */
import { ToolError } from "../errors";

export class PkgError extends ToolError {}

/** No repository (and not the base image, and nothing installed) knows the name. */
export class PkgNotFoundError extends PkgError {
  readonly package: string;
  constructor(name: string, detail = "no repository has it (try pkg.update, or pkg.search)") {
    super("not_found", `${name}: ${detail}`);
    this.package = name;
  }
}

/** Dependencies cannot be satisfied or a conflict stands in the way. */
export class PkgResolveError extends PkgError {
  readonly package: string;
  constructor(code: "unmet_dependency" | "conflict" | "not_installable", pkg: string, message: string) {
    super(code, message);
    this.package = pkg;
  }
}

/** A downloaded file is not the one the index describes. */
export class PkgChecksumError extends PkgError {
  constructor(what: string, expected: string, got: string) {
    super("checksum_mismatch", `${what}: sha256 mismatch (index says ${expected}, file is ${got}); refused, nothing was installed`);
  }
}

/** A .deb or an index that cannot be read. */
export class PkgFormatError extends PkgError {
  constructor(what: string, reason: string, options?: { cause?: unknown }) {
    super("bad_package", `${what}: ${reason}`, options);
  }
}

/** A repository that cannot be reached or has no index for the configured suite. */
export class PkgRepoError extends PkgError {
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super("repository", `repository ${url}: ${reason}`, options);
  }
}

/** A file the package ships belongs to another installed package (or is a directory where a file goes). */
export class PkgFileConflictError extends PkgError {
  constructor(pkg: string, path: string, reason: string) {
    super("file_conflict", `${pkg}: ${path}: ${reason}; refused, nothing was installed`);
  }
}

/** Removing it would break another installed package (and cascade was not asked for). */
export class PkgNeededError extends PkgError {
  constructor(message: string) {
    super("needed", message);
  }
}

/** Asked to remove something that is not installed, or part of the base image. */
export class PkgNotInstalledError extends PkgError {
  constructor(name: string, why: string) {
    super("not_installed", `${name}: ${why}`);
  }
}
