/**
 * The catalogue compiled: each intent's patterns parsed once (macros shared,
 * literal fillers read as nothing), with cheap tests that skip a form
 * before matching (the words it needs, the words it can start with), and
 * the vocabulary typos are read against.
 */
import type { Intent } from "./intent";
import { DOMAIN_SLOTS } from "./domain";
import { literals, type Node, parsePattern } from "./pattern";
import { SLOTS } from "./slots";
import { VALUE_SLOTS } from "./values";
import { FILLERS, PREAMBLES, Vocabulary } from "./words";

/** Every slot type patterns may use: the generic entities and the system's own vocabulary. */
export const ALL_SLOTS = { ...SLOTS, ...VALUE_SLOTS, ...DOMAIN_SLOTS };
const SLOT_TYPES: ReadonlySet<string> = new Set(Object.keys(ALL_SLOTS));

/** Named pieces of pattern, expanded before parsing (`@show`). */
export const MACROS: Readonly<Record<string, string>> = {
  // A quantifier after the verb says nothing a read-only answer does not ("list every account", "show all of the users").
  show: "(show|display|list|print|give|get|tell|view|see|report|fetch|find|pull up|bring up|output|dump|enumerate|list out|print out|go through|count) [me|us] [list of|listing of|overview of|rundown of|summary of|full list of|complete list of|count of|number of] [all of|all|every|each|each of|each one of|every one of|every single|any of|any]",
  // "How many users are there" asks for the list "what users are there" gives, counted in its answer.
  what: "(what|which|how many)",
  be: "(is|are|was|were|be)",
  ask: "(check|verify|test|see|confirm|find out|tell me|show me|let me know|can you tell me|do you know|i wonder|i want to know|i would like to know) [if|whether|that]",
  remove: "(remove|delete|uninstall|purge|erase|drop|get rid of|rm|wipe out|wipe|trash)",
  service: "(service|daemon)",
  dir: "(directory|folder|dir)",
  machine: "(system|machine|computer|box|vm|host|os|node)",
  // This machine as the subject of a question ("what IPs does the server have", "this host's address": the 's is a filler).
  here: "[this|the] (system|machine|computer|box|vm|host|node|server|instance)",
};

/** The macros parsed once; patterns share their nodes. */
let macroNodes: Record<string, Node> | undefined;
function macros(): Record<string, Node> {
  if (!macroNodes) {
    macroNodes = {};
    for (const [name, src] of Object.entries(MACROS)) macroNodes[name] = parsePattern(src, SLOT_TYPES, macroNodes);
  }
  return macroNodes;
}

/** Words one of which must be in a clause for the node to match (a cheap test before matching). */
export type Need = ReadonlySet<string>;

function needs(node: Node): Need[] {
  switch (node.k) {
    case "lit":
      return [new Set(node.words)];
    case "seq":
      return node.items.flatMap(needs);
    case "alt": {
      // One of the options matches: a word of one of their first requirements must be there.
      const words = new Set<string>();
      for (const o of node.options) {
        const n = needs(o);
        if (n.length === 0) return [];
        for (const w of n[0]!) words.add(w);
      }
      return [words];
    }
    default:
      return [];
  }
}

/**
 * The pattern without the literal words the reader drops before matching
 * (articles, "my", "now"...): a pattern that names one still reads the
 * clause that says it.
 */
const stripped = new WeakMap<Node, Node | null>();

function stripFillers(node: Node): Node | null {
  const had = stripped.get(node);
  if (had !== undefined) return had;
  const out = strip(node);
  stripped.set(node, out);
  return out;
}

function strip(node: Node): Node | null {
  switch (node.k) {
    case "lit": {
      // (its|their|the): "the" reads as nothing, so the word becomes optional.
      const words = node.words.filter((w) => !FILLERS.has(w));
      return words.length === node.words.length ? node : words.length ? { k: "opt", item: { k: "lit", words } } : null;
    }
    case "seq": {
      const items = node.items.map(stripFillers).filter((n): n is Node => n !== null);
      return items.length ? { k: "seq", items } : null;
    }
    case "alt": {
      const options = node.options.map(stripFillers);
      // An option that was only fillers reads as nothing: the whole alternative becomes optional.
      const kept = options.filter((n): n is Node => n !== null);
      if (kept.length === 0) return null;
      const alt: Node = kept.length === 1 ? kept[0]! : { k: "alt", options: kept };
      return kept.length < options.length ? { k: "opt", item: alt } : alt;
    }
    case "opt": {
      const item = stripFillers(node.item);
      return item ? { k: "opt", item } : null;
    }
    default:
      return node;
  }
}

/** The words a match of `node` can start with (null: any token, a slot may start it), and whether it can match nothing. */
interface First {
  words: Set<string> | null;
  nullable: boolean;
}

function first(node: Node): First {
  switch (node.k) {
    case "lit":
      return { words: new Set(node.words), nullable: false };
    case "slot":
      return { words: null, nullable: false };
    case "set":
      return { words: new Set(), nullable: true };
    case "opt":
      return { words: first(node.item).words, nullable: true };
    case "alt": {
      const out: First = { words: new Set(), nullable: false };
      for (const o of node.options) {
        const f = first(o);
        out.nullable ||= f.nullable;
        if (f.words === null || out.words === null) out.words = null;
        else for (const w of f.words) out.words.add(w);
      }
      return out;
    }
    case "seq": {
      const out: First = { words: new Set(), nullable: true };
      for (const item of node.items) {
        const f = first(item);
        if (f.words === null || out.words === null) out.words = null;
        else for (const w of f.words) out.words.add(w);
        if (!f.nullable) {
          out.nullable = false;
          break;
        }
      }
      return out;
    }
  }
}

export interface Compiled {
  forms: Array<{ node: Node; needs: Need[]; first: Set<string> | null }>;
  /** The words any of its forms can start with (null: some form may start anywhere). */
  first: Set<string> | null;
  qualifiers: Node[];
  vocabulary: Set<string>;
}

const compiled = new WeakMap<Intent, Compiled>();

export function compile(intent: Intent): Compiled {
  let c = compiled.get(intent);
  if (c) return c;
  const parse = (p: string) => stripFillers(parsePattern(p, SLOT_TYPES, macros())) ?? { k: "seq" as const, items: [] };
  const forms = intent.forms.map((p) => {
    const node = parse(p);
    const f = first(node);
    // A form that may match nothing, or start with a slot, is tried whatever the first word.
    return { node, needs: needs(node), first: f.nullable ? null : f.words };
  });
  const qualifiers = (intent.qualifiers ?? []).map(parse);
  const vocabulary = new Set<string>();
  for (const f of forms) literals(f.node, vocabulary);
  for (const q of qualifiers) literals(q, vocabulary);
  let any: Set<string> | null = new Set();
  for (const f of forms) {
    if (f.first === null || any === null) any = null;
    else for (const w of f.first) any.add(w);
  }
  c = { forms, qualifiers, vocabulary, first: any };
  compiled.set(intent, c);
  return c;
}

const vocabularies = new WeakMap<readonly Intent[], Vocabulary>();

/** The catalogue's words (and the fillers'): typos are read against these. */
export function vocabularyOf(catalogue: readonly Intent[]): Vocabulary {
  let v = vocabularies.get(catalogue);
  if (!v) {
    const words = new Set<string>(FILLERS);
    for (const p of PREAMBLES) for (const w of p) words.add(w);
    for (const i of catalogue) for (const w of compile(i).vocabulary) words.add(w);
    v = new Vocabulary(words);
    vocabularies.set(catalogue, v);
  }
  return v;
}
