/**
 * Unpacking a verified package under the target root and recording all it
 * put down, the way dpkg does it: every file, link and hard link is first
 * written beside its final name (.aios-new, as dpkg's .dpkg-new) with owner,
 * mode and mtime from the archive, and every file it replaces copied aside;
 * one syncfs of the target (and of the backups' filesystem) makes all of
 * that durable; only then are they renamed into place, a second syncfs makes
 * the renames durable, and the package is recorded as installed. A power cut
 * leaves each path with its old content or its new one, and an unrecorded
 * package is found and put back or removed as any interrupted call is.
 *
 * An existing file that no installed package owns (a BusyBox applet link of
 * the base image, say) is saved and put back when the package goes. A
 * conffile already there with other content is the admin's and is kept (the
 * package's version is not written; the result says so). If anything fails
 * half way, what this package wrote so far is taken away again.
 *
 * Maintainer scripts are not run: accounts and state directories they would
 * have made are made from what scripts.ts reads in them.
 */
import type { PackageStore } from "./store";
import type { Deb } from "./deb";
import { PkgFileConflictError } from "./errors";
import { canonical, hostOf, lstatOrNull } from "./paths";
import { guestOf, type PackageMeta, type UnpackedPackage, Unpacking, type UnpackTarget } from "./unpacking";

export type { PackageMeta, UnpackedPackage, UnpackTarget } from "./unpacking";

/**
 * Refuses, before anything is written, a plan in which a file would land on
 * another installed package's file, on a directory, or on a file another
 * package of the same plan ships.
 */
export function checkFiles(debs: readonly Deb[], root: string, store: PackageStore): void {
  const planned = new Map<string, string>();
  for (const deb of debs) {
    const name = deb.record.name;
    for (const e of deb.entries) {
      if (e.path === "") continue;
      const guest = guestOf(e.path);
      const canon = canonical(root, guest, e.type === "dir");
      const st = lstatOrNull(hostOf(root, canon));
      if (e.type === "dir") {
        if (st && !st.isDirectory()) throw new PkgFileConflictError(name, guest, "ships a directory where a file is");
        continue;
      }
      if (st?.isDirectory()) throw new PkgFileConflictError(name, guest, "ships a file where a directory is");
      const owner = store.owner(canon);
      if (owner && owner.package !== name) throw new PkgFileConflictError(name, guest, `also in installed package ${owner.package}`);
      const other = planned.get(canon);
      if (other && other !== name) throw new PkgFileConflictError(name, guest, `also in ${other}, installed by the same call`);
      planned.set(canon, name);
    }
  }
}

/**
 * One package put down and recorded (the steps are unpacking.ts's). The
 * order is the durability argument: nothing is renamed into place before
 * the staged files and the copies aside are on disk, and nothing is recorded
 * before the renames are.
 */
export function unpack(deb: Deb, meta: PackageMeta, t: UnpackTarget): UnpackedPackage {
  const u = new Unpacking(deb, meta, t);
  try {
    const needs = u.readScripts();
    u.makeAccounts(needs); // first: the archive's owners and the scripts' chown lines need them
    u.stageEntries();
    u.makeStateDirs(needs.stateDirs);
    u.applyChowns(needs.chowns);
    u.syncStaged();
    u.renameStaged();
    u.syncRenames();
    u.record();
    return u.report;
  } catch (err) {
    u.takeBack();
    throw err;
  }
}
