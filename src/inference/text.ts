/**
 * From tokens to streamed text: incremental detokenization that only lets
 * whole characters out, and stop strings that end the output before them
 * (OpenAI's `stop`), holding back any tail that might become one.
 */

export interface Decoder {
  decode(ids: number[], opts: { skip_special_tokens: boolean }): string;
}

/** Decodes a growing token list into text deltas, never splitting a character. */
export class Detokenizer {
  private readonly ids: number[] = [];
  private start = 0;
  private emitted = 0;
  constructor(private readonly tokenizer: Decoder, private readonly skipSpecial: boolean) {}

  private decodeWindow(): string {
    const opts = { skip_special_tokens: this.skipSpecial };
    if (this.start === 0) return this.tokenizer.decode(this.ids, opts);
    // One token of overlap, so decoders that trim a leading space (sentencepiece) decode the window as they would the whole.
    const prev = this.tokenizer.decode(this.ids.slice(this.start - 1, this.start), opts);
    return this.tokenizer.decode(this.ids.slice(this.start - 1), opts).slice(prev.length);
  }

  push(id: number): string {
    this.ids.push(id);
    const text = this.decodeWindow();
    if (text.endsWith("\uFFFD")) return "";
    const delta = text.slice(this.emitted);
    this.emitted = text.length;
    // Past a line, start a new window: decoding stays linear in the output's length.
    if (text.endsWith("\n")) {
      this.start = this.ids.length;
      this.emitted = 0;
    }
    return delta;
  }

  /** What was held back at the end of the output (an incomplete character decodes as U+FFFD, as transformers.js's decode gives it). */
  end(): string {
    if (this.ids.length === this.start) return "";
    const text = this.decodeWindow();
    const delta = text.slice(this.emitted);
    this.emitted = text.length;
    return delta;
  }
}

/** Finds stop strings in streamed text. */
export class StopStrings {
  private pending = "";
  stopped = false;
  constructor(private readonly stops: string[]) {}

  /** The text that may go out now; sets `stopped` once a stop string appears (the text before it is returned). */
  push(delta: string): string {
    if (this.stopped) return "";
    if (!this.stops.length) return delta;
    this.pending += delta;
    let cut = -1;
    for (const s of this.stops) {
      const at = this.pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      const out = this.pending.slice(0, cut);
      this.pending = "";
      return out;
    }
    let hold = 0;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, this.pending.length); k > hold; k--) {
        if (s.startsWith(this.pending.slice(-k))) {
          hold = k;
          break;
        }
      }
    }
    const out = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return out;
  }

  /** What was held back, at the end of the output. */
  end(): string {
    const out = this.stopped ? "" : this.pending;
    this.pending = "";
    return out;
  }
}
