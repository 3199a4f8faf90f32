/**
 * Tokenizer files for the tiny models, in the tokenizer.json format of
 * Hugging Face `tokenizers`: a WordPiece vocabulary for BERT (whole words from
 * a small corpus, every single character, and "##" continuations) and a
 * byte-level BPE for GPT-2 (the 256 byte symbols, merges learned here from the
 * same corpus by the standard most-frequent-pair rule, and <|endoftext|>).
 */

export const CORPUS = `aiOS is an operating system whose init process is an orchestrator of agents.
The kernel starts the init process, which mounts the file systems, checks the hardware,
brings up the network and starts the services. Memory keeps what the system learns:
documents, procedures and decisions, searched by words and by meaning. A local model
answers quick questions; a larger one plans. The queue runs the most urgent work first.
The quick brown fox jumps over the lazy dog. Hello world, this is a test of the tokenizer.`;

export interface TokenizerFiles {
  "tokenizer.json": object;
  "tokenizer_config.json": object;
  "special_tokens_map.json": object;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+|[0-9]|[^\sa-z0-9]/g) ?? [];
}

const special = (content: string, id: number, normalized = false) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true,
});

export function wordPieceTokenizer(maxLength: number): { files: TokenizerFiles; vocabSize: number } {
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const chars = [..."abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"()-_/@#&*+=<>[]{}"];
  const whole = [...new Set(words(CORPUS).filter((w) => w.length > 1))].sort();
  const tokens = [...specials, ...chars, ...chars.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`), ...whole];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const id = (t: string) => vocab[t]!;
  const files: TokenizerFiles = {
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: specials.map((t) => special(t, id(t))),
      normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: "BertPreTokenizer" },
      post_processor: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
        pair: [
          { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
          { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
        ],
        special_tokens: {
          "[CLS]": { id: "[CLS]", ids: [id("[CLS]")], tokens: ["[CLS]"] },
          "[SEP]": { id: "[SEP]", ids: [id("[SEP]")], tokens: ["[SEP]"] },
        },
      },
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
    },
    "tokenizer_config.json": {
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: maxLength,
      cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]", mask_token: "[MASK]",
    },
    "special_tokens_map.json": { cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]", mask_token: "[MASK]" },
  };
  return { files, vocabSize: tokens.length };
}

/** GPT-2's reversible map from bytes to printable characters (bytes_to_unicode). */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
  return out;
}

/** GPT-2's pre-tokenizer split, as in its tokenizer.json. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Learns `count` BPE merges from `text`: repeatedly merge the most frequent adjacent pair (ties: first in sort order). */
export function learnMerges(text: string, count: number): string[][] {
  const bytes = byteToUnicode();
  const enc = new TextEncoder();
  const freq = new Map<string, number>();
  for (const piece of text.match(GPT2_SPLIT) ?? []) {
    const symbols = [...enc.encode(piece)].map((b) => bytes[b]!).join(" ");
    freq.set(symbols, (freq.get(symbols) ?? 0) + 1);
  }
  let corpus = [...freq].map(([w, n]) => ({ syms: w.split(" "), n }));
  const merges: string[][] = [];
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const { syms, n } of corpus) for (let i = 0; i + 1 < syms.length; i++) pairs.set(`${syms[i]} ${syms[i + 1]}`, (pairs.get(`${syms[i]} ${syms[i + 1]}`) ?? 0) + n);
    const best = [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!best || best[1] < 2) break;
    const [a, b] = best[0].split(" ") as [string, string];
    merges.push([a, b]);
    corpus = corpus.map(({ syms, n }) => {
      const out: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (syms[i] === a && syms[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(syms[i]!);
      }
      return { syms: out, n };
    });
  }
  return merges;
}

const CHATML = "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

export function byteLevelBpeTokenizer(maxLength: number, merges: number, chatTemplate: boolean): { files: TokenizerFiles; vocabSize: number; eos: number } {
  const learned = learnMerges(CORPUS, merges);
  const tokens = [...byteToUnicode(), ...learned.map((pair) => pair.join(""))];
  const vocab: Record<string, number> = {};
  for (const t of tokens) vocab[t] ??= Object.keys(vocab).length;
  const eos = Object.keys(vocab).length;
  vocab["<|endoftext|>"] = eos;
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  const files: TokenizerFiles = {
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [special("<|endoftext|>", eos, true)],
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: {
        type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "",
        fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: learned,
      },
    },
    "tokenizer_config.json": {
      tokenizer_class: "GPT2Tokenizer",
      add_prefix_space: false,
      bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<|endoftext|>",
      model_max_length: maxLength,
      ...(chatTemplate ? { chat_template: CHATML } : {}),
    },
    "special_tokens_map.json": { bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<|endoftext|>" },
  };
  return { files, vocabSize: eos + 1, eos };
}
