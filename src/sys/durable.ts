/**
 * Durable file writes: what aiOS acknowledges must survive a power cut, not
 * only a crash. A crash (kill -9) keeps the page cache; a power cut keeps only
 * what was fsynced, and ext4's delayed allocation can commit an inode whose
 * data never reached the disk (a file of the right size full of NUL bytes).
 * So every change to a live file goes one of two ways, as dpkg and SQLite do:
 *
 * - replace: new content to a temporary file in the same directory, fsync it,
 *   rename it over the target, fsync the directory (the rename is atomic: a
 *   reader or a reboot sees the old file or the new one, never a mix);
 * - append: write at the end, fsync the file, and fsync the directory when the
 *   append created it.
 *
 * Where a journal commit persists every write the disk completed before it
 * (ext4 with its journal: durable/fs-kind.ts commitKeepsWritten), a staged
 * write under the executor takes one flush instead: its file and the
 * ledger's log are written out to the disk (sync_file_range, no flush), then
 * the rename, then the directory's fsync, whose journal commit persists all
 * three before it can persist the rename (tools/commits.ts apply).
 *
 * Tools call these, never writeFileSync on a live path. This module is the one
 * surface for it: the synchronous helpers (durable/files.ts), the
 * asynchronous ones that let concurrent writers share a flush
 * (durable/group.ts), the two-slot record file the audit ledger anchors its
 * head in (durable/slots.ts), and staged writes that are put in place only
 * once the ledger says so (durable/staging.ts).
 */
export * from "./durable/files";
export { fdatasyncAsync, fsyncAsync, GroupCommit, mayBlock, syncDir } from "./durable/group";
export { commitKeepsWritten } from "./durable/fs-kind";
export { SlotFile } from "./durable/slots";
export { writeOutAsync, writeOutFds } from "./durable/syncfs";
export { clearSpool, pendingAt, redoStaged, type RedoOutcome, type StagedRename, Staging } from "./durable/staging";
