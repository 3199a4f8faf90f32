import { describe, expect, test } from "bun:test";
import { chunkBlocks } from "./chunk";
import { detectFormat, normalise, stripInline } from "./normalise";

describe("stripInline", () => {
  test("keeps link and image text, drops markers, HTML tags and comments", () => {
    expect(stripInline("See [the docs](https://x.org/a) and ![a diagram](d.png).")).toBe("See the docs and a diagram.");
    expect(stripInline("**bold**, *em*, __strong__, _under_, ~~gone~~, `nginx -t`")).toBe("bold, em, strong, under, gone, nginx -t");
    expect(stripInline("a <b>bold</b> word<!-- note --> <br/>")).toBe("a bold word ");
    expect(stripInline("<https://example.com>")).toBe("https://example.com");
  });

  test("leaves snake_case, globs, placeholders and escapes alone", () => {
    expect(stripInline("set max_connections and proxy_set_header")).toBe("set max_connections and proxy_set_header");
    expect(stripInline("rm *.log then 2 * 3")).toBe("rm *.log then 2 * 3");
    expect(stripInline("ssh <host> as \\*root\\*")).toBe("ssh <host> as *root*");
  });
});

describe("normalise", () => {
  test("Markdown: headings become each paragraph's context, code stays verbatim", () => {
    const md = [
      "---",
      "title: front matter is dropped",
      "---",
      "# Nginx",
      "Intro with a [link](http://x).",
      "",
      "## Proxy",
      "",
      "```nginx",
      "location / {",
      "    proxy_pass http://app;",
      "}",
      "```",
      "",
      "> quoted *advice*",
      "",
      "Setext heading",
      "==============",
      "- item **one**",
      "* item two",
      "3) third",
      "",
      "| a | b |",
      "|---|:-:|",
      "| 1 | 2 |",
      "",
      "[ref]: http://example.com",
      "***",
    ].join("\n");
    expect(normalise(md, "markdown")).toEqual([
      { text: "Intro with a link.", headings: ["Nginx"], code: false },
      { text: "location / {\n    proxy_pass http://app;\n}", headings: ["Nginx", "Proxy"], code: true },
      { text: "quoted advice", headings: ["Nginx", "Proxy"], code: false },
      { text: "- item one\n- item two\n3. third", headings: ["Setext heading"], code: false },
      { text: "a | b\n1 | 2", headings: ["Setext heading"], code: false },
    ]);
  });

  test("a deeper heading nests, a shallower one pops", () => {
    const blocks = normalise("# A\n\n### C\n\nx\n\n## B\n\ny\n\n# D\n\nz", "markdown");
    expect(blocks.map((b) => b.headings)).toEqual([["A", "C"], ["A", "B"], ["D"]]);
  });

  test("plain text: paragraphs, nothing stripped", () => {
    expect(normalise("one *two*\r\nline\n\n\n  three  \n", "text")).toEqual([
      { text: "one *two*\nline", headings: [], code: false },
      { text: "three", headings: [], code: false },
    ]);
  });

  test("format detection from the source or the text", () => {
    expect(detectFormat("plain", "notes/a.md")).toBe("markdown");
    expect(detectFormat("# Title\ntext")).toBe("markdown");
    expect(detectFormat("see [x](http://y)")).toBe("markdown");
    expect(detectFormat("# comment in a config file", "nginx.conf")).toBe("text");
    expect(detectFormat("just words")).toBe("text");
  });
});

describe("chunkBlocks", () => {
  const para = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i} is sentence ${i}.`).join(" ");

  test("small paragraphs of one section pack into one chunk", () => {
    const chunks = chunkBlocks(normalise("# T\n\nalpha.\n\nbeta.", "markdown"), { size: 100, overlap: 20 });
    expect(chunks).toEqual([{ position: 0, context: "T", text: "alpha.\n\nbeta." }]);
  });

  test("no chunk is longer than size; neighbours overlap by whole sentences", () => {
    const text = para(40, "w");
    const chunks = chunkBlocks(normalise(text, "text"), { size: 200, overlap: 60 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(200);
    for (let i = 1; i < chunks.length; i++) {
      const first = chunks[i]!.text.split(". ")[0]!;
      expect(chunks[i - 1]!.text).toContain(first);
    }
    // Every sentence is in some chunk.
    for (let i = 0; i < 40; i++) expect(chunks.some((c) => c.text.includes(`w${i} is sentence ${i}.`))).toBe(true);
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
  });

  test("a section change starts a new chunk with the new context and no overlap", () => {
    const chunks = chunkBlocks(normalise("# A\n\none.\n\n# B\n\ntwo.", "markdown"), { size: 1000, overlap: 100 });
    expect(chunks).toEqual([
      { position: 0, context: "A", text: "one." },
      { position: 1, context: "B", text: "two." },
    ]);
  });

  test("code splits at line ends; a word longer than size is cut hard", () => {
    const code = Array.from({ length: 30 }, (_, i) => `echo line-${i}`).join("\n");
    const chunks = chunkBlocks([{ text: code, headings: [], code: true }], { size: 120, overlap: 0 });
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(120);
      for (const line of c.text.split("\n")) expect(line).toMatch(/^echo line-\d+$/);
    }
    const long = chunkBlocks([{ text: "x".repeat(250), headings: [], code: false }], { size: 100, overlap: 0 });
    expect(long.map((c) => c.text.length)).toEqual([100, 100, 50]);
  });

  test("nothing in, nothing out", () => {
    expect(chunkBlocks(normalise("```\n```\n\n---", "markdown"), { size: 100, overlap: 10 })).toEqual([]);
  });
});
