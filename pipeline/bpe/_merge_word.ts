/**
 * Applies ranked BPE merges to the symbols of one word: repeatedly merge the adjacent pair with the
 * lowest rank (the leftmost one on a tie) until no pair has a merge. This is the order Hugging Face's
 * `Word::merge_all` follows, so both give the same tokens.
 */
import type { PairTable } from "./_pair_table.ts";

/** The merges of a tokenizer, ready for lookups. */
export interface RankedMerges {
  /** (left id, right id) -> rank, or -1 when the pair never merges. */
  ranks: PairTable;
  /** rank -> id of the merged token. */
  mergedId: Int32Array;
}

// Words longer than this use the heap (n log n) instead of rescanning all pairs after each merge (n²).
const SHORT_WORD = 48;

const scratchRanks = new Int32Array(SHORT_WORD);

/**
 * Merges `symbols[0, length)` in place and returns the new length.
 *
 * @example
 * ```ts
 * import { PairTable } from "./_pair_table.ts";
 * import { mergeWord } from "./_merge_word.ts";
 * const ranks = new PairTable();
 * ranks.set(1, 2, 0); // rank 0: 1 + 2 -> 9
 * const symbols = Int32Array.of(1, 2, 3);
 * mergeWord(symbols, 3, { ranks, mergedId: Int32Array.of(9) }); // 2; symbols starts 9, 3
 * ```
 */
export function mergeWord(symbols: Int32Array, length: number, merges: RankedMerges): number {
  if (length < 2) return length;
  if (length > SHORT_WORD) return mergeLongWord(symbols, length, merges);
  const { ranks, mergedId } = merges;
  const pairRank = scratchRanks;
  for (let k = 0; k + 1 < length; k++) pairRank[k] = ranks.get(symbols[k], symbols[k + 1]);
  let n = length;
  while (n > 1) {
    let best = -1;
    let at = -1;
    for (let k = 0; k + 1 < n; k++) {
      const rank = pairRank[k];
      if (rank !== -1 && (best === -1 || rank < best)) {
        best = rank;
        at = k;
      }
    }
    if (at === -1) break;
    symbols[at] = mergedId[best];
    for (let k = at + 1; k + 1 < n; k++) symbols[k] = symbols[k + 1];
    for (let k = at + 1; k + 2 < n; k++) pairRank[k] = pairRank[k + 1];
    n--;
    if (at > 0) pairRank[at - 1] = ranks.get(symbols[at - 1], symbols[at]);
    if (at + 1 < n) pairRank[at] = ranks.get(symbols[at], symbols[at + 1]);
  }
  return n;
}

/** The same merge order with a linked list and a min-heap of (rank, position). */
function mergeLongWord(symbols: Int32Array, length: number, merges: RankedMerges): number {
  const { ranks, mergedId } = merges;
  const next = new Int32Array(length);
  const prev = new Int32Array(length);
  for (let k = 0; k < length; k++) {
    next[k] = k + 1 < length ? k + 1 : -1;
    prev[k] = k - 1;
  }
  // Heap entries pack rank and position into one float (both < 2^26 here): rank * 2^26 + position.
  const scale = 2 ** 26;
  const heap: number[] = [];
  const push = (key: number) => {
    let i = heap.length;
    heap.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= heap.length) break;
        if (child + 1 < heap.length && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= last) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  };
  if (length >= scale) {
    throw new RangeError(`a single pre-tokenized word of ${length} bytes is too long to encode`);
  }
  for (let k = 0; k + 1 < length; k++) {
    const rank = ranks.get(symbols[k], symbols[k + 1]);
    if (rank !== -1) push(rank * scale + k);
  }
  const removed = new Uint8Array(length);
  while (heap.length > 0) {
    const key = pop();
    const rank = Math.floor(key / scale);
    const at = key - rank * scale;
    const right = next[at];
    // Skip entries made stale by an earlier merge next to them.
    if (removed[at] || right === -1 || ranks.get(symbols[at], symbols[right]) !== rank) continue;
    symbols[at] = mergedId[rank];
    removed[right] = 1;
    next[at] = next[right];
    if (next[at] !== -1) prev[next[at]] = at;
    if (prev[at] !== -1) {
      const r = ranks.get(symbols[prev[at]], symbols[at]);
      if (r !== -1) push(r * scale + prev[at]);
    }
    if (next[at] !== -1) {
      const r = ranks.get(symbols[at], symbols[next[at]]);
      if (r !== -1) push(r * scale + at);
    }
  }
  let n = 0;
  for (let k = 0; k !== -1; k = next[k]) symbols[n++] = symbols[k];
  return n;
}
