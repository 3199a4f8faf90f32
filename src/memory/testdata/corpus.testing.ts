/**
 * A held corpus of 20 short sysadmin documents (Markdown and plain text) for
 * the ingestion and search tests and the hybrid-search benchmark. Test data:
 * the expected top hits in the tests were checked by hand against these texts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IngestInput } from "../knowledge/longterm";

export const CORPUS_DIR = join(import.meta.dir, "corpus");

/** Each file as an ingest input: title from its first line, source "corpus/<file>". */
export function loadCorpus(): IngestInput[] {
  return readdirSync(CORPUS_DIR)
    .sort()
    .map((file) => {
      const text = readFileSync(join(CORPUS_DIR, file), "utf8");
      return { title: text.split("\n", 1)[0]!.replace(/^#\s*/, ""), text, source: `corpus/${file}` };
    });
}
