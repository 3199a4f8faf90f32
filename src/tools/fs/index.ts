/** The fs tools: every path confined to the configured roots, every change undoable. */
import { fsDelete } from "./delete";
import { fsDu } from "./du";
import { fsChmod, fsMkdir } from "./mkdir";
import { fsCopy, fsMove } from "./move";
import { fsRead } from "./read";
import { fsSearch } from "./search";
import { fsList, fsStat } from "./stat";
import { fsSymlink } from "./symlink";
import { fsAppend, fsWrite } from "./write";

export const fsTools = [fsRead, fsWrite, fsAppend, fsList, fsStat, fsMkdir, fsDelete, fsMove, fsCopy, fsChmod, fsSymlink, fsSearch, fsDu];

export { FsError, FsPathError } from "./errors";
export { resolvePath, type Resolved } from "./paths";
export { fsAppend, fsChmod, fsCopy, fsDelete, fsDu, fsList, fsMkdir, fsMove, fsRead, fsSearch, fsStat, fsSymlink, fsWrite };
