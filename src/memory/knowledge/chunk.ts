/**
 * Chunking with overlap. Paragraphs are packed into chunks of at most `size`
 * characters; a paragraph longer than that is cut at sentence ends (prose) or
 * line ends (code), and a sentence longer than that at a space. A chunk never
 * spans two sections, so each carries one heading path as its context. The
 * next chunk of a section starts with the last `overlap` characters' worth of
 * whole pieces of the one before, so a fact split across the boundary is
 * still found whole in one of them.
 */
import type { Block } from "./normalise";

export interface Chunk {
  position: number;
  /** Heading path, "A > B"; empty when the document has none. */
  context: string;
  text: string;
}

export interface ChunkOptions {
  /** Largest chunk, in characters. */
  size: number;
  /** Characters repeated from the end of the previous chunk of the same section. */
  overlap: number;
}

interface Piece {
  text: string;
  /** What joins it to the piece before it in the same chunk. */
  sep: string;
}

/** Cuts text longer than `size` at whitespace (or hard, for a run with none). */
function hardSplit(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = rest.lastIndexOf(" ", size);
    if (cut < size / 2) cut = size;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** A block as pieces no longer than `size`, with the separators that rebuild it. */
function pieces(block: Block, size: number): Piece[] {
  if (block.text.length <= size) return [{ text: block.text, sep: "\n\n" }];
  const units = block.code ? block.text.split("\n") : block.text.split(/(?<=[.!?:;])\s+|\n/);
  const out: Piece[] = [];
  const joiner = block.code ? "\n" : " ";
  for (const u of units) {
    if (!u.trim()) continue;
    for (const part of hardSplit(u, size)) out.push({ text: part, sep: out.length === 0 ? "\n\n" : joiner });
  }
  return out;
}

const join = (ps: Piece[]): string => ps.map((p, i) => (i === 0 ? p.text : p.sep + p.text)).join("");
const joinedLength = (ps: Piece[]): number => ps.reduce((n, p, i) => n + p.text.length + (i === 0 ? 0 : p.sep.length), 0);

export function chunkBlocks(blocks: Block[], opts: ChunkOptions): Chunk[] {
  const size = Math.max(16, Math.floor(opts.size));
  const overlap = Math.max(0, Math.min(Math.floor(opts.overlap), Math.floor(size / 2)));
  const chunks: Chunk[] = [];
  let current: Piece[] = [];
  let fresh = 0; // pieces in `current` that are not overlap from the previous chunk
  let context = "";

  const emit = () => {
    if (fresh > 0) chunks.push({ position: chunks.length, context, text: join(current) });
    current = [];
    fresh = 0;
  };
  /** Starts the next chunk with whole trailing pieces of the last one, up to `overlap` characters. */
  const carry = () => {
    const tail: Piece[] = [];
    let n = 0;
    for (let i = current.length - 1; i >= 0; i--) {
      const p = current[i]!;
      if (n + p.text.length > overlap) {
        // Nothing whole fits: take the last words of the last piece.
        if (tail.length === 0 && overlap > 0) {
          const cut = p.text.indexOf(" ", p.text.length - overlap);
          if (cut >= 0 && cut < p.text.length - 1) tail.unshift({ text: p.text.slice(cut + 1), sep: p.sep });
        }
        break;
      }
      tail.unshift(p);
      n += p.text.length + p.sep.length;
    }
    emit();
    current = tail;
  };

  for (const block of blocks) {
    const ctx = block.headings.join(" > ");
    if (ctx !== context) {
      emit();
      context = ctx;
    }
    for (const piece of pieces(block, size)) {
      const candidate = [...current, piece];
      if (current.length > 0 && joinedLength(candidate) > size) {
        carry();
        // The overlap plus this piece may still be too long: drop overlap until it fits.
        while (current.length > 0 && joinedLength([...current, piece]) > size) current.shift();
      }
      current.push(piece);
      fresh++;
    }
  }
  emit();
  return chunks;
}
