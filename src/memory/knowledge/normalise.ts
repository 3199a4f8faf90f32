/**
 * Normalisation before chunking (seed 002's "Markdown normalisation"): plain
 * text split into paragraphs, or Markdown with its syntax stripped and each
 * paragraph tagged with the headings above it. Code stays verbatim: in
 * sysadmin documents the commands are the content.
 */

export type TextFormat = "text" | "markdown";

export interface Block {
  text: string;
  /** Heading path, outermost first; empty for text before any heading. */
  headings: string[];
  /** Code keeps its lines; prose may be split at sentence ends. */
  code: boolean;
}

/** Markdown if the source says so, or the text has headings, fences or links. */
export function detectFormat(text: string, source?: string): TextFormat {
  if (source && /\.(md|markdown|mdx)$/i.test(source)) return "markdown";
  if (source && /\.(txt|log|conf|cfg|ini)$/i.test(source)) return "text";
  return /^ {0,3}#{1,6}\s+\S/m.test(text) || /^ {0,3}(```|~~~)/m.test(text) || /\[[^\]\n]+\]\([^)\s]+\)/.test(text) ? "markdown" : "text";
}

export function normalise(text: string, format: TextFormat): Block[] {
  const clean = text.replace(/\r\n?/g, "\n").replace(/\t/g, "    ");
  return format === "markdown" ? markdownBlocks(clean) : textBlocks(clean);
}

function textBlocks(text: string): Block[] {
  return text
    .split(/\n[ \t]*\n+/)
    .map((p) => p.split("\n").map((l) => l.trimEnd()).join("\n").trim())
    .filter((p) => p.length > 0)
    .map((p) => ({ text: p, headings: [], code: false }));
}

const HTML_TAGS =
  "a|abbr|b|blockquote|br|center|code|dd|del|details|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|span|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|u|ul";
const HTML_TAG = new RegExp(`</?(?:${HTML_TAGS})(?:\\s[^<>]*)?/?>`, "gi");

/** Inline Markdown to plain text: links keep their text, emphasis and code lose their markers, HTML tags go. */
export function stripInline(s: string): string {
  return s
    // Escaped punctuation is parked in the private-use area so no rule below sees it as syntax.
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~<])/g, (_m, c: string) => String.fromCharCode(0xe000 + c.charCodeAt(0)))
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<((?:https?|ftp|mailto):[^>\s]+)>/g, "$1")
    .replace(HTML_TAG, "")
    .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks, code: string) => code.trim())
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1")
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, "$1$2")
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, "$1$2")
    .replace(/[\ue000-\ue07f]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000));
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;
const HR = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const REF_DEF = /^ {0,3}\[[^\]]+\]:\s*\S+/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const BULLET = /^(\s*)[-*+]\s+(\[[ xX]\]\s+)?/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+/;

function markdownBlocks(text: string): Block[] {
  let lines = text.split("\n");
  // YAML front matter carries metadata, not content.
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end > 0) lines = lines.slice(end + 1);
  }
  const blocks: Block[] = [];
  const stack: Array<{ level: number; title: string }> = [];
  let headings: string[] = [];
  let para: string[] = [];
  let fence: { marker: string; lines: string[] } | null = null;

  const flush = () => {
    const t = para.join("\n").trim();
    if (t) blocks.push({ text: t, headings, code: false });
    para = [];
  };
  const heading = (level: number, title: string) => {
    flush();
    while (stack.length && stack.at(-1)!.level >= level) stack.pop();
    if (title) stack.push({ level, title });
    headings = stack.map((h) => h.title);
  };

  for (const raw of lines) {
    if (fence) {
      if (raw.trimStart().startsWith(fence.marker) && raw.trim().replace(/[`~]/g, "") === "") {
        const code = fence.lines.join("\n").replace(/^\n+|\s+$/g, "");
        if (code) blocks.push({ text: code, headings, code: true });
        fence = null;
      } else {
        fence.lines.push(raw);
      }
      continue;
    }
    const f = FENCE.exec(raw);
    if (f) {
      flush();
      fence = { marker: f[1]!, lines: [] };
      continue;
    }
    const h = ATX.exec(raw);
    if (h) {
      heading(h[1]!.length, stripInline((h[2] ?? "").trim()));
      continue;
    }
    if (SETEXT.test(raw) && para.length === 1 && !BULLET.test(para[0]!)) {
      const title = stripInline(para[0]!.trim());
      para = [];
      heading(raw.trim().startsWith("=") ? 1 : 2, title);
      continue;
    }
    if (raw.trim() === "" || HR.test(raw)) {
      flush();
      continue;
    }
    if (REF_DEF.test(raw) || (raw.includes("|") && TABLE_RULE.test(raw))) continue;
    let line = raw.replace(/^\s{0,3}(>\s?)+/, "");
    line = line.replace(BULLET, "$1- ").replace(ORDERED, "$1$2. ");
    if (/^\s*\|.*\|\s*$/.test(line)) {
      line = line
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((c) => c.trim())
        .join(" | ");
    }
    para.push(stripInline(line.trimEnd()));
  }
  if (fence) {
    // An unclosed fence runs to the end of the document, as CommonMark says.
    const code = fence.lines.join("\n").trim();
    if (code) blocks.push({ text: code, headings, code: true });
  }
  flush();
  return blocks;
}
