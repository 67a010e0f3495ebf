/**
 * Builds a Tokenizer from a vocabulary given as byte strings in rank order, the form `tiktoken`
 * stores (GPT-2's `gpt2` encoding among others): tiktoken merges the adjacent pair whose
 * concatenation has the lowest rank, and keeps no merge list. The merge list a tokenizer.json needs
 * is recovered by running BPE on each token's own bytes with the tokens ranked before it, until two
 * parts remain: those two are the merge that makes it.
 */
import { BYTE_TO_CHAR } from "./_byte_level.ts";
import type { AddedToken } from "./special_tokens.ts";
import { Tokenizer } from "./tokenizer.ts";

/**
 * Parses tiktoken ranks: either the `.tiktoken` file format (a line per token: base64 bytes, space,
 * rank) or the packed form of the `tiktoken` npm package's encoder JSON `bpe_ranks` ("! 0" then
 * base64 tokens with consecutive ranks from 0). Returns the tokens' bytes indexed by rank.
 */
export function parseTiktokenRanks(text: string): Uint8Array[] {
  const decode = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const tokens: Uint8Array[] = [];
  const lines = text.trim().split("\n");
  if (lines.length === 1) { // packed: "<first> <rank> <base64> <base64> ..."
    const fields = lines[0].split(" ");
    const first = Number(fields[1]);
    fields.slice(2).forEach((base64, k) => tokens[first + k] = decode(base64));
  } else {
    for (const line of lines) {
      const [base64, rank] = line.split(" ");
      tokens[Number(rank)] = decode(base64);
    }
  }
  return tokens;
}

/**
 * A Tokenizer whose token of id r is `tokens[r]` (every single byte must be among them), with
 * `addedTokens` (e.g. GPT-2's `<|endoftext|>` at 50256).
 *
 * @example
 * ```ts
 * import { parseTiktokenRanks, tokenizerFromRanks } from "./from_ranks.ts";
 * const packed = JSON.parse(await Deno.readTextFile("node_modules/tiktoken/encoders/gpt2.json"));
 * const gpt2 = tokenizerFromRanks(parseTiktokenRanks(packed.bpe_ranks), [
 *   { id: 50256, content: "<|endoftext|>", special: true },
 * ]);
 * ```
 */
export function tokenizerFromRanks(tokens: Uint8Array[], addedTokens: AddedToken[]): Tokenizer {
  const strings = tokens.map((bytes) => Array.from(bytes, (byte) => BYTE_TO_CHAR[byte]).join(""));
  const vocab = new Map(strings.map((token, rank) => [token, rank]));
  const merges: [string, string][] = [];
  strings.forEach((token, rank) => {
    if (tokens[rank].length < 2) return;
    const parts = Array.from(tokens[rank], (byte) => BYTE_TO_CHAR[byte]);
    while (parts.length > 2) {
      let best = -1, at = -1;
      for (let k = 0; k + 1 < parts.length; k++) {
        const merged = vocab.get(parts[k] + parts[k + 1]);
        if (merged !== undefined && merged < rank && (best === -1 || merged < best)) {
          best = merged;
          at = k;
        }
      }
      if (at === -1) {
        throw new Error(`token ${rank} (${token}) cannot be built from earlier tokens`);
      }
      parts.splice(at, 2, parts[at] + parts[at + 1]);
    }
    merges.push([parts[0], parts[1]]);
  });
  for (const token of addedTokens) vocab.set(token.content, token.id);
  return new Tokenizer({ vocab, merges, addedTokens, ignoreMerges: false, addPrefixSpace: false });
}
