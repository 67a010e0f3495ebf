/**
 * How byte-level BPE builds one word's tokens, step by step: the word's bytes (as GPT-2's
 * stand-in characters), then after each merge, in the order of the merges' ranks, until no
 * learned merge applies. The last step is the word's tokens. Free of Deno APIs (the page runs it).
 *
 * @module
 */
import type { BpeDefinition } from "../pipeline/bpe/tokenizer_json.ts";

/** One step: the symbols of the word after `merge` (null for the bytes we start from). */
export interface MergeStep {
  /** The pair merged at this step, and its rank (0 = learned first); null at the start. */
  merge: { left: string; right: string; rank: number } | null;
  /** The word's symbols after it (token strings, GPT-2 stand-ins for bytes). */
  symbols: string[];
}

const ranksOf = new WeakMap<BpeDefinition, Map<string, number>>();

/**
 * The merges that turn `word` (one pre-tokenized word, e.g. " cat") into its tokens. A byte the
 * vocabulary lacks is dropped, as the tokenizer does; with `ignoreMerges` a word in the
 * vocabulary is one step.
 *
 * @example
 * ```ts
 * import { trainBpe } from "../pipeline/mod.ts";
 * import { mergeSteps } from "./merge_steps.ts";
 * const tokenizer = await trainBpe(["the cat sat on the mat"], { vocabSize: 270 });
 * const steps = mergeSteps(tokenizer.definition, " the");
 * console.log(steps[0].symbols, steps.at(-1)!.symbols); // ["Ġ", "t", "h", "e"] ["Ġthe"]
 * ```
 */
export function mergeSteps(definition: BpeDefinition, word: string): MergeStep[] {
  const { vocab } = definition;
  const symbols = [...new TextEncoder().encode(word)].map((byte) => BYTE_CHARS[byte])
    .filter((symbol) => vocab.has(symbol));
  const steps: MergeStep[] = [{ merge: null, symbols: [...symbols] }];
  const whole = symbols.join("");
  if (definition.ignoreMerges && symbols.length > 1 && vocab.has(whole)) {
    return [...steps, { merge: null, symbols: [whole] }];
  }
  let ranks = ranksOf.get(definition);
  if (!ranks) {
    ranks = new Map(definition.merges.map(([left, right], rank) => [`${left} ${right}`, rank]));
    ranksOf.set(definition, ranks);
  }
  for (;;) {
    // The adjacent pair learned earliest is merged next, everywhere it occurs in the word.
    let best = -1, bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return steps;
    const left = symbols[best], right = symbols[best + 1];
    for (let i = 0; i + 1 < symbols.length; i++) {
      if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
    }
    steps.push({ merge: { left, right, rank: bestRank }, symbols: [...symbols] });
  }
}

// GPT-2's byte-to-character table (openai/gpt-2, encoder.py, bytes_to_unicode): printable
// Latin-1 bytes stand for themselves; the other 68 take the code points from U+0100 up, in order.
const BYTE_CHARS: string[] = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0x100;
  return Array.from(
    { length: 256 },
    (_, b) => String.fromCodePoint(printable(b) ? b : next++),
  );
})();
